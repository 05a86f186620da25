package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store"
)

// outcome is what a pass did.
type outcome struct {
	// idle is set when the pass decided nothing: it committed nothing,
	// or (a pass of time) only the account's next due time.
	idle bool
	// appliedIdx and duplicateIdx are the batch positions of the
	// activities applied and found duplicate: an activity routed to
	// several accounts is one input (see Engine.run).
	appliedIdx, duplicateIdx []int
	rejected                 []Rejection
	steps, messages          int
	// handedTo are the other accounts the pass changed: those a retiring
	// account handed over to (see pass.retire), whose passes' steps and
	// messages are in steps and messages; the call counts them as
	// changed, whatever their own passes do after.
	handedTo []b2b.AccountID
	redacted int // events and queued messages rewritten by an erasure
	// at is the time a pass of time ran at (zero when the account was
	// not due by now), due the account's next due time as it left it,
	// decisive its next decisive due time (see accountState.decisiveDue),
	// or, when it is to qualify again, the pass's time.
	at, due, decisive time.Time
}

// add sums another pass's outcome into o: what the passes applied,
// found duplicate, refused and decided (o stays idle only if both were).
func (o *outcome) add(p *outcome) {
	o.idle = o.idle && p.idle
	o.steps += p.steps
	o.messages += p.messages
	o.appliedIdx = append(o.appliedIdx, p.appliedIdx...)
	o.duplicateIdx = append(o.duplicateIdx, p.duplicateIdx...)
	o.rejected = append(o.rejected, p.rejected...)
	o.handedTo = append(o.handedTo, p.handedTo...)
}

// process runs one pass on one account with optimistic concurrency: load,
// apply, commit; on a version conflict, reload and apply again.
func (e *Engine) process(ctx context.Context, id b2b.AccountID, w *work, now time.Time) (outcome, error) {
	for attempt := 0; ; attempt++ {
		if attempt > e.cfg.MaxRetries {
			return outcome{}, fmt.Errorf("account %q: %w (%d retries)", id, ErrTooManyConflicts, e.cfg.MaxRetries)
		}
		rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, id)
		var st, committed *accountState
		switch {
		case errors.Is(err, store.ErrNotFound):
			if !w.create && w.activitiesOnly() {
				// Activities that name an account no record made: each
				// is refused, the call's others stand.
				out := outcome{idle: true}
				for i, a := range w.activities {
					out.rejected = append(out.rejected, Rejection{Kind: KindActivity, Index: w.index[i], Activity: a.ID, Account: id,
						Reason: "unknown_account", Detail: fmt.Sprintf("no account %q has been upserted", id)})
				}
				return out, nil
			}
			if !w.create && (w.movesOnly() || w.consentOnly() || w.identityOnly()) {
				return outcome{idle: true}, nil
			}
			if !w.create {
				return outcome{}, unreadable{fmt.Errorf("account %q: %w", id, ErrUnknownAccount)}
			}
			st = newAccountState(b2b.Account{ID: id})
		case err != nil:
			return outcome{}, unreadable{fmt.Errorf("account %q: load: %w", id, err)}
		default:
			// The pass works on a copy: the committed state stays as it
			// was for readers, for a retry, and when the pass turns out
			// idle (an idle pass's derived changes are not kept, whatever
			// the store or the cache).
			if committed, err = e.readState(&rec); err != nil {
				return outcome{}, unreadable{err}
			}
			st = cloneState(committed)
		}
		at, pw := now, w
		if w.tick {
			var due bool
			if at, due = passTime(w.from, &rec, committed, now); !due {
				return outcome{idle: true}, nil
			}
			if w.input != nil {
				// What the input holds up to the time the pass runs at
				// (a retry may run it later than planned).
				pw = w.input.until(at)
			}
		} else if committed != nil && committed.Refreshed.After(at) {
			// Time never goes back for an account: an input that comes
			// with the clock behind the account's last pass (a host's
			// clock gone back, an Advance run ahead of it) runs at that
			// pass's time, so that nothing it decides is stamped before
			// a decision the log already holds, and the account is not
			// refreshed again over days it has passed.
			at = committed.Refreshed
		}
		p := e.prog.Load()
		events, outbox, jevents, data := eventRoom.take(), outboxRoom.take(), journeyEventRoom.take(), dataRoom.take()
		ps := &pass{e: e, p: p, st: st, now: at, id: id, events: *events, outbox: *outbox, jevents: *jevents, data: *data}
		if committed != nil {
			ps.loaded, ps.committed = rec, committed
		}
		out, done, err := e.commitPass(ctx, ps, pw, rec.Version, attempt)
		// The store keeps nothing of the events and outbox entries (see
		// store.Store.Commit), nor the journeys of their events: the next
		// pass reuses their room.
		*events, *outbox, *jevents, *data = ps.events, ps.outbox, ps.jevents, ps.data
		if ps.jfirst != nil {
			*jevents = ps.jfirst
		}
		eventRoom.put(events)
		outboxRoom.put(outbox)
		journeyEventRoom.put(jevents)
		dataRoom.put(data)
		if err != nil || !done {
			if err != nil {
				return out, err
			}
			continue
		}
		if w.tick {
			out.at, out.due, out.decisive = ps.now, ps.due(), ps.decisiveDue()
		}
		// An opportunity another call moved on while this pass was
		// committing it: the pass that moved it found nothing to remove
		// here yet, so this account lets it go now.
		var gone []movedOpportunity
		for _, o := range w.opportunities {
			if holder := e.opportunityHolder(o.ID); holder != id {
				gone = append(gone, movedOpportunity{ID: o.ID, To: holder})
			}
		}
		if len(gone) > 0 {
			more, err := e.process(ctx, id, &work{movedAway: gone}, now)
			out.idle = out.idle && more.idle
			out.steps += more.steps
			out.messages += more.messages
			return out, err
		}
		return out, nil
	}
}

