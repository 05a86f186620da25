package journey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Input is what one step of one account sees.
type Input struct {
	// View is the account as it is now; required.
	View *AccountView
	// Events happened to the account since the last step, in time order.
	// An event without a time (At zero) happens at Now: after the tracks
	// and deferred messages due before Now, as an event dated Now.
	Events []Event
	// Now is the step's time. Tracks that came due before Now run at the
	// times they came due, in time order with the events, and what they
	// decide is dated then (see the package documentation).
	Now time.Time
	// DryRun runs the step fully (state and trace) but produces no outbox
	// entries; the trace records what would have been sent. Test accounts
	// (AccountView.Test) always run dry.
	DryRun bool
	// Contacts are recent messages to the account's persons recorded in
	// other accounts' states (a person can belong to several accounts);
	// caps count them too, on this account's calendar (see [Cap]): those
	// after [Config.ContactsAfter] hold all a step may count. That is
	// Config.ContactWindow (over the end of summer time a cap of 7d counts
	// a message for 169 hours) before the earliest time the step decides
	// at: Now, or, for a step that runs late, the state's due time
	// (State.Due) or an earlier event's time, at which it decides as the
	// step then would have, counting the messages of the window before
	// it. Messages of ContactWindow before Now are too few for a late
	// step: a wait that ended three days before Now, under a cap of one
	// a week, counts those of ten days before Now.
	Contacts []Contact
}

// Result is what one step decided.
type Result struct {
	// Outbox holds the entries to commit with the new state (none in a dry
	// run).
	Outbox []OutboxEntry
	// Trace lists every decision with its reason.
	Trace []Decision
	// Ended lists the instances that ended in this step.
	Ended []Ended
	// Due is when the account next needs a step without new events or
	// view changes (zero: not until something happens): the end of a
	// wait, a timeout, a deferred message, a running journey's end date,
	// or when a journey with a list trigger lets the account in again.
	Due time.Time
	// Idle is true when the step had nothing to do (nothing due, no event,
	// no change): the state is unchanged.
	Idle   bool
	DryRun bool
}

// Ended is an instance that ended, for reports and the completion KPI.
type Ended struct {
	Journey string    `json:"journey"`
	Version int       `json:"version"`
	Entry   int       `json:"entry"`
	At      time.Time `json:"at"`
	// Reason is "completed" for an instance whose tracks all ended, one
	// at an end node the journey completes at (see Completed), "ended"
	// for one whose tracks all ended at other end nodes, an exit
	// criterion's reason, "go to journey <id>" for a hand-over to
	// another journey ("go to journey <id>: <why>" when that journey took
	// no entry, see [GoTo]), or a lifecycle reason ("journey aborted").
	Reason string `json:"reason"`
	// Outcome is the outcome of the end node reached by the main track.
	Outcome string `json:"outcome,omitempty"`
	// Completed says whether the instance counts as completed for the
	// completion-rate KPI, by [Completion]: an instance that reached the
	// journey's completion goal is completed however it ends afterwards
	// (a go-to, taken or refused, an exit criterion, finish, abort or the
	// end date); otherwise it is completed when its tracks ended with one
	// at a completion end node (any end node when the journey names none
	// and no completion goal), when a goal with ExitOnGoal ended it, or
	// when a go-to handed it over in a journey that names no completion
	// end node and no completion goal.
	Completed bool `json:"completed"`
}

// Step advances one account's journeys to in.Now: it applies lifecycle
// changes, delivers the events (exits, listeners, external results, entry
// triggers) in time order, each after the tracks that came due by its
// time ran, re-checks exit criteria and goals (and checks them for each
// instance as it enters), checks list triggers,
// runs every track that is due, retries deferred messages, and returns the
// outbox entries, the trace and the next due time. st is advanced in
// place; keep a [State.Clone] to compare or roll back.
//
// Step is deterministic: the same state, input and catalog give the same
// result. A step with nothing to do (nothing due, no events, same view
// revision, same catalog) returns at once with Idle set.
func (c *Catalog) Step(st *State, in Input) Result {
	var res Result
	c.StepInto(&res, st, in)
	return res
}

