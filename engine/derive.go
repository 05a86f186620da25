package engine

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/scoring"
)

// qualify re-evaluates the account's persons against the role templates
// of every applicable interest and resolves the groups' members.
func (ps *pass) qualify() {
	st := ps.st
	ev := ps.e.evaluator(ps.p)
	defer ps.e.releaseEvaluator(ps.p, ev)
	// Audiences are those of the last evaluation: audiences read the
	// groups, so they are evaluated after qualification.
	res, err := ev.Account(qualify.AccountInput{Account: st.Account, Persons: st.personList(), Groups: st.Groups,
		Opportunities: st.Opportunities, Audiences: st.Audiences.Names()}, ps.now)
	if err != nil {
		ps.fail(fmt.Errorf("qualify: %w", err))
		return
	}
	for i := range res.RuleErrors {
		re := &res.RuleErrors[i]
		ps.log("qualify.rule_error", re.Person, ps.now, map[string]string{"interest": re.Interest, "role": re.Role, "error": re.Err.Error()})
	}
	st.Groups = res.Groups
	ps.groupEvents(res.Events)
	if len(res.Events) > 0 {
		ps.changed = true
	}
	if res.Rate != st.Rate {
		st.Rate = res.Rate
		ps.log("qualify.rate", "", ps.now, map[string]any{"qualified": res.Rate.Qualified, "persons": res.Rate.Persons})
	}
}

// groupEvents logs buying-group events and hands them to journeys.
func (ps *pass) groupEvents(evs []buyinggroup.Event) {
	for _, ev := range evs {
		ps.log("buyinggroup."+string(ev.Type), ev.Person, ev.At, ev)
		je := journey.Event{At: ev.At, SolutionInterest: ev.Interest, Group: ev.Group, Person: ev.Person, Role: ev.Role, From: ev.From, To: ev.To, Detail: ev.Reason}
		switch ev.Type {
		case buyinggroup.EventGroupCreated:
			je.Type = journey.EventGroupCreated
		case buyinggroup.EventStageChanged:
			je.Type = journey.EventStageChanged
		case buyinggroup.EventStatusChanged:
			je.Type = journey.EventStatusChanged
		case buyinggroup.EventMemberAdded:
			je.Type = journey.EventMemberAdded
		case buyinggroup.EventMemberRemoved:
			je.Type = journey.EventMemberRemoved
		case buyinggroup.EventCompletenessCrossed:
			je.Type = journey.EventCompletenessChged
		default:
			continue
		}
		ps.jevents = append(ps.jevents, je)
	}
}

// derive recomputes everything that follows from the account's data and
// the time: group scores, stages, audiences, readiness and alerts. It runs
// once per pass, however many inputs the pass had.
func (ps *pass) derive() {
	st := ps.st
	ps.groupScores()
	ps.advanceStages()
	ps.readiness()
	ps.audiences()
	ps.raiseAlerts()
	ps.trackResponses()
	st.Refreshed = ps.now
	// The view changed for journeys when an input or a decision did; decay
	// alone does not re-run their exit and goal checks (waits and splits
	// read current scores when they run).
	if ps.changed || len(ps.events) > 0 || len(ps.jevents) > 0 {
		st.Revision++
	}
}

// personScore is a person's score under the default group model, with
// journey adjustments.
func (ps *pass) personScore(id b2b.PersonID) float64 {
	return ps.personScoreIn("", id)
}

// personScoreIn is a person's score under the model of an interest's
// groups.
func (ps *pass) personScoreIn(interest string, id b2b.PersonID) float64 {
	v, _ := ps.personScoreAt(interest, id, ps.now)
	return v
}

// personScoreAt is the person's score in the interest's model at a time,
// with the person's adjustments; false when the score is not known then
// (a time before the scorer's horizon), the adjustments alone given.
func (ps *pass) personScoreAt(interest string, id b2b.PersonID, at time.Time) (float64, bool) {
	s := ps.p.ScorerFor(interest)
	v, known := 0.0, true
	if l := ps.st.Scores[s.Name()]; l != nil {
		if x, err := s.Score(l, id, at); err == nil {
			v = x
		} else {
			known = false
		}
	}
	return v + ps.st.Adjustments["person/"+string(id)], known
}

