package journey_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

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

// A definition is kept, cloned and stored as its JSON: a duration built
// in Go longer than a duration may be (100,001 days or more) wrote as
// text that reads back as too long, so its journey, which validated,
// could not be read back. Validation says so, with the field's path,
// and Days of more days than a duration holds is the longest duration,
// not one wrapped round to "must not be negative".
func TestValidateDurationsTooLong(t *testing.T) {
	t.Parallel()
	forever := journey.Duration(math.MaxInt64)
	j := journey.Journey{ID: "long", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		ReEntry: journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(100001)},
		Nodes: []journey.Node{
			{ID: "w", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(200000), Next: "l"}},
			{ID: "l", Kind: journey.KindListen, Listen: &journey.Listen{Events: []journey.EventMatch{{Type: journey.EventStageChanged}},
				Timeout: forever, Next: "x", OnTimeout: "x"}},
			{ID: "x", Kind: journey.KindExternal, External: &journey.External{Call: "crm", Timeout: journey.Days(100000) + journey.Duration(24*time.Hour),
				OnSuccess: "e", OnError: "e", OnTimeout: "e"}},
			end("e", "done"),
		}}
	err := journey.Validate(j, journey.Config{})
	require.Equal(t, []string{
		`nodes["w"].wait.for: 2562047h47m16.854775807s is too long (at most 100000 days)`, // Days(200000) used to wrap round to a negative duration
		`nodes["l"].listen.timeout: 2562047h47m16.854775807s is too long (at most 100000 days)`,
		`nodes["x"].external.timeout: 100001d is too long (at most 100000 days)`,
		`reEntry.after: 100001d is too long (at most 100000 days)`,
	}, problemsOf(t, err))
	_, err = journey.NewCatalog(journey.Config{Caps: []journey.Cap{{Name: "c", Max: 1, Per: journey.Days(100001), MaxDefer: forever, Policy: journey.CapDefer}}})
	require.ErrorContains(t, err, `caps[0].per: 100001d is too long (at most 100000 days)`)
	require.ErrorContains(t, err, `caps[0].maxDefer: 2562047h47m16.854775807s is too long (at most 100000 days)`)

	// The longest a duration may be validates, and its journey reads
	// back as it was.
	longest := journey.Days(100000) + journey.Duration(24*time.Hour-1)
	j.ReEntry.After = longest
	j.Nodes[0].Wait.For, j.Nodes[1].Listen.Timeout, j.Nodes[2].External.Timeout = longest, longest, longest
	v, err := journey.Compile(j, journey.Config{})
	require.NoError(t, err)
	b, err := json.Marshal(v.Definition())
	require.NoError(t, err)
	var back journey.Journey
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, longest, back.Nodes[1].Listen.Timeout)
}

// A duration in JSON of another type than text or a whole number says
// what a duration is written as and what it got, without Go's type
// names: it said "duration: json: cannot unmarshal bool into Go value of
// type int64".
func TestDurationJSONOfAnotherType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`true`:                  `expected a duration such as 5d or 36h, or a whole number of nanoseconds, got true`,
		`1.5`:                   `expected a duration such as 5d or 36h, or a whole number of nanoseconds, got the number 1.5`,
		`5e9`:                   `expected a duration such as 5d or 36h, or a whole number of nanoseconds, got the number 5e9`,
		`{}`:                    `expected a duration such as 5d or 36h, or a whole number of nanoseconds, got an object`,
		`["5d"]`:                `expected a duration such as 5d or 36h, or a whole number of nanoseconds, got a list`,
		`1e30`:                  `the number 1e30 is out of range for a duration`,
		`-99999999999999999999`: `the number -99999999999999999999 is out of range for a duration`,
	} {
		var d journey.Duration
		require.EqualError(t, d.UnmarshalJSON([]byte(in)), want, in)
	}
	var j journey.Journey
	require.EqualError(t, json.Unmarshal([]byte(`{"id":"j","nodes":[{"id":"w","kind":"wait","wait":{"for":false}}]}`), &j),
		`nodes[0].wait.for: expected a duration such as 5d or 36h, or a whole number of nanoseconds, got false`)
	// null is no duration, and a whole number is nanoseconds, as they were.
	for in, want := range map[string]journey.Duration{`null`: 0, `3600000000000`: journey.Duration(time.Hour), `-5`: -5} {
		var d journey.Duration
		require.NoError(t, d.UnmarshalJSON([]byte(in)), in)
		require.Equal(t, want, d, in)
	}
}
