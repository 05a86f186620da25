package b2b_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		phone, want string
	}{
		{"+1 (555) 0100", "+15550100"},
		{"1-555-0100", "+15550100"}, // digits without a +: read as if it had one
		{"0044 20 7946 0000", "+442079460000"},
		{" 00442079460000", "+442079460000"},
		{"(0044) 20 7946 0000", "+442079460000"},
		{"+0044 20 7946 0000", "+00442079460000"}, // with a + before it, 00 is part of the number
		{"000 44 20 7946 0000", "+0442079460000"},
		{"011 2345 6789", "+01123456789"}, // other exit codes are national prefixes somewhere
		{"00", ""},
		{"n/a", ""},
		{"", ""},
	} {
		require.Equal(t, tc.want, b2b.NormalizePhone(tc.phone), "%q", tc.phone)
	}
}

func TestE164Phone(t *testing.T) {
	for _, tc := range []struct {
		phone, want string
		ok          bool
	}{
		{"+442079460958", "+442079460958", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"0044 20 7946 0958", "+442079460958", true},
		{"00442079460958", "+442079460958", true},
		{"(0044) 20-7946-0958", "+442079460958", true},
		{"(+44) 20.7946.0958", "+442079460958", true},
		{" +1 415/555 0100 ", "+14155550100", true},
		{"+6834002", "+6834002", true},                 // Niue: seven digits
		{"+123456789012345", "+123456789012345", true}, // fifteen
		{"+683400", "", false},                         // six digits
		{"0044 2079", "", false},                       // 00 and six digits
		{"+1234567890123456", "", false},               // sixteen
		{"020 7946 0958", "", false},                   // national format: no country
		{"(415) 555-0100", "", false},
		{"14155550100", "", false},
		{"011 44 20 7946 0958", "", false}, // only 00 is read as the call prefix
		{"+0044 20 7946 0958", "", false},  // a + and 00: no country code starts with 0
		{"000 44 20 7946 0958", "", false},
		{"+44 (0)20 7946 0958", "", false}, // a trunk prefix in brackets is not dialled from abroad
		{"+44 20 7946 0958 ext. 12", "", false},
		{"+1 800 FLOWERS", "", false},
		{"+44 20 7946 0958 +1", "", false},
		{"44+2079460958", "", false},
		{"+44 (20 7946 0958", "", false},
		{"+44\t20 7946 0958", "", false},
		{"", "", false},
		{"+", "", false},
	} {
		got, ok := b2b.E164Phone(tc.phone)
		require.Equal(t, tc.ok, ok, "%q", tc.phone)
		require.Equal(t, tc.want, got, "%q", tc.phone)
		if ok {
			require.Equal(t, got, b2b.NormalizePhone(tc.phone), "%q: read as governance reads it", tc.phone)
		}
	}
	var ok bool
	require.Zero(t, testing.AllocsPerRun(10, func() { _, ok = b2b.E164Phone("+442079460958") }), "an E.164 number is given back as it is")
	require.True(t, ok)
}

// FuzzE164Phone: what E164Phone gives is '+' and 7 to 15 digits, the
// first not 0, the number NormalizePhone reads, and its own E.164 form;
// a number PlaceholderPhone takes for nobody's it gives only when
// NormalizePhone's reading is one too.
func FuzzE164Phone(f *testing.F) {
	for _, s := range []string{"+442079460958", "0044 20 7946 0958", "(0044) 20-7946-0958", "+44 (0)20 7946 0958", "(00) 44 20 7946 0958",
		"020 7946 0958", "+0044 1234567", "000 44 1234567", "+1 800 FLOWERS", "", "+", "00", "(+44) 20.7946.0958", "+44 ((20)) 1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := b2b.E164Phone(s)
		if !ok {
			if got != "" {
				t.Fatalf("E164Phone(%q) = %q, false", s, got)
			}
			return
		}
		if len(got) < 8 || len(got) > 16 || got[0] != '+' || got[1] == '0' || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("E164Phone(%q) = %q, not E.164", s, got)
		}
		if n := b2b.NormalizePhone(s); n != got {
			t.Fatalf("E164Phone(%q) = %q, NormalizePhone reads %q", s, got, n)
		}
		if again, ok := b2b.E164Phone(got); !ok || again != got {
			t.Fatalf("E164Phone(%q) = %q, %v", got, again, ok)
		}
		if b2b.PlaceholderPhone(s) != b2b.PlaceholderPhone(got) {
			t.Fatalf("PlaceholderPhone(%q) = %v, of its E.164 form %q %v", s, b2b.PlaceholderPhone(s), got, b2b.PlaceholderPhone(got))
		}
	})
}
