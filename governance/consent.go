package governance

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
)

// A Statement is one consent statement a person made, or a system recorded,
// for one channel: a form's opt-in box, a CRM field sync, an unsubscribe
// click.
type Statement struct {
	Person  b2b.PersonID
	Channel b2b.Channel
	Status  b2b.ConsentStatus
	Source  b2b.Source
	At      time.Time
	// Ref identifies where the statement came from (an activity ID, a
	// record ID), for explanations.
	Ref string
}

// ConsentRules configure how statements combine. The zero value is usable.
type ConsentRules struct {
	// Window is how close to the latest statement another statement must be
	// to compete with it. Default 24 hours; a negative window is invalid
	// ([ConsentRules.Validate]) and [Resolve] reads it as the default.
	Window time.Duration
}

// Validate reports a negative window.
func (r ConsentRules) Validate() error {
	var ps b2b.Problems
	if r.Window < 0 {
		ps.Addf("window", "%s must not be negative", r.Window)
	}
	return ps.Err("consent rules")
}

// window is r's window, the default for zero or (invalid) negative.
func (r ConsentRules) window() time.Duration {
	if r.Window <= 0 {
		return DefaultConsentWindow
	}
	return r.Window
}

// DefaultConsentWindow is the window of the zero ConsentRules.
const DefaultConsentWindow = b2b.DefaultConsentWindow

// A ConsentDecision is a person's consent for one channel with its reason.
type ConsentDecision struct {
	Consent b2b.Consent
	Reason  string
	// Winner is the statement that decided (zero when none did).
	Winner Statement
	// Pending are the statements dated after now, which do not count yet
	// (statements of a status other than opt-in and opt-out left out), by
	// time. They are not lost:
	// passed again to Resolve (or ApplyConsent) at a later now, each counts
	// once its time has come.
	Pending []Statement
}

// Resolve decides one person's consent for one channel from their
// statements, at now. The rule, "the strictest recent statement wins", is:
//
//  1. Statements after now (clock skew at a source) and statements of
//     status unknown, or of any status other than b2b.ConsentOptIn and
//     b2b.ConsentOptOut ("OPT-OUT", "optout": they state nothing Resolve
//     can read), are ignored; the decision lists the ones after now in
//     Pending. Resolve does not validate: check statuses (and channels)
//     where statements come in, as ConsentFromActivities does.
//  2. The recent statements are those made within Window (default 24h) of
//     the latest remaining statement, inclusive.
//  3. Among them, opt-out beats opt-in; between statements of the same
//     status, the latest wins, then the source that sorts first, then the
//     Ref that sorts first, then the time written in the zone furthest
//     east (then by zone name): the order of stmts never matters.
//
// So an unsubscribe is not undone by a CRM sync that had not seen it an
// hour later, but a person who opts in again a week after opting out is
// opted in. With no statement left the consent is unknown, and the reason
// lists the statements that did not count (dated after now, or stating
// neither opt-in nor opt-out).
func Resolve(stmts []Statement, now time.Time, r ConsentRules) ConsentDecision {
	window := r.window()
	var live, pending, ignored []Statement
	for _, s := range stmts {
		switch {
		case b2b.ConsentStrictness(s.Status) == 0:
			ignored = append(ignored, s)
		case s.At.After(now):
			pending = append(pending, s)
		default:
			live = append(live, s)
		}
	}
	slices.SortFunc(pending, func(a, b Statement) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(b2b.ConsentStrictness(b.Status), b2b.ConsentStrictness(a.Status)); c != 0 {
			return c
		}
		return tieBreak(a, b)
	})
	if len(live) == 0 {
		return ConsentDecision{Consent: b2b.Consent{Status: b2b.ConsentUnknown}, Reason: noneCounts(pending, ignored), Pending: pending}
	}
	latest := live[0].At
	for _, s := range live[1:] {
		if s.At.After(latest) {
			latest = s.At
		}
	}
	var recent []Statement
	for _, s := range live {
		if !s.At.Before(latest.Add(-window)) {
			recent = append(recent, s)
		}
	}
	// The recent statements are all within window of each other, so
	// b2b.CompareConsent, the rule identity merges records' consent by,
	// orders them by strictness, then time; the source breaks its ties.
	slices.SortFunc(recent, func(a, b Statement) int {
		if c := b2b.CompareConsent(b.consent(), a.consent(), window); c != 0 {
			return c
		}
		return tieBreak(a, b)
	})
	w := recent[0]
	reason := fmt.Sprintf("%s from %s at %s", w.Status, orDash(w.Source), w.At.Format(time.RFC3339))
	var others []string
	stricter := false // w is stricter than one of the others
	for _, s := range recent[1:] {
		others = append(others, fmt.Sprintf("%s from %s at %s", s.Status, orDash(s.Source), s.At.Format(time.RFC3339)))
		stricter = stricter || b2b.ConsentStrictness(s.Status) < b2b.ConsentStrictness(w.Status)
	}
	switch {
	case len(recent) == 1:
		reason += " is the latest statement"
	case stricter:
		reason += fmt.Sprintf(" wins as the strictest statement within %s of the latest (over %s)", window, strings.Join(others, ", "))
	case recent[1].At.Equal(w.At):
		// As strict as the others, and as late as the next: the tie is
		// broken by source, then reference.
		reason += fmt.Sprintf(" is the latest statement, at the same time as another as strict, and comes first by source, then reference (over %s)", strings.Join(others, ", "))
	default:
		reason += fmt.Sprintf(" is the latest statement (over %s, as strict, within %s of it)", strings.Join(others, ", "), window)
	}
	if older := len(live) - len(recent); older > 0 {
		reason += fmt.Sprintf("; %d older statement(s) no longer count", older)
	}
	return ConsentDecision{Consent: b2b.Consent{Status: w.Status, Source: w.Source, At: w.At}, Reason: reason, Winner: w, Pending: pending}
}

