package channel

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Strategy is when a sales alert fires.
type Strategy string

// The alert strategies.
const (
	// StrategyMilestone fires once per group, the first time a condition
	// holds (the group is qualified, complete, highly engaged).
	StrategyMilestone Strategy = "milestone"
	// StrategyThreshold fires when a metric reaches a threshold, then not
	// again until the metric has fallen below the threshold minus the
	// hysteresis margin (so a score that wavers around the threshold
	// alerts once, not at every wobble).
	StrategyThreshold Strategy = "threshold"
	// StrategyStage fires when the group's stage changes (optionally from
	// and to given stages).
	StrategyStage Strategy = "stage"
)

// Standard milestone conditions.
var (
	MilestoneQualified = rules.Rule{Name: "qualified", Source: "group.qualified"}
	MilestoneComplete  = rules.Rule{Name: "complete", Source: "group.completeness >= 1"}
)

// MilestoneHighEngagement is the milestone of a group score of at least score.
func MilestoneHighEngagement(score float64) rules.Rule {
	return rules.Rule{Name: "high engagement", Source: fmt.Sprintf("group.score >= %g", score)}
}

// AlertEnv is what alert conditions and routing rules see:
//
//	group.completeness >= 0.6 && group.score >= 150
//	account.region == "EMEA" && group.solutionInterest == "security-suite"
//	strategy == "stage" && group.stage == "Decision"
type AlertEnv struct {
	Account  b2b.Account      `expr:"account"`
	Group    GroupView        `expr:"group"`
	Interest SolutionInterest `expr:"interest"`
	Rule     string           `expr:"rule"`     // the alert rule's name (routing only)
	Strategy string           `expr:"strategy"` // the alert rule's strategy (routing only)
	// Now is the time of the evaluation in the account's time zone
	// ([Observation.Location], else b2b.Account.Location: UTC for an
	// account without one), so that what reads its time of day reads it
	// where the account is: hourOf(now) >= 18 for after hours,
	// weekdayOf(now), string(now).
	// [Alerter.Evaluate] gives it so (the instant it was given; the alerts
	// and their state keep that time as it was given); a caller of
	// [Alerter.Route] gives it so too.
	Now time.Time `expr:"now"`
}

// Metrics a threshold rule can watch.
const (
	MetricScore        = "score"
	MetricCompleteness = "completeness"
)

// An AlertRule says when to alert sales about a buying group.
type AlertRule struct {
	Name string `json:"name" yaml:"name"`
	// SolutionInterest limits the rule to groups of one solution interest
	// (its ID); empty means every interest.
	SolutionInterest string   `json:"solutionInterest" yaml:"solutionInterest"`
	Strategy         Strategy `json:"strategy" yaml:"strategy"`

	// When is a condition over [AlertEnv]. A milestone (StrategyMilestone)
	// needs it: the rule fires the first time it holds. For the other
	// strategies it is optional and limits the rule to the groups it holds
	// for at the evaluation ("hot EMEA groups": account.region ==
	// "EMEA"): a threshold reached while it does not hold leaves the rule
	// armed, so it fires at the first evaluation at which it holds with
	// the metric still at the threshold; a stage change while it does not
	// hold is not alerted. Rule and Strategy read empty in it (they are
	// routing's).
	When rules.Rule `json:"when" yaml:"when"`

	// Metric (MetricScore, the default, or MetricCompleteness), Threshold
	// and Hysteresis configure StrategyThreshold (a rule of another
	// strategy is refused with them: it would not read them). Threshold
	// is positive (a completeness threshold at most 1); Hysteresis, below
	// it, zero means 10% of the threshold.
	Metric     string  `json:"metric" yaml:"metric"`
	Threshold  float64 `json:"threshold" yaml:"threshold"`
	Hysteresis float64 `json:"hysteresis" yaml:"hysteresis"`

	// FromStages and ToStages restrict StrategyStage to changes from and
	// to these stages; empty means any. A milestone or threshold rule is
	// refused with them (its When limits it to groups in a stage).
	FromStages []string `json:"fromStages" yaml:"fromStages"`
	ToStages   []string `json:"toStages" yaml:"toStages"`

	// Cooldown is the least time between two alerts of the rule for one
	// group (any strategy). Zero means none; one under a minute is
	// refused, as a unit mistaken.
	Cooldown time.Duration `json:"cooldown" yaml:"cooldown"`
	// Template is the email template of the alert (see
	// DefaultAlertTemplate).
	Template string `json:"template" yaml:"template"`
	// NextAction, when set (not blank), replaces the recommended next
	// action.
	NextAction string `json:"nextAction" yaml:"nextAction"`
}

