package identity_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

func TestBadPersonRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  identity.PersonRecord
		err  string
		path string
	}{
		{name: "malformed email", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1), Person: b2b.Person{Email: "ann@"}},
			err: `person record marketo:1: person.email: invalid email "ann@": no domain`, path: "person.email"},
		{name: "blank email", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1), Person: b2b.Person{Email: "   "}},
			err: `person record marketo:1: person.email: invalid email: empty`, path: "person.email"},
		{name: "missing source, id and time", rec: identity.PersonRecord{},
			err: "person record :: 3 problems:\n  source: is required\n  recordId: is required\n  time: is required: most-recent-wins needs it (set Time or Person.UpdatedAt)", path: "source"},
		{name: "unknown namespace", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: "sfdc_id", Value: "x"}}},
			err: `person record marketo:1: identifiers[0]: sfdc_id: unknown namespace "sfdc_id" (declare it in Config.Namespaces)`, path: "identifiers[0]"},
		{name: "identifier with inner space", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "12 34"}}},
			err: `person record marketo:1: identifiers[0]: marketo_person_id: value "12 34" contains whitespace or a control character`, path: "identifiers[0]"},
		{name: "two values of a unique namespace", rec: identity.PersonRecord{Source: "salesforce", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"}, {Namespace: identity.NSSalesforceContactID, Value: "0035e00000BBBBB"}}},
			err: `person record salesforce:1: identifiers[1]: second value "0035e00000BBBBB" of unique namespace salesforce_contact_id (first "0035e00000AAAAA")`, path: "identifiers[1]"},
		// Each value after the first is reported once, against the first.
		{name: "three values of a unique namespace", rec: identity.PersonRecord{Source: "salesforce", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"},
				{Namespace: identity.NSSalesforceContactID, Value: "0035e00000BBBBB"}, {Namespace: identity.NSSalesforceContactID, Value: "0035e00000CCCCC"}}},
			err: "person record salesforce:1: 2 problems:\n" +
				`  identifiers[1]: second value "0035e00000BBBBB" of unique namespace salesforce_contact_id (first "0035e00000AAAAA")` + "\n" +
				`  identifiers[2]: third value "0035e00000CCCCC" of unique namespace salesforce_contact_id (first "0035e00000AAAAA")`,
			path: "identifiers[1]"},
		{name: "bad taxonomy and consent", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Person: b2b.Person{Seniority: "Boss", Consent: map[b2b.Channel]b2b.Consent{"fax": {Status: b2b.ConsentOptIn}}}},
			// b2b words the consent problems; the test checks their paths.
			path: "person.seniority"},
		{name: "source with colon", rec: identity.PersonRecord{Source: "a:b", RecordID: "1", Time: at(1)},
			err: `person record a:b:1: source: "a:b" must not contain ':'`, path: "source"},
		// An account's identifier would make every person of the account
		// one person.
		{name: "an account ID among the identifiers", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "1"}, {Namespace: identity.NSAccountID, Value: "acme"}}},
			err: `person record marketo:1: identifiers[1]: account_id names an account, not a person: give the person's account as Person.AccountID or OtherAccounts`, path: "identifiers[1]"},
		{name: "an account domain among the identifiers", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "acme.com"}}},
			err: `person record marketo:1: identifiers[0]: account_domain names an account, not a person: give the person's account as Person.AccountID or OtherAccounts`, path: "identifiers[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t, identity.Config{})
			_, err := g.AddPerson(tt.rec)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			if tt.err == "" {
				require.ErrorContains(t, err, "person.seniority: unknown seniority")
				require.ErrorContains(t, err, `person.consent.fax: unknown channel "fax"`)
			} else {
				require.EqualError(t, err, tt.err)
			}
			st := g.Stats()
			require.Equal(t, map[string]int{tt.path: 1}, st.Rejected)
			require.Equal(t, 0, st.PersonRecords)
		})
	}
}

