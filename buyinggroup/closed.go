package buyinggroup

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// ErrGroupClosed is returned for a change of membership that a marketer or
// a journey asks of a group in a closed stage; [*ClosedError] matches it.
var ErrGroupClosed = errors.New("buying group closed")

// ClosedError is a change of membership that a marketer or a journey asked
// of a group in a closed stage (the success stage or a failure stage of
// its model): the group keeps its membership as at close. It matches
// [ErrGroupClosed].
type ClosedError struct {
	Group string
	Stage string    // the closed stage the group is in
	Since time.Time // when it entered it
}

func (e *ClosedError) Error() string {
	return fmt.Sprintf("group %q: %s", e.Group, closedReason(e.Stage, e.Since))
}

// Is reports whether target is [ErrGroupClosed].
func (e *ClosedError) Is(target error) bool { return target == ErrGroupClosed }

func closedReason(stage string, since time.Time) string {
	return fmt.Sprintf("group closed: %s on %s; membership kept as at close", stage, since.UTC().Format("2006-01-02"))
}

// Closed reports whether g is in a closed stage of its stage model (its
// success stage or a failure stage), where its membership is kept as it
// was at the close, and says so in words: "group closed: Closed Won on
// 2026-03-22; membership kept as at close". A group whose interest the
// catalog does not define is not closed.
func (c *Catalog) Closed(g Group) (string, bool) {
	in, err := c.interestOf(&g)
	if err != nil || !in.model.Closed(g.Stage) {
		return "", false
	}
	return closedReason(g.Stage, g.StageSince), true
}

// command is apply for a change that a marketer or a journey asks for: a
// group in a closed stage refuses it with a [*ClosedError].
func (c *Catalog) command(g Group, now time.Time, reason withdrawal, mutate func(*Interest, *Group) error) (Group, []Event, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return g, nil, err
	}
	if in.model.Closed(g.Stage) {
		return g, nil, &ClosedError{Group: g.ID, Stage: g.Stage, Since: g.StageSince}
	}
	return applyIn(in, g, now, reason, mutate)
}

// hold records ng's claims in a group in a closed stage and keeps its
// members as they are. Where the claims, were the group open, would now
// add a member that the claims before did not (old's), or end a
// membership that they kept, it returns an [EventMemberNotAdded] or an
// [EventMemberNotRemoved] that says why not; a change held back before is
// not reported again.
func hold(in *Interest, old, ng *Group, now time.Time, reason withdrawal) []Event {
	if slices.EqualFunc(old.Claims, ng.Claims, claimEqual) {
		return nil
	}
	ng.UpdatedAt = now
	t := in.template
	before := resolve(t, old.Claims, old.Members)
	after := resolve(t, ng.Claims, old.Members)
	prev := seats(old.Members)
	would := after.members(t, prev, now)
	// endReason explains an ended membership by the members that hold
	// the person's other roles: those the group would have.
	open := Group{Claims: ng.Claims, Members: would}
	why := closedReason(ng.Stage, ng.StageSince)
	var evs []Event
	for _, m := range old.Members {
		s := seat{m.Person, m.Role}
		if before.chosen[s] == nil || after.chosen[s] != nil {
			continue
		}
		ev := ng.event(EventMemberNotRemoved, now)
		ev.Person, ev.Role, ev.Method = m.Person, m.Role, m.Method
		ev.Reason = why + " (" + endReason(t, &open, after, s, reason(m)) + ")"
		evs = append(evs, ev)
	}
	for _, m := range would {
		s := seat{m.Person, m.Role}
		if _, ok := prev[s]; ok || before.chosen[s] != nil {
			continue
		}
		ev := ng.event(EventMemberNotAdded, now)
		ev.Person, ev.Role, ev.Method = m.Person, m.Role, m.Method
		ev.Reason = why + " (" + m.Explain() + ")"
		evs = append(evs, ev)
	}
	return evs
}

// eraseClosed removes every claim and membership of a person from a group
// in a closed stage, and no more: no other person takes a seat the person
// leaves.
func eraseClosed(in *Interest, g Group, person b2b.PersonID, now time.Time) (Group, []Event) {
	ng := g.clone()
	ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool { return cl.Person == person })
	if len(ng.Claims) == 0 {
		ng.Claims = nil
	}
	members := slices.DeleteFunc(slices.Clone(g.Members), func(m Member) bool { return m.Person == person })
	if len(members) == 0 {
		members = nil
	}
	return ng, record(in, &g, &ng, seats(g.Members), members, resolution{}, now, because("person erased"))
}

// reopen resolves the members of a group that has just moved from stage
// from to its current stage, when that leaves the closed stages: from the
// claims recorded while it was closed, so that it follows its sources
// again from there.
func reopen(in *Interest, ng *Group, from string, now time.Time) []Event {
	if !in.model.Closed(from) || in.model.Closed(ng.Stage) {
		return nil
	}
	*ng = canonical(in.template, *ng)
	old := *ng
	return settle(in, &old, ng, now, because("claim withdrawn while the group was closed"))
}
