package identity_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// stmt is one consent statement of a record; an undated one has no at.
type stmt struct {
	ch     b2b.Channel
	status b2b.ConsentStatus
	at     *time.Time
}

func said(ch b2b.Channel, status b2b.ConsentStatus, h int) stmt {
	at := at(h)
	return stmt{ch, status, &at}
}

func undated(ch b2b.Channel, status b2b.ConsentStatus) stmt { return stmt{ch, status, nil} }

// consentRecord is a record of ann@acme.com from source:id, changed at
// hour recH, with consent statements.
func consentRecord(source b2b.Source, id string, recH int, stmts ...stmt) identity.PersonRecord {
	r := identity.PersonRecord{Source: source, RecordID: id, Time: at(recH),
		Person: b2b.Person{Email: "ann@acme.com", Consent: map[b2b.Channel]b2b.Consent{}}}
	for _, s := range stmts {
		c := b2b.Consent{Status: s.status, Source: source}
		if s.at != nil {
			c.At = *s.at
		}
		r.Person.Consent[s.ch] = c
	}
	return r
}

// consentWin is a golden person's consent for a channel and the record it
// came from.
type consentWin struct {
	Status b2b.ConsentStatus
	From   string
}

func goldenConsent(t *testing.T, g *identity.Graph, id b2b.PersonID) map[b2b.Channel]consentWin {
	t.Helper()
	p, err := g.Person(id)
	require.NoError(t, err)
	out := map[b2b.Channel]consentWin{}
	for ch, c := range p.Person.Consent {
		prov := p.Provenance["consent."+ch]
		out[ch] = consentWin{c.Status, prov.Source + ":" + prov.RecordID}
	}
	return out
}

const (
	email, sms = b2b.ChannelEmail, b2b.ChannelSMS
	optIn      = b2b.ConsentOptIn
	optOut     = b2b.ConsentOptOut
	month      = 30 * 24 // hours
)

