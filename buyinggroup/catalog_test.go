package buyinggroup_test

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// problemPaths returns the paths of a validation error's problems.
func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Path)
	}
	return out
}

func rule(src string) rules.Rule { return rules.Rule{Source: src} }

func TestCompileValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		defs buyinggroup.Definitions
		want []string
	}{
		{
			name: "standard template and default stages are enough",
			defs: buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard"}}},
		},
		{
			name: "no interests",
			defs: buyinggroup.Definitions{},
			want: []string{"interests"},
		},
		{
			name: "every template problem at once",
			defs: buyinggroup.Definitions{
				Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
				Templates: []buyinggroup.RoleTemplate{{
					ID: "t", MaxRolesPerPerson: -1, CompletenessThresholds: []float64{0.8, 0.5, 2},
					Roles: []buyinggroup.Role{
						{Name: "Champion", Rule: rule(`person.seniority == "Manager"`)},
						{Name: "champion", Rule: rule(`true`)},
						{Name: "", Rule: rule(`person.seniorty == "VP"`)},
						{Name: "Buyer", Rule: rule(`person.title`), MinMembers: 3, MaxMembers: 2},
						{Name: "User", MinMembers: -1, MaxMembers: -1, Weight: -2},
						{Name: "A", Rule: rule(`true`), ContactRoles: []string{"Evaluator", " evaluator", ""}},
					},
				}},
			},
			want: []string{
				"templates[0].maxRolesPerPerson",
				"templates[0].roles[1].name",
				"templates[0].roles[2].name",
				"templates[0].roles[2].rule",
				"templates[0].roles[3].maxMembers",
				"templates[0].roles[3].rule",
				"templates[0].roles[4].minMembers",
				"templates[0].roles[4].maxMembers",
				"templates[0].roles[4].weight",
				"templates[0].roles[4].rule",
				"templates[0].roles[5].contactRoles[1]",
				"templates[0].roles[5].contactRoles[2]",
				"templates[0].completenessThresholds[1]",
				"templates[0].completenessThresholds[2]",
			},
		},
		{
			name: "huge role weights",
			defs: buyinggroup.Definitions{
				Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
				Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
					{Name: "A", Required: true, Weight: 1e308, Rule: rule(`true`)},
					{Name: "B", Required: true, Weight: buyinggroup.MaxRoleWeight, Rule: rule(`true`)},
				}}},
			},
			want: []string{"templates[0].roles[0].weight"},
		},
		{
			name: "empty template",
			defs: buyinggroup.Definitions{
				Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
				Templates: []buyinggroup.RoleTemplate{{ID: "t"}},
			},
			want: []string{"templates[0].roles"},
		},
		{
			name: "interest problems",
			defs: buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
				{ID: "a", Template: "nope", StageModel: "nope", Applies: rule(`account.employes > 5`)},
				{ID: "a"},
				{ID: "x/y", Template: "standard", Applies: rule(`account.name`)},
			}},
			want: []string{
				"interests[0].template", "interests[0].stageModel", "interests[0].applies",
				"interests[1].id", "interests[1].template",
				"interests[2].id", "interests[2].applies",
			},
		},
		{
			name: "interest page URLs",
			defs: buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
				{ID: "ok", Template: "standard", URL: "https://acme.example/data-platform?utm_source=quorum#top"},
				{ID: "relative", Template: "standard", URL: "/data-platform"},
				{ID: "script", Template: "standard", URL: "javascript:alert(1)"},
				{ID: "space", Template: "standard", URL: "https://acme.example/data platform"},
				{ID: "nohost", Template: "standard", URL: "https:///path"},
				{ID: "user", Template: "standard", URL: "https://me:secret@acme.example/"},
				{ID: "bad", Template: "standard", URL: "https://acme.example/%zz"},
				{ID: "upper", Template: "standard", URL: "HTTP://ACME.example/"},
			}},
			want: []string{
				"interests[1].url", "interests[2].url", "interests[3].url",
				"interests[4].url", "interests[5].url", "interests[6].url",
			},
		},
		{
			name: "stage model problems",
			defs: buyinggroup.Definitions{
				Interests: []buyinggroup.SolutionInterest{{ID: "a", Template: "standard", StageModel: "m"}},
				StageModels: []buyinggroup.StageModel{{
					ID: "m",
					Stages: []buyinggroup.Stage{
						{Name: "A", Entry: true}, {Name: "A"}, {Name: "W", Success: true, Failure: true},
						{Name: "W2", Success: true, Entry: true}, {Name: "*"},
					},
					Transitions: []buyinggroup.Transition{
						{From: "A", To: "B"}, {From: "Z", To: "A"}, {From: "A", To: "A"},
						{From: "A", To: "W"}, {From: "A", To: "W"},
						{From: "A", To: "W2", When: rules.Rule{Source: `group.scor > 1`}},
					},
				}},
			},
			want: []string{
				"stageModels[0].stages[1].name", "stageModels[0].stages[2]",
				"stageModels[0].stages[3].entry", "stageModels[0].stages[3].success",
				"stageModels[0].stages[4].name",
				"stageModels[0].transitions[0].to", "stageModels[0].transitions[1].from",
				"stageModels[0].transitions[2]", "stageModels[0].transitions[4]",
				"stageModels[0].transitions[5].when",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := buyinggroup.Compile(tt.defs, buyinggroup.Config{})
			require.Empty(t, cmp.Diff(tt.want, problemPaths(t, err)), "(-want +got)\n%v", err)
		})
	}
}

