package engine

import (
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
)

// work is what one account receives in one pass: the inputs of a batch
// that concern it. Derived state is recomputed once per pass, whatever the
// number of inputs.
type work struct {
	// account is set when the account's golden record changed, persons
	// when its person list may have: the pass reads them from the
	// identity graph after it loads the state, so that a pass retried
	// after another's commit, or run after another call's, writes the
	// graph's newest, never an older one over a newer.
	account, persons bool
	// opportunities are upserted opportunities of the account; movedAway
	// those the CRM now puts on another account.
	opportunities []b2b.Opportunity
	movedAway     []movedOpportunity
	// activities are the account's new activities, persons resolved to
	// golden IDs; index holds each one's position in the caller's batch.
	activities []b2b.Activity
	index      []int
	// events are journey events from the host (manual entries, external
	// results).
	events []journey.Event
	// create allows a pass on an account that has no state yet.
	create bool
	// mergedAway marks an account the call's identity changes merged
	// into another; absorbs lists, on the account they merged into, those
	// merged into it. The call runs the first before the others, and the
	// pass of an account that absorbs others waits for theirs: so it
	// decides with what they hand over (see pass.retire), whatever the
	// workers' schedule.
	mergedAway bool
	absorbs    []b2b.AccountID
	// tick marks a pass for the passing of time (Advance): derived state
	// is recomputed even when no input changed anything. It runs at from,
	// when the account was found due, or later (see passTime), not at
	// the now Advance was called with.
	tick bool
	from time.Time
	// input, on a pass of time that runs before an input's pass (see
	// Engine.catchUpBefore), is that input's work: the pass takes its
	// activities and consent statements dated by the pass's time.
	input *work
	// erase, when set, removes a person from the account (ErasePerson).
	erase *erasure
	// consent are the consent statements of activities of the account's
	// persons (see Engine.routeConsent), whichever account the
	// activities went to.
	consent []governance.Statement
	// handedOver is what an account merged into this one hands over: its
	// opportunities and recent messages (see pass.retire).
	handedOver *handOver
	// joined are the persons of the account whom the call's identity
	// changes took out of other accounts or merged others into (see
	// joining).
	joined map[b2b.PersonID]*joining
}

// activitiesOnly reports whether the work is activities and nothing else.
func (w *work) activitiesOnly() bool {
	return len(w.activities) > 0 && !w.account && !w.persons && len(w.opportunities) == 0 && len(w.movedAway) == 0 &&
		len(w.events) == 0 && !w.tick && w.erase == nil
}

// consentOnly reports whether the work is consent statements and nothing
// else: an account with no state has no person to apply them to.
func (w *work) consentOnly() bool {
	return len(w.consent) > 0 && len(w.activities) == 0 && !w.account && !w.persons && len(w.opportunities) == 0 &&
		len(w.movedAway) == 0 && len(w.events) == 0 && !w.tick && w.erase == nil
}

// movesOnly reports whether the work is opportunities to let go of and
// nothing else: an account with no state holds none.
func (w *work) movesOnly() bool {
	return len(w.movedAway) > 0 && len(w.activities) == 0 && !w.account && !w.persons && len(w.opportunities) == 0 &&
		len(w.events) == 0 && !w.tick && w.erase == nil
}

// identityOnly reports whether the work is a change of the account's
// persons and nothing else (an account merged into another): an account
// with no state has none to let go.
func (w *work) identityOnly() bool {
	return w.persons && !w.account && len(w.activities) == 0 && len(w.consent) == 0 && len(w.opportunities) == 0 &&
		len(w.movedAway) == 0 && len(w.events) == 0 && !w.tick && w.erase == nil
}

// until returns the work of a pass of time at t that takes, of w, the
// activities and consent statements dated at or before t (in w's order),
// and w's identity changes, which the graph already holds, with what
// they brought (joined; see
// Engine.catchUpBefore). dropUntil then removes them from w.
func (w *work) until(t time.Time) *work {
	p := &work{tick: true, from: t}
	for i := range w.activities {
		if !w.activities[i].Time.After(t) {
			p.activities = append(p.activities, w.activities[i])
			p.index = append(p.index, w.index[i])
		}
	}
	for _, c := range w.consent {
		if !c.At.After(t) {
			p.consent = append(p.consent, c)
		}
	}
	if len(p.activities) > 0 || len(p.consent) > 0 {
		// The pass reads the persons as the graph has them now: what the
		// call's identity changes brought with them comes too.
		p.account, p.persons, p.joined = w.account, w.persons, w.joined
	}
	return p
}

// dropUntil removes from w what until(t) took.
func (w *work) dropUntil(t time.Time) {
	n := 0
	for i := range w.activities {
		if w.activities[i].Time.After(t) {
			w.activities[n], w.index[n] = w.activities[i], w.index[i]
			n++
		}
	}
	clear(w.activities[n:])
	w.activities, w.index = w.activities[:n], w.index[:n]
	w.consent = slices.DeleteFunc(w.consent, func(c governance.Statement) bool { return !c.At.After(t) })
}

// empty reports whether w holds no input.
func (w *work) empty() bool {
	return len(w.activities) == 0 && len(w.consent) == 0 && !w.account && !w.persons && len(w.opportunities) == 0 &&
		len(w.movedAway) == 0 && len(w.events) == 0 && w.erase == nil && !w.tick && w.handedOver == nil && len(w.joined) == 0
}
