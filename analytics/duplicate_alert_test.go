package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestDuplicateAlertAtTheEarliestTime: an alert raised twice in the log
// (its order not its times') was raised at the earliest time the log dates
// it: its window runs from then, it belongs to that time's period, and a
// follow-up between the two times answers it.
func TestDuplicateAlertAtTheEarliestTime(t *testing.T) {
	t.Parallel()
	id := func(s string) m { return m{"id": s} }
	tests := []struct {
		name   string
		log    eventLog
		period analytics.Period
		want   analytics.AlertResponse
	}{{
		name: "raised on day 1 (logged second), followed up on day 9: too late for its 7-day window",
		log: eventLog{}.
			add("a", day(3), "alert.raised", id("al-1")).
			add("a", day(1), "alert.raised", id("al-1")).
			add("a", day(9), "alert.acted_on", id("al-1")),
		period: analytics.Period{To: day(20)},
		want:   analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, Raised: 1},
	}, {
		name: "a follow-up between the two times answers the alert",
		log: eventLog{}.
			add("a", day(3), "alert.raised", id("al-1")).
			add("a", day(2), "alert.acknowledged", id("al-1")).
			add("a", day(2), "alert.acted_on", id("al-1")).
			add("a", day(1), "alert.raised", id("al-1")),
		period: analytics.Period{To: day(20)},
		want:   analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}, Raised: 1, Acknowledged: 1, ActedOn: 1},
	}, {
		name: "a follow-up before both times still answers nothing, a later one does",
		log: eventLog{}.
			add("a", day(3), "alert.raised", id("al-1")).
			add("a", day(0.5), "alert.acted_on", id("al-1")).
			add("a", day(1), "alert.raised", id("al-1")).
			add("a", day(4), "alert.acted_on", id("al-1")),
		period: analytics.Period{To: day(20)},
		want:   analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}, Raised: 1, ActedOn: 1},
	}, {
		name: "raised on day 1: not in a period from day 2",
		log: eventLog{}.
			add("a", day(3), "alert.raised", id("al-1")).
			add("a", day(1), "alert.raised", id("al-1")),
		period: analytics.Period{From: day(2), To: day(20)},
		want:   analytics.AlertResponse{Rate: analytics.Ratio{Reason: "no alert raised in the period"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, tt.period)
			tt.want.WindowHours = 168
			require.Empty(t, cmp.Diff(tt.want, r.AlertResponse), "(-want +got)")
		})
	}
}

// TestResponseLoggedBeforeItsAlert: a log whose order is not its times'
// can hold an alert's follow-up, or its acknowledgement, before the
// alert's raise. Dated after the raise, within the window, it answers
// the alert, as it would logged after it; it is unmatched only if the log
// never raises the alert.
func TestResponseLoggedBeforeItsAlert(t *testing.T) {
	t.Parallel()
	id := func(s string) m { return m{"id": s} }
	tests := []struct {
		name string
		log  eventLog
		want analytics.AlertResponse
	}{{
		name: "followed up and acknowledged on day 2, logged before the raise of day 1",
		log: eventLog{}.
			add("a", day(2), "alert.acknowledged", id("al-1")).
			add("a", day(2), "alert.acted_on", id("al-1")).
			add("a", day(1), "alert.raised", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}, Raised: 1, Acknowledged: 1, ActedOn: 1},
	}, {
		name: "a follow-up of an alert never raised is unmatched",
		log: eventLog{}.
			add("a", day(2), "alert.acted_on", id("al-2")).
			add("a", day(1), "alert.raised", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, Raised: 1, Unmatched: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(20)})
			tt.want.WindowHours = 168
			require.Empty(t, cmp.Diff(tt.want, r.AlertResponse), "(-want +got)")
		})
	}
}
