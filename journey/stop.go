package journey

import "time"

// Stop ends the account's journeys at now, for a reason that is the
// account's, not a journey's: an account merged into another, whose own
// journeys go on with its persons. Each running instance ends as an exit
// does, with reason: its Ended (not completed, unless it reached its
// journey's completion goal before) and an exit decision in res, and the
// messages a frequency cap deferred for it are dropped, each with a skip
// decision. The messages deferred by instances that had ended before are
// dropped too, each with a skip decision: the state is left with no
// instance, nothing deferred and nothing due (res.Due is zero), not even
// the time a list trigger's re-entry policy would let the account in
// again: an account whose journeys stopped is not stepped for that (a
// later step whose view changed lets it in; one whose view did not
// schedules the re-entry, which the step after lets in). Its entry records and recent
// messages stay, for re-entry policies and caps (those that a cap may
// count in any time zone: Stop knows none).
//
// res is emptied first, as [Catalog.StepInto] does; Stop reads no view and
// evaluates no rule.
func (c *Catalog) Stop(res *Result, st *State, now time.Time, reason string) {
	res.Reset()
	// No view, so no time zone: the state keeps the messages that a cap
	// counts on any calendar, a day longer than in UTC (see
	// Config.ContactWindow), not those of UTC's alone.
	s := stepper{c: c, st: st, view: &AccountView{Location: anyZone}, now: now, at: now, res: res, running: len(st.Instances)}
	for i := range st.Instances {
		s.exit(i, reason, false)
	}
	for _, d := range st.Deferred {
		e := &d.Entry
		s.skip(&Instance{Journey: e.Journey, Version: e.Version, Entry: e.Entry}, &Track{ID: e.Track}, &cnode{id: e.Node},
			e.Person, e.Key, "deferred message dropped: "+reason)
	}
	st.Deferred = nil
	s.finish()
	// finish counted the re-entry of list triggers: a stopped account
	// waits for nothing.
	st.Due, res.Due = time.Time{}, time.Time{}
}

// anyZone stands for a time zone that Stop does not know: one that is not
// UTC, whose calendar days may be longer than 24 hours.
var anyZone = time.FixedZone("unknown", 0)