func TestVariantsDuplicatesAndVersions(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	rec := identity.PersonRecord{Source: "marketo", RecordID: "7", Time: at(2),
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: " 7 "}},
		Person:      b2b.Person{Email: " Ann@ACME.com", Title: "CFO"}}
	require.Equal(t, identity.Created, addPerson(t, g, rec).Outcome)
	require.Equal(t, identity.Duplicate, addPerson(t, g, rec).Outcome)
	older := rec
	older.Time = at(1)
	older.Person.Title = "Analyst"
	require.Equal(t, identity.Stale, addPerson(t, g, older).Outcome)
	newer := rec
	newer.Time = at(3)
	newer.Person.Email = "ann.new@acme.com"
	newer.Person.Title = "Chief Financial Officer"
	res := addPerson(t, g, newer)
	require.Equal(t, identity.Updated, res.Outcome)
	p, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, "Chief Financial Officer", p.Person.Title)
	require.Equal(t, "ann.new@acme.com", p.Person.Email)
	// The old email still finds the person (identifiers accumulate).
	got, ok := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "ann@acme.com"})
	require.True(t, ok)
	require.Equal(t, res.Person, got)
	// Case and space variants of an identifier are one identifier.
	got, ok = g.Lookup(identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: "7"})
	require.True(t, ok)
	require.Equal(t, res.Person, got)

	st := g.Stats()
	require.Equal(t, map[identity.Outcome]int{identity.Created: 1, identity.Duplicate: 1, identity.Stale: 1, identity.Updated: 1}, st.Outcomes)
	require.Equal(t, 7, st.Normalized, "four padded IDs and three mixed-case emails")
	require.Equal(t, 1, st.PersonRecords)
}

// TestRejectedRecordNormalizesNothing: Stats.Normalized counts the values
// of accepted records only; a record rejected for another problem
// changes no counter but Rejected, though some of its values were
// normalised before the problem was found.
func TestRejectedRecordNormalizesNothing(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	_, err := g.AddPerson(identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "L-1"}},
		Person:      b2b.Person{Email: "Ann@ACME.com", Seniority: "Boss"}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(1),
		Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: " mk-1 "}},
		Account:     b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"WWW.Acme.com"}, Employees: -1}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	st := g.Stats()
	require.Equal(t, map[string]int{"person.seniority": 1, "account.employees": 1}, st.Rejected)
	require.Zero(t, st.Normalized)

	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "1", Person: b2b.Person{Email: "Ann@ACME.com"}})
	addAccount(t, g, "salesforce", b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"WWW.Acme.com"}})
	require.Equal(t, 2, g.Stats().Normalized)
}

// TestNormalizedCountsEveryValue: Stats.Normalized counts every value of
// an accepted record that normalisation changed: identifiers, account IDs
// and references as well as text fields.
func TestNormalizedCountsEveryValue(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", b2b.Account{ID: " acme ", Name: " Acme "})                       // ID, name
	addAccount(t, g, "salesforce", b2b.Account{ID: "acme-uk", Name: "Acme UK", ParentID: " acme "}) // parent
	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "1", OtherAccounts: []b2b.AccountID{" acme-uk "},
		Person: b2b.Person{Email: "ann@acme.com", FirstName: " Ann ", AccountID: "acme "}}) // first name, account, other account
	require.Equal(t, 6, g.Stats().Normalized)
}

func TestBadAccountRecords(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	_, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(1),
		Account: b2b.Account{ID: "a", Name: "A", Domains: []string{"co.uk", "https://www.A.com/x"}}})
	require.EqualError(t, err, `account record salesforce:a: account.domains[0]: invalid domain "co.uk": "co.uk" is a public suffix, not a company domain`)
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "b", Name: "B"}})
	require.EqualError(t, err, `account record salesforce:b: time: is required: most-recent-wins needs it (set Time or Account.UpdatedAt)`)
	// A record ID of spaces names no record (empty means the account ID).
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", RecordID: "  ", Time: at(1), Account: b2b.Account{ID: "c", Name: "C"}})
	require.EqualError(t, err, `account record salesforce:  : recordId: is blank (leave it empty to name the record by its account ID)`)
	// An ID the account would not be found by.
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(1), Account: b2b.Account{ID: "d e", Name: "D", ParentID: "p\x01"}})
	require.EqualError(t, err, `account record salesforce:d e: 2 problems:
  account.id: not an account ID the account can be found by: value "d e" contains whitespace or a control character
  account.parentId: not an account ID the account can be found by: value "p\x01" contains whitespace or a control character`)
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(1), Account: b2b.Account{ID: b2b.AccountID(strings.Repeat("x", 256)), Name: "X"}})
	require.ErrorContains(t, err, `account.id: not an account ID the account can be found by: value "xxx`)
	require.ErrorContains(t, err, `is longer than 255 bytes`)
	require.Equal(t, map[string]int{"account.domains[0]": 1, "time": 1, "recordId": 1, "account.id": 2}, g.Stats().Rejected)
	require.Zero(t, g.Stats().AccountRecords)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	cfg := identity.Config{
		Namespaces: []identity.NamespaceSpec{{Name: "Hubspot ID"}, {Name: "hubspot_id", Kind: "fuzzy"}, {Name: "hubspot_id"}},
		PersonMerge: &identity.MergePolicy{Fields: map[string]identity.FieldRule{
			"titel": {}, "title": {Sources: []b2b.Source{"salesforce", "salesforce", " "}},
		}},
		FreeMailDomains: []string{"gmail"},
	}
	_, err := identity.New(cfg)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, `identity config: 7 problems:
  namespaces[0].name: "Hubspot ID" is not a namespace name (lower-case letters, digits, '_', '.', ':', '-'; starting with a letter)
  namespaces[1].kind: unknown kind "fuzzy" (want one of exact, case_insensitive, email, domain, salesforce_id, guid)
  namespaces[2].name: namespace "hubspot_id" declared twice
  personMerge.fields["titel"]: unknown field "titel" (want one of email, firstName, lastName, title, department, seniority, phone, company, accountId, consent, attributes)
  personMerge.fields["title"].sources[1]: source "salesforce" listed twice
  personMerge.fields["title"].sources[2]: source name is empty
  freeMailDomains[0]: invalid domain "gmail": needs at least one dot`)
}

