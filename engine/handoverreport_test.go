package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestMergeReportCountsTheHandOver: an account merged into another hands
// its books over in a pass of the other account, which may decide (a
// journey step); the call's report counts that pass's steps and messages
// and the account it changed, as the counters do, even when the other
// account's own pass in the call then has nothing left to do.
func TestMergeReportCountsTheHandOver(t *testing.T) {
	t.Parallel()
	for _, st := range stateStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st.store() })
			setupAcme(t, b)
			// A Dynamics account that nothing links to Acme yet.
			_, err := b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceDynamics, Time: day0,
				Account: b2b.Account{ID: "ACME", Name: "Acme Europe", TimeZone: "Europe/Berlin"}})
			require.NoError(t, err)
			b.clock.Set(day(5))
			_, err = b.eng.Advance(b.ctx, day(5))
			require.NoError(t, err)
			before := b.eng.Counters()
			// A Marketo company with both the Dynamics account's ID and
			// Acme's domain: the two are one account.
			rep, err := b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceMarketo, RecordID: "MKT-ACME", Time: day(5),
				Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "ACME"}},
				Account:     b2b.Account{ID: "ACME", Domains: []string{"acme.com"}}})
			require.NoError(t, err)
			after := b.eng.Counters()
			require.Equal(t, after.Steps-before.Steps, int64(rep.Steps), "steps: report %+v", rep)
			require.Equal(t, queued(after)-queued(before), int64(rep.Messages), "messages: report %+v", rep)
			require.Equal(t, 2, rep.Accounts, "the account merged away and the one it merged into")
		})
	}
}

// queued is the messages the counters say were queued, on every channel.
func queued(c engine.Counters) int64 {
	n := int64(0)
	for k, v := range c.Messages {
		if k != "skipped" && k != "unrenderable" {
			n += v
		}
	}
	return n
}
