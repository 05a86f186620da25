package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/sim"
)

// TestDaysAreCalendarDays checks that each day's activities and deal
// changes fall within that day, [Date(d), Date(d+1)), in the location of
// the world's Start, across a change to daylight saving time (Berlin's
// 29 March 2026 has 23 hours), and that a Start that is no midnight is
// refused: its "days" would straddle two calendar days each.
func TestDaysAreCalendarDays(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, start := range []time.Time{
		{}, // the default, 2026-01-05 in UTC
		time.Date(2026, 3, 25, 0, 0, 0, 0, berlin),
		time.Date(2026, 10, 22, 0, 0, 0, 0, berlin),
	} {
		w, err := sim.New(sim.Config{Seed: 9, Accounts: 150, Days: 8, Start: start, InMarketShare: 1})
		require.NoError(t, err)
		for d := range w.Config.Days {
			from, to := w.Date(d), w.Date(d+1)
			require.Equal(t, 0, from.Hour(), "day %d starts at midnight", d)
			for _, a := range w.Day(d) {
				require.False(t, a.Time.Before(from) || !a.Time.Before(to), "day %d [%s, %s): activity %s at %s", d, from, to, a.ID, a.Time)
			}
			for _, o := range w.OpportunityChanges(d) {
				at := o.CreatedAt
				if !o.ClosedAt.IsZero() {
					at = o.ClosedAt
				}
				require.False(t, at.Before(from) || !at.Before(to), "day %d [%s, %s): deal %s at %s", d, from, to, o.ID, at)
			}
		}
	}

	for _, tt := range []struct {
		name  string
		start time.Time
		want  string
	}{
		{"afternoon", time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC), "start: must be a midnight (the start of a day in its location), got 2026-01-05T15:00:00Z"},
		{"a second past midnight", time.Date(2026, 1, 5, 0, 0, 1, 0, time.UTC), "start: must be a midnight"},
		{"midnight elsewhere", time.Date(2026, 1, 5, 0, 0, 0, 0, berlin).UTC(), "got 2026-01-04T23:00:00Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.New(sim.Config{Start: tt.start})
			require.ErrorIs(t, err, sim.ErrConfig)
			require.ErrorContains(t, err, tt.want)
		})
	}
}
