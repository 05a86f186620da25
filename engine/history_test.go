package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// What an account knows of a person follows them through several identity
// changes, in separate calls: a move after a move, a move back to an
// account after a merge, a merge after one record had a message the other
// was held back from.

// TestMergedPersonsStepSentToTheOtherRecordOnce: with one marketing email
// a week, deferred when over, Victor's lead (L-2) has Acme's intro on day
// 0; another record of his joins Acme on day 3. The nurture of day 5 is
// held back for L-2 (the intro counts) and sent to the other. On day 6
// his records merge: he had the nurture of day 5 already, and the copy
// held back for L-2 is his too. The node's three visits reach him three
// times, not four; whichever record's ID the merged person keeps (the
// first record's: L-2 here, or a lead of his that was linked to no
// account before).
func TestMergedPersonsStepSentToTheOtherRecordOnce(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "1 marketing email a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 1, Per: journey.Days(7),
		Policy: journey.CapDefer, MaxDefer: journey.Days(30)}}
	at := func(r identity.PersonRecord, t time.Time) identity.PersonRecord {
		r.Time = t
		return r
	}
	victor := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	for _, tc := range []struct {
		name          string
		before        []identity.PersonRecord // before Acme and L-2
		join, merge   identity.PersonRecord   // on day 3, on day 6
		merged, taken b2b.PersonID            // the merged person, the one merged into them
	}{{
		name:   "held back for the survivor",
		join:   at(contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(3)),
		merge:  at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(6)),
		merged: "marketo:L-2", taken: "salesforce:003V",
	}, {
		name:   "held back for the one merged",
		before: []identity.PersonRecord{at(lead("L-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", ""), day0.Add(-2*time.Hour))},
		join:   at(lead("L-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "Acme"), day(3)),
		merge:  at(lead("L-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"), day(6)),
		merged: "marketo:L-1", taken: "marketo:L-2",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs)
			if tc.before != nil {
				rep, err := b.eng.Apply(b.ctx, engine.Batch{Persons: tc.before})
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
			}
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{victor}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			var nurtures []string
			deliver := func(now time.Time) {
				for _, m := range claimAll(t, b, now) {
					if m.Template == "nurture" {
						nurtures = append(nurtures, now.Format("Jan 2")+" "+m.To)
					}
				}
			}
			deliver(day0)
			for d := 1; d <= 60; d++ {
				b.clock.Set(day(d))
				switch d {
				case 3:
					_, err := b.eng.UpsertPersons(b.ctx, tc.join)
					require.NoError(t, err)
					v, err := b.eng.Account(b.ctx, "acme", day(3))
					require.NoError(t, err)
					require.Len(t, v.Persons, 2)
				case 6:
					_, err := b.eng.UpsertPersons(b.ctx, tc.merge)
					require.NoError(t, err)
					for _, id := range []b2b.PersonID{tc.merged, tc.taken} {
						src, rid, _ := strings.Cut(string(id), ":")
						p, _ := b.eng.PersonOfRecord(b2b.Source(src), rid)
						require.Equal(t, tc.merged, p, "one person now")
					}
				}
				_, err := b.eng.Advance(b.ctx, day(d))
				require.NoError(t, err)
				deliver(day(d))
			}
			require.Len(t, nurtures, 3, "the nurture node's three visits, each once: %v", nurtures)
		})
	}
}

// TestPersonMovedTwiceKeepsFirstAccountsMessagesInCaps: with one
// marketing email a week, Victor has Acme's intro on day 0; the CRM moves
// him to Globex on day 1 and to Initech on day 2. Acme's intro still
// counts in his cap on Initech: Initech's nurture of day 5 skips him.
func TestPersonMovedTwiceKeepsFirstAccountsMessagesInCaps(t *testing.T) {
	t.Parallel()
	// The third account's ID sorts after Globex's or before: the call
	// that moves Victor there decides for Globex first, or for it.
	for _, third := range []b2b.AccountID{"initech", "axiom"} {
		t.Run(string(third), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(1))
			acmeAndGlobex(t, b)
			rec := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
				Account: b2b.Account{ID: third, Name: "Initech", Domains: []string{"initech.com"}}}
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{rec},
				Persons: []identity.PersonRecord{lead("L-7", "ivy@initech.com", "Ivy", "Chen", "CTO", "Initech")}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			sent, deliver := inbox(t, b)
			deliver(day0)
			require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
			require.Equal(t, []string{"intro"}, sent["ivy@initech.com"])
			moveVictor(t, b, day(1))
			b.clock.Set(day(2))
			crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", third)
			crm.Time = day(2)
			_, err = b.eng.UpsertPersons(b.ctx, crm)
			require.NoError(t, err)
			v, err := b.eng.Account(b.ctx, third, day(2))
			require.NoError(t, err)
			require.Len(t, v.Persons, 2, "Victor is Initech's")
			advanceDays(t, b, 2, 6, deliver)
			require.Equal(t, []string{"intro"}, sent["ivy@initech.com"])
			require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "Acme's intro counts in Victor's cap on Initech")
			// A week after the intro the cap lets him be emailed again.
			advanceDays(t, b, 7, 13, deliver)
			require.Equal(t, []string{"intro", "nurture"}, sent["victor@acme.com"])
		})
	}
}

