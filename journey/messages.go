package journey

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// recipient is a person chosen for an action.
type recipient struct {
	pv    *PersonView
	role  string
	group *GroupView
}

// recipients chooses the members an action addresses.
func (s *stepper) recipients(in *Instance, tr *Track, node *cnode, r *crecip) []recipient {
	interest := cmpOr(r.interest, tr.SolutionInterest)
	// Room for every member it may choose, made with the first.
	room := 0
	for gi := range s.view.Groups {
		if g := &s.view.Groups[gi]; interest == "" || g.SolutionInterest == interest {
			room += len(g.Members)
		}
	}
	var out []recipient
	for gi := range s.view.Groups {
		g := &s.view.Groups[gi]
		if interest != "" && g.SolutionInterest != interest {
			continue
		}
		for mi := range g.Members {
			m := &g.Members[mi]
			if len(r.roles) > 0 && !slices.Contains(r.roles, m.Role) {
				continue
			}
			if slices.ContainsFunc(out, func(x recipient) bool { return x.pv.Person.ID == m.Person }) {
				continue
			}
			pv := s.view.person(m.Person)
			if pv == nil {
				d := s.decision(in, tr, DecisionSkip, node.id)
				d.Person = m.Person
				d.Reason = fmt.Sprintf("member of %s is not among the account's persons", g.SolutionInterest)
				s.trace(d)
				continue
			}
			if r.when != nil && !s.personHolds(in, tr, node, r.when, pv, m.Role, g) {
				continue
			}
			if out == nil {
				out = make([]recipient, 0, room)
			}
			out = append(out, recipient{pv: pv, role: m.Role, group: g})
		}
	}
	return out
}

func (s *stepper) personHolds(in *Instance, tr *Track, node *cnode, c *pcond, pv *PersonView, role string, g *GroupView) bool {
	penv := &s.scratch().penv
	*penv = PersonEnv{Person: &pv.Person, Score: pv.Score, Role: role, Group: g, Account: &s.view.Account, Now: s.at}
	ok, err := c.x.Eval(penv)
	if err != nil || (!ok && s.dry) {
		d := s.decision(in, tr, DecisionNotSelected, node.id)
		d.Person, d.Rule, d.Expr = pv.Person.ID, c.x.Rule().Name, c.x.Rule().Source
		d.Values = values(c.refs, penv)
		d.Reason = "person condition does not hold"
		if err != nil {
			d.Kind, d.Reason = DecisionRuleError, err.Error()+" (treated as false)"
		}
		s.trace(d)
	}
	return ok && err == nil
}

// entry starts an outbox entry for a node.
func (s *stepper) entry(in *Instance, tr *Track, node *cnode, typ ActionType, person b2b.PersonID, idx int) OutboxEntry {
	visit := tr.visits(node.id)
	return OutboxEntry{
		Key: key(in.Journey, itoa(in.Version), string(s.st.Account), itoa(in.Entry), itoa(tr.ID),
			string(node.id), itoa(visit), string(person), itoa(idx), string(typ)),
		Type: typ, Account: s.st.Account, Journey: in.Journey, Version: in.Version, Entry: in.Entry,
		Track: tr.ID, Node: node.id, At: s.at, Person: person,
		Group: tr.Group, SolutionInterest: tr.SolutionInterest,
	}
}

// emit adds an entry to the outbox (not in a dry run) and traces it.
func (s *stepper) emit(in *Instance, tr *Track, node *cnode, e OutboxEntry, reason string) {
	d := s.decision(in, tr, DecisionSend, node.id)
	d.Person, d.Key, d.Reason = e.Person, e.Key, reason
	if s.dry {
		d.Reason += " (dry run: not sent)"
	} else {
		s.res.Outbox = append(s.res.Outbox, e)
	}
	s.trace(d)
}

func (s *stepper) skip(in *Instance, tr *Track, node *cnode, person b2b.PersonID, k string, reason string) {
	d := s.decision(in, tr, DecisionSkip, node.id)
	d.Person, d.Key, d.Reason = person, k, reason
	s.trace(d)
}

