package engine_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store/memory"
)

// Example runs one account through the chain: records from a CRM and a
// marketing tool are merged and linked to the account, qualified into the
// roles of its buying group, and scored as their activities arrive; the
// account's view explains each decision.
func Example() {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	prog, err := program.Compile(program.Definitions{
		Name: "example",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
	}, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	clk := clock.NewManual(start)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: start,
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Owner: "olivia@example.com"}}},
		Persons: []identity.PersonRecord{
			// The same CFO in the CRM and in marketing automation: one person.
			{Source: b2b.SourceSalesforce, RecordID: "003CFO", Time: start,
				Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", Title: "Chief Financial Officer", AccountID: "acme"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-1", Time: start,
				Person: b2b.Person{Email: "Carla@ACME.com", FirstName: "Carla"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-2", Time: start,
				Person: b2b.Person{Email: "victor@acme.com", FirstName: "Victor", Title: "VP of Engineering"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	clk.Set(start.Add(24 * time.Hour))
	rep, err := eng.Ingest(ctx,
		b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "mkto-1", Source: b2b.SourceMarketo, Time: start.Add(2 * time.Hour)},
		b2b.Activity{ID: "a2", Type: b2b.ActivityVisitWebPage, Person: "mkto-2", Source: b2b.SourceMarketo, Time: start.Add(3 * time.Hour)},
		b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "mkto-1", Source: b2b.SourceMarketo, Time: start.Add(2 * time.Hour)},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("applied %d, duplicates %d\n", rep.Applied, rep.Duplicates)
	view, err := eng.Account(ctx, "acme", clk.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range view.Persons {
		fmt.Printf("%s (%s, %s): linked by %s, score %.1f\n", p.Person.Name(), p.Person.Seniority, p.Person.Department, p.Link.Method, p.Score)
	}
	for _, g := range view.Groups {
		fmt.Printf("%s: stage %s, score %.1f\n", g.Name, g.Group.Stage, g.Score.Score)
		for _, m := range g.Members {
			fmt.Println(" ", m)
		}
	}
	// Output:
	// applied 2, duplicates 1
	// Victor (VP, Engineering): linked by email_domain, score 2.0
	// Carla (C-Level, Finance): linked by explicit, score 19.6
	// Data Platform for Acme: stage Consideration, score 21.5
	//   rule "Economic Buyer" matched: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"] with person.seniority="C-Level", person.department="Finance"
	//   rule "Technical Evaluator" matched: person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering", "Security"] with person.seniority="VP", person.department="Engineering"
}

// ExampleEngine_ErasePerson erases a person who asked to be forgotten:
// identity forgets their records, the account is recomputed without them,
// and the report names the source records to erase in the sources too.
func ExampleEngine_ErasePerson() {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	prog, err := program.Compile(program.Definitions{
		Name: "example",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
	}, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clock.NewManual(start)})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: start,
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}}}},
		Persons: []identity.PersonRecord{
			{Source: b2b.SourceSalesforce, RecordID: "003CFO", Time: start,
				Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", Title: "Chief Financial Officer", AccountID: "acme"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-1", Time: start, Person: b2b.Person{Email: "Carla@ACME.com"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-2", Time: start,
				Person: b2b.Person{Email: "victor@acme.com", FirstName: "Victor", Title: "VP of Engineering"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	carla, _ := eng.PersonOfRecord(b2b.SourceMarketo, "mkto-1")
	er, err := eng.ErasePerson(ctx, carla)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("erase in the sources:", er.Records)
	fmt.Println("accounts rewritten:", er.Accounts)
	view, err := eng.Account(ctx, "acme", start)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range view.Persons {
		fmt.Println("left:", p.Person.Name())
	}
	_, err = eng.ErasePerson(ctx, carla)
	fmt.Println(errors.Is(err, engine.ErrUnknownPerson))
	// Output:
	// erase in the sources: [salesforce:003CFO marketo:mkto-1]
	// accounts rewritten: [acme]
	// left: Victor
	// true
}
