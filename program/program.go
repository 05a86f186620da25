// Package program holds a whole Quorum program, the definitions a marketer
// writes, as one typed unit: solution interests with their role templates
// and stage models, scoring models and group scoring, audiences, the
// readiness strategy, journeys with their frequency caps and consent policy,
// and the persona vocabulary.
//
// # Define, validate, use
//
// [Definitions] is plain data (JSON tags throughout; program files load into
// it). Read with encoding/json ([Definitions.UnmarshalJSON]), a duration
// or a time that does not read, or a value of the wrong type, is told at
// its full path ("journeys[1].nodes[2].wait.for: duration too long: ...",
// "caps[1].max: expected a whole number, got the number 1.5", what the
// field takes and what it got). [Compile] validates every part with one shared rules engine and checks
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
// A setting left at its zero value is not written and takes the default
// its field's documentation gives. A readiness threshold is therefore
// above 0: a negative one is a problem at its own field
// ("readiness.readyScore: -5 is negative: write a readyScore above 0, or
// leave it out for the default 150"), and a default that the other
// threshold of its pair contradicts is told at the default's field, as
// not written ("readiness.nurtureScore: is not written, so it takes the
// default 50, which is above readyScore 40: write a nurtureScore above 0
// and at most 40"). A program file, which knows a 0 written from one left
// out, refuses a threshold written as 0 (package programfile).
//
// The engine runs a compiled [*Program]; installing a new one is how a
// program is versioned.
package program

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
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
// problem).
//
// A threshold is a finite number above 0 (at most 1 for a completeness
// or a probability). One left at zero is not written and takes its
// default ([Readiness.WithDefaults]), so 0 itself is no threshold: to let
// nearly every group through, write a small one, such as 0.01. A negative
// threshold is a problem at its own field. A nurture threshold must not be
// above its ready one; when one of the two is a default that the other
// contradicts (readyScore 40 under the default nurtureScore 50), the
// problem is at the default's field and says that it is not written, the
// default it takes and what to write. A program file, which knows what
// was written, refuses a threshold written as 0 (see package
// programfile).
type Readiness struct {
	// Strategy is "score", "completeness_score" (the default) or "model".
	Strategy string `json:"strategy,omitempty"`
	// ReadyScore and NurtureScore are the score thresholds, above 0
	// (zero: the defaults 150 and 50).
	ReadyScore   float64 `json:"readyScore,omitempty"`
	NurtureScore float64 `json:"nurtureScore,omitempty"`
	// ReadyCompleteness and NurtureCompleteness are the completeness
	// thresholds of completeness_score, above 0 and at most 1 (zero: the
	// defaults 0.6 and 0.3).
	ReadyCompleteness   float64 `json:"readyCompleteness,omitempty"`
	NurtureCompleteness float64 `json:"nurtureCompleteness,omitempty"`
	// Model is a trained model (qualify.Model) for the model strategy,
	// with its probability thresholds, above 0 and at most 1 (zero: the
	// defaults 0.7 and 0.3).
	Model              *qualify.Model `json:"model,omitempty"`
	ReadyProbability   float64        `json:"readyProbability,omitempty"`
	NurtureProbability float64        `json:"nurtureProbability,omitempty"`
}

// WithDefaults returns r with its strategy and every threshold left at
// zero set to the default that Compile reads in its place.
func (r Readiness) WithDefaults() Readiness {
	r.Strategy = cmp.Or(r.Strategy, ReadinessCompletenessScore)
	r.ReadyScore, r.NurtureScore = cmp.Or(r.ReadyScore, 150), cmp.Or(r.NurtureScore, 50)
	r.ReadyCompleteness, r.NurtureCompleteness = cmp.Or(r.ReadyCompleteness, 0.6), cmp.Or(r.NurtureCompleteness, 0.3)
	r.ReadyProbability, r.NurtureProbability = cmp.Or(r.ReadyProbability, 0.7), cmp.Or(r.NurtureProbability, 0.3)
	return r
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