// scoringGroup describes a buying group to the scoring package: its
// members with their role weights, and the account's other persons.
func (ps *pass) scoringGroup(g *buyinggroup.Group) *scoring.Group {
	sg := &scoring.Group{Name: g.ID, Aggregation: ps.p.GroupScore.Aggregation, NonRoleWeight: ps.p.GroupScore.NonRoleWeight}
	var tpl *buyinggroup.Template
	if in, ok := ps.p.Groups.Interest(g.Interest); ok {
		tpl = in.RoleTemplate()
	}
	// The lists get their room at once (the members, then the persons not
	// in the group: at most all of the account's persons), where appending
	// grew them a few times for each group at each pass.
	sg.Members = make([]scoring.Member, 0, len(g.Members)+len(ps.st.Persons))
	if tpl != nil {
		required := 0
		for _, r := range tpl.Roles {
			if r.Required {
				required++
			}
		}
		if required > 0 {
			sg.RequiredRoles = make([]string, 0, required)
		}
	}
	inGroup := map[b2b.PersonID]bool{}
	for _, m := range g.Members {
		w := 1.0
		if tpl != nil {
			if i := tpl.RoleIndex(m.Role); i >= 0 && tpl.Roles[i].Weight > 0 {
				w = tpl.Roles[i].Weight
			}
		}
		sg.Members = append(sg.Members, scoring.Member{Person: m.Person, Role: m.Role, Weight: w})
		inGroup[m.Person] = true
	}
	if tpl != nil {
		for _, r := range tpl.Roles {
			if r.Required {
				sg.RequiredRoles = append(sg.RequiredRoles, r.Name)
			}
		}
	}
	for _, pe := range ps.st.Persons {
		if !inGroup[pe.Person.ID] {
			sg.Members = append(sg.Members, scoring.Member{Person: pe.Person.ID})
		}
	}
	return sg
}

func (ps *pass) groupScores() {
	st := ps.st
	if st.GroupScores == nil {
		st.GroupScores = map[string]*groupScoreState{}
	}
	window := ps.p.VelocityWindow()
	for i := range st.Groups {
		g := &st.Groups[i]
		sg := ps.scoringGroup(g)
		scorer := ps.p.ScorerFor(g.Interest)
		// The figures alone: their breakdowns are made where they are
		// shown (views), not at every pass.
		score := sg.Score(func(id b2b.PersonID) float64 { return ps.personScoreIn(g.Interest, id) }) + st.Adjustments["group/"+g.ID]
		var velocity float64
		if l := st.Scores[scorer.Name()]; l != nil {
			if change, err := scorer.GroupChange(sg, l, ps.now, window); err == nil {
				velocity = change
			}
		}
		gs := st.GroupScores[g.ID]
		if gs == nil {
			gs = &groupScoreState{}
			st.GroupScores[g.ID] = gs
		}
		if scoreMoved(gs.Score, score) {
			ps.jevents = append(ps.jevents, journey.Event{Type: journey.EventScoreChanged, At: ps.now, SolutionInterest: g.Interest, Group: g.ID,
				From: fmt.Sprintf("%.1f", gs.Score), To: fmt.Sprintf("%.1f", score)})
		}
		gs.Score, gs.Velocity, gs.At = score, velocity, ps.now
		for _, t := range ps.p.GroupScore.Thresholds {
			if gs.Thresholds == nil {
				gs.Thresholds = map[string]*scoring.ThresholdState{}
			}
			ts := gs.Thresholds[t.Name]
			if ts == nil {
				ts = &scoring.ThresholdState{}
				gs.Thresholds[t.Name] = ts
			}
			if c, ok := t.Observe(ts, score, ps.now); ok {
				typ := "scoring.threshold_fired"
				if c.Kind == scoring.Rearmed {
					typ = "scoring.threshold_rearmed"
				}
				ps.log(typ, "", ps.now, map[string]any{"group": g.ID, "interest": g.Interest, "threshold": c.Threshold, "score": c.Score, "reason": c.Reason})
			}
		}
	}
}

