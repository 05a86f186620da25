package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// TestAccountViewPersonScoreAdjustment: a journey's adjust_score on
// persons adds to their score, which the breakdown (the scoring model's
// explanation) does not hold: the view says how much of the score is the
// journeys' (PersonView.Adjustment), as it does for a group, so that the
// breakdown and the adjustment add up to the score the panel shows.
func TestAccountViewPersonScoreAdjustment(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys = []journey.Journey{{ID: "boost", Name: "Boost",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "adj", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Target: "person", Delta: 25,
				Recipients: &journey.Recipients{Roles: []string{"Technical Evaluator"}}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		}}}
	b := setup(t, defs)
	setupAcme(t, b)
	b.clock.Set(day(1))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	require.NoError(t, err)
	victor, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	var checked int
	for _, p := range v.Persons {
		want := 0.0
		if p.Person.ID == victor {
			want = 25
			require.InDelta(t, 100, p.Breakdown.Score, 1e-9, "the demo, as the model explains it")
		}
		require.InDelta(t, want, p.Adjustment, 1e-9, "person %s", p.Person.ID)
		require.InDelta(t, p.Breakdown.Score+p.Adjustment, p.Score, 1e-9, "person %s: the breakdown and the adjustment make the score", p.Person.ID)
		checked++
	}
	require.Equal(t, 5, checked)
}
