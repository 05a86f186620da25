package buyinggroup_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// TestSameClaimsInAnotherOrderChangeNothing: a source that states the
// same claims again, listed in another order, changes nothing: not the
// claims, not the members, not UpdatedAt.
func TestSameClaimsInAnotherOrderChangeNothing(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	persons := []b2b.PersonID{"p1", "p2"}
	claims := []buyinggroup.Claim{
		ruleClaim("p1", "Technical Evaluator", "te-a", t0),
		ruleClaim("p1", "Technical Evaluator", "te-b", t0),
		ruleClaim("p1", "End User", "eu", t0),
		ruleClaim("p2", "Champion", "ch-b", t0),
		ruleClaim("p2", "Champion", "ch-a", t0),
	}
	reversed := make([]buyinggroup.Claim, len(claims))
	for i, cl := range claims {
		reversed[len(claims)-1-i] = cl
	}
	crm := func(roles ...string) *b2b.Opportunity {
		o := &b2b.Opportunity{ID: "o1", Account: "acme"}
		for _, r := range roles {
			o.ContactRoles = append(o.ContactRoles, b2b.ContactRole{Person: "p3", Role: r})
		}
		return o
	}
	tests := []struct {
		name       string
		one, other func(buyinggroup.Group, time.Time) (buyinggroup.Group, []buyinggroup.Event, error)
	}{
		{"rule claims",
			func(g buyinggroup.Group, now time.Time) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.SetRuleClaims(g, persons, claims, now)
			},
			func(g buyinggroup.Group, now time.Time) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.SetRuleClaims(g, []b2b.PersonID{"p2", "p1"}, reversed, now)
			}},
		{"contact roles",
			func(g buyinggroup.Group, now time.Time) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.ApplyOpportunity(g, crm(b2b.ContactRoleEvaluator, b2b.ContactRoleTechnicalBuyer, "Sponsor"), now)
			},
			func(g buyinggroup.Group, now time.Time) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.ApplyOpportunity(g, crm("Sponsor", b2b.ContactRoleTechnicalBuyer, b2b.ContactRoleEvaluator), now)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, _, err := tt.one(newGroup(t, cat, "dp"), t0)
			require.NoError(t, err)
			again, evs, err := tt.other(g, t0.Add(time.Hour))
			require.NoError(t, err)
			require.Empty(t, evs)
			require.Empty(t, cmp.Diff(g, again), "the same claims in another order changed the group (-before +after)")
		})
	}
}
