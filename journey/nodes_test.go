package journey_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

func manual(id string, at time.Time) []journey.Event {
	return []journey.Event{{Type: journey.EventManualEntry, Journey: id, At: at}}
}

func linear(id string, nodes ...journey.Node) journey.Journey {
	return journey.Journey{ID: id, Nodes: nodes}
}

func TestWaitWindowInAccountTimeZone(t *testing.T) {
	t.Parallel()
	j := linear("w",
		journey.Node{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "mail",
			Window: &journey.Window{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: "09:00", To: "17:00"}}},
		email("mail", "hello", "end", nil),
		end("end", ""))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Account.TimeZone = "Europe/Berlin"
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	tests := []struct {
		name  string
		start time.Time
		want  time.Time
	}{
		{"thursday evening ends friday evening, after the window: monday 9:00",
			time.Date(2025, 3, 6, 18, 0, 0, 0, berlin), time.Date(2025, 3, 10, 9, 0, 0, 0, berlin)},
		{"monday 10:00 ends tuesday 10:00, inside the window",
			time.Date(2025, 3, 3, 10, 0, 0, 0, berlin), time.Date(2025, 3, 4, 10, 0, 0, 0, berlin)},
		{"tuesday 6:00 ends wednesday 6:00, before the window: 9:00",
			time.Date(2025, 3, 4, 6, 0, 0, 0, berlin), time.Date(2025, 3, 5, 9, 0, 0, 0, berlin)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.start, Events: manual("w", tt.start)})
			require.True(t, tt.want.Equal(res.Due), "due %v, want %v", res.Due.In(berlin), tt.want)
			res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), 3)
		})
	}
}

// A wait whose window moved its end says so in its decision, with the
// window and the account's time zone the end was moved in; a wait whose
// end fell inside the window says nothing more than when it is due.
func TestWaitWindowSaysWhenItMovedTheEnd(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name   string
		zone   string
		window journey.Window
		start  time.Time
		want   string
	}{
		{"thursday evening ends friday evening, moved to monday", "Europe/Berlin",
			journey.Window{Days: weekdays, From: "09:00", To: "17:00"},
			time.Date(2025, 3, 6, 18, 0, 0, 0, berlin), "moved into window Mon-Fri 09:00-17:00 Europe/Berlin"},
		{"monday 10:00 ends tuesday 10:00, inside the window", "Europe/Berlin",
			journey.Window{Days: weekdays, From: "09:00", To: "17:00"},
			time.Date(2025, 3, 3, 10, 0, 0, 0, berlin), ""},
		{"every day, in an account without a time zone", "",
			journey.Window{From: "08:30", To: "12:00"},
			time.Date(2025, 3, 3, 13, 0, 0, 0, time.UTC), "moved into window 08:30-12:00 UTC"},
		{"a weekend and a day apart", "Europe/Berlin",
			journey.Window{Days: []time.Weekday{time.Sunday, time.Wednesday, time.Saturday}, From: "10:00", To: "11:00"},
			time.Date(2025, 3, 3, 13, 0, 0, 0, berlin), "moved into window Wed, Sat, Sun 10:00-11:00 Europe/Berlin"},
		{"monday to wednesday and friday", "Europe/Berlin",
			journey.Window{Days: []time.Weekday{time.Friday, time.Monday, time.Tuesday, time.Wednesday}, From: "10:00", To: "11:00"},
			time.Date(2025, 3, 3, 13, 0, 0, 0, berlin), "moved into window Mon-Wed, Fri 10:00-11:00 Europe/Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tt.window
			j := linear("w", journey.Node{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "end", Window: &w}},
				end("end", ""))
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Account.TimeZone = tt.zone
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.start, Events: manual("w", tt.start)})
			waits := decisions(res.Trace, journey.DecisionWait)
			require.Len(t, waits, 1)
			require.Equal(t, tt.want, waits[0].Reason)
			require.True(t, res.Due.Equal(waits[0].Until), "the decision's until is the moved end")
		})
	}
}

// TestWaitWindowOverDSTChanges: on the day clocks skip an hour, a window
// opens at the first moment that exists at or after its start (the jump),
// a window wholly inside the skipped hour is not open that day, and the
// day a window is on is the calendar day, even where clocks skip midnight.
func TestWaitWindowOverDSTChanges(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York") // 2025-03-09 02:00 EST -> 03:00 EDT
	require.NoError(t, err)
	santiago, err := time.LoadLocation("America/Santiago") // 2025-09-07 00:00 -04 -> 01:00 -03
	require.NoError(t, err)
	tests := []struct {
		name   string
		zone   string
		window journey.Window
		start  time.Time
		wait   time.Duration
		want   time.Time
	}{
		// 24 hours are a calendar day: 10:00 the next day, 23 hours later.
		{"an ordinary window on the day clocks go forward", "America/New_York", journey.Window{From: "09:00", To: "17:00"},
			time.Date(2025, 3, 8, 10, 0, 0, 0, ny), 24 * time.Hour, time.Date(2025, 3, 9, 10, 0, 0, 0, ny)},
		{"a window that starts in the skipped hour opens at the jump", "America/New_York", journey.Window{From: "02:00", To: "04:00"},
			time.Date(2025, 3, 8, 5, 0, 0, 0, ny), 20 * time.Hour, time.Date(2025, 3, 9, 3, 0, 0, 0, ny)},
		{"a window inside the skipped hour is not open that day", "America/New_York", journey.Window{From: "02:15", To: "02:45"},
			time.Date(2025, 3, 8, 23, 0, 0, 0, ny), time.Hour, time.Date(2025, 3, 10, 2, 15, 0, 0, ny)},
		{"a Sunday window from midnight where clocks skip midnight", "America/Santiago",
			journey.Window{Days: []time.Weekday{time.Sunday}, From: "00:00", To: "06:00"},
			time.Date(2025, 9, 6, 20, 0, 0, 0, santiago), time.Hour, time.Date(2025, 9, 7, 1, 0, 0, 0, santiago)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tt.window
			j := linear("w", journey.Node{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(tt.wait), Next: "end", Window: &w}},
				end("end", ""))
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Account.TimeZone = tt.zone
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.start, Events: manual("w", tt.start)})
			require.True(t, tt.want.Equal(res.Due), "due %v, want %v", res.Due.In(tt.want.Location()), tt.want)
		})
	}
}