// TestMergedPersonBackInAccountKeepsTheirScore: Victor requested a demo
// as Acme's lead (L-2) on day 1. On day 2 the CRM makes him a contact of
// Globex; on day 3 his Dynamics record (D-1, Globex's, older) takes his
// address and his persons merge under D-1's ID. On day 4 the CRM and
// Dynamics make him Acme's again: the demo Acme scored under L-2's ID is
// his, as it would be had his ID not changed.
func TestMergedPersonBackInAccountKeepsTheirScore(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{
			dynamicsContact("D-1", "vk@globex.com", "Victor", "Kim", "VP of Engineering", "globex", day0.Add(-3*time.Hour)),
			lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	ingest(t, b, activity("d-1", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	demo := personScores(t, b, "acme", day(1))["marketo:L-2"]
	require.Positive(t, demo)

	moveVictor(t, b, day(2))
	b.clock.Set(day(3))
	_, err = b.eng.UpsertPersons(b.ctx, dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(3)))
	require.NoError(t, err)
	d1, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, b2b.PersonID("dynamics:D-1"), d1, "one person now")

	b.clock.Set(day(4))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(4)
	_, err = b.eng.UpsertPersons(b.ctx, crm, dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme", day(4)))
	require.NoError(t, err)
	acme := personScores(t, b, "acme", day(4))
	require.Contains(t, acme, d1, "Victor is Acme's again")
	require.NotContains(t, personScores(t, b, "globex", day(4)), d1, "and no longer Globex's")
	require.Greater(t, acme[d1], demo*0.9, "the demo is his")
}

// TestPersonBackFromNowhereKeepsTheirConsent: Victor unsubscribed while a
// lead of Acme (day 1); between jobs he uses his own address and names no
// company, linked to no account (day 2); he joins Globex (day 3). The
// unsubscribe is his there: Globex's journey does not email him.
func TestPersonBackFromNowhereKeepsTheirConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	acmeAndGlobex(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil))

	between := lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "")
	between.Time = day(2)
	b.clock.Set(day(2))
	_, err := b.eng.UpsertPersons(b.ctx, between)
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Empty(t, v.Persons, "Victor is no one's")

	globex := lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "Globex")
	globex.Time = day(3)
	b.clock.Set(day(3))
	_, err = b.eng.UpsertPersons(b.ctx, globex)
	require.NoError(t, err)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	require.Equal(t, want, consentOf(t, b, "globex", "marketo:L-2")[b2b.ChannelEmail])
	advanceDays(t, b, 3, 20, deliver)
	require.Empty(t, sent["victor.kim@gmail.com"])
}

// TestPersonBackFromNowhereMessagesCountInCaps: with one marketing email
// a week, Victor has Acme's intro on day 0, is linked to no account on
// day 1 and joins Globex on day 2: the intro counts in his cap there, and
// Globex's nurture of day 5 skips him.
func TestPersonBackFromNowhereMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(1))
	acmeAndGlobex(t, b)
	sent, deliver := inbox(t, b)
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	for _, move := range []struct {
		day     int
		company string
	}{{1, ""}, {2, "Globex"}} {
		rec := lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", move.company)
		rec.Time = day(move.day)
		b.clock.Set(day(move.day))
		_, err := b.eng.UpsertPersons(b.ctx, rec)
		require.NoError(t, err)
	}
	v, err := b.eng.Account(b.ctx, "globex", day(2))
	require.NoError(t, err)
	require.Len(t, v.Persons, 2, "Victor is Globex's")
	advanceDays(t, b, 2, 6, deliver)
	require.Empty(t, sent["victor.kim@gmail.com"], "Acme's intro counts in Victor's cap on Globex")
	advanceDays(t, b, 7, 13, deliver)
	require.Equal(t, []string{"nurture"}, sent["victor.kim@gmail.com"])
}