// StepInto is [Catalog.Step] with the result written to res, whose lists'
// room it reuses: it empties res first ([Result.Reset]). A caller that
// steps many accounts keeps one Result and steps into it again once it
// holds nothing of the last result: a step's lists are otherwise new
// garbage at every step. An empty list of res may be non-nil.
func (c *Catalog) StepInto(res *Result, st *State, in Input) {
	res.Reset()
	v := in.View
	if v == nil {
		v = &AccountView{}
	}
	if st.Account == "" {
		st.Account = v.Account.ID
	}
	dry := in.DryRun || v.Test
	res.DryRun = dry
	changed := v.Revision == 0 || v.Revision != st.Revision || st.Generation != c.gen
	if !changed && len(in.Events) == 0 && (st.Due.IsZero() || in.Now.Before(st.Due)) {
		res.Due, res.Idle = st.Due, true
		return
	}
	s := stepper{c: c, st: st, view: v, now: in.Now, at: in.Now, dry: dry, extra: in.Contacts, res: res, running: len(st.Instances)}
	s.lifecycle()
	if s.sameView = !changed; s.sameView {
		s.listReEntries(st.Due)
	}
	events := in.Events
	byTime := func(a, b Event) int { return s.happened(&a).Compare(s.happened(&b)) }
	if !slices.IsSortedFunc(events, byTime) {
		events = slices.Clone(events)
		slices.SortStableFunc(events, byTime)
	}
	for i := range events {
		// A step that runs late decides as the steps at each due time
		// would have: what came due before the event ran first, at its
		// time, so that a listen the track reached then hears the event.
		// An undated event happens at the step's time: what was due
		// before it runs first, as for an event dated then.
		ev := &events[i]
		s.runUntil(s.eventTime(ev), true)
		s.retryDeferred(s.eventTime(ev), true)
		s.at = s.eventTime(ev)
		ended := len(s.res.Ended)
		s.event(ev)
		if len(s.res.Ended) > ended {
			s.listAt(s.at, false)
		}
		// After the last event of its time, the list triggers that an
		// instance's end let in enter then, as in the step at that time.
		if last := i == len(events)-1 || !s.eventTime(&events[i+1]).Equal(s.at); last &&
			!s.lists.IsZero() && !s.lists.After(s.at) && s.at.Before(s.now) {
			s.at = s.lists
			s.listEntries()
		}
		s.at = s.now
	}
	// Every step that is not idle checks the conditions: a view that
	// changed, events, or something due (a rule may read now or
	// daysSince). A condition that comes true with time alone takes effect
	// at the account's next step that is not idle (see Exit).
	s.stateRules()
	// The tracks due before now (one that heard the last event) run
	// before the list triggers let the account in at now, and so do the
	// entries of list triggers that let it in before now, in time order
	// with them; those due at now run after the list check, as in a step
	// on time. (The step's time resolution is a nanosecond.)
	s.runUntil(s.now.Add(-time.Nanosecond), true)
	s.listTriggers(false)
	s.runUntil(s.now, false)
	// An instance that ended lets a list trigger's account in again
	// at once when its journey's policy does.
	if s.listTriggers(true) {
		s.runUntil(s.now, false)
	}
	s.retryDeferred(s.now, false)
	s.finish()
	st.Revision = v.Revision
	st.Generation = c.gen
}

// Reset empties the result and keeps its lists' room, cleared: what the
// lists held (keys, persons' IDs, reasons) is not kept alive by the room.
func (r *Result) Reset() {
	*r = Result{Outbox: emptied(r.Outbox), Trace: emptied(r.Trace), Ended: emptied(r.Ended)}
}

// emptied returns s with no elements and its room cleared; nil stays nil.
func emptied[T any](s []T) []T {
	clear(s[:cap(s)])
	return s[:0]
}

type scratch struct {
	env   AccountEnv
	penv  PersonEnv
	empty GroupView
}

