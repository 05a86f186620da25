package engine

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/scoring"
)

// TestDaysSinceLast: a group's last activity is its members' latest by
// time, whatever order the activities came in; one dated after now is of
// today; none is +Inf.
func TestDaysSinceLast(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	members := []buyinggroup.Member{{Person: "p1", Role: "Champion"}, {Person: "p2", Role: "End User"}, {Person: "p1", Role: "End User"}}
	tests := []struct {
		name string
		acts []activityRecord
		want float64
	}{
		{"none", nil, math.Inf(1)},
		{"no member's", []activityRecord{rec("a", "p3", now.AddDate(0, 0, -1))}, math.Inf(1)},
		{"in order", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -5)), rec("b", "p2", now.AddDate(0, 0, -2))}, 2},
		{"a late record of an older activity", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -2)), rec("b", "p2", now.AddDate(0, 0, -9))}, 2},
		{"an older activity of the same person after a later one", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -2)), rec("b", "p1", now.AddDate(0, 0, -9))}, 2},
		{"a non-member's later activity", []activityRecord{rec("a", "p1", now.AddDate(0, 0, -4)), rec("b", "p3", now)}, 4},
		{"ahead of the clock", []activityRecord{rec("a", "p1", now.Add(2*time.Minute))}, 0},
		{"long past any retention", []activityRecord{rec("a", "p1", now.AddDate(-1, 0, 0))}, 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &accountState{}
			for _, r := range tt.acts {
				st.noteActivity(r.Person, r.Time)
			}
			require.Equal(t, tt.want, daysSinceLast(now, st.LastActivity, members))
		})
	}
}

func rec(id b2b.ActivityID, p b2b.PersonID, at time.Time) activityRecord {
	return newActivityRecord(id, "visit_web_page", p, at, nil)
}

// TestLastActivityOfAnOldState: a state written before it kept the
// persons' last activities is given, as it is decoded, the latest of each
// person's activity records and score credits; a state that has them
// keeps them as they are, pruned records or not.
func TestLastActivityOfAnOldState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	credit := func(at time.Time) scoring.Credit {
		return scoring.Credit{Key: 1, At: at.UnixNano(), Points: 10, Rule: 0, RuleKey: 1}
	}
	old := &accountState{V: stateVersion, Account: b2b.Account{ID: "acme"},
		Activities: []activityRecord{rec("a", "p1", now.AddDate(0, 0, -3)), rec("b", "p1", now.AddDate(0, 0, -1)), rec("c", "p2", now.AddDate(0, 0, -2))},
		Scores: map[string]*scoring.Ledger{"engagement": {Persons: map[b2b.PersonID]*scoring.PersonState{
			"p2": {Credits: []scoring.Credit{credit(now.AddDate(0, 0, -40)), credit(now.AddDate(0, 0, -2))}},
			"p3": {Credits: []scoring.Credit{credit(now.AddDate(0, 0, -50))}},
			"p4": {Past: []scoring.RuleValue{{Rule: 0, RuleKey: 1, At: now.UnixNano(), Value: 3}}},
		}}}}
	data, err := old.encode()
	require.NoError(t, err)
	require.NotContains(t, string(data), "lastActivity")
	st, err := decodeState("acme", data)
	require.NoError(t, err)
	require.Equal(t, map[b2b.PersonID]time.Time{"p1": now.AddDate(0, 0, -1), "p2": now.AddDate(0, 0, -2), "p3": now.AddDate(0, 0, -50)}, st.LastActivity,
		"p4's activities are folded out of the credits: the state cannot tell when they were")

	// A state that keeps them: its records pruned, they stay.
	st.pruneActivities(now, time.Hour)
	require.Empty(t, st.Activities)
	data, err = st.encode()
	require.NoError(t, err)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &raw))
	require.Contains(t, raw, "lastActivity")
	again, err := decodeState("acme", data)
	require.NoError(t, err)
	require.Equal(t, st.LastActivity, again.LastActivity)
}
