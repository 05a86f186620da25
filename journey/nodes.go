package journey

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/rules"
)

// run moves track t of instance i through nodes until it waits or ends.
// The nodes it passes count with those it passed before in the step (a
// step that runs late runs a track again as each of its waits ends).
func (s *stepper) run(i, t int) {
	v := s.version(&s.st.Instances[i])
	for n := s.passed(i, t); ; n++ {
		in := &s.st.Instances[i]
		tr := &in.Tracks[t]
		if n >= s.c.cfg.MaxTransitions {
			s.exit(i, fmt.Sprintf("track %d passed %d nodes in one step", t, n), false)
			return
		}
		node := &v.nodes[v.index[tr.Node]]
		if !tr.Waiting {
			if count := tr.visit(node.id); node.limit > 0 && count > node.limit {
				d := s.decision(in, tr, DecisionLimitReached, node.id)
				d.Next = v.nodes[node.limitThen].id
				d.Reason = fmt.Sprintf("visit %d of at most %d", count, node.limit)
				s.trace(d)
				s.move(tr, v, node.limitThen)
				continue
			}
		}
		if !s.exec(i, t, v, node) {
			// The node it waits at counts once it leaves it.
			s.carry(i, t, n)
			return
		}
	}
}

// passCount counts the nodes a track passed in the step, for a track that
// runs again in it.
type passCount struct{ instance, track, n int }

func (s *stepper) passed(i, t int) int {
	for _, p := range s.passes {
		if p.instance == i && p.track == t {
			return p.n
		}
	}
	return 0
}

// carry keeps the count of nodes track t of instance i passed when it
// runs again in the step: it waits for a time that came by now.
func (s *stepper) carry(i, t, n int) {
	if s.isGone(i) {
		return
	}
	tr := &s.st.Instances[i].Tracks[t]
	if tr.Status != TrackActive || tr.Due.IsZero() || tr.Due.After(s.now) {
		return
	}
	for k := range s.passes {
		if s.passes[k].instance == i && s.passes[k].track == t {
			s.passes[k].n = n
			return
		}
	}
	s.passes = append(s.passes, passCount{i, t, n})
}

// exec runs one node; it reports whether the track moved on.
func (s *stepper) exec(i, t int, v *Version, node *cnode) bool {
	in := &s.st.Instances[i]
	tr := &in.Tracks[t]
	switch node.kind {
	case KindAction:
		s.action(in, tr, node, node.action, 0, nil)
		s.move(tr, v, node.next)
		return true
	case KindWait:
		if tr.Waiting {
			tr.Waiting = false
			s.move(tr, v, node.next)
			return true
		}
		due, moved := s.waitEnd(node, s.at)
		d := s.decision(in, tr, DecisionWait, node.id)
		if !due.After(s.at) {
			d.Reason = "wait already over"
			s.trace(d)
			s.move(tr, v, node.next)
			return true
		}
		d.Until = due
		if moved {
			// Until alone would not tell why the wait lasts longer
			// than its definition says.
			d.Reason = fmt.Sprintf("moved into window %s %s", node.window, s.location())
		}
		s.trace(d)
		tr.Waiting, tr.Due = true, due
		return false
	case KindListen:
		if tr.Waiting {
			return s.timeout(in, tr, v, node)
		}
		tr.Waiting, tr.Due = true, s.after(s.at, node.timeout)
		d := s.decision(in, tr, DecisionWait, node.id)
		d.Until = tr.Due
		d.Reason = "listening for " + s.eventNames(node)
		s.trace(d)
		return false
	case KindExternal:
		if tr.Waiting {
			tr.Key = ""
			return s.timeout(in, tr, v, node)
		}
		x := node.external
		e := s.entry(in, tr, node, ActionExternal, "", 0)
		// Each entry has its parameters of its own: a host that changes an
		// entry's changes neither the version nor the other entries.
		e.Call, e.Params, e.Deadline = x.Call, maps.Clone(x.Params), s.at.Add(node.timeout)
		tr.Key = e.Key
		tr.Waiting, tr.Due = true, e.Deadline
		s.emit(in, tr, node, e, "external call "+x.Call)
		return false
	case KindSplit:
		s.split(in, tr, v, node)
		return true
	case KindPeopleSplit:
		s.peopleSplit(in, tr, node)
		s.move(tr, v, node.next)
		return true
	case KindVariant:
		b := bucket(in.Journey, node.id, string(s.st.Account))
		acc := 0
		for k, p := range node.variant {
			acc += p.percent
			if b < acc || k == len(node.variant)-1 {
				d := s.decision(in, tr, DecisionPath, node.id)
				d.Path, d.Next = p.name, v.nodes[p.next].id
				d.Reason = fmt.Sprintf("stable bucket %d of 100 falls in %s (%d%%)", b, p.name, p.percent)
				s.trace(d)
				s.move(tr, v, p.next)
				return true
			}
		}
		return false // no paths: prevented by validation
	case KindParallel:
		return s.parallel(i, t, v, node)
	case KindMerge:
		if tr.Parent < 0 {
			s.move(tr, v, node.next)
			return true
		}
		tr.Status = TrackMerged
		d := s.decision(in, tr, DecisionMerge, node.id)
		d.Reason = "track reached the merge node"
		s.trace(d)
		s.join(i, tr.Parent, v)
		return false
	case KindGoTo:
		target := node.gotoJourney
		interest := tr.SolutionInterest
		tr.Status = TrackDone
		nv, ok := s.c.accepting(target, s.now)
		var why string
		switch {
		case !ok:
			why = s.c.refusal(target, s.now)
		case s.goTos() >= s.c.cfg.MaxTransitions:
			// A second guard: journeys that go to each other without a
			// wait (carried versions, which no publish checked) would
			// hand the account round within this moment.
			why = fmt.Sprintf("%d go-tos at one moment in one step (journeys that go to each other without a wait)", s.gotos)
		default:
			why = s.refusal(nv, interest)
		}
		if why != "" {
			// Nothing was handed over: the instance stopped short of its
			// journey's end, so it exits, not completed, and what a cap
			// deferred for it is dropped, as at any exit.
			s.exit(i, "go to journey "+target+": "+why, false)
			d := Decision{At: s.at, Kind: DecisionNoEntry, Journey: target, Reason: "go to from " + in.Journey + ": " + why}
			if nv != nil {
				d.Version = nv.number
			}
			s.trace(d)
			return false
		}
		// A hand-over, not an exit: messages the cap deferred are still sent.
		s.gotos++
		s.end(i, "go to journey "+target, s.plainCompletion(v))
		s.enter(nv, "go to from "+in.Journey, interest, true)
		return false
	case KindEnd:
		tr.Status, tr.Outcome = TrackDone, node.outcome
		d := s.decision(in, tr, DecisionNode, node.id)
		d.Reason = "end"
		if node.outcome != "" {
			d.Reason += ": " + node.outcome
		}
		s.trace(d)
		if tr.Parent >= 0 {
			s.join(i, tr.Parent, v)
		}
		return false
	}
	return false
}

