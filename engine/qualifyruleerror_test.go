package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// TestRoleRuleThatFailsForOnePerson: a role rule that cannot be evaluated
// on one person's data (here expr's memory budget, for everyone but a
// person whose attribute settles it first) does not hold for that person
// and is logged as qualify.rule_error; the account's groups are qualified
// all the same. It failed the whole pass: the records were refused and the
// account had no group at all.
func TestRoleRuleThatFailsForOnePerson(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.RoleTemplates = []buyinggroup.RoleTemplate{{ID: "fans", Name: "Fans", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rules.Rule{Name: "fans", Source: `person.email == "carla.cfo@acme.com" || len(0..1000000) > 3`}},
		{Name: "End User", Rule: rules.Rule{Name: "engineers", Source: `person.title contains "Engineer"`}},
	}}}
	defs.Interests[0].Template = "fans"
	b := setup(t, defs)
	setupAcme(t, b)

	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	members := strings.Join(v.Groups[0].Members, "\n")
	require.Len(t, v.Groups[0].Members, 3, members)
	require.Equal(t, 1, strings.Count(members, `rule "fans" matched`), "the CFO's rule held: %s", members)
	require.Equal(t, 2, strings.Count(members, `rule "engineers" matched`), "the engineers' other rule held too: %s", members)

	var failed []map[string]string
	persons := map[string]bool{}
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "qualify.rule_error" {
			var d map[string]string
			require.NoError(t, json.Unmarshal(e.Data, &d))
			failed = append(failed, d)
			persons[string(e.Person)] = true
		}
	}
	require.NotEmpty(t, failed)
	require.Len(t, persons, len(v.Persons)-1, "every person but the CFO")
	require.Equal(t, "data-platform", failed[0]["interest"])
	require.Equal(t, "Champion", failed[0]["role"])
	require.Contains(t, failed[0]["error"], `rule "fans"`)
}
