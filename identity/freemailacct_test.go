package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestFreeMailDomainIdentifiesNoAccount: a free-mail domain among an
// account's domains (a website filled in from a lead's Gmail address)
// names no company, as a placeholder domain does: accounts that share it
// are not merged, no account is found by it, and it is the account's
// domain after its real ones.
func TestFreeMailDomainIdentifiesNoAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  identity.Config
		// merged: the second account joins the first by the domain.
		merged bool
	}{
		{"default free-mail list", identity.Config{}, false},
		{"list without the domain", identity.Config{FreeMailDomains: []string{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, tt.cfg)
			addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"gmail.com", "acme.com"}})
			res := addAccount(t, g, b2b.SourceMarketo, b2b.Account{ID: "bob", Name: "Bob's Plumbing", Domains: []string{"GMail.com"}},
				identity.Identifier{Namespace: identity.NSAccountDomain, Value: "mail.gmail.com"})
			acc, found := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "gmail.com"})
			ga, err := g.Account("acme")
			require.NoError(t, err)
			if tt.merged {
				require.Equal(t, b2b.AccountID("acme"), res.Account)
				require.True(t, found)
				require.Equal(t, b2b.AccountID("acme"), acc)
				return
			}
			require.Equal(t, identity.Created, res.Outcome)
			require.Equal(t, b2b.AccountID("bob"), res.Account)
			require.Empty(t, res.Conflicts)
			require.False(t, found, "found %q", acc)
			require.Equal(t, []string{"acme.com", "gmail.com"}, ga.Account.Domains)
			for _, id := range ga.Identifiers {
				require.NotEqual(t, "gmail.com", id.Value)
			}
			r, err := identity.Restore(tt.cfg, g.Snapshot())
			require.NoError(t, err)
			_, found = r.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "gmail.com"})
			require.False(t, found)
		})
	}
}
