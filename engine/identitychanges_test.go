package engine_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

// Identity changes combined: a person linked to no account merged into
// another, a merge whose survivor had moved, an erasure after a move, a
// move while a message is held back by a cap, a person who leaves and
// comes back, rollup, batches, restarts and repeated runs.

// mail is one message claimed for delivery.
type mail struct {
	At       time.Time
	Account  b2b.AccountID
	Person   b2b.PersonID
	To       string
	Template string
}

func (m mail) String() string {
	return fmt.Sprintf("%s %s %s->%s (%s)", m.At.Format("Jan 2"), m.Template, m.Account, m.To, m.Person)
}

// mailbox collects every message claimed.
type mailbox struct{ got []mail }

func (mb *mailbox) deliver(t *testing.T, b *bundle) func(now time.Time) {
	return func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			mb.got = append(mb.got, mail{At: now, Account: m.Account, Person: m.Person, To: m.To, Template: m.Template})
		}
	}
}

// to returns the messages to any of the addresses.
func (mb *mailbox) to(addrs ...string) []mail {
	var out []mail
	for _, m := range mb.got {
		if slices.Contains(addrs, m.To) {
			out = append(out, m)
		}
	}
	return out
}

// overCap returns the messages that made more than max marketing emails
// (every template of these programs is one) in a week to one man (the
// messages given are his, at any address).
func overCap(ms []mail, max int) []string {
	var out []string
	for i := range ms {
		n := 0
		for j := range ms {
			if !ms[j].At.After(ms[i].At) && ms[j].At.After(ms[i].At.Add(-7*24*time.Hour)) {
				n++
			}
		}
		if n > max {
			out = append(out, ms[i].String())
		}
	}
	return out
}

// since returns the messages claimed after t.
func since(ms []mail, t time.Time) []mail {
	var out []mail
	for _, m := range ms {
		if m.At.After(t) {
			out = append(out, m)
		}
	}
	return out
}

func templates(ms []mail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Template)
	}
	return out
}

func globexRecord() identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
}

// deferCap is pipelineProgram with one marketing email a week, messages
// over it held back (up to 30 days).
func deferCap() program.Definitions {
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "1 marketing email a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 1, Per: journey.Days(7),
		Policy: journey.CapDefer, MaxDefer: journey.Days(30)}}
	return defs
}

func at(r identity.PersonRecord, t time.Time) identity.PersonRecord {
	r.Time = t
	return r
}

func upsert(t *testing.T, b *bundle, when time.Time, recs ...identity.PersonRecord) {
	t.Helper()
	b.clock.Set(when)
	rep, err := b.eng.UpsertPersons(b.ctx, recs...)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
}

// victorAtGlobexToo loads Acme and Globex with Victor's Dynamics contact
// of Globex (D-1, vk@globex.com, his oldest record), his marketing lead
// of Acme (L-2, victor@acme.com: another person until they merge) and
// Gina, Globex's CTO (L-9).
func victorAtGlobexToo(t *testing.T, b *bundle) {
	t.Helper()
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globexRecord()},
		Persons: []identity.PersonRecord{
			dynamicsContact("D-1", "vk@globex.com", "Victor", "Kim", "VP of Engineering", "globex", day0.Add(-3*time.Hour)),
			lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
}

// TestPersonFromNowhereMergedIntoAnotherKeepsConsent: Victor unsubscribes
// as Acme's lead (L-2) on day 1; on day 2, between jobs, his lead takes
// his own address and names no company (linked to no account). On day 3
// his Dynamics contact of Globex (D-1, older) takes that address: the two
// persons merge under D-1's ID. The unsubscribe is his: a careful user
// expects him opted out on Globex and never emailed there.
func TestPersonFromNowhereMergedIntoAnotherKeepsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	victorAtGlobexToo(t, b)
	mb := &mailbox{}
	deliver := mb.deliver(t, b)
	deliver(day0)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil))
	upsert(t, b, day(2), at(lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", ""), day(2)))
	require.Empty(t, personsOf(t, b, "acme"), "Victor is no one's")
	upsert(t, b, day(3), dynamicsContact("D-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "globex", day(3)))
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, b2b.PersonID("dynamics:D-1"), l2, "one person now")
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "globex", l2)[b2b.ChannelEmail], "Victor's unsubscribe as L-2 holds on Globex")
	advanceDays(t, b, 3, 20, deliver)
	victor := mb.to("victor.kim@gmail.com", "vk@globex.com", "victor@acme.com")
	require.Empty(t, since(victor, day(1)), "Victor is emailed after he unsubscribed: %v", victor)
}