// TestWaitOfDaysKeepsTheClockTime: a wait of whole days ends at the
// clock time it began, that many calendar days later in the account's
// time zone, however long the days in between were; what is left of its
// duration after the whole days is elapsed time. A clock time that the
// arrival day skips is read with the offset before the change (an hour
// later on the clock), and one it shows twice is the first. In UTC and in
// a zone without daylight saving time, a day is 24 hours.
func TestWaitOfDaysKeepsTheClockTime(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York") // 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo") // no daylight saving time
	require.NoError(t, err)
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		loc     *time.Location
		byName  bool // the view names the zone (Account.TimeZone) instead of giving it (View.Location)
		start   time.Time
		wait    journey.Duration
		want    time.Time
		elapsed time.Duration
	}{
		// Berlin, clocks go forward.
		{"Berlin: 1d the day before clocks go forward", berlin, true,
			time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), journey.Days(1), time.Date(2026, 3, 29, 10, 0, 0, 0, berlin), 23 * time.Hour},
		{"Berlin: 7d the day before clocks go forward", berlin, true,
			time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), journey.Days(7), time.Date(2026, 4, 4, 10, 0, 0, 0, berlin), days(7) - time.Hour},
		{"Berlin: 1d ending in the skipped hour ends an hour later on the clock", berlin, true,
			time.Date(2026, 3, 28, 2, 30, 0, 0, berlin), journey.Days(1), utc(2026, 3, 29, 1, 30), 24 * time.Hour}, // 03:30 CEST
		{"Berlin: 1d entered as the clocks jump", berlin, true,
			utc(2026, 3, 29, 1, 0), journey.Days(1), time.Date(2026, 3, 30, 3, 0, 0, 0, berlin), 24 * time.Hour},
		{"Berlin: 1d entered the day clocks go forward, before the jump", berlin, true,
			time.Date(2026, 3, 29, 1, 30, 0, 0, berlin), journey.Days(1), time.Date(2026, 3, 30, 1, 30, 0, 0, berlin), 23 * time.Hour},
		{"Berlin: 1d12h: a calendar day, then 12 hours", berlin, true,
			time.Date(2026, 3, 28, 10, 0, 0, 0, berlin), journey.Days(1) + journey.Duration(12*time.Hour), time.Date(2026, 3, 29, 22, 0, 0, 0, berlin), 35 * time.Hour},
		{"Berlin: 12h stay 12 hours", berlin, true,
			time.Date(2026, 3, 28, 20, 0, 0, 0, berlin), journey.Duration(12 * time.Hour), time.Date(2026, 3, 29, 9, 0, 0, 0, berlin), 12 * time.Hour},
		// Berlin, clocks go back.
		{"Berlin: 1d the day before clocks go back", berlin, true,
			time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), journey.Days(1), time.Date(2026, 10, 25, 10, 0, 0, 0, berlin), 25 * time.Hour},
		{"Berlin: 7d the day before clocks go back", berlin, true,
			time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), journey.Days(7), time.Date(2026, 10, 31, 10, 0, 0, 0, berlin), days(7) + time.Hour},
		{"Berlin: 1d ending in the repeated hour ends at its first 02:30", berlin, true,
			time.Date(2026, 10, 24, 2, 30, 0, 0, berlin), journey.Days(1), utc(2026, 10, 25, 0, 30), 24 * time.Hour}, // 02:30 CEST
		{"Berlin: 1d entered at the first 02:30 of the repeated hour", berlin, true,
			utc(2026, 10, 25, 0, 30), journey.Days(1), time.Date(2026, 10, 26, 2, 30, 0, 0, berlin), 25 * time.Hour},
		{"Berlin: 1d entered at the second 02:30 of the repeated hour", berlin, true,
			utc(2026, 10, 25, 1, 30), journey.Days(1), time.Date(2026, 10, 26, 2, 30, 0, 0, berlin), 24 * time.Hour},
		{"Berlin: 24h count as a day", berlin, true,
			time.Date(2026, 10, 24, 10, 0, 0, 0, berlin), journey.Duration(24 * time.Hour), time.Date(2026, 10, 25, 10, 0, 0, 0, berlin), 25 * time.Hour},
		// New York, clocks go forward.
		{"New York: 1d the day before clocks go forward", ny, false,
			time.Date(2026, 3, 7, 9, 0, 0, 0, ny), journey.Days(1), time.Date(2026, 3, 8, 9, 0, 0, 0, ny), 23 * time.Hour},
		{"New York: 7d the day before clocks go forward", ny, false,
			time.Date(2026, 3, 7, 9, 0, 0, 0, ny), journey.Days(7), time.Date(2026, 3, 14, 9, 0, 0, 0, ny), days(7) - time.Hour},
		{"New York: 1d ending in the skipped hour ends an hour later on the clock", ny, false,
			time.Date(2026, 3, 7, 2, 30, 0, 0, ny), journey.Days(1), utc(2026, 3, 8, 7, 30), 24 * time.Hour}, // 03:30 EDT
		{"New York: 7d ending in the skipped hour", ny, false,
			time.Date(2026, 3, 1, 2, 30, 0, 0, ny), journey.Days(7), utc(2026, 3, 8, 7, 30), days(7)}, // 03:30 EDT
		{"New York: 1d entered as the clocks jump", ny, false,
			utc(2026, 3, 8, 7, 0), journey.Days(1), time.Date(2026, 3, 9, 3, 0, 0, 0, ny), 24 * time.Hour},
		// New York, clocks go back.
		{"New York: 1d the day before clocks go back", ny, false,
			time.Date(2026, 10, 31, 9, 0, 0, 0, ny), journey.Days(1), time.Date(2026, 11, 1, 9, 0, 0, 0, ny), 25 * time.Hour},
		{"New York: 7d the day before clocks go back", ny, false,
			time.Date(2026, 10, 31, 9, 0, 0, 0, ny), journey.Days(7), time.Date(2026, 11, 7, 9, 0, 0, 0, ny), days(7) + time.Hour},
		{"New York: 1d ending in the repeated hour ends at its first 01:30", ny, false,
			time.Date(2026, 10, 31, 1, 30, 0, 0, ny), journey.Days(1), utc(2026, 11, 1, 5, 30), 24 * time.Hour}, // 01:30 EDT
		{"New York: 1d entered at the second 01:30 of the repeated hour", ny, false,
			utc(2026, 11, 1, 6, 30), journey.Days(1), time.Date(2026, 11, 2, 1, 30, 0, 0, ny), 24 * time.Hour},
		// No daylight saving time: a day is 24 hours.
		{"UTC: 1d", time.UTC, false, utc(2026, 3, 28, 10, 0), journey.Days(1), utc(2026, 3, 29, 10, 0), 24 * time.Hour},
		{"UTC: 7d", time.UTC, false, utc(2026, 10, 24, 10, 0), journey.Days(7), utc(2026, 10, 31, 10, 0), days(7)},
		{"UTC: 1d12h", time.UTC, false, utc(2026, 3, 7, 9, 0), journey.Days(1) + journey.Duration(12*time.Hour), utc(2026, 3, 8, 21, 0), 36 * time.Hour},
		{"UTC, named by the account", time.UTC, true, utc(2026, 3, 7, 2, 30), journey.Days(1), utc(2026, 3, 8, 2, 30), 24 * time.Hour},
		{"Tokyo: 7d", tokyo, true, time.Date(2026, 3, 28, 10, 0, 0, 0, tokyo), journey.Days(7), time.Date(2026, 4, 4, 10, 0, 0, 0, tokyo), days(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, linear("w", wait("wait", tt.wait, "mail"), email("mail", "hello", "end", nil), end("end", "")))
			view := acmeView()
			if tt.byName {
				view.Account.TimeZone = tt.loc.String()
			} else {
				view.Location = tt.loc
			}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.start, Events: manual("w", tt.start)})
			require.True(t, tt.want.Equal(res.Due), "due %v, want %v", res.Due.In(tt.loc), tt.want.In(tt.loc))
			require.Equal(t, tt.elapsed, res.Due.Sub(tt.start))
			waits := decisions(res.Trace, journey.DecisionWait)
			require.Len(t, waits, 1)
			require.True(t, tt.want.Equal(waits[0].Until), "until %v", waits[0].Until)
			// A step that runs a day late sends the message at the end of the wait.
			res = cat.Step(&st, journey.Input{View: view, Now: tt.want.Add(days(1))})
			mails := ofType(res.Outbox, journey.ActionEmail)
			require.NotEmpty(t, mails)
			for _, m := range mails {
				require.True(t, tt.want.Equal(m.At), "sent %v", m.At.In(tt.loc))
			}
		})
	}
}

