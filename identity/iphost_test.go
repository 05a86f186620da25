package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestEmailAtAnIPAddress: an address at an IP address (ann@1.2.3.4,
// ann@[1.2.3.4]) reaches no company's mail and would link whoever typed
// it: a record that gives one, as its email or among its identifiers, is
// refused naming the field. A state saved while such an address was
// taken restores as it was.
func TestEmailAtAnIPAddress(t *testing.T) {
	t.Parallel()
	ipErr := `invalid email "ann@1.2.3.4": domain "1.2.3.4" is an IP address, which names a machine, not a mail domain`
	tests := []struct {
		name string
		rec  identity.PersonRecord
		err  string
		path string
	}{
		{name: "email", rec: mktoLead("1", "Ann@1.2.3.4"),
			err: `person record marketo:1: person.email: invalid email "Ann@1.2.3.4": domain "1.2.3.4" is an IP address, which names a machine, not a mail domain`, path: "person.email"},
		{name: "address literal", rec: mktoLead("1", "ann@[1.2.3.4]"),
			err: `person record marketo:1: person.email: invalid email "ann@[1.2.3.4]": "[1.2.3.4]" is an address literal, which names a machine, not a mail domain`, path: "person.email"},
		{name: "identifier", rec: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@1.2.3.4"}}},
			err: `person record marketo:1: identifiers[0]: email: ` + ipErr, path: "identifiers[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.rec.Time = at(1)
			requirePersonRefused(t, tt.rec, tt.err, tt.path)
		})
	}

	// A state saved before such addresses were refused restores, as it
	// was: the address is the person's email and finds it.
	st := identity.State{Persons: []identity.PersonState{
		{Person: "marketo:1", Record: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
			Person:      b2b.Person{Email: "ann@1.2.3.4"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "bob@1.2.3.4"}}}},
		{Person: "salesforce:2", Record: identity.PersonRecord{Source: "salesforce", RecordID: "2", Time: at(1),
			Person: b2b.Person{Email: "bob@1.2.3.4"}},
			Unindexed: []identity.Identifier{{Namespace: identity.NSEmail, Value: "bob@1.2.3.4"}}},
	}}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	gp, err := g.Person("marketo:1")
	require.NoError(t, err)
	require.Equal(t, "ann@1.2.3.4", gp.Person.Email)
	gp, err = g.Person("salesforce:2")
	require.NoError(t, err)
	require.Equal(t, "bob@1.2.3.4", gp.Person.Email)
	for _, e := range []string{"Ann@1.2.3.4", "bob@1.2.3.4"} {
		got, ok := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: e})
		require.True(t, ok, e)
		require.Equal(t, b2b.PersonID("marketo:1"), got, e)
	}
	h, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err)
	require.Equal(t, g.Snapshot(), h.Snapshot())
}