// TestCustomNamespace: a declared namespace links records, and can be
// unique.
func TestCustomNamespace(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "hubspot_id", Kind: identity.KindCaseInsensitive, Unique: true}}})
	a := addPerson(t, g, identity.PersonRecord{Source: "hubspot", RecordID: "h1",
		Identifiers: []identity.Identifier{{Namespace: "hubspot_id", Value: "AB1"}}, Person: b2b.Person{Email: "x@acme.com"}})
	b := addPerson(t, g, identity.PersonRecord{Source: "forms", RecordID: "f1",
		Identifiers: []identity.Identifier{{Namespace: "hubspot_id", Value: "ab1"}}})
	require.Equal(t, a.Person, b.Person)
	c := addPerson(t, g, identity.PersonRecord{Source: "forms", RecordID: "f2",
		Identifiers: []identity.Identifier{{Namespace: "hubspot_id", Value: "zz9"}}, Person: b2b.Person{Email: "x@acme.com"}})
	require.NotEqual(t, a.Person, c.Person)
	require.Equal(t, identity.ConflictUniqueNamespace, c.Conflicts[0].Kind)
}

// TestRedeclaredBuiltInNamespace: a built-in namespace redeclared to make
// it unique, without a kind, keeps normalising its values as before: an
// 18-character lead ID lower-cased by a spreadsheet is still its
// 15-character original.
func TestRedeclaredBuiltInNamespace(t *testing.T) {
	t.Parallel()
	const leadID = "00Q5e00000LeAdA"
	for _, spec := range []identity.NamespaceSpec{
		{Name: identity.NSSalesforceLeadID, Unique: true},
		{Name: identity.NSMarketoPersonID, Unique: true},
	} {
		g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{spec}})
		a := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: leadID, Person: b2b.Person{Email: "kim@acme.com"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceLeadID, Value: leadID}, {Namespace: identity.NSMarketoPersonID, Value: "L-7"}}})
		b := addPerson(t, g, identity.PersonRecord{Source: "forms", RecordID: "f1",
			Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceLeadID, Value: strings.ToLower(leadID + sfSuffix(leadID))}}})
		c := addPerson(t, g, identity.PersonRecord{Source: "forms", RecordID: "f2",
			Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "l-7"}}})
		require.Equal(t, a.Person, b.Person, spec.Name)
		require.Equal(t, a.Person, c.Person, spec.Name)
	}
}

