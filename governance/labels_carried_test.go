package governance_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

// TestGovernorPolicyLabelNoDatasetCarries: a policy that forbids a label
// no dataset or field carries forbids nothing (a Governor's datasets are
// fixed when it is built), as a misspelt label ("No-Export", "no_export")
// would; it is reported with the policy and the label, never taken.
func TestGovernorPolicyLabelNoDatasetCarries(t *testing.T) {
	t.Parallel()
	accounts := governance.Dataset{Name: "accounts", Labels: []string{governance.LabelSensitiveCompany},
		Fields: map[string][]string{"domain": nil, "annualRevenue": {governance.LabelNoExport}}}
	for _, tc := range []struct {
		name     string
		datasets []governance.Dataset
		policies []governance.Policy
		want     string // "" when the governor is valid
	}{
		{"a label on a field", []governance.Dataset{accounts},
			[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}}}, ""},
		{"a label on a dataset", []governance.Dataset{accounts},
			[]governance.Policy{{Name: "sensitive", Forbid: governance.LabelSensitiveCompany, For: []string{governance.UseThirdParty}}}, ""},
		{"a misspelt label", []governance.Dataset{accounts},
			[]governance.Policy{{Name: "no export", Forbid: "no_export", For: []string{governance.UseAdvertising}}},
			`data governance: policies[0].forbid: policy "no export" forbids "no_export", which no dataset or field carries: it would forbid nothing`},
		{"a label in another case", []governance.Dataset{accounts},
			[]governance.Policy{{Name: "no export", Forbid: "No-Export", For: []string{governance.UseAdvertising}}},
			`data governance: policies[0].forbid: policy "no export" forbids "No-Export", which no dataset or field carries: it would forbid nothing (labels are compared case included; a dataset or field carries "no-export")`},
		{"every policy at once, no dataset",
			nil,
			[]governance.Policy{
				{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}},
				{Name: "no personal data in ads", Forbid: governance.LabelPersonal, For: []string{governance.UseAdvertising}},
			},
			`data governance: 2 problems:
  policies[0].forbid: policy "no export" forbids "no-export", which no dataset or field carries: it would forbid nothing
  policies[1].forbid: policy "no personal data in ads" forbids "personal", which no dataset or field carries: it would forbid nothing`},
		{"a label with blanks is reported once", []governance.Dataset{accounts},
			[]governance.Policy{{Name: "no export", Forbid: " no-export", For: []string{governance.UseAdvertising}}},
			`data governance: policies[0].forbid: " no-export" has blanks around it: it would match no dataset's label`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := governance.NewGovernor(tc.datasets, tc.policies)
			if tc.want == "" {
				require.NoError(t, err)
				require.NotNil(t, g)
				return
			}
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
		})
	}
}