// TestListenTimeoutOfDaysKeepsTheClockTime: a listen's timeout of whole
// days ends as a wait of them does, at the clock time it began; an event
// dated after it is not heard. An external call's deadline stays elapsed
// time: a host's call is given that many hours.
func TestListenTimeoutOfDaysKeepsTheClockTime(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST
	require.NoError(t, err)
	start := time.Date(2026, 3, 28, 10, 0, 0, 0, berlin)
	timeout := time.Date(2026, 3, 29, 10, 0, 0, 0, berlin) // 23 hours later
	j := linear("listen",
		journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
			Events: []journey.EventMatch{{Type: journey.EventStageChanged}}, Timeout: journey.Days(1), Next: "heard", OnTimeout: "silence"}},
		end("heard", "heard"), end("silence", "silence"))
	x := linear("ext",
		journey.Node{ID: "crm", Kind: journey.KindExternal, External: &journey.External{Call: "crm.create_task",
			Timeout: journey.Days(1), OnSuccess: "ok", OnError: "failed", OnTimeout: "late"}},
		end("ok", "ok"), end("failed", "failed"), end("late", "late"))
	cat := newCatalog(t, journey.Config{}, j, x)
	tests := []struct {
		name    string
		event   time.Time
		outcome string
		at      time.Time
	}{
		{"an event at the timeout is heard", timeout, "heard", timeout},
		{"an event 23.5 hours later, after the timeout, is not", start.Add(23*time.Hour + 30*time.Minute), "silence", timeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := acmeView()
			view.Account.TimeZone = "Europe/Berlin"
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: start, Events: manual("listen", start)})
			require.True(t, timeout.Equal(res.Due), "due %v", res.Due.In(berlin))
			res = cat.Step(&st, journey.Input{View: view, Now: tt.event, Events: []journey.Event{{Type: journey.EventStageChanged, At: tt.event}}})
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.outcome, res.Ended[0].Outcome)
			require.True(t, tt.at.Equal(res.Ended[0].At), "ended %v", res.Ended[0].At.In(berlin))
		})
	}
	t.Run("an external call's deadline is elapsed time", func(t *testing.T) {
		view := acmeView()
		view.Account.TimeZone = "Europe/Berlin"
		var st journey.State
		res := cat.Step(&st, journey.Input{View: view, Now: start, Events: manual("ext", start)})
		calls := ofType(res.Outbox, journey.ActionExternal)
		require.Len(t, calls, 1)
		require.True(t, start.Add(24*time.Hour).Equal(calls[0].Deadline), "deadline %v", calls[0].Deadline.In(berlin))
	})
}

// TestWeeklyWaitOverDSTAndAWeeklyCap: a cap's days are calendar days, as
// a wait's are: a journey that mails weekly under a cap of one email per
// 7d sends every week at the clock time of the last, also in the week
// over the start of summer time (167 hours) and over its end (169 hours).
func TestWeeklyWaitOverDSTAndAWeeklyCap(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET
	require.NoError(t, err)
	cfg := journey.Config{Caps: []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7), Policy: journey.CapDefer}}}
	cat := newCatalog(t, cfg, linear("w", email("first", "first", "wait", nil), wait("wait", journey.Days(7), "second"),
		email("second", "second", "end", nil), end("end", "")))
	tests := []struct {
		name        string
		start, week time.Time
	}{
		{"over the start of summer time", time.Date(2026, 3, 26, 10, 0, 0, 0, berlin), time.Date(2026, 4, 2, 10, 0, 0, 0, berlin)},
		{"over the end of summer time", time.Date(2026, 10, 22, 10, 0, 0, 0, berlin), time.Date(2026, 10, 29, 10, 0, 0, 0, berlin)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			view.Location = berlin
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.start, Events: manual("w", tt.start)})
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), 3)
			require.True(t, tt.week.Equal(res.Due), "due %v", res.Due.In(berlin))
			res = cat.Step(&st, journey.Input{View: view, Now: tt.week})
			require.Empty(t, decisions(res.Trace, journey.DecisionDefer))
			sent := ofType(res.Outbox, journey.ActionEmail)
			require.Len(t, sent, 3)
			for _, m := range sent {
				require.True(t, tt.week.Equal(m.At), "sent %v", m.At.In(berlin))
			}
		})
	}
}

