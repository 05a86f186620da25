package engine_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestAccountViewVelocityAsOfNow: a view is as of the time it is asked
// for, its velocity as its score: the change of the group score over the
// program's velocity window (14 days) before that time, not the change
// the account's last pass measured.
func TestAccountViewVelocityAsOfNow(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(1))
	_, err := b.eng.Ingest(b.ctx, activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	require.NoError(t, err)

	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	require.InDelta(t, v.Groups[0].Score.Score, v.Groups[0].Velocity, 1e-9, "the group's whole score came in the last 14 days")

	// Thirty days on, with no activity: the demo is older than the
	// window, so the score only decayed over the 14 days.
	at := day(31)
	v, err = b.eng.Account(b.ctx, "acme", at)
	require.NoError(t, err)
	g := v.Groups[0]
	before := g.Score.Score / math.Pow(2, -14.0/30) // the score 14 days earlier, undecayed by them
	require.Less(t, g.Velocity, 0.0, "the group cools down: %+v", g.Velocity)
	require.InDelta(t, g.Score.Score-before, g.Velocity, 1e-6)
}