// TestPersonFromNowhereMergedIntoAnotherMessagesCountInCaps: with two
// marketing emails a week, Victor had Acme's intro as L-2 and Globex's
// intro as D-1 (another address) on day 0. On day 1 his lead names no
// company (linked to no account); on day 2 D-1 takes the lead's address
// and the two merge under D-1's ID. Both intros are his: Globex's nurture
// of day 5 must skip him.
func TestPersonFromNowhereMergedIntoAnotherMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2))
	victorAtGlobexToo(t, b)
	mb := &mailbox{}
	deliver := mb.deliver(t, b)
	deliver(day0)
	victor := []string{"victor@acme.com", "vk@globex.com", "victor.kim@gmail.com"}
	require.Equal(t, []string{"intro", "intro"}, templates(mb.to(victor...)))
	upsert(t, b, day(1), at(lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", ""), day(1)))
	require.Empty(t, personsOf(t, b, "acme"), "Victor is no one's")
	upsert(t, b, day(2), dynamicsContact("D-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "globex", day(2)))
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, b2b.PersonID("dynamics:D-1"), l2, "one person now")
	advanceDays(t, b, 2, 6, deliver)
	require.Equal(t, []string{"intro", "intro"}, templates(mb.to(victor...)), "Acme's intro to L-2 counts in Victor's cap: %v", mb.to(victor...))
}

// TestMergedSurvivorWhoMovedMessagesCountInCaps: with two marketing
// emails a week, Victor had Acme's intro as Acme's lead (L-2, his oldest
// record) and Globex's as Globex's Dynamics contact (D-9, another
// address) on day 0. The CRM moves L-2 to Globex on day 1; on day 2 D-9
// takes his address and merges into L-2, the person who moved. Both
// intros are his: Globex's nurture of day 5 must skip him. Also D-9's
// unsubscribe of day 1 is his after the merge.
func TestMergedSurvivorWhoMovedMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	for _, unsub := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsubscribed=%v", unsub), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(2))
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globexRecord()},
				Persons: []identity.PersonRecord{
					lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
					dynamicsContact("D-9", "vk@globex.com", "Victor", "Kim", "VP of Engineering", "globex", day0.Add(-30*time.Minute)),
					lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			mb := &mailbox{}
			deliver := mb.deliver(t, b)
			deliver(day0)
			victor := []string{"victor@acme.com", "vk@globex.com"}
			require.Equal(t, []string{"intro", "intro"}, templates(mb.to(victor...)))
			if unsub {
				b.clock.Set(day0.Add(12 * time.Hour))
				u := activity("u-1", b2b.ActivityUnsubscribeEmail, "D-9", day0.Add(12*time.Hour), nil)
				u.Source = b2b.SourceDynamics
				ingest(t, b, u)
			}
			id := moveVictor(t, b, day(1))
			require.Equal(t, b2b.PersonID("marketo:L-2"), id)
			upsert(t, b, day(2), dynamicsContact("D-9", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(2)))
			d9, _ := b.eng.PersonOfRecord(b2b.SourceDynamics, "D-9")
			require.Equal(t, id, d9, "one person now, under the ID of the one who moved")
			require.Contains(t, personsOf(t, b, "globex"), id)
			if unsub {
				want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceDynamics, At: day0.Add(12 * time.Hour)}
				require.Equal(t, want, consentOf(t, b, "globex", id)[b2b.ChannelEmail], "D-9's unsubscribe is Victor's")
			}
			advanceDays(t, b, 2, 13, deliver)
			require.Empty(t, overCap(mb.to(victor...), 2), "Victor's mail: %v", mb.to(victor...))
			if unsub {
				require.Len(t, mb.to(victor...), 2, "nothing after the unsubscribe: %v", mb.to(victor...))
			}
		})
	}
}

// TestMovedWhileHeldBackInOldAccount: with one marketing email a week,
// deferred when over, Acme's nurture of day 5 to Victor is held back to
// day 7 (Acme's intro of day 0 counts). On day 6 the CRM moves him to
// Globex. A careful user expects Acme's held-back nurture not to reach
// him (he is no longer Acme's), Globex's journey to take him on, and no
// week with two marketing emails to him.
func TestMovedWhileHeldBackInOldAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, deferCap())
	acmeAndGlobex(t, b)
	mb := &mailbox{}
	deliver := mb.deliver(t, b)
	deliver(day0)
	advanceDays(t, b, 1, 5, deliver)
	require.Equal(t, []string{"intro"}, templates(mb.to("victor@acme.com")), "the nurture of day 5 is held back")
	moveVictor(t, b, day(6))
	deliver(day(6))
	advanceDays(t, b, 6, 30, deliver)
	victor := mb.to("victor@acme.com")
	for _, m := range victor {
		require.False(t, m.Account == "acme" && m.At.After(day(6)), "Acme emails Victor after he left: %v", victor)
	}
	require.Empty(t, overCap(victor, 1), "Victor's mail: %v", victor)
	require.Contains(t, templates(since(victor, day(6))), "nurture", "Globex's journey takes Victor on: %v", victor)
}