// TestDuplicateIDsNameTheFirst: a template or stage model ID given twice
// says which one has it first, as a duplicate interest ID does.
func TestDuplicateIDsNameTheFirst(t *testing.T) {
	t.Parallel()
	tpl := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{{Name: "Buyer", Required: true, Rule: rule(`true`)}}}
	other := buyinggroup.RoleTemplate{ID: "u", Roles: tpl.Roles}
	model := buyinggroup.DefaultStageModel()
	model.ID = "m"
	_, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests:   []buyinggroup.SolutionInterest{{ID: "dp", Template: "t", StageModel: "m"}},
		Templates:   []buyinggroup.RoleTemplate{tpl, other, tpl},
		StageModels: []buyinggroup.StageModel{model, model},
	}, buyinggroup.Config{})
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Error())
	}
	require.Equal(t, []string{
		`templates[2].id: duplicate template ID "t" (also templates[0])`,
		`stageModels[1].id: duplicate stage model ID "m" (also stageModels[0])`,
	}, got)
}

func TestCompileErrorText(t *testing.T) {
	t.Parallel()
	_, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Champion", Rule: rule(`person.seniorty == "Manager"`)},
			{Name: "Buyer", Rule: rule(`true`), MinMembers: 3, MaxMembers: 2},
		}}},
	}, buyinggroup.Config{})
	require.ErrorIs(t, err, rules.ErrCompile)
	var ce *rules.CompileError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "Champion", ce.Rule)
	require.Equal(t, `buying-group definitions: 2 problems:
  templates[0].roles[0].rule: rule "Champion" 1:8: type b2b.Person has no field seniorty
      | person.seniorty == "Manager"
      |        ^
  templates[0].roles[1].maxMembers: unsatisfiable: at most 2 members but at least 3 required`, err.Error())
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	var roles []buyinggroup.Role
	for _, n := range []string{"A", "B", "C", "D", "E", "F"} {
		roles = append(roles, buyinggroup.Role{Name: n, Rule: rule(`true`), Required: true})
	}
	roles[0].ContactRoles = []string{"Champion"}
	// Standard contact roles in other case or with blanks fill as the
	// CRM's own (compared as RoleForContactRole compares): no warning.
	roles[1].ContactRoles = []string{"economic buyer", " Technical Buyer "}
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "a", Template: "big", StageModel: "m", CRMProduct: "Data Platform"},
			{ID: "b", Template: "opt", CRMProduct: " data platform"},
		},
		Templates: []buyinggroup.RoleTemplate{
			{ID: "big", Roles: roles},
			{ID: "opt", Roles: []buyinggroup.Role{{Name: "X", Rule: rule(`true`)}}},
		},
		StageModels: []buyinggroup.StageModel{{ID: "m", Stages: []buyinggroup.Stage{
			{Name: "A", Entry: true}, {Name: "Won", Success: true}, {Name: "Island"},
		}, Transitions: []buyinggroup.Transition{{From: "A", To: "Won"}}}},
	}, buyinggroup.Config{})
	require.NoError(t, err)
	var got []string
	for _, w := range cat.Warnings() {
		got = append(got, w.String())
	}
	want := []string{
		`templates[0].roles[0].contactRoles[0]: "Champion" is not a standard CRM contact role (Business User, Decision Maker, Economic Buyer, Economic Decision Maker, Evaluator, Executive Sponsor, Influencer, Technical Buyer, Other); fine if your CRM defines it`,
		`templates[0].roles: 6 required roles: templates with more than 5 required roles rarely complete; start with 3-5 essential roles`,
		`templates[1].roles: no role is required: completeness is always 1`,
		`stageModels[0].stages[2]: stage "Island" is not reachable from an entry stage`,
		`interests[1].crmProduct: " data platform" is also the CRM product of interests[0], which takes every opportunity of that product that names no solution interest: this interest's groups get none of them (name the solution interest on such opportunities)`,
	}
	require.Empty(t, cmp.Diff(want, got), "(-want +got)")
}

