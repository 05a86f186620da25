package scoring_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/scoring"
)

var day0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func days(n int) time.Time { return day0.Add(time.Duration(n) * 24 * time.Hour) }

// A one-screen granular model, an account's batch, and the score explained.
func Example() {
	s, err := scoring.New(scoring.Model{
		Name:     "data platform",
		HalfLife: 30 * 24 * time.Hour,
		Rules: []scoring.Rule{
			{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
			{Name: "demo request", Types: []string{b2b.ActivityFillOutForm}, Points: 40,
				When: `attr(activity.attributes, "form", "") == "Demo Request"`},
			{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30},
			{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1,
				Cap: scoring.Cap{Max: 5, Period: scoring.PeriodDay}},
		},
	}, scoring.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ann := &b2b.Person{ID: "ann", Title: "VP Engineering"}
	var ledger scoring.Ledger
	report := s.Ingest(&ledger, scoring.Batch{
		Persons: map[b2b.PersonID]*b2b.Person{"ann": ann},
		Activities: []b2b.Activity{
			{ID: "a1", Type: b2b.ActivityAttendEvent, Person: "ann", Time: days(0)},
			{ID: "a2", Type: b2b.ActivityFillOutForm, Person: "ann", Time: days(30), Attributes: map[string]any{"form": "Demo Request"}},
			{ID: "a2", Type: b2b.ActivityFillOutForm, Person: "ann", Time: days(30), Attributes: map[string]any{"form": "Demo Request"}},
			{ID: "a3", Type: b2b.ActivityVisitWebPage, Person: "bob", Time: days(30)},
		},
	}, days(30))
	fmt.Println(report.String())

	x, _ := s.Explain("ann", ledger.State("ann"), days(30))
	// The state keeps activity keys; the host names them from its store.
	x.NameActivities("a1", "a2")
	fmt.Println(x)
	// Output:
	// 4 activities: 2 credited, 0 unmatched, 0 capped, 1 duplicate, 1 for unknown persons (returned)
	// ann scores 65.0 under model "data platform" at 2025-03-31T09:00:00Z; points halve every 30d
	//   rule "form": 10.0 from 1 recent activity
	//   rule "demo request" (when attr(activity.attributes, "form", "") == "Demo Request"): 40.0 from 1 recent activity
	//   rule "webinar": 15.0 from 1 recent activity
	//   2025-03-01T09:00:00Z a1 "webinar": +30 points x 0.500 = 15.0
	//   2025-03-31T09:00:00Z a2 "form": +10 points x 1.000 = 10.0
	//   2025-03-31T09:00:00Z a2 "demo request": +40 points x 1.000 = 40.0
}

// A condition that does not compile is reported with the rule's path, its
// line and column, and a caret.
func ExampleNew_error() {
	_, err := scoring.New(scoring.Model{
		Name: "m",
		Rules: []scoring.Rule{
			{Name: "senior", Types: []string{b2b.ActivityAttendEvent}, Points: 10, When: `person.seniorty == "VP"`},
			{Name: "bad", Types: []string{b2b.ActivityOpenEmail}, Points: 1e9},
		},
	}, scoring.Config{})
	fmt.Println(err)
	// Output:
	// scoring model "m": 2 problems:
	//   rules[1].points: 1e+09 is beyond +/-1e+06
	//   rules[0].when: rule "senior" 1:8: type b2b.Person has no field seniorty
	//       | person.seniorty == "VP"
	//       |        ^
}

// Velocity: the change of a score over a window, exact under decay.
func ExampleScorer_Velocity() {
	s, _ := scoring.New(scoring.DefaultModel(), scoring.Config{})
	var st scoring.PersonState
	ann := &b2b.Person{ID: "ann"}
	for i, typ := range []string{b2b.ActivityRegisterForEvent, b2b.ActivityAttendEvent, b2b.ActivityRequestDemo} {
		a := b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("a", i)), Type: typ, Person: "ann", Time: days(7 + 3*i)}
		if _, err := s.Apply(&st, &a, ann, nil, days(14)); err != nil {
			fmt.Println(err)
		}
	}
	v, _ := s.Velocity(&st, days(14), 14*24*time.Hour)
	fmt.Println(v)
	// Output:
	// +79.2 over 14d (0.0 on 2025-03-01 -> 79.2 on 2025-03-15)
}

// Group scores roll up the members' scores; minimum-per-required-role says
// how engaged the least engaged required role is.
func ExampleGroup_Aggregate() {
	scores := map[b2b.PersonID]float64{"cfo": 35, "vpe": 90, "dev": 20, "mkt": 12}
	g := scoring.Group{
		Name:          "Data Platform for Acme",
		Aggregation:   scoring.AggMinPerRequiredRole,
		RequiredRoles: []string{"Economic Buyer", "Technical Evaluator"},
		Members: []scoring.Member{
			{Person: "cfo", Role: "Economic Buyer", Weight: 2},
			{Person: "vpe", Role: "Technical Evaluator", Weight: 1.5},
			{Person: "dev", Role: "Technical Evaluator", Weight: 1.5},
			{Person: "mkt"},
		},
	}
	score := func(id b2b.PersonID) float64 { return scores[id] }
	fmt.Println(g.Aggregate(score, day0))
	g.Aggregation, g.NonRoleWeight = scoring.AggRoleWeightedSum, 0.5
	fmt.Println(g.Aggregate(score, day0).Score)
	// Output:
	// group "Data Platform for Acme" scores 35.0 at 2025-03-01T09:00:00Z (min_per_required_role of 2 persons)
	//   Economic Buyer: best is cfo (Economic Buyer) with 35.0
	//   Technical Evaluator: best is vpe (Technical Evaluator) with 90.0
	// 241
}

// A threshold fires once when crossed upward and re-arms only below the
// margin.
func ExampleThreshold_Observe() {
	th := scoring.Threshold{Name: "sales ready", Level: 100, Margin: 20}
	var st scoring.ThresholdState
	for i, score := range []float64{90, 104, 97, 102, 75, 101} {
		if c, ok := th.Observe(&st, score, days(i)); ok {
			fmt.Printf("day %d: %s: %s\n", i, c.Kind, c.Reason)
		}
	}
	// Output:
	// day 1: fired: score 104.0 reached threshold "sales ready" at 100 (it fires again only after falling below 80)
	// day 4: re-armed: score 75.0 fell below 80 (threshold "sales ready" at 100 minus margin 20): armed again
	// day 5: fired: score 101.0 reached threshold "sales ready" at 100 (it fires again only after falling below 80)
}

// Activities from a clock gone wrong, or older than the horizon, are
// refused with a reason; nothing is dropped silently.
func ExampleScorer_Apply_refused() {
	s, _ := scoring.New(scoring.DefaultModel(), scoring.Config{})
	var st scoring.PersonState
	a := b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "ann", Time: days(2)}
	_, err := s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, days(1))
	fmt.Println(err, errors.Is(err, scoring.ErrFuture))
	// Output:
	// activity "a1": activity is in the future: 2025-03-03T09:00:00Z is 24h0m0s after now 2025-03-02T09:00:00Z (tolerance 5m0s) true
}