// TestBuiltInNamespaceKeepsItsKind: the namespaces whose values the graph
// reads from records' fields (an email, an account ID, a domain) cannot
// take another kind: the fields would be normalised one way and the
// identifiers of the same values another, and never find each other
// (an account "ACME-1" and a company naming "ACME-1" stayed apart under a
// case-insensitive account_id). Unique may change.
func TestBuiltInNamespaceKeepsItsKind(t *testing.T) {
	t.Parallel()
	_, err := identity.New(identity.Config{Namespaces: []identity.NamespaceSpec{
		{Name: identity.NSAccountID, Kind: identity.KindCaseInsensitive},
		{Name: identity.NSEmail, Kind: identity.KindExact, Unique: true},
		{Name: identity.NSAccountDomain, Kind: identity.KindDomain, Unique: true},
		{Name: identity.NSSalesforceLeadID, Kind: identity.KindCaseInsensitive},
	}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, `identity config: 2 problems:
  namespaces[0].kind: built-in namespace account_id takes its values from records' fields, as kind exact: it cannot be case_insensitive
  namespaces[1].kind: built-in namespace email takes its values from records' fields, as kind email: it cannot be exact`)

	g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: identity.NSEmail, Unique: true}}})
	a := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "1", Person: b2b.Person{Email: "Kim@Acme.com"}})
	b := addPerson(t, g, identity.PersonRecord{Source: "forms", RecordID: "f1",
		Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: " KIM@acme.COM"}}})
	require.Equal(t, a.Person, b.Person)
}

// TestSnapshotRestore: a graph saved as plain data (through JSON) and
// restored gives the same golden records and links.
func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	g := globexWorld(t)
	addAccount(t, g, "marketo", b2b.Account{ID: "mk-1", Name: "Globex", Domains: []string{"globex.com"}, Industry: "Energy"})
	addPerson(t, g, sfContact("0035e00000AAAAA", "desk@globex.com", "gx"))
	c := addPerson(t, g, sfContact("0035e00000BBBBB", "desk@globex.com", "gx"))
	require.Len(t, c.Conflicts, 1)
	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "z", Person: b2b.Person{Email: "z@gmail.com", Company: "Initech"}})
	addPerson(t, g, mktoLead("a2", "ceo@globex.com"))

	data, err := json.Marshal(g.Snapshot())
	require.NoError(t, err)
	var st identity.State
	require.NoError(t, json.Unmarshal(data, &st))
	h, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)

	require.Empty(t, cmp.Diff(g.Snapshot(), h.Snapshot()))
	require.Empty(t, cmp.Diff(g.Unresolved(), h.Unresolved()))
	require.Equal(t, g.MatchRate(), h.MatchRate())
	for _, ps := range st.Persons {
		want, err := g.Person(ps.Person)
		require.NoError(t, err)
		got, err := h.Person(ps.Person)
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(want, got), ps.Person)
	}
	for _, as := range st.Accounts {
		want, _ := g.Account(as.Account)
		got, _ := h.Account(as.Account)
		require.Empty(t, cmp.Diff(want, got), as.Account)
	}
	rollup, err := h.Persons("gx", true)
	require.NoError(t, err)
	want, _ := g.Persons("gx", true)
	require.Equal(t, want, rollup)

	st.Persons[1].Person = "nobody:x"
	_, err = identity.Restore(identity.Config{}, st)
	require.EqualError(t, err, `identity state: persons[1].person: first record of person "nobody:x" is "marketo:b"`)
}

// TestSourcesBeyondTheLimit: a graph holds records of at most 65,536
// sources; a record of one more is refused at source, where it was taken
// as a record of the first source (its person named after that source).
func TestSourcesBeyondTheLimit(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	const limit = 1 << 16
	recs := make([]identity.PersonRecord, limit)
	for i := range recs {
		recs[i] = identity.PersonRecord{Source: fmt.Sprint("s", i), RecordID: "r", Person: b2b.Person{FirstName: "Ann"}, Time: at(1)}
	}
	require.Empty(t, g.AddPersons(recs).Rejected)
	id, ok := g.PersonOfRecord("s65535", "r")
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("s65535:r"), id)

	_, err := g.AddPerson(identity.PersonRecord{Source: "one-more", RecordID: "r", Person: b2b.Person{FirstName: "Bob"}, Time: at(1)})
	require.EqualError(t, err, `person record one-more:r: source: "one-more" would be source number 65537: a graph holds records of at most 65536 sources`)
	_, err = g.AddAccount(identity.AccountRecord{Source: "one-more", Account: b2b.Account{ID: "a", Name: "A"}, Time: at(1)})
	require.EqualError(t, err, `account record one-more:a: source: "one-more" would be source number 65537: a graph holds records of at most 65536 sources`)
	require.Equal(t, limit, g.Stats().PersonRecords)
	// A known source is fine.
	addPerson(t, g, identity.PersonRecord{Source: "s0", RecordID: "r2", Person: b2b.Person{FirstName: "Cy"}})
}

