package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// An action on the track's buying group needs that group: where the
// account has none (a journey entered from an audience, a list or by
// hand before any group formed, or one bound to an interest the account
// has no group for), change_stage, set_attribute and adjust_score on the
// group are skipped with why, rather than dropped without a word or
// handed to the host naming no group; a sales alert still goes, about
// the account, and its decision says it has no group. Actions on
// persons (assign_role, adjust_score of persons) that find nobody say
// so, as a message does.
func TestGroupActionsWithoutTheGroup(t *testing.T) {
	t.Parallel()
	nodes := []journey.Node{
		{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "stage"}},
		{ID: "stage", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Consideration", Next: "attr"}},
		{ID: "attr", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSetAttribute, Target: "group", Attribute: "owner", Value: "sam", Next: "score"}},
		{ID: "score", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Target: "group", Delta: 10, Next: "pscore"}},
		{ID: "pscore", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Target: "person", Delta: 5, Next: "assign"}},
		{ID: "assign", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAssignRole, Role: "Champion", Recipients: &journey.Recipients{Roles: []string{"Technical Evaluator"}}, Next: "account"}},
		{ID: "account", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSetAttribute, Target: "account", Attribute: "tier", Value: "A", Next: "end"}},
		end("end", ""),
	}
	unbound := linear("any", nodes...)
	bound := linear("security", nodes...)
	bound.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Security"}}
	cat := newCatalog(t, journey.Config{}, unbound, bound)
	for _, tc := range []struct {
		name    string
		journey string
		groups  bool // the account keeps its Data Platform group
		none    string
	}{
		{"no group at all", "any", false, "the account has no buying group"},
		{"no group of the journey's interest", "security", true, "the account has no buying group for Security"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			if !tc.groups {
				view.Groups = nil
			}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual(tc.journey, day0)})
			var types []journey.ActionType
			for _, e := range res.Outbox {
				types = append(types, e.Type)
				require.Empty(t, e.Group, "%s names a group", e.Type)
			}
			require.Equal(t, []journey.ActionType{journey.ActionSalesAlert, journey.ActionSetAttribute}, types)
			want := []told{
				{journey.DecisionSend, tc.journey, 1, "alert", "", "sales alert to sara@seller.example (" + tc.none + ")"},
				{journey.DecisionSkip, tc.journey, 1, "stage", "", `change_stage to "Consideration": ` + tc.none},
				{journey.DecisionSkip, tc.journey, 1, "attr", "", "set_attribute group owner: " + tc.none},
				{journey.DecisionSkip, tc.journey, 1, "score", "", "adjust_score group: " + tc.none},
				{journey.DecisionSkip, tc.journey, 1, "pscore", "", "adjust_score person: no recipient matched"},
				{journey.DecisionSkip, tc.journey, 1, "assign", "", `assign_role "Champion": no recipient matched`},
				{journey.DecisionSend, tc.journey, 1, "account", "", `set account attribute tier to "A"`},
			}
			if diff := cmp.Diff(want, tell(res.Trace, journey.DecisionSend, journey.DecisionSkip)); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
		})
	}
}

// A people split that finds nobody among the members it considers (the
// account has no buying group yet, or none holds the roles) says so, as
// an action that finds no recipient does, instead of passing without a
// word.
func TestPeopleSplitWithNobody(t *testing.T) {
	t.Parallel()
	j := linear("ps",
		journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Among: &journey.Recipients{Roles: []string{"Champion"}},
			Paths: []journey.PeoplePath{{Name: "all", Match: &journey.Recipients{When: "score >= 0"},
				Actions: []journey.Action{{Type: journey.ActionEmail, Template: "hello"}}}},
			Next: "end"}},
		end("end", ""))
	cat := newCatalog(t, journey.Config{}, j)
	for _, tc := range []struct {
		name string
		edit func(v *journey.AccountView)
	}{
		{"no group", func(v *journey.AccountView) { v.Groups = nil }},
		{"no member of the roles", func(*journey.AccountView) {}}, // acme's group has no Champion
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			tc.edit(view)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("ps", day0)})
			require.Empty(t, res.Outbox)
			want := []told{{journey.DecisionSkip, "ps", 1, "ps", "", "people split: no recipient matched"}}
			if diff := cmp.Diff(want, tell(res.Trace, journey.DecisionSkip, journey.DecisionPath)); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
		})
	}
}
