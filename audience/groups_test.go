package audience_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
)

// TestGroupRules checks rules over the account's buying groups: the
// completeness campaign and the stalled-deal audiences.
func TestGroupRules(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "missing economic buyer", Rule: `any(groups, "Economic Buyer" in .missingRoles)`},
		{Name: "stalled", Rule: `any(groups, .velocity <= -50 && .stage != "Closed Won")`},
	}})
	require.NoError(t, err)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		groups []audience.Group
		want   []string
	}{
		{"no groups", nil, nil},
		{"complete and warm", []audience.Group{{ID: "g", Roles: []string{"Economic Buyer"}, Velocity: 10}}, nil},
		{"missing EB", []audience.Group{{ID: "g", MissingRoles: []string{"Champion", "Economic Buyer"}}}, []string{"missing economic buyer"}},
		{"stalled", []audience.Group{{ID: "g", Velocity: -80, Stage: "Decision"}}, []string{"stalled"}},
		{"won is not stalled", []audience.Group{{ID: "g", Velocity: -80, Stage: "Closed Won"}}, nil},
		{"any of two groups", []audience.Group{{ID: "a"}, {ID: "b", Velocity: -50, MissingRoles: []string{"Economic Buyer"}}}, []string{"missing economic buyer", "stalled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := ev.Evaluate(&audience.AccountData{Account: b2b.Account{ID: "acme", Name: "Acme"}, Groups: tt.groups}, nil, now)
			require.NoError(t, err)
			require.Equal(t, tt.want, res.Membership.Names())
		})
	}
}

// TestExplainAccountFieldsInPredicates: an account field a rule reads
// inside a predicate (over groups or persons) is one of the values the
// decision lists, as it is outside one.
func TestExplainAccountFieldsInPredicates(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "hot for its size", Rule: `any(groups, .score >= account.employees / 10)`},
		{Name: "committee at the account's domain", Rule: `count(persons, .email endsWith account.domains[0]) >= 2 && account.employees > 100`},
	}})
	require.NoError(t, err)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := &audience.AccountData{
		Account: b2b.Account{ID: "acme", Name: "Acme", Employees: 2000, Domains: []string{"acme.com"}},
		Persons: []b2b.Person{{ID: "p1", Email: "a@acme.com"}, {ID: "p2", Email: "b@acme.com"}},
		Groups:  []audience.Group{{ID: "g", Score: 250}},
	}
	got := ev.Explain(d, now)
	require.True(t, got[0].Member)
	require.Equal(t, []audience.Value{{Name: "account.employees", Value: "2000"}, {Name: "group.score of g", Value: "250"}}, got[0].Values)
	require.Equal(t, "rule holds: any(groups, .score >= account.employees / 10) with account.employees = 2000, group.score of g = 250", got[0].Reason())
	require.True(t, got[1].Member)
	require.Equal(t, []audience.Value{{Name: "account.domains", Value: "[acme.com]"}, {Name: "account.employees", Value: "2000"}}, got[1].Values)
}

// TestExplainGroupFields: a decision over the account's buying groups
// lists, for each group, the fields its rule's predicates read, so that
// "stalled" says which group cooled down and by how much.
func TestExplainGroupFields(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "stalled", Rule: `any(groups, .velocity <= -50 && .stage != "Closed Won")`},
		{Name: "missing economic buyer", Rule: `any(groups, "Economic Buyer" in .missingRoles)`},
		{Name: "big", Rule: `account.employees > 100`},
	}})
	require.NoError(t, err)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := &audience.AccountData{
		Account: b2b.Account{ID: "acme", Name: "Acme", Employees: 2000},
		Groups: []audience.Group{
			{ID: "acme/data-platform", SolutionInterest: "data-platform", Stage: "Decision", Velocity: -80.123456, MissingRoles: []string{"Champion", "Economic Buyer"}},
			{ID: "acme/security", SolutionInterest: "security", Stage: "Closed Won", Velocity: -95},
		},
	}
	res, err := ev.Evaluate(d, nil, now)
	require.NoError(t, err)
	require.Equal(t, []audience.Value{
		{Name: "group.velocity of data-platform", Value: "-80.123456"},
		{Name: "group.stage of data-platform", Value: "Decision"},
		{Name: "group.velocity of security", Value: "-95"},
		{Name: "group.stage of security", Value: "Closed Won"},
	}, res.Decisions[0].Values)
	require.Equal(t, `acme entered audience "stalled" at 2026-03-02T09:00:00Z: rule holds: any(groups, .velocity <= -50 && .stage != "Closed Won") with `+
		`group.velocity of data-platform = -80.12, group.stage of data-platform = Decision, group.velocity of security = -95, group.stage of security = Closed Won`, res.Events[0].String())
	require.Equal(t, []audience.Value{
		{Name: "group.missingRoles of data-platform", Value: "[Champion, Economic Buyer]"},
		{Name: "group.missingRoles of security", Value: "[]"},
	}, res.Decisions[1].Values)
	require.Equal(t, []audience.Value{{Name: "account.employees", Value: "2000"}}, ev.Explain(d, now)[2].Values, "a rule that reads no group lists none")
}

// TestReasonDoesNotRoundOntoTheRulesNumbers: a reason rounds a value for
// people, but not onto a number its rule compares with, or across one: a
// velocity of -49.996 that keeps a group out of "velocity <= -50" reads
// -49.996, not -50, and a score of 149.99999 below 150 reads 149.99999. A
// value away from the rule's numbers keeps its two decimals.
func TestReasonDoesNotRoundOntoTheRulesNumbers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		rule  string
		group audience.Group
		want  string
	}{
		{`any(groups, .velocity <= -50)`, audience.Group{ID: "g", Velocity: -49.996},
			`rule does not hold: any(groups, .velocity <= -50) with group.velocity of g = -49.996`},
		{`any(groups, .velocity <= -50)`, audience.Group{ID: "g", Velocity: -50.004},
			`rule holds: any(groups, .velocity <= -50) with group.velocity of g = -50.004`},
		{`any(groups, .score >= 150 && .completeness >= 0.6)`, audience.Group{ID: "g", Score: 149.99999, Completeness: 0.6667},
			`rule does not hold: any(groups, .score >= 150 && .completeness >= 0.6) with group.score of g = 149.99999, group.completeness of g = 0.67`},
		{`any(groups, .completeness > 0.66)`, audience.Group{ID: "g", Completeness: 0.6599},
			`rule does not hold: any(groups, .completeness > 0.66) with group.completeness of g = 0.6599`},
		{`any(groups, .score > 100)`, audience.Group{ID: "g", Score: 185.8038812696166},
			`rule holds: any(groups, .score > 100) with group.score of g = 185.8`},
	}
	for _, tt := range tests {
		ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "a", Rule: tt.rule}}})
		require.NoError(t, err)
		got := ev.Explain(&audience.AccountData{Account: b2b.Account{ID: "acme"}, Groups: []audience.Group{tt.group}}, now)
		require.Equal(t, tt.want, got[0].Reason(), tt.rule)
	}
}
