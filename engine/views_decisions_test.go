package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// longLog is a store whose every account has a log of n events (seq 1 to
// n), made as they are read, and which records the largest page asked for.
type longLog struct {
	store.Store
	n       int64
	largest *int
}

func (s longLog) Events(_ context.Context, p *store.EventsParams) ([]store.Event, error) {
	limit := p.EffectiveLimit()
	*s.largest = max(*s.largest, limit)
	var out []store.Event
	for seq := p.AfterSeq + 1; seq <= s.n && len(out) < limit; seq++ {
		out = append(out, store.Event{Seq: seq, Account: p.Account, Type: "activity.applied", Time: day0})
	}
	return out, nil
}

// TestAccountViewDecisionsOfALongLog: the view's decisions are the
// account's latest events however long its log, read a page at a time:
// a busy account's log passes a million events in a few years.
func TestAccountViewDecisionsOfALongLog(t *testing.T) {
	t.Parallel()
	largest := 0
	n := int64(1<<20 + 75)
	b := setup(t, dataPlatform(), func(c *engine.Config) { c.Store = longLog{Store: memory.New(), n: n, largest: &largest} })
	setupAcme(t, b)
	largest = 0
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Decisions, 50)
	require.Equal(t, n-49, v.Decisions[0].Seq, "the newest 50, oldest first")
	require.Equal(t, n, v.Decisions[49].Seq)
	require.LessOrEqual(t, largest, 1000, "a view reads the log in pages, not whole")
}
