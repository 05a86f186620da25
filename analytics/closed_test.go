package analytics_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestVelocityClosedIsNotPending: a group whose deal closed (a stage of
// ClosedStages at To: won or lost) before it became sales-ready, or before
// an opportunity came, will not get there: its clock stopped. It is not
// pending but closed. Its stage at To is what counts, whether
// group.updated or buyinggroup.stage_changed told it.
func TestVelocityClosedIsNotPending(t *testing.T) {
	t.Parallel()
	opp := func(id string, createdDay float64) m {
		return m{"id": id, "solutionInterest": "dp", "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	stage := func(group, from, to string) m {
		return m{"type": "stage_changed", "group": group, "interest": "dp", "from": from, "to": to}
	}
	// a: a deal on day 3, won on day 6, never sales-ready. b: lost on day
	// 4 (told by stage_changed alone), no deal. c: still in Consideration.
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
		add("b", day(0), "buyinggroup.group_created", created("gb", "dp", day(0))).
		add("c", day(0), "buyinggroup.group_created", created("gc", "dp", day(0))).
		add("a", day(1), "group.updated", snap("ga", "dp", "Consideration", 0.6, 80, "")).
		add("c", day(1), "group.updated", snap("gc", "dp", "Consideration", 0.3, 40, "")).
		add("a", day(3), "opportunity.created", opp("o-a", 3)).
		add("b", day(4), "buyinggroup.stage_changed", stage("gb", "Awareness", "Closed Lost")).
		add("a", day(6), "buyinggroup.stage_changed", stage("ga", "Consideration", "Closed Won")).
		add("a", day(6), "group.updated", snap("ga", "dp", "Closed Won", 0.6, 90, ""))
	noneReady := analytics.Average{Reason: "no buying group became sales-ready in the period"}
	oneDeal := analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}
	tests := []struct {
		name string
		cfg  analytics.Config
		to   float64
		want analytics.Velocity
	}{{
		name: "day 10: a won and b lost before sales-ready; b lost before a deal",
		to:   10,
		want: analytics.Velocity{ToSalesReady: analytics.Duration{Days: noneReady, Pending: 1, Closed: 2},
			ToOpportunity: analytics.Duration{Days: oneDeal, Pending: 1, Closed: 1}},
	}, {
		name: "day 5: a is still open, its sales-ready clock runs",
		to:   5,
		want: analytics.Velocity{ToSalesReady: analytics.Duration{Days: noneReady, Pending: 2, Closed: 1},
			ToOpportunity: analytics.Duration{Days: oneDeal, Pending: 1, Closed: 1}},
	}, {
		name: "day 2: nothing closed yet",
		to:   2,
		want: analytics.Velocity{ToSalesReady: analytics.Duration{Days: noneReady, Pending: 3},
			ToOpportunity: analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, Pending: 3}},
	}, {
		name: "a model whose only closed stage is Closed Lost: a's clock runs on",
		cfg:  analytics.Config{ClosedStages: []string{"Closed Lost"}},
		to:   10,
		want: analytics.Velocity{ToSalesReady: analytics.Duration{Days: noneReady, Pending: 2, Closed: 1},
			ToOpportunity: analytics.Duration{Days: oneDeal, Pending: 1, Closed: 1}},
	}}
	t.Run("the text report says how many closed before", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		require.NoError(t, report(t, log, analytics.Config{}, analytics.Period{To: day(10)}).WriteText(&b))
		require.Contains(t, b.String(), "median 3.0 days, 1 pending, 1 closed before\n")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.want, r.Velocity), "(-want +got)")
		})
	}
}