// noneCounts is the reason of a decision that no statement made: there
// is none, or each is dated after now (pending, in order) or states
// neither opt-in nor opt-out (ignored), which the reason tells.
func noneCounts(pending, ignored []Statement) string {
	if len(pending)+len(ignored) == 0 {
		return "no consent statement: unknown"
	}
	var parts []string
	if len(pending) > 0 {
		list := make([]string, len(pending))
		for i, s := range pending {
			list[i] = fmt.Sprintf("%s from %s at %s", s.Status, orDash(s.Source), s.At.Format(time.RFC3339))
		}
		parts = append(parts, fmt.Sprintf("%d dated after now: %s", len(pending), strings.Join(list, ", ")))
	}
	if len(ignored) > 0 {
		ignored = slices.Clone(ignored)
		slices.SortFunc(ignored, func(a, b Statement) int {
			return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Status, b.Status), tieBreak(a, b))
		})
		list := make([]string, len(ignored))
		for i, s := range ignored {
			list[i] = fmt.Sprintf("%q from %s at %s", s.Status, orDash(s.Source), s.At.Format(time.RFC3339))
		}
		parts = append(parts, fmt.Sprintf("%d stating neither opt-in nor opt-out: %s", len(ignored), strings.Join(list, ", ")))
	}
	return "no consent statement counts: unknown (" + strings.Join(parts, "; ") + ")"
}

// tieBreak orders statements the rule cannot tell apart (same status, same
// instant), so that the order they come in does not change the decision:
// by source, then reference, then the zone their time is written in (east
// first, then by name), which the reason shows.
func tieBreak(a, b Statement) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.Ref, b.Ref); c != 0 {
		return c
	}
	an, ao := a.At.Zone()
	bn, bo := b.At.Zone()
	return cmp.Or(cmp.Compare(bo, ao), strings.Compare(an, bn))
}

