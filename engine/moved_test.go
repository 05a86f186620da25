package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// Consent and frequency caps are the person's: a person who leaves an
// account for another (a CRM contact moved to another company), whose
// records merge with another person's, or whose account is merged into
// another, takes what the accounts they were in know of them.

// acmeAndGlobex loads Acme and Globex (globex.com) with Victor, a
// marketing lead of Acme (L-2), and Gina, Globex's CTO (L-9).
func acmeAndGlobex(t *testing.T, b *bundle) {
	t.Helper()
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
}

// inbox returns the templates of the messages deliver claims, by address.
func inbox(t *testing.T, b *bundle) (sent map[string][]string, deliver func(now time.Time)) {
	sent = map[string][]string{}
	return sent, func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			sent[m.To] = append(sent[m.To], m.Template)
		}
	}
}

// advanceDays advances the clock and the engine a day at a time, from
// day from to day to, delivering what is due each day.
func advanceDays(t *testing.T, b *bundle, from, to int, deliver func(now time.Time)) {
	t.Helper()
	for d := from; d <= to; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
}

// pipelineCapped is pipelineProgram with a cap of max marketing emails a
// week.
func pipelineCapped(max int) program.Definitions {
	defs := pipelineProgram()
	name := fmt.Sprintf("%d marketing emails a week", max)
	if max == 1 {
		name = "1 marketing email a week"
	}
	defs.Caps = []journey.Cap{{Name: name, Channel: b2b.ChannelEmail, Category: "marketing", Max: max, Per: journey.Days(7)}}
	return defs
}

// victorTwice loads Acme with Victor's two persons: his marketing lead
// (L-2, victor@acme.com) and his CRM contact (003V, vkim@acme.com).
func victorTwice(t *testing.T, b *bundle) {
	t.Helper()
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
}

// victorsNewAddress is Victor's CRM contact with his marketing address,
// as of at: his two persons merge, under L-2's ID.
func victorsNewAddress(at time.Time) identity.PersonRecord {
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = at
	return crm
}

// moveVictor makes Victor a CRM contact of Globex at at: he leaves Acme.
func moveVictor(t *testing.T, b *bundle, at time.Time) b2b.PersonID {
	t.Helper()
	b.clock.Set(at)
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex")
	crm.Time = at
	rep, err := b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err := b.eng.Account(b.ctx, "acme", at)
	require.NoError(t, err)
	require.Empty(t, v.Persons, "Victor left Acme")
	id, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	return id
}

// TestMovedPersonKeepsTheirConsent: Victor unsubscribed while a lead of
// Acme; moved to Globex by the CRM, he is opted out there too, and
// Globex's journey does not email him.
func TestMovedPersonKeepsTheirConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	acmeAndGlobex(t, b)
	claimAll(t, b, day0)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil))

	id := moveVictor(t, b, day(2))
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "globex", id)[b2b.ChannelEmail])
	for d := 2; d <= 20; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		for _, m := range claimAll(t, b, day(d)) {
			require.NotEqual(t, "victor@acme.com", m.To, "day %d: %s", d, m.Template)
		}
	}
}

// TestMergedPersonKeepsTheirConsent: Victor unsubscribed as a CRM contact
// (003V, another address then); his records merge with his marketing
// lead's, whose ID the merged person keeps: he stays opted out.
func TestMergedPersonKeepsTheirConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	victorTwice(t, b)
	b.clock.Set(day(1))
	u := activity("u-1", b2b.ActivityUnsubscribeEmail, "003V", day(1), nil)
	u.Source = b2b.SourceSalesforce
	ingest(t, b, u)

	b.clock.Set(day(2))
	rep, err := b.eng.UpsertPersons(b.ctx, victorsNewAddress(day(2)))
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, l2, sf, "one person now")
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "acme", l2)[b2b.ChannelEmail])
}

