package program_test

import (
	"fmt"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
)

// ExampleCompile compiles a program with one solution interest on the
// standard role template and a scoring model of its own; a program with
// mistakes is refused with every problem and where it is (and a model with
// an error is not also reported as unknown where it is named).
func ExampleCompile() {
	defs := program.Definitions{
		Name: "option-a",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
		Scoring: []scoring.Model{{Name: "engagement", Rules: []scoring.Rule{
			{Name: "demo request", Types: []b2b.ActivityType{b2b.ActivityFillOutForm},
				When: `attr(activity.attributes, "form", "") == "Demo Request"`, Points: 30},
			{Name: "page view", Types: []b2b.ActivityType{b2b.ActivityVisitWebPage}, Points: 2},
		}}},
		GroupScore: program.GroupScore{Models: map[string]string{"data-platform": "engagement"}},
	}
	prog, err := program.Compile(defs, program.Options{})
	fmt.Println(err, prog.ScorerFor("data-platform").Name())

	defs.Scoring[0].Rules[0].When = `attr(activity.attributes, "form") ==`
	defs.Interests[0].Template = "no-such-template"
	_, err = program.Compile(defs, program.Options{})
	fmt.Println(err)
	// Output:
	// <nil> engagement
	// invalid program
	// program "option-a": 2 problems:
	//   interests[0].template: unknown role template "no-such-template"
	//   scoring[0].rules[0].when: rule "demo request" 1:36: unexpected token EOF
	//       | attr(activity.attributes, "form") ==
	//       |                                    ^
}
