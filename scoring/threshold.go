package scoring

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A Threshold fires when a score crosses Level going up, once: it fires
// again only after the score has fallen below Level - Margin (hysteresis).
// A score hovering around the level therefore raises one alert, not one per
// wobble.
type Threshold struct {
	Name   string  `json:"name"`
	Level  float64 `json:"level"`
	Margin float64 `json:"margin"`
}

// Validate reports every problem with the threshold at once.
func (t *Threshold) Validate() error {
	var ps b2b.Problems
	if strings.TrimSpace(t.Name) == "" {
		ps.Addf("name", "is required")
	}
	if math.IsNaN(t.Level) || math.IsInf(t.Level, 0) {
		ps.Addf("level", "%v is not a finite number", t.Level)
	}
	if !finiteNonNeg(t.Margin) {
		ps.Addf("margin", "%v is not a finite number >= 0", t.Margin)
	}
	return ps.Err("threshold %q", t.Name)
}

// ThresholdState is where a threshold's state machine stands for one score
// (a person's or a group's): plain data to persist. Its zero value is armed.
type ThresholdState struct {
	// Fired is true from a crossing until the score falls below Level -
	// Margin; while it is true the threshold cannot fire.
	Fired bool `json:"fired"`
	// Since is the time of the last transition (zero before any).
	Since time.Time `json:"since,omitzero"`
}

// CrossingKind is a transition of a threshold.
type CrossingKind uint8

// The transitions.
const (
	// Fired: the score reached the level while armed. Alert on this.
	Fired CrossingKind = iota + 1
	// Rearmed: the score fell below level - margin after firing.
	Rearmed
)

func (k CrossingKind) String() string {
	switch k {
	case Fired:
		return "fired"
	case Rearmed:
		return "re-armed"
	}
	return fmt.Sprintf("CrossingKind(%d)", uint8(k))
}

// A Crossing is a transition with its reason.
type Crossing struct {
	Threshold string
	Kind      CrossingKind
	Score     float64
	At        time.Time
	Reason    string
}

// Observe evaluates the state machine on the score at time at, updates st,
// and returns the transition, if any. With decay, a score falls between
// activities: to see a dip below Level - Margin that happens between two
// activities, observe the score just before applying each batch as well as
// after (the lowest point between activities is just before the next one).
func (t *Threshold) Observe(st *ThresholdState, score float64, at time.Time) (Crossing, bool) {
	switch {
	case !st.Fired && score >= t.Level:
		st.Fired, st.Since = true, at
		return Crossing{Threshold: t.Name, Kind: Fired, Score: score, At: at,
			Reason: fmt.Sprintf("score %s reached threshold %q at %g (it fires again only after falling below %s)", readAs(score, func(v float64) bool { return v >= t.Level }), t.Name, t.Level, t.rearmText())}, true
	case st.Fired && score < t.Level-t.Margin:
		st.Fired, st.Since = false, at
		return Crossing{Threshold: t.Name, Kind: Rearmed, Score: score, At: at,
			Reason: fmt.Sprintf("score %s fell below %s (threshold %q at %g minus margin %g): armed again", readAs(score, func(v float64) bool { return v < t.Level-t.Margin }), t.rearmText(), t.Name, t.Level, t.Margin)}, true
	}
	return Crossing{}, false
}

// rearmText writes Level - Margin with as many decimals as the two have
// written out, at most (50.3 - 0.1 is 50.2, not the 50.199999999999996
// the subtraction rounds to; 0.25 - 0.05 is 0.2), or exactly where that
// takes more than 15, or with an exponent as %g writes it from 1e21 on.
func (t *Threshold) rearmText() string {
	d := max(decimals(t.Level), decimals(t.Margin))
	if d > 15 || math.Abs(t.Level-t.Margin) >= 1e21 { // as %g writes it: 1e+21
		return strconv.FormatFloat(t.Level-t.Margin, 'g', -1, 64)
	}
	s := strconv.FormatFloat(t.Level-t.Margin, 'f', d, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// decimals is how many digits x has after the point, written as the
// shortest decimal that reads as x.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// readAs writes score with one decimal, or as many more as it takes for
// the text to read as the comparison that moved the threshold (holds): a
// decayed score of 79.96 that re-arms a threshold at 80 is not "80.0", and
// a score of 0.25 that reaches a level of 0.25 is not "0.2".
func readAs(score float64, holds func(float64) bool) string {
	for prec := 1; prec <= 17; prec++ {
		s := strconv.FormatFloat(score, 'f', prec, 64)
		if v, err := strconv.ParseFloat(s, 64); err == nil && holds(v) {
			return s
		}
	}
	return strconv.FormatFloat(score, 'g', -1, 64) // the shortest text that is score exactly
}
