package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestNormalizeEmailComposesTheLocalPart: an address whose local part has
// an accent written as a combining mark after its letter (as macOS and
// some exports write it) is the address with the accented letter (NFC,
// as RFC 6532 asks of internationalised addresses), so the two spellings
// are one identifier and link one person.
func TestNormalizeEmailComposesTheLocalPart(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"jo\u0308rg@acme.com", "jörg@acme.com"},
		{"JO\u0308RG@acme.com", "jörg@acme.com"},
		{"Jörg@acme.com", "jörg@acme.com"},
		{"rene\u0301e@bu\u0308cher.de", "renée@xn--bcher-kva.de"},
		{"ann@acme.com", "ann@acme.com"},
	}
	for _, tt := range tests {
		got, err := identity.NormalizeEmail(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, "%q", tt.in)
		again, err := identity.NormalizeEmail(got)
		require.NoError(t, err)
		require.Equal(t, got, again)
	}

	g := newGraph(t, identity.Config{})
	a := addPerson(t, g, mktoLead("1", "Jörg@acme.com"))
	b := addPerson(t, g, identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: "c-1", Person: b2b.Person{Email: "jo\u0308rg@acme.com"}})
	require.Equal(t, a.Person, b.Person)
	require.Equal(t, identity.Joined, b.Outcome)
}
