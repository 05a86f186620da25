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

// A Go duration longer than a duration can be, or than the 100,000 days
// a duration may be, is too long, as a number of days is: it used to be
// "invalid", though written as it should be, or taken ("2400024h",
// 100,001 days) and written back as "100001d", which is refused.
func TestDurationTooLongInGoForm(t *testing.T) {
	t.Parallel()
	for _, long := range []string{"9999999999h", "-9999999999h", "2562048h", "9999999999999999999ns", "1d9999999999h",
		"2400024h", "2562047h", "-2400024h", "100001d", "1d2400000h", "99999999999999999999.5s"} {
		d, err := journey.ParseDuration(long)
		require.ErrorIs(t, err, journey.ErrDurationTooLong, "%s: %v", long, d)
		require.EqualError(t, err, `duration too long: "`+long+`" (at most 100000 days)`)
		var j journey.Duration
		require.ErrorIs(t, j.UnmarshalJSON([]byte(`"`+long+`"`)), journey.ErrDurationTooLong, long)
	}
	// Not written as a duration, whatever its size: invalid.
	for _, bad := range []string{"9999999999x", "99999999999999999999999x", "9999999999hh", ".h", "--9999999999h", "9999999999h-", "h9999999999"} {
		_, err := journey.ParseDuration(bad)
		require.Error(t, err, bad)
		require.NotErrorIs(t, err, journey.ErrDurationTooLong, bad)
		require.EqualError(t, err, `invalid duration "`+bad+`"`)
	}
	// The longest there is, in every form, and back.
	for _, in := range []string{"100000d23h59m59.999999999s", "2400023h59m59.999999999s", "-2400023h", "100000d", "2400000h"} {
		d, err := journey.ParseDuration(in)
		require.NoError(t, err, in)
		back, err := journey.ParseDuration(d.String())
		require.NoError(t, err, "%s as %s", in, d)
		require.Equal(t, d, back, in)
	}
}
