package identity

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalizeValue checks the normalisation of every kind of namespace:
// it is idempotent (a normalised value is accepted again and normalises to
// itself); a value of a kind that ignores case normalises as its lower case
// does (an email as the lower case of its local part), so the limits hold
// for the normalised value, not for the value given; and a value of a kind
// with a byte limit keeps within it.
func FuzzNormalizeValue(f *testing.F) {
	for _, s := range []string{"Ann", " x ", "{AB}", "{{ab}}", "{", "{}", "a b", "\xffA",
		strings.Repeat("\u023a", 86), strings.Repeat("\u0130", 200), strings.Repeat("\u212a", 255),
		"ann@ACME.com", strings.Repeat("\u0130", 33) + "@acme.com", "https://www.Acme.com/x",
		"0035e00000abcdeAAA", "Jörg@Bücher.DE", "https://www.Bücher.DE/x", "ПРИМЕР。РФ"} {
		f.Add(s)
	}
	kinds := []Kind{KindExact, KindCaseInsensitive, KindEmail, KindDomain, KindSalesforceID, KindGUID}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range kinds {
			got, err := normalizeValue(k, s, false)
			if err == nil {
				again, err := normalizeValue(k, got, false)
				if err != nil || again != got {
					t.Fatalf("%s: not idempotent: %q -> %q -> %q, %v", k, s, got, again, err)
				}
				if k != KindEmail && k != KindDomain && (got == "" || len(got) > maxValueLen) {
					t.Fatalf("%s: %q -> %q of %d bytes", k, s, got, len(got))
				}
			}
			l := s
			switch {
			case !utf8.ValidString(s): // strings.ToLower would replace bytes
				continue
			case k == KindCaseInsensitive, k == KindGUID:
				l = strings.ToLower(s)
			case k == KindEmail:
				// Only the local part: the host's letters are mapped by
				// UTS #46, not by strings.ToLower.
				at := strings.IndexByte(s, '@')
				if at < 0 {
					continue
				}
				l = strings.ToLower(s[:at]) + s[at:]
			default: // case matters, or UTS #46 maps a domain's letters
				continue
			}
			low, lerr := normalizeValue(k, l, false)
			if (err == nil) != (lerr == nil) || low != got {
				t.Fatalf("%s: %q -> %q, %v but its lower case -> %q, %v", k, s, got, err, low, lerr)
			}
		}
	})
}
