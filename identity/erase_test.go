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
