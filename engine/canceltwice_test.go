package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// cancelAtCommit is a store that ends its caller's call at the first
// commit: the host gave up while the call ran.
type cancelAtCommit struct {
	store.Store
	cancel context.CancelFunc
}

func (s cancelAtCommit) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	s.cancel()
	return 0, context.Cause(ctx)
}

// TestCancelledCallSaysSoOnce: a call ended mid-way said "context
// canceled" twice, once with the account whose pass it stopped and once
// alone; it now says it once, with the account.
func TestCancelledCallSaysSoOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := setup(t, weeklyCapProgram(), func(c *engine.Config) {
		c.Store = cancelAtCommit{memory.New(), cancel}
	})
	b.clock.Set(day(1))
	_, err := b.eng.Apply(ctx, engine.Batch{Accounts: []identity.AccountRecord{account("x-corp", "X", "x-corp.com", "")}})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, strings.Count(err.Error(), context.Canceled.Error()), "%v", err)
	require.Contains(t, err.Error(), `account "x-corp"`)
}
