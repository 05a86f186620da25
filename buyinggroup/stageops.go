package buyinggroup

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/rules"
)

// MoveTo moves a group to another stage on request (a person or a journey
// action, named by by). A move the group's stage model does not allow is
// refused with a [*TransitionError] naming both stages; the group is then
// returned unchanged. A move to the stage the group is in is no
// transition: it returns the group unchanged, with no event and no error
// (a journey that moves every group of an interest to a stage finds some
// there already). A group in a stage its model does not have (a
// program that renamed or dropped the stage) may move to any stage of the
// model; the reason says so. A move out of the closed stages (a model
// that lets a deal reopen) resolves the members again from the claims,
// with the events of the change after the stage change's.
func (c *Catalog) MoveTo(g Group, to, by, reason string, now time.Time) (Group, []Event, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return g, nil, err
	}
	m := in.model
	if _, ok := m.index[to]; !ok {
		return g, nil, fmt.Errorf("group %q: %w %q in stage model %q (stages: %s)", g.ID, ErrUnknownStage, to, m.ID, strings.Join(stageNames(m), ", "))
	}
	if to == g.Stage {
		return g, nil, nil
	}
	if _, ok := m.index[g.Stage]; !ok {
		if reason == "" {
			reason = stageGone(m, g.Stage)
		} else {
			reason += " (" + stageGone(m, g.Stage) + ")"
		}
	} else if !m.Allowed(g.Stage, to) {
		return g, nil, &TransitionError{Group: g.ID, Model: m.ID, From: g.Stage, To: to, Allowed: m.Next(g.Stage)}
	}
	ng := g.clone()
	ev := ng.moveTo(StageChange{From: g.Stage, To: to, At: now, By: by, Reason: reason})
	return ng, append([]Event{ev}, reopen(in, &ng, g.Stage, now)...), nil
}

func (g *Group) moveTo(ch StageChange) Event {
	g.Stage, g.StageSince, g.UpdatedAt = ch.To, ch.At, ch.At
	g.StageHistory = append(g.StageHistory, ch)
	ev := g.event(EventStageChanged, ch.At)
	ev.From, ev.To = ch.From, ch.To
	ev.Reason = ch.Reason
	if ch.Auto {
		ev.Reason = fmt.Sprintf("rule %q: %s", ch.Rule, ch.Expr)
	}
	return ev
}

// Facts returns the view of a group that automatic transition rules read.
func (c *Catalog) Facts(g Group, s Signals, now time.Time) (StageEnv, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return StageEnv{}, err
	}
	return facts(in, &g, s, now), nil
}

func facts(in *Interest, g *Group, s Signals, now time.Time) StageEnv {
	comp := completeness(in.template, g.Members)
	var missing []string
	for _, r := range missingRoles(comp) {
		missing = append(missing, r.Role)
	}
	env := StageEnv{
		Group: GroupFacts{
			Account: string(g.Account), Interest: g.Interest, Stage: g.Stage, Status: g.Status,
			Completeness: comp.Value, WeightedCompleteness: comp.Weighted,
			Members: len(g.Members), MissingRoles: missing,
			Score: s.Score, Velocity: s.Velocity,
			DaysInStage: now.Sub(g.StageSince).Hours() / 24,
			StageSince:  g.StageSince,
		},
		Now: now,
	}
	if o := s.Opportunity; o != nil {
		env.Opportunity = OpportunityFacts{Exists: true, ID: string(o.ID), Stage: o.Stage, Status: o.Status, Amount: o.Amount, ChangedAt: o.UpdatedAt}
		if o.CreatedAt.After(o.UpdatedAt) {
			env.Opportunity.ChangedAt = o.CreatedAt
		}
	}
	return env
}

