package governance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

// TestApplyConsentUndatedOptOut: a person's opt-out without a date (a CRM
// flag) counts at the person record's time, as identity counts it: an
// older opt-in, or one made within the window after the record changed,
// does not undo it; an opt-in made after that does. An undated opt-in
// counts before every dated statement. Without a record time, an undated
// opt-out counts at now, the latest it can have been made.
func TestApplyConsentUndatedOptOut(t *testing.T) {
	t.Parallel()
	now := t0
	hours := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	optIn := func(h int) governance.Statement {
		return governance.Statement{Person: "p1", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: hours(h), Ref: "a1"}
	}
	optOut := func(h int) governance.Statement {
		s := optIn(h)
		s.Status = b2b.ConsentOptOut
		return s
	}
	tests := []struct {
		name    string
		updated time.Time
		status  b2b.ConsentStatus // the person's own, undated
		stmts   []governance.Statement
		want    b2b.Consent
	}{
		{
			name:    "an opt-in older than the record does not undo it",
			updated: hours(-2), status: b2b.ConsentOptOut,
			stmts: []governance.Statement{optIn(-72)},
			want:  b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: hours(-2)},
		},
		{
			name:    "an opt-in within the window after the record does not undo it",
			updated: hours(-30), status: b2b.ConsentOptOut,
			stmts: []governance.Statement{optIn(-10)},
			want:  b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: hours(-30)},
		},
		{
			name:    "an opt-in more than the window after the record undoes it",
			updated: hours(-48), status: b2b.ConsentOptOut,
			stmts: []governance.Statement{optIn(-1)},
			want:  b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: hours(-1)},
		},
		{
			name:    "alone, it is kept at its record's time",
			updated: hours(-2), status: b2b.ConsentOptOut,
			want: b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: hours(-2)},
		},
		{
			name:   "without a record time it counts at now",
			status: b2b.ConsentOptOut,
			stmts:  []governance.Statement{optIn(-1)},
			want:   b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: now},
		},
		{
			name:    "a record stamped ahead of now counts at now, not once its stamp has come",
			updated: hours(2), status: b2b.ConsentOptOut,
			stmts: []governance.Statement{optIn(-1)},
			want:  b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: now},
		},
		{
			name:    "an undated opt-in counts before every dated statement",
			updated: hours(-2), status: b2b.ConsentOptIn,
			stmts: []governance.Statement{optOut(-24 * 30)},
			want:  b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: hours(-24 * 30)},
		},
		{
			name:    "an undated opt-in stays undated",
			updated: hours(-2), status: b2b.ConsentOptIn,
			want: b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceSalesforce},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := b2b.Person{ID: "p1", UpdatedAt: tc.updated,
				Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: tc.status, Source: b2b.SourceSalesforce}}}
			governance.ApplyConsent(&p, tc.stmts, now, governance.ConsentRules{})
			if d := cmp.Diff(tc.want, p.Consent[b2b.ChannelEmail]); d != "" {
				t.Fatalf("consent (-want +got):\n%s", d)
			}
		})
	}
}

// consentRec is a source record of ann@acme.com changed at hour recH,
// with an email consent statement of status (none when empty) made at hour
// h, or undated.
type consentRec struct {
	source  b2b.Source
	recH    int
	status  b2b.ConsentStatus
	h       int
	undated bool
}