// action runs one action of a node; persons, when not nil, are the persons
// of a people-split path (instead of the action's recipients).
func (s *stepper) action(in *Instance, tr *Track, node *cnode, a *caction, idx int, persons []recipient) {
	switch a.Type {
	case ActionEmail, ActionSMS:
		if persons == nil {
			persons = s.recipients(in, tr, node, a.recip)
			if len(persons) == 0 {
				s.skip(in, tr, node, "", "", fmt.Sprintf("%s %q: no recipient matched", a.Type, a.Template))
				return
			}
		}
		// Room for a message and its decision for each recipient at once,
		// not grown (and copied) a few times on the way; an outbox left
		// empty (every recipient skipped) stays as it was (nil in a new
		// result).
		noOutbox := s.res.Outbox == nil
		if !s.dry {
			s.res.Outbox = slices.Grow(s.res.Outbox, len(persons))
		}
		s.res.Trace = slices.Grow(s.res.Trace, len(persons))
		for _, r := range persons {
			s.message(in, tr, node, a, idx, r)
		}
		if noOutbox && len(s.res.Outbox) == 0 {
			s.res.Outbox = nil
		}
	case ActionSalesAlert:
		s.alert(in, tr, node, a, idx)
	case ActionChangeStage:
		gs := s.targetGroups(tr, a)
		if len(gs) == 0 {
			s.skip(in, tr, node, "", "", fmt.Sprintf("%s to %q: %s", a.Type, a.Stage, s.noGroup(a.recipInterest(tr))))
			return
		}
		for _, g := range gs {
			e := s.entry(in, tr, node, a.Type, "", idx)
			e.Key = key(e.Key, g.ID)
			e.Group, e.SolutionInterest, e.Stage = g.ID, g.SolutionInterest, a.Stage
			s.emit(in, tr, node, e, fmt.Sprintf("stage of %s from %q to %q", g.SolutionInterest, g.Stage, a.Stage))
		}
	case ActionSetAttribute:
		e := s.entry(in, tr, node, a.Type, "", idx)
		e.Target, e.Attribute, e.Value = a.Target, a.Attribute, a.Value
		if a.Target == "group" {
			g, ok := s.trackGroup(tr)
			if !ok {
				s.skip(in, tr, node, "", "", fmt.Sprintf("%s group %s: %s", a.Type, a.Attribute, s.noGroup(tr.SolutionInterest)))
				return
			}
			e.Group, e.SolutionInterest = g.ID, g.SolutionInterest
		}
		s.emit(in, tr, node, e, fmt.Sprintf("set %s attribute %s to %q", a.Target, a.Attribute, a.Value))
	case ActionAddToList, ActionRemoveFromList:
		e := s.entry(in, tr, node, a.Type, "", idx)
		e.List = a.List
		s.emit(in, tr, node, e, fmt.Sprintf("%s %s", a.Type, a.List))
	case ActionAdjustScore:
		if a.Target != "person" {
			g, ok := s.trackGroup(tr)
			if !ok {
				s.skip(in, tr, node, "", "", fmt.Sprintf("%s group: %s", a.Type, s.noGroup(tr.SolutionInterest)))
				return
			}
			e := s.entry(in, tr, node, a.Type, "", idx)
			e.Target, e.Group, e.SolutionInterest, e.Delta = "group", g.ID, g.SolutionInterest, a.Delta
			s.emit(in, tr, node, e, fmt.Sprintf("adjust the score of %s by %g", cmpOr(g.SolutionInterest, "the group"), a.Delta))
			return
		}
		if persons == nil {
			if persons = s.recipients(in, tr, node, a.recip); len(persons) == 0 {
				s.skip(in, tr, node, "", "", fmt.Sprintf("%s person: no recipient matched", a.Type))
				return
			}
		}
		for _, r := range persons {
			e := s.entry(in, tr, node, a.Type, r.pv.Person.ID, idx)
			e.Target, e.Delta, e.Role, e.Group, e.SolutionInterest = "person", a.Delta, r.role, r.group.ID, r.group.SolutionInterest
			s.emit(in, tr, node, e, fmt.Sprintf("adjust the score of %s by %g", r.pv.Person.Name(), a.Delta))
		}
	case ActionAssignRole:
		if persons == nil {
			if persons = s.recipients(in, tr, node, a.recip); len(persons) == 0 {
				s.skip(in, tr, node, "", "", fmt.Sprintf("%s %q: no recipient matched", a.Type, a.Role))
				return
			}
		}
		for _, r := range persons {
			e := s.entry(in, tr, node, a.Type, r.pv.Person.ID, idx)
			e.Role, e.Group, e.SolutionInterest = a.Role, r.group.ID, r.group.SolutionInterest
			s.emit(in, tr, node, e, fmt.Sprintf("assign %s as %s", r.pv.Person.Name(), a.Role))
		}
	}
}

