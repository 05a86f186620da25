package journey

import (
	"fmt"
	"slices"
	"time"
)

// lifecycle ends instances whose journey was finished, aborted, ended by
// its end date, or removed, and drops the deferred messages of aborted
// journeys.
func (s *stepper) lifecycle() {
	for i := range s.st.Instances {
		in := &s.st.Instances[i]
		st, ok := s.c.Status(in.Journey)
		v := s.version(in)
		switch {
		case !ok || v == nil:
			s.exit(i, "journey not in catalog", false)
		case len(in.Tracks) == 0:
			// A state written by hand, or cut short: nothing to run.
			s.exit(i, "the instance has no track", false)
		case in.Fingerprint != 0 && in.Fingerprint != v.fingerprint:
			s.exit(i, fmt.Sprintf("version %d of the journey in the catalog is not the one the instance entered (a program installed before is missing)", in.Version), false)
		case s.lostTrack(i, in, v):
		case st == StatusAborted:
			s.exit(i, "journey aborted", false)
		case st == StatusFinished:
			s.exit(i, "journey finished", false)
		default:
			if end := s.latestEnd(in.Journey); !end.IsZero() && !s.now.Before(end) {
				s.exit(i, "journey ended", false)
			}
		}
	}
	s.dropAborted()
}

// lostTrack ends instance i (in) with why, and reports so, when it
// cannot run on its version v: a track that runs (active, or a parent at
// its parallel node) is at a node v does not have, as in a state written
// by hand or, before versions had fingerprints, for another definition
// under that number. Run from v's first node instead, the track would
// send again what it sent.
func (s *stepper) lostTrack(i int, in *Instance, v *Version) bool {
	for _, t := range in.Tracks {
		if t.Status != TrackActive && t.Status != TrackJoining {
			continue
		}
		if _, ok := v.index[t.Node]; !ok {
			s.exit(i, fmt.Sprintf("track %d is at node %q, which version %d does not have", t.ID, string(t.Node), v.number), false)
			return true
		}
	}
	return false
}

// dropAborted drops, each with a skip decision, the deferred messages left
// of aborted journeys: those of instances that had ended before the abort,
// at an end node or by going to another journey (a running instance's
// went as it exited), of whatever version. Abort stops a journey now: it
// sends nothing more. Finish and the end date close a journey that ran its
// course: they end the instances still running, whose deferred messages go
// with them, but an instance that had ended finished its run, and what it
// deferred is still sent, as it is for an instance that reaches an end
// node.
func (s *stepper) dropAborted() {
	aborted := func(d DeferredMessage) bool {
		st, _ := s.c.Status(d.Entry.Journey)
		return st == StatusAborted
	}
	if !slices.ContainsFunc(s.st.Deferred, aborted) {
		return
	}
	var dropped []DeferredMessage
	s.st.Deferred = slices.DeleteFunc(s.st.Deferred, func(d DeferredMessage) bool {
		if aborted(d) {
			dropped = append(dropped, d)
			return true
		}
		return false
	})
	for _, d := range dropped {
		e := &d.Entry
		s.skip(&Instance{Journey: e.Journey, Version: e.Version, Entry: e.Entry}, &Track{ID: e.Track}, &cnode{id: e.Node},
			e.Person, e.Key, "deferred message dropped: the journey was aborted")
	}
}

func (s *stepper) latestEnd(id string) time.Time {
	if v, ok := s.c.Latest(id); ok {
		return v.def.EndAt
	}
	return time.Time{}
}

// exit ends instance i.
func (s *stepper) exit(i int, reason string, completed bool) {
	if s.isGone(i) {
		return
	}
	s.dropDeferred(i, reason)
	s.end(i, reason, completed)
}

// end ends instance i: it is gone, with its Ended and its decision. It
// counts as completed when completed is set or it reached its journey's
// completion goal before (see Ended.Completed).
func (s *stepper) end(i int, reason string, completed bool) {
	if s.isGone(i) {
		return
	}
	s.setGone(i)
	in := &s.st.Instances[i]
	completed = completed || s.completedByGoal(in)
	outcome := ""
	if len(in.Tracks) > 0 {
		outcome = in.Tracks[0].Outcome
	}
	s.res.Ended = append(s.res.Ended, Ended{Journey: in.Journey, Version: in.Version, Entry: in.Entry,
		At: s.at, Reason: reason, Outcome: outcome, Completed: completed})
	s.st.record(in.Journey).LastExit = s.at
	d := s.decision(in, nil, DecisionExit, "")
	d.Reason = reason
	s.trace(d)
}

// exitWith ends instance i by an exit criterion or a goal with
// ExitOnGoal (goal): an instance that exits counts as completed if it
// reached the completion goal before. d is the decision of the rule that
// ended it, traced as an exit: "exit criterion: <reason>" for an exit
// criterion, even one that ends an instance counted as completed, the
// reason alone ("goal won reached") for a goal.
func (s *stepper) exitWith(i int, reason string, d Decision, goal bool) {
	in := &s.st.Instances[i]
	d.Kind = DecisionExit
	completed := goal || s.completedByGoal(in)
	s.dropDeferred(i, reason)
	s.setGone(i)
	s.res.Ended = append(s.res.Ended, Ended{Journey: in.Journey, Version: in.Version, Entry: in.Entry,
		At: s.at, Reason: reason, Outcome: in.Tracks[0].Outcome, Completed: completed})
	s.st.record(in.Journey).LastExit = s.at
	d.Reason = reason
	if !goal {
		d.Reason = "exit criterion: " + reason
	}
	s.trace(d)
}

