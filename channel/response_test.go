package channel_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

func TestTrackResponses(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	alerts := []channel.Alert{
		{ID: "a1", Account: "acme", SolutionInterest: "data-platform", At: t0},
		{ID: "a2", Account: "globex", SolutionInterest: "data-platform", At: t0},
		{ID: "a3", Account: "initech", SolutionInterest: "security-suite", At: t0},
		{ID: "a4", Account: "umbrella", SolutionInterest: "security-suite", At: t0.Add(9 * day)},
		{ID: "a5", Account: "hooli", SolutionInterest: "data-platform", At: t0},
	}
	act := func(id, typ, account string, at time.Duration, attrs map[string]any) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Account: b2b.AccountID(account), Time: t0.Add(at), Source: b2b.SourceSalesforce, Attributes: attrs}
	}
	acts := []b2b.Activity{
		act("x1", "alert_acknowledged", "", time.Hour, map[string]any{"alertId": "a1"}),
		act("x2", "call_logged", "acme", 2*day, nil),
		act("x3", "sfdc_activity", "acme", day, map[string]any{"solutionInterest": "security-suite"}), // other interest
		act("x4", "meeting_booked", "globex", 8*day, nil),                                             // outside the window
		act("x5", "visit_web_page", "initech", day, nil),                                              // not a response type
		act("x6", "send_sales_email", "initech", -time.Hour, nil),                                     // before the alert
		act("x7", "alert_opened", "hooli", 3*day, nil),
		act("x8", "task_completed", "", 20*day, map[string]any{"alertId": "a5"}), // names the alert: any time
	}
	now := t0.Add(10 * day)
	got := channel.TrackResponses(alerts, acts, now, channel.ResponseConfig{})
	want := []channel.AlertResponse{
		{AlertID: "a1", Acknowledged: true, AckAt: t0.Add(time.Hour), AckBy: "x1", ActedOn: true, ActedAt: t0.Add(2 * day), ActedBy: "x2", RespondBy: t0.Add(7 * day)},
		{AlertID: "a2", RespondBy: t0.Add(7 * day)},
		{AlertID: "a3", RespondBy: t0.Add(7 * day)},
		{AlertID: "a4", RespondBy: t0.Add(16 * day), Open: true, Pending: true},
		{AlertID: "a5", Acknowledged: true, AckAt: t0.Add(3 * day), AckBy: "x7", RespondBy: t0.Add(7 * day)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("responses (-want +got):\n%s", d)
	}
	require.Equal(t, channel.ResponseRate{Alerts: 5, Open: 1, Acknowledged: 2, ActedOn: 1, AcknowledgedOnly: 1, Rate: 0.25}, channel.ResponseRateOf(got))

	// Later, the task naming a5 has happened: a5 is acted on, but after
	// its window closed, so the rate does not count it as a response.
	got = channel.TrackResponses(alerts, acts, t0.Add(30*day), channel.ResponseConfig{})
	require.True(t, got[4].ActedOn)
	require.Equal(t, channel.ResponseRate{Alerts: 5, Acknowledged: 2, ActedOn: 1, AcknowledgedOnly: 1, Rate: 0.2}, channel.ResponseRateOf(got))
	require.Equal(t, channel.ResponseRate{}, channel.ResponseRateOf(nil))
}

// TestResponseRateOfOpenWindows: an alert is in the rate once its response
// window has closed, answered or not; an answer within a window still open
// does not put it in early (as package analytics computes the KPI), and an
// answer after the window closed (naming the alert) is no response.
func TestResponseRateOfOpenWindows(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	alerts := []channel.Alert{
		{ID: "answered", Account: "acme", At: t0},
		{ID: "pending", Account: "globex", At: t0},
		{ID: "late", Account: "initech", At: t0},
	}
	acts := []b2b.Activity{
		{ID: "x1", Type: "call_logged", Account: "acme", Time: t0.Add(day)},
		{ID: "x2", Type: "alert_opened", Account: "initech", Time: t0.Add(2 * day)},
		{ID: "x3", Type: "task_completed", Time: t0.Add(9 * day), Attributes: map[string]any{"alertId": "late"}},
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		want channel.ResponseRate
	}{
		{"every window open", t0.Add(2 * day),
			channel.ResponseRate{Alerts: 3, Open: 3, OpenActedOn: 1}},
		{"every window closed", t0.Add(10 * day),
			channel.ResponseRate{Alerts: 3, Acknowledged: 2, ActedOn: 1, AcknowledgedOnly: 1, Rate: 1.0 / 3}},
		{"window closes at its end", t0.Add(7 * day),
			channel.ResponseRate{Alerts: 3, Acknowledged: 2, ActedOn: 1, AcknowledgedOnly: 1, Rate: 1.0 / 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := channel.ResponseRateOf(channel.TrackResponses(alerts, acts, tc.now, channel.ResponseConfig{}))
			require.Equal(t, tc.want, got)
		})
	}
}

// TestTrackResponsesNegativeWindow: a window that is not positive (a
// sign slip in a host's config) is the default window, as the zero value
// is, not a window that closed before the alert and counts every alert
// as unanswered.
func TestTrackResponsesNegativeWindow(t *testing.T) {
	t.Parallel()
	alerts := []channel.Alert{{ID: "a1", Account: "acme", At: t0}}
	acts := []b2b.Activity{{ID: "x1", Type: "call_logged", Account: "acme", Time: t0.Add(time.Hour), Source: b2b.SourceSalesforce}}
	now := t0.Add(30 * 24 * time.Hour)
	want := channel.TrackResponses(alerts, acts, now, channel.ResponseConfig{})
	require.True(t, want[0].ActedOn)
	got := channel.TrackResponses(alerts, acts, now, channel.ResponseConfig{Window: -7 * 24 * time.Hour})
	require.Equal(t, want, got)
}
