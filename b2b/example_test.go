package b2b_test

import (
	"fmt"

	"github.com/quorumhq/quorum/b2b"
)

func ExamplePerson_Validate() {
	p := b2b.Person{ID: "p-1", Email: "ann@", Seniority: "Boss"}
	fmt.Println(p.Validate())
	// Output:
	// person "p-1": 2 problems:
	//   email: "ann@" is not a valid email address
	//   seniority: unknown seniority "Boss" (want one of C-Level, VP, Director, Manager, Individual Contributor)
}

func ExampleActivityTypeFromMarketoID() {
	t, ok := b2b.ActivityTypeFromMarketoID(2)
	fmt.Println(t, ok)
	// Output: fill_out_form true
}
