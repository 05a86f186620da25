package engine_test

import (
	"context"
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

// ExampleEngine_Recover starts an engine again on the store of another,
// as a host does after a restart with a durable store: once it has
// recovered, it knows the persons the first engine resolved, under every
// record of theirs, and applies their activities.
func ExampleEngine_Recover() {
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
	st := memory.New() // a durable store in production
	clk := clock.NewManual(start)
	first, err := engine.New(engine.Config{Store: st, Program: prog, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = first.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: start,
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}}}},
		Persons: []identity.PersonRecord{
			{Source: b2b.SourceSalesforce, RecordID: "003CFO", Time: start,
				Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", Title: "Chief Financial Officer", AccountID: "acme"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-1", Time: start,
				Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-2", Time: start,
				Person: b2b.Person{Email: "victor@acme.com", FirstName: "Victor", Title: "VP of Engineering"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The process restarts: a new engine on the same store recovers
	// before it serves.
	second, err := engine.New(engine.Config{Store: st, Program: prog, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := second.Recover(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("recovered %d account, %d persons from %d records\n", rep.Accounts, rep.Persons, rep.PersonRecords)
	id, _ := second.PersonOfRecord(b2b.SourceMarketo, "mkto-1")
	fmt.Println("marketo lead mkto-1 is", id)

	clk.Set(start.Add(time.Hour))
	ing, err := second.Ingest(ctx,
		b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "mkto-1", Source: b2b.SourceMarketo, Time: start.Add(30 * time.Minute)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("applied %d, rejected %d\n", ing.Applied, len(ing.Rejected))
	// Output:
	// recovered 1 account, 2 persons from 3 records
	// marketo lead mkto-1 is salesforce:003CFO
	// applied 1, rejected 0
}
