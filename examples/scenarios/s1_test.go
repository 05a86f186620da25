package scenarios_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/identity"
)

// TestS1SolutionQualification runs s1-solution-qualification.yaml: records
// from two sources make one golden CFO with provenance, all five persons
// are linked to Acme (the gmail.com one by company name, with lower
// confidence), the group has its roles, completeness 2/3, and each
// membership explains its rule.
func TestS1SolutionQualification(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS1)
	_, err := b.eng.UpsertAccounts(b.ctx, acmeRecord())
	require.NoError(t, err)
	rep, err := b.eng.UpsertPersons(b.ctx, acmeCommittee()...)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	// One golden CFO with provenance from both sources.
	cfoID, ok := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003CFO")
	require.True(t, ok)
	leadID, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.True(t, ok)
	require.Equal(t, cfoID, leadID, "the CRM contact and the marketing lead are one person")
	golden, err := b.eng.Identity(cfoID)
	require.NoError(t, err)
	require.Len(t, golden.Records, 2)
	require.Equal(t, "Chief Financial Officer", golden.Person.Title, "the CRM wins for the title")
	require.Equal(t, b2b.SourceSalesforce, golden.Provenance["title"].Source)
	require.Equal(t, b2b.SourceMarketo, golden.Provenance["consent.email"].Source, "the consent comes from the only record that states one, the marketing lead")

	// All five persons linked to Acme; the gmail.com one by company name.
	v := b.view(t, "acme")
	require.Len(t, v.Persons, 5, "all five persons are linked to Acme")
	methods := map[string]identity.Method{}
	for _, p := range v.Persons {
		methods[p.Person.Email] = p.Link.Method
		if p.Person.Email == "sam.jones@gmail.com" {
			require.Equal(t, identity.MethodCompanyName, p.Link.Method)
			require.Less(t, p.Link.Confidence, 0.9, "the company-name link has lower confidence")
		} else {
			require.GreaterOrEqual(t, p.Link.Confidence, 0.9)
		}
	}
	require.Equal(t, identity.MethodExplicit, methods["carla.cfo@acme.com"])

	// The group, its roles, its completeness.
	g := groupOf(t, v, "data-platform")
	require.Equal(t, "Data Platform for Acme", g.Name)
	want := map[string][]string{
		"Chief Financial Officer": {"Economic Buyer"},
		"VP of Engineering":       {"Technical Evaluator"},
		"Sr. Data Engineer":       {"End User"},
	}
	require.Empty(t, cmp.Diff(want, rolesOf(v, g)), "(-want +got)")
	require.InDelta(t, 2.0/3, g.Group.Completeness, 1e-9)
	var missing []string
	for _, m := range g.MissingRoles {
		missing = append(missing, m.Role)
	}
	require.Equal(t, []string{"Champion"}, missing)

	// Each membership explains the rule that matched: the role's rule by
	// name, its expression and the values it read, in the view's line.
	require.Len(t, g.Members, len(g.Group.Members))
	for i, m := range g.Group.Members {
		require.Equal(t, buyinggroup.MethodRule, m.Method, "%s", m.Role)
		require.Equal(t, m.Role, m.Rule, "the standard committee's rules are named after their roles")
		require.NotEmpty(t, m.Expr)
		require.NotEmpty(t, m.Values)
		var values []string
		for _, x := range m.Values {
			require.Contains(t, m.Expr, x.Name, "a value the rule read")
			values = append(values, fmt.Sprintf("%s=%q", x.Name, x.Value))
		}
		require.Equal(t, fmt.Sprintf("rule %q matched: %s with %s", m.Rule, m.Expr, strings.Join(values, ", ")), g.Members[i])
	}
}
