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

// TestAccountDomainAtAnIPAddress: a domain that is an IP address
// (1.2.3.4, [2001:db8::1]) or ends in a number (acme.123) is no
// company's, and would merge every account hosted at one address: a
// record that gives one, among its domains or its identifiers, is refused
// naming the field and why. A state saved while such a domain was taken
// restores as it was: the domain is the account's and finds it.
func TestAccountDomainAtAnIPAddress(t *testing.T) {
	t.Parallel()
	ipErr := `invalid domain "1.2.3.4": domain "1.2.3.4" is an IP address, which names a machine, not a company domain`
	tests := []struct {
		name string
		rec  identity.AccountRecord
		err  string
		path string
	}{
		{name: "domain", rec: identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "A", Domains: []string{"acme.com", "1.2.3.4"}}},
			err: `account record salesforce:A: account.domains[1]: ` + ipErr, path: "account.domains[1]"},
		{name: "website with a port", rec: identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "A", Name: "Acme", Domains: []string{"http://1.2.3.4:8080/"}}},
			err: `account record salesforce:A: account.domains[0]: invalid domain "http://1.2.3.4:8080/": domain "1.2.3.4" is an IP address, which names a machine, not a company domain`, path: "account.domains[0]"},
		{name: "numeric top-level label", rec: identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "A", Name: "Acme", Domains: []string{"acme.123"}}},
			err: `account record salesforce:A: account.domains[0]: invalid domain "acme.123": top-level label "123" is a number, which no company domain has`, path: "account.domains[0]"},
		{name: "address literal", rec: identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "A", Name: "Acme", Domains: []string{"https://[2001:db8::1]/"}}},
			err: `account record salesforce:A: account.domains[0]: invalid domain "https://[2001:db8::1]/": "[2001:db8::1]" is an address literal, which names a machine, not a company domain`, path: "account.domains[0]"},
		{name: "identifier", rec: identity.AccountRecord{Source: "marketo", Account: b2b.Account{ID: "m-1", Name: "Acme"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "1.2.3.4"}}},
			err: `account record marketo:m-1: identifiers[0]: account_domain: ` + ipErr, path: "identifiers[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			tt.rec.Time = at(1)
			_, err := g.AddAccount(tt.rec)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.EqualError(t, err, tt.err)
			require.Equal(t, map[string]int{tt.path: 1}, g.Stats().Rejected)
			require.Zero(t, g.Stats().Accounts)
		})
	}

	// A state saved before such domains were refused restores, as it
	// was: the domain is the account's, finds it, and links the person
	// whose (restored) address is there.
	st := identity.State{
		Accounts: []identity.AccountState{
			{Account: "A", Record: identity.AccountRecord{Source: "salesforce", Time: at(1),
				Account: b2b.Account{ID: "A", Domains: []string{"1.2.3.4", "0x7f.0x1"}}}},
			{Account: "m-1", Record: identity.AccountRecord{Source: "marketo", Time: at(1),
				Account:     b2b.Account{ID: "m-1", Name: "Bee"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "acme.123"}}}},
		},
		Persons: []identity.PersonState{
			{Person: "marketo:1", Record: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
				Person: b2b.Person{Email: "ann@1.2.3.4"}}},
		},
	}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	for d, want := range map[string]b2b.AccountID{"1.2.3.4": "A", "0x7f.0x1": "A", "acme.123": "m-1"} {
		got, ok := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: d})
		require.True(t, ok, d)
		require.Equal(t, want, got, d)
	}
	ga, err := g.Account("A")
	require.NoError(t, err)
	require.Equal(t, []string{"1.2.3.4", "0x7f.0x1"}, ga.Account.Domains)
	require.Equal(t, []b2b.AccountID{"A"}, linkedAccounts(t, g, "marketo:1"))
	h, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err)
	require.Equal(t, g.Snapshot(), h.Snapshot())
}
