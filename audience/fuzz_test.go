package audience_test

import (
	"testing"

	"github.com/quorumhq/quorum/audience"
)

// FuzzNew compiles arbitrary rules: New never panics, and a rule that
// compiles evaluates without panicking.
func FuzzNew(f *testing.F) {
	for _, a := range benchAudiences {
		f.Add(a.Rule)
	}
	for _, s := range []string{
		`activityCount("open_email", 30) > 1 && acount.employees > 5`,
		"activityCount(\n\"x\", 1) > 0",
		`activityCount("a", (30)) > 0`,
		`activityCount("a" /* ) */, 3) > 0`,
		`count(persons, any(persons, personActivityCount("a", 1) > 0)) > 0`,
		`count(persons, ._agg[0] > 0) > 0`,
		`activityCount("é", 1) > 0 || "ü" == "ü"`,
		`personActivityCount`, `activityCount(`, `)`, `activityCount("a", 1e309) > 0`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "f", Rule: rule}}})
		if err != nil {
			return
		}
		d := genAccount(1, 1, 3, 20)
		_, _ = ev.Evaluate(&d, nil, now)
		_ = ev.Explain(&d, now)
	})
}