// unreadable is the error of a pass that could not read the account's
// state: it could not load it, found none, or could not decode it. (See
// catchUpInTurn.)
type unreadable struct{ err error }

func (u unreadable) Error() string { return u.err.Error() }
func (u unreadable) Unwrap() error { return u.err }

// pass is one account's run through the chain.
type pass struct {
	e   *Engine
	p   *program.Program
	st  *accountState
	now time.Time
	id  b2b.AccountID
	err error
	// loaded is the account as loaded, committed its state as it was
	// (ps.st is a copy); committed is nil for an account not stored yet.
	loaded    store.Account
	committed *accountState

	events  []store.Event
	outbox  []store.OutboxEntry
	jevents []journey.Event
	// data holds the encodings of the pass's journey decisions, one after
	// the other, which its events' Data point into (see logJourneys).
	data []byte
	// jfirst is the list of events the journeys' first round stepped on
	// (the pass's activities and changes), whose room the next pass
	// reuses (the rounds after it make lists of their own).
	jfirst  []journey.Event
	journey journey.Result

	requalify   bool
	requalified bool // a pending requalification was done (see run)
	changed     bool
	retired     bool // the pass merged the account into another (see retire)
	// handed is what the passes of the hand-over decided (see retire).
	handed outcome
	// views caches channel group views; viewRev invalidates them when the
	// pass changes a group.
	views   map[string]cachedView
	viewRev int
	// idle is set when the pass changed nothing and so commits nothing.
	idle bool
	// erased is the erasure the pass made, completed with what the state
	// knew of the person.
	erased  *erasure
	skipped int
	alerts  int
	// rc is the context journey messages are rendered from (see render).
	rc *channel.RenderContext
	// locked are the locks of shared persons the pass holds (see
	// sharedContacts).
	locked []int
	// consentWhy are the decisions of the persons whose consent the pass
	// decided again, for the consent.changed events.
	consentWhy map[b2b.PersonID]map[b2b.Channel]governance.ConsentDecision
	// consentTouched are persons whose statements the pass took from
	// elsewhere before deciding consent (takeAliases, takeOver).
	consentTouched []b2b.PersonID
	// aliases are, for a person of the account into whom the call's
	// identity changes merged others, those persons' IDs, under which
	// other accounts may still record their messages (see takeAliases).
	aliases map[b2b.PersonID][]b2b.PersonID
}

// log appends an event to the account's event log.
func (ps *pass) log(typ string, person b2b.PersonID, at time.Time, data any) {
	raw, err := json.Marshal(data)
	ps.logRaw(typ, person, at, raw, err)
}

