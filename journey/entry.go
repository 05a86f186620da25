package journey

import (
	"fmt"
	"slices"
	"time"
)

// triggers enters the account into journeys whose triggers match ev.
func (s *stepper) triggers(ev *Event) {
	if ev.Type == EventManualEntry {
		if v, ok := s.c.accepting(ev.Journey, s.now); ok {
			s.enter(v, "manual entry", ev.SolutionInterest, true)
		} else {
			s.trace(Decision{At: s.at, Kind: DecisionNoEntry, Journey: ev.Journey, Reason: "manual entry: " + s.c.refusal(ev.Journey, s.now)})
		}
		return
	}
	for _, id := range s.c.ids {
		v, ok := s.c.accepting(id, s.now)
		if !ok {
			continue
		}
		for k := range v.triggers {
			t := &v.triggers[k]
			var why, interest string
			switch {
			case t.Type == TriggerAudience && ev.Type == EventAudienceEntered && ev.Audience == t.Audience:
				why = "entered audience " + t.Audience
			case t.Type == TriggerGroupCreated && ev.Type == EventGroupCreated:
				// The created group's interest: the event's, or that of
				// the group it names.
				interest = s.eventInterest(ev)
				if t.SolutionInterest != "" && t.SolutionInterest != interest {
					continue
				}
				why = "buying group created for " + cmpOr(interest, ev.Group)
			case t.Type == TriggerAttributeChanged && ev.Type == EventAttributeChanged && ev.Attribute == t.Attribute && (t.To == "" || t.To == ev.To):
				// A buying group's attribute: the instance addresses that
				// group, which must be of the trigger's interest if it names one.
				interest = s.eventInterest(ev)
				if t.SolutionInterest != "" && interest != "" && interest != t.SolutionInterest {
					continue
				}
				why = fmt.Sprintf("%s changed from %q to %q", ev.Attribute, ev.From, ev.To)
			default:
				continue
			}
			if t.SolutionInterest != "" {
				interest = t.SolutionInterest
			}
			if t.when != nil {
				// "group" is the group the instance's track will have.
				d := Decision{At: s.at, Kind: DecisionNoEntry, Journey: id, Version: v.number}
				ok, d := s.eval(t.when, s.accountEnv(nil, &Track{SolutionInterest: interest}, ev), d)
				if !ok {
					d.Reason = "trigger condition does not hold"
					s.trace(d)
					continue
				}
			}
			s.enter(v, why, interest, true)
			break
		}
	}
}

// eventInterest is the solution interest of the buying group an event is
// about: the event's, or that of the view's group it names; "" for an
// event about the account.
func (s *stepper) eventInterest(ev *Event) string {
	if ev.SolutionInterest != "" || ev.Group == "" {
		return ev.SolutionInterest
	}
	for i := range s.view.Groups {
		if s.view.Groups[i].ID == ev.Group {
			return s.view.Groups[i].SolutionInterest
		}
	}
	return ""
}

// listTriggers enters the account into journeys whose static or dynamic
// list it is in, and reports whether it entered one. again checks only
// the journeys an instance of which ended in the step, once their
// instances ran: an account whose policy lets it in again as its
// instance ends (ReEntryMax, or ReEntryAfter from an entry long enough
// ago) enters again in that step rather than at some later change.
func (s *stepper) listTriggers(again bool) bool {
	if again && s.gone == nil {
		return false // no instance ended
	}
	entered := false
	for _, id := range s.c.ids {
		if again && !s.endedIn(id) {
			continue
		}
		entered = s.listTrigger(id) || entered
	}
	return entered
}

// listTrigger enters the account into journey id if it has a list
// trigger that lets it in, and reports whether it entered.
func (s *stepper) listTrigger(id string) bool {
	v, ok := s.c.accepting(id, s.now)
	if !ok {
		return false
	}
	for k := range v.triggers {
		t := &v.triggers[k]
		if t.Type != TriggerList || s.runningNow(id) {
			continue
		}
		if t.List != "" && !slices.Contains(s.view.Lists, t.List) {
			continue
		}
		why := "in list " + t.List
		if t.when != nil {
			// traced only if the rule fails: list triggers are checked on every change
			ok, _ := s.eval(t.when, s.accountEnv(nil, &Track{SolutionInterest: t.SolutionInterest}, nil), Decision{At: s.at, Kind: DecisionNoEntry, Journey: id, Version: v.number})
			if !ok {
				continue
			}
			if t.List == "" {
				why = "dynamic list: " + t.When
			} else {
				why += " where " + t.When
			}
		}
		return s.enter(v, why, t.SolutionInterest, false)
	}
	return false
}

// listAt notes that a list trigger may let the account in at t (before
// now): an instance ended then, by a track (after) or an event.
func (s *stepper) listAt(t time.Time, after bool) {
	if !t.Before(s.now) {
		return // the step's own checks at now enter it
	}
	switch {
	case s.lists.IsZero() || t.Before(s.lists):
		s.lists, s.listsAfter = t, after
	case t.Equal(s.lists):
		s.listsAfter = s.listsAfter && after
	}
}

// listEntries enters, at s.at, the account into the journeys with a list
// trigger whose instance ended in the step or whose re-entry policy lets
// it in again then, when their policies let it in; one that a policy
// lets in later in the step enters then (see listAt).
func (s *stepper) listEntries() {
	s.lists = time.Time{}
	for _, id := range s.c.ids {
		if s.runningNow(id) {
			continue
		}
		ended := s.endedIn(id)
		at := s.reEntryAt(id)
		if ended || at.Equal(s.at) {
			s.listTrigger(id)
		}
		// A re-entry policy's wait that ends later in the step: that of
		// an instance that ended in it, or, the view unchanged, of one
		// before it.
		if (ended || s.sameView) && !s.runningNow(id) && at.After(s.at) {
			s.listAt(at, false)
		}
	}
}

