package engine

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

// ErrUnknownPerson: the person is known neither to identity resolution nor
// to the store (never seen, or already erased).
var ErrUnknownPerson = identity.ErrUnknownPerson

// Erasure reports what [Engine.ErasePerson] removed.
type Erasure struct {
	// Person is the person's ID: the one erased for, or the person it was
	// merged into when it was an alias.
	Person b2b.PersonID
	// IDs are every ID the person had: their ID and those of the records
	// merged into them (a merge leaves the older ID on what it named
	// before).
	IDs []b2b.PersonID
	// Records are the person's source records that identity resolution
	// forgot: the records to erase in the sources too (a record that
	// arrives again creates a new person). Empty when identity had
	// forgotten the person already.
	Records []identity.RecordRef
	// Accounts are the accounts that held something of the person and
	// were rewritten (their state, or events and queued messages that
	// named them), in ID order.
	Accounts []b2b.AccountID
	// Redacted counts the events of others (or of no one) and the queued
	// messages to others that named the person and were rewritten without
	// them: a sales alert listing the person among the engaged members, an
	// opportunity's contact roles.
	Redacted int
	// Events and Outbox count the person's own events and outbox entries
	// (delivered or not) the store removed.
	Events, Outbox int
	// Suppression holds the hashes (governance.SuppressionHash) of the
	// person's emails and phone number, now on the engine's suppression
	// list and in the states of the accounts the person was erased from,
	// where [Engine.Recover] finds them: keep them all the same (a person
	// who was in no account's state leaves them nowhere else), and hand
	// them to [Engine.Suppress] when starting an engine again (see there). It is set as soon as the person is
	// found, so keep it also when ErasePerson returns an error: a repeat
	// after identity forgot the person cannot find the addresses again.
	Suppression []string
	// Report accounts for the passes that rewrote the accounts (the
	// journeys may decide something once the person is gone: a role is
	// empty again) and for those that ran before them, at their own
	// times, what the accounts were due to decide before the erasure (a
	// journey wait that ended with no Advance since).
	Report Report
}