// TestEraseMovedPersonWithHeldBackMessage: as
// TestMovedWhileHeldBackInOldAccount, Acme holds a nurture for Victor
// back when the CRM moves him to Globex on day 6; the same day he is
// erased. Nothing of him stays in either account's state or in the log
// (the message held back in the account he left included), and nothing
// is sent to his address afterwards.
func TestEraseMovedPersonWithHeldBackMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, deferCap())
	acmeAndGlobex(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("d-1", b2b.ActivityOpenEmail, "L-2", day(1), nil))
	mb := &mailbox{}
	deliver := mb.deliver(t, b)
	deliver(day0)
	advanceDays(t, b, 1, 5, deliver)
	id := moveVictor(t, b, day(6))
	er, err := b.eng.ErasePerson(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme", "globex"}, er.Accounts)
	require.Empty(t, traces(t, b.store, []b2b.AccountID{"acme", "globex"}, string(id), "marketo:L-2", "salesforce:003V", "victor@acme.com"),
		"erased from %v", er.Accounts)
	n := len(mb.to("victor@acme.com"))
	advanceDays(t, b, 6, 30, deliver)
	require.Len(t, mb.to("victor@acme.com"), n, "nothing sent after the erasure: %v", mb.to("victor@acme.com"))
	require.Empty(t, traces(t, b.store, []b2b.AccountID{"acme", "globex"}, string(id), "victor@acme.com"))
}

// initechRecord is Initech (initech.com).
func initechRecord() identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com"}}}
}

// TestLeftAndBackWithinCapWindow: with two marketing emails a week,
// Victor has Acme's intro on day 0. On day 3 the CRM makes him a contact
// of Initech, a new account: its journey sends him its intro; he
// unsubscribes there half a day later. On day 4 the CRM puts him back
// on Acme. Both intros are his and so is the unsubscribe: Acme's nurture
// of day 5 must not reach him, and he stays opted out on Acme.
func TestLeftAndBackWithinCapWindow(t *testing.T) {
	t.Parallel()
	for _, unsub := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsubscribed=%v", unsub), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(2))
			acmeAndGlobex(t, b)
			mb := &mailbox{}
			deliver := mb.deliver(t, b)
			deliver(day0)
			advanceDays(t, b, 1, 2, deliver)
			b.clock.Set(day(3))
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{initechRecord()},
				Persons: []identity.PersonRecord{at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "initech"), day(3))}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			id, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.Equal(t, []b2b.PersonID{id}, personsOf(t, b, "initech"))
			deliver(day(3))
			require.Equal(t, []string{"intro", "intro"}, templates(mb.to("victor@acme.com")), "Acme's and Initech's")
			if unsub {
				b.clock.Set(day(3).Add(12 * time.Hour))
				ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(3).Add(12*time.Hour), nil))
			}
			upsert(t, b, day(4), at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(4)))
			require.Equal(t, []b2b.PersonID{id}, personsOf(t, b, "acme"), "Victor is back")
			require.Empty(t, personsOf(t, b, "initech"))
			if unsub {
				require.Equal(t, b2b.ConsentOptOut, consentOf(t, b, "acme", id)[b2b.ChannelEmail].Status, "the unsubscribe at Initech holds on Acme")
			}
			advanceDays(t, b, 4, 6, deliver)
			require.Equal(t, []string{"intro", "intro"}, templates(mb.to("victor@acme.com")), "Victor's mail: %v", mb.to("victor@acme.com"))
		})
	}
}

