package journey_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// The night clocks go back, a wait that ends at a clock time after its
// window lets go at the next moment the clock reads inside the window: not
// at its end, which the repeated hour makes look like a time of the window.
func TestWindowOverClocksGoingBack(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin") // 2025-10-26 03:00 CEST is 02:00 CET
	require.NoError(t, err)
	j := journey.Journey{ID: "w", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "w1", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "m", Window: &journey.Window{From: "01:00", To: "02:30"}}},
			email("m", "t", "e", nil),
			end("e", "done"),
		}}
	cat := newCatalog(t, journey.Config{}, j)
	v := acmeView()
	v.Location = berlin
	st := &journey.State{Account: "acme"}
	enter := time.Date(2025, 10, 25, 2, 40, 0, 0, berlin) // Saturday 02:40 CEST
	res := cat.Step(st, journey.Input{View: v, Now: enter, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "w", At: enter}}})
	second := time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC) // 02:00 CET, the second 02:00
	require.True(t, res.Due.Equal(second), "due %v, want %v", res.Due.In(berlin), second.In(berlin))
	res = cat.Step(st, journey.Input{View: v, Now: res.Due})
	require.NotEmpty(t, res.Outbox)
	for _, e := range res.Outbox {
		l := e.At.In(berlin)
		require.True(t, e.At.Equal(second), "email at %v, want %v", l, second.In(berlin))
		require.Equal(t, "02:00", l.Format("15:04"))
	}
}