// ErasePerson erases a person (the right to be forgotten) from everything
// the engine keeps:
//
//   - first of all, the hashes of the person's emails and phone number go
//     on the engine's suppression list ([Engine.Suppress]): nothing more
//     is sent to those addresses. An address or number that persons who
//     are not the same share (noreply@acme.com, 000-000-0000, a phone of
//     fewer than 7 digits: b2b.PlaceholderEmail, b2b.PlaceholderPhone) is
//     nobody's, as governance.PlanErasure takes it: it is neither
//     suppressed nor redacted;
//   - every account the person appears in is rewritten without them: its
//     person list, buying-group claims, memberships and their history,
//     score ledgers and adjustments, recent activities and the time of
//     their last one, opportunity contact roles, and the journeys'
//     contact history, held-back messages and the event of the person's
//     that a listen heard (kept for a later sales alert, which then tells
//     of a forgotten person).
//     Derived state (roles, group scores, readiness, audiences) is
//     recomputed without the person, and journeys step as usual. The pass
//     logs "person.erased", which names no one. What an account was due
//     to decide before now (a journey wait that ended, with no Advance
//     since) is decided first, at its own time, as before any input
//     (a message it would send the person is skipped: their addresses
//     are suppressed already);
//   - events of others (or of no one) and messages to others still queued
//     (a sales alert) that name the person are redacted in the same
//     commit: list entries about the person (a sales alert's engaged
//     member, a contact role) and map entries keyed by their ID are
//     dropped, and their IDs, emails, phone numbers and full name are
//     replaced by "(erased)" wherever else they appear as whole words, in
//     any letter case and as HTML escapes them (not inside a longer name,
//     email or ID: dev.ann@acme.com stays when ann@acme.com goes). A full
//     name in Chinese, Japanese or Korean is replaced wherever it is
//     written as those languages write it, run together, family name
//     first, with an honorific or suffix attached (山田太郎様, 김민준님:
//     governance.RunTogetherForms), as governance.PlanErasure finds it in
//     a message. A message being delivered at that moment goes out as it
//     was;
//   - the store removes the person's own events and outbox entries,
//     delivered or not, so nothing queued for the person is sent;
//   - identity resolution forgets the person's records, identifiers and
//     account links. The calls that resolved identity before it did (an
//     upsert under way) are waited for, and whatever they wrote of the
//     person (a new link, a record merged in) is erased too; calls that
//     start later are not held up.
//
// The person may be named by any of their IDs; a blank ID is refused,
// changing nothing, with an error matching b2b.ErrInvalid, and an ID no
// one has with one matching [ErrUnknownPerson]. A failure part way leaves
// identity and the person's own events in place, so calling ErasePerson
// again finishes the job; should it fail after identity forgot the person
// (only when it had to erase again what a concurrent pass wrote), call it
// again for each of Erasure.IDs. Counters, which hold no personal data,
// are left as they are; the KPIs computed from the log afterwards no
// longer count the person's messages and decisions.
//
// What lives outside the engine is the host's to erase: the consent
// ledger (governance.Ledger.Erase), the sources (Erasure.Records),
// messages already delivered, and messages the host enqueued itself
// without an account (Engine.Outbox().Enqueue) that name the person to
// someone else.
func (e *Engine) ErasePerson(ctx context.Context, id b2b.PersonID) (Erasure, error) {
	er := Erasure{Person: id}
	if id == "" {
		var ps b2b.Problems
		ps.Addf("person", "is required")
		return er, ps.Err("erase")
	}
	if err := ctx.Err(); err != nil {
		return er, err // before anything, the suppression list included
	}
	target := &erasure{}
	target.addPerson(id)
	e.idMu.Lock()
	gp, gerr := e.graph.Person(id)
	var linked []b2b.AccountID
	var emails []string
	var phone string
	if gerr == nil {
		er.Person = gp.ID
		emails, phone = []string{gp.Person.Email}, gp.Person.Phone
		target.addPerson(gp.ID)
		for _, r := range gp.Records {
			target.addPerson(b2b.PersonID(r.String()))
		}
		target.addPersonData(&gp.Person)
		emails = append(emails, target.addEmails(gp.Identifiers)...)
		for _, l := range gp.Links {
			linked = append(linked, l.Account)
		}
		if e.cfg.Rollup {
			linked = e.withAncestors(linked)
		}
	}
	e.idMu.Unlock()
	er.IDs = slices.Clone(target.persons)
	changed := map[b2b.AccountID]bool{} // the accounts the rounds' passes changed
	if gerr == nil {
		// First of all: no journey message goes to these addresses any
		// more, even to a person a source creates again from the same
		// records.
		er.Suppression = suppressionHashes(emails, phone)
		if err := e.Suppress(er.Suppression...); err != nil {
			return er, err
		}
		target.hashes = er.Suppression
	}
	if err := e.eraseRound(ctx, target, linked, &er, changed); err != nil {
		return er, err
	}
	if gerr != nil && len(er.Accounts) == 0 && er.Events == 0 && er.Outbox == 0 {
		return er, fmt.Errorf("erase: %w %q", ErrUnknownPerson, id)
	}
	if gerr == nil {
		e.idMu.Lock()
		rep, err := e.graph.Erase(gp.ID)
		if err == nil {
			// What changed since the first look: a link or a record
			// merged in by a call that ran meanwhile.
			for _, l := range rep.Links {
				linked = append(linked, l.Account)
			}
			if e.cfg.Rollup {
				linked = e.withAncestors(linked)
			}
		}
		e.idMu.Unlock()
		if err != nil {
			return er, fmt.Errorf("erase %q: %w", id, err)
		}
		er.Records = rep.Records
		for _, r := range rep.Records {
			target.addPerson(b2b.PersonID(r.String()))
		}
		emails = append(emails, target.addEmails(rep.Identifiers)...)
		er.Suppression = suppressionHashes(emails, phone) // with the emails merged in meanwhile
		if err := e.Suppress(er.Suppression...); err != nil {
			return er, err
		}
		target.hashes = er.Suppression
		er.IDs = slices.Clone(target.persons)
		// Wait for the calls that resolved identity before it forgot the
		// person, then erase what they and the calls since the first look
		// wrote of them: in the accounts seen so far too, since the
		// store may have erased the events that would find them.
		e.calls.waitPrior()
		if err := e.eraseRound(ctx, target, append(linked, er.Accounts...), &er, changed); err != nil {
			return er, err
		}
	}
	e.counters.erased.Add(1)
	e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "person erased", slog.Int("accounts", len(er.Accounts)),
		slog.Int("redacted", er.Redacted), slog.Int("events", er.Events), slog.Int("outbox", er.Outbox))
	return er, nil
}