// TestLeftAndBackWhileHeldBack: with one marketing email a week, deferred
// when over, Acme holds its nurture of day 5 for Victor back to day 7. On
// day 6 the CRM moves him to Globex and, two hours later, back to Acme
// (a correction). The nurture reaches him once, on day 7; the node's
// three visits reach him three times in all, and never two in a week.
func TestLeftAndBackWhileHeldBack(t *testing.T) {
	t.Parallel()
	b := setup(t, deferCap())
	acmeAndGlobex(t, b)
	mb := &mailbox{}
	deliver := mb.deliver(t, b)
	deliver(day0)
	advanceDays(t, b, 1, 5, deliver)
	moveVictor(t, b, day(6))
	upsert(t, b, day(6).Add(2*time.Hour), at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(6).Add(2*time.Hour)))
	id, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, []b2b.PersonID{id}, personsOf(t, b, "acme"), "Victor is back")
	deliver(day(6))
	advanceDays(t, b, 7, 40, deliver)
	victor := mb.to("victor@acme.com")
	require.Empty(t, overCap(victor, 1), "Victor's mail: %v", victor)
	require.Equal(t, []string{"intro", "nurture", "nurture", "nurture"}, templates(victor), "Victor's mail: %v", victor)
	require.Equal(t, day(7), victor[1].At, "the held-back nurture on day 7: %v", victor)
}

// A scenario is what happens, day by day: inputs at given times of a
// day, then the day's Advance and deliveries.
type scenarioStep struct {
	day  int
	at   time.Duration // after 09:00 of the day
	name string
	do   func(t *testing.T, b *bundle)
}

// scenarioRun is what a run of a scenario left: every message claimed
// and each account's event log (without sequence numbers).
type scenarioRun struct {
	mails []mail
	logs  map[b2b.AccountID][]string
	// final is each account's persons and their email consent at the end.
	final outcome
}

// runScenario runs the steps on a new engine, Advance and deliveries
// each day up to last; with restart, an engine started again and
// recovered on the same store takes over after each step.
func runScenario(t *testing.T, defs program.Definitions, steps []scenarioStep, last int, restartEach bool, opts ...func(*engine.Config)) scenarioRun {
	t.Helper()
	b := setup(t, defs, opts...)
	mb := &mailbox{}
	for d := 0; d <= last; d++ {
		for _, s := range steps {
			if s.day != d {
				continue
			}
			b.clock.Set(day(d).Add(s.at))
			s.do(t, b)
			if restartEach {
				eng, _ := recovered(t, b, opts...)
				b.eng = eng
			}
		}
		b.clock.Set(day(d))
		if d > 0 {
			b.clock.Set(day(d).Add(12 * time.Hour))
			_, err := b.eng.Advance(b.ctx, day(d).Add(12*time.Hour))
			require.NoError(t, err)
		}
		mb.deliver(t, b)(b.clock.Now())
	}
	out := scenarioRun{mails: mb.got, logs: map[b2b.AccountID][]string{}}
	evs, err := b.store.Events(b.ctx, &store.EventsParams{Tenant: "default", Limit: 1 << 20})
	require.NoError(t, err)
	for _, e := range evs {
		out.logs[e.Account] = append(out.logs[e.Account], fmt.Sprintf("%s %s %s %s", e.Time.UTC().Format(time.RFC3339), e.Type, e.Person, e.Data))
	}
	out.final = outcomeOf(t, b, nil, slices.Sorted(maps.Keys(out.logs))...)
	return out
}

// requireSameRun requires two runs of a scenario to have sent the same
// messages and logged the same events.
func requireSameRun(t *testing.T, want, got scenarioRun, what string, skip ...string) {
	t.Helper()
	require.Equal(t, want.mails, got.mails, "messages, %s", what)
	require.Equal(t, want.final, got.final, "persons and consent at the end, %s", what)
	keep := func(log []string) []string {
		return slices.DeleteFunc(slices.Clone(log), func(line string) bool {
			return slices.ContainsFunc(skip, func(typ string) bool { return strings.Contains(line, " "+typ+" ") })
		})
	}
	for _, acc := range slices.Sorted(maps.Keys(want.logs)) {
		if diff := cmp.Diff(keep(want.logs[acc]), keep(got.logs[acc])); diff != "" {
			t.Fatalf("%s: %s's log differs (-want +got):\n%s", what, acc, diff)
		}
	}
	require.Equal(t, len(want.logs), len(got.logs), "accounts with a log, %s", what)
}

func ingestStep(acts ...b2b.Activity) func(t *testing.T, b *bundle) {
	return func(t *testing.T, b *bundle) {
		t.Helper()
		rep, err := b.eng.Ingest(b.ctx, acts...)
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
	}
}

func personsStep(recs ...identity.PersonRecord) func(t *testing.T, b *bundle) {
	return func(t *testing.T, b *bundle) {
		t.Helper()
		for i := range recs {
			if recs[i].Time.IsZero() || recs[i].Time.Before(day0) {
				recs[i].Time = b.clock.Now()
			}
		}
		rep, err := b.eng.UpsertPersons(b.ctx, recs...)
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
	}
}

