package program

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/scoring"
)

// compileGroupScore checks the group score's references to scoring models;
// defined holds every model's name, compiled or not, so that a model with
// an error of its own is not also reported as unknown.
func (p *Program) compileGroupScore(ps *b2b.Problems, defined map[string]int) {
	gs := p.GroupScore
	if gs.Model == "" {
		if len(p.Scorers) > 0 {
			p.GroupScorer = p.Scorers[0]
		}
	} else {
		for _, s := range p.Scorers {
			if s.Name() == gs.Model {
				p.GroupScorer = s
			}
		}
		if _, ok := defined[gs.Model]; p.GroupScorer == nil && !ok {
			ps.Addf("groupScore.model", "unknown scoring model %q", gs.Model)
		}
	}
	for _, interest := range slices.Sorted(maps.Keys(gs.Models)) {
		name := gs.Models[interest]
		path := fmt.Sprintf("groupScore.models[%q]", interest)
		if !p.hasInterest(interest) {
			ps.Addf(path, "unknown solution interest %q", interest)
		}
		i := slices.IndexFunc(p.Scorers, func(s *scoring.Scorer) bool { return s.Name() == name })
		if i < 0 {
			if _, ok := defined[name]; !ok {
				ps.Addf(path, "unknown scoring model %q", name)
			}
			continue
		}
		if p.byInterest == nil {
			p.byInterest = map[string]*scoring.Scorer{}
		}
		p.byInterest[interest] = p.Scorers[i]
	}
	if gs.Aggregation == "" {
		p.GroupScore.Aggregation = scoring.AggSum
	}
	// A group's required roles come from its interest's role template (see
	// the engine): the probe has one, and min_per_required_role is checked
	// against every interest's template below.
	probe := scoring.Group{Name: "probe", Aggregation: p.GroupScore.Aggregation, NonRoleWeight: gs.NonRoleWeight, RequiredRoles: []string{"probe"}}
	if err := probe.Validate(); err != nil {
		ps.Add("groupScore", err)
	}
	if p.GroupScore.Aggregation == scoring.AggMinPerRequiredRole && p.Groups != nil {
		for _, in := range p.Groups.Interests() {
			tpl := in.RoleTemplate()
			if tpl != nil && !slices.ContainsFunc(tpl.Roles, func(r buyinggroup.Role) bool { return r.Required }) {
				ps.Addf("groupScore.aggregation", "%s needs a required role in the template of every interest: interest %q (template %q) has none",
					scoring.AggMinPerRequiredRole, in.ID, tpl.ID)
			}
		}
	}
	if e := gs.EngagedScore; e < 0 || math.IsNaN(e) || math.IsInf(e, 0) {
		// Negative, every member would count engaged, one who never
		// engaged too; NaN or infinite, none.
		ps.Addf("groupScore.engagedScore", "%v is not a finite number >= 0", e)
	}
	if gs.VelocityWindow < 0 {
		ps.Addf("groupScore.velocityWindow", "must not be negative")
	} else if len(p.Scorers) > 0 && p.VelocityWindow() > p.Scorers[0].Horizon() {
		// The scorers share one configuration: one horizon. A velocity
		// reads the group's score a window back, which the scores hold
		// no further than their horizon: it would never be known.
		ps.Addf("groupScore.velocityWindow", "%s is longer than the scoring horizon (%s, Options.Scoring.Horizon): velocity reads the score that far back, which the scores do not keep",
			journey.Duration(p.VelocityWindow()), journey.Duration(p.Scorers[0].Horizon()))
	}
	seen := map[string]int{}
	for i, t := range gs.Thresholds {
		path := fmt.Sprintf("groupScore.thresholds[%d]", i)
		ps.Add(path, t.Validate())
		if j, dup := seen[t.Name]; dup {
			ps.Addf(path+".name", "duplicate threshold %q (also thresholds[%d])", t.Name, j)
		} else {
			seen[t.Name] = i
		}
	}
}

func (p *Program) compileReadiness(ps *b2b.Problems) {
	r := p.defs.Readiness
	unreadReadiness(ps, r)
	def := Readiness{}.WithDefaults()
	scores := thresholds{"readyScore", "nurtureScore", r.ReadyScore, r.NurtureScore, def.ReadyScore, def.NurtureScore, math.Inf(1)}
	switch cmp.Or(r.Strategy, ReadinessCompletenessScore) {
	case ReadinessScore:
		s := qualify.StrategyScore{ReadyScore: scores.readyValue(), NurtureScore: scores.nurtureValue()}
		addReadiness(ps, s.Validate(), scores)
		p.Readiness = s
	case ReadinessCompletenessScore:
		completeness := thresholds{"readyCompleteness", "nurtureCompleteness", r.ReadyCompleteness, r.NurtureCompleteness, def.ReadyCompleteness, def.NurtureCompleteness, 1}
		s := qualify.StrategyCompletenessScore{
			ReadyCompleteness: completeness.readyValue(), ReadyScore: scores.readyValue(),
			NurtureCompleteness: completeness.nurtureValue(), NurtureScore: scores.nurtureValue(),
		}
		addReadiness(ps, s.Validate(), completeness, scores)
		p.Readiness = s
	case ReadinessModel:
		if r.Model == nil {
			ps.Addf("readiness.model", "is required by the model strategy")
			return
		}
		probabilities := thresholds{"readyProbability", "nurtureProbability", r.ReadyProbability, r.NurtureProbability, def.ReadyProbability, def.NurtureProbability, 1}
		s := qualify.StrategyModel{Model: r.Model, ReadyProbability: probabilities.readyValue(), NurtureProbability: probabilities.nurtureValue()}
		addReadiness(ps, s.Validate(), probabilities)
		p.Readiness = s
	default:
		ps.Addf("readiness.strategy", "unknown strategy %q (want score, completeness_score or model)", r.Strategy)
	}
}

