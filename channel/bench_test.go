package channel_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
)

func BenchmarkCompileTemplates(b *testing.B) {
	set := sampleSet()
	set.Emails = append(set.Emails, channel.DefaultAlertTemplate)
	for b.Loop() {
		if _, err := channel.CompileTemplates(set); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderEmail(b *testing.B) {
	ts, err := channel.CompileTemplates(sampleSet())
	if err != nil {
		b.Fatal(err)
	}
	rc := sampleContext()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ts.RenderEmail("intro", rc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlerterEvaluate(b *testing.B) {
	a, err := channel.NewAlerter(channel.AlerterConfig{Routing: routing, Rules: []channel.AlertRule{
		{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Template: "t"},
		{Name: "complete", Strategy: channel.StrategyMilestone, When: channel.MilestoneComplete, Template: "t"},
		{Name: "decision", Strategy: channel.StrategyStage, ToStages: []string{"Decision"}, Template: "t"},
	}})
	if err != nil {
		b.Fatal(err)
	}
	obs := acme()
	st := channel.AlertState{}
	b.ReportAllocs()
	for b.Loop() {
		st, _, err = a.Evaluate(st, obs, t0)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDispatch1000 delivers 1,000 outbox entries to a recording sender.
func BenchmarkDispatch1000(b *testing.B) {
	msgs := make([]channel.Message, 1000)
	for i := range msgs {
		msgs[i] = channeltest.Email(fmt.Sprintf("k%04d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		clk := clock.NewManual(t0)
		ob := channel.NewMemoryOutbox()
		rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk})
		d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: rec, Clock: clk, Lease: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ob.Enqueue(context.Background(), t0, msgs...); err != nil {
			b.Fatal(err)
		}
		rep, err := d.Dispatch(context.Background())
		if err != nil || rep.Delivered != 1000 {
			b.Fatal(err, rep.Delivered)
		}
	}
}