// TestEmptyAttributesGiveNothing: an attribute without a value (nil, a
// blank string, an empty list), as an export writes a custom field its
// source left empty, is not carried by the record, as an empty field is
// not: it never overwrites another record's value of the attribute, even
// from a more recent record, and is no golden attribute of its own.
func TestEmptyAttributesGiveNothing(t *testing.T) {
	t.Parallel()
	empty := map[string]any{"plan": "", "seats": nil, "region": " ", "products": []string{}, "only": nil}
	g := newGraph(t, identity.Config{AccountMerge: &identity.MergePolicy{}}) // most recent wins
	addAccount(t, g, "hubspot", b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
		Attributes: map[string]any{"plan": "gold", "seats": 10, "region": "EMEA", "products": []string{"dp"}}})
	_, err := g.AddAccount(identity.AccountRecord{Source: b2b.SourceMarketo, Time: at(2),
		Account: b2b.Account{ID: "m-acme", Name: "Acme", Domains: []string{"acme.com"}, Attributes: empty}})
	require.NoError(t, err)
	ga, err := g.Account("acme")
	require.NoError(t, err)
	want := map[string]any{"plan": "gold", "seats": 10, "region": "EMEA", "products": []string{"dp"}}
	require.Empty(t, cmp.Diff(want, ga.Account.Attributes))
	require.Equal(t, "hubspot", ga.Provenance["attributes.plan"].Source)
	require.NotContains(t, ga.Provenance, "attributes.only")

	c := sfContact("0035e00000AAAAAAAA", "ann@acme.com", "acme")
	c.Time, c.Person.Attributes = at(1), map[string]any{"plan": "gold", "seats": 10, "region": "EMEA", "products": []string{"dp"}}
	addPerson(t, g, c)
	m := mktoLead("77", "ann@acme.com")
	m.Time, m.Person.Attributes = at(2), empty
	res := addPerson(t, g, m)
	gp, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(want, gp.Person.Attributes))
	require.Equal(t, b2b.SourceSalesforce, gp.Provenance["attributes.plan"].Source)
	require.NotContains(t, gp.Provenance, "attributes.only")

	// The records keep what they gave, and the graph restores as it was.
	st := g.Snapshot()
	back, err := identity.Restore(identity.Config{AccountMerge: &identity.MergePolicy{}}, st)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(st, back.Snapshot()))
	gp2, err := back.Person(res.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(gp, gp2))
}

// TestBlankTextGivesNothing: a record's text fields lose the blanks
// around them, so a blank value is no value: a later record whose name,
// first name or title is blank does not win the golden field over a real
// one (a blank account name also left the record without a name, which
// an account without a domain needs), and " Acme Inc " is Acme Inc.
func TestBlankTextGivesNothing(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	a := acme()
	a.Name, a.Owner = " Acme Inc\t", "olivia "
	addAccount(t, g, b2b.SourceSalesforce, a)
	_, err := g.AddAccount(identity.AccountRecord{Source: b2b.SourceMarketo, Time: at(2),
		Account: b2b.Account{ID: "acme", Name: " ", Industry: "\u00a0", Domains: []string{"acme.com"}, Employees: 2000}})
	require.NoError(t, err)
	ga, err := g.Account("acme")
	require.NoError(t, err)
	require.Equal(t, "Acme Inc", ga.Account.Name)
	require.Equal(t, "olivia", ga.Account.Owner)
	require.Empty(t, ga.Account.Industry)
	require.Equal(t, 2000, ga.Account.Employees)

	c := sfContact("0035e00000AAAAAAAA", "ann@acme.com", "acme")
	c.Time, c.Person.FirstName, c.Person.Title = at(1), "Ann ", "CTO"
	addPerson(t, g, c)
	m := mktoLead("77", "ann@acme.com")
	m.Time, m.Person.FirstName, m.Person.Title, m.Person.Company = at(2), "  ", "\t", " Acme "
	res := addPerson(t, g, m)
	gp, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, "Ann", gp.Person.FirstName)
	require.Equal(t, "CTO", gp.Person.Title)
	require.Equal(t, "Acme", gp.Person.Company)
}

