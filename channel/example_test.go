package channel_test

import (
	"context"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
)

// A sales alert email for the S2 buying group: Acme's Data Platform group on
// day 5, after the Technical Evaluator requested a demo and the Economic
// Buyer attended a webinar.
func ExampleAlerter_Evaluate() {
	day5 := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)
	alerter, err := channel.NewAlerter(channel.AlerterConfig{
		Rules: []channel.AlertRule{{
			Name: "sales ready", SolutionInterest: "data-platform", Strategy: channel.StrategyMilestone,
			When:     channel.MilestoneQualified,
			Template: "sales-alert",
		}},
		Routing: channel.Routing{
			Owners:        map[string]string{"005-jdoe": "jane.doe@vendor.example"},
			FallbackQueue: "sales-queue@vendor.example",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	templates, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{channel.DefaultAlertTemplate}})
	if err != nil {
		fmt.Println(err)
		return
	}

	obs := &channel.Observation{
		Account:  b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000, Owner: "005-jdoe"},
		Interest: channel.SolutionInterest{ID: "data-platform", Name: "Data Platform"},
		Group: channel.GroupView{
			ID: "acme/data-platform", SolutionInterest: "data-platform", Name: "Data Platform for Acme",
			Completeness: 2.0 / 3, Score: 163, Stage: "Consideration", Qualified: true,
			MissingRoles: []string{"Champion"},
			Members: []channel.MemberView{
				{Person: "p-cfo", Name: "Carla Finch", Role: "Economic Buyer", Persona: "C-Level, Finance", Score: 60},
				{Person: "p-vpe", Name: "Victor Engel", Role: "Technical Evaluator", Persona: "VP, Engineering", Score: 95},
				{Person: "p-de", Name: "Dana Ek", Role: "End User", Persona: "Individual Contributor, Engineering", Score: 8},
				{Person: "p-mc", Name: "Mo Chen", Persona: "Individual Contributor, Marketing"},
			},
		},
		ReadinessReasons: []string{"completeness 67% >= 60% (rule \"ready\")", "group score 163 >= 150 (rule \"ready\")"},
		RecentActivities: []channel.ActivityView{
			{Time: day5.AddDate(0, 0, -2), Person: "Victor Engel", Role: "Technical Evaluator", Type: "request_demo", Description: "Requested a demo"},
			{Time: day5.AddDate(0, 0, -2), Person: "Carla Finch", Role: "Economic Buyer", Type: "attend_event", Description: "Attended the webinar \"Data Platform ROI\""},
		},
	}
	_, alerts, err := alerter.Evaluate(nil, obs, day5)
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, err := templates.AlertMessage(&alerts[0], obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("To:", msg.To)
	fmt.Println("Subject:", msg.Subject)
	fmt.Println()
	fmt.Println(msg.Text)
	// Output:
	// To: jane.doe@vendor.example
	// Subject: Acme: Data Platform buying group — milestone "sales ready" reached: group.qualified holds (completeness 67%, score 163, stage Consideration)
	//
	// Acme · Data Platform
	// Why now: milestone "sales ready" reached: group.qualified holds (completeness 67%, score 163, stage Consideration)
	// Stage Consideration · completeness 67% · score 163
	//
	// Engaged personas:
	// - Victor Engel, Technical Evaluator (VP, Engineering): 95
	// - Carla Finch, Economic Buyer (C-Level, Finance): 60
	// - Dana Ek, End User (Individual Contributor, Engineering): 8
	// Missing roles: Champion
	//
	// Recent activity:
	// - Mar 4 Victor Engel (Technical Evaluator): Requested a demo
	// - Mar 4 Carla Finch (Economic Buyer): Attended the webinar "Data Platform ROI"
	//
	// Readiness:
	// - completeness 67% >= 60% (rule "ready")
	// - group score 163 >= 150 (rule "ready")
	//
	// Next action: Ask Victor Engel (Technical Evaluator) to introduce the missing Champion
	//
	// Alert alert:acme/data-platform:sales ready:1 · rule sales ready · routed to you because rule "owner" (always) matched: account owner 005-jdoe is jane.doe@vendor.example
}

func ExampleCompileTemplates_error() {
	_, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{
		Name:      "intro",
		Marketing: true,
		Subject:   "{{.Person.FirstName | default \"Hello\"}}, meet {{.Interest.Name}}",
		HTML:      "<p>Hi {{.Person.FristName}},</p><p>{{.Group.MissingRoles}}</p>",
		Text:      "Hi {{.Person.FirstName | default \"there\"}}\nUnsubscribe: {{.UnsubscribeURL}}",
	}}})
	fmt.Println(err)
	// Output:
	// templates: 2 problems:
	//   emails[0].html: 1:16: unknown token .Person.FristName: b2b.Person has no field FristName (it has ID, Email, FirstName, LastName, Title, Department, Seniority, Phone, Company, AccountID, Consent, Attributes, Source, UpdatedAt)
	//   emails[0].html: 1:38: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})
}

func ExampleTemplates_RenderEmail() {
	templates, err := channel.CompileTemplates(channel.TemplateSet{
		Fragments: map[string]channel.Fragment{"footer": {
			HTML: `<p><a href="{{.UnsubscribeURL}}">Unsubscribe</a></p>`,
			Text: "Unsubscribe: {{.UnsubscribeURL}}",
		}},
		Emails: []channel.EmailTemplate{{
			Name: "intro", Marketing: true,
			Subject: "{{.Person.FirstName | default \"Hello\"}}, {{.Interest.Name}} for {{.Account.Name}}",
			HTML:    `<p>Hi {{.Person.FirstName | default "there"}}, {{.Account.Name}} is {{.Group.Completeness | percent}} there.</p>{{template "footer" .}}`,
			Text:    "Hi {{.Person.FirstName | default \"there\"}}, {{.Account.Name}} is {{.Group.Completeness | percent}} there.\n{{template \"footer\" .}}",
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := templates.RenderEmail("intro", &channel.RenderContext{
		Account:        b2b.Account{Name: "Smith & Sons <Ltd>"},
		Group:          channel.GroupView{Completeness: 0.5},
		Interest:       channel.SolutionInterest{Name: "Data Platform"},
		UnsubscribeURL: "https://vendor.example/u/p-1",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Subject)
	fmt.Println(out.HTML)
	// Output:
	// Hello, Data Platform for Smith & Sons <Ltd>
	// <p>Hi there, Smith &amp; Sons &lt;Ltd&gt; is 50% there.</p><p><a href="https://vendor.example/u/p-1">Unsubscribe</a></p>
}

func ExampleDispatcher() {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	outbox := channel.NewMemoryOutbox()
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk})
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: outbox, Email: rec, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	msg := channel.Message{Key: "journey:intro:p-1", Channel: channel.ChannelEmail, Person: "p-1",
		To: "ann@acme.com", Subject: "Hello", Text: "Hello Ann"}
	// A replayed journey step enqueues the same key again: stored once.
	_, _ = outbox.Enqueue(ctx, clk.Now(), msg)
	_, _ = outbox.Enqueue(ctx, clk.Now(), msg)
	rep, err := d.Dispatch(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rep.Outcomes {
		fmt.Println(o.EntryID, o.Status, o.Reason)
	}
	// Output:
	// ob-000001 delivered delivered as rec-000001
}