// comboScenario: Acme has Victor's lead (L-2) and Maya (L-4); Globex has
// Victor's Dynamics contact (D-1, another address, his oldest record) and
// Gina (L-9); Acme Net (a Marketo company) has Ann (L-8). Victor requests
// a demo and Gina and Ann unsubscribe on day 1; the CRM moves Victor's
// lead to Globex on day 2; on day 3 his Dynamics record takes his address
// (his persons merge under D-1's ID); on day 4 the CRM makes Gina a
// contact of Acme; on day 5 Acme Net is found to be Acme (merged into
// it); on day 6 the CRM and Dynamics put Victor back on Acme; Maya
// unsubscribes on day 9. With rollup, Acme's parent is Holding.
func comboScenario(rollup bool) []scenarioStep {
	gina := activity("u-g", b2b.ActivityUnsubscribeEmail, "L-9", day(1).Add(time.Hour), nil)
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}}}
	return []scenarioStep{
		{0, 0, "load", func(t *testing.T, b *bundle) {
			acme := acmeRecord()
			var accounts []identity.AccountRecord
			if rollup {
				acme.Account.ParentID = "holding"
				accounts = append(accounts, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
					Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.com"}}})
			}
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: append(accounts, acme, globexRecord(), mk),
				Persons: []identity.PersonRecord{
					dynamicsContact("D-1", "vk@globex.com", "Victor", "Kim", "VP of Engineering", "globex", day0.Add(-3*time.Hour)),
					lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
					lead("L-4", "maya@acme.com", "Maya", "Rossi", "CTO", "Acme"),
					lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", ""),
					lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
		}},
		{1, time.Hour, "demo and unsubscribes", ingestStep(activity("d-1", b2b.ActivityRequestDemo, "L-2", day(1).Add(time.Hour), nil),
			gina, activity("u-a", b2b.ActivityUnsubscribeEmail, "L-8", day(1).Add(time.Hour), nil))},
		{2, time.Hour, "Victor to Globex", personsStep(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex"))},
		{3, time.Hour, "Victor's persons merge", personsStep(dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", time.Time{}))},
		{4, time.Hour, "Gina to Acme", personsStep(contact("003G", "gina@globex.com", "Gina", "Ross", "CTO", "acme"))},
		{5, time.Hour, "Acme Net is Acme", func(t *testing.T, b *bundle) {
			rec := mk
			rec.Time = b.clock.Now()
			rec.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acme"}}
			rep, err := b.eng.UpsertAccounts(b.ctx, rec)
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
		}},
		{6, time.Hour, "Victor back on Acme", personsStep(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"),
			dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme", time.Time{}))},
		{9, time.Hour, "Maya unsubscribes", ingestStep(activity("u-m", b2b.ActivityUnsubscribeEmail, "L-4", day(9).Add(time.Hour), nil))},
	}
}

// TestComboScenarioKeepsConsentAndCaps: comboScenario, with one marketing
// email a week, deferred when over, with and without rollup. A careful
// user expects Gina never emailed after her unsubscribe (on Globex or
// Acme), Ann after hers (on Acme Net or Acme), Maya after hers, and no
// week with two marketing emails to Victor (at any of his addresses, once
// his persons merged) or to Maya.
func TestComboScenarioKeepsConsentAndCaps(t *testing.T) {
	t.Parallel()
	for _, rollup := range []bool{false, true} {
		t.Run(fmt.Sprintf("rollup=%v", rollup), func(t *testing.T) {
			t.Parallel()
			comboKeepsConsentAndCaps(t, rollup)
		})
	}
}

func comboKeepsConsentAndCaps(t *testing.T, rollup bool) {
	run := runScenario(t, deferCap(), comboScenario(rollup), 30, false, func(c *engine.Config) { c.Rollup = rollup })
	gina := run.mailsTo("gina@globex.com")
	require.Empty(t, since(gina, day(1)), "Gina unsubscribed on day 1: %v", gina)
	ann := run.mailsTo("ann@acme.net")
	require.Empty(t, since(ann, day(1)), "Ann unsubscribed on day 1: %v", ann)
	maya := run.mailsTo("maya@acme.com")
	require.Empty(t, since(maya, day(9).Add(time.Hour)), "Maya unsubscribed on day 9: %v", maya)
	victor := run.mailsTo("victor@acme.com", "vk@globex.com")
	// His two persons each had an intro on day 0: the week after they
	// merged, on day 3, counts them both.
	require.Empty(t, overCap(since(victor, day(3)), 1), "Victor's mail: %v", victor)
	require.Empty(t, overCap(maya, 1), "Maya's mail: %v", maya)
}

func (r scenarioRun) mailsTo(addrs ...string) []mail {
	mb := mailbox{got: r.mails}
	return mb.to(addrs...)
}

// TestComboScenarioRecoveredDecidesTheSame: comboScenario run by one
// engine, and run with an engine started again and recovered on the
// store after each input: the recovered engines send the same messages
// and log the same events (a restart changes nothing a user sees).
func TestComboScenarioRecoveredDecidesTheSame(t *testing.T) {
	t.Parallel()
	for _, rollup := range []bool{false, true} {
		t.Run(fmt.Sprintf("rollup=%v", rollup), func(t *testing.T) {
			t.Parallel()
			opt := func(c *engine.Config) { c.Rollup = rollup }
			straight := runScenario(t, deferCap(), comboScenario(rollup), 30, false, opt)
			restarted := runScenario(t, deferCap(), comboScenario(rollup), 30, true, opt)
			// A consent the person's statements decided comes back in
			// their golden record (see Limits): a person new to an account
			// after a restart joins it with that consent, where the first
			// engine logged its change: consent.changed events may differ.
			requireSameRun(t, straight, restarted, "restarted after each input", "consent.changed")
		})
	}
}

// outcome is what a user sees of a run: the messages sent, each account's
// persons and their email consent.
type outcome struct {
	mails   []mail
	persons map[b2b.AccountID][]string
}

func outcomeOf(t *testing.T, b *bundle, mails []mail, accounts ...b2b.AccountID) outcome {
	t.Helper()
	out := outcome{mails: mails, persons: map[b2b.AccountID][]string{}}
	for _, acc := range accounts {
		v, err := b.eng.Account(b.ctx, acc, b.clock.Now())
		require.NoError(t, err)
		for _, p := range v.Persons {
			c := p.Person.ConsentFor(b2b.ChannelEmail)
			out.persons[acc] = append(out.persons[acc], fmt.Sprintf("%s %s %s", p.Person.ID, c.Status, c.At.UTC().Format(time.RFC3339)))
		}
	}
	return out
}

// batchOrOneByOne runs a scenario whose records of day 2 are applied in
// one batch, or one call each at the same time, and returns what a user
// sees of each on day 20.
func batchOrOneByOne(t *testing.T, defs program.Definitions, load func(t *testing.T, b *bundle), day1 []b2b.Activity,
	recs []identity.PersonRecord, accounts []b2b.AccountID) (batch, oneByOne outcome) {
	t.Helper()
	for _, one := range []bool{false, true} {
		b := setup(t, defs)
		load(t, b)
		mb := &mailbox{}
		deliver := mb.deliver(t, b)
		deliver(day0)
		b.clock.Set(day(1))
		if len(day1) > 0 {
			ingest(t, b, day1...)
		}
		advanceDays(t, b, 1, 1, deliver)
		b.clock.Set(day(2))
		if one {
			for _, r := range recs {
				rep, err := b.eng.UpsertPersons(b.ctx, r)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
			}
		} else {
			rep, err := b.eng.UpsertPersons(b.ctx, recs...)
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
		}
		advanceDays(t, b, 2, 20, deliver)
		o := outcomeOf(t, b, mb.got, accounts...)
		if one {
			oneByOne = o
		} else {
			batch = o
		}
	}
	return batch, oneByOne
}

// TestMovedTwiceInOneBatch: with one marketing email a week, Victor has
// Acme's intro on day 0 and unsubscribes on day 1. On day 2 one sync
// carries two versions of his CRM contact: on Globex, then on Initech.
// A careful user expects the batch to decide as the two records applied
// one by one: Victor Initech's, opted out there, never emailed again.
func TestMovedTwiceInOneBatch(t *testing.T) {
	t.Parallel()
	load := func(t *testing.T, b *bundle) {
		acmeAndGlobex(t, b)
		rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{initechRecord()},
			Persons: []identity.PersonRecord{lead("L-7", "ivy@initech.com", "Ivy", "Chen", "CTO", "Initech")}})
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
	}
	recs := []identity.PersonRecord{
		at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex"), day(2).Add(-time.Hour)),
		at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "initech"), day(2)),
	}
	accounts := []b2b.AccountID{"acme", "globex", "initech"}
	batch, one := batchOrOneByOne(t, pipelineCapped(1), load, []b2b.Activity{activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil)}, recs, accounts)
	require.Equal(t, one, batch, "one batch decides as the records one by one")
	victor := (&mailbox{got: batch.mails}).to("victor@acme.com")
	require.Empty(t, since(victor, day(1)), "Victor unsubscribed: %v", victor)
	require.Contains(t, batch.persons["initech"], "marketo:L-2 opt-out "+day(1).Format(time.RFC3339))
}

// TestLeftForNowhereAndBackInOneBatch: with one marketing email a week,
// Victor has Acme's intro on day 0 and unsubscribes on day 1. On day 2
// one sync carries two versions of his lead: one naming no company (his
// own address), then one naming Globex. The batch decides as the two
// applied one by one: Victor Globex's, opted out, never emailed again.
func TestLeftForNowhereAndBackInOneBatch(t *testing.T) {
	t.Parallel()
	recs := []identity.PersonRecord{
		at(lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", ""), day(2).Add(-time.Hour)),
		at(lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "Globex"), day(2)),
	}
	batch, one := batchOrOneByOne(t, pipelineCapped(1), acmeAndGlobex, []b2b.Activity{activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil)},
		recs, []b2b.AccountID{"acme", "globex"})
	require.Equal(t, one, batch, "one batch decides as the records one by one")
	victor := (&mailbox{got: batch.mails}).to("victor@acme.com", "victor.kim@gmail.com")
	require.Empty(t, since(victor, day(1)), "Victor unsubscribed: %v", victor)
	require.Contains(t, batch.persons["globex"], "marketo:L-2 opt-out "+day(1).Format(time.RFC3339))
}

// TestMovedAndMergedBackInOneBatch: with one marketing email a week,
// Victor's lead (L-2) has Acme's intro on day 0; Victor's Dynamics
// contact (D-1, Globex's, older) had Globex's. He unsubscribes as L-2 on
// day 1. On day 2 one sync moves L-2 to Globex (his CRM contact) and
// gives D-1 his address (his persons merge under D-1's ID). The batch
// decides as the records one by one: Victor opted out on Globex.
func TestMovedAndMergedInOneBatch(t *testing.T) {
	t.Parallel()
	recs := []identity.PersonRecord{
		at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex"), day(2).Add(-time.Hour)),
		dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(2)),
	}
	batch, one := batchOrOneByOne(t, pipelineCapped(1), victorAtGlobexToo, []b2b.Activity{activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil)},
		recs, []b2b.AccountID{"acme", "globex"})
	require.Equal(t, one, batch, "one batch decides as the records one by one")
	victor := (&mailbox{got: batch.mails}).to("victor@acme.com", "vk@globex.com")
	require.Empty(t, since(victor, day(1)), "Victor unsubscribed: %v", victor)
	require.Contains(t, batch.persons["globex"], "dynamics:D-1 opt-out "+day(1).Format(time.RFC3339))
}

