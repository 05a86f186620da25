package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

// wonOnlyAlert is an alert template whose subject is written only for a
// group that closed won: for any other it renders empty, and a sales alert
// without a subject is not a message that can be sent.
var wonOnlyAlert = channel.EmailTemplate{Name: "won-alert",
	Subject: `{{if eq .Group.Stage "Closed Won"}}{{.Account.Name}} won{{end}}`,
	HTML:    `<p>{{.Alert.Reason}}</p>`, Text: `{{.Alert.Reason}}`}

// acknowledgeOnDay6 has a rep acknowledge an alert on day 6, after
// engageUntilTheAlert, and claims what is due.
func acknowledgeOnDay6(t *testing.T, b *bundle) []channel.Message {
	t.Helper()
	b.clock.Set(day(6))
	_, err := b.eng.Ingest(b.ctx, activity("ack", "alert_acknowledged", "L-1", day(6), nil))
	require.NoError(t, err)
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	return claimAll(t, b, day(6))
}

// TestJourneyAlertWhoseMessageIsInvalidIsNotRaised: a journey's sales
// alert whose template renders a message that cannot be sent (no subject)
// is skipped with its reason. It is not raised: not logged as
// alert.raised, not counted, and not tracked for responses, so that a
// rep's acknowledgement the next day answers no alert that never reached
// anyone.
func TestJourneyAlertWhoseMessageIsInvalidIsNotRaised(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Templates.Emails = append(defs.Templates.Emails, wonOnlyAlert)
	for i, n := range defs.Journeys[0].Nodes {
		if n.ID == "alert" {
			defs.Journeys[0].Nodes[i].Action.Template = wonOnlyAlert.Name
		}
	}
	b := setup(t, defs)
	setupAcme(t, b)
	engageUntilTheAlert(t, b)
	for _, m := range acknowledgeOnDay6(t, b) {
		require.NotEqual(t, channel.ChannelSalesAlert, m.Channel)
	}
	require.Zero(t, countEvents(t, b, "acme", "alert.raised"))
	require.Zero(t, countEvents(t, b, "acme", "alert.acknowledged"))
	require.Zero(t, b.eng.Counters().Alerts)
	skipped := countEventsWhere(t, b, "acme", func(e store.Event) bool {
		if e.Type != "message.skipped" {
			return false
		}
		var d struct{ Reason string }
		require.NoError(t, json.Unmarshal(e.Data, &d))
		return strings.Contains(d.Reason, "subject")
	})
	require.Equal(t, 1, skipped, "the alert is skipped with why")
}

// TestAlertRuleWhoseMessageIsInvalidGoesOutWithTheStandardTemplate: an
// alert rule fired, and its state moved on, so it will not fire again for
// this rise; its template renders a message that cannot be sent (no
// subject). As when its template fails to render, the alert goes out with
// the standard template rather than not at all, and it is that message
// the alert raised, counted and tracked for responses stands for.
func TestAlertRuleWhoseMessageIsInvalidGoesOutWithTheStandardTemplate(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys = nil
	defs.Templates.Emails = append(defs.Templates.Emails, wonOnlyAlert)
	defs.Alerts = []channel.AlertRule{{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Template: wonOnlyAlert.Name}}
	b := setup(t, defs)
	setupAcme(t, b)
	engageUntilTheAlert(t, b)
	var templates []string
	for _, m := range acknowledgeOnDay6(t, b) {
		if m.Channel == channel.ChannelSalesAlert {
			templates = append(templates, m.Template)
		}
	}
	// Claimed on day 6 with the acknowledgement: the alert was queued on
	// day 3, when the demo and webinar took the score over 100.
	require.Equal(t, []string{program.AlertTemplate}, templates)
	require.Equal(t, 1, countEvents(t, b, "acme", "alert.raised"))
	require.Equal(t, 1, countEvents(t, b, "acme", "alert.acknowledged"))
	require.Equal(t, int64(1), b.eng.Counters().Alerts)
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Type == "alert.error" && strings.Contains(string(e.Data), `"sentWith":"`+program.AlertTemplate+`"`)
	}))
	require.Zero(t, countEvents(t, b, "acme", "message.skipped"))
}