// TestTextNotUTF8: a record's text that is not UTF-8 (a name exported in
// Latin-1) is kept with U+FFFD for its bad bytes, as JSON writes it, so
// the golden records read the same from every store, before and after a
// restart.
func TestTextNotUTF8(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	a := acme()
	a.Name = "M\xfcller GmbH"
	addAccount(t, g, b2b.SourceSalesforce, a)
	ga, err := g.Account("acme")
	require.NoError(t, err)
	require.Equal(t, "M\uFFFDller GmbH", ga.Account.Name)
	p := sfContact("0035e00000AAAAAAAA", "ann@acme.com", "acme")
	p.Person.FirstName, p.Person.Title = "J\xf6rg\xff\xfe", "CTO"
	res := addPerson(t, g, p)
	gp, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, "J\uFFFDrg\uFFFD", gp.Person.FirstName)
}

// TestInvisibleCharactersInIDs: an ID that holds an invisible format
// character (a zero-width space, a byte-order mark, a soft hyphen, a
// direction mark or embedding), as exports and copy and paste leave
// them, would be another ID than the one it shows, and the records of one
// person or account would not find each other by it: such a value is
// refused where it comes in, naming the field. A stored state that holds
// one, saved before, still restores.
func TestInvisibleCharactersInIDs(t *testing.T) {
	t.Parallel()
	mk := func(ns identity.Namespace, v string) identity.PersonRecord {
		return identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: ns, Value: v}}}
	}
	persons := []struct {
		name string
		rec  identity.PersonRecord
		err  string
		path string
	}{
		{name: "zero-width space", rec: mk(identity.NSMarketoPersonID, "L-1\u200b"),
			err: `person record marketo:1: identifiers[0]: marketo_person_id: value "L-1\u200b" contains an invisible character (U+200B), which makes it another ID than the one it shows`, path: "identifiers[0]"},
		{name: "byte-order mark before a GUID", rec: mk(identity.NSDynamicsContactID, "\ufeff{6F9619FF-8B86-D011-B42D-00C04FC964FF}"),
			err: `person record marketo:1: identifiers[0]: dynamics_contact_id: value "\ufeff{6F9619FF-8B86-D011-B42D-00C04FC964FF}" contains an invisible character (U+FEFF), which makes it another ID than the one it shows`, path: "identifiers[0]"},
		{name: "soft hyphen", rec: mk(identity.NSMarketoPersonID, "12\u00ad34"),
			err: `person record marketo:1: identifiers[0]: marketo_person_id: value "12\u00ad34" contains an invisible character (U+00AD), which makes it another ID than the one it shows`, path: "identifiers[0]"},
		{name: "direction override", rec: mk(identity.NSMarketoPersonID, "\u202eL-1"),
			err: `person record marketo:1: identifiers[0]: marketo_person_id: value "\u202eL-1" contains an invisible character (U+202E), which makes it another ID than the one it shows`, path: "identifiers[0]"},
		{name: "account reference", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Person: b2b.Person{AccountID: "acme\u200b"}, OtherAccounts: []b2b.AccountID{"globex", "\u200einitech"}},
			err: "person record marketo:1: 2 problems:\n" +
				`  person.accountId: value "acme\u200b" contains an invisible character (U+200B), which makes it another ID than the one it shows` + "\n" +
				`  otherAccounts[1]: value "\u200einitech" contains an invisible character (U+200E), which makes it another ID than the one it shows`,
			path: "person.accountId"},
	}
	for _, tt := range persons {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requirePersonRefused(t, tt.rec, tt.err, tt.path)
		})
	}

	// The joiners are part of the text they are in (Persian and Indic
	// words, emoji sequences), not left by exports: IDs holding them are
	// taken as they are.
	for _, v := range []string{"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "team-\U0001F469\u200d\U0001F4BB"} {
		g := newGraph(t, identity.Config{})
		res, err := g.AddPerson(mk(identity.NSMarketoPersonID, v))
		require.NoError(t, err, "%+q", v)
		got, ok := g.Lookup(identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: v})
		require.True(t, ok, "%+q", v)
		require.Equal(t, res.Person, got)
	}

	g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns"}}})
	_, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(1),
		Account:     b2b.Account{ID: "acme\ufeff", ParentID: "\u00adgx", Name: "Acme"},
		Identifiers: []identity.Identifier{{Namespace: "duns", Value: "15\u200b048"}}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, "account record salesforce:acme\ufeff: 3 problems:\n"+
		`  account.id: value "acme\ufeff" contains an invisible character (U+FEFF), which makes it another ID than the one it shows`+"\n"+
		`  account.parentId: value "\u00adgx" contains an invisible character (U+00AD), which makes it another ID than the one it shows`+"\n"+
		`  identifiers[0]: duns: value "15\u200b048" contains an invisible character (U+200B), which makes it another ID than the one it shows`)
	require.Zero(t, g.Stats().AccountRecords)

	// A state saved before such values were refused restores, as it was.
	st := identity.State{
		Accounts: []identity.AccountState{{Account: "acme\u200b", Record: identity.AccountRecord{Source: "salesforce", Time: at(1),
			Account: b2b.Account{ID: "acme\u200b", Name: "Acme"}, Identifiers: []identity.Identifier{{Namespace: "duns", Value: "15\u200b048"}}}}},
		Persons: []identity.PersonState{{Person: "marketo:1", Record: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Person:      b2b.Person{AccountID: "acme\u200b"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "L-1\u200b"}}}}},
	}
	h, err := identity.Restore(identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns"}}}, st)
	require.NoError(t, err)
	got, ok := h.Lookup(identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: "L-1\u200b"})
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("marketo:1"), got)
	links, err := h.Links("marketo:1")
	require.NoError(t, err)
	require.Len(t, links, 1)
	require.Equal(t, b2b.AccountID("acme\u200b"), links[0].Account)
	acct, ok := h.LookupAccount(identity.Identifier{Namespace: "duns", Value: "15\u200b048"})
	require.True(t, ok)
	require.Equal(t, b2b.AccountID("acme\u200b"), acct)
}

