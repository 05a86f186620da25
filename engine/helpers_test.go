package engine_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// day0 is the first day of every scenario: Monday 2026-03-02, 09:00 UTC.
var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

type bundle struct {
	ctx   context.Context
	eng   *engine.Engine
	store store.Store
	clock *clock.Manual
}

func setup(t *testing.T, defs program.Definitions, opts ...func(*engine.Config)) *bundle {
	t.Helper()
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	st := memory.New()
	c := clock.NewManual(day0)
	cfg := engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	require.NoError(t, err)
	return &bundle{ctx: context.Background(), eng: eng, store: st, clock: c}
}

// stateStores are a store that keeps states as values and one that keeps
// them encoded, for the tests that must pass on both.
var stateStores = []struct {
	name  string
	store func() store.Store
}{
	{"values", func() store.Store { return memory.New() }},
	{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
}

// dataPlatform is a program with one solution interest on the standard
// template.
func dataPlatform() program.Definitions {
	return program.Definitions{
		Name: "option-a",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform", CRMProduct: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
	}
}

func acmeRecord() identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
		Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}, Time: day0.Add(-24 * time.Hour)}
}

func lead(id, email, first, last, title, company string) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: day0.Add(-time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, Company: company,
			Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, -1, 0)}}}}
}

func contact(id, email, first, last, title string, account b2b.AccountID) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: id, Time: day0.Add(-2 * time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, AccountID: account}}
}

func activity(id string, typ b2b.ActivityType, person string, at time.Time, attrs map[string]any) b2b.Activity {
	return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: b2b.PersonID(person), Source: b2b.SourceMarketo, Time: at, Attributes: attrs}
}

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

// setupGlobex loads Globex (globex.com) and its CTO, Gina Ross (L-9).
func setupGlobex(t *testing.T, b *bundle) {
	t.Helper()
	_, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
		Persons: []identity.PersonRecord{lead("L-9", "gina@globex.com", "Gina", "Ross", "CTO", "Globex")}})
	require.NoError(t, err)
}

// claimAll claims every due outbox message and marks it delivered.
func claimAll(t *testing.T, b *bundle, now time.Time) []channel.Message {
	t.Helper()
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: now, Limit: 1000, Lease: time.Minute})
	require.NoError(t, err)
	var out []channel.Message
	for _, en := range got {
		out = append(out, en.Message)
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: now,
			Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "test-" + en.ID, At: now}}))
	}
	return out
}

// countEvents counts the events of a type in an account's log.
func countEvents(t *testing.T, b *bundle, account b2b.AccountID, typ string) int {
	t.Helper()
	return countEventsWhere(t, b, account, func(e store.Event) bool { return e.Type == typ })
}

// countEventsWhere counts the events of an account's log that match.
func countEventsWhere(t *testing.T, b *bundle, account b2b.AccountID, match func(store.Event) bool) int {
	t.Helper()
	evs, err := b.eng.Events(b.ctx, account, 0, 1<<20)
	require.NoError(t, err)
	n := 0
	for _, e := range evs {
		if match(e) {
			n++
		}
	}
	return n
}

// engageUntilTheAlert has Victor (L-2) request a demo and Carla (L-1)
// attend a webinar on day 3, then lets time pass to day 5, when the
// pipeline-acceleration journey's split finds the committee engaged and
// raises its sales alert.
func engageUntilTheAlert(t *testing.T, b *bundle) {
	t.Helper()
	b.clock.Set(day(3))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil),
		activity("w", b2b.ActivityAttendEvent, "L-1", day(3), nil))
	require.NoError(t, err)
	b.clock.Set(day(5))
	_, err = b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
}

// unsubscribeURL is the hosts' unsubscribe endpoint in these tests.
func unsubscribeURL(_ b2b.AccountID, p b2b.PersonID) string {
	return "https://acme.example/unsubscribe?p=" + url.QueryEscape(string(p))
}

// personScores returns the score of each person of account acc as its
// view at at shows it.
func personScores(t *testing.T, b *bundle, acc b2b.AccountID, at time.Time) map[b2b.PersonID]float64 {
	t.Helper()
	v, err := b.eng.Account(b.ctx, acc, at)
	require.NoError(t, err)
	out := map[b2b.PersonID]float64{}
	for _, p := range v.Persons {
		out[p.Person.ID] = p.Score
	}
	return out
}