// rearmBefore observes the group score thresholds that have fired on
// each group's score just before the earliest of the pass's activities
// that comes after the group's last observation: decay lowers a score
// between activities, so its lowest point is there, and a score that fell
// below a threshold's margin since (no pass of time ran in between: the
// host did not call Advance) re-arms the threshold there, at that time,
// before the activities raise the score again (and fire it again). Dips
// between two activities of one pass are not seen.
func (ps *pass) rearmBefore(acts []b2b.Activity) {
	if len(ps.p.GroupScore.Thresholds) == 0 || len(ps.st.GroupScores) == 0 {
		return
	}
	for i := range ps.st.Groups {
		g := &ps.st.Groups[i]
		gs := ps.st.GroupScores[g.ID]
		if gs == nil || !anyFired(gs.Thresholds) {
			continue
		}
		var at time.Time
		for j := range acts {
			if t := acts[j].Time; t.After(gs.At) && (at.IsZero() || t.Before(at)) {
				at = t
			}
		}
		if at.IsZero() || at.After(ps.now) {
			continue
		}
		score, ok := ps.groupScoreAt(g, at)
		if !ok {
			continue // a score not known at that time re-arms nothing
		}
		for _, t := range ps.p.GroupScore.Thresholds {
			ts := gs.Thresholds[t.Name]
			if ts == nil || !ts.Fired {
				continue
			}
			if c, ok := t.Observe(ts, score, at); ok {
				ps.log("scoring.threshold_rearmed", "", at, map[string]any{"group": g.ID, "interest": g.Interest, "threshold": c.Threshold, "score": c.Score, "reason": c.Reason})
			}
		}
	}
}

func anyFired(ths map[string]*scoring.ThresholdState) bool {
	for _, ts := range ths {
		if ts != nil && ts.Fired {
			return true
		}
	}
	return false
}

// groupScoreAt is the group's score at a time, as groupScores computes
// it at the pass's time; false when a member's score is not known then
// (a time before the scorer's horizon).
func (ps *pass) groupScoreAt(g *buyinggroup.Group, at time.Time) (float64, bool) {
	known := true
	score := ps.scoringGroup(g).Score(func(id b2b.PersonID) float64 {
		v, ok := ps.personScoreAt(g.Interest, id, at)
		known = known && ok
		return v
	})
	return score + ps.st.Adjustments["group/"+g.ID], known
}

// opportunityOf returns the opportunity of the account for the group's
// interest that the group's stage rules read (opportunity.*): an open
// one while any is open (the committee's decision is still being made:
// an add-on lost beside it does not close the group), else a won one if
// any was won (the interest was bought), else a lost one; of those, the
// newest by creation time, and of two created at the same time the one
// of the greater ID. So the same deals give the same opportunity in any
// order and batching. Nil when the account has none for the interest.
func (ps *pass) opportunityOf(g *buyinggroup.Group) *b2b.Opportunity {
	in, ok := ps.p.Groups.Interest(g.Interest)
	if !ok {
		return nil
	}
	var best *b2b.Opportunity
	for i := range ps.st.Opportunities {
		o := &ps.st.Opportunities[i]
		if in.MatchesOpportunity(o) && (best == nil || decidesOver(o, best)) {
			best = o
		}
	}
	return best
}

// decidesOver reports whether the stage rules of a group read opportunity
// a rather than b (see opportunityOf).
func decidesOver(a, b *b2b.Opportunity) bool {
	if ra, rb := statusRank(a.Status), statusRank(b.Status); ra != rb {
		return ra > rb
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c > 0
	}
	return a.ID > b.ID
}

// statusRank orders the statuses of deals as opportunityOf prefers them.
func statusRank(s b2b.OpportunityStatus) int {
	switch s {
	case b2b.OpportunityOpen:
		return 3
	case b2b.OpportunityWon:
		return 2
	case b2b.OpportunityLost:
		return 1
	}
	return 0
}

func (ps *pass) advanceStages() {
	for i := range ps.st.Groups {
		g := ps.st.Groups[i]
		gs := ps.st.GroupScores[g.ID]
		next, evs, err := ps.p.Groups.Advance(g, buyinggroup.Signals{Score: gs.Score, Velocity: gs.Velocity, Opportunity: ps.opportunityOf(&g)}, ps.now)
		if err != nil {
			ps.log("buyinggroup.rule_error", "", ps.now, map[string]string{"group": g.ID, "error": err.Error()})
			continue
		}
		ps.st.Groups[i] = next
		ps.groupEvents(evs)
	}
}

