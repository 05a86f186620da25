package b2b_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// FuzzValidate feeds arbitrary strings to the validators: they never panic,
// what they accept has the promised shape, and an address's plain-form
// shortcut answers as net/mail's parse does.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"ann@acme.com", "acme.com", "Ann <ann@acme.com>", "a@b", "-a.com", "eu.acme.co.uk", "fill_out_form", "", "\xff@x.io", "a@@b.c",
		"o'neil+news@mail.acme.co.uk", "a.b@c.d", ".a@b.c", "a.@b.c", "a..b@c.d", "a@b..c", "a@.b.c", "a@b.c.", "a@-b.c", "a_b%c@x-y.io", "a@b.c@d.e", "ann@acme.com\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := b2b.ValidEmail(s), b2b.ParsedEmail(s); got != want {
			t.Fatalf("ValidEmail(%q) = %v, the parse says %v", s, got, want)
		}
		if b2b.ValidEmail(s) {
			at := strings.LastIndexByte(s, '@')
			if at <= 0 || !strings.Contains(s[at+1:], ".") || strings.ContainsAny(s, " <>") {
				t.Fatalf("accepted %q", s)
			}
		}
		if b2b.ValidDomain(s) && (s != strings.ToLower(s) || !strings.Contains(s, ".")) {
			t.Fatalf("accepted domain %q", s)
		}
		if b2b.ValidActivityType(s) && (len(s) > 64 || s != strings.ToLower(s)) {
			t.Fatalf("accepted type %q", s)
		}
		p := b2b.Person{ID: b2b.PersonID(s), Email: s, Seniority: s, Department: s, Attributes: map[string]any{s: s}}
		_ = p.Validate()
		a := b2b.Account{ID: b2b.AccountID(s), Name: s, Domains: []string{s}, TimeZone: s, ParentID: b2b.AccountID(s)}
		_ = a.Validate()
		act := b2b.Activity{ID: b2b.ActivityID(s), Type: s, Person: b2b.PersonID(s), Time: time.Unix(int64(len(s)), 0)}
		_ = act.ValidateAt(time.Unix(0, 0), time.Hour)
	})
}