// logRaw logs an event whose data is encoded already (raw, or the error
// encoding it met). The events of every message and every journey
// decision come here without encoding/json's reflection and its second
// pass over a Marshaler's output (both hold to encoding/json's encoding:
// tests check it), and without their data put on the heap to go through
// log's interface.
func (ps *pass) logRaw(typ string, person b2b.PersonID, at time.Time, raw []byte, err error) {
	if err != nil {
		ps.fail(fmt.Errorf("event %s: %w", typ, err))
		return
	}
	if at.IsZero() {
		at = ps.now
	}
	ps.events = append(ps.events, store.Event{Account: ps.id, Person: person, Time: at, Type: typ, Data: raw})
}

// decisionJSON is json.Marshal(d) without its second pass over what
// MarshalJSON returns, but for the rare decision with HTML's <, > or &,
// which json.Marshal escapes.
func decisionJSON(d journey.Decision) ([]byte, error) {
	_, raw, err := appendDecision(nil, &d)
	return raw, err
}

// appendDecision appends json.Marshal(d) to buf, and returns the longer
// buf and the encoding, which is in buf's array, but for the rare
// decision with HTML's <, > or & (see decisionJSON).
func appendDecision(buf []byte, d *journey.Decision) (longer, raw []byte, err error) {
	n := len(buf)
	buf, err = d.AppendJSON(buf)
	if err != nil {
		return buf, nil, err
	}
	// Capped, so that what the buffer takes next is not appended to it.
	raw = buf[n:len(buf):len(buf)]
	if bytes.ContainsAny(raw, "<>&") {
		var b bytes.Buffer
		json.HTMLEscape(&b, raw)
		return buf[:n], b.Bytes()[:b.Len():b.Len()], nil
	}
	return buf, raw, nil
}

func (ps *pass) fail(err error) {
	if ps.err == nil {
		ps.err = fmt.Errorf("account %q: %w", ps.id, err)
	}
}

func (ps *pass) run(ctx context.Context, w *work) outcome {
	var out outcome
	st := ps.st
	st.Program = ps.p.Version
	if len(st.Groups) == 0 && st.Revision == 0 || st.Requalify {
		ps.requalify = true
		// A pending requalification, once done, is a change to commit
		// even when it decides nothing new: else the account would stay
		// due and be qualified again at every Advance.
		ps.requalified = st.Requalify
		st.Requalify = false
	}
	if st.Rederive {
		// Derived anew below, as every pass that commits: the request
		// is done with once committed.
		st.Rederive, ps.changed = false, true
	}
	if w.erase != nil {
		ps.erase(w.erase)
	}
	if w.account || w.persons {
		a, from, persons, into, ok := ps.e.identityOf(ps.id, w.persons, ps.p.Persona)
		if ok && into == "" && w.account && !accountEqual(&st.Account, &a) {
			st.Account = a
			ps.requalify, ps.changed = true, true
			ps.log("account.updated", "", ps.now, a)
		}
		if ok && from != nil && !bytes.Equal(st.Origin, from) {
			st.Origin, ps.changed = from, true // what Recover rebuilds the account's records from
		}
		if ok && w.persons {
			ps.lookUpLeft(ctx, persons, w.joined)
			ps.carryLeft(ctx, persons, w.joined, ps.earliestDecision(w))
			ps.setPersons(persons)
			ps.consentTouched = append(ps.consentTouched, ps.takeAliases(w.joined)...)
			ps.resolveContactRoles()
		}
		if ok && into != "" && st.MergedInto == "" {
			ps.retire(ctx, into)
		}
	}
	// Where an opportunity belongs is the engine's latest word on it
	// (read now, as persons are): passes of two calls that moved it may
	// commit in either order and still leave it on one account.
	for _, m := range w.movedAway {
		if holder := ps.e.opportunityHolder(m.ID); holder != ps.id {
			ps.moveOpportunity(movedOpportunity{ID: m.ID, To: holder})
		}
	}
	for i := range w.opportunities {
		o := &w.opportunities[i]
		if holder := ps.e.opportunityHolder(o.ID); holder != ps.id {
			ps.moveOpportunity(movedOpportunity{ID: o.ID, To: holder}) // a later call moved it on
			continue
		}
		ps.upsertOpportunity(o)
	}
	if w.handedOver != nil {
		ps.takeOver(w.handedOver)
	}
	if st.MergedInto != "" {
		// An account merged into another decides nothing more: its state
		// is its history (see retire). The pass that merged it keeps the
		// books of the persons it let go (roles, scores, readiness,
		// audiences, a last snapshot of its groups), and moves no stage,
		// raises no alert, enters no journey.
		ps.merged(w, &out)
		if ps.retired && ps.err == nil {
			ps.qualify()
			ps.groupScores()
			ps.readiness()
			ps.audiences()
			st.Refreshed = ps.now
			ps.snapshots()
		}
		return out
	}
	if len(w.activities) > 0 {
		ps.rearmBefore(w.activities)
		ps.ingest(w, &out)
	}
	ps.consent(ctx, w)
	for i := range w.events {
		if ev := &w.events[i]; ev.Type == journey.EventExternalResult && !awaited(&st.Journeys, ev) {
			// An answer no journey waits for would reach no track and
			// change nothing: it is refused with why, not dropped.
			out.rejected = append(out.rejected, Rejection{Kind: KindExternalResult, Account: ps.id, Reason: "not_waiting",
				Detail: fmt.Sprintf("no journey of the account waits for an answer to call %q (never asked, answered already, or timed out)", ev.Key)})
			continue
		}
		ps.jevents = append(ps.jevents, w.events[i])
	}
	if !w.tick && !ps.changed && !ps.requalify && len(ps.jevents) == 0 && len(ps.events) == 0 && rec0(st) {
		ps.idle = true
		return out
	}
	if ps.requalify {
		ps.qualify()
	}
	ps.activityDue()
	ps.derive()
	ps.stepJourneys(ctx, &out)
	ps.snapshots()
	st.pruneActivities(ps.now, ps.e.retention(ps.p))
	for name, l := range st.Scores {
		if s := ps.scorer(name); s != nil {
			for _, pst := range l.Persons {
				s.Compact(pst, ps.now)
			}
		}
	}
	return out
}

