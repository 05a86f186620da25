package buyinggroup_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// TestContactRoleChangedWithinOneRole: a CRM contact role replaced by
// another that fills the same role keeps the person in the role, and the
// membership's new explanation (the contact role) comes with a
// member_changed event, as every change of a membership does.
func TestContactRoleChangedWithinOneRole(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	opp := func(role string) *b2b.Opportunity {
		return &b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "p1", Role: role}}}
	}
	g, _, err := cat.ApplyOpportunity(newGroup(t, cat, "dp"), opp(b2b.ContactRoleEconomicBuyer), t0)
	require.NoError(t, err)
	require.Equal(t, []string{"p1=Economic Buyer"}, memberSeats(g))
	t1 := t0.Add(time.Hour)
	ng, evs, err := cat.ApplyOpportunity(g, opp(b2b.ContactRoleEconomicDecisionMaker), t1)
	require.NoError(t, err)
	require.Equal(t, []string{"p1=Economic Buyer"}, memberSeats(ng))
	require.Equal(t, `contact role "Economic Decision Maker"`, ng.Members[0].Note)
	require.Equal(t, t0, ng.Members[0].Since, "the person held the role all along")
	require.Empty(t, ng.History, "no membership ended")
	require.Empty(t, cmp.Diff([]buyinggroup.Event{{
		Type: buyinggroup.EventMemberChanged, Group: g.ID, Account: "acme", Interest: "dp", At: t1,
		Person: "p1", Role: "Economic Buyer", Method: buyinggroup.MethodCRM, From: "crm", To: "crm",
		Reason: `CRM opportunity "o1": contact role "Economic Decision Maker"`,
	}}, evs))
	require.Equal(t, t1, ng.UpdatedAt)
}
