package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
)

// Install makes p the program for every decision from now on. Journeys
// carry their versions over: a journey whose definition changed becomes the
// next version of the one installed before, which new entries get, while
// running instances keep the version they started with; an unchanged
// journey keeps its version. A journey the new program no longer has keeps
// its versions for the instances still running, and takes no new entries.
// The versions live in the engine: an engine started on a store whose
// instances an earlier program started is given the programs installed
// before (Config.History).
//
// A stage model that no longer has a stage some groups are in is logged
// as a warning ("stage dropped"): those groups are placed again in the
// model's first entry stage at their next pass, with the reason in their
// stage history (see buyinggroup.Catalog.Advance).
//
// An audience is known by its name: an account in an audience the new
// program no longer defines exits it at its next pass ("the audience is
// no longer defined", logged as audience.exited and seen by journeys and
// applicability rules as any exit), also when the program defines no
// audience at all.
//
// A scoring model is known by its name: the scores under a model the new
// program no longer has are no longer read (they stay in the states, for
// a program that has it again), and a model of a new name starts from no
// score, so a renamed model starts afresh. Install logs a warning for
// each ("scoring model dropped"). A model that keeps its name and changes
// its rules scores the activities that come from then on by the new
// rules; what it scored before stays as it was scored. Its rules are known
// by their names: a rule keeps its credits (and counts them toward its
// cap) wherever rules are added or removed around it, a renamed rule
// starts afresh, and the credits of a rule removed still count in the
// score (see scoring.Credit). Credits stored by a version of this library
// before rules had keys are read by their rule's position until a pass
// ingests or compacts them (scoring.Scorer.Compact): a program that adds,
// removes or reorders a model's rules, installed before then, gives such
// credits to the rules now at their positions.
//
// Templates are not versioned: a journey message is rendered when it is
// claimed, with the template of that name in the program installed then.
// A corrected template applies to messages already queued; a message whose
// template the new program no longer has fails at its claim, with the
// reason in the event log, so rename a template only once its queued
// messages have gone out.
//
// Install of no program is refused with an error matching b2b.ErrInvalid.
func (e *Engine) Install(p *program.Program) error {
	if p == nil {
		var bad b2b.Problems
		bad.Addf("program", "is required")
		return bad.Err("install")
	}
	if e.cfg.UnsubscribeURL == nil {
		if err := needsUnsubscribeURL(p); err != nil {
			return fmt.Errorf("install %w", err)
		}
	}
	e.installMu.Lock()
	defer e.installMu.Unlock()
	if old := e.prog.Load(); old != nil {
		merged, err := carryVersions(old.Journeys, p)
		if err != nil {
			return fmt.Errorf("install program %q: %w", p.Name, err)
		}
		cp := *p
		cp.Journeys = merged
		p = &cp
		e.warnDroppedStages(old, p)
		e.warnDroppedScoring(old, p)
	}
	e.prog.Store(p)
	e.cfg.Logger.Info("program installed", "program", p.Name, "version", p.Version)
	return nil
}

// needsUnsubscribeURL returns ErrNoUnsubscribeURL, naming them, when
// templates of p read {{.UnsubscribeURL}}: an engine without
// Config.UnsubscribeURL cannot run p.
func needsUnsubscribeURL(p *program.Program) error {
	if p.Templates == nil {
		return nil
	}
	switch names := p.Templates.Reading("UnsubscribeURL"); len(names) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("program %q: template %s reads {{.UnsubscribeURL}}: %w", p.Name, names[0], ErrNoUnsubscribeURL)
	default:
		return fmt.Errorf("program %q: templates %s read {{.UnsubscribeURL}}: %w", p.Name, strings.Join(names, ", "), ErrNoUnsubscribeURL)
	}
}

