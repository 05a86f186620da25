package governance_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

// TestGovernorLabelsAndUsesWithBlanks: a label or use with blanks around
// it (" no-export", a YAML value with a trailing space) matches no policy,
// so it would let through what the policy forbids; it is reported where
// it is, never taken.
func TestGovernorLabelsAndUsesWithBlanks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		datasets []governance.Dataset
		policies []governance.Policy
		want     string
	}{
		{"a dataset label",
			[]governance.Dataset{{Name: "accounts", Labels: []string{"no-export "}, Fields: map[string][]string{"annualRevenue": nil}}},
			[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}}},
			`data governance: datasets[0].labels[0]: "no-export " has blanks around it: it would match no policy's label`},
		{"a field label",
			[]governance.Dataset{{Name: "accounts", Fields: map[string][]string{"annualRevenue": {"\tno-export"}}}},
			[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}}},
			`data governance: datasets[0].fields.annualRevenue[0]: "\tno-export" has blanks around it: it would match no policy's label`},
		{"a policy's label",
			[]governance.Dataset{{Name: "accounts", Fields: map[string][]string{"annualRevenue": {governance.LabelNoExport}}}},
			[]governance.Policy{{Name: "no export", Forbid: " no-export", For: []string{governance.UseAdvertising}}},
			`data governance: policies[0].forbid: " no-export" has blanks around it: it would match no dataset's label`},
		{"a policy's use",
			[]governance.Dataset{{Name: "accounts", Fields: map[string][]string{"annualRevenue": {governance.LabelNoExport}}}},
			[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{"advertising "}}},
			`data governance: policies[0].for[0]: "advertising " has blanks around it: it would match no destination's use`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := governance.NewGovernor(tc.datasets, tc.policies)
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
		})
	}

	g := governor(t)
	err := g.Check(governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"annualRevenue"},
		Destination: governance.Destination{Name: "LinkedIn", Uses: []string{"advertising "}}})
	require.EqualError(t, err, `activation "abm": destination.uses[0]: "advertising " has blanks around it: it would match no policy's use`)
	require.ErrorIs(t, err, b2b.ErrInvalid)
}
