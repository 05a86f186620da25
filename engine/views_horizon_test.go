package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/scoring"
)

// TestAccountViewBeyondTheScoringHorizon: a view shows the scores as of
// the time it is asked for, back to the scoring horizon; before it, the
// states no longer tell a scored person's score, and the view is refused
// as such, not shown with the score of a person who never engaged.
func TestAccountViewBeyondTheScoringHorizon(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(3))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil))
	require.NoError(t, err)
	victor := leadPerson(t, b, "L-2")

	// Within the horizon (30 days back from the demo's ingest), before
	// the demo: no points yet.
	s, ok := scoreAt(t, b, "acme", victor, day(-20))
	require.True(t, ok)
	require.Zero(t, s)

	_, err = b.eng.Account(b.ctx, "acme", day0.AddDate(-1, 0, 0))
	require.ErrorIs(t, err, scoring.ErrBeyondHorizon)
	require.ErrorContains(t, err, `account view "acme": `+day0.AddDate(-1, 0, 0).Format(time.RFC3339)+` is before the scores the state keeps`)
}
