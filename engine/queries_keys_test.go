package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestAccountsRefusesKeysNoAccountHas: the accounts are indexed by
// stage/<interest>, readiness/<interest>, audience/<audience> and
// list/<list>; a key of another kind (a typo, a missing prefix) or a
// blank value would list no account whatever the accounts are, so it is
// refused as invalid input rather than answered with an empty list.
func TestAccountsRefusesKeysNoAccountHas(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	for _, tt := range []struct {
		name, key, value string
		problems         []string
	}{
		{"nothing", "", "", []string{"key: is required", "value: is required"}},
		{"no prefix", "data-platform", "Awareness", []string{`key: "data-platform" is not a key accounts are indexed by (stage/<interest>, readiness/<interest>, audience/<audience>, list/<list>)`}},
		{"a misspelt prefix", "stages/data-platform", "Awareness", []string{`key: "stages/data-platform" is not a key`}},
		{"no name", "stage/", "Awareness", []string{`key: "stage/" is not a key`}},
		{"no value", "stage/data-platform", "", []string{"value: is required"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.eng.Accounts(b.ctx, tt.key, tt.value)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			for _, p := range tt.problems {
				require.ErrorContains(t, err, p)
			}
			require.Empty(t, got)
		})
	}
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	got, err := b.eng.Accounts(b.ctx, "stage/data-platform", v.Groups[0].Group.Stage)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, got)
	got, err = b.eng.Accounts(b.ctx, "audience/no-such-audience", "in")
	require.NoError(t, err, "a name the program does not have (any more) is the states' to tell")
	require.Empty(t, got)
}