// TestCapOfDaysCountsCalendarDays: a cap's period of whole days counts
// days on the calendar of the account whose step checks it, as a wait
// does: at 10:00, "1 email per 7d" counts the emails since 10:00 seven
// days before on the clock, however long those days were, and an email
// it defers goes out at the clock time of the one it waits for, a week
// later. An email in an hour the clocks repeat counts until that clock
// time a week later: the first of the hour's, as a wait from it ends then
// (never before the step that checks it). The emails come from another
// account (Input.Contacts): their times are read in the zone of the step.
// In UTC and in a zone that keeps its offset, a day is 24 hours.
func TestCapOfDaysCountsCalendarDays(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York") // 2026-03-08 02:00 EST -> 03:00 EDT
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	cfg := journey.Config{Caps: []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7), Policy: journey.CapDefer}}}
	cat := newCatalog(t, cfg, linear("w", email("mail", "hello", "end", nil), end("end", "")))
	tests := []struct {
		name     string
		loc      *time.Location
		last, at time.Time // the last email (another account's), the step that sends the next
		want     time.Time // when the next goes out
		byName   bool      // the view names the zone (Account.TimeZone) instead of giving it (View.Location)
	}{
		{"Berlin: 7 days over the start of summer time (167 hours) are past", berlin,
			time.Date(2026, 3, 26, 10, 0, 0, 0, berlin), time.Date(2026, 4, 2, 10, 0, 0, 0, berlin), time.Date(2026, 4, 2, 10, 0, 0, 0, berlin), true},
		{"Berlin: 7 days over its end (169 hours) are not past after 168", berlin,
			time.Date(2026, 10, 22, 10, 0, 0, 0, berlin), time.Date(2026, 10, 29, 9, 30, 0, 0, berlin), time.Date(2026, 10, 29, 10, 0, 0, 0, berlin), false},
		{"Berlin: an email of the first 02:45 no longer counts at the second 02:30 a week later", berlin,
			time.Date(2026, 10, 18, 2, 45, 0, 0, berlin), utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 1, 30), false},
		{"Berlin: an email of the second 02:30 counts until 02:30 a week later", berlin,
			utc(2026, 10, 25, 1, 30), time.Date(2026, 11, 1, 2, 15, 0, 0, berlin), time.Date(2026, 11, 1, 2, 30, 0, 0, berlin), false},
		{"Berlin: an email of the second 02:30 a week before no longer counts at 02:30", berlin,
			utc(2026, 10, 25, 1, 30), time.Date(2026, 11, 1, 2, 30, 0, 0, berlin), time.Date(2026, 11, 1, 2, 30, 0, 0, berlin), false},
		{"New York: 7 days over the start of summer time are past", ny,
			time.Date(2026, 3, 7, 9, 0, 0, 0, ny), time.Date(2026, 3, 14, 9, 0, 0, 0, ny), time.Date(2026, 3, 14, 9, 0, 0, 0, ny), false},
		{"New York: an email deferred over the start of summer time goes at the clock time", ny,
			time.Date(2026, 3, 7, 9, 0, 0, 0, ny), time.Date(2026, 3, 14, 8, 0, 0, 0, ny), time.Date(2026, 3, 14, 9, 0, 0, 0, ny), true},
		{"UTC: 7 times 24 hours", time.UTC, utc(2026, 10, 22, 10, 0), utc(2026, 10, 29, 9, 30), utc(2026, 10, 29, 10, 0), true},
		{"Tokyo: 7 times 24 hours", tokyo,
			time.Date(2026, 10, 22, 10, 0, 0, 0, tokyo), time.Date(2026, 10, 29, 9, 30, 0, 0, tokyo), time.Date(2026, 10, 29, 10, 0, 0, 0, tokyo), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			if tt.byName {
				view.Account.TimeZone = tt.loc.String()
			} else {
				view.Location = tt.loc
			}
			var contacts []journey.Contact
			for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
				contacts = append(contacts, journey.Contact{Person: p, Channel: b2b.ChannelEmail, Journey: "elsewhere", At: tt.last})
			}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: tt.at, Events: manual("w", tt.at), Contacts: contacts})
			if !tt.want.Equal(tt.at) {
				require.Empty(t, res.Outbox)
				deferred := decisions(res.Trace, journey.DecisionDefer)
				require.Len(t, deferred, 3)
				require.True(t, tt.want.Equal(res.Due), "deferred to %v", res.Due.In(tt.loc))
				res = cat.Step(&st, journey.Input{View: view, Now: tt.want, Contacts: contacts})
			}
			require.Empty(t, decisions(res.Trace, journey.DecisionDefer))
			sent := ofType(res.Outbox, journey.ActionEmail)
			require.Len(t, sent, 3)
			for _, m := range sent {
				require.True(t, tt.want.Equal(m.At), "sent %v", m.At.In(tt.loc))
			}
		})
	}
}

// TestCapMaxDeferCountsCalendarDays: a cap's MaxDefer of whole days
// counts calendar days from the message it defers: "1d" at 23:00 the day
// before clocks go forward ends at 23:00 the next day, 23 hours later, and
// a message free only after that is skipped.
func TestCapMaxDeferCountsCalendarDays(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST
	require.NoError(t, err)
	// 23 and a half hours: elapsed time, under a day.
	per := journey.Duration(23*time.Hour + 30*time.Minute)
	at := time.Date(2026, 3, 28, 23, 0, 0, 0, berlin)
	last := time.Date(2026, 3, 28, 22, 45, 0, 0, berlin) // free at 2026-03-29 23:15 CEST, 23.5 hours later
	tests := []struct {
		name     string
		maxDefer journey.Duration
		skipped  bool
	}{
		{"a day ends at 23:00", journey.Days(1), true},
		{"a day and an hour end at 2026-03-30 00:00", journey.Days(1) + journey.Duration(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := journey.Config{Caps: []journey.Cap{{Name: "daily", Channel: b2b.ChannelEmail, Max: 1, Per: per, Policy: journey.CapDefer, MaxDefer: tt.maxDefer}}}
			cat := newCatalog(t, cfg, linear("w", email("mail", "hello", "end", nil), end("end", "")))
			view := acmeView()
			view.Location = berlin
			contacts := []journey.Contact{{Person: "p-cfo", Channel: b2b.ChannelEmail, Journey: "elsewhere", At: last}}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: at, Events: manual("w", at), Contacts: contacts})
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), 2)
			if tt.skipped {
				require.Len(t, decisions(res.Trace, journey.DecisionSkip), 1)
				require.Empty(t, st.Deferred)
				return
			}
			require.Len(t, decisions(res.Trace, journey.DecisionDefer), 1)
			require.Len(t, st.Deferred, 1)
			require.True(t, last.Add(time.Duration(per)).Equal(st.Deferred[0].Due), "deferred to %v", st.Deferred[0].Due.In(berlin))
		})
	}
}

// TestContactsKeptForACalendarWeek: a step forgets the emails the caps
// can no longer count, and with a cap of 7d in a zone with summer time
// keeps them longer than 7 times 24 hours: a week over the end of summer
// time is 169 hours, and an email at 09:30 a week later on the clock is
// deferred to the clock time of the last, though a step in between ran
// 168 hours after it.
func TestContactsKeptForACalendarWeek(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-10-25 03:00 CEST -> 02:00 CET
	require.NoError(t, err)
	cfg := journey.Config{Caps: []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7), Policy: journey.CapDefer}}}
	cat := newCatalog(t, cfg, linear("first", email("mail", "hello", "end", nil), end("end", "")),
		linear("second", email("mail", "again", "end", nil), end("end", "")))
	view := acmeView()
	view.Location = berlin
	start := time.Date(2026, 10, 22, 10, 0, 0, 0, berlin)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: start, Events: manual("first", start)})
	require.Len(t, ofType(res.Outbox, journey.ActionEmail), 3)
	between := start.Add(days(7) + 10*time.Minute)
	view.Revision++
	res = cat.Step(&st, journey.Input{View: view, Now: between})
	require.False(t, res.Idle)
	require.Len(t, st.Contacts, 3)
	at := time.Date(2026, 10, 29, 9, 30, 0, 0, berlin)
	res = cat.Step(&st, journey.Input{View: view, Now: at, Events: manual("second", at)})
	require.Empty(t, res.Outbox)
	require.Len(t, decisions(res.Trace, journey.DecisionDefer), 3)
	require.True(t, time.Date(2026, 10, 29, 10, 0, 0, 0, berlin).Equal(res.Due), "deferred to %v", res.Due.In(berlin))
	// A week and a day on, they are forgotten.
	view.Revision++
	cat.Step(&st, journey.Input{View: view, Now: start.Add(days(8) + time.Hour)})
	require.Len(t, st.Contacts, 3) // the three sent at 10:00 on 2026-10-29
	for _, c := range st.Contacts {
		require.Equal(t, "second", c.Journey)
	}
}

