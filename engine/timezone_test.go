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
