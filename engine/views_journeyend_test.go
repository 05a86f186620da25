package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAccountViewJourneyDueAtItsEnd: a journey whose end date comes
// before the end of an instance's wait ends the instance then, so that is
// when the instance next needs time to pass (JourneyPosition.Due), not
// the end of the wait it will never reach.
func TestAccountViewJourneyDueAtItsEnd(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys[0].EndAt = day(2)
	b := setup(t, defs)
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1)
	require.Equal(t, []string{"wait-5d"}, v.Journeys[0].Nodes)
	require.Equal(t, day(2), v.Journeys[0].Due, "the journey ends the instance on day 2")

	b.clock.Set(day(2))
	_, err = b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	v, err = b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Empty(t, v.Journeys, "ended on day 2, as the view said")
}
