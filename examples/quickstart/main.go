// Quickstart compiles a few buying-committee role rules with the rules engine
// and qualifies a small account's persons into them, printing for each person
// the first rule that matches, with its source (or "no role" when none does),
// then how a broken rule is refused at load time.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// roleEnv is what a role rule sees.
type roleEnv struct {
	Person  b2b.Person  `expr:"person"`
	Account b2b.Account `expr:"account"`
	Now     time.Time   `expr:"now"`
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	roles := []rules.Rule{
		{Name: "Economic Buyer", Source: `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`},
		{Name: "Technical Evaluator", Source: `person.seniority in ["VP", "Director"] && person.department in ["IT", "Engineering", "Security"]`},
		{Name: "Champion", Source: `person.seniority == "Manager" && daysSince(person.updatedAt) < 90`},
		{Name: "End User", Source: `person.seniority == "Individual Contributor" && icontains(person.title, "data")`},
	}
	eng := rules.New()
	compiled, err := rules.CompileAll[roleEnv, bool](eng, roles)
	if err != nil {
		return err
	}
	acme := b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000, Industry: "Software"}
	persons := []b2b.Person{
		{ID: "p1", Email: "cfo@acme.com", Title: "Chief Financial Officer", Seniority: "C-Level", Department: "Finance", UpdatedAt: now},
		{ID: "p2", Email: "vpe@acme.com", Title: "VP of Engineering", Seniority: "VP", Department: "Engineering", UpdatedAt: now},
		{ID: "p3", Email: "de@acme.com", Title: "Sr. Data Engineer", Seniority: "Individual Contributor", Department: "Engineering", UpdatedAt: now},
		{ID: "p4", Email: "mc@acme.com", Title: "Marketing Coordinator", Seniority: "Individual Contributor", Department: "Marketing", UpdatedAt: now},
	}
	for i := range persons {
		p := &persons[i]
		if err := p.Validate(); err != nil {
			return err
		}
		env := &roleEnv{Person: *p, Account: acme, Now: now}
		matched := "no role"
		for _, x := range compiled {
			ok, err := x.Eval(env)
			if err != nil {
				return err
			}
			if ok {
				matched = fmt.Sprintf("%s (rule: %s)", x.Rule().Name, x.Rule().Source)
				break
			}
		}
		fmt.Fprintf(w, "%-24s -> %s\n", p.Title, matched)
	}
	// A broken rule is reported with its position, before anything runs.
	_, err = rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "Champion", Source: `person.seniorty == "Manager"`})
	fmt.Fprintf(w, "\nA broken rule is refused at load time:\n%v\n", err)
	return nil
}
