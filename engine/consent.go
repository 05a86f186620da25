package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/store"
)

// consentOf finds the activities that state consent (the types of
// Config.ActivityConsent and governance.ConsentChangedType) and returns
// the statement of each, by index. A consent_changed activity whose
// channel or status is missing or unknown states nothing one could act
// on: its error takes its place in invalid, so that it is rejected with
// why rather than applied as if it had said nothing.
func (e *Engine) consentOf(acts []b2b.Activity, invalid []error) map[int]governance.Statement {
	var out map[int]governance.Statement
	for i := range acts {
		a := &acts[i]
		if _, mapped := e.cfg.ActivityConsent[a.Type]; !mapped && a.Type != governance.ConsentChangedType || invalid[i] != nil {
			continue
		}
		stmts, err := governance.ConsentFromActivities(acts[i:i+1], e.cfg.ActivityConsent)
		if err != nil {
			invalid[i] = consentProblems(a.ID, err)
			continue
		}
		if out == nil {
			out = map[int]governance.Statement{}
		}
		out[i] = stmts[0]
	}
	return out
}

// consentProblems restates ConsentFromActivities' problems with one
// activity as that activity's validation error, with the paths of
// Activity.Validate (attributes["channel"]).
func consentProblems(id b2b.ActivityID, err error) error {
	var ps b2b.Problems
	if ve, ok := err.(*b2b.ValidationError); ok {
		for _, p := range ve.Problems {
			ps.Add(strings.TrimPrefix(p.Path, "[0]."), p.Err)
		}
	} else {
		ps.Add("attributes", err)
	}
	return ps.Err("activity %q", id)
}

// routeConsent hands a consent statement to every account that holds its
// person: the accounts its activity goes to, and every other account of
// the person (and, with rollup, their parents), since consent is the
// person's, whichever account an activity names. Callers hold idMu.
func (e *Engine) routeConsent(works map[b2b.AccountID]*work, s governance.Statement, accounts []b2b.AccountID) {
	targets := slices.Clone(accounts)
	targets, _ = e.graph.AppendLinkedAccounts(targets, s.Person)
	if e.cfg.Rollup {
		targets = e.withAncestors(targets)
	}
	slices.Sort(targets)
	for _, acc := range slices.Compact(targets) {
		w := workFor(works, acc)
		w.consent = append(w.consent, s)
	}
}

// consentEvent is the data of a consent.changed event: a person's consent
// for a channel went from one status to another, decided by the
// statement of Source at At (Ref: the activity that made it, or "person
// <id>" for the sources' record), for Reason.
type consentEvent struct {
	Channel b2b.Channel       `json:"channel"`
	From    b2b.ConsentStatus `json:"from"`
	To      b2b.ConsentStatus `json:"to"`
	Source  b2b.Source        `json:"source,omitempty"`
	At      time.Time         `json:"at,omitzero"`
	Ref     string            `json:"ref,omitempty"`
	Reason  string            `json:"reason"`
}

// consent takes the pass's consent statements into the account's state
// and brings its persons' consent up to date before anything reads it:
// a person's consent is what governance.ApplyConsent decides at the
// pass's time from the sources' record of the person and the statements
// the state keeps of them. It logs a consent.changed event for each
// channel whose status changed for a person the account held before.
//
// A pass without consent statements, without a statement whose time came
// (one dated ahead, kept until then) and without new person records
// costs nothing here: the hot path of a pass (activities of other types)
// does not look at consent.
func (ps *pass) consent(ctx context.Context, w *work) {
	st := ps.st
	due := !st.ConsentDue.IsZero() && !st.ConsentDue.After(ps.now)
	replaced := ps.committed == nil || !sameEntries(st.Persons, ps.committed.Persons)
	if len(w.consent) == 0 && !due && !replaced && len(w.joined) == 0 && len(ps.consentTouched) == 0 {
		return
	}
	touched := map[b2b.PersonID]bool{}
	for _, id := range ps.consentTouched {
		touched[id] = true
	}
	if replaced || len(w.joined) > 0 {
		ps.inheritStatements(ctx, w.joined, touched)
	}
	// An activity older than the retention is rejected as too late where
	// it was routed: what it states is not taken either.
	cut := ps.now.Add(-ps.e.retention(ps.p))
	for _, s := range w.consent {
		if s.At.Before(cut) || slices.ContainsFunc(st.Consent[s.Person], func(x governance.Statement) bool { return sameStatement(&x, &s) }) {
			continue
		}
		ps.keepStatement(s)
		touched[s.Person] = true
		ps.changed = true // the statement is kept, whatever it changes
	}
	if due {
		for id := range st.Consent {
			touched[id] = true
		}
	}
	owned := false
	for id := range touched {
		pe := st.person(id)
		if pe == nil {
			continue // not (or no longer) the account's: kept for when they are
		}
		p, decisions := ps.applyStatements(&pe.Person)
		if maps.Equal(p.Consent, pe.Person.Consent) {
			continue
		}
		if !owned {
			// The list is shared with the committed state: replace it.
			st.Persons, owned = slices.Clone(st.Persons), true
			pe = st.person(id)
		}
		pe.Person = p
		ps.requalify, ps.changed = true, true // rules may read consent
		if ps.consentWhy == nil {
			ps.consentWhy = map[b2b.PersonID]map[b2b.Channel]governance.ConsentDecision{}
		}
		ps.consentWhy[id] = decisions
	}
	ps.pruneStatements()
	ps.logConsent(touched, replaced)
}

