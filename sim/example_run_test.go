package sim_test

import (
	"context"
	"fmt"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
)

// ExampleRun runs option A's program on a small world for six weeks, then
// reads the KPIs from the run's event log and compares the accounts that
// became MQAs with the world's truth.
func ExampleRun() {
	ctx := context.Background()
	defs, err := programfile.LoadFS(programs.FS, "option-a.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	prog, err := program.Compile(defs, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := sim.New(sim.Config{Seed: 7, Accounts: 20, Days: 42, SolutionInterests: []string{"data-platform"},
		InMarketShare: 0.3, ActivityScale: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := sim.Run(ctx, w, sim.RunConfig{Program: prog})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("until %s: %d records rejected, %d messages delivered\n",
		res.End.Format("2006-01-02"), len(res.Ingest.Rejected), res.Delivery.Delivered)

	log, err := res.Store.Events(ctx, &store.EventsParams{Tenant: "default", Limit: 1 << 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{To: res.End})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("MQAs: %d of %d accounts\n", r.MQA.Accounts.Numerator, r.MQA.Accounts.Denominator)
	acc := r.CompareTruth(analytics.GroundTruth(w.Truth.InMarket)).Accounts
	fmt.Printf("against the truth: precision %d/%d, recall %d/%d\n",
		acc.Precision.Numerator, acc.Precision.Denominator, acc.Recall.Numerator, acc.Recall.Denominator)
	// Output:
	// until 2026-02-16: 0 records rejected, 522 messages delivered
	// MQAs: 6 of 20 accounts
	// against the truth: precision 6/6, recall 6/7
}
