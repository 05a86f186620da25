package programfile_test

import (
	"errors"
	"fmt"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// A small program: one solution interest on the standard buying
// committee, the default scoring, and a journey that emails the committee
// when its group is created.
func Example() {
	src := `
name: welcome
interests:
  - id: data-platform
    name: Data Platform
    template: standard
journeys:
  - id: welcome
    triggers:
      - {type: group_created, solutionInterest: data-platform}
    nodes:
      - id: hello
        kind: action
        action: {type: email, template: hello, next: done}
      - id: done
        kind: end
        end: {outcome: welcomed}
caps:
  - {name: marketing email, channel: email, max: 2, per: 7d}
templates:
  emails:
    - name: hello
      marketing: true
      subject: "{{.Interest.Name}} for {{.Account.Name}}"
      html: '<p>Hello!</p><a href="{{.UnsubscribeURL}}">Unsubscribe</a>'
      text: "Hello! Unsubscribe: {{.UnsubscribeURL}}"
`
	p, err := programfile.Compile("welcome.yaml", []byte(src), program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defs := p.Definitions()
	fmt.Println("program:", p.Name)
	for _, in := range p.Groups.Interests() {
		fmt.Printf("interest %s: %d roles\n", in.ID, len(in.RoleTemplate().Roles))
	}
	fmt.Println("scoring model:", p.GroupScorer.Name())
	fmt.Println("readiness:", p.Readiness.Name())
	fmt.Println("journeys:", p.Journeys.Journeys())
	fmt.Println("cap:", defs.Caps[0].Name, defs.Caps[0].Max, "per", defs.Caps[0].Per)
	// Output:
	// program: welcome
	// interest data-platform: 8 roles
	// scoring model: default
	// readiness: completeness+score
	// journeys: [welcome]
	// cap: marketing email 2 per 7d
}

// Every problem of a file comes at once, each at its place: here a field
// that does not exist and, once that is fixed, a rule that does not
// compile, placed at the very character the rules engine points at.
func Example_error() {
	src := `name: broken
interests:
  - id: data-platform
    template: standard
    aplies: {name: big, expr: account.employees >= 500}
`
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	fmt.Println(err)

	src = `name: broken
interests:
  - id: data-platform
    template: standard
journeys:
  - id: nurture
    nodes:
      - id: engaged?
        kind: split
        split:
          paths:
            - name: engaged
              when: group.completeness >= 0.6 && grup.score >= 150
              next: done
          else: done
      - {id: done, kind: end, end: {}}
`
	_, err = programfile.Compile("broken.yaml", []byte(src), program.Options{})
	fmt.Println(err)
	fmt.Println(errors.Is(err, program.ErrInvalid))
	// Output:
	// broken.yaml:5:5: interests[0].aplies: unknown field "aplies" (did you mean "applies"?)
	// broken.yaml:13:50: journeys[0].nodes[0].split.paths[0].when: rule "engaged? engaged" 1:30: unknown name grup
	//       | group.completeness >= 0.6 && grup.score >= 150
	//       |                              ^
	// true
}