// TestComboScenarioIsDeterministic: comboScenario run twice on one worker
// and 25 times on eight gives the same messages, the same persons and
// consents, and the same event logs: how the workers were scheduled
// changes nothing a user sees.
func TestComboScenarioIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, rollup := range []bool{false, true} {
		t.Run(fmt.Sprintf("rollup=%v", rollup), func(t *testing.T) {
			t.Parallel()
			workers := func(n int) func(c *engine.Config) {
				return func(c *engine.Config) { c.Workers, c.Rollup = n, rollup }
			}
			one := runScenario(t, deferCap(), comboScenario(rollup), 30, false, workers(1))
			for i := range 25 {
				again := runScenario(t, deferCap(), comboScenario(rollup), 30, false, workers(8))
				requireSameRun(t, one, again, fmt.Sprintf("run %d on eight workers", i))
			}
			requireSameRun(t, one, runScenario(t, deferCap(), comboScenario(rollup), 30, false, workers(1)), "again on one")
		})
	}
}

// TestMergedAccountPersonNeverOptedInOnTheSurvivor: Ann (L-8)
// unsubscribes on day 1 as a lead of Acme Net (a Marketo company); on day
// 5, when Acme's wait of five days ends and its nurture goes out, Acme Net
// is found to be Acme and merges into it (one worker: the passes run in
// ID order). Ann was opted out all along: a careful user expects Acme
// never to hold her as opted in (no consent.changed from opt-in to
// opt-out for her in Acme's log) and never to decide its nurture for
// her (the claim suppresses it, but the journey counted it as sent).
func TestMergedAccountPersonNeverOptedInOnTheSurvivor(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 1 })
	setupAcme(t, b)
	mk := acmeNet(t, b)
	claimAll(t, b, day0)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-8", day(1), nil))
	mergeInto(t, b, mk, "acme", day(5))
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Contains(t, personsOf(t, b, "acme"), ann)
	require.Equal(t, b2b.ConsentOptOut, consentOf(t, b, "acme", ann)[b2b.ChannelEmail].Status)
	for _, m := range claimAll(t, b, day(5)) {
		require.NotEqual(t, "ann@acme.net", m.To, "Ann is emailed after she unsubscribed")
	}
	var seen []string
	evs, err := b.eng.Events(b.ctx, "acme", 0, 1<<20)
	require.NoError(t, err)
	for _, e := range evs {
		if e.Person == ann && (e.Type == "consent.changed" || e.Type == "message.queued" || e.Type == "journey.send") {
			seen = append(seen, e.Type+" "+string(e.Data))
		}
	}
	require.Empty(t, seen, "Acme held Ann, who had unsubscribed, as opted in")
}