func TestConsentMerge(t *testing.T) {
	t.Parallel()
	marketoFirst := &identity.MergePolicy{Fields: map[string]identity.FieldRule{"consent": {Sources: []b2b.Source{b2b.SourceMarketo}}}}
	tests := []struct {
		name    string
		policy  *identity.MergePolicy
		window  time.Duration
		records []identity.PersonRecord
		want    map[b2b.Channel]consentWin
		reason  string
	}{
		{
			name: "an hour-old CRM opt-out over a month-old Marketo opt-in",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -1, said(email, optOut, -1)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, -month)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
			reason: "the most recent statement wins, whichever source made it",
		},
		{
			name: "a Marketo opt-out is not undone by a CRM opt-in an hour later",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceSalesforce, "c1", 1, said(email, optIn, 1)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "marketo:m1"}},
			reason: "within 24 hours of each other the stricter wins: the sync had not seen the unsubscribe",
		},
		{
			name: "a CRM opt-out is not undone by a Marketo opt-in an hour later",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, 1)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
		},
		{
			name:   "a window of an hour: an opt-in two hours after an opt-out",
			window: time.Hour,
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, 2)),
			},
			want: map[b2b.Channel]consentWin{email: {optIn, "marketo:m1"}},
		},
		{
			name: "an opt-in a month after an opt-out",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", -month, said(email, optOut, -month)),
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optIn, 0)),
			},
			want:   map[b2b.Channel]consentWin{email: {optIn, "salesforce:c1"}},
			reason: "a person who opts in again later is opted in",
		},
		{
			name: "the statement's time counts, not its record's",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", -48, said(email, optOut, -48)),
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optIn, -month)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "marketo:m1"}},
			reason: "the CRM record changed last, but its opt-in is a month old",
		},
		{
			name: "same time: the stricter",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, 0)),
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
		},
		{
			name: "no times: the stricter",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", 5, undated(email, optIn)),
				consentRecord(b2b.SourceSalesforce, "c1", 0, undated(email, optOut)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
		},
		{
			name: "an undated opt-out counts at its record's time",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, undated(email, optOut)),
				consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, -5)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
			reason: "the record changed at hour 0, so the opt-out was made by then, after the opt-in",
		},
		{
			name: "an undated opt-out loses to an opt-in made after its record changed",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -48, undated(email, optOut)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, 0)),
			},
			want: map[b2b.Channel]consentWin{email: {optIn, "marketo:m1"}},
		},
		{
			name: "an undated opt-in does not undo a dated opt-out",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -month, said(email, optOut, -month)),
				consentRecord(b2b.SourceMarketo, "m1", 0, undated(email, optIn)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
			reason: "the opt-in may be older than the opt-out: a record changed today may carry a flag set years ago",
		},
		{
			name: "unknown states nothing",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -month, said(email, optIn, -month)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, b2b.ConsentUnknown, 0)),
			},
			want: map[b2b.Channel]consentWin{email: {optIn, "salesforce:c1"}},
		},
		{
			name: "each channel on its own",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0), said(sms, optIn, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, -month), said(sms, optOut, -month)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}, sms: {optIn, "salesforce:c1"}},
		},
		{
			name:   "a host's source priority for consent still applies",
			policy: marketoFirst,
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -1, said(email, optOut, -1)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, -month)),
			},
			want: map[b2b.Channel]consentWin{email: {optIn, "marketo:m1"}},
		},
		{
			name:   "between records of the first source, the statement rule",
			policy: marketoFirst,
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m2", 1, said(email, optIn, 1)),
				consentRecord(b2b.SourceSalesforce, "c1", 2, said(email, optIn, 2)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "marketo:m1"}},
		},
		{
			name:   "a host's default rule does not decide consent",
			policy: &identity.MergePolicy{Default: identity.FieldRule{Sources: []b2b.Source{b2b.SourceSalesforce}}},
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optIn, -month)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optOut, 0)),
			},
			want:   map[b2b.Channel]consentWin{email: {optOut, "marketo:m1"}},
			reason: "only a rule under Fields[\"consent\"] ranks consent by source",
		},
		{
			name:   "an empty consent rule is the statement rule",
			policy: &identity.MergePolicy{Fields: map[string]identity.FieldRule{"consent": {}}},
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, 1)),
			},
			want: map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The golden consent does not depend on the order the records
			// arrive in.
			for _, order := range permutations(len(tt.records)) {
				g := newGraph(t, identity.Config{PersonMerge: tt.policy, ConsentWindow: tt.window})
				var id b2b.PersonID
				for _, i := range order {
					id = addPerson(t, g, tt.records[i]).Person
				}
				require.Equal(t, 1, g.Stats().Persons)
				require.Empty(t, cmp.Diff(tt.want, goldenConsent(t, g, id)), "order %v (-want +got): %s", order, tt.reason)
			}
			// Loaded in a batch, and restored from a snapshot, the same.
			cfg := identity.Config{PersonMerge: tt.policy, ConsentWindow: tt.window}
			g := newGraph(t, cfg)
			g.AddPersons(tt.records)
			id, ok := g.PersonOfRecord(tt.records[0].Source, tt.records[0].RecordID)
			require.True(t, ok)
			require.Empty(t, cmp.Diff(tt.want, goldenConsent(t, g, id)), "AddPersons (-want +got)")
			r, err := identity.Restore(cfg, g.Snapshot())
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, goldenConsent(t, r, id)), "restored (-want +got)")
		})
	}
}

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Two golden persons, each with a statement, are merged by a third record:
// the merged consent is the one their statements decide together.
func TestConsentMergeOfGoldenPersons(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	a := addPerson(t, g, consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)))
	m := consentRecord(b2b.SourceMarketo, "m1", 1, said(email, optIn, 1))
	m.Person.Email = "ann.b@acme.com"
	b := addPerson(t, g, m)
	require.NotEqual(t, a.Person, b.Person)
	require.Empty(t, cmp.Diff(map[b2b.Channel]consentWin{email: {optIn, "marketo:m1"}}, goldenConsent(t, g, b.Person)))
	bridge := addPerson(t, g, identity.PersonRecord{Source: "webinar", RecordID: "w1", Time: at(2),
		Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@acme.com"}},
		Person:      b2b.Person{Email: "ann.b@acme.com"}})
	require.Equal(t, a.Person, bridge.Person)
	require.Empty(t, cmp.Diff(map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}}, goldenConsent(t, g, bridge.Person)))
}

