package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/scoring"
)

// An account merged into another (a Marketo company found to be a
// Salesforce account) retires: the account it merged into holds its
// records and persons and decides for them from then on. Its state stays,
// as its history and for Recover (its own record and origin, the
// suppression hashes of the persons erased from it), but it decides
// nothing more: no refresh, no journey step, no entry in the lists
// queries select by. Identity resolution never undoes a merge.

// handOver is what an account merged into another hands over to it: its
// opportunities, which the CRM may not send again, the messages its
// journeys sent lately, which the frequency caps of the persons it let go
// still count, and the consent statements it kept of them (an
// unsubscribe made while a person was its), by person.
type handOver struct {
	from          b2b.AccountID
	opportunities []b2b.Opportunity
	contacts      []journey.Contact
	consent       map[b2b.PersonID][]governance.Statement
	// scores are the persons' score states by model, activities the
	// recent activity records, lastActivity the persons' last activities
	// (accountState.LastActivity), adjustments the journeys' adjustments
	// of persons' scores (by "person/<id>").
	scores       map[string]map[b2b.PersonID]scoring.PersonState
	activities   []activityRecord
	lastActivity map[b2b.PersonID]time.Time
	adjustments  map[string]float64
	// parent marks the hand-over to a parent of the account merged into
	// (with rollup), which holds its persons too: it takes the consent
	// statements only (it counts the other account's messages, and
	// scores are each account's).
	parent bool
}

// retire makes the pass's account one merged into into: it logs
// account.merged, ends its journeys (their deferred messages dropped,
// each with its decision: they would go to persons that are into's now,
// from journeys into runs for them too) and hands its opportunities and
// recent messages over to into, whose state holds them before this one
// lets them go, so that a failure between the two commits leaves them on
// both (Recover takes the newer commit's) rather than on neither. With
// rollup, into's parents, which hold its persons too, take the consent
// statements.
func (ps *pass) retire(ctx context.Context, into b2b.AccountID) {
	st := ps.st
	st.MergedInto, ps.changed, ps.retired = into, true, true
	ps.log("account.merged", "", ps.now, map[string]string{"into": string(into)})
	reason := "account merged into " + string(into)
	res := resultRoom.take()
	defer resultRoom.put(res)
	ps.p.Journeys.Stop(res, &st.Journeys, ps.now, reason)
	ps.logJourneys(res)
	ps.journey.Due = res.Due
	h := &handOver{from: ps.id, opportunities: slices.Clone(st.Opportunities), contacts: slices.Clone(st.Journeys.Contacts),
		consent: maps.Clone(st.Consent), activities: slices.Clone(st.Activities), lastActivity: maps.Clone(st.LastActivity)}
	for name, l := range st.Scores {
		for id, pst := range l.Persons {
			if h.scores == nil {
				h.scores = map[string]map[b2b.PersonID]scoring.PersonState{}
			}
			if h.scores[name] == nil {
				h.scores[name] = map[b2b.PersonID]scoring.PersonState{}
			}
			h.scores[name][id] = scoring.PersonState{Floor: pst.Floor, Past: slices.Clone(pst.Past), Credits: slices.Clone(pst.Credits)}
		}
	}
	for k, v := range st.Adjustments {
		if strings.HasPrefix(k, "person/") {
			if h.adjustments == nil {
				h.adjustments = map[string]float64{}
			}
			h.adjustments[k] = v
		}
	}
	// The account has no persons and takes no person's lock: handing over
	// from its pass waits for no pass that could wait for it. The other
	// account decides first what it was due to before now, as for any
	// input. Its pass runs inside this account's turn of the call: it
	// waits for no other account's turn (see callOrder), which could be
	// waiting for this one's.
	ctx = outsideCallOrder(ctx)
	out, err := ps.e.apply(ctx, into, &work{account: true, persons: true, create: true, handedOver: h}, ps.now)
	ps.handOver(into, &out)
	if err != nil {
		ps.fail(fmt.Errorf("hand over to %q: %w", into, err))
		return
	}
	if ps.e.cfg.Rollup {
		ps.e.idMu.Lock()
		parents, _ := ps.e.graph.Ancestors(into)
		ps.e.idMu.Unlock()
		for _, a := range parents {
			out, err := ps.e.apply(ctx, a, &work{persons: true, create: true, handedOver: &handOver{from: ps.id, consent: h.consent, parent: true}}, ps.now)
			ps.handOver(a, &out)
			if err != nil {
				ps.fail(fmt.Errorf("hand over to %q: %w", a, err))
				return
			}
		}
	}
	for _, o := range h.opportunities {
		ps.moveOpportunity(movedOpportunity{ID: o.ID, To: into})
	}
}

// handOver keeps what the pass of a hand-over to account decided, for
// the call's report: the steps and messages of its passes (which the
// counters counted as they committed), and the account, changed.
func (ps *pass) handOver(account b2b.AccountID, out *outcome) {
	ps.handed.steps += out.steps
	ps.handed.messages += out.messages
	ps.handed.handedTo = append(ps.handed.handedTo, out.handedTo...)
	if !out.idle {
		ps.handed.handedTo = append(ps.handed.handedTo, account)
	}
}