// TestMergedAccountPersonsKeepTheirConsent: Ann unsubscribed while a lead
// of Acme Net (a Marketo company); merged into Acme, she is opted out
// there.
func TestMergedAccountPersonsKeepTheirConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	mk := acmeNet(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-8", day(1), nil))
	mergeInto(t, b, mk, "acme", day(2))
	ann, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.True(t, ok)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "acme", ann)[b2b.ChannelEmail])
}

// TestMovedPersonsMessagesCountInCaps: Acme's intro to Victor on day 0
// counts in his cap of one marketing email a week after he moves to
// Globex: Globex's nurture of day 5 skips him; Gina, who had Globex's
// intro, too.
func TestMovedPersonsMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(1))
	acmeAndGlobex(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	moveVictor(t, b, day(1))
	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro"}, sent["gina@globex.com"])
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "Acme's intro counts in Victor's cap on Globex")
	// A week after the intro the cap lets him be emailed again.
	advanceDays(t, b, 7, 13, deliver)
	require.Equal(t, []string{"intro", "nurture"}, sent["victor@acme.com"])
}

// TestMergedPersonsMessagesCountInCaps: with two marketing emails a week,
// the intros each of Victor's two records had on day 0 are his two: when
// the records merge, the nurture of day 5 skips him.
func TestMergedPersonsMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2))
	victorTwice(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	require.Equal(t, []string{"intro"}, sent["vkim@acme.com"])
	b.clock.Set(day(1))
	_, err := b.eng.UpsertPersons(b.ctx, victorsNewAddress(day(1)))
	require.NoError(t, err)
	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "both intros count in Victor's cap")
}

// TestMergedPersonKeepsTheirScore: Victor requested a demo as a CRM
// contact (003V, another address then); when his records merge with his
// marketing lead's, the demo is his: his score and his group's keep it.
func TestMergedPersonKeepsTheirScore(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	victorTwice(t, b)
	b.clock.Set(day(1))
	demo := activity("d-1", b2b.ActivityRequestDemo, "003V", day(1), nil)
	demo.Source = b2b.SourceSalesforce
	ingest(t, b, demo)
	groupScore := func(at time.Time) float64 {
		v, err := b.eng.Account(b.ctx, "acme", at)
		require.NoError(t, err)
		require.Len(t, v.Groups, 1)
		return v.Groups[0].Score.Score
	}
	before := groupScore(day(2))
	require.Positive(t, before)

	b.clock.Set(day(2))
	_, err := b.eng.UpsertPersons(b.ctx, victorsNewAddress(day(2)))
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Len(t, v.Persons, 1)
	require.InDelta(t, before, v.Persons[0].Score, 1e-9, "the demo is Victor's")
	require.InDelta(t, before, groupScore(day(2)), 1e-9)
	// A second delivery of the demo under his merged ID is the same one.
	rep2, err := b.eng.Ingest(b.ctx, demo)
	require.NoError(t, err)
	require.Equal(t, 1, rep2.Duplicates)
	require.InDelta(t, before, groupScore(day(2)), 1e-9)
}

// TestMergedAccountMessagesCountOnce: the intro Acme Net sent Ann counts
// once in her cap on Acme, which took it over with her: with two
// marketing emails a week, Acme's nurture of day 5 reaches her.
func TestMergedAccountMessagesCountOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2))
	setupAcme(t, b)
	mk := acmeNet(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	mergeInto(t, b, mk, "acme", day0.Add(2*time.Hour))
	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro", "nurture"}, sent["ann@acme.net"])
}

// dynamicsContact is a Dynamics contact of an account.
func dynamicsContact(id, email, first, last, title string, account b2b.AccountID, at time.Time) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceDynamics, RecordID: id, Time: at,
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, AccountID: account}}
}

