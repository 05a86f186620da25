package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestThresholdHysteresis(t *testing.T) {
	t.Parallel()
	th := Threshold{Name: "hot", Level: 100, Margin: 20}
	require.NoError(t, th.Validate())
	tests := []struct {
		score float64
		want  CrossingKind // 0: no transition
	}{
		{50, 0},
		{100, Fired}, // reaching the level fires
		{99, 0},      // wobbling below the level: nothing
		{101, 0},     // ... and above it again: no second alert
		{85, 0},
		{80, 0}, // exactly level - margin: still not re-armed
		{79.9, Rearmed},
		{95, 0},
		{120, Fired}, // fires again only after re-arming
		{130, 0},
	}
	var st ThresholdState
	for i, tt := range tests {
		at := t0.Add(time.Duration(i) * time.Hour)
		c, ok := th.Observe(&st, tt.score, at)
		if tt.want == 0 {
			require.False(t, ok, "step %d score %v: %+v", i, tt.score, c)
			continue
		}
		require.True(t, ok, "step %d score %v", i, tt.score)
		require.Equal(t, tt.want, c.Kind, "step %d", i)
		require.Equal(t, at, st.Since)
	}
	require.True(t, st.Fired)

	st = ThresholdState{}
	c, _ := th.Observe(&st, 104.25, t0)
	require.Equal(t, `score 104.2 reached threshold "hot" at 100 (it fires again only after falling below 80)`, c.Reason)
	c, _ = th.Observe(&st, 60, t0)
	require.Equal(t, `score 60.0 fell below 80 (threshold "hot" at 100 minus margin 20): armed again`, c.Reason)
	require.Equal(t, "re-armed", c.Kind.String())
}

// TestThresholdOnDecayingScore: scenario S6, a group whose score decays
// from 120 to 40 and comes back: the alert at 100 fires again only after the
// score went below the margin and back up.
func TestThresholdOnDecayingScore(t *testing.T) {
	t.Parallel()
	th := Threshold{Name: "mqa", Level: 100, Margin: 30}
	var st ThresholdState
	var fired int
	score := func(day float64) float64 { return 120 * math.Exp2(-day/20) } // 120 -> 40 in ~32 days
	for d := 0.0; d <= 32; d++ {
		if c, ok := th.Observe(&st, score(d), t0); ok && c.Kind == Fired {
			fired++
		}
	}
	require.Equal(t, 1, fired)
	require.False(t, st.Fired, "re-armed after falling below 70")
	c, ok := th.Observe(&st, 110, t0)
	require.True(t, ok)
	require.Equal(t, Fired, c.Kind)
}

func TestThresholdValidate(t *testing.T) {
	t.Parallel()
	th := Threshold{Level: math.Inf(1), Margin: -1}
	require.EqualError(t, th.Validate(), `threshold "": 3 problems:
  name: is required
  level: +Inf is not a finite number
  margin: -1 is not a finite number >= 0`)
}

// TestThresholdReasonReadsBelow: a score that re-arms a threshold is below
// level - margin, and its reason says so with as many decimals as that
// takes: a decayed score of 79.96 is not "80.0 fell below 80".
func TestThresholdReasonReadsBelow(t *testing.T) {
	t.Parallel()
	th := Threshold{Name: "hot", Level: 100, Margin: 20}
	tests := []struct {
		score float64
		want  string
	}{
		{60, `score 60.0 fell below 80 (threshold "hot" at 100 minus margin 20): armed again`},
		{79.96, `score 79.96 fell below 80 (threshold "hot" at 100 minus margin 20): armed again`},
		{79.9999, `score 79.9999 fell below 80 (threshold "hot" at 100 minus margin 20): armed again`},
		{math.Nextafter(80, 0), `score 79.99999999999999 fell below 80 (threshold "hot" at 100 minus margin 20): armed again`},
	}
	for _, tt := range tests {
		st := ThresholdState{Fired: true}
		c, ok := th.Observe(&st, tt.score, t0)
		require.True(t, ok, "score %v", tt.score)
		require.Equal(t, tt.want, c.Reason)
	}

	// And a score that reaches the level does not read below it.
	low := Threshold{Name: "share", Level: 0.25, Margin: 0.05}
	var st ThresholdState
	c, ok := low.Observe(&st, 0.25, t0)
	require.True(t, ok)
	require.Equal(t, `score 0.25 reached threshold "share" at 0.25 (it fires again only after falling below 0.2)`, c.Reason)

	// The level to fall below reads as the difference written out, not as
	// the float it rounds to (50.3 - 0.1 is 50.199999999999996).
	odd := Threshold{Name: "warm", Level: 50.3, Margin: 0.1}
	st = ThresholdState{}
	c, ok = odd.Observe(&st, 51, t0)
	require.True(t, ok)
	require.Equal(t, `score 51.0 reached threshold "warm" at 50.3 (it fires again only after falling below 50.2)`, c.Reason)
	c, ok = odd.Observe(&st, 50.1, t0)
	require.True(t, ok)
	require.Equal(t, `score 50.1 fell below 50.2 (threshold "warm" at 50.3 minus margin 0.1): armed again`, c.Reason)
	huge := Threshold{Name: "huge", Level: 2e300, Margin: 1e300}
	st = ThresholdState{}
	c, ok = huge.Observe(&st, 3e300, t0)
	require.True(t, ok)
	require.Contains(t, c.Reason, "falling below 1e+300)")
}