// TestTwoValuesOfAUniqueNamespaceInOneRecord: a golden record holds at
// most one value of a unique namespace, so a record that gives two is
// refused, naming the second: an account record's identifiers as a
// person record's, and the values a record's fields give (a person's
// email, an account's ID and domains) count among them when their
// namespace is declared unique.
func TestTwoValuesOfAUniqueNamespaceInOneRecord(t *testing.T) {
	t.Parallel()
	duns := func(v string) identity.Identifier { return identity.Identifier{Namespace: "duns", Value: v} }
	email := func(v string) identity.Identifier { return identity.Identifier{Namespace: identity.NSEmail, Value: v} }
	tests := []struct {
		name   string
		unique identity.NamespaceSpec
		person *identity.PersonRecord
		acct   *identity.AccountRecord
		err    string
		path   string
	}{{
		name:   "two values among an account's identifiers",
		unique: identity.NamespaceSpec{Name: "duns", Unique: true},
		acct: &identity.AccountRecord{Source: "salesforce", Time: at(1), Account: b2b.Account{ID: "acme", Name: "Acme"},
			Identifiers: []identity.Identifier{duns("150483782"), duns("150483782"), duns("804735132"), duns("060704780")}},
		err: "account record salesforce:acme: 2 problems:\n" +
			`  identifiers[2]: second value "804735132" of unique namespace duns (first "150483782")` + "\n" +
			`  identifiers[3]: third value "060704780" of unique namespace duns (first "150483782")`,
		path: "identifiers[2]",
	}, {
		name:   "an account ID and another among the identifiers",
		unique: identity.NamespaceSpec{Name: identity.NSAccountID, Unique: true},
		acct: &identity.AccountRecord{Source: "marketo", RecordID: "c1", Time: at(1), Account: b2b.Account{ID: "acme", Name: "Acme"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "001A"}}},
		err:  `account record marketo:c1: identifiers[0]: second value "001A" of unique namespace account_id (first "acme")`,
		path: "identifiers[0]",
	}, {
		name:   "two domains",
		unique: identity.NamespaceSpec{Name: identity.NSAccountDomain, Unique: true},
		acct: &identity.AccountRecord{Source: "salesforce", Time: at(1),
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com", "www.acme.com", "example.com", "acme.io"}}},
		err:  `account record salesforce:acme: account.domains[3]: second value "acme.io" of unique namespace account_domain (first "acme.com")`,
		path: "account.domains[3]",
	}, {
		name:   "an email and another among a person's identifiers",
		unique: identity.NamespaceSpec{Name: identity.NSEmail, Unique: true},
		person: &identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1), Person: b2b.Person{Email: "ann@acme.com"},
			Identifiers: []identity.Identifier{email("Ann@acme.com"), email("noreply@acme.com"), email("a.lee@acme.com")}},
		err:  `person record marketo:1: identifiers[2]: second value "a.lee@acme.com" of unique namespace email (first "ann@acme.com")`,
		path: "identifiers[2]",
	}, {
		name:   "a value given twice after another",
		unique: identity.NamespaceSpec{Name: "duns", Unique: true},
		person: &identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{duns("150483782"), duns("804735132"), duns("804735132")}},
		err:  `person record marketo:1: identifiers[1]: second value "804735132" of unique namespace duns (first "150483782")`,
		path: "identifiers[1]",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{tt.unique}})
			var err error
			if tt.person != nil {
				_, err = g.AddPerson(*tt.person)
			} else {
				_, err = g.AddAccount(*tt.acct)
			}
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.EqualError(t, err, tt.err)
			st := g.Stats()
			require.Equal(t, map[string]int{tt.path: 1}, st.Rejected)
			require.Zero(t, st.PersonRecords+st.AccountRecords)
		})
	}

	// A state saved before such records were refused restores, as it was.
	cfg := identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}}
	st := identity.State{Accounts: []identity.AccountState{{Account: "acme", Record: identity.AccountRecord{Source: "salesforce", Time: at(1),
		Account: b2b.Account{ID: "acme", Name: "Acme"}, Identifiers: []identity.Identifier{duns("150483782"), duns("804735132")}}}}}
	g, err := identity.Restore(cfg, st)
	require.NoError(t, err)
	for _, v := range []string{"150483782", "804735132"} {
		got, ok := g.LookupAccount(duns(v))
		require.True(t, ok)
		require.Equal(t, b2b.AccountID("acme"), got)
	}
}