// TestMovedThenMergedPersonsMessagesCountInCaps: with two marketing
// emails a week, Victor had Acme's intro on day 0 as Acme's lead (L-2)
// and Globex's intro on day 0 as Globex's Dynamics contact (D-1, another
// address then). The CRM moves L-2 to Globex on day 1; on day 2 his
// Dynamics record takes his address and the two persons merge into D-1,
// the older. Both intros are his: Globex's nurture of day 5 must skip
// him. The accounts L-2 left (personEntry.Left) are taken over from the
// merged entry without the ID their messages were recorded under, so
// Acme's intro no longer counts and he gets a third marketing email.
func TestMovedThenMergedPersonsMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2))
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{
			dynamicsContact("D-1", "vk@globex.com", "Victor", "Kim", "VP of Engineering", "globex", day0.Add(-3*time.Hour)),
			lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	var victor []string // the templates Victor got, at either address
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			if m.To == "victor@acme.com" || m.To == "vk@globex.com" {
				victor = append(victor, m.Template)
			}
		}
	}
	deliver(day0)
	require.Equal(t, []string{"intro", "intro"}, victor, "Acme's and Globex's")

	moveVictor(t, b, day(1))
	b.clock.Set(day(2))
	_, err = b.eng.UpsertPersons(b.ctx, dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(2)))
	require.NoError(t, err)
	d1, _ := b.eng.PersonOfRecord(b2b.SourceDynamics, "D-1")
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, d1, l2, "one person now")
	require.Equal(t, b2b.PersonID("dynamics:D-1"), d1)

	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro", "intro"}, victor, "both intros count in Victor's cap of two a week")
}

// TestMoveCaughtUpCountsInCaps: as TestMovedPersonsMessagesCountInCaps,
// but the CRM's move of Victor to Globex comes on day 6 with an activity
// of Globex dated day 4, and no Advance ran since day 4: Globex first
// catches up its wait that ended on day 5, with the activity and the
// identity the graph holds (Victor is Globex's). That pass does not know
// that Victor left Acme (the call's identity changes are not handed to
// it), so Acme's intro of day 0 does not count in his cap of one a week
// and Globex's nurture of day 5 emails him.
func TestMoveCaughtUpCountsInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(1))
	acmeAndGlobex(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	advanceDays(t, b, 1, 4, deliver)
	b.clock.Set(day(6))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex")
	crm.Time = day(6)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{crm},
		Activities: []b2b.Activity{activity("o-1", b2b.ActivityOpenEmail, "L-9", day(4), nil)}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err := b.eng.Account(b.ctx, "acme", day(6))
	require.NoError(t, err)
	require.Empty(t, v.Persons, "Victor left Acme")
	deliver(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	deliver(day(6))
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "Acme's intro of day 0 counts in Victor's cap on Globex")
}

// TestChainMergeInOneCallKeepsConsent: Victor has three records in Acme,
// three persons until day 2: a Dynamics contact (D-1), a marketing lead
// (L-2) and a CRM contact (003V), each with an address of its own. He
// unsubscribes as 003V on day 1. On day 2 one sync brings 003V and D-1
// with L-2's address: 003V merges into L-2, then L-2 into D-1 (the
// oldest). The unsubscribe is his, but the pass moves only what the
// state kept under L-2 (the survivor's direct alias): 003V's statement
// stays behind under an ID no person of the account has, and Victor is
// opted in.
func TestChainMergeInOneCallKeepsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{
			dynamicsContact("D-1", "dv@acme.com", "Victor", "Kim", "VP of Engineering", "acme", day0.Add(-3*time.Hour)),
			lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	u := activity("u-1", b2b.ActivityUnsubscribeEmail, "003V", day(1), nil)
	u.Source = b2b.SourceSalesforce
	ingest(t, b, u)
	sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, b2b.ConsentOptOut, consentOf(t, b, "acme", sf)[b2b.ChannelEmail].Status)

	b.clock.Set(day(2))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(2)
	rep, err = b.eng.UpsertPersons(b.ctx, crm,
		dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme", day(2)))
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	d1, _ := b.eng.PersonOfRecord(b2b.SourceDynamics, "D-1")
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	sf, _ = b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, []b2b.PersonID{d1, d1}, []b2b.PersonID{l2, sf}, "one person now")
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Len(t, v.Persons, 1)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "acme", d1)[b2b.ChannelEmail], "Victor's unsubscribe as 003V holds")
}

