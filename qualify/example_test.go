package qualify_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

// Option A: one solution interest with the standard template. The persons
// of Acme are qualified into roles; Champion is missing.
func Example_optionA() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{
			ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID,
			Applies: rules.Rule{Source: `account.employees >= 500`},
		}},
	}, buyinggroup.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := qualify.New(qualify.Config{Catalog: cat})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Account(qualify.AccountInput{
		Account: b2b.Account{ID: "acme", Name: "Acme", Employees: 2000, Industry: "Software"},
		Persons: []b2b.Person{
			{ID: "p1", Title: "Chief Financial Officer", Seniority: "C-Level", Department: "Finance"},
			{ID: "p2", Title: "VP of Engineering", Seniority: "VP", Department: "Engineering"},
			{ID: "p3", Title: "Sr. Data Engineer", Seniority: "Individual Contributor", Department: "Engineering"},
			{ID: "p4", Title: "Marketing Coordinator", Seniority: "Individual Contributor", Department: "Marketing"},
		},
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := res.Groups[0]
	fmt.Println(g.ID, "stage", g.Stage)
	for _, m := range g.Members {
		fmt.Printf("  %s: %s (%s)\n", m.Role, m.Person, m.Method)
	}
	missing, _ := cat.MissingRoles(g)
	fmt.Printf("completeness %.2f, missing %v\n", g.Completeness, missing[0].Role)
	fmt.Println(res.Rate)
	fmt.Println(g.Members[0].Explain())
	// Output:
	// acme/data-platform stage Awareness
	//   Economic Buyer: p1 (rule)
	//   Technical Evaluator: p2 (rule)
	//   End User: p3 (rule)
	// completeness 0.67, missing Champion
	// 3 of 4 persons qualified (75.0%)
	// rule "Economic Buyer" matched: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"] with person.seniority="C-Level", person.department="Finance"
}

// Option B: two solution interests with their own templates. The CTO is
// the Technical Evaluator of both buying groups; each group has its own
// members, completeness and stage.
func Example_optionB() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	role := func(name, src string, required bool, prio int) buyinggroup.Role {
		return buyinggroup.Role{Name: name, Rule: rules.Rule{Source: src}, Required: required, Priority: prio}
	}
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID, CRMProduct: "Data Platform"},
			{ID: "security-suite", Name: "Security Suite", Template: "security", CRMProduct: "Security Suite",
				Applies: rules.Rule{Source: `account.industry in ["Software", "Financial Services"]`}},
		},
		Templates: []buyinggroup.RoleTemplate{{
			ID: "security", Name: "Security committee",
			Roles: []buyinggroup.Role{
				role("Economic Buyer", `person.seniority == "C-Level" && person.department in ["Finance", "Executive"]`, true, 100),
				role("Technical Evaluator", `person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Security"]`, true, 90),
				role("Security Champion", `person.department == "Security" && person.seniority in ["Manager", "Individual Contributor"]`, true, 80),
			},
		}},
	}, buyinggroup.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := qualify.New(qualify.Config{Catalog: cat})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Account(qualify.AccountInput{
		Account: b2b.Account{ID: "acme", Name: "Acme", Employees: 2000, Industry: "Software"},
		Persons: []b2b.Person{
			{ID: "cto", Title: "Chief Technology Officer", Seniority: "C-Level", Department: "IT"},
			{ID: "ceo", Title: "CEO", Seniority: "C-Level", Department: "Executive"},
			{ID: "secops", Title: "Security Operations Manager", Seniority: "Manager", Department: "Security"},
			{ID: "pm", Title: "Product Manager", Seniority: "Manager", Department: "Product"},
		},
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range res.Groups {
		fmt.Printf("%s (completeness %.2f)\n", g.ID, g.Completeness)
		for _, m := range g.Members {
			fmt.Printf("  %s: %s\n", m.Role, m.Person)
		}
	}
	// Groups advance independently: the security group is complete and
	// engaged, the data platform group is not.
	sec, evs, _ := cat.Advance(res.Groups[1], buyinggroup.Signals{Score: 120}, now.Add(72*time.Hour))
	fmt.Println(sec.ID, "->", sec.Stage, "("+evs[len(evs)-1].Reason+")")
	// Output:
	// acme/data-platform (completeness 1.00)
	//   Economic Buyer: ceo
	//   Technical Evaluator: cto
	//   Champion: pm
	//   Influencer: secops
	// acme/security-suite (completeness 1.00)
	//   Economic Buyer: ceo
	//   Technical Evaluator: cto
	//   Security Champion: secops
	// acme/security-suite -> Decision (rule "committee engaged": group.completeness >= 0.6 && group.score >= 100)
}

// An [Evaluator] qualifies one person at a time; the engine keeps one per
// goroutine. The matches come best first.
func ExampleEvaluator_Person() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cat, _ := buyinggroup.Compile(buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: buyinggroup.StandardTemplateID}},
	}, buyinggroup.Config{})
	q, _ := qualify.New(qualify.Config{Catalog: cat})
	e := q.NewEvaluator()
	acct := b2b.Account{ID: "acme"}
	interests, _ := q.Applicable(&acct, now)
	p := b2b.Person{ID: "p1", Title: "VP Sales", Seniority: "VP", Department: "Sales"}
	matches, err := e.Person(nil, &acct, &p, interests, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range matches {
		fmt.Printf("%s: priority %d, %d conditions, %d nodes\n", m.Role, m.Priority, m.Conditions, m.Nodes)
	}
	// Output:
	// Decision Maker: priority 70, 2 conditions, 15 nodes
}
