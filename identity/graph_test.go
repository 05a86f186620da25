package identity_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func at(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

func newGraph(t *testing.T, cfg identity.Config) *identity.Graph {
	t.Helper()
	g, err := identity.New(cfg)
	require.NoError(t, err)
	return g
}

func addAccount(t *testing.T, g *identity.Graph, src b2b.Source, a b2b.Account, ids ...identity.Identifier) identity.AccountResult {
	t.Helper()
	res, err := g.AddAccount(identity.AccountRecord{Source: src, Account: a, Identifiers: ids, Time: at(0)})
	require.NoError(t, err)
	return res
}

func addPerson(t *testing.T, g *identity.Graph, r identity.PersonRecord) identity.PersonResult {
	t.Helper()
	if r.Time.IsZero() {
		r.Time = at(1)
	}
	res, err := g.AddPerson(r)
	require.NoError(t, err)
	return res
}

func sfContact(id, email string, acct b2b.AccountID) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: id,
		Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: id}},
		Person:      b2b.Person{Email: email, AccountID: acct}}
}

func mktoLead(id, email string) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id,
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: id}},
		Person:      b2b.Person{Email: email}}
}

func acme() b2b.Account {
	return b2b.Account{ID: "acme", Name: "Acme Inc", Domains: []string{"acme.com", "acme.io"}}
}

// TestTransitiveLinking follows a person through three systems: a Marketo
// lead, a Salesforce lead with the same email, and the Salesforce contact
// the lead was converted to (carrying the lead ID but a new email).
func TestTransitiveLinking(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, b2b.SourceSalesforce, acme())
	const leadID, contactID = "00Q5e00000LeAdA", "0035e00000CoNtA"

	r1 := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "77",
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "77"}},
		Person:      b2b.Person{Email: "kim@acme.com", Title: "VP Eng", Company: "Acme"}, Time: at(1)})
	r2 := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: leadID,
		Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceLeadID, Value: leadID}},
		Person:      b2b.Person{Email: "KIM@acme.com", FirstName: "Kim"}, Time: at(2)})
	r3 := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: contactID,
		Identifiers: []identity.Identifier{
			{Namespace: identity.NSSalesforceContactID, Value: contactID},
			{Namespace: identity.NSSalesforceLeadID, Value: strings.ToLower(leadID + sfSuffix(leadID))}, // 18-char form, lower-cased by a spreadsheet
		},
		Person: b2b.Person{Email: "kim.lee@acme.com", FirstName: "Kim", LastName: "Lee", Title: "VP of Engineering", AccountID: "acme"},
		Time:   at(3)})

	require.Equal(t, identity.Created, r1.Outcome)
	require.Equal(t, identity.Joined, r2.Outcome)
	require.Equal(t, identity.Joined, r3.Outcome)
	id := r1.Person
	require.Equal(t, b2b.PersonID("marketo:77"), id)
	require.Equal(t, id, r2.Person)
	require.Equal(t, id, r3.Person)

	p, err := g.Person(id)
	require.NoError(t, err)
	require.Equal(t, "VP of Engineering", p.Person.Title) // CRM wins for title
	require.Equal(t, "kim.lee@acme.com", p.Person.Email)  // most recent wins for email
	require.Equal(t, b2b.AccountID("acme"), p.Person.AccountID)
	want := []identity.RecordRef{{Source: "marketo", RecordID: "77"}, {Source: "salesforce", RecordID: leadID}, {Source: "salesforce", RecordID: contactID}}
	require.Empty(t, cmp.Diff(want, p.Records))
	require.Empty(t, cmp.Diff([]identity.Identifier{
		{Namespace: identity.NSEmail, Value: "kim.lee@acme.com"},
		{Namespace: identity.NSEmail, Value: "kim@acme.com"},
		{Namespace: identity.NSMarketoPersonID, Value: "77"},
		{Namespace: identity.NSSalesforceContactID, Value: contactID},
		{Namespace: identity.NSSalesforceLeadID, Value: leadID},
	}, p.Identifiers))
	require.Equal(t, identity.Provenance{Source: "salesforce", RecordID: contactID, Time: at(3),
		Rule: "source priority salesforce > dynamics, then most recent"}, p.Provenance["title"])
	require.Equal(t, identity.Provenance{Source: "marketo", RecordID: "77", Time: at(1),
		Rule: "source priority salesforce > dynamics, then most recent"}, p.Provenance["company"],
		"no CRM record carries company, so Marketo's value stands")

	for _, lookup := range []identity.Identifier{
		{Namespace: identity.NSEmail, Value: " Kim@ACME.com"},
		{Namespace: identity.NSSalesforceLeadID, Value: leadID},
		{Namespace: identity.NSMarketoPersonID, Value: "77"},
	} {
		got, ok := g.Lookup(lookup)
		require.True(t, ok, lookup)
		require.Equal(t, id, got)
	}
	got, ok := g.PersonOfRecord(b2b.SourceSalesforce, contactID)
	require.True(t, ok)
	require.Equal(t, id, got)
}