// TestEraseAfterAHandOver: Ann (L-8) unsubscribes as a lead of Acme Net
// (mk-7) on day 1 and is moved to Globex by the CRM on day 2; Acme Net
// keeps her statement, as an account keeps what it knew of a person who
// left. On day 3 Acme Net is merged into Acme and hands its statements
// over, Ann's too, although she is not Acme's: Acme's state now holds
// her ID, yet Acme's log never names her. Erasing Ann then leaves her
// statement (and her ID) in Acme's state: the erasure finds the
// accounts by the person's links and by their events, and Acme has
// neither.
func TestEraseAfterAHandOver(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	setupGlobex(t, b)
	mk := acmeNet(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-8", day(1), nil))
	b.clock.Set(day(2))
	crm := contact("003A", "ann@acme.net", "Ann", "Lee", "CTO", "globex")
	crm.Time = day(2)
	_, err := b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "mk-7", day(2))
	require.NoError(t, err)
	require.Empty(t, v.Persons, "Ann left Acme Net")
	mergeInto(t, b, mk, "acme", day(3))

	ann, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.True(t, ok)
	er, err := b.eng.ErasePerson(b.ctx, ann)
	require.NoError(t, err)
	require.Empty(t, traces(t, b.store, []b2b.AccountID{"acme", "globex", "mk-7"}, string(ann), "marketo:L-8", "salesforce:003A", "ann@acme.net"),
		"erased from %v", er.Accounts)
}

// TestMergedPersonKeepsTheirContactRole: the CRM names Victor's contact
// (003V) Decision Maker on Acme's deal; when his records merge with his
// marketing lead's, whose ID the merged person keeps, the role is still
// his. The deal's contact role keeps the merged ID, which no person of
// the account has any more, and the group loses its Decision Maker until
// the CRM happens to send the deal again.
func TestMergedPersonKeepsTheirContactRole(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	victorTwice(t, b)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0, ContactRoles: []b2b.ContactRole{{Person: "003V", Role: b2b.ContactRoleDecisionMaker}}}
	_, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Equal(t, []string{"Decision Maker"}, v.Groups[0].Group.RolesOf(sf))

	b.clock.Set(day(1))
	_, err = b.eng.UpsertPersons(b.ctx, victorsNewAddress(day(1)))
	require.NoError(t, err)
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	sf, _ = b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, l2, sf, "one person now")
	v, err = b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	require.Contains(t, v.Groups[0].Group.RolesOf(l2), "Decision Maker", "the CRM's contact role is Victor's")
}

// TestMergedPersonOfTwoAccountsCapCountsAliasMessages: with three
// marketing emails a week, Paul is Acme's CRM contact (003P), linked to
// Zeta too, and Zeta's lead L-Q (another address). On day 0 Acme's
// journey emails 003P, Zeta's emails 003P and L-Q: three emails to one
// man. On day 5, when both journeys' waits end, L-Q takes 003P's address
// and the two persons merge into 003P. Both accounts' passes of that
// call step their journeys: Acme's, which runs first, counts Zeta's
// messages to 003P's ID only (personEntry.Others reads no alias), not
// Zeta's intro to L-Q, which Zeta's own pass has not re-keyed yet, and
// sends its nurture: a fourth marketing email in the week. Run in the
// other order, the same call sends none.
func TestMergedPersonOfTwoAccountsCapCountsAliasMessages(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(3), func(c *engine.Config) { c.Workers = 1 })
	zeta := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "zeta", Name: "Zeta", Domains: []string{"zeta.com"}}}
	paul := contact("003P", "paul@acme.com", "Paul", "Ng", "VP of Engineering", "acme")
	paul.OtherAccounts = []b2b.AccountID{"zeta"}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), zeta},
		Persons: []identity.PersonRecord{paul, lead("L-Q", "pn@zeta.com", "Paul", "Ng", "VP of Engineering", "Zeta")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	var got []string
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			if m.To == "paul@acme.com" || m.To == "pn@zeta.com" {
				got = append(got, m.Template)
			}
		}
	}
	deliver(day0)
	require.Equal(t, []string{"intro", "intro", "intro"}, got)
	advanceDays(t, b, 1, 4, deliver)
	b.clock.Set(day(5))
	q := lead("L-Q", "paul@acme.com", "Paul", "Ng", "VP of Engineering", "Zeta")
	q.Time = day(5)
	_, err = b.eng.UpsertPersons(b.ctx, q)
	require.NoError(t, err)
	p, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003P")
	lq, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-Q")
	require.Equal(t, p, lq, "one person now")
	deliver(day(5))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	deliver(day(6))
	require.Equal(t, []string{"intro", "intro", "intro"}, got, "the three intros fill Paul's cap of three a week")
}

