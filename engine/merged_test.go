package engine_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/store"
)

// TestMergedAccountRetires: an account merged into another (a Marketo
// company found to be a Salesforce account) decides nothing more: its
// journeys end, with the merge as their reason; its opportunities go to
// the account it merged into, which the CRM's next versions of them
// reach; it leaves the lists queries select by; time passing commits
// nothing on it; and a host's journey entry naming it is refused. After a
// restart, the opportunity is the surviving account's alone.
func TestMergedAccountRetires(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}}}
	opp := b2b.Opportunity{ID: "opp-1", Account: "mk-7", Name: "Acme Net platform", Stage: "Prospecting", Status: b2b.OpportunityOpen,
		Amount: 10_000, CreatedAt: day0, UpdatedAt: day0, Source: b2b.SourceSalesforce}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk},
		Persons: []identity.PersonRecord{
			lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", ""),
			lead("L-9", "bob@acme.net", "Bob", "Lee", "CFO", ""),
			lead("L-10", "cy@acme.net", "Cy", "Lee", "VP Engineering", ""),
		},
		Opportunities: []b2b.Opportunity{opp}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	listed := func() []b2b.AccountID {
		ids, err := b.eng.Accounts(b.ctx, "stage/data-platform", "Consideration")
		require.NoError(t, err)
		return ids
	}
	require.Contains(t, listed(), b2b.AccountID("mk-7"))
	v, err := b.eng.Account(b.ctx, "mk-7", b.clock.Now())
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1, "the journey waits")

	at := day0.Add(2 * time.Hour)
	mergeInto(t, b, mk, "acme", at)

	v, err = b.eng.Account(b.ctx, "mk-7", at)
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("acme"), v.MergedInto)
	require.Empty(t, v.Persons)
	require.Empty(t, v.Journeys)
	for _, g := range v.Groups {
		require.Empty(t, g.Group.Members, "the group keeps the persons the account let go")
	}
	require.NotContains(t, listed(), b2b.AccountID("mk-7"))
	require.Equal(t, 1, countEvents(t, b, "mk-7", "account.merged"))
	evs, err := b.eng.Events(b.ctx, "mk-7", 0, 1000)
	require.NoError(t, err)
	var ended []journey.Ended
	for _, e := range evs {
		if e.Type == "journey.ended" {
			var en journey.Ended
			require.NoError(t, json.Unmarshal(e.Data, &en))
			ended = append(ended, en)
		}
	}
	require.Equal(t, []journey.Ended{{Journey: "pipeline-acceleration", Version: 1, Entry: 1, At: at,
		Reason: "account merged into acme"}}, ended)
	require.Equal(t, 1, countEvents(t, b, "mk-7", "opportunity.moved"))
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.created"))

	// The CRM's next version of the opportunity, naming the merged
	// account, changes the surviving account's.
	opp.Stage, opp.UpdatedAt = "Negotiation", at.Add(time.Hour)
	rep, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.changed"))

	version := v.Version
	for d := 1; d <= 20; d++ {
		now := day0.AddDate(0, 0, d)
		b.clock.Set(now)
		_, err = b.eng.Advance(b.ctx, now)
		require.NoError(t, err)
	}
	v, err = b.eng.Account(b.ctx, "mk-7", b.clock.Now())
	require.NoError(t, err)
	require.Equal(t, version, v.Version, "time passing committed on the merged account")

	_, err = b.eng.Enter(b.ctx, "mk-7", "pipeline-acceleration")
	require.ErrorIs(t, err, engine.ErrMergedAccount)

	// An erasure still reaches the merged account's history.
	ann, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.True(t, ok)
	require.Positive(t, countEventsWhere(t, b, "mk-7", func(e store.Event) bool { return e.Person == ann }))
	_, err = b.eng.ErasePerson(b.ctx, ann)
	require.NoError(t, err)
	require.Zero(t, countEventsWhere(t, b, "mk-7", func(e store.Event) bool { return e.Person == ann }))

	eng, rrep := recovered(t, b)
	require.Empty(t, rrep.Contested)
	opp.Stage, opp.UpdatedAt = "Closed Won", at.Add(2*time.Hour)
	opp.Status, opp.ClosedAt = b2b.OpportunityWon, at.Add(2*time.Hour)
	rep, err = eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 2, countEvents(t, b, "acme", "opportunity.changed"))
	require.Equal(t, 1, countEvents(t, b, "mk-7", "opportunity.moved"))
}