// RuleState is what an alert rule remembers about one group between
// evaluations. The zero value is the state before the first evaluation.
type RuleState struct {
	Seen      bool      // evaluated at least once
	Disarmed  bool      // threshold: fired, waiting to fall below the re-arm level
	Reached   bool      // milestone: already fired
	LastStage string    // stage: the stage at the last evaluation
	LastFired time.Time // the last alert's time
	Fired     int       // how many alerts the rule produced for the group
}

// AlertState is the alert memory of one buying group, by rule name. The
// engine stores it with the group's state.
type AlertState map[string]RuleState

// An Observation is a buying group as it is now, with what an alert would
// report about it.
type Observation struct {
	Account          b2b.Account
	Group            GroupView
	Interest         SolutionInterest
	ReadinessReasons []string
	RecentActivities []ActivityView
	// Location is the account's time zone, in which conditions and
	// routing rules see now and an alert's message shows its time and its
	// recent activities'; nil means Account.Location() (which loads the
	// zone by name at every call of Evaluate and AlertMessage).
	Location *time.Location
}

// location returns the observed account's time zone.
func (o *Observation) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return o.Account.Location()
}

// An Alert is a decision to notify sales, with its reason, its routing and
// its content.
type Alert struct {
	// ID is deterministic: "alert:" + the group, the rule and the alert's
	// ordinal, separated by colons; where that would be longer than a
	// message key may be (200 bytes), or the group or the rule has a
	// colon (which would make the ID another group's and rule's), a hash
	// of the group and the rule stands for them
	// ("alert:<32 hex digits>:<ordinal>").
	ID               string
	Rule             string
	Strategy         Strategy
	Account          b2b.AccountID
	Group            string
	SolutionInterest string
	At               time.Time
	Reason           string
	Route            Route
	Template         string
	View             AlertView
}

// AlerterConfig configures an Alerter.
type AlerterConfig struct {
	Rules   []AlertRule
	Routing Routing
	// Engine compiles conditions and routing rules; nil uses rules.New().
	Engine rules.Engine
}

// An Alerter evaluates alert rules on observations of buying groups. It is
// pure (no I/O, no clock), immutable (it keeps copies of the configuration's
// slices and maps) and safe for concurrent use.
type Alerter struct {
	rules  []compiledAlertRule
	router *router
}

type compiledAlertRule struct {
	AlertRule
	when *rules.Expr[AlertEnv, bool]
}