func TestWaitUntilDate(t *testing.T) {
	t.Parallel()
	until := day0.Add(days(10))
	j := linear("u", journey.Node{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{Until: until, Next: "end"}}, end("end", "done"))
	cat := newCatalog(t, journey.Config{}, j)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("u", day0)})
	require.Equal(t, until, res.Due)
	res = cat.Step(&st, journey.Input{View: acmeView(), Now: until.Add(-time.Minute)})
	require.True(t, res.Idle)
	res = cat.Step(&st, journey.Input{View: acmeView(), Now: until})
	require.Len(t, res.Ended, 1)
	// entered after the date: the wait is already over
	st = journey.State{}
	res = cat.Step(&st, journey.Input{View: acmeView(), Now: until.Add(days(1)), Events: manual("u", until)})
	require.Len(t, res.Ended, 1)
	require.Equal(t, "wait already over", decisions(res.Trace, journey.DecisionWait)[0].Reason)
}

func listenJourney() journey.Journey {
	return linear("listen",
		journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
			Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, When: `event.activityType == "request_demo" && event.at >= journey.enteredAt`}, {Type: journey.EventStageChanged}},
			Timeout: journey.Days(7), Next: "heard", OnTimeout: "silence"}},
		end("heard", "heard"), end("silence", "silence"))
}

func TestListen(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, listenJourney())
	tests := []struct {
		name    string
		events  []journey.Event
		at      time.Time
		outcome string
	}{
		{"a matching activity", []journey.Event{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, Person: "p-vpe", At: day0.Add(days(2))}}, day0.Add(days(2)), "heard"},
		{"a stage change", []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(days(1))}}, day0.Add(days(1)), "heard"},
		{"another activity type is ignored", []journey.Event{{Type: journey.EventActivity, ActivityType: b2b.ActivityOpenEmail, Person: "p-vpe", At: day0.Add(days(2))}}, day0.Add(days(7)), "silence"},
		{"the condition must hold", []journey.Event{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, At: day0.Add(-days(2))}}, day0.Add(days(7)), "silence"},
		{"an event at the timeout is in time", []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(days(7))}}, day0.Add(days(7)), "heard"},
		// the late step ends the instance at the timeout, as the step then would have
		{"an event after the timeout, in a late step, is not", []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(days(9))}}, day0.Add(days(7)), "silence"},
		{"an event from before the node listened, reported late, is not", []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(-days(1))}}, day0.Add(days(7)), "silence"},
		{"an event at the moment the node began listening is", []journey.Event{{Type: journey.EventStageChanged, At: day0}}, day0, "heard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st journey.State
			view := acmeView()
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("listen", day0)})
			require.Equal(t, day0.Add(days(7)), res.Due)
			res = cat.Step(&st, journey.Input{View: view, Now: tt.events[0].At, Events: tt.events})
			if len(res.Ended) == 0 {
				res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
			}
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.outcome, res.Ended[0].Outcome)
			require.Equal(t, tt.at, res.Ended[0].At)
		})
	}
}

func TestExternal(t *testing.T) {
	t.Parallel()
	j := linear("ext",
		journey.Node{ID: "crm", Kind: journey.KindExternal, External: &journey.External{Call: "crm.create_task", Params: map[string]string{"subject": "call"},
			Timeout: journey.Days(2), OnSuccess: "ok", OnError: "failed", OnTimeout: "late"}},
		end("ok", "ok"), end("failed", "failed"), end("late", "late"))
	cat := newCatalog(t, journey.Config{}, j)
	for _, tt := range []struct {
		name    string
		answer  string // "" for no answer
		after   time.Duration
		outcome string
	}{
		{"success", "success", time.Hour, "ok"},
		{"error", "error", time.Hour, "failed"},
		{"timeout", "", 0, "late"},
		{"success after the deadline, in a late step", "success", days(3), "late"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var st journey.State
			view := acmeView()
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("ext", day0)})
			calls := ofType(res.Outbox, journey.ActionExternal)
			require.Len(t, calls, 1)
			require.Equal(t, "crm.create_task", calls[0].Call)
			require.Equal(t, day0.Add(days(2)), calls[0].Deadline)
			at := day0.Add(tt.after)
			if tt.answer == "" {
				at = res.Due
				res = cat.Step(&st, journey.Input{View: view, Now: at})
			} else {
				// an answer with another key is not ours
				res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(time.Hour), Events: []journey.Event{{Type: journey.EventExternalResult, Key: "other", Outcome: "success", At: day0.Add(time.Hour)}}})
				require.Empty(t, res.Ended)
				res = cat.Step(&st, journey.Input{View: view, Now: at, Events: []journey.Event{{Type: journey.EventExternalResult, Key: calls[0].Key, Outcome: tt.answer, At: at}}})
			}
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.outcome, res.Ended[0].Outcome)
		})
	}
}

func TestSplits(t *testing.T) {
	t.Parallel()
	j := linear("splits",
		journey.Node{ID: "tier", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
			{Name: "high", When: `group.readinessTier == "high"`, Next: "high"},
			{Name: "committee", RoleAtLeast: &journey.RoleCount{Role: "Decision Maker", Count: 3}, Next: "committee"},
			{Name: "stage", When: `group.stage in ["Decision", "Consideration"] && attr(account.attributes, "intent", "") == "surging"`, Next: "nested"},
		}, Else: "low"}},
		journey.Node{ID: "nested", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
			{Name: "complete", When: `group.completeness >= 0.9`, Next: "complete"}}, Else: "incomplete"}},
		end("high", "high"), end("committee", "committee"), end("complete", "complete"), end("incomplete", "incomplete"), end("low", "low"))
	cat := newCatalog(t, journey.Config{}, j)
	tests := []struct {
		name string
		edit func(v *journey.AccountView)
		want string
	}{
		{"readiness tier", func(v *journey.AccountView) { v.Groups[0].ReadinessTier = "high" }, "high"},
		{"three decision makers", func(v *journey.AccountView) {
			for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-mc"} {
				v.Groups[0].Members = append(v.Groups[0].Members, journey.Member{Person: p, Role: "Decision Maker"})
			}
		}, "committee"},
		{"two decision makers are not enough", func(v *journey.AccountView) {
			for _, p := range []b2b.PersonID{"p-cfo", "p-vpe"} {
				v.Groups[0].Members = append(v.Groups[0].Members, journey.Member{Person: p, Role: "Decision Maker"})
			}
		}, "low"},
		{"nested split, first path", func(v *journey.AccountView) {
			v.Groups[0].Stage, v.Groups[0].Completeness = "Decision", 1
			v.Account.Attributes = map[string]any{"intent": "surging"}
		}, "complete"},
		{"nested split, else", func(v *journey.AccountView) {
			v.Groups[0].Stage = "Decision"
			v.Account.Attributes = map[string]any{"intent": "surging"}
		}, "incomplete"},
		{"no group at all", func(v *journey.AccountView) { v.Groups = nil }, "low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := acmeView()
			tt.edit(view)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("splits", day0)})
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.want, res.Ended[0].Outcome)
			paths := decisions(res.Trace, journey.DecisionPath)
			require.NotEmpty(t, paths)
			require.NotEmpty(t, paths[len(paths)-1].Reason)
		})
	}
}

