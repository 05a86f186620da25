// Package program holds a whole Quorum program, the definitions a marketer
// writes, as one typed unit: solution interests with their role templates
// and stage models, scoring models and group scoring, audiences, the
// readiness strategy, journeys with their frequency caps and consent policy,
// and the persona vocabulary.
//
// # Define, validate, use
//
// [Definitions] is plain data (JSON tags throughout; program files load into
// it). [Compile] validates every part with one shared rules engine and checks
// the references between parts: the solution interests, audiences, stages,
// roles and message templates that journeys name (in triggers, nodes and
// the actions of people splits; a stage must be in the stage model of the
// interest concerned: for a change_stage, the one it names, else, where
// the main track of a journey bound to an interest runs it, that one,
// else any; with several interests, an action on one buying
// group must tell which, see journey.Action), the interests, stages and
// templates of alert rules, the interests of routing's specialists, the
// categories of caps (one that no journey sends never applies), and the
// scoring models of the group score and of each interest.
// Journey IDs must be unique. It reports every problem at once, a problem
// in one part hiding none of another's, as a [*b2b.ValidationError] whose
// paths name the part: "interests[1].applies", "scoring[0].rules[2].when",
// "journeys[0].nodes[\"split\"].paths[0].when",
// "journeys[1].triggers[0].audience". A [Program] that compiled cannot fail
// for a type error at run time.
//
// The engine runs a compiled [*Program]; installing a new one is how a
// program is versioned.
package program

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/persona"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/scoring"
)

