package scenarios_test

import (
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
// their roles in the closed group's history: the win ends no membership,
// time passing changes none, and a role that ends later (a member moves
// to marketing) stays in Group.History.
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
	// Evaluator any more, so that membership ends, and the closed group's
	// history keeps it, with when it began and ended and why.
	moved := contact("003CTO", "cto@acme.com", "Tess", "Ito", "Marketing Coordinator", "acme")
	moved.Time = day(70)
	b.clock.Set(day(70))
	rep, err = b.eng.UpsertPersons(b.ctx, moved)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(120))
	_, err = b.eng.Advance(b.ctx, day(120))
	require.NoError(t, err)
	dp = groupOf(t, b.view(t, "acme"), "data-platform")
	require.Equal(t, buyinggroup.StageClosedWon, dp.Group.Stage)
	require.Empty(t, cmp.Diff(committee[:1], dp.Group.Members), "(-want +got) the CFO stays Economic Buyer")
	ended := committee[1]
	ended.Until, ended.EndReason = day(70), "no qualification rule of the role matches any more"
	require.Empty(t, cmp.Diff([]buyinggroup.Member{ended}, dp.Group.History), "(-want +got) the CTO's role in the history")
	// The committee that won the deal reads back from the group: the
	// members and ended memberships that held a role when it closed.
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
