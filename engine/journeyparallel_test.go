package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// TestJourneyParallelSkipsClosedGroups: a parallel node starts a track per
// active solution interest; a group whose deal is won or lost is in a
// closed stage of its stage model (Closed Won, Closed Lost) and gets no
// track, whatever its status says. The journey used to start one for a
// lost deal, to nurture it.
func TestJourneyParallelSkipsClosedGroups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status b2b.OpportunityStatus
		stage  string
		want   []string
	}{
		{"open deal", b2b.OpportunityOpen, "Negotiation", []string{"data-platform", "security-suite"}},
		{"lost deal", b2b.OpportunityLost, "Closed Lost", []string{"security-suite"}},
		{"won deal", b2b.OpportunityWon, "Closed Won", []string{"security-suite"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defs := program.Definitions{Name: "fan-out",
				Interests: []buyinggroup.SolutionInterest{
					{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID},
					{ID: "security-suite", Name: "Security Suite", Template: buyinggroup.StandardTemplateID},
				},
				Journeys: []journey.Journey{{ID: "both", Name: "Both solutions",
					Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
					Nodes: []journey.Node{
						{ID: "first", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(3), Next: "fan"}},
						{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "wait", Merge: "join"}},
						{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "join"}},
						{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "done"}},
						{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "waited"}},
					}}},
			}
			b := setup(t, defs)
			setupAcme(t, b)
			day1 := day0.Add(24 * time.Hour)
			b.clock.Set(day1)
			opp := b2b.Opportunity{ID: "opp1", Account: "acme", SolutionInterest: "data-platform", Name: "Deal",
				Stage: tc.stage, Status: tc.status, CreatedAt: day0}
			if tc.status != b2b.OpportunityOpen {
				opp.ClosedAt = day1
			}
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Opportunities: []b2b.Opportunity{opp}})
			require.NoError(t, err)
			day4 := day0.Add(4 * 24 * time.Hour)
			b.clock.Set(day4)
			_, err = b.eng.Advance(b.ctx, day4)
			require.NoError(t, err)
			v, err := b.eng.Account(b.ctx, "acme", day4)
			require.NoError(t, err)
			require.Len(t, v.Journeys, 1)
			require.Equal(t, tc.want, v.Journeys[0].Interests, "tracks at %v", v.Journeys[0].Nodes)
		})
	}
}