// eraseRound rewrites every account that holds something of the person
// (those of extra, and those the store finds), then has the store remove
// the person's own events and outbox entries.
func (e *Engine) eraseRound(ctx context.Context, target *erasure, extra []b2b.AccountID, er *Erasure, changed map[b2b.AccountID]bool) error {
	accounts := slices.Clone(extra)
	for _, p := range target.persons {
		accs, err := e.cfg.Store.PersonAccounts(ctx, e.cfg.Tenant, p)
		if err != nil {
			return fmt.Errorf("erase %q: accounts: %w", er.Person, err)
		}
		accounts = append(accounts, accs...)
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	now := e.cfg.Clock.Now()
	var mu sync.Mutex
	err := e.forEachAccount(ctx, accounts, func(ctx context.Context, acc b2b.AccountID) error {
		// What the account was due to decide before now (a journey wait
		// that ended) runs first, at its own time, as before any input.
		caught, w, err := e.catchUpBefore(ctx, acc, &work{erase: target}, now)
		if err != nil {
			return err
		}
		if !caught.idle {
			mu.Lock()
			er.Report.Steps += caught.steps
			er.Report.Messages += caught.messages
			changed[acc] = true
			mu.Unlock()
		}
		out, err := e.process(ctx, acc, w, now)
		if errors.Is(err, ErrUnknownAccount) {
			return nil // linked, but no state yet: nothing to rewrite
		}
		if err != nil {
			return err
		}
		if out.idle {
			return nil // nothing of the person here
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(er.Accounts, acc) {
			er.Accounts = append(er.Accounts, acc)
		}
		er.Redacted += out.redacted
		// An erasure's pass applies no input: what it did is its steps
		// and messages (a journey's recipient gone, say).
		er.Report.Steps += out.steps
		er.Report.Messages += out.messages
		changed[acc] = true
		return nil
	})
	slices.Sort(er.Accounts)
	// An account counts once, whichever of its passes changed it (the
	// catch-up's, the erasure's) and in however many rounds, as an Apply
	// counts the accounts it changed.
	er.Report.Accounts = len(changed)
	if err != nil {
		return fmt.Errorf("erase %q: %w", er.Person, err)
	}
	for _, p := range target.persons {
		rep, err := e.cfg.Store.ErasePerson(ctx, e.cfg.Tenant, p)
		if err != nil {
			return fmt.Errorf("erase %q: store: %w", er.Person, err)
		}
		er.Events += rep.Events
		er.Outbox += rep.Outbox
	}
	return nil
}

// erasure is the work of erasing one person from an account: who, and the
// strings that identify them in event payloads.
type erasure struct {
	// persons are every ID the person had.
	persons []b2b.PersonID
	// texts are emails, phone numbers and full names, matched as words in
	// any letter case.
	texts []string
	// runTogether are the ways a full name in Chinese, Japanese or Korean
	// is written (governance.RunTogetherForms), matched anywhere in a
	// string, as those scripts put no space between a name and what
	// follows it (山田太郎様).
	runTogether []string
	// hashes are the suppression hashes of the person's addresses, which
	// the states the person is erased from keep (for Recover).
	hashes []string
}

func (er *erasure) addPerson(id b2b.PersonID) {
	if id != "" && !slices.Contains(er.persons, id) {
		er.persons = append(er.persons, id)
	}
}

func (er *erasure) addText(s string) {
	// As HTML templates escape it too (O'Brien is O&#39;Brien in an
	// email's HTML part).
	escaped := html.EscapeString(s)
	for _, t := range []string{s, escaped, strings.ReplaceAll(escaped, "+", "&#43;")} {
		if len(t) >= 5 && !slices.ContainsFunc(er.texts, func(x string) bool { return strings.EqualFold(t, x) }) {
			er.texts = append(er.texts, t)
		}
	}
}

// addEmails adds the email addresses among identity's identifiers of the
// person, and returns them. A placeholder (noreply@acme.com,
// b2b.PlaceholderEmail) is nobody's, and left out.
func (er *erasure) addEmails(idents []identity.Identifier) []string {
	var out []string
	for _, ident := range idents {
		if ident.Namespace == identity.NSEmail && !b2b.PlaceholderEmail(ident.Value) {
			er.addText(ident.Value)
			out = append(out, ident.Value)
		}
	}
	return out
}

// addPersonData adds what identifies the person in a golden record: not
// an email or phone that persons who are not the same share
// (noreply@acme.com, 000-000-0000, a phone of fewer than 7 digits:
// b2b.PlaceholderEmail, b2b.PlaceholderPhone), which governance.PlanErasure
// takes for nobody's either.
func (er *erasure) addPersonData(p *b2b.Person) {
	if !b2b.PlaceholderEmail(p.Email) {
		er.addText(p.Email)
	}
	if !b2b.PlaceholderPhone(p.Phone) {
		er.addText(p.Phone)
		// As SMS messages are addressed and their senders given it
		// (+442079460958 for 0044 20 7946 0958).
		if e, ok := b2b.E164Phone(p.Phone); ok && e != p.Phone {
			er.addText(e)
		}
	}
	if p.FirstName != "" && p.LastName != "" {
		er.addText(p.Name())
		for _, f := range governance.RunTogetherForms(p.FirstName, p.LastName) {
			if !slices.Contains(er.runTogether, f) {
				er.runTogether = append(er.runTogether, f)
			}
		}
	}
}

func (er *erasure) is(id b2b.PersonID) bool { return slices.Contains(er.persons, id) }

// withState returns the erasure completed with what the account's state
// knows of the person (identity may have forgotten them already).
func (er *erasure) withState(st *accountState) *erasure {
	out := &erasure{persons: slices.Clone(er.persons), texts: slices.Clone(er.texts), runTogether: slices.Clone(er.runTogether), hashes: er.hashes}
	for _, p := range er.persons {
		if pe := st.person(p); pe != nil {
			out.addPersonData(&pe.Person)
		}
	}
	return out
}

// erase removes the person, under every ID they had, from the pass's
// state. Derived state is recomputed by the rest of the pass.
func (ps *pass) erase(er *erasure) {
	st := ps.st
	ps.erased = er.withState(st)
	removed := map[string]int{}
	if slices.ContainsFunc(st.Persons, func(x personEntry) bool { return er.is(x.Person.ID) }) {
		// The list is shared with the committed state: replace it.
		st.Persons = slices.DeleteFunc(slices.Clone(st.Persons), func(x personEntry) bool { return er.is(x.Person.ID) })
		removed["persons"]++
	}
	if slices.ContainsFunc(st.Departed, func(d departedPerson) bool { return er.is(d.Person) }) {
		st.Departed = slices.DeleteFunc(slices.Clone(st.Departed), func(d departedPerson) bool { return er.is(d.Person) })
	}
	for _, p := range er.persons {
		for i := range st.Groups {
			if !st.Groups[i].Mentions(p) {
				continue
			}
			g, evs, err := ps.p.Groups.ErasePerson(st.Groups[i], p, ps.now)
			if err != nil {
				ps.fail(fmt.Errorf("erase from group %q: %w", st.Groups[i].ID, err))
				return
			}
			st.Groups[i] = g
			ps.groupEvents(evs)
			removed["groups"]++
		}
		for _, l := range st.Scores {
			if _, ok := l.Persons[p]; ok {
				delete(l.Persons, p)
				removed["ledgers"]++
			}
		}
		if _, ok := st.Adjustments["person/"+string(p)]; ok {
			delete(st.Adjustments, "person/"+string(p))
			removed["adjustments"]++
		}
		removed["journeyRecords"] += st.Journeys.ForgetPerson(p)
		if _, ok := st.LastActivity[p]; ok {
			delete(st.LastActivity, p)
			removed["lastActivity"]++
		}
		removed["consentStatements"] += st.eraseConsent(p)
	}
	// A journey track's reason that a state of earlier code keeps tells of
	// a heard event without saying whose (journey.Track.ReasonPerson), so
	// ForgetPerson does not find it: it is redacted as the log is.
	rd := ps.erased.redactor()
	for i := range st.Journeys.Instances {
		for t := range st.Journeys.Instances[i].Tracks {
			tr := &st.Journeys.Instances[i].Tracks[t]
			if out := rd.text(tr.Reason); out != tr.Reason {
				tr.Reason = out
				removed["journeyRecords"]++
			}
		}
	}
	n := len(st.Activities)
	st.Activities = slices.DeleteFunc(st.Activities, func(a activityRecord) bool { return er.is(a.Person) })
	removed["activities"] = n - len(st.Activities)
	for i := range st.Opportunities {
		o := &st.Opportunities[i]
		n := len(o.ContactRoles)
		o.ContactRoles = slices.DeleteFunc(o.ContactRoles, func(c b2b.ContactRole) bool { return er.is(c.Person) })
		removed["contactRoles"] += n - len(o.ContactRoles)
	}
	for k, v := range removed {
		if v == 0 {
			delete(removed, k)
		}
	}
	if len(removed) == 0 {
		// Nothing of the person here (any more): the pass may be idle,
		// unless it keeps hashes found since it erased them here.
		ps.changed = ps.keepSuppressed(er.hashes, false) || ps.changed
		return
	}
	ps.keepSuppressed(er.hashes, true)
	ps.requalify, ps.changed = true, true
	ps.log("person.erased", "", ps.now, map[string]any{"removed": removed})
}
