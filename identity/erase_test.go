package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

func TestErase(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", acme())
	a := addPerson(t, g, sfContact("0035e00000AAAAA", "ann@acme.com", "acme"))
	addPerson(t, g, mktoLead("42", "ANN@acme.com"))
	other := addPerson(t, g, mktoLead("43", "bob@acme.com"))

	rep, err := g.Erase(a.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(identity.EraseReport{
		Person:  a.Person,
		Records: []identity.RecordRef{{Source: "salesforce", RecordID: "0035e00000AAAAA"}, {Source: "marketo", RecordID: "42"}},
		Identifiers: []identity.Identifier{
			{Namespace: identity.NSEmail, Value: "ann@acme.com"},
			{Namespace: identity.NSMarketoPersonID, Value: "42"},
			{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"},
		},
		Links: []identity.Link{{Account: "acme", Method: identity.MethodExplicit, Confidence: 1, Primary: true, Evidence: `account reference "acme"`}},
	}, rep))

	_, err = g.Person(a.Person)
	require.ErrorIs(t, err, identity.ErrUnknownPerson)
	_, ok := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "ann@acme.com"})
	require.False(t, ok)
	_, ok = g.PersonOfRecord("marketo", "42")
	require.False(t, ok)
	persons, err := g.Persons("acme", true)
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{other.Person}, persons)
	require.Empty(t, g.Unresolved())
	st := g.Stats()
	require.Equal(t, 1, st.Persons)
	require.Equal(t, 1, st.PersonRecords)
	require.Equal(t, 1, st.Erased)
	for _, p := range g.Snapshot().Persons {
		require.NotEqual(t, "ann@acme.com", p.Record.Person.Email)
	}
	_, err = g.Erase(a.Person)
	require.ErrorIs(t, err, identity.ErrUnknownPerson)

	// The record arriving again makes a new person.
	again := addPerson(t, g, mktoLead("42", "ann@acme.com"))
	require.Equal(t, identity.Created, again.Outcome)
}

// TestEraseAfterUpdates: identifiers that a record gathered over versions
// (an old email, a later contact ID) are erased with it, whichever record
// of the person first held them, and arrive again as a new person.
func TestEraseAfterUpdates(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	lead := mktoLead("7", "old@acme.com")
	a := addPerson(t, g, lead)
	addPerson(t, g, mktoLead("8", "new@acme.com"))
	lead.Person.Email, lead.Time = "new@acme.com", at(2) // the lead now has the other lead's email
	lead.Identifiers = append(lead.Identifiers, identity.Identifier{Namespace: "marketo_person_id", Value: "7b"})
	up := addPerson(t, g, lead)
	require.Equal(t, identity.Updated, up.Outcome)
	require.Equal(t, a.Person, up.Person)

	rep, err := g.Erase(a.Person)
	require.NoError(t, err)
	require.Len(t, rep.Records, 2)
	require.Equal(t, []identity.Identifier{
		{Namespace: identity.NSEmail, Value: "new@acme.com"},
		{Namespace: identity.NSEmail, Value: "old@acme.com"},
		{Namespace: identity.NSMarketoPersonID, Value: "7"},
		{Namespace: identity.NSMarketoPersonID, Value: "7b"},
		{Namespace: identity.NSMarketoPersonID, Value: "8"},
	}, rep.Identifiers)
	for _, id := range rep.Identifiers {
		_, ok := g.Lookup(id)
		require.False(t, ok, id)
	}
	fresh := addPerson(t, g, mktoLead("9", "old@acme.com"))
	require.Equal(t, identity.Created, fresh.Outcome)
	require.Empty(t, fresh.Merged)
	other := addPerson(t, g, mktoLead("10", "new@acme.com"))
	require.Equal(t, identity.Created, other.Outcome)
	require.Equal(t, 2, g.Stats().Persons)
}