// inheritStatements gives a person new to the account, or one the call's
// identity changes moved or merged (joined), the statements the other
// accounts of theirs keep of them: those they are in too (Others) and
// those they left (see joining), under their ID or the IDs of the persons
// merged into them. An unsubscribe made before the person joined this
// account is theirs here too. It marks them touched, so that their
// consent is decided again.
func (ps *pass) inheritStatements(ctx context.Context, joined map[b2b.PersonID]*joining, touched map[b2b.PersonID]bool) {
	st := ps.st
	var others map[b2b.AccountID]*accountState
	for i := range st.Persons {
		pe := &st.Persons[i]
		j := joined[pe.Person.ID]
		if j == nil && (len(pe.Others) == 0 || ps.committed != nil && ps.committed.person(pe.Person.ID) != nil) {
			continue
		}
		accounts := pe.Others
		ids := []b2b.PersonID{pe.Person.ID}
		if j != nil {
			accounts = sortedUnion(accounts, j.from)
			ids = append(ids, j.aliases...)
		}
		for _, acc := range accounts {
			if acc == ps.id {
				continue
			}
			ost, ok := others[acc]
			if !ok {
				if ost, ok = ps.otherState(ctx, acc, "consent statements"); !ok {
					return
				}
				if others == nil {
					others = map[b2b.AccountID]*accountState{}
				}
				others[acc] = ost
			}
			if ost == nil {
				continue
			}
			for _, id := range ids {
				for _, s := range ost.Consent[id] {
					s.Person = pe.Person.ID
					if ps.keepStatement(s) {
						touched[s.Person] = true
						ps.changed = true
					}
				}
			}
		}
	}
}

// otherState reads another account's committed state, for what (an
// error's words); nil when it has none. On a failure it fails the pass
// and returns false.
func (ps *pass) otherState(ctx context.Context, acc b2b.AccountID, what string) (*accountState, bool) {
	rec, err := ps.e.cfg.Store.LoadAccount(ctx, ps.e.cfg.Tenant, acc)
	if errors.Is(err, store.ErrNotFound) {
		return nil, true
	}
	if err != nil {
		ps.fail(fmt.Errorf("%s of account %q: %w", what, acc, err))
		return nil, false
	}
	st, err := ps.e.readState(&rec)
	if err != nil {
		ps.fail(fmt.Errorf("%s of account %q: %w", what, acc, err))
		return nil, false
	}
	return st, true
}

// applyStatements returns the person with their consent as their record
// and the statements the state keeps of them decide at the pass's time,
// and the decisions by channel. Statements dated ahead are kept for when
// their time comes (governance.ApplyConsent leaves them to the caller),
// those of the record among them too: the person's consent now holds the
// decision at this time, not the record's statement.
func (ps *pass) applyStatements(p *b2b.Person) (b2b.Person, map[b2b.Channel]governance.ConsentDecision) {
	out := *p
	out.Consent = maps.Clone(p.Consent)
	stmts := ps.st.Consent[p.ID]
	decisions := governance.ApplyConsent(&out, stmts, ps.now, ps.e.cfg.ConsentRules)
	for _, ch := range slices.Sorted(maps.Keys(decisions)) {
		for _, s := range decisions[ch].Pending {
			if !slices.ContainsFunc(stmts, func(x governance.Statement) bool { return sameStatement(&x, &s) }) {
				stmts = append(slices.Clip(stmts), s)
			}
		}
	}
	if len(stmts) > len(ps.st.Consent[p.ID]) {
		ps.st.Consent[p.ID] = stmts
	}
	return out, decisions
}

// consentOnto brings the consent of a new list of persons (identity's,
// from the sources' records) up to date with the statements the state
// keeps, so that a record that says nothing new leaves the list as it
// was: an unsubscribe is not undone by a CRM sync that had not seen it.
func (ps *pass) consentOnto(list []personEntry) {
	if len(ps.st.Consent) == 0 {
		return
	}
	for i := range list {
		pe := &list[i]
		if len(ps.st.Consent[pe.Person.ID]) == 0 {
			continue
		}
		p, decisions := ps.applyStatements(&pe.Person)
		pe.Person = p
		if ps.consentWhy == nil {
			ps.consentWhy = map[b2b.PersonID]map[b2b.Channel]governance.ConsentDecision{}
		}
		ps.consentWhy[pe.Person.ID] = decisions
	}
}

