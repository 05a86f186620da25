package journey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// TestScenarioS2 is scenario S2 (pipeline acceleration) at the journey
// level: hand-built views stand in for buying groups and scoring.
func TestScenarioS2(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	var st journey.State
	type stageChange struct {
		Stage string
		At    time.Time
	}
	history := []stageChange{{"Awareness", day0}}
	apply := func(out []journey.OutboxEntry) {
		for _, e := range out {
			if e.Type == journey.ActionChangeStage {
				view.Groups[0].Stage = e.Stage
				history = append(history, stageChange{e.Stage, e.At})
				view.Revision++
			}
		}
	}

	// Day 0: the buying group is created; the intro goes to all members.
	res := cat.Step(&st, journey.Input{View: view, Now: day0,
		Events: []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", Group: "g-acme-dp", At: day0}}})
	apply(res.Outbox)
	require.Equal(t, []b2b.PersonID{"p-cfo", "p-vpe", "p-de"}, persons(ofType(res.Outbox, journey.ActionEmail)))
	require.Equal(t, day0.Add(days(5)), res.Due)

	// Day 3: the Technical Evaluator requests a demo, the Economic Buyer
	// attends a webinar; scoring (stood in for here) raises their scores.
	day3 := day0.Add(days(3))
	setScore(view, "p-vpe", 90)
	setScore(view, "p-cfo", 70)
	view.Groups[0].Score = 160
	res = cat.Step(&st, journey.Input{View: view, Now: day3, Events: []journey.Event{
		{Type: journey.EventActivity, Person: "p-vpe", ActivityType: b2b.ActivityRequestDemo, At: day3},
		{Type: journey.EventActivity, Person: "p-cfo", ActivityType: b2b.ActivityAttendEvent, At: day3},
	}})
	require.Empty(t, res.Outbox, "nothing is due before day 5")

	// Day 5: the split takes the alert path.
	day5 := day0.Add(days(5))
	res = cat.Step(&st, journey.Input{View: view, Now: day5})
	apply(res.Outbox)
	alerts := ofType(res.Outbox, journey.ActionSalesAlert)
	require.Len(t, alerts, 1, "exactly one alert")
	al := alerts[0]
	require.Equal(t, "sara@seller.example", al.To)
	want := &journey.Alert{Group: "g-acme-dp", SolutionInterest: "Data Platform", Stage: "Awareness", Score: 160,
		Completeness: 2.0 / 3, MissingRoles: []string{"Champion"},
		Engaged: []journey.PersonSummary{
			{Person: "p-vpe", Name: "Victor Eng", Title: "VP of Engineering", Role: "Technical Evaluator", Score: 90},
			{Person: "p-cfo", Name: "Carla Finn", Title: "Chief Financial Officer", Role: "Economic Buyer", Score: 70},
		},
		Reason: `ready? took path "engaged" (rule "ready? engaged": group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.67, group.score=160`,
	}
	if diff := cmp.Diff(want, al.Alert); diff != "" {
		t.Fatalf("alert (-want +got):\n%s", diff)
	}
	require.Contains(t, al.Alert.Reason, "group.score=160")
	require.Equal(t, []stageChange{{"Awareness", day0}, {"Sales Ready", day5}}, history)
	require.Empty(t, ofType(res.Outbox, journey.ActionEmail), "no nurture on the alert path")
	require.Len(t, res.Ended, 1)
	require.Equal(t, journey.Ended{Journey: "pipeline-acceleration", Version: 1, Entry: 1, At: day5, Reason: "completed", Outcome: "sales ready", Completed: true}, res.Ended[0])
	require.True(t, res.Due.IsZero())

	// Stepping again later produces nothing: the journey is over.
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(30))})
	require.Empty(t, res.Outbox)
	var trace []string
	for _, d := range res.Trace {
		trace = append(trace, d.String())
	}
	require.Empty(t, trace)
}

// TestScenarioS2NotEngaged follows the else path: nurture to under-engaged
// members, back to the split at most 3 times, then exit "not engaged".
func TestScenarioS2NotEngaged(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	setScore(view, "p-vpe", 40) // engaged enough to get no nurture
	var st journey.State
	now := day0
	res := cat.Step(&st, journey.Input{View: view, Now: now,
		Events: []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: now}}})
	var nurtures [][]b2b.PersonID
	var ended []journey.Ended
	for i := 0; i < 10 && !res.Due.IsZero(); i++ {
		now = res.Due
		res = cat.Step(&st, journey.Input{View: view, Now: now})
		if e := ofType(res.Outbox, journey.ActionEmail); len(e) > 0 {
			nurtures = append(nurtures, persons(e))
		}
		ended = append(ended, res.Ended...)
	}
	require.Equal(t, [][]b2b.PersonID{{"p-cfo", "p-de"}, {"p-cfo", "p-de"}, {"p-cfo", "p-de"}}, nurtures)
	require.Len(t, ended, 1)
	require.Equal(t, "not engaged", ended[0].Outcome)
	require.Equal(t, day0.Add(days(5+7*3)), ended[0].At)
	limits := decisions(res.Trace, journey.DecisionLimitReached)
	require.Len(t, limits, 1)
	require.Equal(t, journey.NodeID("not-engaged"), limits[0].Next)
	require.True(t, strings.HasSuffix(limits[0].String(), "visit 4 of at most 3"), limits[0].String())
}
