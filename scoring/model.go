package scoring

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// MaxPoints bounds the points of one rule (in absolute value). A rule worth
// more than this is a typing mistake, not a scoring decision.
const MaxPoints = 1e6

// A Model is a scoring model: the rules that turn activities into points,
// how points lose weight with age, and how scores are shown. Several models
// may run side by side (one per solution interest, say); each is compiled
// into its own [Scorer].
type Model struct {
	// Name identifies the model in every explanation ("default", "data
	// platform").
	Name string `json:"name" yaml:"name"`
	// Rules are the scoring rules. Every rule an activity matches adds its
	// points (a granular bonus rule adds on top of a general one).
	Rules []Rule `json:"rules" yaml:"rules"`
	// HalfLife is the exponential decay of points: an activity's points
	// are worth half after HalfLife, a quarter after twice that. Zero means
	// no decay (points keep their full value forever).
	HalfLife time.Duration `json:"halfLife" yaml:"halfLife"`
	// DisplayMax, when positive, turns on the 0-100 display scale: a score
	// of DisplayMax or more shows as 100, zero or less as 0, linear in
	// between (see [Scorer.Display]). Zero leaves display scores raw.
	DisplayMax float64 `json:"displayMax,omitempty" yaml:"displayMax,omitempty"`
	// TypeMap maps activity types that sources send onto the types the
	// rules name ("webinar_attended" -> "attend_event"). Mapping is applied
	// once, before rules are matched; it does not chain.
	TypeMap map[string]b2b.ActivityType `json:"typeMap,omitempty" yaml:"typeMap,omitempty"`
}

// A Rule earns points for activities of its types that meet its condition.
type Rule struct {
	// Name identifies the rule in explanations ("demo request").
	Name string `json:"name" yaml:"name"`
	// Types are the activity types the rule applies to (at least one).
	Types []b2b.ActivityType `json:"types" yaml:"types"`
	// When is an optional condition over the activity, the person and the
	// account (see [Env]); empty means always. It is evaluated only for
	// activities of the rule's types.
	When string `json:"when,omitempty" yaml:"when,omitempty"`
	// Points is what one matching activity earns; negative for activities
	// that signal disengagement (unsubscribe, bounce).
	Points float64 `json:"points" yaml:"points"`
	// Cap, when Max > 0, limits how many activities the rule counts per
	// person per calendar period.
	Cap Cap `json:"cap,omitzero" yaml:"cap,omitempty"`
}

// A Cap limits a rule to at most Max counted activities per person per
// calendar period (UTC). Within a period the earliest Max activities count
// (by time, then [ActivityKey]), whatever order they arrive in; the others are
// reported as capped.
type Cap struct {
	Max    int    `json:"max" yaml:"max"`
	Period Period `json:"period" yaml:"period"`
}

// Period is a calendar period of a [Cap], in UTC.
type Period string

