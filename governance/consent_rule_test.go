package governance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

// FuzzResolveIsPairwise checks that Resolve and b2b.CompareConsent are one
// rule: keeping the winner of statements compared in pairs, in the order
// given (as identity does when it merges source records), picks the
// statement Resolve picks, with any window.
func FuzzResolveIsPairwise(f *testing.F) {
	f.Add([]byte{2, 0, 1, 1, 1, 30}, uint8(24))
	f.Add([]byte{1, 0, 2, 20, 1, 40}, uint8(24))
	f.Add([]byte{2, 0, 2, 20, 1, 40, 0, 50}, uint8(24))
	f.Add([]byte{1, 30, 2, 10, 1, 0}, uint8(0))
	f.Add([]byte{0, 5, 0, 9}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, windowHours uint8) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		statuses := []string{b2b.ConsentUnknown, b2b.ConsentOptIn, b2b.ConsentOptOut}
		var stmts []governance.Statement
		for i := 0; i+1 < len(data) && len(stmts) < 20; i += 2 {
			stmts = append(stmts, governance.Statement{Person: "p", Channel: b2b.ChannelEmail,
				Status: statuses[int(data[i])%3], Source: string(rune('a' + data[i]%5)), At: base.Add(time.Duration(data[i+1]) * time.Hour)})
		}
		if len(stmts) == 0 {
			return
		}
		// Resolve reads a zero window as its default; the fold is given the
		// window Resolve applies.
		window := time.Duration(windowHours) * time.Hour
		applied := window
		if applied == 0 {
			applied = governance.DefaultConsentWindow
		}
		got := governance.Resolve(stmts, base.Add(300*time.Hour), governance.ConsentRules{Window: window})
		w := stmts[0]
		for _, s := range stmts[1:] {
			c := b2b.CompareConsent(toConsent(s), toConsent(w), applied)
			if c > 0 || c == 0 && strings.Compare(s.Source, w.Source) < 0 {
				w = s
			}
		}
		if b2b.ConsentStrictness(w.Status) == 0 {
			if got.Consent.Status != b2b.ConsentUnknown {
				t.Fatalf("the fold states nothing, Resolve decided %+v", got)
			}
			return
		}
		if got.Consent != toConsent(w) {
			t.Fatalf("window %s: Resolve decided %+v (%s), the pairwise fold %+v", applied, got.Consent, got.Reason, toConsent(w))
		}
	})
}

func toConsent(s governance.Statement) b2b.Consent {
	return b2b.Consent{Status: s.Status, Source: s.Source, At: s.At}
}