func (ps *pass) audiences() {
	st := ps.st
	if ps.p.Audiences == nil {
		// A program that defines no audience has no evaluator: the
		// account exits the audiences it was in, as it exits any audience
		// a program no longer defines (audience.Evaluator.Evaluate).
		if len(st.Audiences) > 0 {
			res := audience.Result{Account: ps.id}
			for _, name := range st.Audiences.Names() {
				res.Events = append(res.Events, audience.Event{Kind: audience.EventExited, Audience: name, Account: ps.id, At: ps.now,
					Reason: "the audience is no longer defined"})
			}
			ps.audienceResult(&res)
		}
		return
	}
	persons := st.personList()
	// The audiences' index reads no attribute: none are unpacked.
	acts := make([]b2b.Activity, len(st.Activities))
	for i, r := range st.Activities {
		acts[i] = b2b.Activity{ID: r.id(), Type: r.Type, Person: r.Person, Account: ps.id, Time: r.Time}
	}
	ix, err := audience.NewActivities(persons, acts)
	if err != nil {
		ps.fail(fmt.Errorf("audience index: %w", err))
		return
	}
	res, err := ps.p.Audiences.Evaluate(&audience.AccountData{Account: st.Account, Persons: persons, Groups: ps.audienceGroups(), Activities: ix}, st.Audiences, ps.now)
	if err != nil {
		ps.log("audience.rule_error", "", ps.now, map[string]string{"error": err.Error()})
	}
	ps.audienceResult(&res)
}

// audienceResult records an audience evaluation's result: the new
// membership, its entries and exits logged and handed to journeys, and,
// when the membership changed, a qualification asked for again
// (interests' applicability rules may read the audiences).
func (ps *pass) audienceResult(res *audience.Result) {
	st := ps.st
	st.Audiences = res.Membership
	if len(res.Events) > 0 {
		st.Requalify = true
	}
	for _, ev := range res.Events {
		ps.log("audience."+string(ev.Kind), "", ev.At, ev)
		typ := journey.EventAudienceEntered
		if ev.Kind != audience.EventEntered {
			typ = journey.EventAudienceExited
		}
		ps.jevents = append(ps.jevents, journey.Event{Type: typ, At: ev.At, Audience: ev.Audience, Detail: ev.Reason})
	}
}

// audienceGroups are the account's groups as audience rules see them.
func (ps *pass) audienceGroups() []audience.Group {
	st := ps.st
	out := make([]audience.Group, 0, len(st.Groups))
	for i := range st.Groups {
		g := &st.Groups[i]
		ag := audience.Group{ID: g.ID, SolutionInterest: g.Interest, Stage: g.Stage, Completeness: g.Completeness}
		if gs := st.GroupScores[g.ID]; gs != nil {
			ag.Score, ag.Velocity = gs.Score, gs.Velocity
		}
		if r := st.Readiness[g.ID]; r != nil {
			ag.ReadinessTier = string(r.Tier)
		}
		for _, m := range g.Members {
			if !slices.Contains(ag.Roles, m.Role) {
				ag.Roles = append(ag.Roles, m.Role)
			}
		}
		if missing, err := ps.p.Groups.MissingRoles(*g); err == nil {
			for _, m := range missing {
				ag.MissingRoles = append(ag.MissingRoles, m.Role)
			}
		}
		out = append(out, ag)
	}
	return out
}

// features are what readiness looks at for one group.
func (ps *pass) features(g *buyinggroup.Group) qualify.Features {
	st := ps.st
	gs := st.GroupScores[g.ID]
	f := qualify.Features{
		Completeness: g.Completeness, WeightedCompleteness: g.WeightedCompleteness,
		Score: gs.Score, Velocity: gs.Velocity, VelocityDays: ps.p.VelocityWindow().Hours() / 24,
		Industry: st.Account.Industry, Employees: st.Account.Employees,
	}
	engaged := map[string]bool{}
	for _, m := range g.Members {
		if ps.personScoreIn(g.Interest, m.Person) >= ps.p.EngagedScore() {
			engaged[m.Role] = true
		}
	}
	f.EngagedRoles = len(engaged)
	f.DaysSinceLastActivity = daysSinceLast(ps.now, st.LastActivity, g.Members)
	f.PriorOpportunities, f.PriorWon = qualify.FeaturesOpportunityHistory(ps.now, st.Opportunities)
	return f
}