// unreadReadiness reports the settings of r that its strategy does not
// read (a model under the default strategy, a completeness threshold
// under score): they would be ignored without a word. Under the default
// strategy, that is the strategy's problem, not written: the settings
// are all the model strategy's.
func unreadReadiness(ps *b2b.Problems, r Readiness) {
	strategy := cmp.Or(r.Strategy, ReadinessCompletenessScore)
	switch strategy {
	case ReadinessScore, ReadinessCompletenessScore, ReadinessModel:
	default:
		return // reported as unknown
	}
	scores := []string{ReadinessScore, ReadinessCompletenessScore}
	var unread []string
	for _, s := range []struct {
		name string
		set  bool
		by   []string
	}{
		{"readyScore", r.ReadyScore != 0, scores},
		{"nurtureScore", r.NurtureScore != 0, scores},
		{"readyCompleteness", r.ReadyCompleteness != 0, []string{ReadinessCompletenessScore}},
		{"nurtureCompleteness", r.NurtureCompleteness != 0, []string{ReadinessCompletenessScore}},
		{"model", r.Model != nil, []string{ReadinessModel}},
		{"readyProbability", r.ReadyProbability != 0, []string{ReadinessModel}},
		{"nurtureProbability", r.NurtureProbability != 0, []string{ReadinessModel}},
	} {
		if !s.set || slices.Contains(s.by, strategy) {
			continue
		}
		if r.Strategy == "" {
			unread = append(unread, s.name)
			continue
		}
		by := "the " + s.by[0] + " strategy"
		if len(s.by) > 1 {
			by = "the " + strings.Join(s.by, " and ") + " strategies"
		}
		ps.Addf("readiness."+s.name, "is read only by %s, and the strategy is %s", by, strategy)
	}
	if len(unread) > 0 {
		ps.Addf("readiness.strategy", "is not written, so it is %s, which does not read %s: write strategy: %s",
			strategy, strings.Join(unread, ", "), ReadinessModel)
	}
}

// thresholds are a ready threshold and the nurture threshold below it,
// by their names in Readiness, as the program writes them (0: not
// written), their defaults and the most either may be.
type thresholds struct {
	ready, nurture               string
	readyOwn, nurtureOwn         float64
	readyDefault, nurtureDefault float64
	most                         float64
}

func (t thresholds) readyValue() float64   { return cmp.Or(t.readyOwn, t.readyDefault) }
func (t thresholds) nurtureValue() float64 { return cmp.Or(t.nurtureOwn, t.nurtureDefault) }

// check reports the problems of the pair, each at the field it is about,
// and whether it found any. A threshold written is a finite number above
// 0 (0 is not written: the default) and at most t.most; the order of the
// two is checked only when both are, as the order of a negative one says
// nothing the problem of its own does not. When one of the two is a
// default that the other contradicts, the problem is at the default's
// field, says that it is not written, the default it takes and what to
// write there: a value above 0, as 0 would be the default again.
func (t thresholds) check(ps *b2b.Problems) bool {
	before := ps.Len()
	valid := true
	for _, th := range []struct {
		name     string
		own, def float64
	}{{t.ready, t.readyOwn, t.readyDefault}, {t.nurture, t.nurtureOwn, t.nurtureDefault}} {
		path := "readiness." + th.name
		switch v := th.own; {
		case math.IsNaN(v) || math.IsInf(v, 0):
			ps.Addf(path, "must be a finite number, got %v", v)
		case v < 0:
			ps.Addf(path, "%v is negative: write a %s above 0, or leave it out for the default %v", v, th.name, th.def)
		case v > t.most:
			ps.Addf(path, "%v is above %v: write a %s above 0 and at most %v, or leave it out for the default %v", v, t.most, th.name, t.most, th.def)
		default:
			continue
		}
		valid = false
	}
	if valid && t.nurtureValue() > t.readyValue() {
		switch {
		case t.nurtureOwn == 0:
			ps.Addf("readiness."+t.nurture, "is not written, so it takes the default %v, which is above %s %v: write a %s above 0 and at most %v",
				t.nurtureDefault, t.ready, t.readyOwn, t.nurture, t.readyOwn)
		case t.readyOwn == 0:
			ps.Addf("readiness."+t.ready, "is not written, so it takes the default %v, which is below %s %v: write a %s of at least %v",
				t.readyDefault, t.nurture, t.nurtureOwn, t.ready, t.nurtureOwn)
		default:
			ps.Addf("readiness."+t.nurture, "%v is above %s %v", t.nurtureOwn, t.ready, t.readyOwn)
		}
	}
	return ps.Len() > before
}

// addReadiness adds the problems of the pairs of thresholds (see check)
// and those of a readiness strategy's Validate, but for the latter's
// problems of a pair that check found wrong: they would tell the same
// again, as if a default were the program's own ("nurtureScore: 50 is
// above the ready score -5").
func addReadiness(ps *b2b.Problems, err error, pairs ...thresholds) {
	told := map[string]bool{}
	for _, t := range pairs {
		if t.check(ps) {
			told[t.ready], told[t.nurture] = true, true
		}
	}
	var ve *b2b.ValidationError
	if len(told) == 0 || !errors.As(err, &ve) {
		ps.Add("readiness", err)
		return
	}
	for _, pr := range ve.Problems {
		if !told[pr.Path] {
			ps.Add(b2b.JoinPath("readiness", pr.Path), pr.Err)
		}
	}
}
