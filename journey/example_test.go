package journey_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// Option A: one solution interest and a linear journey. Emails go to the
// members of the buying group; a split alerts sales once the group is
// complete and engaged enough.
func Example_linearJourney() {
	cat, _ := journey.NewCatalog(journey.Config{Roles: []string{"Economic Buyer", "Technical Evaluator", "Champion"}})
	cat, v, err := cat.Publish(journey.Journey{
		ID:       "data-platform-nurture",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}},
		Nodes: []journey.Node{
			{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "wait"}},
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "ready?"}},
			{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "ready", When: "group.completeness >= 0.6 && group.score >= 150", Next: "alert"}},
				Else:  "done"}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "ready", Next: "done"}},
			{ID: "done", Kind: journey.KindEnd, End: &journey.End{}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("published", v.ID(), "version", v.Number())

	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	view := &journey.AccountView{
		Account: b2b.Account{ID: "acme", Owner: "sara@seller.example"}, Revision: 1,
		Persons: []journey.PersonView{
			{Person: b2b.Person{ID: "cfo", Email: "cfo@acme.com"}, Score: 70},
			{Person: b2b.Person{ID: "vpe", Email: "vpe@acme.com"}, Score: 90},
		},
		Groups: []journey.GroupView{{ID: "g1", SolutionInterest: "Data Platform", Completeness: 2.0 / 3, Score: 160,
			Members: []journey.Member{{Person: "cfo", Role: "Economic Buyer"}, {Person: "vpe", Role: "Technical Evaluator"}}}},
	}
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: start,
		Events: []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: start}}})
	for _, e := range res.Outbox {
		fmt.Println(e.At.Format("Jan 2"), e.Type, e.Template, "to", e.Person)
	}
	fmt.Println("next step due", res.Due.Format("Jan 2"))

	res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
	for _, e := range res.Outbox {
		fmt.Println(e.At.Format("Jan 2"), e.Type, "to", e.To, "engaged:", len(e.Alert.Engaged))
	}
	for _, d := range res.Trace {
		if d.Kind == journey.DecisionPath {
			fmt.Println(d)
		}
	}
	fmt.Println("ended:", res.Ended[0].Reason)
	// Output:
	// published data-platform-nurture version 1
	// Mar 3 email intro to cfo
	// Mar 3 email intro to vpe
	// next step due Mar 8
	// Mar 8 sales_alert to sara@seller.example engaged: 2
	// 2025-03-08 09:00 path data-platform-nurture [ready?] path=ready -> alert rule "ready? ready" (group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.67, group.score=160: group.completeness >= 0.6 && group.score >= 150
	// ended: completed
}

// Option B: several solution interests, one parallel track per active
// interest, each addressing its own buying group; a cap across journeys
// keeps a person who sits in both groups from getting too many emails.
func Example_branchingPerSolutionInterest() {
	cat, _ := journey.NewCatalog(journey.Config{
		Caps: []journey.Cap{{Name: "marketing email", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7)}},
	})
	cat, _, err := cat.Publish(journey.Journey{
		ID: "multi-interest",
		Nodes: []journey.Node{
			{ID: "per-interest", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "evaluators", Merge: "join"}},
			{ID: "evaluators", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "tech-brief",
				Recipients: &journey.Recipients{Roles: []string{"Technical Evaluator"}}, Next: "hot?"}},
			{ID: "hot?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "hot", When: "group.score >= 100", Next: "alert"}}, Else: "join"}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "hot", Next: "join"}},
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "all tracks done"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	view := &journey.AccountView{
		Account: b2b.Account{ID: "acme", Owner: "sara@seller.example"}, Revision: 1,
		Persons: []journey.PersonView{{Person: b2b.Person{ID: "cto", Email: "cto@acme.com"}}},
		Groups: []journey.GroupView{
			{ID: "g-dp", SolutionInterest: "Data Platform", Score: 40, Members: []journey.Member{{Person: "cto", Role: "Technical Evaluator"}}},
			{ID: "g-sec", SolutionInterest: "Security Suite", Score: 120, Members: []journey.Member{{Person: "cto", Role: "Technical Evaluator"}}},
		},
	}
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: now,
		Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "multi-interest", At: now}}})
	for _, e := range res.Outbox {
		fmt.Println(e.Type, e.SolutionInterest, string(e.Person)+e.To)
	}
	for _, d := range res.Trace {
		if d.Kind == journey.DecisionSkip || d.Kind == journey.DecisionParallel {
			fmt.Println(d.Kind, d.Person, d.Reason)
		}
	}
	fmt.Println(res.Ended[0].Outcome)
	// Output:
	// email Data Platform cto
	// sales_alert Security Suite sara@seller.example
	// parallel  tracks for Data Platform, Security Suite
	// skip cto frequency cap "marketing email" (1 email in 7d)
	// all tracks done
}

// A journey that does not pass validation reports every problem at once,
// each with the path of the node at fault.
func ExampleValidate_error() {
	err := journey.Validate(journey.Journey{
		ID: "broken",
		Nodes: []journey.Node{
			{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "hi",
				Recipients: &journey.Recipients{Roles: []string{"Champoin"}}, Next: "split-1"}},
			{ID: "split-1", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{When: "grup.score > 10", Next: "mail"}}}},
		},
	}, journey.Config{Roles: []string{"Champion"}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, journey.ErrInvalidJourney))
	// Output:
	// journey "broken": 4 problems:
	//   nodes["mail"].action.recipients.roles[0]: unknown role "Champoin" (known: Champion)
	//   nodes["split-1"].paths[0].when: rule "split-1 path 0" 1:1: unknown name grup
	//       | grup.score > 10
	//       | ^
	//   nodes["split-1"].else: a split needs an else path
	//   nodes["mail"]: cycle without a wait: mail -> split-1 -> mail
	// true
}

// A journey that others go to keeps them able to hand over: publishing it
// bound to another solution interest than the tracks that go to it is
// refused, naming the journey and the go-to node. Journeys that move to
// another interest together are published together.
func ExampleCatalog_PublishAll() {
	boundTo := func(interest string, j journey.Journey) journey.Journey {
		j.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}
		return j
	}
	nurture := func(interest string) journey.Journey {
		return boundTo(interest, journey.Journey{ID: "nurture", Nodes: []journey.Node{{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}})
	}
	router := func(interest string) journey.Journey {
		return boundTo(interest, journey.Journey{ID: "router", Nodes: []journey.Node{{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "nurture"}}}})
	}
	cat, _ := journey.NewCatalog(journey.Config{})
	cat, _, _ = cat.Publish(nurture("Data Platform"))
	cat, _, _ = cat.Publish(router("Data Platform"))

	_, _, err := cat.Publish(nurture("Security"))
	fmt.Println(err)
	_, vs, err := cat.PublishAll(nurture("Security"), router("Security"))
	fmt.Println(err, vs[0].ID(), vs[0].Number(), vs[1].ID(), vs[1].Number())
	// Output:
	// journey "nurture": triggers: journey "router" (version 1, live), bound to solution interest Data Platform, goes to this journey at nodes["go"] on its main track: bound to Security, this journey would take no entry from it (bind this journey to Data Platform or to none, or first publish "router" without that go-to)
	// <nil> nurture 2 router 2
}
