package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Env is what a rule's condition sees: the activity (with its type after
// [Model.TypeMap]), the person who did it, the person's account (empty
// fields when unknown), and now, which is the activity's time, so that a
// condition gives the same answer whenever the activity arrives:
//
//	attr(activity.attributes, "form", "") == "Demo Request"
//	person.seniority in ["C-Level", "VP"] && account.employees >= 500
//	icontains(attr(activity.attributes, "url", ""), "/pricing")
//
// Conditions see the person and account as they are when the activity is
// ingested; a later change of title does not rescore past activities.
type Env struct {
	Activity *b2b.Activity `expr:"activity"`
	Person   *b2b.Person   `expr:"person"`
	Account  *b2b.Account  `expr:"account"`
	Now      time.Time     `expr:"now"`
}

// Config tunes a [Scorer]. Its zero value is ready to use; every field
// documents its default.
type Config struct {
	// Engine compiles the rules' conditions. Nil means rules.New(); share
	// one engine across a program so its cache is shared.
	Engine rules.Engine
	// Horizon is how far back the state keeps each credit (for idempotency,
	// caps, velocity and per-activity explanations) and so how late an
	// activity may arrive. Zero means 30 days; it must be at least one day.
	Horizon time.Duration
	// FutureTolerance is how far past now an activity's time may be (clock
	// skew at the source); later activities are refused with
	// [ErrFuture]. Zero means 5 minutes.
	FutureTolerance time.Duration
}

const day = int64(24 * time.Hour)

// WithDefaults returns the configuration with zero fields set to their
// defaults.
func (c Config) WithDefaults() Config {
	if c.Engine == nil {
		c.Engine = rules.New()
	}
	c.Horizon = cmp.Or(c.Horizon, 30*24*time.Hour)
	c.FutureTolerance = cmp.Or(c.FutureTolerance, 5*time.Minute)
	return c
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var ps b2b.Problems
	c.validate(&ps)
	return ps.Err("scoring config")
}

func (c Config) validate(ps *b2b.Problems) {
	if c.Horizon != 0 && c.Horizon < 24*time.Hour {
		ps.Addf("horizon", "%s is shorter than a day", c.Horizon)
	}
	if c.FutureTolerance < 0 {
		ps.Addf("futureTolerance", "%s is negative", c.FutureTolerance)
	}
}

// Sentinel errors. Each is matched with errors.Is by the typed error that
// carries the details.
var (
	// ErrTooLate: the activity is older than the state's horizon floor.
	ErrTooLate = errors.New("activity is older than the scoring horizon")
	// ErrFuture: the activity's time is beyond now plus the tolerance.
	ErrFuture = errors.New("activity is in the future")
	// ErrInvalidActivity: the activity has no ID or no time, or a time a
	// state cannot hold (see [Scorer.Apply]).
	ErrInvalidActivity = errors.New("invalid activity")
	// ErrUnknownPerson: the activity's person is not known.
	ErrUnknownPerson = errors.New("unknown person")
	// ErrBeyondHorizon: a score was asked for a time before the floor.
	ErrBeyondHorizon = errors.New("time is before the scoring horizon")
)

// ActivityError is an activity refused by a scorer, with the reason.
type ActivityError struct {
	Activity b2b.ActivityID
	Err      error // one of the sentinel errors
	Detail   string
}

func (e *ActivityError) Error() string {
	return fmt.Sprintf("activity %q: %v: %s", e.Activity, e.Err, e.Detail)
}

func (e *ActivityError) Unwrap() error { return e.Err }

// HorizonError is a read of a score at a time before the state's floor.
type HorizonError struct {
	At, Floor time.Time
}

func (e *HorizonError) Error() string {
	return fmt.Sprintf("scoring: %s is before the horizon floor %s (widen Config.Horizon to read further back)",
		e.At.Format(time.RFC3339), e.Floor.Format(time.RFC3339))
}

func (e *HorizonError) Is(target error) bool { return target == ErrBeyondHorizon }

