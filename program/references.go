package program

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
)

// hasInterest reports whether the program defines the solution interest id.
func (p *Program) hasInterest(id string) bool {
	return slices.ContainsFunc(p.defs.Interests, func(si buyinggroup.SolutionInterest) bool { return si.ID == id })
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
			np := jp + "." + j.NodePath(k)
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