func TestStandardTemplate(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: buyinggroup.StandardTemplateID})
	require.Empty(t, cat.Warnings())
	in, ok := cat.Interest("dp")
	require.True(t, ok)
	tpl := in.RoleTemplate()
	var names, required []string
	for _, r := range tpl.Roles {
		names = append(names, r.Name)
		if r.Required {
			required = append(required, r.Name)
		}
	}
	require.ElementsMatch(t, []string{"Economic Buyer", "Decision Maker", "Technical Evaluator", "Champion",
		"Influencer", "End User", "Executive Sponsor", "Procurement"}, names)
	require.Equal(t, []string{"Economic Buyer", "Technical Evaluator", "Champion"}, required)

	// Every CRM contact role the template maps is in Salesforce's standard
	// OpportunityContactRole picklist, and the picklist is what b2b names.
	xml, err := os.ReadFile("testdata/ContactRole.standardValueSet-meta.xml")
	require.NoError(t, err)
	var picklist []string
	for _, m := range regexp.MustCompile(`<fullName>([^<]+)</fullName>`).FindAllStringSubmatch(string(xml), -1) {
		picklist = append(picklist, m[1])
	}
	require.Equal(t, []string{b2b.ContactRoleBusinessUser, b2b.ContactRoleDecisionMaker, b2b.ContactRoleEconomicBuyer,
		b2b.ContactRoleEconomicDecisionMaker, b2b.ContactRoleEvaluator, b2b.ContactRoleExecutiveSponsor,
		b2b.ContactRoleInfluencer, b2b.ContactRoleTechnicalBuyer, b2b.ContactRoleOther}, picklist)
	mapped := 0
	for _, cr := range picklist {
		if i := tpl.RoleForContactRole(cr); i >= 0 {
			mapped++
		}
	}
	require.Equal(t, 8, mapped, "all but Other map to a role")
	require.Equal(t, "Economic Buyer", tpl.Roles[tpl.RoleForContactRole("economic decision maker")].Name)
	require.Equal(t, -1, tpl.RoleForContactRole(b2b.ContactRoleOther))
}

func TestNewGroup(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g, evs, err := cat.NewGroup("acme", "dp", "", t0)
	require.NoError(t, err)
	require.Equal(t, "acme/dp", g.ID)
	require.Equal(t, buyinggroup.StageAwareness, g.Stage)
	require.Equal(t, []buyinggroup.Event{{Type: buyinggroup.EventGroupCreated, Group: "acme/dp", Account: "acme", Interest: "dp", At: t0, To: "Awareness"}}, evs)

	_, _, err = cat.NewGroup("acme", "nope", "", t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownInterest)
	_, _, err = cat.NewGroup("acme", "dp", "Decision", t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownStage)
	require.ErrorContains(t, err, `"Decision" is not an entry stage of stage model "default" (entry stages: Awareness)`)
	_, _, err = cat.NewGroup("", "dp", "", t0)
	require.Error(t, err)
	require.True(t, errors.Is(err, err))
}