func (s *stepper) plainCompletion(v *Version) bool { return v.goalDone < 0 && len(v.endNodes) == 0 }

func (s *stepper) eventNames(n *cnode) string {
	names := make([]string, len(n.events))
	for k, e := range n.events {
		names[k] = string(e.Type)
	}
	return strings.Join(names, " or ")
}

func (s *stepper) timeout(in *Instance, tr *Track, v *Version, node *cnode) bool {
	d := s.decision(in, tr, DecisionPath, node.id)
	d.Path, d.Next = "timeout", v.nodes[node.onTimeout].id
	d.Reason = fmt.Sprintf("no answer within %s", Duration(node.timeout))
	tr.Reason, tr.ReasonPerson = string(node.id)+" got "+d.Reason, ""
	s.trace(d)
	s.move(tr, v, node.onTimeout)
	return true
}

// waitEnd computes when a wait entered at since ends, and whether its
// window moved that end.
func (s *stepper) waitEnd(n *cnode, since time.Time) (time.Time, bool) {
	end := s.after(since, time.Duration(n.wait.For))
	if n.wait.Until.After(end) {
		end = n.wait.Until
	}
	if n.window == nil {
		return end, false
	}
	in := n.window.next(end, s.location())
	return in, !in.Equal(end)
}

// after returns the time d after t on the account's calendar (later in
// the account's time zone), as a wait, a listen and a cap's MaxDefer
// count. It looks the zone up only for a d of a day or more.
func (s *stepper) after(t time.Time, d time.Duration) time.Time {
	if d < 24*time.Hour {
		return t.Add(d)
	}
	return later(t, d, s.location())
}

// later returns the time d after t on loc's calendar: each whole 24 hours
// of d is a day in loc, ending at the clock time of t (see [addDays]), and
// what is left of d is added as elapsed time. In UTC that is t.Add(d).
func later(t time.Time, d time.Duration, loc *time.Location) time.Time {
	if d < 24*time.Hour || loc == time.UTC {
		return t.Add(d)
	}
	return addDays(t, int(d/(24*time.Hour)), loc).Add(d % (24 * time.Hour))
}

