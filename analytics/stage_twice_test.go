package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestStageLoggedTwiceAtTheEarliestTime: a log whose order is not its
// times' can hold a group's move to a stage twice, the later time first
// (a late snapshot). The group was in that stage, and qualified by it,
// from the earliest time the log dates it.
func TestStageLoggedTwiceAtTheEarliestTime(t *testing.T) {
	t.Parallel()
	ready := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("g", "dp", day(0))).
		add("a", day(5), "group.updated", snap("g", "dp", "Sales Ready", 1, 10, "")).
		add("a", day(2), "group.updated", snap("g", "dp", "Sales Ready", 1, 10, ""))
	closed := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("g", "dp", day(0))).
		add("a", day(5), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "g", "interest": "dp", "to": "Closed Lost"}).
		add("a", day(2), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "g", "interest": "dp", "to": "Closed Lost"})
	cfg := analytics.Config{StagesOnly: true}
	t.Run("sales-ready from the earlier time: an MQA of the period that holds it", func(t *testing.T) {
		t.Parallel()
		r := report(t, ready, cfg, analytics.Period{From: day(1), To: day(3)})
		require.Equal(t, analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}, r.MQA.Groups)
		require.Empty(t, cmp.Diff(analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}},
			r.Velocity.ToSalesReady), "(-want +got)")
	})
	t.Run("closed from the earlier time: not pending between the two", func(t *testing.T) {
		t.Parallel()
		r := report(t, closed, cfg, analytics.Period{To: day(3)})
		require.Equal(t, 1, r.Velocity.ToSalesReady.Closed, "closed")
		require.Equal(t, 0, r.Velocity.ToSalesReady.Pending, "pending")
	})
}