func orDash(s string) string { return cmp.Or(s, "-") }

func (s Statement) consent() b2b.Consent {
	return b2b.Consent{Status: s.Status, Source: s.Source, At: s.At}
}

// ResolveAll decides every person's consent for every channel they made
// statements for.
func ResolveAll(stmts []Statement, now time.Time, r ConsentRules) map[b2b.PersonID]map[b2b.Channel]ConsentDecision {
	groups := map[b2b.PersonID]map[b2b.Channel][]Statement{}
	for _, s := range stmts {
		if groups[s.Person] == nil {
			groups[s.Person] = map[b2b.Channel][]Statement{}
		}
		groups[s.Person][s.Channel] = append(groups[s.Person][s.Channel], s)
	}
	out := make(map[b2b.PersonID]map[b2b.Channel]ConsentDecision, len(groups))
	for p, byCh := range groups {
		out[p] = make(map[b2b.Channel]ConsentDecision, len(byCh))
		for ch, ss := range byCh {
			out[p][ch] = Resolve(ss, now, r)
		}
	}
	return out
}

// PersonStatements turns a person's recorded consent into statements, so
// that what a source system already says competes with new statements.
//
// A recorded statement without a time (At zero: a CRM flag) is dated as
// identity dates it when it merges records (see identity.MergePolicy), at
// the time that restricts most of those it may have been made at: an
// opt-out at the person record's time (p.UpdatedAt), the latest it can
// have been made, so that only an opt-in made after the record changed
// (by more than the window) undoes it; an opt-in stays at the zero time,
// before every dated statement, so that it never undoes a dated opt-out.
// A golden person of identity carries its undated opt-outs so dated
// already. An undated opt-out of a person without a time stays undated
// here; [ApplyConsent] counts it at now, as one whose person's time is
// after now. A golden person's opt-out that identity dated at a record's
// time reads as dated: stamped ahead of now, it is kept as an opt-out
// stamped ahead is (ApplyConsent keeps it in p.Consent, and decides it
// once its time has come).
func PersonStatements(p *b2b.Person) []Statement {
	var out []Statement
	for _, ch := range slices.Sorted(maps.Keys(p.Consent)) {
		c := p.Consent[ch]
		if c.At.IsZero() && c.Status == b2b.ConsentOptOut {
			c.At = p.UpdatedAt
		}
		out = append(out, Statement{Person: p.ID, Channel: ch, Status: c.Status, Source: c.Source, At: c.At, Ref: "person " + string(p.ID)})
	}
	return out
}

// ChannelStatus is a consent status for a channel.
type ChannelStatus struct {
	Channel b2b.Channel
	Status  b2b.ConsentStatus
}

// ActivityConsent maps activity types to the consent statement they make.
type ActivityConsent map[b2b.ActivityType]ChannelStatus

// DefaultActivityConsent: an email unsubscribe is an email opt-out, an SMS
// unsubscribe (STOP) an SMS opt-out.
var DefaultActivityConsent = ActivityConsent{
	b2b.ActivityUnsubscribeEmail: {b2b.ChannelEmail, b2b.ConsentOptOut},
	b2b.ActivityUnsubscribeSMS:   {b2b.ChannelSMS, b2b.ConsentOptOut},
}

// Validate reports every entry of m that states no consent: a channel
// other than email, sms and phone, or a status other than opt-in and
// opt-out, by activity type.
func (m ActivityConsent) Validate() error {
	var ps b2b.Problems
	for _, typ := range slices.Sorted(maps.Keys(m)) {
		cs := m[typ]
		if !slices.Contains(b2b.Channels, cs.Channel) {
			ps.Addf(typ+".channel", "%q is not a channel (email, sms, phone)", cs.Channel)
		}
		if cs.Status != b2b.ConsentOptIn && cs.Status != b2b.ConsentOptOut {
			ps.Addf(typ+".status", "%q is not opt-in or opt-out", cs.Status)
		}
		if typ == ConsentChangedType {
			ps.Addf(typ, "%s activities state their channel and status in their attributes: they take no mapping", ConsentChangedType)
		}
	}
	return ps.Err("activity consent")
}