// NewAlerter validates the configuration, compiles every condition and
// routing rule, and reports all problems at once.
func NewAlerter(cfg AlerterConfig) (*Alerter, error) {
	eng := cfg.Engine
	if eng == nil {
		eng = rules.New()
	}
	var ps b2b.Problems
	a := &Alerter{}
	seen := map[string]bool{}
	for i, r := range cfg.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if strings.TrimSpace(r.Name) == "" {
			ps.Addf(path+".name", "is required")
		} else if seen[r.Name] {
			ps.Addf(path+".name", "duplicate rule %q", r.Name)
		}
		seen[r.Name] = true
		if r.Template == "" {
			ps.Addf(path+".template", "is required")
		}
		if r.Cooldown < 0 {
			ps.Addf(path+".cooldown", "is negative")
		} else if r.Cooldown > 0 && r.Cooldown < time.Minute {
			// As a half-life is: a shorter one is a unit mistaken.
			ps.Addf(path+".cooldown", "%s is under a minute (a cooldown spaces alerts by hours or days: 24h, 7d)", r.Cooldown)
		}
		cr := compiledAlertRule{AlertRule: r}
		cr.FromStages, cr.ToStages = slices.Clone(r.FromStages), slices.Clone(r.ToStages)
		// Every strategy reads its condition, so every strategy's is
		// type-checked: one that was not (a misspelt field) would be
		// ignored, or fail at every evaluation.
		if strings.TrimSpace(r.When.Source) != "" {
			when := r.When
			when.Name = cmp.Or(when.Name, r.Name)
			x, err := rules.Compile[AlertEnv, bool](eng, when)
			ps.Add(path+".when", err)
			cr.when = x
		}
		otherStrategy(&ps, path, r)
		switch r.Strategy {
		case StrategyMilestone:
			if strings.TrimSpace(r.When.Source) == "" {
				ps.Addf(path+".when", "a milestone needs a condition (e.g. %q)", MilestoneComplete.Source)
			}
		case StrategyThreshold:
			cr.Metric = cmp.Or(r.Metric, MetricScore)
			if cr.Metric != MetricScore && cr.Metric != MetricCompleteness {
				ps.Addf(path+".metric", "unknown metric %q (want score or completeness)", r.Metric)
			}
			switch {
			case r.Threshold <= 0:
				ps.Addf(path+".threshold", "must be positive, got %g", r.Threshold)
			case cr.Metric == MetricCompleteness && r.Threshold > 1:
				ps.Addf(path+".threshold", "a completeness threshold is a share between 0 and 1, got %g", r.Threshold)
			}
			switch {
			case r.Hysteresis < 0:
				ps.Addf(path+".hysteresis", "is negative")
			case r.Threshold > 0 && r.Hysteresis >= r.Threshold:
				ps.Addf(path+".hysteresis", "must be below the threshold (%g), got %g: the rule would never alert again", r.Threshold, r.Hysteresis)
			}
			if r.Hysteresis == 0 {
				cr.Hysteresis = r.Threshold / 10
			}
		case StrategyStage:
		case "":
			ps.Addf(path+".strategy", "is required (milestone, threshold or stage)")
		default:
			ps.Addf(path+".strategy", "unknown strategy %q (want milestone, threshold or stage)", r.Strategy)
		}
		a.rules = append(a.rules, cr)
	}
	rt, err := newRouter(cfg.Routing, eng)
	ps.Add("routing", err)
	a.router = rt
	if err := ps.Err("sales alerts"); err != nil {
		return nil, err
	}
	return a, nil
}

// otherStrategy reports the settings of r that only another strategy
// reads: ignored, they would not limit the rule as written (a threshold
// rule with toStages alerted about groups in every stage).
func otherStrategy(ps *b2b.Problems, path string, r AlertRule) {
	if r.Strategy == StrategyMilestone || r.Strategy == StrategyStage {
		const hint = "(a condition limits it to groups by score, e.g. group.score >= 100)"
		for _, f := range []struct {
			name string
			set  bool
		}{{"metric", r.Metric != ""}, {"threshold", r.Threshold != 0}, {"hysteresis", r.Hysteresis != 0}} {
			if f.set {
				ps.Addf(path+"."+f.name, "only a threshold rule reads it; this rule's strategy is %s %s", r.Strategy, hint)
			}
		}
	}
	if r.Strategy == StrategyMilestone || r.Strategy == StrategyThreshold {
		const hint = `(a condition limits it to groups in a stage, e.g. group.stage == "Decision")`
		for _, f := range []struct {
			name string
			set  bool
		}{{"fromStages", len(r.FromStages) > 0}, {"toStages", len(r.ToStages) > 0}} {
			if f.set {
				ps.Addf(path+"."+f.name, "only a stage rule reads it; this rule's strategy is %s %s", r.Strategy, hint)
			}
		}
	}
}

// DecidesOnSummary reports whether every rule decides from a group's
// summary alone: its ID, solution interest, score, completeness and stage
// (threshold and stage rules without a when condition do; a condition
// may read anything). Then a caller may evaluate on an observation whose group has
// only its summary, and evaluate again on the full observation (the
// routing and the alerts' content read it) only when an alert fires or the
// evaluation fails (routing that reads more than the summary can):
// Evaluate is a function of its inputs, so the second evaluation decides
// the same.
func (a *Alerter) DecidesOnSummary() bool {
	for i := range a.rules {
		if s := a.rules[i].Strategy; s != StrategyThreshold && s != StrategyStage || a.rules[i].when != nil {
			return false
		}
	}
	return true
}

