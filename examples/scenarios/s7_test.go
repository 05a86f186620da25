package scenarios_test

import (
	"math"
	"strings"
	"testing"
	"time"

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

	// Members, roles and how each was assigned.
	require.Len(t, g.Members, 3)
	for _, line := range g.Members {
		require.Regexp(t, `^rule "[^"]+" matched: .* with person\.`, line)
	}

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

	// The last decisions, with reasons.
	var kinds []string
	for _, d := range v.Decisions {
		kinds = append(kinds, d.Type)
	}
	joined := strings.Join(kinds, " ")
	for _, want := range []string{"journey.path", "alert.raised", "buyinggroup.stage_changed", "journey.ended"} {
		require.Contains(t, joined, want)
	}
}
