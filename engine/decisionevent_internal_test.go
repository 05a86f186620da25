package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// TestDecisionEvent checks that a decision's event type, made once for
// each known kind, is "journey." and the kind, for a kind the table does
// not hold too.
func TestDecisionEvent(t *testing.T) {
	require.Len(t, decisionEvents, len(journey.DecisionKinds()))
	for k, typ := range decisionEvents {
		require.Equal(t, "journey."+string(k), typ)
		require.Equal(t, typ, decisionEvent(k))
	}
	require.Equal(t, "journey.send", decisionEvent(journey.DecisionSend))
	require.Equal(t, "journey.unheard_of", decisionEvent("unheard_of"))
}