// Evaluate runs every rule that applies to the observed group at now. It
// returns the group's new alert state and the alerts that fired, routed
// and with their content. The state passed in is not modified. Conditions
// and routing rules see now in the account's time zone (see
// [AlertEnv]); the alerts' At and the state keep now as it was given.
func (a *Alerter) Evaluate(state AlertState, obs *Observation, now time.Time) (AlertState, []Alert, error) {
	next := make(AlertState, len(state)+len(a.rules))
	for k, v := range state {
		next[k] = v
	}
	loc := obs.location()
	env := AlertEnv{Account: obs.Account, Group: obs.Group, Interest: obs.Interest, Now: now.In(loc)}
	var out []Alert
	for i := range a.rules {
		r := &a.rules[i]
		if r.SolutionInterest != "" && r.SolutionInterest != obs.Group.SolutionInterest {
			continue
		}
		st := next[r.Name]
		fire, reason, err := r.decide(&st, &env)
		if err != nil {
			return state, nil, fmt.Errorf("alert rule %q, group %q: %w", r.Name, obs.Group.ID, err)
		}
		if fire && r.Cooldown > 0 && st.Fired > 0 && now.Sub(st.LastFired) < r.Cooldown {
			// Held back: a threshold rule stays armed, a milestone stays
			// unreached, so the alert comes once the cooldown is over.
			switch r.Strategy {
			case StrategyThreshold:
				st.Disarmed = false
			case StrategyMilestone:
				st.Reached = false
			}
			fire = false
		}
		st.Seen = true
		if fire {
			st.Fired++
			st.LastFired = now
			al := Alert{
				ID:   alertID(obs.Group.ID, r.Name, st.Fired),
				Rule: r.Name, Strategy: r.Strategy, Account: obs.Account.ID, Group: obs.Group.ID,
				SolutionInterest: obs.Group.SolutionInterest, At: now, Reason: reason, Template: r.Template,
			}
			renv := env
			renv.Rule, renv.Strategy = r.Name, string(r.Strategy)
			route, err := a.router.route(&renv)
			if err != nil {
				return state, nil, fmt.Errorf("alert rule %q, group %q: routing: %w", r.Name, obs.Group.ID, err)
			}
			al.Route = route
			al.View = buildView(&al, r, obs, loc)
			out = append(out, al)
		}
		next[r.Name] = st
	}
	return next, out, nil
}

// decide updates one rule's state with the observation and says whether it
// fires, and why.
func (r *compiledAlertRule) decide(st *RuleState, env *AlertEnv) (bool, string, error) {
	g := &env.Group
	switch r.Strategy {
	case StrategyMilestone:
		ok, err := r.when.Eval(env)
		if err != nil {
			return false, "", err
		}
		if !ok || st.Reached {
			return false, "", nil
		}
		st.Reached = true
		return true, fmt.Sprintf("milestone %q reached: %s holds (completeness %s, score %s, stage %s)",
			r.Name, r.When.Source, pct(g.Completeness), num(g.Score), cmp.Or(g.Stage, "-")), nil
	case StrategyThreshold:
		v := g.Score
		if r.Metric == MetricCompleteness {
			v = g.Completeness
		}
		rearm := r.Threshold - r.Hysteresis
		if st.Disarmed {
			if v < rearm {
				st.Disarmed = false // re-armed; may fire again on a later evaluation
			}
			return false, "", nil
		}
		if !(v >= r.Threshold) {
			// Below, or not a number (NaN, a scoring rule that divided by
			// zero): a NaN compares false with everything, so v <
			// r.Threshold would let it through as reached.
			return false, "", nil
		}
		// Not for this group now: the rule stays armed, to fire when the
		// condition holds while the metric is still above.
		if ok, err := r.holds(env); !ok || err != nil {
			return false, "", err
		}
		st.Disarmed = true
		texts := fmtMetrics(r.Metric, v, r.Threshold, rearm)
		return true, fmt.Sprintf("%s %s reached the threshold %s%s (it alerts again only after falling below %s)",
			r.Metric, texts[0], texts[1], r.whenHolds(), texts[2]), nil
	case StrategyStage:
		prev := st.LastStage
		st.LastStage = g.Stage
		if !st.Seen || prev == g.Stage {
			return false, "", nil
		}
		if (len(r.FromStages) > 0 && !slices.Contains(r.FromStages, prev)) || (len(r.ToStages) > 0 && !slices.Contains(r.ToStages, g.Stage)) {
			return false, "", nil
		}
		if ok, err := r.holds(env); !ok || err != nil {
			return false, "", err
		}
		return true, fmt.Sprintf("stage changed from %s to %s%s", prev, g.Stage, r.whenHolds()), nil
	}
	return false, "", nil
}

