package scenarios_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// TestS7SalesAlignmentView runs s7-sales-alignment-view.yaml (S2's
// program) through S2's story and reads the account view: every group
// with its members, roles and how each was assigned, scores with
// breakdown, completeness, missing roles, stage history, journey position
// and the last decisions with their reasons: what a CRM panel shows.
func TestS7SalesAlignmentView(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS7)
	setupAcme(t, b)
	b.clock.Set(day(3).Add(2 * time.Hour))
	_, err := b.eng.Ingest(b.ctx,
		activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(3), nil),
		activity("a-webinar", b2b.ActivityAttendEvent, "L-1", day(3).Add(time.Hour), map[string]any{"event": "Data Platform webinar"}))
	require.NoError(t, err)

	// While the journey waits, the panel shows where the account stands.
	mid := b.view(t, "acme")
	require.Len(t, mid.Journeys, 1)
	require.Equal(t, "pipeline-acceleration", mid.Journeys[0].Journey)
	require.Equal(t, []string{"wait-5d"}, mid.Journeys[0].Nodes)
	require.Equal(t, day(5), mid.Journeys[0].Due)

	b.clock.Set(day(5))
	_, err = b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)

	v := b.view(t, "acme")
	require.Equal(t, "Acme", v.Account.Name)
	require.Len(t, v.Groups, 1)
	g := v.Groups[0]
	require.Equal(t, "Data Platform for Acme", g.Name)

	// Members, roles and how each was assigned: each member's role, the
	// method (a qualification rule) and the view's line saying which rule
	// matched with the values it read.
	names := map[b2b.PersonID]string{}
	for _, p := range v.Persons {
		names[p.Person.ID] = p.Person.FirstName + " " + p.Person.LastName
	}
	type assigned struct{ Name, Role, Method, Why string }
	var got []assigned
	for i, m := range g.Group.Members {
		require.Equal(t, m.Explain(), g.Members[i], "the view's line is the member's explanation")
		got = append(got, assigned{names[m.Person], m.Role, string(m.Method), g.Members[i]})
	}
	require.Empty(t, gocmp.Diff([]assigned{
		{"Carla Diaz", "Economic Buyer", "rule", `rule "Economic Buyer" matched: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"] with person.seniority="C-Level", person.department="Finance"`},
		{"Victor Kim", "Technical Evaluator", "rule", `rule "Technical Evaluator" matched: person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering", "Security"] with person.seniority="VP", person.department="Engineering"`},
		{"Dev Patel", "End User", "rule", `rule "End User" matched: person.seniority == "Individual Contributor" && person.department in ["IT", "Engineering", "Product", "Operations", "Security"] with person.seniority="Individual Contributor", person.department="Engineering"`},
	}, got), "(-want +got) members, roles and how each was assigned")
	require.Len(t, g.Members, 3, "the marketing coordinator and the gmail.com analyst hold no role")

	// Scores with their breakdown: the group's parts and each person's rules.
	require.Greater(t, g.Score.Score, 150.0)
	contributors := 0
	for _, part := range g.Score.Parts {
		if part.Contribution > 0 {
			contributors++
		}
	}
	require.Equal(t, 2, contributors, "the evaluator and the economic buyer engaged")
	var victor bool
	for _, p := range v.Persons {
		if p.Person.Email != "victor@acme.com" {
			continue
		}
		victor = true
		require.InDelta(t, 100*math.Pow(2, -2.0/30), p.Score, 1e-6, "the demo decayed for two days")
		require.Len(t, p.Breakdown.Rules, 1)
		require.Equal(t, "requested demo", p.Breakdown.Rules[0].Rule)
		require.Contains(t, p.Breakdown.String(), "requested demo")
		require.Equal(t, b2b.ActivityID("a-demo"), p.Breakdown.Activities[0].Activity, "the breakdown names the activity")
	}
	require.True(t, victor)

	// Completeness and missing roles.
	require.InDelta(t, 2.0/3, g.Group.Completeness, 1e-9)
	require.Len(t, g.MissingRoles, 1)
	require.Equal(t, "Champion", g.MissingRoles[0].Role)

	// Stage history: created, moved on by engagement, made Sales Ready by the journey.
	var stages []string
	for _, sc := range g.Group.StageHistory {
		stages = append(stages, sc.To)
	}
	require.Equal(t, []string{buyinggroup.StageAwareness, buyinggroup.StageConsideration, buyinggroup.StageDecision, buyinggroup.StageSalesReady}, stages)
	require.Contains(t, g.Group.StageHistory[3].By, "journey pipeline-acceleration")

	// Readiness with its reasons.
	require.NotNil(t, g.Readiness)
	require.NotEmpty(t, g.Readiness.Reasons)

	// Journey position: the instance ended at "alerted", so none is running.
	require.Empty(t, v.Journeys)

	// The last decisions, newest last, with their reasons: from day 3,
	// engagement moved the group to Decision and made it ready; on day 5
	// the journey took the "engaged" path, alerted the owner, made the
	// group Sales Ready and ended.
	for i := 1; i < len(v.Decisions); i++ {
		require.Less(t, v.Decisions[i-1].Seq, v.Decisions[i].Seq, "newest last")
	}
	alertReason := `ready? took path "engaged" (rule "ready? engaged": group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.67, group.score=` +
		fmt.Sprintf("%.2f", g.Score.Score)
	type decided struct {
		Type string
		At   time.Time
		Why  string
	}
	var last []decided
	for _, d := range v.Decisions {
		if d.Time.Before(day(3)) {
			continue
		}
		var data struct{ Reason, Explain, Outcome, Path string }
		require.NoError(t, json.Unmarshal(d.Data, &data))
		why := cmp.Or(data.Reason, data.Explain)
		switch {
		case data.Path != "":
			why = "path " + data.Path + ": " + why
		case data.Outcome != "":
			why += ", outcome " + data.Outcome
		}
		last = append(last, decided{d.Type, d.Time, why})
	}
	day3 := day(3).Add(2 * time.Hour)
	atDay3 := 100*math.Pow(2, -2.0/(30*24)) + 60*math.Pow(2, -1.0/(30*24)) // the demo 2 hours, the webinar 1 hour old
	require.Empty(t, gocmp.Diff([]decided{
		{"activity.applied", day3, ""},
		{"buyinggroup.stage_changed", day3, `rule "committee engaged": group.completeness >= 0.6 && group.score >= 100`},
		{"readiness.changed", day3, fmt.Sprintf("ready (fast-track to sales): completeness 0.67 >= ready threshold 0.6; score %.2f >= ready threshold 150", atDay3)},
		{"group.updated", day3, ""},
		{"journey.path", day(5), "path engaged: group.completeness >= 0.6 && group.score >= 150"},
		{"journey.send", day(5), "sales alert to olivia@quorum.example"},
		{"journey.send", day(5), `stage of data-platform from "Decision" to "Sales Ready"`},
		{"journey.node", day(5), "end: sales ready"},
		{"journey.complete", day(5), "completed, outcome sales ready"},
		{"journey.ended", day(5), "completed, outcome sales ready"},
		{"alert.raised", day(5), alertReason},
		{"message.queued", day(5), ""},
		{"buyinggroup.stage_changed", day(5), "journey node sales-ready"},
		{"group.updated", day(5), ""},
	}, last), "(-want +got) the last decisions with their reasons")
}