// TestMergedPersonsDeferredMessageSentOnce: with one marketing email a
// week, deferred when over, Victor's two records (L-2 and 003V, two
// addresses) each had Acme's intro on day 0, and each had the nurture
// of day 5 held back to day 7. On day 6 the records merge. The nurture
// of day 5 is one message of the journey's to one man; but both held
// back copies become his, under two keys, and he gets it twice (once
// more on top of the journey's three visits of the nurture node).
func TestMergedPersonsDeferredMessageSentOnce(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "1 marketing email a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 1, Per: journey.Days(7),
		Policy: journey.CapDefer, MaxDefer: journey.Days(30)}}
	b := setup(t, defs)
	victorTwice(t, b)
	var nurtures []time.Time
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			if m.Template == "nurture" {
				nurtures = append(nurtures, now)
			}
		}
	}
	deliver(day0)
	for d := 1; d <= 60; d++ {
		b.clock.Set(day(d))
		if d == 6 {
			_, err := b.eng.UpsertPersons(b.ctx, victorsNewAddress(day(6)))
			require.NoError(t, err)
			l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
			require.Equal(t, l2, sf, "one person now")
		}
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
	require.Len(t, nurtures, 3, "the nurture node's three visits, each once: %v", nurtures)
}

// TestRollupMovedPersonParentsMessagesCountInCaps: with rollup and two
// marketing emails a week, Victor (L-2) is a lead of Globex, a subsidiary
// of Holding, whose journeys email him too: on day 0 he has Globex's intro
// and Holding's. On day 1 the CRM moves him to Acme. Both intros are his,
// and Acme's nurture of day 5 skips him: he left Holding with Globex
// (identity's Unlinked names Globex only; its parents go with it).
func TestRollupMovedPersonParentsMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2), func(c *engine.Config) { c.Rollup = true })
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(),
		{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.com"}}},
		{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}, ParentID: "holding"}}},
		Persons: []identity.PersonRecord{lead("L-2", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "Globex"),
			lead("L-4", "maya@acme.com", "Maya", "Rossi", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	sent, deliver := inbox(t, b)
	deliver(day0)
	b.clock.Set(day(1))
	crm := contact("003V", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(1)
	_, err = b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	v, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Contains(t, personsOf(t, b, "acme"), v)
	require.NotContains(t, personsOf(t, b, "holding"), v)
	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro", "intro"}, sent["victor@globex.com"])
}

// TestRollupNewParentKeepsFormerParentsMessagesInCaps: with rollup and
// two marketing emails a week, Eve is a lead of Acme Europe, a subsidiary
// of Acme: on day 0 she has Acme Europe's intro and Acme's. On day 1 Acme
// Europe's record names Globex its parent: Eve leaves Acme for Globex.
// Both intros are hers: the nurture of day 5 skips her, Acme's intro
// counting in her cap on Globex (she left the former parent with her
// account, although no link of hers changed).
func TestRollupNewParentKeepsFormerParentsMessagesInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(2), func(c *engine.Config) { c.Rollup = true })
	eu := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "acme-eu", Name: "Acme Europe", Domains: []string{"acme.eu"}, ParentID: "acme"}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), eu,
		{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
		Persons: []identity.PersonRecord{lead("L-8", "eve@acme.eu", "Eve", "Laurent", "VP of Engineering", ""),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "VP of Engineering", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro", "intro"}, sent["eve@acme.eu"], "Acme's and Acme Europe's")
	b.clock.Set(day(1))
	eu.Time = day(1)
	eu.Account.ParentID = "globex"
	_, err = b.eng.UpsertAccounts(b.ctx, eu)
	require.NoError(t, err)
	eve, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Contains(t, personsOf(t, b, "globex"), eve)
	require.NotContains(t, personsOf(t, b, "acme"), eve)
	advanceDays(t, b, 1, 6, deliver)
	require.Equal(t, []string{"intro", "intro"}, sent["eve@acme.eu"], "Acme's intro counts in Eve's cap")
}

// TestMergedAccountPersonsKeepTheirScore: Ann (L-8), a lead of Acme Net
// (a Marketo company), requests a demo on day 1; an hour later Acme Net is
// found to be Acme and merges into it. The demo is hers: her score on
// Acme keeps it, and the demo sent again is a duplicate: the hand-over
// carries the persons' scores and activity records.
func TestMergedAccountPersonsKeepTheirScore(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	mk := acmeNet(t, b)
	b.clock.Set(day(1))
	demo := activity("d-1", b2b.ActivityRequestDemo, "L-8", day(1), nil)
	ingest(t, b, demo)
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	scoreOf := func(acc b2b.AccountID) float64 {
		v, err := b.eng.Account(b.ctx, acc, b.clock.Now())
		require.NoError(t, err)
		for _, p := range v.Persons {
			if p.Person.ID == ann {
				return p.Score
			}
		}
		t.Fatalf("%s has no %s", acc, ann)
		return 0
	}
	before := scoreOf("mk-7")
	require.Positive(t, before)
	mergeInto(t, b, mk, "acme", day(1).Add(time.Hour))
	assert.InDelta(t, before, scoreOf("acme"), 1, "Ann's demo is still hers on Acme")
	rep, err := b.eng.Ingest(b.ctx, demo)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Duplicates, "the demo was applied before")
}

