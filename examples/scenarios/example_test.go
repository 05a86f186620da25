package scenarios_test

import (
	"fmt"

	"github.com/quorumhq/quorum/examples/scenarios"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// ExampleFS compiles scenario S2 from the embedded files and walks its
// journey: the path the scenario's test follows day by day.
func ExampleFS() {
	defs, err := programfile.LoadFS(scenarios.FS, "s2-pipeline-acceleration.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	prog, err := program.Compile(defs, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(prog.Name)
	for _, j := range defs.Journeys {
		fmt.Println("journey", j.ID)
		for _, n := range j.Nodes {
			var what any
			switch {
			case n.Action != nil:
				what = n.Action.Type
			case n.Wait != nil:
				what = n.Wait.For
			case n.Split != nil:
				what = n.Split.Paths[0].When
			case n.End != nil:
				what = n.End.Outcome
			}
			fmt.Printf("  %-12s %-7s %v\n", n.ID, n.Kind, what)
		}
	}
	// Output:
	// s2-pipeline-acceleration
	// journey pipeline-acceleration
	//   intro        action  email
	//   wait-5d      wait    5d
	//   ready?       split   group.completeness >= 0.6 && group.score >= 150
	//   alert        action  sales_alert
	//   sales-ready  action  change_stage
	//   alerted      end     sales ready
	//   nurture      action  email
	//   wait-7d      wait    7d
	//   not-engaged  end     not engaged
}