// TestMergedAccountMessagesCountInCaps: the messages an account's
// journeys sent a person before the account merged into another still
// count in the person's frequency caps on the account that takes them.
func TestMergedAccountMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(1))
	setupAcme(t, b)
	mk := acmeNet(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["ann@acme.net"])

	at := day0.Add(2 * time.Hour)
	mergeInto(t, b, mk, "acme", at)
	v, err := b.eng.Account(b.ctx, "acme", at)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"mk-7"}, v.Absorbed)
	require.Equal(t, 1, countEvents(t, b, "acme", "account.absorbed"))

	for d := 1; d <= 6; d++ {
		now := day0.AddDate(0, 0, d)
		b.clock.Set(now)
		_, err = b.eng.Advance(b.ctx, now)
		require.NoError(t, err)
		deliver(now)
	}
	require.Equal(t, []string{"intro"}, sent["ann@acme.net"], "the intro mk-7 sent counts in Ann's cap on acme")
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	evs, err := b.eng.Events(b.ctx, "acme", 0, 1<<20)
	require.NoError(t, err)
	capped := false
	for _, e := range evs {
		if e.Type == "journey.skip" && e.Person == ann {
			var d journey.Decision
			require.NoError(t, json.Unmarshal(e.Data, &d))
			capped = capped || strings.Contains(d.Reason, "frequency cap")
		}
	}
	require.True(t, capped, "acme's nurture to Ann is skipped by the cap")
}

// TestHandOverCatchesUpFirst: the account a merged account hands over to
// decides first what it was due to before the merge (a journey wait that
// ended), at its own time, as for any input. With one worker the merged
// account, whose ID comes first, hands over before the surviving
// account's own pass runs.
func TestHandOverCatchesUpFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 1 })
	zeta := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-time.Hour),
		Account: b2b.Account{ID: "zeta", Name: "Zeta", Domains: []string{"zeta.com"}}}
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Zeta Net", Domains: []string{"zeta.net"}}}
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{zeta, mk},
		Persons: []identity.PersonRecord{
			lead("L-1", "carla@zeta.com", "Carla", "Diaz", "CFO", ""),
			lead("L-2", "victor@zeta.com", "Victor", "Kim", "VP of Engineering", ""),
			lead("L-8", "ann@zeta.net", "Ann", "Lee", "CTO", ""),
		}})
	require.NoError(t, err)

	mergeInto(t, b, mk, "zeta", day0.AddDate(0, 0, 8)) // no Advance since day0: zeta's 5-day wait ended on day 5
	evs, err := b.eng.Events(b.ctx, "zeta", 0, 1<<20)
	require.NoError(t, err)
	var paths []time.Time
	for _, e := range evs {
		if e.Type == "journey.path" {
			paths = append(paths, e.Time)
		}
	}
	require.Equal(t, []time.Time{day0.AddDate(0, 0, 5)}, paths, "the split after the wait runs when the wait ended")
}

// mergeInto upserts, at the time at, a new version of the Marketo company
// rec that names the account into: identity merges the two.
func mergeInto(t *testing.T, b *bundle, rec identity.AccountRecord, into b2b.AccountID, at time.Time) {
	t.Helper()
	b.clock.Set(at)
	rec.Time = at
	rec.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: string(into)}}
	_, err := b.eng.UpsertAccounts(b.ctx, rec)
	require.NoError(t, err)
}

// TestMergedAccountRaisesNoAlert: the pass that merges an account keeps
// the books of the persons it let go, but raises no sales alert on its
// emptied groups: the persons did not leave the company, they are the
// surviving account's.
func TestMergedAccountRaisesNoAlert(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Alerts = []channel.AlertRule{{Name: "committee gone", Strategy: channel.StrategyMilestone,
		When: rules.Rule{Source: `group.completeness == 0 && len(group.members) == 0`}}}
	b := setup(t, defs)
	setupAcme(t, b)
	mk := acmeNet(t, b)
	require.Zero(t, countEvents(t, b, "mk-7", "alert.raised"))
	snapshots := countEvents(t, b, "mk-7", "group.updated")
	mergeInto(t, b, mk, "acme", day0.Add(2*time.Hour))
	require.Equal(t, 1, countEvents(t, b, "mk-7", "account.merged"))
	require.Equal(t, snapshots+1, countEvents(t, b, "mk-7", "group.updated"), "a last snapshot of the emptied group")
	require.Zero(t, countEvents(t, b, "mk-7", "alert.raised"))
}

// acmeNet upserts the Marketo company Acme Net (acme.net) with its one
// lead, Ann Lee, CTO, and returns the company's record.
func acmeNet(t *testing.T, b *bundle) identity.AccountRecord {
	t.Helper()
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}}}
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk},
		Persons: []identity.PersonRecord{lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", "")}})
	require.NoError(t, err)
	return mk
}
