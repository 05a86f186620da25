package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// TestAccountViewParallelTracksByInterest: a journey's parallel node runs
// one track per solution interest from the same branch node, so the view
// of its position says which interest each track is at, index for index
// with its nodes: "wait" twice tells a panel nothing.
func TestAccountViewParallelTracksByInterest(t *testing.T) {
	t.Parallel()
	defs := program.Definitions{Name: "fan-out",
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID},
			{ID: "security-suite", Name: "Security Suite", Template: buyinggroup.StandardTemplateID},
		},
		Journeys: []journey.Journey{{ID: "both", Name: "Both solutions",
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
			Nodes: []journey.Node{
				{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"data-platform", "security-suite"}, Branch: "wait", Merge: "join"}},
				{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "join"}},
				{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "done"}},
				{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "waited"}},
			}}},
	}
	b := setup(t, defs)
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1)
	jp := v.Journeys[0]
	require.Equal(t, []string{"wait", "wait"}, jp.Nodes)
	require.Equal(t, []string{"data-platform", "security-suite"}, jp.Interests)
	require.Len(t, jp.Reasons, 2)
}