// TestCaseInsensitiveBeyondASCII: values of case-insensitive namespaces
// (email, Marketo person ID, GUIDs) that differ only in the case of a
// non-ASCII letter are one identifier.
func TestCaseInsensitiveBeyondASCII(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, b2b.SourceSalesforce, acme())
	r1 := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "1",
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "Ä1"}},
		Person:      b2b.Person{Email: "Ä@acme.com"}})
	r2 := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceDynamics, RecordID: "2",
		Identifiers: []identity.Identifier{{Namespace: identity.NSDynamicsContactID, Value: "{ÉÉ}"}},
		Person:      b2b.Person{Email: "ä@acme.com"}})
	require.Equal(t, identity.Joined, r2.Outcome, "the same email up to case")
	require.Equal(t, r1.Person, r2.Person)
	tests := []identity.Identifier{
		{Namespace: identity.NSEmail, Value: "Ä@acme.com"},
		{Namespace: identity.NSEmail, Value: "ä@ACME.com"},
		{Namespace: identity.NSMarketoPersonID, Value: "Ä1"},
		{Namespace: identity.NSMarketoPersonID, Value: "ä1"},
		{Namespace: identity.NSDynamicsContactID, Value: "éé"},
		{Namespace: identity.NSDynamicsContactID, Value: "{Éé}"},
	}
	for _, id := range tests {
		got, ok := g.Lookup(id)
		require.True(t, ok, id)
		require.Equal(t, r1.Person, got, id)
	}
	p, err := g.Person(r1.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]identity.Identifier{
		{Namespace: identity.NSDynamicsContactID, Value: "éé"},
		{Namespace: identity.NSEmail, Value: "ä@acme.com"},
		{Namespace: identity.NSMarketoPersonID, Value: "ä1"},
	}, p.Identifiers))
}

