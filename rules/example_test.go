package rules_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// RoleEnv is what a role rule sees.
type RoleEnv struct {
	Person  b2b.Person  `expr:"person"`
	Account b2b.Account `expr:"account"`
	Now     time.Time   `expr:"now"`
}

func ExampleCompile() {
	eng := rules.New()
	eb, err := rules.Compile[RoleEnv, bool](eng, rules.Rule{
		Name:   "economic buyer",
		Source: `person.seniority in ["C-Level", "VP"] && person.department == "Finance"`,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, err := eb.Eval(&RoleEnv{Person: b2b.Person{Seniority: "C-Level", Department: "Finance"}})
	fmt.Println(ok, err)
	// Output: true <nil>
}

func ExampleCompile_error() {
	_, err := rules.Compile[RoleEnv, bool](nil, rules.Rule{
		Name:   "economic buyer",
		Source: `person.seniority in ["C-Level", "VP"] && persn.department == "Finance"`,
	})
	fmt.Println(err)
	// Output:
	// rule "economic buyer" 1:42: unknown name persn
	//   | person.seniority in ["C-Level", "VP"] && persn.department == "Finance"
	//   |                                          ^
}

func ExampleCompile_wrongType() {
	_, err := rules.Compile[RoleEnv, bool](nil, rules.Rule{Name: "big account", Source: `account.employees * 2`})
	fmt.Println(err)
	// Output:
	// rule "big account" 1:19: expected bool, got int
	//   | account.employees * 2
	//   |                   ^
}

// A custom attribute may hold any value, or none: compared as a number, it
// is read with attr, whose default gives its type.
func ExampleCompile_attribute() {
	_, err := rules.Compile[RoleEnv, bool](nil, rules.Rule{Name: "big deal", Source: `account.attributes["seats"] > 50`})
	fmt.Println(err)
	x, err := rules.Compile[RoleEnv, bool](nil, rules.Rule{Name: "big deal", Source: `attr(account.attributes, "seats", 0) > 50`})
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, err := x.Eval(&RoleEnv{Account: b2b.Account{Attributes: map[string]any{"seats": 80}}})
	fmt.Println(ok, err)
	// Output:
	// rule "big deal" 1:19: account.attributes["seats"] has no type before the rule runs (an attribute may hold any value, or none), so the operator > cannot be checked; use attr(account.attributes, "seats", 0): its default gives the type and stands in for a missing value
	//   | account.attributes["seats"] > 50
	//   |                   ^
	// true <nil>
}

func ExampleCompile_library() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	env := &RoleEnv{
		Person: b2b.Person{Email: "ann@Acme.com", Title: "Head of Data Engineering",
			UpdatedAt: now.AddDate(0, 0, -45), Attributes: map[string]any{"tier": "gold"}},
		Account: b2b.Account{Domains: []string{"acme.com"}, Employees: 2000},
		Now:     now,
	}
	for _, src := range []string{
		`domain(person.email) in account.domains`,
		`match(person.title, "(?i)^head of .*data")`,
		`daysSince(person.updatedAt) > 30`,
		`between(account.employees, 500, 5000)`,
		`attr(person.attributes, "tier", "") == "gold"`,
		`attr(person.attributes, "seats", 0) >= 50`,
	} {
		x := rules.MustCompile[RoleEnv, bool](nil, rules.Rule{Name: "demo", Source: src})
		ok, _ := x.Eval(env)
		fmt.Println(ok, src)
	}
	// Output:
	// true domain(person.email) in account.domains
	// true match(person.title, "(?i)^head of .*data")
	// true daysSince(person.updatedAt) > 30
	// true between(account.employees, 500, 5000)
	// true attr(person.attributes, "tier", "") == "gold"
	// false attr(person.attributes, "seats", 0) >= 50
}

func ExampleCompileAll() {
	_, err := rules.CompileAll[RoleEnv, bool](nil, []rules.Rule{
		{Name: "champion", Source: `person.seniority == "Manager"`},
		{Name: "evaluator", Source: `person.departmnt == "IT"`},
		{Name: "end user", Source: `person.title`},
	})
	fmt.Println(err)
	// Output:
	// rule "evaluator" 1:8: type b2b.Person has no field departmnt
	//   | person.departmnt == "IT"
	//   |        ^
	// rule "end user" 1:8: expected bool, got string
	//   | person.title
	//   |        ^
}

func ExampleFormatNumber() {
	for _, x := range []float64{185.8038812696166, 2.0 / 3, 160, 0.0042} {
		fmt.Println(rules.FormatNumber(x))
	}
	// Output:
	// 185.8
	// 0.67
	// 160
	// 0.0042
}