// A new version of a record takes its old statement out of the merge.
func TestConsentMergeUpdatedRecord(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addPerson(t, g, consentRecord(b2b.SourceMarketo, "m1", -month, said(email, optIn, -month)))
	res := addPerson(t, g, consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)))
	require.Empty(t, cmp.Diff(map[b2b.Channel]consentWin{email: {optOut, "salesforce:c1"}}, goldenConsent(t, g, res.Person)))
	// The contact opts in again two days later.
	res = addPerson(t, g, consentRecord(b2b.SourceSalesforce, "c1", 48, said(email, optIn, 48)))
	require.Equal(t, identity.Updated, res.Outcome)
	require.Empty(t, cmp.Diff(map[b2b.Channel]consentWin{email: {optIn, "salesforce:c1"}}, goldenConsent(t, g, res.Person)))
}

// The provenance of a golden person's consent names the rule and says why
// the winning statement won over each of the others.
func TestConsentMergeReasons(t *testing.T) {
	t.Parallel()
	const rule = "strictest recent statement, within 24h0m0s of the latest"
	tests := []struct {
		name    string
		cfg     identity.Config
		records []identity.PersonRecord
		want    identity.Provenance
	}{
		{
			name:    "the only statement",
			records: []identity.PersonRecord{consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, -2))},
			want:    identity.Provenance{Source: "marketo", RecordID: "m1", Time: at(0), Rule: rule},
		},
		{
			name: "older",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -1, said(email, optOut, -1)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, -month)),
			},
			want: identity.Provenance{Source: "salesforce", RecordID: "c1", Time: at(-1), Rule: rule,
				Reason: "opt-out at 2025-03-01T11:00:00Z wins over opt-in of marketo:m1 at 2025-01-30T12:00:00Z (older)"},
		},
		{
			name: "less strict within the window, and states nothing",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceSalesforce, "c1", 1, said(email, optIn, 1)),
				consentRecord(b2b.SourceDynamics, "d1", 2, said(email, b2b.ConsentUnknown, 2)),
			},
			want: identity.Provenance{Source: "marketo", RecordID: "m1", Time: at(0), Rule: rule,
				Reason: "opt-out at 2025-03-01T12:00:00Z wins over opt-in of salesforce:c1 at 2025-03-01T13:00:00Z (less strict, within 24h0m0s), " +
					"unknown of dynamics:d1 at 2025-03-01T14:00:00Z (states nothing)"},
		},
		{
			name: "stricter but older, and undated statements",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -48, undated(email, optOut)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, 0)),
				consentRecord(b2b.SourceDynamics, "d1", 3, undated(email, optIn)),
			},
			want: identity.Provenance{Source: "marketo", RecordID: "m1", Time: at(0), Rule: rule,
				Reason: "opt-in at 2025-03-01T12:00:00Z wins over opt-out of salesforce:c1, undated, counted at its record's time 2025-02-27T12:00:00Z (stricter, but older by more than 24h0m0s), " +
					"opt-in of dynamics:d1, undated, counted before every dated statement (older)"},
		},
		{
			name: "ties",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 2, said(email, optOut, 0)),
				consentRecord(b2b.SourceDynamics, "d1", 2, said(email, optOut, 0)),
			},
			want: identity.Provenance{Source: "dynamics", RecordID: "d1", Time: at(2), Rule: rule,
				Reason: "opt-out at 2025-03-01T12:00:00Z wins over opt-out of salesforce:c1 at 2025-03-01T12:00:00Z (same status and time, from a record changed earlier), " +
					"opt-out of marketo:m1 at 2025-03-01T12:00:00Z (same status and time, from a record that arrived earlier)"},
		},
		{
			name: "source priority",
			cfg:  identity.Config{PersonMerge: &identity.MergePolicy{Fields: map[string]identity.FieldRule{"consent": {Sources: []b2b.Source{b2b.SourceMarketo}}}}},
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -1, said(email, optOut, -1)),
				consentRecord(b2b.SourceMarketo, "m1", 0, said(email, optIn, -month)),
			},
			want: identity.Provenance{Source: "marketo", RecordID: "m1", Time: at(0), Rule: "source priority marketo, then " + rule,
				Reason: "opt-in at 2025-01-30T12:00:00Z wins over opt-out of salesforce:c1 at 2025-03-01T11:00:00Z (source priority)"},
		},
		{
			name: "a window of one hour",
			cfg:  identity.Config{ConsentWindow: time.Hour},
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", 0, said(email, optOut, 0)),
				consentRecord(b2b.SourceMarketo, "m1", 2, said(email, optIn, 2)),
			},
			want: identity.Provenance{Source: "marketo", RecordID: "m1", Time: at(2), Rule: "strictest recent statement, within 1h0m0s of the latest",
				Reason: "opt-in at 2025-03-01T14:00:00Z wins over opt-out of salesforce:c1 at 2025-03-01T12:00:00Z (stricter, but older by more than 1h0m0s)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, tt.cfg)
			var id b2b.PersonID
			for _, r := range tt.records {
				id = addPerson(t, g, r).Person
			}
			p, err := g.Person(id)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, p.Provenance["consent.email"]), "(-want +got)")
		})
	}
}