// TestValueLimitHoldsAfterLowerCase: the 255-byte limit of a namespace
// value holds for the normalised value, which lower case can make longer
// (U+023A is 2 bytes, its lower case 3) or shorter (U+212A KELVIN SIGN, 3
// bytes, is "k"); every stored value is found again and the graph's own
// snapshot restores.
func TestValueLimitHoldsAfterLowerCase(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, b2b.SourceSalesforce, acme())
	rec := func(id string, ident identity.Identifier) identity.PersonRecord {
		return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: at(1),
			Identifiers: []identity.Identifier{ident}, Person: b2b.Person{Email: id + "@acme.com"}}
	}
	mkto := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: v}
	}
	guid := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSDynamicsContactID, Value: v}
	}
	for _, ident := range []identity.Identifier{
		mkto(strings.Repeat("\u023a", 86)),             // 172 bytes, 258 in lower case
		mkto(strings.Repeat("\u023a", 127)),            // 254 bytes, 381 in lower case
		guid("{" + strings.Repeat("\u023a", 86) + "}"), // the braces do not count
	} {
		_, err := g.AddPerson(rec("long", ident))
		require.ErrorContains(t, err, "is longer than 255 bytes", ident)
	}
	accepted := []struct {
		in   identity.Identifier
		want string
	}{
		{mkto(strings.Repeat("\u023a", 85)), strings.Repeat("\u2c65", 85)}, // 255 bytes in lower case
		{mkto(strings.Repeat("\u212a", 255)), strings.Repeat("k", 255)},    // 765 bytes, 255 in lower case
		{guid("{" + strings.Repeat("\u023a", 85) + "}"), strings.Repeat("\u2c65", 85)},
		{guid("{{ÄB}}"), "äb"}, // every pair of surrounding braces goes
	}
	for i, tt := range accepted {
		r := addPerson(t, g, rec(fmt.Sprint("p", i), tt.in))
		want := identity.Identifier{Namespace: tt.in.Namespace, Value: tt.want}
		p, err := g.Person(r.Person)
		require.NoError(t, err)
		require.Contains(t, p.Identifiers, want)
		got, ok := g.Lookup(want)
		require.True(t, ok, want)
		require.Equal(t, r.Person, got)
	}
	g2, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err, "the graph's own snapshot restores")
	require.Empty(t, cmp.Diff(g.Snapshot(), g2.Snapshot()))
	for _, tt := range accepted {
		want, _ := g.Lookup(tt.in)
		got, ok := g2.Lookup(identity.Identifier{Namespace: tt.in.Namespace, Value: tt.want})
		require.True(t, ok, tt.want)
		require.Equal(t, want, got)
	}
}

// TestMergeOfTwoPersons: a record that carries identifiers of two golden
// persons merges them; the older ID survives and the other resolves to it.
func TestMergeOfTwoPersons(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	a := addPerson(t, g, mktoLead("1", "ann@acme.com"))
	b := addPerson(t, g, identity.PersonRecord{Source: "webinar", RecordID: "w9", Person: b2b.Person{Email: "ann.b@acme.com"}})
	require.NotEqual(t, a.Person, b.Person)
	c := addPerson(t, g, identity.PersonRecord{Source: "webinar", RecordID: "w10",
		Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@acme.com"}},
		Person:      b2b.Person{Email: "ann.b@acme.com"}})
	require.Equal(t, a.Person, c.Person)
	require.Equal(t, []b2b.PersonID{b.Person}, c.Merged)
	p, err := g.Person(b.Person)
	require.NoError(t, err)
	require.Equal(t, a.Person, p.ID)
	require.Equal(t, 1, g.Stats().Persons)
}

func TestMergePolicies(t *testing.T) {
	t.Parallel()
	consent := func(s b2b.ConsentStatus, h int) map[b2b.Channel]b2b.Consent {
		return map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: s, At: at(h)}}
	}
	tests := []struct {
		name   string
		policy *identity.MergePolicy
		field  string
		want   string
		from   string
	}{
		{name: "default: CRM wins for title though older", field: "title", want: "CFO", from: "salesforce:c1"},
		{name: "default: most recent wins for email", field: "email", want: "ann@acme.com", from: "marketo:m1"},
		{name: "default: the strictest recent consent statement", field: "consent.email", want: b2b.ConsentOptOut, from: "marketo:m1"},
		{name: "most recent everywhere", policy: &identity.MergePolicy{}, field: "title", want: "Finance Chief", from: "marketo:m1"},
		{name: "most recent everywhere but consent", policy: &identity.MergePolicy{}, field: "consent.email", want: b2b.ConsentOptOut, from: "marketo:m1"},
		{name: "salesforce first for consent", policy: &identity.MergePolicy{Fields: map[string]identity.FieldRule{"consent": {Sources: []b2b.Source{"salesforce"}}}},
			field: "consent.email", want: b2b.ConsentOptIn, from: "salesforce:c1"},
		{name: "marketo first for title", policy: &identity.MergePolicy{Fields: map[string]identity.FieldRule{"title": {Sources: []b2b.Source{"marketo"}}}},
			field: "title", want: "Finance Chief", from: "marketo:m1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t, identity.Config{PersonMerge: tt.policy})
			// The CRM record is older but its consent statement is newer;
			// the Marketo opt-out is within 24 hours of it.
			addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1", Time: at(1),
				Person: b2b.Person{Email: "ann@acme.com", Title: "CFO", Consent: consent(b2b.ConsentOptIn, 9)}})
			res := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Time: at(5),
				Person: b2b.Person{Email: "Ann@Acme.com", Title: "Finance Chief", Consent: consent(b2b.ConsentOptOut, 4)}})
			p, err := g.Person(res.Person)
			require.NoError(t, err)
			got := map[string]string{"title": p.Person.Title, "email": p.Person.Email,
				"consent.email": p.Person.ConsentFor(b2b.ChannelEmail).Status}[tt.field]
			require.Equal(t, tt.want, got)
			prov := p.Provenance[tt.field]
			require.Equal(t, tt.from, prov.Source+":"+prov.RecordID)
		})
	}
}