// TestEraseHandsContestedIdentifiers: an identifier that a conflict kept
// with the erased person, though another person's record gives it too,
// finds that person afterwards, as if the erased one had never been: a
// lookup finds it, a later record that gives the identifier joins it, and
// a graph restored from the snapshot answers the same. So does a value of
// a unique namespace that a new version of its holder's record replaced.
// A value of a unique namespace that the other person's own value refused
// it stays no one's.
func TestEraseHandsContestedIdentifiers(t *testing.T) {
	t.Parallel()
	email := func(v string) identity.Identifier { return identity.Identifier{Namespace: identity.NSEmail, Value: v} }
	contact := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: v}
	}
	form := func(id, addr string, h int, ids ...identity.Identifier) identity.PersonRecord {
		return identity.PersonRecord{Source: "forms", RecordID: id, Person: b2b.Person{Email: addr}, Identifiers: ids, Time: at(h)}
	}
	tests := []struct {
		name  string
		setup []identity.PersonRecord
		erase b2b.PersonID // none: no erasure
		ident identity.Identifier
		want  b2b.PersonID // "" for no one
		next  identity.PersonRecord
	}{{
		// Two contacts share an email: it stays with the first, kept apart
		// by their contact IDs.
		name: "email of two contacts",
		setup: []identity.PersonRecord{
			sfContact("0035e00000AAAAA", "desk@acme.com", ""),
			sfContact("0035e00000BBBBB", "desk@acme.com", ""),
		},
		erase: "salesforce:0035e00000AAAAA",
		ident: email("desk@acme.com"),
		want:  "salesforce:0035e00000BBBBB",
		next:  mktoLead("7", "desk@acme.com"),
	}, {
		// Two persons of two accounts share an email.
		name: "email of persons of two accounts",
		setup: []identity.PersonRecord{
			{Source: "salesforce", RecordID: "1", Person: b2b.Person{Email: "desk@acme.com", AccountID: "A"}},
			{Source: "salesforce", RecordID: "2", Person: b2b.Person{Email: "desk@acme.com", AccountID: "B"}},
		},
		erase: "salesforce:1",
		ident: email("desk@acme.com"),
		want:  "salesforce:2",
		next:  mktoLead("7", "desk@acme.com"),
	}, {
		// Three contacts share an email: the second by arrival takes it.
		name: "email of three contacts",
		setup: []identity.PersonRecord{
			sfContact("0035e00000AAAAA", "desk@acme.com", ""),
			sfContact("0035e00000CCCCC", "desk@acme.com", ""),
			sfContact("0035e00000BBBBB", "desk@acme.com", ""),
		},
		erase: "salesforce:0035e00000AAAAA",
		ident: email("desk@acme.com"),
		want:  "salesforce:0035e00000CCCCC",
		next:  mktoLead("7", "desk@acme.com"),
	}, {
		// A form's new version names the erased person's contact, while
		// another form of its person names another: the person keeps its
		// own, and would have been refused the contact without the
		// erased person too.
		name: "contact refused to a person holding another",
		setup: []identity.PersonRecord{
			form("f0", "p1@acme.com", 1, contact("0035e00000AAAAA")),
			form("f1", "ann@acme.com", 1, contact("0035e00000BBBBB")),
			form("f2", "ann@acme.com", 1, contact("0035e00000BBBBB")),
			form("f2", "ann@acme.com", 2, contact("0035e00000AAAAA")),
		},
		erase: "forms:f0",
		ident: contact("0035e00000AAAAA"),
		want:  "",
		next:  form("f3", "cy@acme.com", 3, contact("0035e00000AAAAA")),
	}, {
		// A form names the contact of another of another account; a new
		// version of the other names another contact: the first form's
		// person takes the contact.
		name: "contact replaced by a new version of its holder",
		setup: []identity.PersonRecord{
			{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "A"},
				Identifiers: []identity.Identifier{contact("0035e00000AAAAA")}, Time: at(1)},
			{Source: "forms", RecordID: "f2", Person: b2b.Person{Email: "bob@bee.com", AccountID: "B"},
				Identifiers: []identity.Identifier{contact("0035e00000AAAAA")}, Time: at(1)},
			{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "A"},
				Identifiers: []identity.Identifier{contact("0035e00000BBBBB")}, Time: at(2)},
		},
		ident: contact("0035e00000AAAAA"),
		want:  "forms:f2",
		next:  form("f3", "bob@bee.com", 3, contact("0035e00000AAAAA")),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			for _, r := range tt.setup {
				addPerson(t, g, r)
			}
			if tt.erase != "" {
				_, err := g.Erase(tt.erase)
				require.NoError(t, err)
			}
			h, err := identity.Restore(identity.Config{}, g.Snapshot())
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(g.Snapshot(), h.Snapshot()))
			for name, x := range map[string]*identity.Graph{"graph": g, "restored": h} {
				got, ok := x.Lookup(tt.ident)
				require.Equal(t, tt.want != "", ok, name)
				require.Equal(t, tt.want, got, name)
				res := addPerson(t, x, tt.next)
				if tt.want == "" {
					require.Equal(t, identity.Created, res.Outcome, name)
					require.Empty(t, res.Conflicts, name)
					continue
				}
				require.Equal(t, identity.Joined, res.Outcome, name)
				require.Equal(t, tt.want, res.Person, name)
				require.Empty(t, res.Conflicts, name)
			}
		})
	}
}

// TestRestoreHandsUnindexedIdentifiers: a state saved while an erased
// person's identifier found no one, though another person's record gives
// it, restores as the graph answers now: the identifier finds that
// person, unless that person gives another value of its unique namespace.
func TestRestoreHandsUnindexedIdentifiers(t *testing.T) {
	t.Parallel()
	desk := identity.Identifier{Namespace: identity.NSEmail, Value: "desk@acme.com"}
	rec := func(r identity.PersonRecord) identity.PersonRecord {
		r.Time = at(1)
		r.Person.Source, r.Person.UpdatedAt = r.Source, r.Time
		return r
	}
	c1 := identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"}
	c3 := identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: "0035e00000CCCCC"}
	st := identity.State{Persons: []identity.PersonState{{
		Record:    rec(sfContact("0035e00000BBBBB", "desk@acme.com", "")),
		Person:    "salesforce:0035e00000BBBBB",
		Unindexed: []identity.Identifier{desk},
	}, {
		// Gives two contacts, one finding it: the other finds no one.
		Record:    rec(identity.PersonRecord{Source: "forms", RecordID: "f1", Identifiers: []identity.Identifier{c3, c1}, Person: b2b.Person{Email: "ann@acme.com"}}),
		Person:    "forms:f1",
		Unindexed: []identity.Identifier{c1},
	}}}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	got, ok := g.Lookup(desk)
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("salesforce:0035e00000BBBBB"), got)
	got, ok = g.Lookup(c3)
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("forms:f1"), got)
	_, ok = g.Lookup(c1)
	require.False(t, ok)
	res := addPerson(t, g, mktoLead("7", "desk@acme.com"))
	require.Equal(t, identity.Joined, res.Outcome)
	require.Equal(t, b2b.PersonID("salesforce:0035e00000BBBBB"), res.Person)
}