// TestMergedThenMovedInOneCallKeepsConsent: Victor has two persons in
// Acme, his marketing lead (L-2) and his CRM contact (003V, another
// address), and unsubscribes as 003V on day 1. On day 2 one sync brings
// the lead with the contact's address (the two persons merge, under
// L-2's ID) and then the contact moved to Globex. His unsubscribe is his
// on Globex: the move hands on what the merge brought (003V's ID, under
// which Acme keeps the statement), in either order of the records.
func TestMergedThenMovedInOneCallKeepsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme"),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	u := activity("u-1", b2b.ActivityUnsubscribeEmail, "003V", day(1), nil)
	u.Source = b2b.SourceSalesforce
	ingest(t, b, u)

	// One sync: Marketo's lead takes the CRM contact's address (the two
	// persons merge), and the CRM moves the contact to Globex.
	b.clock.Set(day(2))
	l2 := lead("L-2", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	l2.Time = day(2)
	crm := contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "globex")
	crm.Time = day(2)
	rep, err = b.eng.UpsertPersons(b.ctx, l2, crm)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	id, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, id, sf, "one person now")
	require.Equal(t, b2b.PersonID("marketo:L-2"), id)
	require.NotContains(t, personsOf(t, b, "acme"), id, "Victor left Acme")
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "globex", id)[b2b.ChannelEmail], "Victor's unsubscribe as 003V holds on Globex")
}