// The periods a cap counts in. A week starts on Monday 00:00 UTC.
const (
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// bounds returns the start and end (exclusive) of the period holding t, in
// Unix nanoseconds; an end after the last time Unix nanoseconds count to
// (in 2262) is math.MaxInt64.
func (p Period) bounds(t int64) (int64, int64) {
	const day = int64(24 * time.Hour)
	switch p {
	case PeriodDay:
		s := floorDiv(t, day) * day
		return s, addNano(s, day)
	case PeriodWeek:
		// The Unix epoch was a Thursday: weeks start on Monday, 4 days
		// later (t-monday cannot overflow where t+3 days could).
		const monday = 4 * day
		s := floorDiv(t-monday, 7*day)*7*day + monday
		return s, addNano(s, 7*day)
	case PeriodMonth:
		u := time.Unix(0, t).UTC()
		s := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
		return unixNano(s), unixNano(s.AddDate(0, 1, 0))
	}
	return math.MinInt64, math.MaxInt64
}

// addNano returns t + d (d >= 0), or math.MaxInt64 when that is beyond it.
func addNano(t, d int64) int64 {
	if t > math.MaxInt64-d {
		return math.MaxInt64
	}
	return t + d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Validate reports every structural problem of the model at once: names,
// types, points, caps, half-life and type map. The report is the same on
// every run: type map entries are checked in the order of their source
// types, rules in their order. Conditions are compiled by [New], which
// reports their errors together with these.
func (m *Model) Validate() error {
	var ps b2b.Problems
	m.validate(&ps)
	return ps.Err("scoring model %q", m.Name)
}

func (m *Model) validate(ps *b2b.Problems) {
	if strings.TrimSpace(m.Name) == "" {
		ps.Addf("name", "is required")
	}
	if len(m.Rules) == 0 {
		ps.Addf("rules", "a model needs at least one rule")
	}
	if len(m.Rules) > math.MaxUint16 {
		ps.Addf("rules", "%d rules is more than %d", len(m.Rules), math.MaxUint16)
	}
	if m.HalfLife < 0 {
		ps.Addf("halfLife", "%s is negative (zero means no decay)", m.HalfLife)
	} else if m.HalfLife > 0 && m.HalfLife < time.Minute {
		ps.Addf("halfLife", "%s is shorter than a minute", m.HalfLife)
	}
	if math.IsNaN(m.DisplayMax) || math.IsInf(m.DisplayMax, 0) || m.DisplayMax < 0 {
		ps.Addf("displayMax", "%v is not a finite number >= 0", m.DisplayMax)
	}
	// In the order of the source types, so that a model's report is the
	// same on every run.
	for _, from := range slices.Sorted(maps.Keys(m.TypeMap)) {
		to := m.TypeMap[from]
		path := fmt.Sprintf("typeMap[%q]", from)
		if !b2b.ValidActivityType(from) {
			ps.Addf(path, "%q is not a valid activity type", from)
		}
		if !b2b.ValidActivityType(to) {
			ps.Addf(path, "target %q is not a valid activity type", to)
		}
		if from == to {
			ps.Addf(path, "maps a type onto itself")
		} else if next := m.TypeMap[to]; next != "" {
			ps.Addf(path, "target %q is itself mapped to %q (mapping does not chain: map %q to %q)", to, next, from, next)
		}
	}
	names := map[string]int{}
	keys := map[uint32]int{}
	for i, r := range m.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if strings.TrimSpace(r.Name) == "" {
			ps.Addf(path+".name", "is required")
		} else if j, dup := names[r.Name]; dup {
			ps.Addf(path+".name", "%q is already the name of rules[%d]", r.Name, j)
		} else if k := RuleKey(r.Name); keys[k] > 0 {
			// Score states know a rule by its key: they could not tell
			// these two apart.
			j := keys[k] - 1
			ps.Addf(path+".name", "%q has the rule key %08x of rules[%d] %q, by which score states know a rule: rename one", r.Name, k, j, m.Rules[j].Name)
		} else {
			names[r.Name] = i
			keys[k] = i + 1
		}
		if len(r.Types) == 0 {
			ps.Addf(path+".types", "a rule needs at least one activity type")
		}
		seen := map[string]bool{}
		for j, t := range r.Types {
			tp := fmt.Sprintf("%s.types[%d]", path, j)
			switch {
			case !b2b.ValidActivityType(t):
				ps.Addf(tp, "%q is not a valid activity type", t)
			case seen[t]:
				ps.Addf(tp, "%q is listed twice", t)
			case m.TypeMap[t] != "":
				ps.Addf(tp, "%q is mapped to %q by typeMap, so this rule would never see it", t, m.TypeMap[t])
			}
			seen[t] = true
		}
		switch {
		case math.IsNaN(r.Points) || math.IsInf(r.Points, 0):
			ps.Addf(path+".points", "%v is not a finite number", r.Points)
		case math.Abs(r.Points) > MaxPoints:
			ps.Addf(path+".points", "%v is beyond +/-%v", r.Points, float64(MaxPoints))
		}
		switch {
		case r.Cap.Max < 0:
			ps.Addf(path+".cap.max", "%d is negative", r.Cap.Max)
		case r.Cap.Max == 0 && r.Cap.Period != "":
			ps.Addf(path+".cap.max", "is required with a period (at least 1)")
		case r.Cap.Max > 0:
			switch r.Cap.Period {
			case PeriodDay, PeriodWeek, PeriodMonth:
			case "":
				ps.Addf(path+".cap.period", "is required with a max (day, week or month)")
			default:
				ps.Addf(path+".cap.period", "%q is not a period (day, week or month)", r.Cap.Period)
			}
		}
	}
}

// DefaultModel is the model a new user scores with out of the box: points
// for the standard activity types, page visits and email opens capped per
// day, negative points for unsubscribing and hard bounces, a 30-day
// half-life, and a 0-100 display scale on which 150 points show as 100.
func DefaultModel() Model {
	day := func(n int) Cap { return Cap{Max: n, Period: PeriodDay} }
	return Model{
		Name:       "default",
		HalfLife:   30 * 24 * time.Hour,
		DisplayMax: 150,
		Rules: []Rule{
			{Name: "attended event", Types: []string{b2b.ActivityAttendEvent}, Points: 30},
			{Name: "requested demo", Types: []string{b2b.ActivityRequestDemo}, Points: 40},
			{Name: "filled out form", Types: []string{b2b.ActivityFillOutForm}, Points: 20},
			{Name: "registered for event", Types: []string{b2b.ActivityRegisterForEvent}, Points: 15},
			{Name: "interesting moment", Types: []string{b2b.ActivityInterestingMoment}, Points: 10},
			{Name: "clicked email", Types: []string{b2b.ActivityClickEmail, b2b.ActivityClickSalesEmail}, Points: 5, Cap: day(5)},
			{Name: "clicked link", Types: []string{b2b.ActivityClickLink, b2b.ActivityClickSMS}, Points: 3, Cap: day(5)},
			{Name: "visited page", Types: []string{b2b.ActivityVisitWebPage}, Points: 2, Cap: day(10)},
			{Name: "opened email", Types: []string{b2b.ActivityOpenEmail, b2b.ActivityOpenSalesEmail}, Points: 1, Cap: day(5)},
			{Name: "unsubscribed", Types: []string{b2b.ActivityUnsubscribeEmail, b2b.ActivityUnsubscribeSMS}, Points: -20},
			{Name: "email bounced", Types: []string{b2b.ActivityEmailBounced}, Points: -5, Cap: day(1)},
		},
	}
}