func (s *stepper) scratch() *scratch {
	if s.sc == nil {
		s.sc = new(scratch)
	}
	return s.sc
}

// noEvent is what rules see as "event" outside event rules; never written.
var noEvent Event

type stepper struct {
	c    *Catalog
	st   *State
	view *AccountView
	now  time.Time
	// at is when the track that moves arrives at its next node: the end
	// of the wait or the timeout it ran for, the time of the event it
	// heard, else now. Waits, listens and external calls count from it.
	at    time.Time
	dry   bool
	extra []Contact
	res   *Result
	// running is how many instances ran before the step; those after them
	// entered in the step.
	running int
	// gone marks ended instances by index; nil until one ends.
	gone []bool
	// sc holds the rule environments, allocated on the first evaluation:
	// evaluating passes them to the rules engine as interfaces, so they live
	// on the heap, and a step that evaluates nothing should not pay for it.
	sc  *scratch
	loc *time.Location
	// the last version looked up
	lastV *Version
	// passes counts the nodes of the tracks that run again in the step;
	// nil until one does.
	passes []passCount
	// lists is the first time before now at which a list trigger may let
	// the account in again (an instance ended, or a re-entry policy's
	// wait ended); zero when there is none. listsAfter says that it is an
	// instance's end by a track: the entry comes after the other tracks
	// due then ran, as in the step at that time; else before them.
	lists      time.Time
	listsAfter bool
	// sameView says that the view is the one the last step saw.
	sameView bool
	// gotos counts the go-tos that handed the account over at gotoAt
	// (see goTos).
	gotoAt time.Time
	gotos  int
}

func (s *stepper) version(in *Instance) *Version {
	if v := s.lastV; v != nil && v.number == in.Version && v.def.ID == in.Journey {
		return v
	}
	v, _ := s.c.Version(in.Journey, in.Version)
	if v != nil {
		s.lastV = v
	}
	return v
}

// goTos is how many go-tos handed the account over at s.at in the step.
func (s *stepper) goTos() int {
	if !s.at.Equal(s.gotoAt) {
		s.gotoAt, s.gotos = s.at, 0
	}
	return s.gotos
}

func (s *stepper) isGone(i int) bool { return i < len(s.gone) && s.gone[i] }

func (s *stepper) setGone(i int) {
	if len(s.gone) <= i {
		s.gone = append(s.gone, make([]bool, len(s.st.Instances)-len(s.gone))...)
	}
	s.gone[i] = true
}

func (s *stepper) trace(d Decision) {
	if s.res.Trace == nil {
		s.res.Trace = make([]Decision, 0, 4)
	}
	s.res.Trace = append(s.res.Trace, d)
}

func (s *stepper) decision(in *Instance, tr *Track, kind DecisionKind, node NodeID) Decision {
	d := Decision{At: s.at, Kind: kind, Journey: in.Journey, Version: in.Version, Entry: in.Entry, Node: node}
	if tr != nil {
		d.Track = tr.ID
	}
	return d
}

// group returns the buying group a track addresses, or an empty group
// (of the track's interest) when the account has none.
func (s *stepper) group(tr *Track) *GroupView {
	g, _ := s.trackGroup(tr)
	return g
}

// trackGroup is group, and whether the account has the group: false for
// the empty group that stands in.
func (s *stepper) trackGroup(tr *Track) (*GroupView, bool) {
	if tr != nil && tr.SolutionInterest != "" {
		if g := s.view.group(tr.SolutionInterest); g != nil {
			return g, true
		}
		sc := s.scratch()
		sc.empty = GroupView{SolutionInterest: tr.SolutionInterest}
		return &sc.empty, false
	}
	if len(s.view.Groups) > 0 {
		return &s.view.Groups[0], true
	}
	sc := s.scratch()
	sc.empty = GroupView{}
	return &sc.empty, false
}