// dropDeferred drops the messages of instance i that a frequency cap
// deferred, each with a skip decision: an instance that exits (an exit
// criterion, a goal that ends it, a go-to whose journey took no entry,
// its journey's end, finish or abort) was stopped because sending no longer fits, so what it had not sent yet
// is not sent later either.
func (s *stepper) dropDeferred(i int, reason string) {
	if len(s.st.Deferred) == 0 {
		return
	}
	in := &s.st.Instances[i]
	var dropped []DeferredMessage
	s.st.Deferred = slices.DeleteFunc(s.st.Deferred, func(d DeferredMessage) bool {
		if d.Entry.Journey == in.Journey && d.Entry.Entry == in.Entry {
			dropped = append(dropped, d)
			return true
		}
		return false
	})
	for _, d := range dropped {
		e := &d.Entry
		s.skip(in, &Track{ID: e.Track}, &cnode{id: e.Node}, e.Person, e.Key, "deferred message dropped: the instance exited ("+reason+")")
	}
}

// completedByGoal reports whether instance in reached its journey's
// completion goal. An instance whose version is missing from the catalog,
// or is not the definition it entered, has no completion goal to judge by.
func (s *stepper) completedByGoal(in *Instance) bool {
	v := s.version(in)
	if v == nil || v.goalDone < 0 || in.Fingerprint != 0 && in.Fingerprint != v.fingerprint {
		return false
	}
	name := v.goals[v.goalDone].Name
	return slices.ContainsFunc(in.Goals, func(g GoalHit) bool { return g.Goal == name })
}

// stateRules evaluates the exit criteria and goals that read the view for
// the instances that were running before the step (those that entered in
// the step were checked as they entered).
func (s *stepper) stateRules() {
	for i := range s.running {
		s.instanceRules(i)
	}
}

// instanceRules evaluates instance i's exit criteria and goals that read
// the view.
func (s *stepper) instanceRules(i int) {
	if s.isGone(i) {
		return
	}
	in := &s.st.Instances[i]
	v := s.version(in)
	if !v.stateRules {
		return
	}
	for k := range v.goals {
		g := &v.goals[k]
		if slices.ContainsFunc(in.Goals, func(h GoalHit) bool { return h.Goal == g.Name }) {
			continue
		}
		ok, d := s.eval(g.when, s.accountEnv(in, &in.Tracks[0], nil), s.decision(in, nil, DecisionGoal, ""))
		if !ok {
			continue
		}
		in.Goals = append(in.Goals, GoalHit{Goal: g.Name, At: s.at})
		d.Reason = "goal reached: " + g.Name
		s.trace(d)
		if g.ExitOnGoal {
			s.exitWith(i, "goal "+g.Name+" reached", d, true)
			break
		}
	}
	if s.isGone(i) {
		return
	}
	for k := range v.exits {
		x := &v.exits[k]
		if x.Event != "" {
			continue
		}
		ok, d := s.eval(x.when, s.accountEnv(in, &in.Tracks[0], nil), s.decision(in, nil, DecisionExit, ""))
		if ok {
			s.exitWith(i, x.Reason, d, false)
			break
		}
	}
}

func (s *stepper) instanceDone(in *Instance) bool {
	for _, t := range in.Tracks {
		if t.Status == TrackActive || t.Status == TrackJoining {
			return false
		}
	}
	return true
}

func (s *stepper) complete(i int) {
	in := &s.st.Instances[i]
	v := s.version(in)
	completed := s.completedByGoal(in)
	if v.goalDone < 0 || len(v.endNodes) > 0 {
		for _, t := range in.Tracks {
			if k, ok := v.index[t.Node]; ok && t.Status == TrackDone && v.nodes[k].kind == KindEnd &&
				(len(v.endNodes) == 0 || v.endNodes[k]) {
				completed = true
			}
		}
	}
	s.setGone(i)
	// An instance whose tracks all ended at end nodes the journey does
	// not complete at ended, but did not complete: its trace says so, as
	// the completion rate counts it.
	kind, reason := DecisionComplete, "completed"
	if !completed {
		kind, reason = DecisionEnd, "ended"
	}
	s.res.Ended = append(s.res.Ended, Ended{Journey: in.Journey, Version: in.Version, Entry: in.Entry,
		At: s.at, Reason: reason, Outcome: in.Tracks[0].Outcome, Completed: completed})
	s.st.record(in.Journey).LastExit = s.at
	d := s.decision(in, nil, kind, in.Tracks[0].Node)
	d.Reason = reason
	if o := in.Tracks[0].Outcome; o != "" {
		d.Reason += ", outcome " + o
	}
	if !completed {
		d.Reason += " (not an end the journey completes at)"
	}
	s.trace(d)
}
