package governance_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

// spellings are ways of writing an address that identity normalises to
// one, each with its normal form.
var spellings = []struct{ written, normal string }{
	{"Jörg@Bücher.de", "jörg@xn--bcher-kva.de"},
	{"jörg@xn--bcher-kva.de", "jörg@xn--bcher-kva.de"},
	{"ann@acme.com.", "ann@acme.com"},
	{"mailto:ann@acme.com", "ann@acme.com"},
	{"MAILTO: Ann@Acme.com", "ann@acme.com"},
	{"\ufeffann@acme.com", "ann@acme.com"},
	{"ann@acme.com\u200b", "ann@acme.com"},
	{"ann@ＡＣＭＥ.com", "ann@acme.com"},
	{"  Ann@ACME.com ", "ann@acme.com"},
}

// TestSuppressionHashNormalisesAsIdentity: an address has the hash of its
// form normalised by identity (identity.NormalizeEmail), which is the
// address a message is sent to, however the erasure request wrote it.
func TestSuppressionHashNormalisesAsIdentity(t *testing.T) {
	t.Parallel()
	for _, s := range spellings {
		n, err := identity.NormalizeEmail(s.written)
		require.NoError(t, err)
		require.Equal(t, s.normal, n, "identity's form of %q", s.written)
		require.Equal(t, governance.SuppressionHash(n), governance.SuppressionHash(s.written), s.written)
	}
}

// TestSuppressionHashOfPlainAddressesIsKept: the hash of an address
// already plain (lower case, in ASCII, or one identity refuses) is the
// hash of its lower case, as it always was: suppression lists kept before
// stay valid.
func TestSuppressionHashOfPlainAddressesIsKept(t *testing.T) {
	t.Parallel()
	sha := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	for _, tc := range []struct{ written, hashed string }{
		{"ann@acme.com", "ann@acme.com"},
		{"Ann.Lee+news@Acme.co.uk", "ann.lee+news@acme.co.uk"},
		{" ann@acme.com\t", "ann@acme.com"},
		{"o'brien@acme.com", "o'brien@acme.com"},
		// Refused by identity: kept as they were.
		{"ann@localhost", "ann@localhost"},
		{"Ann Lee@acme.com", "ann lee@acme.com"},
		{"ann@@acme.com", "ann@@acme.com"},
	} {
		require.Equal(t, sha(tc.hashed), governance.SuppressionHash(tc.written), tc.written)
	}
	require.Equal(t, sha("ann@acme.com"), governance.SuppressionHash("ann@acme.com"))
}

// TestPlanErasureFindsAnAddressWrittenAnotherWay: an erasure request's
// address finds the person whose record holds it in another spelling
// (identity's form or the request's), the messages addressed to it, and
// the content that names it in either form of its domain; the hashes are
// those of identity's form.
func TestPlanErasureFindsAnAddressWrittenAnotherWay(t *testing.T) {
	t.Parallel()
	for _, s := range spellings {
		for _, stored := range []string{s.normal, s.written} {
			inv := governance.Inventory{
				Persons: []b2b.Person{{ID: "p-1", Email: stored}, {ID: "p-2", Email: "bob@acme.com"}},
				Outbox: []channel.Entry{
					{ID: "ob-1", Status: channel.StatusDelivered, Message: channel.Message{Key: "k1", Channel: channel.ChannelEmail, To: s.normal, Text: "Hi"}},
				},
			}
			got := governance.PlanErasure(governance.ErasureRequest{Emails: []string{s.written}}, inv)
			require.Equal(t, []b2b.PersonID{"p-1"}, got.Persons, "%q stored as %q", s.written, stored)
			require.Equal(t, []string{governance.SuppressionHash(s.normal)}, got.Suppression, "%q stored as %q", s.written, stored)
			require.Len(t, got.Outbox, 1, "%q stored as %q", s.written, stored)
		}
	}
	// A message's text may write the domain in Unicode or in ASCII.
	inv := governance.Inventory{Outbox: []channel.Entry{
		{ID: "ob-1", Status: channel.StatusDelivered, Message: channel.Message{Key: "k1", Channel: channel.ChannelSalesAlert, To: "rep@acme.com", Text: "Reply to Jörg@Bücher.de today"}},
		{ID: "ob-2", Status: channel.StatusDelivered, Message: channel.Message{Key: "k2", Channel: channel.ChannelSalesAlert, To: "rep@acme.com", Text: "Reply to jörg@xn--bcher-kva.de today"}},
		{ID: "ob-3", Status: channel.StatusDelivered, Message: channel.Message{Key: "k3", Channel: channel.ChannelSalesAlert, To: "rep@acme.com", Text: "Reply to jörg@bücher.dev today"}},
	}}
	for _, req := range []string{"Jörg@Bücher.de", "jörg@xn--bcher-kva.de"} {
		got := governance.PlanErasure(governance.ErasureRequest{Emails: []string{req}}, inv)
		var ids []string
		for _, o := range got.Outbox {
			ids = append(ids, o.ID)
		}
		require.Equal(t, []string{"ob-1", "ob-2"}, ids, req)
	}
}