// typeRules are the rules (indexes, in model order) of one activity type.
type typeRules struct {
	name  string
	rules []uint16
	// reads marks the rules (by position in rules, the first 32) whose
	// condition reads the activity when evaluated: all but native ones.
	reads uint32
}

type compiledRule struct {
	Rule
	index uint16
	key   uint32 // RuleKey(Name)
	cond  *rules.Expr[Env, bool]
	info  condInfo // what the condition reads (see analyze)
	// native, when not nil, evaluates a condPerson condition in Go (see
	// compileNative).
	native native
}

// A Scorer is a compiled, validated [Model]. It holds no score state (states
// are [PersonState] values the caller keeps) and is safe for concurrent use.
type Scorer struct {
	model    Model
	cfg      Config
	rules    []compiledRule
	byType   map[string]int32  // index in types
	byKey    map[uint32]uint16 // rule positions by RuleKey
	types    []typeRules
	halfLife float64 // nanoseconds; 0 = no decay
	horizon  int64
	noAcct   b2b.Account
}

// New validates the model and the configuration, compiles every condition,
// and reports all problems at once as a *b2b.ValidationError (a condition
// that does not compile is reported at "rules[i].when" with its line,
// column and a caret).
func New(m Model, cfg Config) (*Scorer, error) {
	var ps b2b.Problems
	cfg.validate(&ps)
	s := build(m, cfg, &ps)
	if err := ps.Err("scoring model %q", m.Name); err != nil {
		return nil, err
	}
	return s, nil
}

// NewAll builds one scorer per model, for models that run side by side
// (one per solution interest, say). Model names must be unique. Problems of
// all models are reported together, at "models[i]...", after those of the
// configuration they share (once, at "horizon" or "futureTolerance").
func NewAll(ms []Model, cfg Config) ([]*Scorer, error) {
	var ps b2b.Problems
	cfg.validate(&ps)
	seen := map[string]int{}
	out := make([]*Scorer, len(ms))
	for i, m := range ms {
		path := fmt.Sprintf("models[%d]", i)
		// A blank name is the model's own problem ("is required"), not
		// also a repeat of another blank name.
		if j, dup := seen[m.Name]; !dup {
			seen[m.Name] = i
		} else if strings.TrimSpace(m.Name) != "" {
			ps.Addf(path+".name", "%q is already the name of models[%d]", m.Name, j)
		}
		var mp b2b.Problems
		out[i] = build(m, cfg, &mp)
		for _, p := range mp.List() {
			ps.Add(b2b.JoinPath(path, p.Path), p.Err)
		}
	}
	if err := ps.Err("scoring models"); err != nil {
		return nil, err
	}
	return out, nil
}

// build compiles m under cfg, reporting m's problems (not cfg's: the
// caller validates cfg, once for all its models).
func build(m Model, cfg Config, ps *b2b.Problems) *Scorer {
	m.validate(ps)
	cfg = cfg.WithDefaults()
	s := &Scorer{
		model:    m,
		cfg:      cfg,
		byType:   map[string]int32{},
		byKey:    make(map[uint32]uint16, len(m.Rules)),
		halfLife: float64(m.HalfLife),
		horizon:  int64(cfg.Horizon),
	}
	for i, r := range m.Rules {
		cr := compiledRule{Rule: r, index: uint16(i), key: RuleKey(r.Name)}
		if _, dup := s.byKey[cr.key]; !dup {
			s.byKey[cr.key] = uint16(i)
		}
		cr.Types = append([]string(nil), r.Types...)
		if strings.TrimSpace(r.When) != "" {
			x, err := rules.Compile[Env, bool](cfg.Engine, rules.Rule{Name: r.Name, Source: r.When})
			if err != nil {
				ps.Add(fmt.Sprintf("rules[%d].when", i), err)
			}
			cr.cond = x
			if _, std := cfg.Engine.(*rules.ExprEngine); std {
				cr.info = analyze(r.When)
				if cr.info.kind == condPerson && err == nil {
					cr.native = compileNative(r.When)
				}
			}
		}
		s.rules = append(s.rules, cr)
		for _, t := range r.Types {
			ti, ok := s.byType[t]
			if !ok {
				ti = int32(len(s.types))
				s.byType[t] = ti
				s.types = append(s.types, typeRules{name: t})
			}
			if pos := len(s.types[ti].rules); pos < 32 && cr.cond != nil && cr.native == nil {
				s.types[ti].reads |= 1 << pos
			}
			s.types[ti].rules = append(s.types[ti].rules, uint16(i))
		}
	}
	return s
}