// pruneStatements forgets the statements that can no longer decide
// anything, and sets when the account next needs its consent decided
// again (the earliest statement dated ahead). A statement made more than
// the consent window before a person's latest one in effect is out of
// every decision from now on (governance.Resolve weighs only the
// statements within the window of the latest); those dated ahead are kept
// until their time.
func (ps *pass) pruneStatements() {
	st := ps.st
	window := cmp.Or(ps.e.cfg.ConsentRules.Window, governance.DefaultConsentWindow)
	var due time.Time
	for id, ss := range st.Consent {
		var latest time.Time
		for i := range ss {
			if !ss[i].At.After(ps.now) && ss[i].At.After(latest) {
				latest = ss[i].At
			}
			if ss[i].At.After(ps.now) && (due.IsZero() || ss[i].At.Before(due)) {
				due = ss[i].At
			}
		}
		stale := func(s governance.Statement) bool { return !s.At.After(ps.now) && s.At.Before(latest.Add(-window)) }
		if slices.ContainsFunc(ss, stale) {
			st.Consent[id] = slices.DeleteFunc(slices.Clone(ss), stale)
		}
	}
	st.ConsentDue = due
}

// logConsent logs a consent.changed event for each channel whose status
// changed for a person of the committed state: of the touched persons,
// or of every person when identity's records replaced the list.
func (ps *pass) logConsent(touched map[b2b.PersonID]bool, replaced bool) {
	if ps.committed == nil {
		return
	}
	for i := range ps.st.Persons {
		p := &ps.st.Persons[i].Person
		if !replaced && !touched[p.ID] {
			continue
		}
		before := ps.committed.person(p.ID)
		if before == nil {
			continue // a person new to the account: person.linked says so
		}
		if maps.Equal(p.Consent, before.Person.Consent) {
			continue
		}
		chans := slices.Collect(maps.Keys(p.Consent))
		chans = append(chans, slices.Collect(maps.Keys(before.Person.Consent))...)
		slices.Sort(chans)
		for _, ch := range slices.Compact(chans) {
			from, to := before.Person.ConsentFor(ch), p.ConsentFor(ch)
			if from.Status == to.Status {
				continue
			}
			ev := &consentEvent{Channel: ch, From: from.Status, To: to.Status, Source: to.Source, At: to.At}
			if d, ok := ps.consentWhy[p.ID][ch]; ok {
				ev.Ref, ev.Reason = d.Winner.Ref, d.Reason
				if !d.Consent.OptedOut() && to.OptedOut() {
					// An opt-out dated ahead of the pass restricts at once.
					ev.Ref = ""
					for _, s := range d.Pending {
						if s.Status == to.Status && s.Source == to.Source && s.At.Equal(to.At) {
							ev.Ref = s.Ref
							break
						}
					}
					ev.Reason = to.Status + " from " + cmp.Or(to.Source, "-") + " at " + to.At.UTC().Format(time.RFC3339) +
						" is dated ahead and restricts at once"
				}
			} else {
				ev.Ref, ev.Reason = "person "+string(p.ID), "the sources' record of the person"
			}
			ps.log("consent.changed", p.ID, ps.now, ev)
		}
	}
}

// sameStatement reports whether two statements are the same statement.
func sameStatement(a, b *governance.Statement) bool {
	return a.Person == b.Person && a.Channel == b.Channel && a.Status == b.Status && a.Source == b.Source &&
		a.Ref == b.Ref && a.At.Equal(b.At)
}

// sameEntries reports whether two person lists are one (a pass replaces
// the list whole when it changes it, see accountState.Persons).
func sameEntries(a, b []personEntry) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// eraseConsent forgets the consent statements of an erased person and
// returns how many there were.
func (st *accountState) eraseConsent(id b2b.PersonID) int {
	n := len(st.Consent[id])
	delete(st.Consent, id)
	return n
}

// consentForbids says why the account's committed state forbids a
// queued journey message now (its recipient's consent under the program's
// consent policy, as journeys apply it when they decide), or "".
func (ps *pass) consentForbids(p *b2b.Person, ch b2b.Channel) string {
	c := p.ConsentFor(ch)
	if c.Status == b2b.ConsentOptIn {
		return "" // the common case, decided without building a reason
	}
	requires := ps.p.Journeys.Config().Consent.RequiresOptIn
	if !c.OptedOut() && !requires(ch) {
		return "" // unknown, and the policy allows it
	}
	// Forbidden: in the dispatcher's words.
	cp := channel.ConsentPolicy{DenyUnknownEmail: requires(b2b.ChannelEmail), AllowUnknownSMS: !requires(b2b.ChannelSMS)}
	_, why := cp.Allows(ch, c)
	return why
}

// suppressed is why a queued message is not sent on purpose (its
// recipient's consent forbids it now, they left the account, they had
// the step's message already): recorded as suppressed, not as failed.
// logged, when why names persons (a recipient who left the account or
// merged into another person), says it without naming them, for the log,
// which no erasure reaches; the event log, under the recipient, has why.
type suppressed struct{ why, logged string }

func (s suppressed) Error() string { return s.why }