func (s *stepper) accountEnv(in *Instance, tr *Track, ev *Event) *AccountEnv {
	v := s.view
	env := &s.scratch().env
	*env = AccountEnv{Account: &v.Account, Group: s.group(tr), Groups: v.Groups, Persons: v.Persons,
		Audiences: v.Audiences, Lists: v.Lists, Opportunities: v.Opportunities, Event: ev, Now: s.at}
	if ev == nil {
		env.Event = &noEvent
	}
	if in != nil {
		env.Journey = JourneyInfo{ID: in.Journey, Version: in.Version, EnteredAt: in.EnteredAt, Entries: in.Entry}
		if tr != nil {
			env.Journey.Visits = tr.visits(tr.Node)
		}
	}
	return env
}

// eval runs a condition; a failure on data counts as false and is traced.
func (s *stepper) eval(c *cond, env *AccountEnv, d Decision) (bool, Decision) {
	ok, err := c.x.Eval(env)
	d.Rule, d.Expr = c.x.Rule().Name, c.x.Rule().Source
	d.Values = values(c.refs, env)
	if err != nil {
		e := d
		e.Kind = DecisionRuleError
		e.Reason = err.Error() + " (treated as false)"
		s.trace(e)
		return false, d
	}
	return ok, d
}

// event delivers one event: exits first, then listeners and external
// results, then entry triggers. An instance that addresses the buying
// group of a solution interest (its main track's) takes no exit from an
// event about another interest's group.
func (s *stepper) event(ev *Event) {
	interest, known := "", false
	for i := range s.st.Instances {
		if s.isGone(i) {
			continue
		}
		in := &s.st.Instances[i]
		v := s.version(in)
		for k := range v.exits {
			x := &v.exits[k]
			if x.Event == "" || x.Event != ev.Type {
				continue
			}
			if own := in.Tracks[0].SolutionInterest; own != "" {
				if !known {
					interest, known = s.eventInterest(ev), true
				}
				if interest != "" && interest != own {
					continue
				}
			}
			d := s.decision(in, nil, DecisionExit, "")
			if x.when != nil {
				ok, dd := s.eval(x.when, s.accountEnv(in, &in.Tracks[0], ev), d)
				if !ok {
					continue
				}
				d = dd
			}
			s.exitWith(i, x.Reason, d, false)
			break
		}
		if s.isGone(i) {
			continue
		}
		for t := range in.Tracks {
			s.deliver(i, t, v, ev)
		}
	}
	s.triggers(ev)
}

// deliver gives an event to a track waiting at a listen or external node.
// An event after the node's timeout (the track's Due) is not for it: the
// track took the timeout path then, whenever the step runs. Nor is an
// event a listen node hears of late that happened before the track
// arrived there: it was over before the node began listening.
func (s *stepper) deliver(i, t int, v *Version, ev *Event) {
	in := &s.st.Instances[i]
	tr := &in.Tracks[t]
	if tr.Status != TrackActive || !tr.Waiting || !tr.Due.IsZero() && s.happened(ev).After(tr.Due) {
		return
	}
	n := &v.nodes[v.index[tr.Node]]
	switch n.kind {
	case KindListen:
		if s.happened(ev).Before(tr.Since) {
			return
		}
		for k := range n.events {
			m := &n.events[k]
			if !s.matches(in, tr, m, ev) {
				continue
			}
			d := s.decision(in, tr, DecisionPath, n.id)
			d.Path = "event"
			d.Reason = fmt.Sprintf("event %s arrived", ev.Type)
			if m.when != nil {
				ok, dd := s.eval(m.when, s.accountEnv(in, tr, ev), d)
				if !ok {
					continue
				}
				d = dd
			}
			d.Next = v.nodes[n.next].id
			tr.Reason, tr.ReasonPerson = s.heard(n.id, ev, d, m.when.numbers()), ev.Person
			s.trace(d)
			s.move(tr, v, n.next)
			return
		}
	case KindExternal:
		if ev.Type != EventExternalResult || ev.Key != tr.Key {
			return
		}
		next, path := n.onError, "error"
		if ev.Outcome == "success" {
			next, path = n.onOK, "success"
		}
		d := s.decision(in, tr, DecisionPath, n.id)
		d.Path, d.Next = path, v.nodes[next].id
		d.Reason = fmt.Sprintf("external %s answered %q %s", n.external.Call, ev.Outcome, ev.Detail)
		tr.Reason, tr.ReasonPerson = string(n.id)+": "+d.Reason, ""
		s.trace(d)
		tr.Key = ""
		s.move(tr, v, next)
	}
}

