package governance_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

func FuzzSuppressionHash(f *testing.F) {
	for _, s := range []string{"ann@acme.com", " ANN@Acme.COM", "+1 (555) 0100", "", "++1", "Ünïcode@x.de", "0044 20 7946 0000", "00", "+0044 1", "Jörg@Bücher.de", "mailto:ann@acme.com.", "\ufeffann@ＡＣＭＥ.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := governance.SuppressionHash(s)
		if len(h) != 64 {
			t.Fatalf("hash %q is not hex SHA-256", h)
		}
		if governance.SuppressionHash(" \t"+s+" ") != h {
			t.Fatalf("surrounding space changes the hash of %q", s)
		}
		// 00 is the international call prefix: the number with its +.
		if !strings.Contains(s, "@") && governance.SuppressionHash("00"+s) != governance.SuppressionHash("+"+s) {
			t.Fatalf("00%s and +%s have different hashes", s, s)
		}
		// An address has the hash of identity's form of it, the address
		// messages are sent to; one already plain (printable ASCII in
		// lower case, without a trailing dot or a mailto:) the hash of
		// itself, as before identity's form was used: the hashes kept
		// in suppression lists stay valid.
		if n, err := identity.NormalizeEmail(s); err == nil {
			if governance.SuppressionHash(n) != h {
				t.Fatalf("%q and identity's form %q have different hashes", s, n)
			}
			if plainEmail(s) && governance.SuppressionHash(s) != sha(s) {
				t.Fatalf("the hash of plain address %q changed", s)
			}
		}
		// Only strings whose upper case lowers back to their lower case:
		// case folding of some runes does not round trip.
		lower, roundTrip := strings.ToLower(s), strings.ToLower(strings.ToUpper(s))
		if strings.Contains(s, "@") && governance.SuppressionHash(strings.ToUpper(s)) != governance.SuppressionHash(lower) && roundTrip == lower {
			t.Fatalf("case changes the hash of email %q", s)
		}
	})
}

// plainEmail reports whether s is written in printable ASCII in lower
// case, with no trailing dot nor mailto: (the spellings identity
// normalises).
func plainEmail(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return !strings.HasSuffix(s, ".") && !strings.HasPrefix(s, "mailto:")
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// FuzzResolve checks the consent rule's invariants on arbitrary statements:
// the result is unknown or one of the statements, it does not depend on
// their order (not even the winner's Ref or the zone its time is written
// in, which the reason shows), the statements after now are pending, and
// an opt-out at the latest time always wins.
func FuzzResolve(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5})
	f.Add([]byte{2, 200, 1, 10, 0, 0, 2, 11})
	f.Add([]byte{2, 10, 11, 10})   // the same opt-out from one source, two Refs
	f.Add([]byte{2, 10, 20, 10})   // the same opt-out, its time in two zones
	f.Add([]byte{1, 250, 10, 250}) // the same opt-in dated ahead, two Refs
	f.Fuzz(func(t *testing.T, data []byte) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		paris := time.FixedZone("CET", 3600)
		statuses := []string{b2b.ConsentUnknown, b2b.ConsentOptIn, b2b.ConsentOptOut}
		var stmts []governance.Statement
		for i := 0; i+1 < len(data) && len(stmts) < 20; i += 2 {
			b := data[i]
			at := base.Add(time.Duration(data[i+1]) * time.Hour)
			if b/18%2 == 1 {
				at = at.In(paris)
			}
			stmts = append(stmts, governance.Statement{Person: "p", Channel: b2b.ChannelEmail,
				Status: statuses[int(b)%3], Source: string(rune('a' + b/3%3)), Ref: string(rune('0' + b/9%2)), At: at})
		}
		now := base.Add(200 * time.Hour)
		got := governance.Resolve(stmts, now, governance.ConsentRules{})
		if got.Consent.Status != b2b.ConsentUnknown && !slices.Contains(stmts, got.Winner) {
			t.Fatalf("winner %+v is not a statement", got.Winner)
		}
		rev := slices.Clone(stmts)
		slices.Reverse(rev)
		again := governance.Resolve(rev, now, governance.ConsentRules{})
		if again.Consent != got.Consent || again.Winner != got.Winner || again.Reason != got.Reason || !slices.Equal(again.Pending, got.Pending) {
			t.Fatalf("order matters: %+v vs %+v", got, again)
		}
		ahead := 0
		for _, s := range stmts {
			if s.Status != b2b.ConsentUnknown && s.At.After(now) {
				ahead++
			}
		}
		if len(got.Pending) != ahead {
			t.Fatalf("%d statements after now, %d pending: %+v", ahead, len(got.Pending), got.Pending)
		}
		var latest time.Time
		for _, s := range stmts {
			if s.Status != b2b.ConsentUnknown && !s.At.After(now) && s.At.After(latest) {
				latest = s.At
			}
		}
		for _, s := range stmts {
			if s.Status == b2b.ConsentOptOut && s.At.Equal(latest) && got.Consent.Status != b2b.ConsentOptOut {
				t.Fatalf("an opt-out at the latest time lost: %+v", got)
			}
		}
	})
}