// TestConsentAgreesWithIdentity: identity, merging a person's records,
// and governance, applying statements to the golden person (or to the one
// source record's person), decide a person's email consent alike, undated
// statements included: each statement given to governance is, to
// identity, one more record of its source changed when it was made.
func TestConsentAgreesWithIdentity(t *testing.T) {
	t.Parallel()
	const month = 30 * 24
	now := t0
	hours := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	dated := func(source b2b.Source, status b2b.ConsentStatus, h int) consentRec {
		return consentRec{source: source, recH: h, status: status, h: h}
	}
	undated := func(source b2b.Source, recH int, status b2b.ConsentStatus) consentRec {
		return consentRec{source: source, recH: recH, status: status, undated: true}
	}
	none := func(source b2b.Source, recH int) consentRec { return consentRec{source: source, recH: recH} }
	tests := []struct {
		name    string
		records []consentRec
		stmts   []consentRec // dated statements
		want    b2b.ConsentStatus
	}{
		{"an undated opt-out beats an opt-in older than its record",
			[]consentRec{undated(b2b.SourceSalesforce, -2, b2b.ConsentOptOut)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -72)}, b2b.ConsentOptOut},
		{"an undated opt-out beats an opt-in an hour after its record",
			[]consentRec{undated(b2b.SourceSalesforce, -2, b2b.ConsentOptOut)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -1)}, b2b.ConsentOptOut},
		{"an undated opt-out loses to an opt-in two days after its record",
			[]consentRec{undated(b2b.SourceSalesforce, -48, b2b.ConsentOptOut)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -1)}, b2b.ConsentOptIn},
		{"an undated opt-out counts at its own record's time, not the newest record's",
			[]consentRec{undated(b2b.SourceSalesforce, -10*24, b2b.ConsentOptOut), none(b2b.SourceMarketo, -1)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -5*24)}, b2b.ConsentOptIn},
		{"an undated opt-out of the newest record",
			[]consentRec{none(b2b.SourceMarketo, -10*24), undated(b2b.SourceSalesforce, -1, b2b.ConsentOptOut)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -5*24)}, b2b.ConsentOptOut},
		{"an undated opt-in does not undo a dated opt-out",
			[]consentRec{undated(b2b.SourceSalesforce, -1, b2b.ConsentOptIn)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptOut, -month)}, b2b.ConsentOptOut},
		{"an undated opt-in loses to a dated one",
			[]consentRec{undated(b2b.SourceSalesforce, -1, b2b.ConsentOptIn)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -month)}, b2b.ConsentOptIn},
		{"undated opt-out and opt-in: the opt-out",
			[]consentRec{undated(b2b.SourceSalesforce, -48, b2b.ConsentOptOut), undated(b2b.SourceMarketo, -1, b2b.ConsentOptIn)},
			nil, b2b.ConsentOptOut},
		{"an undated opt-out and an older dated opt-out",
			[]consentRec{undated(b2b.SourceSalesforce, -2, b2b.ConsentOptOut)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptOut, -72)}, b2b.ConsentOptOut},
		{"a dated opt-out and an opt-in a month later",
			[]consentRec{dated(b2b.SourceSalesforce, b2b.ConsentOptOut, -month)},
			[]consentRec{dated(b2b.SourceMarketo, b2b.ConsentOptIn, -1)}, b2b.ConsentOptIn},
		{"an undated opt-out alone",
			[]consentRec{undated(b2b.SourceSalesforce, -2, b2b.ConsentOptOut)}, nil, b2b.ConsentOptOut},
	}
	record := func(i int, c consentRec) identity.PersonRecord {
		r := identity.PersonRecord{Source: c.source, RecordID: fmt.Sprint("r", i), Time: hours(c.recH),
			Person: b2b.Person{Email: "ann@acme.com"}}
		if c.status != "" {
			con := b2b.Consent{Status: c.status, Source: c.source}
			if !c.undated {
				con.At = hours(c.h)
			}
			r.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: con}
		}
		return r
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var recs, all []identity.PersonRecord
			for i, c := range tc.records {
				recs = append(recs, record(i, c))
			}
			all = recs
			var stmts []governance.Statement
			for i, c := range tc.stmts {
				all = append(all, record(len(tc.records)+i, c))
				stmts = append(stmts, governance.Statement{Channel: b2b.ChannelEmail, Status: c.status, Source: c.source, At: hours(c.h), Ref: fmt.Sprint("s", i)})
			}
			merged := goldenPerson(t, identity.Config{}, all...)
			require.Equal(t, tc.want, merged.Consent[b2b.ChannelEmail].Status, "identity, all records merged")

			p := goldenPerson(t, identity.Config{}, recs...)
			for i := range stmts {
				stmts[i].Person = p.ID
			}
			governance.ApplyConsent(&p, stmts, now, governance.ConsentRules{})
			require.Equal(t, tc.want, p.Consent[b2b.ChannelEmail].Status, "governance, on the golden person")

			if len(recs) == 1 {
				raw := recs[0].Person
				raw.ID, raw.UpdatedAt = p.ID, recs[0].Time
				governance.ApplyConsent(&raw, stmts, now, governance.ConsentRules{})
				require.Equal(t, tc.want, raw.Consent[b2b.ChannelEmail].Status, "governance, on the source record's person")
			}
		})
	}
}