// A window whose From is after its To runs over midnight: quiet hours
// from 20:00 to 08:00 are a window of "08:00" to "20:00", and a night
// window of "22:00" to "06:00" opens at 22:00 on each of its days and
// closes at 06:00 the next morning, in the account's time zone, on the
// days clocks change too. Such a window used to be refused.
func TestWindowOverMidnight(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin") // 2026-03-29 02:00 CET -> 03:00 CEST, 2025-10-26 03:00 CEST -> 02:00 CET
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York") // 2025-03-09 02:00 EST -> 03:00 EDT
	require.NoError(t, err)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name   string
		loc    *time.Location
		window journey.Window
		end    time.Time // where the wait ends without its window
		want   time.Time
		reason string
	}{
		{"the afternoon waits for the evening", berlin, journey.Window{From: "22:00", To: "06:00"},
			time.Date(2026, 1, 14, 12, 0, 0, 0, berlin), time.Date(2026, 1, 14, 22, 0, 0, 0, berlin), "moved into window 22:00-06:00 Europe/Berlin"},
		{"the small hours are inside", berlin, journey.Window{From: "22:00", To: "06:00"},
			time.Date(2026, 1, 14, 3, 0, 0, 0, berlin), time.Date(2026, 1, 14, 3, 0, 0, 0, berlin), ""},
		{"the end closes it", berlin, journey.Window{From: "22:00", To: "06:00"},
			time.Date(2026, 1, 14, 6, 0, 0, 0, berlin), time.Date(2026, 1, 14, 22, 0, 0, 0, berlin), "moved into window 22:00-06:00 Europe/Berlin"},
		{"up to midnight", berlin, journey.Window{From: "22:00", To: "00:00"},
			time.Date(2026, 1, 14, 23, 59, 0, 0, berlin), time.Date(2026, 1, 14, 23, 59, 0, 0, berlin), ""},
		{"up to midnight, not after", berlin, journey.Window{From: "22:00", To: "00:00"},
			time.Date(2026, 1, 15, 0, 0, 0, 0, berlin), time.Date(2026, 1, 15, 22, 0, 0, 0, berlin), "moved into window 22:00-00:00 Europe/Berlin"},
		{"a Friday night runs into Saturday", berlin, journey.Window{Days: weekdays, From: "22:00", To: "06:00"},
			time.Date(2026, 1, 17, 3, 0, 0, 0, berlin), time.Date(2026, 1, 17, 3, 0, 0, 0, berlin), ""},
		{"Saturday morning waits for Monday night", berlin, journey.Window{Days: weekdays, From: "22:00", To: "06:00"},
			time.Date(2026, 1, 17, 7, 0, 0, 0, berlin), time.Date(2026, 1, 19, 22, 0, 0, 0, berlin), "moved into window Mon-Fri 22:00-06:00 Europe/Berlin"},
		{"Monday morning is Sunday night's", berlin, journey.Window{Days: weekdays, From: "22:00", To: "06:00"},
			time.Date(2026, 1, 19, 3, 0, 0, 0, berlin), time.Date(2026, 1, 19, 22, 0, 0, 0, berlin), "moved into window Mon-Fri 22:00-06:00 Europe/Berlin"},
		{"the night clocks skip an hour, the window closes at the jump", berlin, journey.Window{From: "23:30", To: "02:30"},
			time.Date(2026, 3, 29, 3, 10, 0, 0, berlin), time.Date(2026, 3, 29, 23, 30, 0, 0, berlin), "moved into window 23:30-02:30 Europe/Berlin"},
		{"the night clocks skip an hour, before the jump", berlin, journey.Window{From: "23:30", To: "02:30"},
			time.Date(2026, 3, 29, 1, 50, 0, 0, berlin), time.Date(2026, 3, 29, 1, 50, 0, 0, berlin), ""},
		{"a window that starts in the skipped hour opens at the jump", berlin, journey.Window{From: "02:30", To: "01:00"},
			time.Date(2026, 3, 29, 1, 30, 0, 0, berlin), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "moved into window 02:30-01:00 Europe/Berlin"},
		{"the night clocks go back, the repeated hour opens again", berlin, journey.Window{From: "22:00", To: "02:30"},
			time.Date(2025, 10, 26, 0, 40, 0, 0, time.UTC), time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC), "moved into window 22:00-02:30 Europe/Berlin"},
		{"New York, over the skipped hour", ny, journey.Window{Days: []time.Weekday{time.Saturday}, From: "21:00", To: "04:00"},
			time.Date(2025, 3, 9, 3, 30, 0, 0, ny), time.Date(2025, 3, 9, 3, 30, 0, 0, ny), ""},
		{"New York, after the night", ny, journey.Window{Days: []time.Weekday{time.Saturday}, From: "21:00", To: "04:00"},
			time.Date(2025, 3, 9, 4, 0, 0, 0, ny), time.Date(2025, 3, 15, 21, 0, 0, 0, ny), "moved into window Sat 21:00-04:00 America/New_York"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tt.window
			start := tt.end.Add(-time.Hour)
			j := journey.Journey{ID: "w", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
				Nodes: []journey.Node{
					{ID: "w1", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(time.Hour), Next: "e", Window: &w}},
					end("e", "done"),
				}}
			cat := newCatalog(t, journey.Config{}, j)
			v := acmeView()
			v.Location = tt.loc
			st := &journey.State{Account: "acme"}
			res := cat.Step(st, journey.Input{View: v, Now: start, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "w", At: start}}})
			waits := decisions(res.Trace, journey.DecisionWait)
			require.Len(t, waits, 1)
			require.True(t, waits[0].Until.Equal(tt.want), "until %v, want %v", waits[0].Until.In(tt.loc), tt.want.In(tt.loc))
			require.Equal(t, tt.reason, waits[0].Reason)
		})
	}
}

// A window from a time to the same time is empty, or the whole day:
// either way not what a window is for. The problem says so, and how a
// window over midnight is written.
func TestWindowFromAndToTheSame(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "w", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "w1", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "e", Window: &journey.Window{From: "09:00", To: "09:00"}}},
			end("e", "done"),
		}}
	err := journey.Validate(j, journey.Config{})
	require.Equal(t, []string{`nodes["w1"].wait.window: from "09:00" and to "09:00" are the same time of day: a window needs time between them (one over midnight runs from a later time to an earlier one, "22:00" to "06:00")`}, problems(t, err))
}
