package scoring

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// An Explanation is the breakdown of a person's score at a time, by rule and
// by activity, with decay applied.
type Explanation struct {
	Model    string
	Person   b2b.PersonID
	At       time.Time
	Score    float64
	Display  float64 // on the model's 0-100 scale (Score when it has none)
	HalfLife time.Duration
	// Rules hold one line per rule that has credits, in model order, then
	// one per rule the model no longer has (credits scored before the
	// model changed; see [Credit]), named by its key as "rule #4a7c2e01
	// (no longer in model "m")"; their values add up to Score.
	Rules []RuleLine
	// Activities hold the credits still within the horizon, oldest first.
	Activities []ActivityLine
}

// A RuleLine is what one rule contributes to a score.
type RuleLine struct {
	Rule   string
	When   string  // the rule's condition ("" for none)
	Points float64 // per activity, as the model says now (0 for a rule it no longer has)
	// Count is the number of credits within the horizon.
	Count int
	// Recent is their value at the explanation's time; Older is the value
	// of the credits folded out of the horizon; Value = Recent + Older.
	Recent, Older, Value float64
}

// An ActivityLine is one credit: an activity counted by a rule. A state
// remembers an activity by its key (see [Credit]), so Activity is empty
// until [Explanation.NameActivities] names it; the line is still
// identified by its time, rule and key.
type ActivityLine struct {
	Activity b2b.ActivityID // "" until named
	Key      uint64         // [ActivityKey] of the activity's ID
	Rule     string
	Time     time.Time
	Points   float64
	Factor   float64 // the decay factor at the explanation's time
	Value    float64 // Points * Factor
}

// Explain returns the breakdown of the person's score at t (t not before
// the state's floor; see [Scorer.ScoreAt]). Credits after t are left out.
// Activity lines carry the activity's key, not its ID (the state keeps no
// IDs): pass the person's recent activity IDs, which the host stores with
// the activities, to [Explanation.NameActivities] to show them.
func (s *Scorer) Explain(id b2b.PersonID, st *PersonState, t time.Time) (Explanation, error) {
	st = orEmpty(st)
	at, rest, err := s.readAt(st, t)
	if err != nil {
		return Explanation{}, err
	}
	x := Explanation{Model: s.model.Name, Person: id, At: t, HalfLife: s.model.HalfLife}
	// One line per rule of the model, in model order, then one per rule
	// the model no longer has (see [Credit]), in the order they come.
	lines := make([]RuleLine, len(s.rules))
	used := make([]bool, len(s.rules))
	var gone []goneLine
	line := func(pos uint16, key uint32) *RuleLine {
		if i, ok := s.rule(pos, key); ok {
			if !used[i] {
				used[i] = true
				r := &s.rules[i]
				lines[i].Rule, lines[i].When, lines[i].Points = r.Name, r.When, r.Points
			}
			return &lines[i]
		}
		for i := range gone {
			if g := &gone[i]; g.key == key && (key != 0 || g.pos == pos) {
				return &g.line
			}
		}
		gone = append(gone, goneLine{pos: pos, key: key, line: RuleLine{Rule: s.goneName(pos, key)}})
		return &gone[len(gone)-1].line
	}
	for _, p := range st.Past {
		v := p.Value * s.decay(at-p.At) * rest
		l := line(p.Rule, p.RuleKey)
		l.Older += v
	}
	for _, c := range st.Credits {
		if c.At > at {
			break
		}
		f := s.decay(at-c.At) * rest
		l := line(c.Rule, c.RuleKey)
		l.Count++
		l.Recent += c.Points * f
		x.Activities = append(x.Activities, ActivityLine{Key: c.Key, Rule: l.Rule, Time: c.Time(), Points: c.Points, Factor: f, Value: c.Points * f})
	}
	x.Score = s.scoreAt(st, at) * rest
	x.Display = s.Display(x.Score)
	for i := range lines {
		if !used[i] {
			continue
		}
		l := lines[i]
		l.Value = l.Recent + l.Older
		x.Rules = append(x.Rules, l)
	}
	for _, g := range gone {
		l := g.line
		l.Value = l.Recent + l.Older
		x.Rules = append(x.Rules, l)
	}
	return x, nil
}

// goneLine is the line of a rule the model no longer has: its position and
// key in the state (see [Scorer.rule]).
type goneLine struct {
	pos  uint16
	key  uint32
	line RuleLine
}

// goneName names a rule the scorer's model does not have, of position pos
// and key key in a state. The state keeps the key of a rule's name, not
// the name.
func (s *Scorer) goneName(pos uint16, key uint32) string {
	if key != 0 {
		return fmt.Sprintf("rule #%08x (no longer in model %q)", key, s.model.Name)
	}
	// Saved with no key by a model with more rules.
	return fmt.Sprintf("rule #%d (not in model %q)", pos, s.model.Name)
}

