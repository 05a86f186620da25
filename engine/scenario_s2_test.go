package engine_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store"
)

// pipelineProgram is option A with the pipeline-acceleration journey of
// scenario S2, a scoring model in which a demo request and a webinar weigh
// a lot, and a stage model in which only the journey makes a group Sales
// Ready.
func pipelineProgram() program.Definitions {
	defs := dataPlatform()
	sm := buyinggroup.DefaultStageModel()
	sm.ID = "journey-ready"
	for i, tr := range sm.Transitions {
		if tr.To == buyinggroup.StageSalesReady {
			sm.Transitions[i].When = rules.Rule{}
		}
	}
	defs.StageModels = []buyinggroup.StageModel{sm}
	defs.Interests[0].StageModel = sm.ID
	defs.Scoring = []scoring.Model{{Name: "engagement", HalfLife: 30 * 24 * time.Hour, Rules: []scoring.Rule{
		{Name: "requested demo", Types: []string{b2b.ActivityRequestDemo}, Points: 100},
		{Name: "demo form", Types: []string{b2b.ActivityFillOutForm}, Points: 100, When: `attr(activity.attributes, "form", "") == "Demo Request"`},
		{Name: "attended webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 60},
		{Name: "opened email", Types: []string{b2b.ActivityOpenEmail}, Points: 1},
	}}}
	defs.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{
		{Name: "intro", Marketing: true, Subject: "{{.Interest.Name}} for {{.Account.Name}}",
			HTML: `<p>Hi {{.Person.FirstName | default "there"}}, meet {{.Interest.Name}}.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
			Text: "Hi {{.Person.FirstName | default \"there\"}}, meet {{.Interest.Name}}. Unsubscribe: {{.UnsubscribeURL}}"},
		{Name: "nurture", Marketing: true, Subject: "How teams like {{.Account.Name}} use {{.Interest.Name}}",
			HTML: `<p>A case study for you.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
			Text: "A case study for you. Unsubscribe: {{.UnsubscribeURL}}"},
	}}
	defs.Routing = channel.Routing{FallbackQueue: "sales-queue@quorum.example"}
	defs.Journeys = []journey.Journey{{
		ID: "pipeline-acceleration", Name: "Pipeline acceleration",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "wait-5d"}},
			{ID: "wait-5d", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "ready?"}},
			{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "engaged", When: "group.completeness >= 0.6 && group.score >= 150", Next: "alert"}},
				Else:  "nurture",
			}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "sales-ready"}},
			{ID: "sales-ready", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: buyinggroup.StageSalesReady, Next: "alerted"}},
			{ID: "alerted", Kind: journey.KindEnd, End: &journey.End{Outcome: "sales ready"}},
			{ID: "nurture", Kind: journey.KindAction, Limit: &journey.VisitLimit{Max: 3, Then: "not-engaged"},
				Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Recipients: &journey.Recipients{When: "score < 20"}, Next: "wait-7d"}},
			{ID: "wait-7d", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(7), Next: "ready?"}},
			{ID: "not-engaged", Kind: journey.KindEnd, End: &journey.End{Outcome: "not engaged"}},
		},
	}}
	return defs
}

// setupAcme loads Acme and its committee of scenario S1.
func setupAcme(t *testing.T, b *bundle) {
	t.Helper()
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		contact("003CFO", "carla.cfo@acme.com", "Carla", "Diaz", "Chief Financial Officer", "acme"),
		lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
		lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
		lead("L-3", "dev@acme.com", "Dev", "Patel", "Sr. Data Engineer", "Acme"),
		lead("L-4", "maya@acme.com", "Maya", "Rossi", "Marketing Coordinator", "Acme"),
		lead("L-5", "sam.jones@gmail.com", "Sam", "Jones", "Analyst", "ACME Inc."),
	}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
}

// TestScenarioS2 is the pipeline-acceleration journey: the Technical
// Evaluator requests a demo and the Economic Buyer attends a webinar on day
// 3; on day 5 the split takes the alert path, exactly one alert names the
// engaged personas, their scores, the missing roles and the reason, and the
// stage history shows Sales Ready on day 5.
func TestScenarioS2(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)

	// Day 0: the group was created and the intro went to its members.
	queued := claimAll(t, b, day0)
	require.Len(t, queued, 3, "intro to the three members")
	for _, m := range queued {
		require.Equal(t, channel.ChannelEmail, m.Channel)
		require.Contains(t, m.Subject, "Data Platform for Acme")
	}

	b.clock.Set(day(3).Add(2 * time.Hour))
	rep, err := b.eng.Ingest(b.ctx,
		activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(3), nil),
		activity("a-webinar", b2b.ActivityAttendEvent, "L-1", day(3).Add(time.Hour), map[string]any{"event": "Data Platform webinar"}),
	)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 2, rep.Applied)

	_, err = b.eng.Advance(b.ctx, day(4))
	require.NoError(t, err)
	require.Empty(t, claimAll(t, b, day(4)), "nothing happens before the wait ends")
	v := b.view(t, "acme")
	require.Equal(t, buyinggroup.StageDecision, groupOf(t, v, "data-platform").Group.Stage, "engagement moved the group on, but only the journey makes it Sales Ready")

	b.clock.Set(day(5))
	_, err = b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
	msgs := claimAll(t, b, day(5))
	require.Len(t, msgs, 1, "exactly one alert")
	al := msgs[0]
	require.Equal(t, channel.ChannelSalesAlert, al.Channel)
	require.Equal(t, "olivia@quorum.example", al.To, "the account owner")
	for _, want := range []string{
		"Carla Diaz", "Economic Buyer", "Victor Kim", "Technical Evaluator", // the engaged personas
		"Champion", // the missing role
		"group.completeness &gt;= 0.6 &amp;&amp; group.score &gt;= 150", // the reason, with the rule
	} {
		require.Contains(t, al.HTML, want)
	}
	require.Regexp(t, `Victor Kim.*?(9[0-9]|100)`, strings.ReplaceAll(al.Text, "\n", " "), "the evaluator's score")

	v = b.view(t, "acme")
	g := groupOf(t, v, "data-platform")
	require.Equal(t, buyinggroup.StageSalesReady, g.Group.Stage)
	last := g.Group.StageHistory[len(g.Group.StageHistory)-1]
	require.Equal(t, buyinggroup.StageSalesReady, last.To)
	require.Equal(t, day(5), last.At)

	// The decision trail says why the split took the alert path.
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var path journey.Decision
	for _, e := range evs {
		if e.Type == "journey.path" {
			require.NoError(t, json.Unmarshal(e.Data, &path))
		}
	}
	require.Equal(t, "engaged", path.Path)
	require.Equal(t, day(5), path.At)
	require.NotEmpty(t, path.Values)

	// Later days send nothing more: the journey ended.
	_, err = b.eng.Advance(b.ctx, day(30))
	require.NoError(t, err)
	require.Empty(t, claimAll(t, b, day(30)))
}

// claimAll claims every due outbox message and marks it delivered.
func claimAll(t *testing.T, b *bundle, now time.Time) []channel.Message {
	t.Helper()
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: now, Limit: 1000, Lease: time.Minute})
	require.NoError(t, err)
	var out []channel.Message
	for _, en := range got {
		out = append(out, en.Message)
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Attempt: en.Attempts, Now: now,
			Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "test-" + en.ID, At: now}}))
	}
	return out
}

var _ = store.OutboxDelivered