// heard renders the event a listen node heard as the reason a sales
// alert carries: "listen heard activity request_demo by Victor Eng", then
// the rule of the event's condition, if any, and the values it read; nums
// are the numbers of that condition.
func (s *stepper) heard(node NodeID, ev *Event, d Decision, nums []float64) string {
	var b strings.Builder
	b.WriteString(string(node) + " heard " + string(ev.Type))
	if ev.ActivityType != "" {
		b.WriteString(" " + ev.ActivityType)
	}
	if ev.Person != "" {
		who := string(ev.Person)
		if pv := s.view.person(ev.Person); pv != nil {
			who = cmpOr(pv.Person.Name(), who)
		}
		b.WriteString(" by " + who)
	}
	if d.Rule != "" {
		b.WriteString(" (rule " + strconv.Quote(d.Rule) + ": " + d.Expr + ")")
	}
	writeValues(&b, d.Values, nums)
	return b.String()
}

func (s *stepper) matches(in *Instance, tr *Track, m *cmatch, ev *Event) bool {
	if m.Type != ev.Type {
		return false
	}
	// An event names its group's interest, or only the group (a
	// journey's set_attribute on a group): see eventInterest.
	interest := s.eventInterest(ev)
	if m.SolutionInterest != "" && m.SolutionInterest != interest {
		return false
	}
	if m.SolutionInterest == "" && tr.SolutionInterest != "" && interest != "" && interest != tr.SolutionInterest {
		return false
	}
	if m.ActivityType != "" && m.ActivityType != ev.ActivityType {
		return false
	}
	if m.Role != "" && m.Role != ev.Role {
		return false
	}
	return true
}

// move sends a track to node next, ready to run from s.at (never before
// it arrived where it is).
func (s *stepper) move(tr *Track, v *Version, next int) {
	tr.Node = v.nodes[next].id
	if s.at.After(tr.Since) {
		tr.Since = s.at
	}
	tr.Due = time.Time{}
	tr.Waiting = false
}

// happened is when an event happened: its time, or the step's for an
// event without one.
func (s *stepper) happened(ev *Event) time.Time {
	if ev.At.IsZero() {
		return s.now
	}
	return ev.At
}

// eventTime is when an event happened, as far as the step goes: never
// after the step's time.
func (s *stepper) eventTime(ev *Event) time.Time {
	if ev.At.IsZero() || ev.At.After(s.now) {
		return s.now
	}
	return ev.At
}

// runUntil runs the tracks due by until until all wait past it or end,
// in the order of their times, each at its own: the end of its wait or
// timeout, or when it arrived where it is (zero Due). A track whose wait
// ended before now thus arrives at its next node when the wait ended,
// and counts a listen's timeout from then, as a step at that time would
// have. Ties go by instance, then track, as they were created.
//
// Before an event (event set), until is the event's time: the instances
// that entered in the step take part if they entered before it (one that
// entered at the event's time runs after the events of that time, as in
// the step then), and a listen or external node whose timeout is the
// event's time still hears it: an event at the timeout is in time.
func (s *stepper) runUntil(until time.Time, event bool) {
	for {
		i, t, at := s.nextDue(until, event)
		if p := s.lists; !p.IsZero() && (i < 0 && p.Before(until) ||
			i >= 0 && (at.After(p) || !s.listsAfter && at.Equal(p) && !(event && p.Equal(until)))) {
			// A list trigger lets the account in before the next track
			// runs: after the tracks due when an instance ended, before
			// those due when a re-entry policy's wait ended.
			s.retryDeferred(p, true)
			s.at = p
			s.listEntries()
			continue
		}
		if i < 0 {
			break
		}
		// The messages deferred to before then go first, as a step at
		// their time would have sent them.
		s.retryDeferred(at, true)
		s.at = at
		ended := len(s.res.Ended)
		s.run(i, t)
		if !s.isGone(i) && s.instanceDone(&s.st.Instances[i]) {
			s.complete(i)
		}
		if len(s.res.Ended) > ended {
			s.listAt(at, true)
		}
	}
	s.at = s.now
	if event {
		return
	}
	for i := range s.st.Instances {
		if !s.isGone(i) && s.instanceDone(&s.st.Instances[i]) {
			s.complete(i)
		}
	}
}