func TestConflicts(t *testing.T) {
	t.Parallel()
	t.Run("one email on two CRM contacts", func(t *testing.T) {
		g := newGraph(t, identity.Config{})
		a := addPerson(t, g, sfContact("0035e00000AAAAA", "desk@acme.com", ""))
		b := addPerson(t, g, sfContact("0035e00000BBBBB", "desk@acme.com", ""))
		require.Equal(t, identity.Created, b.Outcome)
		require.NotEqual(t, a.Person, b.Person)
		require.Empty(t, cmp.Diff([]identity.Conflict{{
			Kind:       identity.ConflictUniqueNamespace,
			Identifier: identity.Identifier{Namespace: identity.NSEmail, Value: "desk@acme.com"},
			Record:     identity.RecordRef{Source: "salesforce", RecordID: "0035e00000BBBBB"},
			Kept:       "salesforce:0035e00000AAAAA", Other: "salesforce:0035e00000BBBBB",
			Detail: `salesforce_contact_id "0035e00000AAAAA" vs "0035e00000BBBBB"`,
		}}, b.Conflicts))
		// The identifier stays with its first holder.
		got, _ := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "desk@acme.com"})
		require.Equal(t, a.Person, got)
		require.Equal(t, 1, g.Stats().Conflicts[identity.ConflictUniqueNamespace])
	})
	t.Run("an identifier would merge persons of different accounts", func(t *testing.T) {
		g := newGraph(t, identity.Config{})
		addAccount(t, g, "salesforce", acme())
		addAccount(t, g, "salesforce", b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}})
		a := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "L1", Person: b2b.Person{Email: "x@consult.com", AccountID: "acme"}})
		b := addPerson(t, g, identity.PersonRecord{Source: "dynamics", RecordID: "D1", Person: b2b.Person{Email: "x@consult.com", AccountID: "globex"}})
		require.NotEqual(t, a.Person, b.Person)
		require.Len(t, b.Conflicts, 1)
		require.Equal(t, identity.ConflictAccount, b.Conflicts[0].Kind)
		require.Equal(t, `account "acme" vs "globex"`, b.Conflicts[0].Detail)
		// Two references that name the same account are no conflict.
		addAccount(t, g, "marketo", b2b.Account{ID: "mk-5", Name: "Acme"}, identity.Identifier{Namespace: identity.NSAccountID, Value: "acme"})
		c := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "M1", Person: b2b.Person{Email: "x@consult.com", AccountID: "mk-5"}})
		require.Empty(t, c.Conflicts)
		require.Equal(t, a.Person, c.Person)
	})
	t.Run("two CRM accounts sharing a domain", func(t *testing.T) {
		g := newGraph(t, identity.Config{})
		addAccount(t, g, "salesforce", b2b.Account{ID: "gx-uk", Name: "Globex UK", Domains: []string{"globex.com"}})
		res := addAccount(t, g, "salesforce", b2b.Account{ID: "gx-de", Name: "Globex DE", Domains: []string{"globex.com", "globex.de"}})
		require.Equal(t, identity.Created, res.Outcome)
		require.Len(t, res.Conflicts, 1)
		require.Equal(t, identity.ConflictSameSource, res.Conflicts[0].Kind)
		require.Equal(t, "gx-uk", res.Conflicts[0].Kept)
		// A Marketo company with the domain joins the first holder.
		mk := addAccount(t, g, "marketo", b2b.Account{ID: "mk-1", Name: "Globex", Domains: []string{"globex.com"}})
		require.Equal(t, identity.Joined, mk.Outcome)
		require.Equal(t, b2b.AccountID("gx-uk"), mk.Account)
	})
}