// ConsentChangedType is an activity that states consent explicitly, with
// attributes "channel" and "status" (a preference center, a CRM field
// change).
const ConsentChangedType = "consent_changed"

// ConsentFromActivities turns consent-bearing activities into statements:
// the types of m (nil: DefaultActivityConsent) and ConsentChangedType. An
// activity of ConsentChangedType with a missing or unknown channel or status
// is not dropped silently: it is reported as a problem at its index.
func ConsentFromActivities(acts []b2b.Activity, m ActivityConsent) ([]Statement, error) {
	if m == nil {
		m = DefaultActivityConsent
	}
	var out []Statement
	var ps b2b.Problems
	for i, a := range acts {
		if cs, ok := m[a.Type]; ok {
			out = append(out, Statement{Person: a.Person, Channel: cs.Channel, Status: cs.Status, Source: a.Source, At: a.Time, Ref: string(a.ID)})
			continue
		}
		if a.Type != ConsentChangedType {
			continue
		}
		ch, st := a.Attr("channel"), a.Attr("status")
		bad := false
		if !slices.Contains(b2b.Channels, ch) {
			ps.Addf(fmt.Sprintf("[%d].attributes[\"channel\"]", i), "activity %q: %q is not a channel (email, sms, phone)", a.ID, ch)
			bad = true
		}
		if st != b2b.ConsentOptIn && st != b2b.ConsentOptOut {
			ps.Addf(fmt.Sprintf("[%d].attributes[\"status\"]", i), "activity %q: %q is not opt-in or opt-out", a.ID, st)
			bad = true
		}
		if !bad {
			out = append(out, Statement{Person: a.Person, Channel: ch, Status: st, Source: a.Source, At: a.Time, Ref: string(a.ID)})
		}
	}
	return out, ps.Err("consent activities")
}

// ApplyConsent sets p.Consent from the person's recorded consent and the
// statements about them, at now, and returns the decisions by channel
// (Resolve's at now). Statements are not validated: one for a channel
// other than b2b.Channels' is set in p.Consent as given, which
// b2b.Person.Validate then reports.
//
// The recorded consent counts as [PersonStatements] dates it: an undated
// opt-out at p.UpdatedAt (at now when p has no time: the latest it can
// have been made), an undated opt-in before every dated statement. An
// undated opt-out that decides is kept in p.Consent with the time it
// counted at, so that a later ApplyConsent counts it at the same time.
//
// A statement dated after now (the recorded consent or a new statement,
// from a source whose clock is ahead) does not count yet. p.Consent holds
// the decision at now, with one exception: an opt-out dated ahead takes
// the place of a decision that is not an opt-out, since a restriction
// takes effect at once (a recorded opt-out stamped a minute ahead is not
// replaced by unknown or by an opt-in of now; an unsubscribe stamped ahead
// is recorded). An opt-in dated ahead does not: it does not count until
// its time, so the person is not messaged on its strength before then.
//
// p.Consent holds one statement a channel, so the other statements dated
// ahead are not in it: they are in each decision's Pending, and keeping
// them is the caller's job. Passed again to a later ApplyConsent, they
// count once their time has come (a re-subscription stamped ahead is not
// lost); passing again one that p.Consent holds changes nothing. A
// [Ledger] keeps every statement.
func ApplyConsent(p *b2b.Person, stmts []Statement, now time.Time, r ConsentRules) map[b2b.Channel]ConsentDecision {
	all := PersonStatements(p)
	for i := range all {
		// An undated opt-out counts at the record's time, or at now when
		// the record has none or is stamped ahead of now (a source's
		// clock a little fast): the opt-out the record holds counts now,
		// not once its stamp has come.
		if all[i].Status == b2b.ConsentOptOut && p.Consent[all[i].Channel].At.IsZero() && (all[i].At.IsZero() || all[i].At.After(now)) {
			all[i].At = now
		}
	}
	for _, s := range stmts {
		if s.Person == p.ID {
			all = append(all, s)
		}
	}
	decisions := ResolveAll(all, now, r)[p.ID]
	if len(decisions) > 0 && p.Consent == nil {
		p.Consent = map[b2b.Channel]b2b.Consent{}
	}
	for ch, d := range decisions {
		keep := d.Consent
		for _, s := range d.Pending {
			if s.Status == b2b.ConsentOptOut && !keep.OptedOut() {
				keep = b2b.Consent{Status: s.Status, Source: s.Source, At: s.At}
			}
		}
		p.Consent[ch] = keep
	}
	return decisions
}

