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
		{AlertID: "a1", Acknowledged: true, AckAt: t0.Add(time.Hour), AckBy: "x1", ActedOn: true, ActedAt: t0.Add(2 * day), ActedBy: "x2"},
		{AlertID: "a2"},
		{AlertID: "a3"},
		{AlertID: "a4", Pending: true},
		{AlertID: "a5", Acknowledged: true, AckAt: t0.Add(3 * day), AckBy: "x7"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("responses (-want +got):\n%s", d)
	}
	require.Equal(t, channel.ResponseRate{Alerts: 5, Acknowledged: 2, ActedOn: 1, Pending: 1, Rate: 0.25}, channel.ResponseRateOf(got))

	// Later, the task naming a5 has happened.
	got = channel.TrackResponses(alerts, acts, t0.Add(30*day), channel.ResponseConfig{})
	require.True(t, got[4].ActedOn)
	require.Equal(t, channel.ResponseRate{Alerts: 5, Acknowledged: 2, ActedOn: 2, Rate: 0.4}, channel.ResponseRateOf(got))
	require.Equal(t, channel.ResponseRate{}, channel.ResponseRateOf(nil))
}