// addDays returns the moment n calendar days after t in loc (before it,
// for a negative n: the start of a cap's window) at the clock time t has
// there (in t's location). A clock time that the day skips or shows
// twice (a change of the UTC offset, as to and from daylight saving
// time) is read with the offset in force before the change: a 02:30 that
// clocks going forward from 02:00 to 03:00 skip is 03:30, and a 02:30 that
// clocks going back from 03:00 to 02:00 repeat is the first, before they
// go back. (time.Date leaves which one it picks open, and picks
// differently in different zones.) It takes the offset a day before and
// the one a day after as the two around the day, as a zone does not change
// its offset twice within a day.
func addDays(t time.Time, n int, loc *time.Location) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	hh, mm, ss := l.Clock()
	clock := time.Date(y, m, d+n, hh, mm, ss, l.Nanosecond(), time.UTC) // loc's clock read as UTC
	before := zoneOffset(clock.Add(-24*time.Hour), loc)
	at := clock.Add(-time.Duration(before) * time.Second)
	if zoneOffset(at, loc) != before {
		// The offset before does not show the clock time: it is after a
		// change, or skipped by it (then at, read with the offset before,
		// stays).
		after := zoneOffset(clock.Add(24*time.Hour), loc)
		if later := clock.Add(-time.Duration(after) * time.Second); zoneOffset(later, loc) == after {
			at = later
		}
	}
	return at.In(t.Location())
}

// zoneOffset is the offset of loc from UTC at t, in seconds.
func zoneOffset(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

func (s *stepper) location() *time.Location {
	if s.loc == nil {
		s.loc = s.view.Location
		if s.loc == nil {
			s.loc = s.view.Account.Location()
		}
	}
	return s.loc
}

// String describes the window for a decision: its days in the order of
// a working week, runs of three days or more as a range ("Mon-Fri",
// "Mon-Wed, Fri"; none when it is open every day), then its hours
// ("09:00-17:00").
func (w *cwindow) String() string {
	var b strings.Builder
	if w.days != [7]bool{true, true, true, true, true, true, true} {
		week := func(i int) time.Weekday { return time.Weekday((i + 1) % 7) } // Monday first
		for i := 0; i < 7; i++ {
			if !w.days[week(i)] {
				continue
			}
			k := i
			for k+1 < 7 && w.days[week(k+1)] {
				k++
			}
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			switch k - i {
			case 0:
				b.WriteString(week(i).String()[:3])
			case 1:
				b.WriteString(week(i).String()[:3] + ", " + week(k).String()[:3])
			default:
				b.WriteString(week(i).String()[:3] + "-" + week(k).String()[:3])
			}
			i = k
		}
		b.WriteString(" ")
	}
	fmt.Fprintf(&b, "%02d:%02d-%02d:%02d", w.from/60, w.from%60, w.to/60, w.to%60)
	return b.String()
}

// next returns the first moment at or after t inside the window: on an
// allowed day (of the calendar, in loc), while the clock in loc reads
// from its From to before its To (the next day's, for a window over
// midnight). Membership is by the clock, so what a
// wait lets go is always inside the window on the account's clock. On a
// day whose clocks skip an hour (DST), a window that starts in it opens
// at the jump, one that ends in it closes then, and one wholly inside it
// is not open that day. On a day whose clocks go back, the window is
// open whenever the clock reads inside it, in both passes of the
// repeated hour: a window of 01:00-02:30 the night clocks go back from
// 03:00 to 02:00 is open from 01:00 to the first 02:30 and again from
// the second 02:00 to the second 02:30.
func (w *cwindow) next(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	// Two weeks: a window of one weekday that a DST change skips on one
	// of them opens on the next. The day before t's too: a clock that
	// goes back over midnight shows it again after t, and a window over
	// midnight that opened then may still be open; and, for such a
	// window, the day before that, which a clock going back over
	// midnight may show again.
	first := -1
	if w.to < w.from {
		first = -2
	}
	for i := first; i < 15; i++ {
		if !w.days[time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC).Weekday()] {
			continue
		}
		if at, ok := w.open(y, m, d+i, t, loc); ok {
			return at
		}
	}
	return t
}