// A Ledger keeps consent statements in memory and answers consent questions
// with Resolve at the clock's time, where an opt-out dated ahead restricts
// at once, as in [ApplyConsent]: an unsubscribe from a source whose clock
// is ahead stops the messages claimed before its stamped time. It is safe
// for concurrent use and satisfies the dispatcher's consent lookup
// (channel.ConsentLookup).
type Ledger struct {
	mu    sync.Mutex
	clock clock.Clock
	rules ConsentRules
	stmts map[b2b.PersonID]map[b2b.Channel][]Statement
}

// NewLedger returns an empty ledger; a nil clock is clock.System.
func NewLedger(c clock.Clock, r ConsentRules) *Ledger {
	if c == nil {
		c = clock.System{}
	}
	return &Ledger{clock: c, rules: r, stmts: map[b2b.PersonID]map[b2b.Channel][]Statement{}}
}

// Record adds statements. It does not validate them: a statement of a
// status other than opt-in and opt-out counts for nothing (see [Resolve]),
// and the same statement recorded twice is kept twice (Erase counts it
// twice).
func (l *Ledger) Record(stmts ...Statement) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range stmts {
		if l.stmts[s.Person] == nil {
			l.stmts[s.Person] = map[b2b.Channel][]Statement{}
		}
		l.stmts[s.Person][s.Channel] = append(l.stmts[s.Person][s.Channel], s)
	}
}

// Consent returns the person's consent for a channel now.
func (l *Ledger) Consent(ctx context.Context, p b2b.PersonID, ch b2b.Channel) (b2b.Consent, error) {
	return l.Decide(p, ch).Consent, ctx.Err()
}

// Decide returns the person's consent decision for a channel now: Resolve's,
// unless it is not an opt-out and an opt-out is pending, in which case the
// earliest pending opt-out decides (its Winner), as ApplyConsent keeps it.
func (l *Ledger) Decide(p b2b.PersonID, ch b2b.Channel) ConsentDecision {
	l.mu.Lock()
	ss := slices.Clone(l.stmts[p][ch])
	l.mu.Unlock()
	d := Resolve(ss, l.clock.Now(), l.rules)
	if d.Consent.OptedOut() {
		return d
	}
	// Resolve leaves statements after now out; a restriction does not
	// wait for a source's clock, or the dispatcher would send to a person
	// who has just unsubscribed.
	for _, s := range d.Pending {
		if s.Status == b2b.ConsentOptOut {
			d.Reason = fmt.Sprintf("%s from %s at %s is dated after now and restricts at once (at now: %s)",
				s.Status, orDash(s.Source), s.At.Format(time.RFC3339), d.Reason)
			d.Consent, d.Winner = s.consent(), s
			break
		}
	}
	return d
}

// Erase forgets every statement about a person and returns how many there
// were.
func (l *Ledger) Erase(p b2b.PersonID) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, ss := range l.stmts[p] {
		n += len(ss)
	}
	delete(l.stmts, p)
	return n
}