// recipInterest is the solution interest whose group a change_stage
// moves: its recipients', else the track's ("" for any).
func (a *caction) recipInterest(tr *Track) string {
	if a.recip != nil && a.recip.interest != "" {
		return a.recip.interest
	}
	return tr.SolutionInterest
}

func (s *stepper) targetGroups(tr *Track, a *caction) []*GroupView {
	interest := a.recipInterest(tr)
	if interest != "" {
		if g := s.view.group(interest); g != nil {
			return []*GroupView{g}
		}
		return nil
	}
	if len(s.view.Groups) > 0 {
		return []*GroupView{&s.view.Groups[0]}
	}
	return nil
}

// alert produces a sales alert about the track's buying group.
func (s *stepper) alert(in *Instance, tr *Track, node *cnode, a *caction, idx int) {
	e := s.entry(in, tr, node, a.Type, "", idx)
	// Without a recipient in the action nor an owner on the account, To
	// is empty: the host routes the alert (by territory, a queue).
	to := cmpOr(a.AlertTo, s.view.Account.Owner)
	g, ok := s.trackGroup(tr)
	al := &Alert{Group: g.ID, SolutionInterest: g.SolutionInterest, Stage: g.Stage, Score: g.Score,
		Completeness: g.Completeness, MissingRoles: slices.Clone(g.MissingRoles), Reason: tr.Reason}
	for _, m := range g.Members {
		// A person with several roles in the group is one engaged
		// person: one entry, with the roles in the group's order.
		if k := slices.IndexFunc(al.Engaged, func(p PersonSummary) bool { return p.Person == m.Person }); k >= 0 {
			if m.Role != "" {
				al.Engaged[k].Role = joinRole(al.Engaged[k].Role, m.Role)
			}
			continue
		}
		pv := s.view.person(m.Person)
		if pv == nil || pv.Score <= 0 {
			continue
		}
		al.Engaged = append(al.Engaged, PersonSummary{Person: m.Person, Name: pv.Person.Name(), Title: pv.Person.Title, Role: m.Role, Score: pv.Score})
	}
	slices.SortStableFunc(al.Engaged, func(x, y PersonSummary) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Person, y.Person))
	})
	e.To, e.Template, e.Alert = to, a.Template, al
	e.Group, e.SolutionInterest = g.ID, g.SolutionInterest
	reason := "sales alert to " + cmpOr(to, "the host's routing (the account has no owner)")
	if !ok {
		// The alert is about the account: there is no group to tell of.
		reason += " (" + s.noGroup(tr.SolutionInterest) + ")"
	}
	s.emit(in, tr, node, e, reason)
}

// joinRole adds role to roles, a list joined by ", ", unless it is there.
func joinRole(roles, role string) string {
	if roles == "" {
		return role
	}
	if slices.Contains(strings.Split(roles, ", "), role) {
		return roles
	}
	return roles + ", " + role
}