func TestSplitTraceShowsValues(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	view.Groups[0].Score = 80
	var st journey.State
	cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("pipeline-acceleration", day0)})
	res := cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(5))})
	paths := decisions(res.Trace, journey.DecisionPath)
	require.Equal(t, `2025-03-08 09:00 path pipeline-acceleration [ready?] path=else -> nurture: no path held: `+
		`"engaged" (group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.67, group.score=80`, paths[0].String())
	view.Groups[0].Score = 200
	view.Revision++
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(12))})
	paths = decisions(res.Trace, journey.DecisionPath)
	want := journey.Decision{At: day0.Add(days(12)), Kind: journey.DecisionPath, Journey: "pipeline-acceleration", Version: 1, Entry: 1,
		Node: "ready?", Path: "engaged", Next: "alert", Rule: "ready? engaged", Expr: "group.completeness >= 0.6 && group.score >= 150",
		Values: []journey.Value{{Name: "group.completeness", Value: "0.6666666666666666"}, {Name: "group.score", Value: "200"}},
		Reason: "group.completeness >= 0.6 && group.score >= 150"}
	require.Empty(t, cmp.Diff(want, paths[0]))
}

// TestSplitElseExplainsTriedPaths checks that the else path of a split
// says why no path held: each path in definition order, with its rule and
// the values it read, in the reason and in Tried.
func TestSplitElseExplainsTriedPaths(t *testing.T) {
	t.Parallel()
	j := linear("splits",
		journey.Node{ID: "tier", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
			{Name: "high", When: `group.readinessTier == "high"`, Next: "high"},
			{Name: "committee", RoleAtLeast: &journey.RoleCount{Role: "Decision Maker", Count: 3}, Next: "committee"},
			{Name: "backed", RoleAtLeast: &journey.RoleCount{Role: "Economic Buyer", Count: 1}, When: `group.score >= 100`, Next: "committee"},
			{Name: "huge", When: `len(0..1000000) > 10`, Next: "high"}, // more than expr's memory budget
		}, Else: "low"}},
		end("high", "high"), end("committee", "committee"), end("low", "low"))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Groups[0].Score = 42
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("splits", day0)})
	require.Equal(t, "low", res.Ended[0].Outcome)
	paths := decisions(res.Trace, journey.DecisionPath)
	require.Len(t, paths, 1)
	want := journey.Decision{At: day0, Kind: journey.DecisionPath, Journey: "splits", Version: 1, Entry: 1,
		Node: "tier", Path: "else", Next: "low",
		Reason: `no path held: "high" (group.readinessTier == "high") with group.readinessTier=""; ` +
			`"committee" (at least 3 Decision Maker) with count(Decision Maker)=0; ` +
			`"backed" (at least 1 Economic Buyer; group.score >= 100) with count(Economic Buyer)=1, group.score=42; ` +
			`"huge" (len(0..1000000) > 10)`,
		Tried: []journey.TriedPath{
			{Path: "high", Rule: "tier high", Expr: `group.readinessTier == "high"`,
				Values: []journey.Value{{Name: "group.readinessTier", Value: `""`}}},
			{Path: "committee", Reason: "at least 3 Decision Maker",
				Values: []journey.Value{{Name: "count(Decision Maker)", Value: "0"}}},
			{Path: "backed", Reason: "at least 1 Economic Buyer", Rule: "tier backed", Expr: "group.score >= 100",
				Values: []journey.Value{{Name: "count(Economic Buyer)", Value: "1"}, {Name: "group.score", Value: "42"}}},
			{Path: "huge", Rule: "tier huge", Expr: `len(0..1000000) > 10`},
		}}
	if diff := cmp.Diff(want, paths[0]); diff != "" {
		t.Errorf("else decision (-want +got):\n%s", diff)
	}
	require.Len(t, decisions(res.Trace, journey.DecisionRuleError), 1, "the failing rule is traced on its own too")
}

func TestRuleErrorIsTreatedAsFalse(t *testing.T) {
	t.Parallel()
	j := linear("err",
		journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
			{Name: "indexed", When: `len(0..1000000) > 10`, Next: "yes"}}, Else: "no"}},
		end("yes", "yes"), end("no", "no"))
	cat := newCatalog(t, journey.Config{}, j)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("err", day0)})
	require.Equal(t, "no", res.Ended[0].Outcome)
	errs := decisions(res.Trace, journey.DecisionRuleError)
	require.Len(t, errs, 1)
	require.Contains(t, errs[0].Reason, "treated as false")
}

func TestPeopleSplit(t *testing.T) {
	t.Parallel()
	j := linear("people",
		journey.Node{ID: "content", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Paths: []journey.PeoplePath{
				{Name: "technical", Match: &journey.Recipients{Roles: []string{"Technical Evaluator", "End User"}},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "architecture-guide"}}},
				{Name: "roi", Match: &journey.Recipients{Roles: []string{"Economic Buyer"}, When: `person.title != ""`},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "roi-calculator"}, {Type: journey.ActionAdjustScore, Target: "person", Delta: 5}}},
			},
			Next: "end"}},
		end("end", "done"))
	cat := newCatalog(t, journey.Config{}, j)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("people", day0)})
	type sent struct {
		Person   b2b.PersonID
		Type     journey.ActionType
		Template string
	}
	var got []sent
	for _, e := range res.Outbox {
		got = append(got, sent{e.Person, e.Type, e.Template})
	}
	want := []sent{
		{"p-vpe", journey.ActionEmail, "architecture-guide"},
		{"p-de", journey.ActionEmail, "architecture-guide"},
		{"p-cfo", journey.ActionEmail, "roi-calculator"},
		{"p-cfo", journey.ActionAdjustScore, ""},
	}
	require.Empty(t, cmp.Diff(want, got))
	require.Len(t, res.Ended, 1, "the split merged back and reached the end")
}

