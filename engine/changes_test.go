package engine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// The view's group score is the one the engine decides on: with what
// journeys' adjust_score actions added (GroupView.Adjustment).
func TestAccountViewGroupScoreIncludesAdjustments(t *testing.T) {
	defs := dataPlatform()
	defs.Journeys = []journey.Journey{{ID: "boost", Name: "Boost",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "adj", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Delta: 50, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		}}}
	b := setup(t, defs)
	setupAcme(t, b)
	require.Positive(t, countEvents(t, b, "acme", "scoring.adjusted"))
	b.clock.Set(day(1))
	_, err := b.eng.Advance(b.ctx, day(1))
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	// group.updated holds the score the engine uses.
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var last string
	for _, e := range evs {
		if e.Type == "group.updated" {
			last = string(e.Data)
		}
	}
	t.Logf("last group.updated: %s", last)
	require.Contains(t, last, `"score":50`, "the engine's own group score includes the adjustment")
	require.InDelta(t, 50.0, v.Groups[0].Score.Score, 0.01, "the view's group score leaves out the journey's +50 adjustment")
	require.InDelta(t, 50.0, v.Groups[0].Adjustment, 0.01)
}

// Report.Messages counts what was queued, not a journey's other actions
// (a score adjustment, a list).
func TestReportMessagesCountsOutboxEntries(t *testing.T) {
	defs := dataPlatform()
	defs.Journeys = []journey.Journey{{ID: "boost", Name: "Boost",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "adj", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Delta: 50, Next: "list"}},
			{ID: "list", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAddToList, List: "vip", Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		}}}
	b := setup(t, defs)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	pending, err := b.store.PendingOutbox(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Empty(t, pending)
	require.Empty(t, b.eng.Counters().Messages)
	require.Equal(t, 0, rep.Messages, "no outbox entry was made, yet the report counts %d messages", rep.Messages)
}

// Any change to an opportunity is kept and logged: its amount, or a
// contact role's person with the number of contact roles unchanged.
func TestOpportunityUpdateIsKept(t *testing.T) {
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	dev, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-3")
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0,
		ContactRoles: []b2b.ContactRole{{Person: victor, Role: b2b.ContactRoleTechnicalBuyer}}}
	_, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	opp.Amount = 250000
	opp.ContactRoles = []b2b.ContactRole{{Person: dev, Role: b2b.ContactRoleTechnicalBuyer}}
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	rec, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	state := engine.StateJSON(rec)
	require.True(t, strings.Contains(state, `"amount":250000`), "the new amount is lost")
	require.True(t, strings.Contains(state, `"contactRoles":[{"personId":"marketo:L-3"`), "the new contact role is lost")
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.changed"))
}

// An account's journey position says how it entered, where each active
// track is and why it took its last split's path.
func TestAccountViewJourneyPositions(t *testing.T) {
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1)
	jp := v.Journeys[0]
	require.Equal(t, "pipeline-acceleration", jp.Journey)
	require.Equal(t, "buying group created for data-platform", jp.Trigger)
	require.Equal(t, []string{"wait-5d"}, jp.Nodes)
	require.Equal(t, []string{""}, jp.Reasons, "no split yet")

	b.clock.Set(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	v, err = b.eng.Account(b.ctx, "acme", day(6))
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1)
	jp = v.Journeys[0]
	require.Equal(t, []string{"wait-7d"}, jp.Nodes)
	require.Len(t, jp.Reasons, 1)
	require.NotEmpty(t, jp.Reasons[0], "why the split sent the account to nurture")
	require.Equal(t, day(12), jp.Due, "seven days after the split of day 5, when the wait ended (not day 6, when time was advanced)")
}

// A repeat of an activity that was refused is no duplicate: it is scored
// in its turn, refused for the same reason or applied when it is the good
// copy; only a repeat of one applied is a duplicate.
func TestRepeatOfARefusedActivity(t *testing.T) {
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	setupGlobex(t, b)
	wrong := activity("x", b2b.ActivityVisitWebPage, "L-2", day0, nil)
	wrong.Account = "globex" // L-2 is Acme's: no person of Globex
	good := activity("x", b2b.ActivityVisitWebPage, "L-9", day0, nil)
	good.Account = "globex"

	rep, err := b.eng.Ingest(b.ctx, wrong, wrong)
	require.NoError(t, err)
	require.Equal(t, 0, rep.Applied)
	require.Empty(t, rep.DuplicateIndexes, "a repeat of nothing applied")
	require.Len(t, rep.Rejected, 2)
	for i, r := range rep.Rejected {
		require.Equal(t, i, r.Index)
		require.Equal(t, "unknown_person", r.Reason)
	}

	rep, err = b.eng.Ingest(b.ctx, wrong, good, good)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied, "the good copy")
	require.Equal(t, []int{2}, rep.DuplicateIndexes)
	require.Len(t, rep.Rejected, 1)
	require.Equal(t, 0, rep.Rejected[0].Index)
}

// An opportunity the CRM moves to another account leaves the account that
// held it: its CRM claims there are withdrawn, with why, and the move is
// logged; the other account has it.
func TestOpportunityMovedToAnotherAccount(t *testing.T) {
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	_, err := b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}})
	require.NoError(t, err)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	view := func() engine.AccountView {
		v, err := b.eng.Account(b.ctx, "acme", day0)
		require.NoError(t, err)
		return v
	}
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0, ContactRoles: []b2b.ContactRole{{Person: victor, Role: b2b.ContactRoleDecisionMaker}}}
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	v := view()
	require.Equal(t, []string{"Decision Maker"}, v.Groups[0].Group.RolesOf(victor), "the CRM's contact role")

	opp.Account = "globex"
	rep, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 2, rep.Accounts, "the account that held it, and the one that has it")
	rec, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.NotContains(t, engine.StateJSON(rec), `"id":"o1"`, "acme still holds the deal the CRM moved to globex")
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.moved"))
	v = view()
	require.NotContains(t, v.Groups[0].Group.RolesOf(victor), "Decision Maker", "the moved deal's contact role no longer counts")
	rec, err = b.store.LoadAccount(b.ctx, "default", "globex")
	require.NoError(t, err)
	require.Contains(t, engine.StateJSON(rec), `"id":"o1"`)

	// Upserted again on globex: nothing moves.
	rep, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.moved"))
}
