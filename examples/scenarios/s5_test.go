package scenarios_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestS5CrossSell runs s5-cross-sell.yaml: the Data Platform opportunity
// closes won, its group moves to Closed Won, the account becomes eligible
// for the Security Suite, a new group is created, and the persons keep
// their roles in the closed group: its membership is kept as it was at
// the win, whatever happens after (time passing, a member moving to
// marketing, activities, a new person joining the account), while the
// open Security Suite group follows the persons.
func TestS5CrossSell(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS5)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		contact("003CFO", "cfo@acme.com", "Carla", "Diaz", "CFO", "acme"),
		contact("003CTO", "cto@acme.com", "Tess", "Ito", "VP of Engineering", "acme"),
	}})
	require.NoError(t, err)
	v := b.view(t, "acme")
	require.Len(t, v.Groups, 1, "only the data platform applies before the win")

	opp := b2b.Opportunity{ID: "006A", Account: "acme", SolutionInterest: "data-platform", Product: "Data Platform", Stage: "Proposal",
		Status: b2b.OpportunityOpen, Amount: 120000, CreatedAt: day(1),
		ContactRoles: []b2b.ContactRole{{Person: "003CFO", Role: b2b.ContactRoleEconomicBuyer, Primary: true}}}
	b.clock.Set(day(1))
	rep, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	open := b.view(t, "acme")
	require.Len(t, open.Groups, 1, "an open deal does not make the account eligible")
	committee := groupOf(t, open, "data-platform").Group.Members
	cfo, cto := b2b.PersonID("salesforce:003CFO"), b2b.PersonID("salesforce:003CTO")
	require.Equal(t, []seatAt{{cfo, "Economic Buyer", buyinggroup.MethodCRM}, {cto, "Technical Evaluator", buyinggroup.MethodRule}},
		seats(committee), "the committee of the deal: the CFO by its contact role, the CTO by rule")

	won := opp
	won.Status, won.Stage, won.ClosedAt = b2b.OpportunityWon, "Closed Won", day(20)
	closedAt := day(20).Add(time.Hour)
	b.clock.Set(closedAt)
	rep, err = b.eng.UpsertOpportunities(b.ctx, won)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	// The won group is Closed Won, and says why.
	v = b.view(t, "acme")
	dp := groupOf(t, v, "data-platform")
	require.Equal(t, buyinggroup.StageClosedWon, dp.Group.Stage)
	last := dp.Group.StageHistory[len(dp.Group.StageHistory)-1]
	require.True(t, last.Auto)
	require.Equal(t, "opportunity won", last.Rule, "the stage change explains itself")
	require.Equal(t, closedAt, last.At)

	// The cross-sell group is created when the deal is won.
	require.Len(t, v.Groups, 2)
	sec := groupOf(t, v, "security-suite")
	require.Equal(t, closedAt, sec.Group.CreatedAt, "the cross-sell group is created when the deal is won")
	require.Equal(t, []seatAt{{cfo, "Economic Buyer", buyinggroup.MethodRule}, {cto, "Technical Evaluator", buyinggroup.MethodRule}},
		seats(sec.Group.Members), "the committee is qualified for the new interest")

	// The persons keep their roles in the closed group: the win ends no
	// membership, each member is as it was before the win.
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-before the win +after) the closed group's members")
	require.Empty(t, dp.Group.History, "the win ended no membership")

	// Time passes: nothing changes in the closed group.
	b.clock.Set(day(60))
	_, err = b.eng.Advance(b.ctx, day(60))
	require.NoError(t, err)
	dp = groupOf(t, b.view(t, "acme"), "data-platform")
	require.Equal(t, buyinggroup.StageClosedWon, dp.Group.Stage)
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-at the win +40 days later) the closed group's members")
	require.Empty(t, dp.Group.History)

	// On day 70 the CTO moves to marketing: no rule makes them Technical
	// Evaluator any more. The closed group keeps its committee as it won
	// the deal; the open Security Suite group follows the persons and ends
	// that membership, which its history keeps.
	moved := contact("003CTO", "cto@acme.com", "Tess", "Ito", "Marketing Coordinator", "acme")
	moved.Time = day(70)
	b.clock.Set(day(70))
	rep, err = b.eng.UpsertPersons(b.ctx, moved)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v = b.view(t, "acme")
	dp = groupOf(t, v, "data-platform")
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-at the win +after the CTO's move) the closed group's members")
	require.Empty(t, dp.Group.History, "no membership of the closed group ends")
	sec = groupOf(t, v, "security-suite")
	require.Equal(t, []seatAt{{cfo, "Economic Buyer", buyinggroup.MethodRule}}, seats(sec.Group.Members))
	require.Equal(t, []seatAt{{cto, "Technical Evaluator", buyinggroup.MethodRule}}, seats(sec.Group.History))
	require.Equal(t, "no qualification rule of the role matches any more", sec.Group.History[0].EndReason)

	// On day 75 the committee is active: engagement after the win still
	// scores, in the closed group as in the open one, and changes no
	// membership.
	b.clock.Set(day(75))
	before := groupOf(t, b.view(t, "acme"), "data-platform").Score.Score
	rep, err = b.eng.Ingest(b.ctx,
		b2b.Activity{ID: "a-1", Type: b2b.ActivityRequestDemo, Person: "003CFO", Source: b2b.SourceSalesforce, Time: day(75)},
		b2b.Activity{ID: "a-2", Type: b2b.ActivityAttendEvent, Person: "003CTO", Source: b2b.SourceSalesforce, Time: day(75)})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	dp = groupOf(t, b.view(t, "acme"), "data-platform")
	require.Greater(t, dp.Score.Score, before, "the closed group's score counts the activities")
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-at the win +after the activities) the closed group's members")

	// On day 80 a Director of IT joins Acme: Technical Evaluator of the
	// Security Suite, not of the closed deal's committee; the account's
	// decisions say why.
	b.clock.Set(day(80))
	rep, err = b.eng.UpsertPersons(b.ctx, contact("003DIR", "dir@acme.com", "Dana", "Li", "Director of IT", "acme"))
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	dir := b2b.PersonID("salesforce:003DIR")
	v = b.view(t, "acme")
	require.Equal(t, []seatAt{{cfo, "Economic Buyer", buyinggroup.MethodRule}, {dir, "Technical Evaluator", buyinggroup.MethodRule}},
		seats(groupOf(t, v, "security-suite").Group.Members), "the new person joins the open cross-sell group")
	dp = groupOf(t, v, "data-platform")
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-at the win +after a new person) the closed group's members")
	evs, err := b.eng.Events(b.ctx, "acme", 0, 10000)
	require.NoError(t, err)
	var held []string
	for _, ev := range evs {
		if ev.Type == "buyinggroup."+string(buyinggroup.EventMemberNotAdded) || ev.Type == "buyinggroup."+string(buyinggroup.EventMemberNotRemoved) {
			var e buyinggroup.Event
			require.NoError(t, json.Unmarshal(ev.Data, &e))
			held = append(held, fmt.Sprintf("%s %s %s: %s", e.Type, e.Person, e.Role, e.Reason))
		}
	}
	const why = "group closed: Closed Won on 2026-03-22; membership kept as at close"
	require.Empty(t, cmp.Diff([]string{
		"member_not_removed " + string(cto) + " Technical Evaluator: " + why + " (no qualification rule of the role matches any more)",
		"member_not_added " + string(dir) + " Technical Evaluator: " + why + ` (rule "Technical Evaluator" matched: person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering", "Security"] with person.seniority="Director", person.department="IT")`,
	}, held), "(-want +got) what the closed group held back, and why")

	// Time passes: the closed group is as it was at the win, and the
	// committee that won the deal reads back from it.
	b.clock.Set(day(120))
	_, err = b.eng.Advance(b.ctx, day(120))
	require.NoError(t, err)
	dp = groupOf(t, b.view(t, "acme"), "data-platform")
	require.Equal(t, buyinggroup.StageClosedWon, dp.Group.Stage)
	require.Empty(t, cmp.Diff(committee, dp.Group.Members), "(-at the win +100 days later) the closed group's members")
	require.Empty(t, dp.Group.History)
	require.Equal(t, seats(committee), seats(heldAt(dp.Group, closedAt)))
}

// seatAt is a person holding a role, and how.
type seatAt struct {
	Person b2b.PersonID
	Role   string
	Method buyinggroup.Method
}

func seats(ms []buyinggroup.Member) []seatAt {
	out := []seatAt{}
	for _, m := range ms {
		out = append(out, seatAt{m.Person, m.Role, m.Method})
	}
	return out
}

// heldAt returns the memberships of g, current or ended, held at t, by
// person.
func heldAt(g buyinggroup.Group, t time.Time) []buyinggroup.Member {
	var out []buyinggroup.Member
	for _, m := range append(slices.Clone(g.Members), g.History...) {
		if !m.Since.After(t) && (m.Until.IsZero() || m.Until.After(t)) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b buyinggroup.Member) int { return strings.Compare(string(a.Person), string(b.Person)) })
	return out
}