func TestApplies(t *testing.T) {
	t.Parallel()
	cat := compile(t,
		buyinggroup.SolutionInterest{ID: "dp", Template: "standard", Applies: rule(`account.employees >= 500`)},
		buyinggroup.SolutionInterest{ID: "any", Template: "standard"},
	)
	for _, tt := range []struct {
		interest  string
		employees int
		want      bool
	}{{"dp", 2000, true}, {"dp", 100, false}, {"any", 1, true}} {
		got, err := cat.Applies(tt.interest, &b2b.Account{ID: "a", Employees: tt.employees}, t0)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "%s %d", tt.interest, tt.employees)
	}
	_, err := cat.Applies("nope", &b2b.Account{}, t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownInterest)

	in, _ := cat.Interest("dp")
	in.CRMProduct = "Data Platform"
	require.True(t, in.MatchesOpportunity(&b2b.Opportunity{Product: " data platform"}))
	require.True(t, in.MatchesOpportunity(&b2b.Opportunity{SolutionInterest: "dp", Product: "x"}))
	require.False(t, in.MatchesOpportunity(&b2b.Opportunity{SolutionInterest: "other", Product: "Data Platform"}))
}

func compile(t testing.TB, interests ...buyinggroup.SolutionInterest) *buyinggroup.Catalog {
	return compileDefs(t, buyinggroup.Definitions{Interests: interests})
}

func compileDefs(t testing.TB, defs buyinggroup.Definitions) *buyinggroup.Catalog {
	t.Helper()
	cat, err := buyinggroup.Compile(defs, buyinggroup.Config{})
	require.NoError(t, err)
	return cat
}

// TestRoleIndex finds a role by its own name, whatever its spaces, and by
// any spelling that differs in case or in spaces around it.
func TestRoleIndex(t *testing.T) {
	t.Parallel()
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "a", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Economic Buyer", Rule: rule(`true`), Required: true},
			{Name: "Champion ", Rule: rule(`true`)},
		}}},
	}, buyinggroup.Config{})
	require.NoError(t, err)
	in, ok := cat.Interest("a")
	require.True(t, ok)
	tpl := in.RoleTemplate()
	for name, want := range map[string]int{
		"Economic Buyer": 0, "economic buyer": 0, " ECONOMIC BUYER ": 0,
		"Champion ": 1, "Champion": 1, "champion": 1, "  champion\t": 1,
		"Economic": -1, "": -1, "Champion X": -1,
	} {
		require.Equal(t, want, tpl.RoleIndex(name), "%q", name)
	}
}

// TestCompileSharesNothingWritableWithItsDefinitions: Compile neither
// writes to the definitions it is given (a transition rule's default name
// stays in the catalog) nor keeps their lists, so a host that compiles
// one set of definitions from several goroutines, or edits its copy to
// build the next program, leaves the catalog as it was compiled.
func TestCompileSharesNothingWritableWithItsDefinitions(t *testing.T) {
	t.Parallel()
	defs := func() buyinggroup.Definitions {
		return buyinggroup.Definitions{
			Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t", StageModel: "funnel"}},
			Templates: []buyinggroup.RoleTemplate{{
				ID: "t", CompletenessThresholds: []float64{0.5, 1},
				Roles: []buyinggroup.Role{{Name: "Champion", Required: true, Rule: rule(`person.seniority == "Manager"`), ContactRoles: []string{"Influencer"}}},
			}},
			StageModels: []buyinggroup.StageModel{{
				ID: "funnel",
				Stages: []buyinggroup.Stage{
					{Name: "Lead", Entry: true}, {Name: "Engaged"}, {Name: "Won", Success: true},
				},
				Transitions: []buyinggroup.Transition{
					{From: "Lead", To: "Engaged", When: rule(`group.score >= 10`)},
					{From: "*", To: "Won"},
				},
			}},
		}
	}
	given := defs()
	cat := compileDefs(t, given)
	require.Empty(t, cmp.Diff(defs(), given), "Compile changed its definitions (-want +got)")

	// The host edits its definitions for the next program.
	given.StageModels[0].Stages[0].Name = "Prospect"
	given.StageModels[0].Transitions[0].When.Source = `group.score >= 1000`
	given.Templates[0].CompletenessThresholds[0] = 0.9
	given.Templates[0].Roles[0].ContactRoles[0] = "Evaluator"

	g, _, err := cat.NewGroup("acme", "dp", "", t0)
	require.NoError(t, err)
	require.Equal(t, "Lead", g.Stage)
	in, ok := cat.Interest("dp")
	require.True(t, ok)
	require.Equal(t, []string{"Lead"}, in.Model().EntryStages())
	require.Equal(t, "group.score >= 10", in.Model().Transitions[0].When.Source)
	require.Equal(t, "Lead -> Engaged", in.Model().Transitions[0].When.Name)
	require.Equal(t, []float64{0.5, 1}, in.RoleTemplate().CompletenessThresholds)
	require.Equal(t, []string{"Influencer"}, in.RoleTemplate().Roles[0].ContactRoles)
	g, evs, err := cat.Advance(g, buyinggroup.Signals{Score: 20}, t0)
	require.NoError(t, err)
	require.Equal(t, "Engaged", g.Stage)
	require.Len(t, evs, 1)
	require.Equal(t, `rule "Lead -> Engaged": group.score >= 10`, evs[0].Reason)
}

