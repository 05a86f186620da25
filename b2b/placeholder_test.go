package b2b_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

func TestPlaceholderEmail(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"noreply@acme.com", true},
		{" NoReply@Acme.com ", true},
		{"unknown@unknown.com", true},
		{"test@example.com", true},
		{"do.not.reply@acme.com", true},
		{"do_not_reply@acme.com", true},
		{"invalid@acme.com", true},
		{"ann@acme.com", false},
		{"noreply.ann@acme.com", false},
		{"tester@acme.com", false},
		{"do.not.reply.now@acme.com", false},
		{"@acme.com", false},
		{"noreply", false},
		{"", false},
	} {
		require.Equal(t, tc.want, b2b.PlaceholderEmail(tc.addr), "%q", tc.addr)
	}
	require.Zero(t, testing.AllocsPerRun(10, func() { b2b.PlaceholderEmail("NoReply@acme.com") }))
}

func TestPlaceholderPhone(t *testing.T) {
	for _, tc := range []struct {
		phone string
		want  bool
	}{
		{"", true},
		{"n/a", true},
		{"000", true},
		{"555-0199", false},       // 7 digits
		{"555-019", true},         // 6
		{"000-000-0000", true},    // one digit repeated
		{"999 999 9999", true},    //
		{"+1 111 111 1111", true}, // the country code repeated too
		{"123-456-7890", true},    // counting up
		{"0123456789", true},      //
		{"+1 (555) 010-0199", false},
		{"0044 20 7946 0000", false},
		{"00 1234567", true},   // 00 is the call prefix: 1234567 counts up
		{"00 12345 6", true},   // 123456: 6 digits
		{"+00 12345 6", false}, // with a + before it, 00 is part of the number: 00123456
	} {
		require.Equal(t, tc.want, b2b.PlaceholderPhone(tc.phone), "%q", tc.phone)
	}
	var placeholder bool
	require.Zero(t, testing.AllocsPerRun(10, func() { placeholder = b2b.PlaceholderPhone("+1 (555) 010-0199") }))
	require.False(t, placeholder)
}

// FuzzPlaceholderPhone holds PlaceholderPhone to NormalizePhone, which
// reads the digits of a number as it does: a number and its normal form
// are placeholders alike.
func FuzzPlaceholderPhone(f *testing.F) {
	for _, s := range []string{"", "n/a", "000", "555-0199", "0044 20 7946 0000", "00 1234567", "+00 12345 6", "0+0 1234567", "0 0 1234567", "+1 111 111 1111", "(00) 0123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := b2b.NormalizePhone(s)
		if got, want := b2b.PlaceholderPhone(s), b2b.PlaceholderPhone(n); got != want {
			t.Fatalf("PlaceholderPhone(%q) = %v, of its normal form %q %v", s, got, n, want)
		}
	})
}
