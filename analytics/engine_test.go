package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// pipelineProgram: one solution interest on the standard template, a
// journey that e-mails the group, waits 5 days, and alerts sales and makes
// the group Sales Ready if it is engaged; only the journey makes a group
// Sales Ready.
func pipelineProgram() program.Definitions {
	sm := buyinggroup.DefaultStageModel()
	sm.ID = "journey-ready"
	for i, tr := range sm.Transitions {
		if tr.To == buyinggroup.StageSalesReady {
			sm.Transitions[i].When = rules.Rule{}
		}
	}
	return program.Definitions{
		Name: "kpi-test",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform", CRMProduct: "Data Platform",
			Template: buyinggroup.StandardTemplateID, StageModel: sm.ID}},
		StageModels: []buyinggroup.StageModel{sm},
		Scoring: []scoring.Model{{Name: "engagement", HalfLife: 30 * 24 * time.Hour, Rules: []scoring.Rule{
			{Name: "requested demo", Types: []string{b2b.ActivityRequestDemo}, Points: 100},
			{Name: "attended webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 60},
			{Name: "opened email", Types: []string{b2b.ActivityOpenEmail}, Points: 1},
			{Name: "clicked email", Types: []string{b2b.ActivityClickEmail}, Points: 3},
		}}},
		Templates: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "intro", Marketing: true,
			Subject: "{{.Interest.Name}} for {{.Account.Name}}",
			HTML:    `<p>Meet {{.Interest.Name}}.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
			Text:    "Meet {{.Interest.Name}}. Unsubscribe: {{.UnsubscribeURL}}"}}},
		Routing: channel.Routing{FallbackQueue: "sales-queue@quorum.example"},
		Journeys: []journey.Journey{{ID: "pipeline", Name: "Pipeline acceleration",
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
			Nodes: []journey.Node{
				{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "wait-5d"}},
				{ID: "wait-5d", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "ready?"}},
				{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
					Paths: []journey.Path{{Name: "engaged", When: "group.completeness >= 0.6 && group.score >= 150", Next: "alert"}},
					Else:  "not-engaged"}},
				{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "sales-ready"}},
				{ID: "sales-ready", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: buyinggroup.StageSalesReady, Next: "done"}},
				{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "sales ready"}},
				{ID: "not-engaged", Kind: journey.KindEnd, End: &journey.End{Outcome: "not engaged"}},
			}}},
	}
}

// TestEngineLog computes the KPIs from a real engine run: Acme's committee
// gets the intro e-mail, engages, is ready on day 3 (the default
// readiness) and becomes Sales Ready by the journey on day 5; sales open
// the alert on day 6 (an acknowledgement, no follow-up); the CRM opens a
// deal on day 12.
func TestEngineLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prog, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	clk := clock.NewManual(day0)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk, UnsubscribeURL: sim.UnsubscribeURL})
	require.NoError(t, err)

	optIn := map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, -1, 0)}}
	lead := func(id, email, first, title string) identity.PersonRecord {
		return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: day0.Add(-time.Hour),
			Person: b2b.Person{Email: email, FirstName: first, LastName: "X", Title: title, Company: "Acme", Consent: optIn}}
	}
	rep, err := eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000, Owner: "olivia@quorum.example"}}},
		Persons: []identity.PersonRecord{
			lead("L-1", "carla@acme.com", "Carla", "Chief Financial Officer"),
			lead("L-2", "victor@acme.com", "Victor", "VP of Engineering"),
			lead("L-3", "dev@acme.com", "Dev", "Sr. Data Engineer"),
			lead("L-4", "maya@acme.com", "Maya", "Marketing Coordinator"),
		}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	intro := map[string]string{} // the key of each member's intro e-mail, by address
	for _, msg := range deliverAll(t, eng, day0.Add(time.Minute)) {
		intro[msg.To] = msg.Key
	}
	require.Len(t, intro, 3)

	act := func(id string, typ b2b.ActivityType, person string, at time.Time) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: b2b.PersonID(person), Source: b2b.SourceMarketo, Time: at}
	}
	// about is an activity about a message, as the provider reports it.
	about := func(id string, typ b2b.ActivityType, person string, at time.Time, key string) b2b.Activity {
		a := act(id, typ, person, at)
		a.Attributes = map[string]any{b2b.AttrMessageKey: key}
		return a
	}
	clk.Set(day(3))
	_, err = eng.Ingest(ctx,
		about("a-open-1", b2b.ActivityOpenEmail, "L-1", day(1), intro["carla@acme.com"]), about("a-open-2", b2b.ActivityOpenEmail, "L-2", day(1), intro["victor@acme.com"]),
		about("a-open-again", b2b.ActivityOpenEmail, "L-2", day(1.5), intro["victor@acme.com"]), // a repeated open: one opened e-mail
		about("a-click", b2b.ActivityClickEmail, "L-2", day(1), intro["victor@acme.com"]),
		about("a-open-other", b2b.ActivityOpenEmail, "L-3", day(1), "another-sender-42"),    // not the program's e-mail
		act("a-open-bare", b2b.ActivityOpenEmail, "L-3", day(1)),                            // names no message
		about("a-bounce", b2b.ActivityEmailBounced, "L-3", day(0.5), intro["dev@acme.com"]), // Dev's intro never reached him
		act("a-demo", b2b.ActivityRequestDemo, "L-2", day(2)), act("a-webinar", b2b.ActivityAttendEvent, "L-1", day(2.5)))
	require.NoError(t, err)
	clk.Set(day(5))
	_, err = eng.Advance(ctx, day(5))
	require.NoError(t, err)
	deliverAll(t, eng, day(5).Add(time.Minute))
	clk.Set(day(6))
	rep2, err := eng.Ingest(ctx, act("a-ack", "alert_opened", "L-1", day(6)))
	require.NoError(t, err)
	require.Empty(t, rep2.Rejected)
	clk.Set(day(12))
	_, err = eng.UpsertOpportunities(ctx, b2b.Opportunity{ID: "006A", Account: "acme", SolutionInterest: "data-platform",
		Name: "Acme DP", Stage: "Qualify", Status: b2b.OpportunityOpen, Source: b2b.SourceSalesforce, CreatedAt: day(12), UpdatedAt: day(12)})
	require.NoError(t, err)
	_, err = eng.Advance(ctx, day(30))
	require.NoError(t, err)

	log := wholeLog(t, eng)
	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{To: day(30)})
	require.NoError(t, err, "the engine's log is fully readable")
	require.Zero(t, r.Events.Malformed)

	require.Equal(t, 1, r.Accounts)
	require.Equal(t, 1, r.Groups)
	require.Equal(t, analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, r.Completeness, "no Champion: never complete")
	require.Equal(t, 1, r.MQA.Accounts.Numerator)
	require.Equal(t, 3.0, *r.Velocity.ToSalesReady.Days.Mean, "created on day 0, readiness ready on day 3 (before the journey's Sales Ready on day 5)")
	require.Equal(t, 12.0, *r.Velocity.ToOpportunity.Days.Mean, "the deal on day 12")
	require.Equal(t, analytics.Ratio{Numerator: 3, Denominator: 4, Value: val(0.75)}, r.Qualification.Ratio, "the marketing coordinator fills no role")
	require.Equal(t, 1, r.AlertResponse.Raised)
	// The rep opened the alert (alert_opened: acknowledged) and did
	// nothing more: no follow-up, so no response (an acknowledgement
	// answered the alert before the rate followed the guide).
	require.Equal(t, analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, r.AlertResponse.Rate, "acknowledged the next day, never followed up")
	require.Equal(t, 1, r.AlertResponse.Acknowledged)
	require.Equal(t, 1, r.AlertResponse.AcknowledgedOnly)
	require.Equal(t, analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}, r.JourneyCompletion.Overall.Rate)
	require.Equal(t, 2, r.Email.Delivered, "the intro to the three members, but Dev's, which bounced")
	require.Equal(t, 1, r.Email.Bounced)
	require.Equal(t, analytics.Ratio{Numerator: 2, Denominator: 2, Value: val(1)}, r.Email.OpenRate,
		"Carla's and Victor's e-mails; Victor's second open and Dev's opens of no program e-mail do not count")
	require.Equal(t, analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}, r.Email.ClickRate)
	require.Equal(t, 2, r.Email.UnmatchedOpens, "Dev's: another sender's e-mail, and one naming no message")
	require.Zero(t, r.Email.UnmatchedClicks)
	require.Equal(t, []analytics.StageCount{{Stage: "Sales Ready", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}}}, r.Stages)
	var nodes []string
	for _, n := range r.Funnel[0].Nodes {
		nodes = append(nodes, n.Node)
	}
	require.Empty(t, cmp.Diff([]string{"intro", "wait-5d", "ready?", "alert", "sales-ready", "done"}, nodes), "(-want +got)")

	tc := r.CompareTruth(analytics.GroundTruth{"acme": {"data-platform": true}})
	require.Equal(t, 1, tc.Interests.TruePositives)
}

// wholeLog reads the engine's whole event log, a page at a time.
func wholeLog(t *testing.T, eng *engine.Engine) []store.Event {
	t.Helper()
	var log []store.Event
	for {
		after := int64(0)
		if len(log) > 0 {
			after = log[len(log)-1].Seq
		}
		page, err := eng.Events(context.Background(), "", after, 500)
		require.NoError(t, err)
		if len(page) == 0 {
			return log
		}
		log = append(log, page...)
	}
}

// deliverAll claims every due outbox message, records it delivered and
// returns the messages.
func deliverAll(t *testing.T, eng *engine.Engine, now time.Time) []channel.Message {
	t.Helper()
	ctx := context.Background()
	got, err := eng.Outbox().Claim(ctx, channel.ClaimParams{Now: now, Limit: 1000, Lease: time.Minute})
	require.NoError(t, err)
	var out []channel.Message
	for _, en := range got {
		out = append(out, en.Message)
		require.NoError(t, eng.Outbox().Record(ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: now,
			Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "test-" + en.ID, At: now}}))
	}
	return out
}
