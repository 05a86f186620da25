package scoring

import (
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

func TestExplainWithFoldedCredits(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", HalfLife: 10 * 24 * time.Hour, DisplayMax: 100, Rules: []Rule{
		{Name: "event", Types: []string{b2b.ActivityAttendEvent}, Points: 40},
		{Name: "unsubscribe", Types: []string{b2b.ActivityUnsubscribeEmail}, Points: -10},
	}}
	s, err := New(m, Config{Horizon: 5 * 24 * time.Hour})
	require.NoError(t, err)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	var st PersonState
	for _, a := range []b2b.Activity{
		{ID: "old", Type: b2b.ActivityAttendEvent, Time: day(0)},
		{ID: "new", Type: b2b.ActivityAttendEvent, Time: day(20)},
		{ID: "bye", Type: b2b.ActivityUnsubscribeEmail, Time: day(20)},
	} {
		_, err := s.Apply(&st, &a, testPersons["ann"], nil, a.Time)
		require.NoError(t, err)
	}
	x, err := s.Explain("ann", &st, day(30))
	require.NoError(t, err)
	want := Explanation{
		Model: "m", Person: "ann", At: day(30), Score: 5 + 20 - 5, Display: 20, HalfLife: m.HalfLife,
		Rules: []RuleLine{
			{Rule: "event", Points: 40, Count: 1, Recent: 20, Older: 5, Value: 25},
			{Rule: "unsubscribe", Points: -10, Count: 1, Recent: -5, Value: -5},
		},
		// Same time: in activity key order. The state keeps keys, not IDs.
		Activities: []ActivityLine{
			{Key: ActivityKey("bye"), Rule: "unsubscribe", Time: day(20), Points: -10, Factor: 0.5, Value: -5},
			{Key: ActivityKey("new"), Rule: "event", Time: day(20), Points: 40, Factor: 0.5, Value: 20},
		},
	}
	require.Empty(t, gocmp.Diff(want, x, cmpopts.EquateApprox(0, 1e-12)), "(-want +got)")
	require.Contains(t, x.String(), `2025-03-21T00:00:00Z #008a2f19137d94c3 "unsubscribe": -10 points x 0.500 = -5.0`)

	// The host names the lines from the IDs it stores; IDs of other
	// activities (folded "old", unrelated "zzz") name nothing.
	require.Equal(t, 2, x.NameActivities("old", "new", "bye", "zzz"))
	want.Activities[0].Activity, want.Activities[1].Activity = "bye", "new"
	require.Empty(t, gocmp.Diff(want, x, cmpopts.EquateApprox(0, 1e-12)), "(-want +got)")
	require.Equal(t, `ann scores 20.0 under model "m" at 2025-03-31T00:00:00Z; points halve every 10d
  rule "event": 25.0 from 1 recent activity, 5.0 from older ones
  rule "unsubscribe": -5.0 from 1 recent activity
  2025-03-21T00:00:00Z bye "unsubscribe": -10 points x 0.500 = -5.0
  2025-03-21T00:00:00Z new "event": +40 points x 0.500 = 20.0`, x.String())

	_, err = s.Explain("ann", &st, day(1))
	require.ErrorIs(t, err, ErrBeyondHorizon)
	require.EqualError(t, err, "scoring: 2025-03-02T00:00:00Z is before the horizon floor 2025-03-16T00:00:00Z (widen Config.Horizon to read further back)")

	empty, err := s.Explain("zed", nil, day(1))
	require.NoError(t, err)
	require.Zero(t, empty.Score)
	require.Empty(t, empty.Rules)
}

// TestPersonWithNoState: a person with no state (what Ledger.State returns
// for a person who never scored) reads as the empty state everywhere, as
// Explain and Score read it: a score of 0, no change, nothing to compact.
func TestPersonWithNoState(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	var l Ledger
	none := l.State("zed")
	require.Nil(t, none)

	score, err := s.ScoreAt(none, t0)
	require.NoError(t, err)
	require.Zero(t, score)
	v, err := s.Velocity(none, t0, 7*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, Velocity{From: t0.Add(-7 * 24 * time.Hour), To: t0}, v)
	s.Compact(none, t0)
	require.Equal(t, time.Unix(0, s.floorAt(t0, unixNano(t0))).UTC(), s.Floor(none, t0))
	x, err := s.Explain("zed", none, t0)
	require.NoError(t, err)
	require.Zero(t, x.Score)
}

