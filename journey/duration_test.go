package journey_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// Days are a whole number of digits before the d: no sign, no space, no
// other form that strconv would take. "+5d" used to read as five days and
// "-0d" as zero, while "-1d" was refused. A sign belongs before a Go
// duration only ("-36h", "+36h"), and "0d" is zero, as "0" and "0s" are
// (a field that needs a duration refuses zero when compiled).
func TestDurationDaysTakeNoSign(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"+5d", "-0d", "+0d", "+1d12h", "5 d", "5D", "-1d", " +5d", "0x5d", "1_0d"} {
		d, err := journey.ParseDuration(bad)
		require.Error(t, err, "%q read as %v", bad, d)
		require.NotErrorIs(t, err, journey.ErrDurationTooLong, bad)
		require.ErrorContains(t, err, "invalid duration")
	}
	for in, want := range map[string]journey.Duration{"5d": journey.Days(5), "05d": journey.Days(5), "0d": 0, "-36h": journey.Duration(-36 * 3600e9), "+36h": journey.Duration(36 * 3600e9)} {
		d, err := journey.ParseDuration(in)
		require.NoError(t, err, in)
		require.Equal(t, want, d, in)
	}
}
