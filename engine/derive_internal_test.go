package engine

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestDaysSinceLast: a group's last activity is its members' latest by
// time, whatever order the records came in; one dated after now is of
// today; none is +Inf.
func TestDaysSinceLast(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	rec := func(id b2b.ActivityID, p b2b.PersonID, at time.Time) activityRecord {
		return newActivityRecord(id, "visit_web_page", p, at, nil)
	}
	members := map[b2b.PersonID]bool{"p1": true, "p2": true}
	tests := []struct {
		name string
		acts []activityRecord
		want float64
	}{
		{"none", nil, math.Inf(1)},
		{"no member's", []activityRecord{rec("a", "p3", now.AddDate(0, 0, -1))}, math.Inf(1)},
		{"in order", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -5)), rec("b", "p2", now.AddDate(0, 0, -2))}, 2},
		{"a late record of an older activity", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -2)), rec("b", "p2", now.AddDate(0, 0, -9))}, 2},
		{"a non-member's later activity", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -4)), rec("b", "p3", now)}, 4},
		{"ahead of the clock", []activityRecord{rec("a", "p1", now.Add(2*time.Minute))}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, daysSinceLast(now, tt.acts, members))
		})
	}
}
