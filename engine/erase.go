package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
)

// ErrUnknownPerson: the person is known neither to identity resolution nor
// to the store (never seen, or already erased).
var ErrUnknownPerson = identity.ErrUnknownPerson

// Erasure reports what [Engine.ErasePerson] removed.
type Erasure struct {
	Person b2b.PersonID
	// Records are the person's source records that identity resolution
	// forgot: the records to erase in the sources too (a record that
	// arrives again creates a new person). Empty when identity had
	// forgotten the person already (an erasure repeated after a failure).
	Records []identity.RecordRef
	// Accounts are the accounts whose states were rewritten without the
	// person, in ID order.
	Accounts []b2b.AccountID
	// Redacted counts the events of others (or of no one) that named the
	// person and were rewritten without them: a sales alert listing the
	// person among the engaged members, an opportunity's contact roles.
	Redacted int
	// Events and Outbox count the person's own events and outbox entries
	// (delivered or not) the store removed.
	Events, Outbox int
	// Report accounts for the passes that rewrote the accounts: the
	// journeys may decide something once the person is gone (a role is
	// empty again).
	Report Report
}

// ErasePerson erases a person (the right to be forgotten) from everything
// the engine keeps:
//
//   - identity resolution forgets the person's records, identifiers and
//     account links;
//   - every account the person appears in is rewritten without them: its
//     person list, buying-group claims, memberships and their history,
//     score ledgers and adjustments, recent activities, opportunity contact
//     roles, and the journeys' contact history and held-back messages.
//     Derived state (roles, group scores, readiness, audiences) is
//     recomputed without the person, and journeys step as usual. The pass
//     logs "person.erased", which names no one;
//   - events that name the person among others (a sales alert's engaged
//     members, an opportunity's contact roles) are redacted in the same
//     commit: entries about the person are dropped from their lists, and
//     the person's ID, record IDs, identifiers, email, phone and full name
//     are replaced by "(erased)" wherever else they appear;
//   - the store then removes the person's own events and outbox entries,
//     delivered or not, so nothing queued for the person is sent.
//
// A failure part way leaves the person's own events in place, so calling
// ErasePerson again finishes the job. Counters, which hold no personal
// data, are left as they are; the KPIs computed from the log afterwards no
// longer count the person's messages and decisions.
//
// What lives outside the engine is the host's to erase: the consent
// ledger (governance.Ledger.Erase), the sources (Erasure.Records), and
// messages already delivered. A sales alert queued but not yet delivered
// keeps the text it was rendered with when it was raised.
func (e *Engine) ErasePerson(ctx context.Context, id b2b.PersonID) (Erasure, error) {
	er := Erasure{Person: id}
	if id == "" {
		return er, errors.New("erase: a person ID is required")
	}
	e.idMu.Lock()
	gp, gerr := e.graph.Person(id)
	var accounts []b2b.AccountID
	target := &erasure{person: id}
	if gerr == nil {
		target.add(personNeedles(&gp.Person)...)
		for _, l := range gp.Links {
			accounts = append(accounts, l.Account)
		}
		if e.cfg.Rollup {
			accounts = e.withAncestors(accounts)
		}
		rep, err := e.graph.Erase(id)
		if err != nil {
			e.idMu.Unlock()
			return er, fmt.Errorf("erase %q: %w", id, err)
		}
		er.Records = rep.Records
		for _, r := range rep.Records {
			target.add(r.RecordID)
		}
		for _, ident := range rep.Identifiers {
			target.add(ident.Value)
		}
	}
	e.idMu.Unlock()
	stored, err := e.cfg.Store.PersonAccounts(ctx, e.cfg.Tenant, id)
	if err != nil {
		return er, fmt.Errorf("erase %q: accounts: %w", id, err)
	}
	if gerr != nil && len(stored) == 0 {
		return er, fmt.Errorf("erase: %w %q", ErrUnknownPerson, id)
	}
	accounts = append(accounts, stored...)
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)

	now := e.cfg.Clock.Now()
	var mu sync.Mutex
	err = e.forEachAccount(ctx, accounts, func(ctx context.Context, acc b2b.AccountID) error {
		out, err := e.process(ctx, acc, &work{erase: target}, now)
		if errors.Is(err, ErrUnknownAccount) {
			return nil // linked, but no state yet: nothing to rewrite
		}
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		er.Accounts = append(er.Accounts, acc)
		er.Redacted += out.redacted
		er.Report.merge(out)
		return nil
	})
	slices.Sort(er.Accounts)
	if err != nil {
		return er, fmt.Errorf("erase %q: %w", id, err)
	}
	rep, err := e.cfg.Store.ErasePerson(ctx, e.cfg.Tenant, id)
	if err != nil {
		return er, fmt.Errorf("erase %q: store: %w", id, err)
	}
	er.Events, er.Outbox = rep.Events, rep.Outbox
	e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "person erased", slog.Int("accounts", len(er.Accounts)),
		slog.Int("redacted", er.Redacted), slog.Int("events", er.Events), slog.Int("outbox", er.Outbox))
	return er, nil
}

// erasure is the work of erasing one person from an account: who, and the
// strings that identify them in event payloads.
type erasure struct {
	person b2b.PersonID
	// ids are matched whole (an ID, a record ID, an identifier); texts
	// are also replaced inside longer strings (an email, a full name).
	ids, texts []string
}

func (er *erasure) add(ids ...string) {
	for _, s := range ids {
		if s != "" && !slices.Contains(er.ids, s) {
			er.ids = append(er.ids, s)
		}
	}
}

