package b2b_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

func TestCompareConsent(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := func(s b2b.ConsentStatus, at time.Time) b2b.Consent { return b2b.Consent{Status: s, At: at} }
	const (
		in, out, unknown = b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.ConsentUnknown
		day              = 24 * time.Hour
	)
	tests := []struct {
		name   string
		a, b   b2b.Consent
		window time.Duration
		want   int
		reason string
	}{
		{name: "opt-out within the window wins over a later opt-in", a: st(out, t0), b: st(in, t0.Add(time.Hour)), window: day, want: 1,
			reason: "a sync an hour later that had not seen the unsubscribe does not undo it"},
		{name: "opt-out at the window's edge still wins", a: st(out, t0), b: st(in, t0.Add(day)), window: day, want: 1},
		{name: "opt-in beyond the window wins", a: st(out, t0), b: st(in, t0.Add(day+time.Second)), window: day, want: -1,
			reason: "a person who opts in again later is opted in"},
		{name: "a month-old opt-in loses to a recent opt-out", a: st(in, t0.AddDate(0, -1, 0)), b: st(out, t0.Add(-time.Hour)), window: day, want: -1},
		{name: "same status: the later wins", a: st(in, t0.Add(time.Minute)), b: st(in, t0), window: day, want: 1},
		{name: "same status and time: a tie", a: st(out, t0), b: st(out, t0), window: day, want: 0},
		{name: "same time: the stricter wins", a: st(in, t0), b: st(out, t0), window: day, want: -1},
		{name: "no window: same time, the stricter wins", a: st(out, t0), b: st(in, t0), window: 0, want: 1},
		{name: "no window: the later wins", a: st(out, t0), b: st(in, t0.Add(time.Nanosecond)), window: 0, want: -1},
		{name: "negative window is no window", a: st(out, t0), b: st(in, t0), window: -time.Hour, want: 1},
		{name: "no times: the stricter wins", a: st(in, time.Time{}), b: st(out, time.Time{}), window: day, want: -1},
		{name: "unknown states nothing, however recent", a: st(unknown, t0.Add(time.Hour)), b: st(in, t0.AddDate(-1, 0, 0)), window: day, want: -1},
		{name: "an invalid status states nothing", a: st("maybe", t0), b: st(in, t0), window: day, want: -1},
		{name: "two unknowns: the later", a: st(unknown, t0), b: st(unknown, t0.Add(-time.Hour)), window: day, want: 1},
		{name: "centuries apart is beyond any window", a: st(out, time.Time{}), b: st(in, t0), window: 1<<63 - 1, want: -1,
			reason: "the difference overflows a Duration; it must not count as within the window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, b2b.CompareConsent(tt.a, tt.b, tt.window), tt.reason)
			require.Equal(t, -tt.want, b2b.CompareConsent(tt.b, tt.a, tt.window), "antisymmetric")
		})
	}
}

func TestConsentStrictness(t *testing.T) {
	t.Parallel()
	require.Equal(t, []int{2, 1, 0, 0}, []int{
		b2b.ConsentStrictness(b2b.ConsentOptOut), b2b.ConsentStrictness(b2b.ConsentOptIn),
		b2b.ConsentStrictness(b2b.ConsentUnknown), b2b.ConsentStrictness(""),
	})
}