// The interests a catalog hands out are copies: a host that edits one (to
// show a renamed interest, say) leaves the catalog as it was compiled.
func TestInterestsHandedOutAreCopies(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Name: "Data platform", CRMProduct: "DP", Template: "standard"})
	in, ok := cat.Interest("dp")
	require.True(t, ok)
	in.ID, in.Name, in.CRMProduct = "other", "Renamed", "XX"
	all := cat.Interests()
	all[0].Name, all[0].CRMProduct = "Renamed again", "YY"

	in, ok = cat.Interest("dp")
	require.True(t, ok)
	require.Equal(t, "Data platform", in.Name)
	require.True(t, in.MatchesOpportunity(&b2b.Opportunity{Product: "DP"}))
	require.Equal(t, "Data platform", cat.Interests()[0].Name)
	g := newGroup(t, cat, "dp")
	require.Equal(t, "dp", g.Interest)
}

// A template that sets no completeness thresholds gets the default ones
// as they were when it was compiled: a host that changes
// DefaultCompletenessThresholds afterwards changes no compiled catalog.
// Not parallel: it changes a package variable.
func TestCompiledCatalogKeepsTheDefaultThresholdsItWasCompiledWith(t *testing.T) {
	was := slices.Clone(buyinggroup.DefaultCompletenessThresholds)
	t.Cleanup(func() { copy(buyinggroup.DefaultCompletenessThresholds, was) })
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	buyinggroup.DefaultCompletenessThresholds[0] = 0.9

	g := newGroup(t, cat, "dp")
	at := t0.Add(time.Hour)
	_, evs, err := cat.SetRuleClaims(g, []b2b.PersonID{"cfo", "vpe"}, []buyinggroup.Claim{
		ruleClaim("cfo", "Economic Buyer", "eb", at), ruleClaim("vpe", "Technical Evaluator", "te", at),
	}, at)
	require.NoError(t, err)
	var crossed []float64
	for _, e := range evs {
		if e.Type == buyinggroup.EventCompletenessCrossed {
			crossed = append(crossed, e.Threshold)
		}
	}
	require.Equal(t, []float64{0.6}, crossed)
}

func TestInterestURLErrorText(t *testing.T) {
	t.Parallel()
	_, err := buyinggroup.Compile(buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "a", Template: "standard", URL: "www.acme.example/dp"},
		{ID: "b", Template: "standard", URL: "https://acme.example/%zz"},
		{ID: "c", Template: "standard", URL: "https://acme.example/a\tb"},
	}}, buyinggroup.Config{})
	require.EqualError(t, err, `buying-group definitions: 3 problems:
  interests[0].url: "www.acme.example/dp": must be an absolute http or https URL
  interests[1].url: "https://acme.example/%zz": invalid URL escape "%zz"
  interests[2].url: "https://acme.example/a\tb": must not contain spaces or control characters`)
}

// TestSharedCRMProductWarnedAsOpportunitiesMatch: two interests whose CRM
// products MatchesOpportunity takes for one (case folded as it folds
// them, final sigma included) get the warning, whatever the case.
func TestSharedCRMProductWarnedAsOpportunitiesMatch(t *testing.T) {
	t.Parallel()
	a := buyinggroup.SolutionInterest{ID: "a", Template: "standard", CRMProduct: "ΠΟΛΙΣ"}
	b := buyinggroup.SolutionInterest{ID: "b", Template: "standard", CRMProduct: "πολις"}
	cat := compile(t, a, b)
	in, _ := cat.Interest("b")
	require.True(t, in.MatchesOpportunity(&b2b.Opportunity{Product: a.CRMProduct}), "b takes a's product")
	var got []string
	for _, w := range cat.Warnings() {
		got = append(got, w.Path)
	}
	require.Equal(t, []string{"interests[1].crmProduct"}, got)
}
