package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
)

// TestTemplatesShowTimesInTheAccountsZone: Acme is in New York. Its
// journey emails Victor and alerts sales on day 0, 09:00 UTC, which is
// 04:00 in New York; Victor attended a webinar two hours before. What the
// templates print of those times ({{.Now | date ...}}, an alert's recent
// activities) is New York's time, as the account's people read it, not
// UTC; the event log and the outbox keep their times as they were.
func TestTemplatesShowTimesInTheAccountsZone(t *testing.T) {
	t.Parallel()
	const layout = "Jan 2 15:04 MST"
	defs := pipelineProgram()
	defs.Templates.Emails[0].Text = `Hi {{.Person.FirstName}}, {{.Now | date "` + layout + `"}}. Unsubscribe: {{.UnsubscribeURL}}`
	defs.Templates.Emails = append(defs.Templates.Emails, channel.EmailTemplate{Name: "alert-tz", Subject: "{{.Account.Name}} at {{.Now | date \"" + layout + "\"}}",
		HTML: `<p>{{range .Alert.RecentActivities}}{{.Description}} at {{.Time | date "` + layout + `"}}. {{end}}</p>`,
		Text: `{{range .Alert.RecentActivities}}{{.Description}} at {{.Time | date "` + layout + `"}}. {{end}}`})
	defs.Journeys[0].Nodes = []journey.Node{
		{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "alert"}},
		{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "alert-tz", Next: "done"}},
		{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "alerted"}},
	}
	b := setup(t, defs)
	acme := acmeRecord()
	acme.Account.TimeZone = "America/New_York"
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acme},
		Persons:    []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")},
		Activities: []b2b.Activity{activity("w-1", b2b.ActivityAttendEvent, "L-2", day0.Add(-2*time.Hour), map[string]any{"event": "Data Summit"})}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	got := map[string]channel.Message{}
	for _, m := range claimAll(t, b, day0) {
		got[m.Template] = m
	}
	require.Contains(t, got, "intro")
	require.Contains(t, got, "alert-tz")
	require.Contains(t, got["intro"].Text, "Hi Victor, Mar 2 04:00 EST.")
	require.Equal(t, "Acme at Mar 2 04:00 EST", got["alert-tz"].Subject)
	require.Equal(t, "attend event Data Summit at Mar 2 02:00 EST. ", got["alert-tz"].Text)

	for _, e := range eventsOf(t, b, "acme") {
		require.Equal(t, time.UTC, e.Time.Location(), "%s: the log's times are as they were", e.Type)
	}
}

// TestStandardAlertDatesActivitiesInTheAccountsZone: the standard sales
// alert lists the group's recent activities by day ("Jan 2"). Victor's
// webinar at 22:00 in New York on March 1 (03:00 UTC on March 2) is an
// activity of March 1 for Acme's people, and the alert says so.
func TestStandardAlertDatesActivitiesInTheAccountsZone(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys[0].Nodes = []journey.Node{
		{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "done"}},
		{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "alerted"}},
	}
	b := setup(t, defs)
	acme := acmeRecord()
	acme.Account.TimeZone = "America/New_York"
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acme},
		Persons:    []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")},
		Activities: []b2b.Activity{activity("w-1", b2b.ActivityAttendEvent, "L-2", day0.Add(-6*time.Hour), map[string]any{"event": "Data Summit"})}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	msgs := claimAll(t, b, day0)
	require.Len(t, msgs, 1)
	require.Contains(t, msgs[0].Text, "- Mar 1 Victor Kim")
	require.NotContains(t, msgs[0].Text, "Mar 2 Victor Kim")
}

// TestAlertRoutingSeesNowInTheAccountsZone: the program routes alerts
// after hours (hourOf(now) >= 18 or < 8) to a night desk.
// An alert raised at 09:00 UTC is one of 04:00 in New York and of 18:00
// in Tokyo: both go to the night desk, where routing saw 09:00 UTC and
// sent them to the account's owner. An alert rule's alert (routed by the
// alerter) and a journey's (routed by the engine) route alike; an
// account without a zone is in UTC, in business hours.
func TestAlertRoutingSeesNowInTheAccountsZone(t *testing.T) {
	t.Parallel()
	// Acme's owner is a CRM user name, so that a journey's alert is routed
	// (one whose owner is an address goes to the owner).
	route := func(defs *program.Definitions) {
		defs.Routing.Owners = map[string]string{"Olivia": "olivia@quorum.example"}
		defs.Routing.Rules = []channel.RouteRule{
			{Name: "after hours", When: rules.Rule{Source: `hourOf(now) >= 18 || hourOf(now) < 8`}, To: "night-desk@quorum.example"},
			{Name: "owner", To: channel.TargetOwner},
		}
	}
	for _, tc := range []struct {
		name, zone, want string
	}{
		{"UTC", "", "olivia@quorum.example"},
		{"New York", "America/New_York", "night-desk@quorum.example"},
		{"Tokyo", "Asia/Tokyo", "night-desk@quorum.example"},
	} {
		t.Run(tc.name+", an alert rule", func(t *testing.T) {
			t.Parallel()
			defs := pipelineProgram()
			defs.Journeys = nil
			defs.Alerts = []channel.AlertRule{{Name: "hot committee", Strategy: channel.StrategyThreshold, Threshold: 150, Template: program.AlertTemplate}}
			route(&defs)
			b := setup(t, defs)
			acme := acmeRecord()
			acme.Account.TimeZone, acme.Account.Owner = tc.zone, "Olivia"
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acme}, Persons: []identity.PersonRecord{
				lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
				lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")},
				Activities: []b2b.Activity{activity("d", b2b.ActivityRequestDemo, "L-2", day0.Add(-time.Hour), nil),
					activity("w", b2b.ActivityAttendEvent, "L-1", day0.Add(-time.Hour), nil)}})
			require.NoError(t, err)
			msgs := claimAll(t, b, day0)
			require.Len(t, msgs, 1)
			require.Equal(t, channel.ChannelSalesAlert, msgs[0].Channel)
			require.Equal(t, tc.want, msgs[0].To)
		})
		t.Run(tc.name+", a journey", func(t *testing.T) {
			t.Parallel()
			defs := pipelineProgram()
			defs.Journeys[0].Nodes = []journey.Node{
				{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "done"}},
				{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "alerted"}},
			}
			route(&defs)
			b := setup(t, defs)
			acme := acmeRecord()
			acme.Account.TimeZone, acme.Account.Owner = tc.zone, "Olivia"
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acme},
				Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
			require.NoError(t, err)
			msgs := claimAll(t, b, day0)
			require.Len(t, msgs, 1)
			require.Equal(t, channel.ChannelSalesAlert, msgs[0].Channel)
			require.Equal(t, tc.want, msgs[0].To)
		})
	}
}
