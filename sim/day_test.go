package sim_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/sim"
)

func clock(t time.Time) [3]int {
	h, m, s := t.Clock()
	return [3]int{h, m, s}
}

// TestDaysAreCalendarDays checks that each day's activities and deal
// changes fall within that day, [Date(d), Date(d+1)), in the location of
// the world's Start, across a change to daylight saving time (Berlin's
// 29 March 2026 has 23 hours), and that a Start that is no midnight is
// refused: its "days" would straddle two calendar days each.
func TestDaysAreCalendarDays(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	apia, err := time.LoadLocation("Pacific/Apia")
	require.NoError(t, err)
	for _, start := range []time.Time{
		{}, // the default, 2026-01-05 in UTC
		time.Date(2026, 3, 25, 0, 0, 0, 0, berlin),
		time.Date(2026, 10, 22, 0, 0, 0, 0, berlin),
		// Samoa skipped 30 December 2011: the world's day 1 has no
		// hours (its next midnight is its own), and no activities.
		time.Date(2011, 12, 28, 0, 0, 0, 0, apia),
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

// TestWorkingHoursAreTheAccountsOwn checks that activities fall in the
// working hours (08:00 to 18:00) of their account's zone, whatever the
// zone of the world's days, and that deals open at 10:00 and close at
// 16:00 on the account's clock: Sydney's working day is the end of one of
// UTC's days and the start of the next, Los Angeles's the end of one of
// Berlin's and the start of the next, and the weeks hold changes to and
// from daylight saving time in Europe, America and Australia.
func TestWorkingHoursAreTheAccountsOwn(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, start := range []time.Time{
		{}, // the default, 2026-01-05 in UTC
		time.Date(2026, 3, 25, 0, 0, 0, 0, berlin),
		time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 22, 0, 0, 0, 0, berlin),
	} {
		w, err := sim.New(sim.Config{Seed: 3, Accounts: 200, Days: 14, Start: start, InMarketShare: 1})
		require.NoError(t, err)
		zones := map[b2b.AccountID]*time.Location{}
		for _, a := range w.Accounts {
			zones[a.ID] = a.Location()
		}
		byHour := map[int]int{}
		for d := range w.Config.Days {
			for _, a := range w.Day(d) {
				acc := w.Truth.Account[w.Truth.Golden[a.Person]]
				local := a.Time.In(zones[acc])
				require.True(t, local.Hour() >= 8 && local.Hour() < 18, "start %s day %d: %s of %s at %s local", start, d, a.ID, acc, local)
				byHour[local.Hour()]++
			}
		}
		// Every working hour has its share, none twice another's.
		require.Len(t, byHour, 10)
		least, most := slices.Min(slices.Collect(maps.Values(byHour))), slices.Max(slices.Collect(maps.Values(byHour)))
		require.Less(t, most, 2*least, "activities by local hour: %v", byHour)

		// On days without a change of time (of the world's days or of
		// the account's clock), deals open at 10:00 and close at 16:00
		// on the account's clock; on the others, within working hours.
		deals := 0
		for d := range w.Config.Days + 80 {
			from, to := w.Date(d), w.Date(d+1)
			for _, o := range w.OpportunityChanges(d) {
				at, hour := o.CreatedAt, 10
				if !o.ClosedAt.IsZero() {
					at, hour = o.ClosedAt, 16
				}
				require.Equal(t, w.Config.Start.Location(), at.Location())
				local := at.In(zones[o.Account])
				_, offFrom := from.In(zones[o.Account]).Zone()
				_, offTo := to.In(zones[o.Account]).Zone()
				if to.Sub(from) == 24*time.Hour && offFrom == offTo {
					require.Equal(t, [3]int{hour, 0, 0}, clock(local), "deal %s at %s local", o.ID, local)
					deals++
				} else {
					require.True(t, local.Hour() >= 8 && local.Hour() < 18, "deal %s at %s local", o.ID, local)
				}
			}
		}
		require.NotZero(t, deals)
	}
}