// Model returns the model the scorer was built from.
func (s *Scorer) Model() Model { return s.model }

// Name returns the model's name.
func (s *Scorer) Name() string { return s.model.Name }

// Horizon returns how far back the scorer keeps credits ([Config.Horizon],
// its default applied): activities older than its floor, the start of the
// UTC day one horizon before the latest ingest, are refused as too late.
func (s *Scorer) Horizon() time.Duration { return time.Duration(s.horizon) }

// Display maps a score onto the model's 0-100 display scale, or returns it
// unchanged when the model has no DisplayMax.
func (s *Scorer) Display(score float64) float64 {
	if s.model.DisplayMax <= 0 {
		return score
	}
	return min(100, max(0, score/s.model.DisplayMax*100))
}

// Status is what became of one activity.
type Status uint8

// The statuses of an applied activity. Refused activities (too late, in the
// future, invalid) return an error instead.
const (
	// Credited: at least one rule counted the activity.
	Credited Status = iota + 1
	// Unmatched: the type is known (standard, mapped by TypeMap, whatever
	// onto, or named by a rule) but no rule counted it (no rule for the
	// type, or every condition was false).
	Unmatched
	// Capped: a rule matched but its cap for the period was full.
	Capped
	// Duplicate: the activity ID was already counted.
	Duplicate
	// UnknownType: neither a standard type, nor mapped, nor named by a rule.
	UnknownType
)

var statusNames = [...]string{"", "credited", "unmatched", "capped", "duplicate", "unknown type"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Outcome is what one activity did to a person's state.
type Outcome struct {
	Status Status
	// Points is the sum of the points credited (before decay); a credit
	// that displaced a later one in a full cap period adds its points and
	// subtracts the displaced ones.
	Points float64
	// RuleErrors are conditions that failed at run time on this activity
	// (a rule error names the rule); such a condition counts as false.
	RuleErrors []error
}

// Apply scores one activity of person p (account acct, nil when unknown)
// into st at time now. It is idempotent (an activity counts once) and
// order-independent within the horizon. It refuses, with an *ActivityError,
// an activity without ID or time ([ErrInvalidActivity]; also one after 2262
// or before 1678, times a state cannot hold, when now is as far out and the
// activity is not in the future), with no person
// ([ErrUnknownPerson]), later than now + FutureTolerance ([ErrFuture]), or
// older than the state's floor ([ErrTooLate]); st is then unchanged,
// except that a refusal as too late leaves its floor where now moves it
// (the refusals before it, of an invalid activity, of no person or in the
// future, leave the floor as it was). Apply evaluates every condition it needs afresh; to apply many
// activities, an [Applier] does the same work with less (see there).
func (s *Scorer) Apply(st *PersonState, a *b2b.Activity, p *b2b.Person, acct *b2b.Account, now time.Time) (Outcome, error) {
	ap := Applier{s: s}
	pr := ap.prepare(a, 0)
	return ap.apply(st, a, &pr, p, acct, now, unixNano(now))
}

// standardTypes are the activity types of the b2b vocabulary.
var standardTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range b2b.MarketoActivityTypes {
		m[t] = true
	}
	for _, t := range []string{b2b.ActivityRegisterForEvent, b2b.ActivityAttendEvent, b2b.ActivityRequestDemo,
		b2b.ActivitySendSMS, b2b.ActivityClickSMS, b2b.ActivityUnsubscribeSMS} {
		m[t] = true
	}
	return m
}()

func known(t string) bool { return standardTypes[t] }