// nextDue returns the track due first by until, and its time; i < 0 when
// none is.
func (s *stepper) nextDue(until time.Time, event bool) (i, t int, at time.Time) {
	i, t = -1, -1
	for k := range s.st.Instances {
		if s.isGone(k) {
			continue
		}
		in := &s.st.Instances[k]
		if event && k >= s.running && !in.EnteredAt.Before(until) {
			// It entered at the event's time: it runs after the event,
			// as in the step at that time.
			continue
		}
		for j := range in.Tracks {
			tr := &in.Tracks[j]
			if tr.Status != TrackActive {
				continue
			}
			when := tr.Due
			if when.IsZero() {
				when = tr.Since
				if !event && when.After(until) {
					when = until
				}
			}
			if when.After(until) || i >= 0 && !when.Before(at) {
				continue
			}
			if event && tr.Waiting && when.Equal(until) && s.hears(in, tr) {
				continue
			}
			i, t, at = k, j, when
		}
	}
	return i, t, at
}

// hears reports whether track tr waits at a listen or external node,
// which an event can move on.
func (s *stepper) hears(in *Instance, tr *Track) bool {
	v := s.version(in)
	k, ok := v.index[tr.Node]
	return ok && (v.nodes[k].kind == KindListen || v.nodes[k].kind == KindExternal)
}

// finish removes ended instances, prunes contacts and computes the due
// time.
func (s *stepper) finish() {
	st := s.st
	k := 0
	for i := range st.Instances {
		if !s.isGone(i) {
			st.Instances[k] = st.Instances[i]
			k++
		}
	}
	clear(st.Instances[k:])
	st.Instances = st.Instances[:k]
	if len(st.Contacts) > 0 {
		if w := s.c.cfg.ContactWindow(s.location()); w > 0 {
			cut := s.now.Add(-w)
			st.Contacts = slices.DeleteFunc(st.Contacts, func(c Contact) bool { return !c.At.After(cut) })
		}
	}
	var due time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (due.IsZero() || t.Before(due)) {
			due = t
		}
	}
	for i := range st.Instances {
		for _, t := range st.Instances[i].Tracks {
			if t.Status == TrackActive {
				earlier(t.Due)
			}
		}
		// the journey's end date ends the instance (see lifecycle)
		earlier(s.latestEnd(st.Instances[i].Journey))
	}
	for _, d := range st.Deferred {
		earlier(d.Due)
	}
	earlier(s.reEntryDue())
	st.Due = due
	s.res.Due = due
}

// reEntryDue is the first time after now at which a journey with a list
// trigger, which the account has entered and is not in, lets it in again
// by its re-entry policy (after a while); zero when there is none. A list
// trigger is checked in every step that is not idle, and a quiet account
// has none but those it is due for.
func (s *stepper) reEntryDue() time.Time {
	var due time.Time
	for _, rec := range s.st.Records {
		v, ok := s.c.accepting(rec.Journey, s.now)
		if !ok || rec.Entries == 0 || v.def.ReEntry.Mode != ReEntryAfter || s.st.running(rec.Journey) ||
			!slices.ContainsFunc(v.triggers, func(t ctrigger) bool { return t.Type == TriggerList }) {
			continue
		}
		from := rec.LastEntry
		if v.def.ReEntry.FromExit {
			from = rec.LastExit
		}
		if at := from.Add(time.Duration(v.def.ReEntry.After)); at.After(s.now) && (due.IsZero() || at.Before(due)) {
			due = at
		}
	}
	return due
}
