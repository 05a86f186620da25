package programfile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// A rule written as {name, expr} whose expression is a number, which the
// program reads as the text of an expression, is placed at the
// expression, as a rule written as text and a number in a plain rule (an
// audience's) are; it was placed at the rule's first field, the name,
// and one reached through an alias was said to be written there.
func TestRuleOfANumberAtItsExpression(t *testing.T) {
	t.Parallel()
	src := base + `    applies:
      name: big
      expr: -7
  - id: sec
    template: standard
    applies: {name: small, expr: 1.5}
  - id: ops
    template: standard
    applies: {name: zero, expr: &zero 0}
  - id: hr
    template: standard
    applies: {name: again, expr: *zero}
audiences:
  - name: a
    rule: 7
`
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.Error(t, err)
	want := []string{
		`7:13: interests[0].applies: rule "big" 1:1: expected bool, got int`,
		`10:34: interests[1].applies: rule "small" 1:1: expected bool, got float64`,
		`13:39: interests[2].applies: rule "zero" 1:1: expected bool, got int`,
		`16:34: interests[3].applies: rule "again" 1:1: expected bool, got int (through *zero: written at line 13, column 39, under &zero at line 13, column 33)`,
		`19:11: audiences[0].rule: rule "a" 1:1: expected bool, got int`,
	}
	require.Empty(t, cmp.Diff(want, problems(t, err)), "(-want +got)\n%s", err)
}