// daysSinceLast is how long before now the latest of the members' last
// activities (accountState.LastActivity, kept past the activity
// retention) was, in days: the latest by time, whatever order the
// activities came in; 0 for one dated after now (a source whose clock
// runs ahead, which the engine accepts); +Inf for none.
func daysSinceLast(now time.Time, last map[b2b.PersonID]time.Time, members []buyinggroup.Member) float64 {
	var latest time.Time
	found := false
	for i := range members {
		if t, ok := last[members[i].Person]; ok && (!found || t.After(latest)) {
			latest, found = t, true
		}
	}
	if !found {
		return math.Inf(1)
	}
	return max(0, now.Sub(latest).Hours()/24)
}

func (ps *pass) readiness() {
	st := ps.st
	if st.Readiness == nil {
		st.Readiness = map[string]*qualify.ReadinessVerdict{}
	}
	for i := range st.Groups {
		g := &st.Groups[i]
		v, err := ps.p.Readiness.Assess(ps.features(g))
		if err != nil {
			ps.log("readiness.error", "", ps.now, map[string]string{"group": g.ID, "error": err.Error()})
			// The verdict of before was about data the group no longer
			// has: kept, the account's view would show it as current and
			// queries would list the account under its tier. No verdict
			// stands until one can be made again.
			if prev := st.Readiness[g.ID]; prev != nil {
				delete(st.Readiness, g.ID)
				ps.log("readiness.dropped", "", ps.now, map[string]string{"group": g.ID, "interest": g.Interest, "from": string(prev.Tier),
					"error": err.Error()})
				ps.jevents = append(ps.jevents, journey.Event{Type: journey.EventAttributeChanged, At: ps.now, SolutionInterest: g.Interest, Group: g.ID,
					Attribute: "group.readinessTier", From: string(prev.Tier)})
			}
			continue
		}
		prev := st.Readiness[g.ID]
		st.Readiness[g.ID] = &v
		if prev == nil || prev.Level != v.Level {
			from := ""
			if prev != nil {
				from = string(prev.Tier)
			}
			ps.log("readiness.changed", "", ps.now, map[string]any{"group": g.ID, "interest": g.Interest, "level": v.Level, "tier": v.Tier, "value": v.Value, "explain": v.Explain()})
			ps.jevents = append(ps.jevents, journey.Event{Type: journey.EventAttributeChanged, At: ps.now, SolutionInterest: g.Interest, Group: g.ID,
				Attribute: "group.readinessTier", From: from, To: string(v.Tier)})
		}
	}
}

// scoreMoved reports whether a group score moved enough to tell journeys
// and the event log: by at least 1 point and 5% (decay alone moves every
// score a little every day).
func scoreMoved(from, to float64) bool {
	moved := math.Abs(to - from)
	return moved >= 1 && moved >= 0.05*math.Abs(from)
}

// snapshots logs "group.updated" for every group whose stage,
// completeness, members or readiness changed, or whose score moved by at
// least 1 point and 5% since the last snapshot (so that decay alone does
// not log every group every day).
func (ps *pass) snapshots() {
	st := ps.st
	if st.Shown == nil {
		st.Shown = map[string]groupSnapshot{}
	}
	for i := range st.Groups {
		g := &st.Groups[i]
		snap := groupSnapshot{Group: g.ID, Interest: g.Interest, Stage: g.Stage, Completeness: g.Completeness,
			WeightedCompleteness: g.WeightedCompleteness, Members: len(g.Members)}
		if gs := st.GroupScores[g.ID]; gs != nil {
			snap.Score, snap.Velocity = math.Round(gs.Score*10)/10, math.Round(gs.Velocity*10)/10
		}
		if r := st.Readiness[g.ID]; r != nil {
			snap.Readiness, snap.Tier = string(r.Level), string(r.Tier)
		}
		if prev, ok := st.Shown[g.ID]; ok && sameSnapshot(prev, snap) {
			continue
		}
		st.Shown[g.ID] = snap
		ps.log("group.updated", "", ps.now, snap)
	}
}

func sameSnapshot(a, b groupSnapshot) bool {
	if scoreMoved(a.Score, b.Score) {
		return false
	}
	a.Score, a.Velocity, b.Score, b.Velocity = 0, 0, 0, 0
	return a == b
}