// noGroup says that the account has no buying group (of interest, when
// one is named).
func (s *stepper) noGroup(interest string) string {
	if interest == "" {
		return "the account has no buying group"
	}
	return "the account has no buying group for " + interest
}

// message sends an email or SMS to one person, if consent and caps allow.
func (s *stepper) message(in *Instance, tr *Track, node *cnode, a *caction, idx int, r recipient) {
	p := &r.pv.Person
	e := s.entry(in, tr, node, a.Type, p.ID, idx)
	e.Channel, e.Category, e.Template, e.Role = a.Type.channel(), s.version(in).category, a.Template, r.role
	e.Group, e.SolutionInterest = r.group.ID, r.group.SolutionInterest
	if reason := s.blocked(p, e.Channel); reason != "" {
		s.skip(in, tr, node, p.ID, e.Key, reason)
		return
	}
	s.capThenSend(in, tr, node, e, a.sent, tr.visits(node.id), time.Time{})
}

// blocked says why a person may not get a message on a channel, or "".
func (s *stepper) blocked(p *b2b.Person, ch b2b.Channel) string {
	switch {
	case ch == b2b.ChannelEmail && p.Email == "":
		return "no email address"
	case ch == b2b.ChannelSMS && p.Phone == "":
		return "no phone number"
	}
	c := p.ConsentFor(ch)
	if c.OptedOut() {
		// The statement's source and date, those it has.
		var about []string
		if c.Source != "" {
			about = append(about, fmt.Sprintf("source %q", c.Source))
		}
		if !c.At.IsZero() {
			about = append(about, c.At.UTC().Format("2006-01-02"))
		}
		if len(about) == 0 {
			return fmt.Sprintf("consent: opted out of %s", ch)
		}
		return fmt.Sprintf("consent: opted out of %s (%s)", ch, strings.Join(about, ", "))
	}
	if c.Status != b2b.ConsentOptIn && s.c.cfg.Consent.RequiresOptIn(ch) {
		return fmt.Sprintf("consent: %s needs an opt-in, consent is %s", ch, cmpOr(c.Status, b2b.ConsentUnknown))
	}
	return ""
}

// sendReason is the reason of the decision that sends a message of type
// typ with a template.
func sendReason(typ ActionType, template string) string {
	return string(typ) + " " + strconv.Quote(template)
}

// sentReason is sent, or, when it is "", the reason of the decision that
// sends e: a retried message's, written when it goes rather than at every
// attempt.
func sentReason(sent string, e *OutboxEntry) string {
	if sent != "" {
		return sent
	}
	return sendReason(e.Type, e.Template)
}

