package programs_test

import (
	"fmt"

	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// ExampleFS loads each example program from the embedded files and
// compiles it, as "quorum validate" does with a file on disk. Default is
// the one "quorum simulate" runs when given none.
func ExampleFS() {
	for _, name := range []string{"option-a.yaml", "option-b.yaml", "option-c.yaml"} {
		defs, err := programfile.LoadFS(programs.FS, name)
		if err != nil {
			fmt.Println(err)
			return
		}
		prog, err := program.Compile(defs, program.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		var interests, journeys []string
		for _, in := range defs.Interests {
			interests = append(interests, in.ID)
		}
		for _, j := range defs.Journeys {
			journeys = append(journeys, j.ID)
		}
		fmt.Printf("%s: interests %v, journeys %v, readiness %s\n", prog.Name, interests, journeys, prog.Readiness.Name())
	}
	fmt.Println("default:", programs.Default)
	// Output:
	// option-a: interests [data-platform], journeys [pipeline-acceleration], readiness completeness+score
	// option-b: interests [data-platform security-suite], journeys [data-platform-acceleration security-suite-acceleration], readiness completeness+score
	// option-c: interests [data-platform], journeys [readiness-tracks], readiness model
	// default: option-b.yaml
}