func (er *erasure) addText(texts ...string) {
	for _, s := range texts {
		if len(s) >= 5 && !slices.Contains(er.texts, s) {
			er.texts = append(er.texts, s)
		}
	}
}

// personNeedles are the strings that identify a person whole.
func personNeedles(p *b2b.Person) []string {
	out := []string{string(p.ID), p.Email, p.Phone}
	if p.FirstName != "" && p.LastName != "" {
		out = append(out, p.Name())
	}
	return out
}

// withPerson returns the erasure completed with what the account's state
// knows of the person (identity may have forgotten them in an earlier,
// failed attempt).
func (er *erasure) withPerson(p *b2b.Person) *erasure {
	out := &erasure{person: er.person, ids: slices.Clone(er.ids), texts: slices.Clone(er.texts)}
	if p != nil {
		out.add(personNeedles(p)...)
	}
	for _, s := range out.ids {
		if strings.Contains(s, "@") || strings.Contains(s, " ") {
			out.addText(s)
		}
	}
	return out
}

// erase removes the person from the pass's state. Derived state is
// recomputed by the rest of the pass.
func (ps *pass) erase(er *erasure) {
	st := ps.st
	p := er.person
	var found *b2b.Person
	if pe := st.person(p); pe != nil {
		person := pe.Person
		found = &person
		// The list is shared with the committed state: replace it.
		st.Persons = slices.DeleteFunc(slices.Clone(st.Persons), func(x personEntry) bool { return x.Person.ID == p })
	}
	ps.erased = er.withPerson(found)
	removed := map[string]int{}
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
	n := len(st.Activities)
	st.Activities = slices.DeleteFunc(st.Activities, func(a activityRecord) bool { return a.Person == p })
	removed["activities"] = n - len(st.Activities)
	for i := range st.Opportunities {
		o := &st.Opportunities[i]
		n := len(o.ContactRoles)
		o.ContactRoles = slices.DeleteFunc(o.ContactRoles, func(c b2b.ContactRole) bool { return c.Person == p })
		removed["contactRoles"] += n - len(o.ContactRoles)
	}
	removed["journeyRecords"] = st.Journeys.ForgetPerson(p)
	for k, v := range removed {
		if v == 0 {
			delete(removed, k)
		}
	}
	ps.requalify, ps.changed = true, true
	ps.log("person.erased", "", ps.now, map[string]any{"removed": removed})
}

// redactions reads the account's log and returns the redactions of the
// events of others that name the erased person. The person's own events
// are left to the store's erasure.
func (e *Engine) redactions(ctx context.Context, id b2b.AccountID, er *erasure) ([]store.Redaction, error) {
	var needles [][]byte
	for _, s := range append(slices.Clone(er.ids), er.texts...) {
		b, _ := json.Marshal(s)
		needles = append(needles, b[1:len(b)-1]) // as the log encodes it
	}
	var out []store.Redaction
	var after int64
	for {
		page, err := e.cfg.Store.Events(ctx, &store.EventsParams{Tenant: e.cfg.Tenant, Account: id, AfterSeq: after, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("account %q: events: %w", id, err)
		}
		for _, ev := range page {
			if ev.Person == er.person || !slices.ContainsFunc(needles, func(n []byte) bool { return bytes.Contains(ev.Data, n) }) {
				continue
			}
			data, changed, err := redact(ev.Data, er)
			if err != nil {
				return nil, fmt.Errorf("account %q: redact event %d (%s): %w", id, ev.Seq, ev.Type, err)
			}
			if changed {
				out = append(out, store.Redaction{Seq: ev.Seq, Data: data})
			}
		}
		if len(page) < 1000 {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

// erasedText replaces what identified an erased person.
const erasedText = "(erased)"

// redact rewrites a JSON payload without the person: an object in a list
// that holds one of the person's IDs as a value (a member, a contact
// role) is dropped from the list, as is the ID itself in a list of IDs;
// any other string that is or contains what identifies the person is
// replaced.
func redact(data []byte, er *erasure) ([]byte, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, err
	}
	r := redactor{er: er}
	v = r.value(v)
	if !r.changed {
		return data, false, nil
	}
	out, err := json.Marshal(v)
	return out, true, err
}

type redactor struct {
	er      *erasure
	changed bool
}

func (r *redactor) value(v any) any {
	switch x := v.(type) {
	case string:
		return r.text(x)
	case map[string]any:
		for k, e := range x {
			x[k] = r.value(e)
		}
	case []any:
		kept := x[:0]
		for _, e := range x {
			if r.about(e) {
				r.changed = true
				continue
			}
			kept = append(kept, r.value(e))
		}
		return kept
	}
	return v
}

// about reports whether a list element is the person, or an object about
// the person (one of its values is one of the person's IDs).
func (r *redactor) about(v any) bool {
	switch x := v.(type) {
	case string:
		return slices.Contains(r.er.ids, x)
	case map[string]any:
		for _, e := range x {
			if s, ok := e.(string); ok && slices.Contains(r.er.ids, s) {
				return true
			}
		}
	}
	return false
}

func (r *redactor) text(s string) string {
	if slices.Contains(r.er.ids, s) {
		r.changed = true
		return erasedText
	}
	for _, t := range r.er.texts {
		if strings.Contains(s, t) {
			r.changed = true
			s = strings.ReplaceAll(s, t, erasedText)
		}
	}
	return s
}
