package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
)

// TestDeferredMessagesHoldTheCapAcrossAccounts: with a cap that defers,
// the CTO of two accounts gets every journey's emails in the end, never
// more than two in any seven days, whichever account sends them.
func TestDeferredMessagesHoldTheCapAcrossAccounts(t *testing.T) {
	t.Parallel()
	for _, tt := range ctoOfTwo {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := sharedContactProgram()
			defs.Caps[0].Policy, defs.Caps[0].MaxDefer = journey.CapDefer, journey.Days(60)
			b := setup(t, defs, func(c *engine.Config) { c.Rollup = tt.rollup })
			rep, err := b.eng.Apply(b.ctx, tt.records())
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			var got []time.Time
			for h := 0; h <= 60*24; h++ {
				now := day0.Add(time.Duration(h) * time.Hour)
				b.clock.Set(now)
				_, err := b.eng.Advance(b.ctx, now)
				require.NoError(t, err)
				for _, m := range claimAll(t, b, now) {
					if m.To == "cto@globex.de" {
						got = append(got, now)
					}
				}
			}
			require.Len(t, got, 12, "two accounts' two journeys send three each")
			for i := 2; i < len(got); i++ {
				require.GreaterOrEqual(t, got[i].Sub(got[i-2]), 7*24*time.Hour, "emails %d and %d: %v", i-2, i, got)
			}
		})
	}
}
