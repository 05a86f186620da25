package buyinggroup_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

func ExampleCompile() {
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{
			ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID,
			BusinessOutcome: "One governed copy of the company's data", CRMProduct: "Data Platform",
			Applies: rules.Rule{Source: `account.employees >= 500`},
		}},
	}, buyinggroup.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	in, _ := cat.Interest("data-platform")
	for _, r := range in.RoleTemplate().Roles {
		if r.Required {
			fmt.Println("required:", r.Name)
		}
	}
	fmt.Println("stages:", in.Model().EntryStages(), "->", in.Model().SuccessStage())
	// Output:
	// required: Economic Buyer
	// required: Technical Evaluator
	// required: Champion
	// stages: [Awareness] -> Closed Won
}

// Every problem of the definitions is reported at once, with its path.
func ExampleCompile_error() {
	_, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "committee"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "committee", Roles: []buyinggroup.Role{
			{Name: "Champion", Rule: rules.Rule{Source: `person.seniority == "Manager"`}, MinMembers: 3, MaxMembers: 2},
			{Name: "Champion", Rule: rules.Rule{Source: `person.title.contains("lead")`}},
		}}},
	}, buyinggroup.Config{})
	fmt.Println(err)
	// Output:
	// buying-group definitions: 3 problems:
	//   templates[0].roles[0].maxMembers: unsatisfiable: at most 2 members but at least 3 required
	//   templates[0].roles[1].name: duplicate role name "Champion" (also roles[0])
	//   templates[0].roles[1].rule: rule "Champion" 1:14: method calls are not allowed (rules may call only the functions of the library)
	//       | person.title.contains("lead")
	//       |              ^
}

// Completeness: the mean fill of the required roles, where a role with
// MinMembers 3 and 2 members contributes 2/3; optional roles never count.
func ExampleCatalog_Completeness() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cat, _ := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Economic Buyer", Rule: rules.Rule{Source: `false`}, Required: true, Weight: 1},
			{Name: "Champion", Rule: rules.Rule{Source: `false`}, Required: true, MinMembers: 3, Weight: 2},
			{Name: "End User", Rule: rules.Rule{Source: `false`}},
		}}},
	}, buyinggroup.Config{})
	g, _, _ := cat.NewGroup("acme", "dp", "", now)
	g, _, _ = cat.AssignManual(g, "cfo", "Economic Buyer", "ann", "", now)
	g, _, _ = cat.AssignManual(g, "a", "Champion", "ann", "", now)
	g, _, _ = cat.AssignManual(g, "b", "Champion", "ann", "", now)
	c, _ := cat.Completeness(g)
	for _, r := range c.Roles {
		fmt.Printf("%-14s required=%-5v members=%d min=%d fill=%.3f\n", r.Role, r.Required, r.Members, r.Min, r.Fill)
	}
	fmt.Printf("completeness (1 + 2/3) / 2 = %.4f\n", c.Value)
	fmt.Printf("weighted (1*1 + 2*2/3) / 3 = %.4f\n", c.Weighted)
	// Output:
	// Economic Buyer required=true  members=1 min=1 fill=1.000
	// Champion       required=true  members=2 min=3 fill=0.667
	// End User       required=false members=0 min=1 fill=0.000
	// completeness (1 + 2/3) / 2 = 0.8333
	// weighted (1*1 + 2*2/3) / 3 = 0.7778
}

// A transition the stage model does not allow is refused, naming both
// stages.
func ExampleCatalog_MoveTo_refused() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cat, _ := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: buyinggroup.StandardTemplateID}},
	}, buyinggroup.Config{})
	g, _, _ := cat.NewGroup("acme", "dp", "", now)
	_, _, err := cat.MoveTo(g, buyinggroup.StageDecision, "ann", "", now)
	fmt.Println(err)
	// Output:
	// group "acme/dp": stage model "default" does not allow "Awareness" -> "Decision" (from "Awareness" it allows: Consideration, Sales Ready, Closed Won, Closed Lost)
}

// A marketer's assignment outranks every other source; re-evaluating the
// rules does not overwrite it.
func ExampleCatalog_AssignManual() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cat, _ := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: buyinggroup.StandardTemplateID}},
	}, buyinggroup.Config{})
	g, _, _ := cat.NewGroup("acme", "dp", "", now)
	g, _, _ = cat.AssignManual(g, "p1", "Champion", "ann", "drives the project", now)
	g, evs, _ := cat.SetRuleClaims(g, []b2b.PersonID{"p1"}, []buyinggroup.Claim{{
		Person: "p1", Role: "End User", Method: buyinggroup.MethodRule, Rule: "End User", At: now,
	}}, now.Add(time.Hour))
	fmt.Println(g.RolesOf("p1"), len(evs), "events")
	fmt.Println(g.Members[0].Explain())
	// Output:
	// [Champion] 0 events
	// assigned manually by ann: drives the project
}
