package scenarios_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestS5CrossSell runs s5-cross-sell.yaml: the Data Platform opportunity
// closes won, its group moves to Closed Won, the account becomes eligible
// for the Security Suite, a new group is created, and the persons keep
// their roles in the closed group's history.
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
	require.Len(t, b.view(t, "acme").Groups, 1, "an open deal does not make the account eligible")

	won := opp
	won.Status, won.Stage, won.ClosedAt = b2b.OpportunityWon, "Closed Won", day(20)
	b.clock.Set(day(20).Add(time.Hour))
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

	// The cross-sell group is created when the deal is won.
	require.Len(t, v.Groups, 2)
	sec := groupOf(t, v, "security-suite")
	require.Equal(t, day(20).Add(time.Hour), sec.Group.CreatedAt, "the cross-sell group is created when the deal is won")
	require.NotEmpty(t, sec.Group.Members, "the committee is qualified for the new interest")

	// The persons keep their roles in the closed group.
	cfo := b2b.PersonID("salesforce:003CFO")
	require.Contains(t, dp.Group.RolesOf(cfo), "Economic Buyer")
	require.Contains(t, dp.Group.RolesOf("salesforce:003CTO"), "Technical Evaluator")
	var crm bool
	for _, m := range dp.Group.Members {
		if m.Person == cfo && m.Method == buyinggroup.MethodCRM {
			crm = true
		}
	}
	require.True(t, crm, "the CRM contact role confirmed the Economic Buyer")
}
