package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestSnapshotWithoutStageKeepsTheStage: a group.updated that names no
// stage tells none; the group stays in the stage it was in. It neither
// stops being qualified (and so "becomes" qualified again at its next
// snapshot), nor leaves a closed stage, nor leaves its row of the stage
// distribution.
func TestSnapshotWithoutStageKeepsTheStage(t *testing.T) {
	t.Parallel()
	noStage := func(group string) m {
		return m{"group": group, "interest": "dp", "completeness": 0.5, "score": 10}
	}
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("g1", "dp", day(0))).
		add("a", day(1), "group.updated", snap("g1", "dp", "Sales Ready", 0.5, 10, "")).
		add("a", day(2), "group.updated", noStage("g1")).
		add("a", day(3), "group.updated", snap("g1", "dp", "Sales Ready", 0.5, 10, "")).
		add("b", day(0), "buyinggroup.group_created", created("g2", "dp", day(0))).
		add("b", day(1), "group.updated", snap("g2", "dp", "Closed Lost", 0.5, 10, "")).
		add("b", day(2), "group.updated", noStage("g2"))
	cfg := analytics.Config{StagesOnly: true}
	t.Run("no new qualification after the blank snapshot", func(t *testing.T) {
		t.Parallel()
		r := report(t, log, cfg, analytics.Period{From: day(2.5), To: day(4)})
		want := analytics.MQA{Accounts: analytics.Ratio{Numerator: 0, Denominator: 2, Value: val(0)},
			Groups: analytics.Ratio{Numerator: 0, Denominator: 2, Value: val(0)}}
		require.Empty(t, cmp.Diff(want, r.MQA), "(-want +got)")
	})
	t.Run("the closed group stays closed, not pending", func(t *testing.T) {
		t.Parallel()
		r := report(t, log, cfg, analytics.Period{To: day(4)})
		require.Equal(t, 1, r.Velocity.ToSalesReady.Closed, "closed")
		require.Equal(t, 0, r.Velocity.ToSalesReady.Pending, "pending")
	})
	t.Run("the stage distribution keeps each group's stage", func(t *testing.T) {
		t.Parallel()
		r := report(t, log, cfg, analytics.Period{To: day(2.5)})
		half := analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}
		want := []analytics.StageCount{{Stage: "Sales Ready", Groups: 1, Share: half}, {Stage: "Closed Lost", Groups: 1, Share: half}}
		require.Empty(t, cmp.Diff(want, r.Stages), "(-want +got)")
	})
}

// TestCreatedStageIsTheGroupsStage: the engine logs a group's creation
// with the stage it starts in (group_created's to); a snapshot that names
// no stage after it leaves the group in that stage.
func TestCreatedStageIsTheGroupsStage(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", m{"type": "group_created", "group": "g1", "interest": "dp", "at": day(0), "to": "Awareness"}).
		add("a", day(1), "group.updated", m{"group": "g1", "interest": "dp", "completeness": 0.5, "score": 10})
	r := report(t, log, analytics.Config{}, analytics.Period{To: day(2)})
	want := []analytics.StageCount{{Stage: "Awareness", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}}}
	require.Empty(t, cmp.Diff(want, r.Stages), "(-want +got)")
}