// holds reports whether a threshold or stage rule's condition holds (one
// without a condition holds for every group). It is evaluated only when
// the rule would fire, so a condition that can fail does so only then.
func (r *compiledAlertRule) holds(env *AlertEnv) (bool, error) {
	if r.when == nil {
		return true, nil
	}
	return r.when.Eval(env)
}

// whenHolds is what a threshold or stage alert's reason says of the
// rule's condition: nothing without one.
func (r *compiledAlertRule) whenHolds() string {
	if r.when == nil {
		return ""
	}
	return fmt.Sprintf(" and %s holds", strings.TrimSpace(r.When.Source))
}

func fmtMetric(metric string, v float64) string {
	if metric == MetricCompleteness {
		return pct(v)
	}
	return num(v)
}

// fmtMetrics writes values of a metric side by side (a value, the
// threshold it reached and the level that re-arms the rule), as
// fmtMetric does when that keeps them apart, else all with as many
// decimals as it takes for them to compare with each other as they do:
// rounded alike, a margin of 0.01 below a threshold of 100 read as no
// margin at all ("falling below 100").
func fmtMetrics(metric string, vs ...float64) []string {
	texts := make([]string, len(vs))
	for i, v := range vs {
		texts[i] = fmtMetric(metric, v)
	}
	scale, unit := 1.0, ""
	if metric == MetricCompleteness {
		scale, unit = 100, "%"
	}
	for prec := 1; !sameOrder(texts, unit, vs, scale) && prec <= 17; prec++ {
		for i, v := range vs {
			s := strconv.FormatFloat(v*scale, 'f', prec, 64)
			s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
			if s == "-0" {
				s = "0"
			}
			texts[i] = s + unit
		}
	}
	return texts
}

// sameOrder reports whether texts (numbers followed by unit) compare with
// each other as vs, scaled, do.
func sameOrder(texts []string, unit string, vs []float64, scale float64) bool {
	read := make([]float64, len(texts))
	for i, t := range texts {
		x, err := strconv.ParseFloat(strings.TrimSuffix(t, unit), 64)
		if err != nil {
			return true // not a number (NaN, Inf): nothing to keep apart
		}
		read[i] = x
	}
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			if cmp.Compare(read[i], read[j]) != cmp.Compare(vs[i]*scale, vs[j]*scale) {
				return false
			}
		}
	}
	return true
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

// num writes a score to one decimal, as a decimal: %g wrote a score past
// a million as 1.234567e+06, and rounding through an int64 wrote its
// lowest value for one past what it holds.
func num(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // -0 is 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Route routes an alert that was decided elsewhere (by a journey, say)
// with the alerter's routing: env.Rule and env.Strategy name its source.
// Routing rules see env.Now as it is given: give it in the account's time
// zone (env.Now.In(env.Account.Location())), as Evaluate does.
func (a *Alerter) Route(env AlertEnv) (Route, error) {
	return a.router.route(&env)
}

// alertID is an alert's ID, its message's idempotency key (see Alert.ID).
func alertID(group, rule string, n int) string {
	id := fmt.Sprintf("alert:%s:%s:%d", group, rule, n)
	// A colon in the group or the rule would make the ID another pair's
	// ("a/b" and "c:d", "a/b:c" and "d"): the outbox, which keeps a key
	// once, would drop the second alert's message.
	if len(id) <= maxKeyLen && !strings.Contains(group, ":") && !strings.Contains(rule, ":") {
		return id
	}
	// The group's length keeps ("a:b", "c") and ("a", "b:c") apart.
	sum := sha256.Sum256(fmt.Appendf(nil, "%d:%s:%s", len(group), group, rule))
	return fmt.Sprintf("alert:%x:%d", sum[:16], n)
}