// open returns the first moment at or after t at which the clock in loc
// reads between the window's From on the given day and its To (on the
// next day, for a window over midnight), if there is one. It walks the
// spans of one UTC offset that may show those clock times: in each, the
// clock reads From at the instant day+From-offset, and reads To at
// day+To-offset.
func (w *cwindow) open(y int, m time.Month, d int, t time.Time, loc *time.Location) (time.Time, bool) {
	from := time.Date(y, m, d, 0, w.from, 0, 0, time.UTC) // the clock, read as UTC
	to := time.Date(y, m, d, 0, w.to, 0, 0, time.UTC)
	if w.to < w.from {
		to = time.Date(y, m, d+1, 0, w.to, 0, 0, time.UTC) // over midnight
	}
	// No offset is as much as a day: the instants that may show the
	// day's clock from From to To lie within a day either side.
	x, stop := from.Add(-24*time.Hour), to.Add(24*time.Hour)
	for x.Before(stop) {
		l := x.In(loc)
		_, off := l.Zone()
		_, end := l.ZoneBounds()
		if end.IsZero() || end.After(stop) {
			end = stop
		}
		shift := time.Duration(off) * time.Second
		lo, hi := from.Add(-shift), to.Add(-shift)
		if lo.Before(x) {
			lo = x
		}
		if hi.After(end) {
			hi = end
		}
		if lo.Before(hi) && t.Before(hi) {
			if !t.Before(lo) {
				return t, true
			}
			return lo.In(loc), true
		}
		if !end.After(x) {
			break // never: a zone's span ends after it starts
		}
		x = end
	}
	return time.Time{}, false
}

// split evaluates an account split: the first path that holds wins. When
// none holds, the else decision lists every path tried, in definition
// order, with what it checked and the values it read (Decision.Tried).
func (s *stepper) split(in *Instance, tr *Track, v *Version, node *cnode) {
	var env *AccountEnv
	var tried []TriedPath
	for k := range node.paths {
		p := &node.paths[k]
		d := s.decision(in, tr, DecisionPath, node.id)
		d.Path = p.name
		var role string
		if p.role != nil {
			n := s.roleCount(tr, p.role)
			d.Values = append(d.Values, Value{Name: "count(" + p.role.Role + ")", Value: itoa(n)})
			role = "at least " + itoa(p.role.Count) + " " + p.role.Role
			if n < p.role.Count {
				tried = triedPath(tried, len(node.paths), TriedPath{Path: p.name, Reason: role, Values: d.Values})
				continue
			}
			d.Reason = role + " (" + itoa(n) + ")"
		}
		if p.when != nil {
			if env == nil {
				env = s.accountEnv(in, tr, nil)
			}
			roleVals := d.Values
			ok, dd := s.eval(p.when, env, d)
			d = dd
			// The values of the role count first, if any; else those
			// the condition read, as eval made them.
			if roleVals != nil {
				d.Values = append(roleVals, d.Values...)
			} else if len(d.Values) == 0 {
				d.Values = nil
			}
			if !ok {
				tried = triedPath(tried, len(node.paths), TriedPath{Path: p.name, Rule: d.Rule, Expr: d.Expr, Reason: role, Values: d.Values})
				continue
			}
			if d.Reason == "" {
				d.Reason = p.when.x.Rule().Source
			} else {
				d.Reason += "; " + p.when.x.Rule().Source
			}
		}
		d.Next = v.nodes[p.next].id
		tr.Reason, tr.ReasonPerson = describe(d, role, p.when.numbers()), ""
		s.trace(d)
		s.move(tr, v, p.next)
		return
	}
	d := s.decision(in, tr, DecisionPath, node.id)
	d.Path, d.Next = "else", v.nodes[node.els].id
	d.Tried = tried
	d.Reason = describeTried("no path held", tried, func(k int) []float64 { return node.paths[k].when.numbers() })
	tr.Reason, tr.ReasonPerson = "no path of "+string(node.id)+" held"+d.Reason[len("no path held"):], ""
	s.trace(d)
	s.move(tr, v, node.els)
}

// triedPath records a path that did not hold, making room for all n paths
// of its split at the first.
func triedPath(tried []TriedPath, n int, p TriedPath) []TriedPath {
	if tried == nil {
		tried = make([]TriedPath, 0, n)
	}
	return append(tried, p)
}

// describeTried renders an else reason: prefix, then the paths that did
// not hold: `no path held: "engaged" (group.score >= 100) with
// group.score=42; ...`; prefix alone when no path was tried. nums gives
// the numbers of the condition of path k of the split, which tried[k]
// is: on the else path every path was tried, in order.
func describeTried(prefix string, tried []TriedPath, nums func(k int) []float64) string {
	if len(tried) == 0 {
		return prefix
	}
	var b strings.Builder
	b.Grow(len(prefix) + 64*len(tried))
	b.WriteString(prefix)
	b.WriteString(": ")
	for i := range tried {
		if i > 0 {
			b.WriteString("; ")
		}
		tried[i].write(&b, nums(i))
	}
	return b.String()
}

