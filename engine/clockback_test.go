package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
)

// TestInputWithTheClockBehindTheAccount: an Advance ran Acme to day 10
// (its wait ended on day 5, the split chose nurture), then an input
// arrives with the host's clock at day 4 (a clock gone back, or an
// Advance a host ran ahead of its clock): Dev's demo request of day 4.
// Time never goes back for an account: the input's pass runs at the
// account's last pass, not before it, so nothing it decides (the
// activity applied, a stage moved, readiness changed) is stamped before
// a decision already in the log, and the Advance after it does not run
// the days again that the account had already passed.
func TestInputWithTheClockBehindTheAccount(t *testing.T) {
	t.Parallel()
	for _, s := range stateStores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = s.store() })
			setupAcme(t, b)
			b.clock.Set(day(10))
			_, err := b.eng.Advance(b.ctx, day(10))
			require.NoError(t, err)
			before := eventsOf(t, b, "acme")
			last := before[len(before)-1].Time

			b.clock.Set(day(4))
			rep, err := b.eng.Ingest(b.ctx, activity("late", b2b.ActivityRequestDemo, "L-3", day(4), nil))
			require.NoError(t, err)
			require.Equal(t, 1, rep.Applied)
			evs := eventsOf(t, b, "acme")
			require.Greater(t, len(evs), len(before), "the pass decided something")
			for _, e := range evs[len(before):] {
				require.False(t, e.Time.Before(last), "%s at %s, after a decision at %s", e.Type, e.Time, last)
			}

			b.clock.Set(day(20))
			_, err = b.eng.Advance(b.ctx, day(20))
			require.NoError(t, err)
			var prev time.Time
			for _, e := range eventsOf(t, b, "acme") {
				require.False(t, e.Time.Before(prev), "%s at %s, after an event at %s", e.Type, e.Time, prev)
				prev = e.Time
			}
		})
	}
}