// Texts write times in UTC, as the state keeps them: a velocity read at a
// time in another zone names the same dates as one read in UTC.
func TestVelocityTextInUTC(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	now := time.Date(2025, 3, 10, 5, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		loc  *time.Location
	}{
		{"UTC", time.UTC},
		{"ten hours behind", time.FixedZone("HST", -10*3600)},
		{"ten hours ahead", time.FixedZone("AEST", 10*3600)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := s.Velocity(nil, now.In(tc.loc), 3*24*time.Hour)
			require.NoError(t, err)
			require.Equal(t, "+0.0 over 3d (0.0 on 2025-03-07 -> 0.0 on 2025-03-10)", v.String())
		})
	}
}

// TestTextCounts: a count in a text takes the noun that agrees with it.
func TestTextCounts(t *testing.T) {
	t.Parallel()
	rule := func(n int) string {
		x := Explanation{Model: "m", Person: "ann", At: t0, Score: 5, Display: 5, Rules: []RuleLine{{Rule: "r", Count: n, Value: 5}}}
		return strings.Split(x.String(), "\n")[1]
	}
	group := func(persons ...b2b.PersonID) string {
		var parts []Part
		for _, p := range persons {
			parts = append(parts, Part{Person: p, Roles: []string{"x"}, Weight: 1})
		}
		return strings.Split(GroupScore{Group: "g", Aggregation: AggSum, At: t0, Parts: parts}.String(), "\n")[0]
	}
	tests := []struct {
		name, got, want string
	}{
		{"one recent activity", rule(1), `  rule "r": 5.0 from 1 recent activity`},
		{"two recent activities", rule(2), `  rule "r": 5.0 from 2 recent activities`},
		{"one person", group("ann"), `group "g" scores 0.0 at 2025-03-01T00:00:00Z (sum of 1 person)`},
		{"two persons", group("ann", "bob"), `group "g" scores 0.0 at 2025-03-01T00:00:00Z (sum of 2 persons)`},
		{"no person", group(), `group "g" scores 0.0 at 2025-03-01T00:00:00Z (sum of 0 persons)`},
		{"one activity, one duplicate", (&Report{Duplicates: 1}).String(), `1 activity: 0 credited, 0 unmatched, 0 capped, 1 duplicate`},
		{"two activities, two duplicates", (&Report{Duplicates: 2}).String(), `2 activities: 0 credited, 0 unmatched, 0 capped, 2 duplicates`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.got)
		})
	}
}

// TestExplanationDisplayText: the display score reads 100 only when it is
// 100 and 0 only when it is 0; between, it is rounded to a whole number
// unless that would land on a bound it has not reached.
func TestExplanationDisplayText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		display float64
		want    string
	}{
		{100, " (100/100)"},
		{0, " (0/100)"},
		{45.3, " (45/100)"},
		{99.4, " (99/100)"},
		{99.5, " (99.5/100)"},
		{99.7, " (99.7/100)"},
		{99.996, " (99.996/100)"},
		{0.4, " (0.4/100)"},
		{0.5, " (0.5/100)"},
		{0.6, " (1/100)"},
		{0.001, " (0.001/100)"},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatFloat(tt.display, 'g', -1, 64), func(t *testing.T) {
			x := Explanation{Model: "m", Person: "ann", At: t0, Score: 1000, Display: tt.display}
			require.Equal(t, `ann scores 1000.0 under model "m" at 2025-03-01T00:00:00Z`+tt.want, x.String())
		})
	}
}

// TestVelocityTextAddsUp: the change a velocity's text shows is the
// difference of the two scores it shows, with as many decimals as that
// takes: 80.04 -> 80.16 is +0.12, not "+0.1 (80.0 -> 80.2)".
func TestVelocityTextAddsUp(t *testing.T) {
	t.Parallel()
	from, to := t0, t0.Add(14*24*time.Hour)
	for _, tc := range []struct {
		start, end float64
		want       string
	}{
		{0, 79.2, "+79.2 over 14d (0.0 on 2025-03-01 -> 79.2 on 2025-03-15)"},
		{80.04, 80.16, "+0.12 over 14d (80.04 on 2025-03-01 -> 80.16 on 2025-03-15)"},
		{120.06, 40.04, "-80.02 over 14d (120.06 on 2025-03-01 -> 40.04 on 2025-03-15)"},
		{10.25, 10.25, "+0.0 over 14d (10.2 on 2025-03-01 -> 10.2 on 2025-03-15)"},
		{0.0004, 0.0001, "-0.0 over 14d (0.0 on 2025-03-01 -> 0.0 on 2025-03-15)"},
		{40.06, 40.14, "+0.08 over 14d (40.06 on 2025-03-01 -> 40.14 on 2025-03-15)"},
	} {
		v := Velocity{From: from, To: to, Start: tc.start, End: tc.end, Change: tc.end - tc.start}
		require.Equal(t, tc.want, v.String(), "%v -> %v", tc.start, tc.end)
		g := GroupVelocity{Start: GroupScore{Group: "g", At: from, Score: tc.start}, End: GroupScore{Group: "g", At: to, Score: tc.end}, Change: tc.end - tc.start}
		want := `group "g": ` + strings.Replace(strings.Replace(tc.want, " on 2025-03-01", "", 1), " on 2025-03-15", "", 1)
		require.Equal(t, want, g.String(), "%v -> %v", tc.start, tc.end)
	}
}