// listReEntries notes, at the start of a step whose view did not change,
// when the journeys with a list trigger that the account is not in let
// it in again within the step: a re-entry policy's wait that ended after
// the last step (due is the state's Due then, which is not after it)
// and before now. The account was in the list then, the view unchanged.
func (s *stepper) listReEntries(due time.Time) {
	if due.IsZero() || len(s.st.Records) == 0 {
		return
	}
	for _, rec := range s.st.Records {
		if at := s.reEntryAt(rec.Journey); !s.st.running(rec.Journey) && !at.Before(due) {
			s.listAt(at, false)
		}
	}
}

// reEntryAt returns when journey id, which takes entries by a list
// trigger under a policy that lets the account in again after a while
// and which the account entered, lets it in again; zero when there is
// none.
func (s *stepper) reEntryAt(id string) time.Time {
	k := slices.IndexFunc(s.st.Records, func(r Record) bool { return r.Journey == id })
	if k < 0 || s.st.Records[k].Entries == 0 {
		return time.Time{}
	}
	v, ok := s.c.accepting(id, s.now)
	if !ok || v.def.ReEntry.Mode != ReEntryAfter || !slices.ContainsFunc(v.triggers, func(t ctrigger) bool { return t.Type == TriggerList }) {
		return time.Time{}
	}
	rec := &s.st.Records[k]
	at := rec.LastEntry
	if v.def.ReEntry.FromExit {
		at = rec.LastExit
	}
	return at.Add(time.Duration(v.def.ReEntry.After))
}

// runningNow reports whether an instance of journey id runs: one that
// ended in the step does not.
func (s *stepper) runningNow(id string) bool {
	for i := range s.st.Instances {
		if !s.isGone(i) && s.st.Instances[i].Journey == id {
			return true
		}
	}
	return false
}

// endedIn reports whether an instance of journey id ended in the step.
func (s *stepper) endedIn(id string) bool {
	for i := range s.st.Instances {
		if s.isGone(i) && s.st.Instances[i].Journey == id {
			return true
		}
	}
	return false
}

// enter starts an instance if the re-entry policy allows it. loud traces
// refusals (event triggers); list triggers stay quiet, they are checked on
// every change. An instance that enters for no interest (a manual entry
// or a go-to that names none) addresses the interest the journey is bound
// to, if any; a bound journey takes no entry for another interest.
func (s *stepper) enter(v *Version, why, interest string, loud bool) bool {
	id := v.def.ID
	if reason := s.refusal(v, interest); reason != "" {
		if loud {
			s.trace(Decision{At: s.at, Kind: DecisionNoEntry, Journey: id, Version: v.number, Reason: why + ": " + reason})
		}
		return false
	}
	interest = cmpOr(interest, v.interest)
	rec := s.st.record(id)
	rec.Entries++
	rec.LastEntry = s.at
	tr := Track{ID: 0, Parent: -1, Node: v.nodes[v.start].id, Status: TrackActive, Since: s.at, SolutionInterest: interest,
		Visits: make([]NodeVisits, 0, min(len(v.nodes), 8))}
	if g := s.view.group(interest); interest != "" && g != nil {
		tr.Group = g.ID
	}
	s.st.Instances = append(s.st.Instances, Instance{Journey: id, Version: v.number, Fingerprint: v.fingerprint, Entry: rec.Entries,
		EnteredAt: s.at, Trigger: why, Tracks: []Track{tr}})
	s.trace(Decision{At: s.at, Kind: DecisionEnter, Journey: id, Version: v.number, Entry: rec.Entries,
		Node: tr.Node, Reason: why})
	// an exit that already holds ends the instance before it runs
	s.instanceRules(len(s.st.Instances) - 1)
	return true
}

// refusal says why the account may not enter v's journey now, which takes
// entries, for interest (the solution interest the entry names, "" for
// none): the journey is bound to another interest, the account is in the
// journey already, or the re-entry policy refuses it. It is "" when the
// account may enter.
//
// A journey bound to an interest is written for that interest's buying
// group (its stages are those of that interest's stage model, its
// conditions read that group): entered for another interest, its
// instance would move, alert on and message the other group with what
// was meant for its own. So a manual entry or a go-to from a track of
// another interest is refused, as a go-to to a journey that is not live
// is, rather than taken for a group the journey was not made for.
func (s *stepper) refusal(v *Version, interest string) string {
	id := v.def.ID
	if v.interest != "" && interest != "" && interest != v.interest {
		return "journey is bound to solution interest " + v.interest + ", not " + interest
	}
	for i := range s.st.Instances {
		if !s.isGone(i) && s.st.Instances[i].Journey == id {
			return "already in the journey"
		}
	}
	k := slices.IndexFunc(s.st.Records, func(r Record) bool { return r.Journey == id })
	if k < 0 || s.st.Records[k].Entries == 0 {
		return ""
	}
	rec, r := &s.st.Records[k], v.def.ReEntry
	switch r.Mode {
	case "", ReEntryNever:
		return "re-entry not allowed"
	case ReEntryMax:
		if rec.Entries >= r.Max {
			return fmt.Sprintf("entered %d times, at most %d allowed", rec.Entries, r.Max)
		}
	case ReEntryAfter:
		from, what := rec.LastEntry, "entry"
		if r.FromExit {
			from, what = rec.LastExit, "exit"
		}
		if at := from.Add(time.Duration(r.After)); s.at.Before(at) {
			return fmt.Sprintf("re-entry allowed %s after the last %s, from %s", r.After, what, at.UTC().Format(time.RFC3339))
		}
	}
	return ""
}