// takeOver takes what an account merged into this one handed over (see
// retire): its recent messages, once (a hand-over retried after a failed
// commit finds the account in Absorbed), and its consent statements (the
// persons' consent is decided again), both of the persons who are this
// account's now (the merged account's state keeps those of persons who
// had left it, as it did), and its opportunities, those it still held,
// unless this account's state holds a record of one as new or newer.
func (ps *pass) takeOver(h *handOver) {
	st := ps.st
	if i, found := slices.BinarySearch(st.Absorbed, h.from); !found && !h.parent {
		st.Absorbed = slices.Insert(st.Absorbed, i, h.from)
		js := &st.Journeys
		n := len(js.Contacts)
		for _, c := range h.contacts {
			if id, ok := ps.takenPerson(c.Person); ok {
				c.Person = id
				js.Contacts = append(js.Contacts, c)
			}
		}
		slices.SortStableFunc(js.Contacts, func(a, b journey.Contact) int { return a.At.Compare(b.At) })
		ps.takeScores(h)
		ps.changed = true
		ps.log("account.absorbed", "", ps.now, map[string]any{"from": h.from, "opportunities": len(h.opportunities), "messages": len(js.Contacts) - n})
	}
	for _, from := range slices.Sorted(maps.Keys(h.consent)) {
		id, ok := ps.takenPerson(from)
		if !ok {
			continue // a person who had left the account: its state keeps what it knew
		}
		for _, s := range h.consent[from] {
			s.Person = id
			if ps.keepStatement(s) {
				ps.consentTouched, ps.changed = append(ps.consentTouched, id), true
			}
		}
	}
	for _, o := range h.opportunities {
		if !ps.e.takeOpportunity(o.ID, h.from, ps.id) {
			continue // the CRM put it on another account since
		}
		i := slices.IndexFunc(ps.st.Opportunities, func(x b2b.Opportunity) bool { return x.ID == o.ID })
		if i >= 0 && !ps.st.Opportunities[i].UpdatedAt.Before(o.UpdatedAt) {
			continue
		}
		o.Account = ps.id
		ps.upsertOpportunity(&o)
	}
}

// takeScores takes, for the persons this account takes from an account
// merged into it, their scores (merged with what this account holds of
// them, see scoring.Scorer.Merge), the journeys' adjustments of them,
// their recent activity records (one a record: an activity this account
// holds too is not taken twice) and their last activities (the later of
// the two accounts').
func (ps *pass) takeScores(h *handOver) {
	st := ps.st
	for _, name := range slices.Sorted(maps.Keys(h.scores)) {
		for _, from := range slices.Sorted(maps.Keys(h.scores[name])) {
			id, ok := ps.takenPerson(from)
			if !ok {
				continue
			}
			qs := h.scores[name][from]
			ps.addScore(name, id, &qs)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(h.adjustments)) {
		if id, ok := ps.takenPerson(b2b.PersonID(strings.TrimPrefix(k, "person/"))); ok {
			if st.Adjustments == nil {
				st.Adjustments = map[string]float64{}
			}
			st.Adjustments["person/"+string(id)] += h.adjustments[k]
		}
	}
	for _, from := range slices.Sorted(maps.Keys(h.lastActivity)) {
		if id, ok := ps.takenPerson(from); ok {
			st.noteActivity(id, h.lastActivity[from])
		}
	}
	var taken []activityRecord
	for _, r := range h.activities {
		id, ok := ps.takenPerson(r.Person)
		if !ok || slices.ContainsFunc(st.Activities, func(x activityRecord) bool { return x.key == r.key }) {
			continue
		}
		r.Person = id
		taken = append(taken, r)
	}
	if len(taken) > 0 {
		st.Activities = append(slices.Clone(st.Activities), taken...) // records are shared with the committed state
		slices.SortStableFunc(st.Activities, func(a, b activityRecord) int { return a.Time.Compare(b.Time) })
	}
}

// takenPerson returns the person of this account that a person of an
// account merged into it is now: the same, or the one identity merged
// them into (in the same call, say); false when they are not this
// account's.
func (ps *pass) takenPerson(id b2b.PersonID) (b2b.PersonID, bool) {
	if ps.st.person(id) != nil {
		return id, true
	}
	ps.e.idMu.Lock()
	gp, err := ps.e.graph.Person(id)
	ps.e.idMu.Unlock()
	if err != nil || ps.st.person(gp.ID) == nil {
		return "", false
	}
	return gp.ID, true
}

// takeOpportunity makes to the holder of an opportunity that from or to
// holds (to does when a hand-over before failed to commit); it reports
// whether it did.
func (e *Engine) takeOpportunity(id b2b.OpportunityID, from, to b2b.AccountID) bool {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	if h := e.opportunities[id]; h != from && h != to {
		return false
	}
	e.opportunities[id] = to
	return true
}

// merged is the pass of an account merged into another, after what it
// must still do (an erasure, letting go of persons and opportunities): it
// drops its activity records past the retention and decides nothing.
// Activities routed to it by a call that ran while it was being merged
// are refused, for the host to send again: their persons are the other
// account's now. Journey events from the host are refused with
// ErrMergedAccount.
func (ps *pass) merged(w *work, out *outcome) {
	st := ps.st
	for i, a := range w.activities {
		out.rejected = append(out.rejected, Rejection{Kind: KindActivity, Index: w.index[i], Activity: a.ID, Account: ps.id,
			Reason: "unknown_account", Detail: fmt.Sprintf("account %q was merged into %q: send the activity again", ps.id, st.MergedInto)})
	}
	if len(w.events) > 0 {
		ps.fail(fmt.Errorf("%w: merged into %q", ErrMergedAccount, st.MergedInto))
		return
	}
	n := len(st.Activities)
	st.pruneActivities(ps.now, ps.e.retention(ps.p))
	if !ps.changed && ps.erased == nil && len(ps.events) == 0 && n == len(st.Activities) {
		ps.idle = true
	}
}