// write renders one tried path: its name, what it checked in parentheses
// and the values it read, written against nums, the numbers of its
// condition.
func (p *TriedPath) write(b *strings.Builder, nums []float64) {
	b.WriteString(strconv.Quote(p.Path))
	if p.Reason != "" || p.Expr != "" {
		b.WriteString(" (")
		b.WriteString(p.Reason)
		if p.Reason != "" && p.Expr != "" {
			b.WriteString("; ")
		}
		b.WriteString(p.Expr)
		b.WriteString(")")
	}
	writeValues(b, p.Values, nums)
}

// writeValues writes the values a condition read, " with a=1, b=x",
// each against nums, the numbers of that condition; nothing for none.
func writeValues(b *strings.Builder, values []Value, nums []float64) {
	for i, v := range values {
		if i == 0 {
			b.WriteString(" with ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(v.Name + "=" + rules.FormatValueAgainst(v.Value, nums))
	}
}

// describe renders a split decision as the reason a sales alert carries:
// what the path checked (role, its role count, "at least 2 Champion",
// if any; then its rule) and the values it read; nums are the numbers
// of the condition of the path it took.
func describe(d Decision, role string, nums []float64) string {
	var b strings.Builder
	b.Grow(128)
	b.WriteString(string(d.Node) + " took path " + strconv.Quote(d.Path))
	switch {
	case role != "" && d.Rule != "":
		b.WriteString(" (" + role + "; rule " + strconv.Quote(d.Rule) + ": " + d.Expr + ")")
	case role != "":
		b.WriteString(" (" + role + ")")
	case d.Rule != "":
		b.WriteString(" (rule " + strconv.Quote(d.Rule) + ": " + d.Expr + ")")
	}
	writeValues(&b, d.Values, nums)
	return b.String()
}

func (s *stepper) roleCount(tr *Track, r *RoleCount) int {
	interest := cmpOr(r.SolutionInterest, tr.SolutionInterest)
	if interest != "" {
		if g := s.view.group(interest); g != nil {
			return g.CountRole(r.Role)
		}
		return 0
	}
	best := 0
	for i := range s.view.Groups {
		best = max(best, s.view.Groups[i].CountRole(r.Role))
	}
	return best
}

// parallel starts a track per active solution interest.
func (s *stepper) parallel(i, t int, v *Version, node *cnode) bool {
	var groups []*GroupView
	for k := range s.view.Groups {
		g := &s.view.Groups[k]
		if g.Active() && (len(node.interests) == 0 || slices.Contains(node.interests, g.SolutionInterest)) {
			groups = append(groups, g)
		}
	}
	slices.SortStableFunc(groups, func(a, b *GroupView) int { return strings.Compare(a.SolutionInterest, b.SolutionInterest) })
	in := &s.st.Instances[i]
	parent := in.Tracks[t].ID
	// A track goes on from its parent's path: what led the parent here
	// led it too, until it decides on its own (a sales alert tells it).
	reason, person := in.Tracks[t].Reason, in.Tracks[t].ReasonPerson
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		in.Tracks = append(in.Tracks, Track{ID: len(in.Tracks), Parent: parent, Group: g.ID, SolutionInterest: g.SolutionInterest,
			Node: v.nodes[node.branch].id, Status: TrackActive, Since: s.at, Reason: reason, ReasonPerson: person})
		names = append(names, g.SolutionInterest)
	}
	tr := &in.Tracks[t]
	d := s.decision(in, tr, DecisionParallel, node.id)
	if len(groups) == 0 {
		d.Reason = "no active solution interest: no track started"
	} else {
		d.Reason = "tracks for " + strings.Join(names, ", ")
	}
	s.trace(d)
	switch {
	case node.merge < 0:
		tr.Status = TrackDone
		return false
	case len(groups) == 0:
		s.move(tr, v, v.nodes[node.merge].next)
		return true
	}
	tr.Status = TrackJoining
	return false
}

// join continues a parent track when all its children merged or ended.
func (s *stepper) join(i, parent int, v *Version) {
	in := &s.st.Instances[i]
	p := &in.Tracks[parent]
	if p.Status != TrackJoining {
		return
	}
	for _, t := range in.Tracks {
		if t.Parent == parent && (t.Status == TrackActive || t.Status == TrackJoining) {
			return
		}
	}
	node := &v.nodes[v.index[p.Node]]
	merge := &v.nodes[node.merge]
	d := s.decision(in, p, DecisionMerge, merge.id)
	d.Next = v.nodes[merge.next].id
	d.Reason = "every track arrived"
	s.trace(d)
	p.Status = TrackActive
	s.move(p, v, merge.next)
}