// TestExplanationTextAddsUp: the rules' values an explanation writes add
// up to the score it writes, with as many decimals as that takes.
func TestExplanationTextAddsUp(t *testing.T) {
	t.Parallel()
	line := func(rule string, v float64) RuleLine { return RuleLine{Rule: rule, Count: 1, Recent: v, Value: v} }
	for _, tc := range []struct {
		name string
		x    Explanation
		want string
	}{
		{"whole", Explanation{Score: 65, Rules: []RuleLine{line("form", 10), line("demo", 40), line("webinar", 15)}}, `ann scores 65.0 under model "m" at 2025-03-01T00:00:00Z
  rule "form": 10.0 from 1 recent activity
  rule "demo": 40.0 from 1 recent activity
  rule "webinar": 15.0 from 1 recent activity`},
		{"three that round down", Explanation{Score: 30.12, Rules: []RuleLine{line("a", 10.04), line("b", 10.04), line("c", 10.04)}}, `ann scores 30.12 under model "m" at 2025-03-01T00:00:00Z
  rule "a": 10.04 from 1 recent activity
  rule "b": 10.04 from 1 recent activity
  rule "c": 10.04 from 1 recent activity`},
		{"older ones", Explanation{Score: 20.1, Rules: []RuleLine{{Rule: "a", Count: 1, Recent: 9.96, Older: 0.09, Value: 10.05}, line("b", 10.05)}}, `ann scores 20.10 under model "m" at 2025-03-01T00:00:00Z
  rule "a": 10.05 from 1 recent activity, 0.09 from older ones
  rule "b": 10.05 from 1 recent activity`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.x.Person, tc.x.Model, tc.x.At, tc.x.Display = "ann", "m", t0, tc.x.Score
			require.Equal(t, tc.want, tc.x.String())
		})
	}
}

// TestExplanationActivityLinesMultiplyOut: an activity line's points times
// its factor, as written, is its value, as written: the factor takes as
// many decimals as that needs (1000 x 0.1235 = 123.5, not 1000 x 0.123).
func TestExplanationActivityLinesMultiplyOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		points, factor float64
		want           string
	}{
		{30, 0.5, `+30 points x 0.500 = 15.0`},
		{40, 0.4567, `+40 points x 0.457 = 18.3`},
		{1000, 0.12345, `+1000 points x 0.1235 = 123.5`},
		{-20, 0.98765, `-20 points x 0.988 = -19.8`},
	} {
		v := tc.points * tc.factor
		x := Explanation{Person: "ann", Model: "m", At: t0, Score: v, Display: v,
			Rules:      []RuleLine{{Rule: "r", Count: 1, Recent: v, Value: v}},
			Activities: []ActivityLine{{Activity: "a1", Rule: "r", Time: t0, Points: tc.points, Factor: tc.factor, Value: v}}}
		lines := strings.Split(x.String(), "\n")
		require.Equal(t, `  2025-03-01T00:00:00Z a1 "r": `+tc.want, lines[len(lines)-1])
	}
}

// TestExplanationRuleWithOnlyOlderCredits: a rule whose credits are all
// folded out of the horizon reads "5.0 from older ones", not "5.0, 5.0
// from older ones".
func TestExplanationRuleWithOnlyOlderCredits(t *testing.T) {
	t.Parallel()
	x := Explanation{Person: "ann", Model: "m", At: t0, Score: 8, Display: 8, Rules: []RuleLine{
		{Rule: "event", Older: 5, Value: 5},
		{Rule: "form", Count: 1, Recent: 2, Older: 1, Value: 3},
	}}
	require.Equal(t, `ann scores 8.0 under model "m" at 2025-03-01T00:00:00Z
  rule "event": 5.0 from older ones
  rule "form": 3.0 from 1 recent activity, 1.0 from older ones`, x.String())
}
