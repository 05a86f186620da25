package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestAccountDomainIdentifierIsADomainOfTheAccount: a domain an account
// record gives among its identifiers (in NSAccountDomain) is one of the
// account's domains, as if it were in Account.Domains: it finds the
// account, and links the persons whose email is at that domain.
func TestAccountDomainIdentifierIsADomainOfTheAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		domains     []string
		ids         []identity.Identifier
		wantDomains []string
	}{
		{"beside Account.Domains", []string{"acme.com"},
			[]identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "Acme.IO"}}, []string{"acme.com", "acme.io"}},
		{"the only domain", nil,
			[]identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "www.acme.io"}}, []string{"acme.io"}},
		{"also in Account.Domains", []string{"acme.io"},
			[]identity.Identifier{{Namespace: identity.NSAccountDomain, Value: "acme.io"}}, []string{"acme.io"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, accountFirst := range []bool{true, false} {
				g := newGraph(t, identity.Config{})
				addAcct := func() {
					addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "acme", Name: "Acme", Domains: tt.domains}, tt.ids...)
				}
				if accountFirst {
					addAcct()
				}
				pr := addPerson(t, g, mktoLead("L-1", "ann@acme.io"))
				if !accountFirst {
					addAcct()
				}
				acc, ok := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "acme.io"})
				require.True(t, ok)
				require.Equal(t, b2b.AccountID("acme"), acc)
				ga, err := g.Account("acme")
				require.NoError(t, err)
				require.Equal(t, tt.wantDomains, ga.Account.Domains)
				links, err := g.Links(pr.Person)
				require.NoError(t, err)
				require.Len(t, links, 1, "account first: %v", accountFirst)
				require.Equal(t, b2b.AccountID("acme"), links[0].Account)
				require.Equal(t, identity.MethodEmailDomain, links[0].Method)

				// The state restores as it was.
				r, err := identity.Restore(identity.Config{}, g.Snapshot())
				require.NoError(t, err)
				links, err = r.Links(pr.Person)
				require.NoError(t, err)
				require.Len(t, links, 1)
				require.Equal(t, b2b.AccountID("acme"), links[0].Account)
			}
		})
	}
}

// TestAccountWithoutANameGivesADomain: an account needs a name or a
// domain. A record without a name whose domain is among its identifiers
// has one, as if Account.Domains listed it, and is taken; one whose only
// domain is refused is told so, and not that it gives no domain. A
// domain that identifies no account (example.com), dropped from the
// identifiers, leaves it without one.
func TestAccountWithoutANameGivesADomain(t *testing.T) {
	t.Parallel()
	domainID := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSAccountDomain, Value: v}
	}
	tests := []struct {
		name    string
		domains []string
		ids     []identity.Identifier
		err     string // "" when taken
	}{
		{name: "domain among the identifiers", ids: []identity.Identifier{domainID("Acme.com")}},
		{name: "domain refused", domains: []string{"acme_corp.com"},
			err: `account record marketo:M: account.domains[0]: invalid domain "acme_corp.com": character '_' not allowed in a domain`},
		{name: "domain among the identifiers refused", ids: []identity.Identifier{domainID("acme")},
			err: `account record marketo:M: identifiers[0]: account_domain: invalid domain "acme": needs at least one dot`},
		{name: "placeholder domain among the identifiers", ids: []identity.Identifier{domainID("example.com")},
			err: `account record marketo:M: account.name: is required when the account has no domain`},
		{name: "no domain", err: `account record marketo:M: account.name: is required when the account has no domain`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			_, err := g.AddAccount(identity.AccountRecord{Source: "marketo", Time: at(1), Identifiers: tt.ids,
				Account: b2b.Account{ID: "M", Domains: tt.domains}})
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			ga, err := g.Account("M")
			require.NoError(t, err)
			require.Equal(t, []string{"acme.com"}, ga.Account.Domains)
			r, err := identity.Restore(identity.Config{}, g.Snapshot())
			require.NoError(t, err)
			require.Equal(t, g.Snapshot(), r.Snapshot())
		})
	}
}
