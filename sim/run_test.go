package sim_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
)

// testProgram has both of the world's interests, a pipeline journey for
// each and an alert on hot groups.
func testProgram(t testing.TB) *program.Program {
	t.Helper()
	tpl := func(name string) channel.EmailTemplate {
		return channel.EmailTemplate{Name: name, Marketing: true, Subject: "{{.Interest.Name}} for {{.Account.Name}}",
			HTML: `<p>Hi {{.Person.FirstName | default "there"}}</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
			Text: "Hi {{.Person.FirstName | default \"there\"}} {{.UnsubscribeURL}}"}
	}
	j := func(interest string) journey.Journey {
		return journey.Journey{ID: "accelerate-" + interest,
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}},
			Nodes: []journey.Node{
				{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "wait"}},
				{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "ready?"}},
				{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
					{Name: "engaged", When: "group.completeness >= 0.6 && group.score >= 100", Next: "alert"}}, Else: "nurture"}},
				{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "ready"}},
				{ID: "ready", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: buyinggroup.StageSalesReady, Next: "done"}},
				{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "sales ready"}},
				{ID: "nurture", Kind: journey.KindAction, Limit: &journey.VisitLimit{Max: 6, Then: "cold"},
					Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Recipients: &journey.Recipients{When: "score < 20"}, Next: "again"}},
				{ID: "again", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(7), Next: "ready?"}},
				{ID: "cold", Kind: journey.KindEnd, End: &journey.End{Outcome: "not engaged"}},
			}}
	}
	p, err := program.Compile(program.Definitions{
		Name: "sim-test",
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Name: "Data Platform", CRMProduct: "data-platform", Template: buyinggroup.StandardTemplateID},
			{ID: "security-suite", Name: "Security Suite", CRMProduct: "security-suite", Template: buyinggroup.StandardTemplateID},
		},
		Caps:      []journey.Cap{{Name: "2 emails a week", Channel: b2b.ChannelEmail, Max: 2, Per: journey.Days(7)}},
		Templates: channel.TemplateSet{Emails: []channel.EmailTemplate{tpl("intro"), tpl("nurture")}},
		Routing:   channel.Routing{FallbackQueue: "sales@quorum.example"},
		Journeys:  []journey.Journey{j("data-platform"), j("security-suite")},
	}, program.Options{})
	require.NoError(t, err)
	return p
}

func TestRun(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 3, Accounts: 60, Days: 45})
	require.NoError(t, err)
	res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t)})
	require.NoError(t, err)
	require.Empty(t, res.Ingest.Rejected, "the world's inputs are all valid")
	require.Positive(t, res.Ingest.Applied)
	require.Positive(t, res.Delivery.Delivered)
	require.Equal(t, w.Date(45), res.End)

	evs, err := res.Store.Events(context.Background(), &store.EventsParams{Tenant: "default", Limit: 1 << 30})
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range evs {
		count[e.Type]++
	}
	for _, typ := range []string{"buyinggroup.group_created", "journey.enter", "message.queued", "message.delivered", "alert.raised", "group.updated"} {
		require.Positive(t, count[typ], "the run produced %s events", typ)
	}
	require.Equal(t, 120, count["buyinggroup.group_created"], "one group per account and interest")
	require.Positive(t, count["alert.acted_on"], "sales followed up some alerts")

	// Same seed, same run.
	again, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t)})
	require.NoError(t, err)
	evs2, err := again.Store.Events(context.Background(), &store.EventsParams{Tenant: "default", Limit: 1 << 30})
	require.NoError(t, err)
	require.Equal(t, len(evs), len(evs2))
	_ = time.Now
}

// TestRunEmailRatesMeasureTheProgramsEmails checks that the e-mail KPIs of
// a run count the opens and clicks of the e-mails the program sent, as the
// engagement model makes them, and not the world's own e-mail activities.
func TestRunEmailRatesMeasureTheProgramsEmails(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 3, Accounts: 60, Days: 45})
	require.NoError(t, err)
	organic := 0
	for d := range w.Config.Days {
		for _, a := range w.Day(d) {
			switch a.Type {
			case b2b.ActivityOpenEmail, b2b.ActivityClickEmail, b2b.ActivityOpenSalesEmail, b2b.ActivityClickSalesEmail:
				organic++
			}
		}
	}
	require.Positive(t, organic, "the world has e-mail engagement of its own")
	typical := channeltest.TypicalB2BEmail
	for _, tt := range []struct {
		name             string
		model            channeltest.EngagementModel
		open, click, tol float64
	}{
		{"nobody opens", channeltest.EngagementModel{}, 0, 0, 0},
		// 25% open, 12% of openers click: 3% of delivered e-mails.
		{"typical", typical, typical.OpenRate, typical.OpenRate * typical.ClickRate, 0.02},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t), Email: &tt.model})
			require.NoError(t, err)
			r := runReport(t, res)
			require.Positive(t, r.Email.Delivered)
			require.InDelta(t, tt.open, *r.Email.OpenRate.Value, tt.tol, "opens %d of %d delivered", r.Email.OpenRate.Numerator, r.Email.Delivered)
			require.InDelta(t, tt.click, *r.Email.ClickRate.Value, tt.tol, "clicks %d of %d delivered", r.Email.ClickRate.Numerator, r.Email.Delivered)
			require.Zero(t, r.Email.UnmatchedOpens, "every open of open_email is of a program e-mail, which it names")
			require.Zero(t, r.Email.UnmatchedClicks)
		})
	}
}

// TestRunFunnelArrivalsFollowThePaths checks the journey funnel of option
// B, whose caps defer messages: "nurture" is reached only from "ready?", so
// it cannot have more arrivals, however late its deferred e-mails go out.
func TestRunFunnelArrivalsFollowThePaths(t *testing.T) {
	t.Parallel()
	defs, err := programfile.LoadFS(programs.FS, "option-b.yaml")
	require.NoError(t, err)
	p, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	w, err := sim.New(sim.Config{Seed: 1, Accounts: 100, Days: 60, SolutionInterests: []string{"data-platform", "security-suite"}})
	require.NoError(t, err)
	res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: p})
	require.NoError(t, err)
	r := runReport(t, res)
	require.NotEmpty(t, r.Funnel)
	for _, f := range r.Funnel {
		arrivals := map[string]int{}
		for _, n := range f.Nodes {
			arrivals[n.Node] = n.Arrivals
		}
		require.Positive(t, arrivals["nurture"], f.Journey)
		require.LessOrEqual(t, arrivals["nurture"], arrivals["ready?"], "%s: %v", f.Journey, arrivals)
	}
}

// runReport computes the KPIs of a finished run.
func runReport(t *testing.T, res *sim.Result) *analytics.Report {
	t.Helper()
	evs, err := res.Store.Events(context.Background(), &store.EventsParams{Tenant: "default", Limit: 1 << 30})
	require.NoError(t, err)
	r, err := analytics.Compute(evs, analytics.Config{}, analytics.Period{To: res.End})
	require.NoError(t, err)
	return r
}

// TestRunRollup checks that RunConfig.Rollup reaches the engine: with it,
// a parent account's persons include those of its subsidiaries; without
// it (the default), each account has only its own.
func TestRunRollup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, err := sim.New(sim.Config{Seed: 5, Accounts: 60, Days: 10, SubsidiaryShare: 0.3})
	require.NoError(t, err)
	parents := map[b2b.AccountID]bool{}
	for _, a := range w.Accounts {
		if a.ParentID != "" {
			parents[a.ParentID] = true
		}
	}
	require.NotEmpty(t, parents, "the world has subsidiaries")
	// Whom a person works for, by the e-mail of the records.
	employer := map[string]b2b.AccountID{}
	for _, r := range w.Persons {
		if r.Email != "" {
			employer[r.Email] = w.Truth.Account[w.Truth.Golden[r.ID]]
		}
	}
	persons := func(rollup bool) (int, map[b2b.AccountID]int) {
		res, err := sim.Run(ctx, w, sim.RunConfig{Program: testProgram(t), Rollup: rollup})
		require.NoError(t, err)
		total, own := 0, map[b2b.AccountID]int{}
		for id := range parents {
			v, err := res.Engine.Account(ctx, id, res.End)
			require.NoError(t, err)
			total += len(v.Persons)
			for _, p := range v.Persons {
				if acc, ok := employer[p.Person.Email]; ok {
					own[acc]++
				}
			}
		}
		return total, own
	}
	alone, ownAlone := persons(false)
	rolled, ownRolled := persons(true)
	require.Greater(t, rolled, alone, "rolled up, parents see their subsidiaries' persons")
	for acc := range ownAlone {
		require.True(t, parents[acc], "without rollup a parent has only its own persons, not %s's", acc)
	}
	sub := 0
	for acc, n := range ownRolled {
		if !parents[acc] {
			sub += n
		}
	}
	require.Positive(t, sub, "with rollup some of a parent's persons work for a subsidiary")
}

// TestRunFollowUpsAreThoseTheCRMLogged checks that the follow-ups a run
// counts are those that reached the engine by the run's end: a rep's call
// due after the last simulated day has not happened, and no alert shows it
// as acted on. Every rep follows up here, so each counted follow-up acted
// on its alert.
func TestRunFollowUpsAreThoseTheCRMLogged(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		days   int
		reason string
	}{
		{"alerts on the last day", 20, "the day-19 alerts' calls are due after the end"},
		{"alerts days before the end", 45, "every call came before the end"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := sim.New(sim.Config{Seed: 3, Accounts: 60, Days: tt.days})
			require.NoError(t, err)
			res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t), SalesFollowUp: 1})
			require.NoError(t, err)
			evs, err := res.Store.Events(context.Background(), &store.EventsParams{Tenant: "default", Limit: 1 << 30})
			require.NoError(t, err)
			raised, actedOn := 0, map[string]bool{}
			for _, e := range evs {
				var p struct{ ID string }
				switch e.Type {
				case "alert.raised":
					raised++
				case "alert.acted_on":
					require.NoError(t, json.Unmarshal(e.Data, &p))
					actedOn[p.ID] = true
				}
			}
			require.Positive(t, raised)
			require.LessOrEqual(t, res.FollowUps, len(actedOn), tt.reason)
		})
	}
}