// NameActivities names the activity lines whose key is the key of one of
// ids (IDs that match no line are ignored) and returns how many lines it
// named. A host passes the IDs of the person's activities within the
// horizon, which it stores anyway; the scoring state itself keeps only
// keys, so that it holds no pointers.
func (x *Explanation) NameActivities(ids ...b2b.ActivityID) int {
	if len(x.Activities) == 0 || len(ids) == 0 {
		return 0
	}
	byKey := make(map[uint64]b2b.ActivityID, len(ids))
	for _, id := range ids {
		byKey[ActivityKey(id)] = id
	}
	named := 0
	for i := range x.Activities {
		l := &x.Activities[i]
		if id, ok := byKey[l.Key]; ok {
			l.Activity = id
			named++
		}
	}
	return named
}

// String explains the score in words. The score and the rules' values
// have one decimal, or as many more (up to 9) as it takes for the values
// written to add up to the score written (10.04 three times is 30.12, not
// 10.0 three times for 30.1), and so do the activities' values; a decay
// factor has three decimals, or as many more as it takes for the points
// times the factor written to be the value written. A display score other
// than the raw score follows it as "(45/100)": a whole number, with
// decimals only where rounding would put it on an end of the scale it has
// not reached (99.7 reads "(99.7/100)", not "(100/100)"; 0.4 reads
// "(0.4/100)").
func (x Explanation) String() string {
	var b strings.Builder
	values := make([]float64, len(x.Rules))
	for i, l := range x.Rules {
		values[i] = l.Value
	}
	prec := sumPrecision(x.Score, values)
	fmt.Fprintf(&b, "%s scores %.*f under model %q at %s", x.Person, prec, x.Score, x.Model, x.At.UTC().Format(time.RFC3339))
	if x.Display != x.Score {
		fmt.Fprintf(&b, " (%s/100)", displayText(x.Display))
	}
	if x.HalfLife > 0 {
		fmt.Fprintf(&b, "; points halve every %s", fmtDuration(x.HalfLife))
	}
	for _, l := range x.Rules {
		fmt.Fprintf(&b, "\n  rule %q", l.Rule)
		if l.When != "" {
			fmt.Fprintf(&b, " (when %s)", l.When)
		}
		fmt.Fprintf(&b, ": %.*f", prec, l.Value)
		switch {
		case l.Count > 0:
			fmt.Fprintf(&b, " from %s", count(l.Count, "recent activity", "recent activities"))
			if l.Older != 0 {
				fmt.Fprintf(&b, ", %.*f from older ones", prec, l.Older)
			}
		case l.Older != 0:
			// All of it is older: the value is what they are worth.
			b.WriteString(" from older ones")
		}
	}
	for _, a := range x.Activities {
		name := string(a.Activity)
		if name == "" {
			name = fmt.Sprintf("#%016x", a.Key)
		}
		fmt.Fprintf(&b, "\n  %s %s %q: %+g points x %.*f = %.*f", a.Time.Format(time.RFC3339), name, a.Rule, a.Points, factorPrecision(a, prec), a.Factor, prec, a.Value)
	}
	return b.String()
}

// displayBounds are the ends of the display scale.
var displayBounds = []float64{0, 100}

// displayText writes a display score as a whole number (45), or, where
// that would put it on an end of the scale it has not reached, with as
// many decimals as it takes to keep it off (99.7, not 100; 0.4, not 0).
func displayText(d float64) string {
	s := strconv.FormatFloat(d, 'f', 0, 64)
	if (s == "0" || s == "100") && d != 0 && d != 100 {
		return rules.FormatValueAgainst(strconv.FormatFloat(d, 'f', -1, 64), displayBounds)
	}
	return s
}

// count writes n with the noun that agrees with it: "1 recent activity",
// "2 recent activities".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// factorPrecision returns the decimals an activity line writes its decay
// factor with: 3, or the fewest more (up to 17) for which the points times
// the factor written is the value written with prec decimals.
func factorPrecision(a ActivityLine, prec int) int {
	want := strconv.FormatFloat(a.Value, 'f', prec, 64)
	for d := 3; d <= 17; d++ {
		f, _ := strconv.ParseFloat(strconv.FormatFloat(a.Factor, 'f', d, 64), 64)
		if strconv.FormatFloat(a.Points*f, 'f', prec, 64) == want {
			return d
		}
	}
	return 3
}

// sumPrecision returns the decimals (1, or the fewest more up to 9) with
// which parts, written, add up to total, written: an explanation's lines
// then add up to its total as the reader reads them. Parts that add up to
// no such total are written with 1.
func sumPrecision(total float64, parts []float64) int {
	for prec := 1; prec <= 9; prec++ {
		var sum float64
		for _, p := range parts {
			v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'f', prec, 64), 64)
			sum += v
		}
		if strconv.FormatFloat(sum, 'f', prec, 64) == strconv.FormatFloat(total, 'f', prec, 64) {
			return prec
		}
	}
	return 1
}