// requirePersonRefused checks that rec is refused as invalid with the
// error want, alone and in a batch, each counted under path.
func requirePersonRefused(t *testing.T, rec identity.PersonRecord, want, path string) {
	t.Helper()
	g := newGraph(t, identity.Config{})
	_, err := g.AddPerson(rec)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, want)
	b := g.AddPersons([]identity.PersonRecord{rec})
	require.Len(t, b.Rejected, 1)
	require.EqualError(t, b.Rejected[0].Err, want)
	require.Equal(t, map[string]int{path: 2}, g.Stats().Rejected)
}

// TestAccountReferenceNoAccountIsFoundBy: an account reference that no
// account can have as its ID (an inner space, a control character, more
// than 255 bytes: an account record with that ID is refused) would leave
// its person waiting for an account that never comes; it is refused
// naming the field, for the reason the account's ID would be. A state
// saved before such references were refused restores as it was.
func TestAccountReferenceNoAccountIsFoundBy(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 256)
	tests := []struct {
		name string
		rec  identity.PersonRecord
		err  string
		path string
	}{
		{name: "inner space", rec: identity.PersonRecord{Person: b2b.Person{AccountID: " acme corp "}},
			err:  `person record marketo:1: person.accountId: not an account ID an account can be found by: value "acme corp" contains whitespace or a control character`,
			path: "person.accountId"},
		{name: "control character and length", rec: identity.PersonRecord{OtherAccounts: []b2b.AccountID{"globex", "ini\ttech", b2b.AccountID(long)}},
			err: "person record marketo:1: 2 problems:\n" +
				`  otherAccounts[1]: not an account ID an account can be found by: value "ini\ttech" contains whitespace or a control character` + "\n" +
				`  otherAccounts[2]: not an account ID an account can be found by: value "` + long[:80] + `..." is longer than 255 bytes`,
			path: "otherAccounts[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.rec.Source, tt.rec.RecordID, tt.rec.Time = "marketo", "1", at(1)
			requirePersonRefused(t, tt.rec, tt.err, tt.path)
		})
	}

	// A state saved before such references were refused restores: the
	// person waits for the accounts, as it did.
	st := identity.State{Persons: []identity.PersonState{{Person: "marketo:1", Record: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
		Person: b2b.Person{Email: "ann@acme.com", AccountID: "acme corp"}, OtherAccounts: []b2b.AccountID{"ini\ttech", b2b.AccountID(long)}}}}}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	require.Empty(t, linkedAccounts(t, g, "marketo:1"))
	un := g.Unresolved()
	require.Len(t, un, 1)
	require.Equal(t, identity.ReasonUnknownAccount, un[0].Reason)
	require.Contains(t, un[0].Detail, `account reference "acme corp" matches no account`)
	h, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err)
	require.Equal(t, g.Snapshot(), h.Snapshot())
}