// TestMergedAccountMessagesCountWhenMergedAtAStep: with one marketing
// email a week, Ann (L-8) has Acme Net's intro on day 0. On day 5, when
// Acme's wait of five days ends and its nurture goes out, Acme Net is
// found to be Acme and merges into it (one worker: the passes run in ID
// order). Acme Net's intro is hers: a careful user expects Acme's nurture
// to skip her, as it does when the merge comes an hour earlier.
func TestMergedAccountMessagesCountWhenMergedAtAStep(t *testing.T) {
	t.Parallel()
	for _, early := range []bool{true, false} {
		t.Run(fmt.Sprintf("merged before the step=%v", early), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(1), func(c *engine.Config) { c.Workers = 1 })
			setupAcme(t, b)
			mk := acmeNet(t, b)
			mb := &mailbox{}
			deliver := mb.deliver(t, b)
			deliver(day0)
			require.Equal(t, []string{"intro"}, templates(mb.to("ann@acme.net")))
			advanceDays(t, b, 1, 4, deliver)
			when := day(5)
			if early {
				when = when.Add(-time.Hour)
			}
			mergeInto(t, b, mk, "acme", when)
			deliver(when)
			advanceDays(t, b, 5, 6, deliver)
			require.Equal(t, []string{"intro"}, templates(mb.to("ann@acme.net")), "Ann's mail: %v", mb.to("ann@acme.net"))
		})
	}
}

