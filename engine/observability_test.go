package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/store"
)

// syncBuffer is a log destination for the engine's workers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// messages counts the log records by message.
func (s *syncBuffer) messages(t *testing.T) map[string]int64 {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(s.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		out[rec["msg"].(string)]++
	}
	return out
}

// conflictOnce is a store whose next commit, once armed, loses the
// version race (another writer got there first) without committing.
type conflictOnce struct {
	store.Store
	armed atomic.Bool
}

func (s *conflictOnce) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if s.armed.CompareAndSwap(true, false) {
		return 0, store.ErrConflict
	}
	return s.Store.Commit(ctx, p)
}

// TestCommitsAndConflictsLoggedAsCounted: every commit the counters count
// is logged ("account committed") and every version conflict retried is
// logged ("version conflict, retrying"), those of an Advance over quiet
// days, whose passes commit only the account's next due time, too: a
// host that reads the log and one that reads the counters see the same.
func TestCommitsAndConflictsLoggedAsCounted(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	st := &conflictOnce{Store: stateStores[0].store()}
	b := setup(t, pipelineProgram(), func(c *engine.Config) {
		c.Store = st
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	setupAcme(t, b)

	// Days 1 to 4 are quiet (refreshes); the wait ends on day 5. The
	// first quiet day's commit loses a race once.
	st.armed.Store(true)
	b.clock.Set(day(5))
	_, err := b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
	require.False(t, st.armed.Load(), "the conflict happened")

	c := b.eng.Counters()
	got := logs.messages(t)
	require.Equal(t, int64(1), c.Conflicts)
	require.Equal(t, c.Conflicts, got["version conflict, retrying"], "conflicts")
	require.Equal(t, c.Commits, got["account committed"], "commits")
}
