package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestAccountViewRefusesBlankInput: a view of no account, or as of no
// time (a zero time.Time, the year 1), is refused with every problem at
// once, as invalid input, not shown as an account that is unknown or
// whose scores all decayed to nothing.
func TestAccountViewRefusesBlankInput(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	for _, tt := range []struct {
		name     string
		account  b2b.AccountID
		now      time.Time
		problems []string
	}{
		{"no account", "", day0, []string{"account: is required"}},
		{"no time", "acme", time.Time{}, []string{"now: is required"}},
		{"neither", "", time.Time{}, []string{"account: is required", "now: is required"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := b.eng.Account(b.ctx, tt.account, tt.now)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			for _, p := range tt.problems {
				require.ErrorContains(t, err, p)
			}
			require.Zero(t, v.Version)
		})
	}
}