func TestConsentWindowValidate(t *testing.T) {
	t.Parallel()
	_, err := identity.New(identity.Config{ConsentWindow: -time.Hour})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, "identity config: consentWindow: -1h0m0s is negative")
}

// TestGoldenConsentCarriesTheTimeItCountedAt: the golden person's consent
// is the winning statement with the time it was ranked by: an undated
// opt-out at its record's time (not the golden person's newest record's),
// an undated opt-in undated, a dated statement at its own time; so that
// governance, applying later statements to the golden person, counts it
// as identity did.
func TestGoldenConsentCarriesTheTimeItCountedAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		records []identity.PersonRecord
		want    b2b.Consent
	}{
		{
			name: "an undated opt-out at its record's time",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -48, undated(email, optOut)),
				consentRecord(b2b.SourceMarketo, "m1", 0),
			},
			want: b2b.Consent{Status: optOut, Source: b2b.SourceSalesforce, At: at(-48)},
		},
		{
			name: "an undated opt-in undated",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -48, undated(email, optIn)),
				consentRecord(b2b.SourceMarketo, "m1", 0),
			},
			want: b2b.Consent{Status: optIn, Source: b2b.SourceSalesforce},
		},
		{
			name: "a dated opt-out at its own time",
			records: []identity.PersonRecord{
				consentRecord(b2b.SourceSalesforce, "c1", -2, said(email, optOut, -month)),
			},
			want: b2b.Consent{Status: optOut, Source: b2b.SourceSalesforce, At: at(-month)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := identity.New(identity.Config{})
			require.NoError(t, err)
			var id b2b.PersonID
			for _, r := range tc.records {
				res, err := g.AddPerson(r)
				require.NoError(t, err)
				id = res.Person
			}
			p, err := g.Person(id)
			require.NoError(t, err)
			if d := cmp.Diff(tc.want, p.Person.Consent[email]); d != "" {
				t.Fatalf("golden consent (-want +got):\n%s", d)
			}
		})
	}
}