// capThenSend applies the frequency caps; sent is the reason of the
// decision that sends e (sendReason; "" to write it only when it sends),
// visit is the visit of the node that sends e, expires bounds a deferral
// that is retried (zero for a first attempt).
func (s *stepper) capThenSend(in *Instance, tr *Track, node *cnode, e OutboxEntry, sent string, visit int, expires time.Time) {
	if len(s.c.cfg.Caps) == 0 {
		s.emit(in, tr, node, e, sentReason(sent, &e))
		return
	}
	var free time.Time
	// The reason of a skip or deferral, written in one buffer: "frequency
	// cap" and the caps that bind, `"name" (count channel in per)` each.
	// Formatting each cap and joining the pieces cost about five
	// allocations a capped message.
	const prefix = "frequency cap "
	reason := append(make([]byte, 0, 128), prefix...)
	// room holds the times of the messages a cap counts, on the stack
	// when they are few (a cap that binds counts at least its Max).
	var room [16]time.Time
	policy := CapDefer
	var maxDefer time.Duration
	for _, cp := range s.c.cfg.Caps {
		if cp.Channel != "" && cp.Channel != e.Channel || cp.Category != "" && cp.Category != e.Category {
			continue
		}
		per := time.Duration(cp.Per)
		from, loc := s.capWindow(per)
		if s.countContacts(e.Person, cp, from) < cp.Max {
			continue
		}
		times := s.contactTimes(room[:0], e.Person, cp, from)
		var at time.Time
		if loc == nil {
			slices.SortFunc(times, time.Time.Compare)
			at = times[len(times)-cp.Max].Add(per)
		} else {
			// The times the messages leave the window, for those
			// still in it.
			k := 0
			for _, t := range times {
				if end := later(t, per, loc); end.After(s.at) {
					times[k] = end
					k++
				}
			}
			if times = times[:k]; len(times) < cp.Max {
				continue
			}
			slices.SortFunc(times, time.Time.Compare)
			at = times[len(times)-cp.Max]
		}
		if at.After(free) {
			free = at
		}
		if len(reason) > len(prefix) {
			reason = append(reason, ", "...)
		}
		reason = strconv.AppendQuote(reason, cp.Name)
		reason = append(reason, " ("...)
		reason = strconv.AppendInt(reason, int64(len(times)), 10)
		reason = append(append(append(reason, ' '), cmpOr(cp.Channel, "messages")...), " in "...)
		reason = append(cp.Per.appendText(reason), ')')
		if cp.Policy != CapDefer {
			policy = CapSkip
		}
		maxDefer = max(maxDefer, time.Duration(cmp.Or(cp.MaxDefer, cp.Per)))
	}
	if len(reason) == len(prefix) {
		s.st.Contacts = append(s.st.Contacts, Contact{Person: e.Person, Channel: e.Channel, Category: e.Category, Journey: e.Journey, At: s.at,
			Step: Step{Version: e.Version, Entry: e.Entry, Track: e.Track, Node: e.Node, Visit: visit}})
		s.emit(in, tr, node, e, sentReason(sent, &e))
		return
	}
	if expires.IsZero() {
		expires = s.after(s.at, maxDefer)
	}
	if policy == CapSkip || free.After(expires) {
		s.skip(in, tr, node, e.Person, e.Key, string(reason))
		return
	}
	s.st.Deferred = append(s.st.Deferred, DeferredMessage{Entry: e, Due: free, Expires: expires, Visit: visit})
	d := s.decision(in, tr, DecisionDefer, node.id)
	d.Person, d.Key = e.Person, e.Key
	d.Reason = string(free.UTC().AppendFormat(append(reason, ": deferred to "...), time.RFC3339))
	s.trace(d)
}

// capWindow returns where the window of a cap of period per starts at
// the step's time: the messages after it, and not after s.at, count. In
// UTC, and for a period under a day, that is per before s.at, and loc is
// nil. Otherwise (loc is the account's zone) a message at t counts while
// the time per after it on the account's calendar, later(t, per, loc),
// has not come, as a wait of per from it would not have ended: at 10:00,
// a cap of "7d" counts the messages since 10:00 seven days before on the
// clock. The start returned is then the earlier of per before s.at and
// per before on the calendar, so that the window holds every message that
// counts (and, around a change of the offset, some that do not):
// countContacts never counts fewer, and capThenSend drops the others when
// a cap seems to bind. It is computed once per cap, not per message.
func (s *stepper) capWindow(per time.Duration) (time.Time, *time.Location) {
	from := s.at.Add(-per)
	if per < 24*time.Hour {
		return from, nil
	}
	loc := s.location()
	if loc == time.UTC {
		return from, nil
	}
	// Back as later goes forward: the hours first, then the days.
	if cal := addDays(s.at.Add(-(per % (24 * time.Hour))), -int(per/(24*time.Hour)), loc); cal.Before(from) {
		from = cal
	}
	return from, loc
}

// countContacts counts the messages to a person that a cap counts.
func (s *stepper) countContacts(person b2b.PersonID, cp Cap, after time.Time) int {
	n := 0
	for _, list := range [2][]Contact{s.st.Contacts, s.extra} {
		for i := range list {
			c := &list[i]
			if c.Person == person && c.At.After(after) && !c.At.After(s.at) &&
				(cp.Channel == "" || cp.Channel == c.Channel) && (cp.Category == "" || cp.Category == c.Category) {
				n++
			}
		}
	}
	return n
}