func TestAccountUnification(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "marketo", b2b.Account{ID: "mk-5", Name: "ACME Corp", Industry: "Software", Employees: 900, Domains: []string{"acme.co"}},
		identity.Identifier{Namespace: identity.NSAccountID, Value: "001A"})
	res := addAccount(t, g, "salesforce", b2b.Account{ID: "001A", Name: "Acme Inc", Employees: 2000, Domains: []string{"www.ACME.com"}})
	require.Equal(t, identity.Joined, res.Outcome)
	require.Equal(t, b2b.AccountID("mk-5"), res.Account, "the oldest record names the golden account")
	a, err := g.Account("001A")
	require.NoError(t, err)
	require.Equal(t, "Acme Inc", a.Account.Name)
	require.Equal(t, 2000, a.Account.Employees)
	require.Equal(t, "Software", a.Account.Industry, "only Marketo carries the industry")
	require.Equal(t, []string{"acme.co", "acme.com"}, a.Account.Domains)
	require.Equal(t, "salesforce", a.Provenance["name"].Source)
	require.Equal(t, "marketo", a.Provenance["industry"].Source)
}

func TestAccountErrors(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	_, err := g.Account("nope")
	require.ErrorIs(t, err, identity.ErrUnknownAccount)
	_, err = g.Person("salesforce:nope")
	require.ErrorIs(t, err, identity.ErrUnknownPerson)
	_, err = g.Links("no-colon")
	require.ErrorIs(t, err, identity.ErrUnknownPerson)
	_, err = g.Erase("x:y")
	require.ErrorIs(t, err, identity.ErrUnknownPerson)
	require.True(t, errors.Is(&identity.CycleError{}, identity.ErrCycle))
}

// TestGoldenIDIsTheFirstRecordToArrive: a golden record's ID is that of
// its first record by arrival, not by the records' times: a record that
// its source changed earlier but that arrives later (a backfill) joins
// the golden record without taking its ID, which callers keep state
// under.
func TestGoldenIDIsTheFirstRecordToArrive(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	first := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "L-1", Time: at(10), Person: b2b.Person{Email: "ann@acme.com"}})
	later := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "003A", Time: at(1), Person: b2b.Person{Email: "ann@acme.com"}})
	require.Equal(t, b2b.PersonID("marketo:L-1"), first.Person)
	require.Equal(t, first.Person, later.Person)
	require.Empty(t, later.Merged)

	a := addAccount(t, g, "marketo", b2b.Account{ID: "mk-1", Name: "Acme", Domains: []string{"acme.com"}})
	res, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(-100),
		Account: b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"acme.com"}}})
	require.NoError(t, err)
	require.Equal(t, a.Account, res.Account)
	require.Equal(t, b2b.AccountID("mk-1"), res.Account)

	// Restore keeps the IDs.
	r, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err)
	p, ok := r.PersonOfRecord("salesforce", "003A")
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("marketo:L-1"), p)
	ga, err := r.Account("001A")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("mk-1"), ga.ID)
}
