package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
)

// deal is an opportunity of acme for Data Platform created on a day,
// open or closed (won or lost) on another.
func deal(id string, created int, status b2b.OpportunityStatus, closed int) b2b.Opportunity {
	o := b2b.Opportunity{ID: b2b.OpportunityID(id), Account: "acme", Name: "Deal " + id, Product: "Data Platform", Status: status,
		Stage: "Discovery", Amount: 1000, CreatedAt: day(created), UpdatedAt: day(created)}
	if status != b2b.OpportunityOpen {
		o.Stage, o.ClosedAt, o.UpdatedAt = "Closed", day(closed), day(closed)
	}
	return o
}

// The stage rules of a group read one of the account's deals for its
// interest: an open one while any is open (the group's decision is still
// being made), else a won one if any was won, else a lost one; the
// newest of those, by creation time then ID. So an add-on lost beside a
// main deal still open does not close the group, the main deal won then
// moves it to Closed Won (scenario S5), and deals created at the same
// time give the same stage in any order within a call. Across calls the
// stage follows what each call knew: a group closed lost by the only deal
// it had goes on to Closed Won, or back to the open stages, only for a
// deal the CRM changed after the close (buyinggroup.DefaultStageModel).
func TestGroupStageReadsTheDealThatDecides(t *testing.T) {
	type step struct {
		day   int
		calls [][]b2b.Opportunity // one UpsertOpportunities call each
		stage string
	}
	mainOpen, addOnLost, mainWon := deal("oppA", 0, b2b.OpportunityOpen, 0), deal("oppB", 1, b2b.OpportunityLost, 2), deal("oppA", 0, b2b.OpportunityWon, 5)
	twinWon, twinLost := deal("o1", 1, b2b.OpportunityWon, 2), deal("o2", 1, b2b.OpportunityLost, 2)
	tests := []struct {
		name  string
		steps []step
	}{
		{"an add-on lost beside an open deal, then the deal won", []step{
			{0, [][]b2b.Opportunity{{mainOpen}}, buyinggroup.StageConsideration},
			{1, [][]b2b.Opportunity{{deal("oppB", 1, b2b.OpportunityOpen, 0)}}, buyinggroup.StageConsideration},
			{2, [][]b2b.Opportunity{{addOnLost}}, buyinggroup.StageConsideration},
			{5, [][]b2b.Opportunity{{mainWon}}, buyinggroup.StageClosedWon},
		}},
		{"every deal lost", []step{
			{2, [][]b2b.Opportunity{{addOnLost, deal("oppA", 0, b2b.OpportunityLost, 2)}}, buyinggroup.StageClosedLost},
		}},
		{"one deal won, a newer one lost", []step{
			{2, [][]b2b.Opportunity{{deal("oppA", 0, b2b.OpportunityWon, 2), addOnLost}}, buyinggroup.StageClosedWon},
		}},
		{"twins won then lost, one call", []step{{2, [][]b2b.Opportunity{{twinWon, twinLost}}, buyinggroup.StageClosedWon}}},
		{"twins lost then won, one call", []step{{2, [][]b2b.Opportunity{{twinLost, twinWon}}, buyinggroup.StageClosedWon}}},
		{"twins won then lost, two calls", []step{{2, [][]b2b.Opportunity{{twinWon}, {twinLost}}, buyinggroup.StageClosedWon}}},
		// The lost deal, alone when it came, closed the group lost; the
		// won one was last changed then too, not after the close.
		{"twins lost then won, two calls", []step{{2, [][]b2b.Opportunity{{twinLost}, {twinWon}}, buyinggroup.StageClosedLost}}},
		{"every deal lost, then a new deal won", []step{
			{2, [][]b2b.Opportunity{{addOnLost}}, buyinggroup.StageClosedLost},
			{6, [][]b2b.Opportunity{{deal("oppC", 4, b2b.OpportunityWon, 6)}}, buyinggroup.StageClosedWon},
		}},
		{"every deal lost, then a new deal opened", []step{
			{2, [][]b2b.Opportunity{{addOnLost}}, buyinggroup.StageClosedLost},
			{6, [][]b2b.Opportunity{{deal("oppC", 6, b2b.OpportunityOpen, 0)}}, buyinggroup.StageConsideration},
		}},
	}
	for _, s := range stateStores {
		for _, tt := range tests {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				b := setup(t, dataPlatform(), func(c *engine.Config) { c.Store = s.store() })
				setupAcme(t, b)
				for _, st := range tt.steps {
					b.clock.Set(day(st.day))
					for _, opps := range st.calls {
						rep, err := b.eng.UpsertOpportunities(b.ctx, opps...)
						require.NoError(t, err)
						require.Empty(t, rep.Rejected)
					}
					v, err := b.eng.Account(b.ctx, "acme", day(st.day))
					require.NoError(t, err)
					require.Len(t, v.Groups, 1)
					require.Equal(t, st.stage, v.Groups[0].Group.Stage, "day %d", st.day)
				}
			})
		}
	}
}