// Definitions is a whole program as data.
type Definitions struct {
	// Name and Version identify the program in events and reports.
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`

	Interests     []buyinggroup.SolutionInterest `json:"interests"`
	RoleTemplates []buyinggroup.RoleTemplate     `json:"roleTemplates,omitempty"`
	StageModels   []buyinggroup.StageModel       `json:"stageModels,omitempty"`

	// Scoring are the engagement models; empty means the shipped default
	// model. GroupScore says how persons' scores roll up to groups.
	Scoring    []scoring.Model `json:"scoring,omitempty"`
	GroupScore GroupScore      `json:"groupScore"`

	Audiences []audience.Audience `json:"audiences,omitempty"`
	Readiness Readiness           `json:"readiness"`

	Journeys []journey.Journey     `json:"journeys,omitempty"`
	Caps     []journey.Cap         `json:"caps,omitempty"`
	Consent  journey.ConsentPolicy `json:"consent"`

	Persona persona.Config `json:"persona"`

	// Templates are the email and SMS templates journeys and alerts use;
	// the sales-alert template (channel.DefaultAlertTemplate) is added when
	// the set has none of that name.
	Templates channel.TemplateSet `json:"templates"`
	// Alerts are the sales-alert rules and Routing where alerts go.
	Alerts  []channel.AlertRule `json:"alerts,omitempty"`
	Routing channel.Routing     `json:"routing"`
}

// GroupScore is how a buying group's score is computed from its persons'.
type GroupScore struct {
	// Model names the scoring model; empty means the first one.
	Model string `json:"model,omitempty"`
	// Models names, per solution interest ID, the model its groups score
	// with instead of Model (one model per interest, so that each group's
	// score follows the engagement with its own solution).
	Models map[string]string `json:"models,omitempty"`
	// Aggregation: sum (default), average, role_weighted_sum or
	// min_per_required_role (see package scoring).
	Aggregation scoring.Aggregation `json:"aggregation,omitempty"`
	// NonRoleWeight counts persons of the account who hold no role in the
	// group at this weight (0: not at all).
	NonRoleWeight float64 `json:"nonRoleWeight,omitempty"`
	// VelocityWindow is the window of group velocity; zero means 14 days.
	// It may be no longer than the scoring horizon (Options.Scoring.Horizon,
	// 30 days by default): the scores keep nothing further back.
	VelocityWindow journey.Duration `json:"velocityWindow,omitempty"`
	// Thresholds fire once when a group's score crosses them upward, and
	// again only after it fell below Level - Margin.
	Thresholds []scoring.Threshold `json:"thresholds,omitempty"`
	// EngagedScore is the person score from which a member counts as
	// engaged (readiness's engaged roles); zero means 10, and a negative
	// one is invalid.
	EngagedScore float64 `json:"engagedScore,omitempty"`
}

// Readiness chooses and configures the readiness strategy. Only the
// chosen strategy's settings may be set (a model under the default
// strategy, or readyCompleteness under score, would be ignored, and is a
// problem). A threshold left at zero takes its default; a nurture
// threshold must not be above its ready one, and when one of the two is a default that the other
// contradicts (readyScore 40 under the default nurtureScore 50), the
// problem says that it is the default and what to write.
type Readiness struct {
	// Strategy is "score", "completeness_score" (the default) or "model".
	Strategy string `json:"strategy,omitempty"`
	// ReadyScore and NurtureScore are the score thresholds (default 150
	// and 50).
	ReadyScore   float64 `json:"readyScore,omitempty"`
	NurtureScore float64 `json:"nurtureScore,omitempty"`
	// ReadyCompleteness and NurtureCompleteness are the completeness
	// thresholds of completeness_score (default 0.6 and 0.3).
	ReadyCompleteness   float64 `json:"readyCompleteness,omitempty"`
	NurtureCompleteness float64 `json:"nurtureCompleteness,omitempty"`
	// Model is a trained model (qualify.Model) for the model strategy,
	// with its probability thresholds (default 0.7 and 0.3).
	Model              *qualify.Model `json:"model,omitempty"`
	ReadyProbability   float64        `json:"readyProbability,omitempty"`
	NurtureProbability float64        `json:"nurtureProbability,omitempty"`
}

// Readiness strategies.
const (
	ReadinessScore             = "score"
	ReadinessCompletenessScore = "completeness_score"
	ReadinessModel             = "model"
)

// Program is a compiled, validated program. It is immutable and safe for
// concurrent use.
type Program struct {
	Name    string
	Version string

	Groups    *buyinggroup.Catalog
	Qualifier *qualify.Qualifier
	// Scorers are the scoring models, in definition order; GroupScorer is
	// the one group scores use.
	Scorers     []*scoring.Scorer
	GroupScorer *scoring.Scorer
	byInterest  map[string]*scoring.Scorer
	GroupScore  GroupScore
	// Audiences is nil when the program defines none.
	Audiences *audience.Evaluator
	Readiness qualify.ReadinessStrategy
	Journeys  *journey.Catalog
	Persona   persona.Classifier
	Templates *channel.Templates
	// Alerter is nil when the program defines neither alert rules nor
	// routing; journeys' sales alerts use its routing too.
	Alerter *channel.Alerter

	defs Definitions
}

// Definitions returns a copy of the definitions the program was compiled
// from: changing it changes nothing in the program (Compile took a copy
// of its own too).
func (p *Program) Definitions() Definitions { return cloneDefinitions(p.defs) }

// StageModels returns the stage models the program's solution interests
// use, each once, in the order of the first interest that uses it (the
// default model, buyinggroup.DefaultStageModel, for an interest that
// names none): the stages its buying groups can be in. Reports take their
// stage notions from them (analytics.ConfigFor). They are copies: changing
// them changes nothing in the program.
func (p *Program) StageModels() []buyinggroup.StageModel {
	if p.Groups == nil {
		return nil
	}
	var out []buyinggroup.StageModel
	for _, in := range p.Groups.Interests() {
		m := in.Model()
		if m == nil || slices.ContainsFunc(out, func(o buyinggroup.StageModel) bool { return o.ID == m.ID }) {
			continue
		}
		// Lists of its own: the compiled model's are the catalog's, which
		// a report that edits what it was given must not change.
		sm := m.StageModel
		sm.Stages, sm.Transitions = slices.Clone(sm.Stages), slices.Clone(sm.Transitions)
		out = append(out, sm)
	}
	return out
}

// ScorerFor returns the scoring model the groups of an interest use.
func (p *Program) ScorerFor(interest string) *scoring.Scorer {
	if s, ok := p.byInterest[interest]; ok {
		return s
	}
	return p.GroupScorer
}

// VelocityWindow returns the group velocity window.
func (p *Program) VelocityWindow() time.Duration {
	return cmp.Or(time.Duration(p.GroupScore.VelocityWindow), 14*24*time.Hour)
}

// EngagedScore returns the person score from which a member is engaged.
func (p *Program) EngagedScore() float64 { return cmp.Or(p.GroupScore.EngagedScore, 10) }

// ErrInvalid is matched by every error of [Compile].
var ErrInvalid = errors.New("invalid program")

// Options tune compilation.
type Options struct {
	// Rules is the engine every rule compiles on; nil means rules.New().
	Rules rules.Engine
	// Scoring tunes the scorers (horizon, future tolerance).
	Scoring scoring.Config
}

// Compile validates defs and builds the program. Every problem of every
// part is reported at once.
func Compile(defs Definitions, opts Options) (*Program, error) {
	eng := opts.Rules
	if eng == nil {
		eng = rules.New()
	}
	// A copy of its own: the program keeps its definitions (and the
	// engine reads the group score's thresholds from them), which a host
	// may go on editing for the next version.
	defs = cloneDefinitions(defs)
	var ps b2b.Problems
	p := &Program{Name: defs.Name, Version: defs.Version, defs: defs, GroupScore: defs.GroupScore}
	if defs.Name == "" {
		ps.Addf("name", "is required")
	}

	groups, err := buyinggroup.Compile(buyinggroup.Definitions{Interests: defs.Interests, Templates: defs.RoleTemplates, StageModels: defs.StageModels},
		buyinggroup.Config{Engine: eng})
	ps.Add("", err)
	p.Groups = groups
	if groups != nil {
		q, err := qualify.New(qualify.Config{Catalog: groups})
		ps.Add("", err)
		p.Qualifier = q
	}

	models := defs.Scoring
	if len(models) == 0 {
		models = []scoring.Model{scoring.DefaultModel()}
	}
	scfg := opts.Scoring
	scfg.Engine = eng
	for i, m := range models {
		s, err := scoring.New(m, scfg)
		if err != nil {
			ps.Add(fmt.Sprintf("scoring[%d]", i), err)
			continue
		}
		p.Scorers = append(p.Scorers, s)
	}
	names := map[string]int{}
	for i, m := range models {
		if j, dup := names[m.Name]; dup {
			ps.Addf(fmt.Sprintf("scoring[%d].name", i), "%q is also the name of scoring[%d]", m.Name, j)
		}
		names[m.Name] = i
	}
	p.compileGroupScore(&ps, names)
	p.compileReadiness(&ps)

	if len(defs.Audiences) > 0 {
		aud, err := audience.New(audience.Config{Audiences: defs.Audiences, Engine: eng})
		ps.Add("", err)
		p.Audiences = aud
	}

	roles, interests := roleNames(defs), interestIDs(defs)
	jc, err := journey.NewCatalog(journey.Config{Rules: eng, Roles: roles, SolutionInterests: interests, Caps: defs.Caps, Consent: defs.Consent})
	if err != nil {
		ps.Add("caps", err)
		// Check the journeys all the same, without the caps, so that their
		// problems are reported too.
		jc, _ = journey.NewCatalog(journey.Config{Rules: eng, Roles: roles, SolutionInterests: interests})
	}
	if jc != nil {
		// Every journey is known before any is published, so that one
		// may go to another whatever their order.
		for _, j := range defs.Journeys {
			if _, known := jc.Status(j.ID); !known && j.ID != "" {
				jc, _ = jc.SaveDraft(j) // validated when published, below
			}
		}
		ids := map[string]int{}
		for i, j := range defs.Journeys {
			path := fmt.Sprintf("journeys[%d]", i)
			first, dup := ids[j.ID]
			if dup {
				// Publishing it would make it the next version of the first
				// one, whose definition would be lost.
				ps.Addf(path+".id", "duplicate journey ID %q (also journeys[%d])", j.ID, first)
			} else if j.ID != "" {
				ids[j.ID] = i
			}
			next, _, err := jc.Publish(j)
			if err != nil {
				ps.Add(path, err)
				continue
			}
			if !dup {
				jc = next
			}
		}
	}
	p.checkReferences(&ps)
	p.Journeys = jc

	p.compileChannels(&ps, eng)

	classifier, err := persona.New(defs.Persona)
	ps.Add("persona", err)
	p.Persona = classifier

	if err := ps.Err("program %q", defs.Name); err != nil {
		return nil, errors.Join(ErrInvalid, err)
	}
	return p, nil
}

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
	seen := map[string]bool{}
	for i, t := range gs.Thresholds {
		path := fmt.Sprintf("groupScore.thresholds[%d]", i)
		ps.Add(path, t.Validate())
		if seen[t.Name] {
			ps.Addf(path+".name", "%q appears twice", t.Name)
		}
		seen[t.Name] = true
	}
}

func (p *Program) compileReadiness(ps *b2b.Problems) {
	r := p.defs.Readiness
	unreadReadiness(ps, r)
	scores := thresholds{"readyScore", "nurtureScore", r.ReadyScore, r.NurtureScore, 150, 50}
	switch cmp.Or(r.Strategy, ReadinessCompletenessScore) {
	case ReadinessScore:
		s := qualify.StrategyScore{ReadyScore: scores.readyValue(), NurtureScore: scores.nurtureValue()}
		addReadiness(ps, s.Validate(), scores)
		p.Readiness = s
	case ReadinessCompletenessScore:
		completeness := thresholds{"readyCompleteness", "nurtureCompleteness", r.ReadyCompleteness, r.NurtureCompleteness, 0.6, 0.3}
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
		probabilities := thresholds{"readyProbability", "nurtureProbability", r.ReadyProbability, r.NurtureProbability, 0.7, 0.3}
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
// written) and their defaults.
type thresholds struct {
	ready, nurture               string
	readyOwn, nurtureOwn         float64
	readyDefault, nurtureDefault float64
}

func (t thresholds) readyValue() float64   { return cmp.Or(t.readyOwn, t.readyDefault) }
func (t thresholds) nurtureValue() float64 { return cmp.Or(t.nurtureOwn, t.nurtureDefault) }

// defaultAgainst reports the default of a pair that the program's own
// threshold contradicts (a nurture threshold above the ready one), as a
// problem at the default's path that says it is one and what to write.
func (t thresholds) defaultAgainst(ps *b2b.Problems) bool {
	switch {
	case t.readyOwn > 0 && t.nurtureOwn == 0 && t.nurtureDefault > t.readyOwn:
		ps.Addf("readiness."+t.nurture, "the default %v is above %s %v: write a %s of at most %v", t.nurtureDefault, t.ready, t.readyOwn, t.nurture, t.readyOwn)
	case t.readyOwn == 0 && t.nurtureOwn != 0 && t.nurtureOwn > t.readyDefault:
		ps.Addf("readiness."+t.ready, "the default %v is below %s %v: write a %s of at least %v", t.readyDefault, t.nurture, t.nurtureOwn, t.ready, t.nurtureOwn)
	default:
		return false
	}
	return true
}

// addReadiness adds the problems of a readiness strategy's Validate,
// but for the order of a pair of thresholds one of which is a default
// the program's other contradicts: that is told by defaultAgainst.
func addReadiness(ps *b2b.Problems, err error, pairs ...thresholds) {
	told := map[string]bool{}
	for _, t := range pairs {
		if t.defaultAgainst(ps) {
			told[t.nurture] = true // the strategy tells the order at the nurture threshold
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

func (p *Program) hasInterest(id string) bool {
	return slices.ContainsFunc(p.defs.Interests, func(si buyinggroup.SolutionInterest) bool { return si.ID == id })
}

// AlertTemplate is the template name an alert rule's sales alerts use
// when the rule names none. A journey's sales_alert action names its
// template (it may name this one): one that names none does not compile.
const AlertTemplate = "sales-alert"

func (p *Program) compileChannels(ps *b2b.Problems, eng rules.Engine) {
	set := p.defs.Templates
	if !slices.ContainsFunc(set.Emails, func(t channel.EmailTemplate) bool { return t.Name == AlertTemplate }) {
		set.Emails = append(slices.Clone(set.Emails), channel.DefaultAlertTemplate)
	}
	tpl, err := channel.CompileTemplates(set)
	ps.Add("templates", err)
	p.Templates = tpl
	// References to templates are checked against the names defined, so
	// that a template with a problem of its own is not also unknown.
	hasEmail := func(name string) bool {
		return slices.ContainsFunc(set.Emails, func(t channel.EmailTemplate) bool { return t.Name == name })
	}
	hasSMS := func(name string) bool {
		return slices.ContainsFunc(set.SMS, func(t channel.SMSTemplate) bool { return t.Name == name })
	}
	// An alert rule without a template uses the sales-alert template.
	alerts := slices.Clone(p.defs.Alerts)
	for i := range alerts {
		if alerts[i].Template == "" {
			alerts[i].Template = AlertTemplate
		}
	}
	// A template of the other channel is named as such, not unknown.
	needEmail := func(path, what, name string) {
		switch {
		case hasEmail(name):
		case hasSMS(name):
			ps.Addf(path, "%q is an SMS template; %s needs an email template", name, what)
		default:
			ps.Addf(path, "unknown email template %q", name)
		}
	}
	for i, r := range alerts {
		needEmail(fmt.Sprintf("alerts[%d].template", i), "a sales alert", r.Template)
	}
	r := p.defs.Routing
	if len(p.defs.Alerts) > 0 || len(r.Rules) > 0 || r.FallbackQueue != "" || len(r.Owners)+len(r.Territories)+len(r.Specialists) > 0 {
		al, err := channel.NewAlerter(channel.AlerterConfig{Rules: alerts, Routing: p.defs.Routing, Engine: eng})
		if err != nil {
			// The alerter names its rules "rules[i]"; the program's are
			// "alerts[i]", and its routing is "routing".
			var ve *b2b.ValidationError
			if errors.As(err, &ve) {
				for _, pr := range ve.Problems {
					path := pr.Path
					if rest, ok := strings.CutPrefix(path, "rules"); ok {
						path = "alerts" + rest
					}
					ps.Add(path, pr.Err)
				}
			} else {
				ps.Add("alerts", err)
			}
		}
		p.Alerter = al
	}
	// Every message a journey sends must have its template, in action
	// nodes and in the paths of people splits.
	check := func(path string, a journey.Action) {
		if a.Template == "" {
			return
		}
		path += ".template"
		switch a.Type {
		case journey.ActionEmail:
			needEmail(path, "an email action", a.Template)
		case journey.ActionSalesAlert:
			needEmail(path, "a sales alert", a.Template)
		case journey.ActionSMS:
			switch {
			case hasSMS(a.Template):
			case hasEmail(a.Template):
				ps.Addf(path, "%q is an email template; an sms action needs an SMS template", a.Template)
			default:
				ps.Addf(path, "unknown SMS template %q", a.Template)
			}
		}
	}
	for i, j := range p.defs.Journeys {
		for k, n := range j.Nodes {
			np := fmt.Sprintf("journeys[%d].nodes[%q]", i, string(n.ID))
			if n.ID == "" {
				np = fmt.Sprintf("journeys[%d].nodes[%d]", i, k)
			}
			if n.Action != nil {
				check(np+".action", *n.Action)
			}
			if s := n.PeopleSplit; s != nil {
				for m, pp := range s.Paths {
					for q, a := range pp.Actions {
						check(fmt.Sprintf("%s.peopleSplit.paths[%d].actions[%d]", np, m, q), a)
					}
				}
				for q, a := range s.Else {
					check(fmt.Sprintf("%s.peopleSplit.else[%d]", np, q), a)
				}
			}
		}
	}
}

// roleNames lists the role names of every role template a program has (its
// own and the standard one, unless it defines its own "standard"), read
// from the definitions, so that journeys' roles are checked even when a
// template or an interest has a problem of its own.
func roleNames(defs Definitions) []string {
	templates := defs.RoleTemplates
	if !slices.ContainsFunc(templates, func(t buyinggroup.RoleTemplate) bool { return t.ID == buyinggroup.StandardTemplateID }) {
		templates = append(slices.Clip(templates), buyinggroup.StandardTemplate())
	}
	var roles []string
	for _, t := range templates {
		for _, r := range t.Roles {
			if r.Name != "" && !slices.Contains(roles, r.Name) {
				roles = append(roles, r.Name)
			}
		}
	}
	return roles
}

// interestIDs lists the IDs of the program's solution interests, each
// once, read from the definitions (as roleNames reads the roles), so that
// journeys are checked against them even when an interest has a problem
// of its own.
func interestIDs(defs Definitions) []string {
	var ids []string
	for _, si := range defs.Interests {
		if si.ID != "" && !slices.Contains(ids, si.ID) {
			ids = append(ids, si.ID)
		}
	}
	return ids
}

// refs knows the names the parts of a program refer to each other by.
type refs struct {
	p         *Program
	audiences map[string]bool
	// stages holds each stage model's stage names, by model ID.
	stages map[string][]string
}

func newRefs(p *Program) *refs {
	r := &refs{p: p, audiences: map[string]bool{}, stages: map[string][]string{}}
	for _, a := range p.defs.Audiences {
		r.audiences[a.Name] = true
	}
	models := p.defs.StageModels
	if !slices.ContainsFunc(models, func(m buyinggroup.StageModel) bool { return m.ID == buyinggroup.DefaultStageModelID }) {
		models = append(slices.Clip(models), buyinggroup.DefaultStageModel())
	}
	for _, m := range models {
		if _, dup := r.stages[m.ID]; dup {
			continue // reported by buyinggroup
		}
		names := []string{}
		for _, s := range m.Stages {
			names = append(names, s.Name)
		}
		r.stages[m.ID] = names
	}
	return r
}

// interest reports an unknown solution interest ID; empty is no reference.
func (r *refs) interest(ps *b2b.Problems, path, id string) {
	if id != "" && !r.p.hasInterest(id) {
		ps.Addf(path, "unknown solution interest %q", id)
	}
}

// stagesOf returns the stage names a group of interest can be in, or of
// any interest's group when interest is empty. It returns false when that
// is not known: the interest or a stage model it names is unknown (a
// problem reported elsewhere).
func (r *refs) stagesOf(interest string) ([]string, bool) {
	var out []string
	found := false
	for _, si := range r.p.defs.Interests {
		if interest != "" && si.ID != interest {
			continue
		}
		found = true
		names, ok := r.stages[cmp.Or(si.StageModel, buyinggroup.DefaultStageModelID)]
		if !ok {
			return nil, false
		}
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out, found
}

// stage reports a stage that no group of interest (any interest when
// empty) can be in, and whether it did; why says how the reference comes
// to address that interest when it does not name it ("which the journey
// is bound to").
func (r *refs) stage(ps *b2b.Problems, path, stage, interest, why string) bool {
	if stage == "" {
		return false
	}
	names, ok := r.stagesOf(interest)
	if !ok || slices.Contains(names, stage) {
		return false
	}
	of := ""
	if interest != "" {
		of = fmt.Sprintf(" for solution interest %q", interest)
		if why != "" {
			of += ", " + why
		}
	}
	ps.Addf(path, "unknown stage %q%s (stages: %s)", stage, of, strings.Join(names, ", "))
	return true
}

func (r *refs) recipients(ps *b2b.Problems, path string, rc *journey.Recipients) {
	if rc != nil {
		r.interest(ps, path+".solutionInterest", rc.SolutionInterest)
	}
}

// checkReferences checks what journeys, alert rules and routing name in
// other parts of the program: solution interests, audiences and stages;
// and that caps name a category some journey sends. (Roles,
// templates, goto targets and scoring models are checked where those parts
// are compiled.)
func (p *Program) checkReferences(ps *b2b.Problems) {
	r := newRefs(p)
	for i, j := range p.defs.Journeys {
		jp := fmt.Sprintf("journeys[%d]", i)
		// The main track of a journey bound to an interest addresses that
		// interest's group, a parallel track its own: a change_stage that
		// names no interest moves the group of each track that reaches it.
		bound := j.SolutionInterest()
		tracks := j.Tracks()
		for k, t := range j.Triggers {
			tp := fmt.Sprintf("%s.triggers[%d]", jp, k)
			r.interest(ps, tp+".solutionInterest", t.SolutionInterest)
			if t.Type == journey.TriggerAudience && t.Audience != "" && !r.audiences[t.Audience] {
				ps.Addf(tp+".audience", "unknown audience %q", t.Audience)
			}
		}
		for k, n := range j.Nodes {
			np := fmt.Sprintf("%s.nodes[%q]", jp, string(n.ID))
			if n.ID == "" {
				np = fmt.Sprintf("%s.nodes[%d]", jp, k)
			}
			if a := n.Action; a != nil {
				r.recipients(ps, np+".action.recipients", a.Recipients)
				if a.Type == journey.ActionChangeStage {
					sp := np + ".action.stage"
					switch nt := tracks[k]; {
					case a.Recipients != nil && a.Recipients.SolutionInterest != "":
						r.stage(ps, sp, a.Stage, a.Recipients.SolutionInterest, "")
					case !nt.AnyInterest && len(nt.Interests) > 0:
						// Each interest of the tracks that reach it; a
						// track of any interest is checked against every
						// model (below).
						for _, in := range nt.Interests {
							why := "which a parallel track reaching the node addresses"
							if nt.Main && in == bound {
								why = "which the journey is bound to"
							}
							if r.stage(ps, sp, a.Stage, in, why) {
								break
							}
						}
					default:
						r.stage(ps, sp, a.Stage, "", "")
					}
				}
			}
			if n.Listen != nil {
				for m, e := range n.Listen.Events {
					r.interest(ps, fmt.Sprintf("%s.listen.events[%d].solutionInterest", np, m), e.SolutionInterest)
				}
			}
			if n.Split != nil {
				for m, sp := range n.Split.Paths {
					if sp.RoleAtLeast != nil {
						r.interest(ps, fmt.Sprintf("%s.paths[%d].roleAtLeast.solutionInterest", np, m), sp.RoleAtLeast.SolutionInterest)
					}
				}
			}
			if n.PeopleSplit != nil {
				r.recipients(ps, np+".peopleSplit.among", n.PeopleSplit.Among)
				for m, pp := range n.PeopleSplit.Paths {
					r.recipients(ps, fmt.Sprintf("%s.peopleSplit.paths[%d].match", np, m), pp.Match)
				}
			}
			if n.Parallel != nil {
				for m, id := range n.Parallel.SolutionInterests {
					r.interest(ps, fmt.Sprintf("%s.parallel.solutionInterests[%d]", np, m), id)
				}
			}
		}
	}
	for i, a := range p.defs.Alerts {
		ap := fmt.Sprintf("alerts[%d]", i)
		r.interest(ps, ap+".solutionInterest", a.SolutionInterest)
		for k, s := range a.FromStages {
			r.stage(ps, fmt.Sprintf("%s.fromStages[%d]", ap, k), s, a.SolutionInterest, "")
		}
		for k, s := range a.ToStages {
			r.stage(ps, fmt.Sprintf("%s.toStages[%d]", ap, k), s, a.SolutionInterest, "")
		}
	}
	// A cap counts the messages of its category, which journeys send: one
	// of a category no journey has (a misspelt "marketng") never applies.
	// An empty category is every category; a journey's empty category is
	// journey.DefaultCategory.
	if len(p.defs.Journeys) > 0 {
		var categories []string
		for _, j := range p.defs.Journeys {
			if c := cmp.Or(j.Category, journey.DefaultCategory); !slices.Contains(categories, c) {
				categories = append(categories, c)
			}
		}
		for i, c := range p.defs.Caps {
			if c.Category != "" && !slices.Contains(categories, c.Category) {
				ps.Addf(fmt.Sprintf("caps[%d].category", i), "unknown message category %q: no journey sends it, so the cap never applies (journeys' categories: %s)",
					c.Category, strings.Join(categories, ", "))
			}
		}
	}
	// Specialists are keyed by solution interest: one of an interest the
	// program does not have would never receive an alert.
	for _, id := range slices.Sorted(maps.Keys(p.defs.Routing.Specialists)) {
		r.interest(ps, fmt.Sprintf("routing.specialists[%q]", id), id)
	}
}