// contactTimes appends to out the times of messages to a person that a
// cap counts.
func (s *stepper) contactTimes(out []time.Time, person b2b.PersonID, cp Cap, after time.Time) []time.Time {
	for _, list := range [][]Contact{s.st.Contacts, s.extra} {
		for _, c := range list {
			if c.Person == person && c.At.After(after) && !c.At.After(s.at) &&
				(cp.Channel == "" || cp.Channel == c.Channel) && (cp.Category == "" || cp.Category == c.Category) {
				out = append(out, c.At)
			}
		}
	}
	return out
}

// retryDeferred sends deferred messages whose time came by until (before
// it, when before is set), checking consent and caps again, each at its
// time, in time order: as the step at that time would have, a step that
// runs late sends a message at its time, counts it in the caps then, and
// retries at its time one that a cap deferred again to before until.
// It runs in time order with the step's tracks and events: a message due
// before an exit event goes out before the exit drops what its instance
// holds back. Consent is that of the step's view.
func (s *stepper) retryDeferred(until time.Time, before bool) {
	at := s.at
	for {
		k := -1
		for i := range s.st.Deferred {
			d := &s.st.Deferred[i]
			if until.Before(d.Due) || before && until.Equal(d.Due) {
				continue
			}
			if k < 0 || d.Due.Before(s.st.Deferred[k].Due) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		d := s.st.Deferred[k]
		s.st.Deferred = slices.Delete(s.st.Deferred, k, k+1)
		s.at = d.Due
		e := d.Entry
		in := &Instance{Journey: e.Journey, Version: e.Version, Entry: e.Entry}
		tr := &Track{ID: e.Track}
		node := &cnode{id: e.Node}
		pv := s.view.person(e.Person)
		switch {
		case s.at.After(d.Expires):
			s.skip(in, tr, node, e.Person, e.Key, "deferred message expired")
			continue
		case pv == nil:
			s.skip(in, tr, node, e.Person, e.Key, "deferred message: the person is no longer in the account")
			continue
		}
		if reason := s.blocked(&pv.Person, e.Channel); reason != "" {
			s.skip(in, tr, node, e.Person, e.Key, reason)
			continue
		}
		e.At = s.at
		s.capThenSend(in, tr, node, e, "", d.Visit, d.Expires)
	}
	s.at = at
}

// peopleSplit sends each person down the first path it matches and runs
// that path's actions for those persons; the track then merges back.
func (s *stepper) peopleSplit(in *Instance, tr *Track, node *cnode) {
	persons := s.recipients(in, tr, node, node.among)
	if len(persons) == 0 {
		s.skip(in, tr, node, "", "", "people split: no recipient matched")
		return
	}
	byPath := make([][]recipient, len(node.ppaths)+1)
	// tried holds, for each person on the else path, the paths that did
	// not match them.
	var tried [][]TriedPath
	for _, r := range persons {
		k := len(node.ppaths)
		var why []TriedPath
		if node.byHash {
			b, acc := bucket(in.Journey, node.id, string(r.pv.Person.ID)), 0
			for j, p := range node.ppaths {
				if acc += p.percent; b < acc {
					k = j
					break
				}
			}
		} else {
			for j := range node.ppaths {
				p := &node.ppaths[j]
				if role, ok := s.personMatches(in, tr, node, p.match, r); ok {
					// The path's actions address the person in the
					// role it matched.
					k, r.role = j, role
					break
				}
				why = triedPath(why, len(node.ppaths), s.personTried(p, r))
			}
		}
		byPath[k] = append(byPath[k], r)
		if k == len(node.ppaths) {
			tried = append(tried, why)
		}
	}
	for j, group := range byPath {
		name, actions := "else", node.pelse
		if j < len(node.ppaths) {
			name, actions = node.ppaths[j].name, node.ppaths[j].actions
		}
		if len(group) == 0 {
			continue
		}
		for k, r := range group {
			d := s.decision(in, tr, DecisionPath, node.id)
			d.Path, d.Person = name, r.pv.Person.ID
			d.Reason = r.pv.Person.Name() + " (" + r.role + ")"
			if j == len(node.ppaths) {
				d.Tried = tried[k]
				d.Reason = describeTried(d.Reason+": no path held", d.Tried, func(k int) []float64 { return node.ppaths[k].match.numbers() })
			}
			s.trace(d)
		}
		for ai := range actions {
			s.action(in, tr, node, &actions[ai], j*1000+ai, group)
		}
	}
}

// personTried says why path p of a people split did not match r, right
// after personMatches said so: the first of its checks that failed, with
// the values its person condition read.
func (s *stepper) personTried(p *cppath, r recipient) TriedPath {
	t := TriedPath{Path: p.name}
	m := p.match
	switch {
	case m == nil:
	case len(m.roles) > 0 && !s.holdsRole(r, m.roles):
		t.Reason = s.roles(r) + ", not one of " + strings.Join(m.roles, ", ")
	case m.interest != "" && m.interest != r.group.SolutionInterest:
		t.Reason = "solution interest " + r.group.SolutionInterest + ", not " + m.interest
	case m.when != nil:
		rule := m.when.x.Rule()
		t.Rule, t.Expr = rule.Name, rule.Source
		// personHolds left the environment it evaluated in the scratch,
		// with the role it tried last (personMatches tries each the
		// person holds that the path's roles allow): the values told are
		// those of the role the person is named by where the path allows
		// it, the rest of the environment being the same for every role.
		penv := &s.scratch().penv
		if len(m.roles) == 0 || slices.Contains(m.roles, r.role) {
			penv.Role = r.role
		}
		t.Values = values(m.when.refs, penv)
	}
	return t
}

// personMatches reports whether r matches a people split's path, and the
// role it matches in. A person who holds several roles in the group
// matches by any of them: the path's roles hold one of them, and its
// condition holds with role as that one. The role the split's Among
// chose the person in is tried first, then the others in the group's
// order.
func (s *stepper) personMatches(in *Instance, tr *Track, node *cnode, m *crecip, r recipient) (string, bool) {
	if m == nil {
		return r.role, true
	}
	if len(m.roles) > 0 && !s.holdsRole(r, m.roles) {
		return "", false
	}
	if m.interest != "" && m.interest != r.group.SolutionInterest {
		return "", false
	}
	holds := func(role string) bool {
		return (len(m.roles) == 0 || slices.Contains(m.roles, role)) &&
			(m.when == nil || s.personHolds(in, tr, node, m.when, r.pv, role, r.group))
	}
	if holds(r.role) {
		return r.role, true
	}
	id := r.pv.Person.ID
	for i := range r.group.Members {
		if mb := &r.group.Members[i]; mb.Person == id && mb.Role != r.role && holds(mb.Role) {
			return mb.Role, true
		}
	}
	return "", false
}

// holdsRole reports whether r's person holds one of roles in r's group.
func (s *stepper) holdsRole(r recipient, roles []string) bool {
	id := r.pv.Person.ID
	return slices.ContainsFunc(r.group.Members, func(m Member) bool { return m.Person == id && slices.Contains(roles, m.Role) })
}

// roles names the roles r's person holds in r's group: "role Champion",
// "roles Technical Evaluator and Champion", "role none".
func (s *stepper) roles(r recipient) string {
	var held []string
	for _, m := range r.group.Members {
		if m.Person == r.pv.Person.ID && m.Role != "" && !slices.Contains(held, m.Role) {
			held = append(held, m.Role)
		}
	}
	switch len(held) {
	case 0:
		return "role none"
	case 1:
		return "role " + held[0]
	}
	return "roles " + strings.Join(held[:len(held)-1], ", ") + " and " + held[len(held)-1]
}
