package buyinggroup_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// TestDefaultModelReopensLostGroup: under the default stage model a group
// closed lost goes back to Awareness when an open opportunity for its
// interest was created or changed after the close (a new deal, or the lost
// one reopened in the CRM), with a stage change that says which rule and
// values did it, and the automatic rules take it on from there. An
// opportunity still open when a marketer closed the group by hand, and
// unchanged since, leaves it closed.
func TestDefaultModelReopensLostGroup(t *testing.T) {
	t.Parallel()
	cat, g, lostOpp, lost := lostGroup(t)

	oldOpen := &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityOpen, CreatedAt: day(0), UpdatedAt: day(1)}
	byHand, _, err := cat.MoveTo(g, buyinggroup.StageClosedLost, "ann", "no budget this year", day(3))
	require.NoError(t, err)

	const why = `rule "opportunity reopened": opportunity.status == "open" && opportunity.changedAt > group.stageSince`
	tests := []struct {
		name   string
		g      buyinggroup.Group
		opp    *b2b.Opportunity
		stages []string // the stage changes, none when it stays closed
		values []buyinggroup.Value
	}{
		{"the lost deal, still lost", lost, lostOpp, nil, nil},
		{"no opportunity", lost, nil, nil, nil},
		{"a new deal", lost, &b2b.Opportunity{ID: "o2", Status: b2b.OpportunityOpen, CreatedAt: day(20)},
			[]string{buyinggroup.StageAwareness, buyinggroup.StageConsideration},
			[]buyinggroup.Value{{Name: "group.stageSince", Value: "2026-03-04T09:00:00Z"}, {Name: "opportunity.status", Value: "open"}, {Name: "opportunity.changedAt", Value: "2026-03-22T09:00:00Z"}}},
		{"the lost deal reopened in the CRM", lost, &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityOpen, CreatedAt: day(0), UpdatedAt: day(15)},
			[]string{buyinggroup.StageAwareness, buyinggroup.StageConsideration},
			[]buyinggroup.Value{{Name: "group.stageSince", Value: "2026-03-04T09:00:00Z"}, {Name: "opportunity.status", Value: "open"}, {Name: "opportunity.changedAt", Value: "2026-03-17T09:00:00Z"}}},
		{"a deal won no later than the close", lost, &b2b.Opportunity{ID: "o2", Status: b2b.OpportunityWon, CreatedAt: day(1), ClosedAt: day(2), UpdatedAt: day(2)}, nil, nil},
		{"closed by hand beside an open deal unchanged since", byHand, oldOpen, nil, nil},
		{"closed by hand, then the deal changed", byHand, &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityOpen, CreatedAt: day(0), UpdatedAt: day(9)},
			[]string{buyinggroup.StageAwareness, buyinggroup.StageConsideration},
			[]buyinggroup.Value{{Name: "group.stageSince", Value: "2026-03-05T09:00:00Z"}, {Name: "opportunity.status", Value: "open"}, {Name: "opportunity.changedAt", Value: "2026-03-11T09:00:00Z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ng, evs, err := cat.Advance(tt.g, buyinggroup.Signals{Opportunity: tt.opp}, day(30))
			require.NoError(t, err)
			var got []string
			for _, ev := range evs {
				if ev.Type == buyinggroup.EventStageChanged {
					got = append(got, ev.To)
				}
			}
			require.Equal(t, tt.stages, got)
			if tt.stages == nil {
				require.Equal(t, buyinggroup.StageClosedLost, ng.Stage)
				return
			}
			require.Equal(t, buyinggroup.StageClosedLost, evs[0].From)
			require.Equal(t, why, evs[0].Reason)
			ch := ng.StageHistory[len(ng.StageHistory)-2]
			require.Empty(t, cmp.Diff(tt.values, ch.Values), "(-want +got)")
			_, closed := cat.Closed(ng)
			require.False(t, closed)
			require.Equal(t, []string{"cfo=Economic Buyer/manual", "vpe=Technical Evaluator/manual"}, seatList(ng.Members))
		})
	}
}

// TestDefaultModelWinsLostGroup: a won opportunity the CRM changed after
// a group closed lost (a deal opened and won between two syncs) takes the
// group to Closed Won, saying which rule and values did it; the group
// stays closed and keeps its members.
func TestDefaultModelWinsLostGroup(t *testing.T) {
	t.Parallel()
	cat, _, _, lost := lostGroup(t)

	won := &b2b.Opportunity{ID: "o2", Status: b2b.OpportunityWon, CreatedAt: day(10), ClosedAt: day(12), UpdatedAt: day(12)}
	ng, evs, err := cat.Advance(lost, buyinggroup.Signals{Opportunity: won}, day(13))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageClosedWon, ng.Stage)
	require.Len(t, evs, 1)
	require.Equal(t, buyinggroup.EventStageChanged, evs[0].Type)
	require.Equal(t, `rule "opportunity won after the close": opportunity.status == "won" && opportunity.changedAt > group.stageSince`, evs[0].Reason)
	require.Empty(t, cmp.Diff([]buyinggroup.Value{{Name: "group.stageSince", Value: "2026-03-04T09:00:00Z"}, {Name: "opportunity.status", Value: "won"},
		{Name: "opportunity.changedAt", Value: "2026-03-14T09:00:00Z"}}, ng.StageHistory[len(ng.StageHistory)-1].Values), "(-want +got)")
	_, closed := cat.Closed(ng)
	require.True(t, closed)
	require.Equal(t, seatList(lost.Members), seatList(ng.Members))
}

// day is n days after t0.
func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

// lostGroup returns the stage catalog, a group of the interest "dp" with
// an Economic Buyer and a Technical Evaluator, the deal lost on day 2,
// and the group that deal closed lost.
func lostGroup(t *testing.T) (*buyinggroup.Catalog, buyinggroup.Group, *b2b.Opportunity, buyinggroup.Group) {
	t.Helper()
	cat := stageCatalog(t)
	g := fill(t, cat, newGroup(t, cat, "dp"), "Economic Buyer=cfo", "Technical Evaluator=vpe")
	lostOpp := &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityLost, CreatedAt: day(0), ClosedAt: day(2), UpdatedAt: day(2)}
	lost, _, err := cat.Advance(g, buyinggroup.Signals{Opportunity: lostOpp}, day(2))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageClosedLost, lost.Stage)
	return cat, g, lostOpp, lost
}
