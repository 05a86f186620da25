package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store/memory"
)

// TestRedeliveryPastTheRetention: an activity older than the account's
// activity retention when it arrives is rejected as too late, however
// often it comes (the account no longer knows whether it applied it);
// one within the retention, which follows a longer scoring horizon,
// counts once.
func TestRedeliveryPastTheRetention(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		horizon time.Duration
		age     time.Duration
		applied bool
	}{
		{"default horizon, an hour past 30 days", 0, 30*24*time.Hour + time.Hour, false},
		{"default horizon, within 30 days", 0, 29 * 24 * time.Hour, true},
		{"90-day horizon, 60 days old", 90 * 24 * time.Hour, 60 * 24 * time.Hour, true},
		{"90-day horizon, 91 days old", 90 * 24 * time.Hour, 91 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prog, err := program.Compile(pipelineProgram(), program.Options{Scoring: scoring.Config{Horizon: tt.horizon}})
			require.NoError(t, err)
			c := clock.NewManual(day0)
			st := memory.New()
			eng, err := engine.New(engine.Config{Store: st, Program: prog, Clock: c})
			require.NoError(t, err)
			b := &bundle{ctx: context.Background(), eng: eng, store: st, clock: c}
			setupAcme(t, b)
			old := activity("old-demo", b2b.ActivityRequestDemo, "L-2", day0.Add(-tt.age), nil)
			for i := range 3 {
				rep, err := b.eng.Ingest(b.ctx, old)
				require.NoError(t, err)
				switch {
				case !tt.applied:
					require.Zero(t, rep.Applied)
					require.Len(t, rep.Rejected, 1)
					require.Equal(t, "too_late", rep.Rejected[0].Reason)
					require.Contains(t, rep.Rejected[0].Detail, "older than the activity retention")
				case i == 0:
					require.Equal(t, 1, rep.Applied)
				default:
					require.Zero(t, rep.Applied, "delivery %d", i+1)
					require.Equal(t, 1, rep.Duplicates, "delivery %d", i+1)
				}
			}
			want := 0
			if tt.applied {
				want = 1
			}
			require.Equal(t, want, countEvents(t, b, "acme", "activity.applied"))
			require.Equal(t, int64(want), b.eng.Counters().Ingested)
		})
	}
}

// TestActivityOfAnUnknownAccount: an activity that names an account no
// record made is rejected with its reason, and the call's other
// activities stand.
func TestActivityOfAnUnknownAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	bad := activity("bad", b2b.ActivityClickLink, "L-2", day0, nil)
	bad.Account = "typo-account"
	rep, err := b.eng.Ingest(b.ctx, activity("good", b2b.ActivityClickLink, "L-2", day0, nil), bad)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, []engine.Rejection{{Kind: engine.KindActivity, Index: 1, Activity: "bad", Account: "typo-account",
		Reason: "unknown_account", Detail: `no account "typo-account" has been upserted`}}, rep.Rejected)
	require.Equal(t, map[string]int64{"unknown_account": 1}, b.eng.Counters().Rejected)
	_, err = b.eng.Enter(b.ctx, "typo-account", "pipeline-acceleration")
	require.ErrorIs(t, err, engine.ErrUnknownAccount, "a call on one account still fails")
}

// TestActivityOfSeveralAccountsIsOneInput: an activity that reaches two
// accounts (a subsidiary's, with rollup) is one applied input, one
// duplicate when it comes again, and one rejection.
func TestActivityOfSeveralAccountsIsOneInput(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup = true })
	_, err := b.eng.UpsertAccounts(b.ctx,
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.example"}}},
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.example"}, ParentID: "holding"}})
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-9", "vic@globex.example", "Vic", "Kim", "VP of Engineering", "Globex"))
	require.NoError(t, err)

	rep, err := b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, 2, rep.Accounts, "both accounts took it")
	require.Equal(t, 1, countEvents(t, b, "holding", "activity.applied"))
	require.Equal(t, 1, countEvents(t, b, "globex", "activity.applied"))

	rep, err = b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Zero(t, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)

	rep, err = b.eng.Ingest(b.ctx, activity("late", b2b.ActivityRequestDemo, "L-9", day0.AddDate(0, 0, -40), nil))
	require.NoError(t, err)
	require.Len(t, rep.Rejected, 1)
	require.Equal(t, b2b.AccountID("globex"), rep.Rejected[0].Account, "of two accounts refusing it alike, the first by ID")

	// 31 days on, the holding's record changes (its pass prunes the
	// record of "one"); globex has no pass. Sent again, "one" is a
	// duplicate to globex and too late to the holding: one duplicate.
	b.clock.Set(day(31))
	_, err = b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day(31),
		Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.example"}, Employees: 5000}})
	require.NoError(t, err)
	rep, err = b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Zero(t, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)
	require.Empty(t, rep.Rejected)

	c := b.eng.Counters()
	require.Equal(t, int64(1), c.Ingested)
	require.Equal(t, int64(2), c.Duplicates)
	require.Equal(t, map[string]int64{"too_late": 1}, c.Rejected)
}