// awaited reports whether a track of st waits at an external node for
// the answer ev, by its call's key: an answer dated after the track's
// timeout is none (the track took the timeout path then).
func awaited(st *journey.State, ev *journey.Event) bool {
	for i := range st.Instances {
		for _, tr := range st.Instances[i].Tracks {
			if tr.Key == ev.Key && tr.Status == journey.TrackActive && tr.Waiting && (tr.Due.IsZero() || !ev.At.After(tr.Due)) {
				return true
			}
		}
	}
	return false
}

// activityDue moves ActivityDue on once the pass reached it: to the
// earliest record of an activity still ahead, or to none.
func (ps *pass) activityDue() {
	st := ps.st
	if st.ActivityDue.IsZero() || st.ActivityDue.After(ps.now) {
		return
	}
	st.ActivityDue = time.Time{}
	for i := range st.Activities {
		if at := st.Activities[i].Time; at.After(ps.now) {
			st.ActivityDue = earliest(st.ActivityDue, at)
		}
	}
	ps.changed = true
}

// rec0 reports whether the state has been committed before (a new account
// always commits its first state).
func rec0(st *accountState) bool { return st.Revision > 0 }

func (ps *pass) scorer(name string) *scoring.Scorer {
	for _, s := range ps.p.Scorers {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

func accountEqual(a, b *b2b.Account) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// setPersons replaces the account's persons with the list identity
// resolution gives now; a person missing from it has left the account.
func (ps *pass) setPersons(list []personEntry) {
	slices.SortFunc(list, func(a, b personEntry) int {
		switch {
		case a.Person.ID < b.Person.ID:
			return -1
		case a.Person.ID > b.Person.ID:
			return 1
		}
		return 0
	})
	ps.consentOnto(list)
	old, _ := json.Marshal(ps.st.Persons)
	next, _ := json.Marshal(list)
	if string(old) == string(next) {
		return
	}
	for _, pe := range list {
		if ps.st.person(pe.Person.ID) == nil {
			ps.log("person.linked", pe.Person.ID, ps.now, pe.Link)
		}
	}
	for _, pe := range ps.st.Persons {
		if !slices.ContainsFunc(list, func(x personEntry) bool { return x.Person.ID == pe.Person.ID }) {
			ps.log("person.unlinked", pe.Person.ID, ps.now, map[string]string{"reason": "no longer linked to the account"})
		}
	}
	ps.st.Persons = list
	ps.requalify, ps.changed = true, true
}
