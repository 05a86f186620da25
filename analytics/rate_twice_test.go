package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestQualificationRateLoggedTwice: a log whose order is not its times'
// can hold an account's rate twice, the later time first. The account had
// that rate from the earliest time the log dates it: a period that ends
// between the two sees it.
func TestQualificationRateLoggedTwice(t *testing.T) {
	t.Parallel()
	rate := func(persons, qualified int) m { return m{"persons": persons, "qualified": qualified} }
	log := eventLog{}.
		add("a", day(0), "qualify.rate", rate(2, 1)).
		add("a", day(5), "qualify.rate", rate(4, 3)).
		add("a", day(2), "qualify.rate", rate(4, 3))
	tests := []struct {
		name string
		to   float64
		want analytics.Qualification
	}{
		{"before both: the first rate", 1, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}, Accounts: 1}},
		{"between the two: the rate from its earliest time", 3, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 3, Denominator: 4, Value: val(0.75)}, Accounts: 1}},
		{"after both", 6, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 3, Denominator: 4, Value: val(0.75)}, Accounts: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.want, r.Qualification), "(-want +got)")
		})
	}
}

// TestQualificationRateLoggedTwiceBeforeAnother: a late copy of an
// account's rate dated before the rate it replaced does not put it
// before that one: the log says the account had the other rate between
// the two.
func TestQualificationRateLoggedTwiceBeforeAnother(t *testing.T) {
	t.Parallel()
	rate := func(persons, qualified int) m { return m{"persons": persons, "qualified": qualified} }
	log := eventLog{}.
		add("a", day(1), "qualify.rate", rate(2, 1)).
		add("a", day(5), "qualify.rate", rate(4, 3)).
		add("a", day(0), "qualify.rate", rate(4, 3))
	r := report(t, log, analytics.Config{}, analytics.Period{To: day(2)})
	want := analytics.Qualification{Ratio: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}, Accounts: 1}
	require.Empty(t, cmp.Diff(want, r.Qualification), "(-want +got)")
}
