package analytics_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/store"
)

// Compute reads a whole event log (here hand-built; a host reads it with
// engine.Events or store.Events) and reports the KPIs.
func ExampleCompute() {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(seq int64, account string, days int, typ, data string) store.Event {
		return store.Event{Seq: seq, Account: b2b.AccountID(account), Time: t0.AddDate(0, 0, days), Type: typ, Data: []byte(data)}
	}
	log := []store.Event{
		ev(1, "acme", 0, "buyinggroup.group_created", `{"type":"group_created","group":"acme/dp","interest":"data-platform"}`),
		ev(2, "acme", 0, "group.updated", `{"group":"acme/dp","interest":"data-platform","stage":"Awareness","completeness":0.5,"score":20}`),
		ev(3, "globex", 0, "group.updated", `{"group":"globex/dp","interest":"data-platform","stage":"Awareness","completeness":0.75,"score":40}`),
		ev(4, "acme", 9, "group.updated", `{"group":"acme/dp","interest":"data-platform","stage":"Sales Ready","completeness":1,"score":160}`),
		ev(5, "acme", 9, "alert.raised", `{"id":"al-1","rule":"sales-ready"}`),
		ev(6, "acme", 10, "alert.acknowledged", `{"id":"al-1"}`), // the rep opened it,
		ev(7, "acme", 10, "alert.acted_on", `{"id":"al-1"}`),     // and called the account
	}
	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{To: t0.AddDate(0, 0, 30)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("completeness: %d of %d groups\n", r.Completeness.Numerator, r.Completeness.Denominator)
	fmt.Printf("engagement: mean %.1f\n", *r.Engagement.Mean)
	fmt.Printf("MQA rate: %d of %d accounts\n", r.MQA.Accounts.Numerator, r.MQA.Accounts.Denominator)
	fmt.Printf("velocity to sales-ready: %.1f days\n", *r.Velocity.ToSalesReady.Days.Mean)
	fmt.Printf("alert response: %.0f%%\n", *r.AlertResponse.Rate.Value*100)
	fmt.Printf("email open rate: %s\n", r.Email.OpenRate.Reason)

	truth := analytics.GroundTruth{"acme": {"data-platform": true}, "globex": {"data-platform": true}}
	acc := r.CompareTruth(truth).Accounts
	fmt.Printf("precision %.2f, recall %.2f\n", *acc.Precision.Value, *acc.Recall.Value)
	// Output:
	// completeness: 1 of 2 groups
	// engagement: mean 100.0
	// MQA rate: 1 of 2 accounts
	// velocity to sales-ready: 9.0 days
	// alert response: 100%
	// email open rate: no e-mail delivered in the period
	// precision 1.00, recall 0.50
}

// A Collector keeps the KPIs current from a stream of events: feed each
// new event as it is committed and report whenever needed.
func ExampleCollector() {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c, err := analytics.New(analytics.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	stream := []store.Event{
		{Seq: 1, Account: "acme", Time: t0, Type: "qualify.rate", Data: []byte(`{"persons":5,"qualified":2}`)},
		{Seq: 2, Account: "acme", Time: t0.Add(time.Hour), Type: "qualify.rate", Data: []byte(`{"persons":5,"qualified":4}`)},
		{Seq: 3, Account: "acme", Time: t0.Add(2 * time.Hour), Type: "group.updated", Data: []byte(`{"group":"acme/dp"}`)},
	}
	for _, ev := range stream {
		if err := c.Add(ev); err != nil {
			fmt.Println(err)
			continue
		}
		r, _ := c.Report(analytics.Period{})
		fmt.Printf("seq %d: qualification %d/%d\n", ev.Seq, r.Qualification.Numerator, r.Qualification.Denominator)
	}
	r, _ := c.Report(analytics.Period{})
	var text strings.Builder
	_ = r.WriteText(&text) // the text report; json.Marshal(r) for JSON
	lines := strings.Split(text.String(), "\n")
	fmt.Println(strings.Join(lines[:2], "\n"))
	// Output:
	// seq 1: qualification 2/5
	// seq 2: qualification 4/5
	// event 3 (group.updated, account "acme"): malformed event: no completeness
	// Quorum KPIs from the first event to 2026-03-02 10:00 UTC
	// 1 account, 0 buying groups; events: 2 read, 0 ignored, 1 malformed, 0 out of order
}

// ConfigFor gives the KPIs the stage notions of the program's stage
// models (program.Program.StageModels): here a model whose groups are
// handed to sales in "Handoff", which the zero Config does not know.
func ExampleConfigFor() {
	model := buyinggroup.StageModel{ID: "pilot", Stages: []buyinggroup.Stage{
		{Name: "Aware", Entry: true}, {Name: "Pilot"}, {Name: "Handoff"},
		{Name: "Won", Success: true}, {Name: "Lost", Failure: true},
	}}
	cfg := analytics.ConfigFor(model)
	fmt.Println("sales-ready:", cfg.SalesReadyStages)
	fmt.Println("stage order:", cfg.StageOrder)

	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	log := []store.Event{
		{Seq: 1, Account: "acme", Time: t0, Type: "group.updated", Data: []byte(`{"group":"acme/dp","stage":"Pilot","completeness":0.5,"score":40}`)},
		{Seq: 2, Account: "acme", Time: t0.AddDate(0, 0, 6), Type: "group.updated", Data: []byte(`{"group":"acme/dp","stage":"Handoff","completeness":1,"score":170}`)},
	}
	for _, c := range []analytics.Config{{}, cfg} {
		r, err := analytics.Compute(log, c, analytics.Period{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("MQA rate: %d of %d accounts\n", r.MQA.Accounts.Numerator, r.MQA.Accounts.Denominator)
	}
	// Output:
	// sales-ready: [Handoff]
	// stage order: [Aware Pilot Handoff Won Lost]
	// MQA rate: 0 of 1 accounts
	// MQA rate: 1 of 1 accounts
}

// ConfigForInterests judges each group by its own interest's stage model:
// here "Decision" hands a renewal group to sales, and is an early stage
// of the default model that the data-platform groups follow. ConfigFor,
// which pools the models' sales-ready stages, makes both groups MQAs.
func ExampleConfigForInterests() {
	renewal := buyinggroup.StageModel{ID: "renewal", Stages: []buyinggroup.Stage{
		{Name: "Awareness", Entry: true}, {Name: "Decision"}, {Name: "Renewed", Success: true}, {Name: "Churned", Failure: true},
	}, Transitions: []buyinggroup.Transition{{From: "Awareness", To: "Decision"}, {From: "Decision", To: "Renewed"}, {From: "*", To: "Churned"}}}
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{ // a host has them as prog.Groups
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Template: buyinggroup.StandardTemplateID},
			{ID: "renewal", Template: buyinggroup.StandardTemplateID, StageModel: "renewal"},
		},
		StageModels: []buyinggroup.StageModel{renewal},
	}, buyinggroup.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := analytics.ConfigForInterests(cat.Interests()...)
	fmt.Println("sales-ready:", cfg.SalesReadyByInterest)

	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	log := []store.Event{
		{Seq: 1, Account: "acme", Time: t0, Type: "group.updated", Data: []byte(`{"group":"acme/data-platform","interest":"data-platform","stage":"Decision","completeness":0.6,"score":120}`)},
		{Seq: 2, Account: "globex", Time: t0, Type: "group.updated", Data: []byte(`{"group":"globex/renewal","interest":"renewal","stage":"Decision","completeness":0.6,"score":120}`)},
	}
	for _, c := range []analytics.Config{analytics.ConfigFor(buyinggroup.DefaultStageModel(), renewal), cfg} {
		r, err := analytics.Compute(log, c, analytics.Period{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("MQA rate: %d of %d accounts\n", r.MQA.Accounts.Numerator, r.MQA.Accounts.Denominator)
	}
	// Output:
	// sales-ready: map[data-platform:[Sales Ready] renewal:[Decision]]
	// MQA rate: 2 of 2 accounts
	// MQA rate: 1 of 2 accounts
}
