package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAddDaysAroundOffsetChanges holds addDays to a search of every minute
// around the arrival for the instants whose clock shows the time of the
// start: the first of them, or, when there is none (the clocks skip it),
// the clock time read with the offset before they jumped. It starts every
// half hour from a day before to a day after the arrival day of each
// change of 2025 and 2026, in zones that change by an hour in either half
// of the year, by half an hour (Lord Howe) and at midnight (Santiago),
// going forward (a wait) and back (the start of a cap's window).
func TestAddDaysAroundOffsetChanges(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		changes := 0
		for at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2027; {
			_, change := at.In(loc).ZoneBounds()
			require.False(t, change.IsZero(), zone)
			at = change
			changes++
			for _, n := range []int{1, 7, -1, -7} {
				for start := change.Add(-time.Duration(n+1) * 24 * time.Hour); start.Before(change.Add(-time.Duration(n-1) * 24 * time.Hour)); start = start.Add(30 * time.Minute) {
					want := searchDays(start, n, loc)
					got := addDays(start, n, loc)
					require.True(t, want.Equal(got), "%s: %v + %dd = %v, want %v", zone, start.In(loc), n, got.In(loc), want.In(loc))
				}
			}
		}
		require.GreaterOrEqual(t, changes, 4, zone)
	}
}

// addDays runs at every wait of days: it must not allocate.
func TestAddDaysDoesNotAllocate(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	start := time.Date(2026, 3, 28, 1, 30, 0, 0, time.UTC) // 02:30 CET
	var end time.Time
	allocs := testing.AllocsPerRun(100, func() { end = addDays(start, 1, berlin) })
	require.Zero(t, allocs)
	require.Equal(t, time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), end) // 03:30 CEST: 02:30 is skipped
}

// searchDays finds addDays's answer minute by minute.
func searchDays(t time.Time, n int, loc *time.Location) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	hh, mm, ss := l.Clock()
	want := time.Date(y, m, d+n, hh, mm, ss, l.Nanosecond(), time.UTC)
	clock := func(x time.Time) time.Time { return x.Add(time.Duration(zoneOffset(x, loc)) * time.Second) }
	from, to := want.Add(-15*time.Hour), want.Add(15*time.Hour)
	for x := from; x.Before(to); x = x.Add(time.Minute) {
		if clock(x).Equal(want) {
			return x
		}
	}
	for x := from; x.Before(to); x = x.Add(time.Minute) {
		if clock(x).After(want) { // the clock jumped over want at x
			return want.Add(-time.Duration(zoneOffset(x.Add(-time.Minute), loc)) * time.Second)
		}
	}
	panic("no clock time near " + want.String())
}

// TestCapWindowHoldsEveryMessageThatCounts: a message at t counts in a
// cap of a period per at a time while later(t, per) has not come; the
// window capWindow gives, computed once per cap, must hold every such
// message (countContacts counts in it first). It checks every quarter
// hour of messages up to a day before the window's start against checks
// every half hour around each change of 2025 and 2026 and a period after
// it, in zones that change by an hour, by half an hour (Lord Howe), at
// midnight (Santiago) and by two hours (Troll), for periods of whole days
// and of days and hours.
func TestCapWindowHoldsEveryMessageThatCounts(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Antarctica/Troll"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		for at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2027; {
			_, change := at.In(loc).ZoneBounds()
			require.False(t, change.IsZero(), zone)
			at = change
			for _, per := range []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 36 * time.Hour} {
				// Checks around the change, and a period after it
				// (the window starting around it).
				for i := range 2 * 31 * 2 {
					check := change.Add(-3*time.Hour + time.Duration(i%62)*30*time.Minute + time.Duration(i/62)*per)
					s := stepper{at: check, loc: loc}
					from, l := s.capWindow(per)
					require.Same(t, loc, l)
					// The messages outside the window, up to a day
					// before it, do not count.
					for sent := from.Add(-24 * time.Hour); !sent.After(from); sent = sent.Add(15 * time.Minute) {
						require.False(t, later(sent, per, loc).After(check), "%s: a message at %v counts in %v at %v, the window starts at %v",
							zone, sent.In(loc), per, check.In(loc), from.In(loc))
					}
				}
			}
		}
	}
}