// A person who holds two roles in the group matches a people split's path
// by either: Victor, Technical Evaluator and Champion, takes the champion
// path, whether it names the role or its condition reads it, and gets
// its message as Champion. He used to be taken with his first role only,
// and never matched a Champion path.
func TestPeopleSplitPersonWithTwoRoles(t *testing.T) {
	t.Parallel()
	champion := journey.Action{Type: journey.ActionEmail, Template: "champion-kit"}
	tests := []struct {
		name  string
		match *journey.Recipients
	}{
		{"by role", &journey.Recipients{Roles: []string{"Champion"}}},
		{"by condition", &journey.Recipients{When: `role == "Champion"`}},
		{"by role and condition", &journey.Recipients{Roles: []string{"Economic Buyer", "Champion"}, When: `role != "Economic Buyer"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := linear("people",
				journey.Node{ID: "content", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
					Paths: []journey.PeoplePath{{Name: "champion", Match: tt.match, Actions: []journey.Action{champion}}},
					Next:  "end"}},
				end("end", "done"))
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Groups[0].Members = append(view.Groups[0].Members, journey.Member{Person: "p-vpe", Role: "Champion"})
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("people", day0)})
			mails := ofType(res.Outbox, journey.ActionEmail)
			require.Len(t, mails, 1)
			require.Equal(t, b2b.PersonID("p-vpe"), mails[0].Person)
			require.Equal(t, "Champion", mails[0].Role)
			var paths []string
			for _, d := range decisions(res.Trace, journey.DecisionPath) {
				paths = append(paths, d.Path+": "+d.Reason)
			}
			require.Contains(t, paths, "champion: Victor Eng (Champion)")
		})
	}

	// Matching neither role, he is told both.
	j := linear("people",
		journey.Node{ID: "content", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Among: &journey.Recipients{Roles: []string{"Champion"}},
			Paths: []journey.PeoplePath{{Name: "buyer", Match: &journey.Recipients{Roles: []string{"Economic Buyer"}}, Actions: []journey.Action{champion}}},
			Next:  "end"}},
		end("end", "done"))
	view := acmeView()
	view.Groups[0].Members = append(view.Groups[0].Members, journey.Member{Person: "p-vpe", Role: "Champion"})
	var st journey.State
	res := newCatalog(t, journey.Config{}, j).Step(&st, journey.Input{View: view, Now: day0, Events: manual("people", day0)})
	paths := decisions(res.Trace, journey.DecisionPath)
	require.Len(t, paths, 1)
	require.Equal(t, `Victor Eng (Champion): no path held: "buyer" (roles Technical Evaluator and Champion, not one of Economic Buyer)`, paths[0].Reason)

	// A condition he meets in neither role: the values told are those
	// read in the role he is named by, not in the last role tried.
	j = linear("people",
		journey.Node{ID: "content", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Among: &journey.Recipients{Roles: []string{"Champion"}},
			Paths: []journey.PeoplePath{{Name: "buyer", Match: &journey.Recipients{When: `role == "Economic Buyer"`}, Actions: []journey.Action{champion}}},
			Next:  "end"}},
		end("end", "done"))
	st = journey.State{}
	res = newCatalog(t, journey.Config{}, j).Step(&st, journey.Input{View: view, Now: day0, Events: manual("people", day0)})
	paths = decisions(res.Trace, journey.DecisionPath)
	require.Len(t, paths, 1)
	require.Contains(t, paths[0].Reason, "Victor Eng (Champion): no path held")
	require.Contains(t, paths[0].Reason, `with role="Champion"`)
	require.NotContains(t, paths[0].Reason, "Technical Evaluator\"")
}

// TestPeopleSplitElseExplainsTriedPaths checks that a person on the else
// path of a people split is told why no path matched: a role that is not
// the path's, or the person condition with the values it read.
func TestPeopleSplitElseExplainsTriedPaths(t *testing.T) {
	t.Parallel()
	j := linear("people",
		journey.Node{ID: "content", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Paths: []journey.PeoplePath{
				{Name: "technical", Match: &journey.Recipients{Roles: []string{"Technical Evaluator", "End User"}},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "architecture-guide"}}},
				{Name: "engaged", Match: &journey.Recipients{When: `score >= 50`},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "roi-calculator"}}},
			},
			Next: "end"}},
		end("end", "done"))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	setScore(view, "p-cfo", 12)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("people", day0)})
	var got []journey.Decision
	for _, d := range decisions(res.Trace, journey.DecisionPath) {
		if d.Path == "else" {
			got = append(got, d)
		}
	}
	want := []journey.Decision{{At: day0, Kind: journey.DecisionPath, Journey: "people", Version: 1, Entry: 1,
		Node: "content", Path: "else", Person: "p-cfo",
		Reason: `Carla Finn (Economic Buyer): no path held: "technical" (role Economic Buyer, not one of Technical Evaluator, End User); ` +
			`"engaged" (score >= 50) with score=12`,
		Tried: []journey.TriedPath{
			{Path: "technical", Reason: "role Economic Buyer, not one of Technical Evaluator, End User"},
			{Path: "engaged", Rule: "content engaged", Expr: "score >= 50", Values: []journey.Value{{Name: "score", Value: "12"}}},
		}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("else decisions (-want +got):\n%s", diff)
	}
}

func TestVariantsAreStable(t *testing.T) {
	t.Parallel()
	j := linear("ab",
		journey.Node{ID: "ab", Kind: journey.KindVariant, Variant: &journey.Variant{Paths: []journey.VariantPath{
			{Name: "A", Percent: 30, Next: "a"}, {Name: "B", Percent: 70, Next: "b"}}}},
		end("a", "A"), end("b", "B"))
	cat := newCatalog(t, journey.Config{}, j)
	counts := map[string]int{}
	first := map[b2b.AccountID]string{}
	for rerun := 0; rerun < 2; rerun++ {
		for i := 0; i < 1000; i++ {
			view := acmeView()
			view.Account.ID = b2b.AccountID("acct-" + itoa(i))
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("ab", day0)})
			out := res.Ended[0].Outcome
			if rerun == 0 {
				counts[out]++
				first[view.Account.ID] = out
			} else {
				require.Equal(t, first[view.Account.ID], out, "same account, same variant")
			}
		}
	}
	require.InDelta(t, 300, counts["A"], 60)
	require.InDelta(t, 700, counts["B"], 60)
}

func TestPeopleVariant(t *testing.T) {
	t.Parallel()
	j := linear("pab",
		journey.Node{ID: "subject-test", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
			Paths: []journey.PeoplePath{
				{Name: "A", Percent: 50, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "subject-a"}}},
				{Name: "B", Percent: 50, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "subject-b"}}},
			}, Next: "end"}},
		end("end", ""))
	cat := newCatalog(t, journey.Config{}, j)
	run := func() map[b2b.PersonID]string {
		var st journey.State
		res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("pab", day0)})
		m := map[b2b.PersonID]string{}
		for _, e := range res.Outbox {
			m[e.Person] = e.Template
		}
		return m
	}
	a, b := run(), run()
	require.Len(t, a, 3, "each member gets exactly one variant")
	require.Equal(t, a, b)
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestListenOfAnInterest: a listen node of an instance that addresses one
// solution interest's group hears an event about that group or about the
// account, not one about another interest's group, whether the event
// names the interest or only the group (a journey's set_attribute on a
// group).
func TestListenOfAnInterest(t *testing.T) {
	t.Parallel()
	j := linear("listen",
		journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
			Events:  []journey.EventMatch{{Type: journey.EventAttributeChanged}},
			Timeout: journey.Days(7), Next: "heard", OnTimeout: "silence"}},
		end("heard", "heard"), end("silence", "silence"))
	j.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}}
	cat := newCatalog(t, journey.Config{}, j)
	for _, tc := range []struct {
		name    string
		event   journey.Event
		outcome string
	}{
		{"about the account", journey.Event{Type: journey.EventAttributeChanged, Attribute: "account.tier"}, "heard"},
		{"naming the instance's group", journey.Event{Type: journey.EventAttributeChanged, Attribute: "group.tier", Group: "g-acme-dp"}, "heard"},
		{"naming the instance's interest", journey.Event{Type: journey.EventAttributeChanged, Attribute: "group.tier", SolutionInterest: "Data Platform"}, "heard"},
		{"naming another interest's group", journey.Event{Type: journey.EventAttributeChanged, Attribute: "group.tier", Group: "g-acme-sec"}, "silence"},
		{"naming another interest", journey.Event{Type: journey.EventAttributeChanged, Attribute: "group.tier", SolutionInterest: "Security"}, "silence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			view, st := enteredForDataPlatform(t, cat)
			ev := tc.event
			ev.At = day0.Add(days(1))
			res := cat.Step(&st, journey.Input{View: view, Now: ev.At, Events: []journey.Event{ev}})
			if len(res.Ended) == 0 {
				res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
			}
			require.Len(t, res.Ended, 1)
			require.Equal(t, tc.outcome, res.Ended[0].Outcome)
		})
	}
}

// TestReasonsDoNotRoundOntoTheConditionsNumbers: the reasons and traces of
// splits round a value a condition read for people, but not onto a number
// the condition compares with, or across one: a score of 49.996 that
// keeps an account out of "group.score >= 50" reads 49.996, not 50, on
// the else path, on the path it took, in the reason a sales alert gets
// and for a person of a people split. A value away from the condition's
// numbers keeps its two decimals.
func TestReasonsDoNotRoundOntoTheConditionsNumbers(t *testing.T) {
	t.Parallel()
	split := func(when string) journey.Journey {
		return linear("s",
			journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{Name: "p", When: when, Next: "w"}}, Else: "w"}},
			wait("w", journey.Days(1), "end"),
			end("end", "done"))
	}
	tests := []struct {
		name        string
		j           journey.Journey
		edit        func(*journey.AccountView)
		trace       string // the split's decision, as String writes it
		trackReason string // the reason a sales alert would get
	}{
		{"else below the threshold", split("group.score >= 50"),
			func(v *journey.AccountView) { v.Groups[0].Score = 49.996 },
			`2025-03-03 09:00 path s [s] path=else -> w: no path held: "p" (group.score >= 50) with group.score=49.996`,
			`no path of s held: "p" (group.score >= 50) with group.score=49.996`},
		{"path held below the threshold", split("group.score < 50"),
			func(v *journey.AccountView) { v.Groups[0].Score = 49.996 },
			`2025-03-03 09:00 path s [s] path=p -> w rule "s p" (group.score < 50) with group.score=49.996: group.score < 50`,
			`s took path "p" (rule "s p": group.score < 50) with group.score=49.996`},
		{"negative threshold", split("group.score <= -50"),
			func(v *journey.AccountView) { v.Groups[0].Score = -49.996 },
			`2025-03-03 09:00 path s [s] path=else -> w: no path held: "p" (group.score <= -50) with group.score=-49.996`,
			`no path of s held: "p" (group.score <= -50) with group.score=-49.996`},
		{"just above a threshold with a fraction", split("group.completeness > 0.66"),
			func(v *journey.AccountView) { v.Groups[0].Completeness = 0.6599 },
			`2025-03-03 09:00 path s [s] path=else -> w: no path held: "p" (group.completeness > 0.66) with group.completeness=0.6599`,
			`no path of s held: "p" (group.completeness > 0.66) with group.completeness=0.6599`},
		{"away from the threshold", split("group.completeness >= 0.6 && group.score >= 150"),
			func(v *journey.AccountView) { v.Groups[0].Score = 149.99999 },
			`2025-03-03 09:00 path s [s] path=else -> w: no path held: "p" (group.completeness >= 0.6 && group.score >= 150) ` +
				`with group.completeness=0.67, group.score=149.99999`,
			`no path of s held: "p" (group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.67, group.score=149.99999`},
		{"people split", linear("s",
			journey.Node{ID: "s", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: []journey.PeoplePath{{Name: "p", Match: &journey.Recipients{When: `score >= 20`},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "t"}}}},
				Next: "w"}},
			wait("w", journey.Days(1), "end"),
			end("end", "done")),
			func(v *journey.AccountView) {
				v.Groups[0].Members = v.Groups[0].Members[:1]
				setScore(v, "p-cfo", 19.999)
			},
			`2025-03-03 09:00 path s [s] person=p-cfo path=else: Carla Finn (Economic Buyer): no path held: "p" (score >= 20) with score=19.999`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := newCatalog(t, journey.Config{}, tt.j)
			view := acmeView()
			tt.edit(view)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("s", day0)})
			paths := decisions(res.Trace, journey.DecisionPath)
			require.Len(t, paths, 1)
			require.Equal(t, tt.trace, paths[0].String())
			require.Len(t, st.Instances, 1)
			require.Equal(t, tt.trackReason, st.Instances[0].Tracks[0].Reason)
		})
	}
}

// TestSplitReasonOfARoleCount: the reason a sales alert gets from the
// split that led to it says what the path checked: its role count (at
// least N members in a role), with its rule if it has one, not the rule
// alone, nor only the count it read.
func TestSplitReasonOfARoleCount(t *testing.T) {
	t.Parallel()
	split := func(p journey.Path) journey.Journey {
		p.Name, p.Next = "p", "w"
		return linear("s",
			journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{p}, Else: "w"}},
			wait("w", journey.Days(1), "end"),
			end("end", "done"))
	}
	buyer := &journey.RoleCount{Role: "Economic Buyer", Count: 1}
	tests := []struct {
		name        string
		j           journey.Journey
		trackReason string
	}{
		{"a role count", split(journey.Path{RoleAtLeast: buyer}),
			`s took path "p" (at least 1 Economic Buyer) with count(Economic Buyer)=1`},
		{"a role count and a rule", split(journey.Path{RoleAtLeast: buyer, When: "group.completeness > 0.5"}),
			`s took path "p" (at least 1 Economic Buyer; rule "s p": group.completeness > 0.5) with count(Economic Buyer)=1, group.completeness=0.67`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, tt.j)
			var st journey.State
			cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("s", day0)})
			require.Len(t, st.Instances, 1)
			require.Equal(t, tt.trackReason, st.Instances[0].Tracks[0].Reason)
		})
	}
}