// FuzzConsentAgreesWithIdentity: a person's one source record and one
// later statement about them, dated or not, of any status, are decided
// alike by identity (the statement one more record, changed when it was
// made) and by governance (the statement applied to the golden person,
// and to the record's person).
func FuzzConsentAgreesWithIdentity(f *testing.F) {
	f.Add(uint8(2), uint16(2), true, uint8(1), uint16(72), uint16(0))
	f.Add(uint8(2), uint16(48), true, uint8(1), uint16(1), uint16(24))
	f.Add(uint8(1), uint16(1), true, uint8(2), uint16(720), uint16(0))
	f.Fuzz(func(t *testing.T, recStatus uint8, recH uint16, undated bool, stmtStatus uint8, stmtH uint16, window uint16) {
		statuses := []b2b.ConsentStatus{b2b.ConsentUnknown, b2b.ConsentOptIn, b2b.ConsentOptOut}
		now := t0
		back := func(h uint16) time.Time { return now.Add(-time.Duration(h%2000) * time.Hour) }
		rules := governance.ConsentRules{Window: time.Duration(window%100) * time.Hour}
		rec := identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: "c1", Time: back(recH),
			Person: b2b.Person{Email: "ann@acme.com", Consent: map[b2b.Channel]b2b.Consent{
				b2b.ChannelEmail: {Status: statuses[recStatus%3], Source: b2b.SourceSalesforce}}}}
		if !undated {
			c := rec.Person.Consent[b2b.ChannelEmail]
			c.At = back(recH / 7)
			rec.Person.Consent[b2b.ChannelEmail] = c
		}
		st := governance.Statement{Channel: b2b.ChannelEmail, Status: statuses[stmtStatus%3], Source: b2b.SourceMarketo, At: back(stmtH), Ref: "a1"}
		stRec := identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "m1", Time: st.At,
			Person: b2b.Person{Email: "ann@acme.com", Consent: map[b2b.Channel]b2b.Consent{
				b2b.ChannelEmail: {Status: st.Status, Source: st.Source, At: st.At}}}}
		want := goldenPerson(t, identity.Config{ConsentWindow: rules.Window}, rec, stRec).Consent[b2b.ChannelEmail].Status
		if want == b2b.ConsentUnknown {
			want = "" // governance leaves a channel no statement decides unknown
		}
		p := goldenPerson(t, identity.Config{ConsentWindow: rules.Window}, rec)
		st.Person = p.ID
		governance.ApplyConsent(&p, []governance.Statement{st}, now, rules)
		got := p.Consent[b2b.ChannelEmail].Status
		if got == b2b.ConsentUnknown {
			got = ""
		}
		require.Equal(t, want, got, "golden person")
		raw := rec.Person
		raw.ID, raw.UpdatedAt = p.ID, rec.Time
		governance.ApplyConsent(&raw, []governance.Statement{st}, now, rules)
		got = raw.Consent[b2b.ChannelEmail].Status
		if got == b2b.ConsentUnknown {
			got = ""
		}
		require.Equal(t, want, got, "record's person")
	})
}

// goldenPerson is the golden person identity makes of recs, records of
// one person, under cfg.
func goldenPerson(t *testing.T, cfg identity.Config, recs ...identity.PersonRecord) b2b.Person {
	t.Helper()
	g, err := identity.New(cfg)
	require.NoError(t, err)
	var id b2b.PersonID
	for _, r := range recs {
		res, err := g.AddPerson(r)
		require.NoError(t, err)
		id = res.Person
	}
	gp, err := g.Person(id)
	require.NoError(t, err)
	return gp.Person
}