// Advance takes the automatic transitions of the group's stage model whose
// rules hold, given the signals at now: from the current stage, the first
// automatic transition (in model order) whose rule holds is taken, and so
// on from the new stage, never entering a stage twice in one call. Each
// change records the rule and the values it read; a change out of the
// closed stages resolves the members again, as [Catalog.MoveTo] does. A
// group in a stage its model does not have (a program that renamed or
// dropped the stage) is first placed in the model's first entry stage,
// with a change that says why, and the rules take it on from there. A
// rule that fails to evaluate returns the error and the group unchanged.
func (c *Catalog) Advance(g Group, s Signals, now time.Time) (Group, []Event, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return g, nil, err
	}
	m := in.model
	// ng is copied before its first change: most calls change nothing,
	// and then return g as it is.
	ng, copied := g, false
	var evs []Event
	if _, ok := m.index[g.Stage]; !ok {
		ng, copied = g.clone(), true
		entry := m.Stages[m.entry[0]].Name
		evs = append(evs, ng.moveTo(StageChange{
			From: g.Stage, To: entry, At: now,
			Reason: fmt.Sprintf("%s: placed in its first entry stage %q", stageGone(m, g.Stage), entry),
		}))
	}
	visited := map[string]bool{ng.Stage: true}
	for range m.Stages {
		cur := m.index[ng.Stage]
		env := facts(in, &ng, s, now)
		// A rule From "*" is for the open stages: where the model also
		// allows its move from a closed stage (by hand, a deal that
		// revives), the allowance is not the rule's.
		closed := m.Closed(ng.Stage)
		moved := false
		for _, a := range m.auto {
			if a.to == cur || visited[m.Stages[a.to].Name] || !m.allow[[2]int{cur, a.to}] || (a.from >= 0 && a.from != cur) || (a.from < 0 && closed) {
				continue
			}
			ok, err := a.when.Eval(&env)
			if err != nil {
				return g, nil, fmt.Errorf("group %q: %w", g.ID, err)
			}
			if !ok {
				continue
			}
			r := a.when.Rule()
			to := m.Stages[a.to].Name
			if !copied {
				ng, copied = g.clone(), true
			}
			from := ng.Stage
			evs = append(evs, ng.moveTo(StageChange{
				From: from, To: to, At: now, Auto: true,
				Rule: r.Name, Expr: r.Source, Values: stageValues(r.Source, &env),
			}))
			evs = append(evs, reopen(in, &ng, from, now)...)
			visited[to] = true
			moved = true
			break
		}
		if !moved {
			break
		}
	}
	return ng, evs, nil
}

// stageValues lists the facts a stage rule's source mentions: every
// field of [StageEnv] it names. Numbers have six significant digits, or
// as many more as it takes for the text to compare with each number the
// rule is written with as the value does: a group 14 days and a second
// in its stage that "group.daysInStage > 14" moved on reads
// 14.00001, not 14.
func stageValues(src string, env *StageEnv) []Value {
	var consts []float64
	parsed := false
	f := func(x float64) string {
		if !parsed {
			consts, parsed = rules.Numbers(src), true
		}
		return rules.FormatSignificantAgainst(x, 6, consts)
	}
	all := []Value{
		{"group.accountId", env.Group.Account},
		{"group.interest", env.Group.Interest},
		{"group.completeness", f(env.Group.Completeness)},
		{"group.weightedCompleteness", f(env.Group.WeightedCompleteness)},
		{"group.score", f(env.Group.Score)},
		{"group.velocity", f(env.Group.Velocity)},
		{"group.members", strconv.Itoa(env.Group.Members)},
		{"group.missingRoles", strings.Join(env.Group.MissingRoles, ", ")},
		{"group.daysInStage", f(env.Group.DaysInStage)},
		{"group.stageSince", formatTime(env.Group.StageSince)},
		{"group.stage", env.Group.Stage},
		{"group.status", env.Group.Status},
		{"opportunity.exists", strconv.FormatBool(env.Opportunity.Exists)},
		{"opportunity.id", env.Opportunity.ID},
		{"opportunity.status", env.Opportunity.Status},
		{"opportunity.stage", env.Opportunity.Stage},
		{"opportunity.amount", f(env.Opportunity.Amount)},
		{"opportunity.changedAt", formatTime(env.Opportunity.ChangedAt)},
		{"now", env.Now.UTC().Format(time.RFC3339)},
	}
	var out []Value
	for _, v := range all {
		if containsWord(src, v.Name) {
			out = append(out, v)
		}
	}
	return out
}

// formatTime writes a time of the facts in UTC, RFC 3339; a zero time
// (an opportunity with no times) is empty.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// containsWord reports whether name occurs in src as a whole name: not
// followed by an identifier character (group.score does not match
// group.scoreX) nor preceded by one or by a dot (now does not match snow
// or group.now).
func containsWord(src, name string) bool {
	for i := 0; ; {
		j := strings.Index(src[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if (end == len(src) || !isIdent(src[end])) && (start == 0 || !isIdent(src[start-1]) && src[start-1] != '.') {
			return true
		}
		i = start + 1
	}
}

func isIdent(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// SetStatus sets the group's free-text status (by names who set it: a
// journey or a person) and records it in the status history. Setting the
// current status again changes nothing.
func (c *Catalog) SetStatus(g Group, status, by string, now time.Time) (Group, []Event, error) {
	if _, err := c.interestOf(&g); err != nil {
		return g, nil, err
	}
	if status == g.Status {
		return g, nil, nil
	}
	ng := g.clone()
	ng.StatusHistory = append(ng.StatusHistory, StatusChange{Status: status, At: now, By: by})
	ev := ng.event(EventStatusChanged, now)
	ev.From, ev.To, ev.Reason = g.Status, status, by
	ng.Status, ng.UpdatedAt = status, now
	return ng, []Event{ev}, nil
}

// stageGone says that a group's stage is not in its stage model.
func stageGone(m *Model, stage string) string {
	return fmt.Sprintf("stage model %q has no stage %q any more", m.ID, stage)
}

func stageNames(m *Model) []string {
	out := make([]string, len(m.Stages))
	for i, s := range m.Stages {
		out[i] = s.Name
	}
	return out
}
