package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestRun checks the whole output: for each person the first rule that
// matches, with its source, or "no role"; then the broken rule's error with
// its position.
func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	want := `Chief Financial Officer  -> Economic Buyer (rule: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"])
VP of Engineering        -> Technical Evaluator (rule: person.seniority in ["VP", "Director"] && person.department in ["IT", "Engineering", "Security"])
Sr. Data Engineer        -> End User (rule: person.seniority == "Individual Contributor" && icontains(person.title, "data"))
Marketing Coordinator    -> no role

A broken rule is refused at load time:
rule "Champion" 1:8: type b2b.Person has no field seniorty
  | person.seniorty == "Manager"
  |        ^
`
	require.Empty(t, cmp.Diff(want, b.String()), "(-want +got)")
}
