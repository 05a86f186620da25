package audience_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
)

func ExampleEvaluator_Evaluate() {
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{
		Name: "ICP engaged",
		Rule: `account.employees >= 500 && account.industry in ["Software", "Financial Services"] && activityCount("visit_web_page", 30) >= 3`,
	}}})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	persons := []b2b.Person{{ID: "ann"}, {ID: "bob"}}
	var acts []b2b.Activity
	for i, p := range []b2b.PersonID{"ann", "ann", "bob"} {
		acts = append(acts, b2b.Activity{ID: b2b.ActivityID(fmt.Sprint(i)), Type: b2b.ActivityVisitWebPage, Person: p, Time: now.Add(-time.Duration(i+1) * 24 * time.Hour)})
	}
	ix, err := audience.NewActivities(persons, acts)
	if err != nil {
		panic(err)
	}
	acme := &audience.AccountData{
		Account:    b2b.Account{ID: "acme", Name: "Acme", Industry: "Software", Employees: 2000},
		Persons:    persons,
		Activities: ix,
	}
	res, _ := ev.Evaluate(acme, nil, now)
	for _, e := range res.Events {
		fmt.Println(e)
	}
	// A week later the visits are still within 30 days: no new event.
	res, _ = ev.Evaluate(acme, res.Membership, now.Add(7*24*time.Hour))
	fmt.Println(len(res.Events), res.Membership.Names())
	// Output:
	// acme entered audience "ICP engaged" at 2026-03-02T09:00:00Z: rule holds: account.employees >= 500 && account.industry in ["Software", "Financial Services"] && activityCount("visit_web_page", 30) >= 3 with activityCount("visit_web_page", 30) = 3, account.employees = 2000, account.industry = Software
	// 0 [ICP engaged]
}

func ExampleNew_error() {
	_, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "engaged", Rule: `activityCount("visit_web_page", "30") >= 10`},
		{Name: "committee", Rule: `personActivityCount("open_email", 30) > 0`},
	}})
	fmt.Println(err)
	// Output:
	// audiences: 2 problems:
	//   audiences[0].rule: rule "engaged" 1:33: activityCount(type, days) takes a constant activity type and a constant number of days, e.g. activityCount("visit_web_page", 30): the number of days is not a number literal
	//       | activityCount("visit_web_page", "30") >= 10
	//       |                                 ^
	//   audiences[1].rule: rule "committee" 1:1: personActivityCount counts the current person's activities: use it directly inside a predicate over persons, e.g. count(persons, personActivityCount("open_email", 30) >= 1) >= 2
	//       | personActivityCount("open_email", 30) > 0
	//       | ^
}

func ExampleEvaluator_EvaluateBatch() {
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "big", Rule: `account.employees >= 1000`},
		{Name: "IT led", Rule: `count(persons, .department == "IT") >= 2`},
	}})
	if err != nil {
		panic(err)
	}
	it := b2b.Person{ID: "x", Department: b2b.DepartmentIT}
	accounts := []audience.AccountData{
		{Account: b2b.Account{ID: "a", Employees: 5000}, Persons: []b2b.Person{it, it}},
		{Account: b2b.Account{ID: "b", Employees: 200}, Persons: []b2b.Person{it}},
		{Account: b2b.Account{ID: "c", Employees: 1200}},
	}
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	results, _ := ev.EvaluateBatch(accounts, nil, now)
	for _, name := range []string{"big", "IT led", "it led"} {
		members, err := ev.Members(results, name)
		fmt.Println(name+":", members, err)
	}
	// Output:
	// big: [a c] <nil>
	// IT led: [a] <nil>
	// it led: [] unknown audience "it led"
}
