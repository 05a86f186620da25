package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// dueByTwo is a store that returns at most two due accounts a call, as a
// store may ("at most Limit"): Advance must page.
type dueByTwo struct{ store.Store }

func (s dueByTwo) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	q := *p
	q.Limit = 2
	return s.Store.DueAccounts(ctx, &q)
}

// quietAndBusy sets up, on st, quiet accounts of the given IDs and the
// account z-busy, entered by hand into the pipeline journey (whose wait
// ends on day 5); it returns the bundle once the journey's intro went out.
func quietAndBusy(t *testing.T, st store.Store, quiet ...string) *bundle {
	t.Helper()
	defs := pipelineProgram()
	defs.Journeys[0].Triggers = []journey.Trigger{{Type: journey.TriggerManual}}
	b := setup(t, defs, func(c *engine.Config) { c.Store = st })
	b.store = st
	var recs []identity.AccountRecord
	for _, id := range append(quiet, "z-busy") {
		recs = append(recs, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{id + ".example"}}})
	}
	_, err := b.eng.UpsertAccounts(b.ctx, recs...)
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-z", "cfo@z-busy.example", "Ann", "Zed", "CFO", ""))
	require.NoError(t, err)
	_, err = b.eng.Enter(b.ctx, "z-busy", "pipeline-acceleration")
	require.NoError(t, err)
	require.Len(t, claimAll(t, b, day0), 1, "the intro")
	return b
}

// TestAdvanceReachesEveryDueAccount: accounts whose passes decide nothing
// (quiet accounts, due for a refresh, which sort first) are not due again
// until their next refresh, and never hide an account whose journey wait
// ends behind them, however few accounts the store returns at once.
func TestAdvanceReachesEveryDueAccount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		store func() store.Store
	}{
		{"values", func() store.Store { return memory.New() }},
		{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
		{"two at a time", func() store.Store { return dueByTwo{memory.New()} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := tt.store()
			b := quietAndBusy(t, st, "a-quiet", "b-quiet", "c-quiet")
			b.clock.Set(day(2))
			_, err := b.eng.Advance(b.ctx, day(2))
			require.NoError(t, err)
			for _, id := range []b2b.AccountID{"a-quiet", "b-quiet", "c-quiet"} {
				a, err := st.LoadAccount(b.ctx, "default", id)
				require.NoError(t, err)
				require.True(t, a.DueAt.After(day(2)), "%s is not due again before its next refresh (due %s)", id, a.DueAt)
			}
			commits := b.eng.Counters().Commits
			rep, err := b.eng.Advance(b.ctx, day(2))
			require.NoError(t, err)
			require.Equal(t, engine.Report{}, rep)
			require.Equal(t, commits, b.eng.Counters().Commits, "a second Advance to the same time runs nothing")

			b.clock.Set(day(6))
			_, err = b.eng.Advance(b.ctx, day(6))
			require.NoError(t, err)
			require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
			for _, id := range []b2b.AccountID{"a-quiet", "b-quiet", "c-quiet"} {
				require.Zero(t, countEvents(t, b, id, "journey.path"), id)
			}
		})
	}
}

// TestAdvanceManyQuietAccounts: more quiet accounts than Advance reads at
// once do not keep the one behind them waiting.
func TestAdvanceManyQuietAccounts(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,001 accounts")
	}
	var quiet []string
	for i := range 10001 {
		quiet = append(quiet, fmt.Sprintf("q%05d", i))
	}
	b := quietAndBusy(t, memory.New(), quiet...)
	b.clock.Set(day(2))
	_, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	b.clock.Set(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
}

// keepsDue is a store that leaves an account's due time as it was on a
// commit without events or messages: its quiet accounts stay due, as they
// do when rescheduling fails.
type keepsDue struct{ dueByTwo }

func (s keepsDue) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if len(p.Events) == 0 && len(p.Outbox) == 0 && p.ExpectedVersion > 0 {
		a, err := s.LoadAccount(ctx, p.Tenant, p.Account)
		if err != nil {
			return 0, err
		}
		q := *p
		q.DueAt = a.DueAt
		p = &q
	}
	return s.dueByTwo.Commit(ctx, p)
}

// TestAdvancePagesPastAccountsLeftDue: accounts that stay due after their
// last round do not hide those behind them.
func TestAdvancePagesPastAccountsLeftDue(t *testing.T) {
	t.Parallel()
	st := keepsDue{dueByTwo{memory.New()}}
	b := quietAndBusy(t, st, "a-quiet", "b-quiet", "c-quiet")
	b.clock.Set(day(2))
	_, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	a, err := st.LoadAccount(b.ctx, "default", "a-quiet")
	require.NoError(t, err)
	require.False(t, a.DueAt.After(day(2)), "the store left a-quiet due")
	b.clock.Set(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
}

// ignoresAfter is a store that does not page (it drops DueParams.After),
// as an adapter written before the cursor would.
type ignoresAfter struct{ keepsDue }

func (s ignoresAfter) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	q := *p
	q.After = nil
	return s.keepsDue.DueAccounts(ctx, &q)
}

// TestAdvanceStoreThatDoesNotPage: Advance reports a store that returns
// the same page again, instead of asking it forever.
func TestAdvanceStoreThatDoesNotPage(t *testing.T) {
	t.Parallel()
	st := ignoresAfter{keepsDue{dueByTwo{memory.New()}}}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
	var recs []identity.AccountRecord
	for _, id := range []string{"a-quiet", "b-quiet", "c-quiet"} {
		recs = append(recs, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{id + ".example"}}})
	}
	_, err := b.eng.UpsertAccounts(b.ctx, recs...)
	require.NoError(t, err)
	b.clock.Set(day(2))
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	_, err = b.eng.Advance(ctx, day(2))
	require.ErrorContains(t, err, "does not honour store.DueParams.After")
}

// TestQuietAccountsKeepNoRecordPastTheRetention: an account whose passes
// decide nothing still drops its activity records once they are older
// than the retention.
func TestQuietAccountsKeepNoRecordPastTheRetention(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform()) // no journey
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-9", "ana@acme.com", "Ana", "Lee", "Analyst", "")}})
	require.NoError(t, err)
	rep, err := b.eng.Ingest(b.ctx, activity("click", b2b.ActivityClickLink, "L-9", day0, nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	a, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Len(t, engine.ActivityRecordTimes(a.Value), 1)
	events, err := b.eng.Events(b.ctx, "acme", 0, 1000)
	require.NoError(t, err)

	b.clock.Set(day(31))
	_, err = b.eng.Advance(b.ctx, day(31))
	require.NoError(t, err)
	after, err := b.eng.Events(b.ctx, "acme", 0, 1000)
	require.NoError(t, err)
	require.Equal(t, len(events), len(after), "a pass that decided nothing")
	a, err = b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Empty(t, engine.ActivityRecordTimes(a.Value), "the record of day 0 is past the 30-day retention")
	require.True(t, a.DueAt.After(day(31)))
}