// TestRecoveredMergeKeepsThePersonsRecords: Victor's marketing lead (L-2)
// arrives first and requests a demo; his Dynamics contact of Acme (D-9,
// another address) an hour later: two persons. The engine is started
// again and recovered; then D-9 takes his lead's address and the two
// persons merge. The engine that was not restarted keeps the ID of the
// record that arrived first (marketo:L-2); the recovered one, which does
// not know the order the records arrived in, the lowest ID
// (dynamics:D-9; see Limits in the package doc). Either way the person
// is one, and the demo is theirs.
func TestRecoveredMergeKeepsThePersonsRecords(t *testing.T) {
	t.Parallel()
	for _, restarted := range []bool{false, true} {
		t.Run(fmt.Sprintf("restarted=%v", restarted), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
				Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			b.clock.Set(day0.Add(30 * time.Minute))
			ingest(t, b, activity("demo", b2b.ActivityRequestDemo, "L-2", day0.Add(30*time.Minute), nil))
			upsert(t, b, day0.Add(time.Hour), dynamicsContact("D-9", "vk@acme.com", "Victor", "Kim", "VP of Engineering", "acme", day0.Add(time.Hour)))
			require.Len(t, personsOf(t, b, "acme"), 2)
			if restarted {
				eng, _ := recovered(t, b)
				b.eng = eng
			}
			upsert(t, b, day(1), dynamicsContact("D-9", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme", day(1)))
			l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			d9, _ := b.eng.PersonOfRecord(b2b.SourceDynamics, "D-9")
			require.Equal(t, l2, d9, "one person now")
			want := map[bool]b2b.PersonID{false: "marketo:L-2", true: "dynamics:D-9"}[restarted]
			require.Equal(t, want, l2)
			v, err := b.eng.Account(b.ctx, "acme", day(1))
			require.NoError(t, err)
			require.Len(t, v.Persons, 1)
			require.Greater(t, v.Persons[0].Score, 90.0, "the demo is his")
		})
	}
}
