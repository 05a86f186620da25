package simtrain_test

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/sim/simtrain"
)

// ExampleCollect records option A's run on a small world, trains a
// readiness model on the snapshots labelled with the world's truth, and
// chooses the model's thresholds so that it makes as many groups ready as
// option A did.
func ExampleCollect() {
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

	// Record: every group at the end of days 14, 21, 28, 35 and 42.
	h, err := simtrain.Collect(context.Background(), w, simtrain.Config{Program: prog})
	if err != nil {
		fmt.Println(err)
		return
	}
	examples := h.Examples(simtrain.LabelBuying)
	buying := 0
	for _, e := range examples {
		if e.Outcome {
			buying++
		}
	}
	fmt.Printf("%d snapshots, %d examples, %d of them buying\n", len(h.Snapshots), len(examples), buying)

	// Train.
	m, err := qualify.ModelTrainer{Seed: 1}.Train(examples)
	if err != nil {
		fmt.Println(err)
		return
	}
	var features []string
	for _, t := range m.Terms {
		if !slices.Contains(features, t.Feature) { // one term per industry
			features = append(features, t.Feature)
		}
	}
	fmt.Println("features:", strings.Join(features, ", "))
	fmt.Println("ranks better than chance on held-out examples:", m.Evaluation.AUC > 0.5)

	// Choose thresholds at option A's volume.
	th, err := h.MatchVolume(m, prog.Readiness)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("option A made %d of %d groups ready; so does the model at probability %.2f\n", th.ReadyGroups, th.Groups, th.Ready)
	// Output:
	// 100 snapshots, 95 examples, 25 of them buying
	// features: completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry
	// ranks better than chance on held-out examples: true
	// option A made 6 of 20 groups ready; so does the model at probability 0.92
}