// warnDroppedStages logs a warning for each stage an interest's stage
// model had in the old program and no longer has in the new one: the
// groups in it are placed again in the model's first entry stage at
// their next pass (buyinggroup.Catalog.Advance), which the warning says
// before it happens.
func (e *Engine) warnDroppedStages(old, p *program.Program) {
	if old.Groups == nil || p.Groups == nil {
		return
	}
	now := map[string]*buyinggroup.Interest{}
	for _, in := range p.Groups.Interests() {
		now[in.ID] = in
	}
	for _, was := range old.Groups.Interests() {
		in, ok := now[was.ID]
		if !ok || was.Model() == nil || in.Model() == nil {
			continue
		}
		for _, st := range was.Model().Stages {
			if !slices.ContainsFunc(in.Model().Stages, func(x buyinggroup.Stage) bool { return x.Name == st.Name }) {
				e.cfg.Logger.Warn("stage dropped", "program", p.Name, "version", p.Version, "interest", was.ID,
					"stage_model", in.Model().ID, "stage", st.Name,
					"effect", "groups in the stage are placed again in the model's first entry stage at their next pass")
			}
		}
	}
}

// warnDroppedScoring logs a warning for each scoring model the old
// program had and the new one does not: the scores under it are no
// longer read, and a model of another name (a rename) starts from none.
func (e *Engine) warnDroppedScoring(old, p *program.Program) {
	for _, was := range old.Scorers {
		if !slices.ContainsFunc(p.Scorers, func(s *scoring.Scorer) bool { return s.Name() == was.Name() }) {
			e.cfg.Logger.Warn("scoring model dropped", "program", p.Name, "version", p.Version, "model", was.Name(),
				"effect", "the scores under it are no longer read; a model of another name starts from no score")
		}
	}
}

// carryVersions builds the journey catalog of a new program on the
// versions of the old one: every version of the old catalog as it was
// compiled (its instances keep it), then the new program's journeys that
// are new or changed, published as their next version. A journey's status
// is the new program's (a host may have closed, finished or aborted it in
// p.Journeys); one the old catalog finished or aborted stays so, and one
// the new program no longer has is closed (its instances run on).
func carryVersions(old *journey.Catalog, p *program.Program) (*journey.Catalog, error) {
	cat, err := journey.NewCatalog(p.Journeys.Config())
	if err != nil {
		return nil, err
	}
	next := map[string]journey.Journey{}
	for _, j := range p.Definitions().Journeys {
		next[j.ID] = j
	}
	carried := map[string]*journey.Version{} // the latest carried version
	for _, id := range old.Journeys() {
		latest, ok := old.Latest(id)
		if !ok {
			continue
		}
		for n := 1; n <= latest.Number(); n++ {
			v, ok := old.Version(id, n)
			if !ok {
				continue
			}
			if cat, err = cat.Carry(v); err != nil {
				return nil, fmt.Errorf("journey %q version %d: %w", id, n, err)
			}
		}
		carried[id] = latest
	}
	// The new and changed journeys are published together: their go-tos
	// to each other are checked against what they become, whatever their
	// order in the program (a journey and the one it goes to may move to
	// another solution interest at once).
	var changed []journey.Journey
	for _, j := range p.Definitions().Journeys {
		if latest := carried[j.ID]; latest != nil && sameJourney(j, latest.Definition()) {
			continue
		}
		if oldStatus, _ := old.Status(j.ID); oldStatus == journey.StatusFinished || oldStatus == journey.StatusAborted {
			return nil, fmt.Errorf("journey %q is %s: it takes no new version (give the new definition another ID)", j.ID, oldStatus)
		}
		changed = append(changed, j)
	}
	if cat, _, err = cat.PublishAll(changed...); err != nil {
		return nil, err
	}
	for _, id := range cat.Journeys() {
		want, inProgram := p.Journeys.Status(id)
		if _, ok := next[id]; !ok || !inProgram {
			want = journey.StatusClosed
		}
		if oldStatus, _ := old.Status(id); oldStatus == journey.StatusFinished || oldStatus == journey.StatusAborted {
			want = oldStatus
		}
		if cat, err = withStatus(cat, id, want); err != nil {
			return nil, err
		}
	}
	return cat, nil
}

// withStatus moves a live journey of cat to status.
func withStatus(cat *journey.Catalog, id string, status journey.Status) (*journey.Catalog, error) {
	var err error
	switch status {
	case journey.StatusClosed:
		cat, err = cat.Close(id)
	case journey.StatusFinished:
		if cat, err = cat.Close(id); err == nil {
			cat, err = cat.Finish(id)
		}
	case journey.StatusAborted:
		cat, err = cat.Abort(id)
	}
	if err != nil {
		return nil, fmt.Errorf("journey %q: %w", id, err)
	}
	return cat, nil
}

func sameJourney(a, b journey.Journey) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
