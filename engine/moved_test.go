package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
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
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	u := activity("u-1", b2b.ActivityUnsubscribeEmail, "003V", day(1), nil)
	u.Source = b2b.SourceSalesforce
	ingest(t, b, u)

	b.clock.Set(day(2))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(2)
	rep, err = b.eng.UpsertPersons(b.ctx, crm)
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
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "1 marketing email a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 1, Per: journey.Days(7)}}
	b := setup(t, defs)
	acmeAndGlobex(t, b)
	sent := map[string][]string{} // by address, the templates sent
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			sent[m.To] = append(sent[m.To], m.Template)
		}
	}
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	moveVictor(t, b, day(1))
	for d := 1; d <= 6; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
	require.Equal(t, []string{"intro"}, sent["gina@globex.com"])
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "Acme's intro counts in Victor's cap on Globex")
	// A week after the intro the cap lets him be emailed again.
	for d := 7; d <= 13; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
	require.Equal(t, []string{"intro", "nurture"}, sent["victor@acme.com"])
}

// TestMergedPersonsMessagesCountInCaps: with two marketing emails a week,
// the intros each of Victor's two records had on day 0 are his two: when
// the records merge, the nurture of day 5 skips him.
func TestMergedPersonsMessagesCountInCaps(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "2 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7)}}
	b := setup(t, defs)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	sent := map[string][]string{}
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			sent[m.To] = append(sent[m.To], m.Template)
		}
	}
	deliver(day0)
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"])
	require.Equal(t, []string{"intro"}, sent["vkim@acme.com"])
	b.clock.Set(day(1))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(1)
	_, err = b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	for d := 1; d <= 6; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
	require.Equal(t, []string{"intro"}, sent["victor@acme.com"], "both intros count in Victor's cap")
}

// TestMergedPersonKeepsTheirScore: Victor requested a demo as a CRM
// contact (003V, another address then); when his records merge with his
// marketing lead's, the demo is his: his score and his group's keep it.
func TestMergedPersonKeepsTheirScore(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
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
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(2)
	_, err = b.eng.UpsertPersons(b.ctx, crm)
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
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "2 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7)}}
	b := setup(t, defs)
	setupAcme(t, b)
	mk := acmeNet(t, b)
	sent := map[string][]string{}
	deliver := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			sent[m.To] = append(sent[m.To], m.Template)
		}
	}
	deliver(day0)
	mergeInto(t, b, mk, "acme", day0.Add(2*time.Hour))
	for d := 1; d <= 6; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		deliver(day(d))
	}
	require.Equal(t, []string{"intro", "nurture"}, sent["ann@acme.net"])
}