// TestAccountAndPersonMergedInOneCallKeepConsent: Ann is a CRM contact of
// Acme (003A) and, under another address, a lead of Acme Net (L-8), where
// she unsubscribes on day 1. On day 2 one sync finds Acme Net to be Acme
// and gives her contact her marketing address: her two persons merge,
// under 003A's ID. Acme Net hands its statements over by the IDs it knew
// them under; Acme takes L-8's as 003A's, whom identity merged L-8 into,
// and Ann stays opted out.
func TestAccountAndPersonMergedInOneCallKeepConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{contact("003A", "ann.lee@acme.com", "Ann", "Lee", "CTO", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	mk := acmeNet(t, b) // Ann's marketing lead, L-8 (ann@acme.net), a second person
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-8", day(1), nil))

	// One sync: Acme Net is found to be Acme, and Ann's CRM contact takes
	// her marketing address (her two persons merge).
	b.clock.Set(day(2))
	mk.Time = day(2)
	mk.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acme"}}
	crm := contact("003A", "ann@acme.net", "Ann", "Lee", "CTO", "acme")
	crm.Time = day(2)
	rep, err = b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk}, Persons: []identity.PersonRecord{crm}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	ann, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003A")
	l8, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Equal(t, ann, l8, "one person now")
	require.Equal(t, b2b.PersonID("salesforce:003A"), ann)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "acme", ann)[b2b.ChannelEmail], "Ann's unsubscribe as L-8 holds on Acme")
}

// TestMergedPersonKeepsTheirJourneyRole: a journey makes Victor's CRM
// contact (003V, Head of Data) Champion of Acme's group; when his records
// merge with his marketing lead's, whose ID the merged person keeps, the
// role is still his (the journey, which ran its step, would never assign
// it again).
func TestMergedPersonKeepsTheirJourneyRole(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Journeys = []journey.Journey{{
		ID: "champions", Name: "Champions",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "assign", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAssignRole, Role: "Champion",
				Recipients: &journey.Recipients{When: `person.title == "Head of Data"`}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		},
	}}
	b := setup(t, defs)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "Head of Data", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	require.Contains(t, v.Groups[0].Group.RolesOf(sf), "Champion", "the journey made 003V the champion")

	b.clock.Set(day(1))
	crm := victorsNewAddress(day(1))
	crm.Person.Title = "Head of Data"
	_, err = b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	sf, _ = b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
	require.Equal(t, l2, sf, "one person now")
	require.Equal(t, b2b.PersonID("marketo:L-2"), l2)
	v, err = b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	require.Contains(t, v.Groups[0].Group.RolesOf(l2), "Champion", "the journey's role is Victor's")
}

// TestRollupMergedAccountPersonsKeepTheirConsentOnTheParent: with rollup,
// Acme's parent is Holding. Ann (L-8) unsubscribes on day 1 as a lead of
// Acme Net, which merges into Acme on day 2: Ann is Acme's now, and
// Holding's. Acme Net hands her statement over to Acme and to its parent
// (Holding's own pass of that call may read Acme's statements before they
// are there): Ann stays opted out on both, and neither emails her.
func TestRollupMergedAccountPersonsKeepTheirConsentOnTheParent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup, c.Workers = true, 1 })
	acme := acmeRecord()
	acme.Account.ParentID = "holding"
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{
		{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.com"}}},
		acme},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	mk := acmeNet(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-8", day(1), nil))
	mergeInto(t, b, mk, "acme", day(2))
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Contains(t, personsOf(t, b, "holding"), ann)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "acme", ann)[b2b.ChannelEmail])
	claimAll(t, b, day(2))
	sent, deliver := inbox(t, b)
	advanceDays(t, b, 2, 20, deliver)
	assert.Empty(t, sent["ann@acme.net"])
	assert.Equal(t, want, consentOf(t, b, "holding", ann)[b2b.ChannelEmail], "Ann's unsubscribe holds on Acme's parent too")
}
