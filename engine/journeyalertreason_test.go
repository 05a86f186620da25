package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// TestJourneyAlertBeforeAnySplitIsRaised: a journey that alerts sales as
// soon as an account enters it (no split before the alert, so no path's
// reason) raises its alert with the standard template, its reason being
// the journey's decision. The alert used to carry an empty reason, which
// the standard template requires: the alert was skipped
// (message.skipped), never raised, never sent.
func TestJourneyAlertBeforeAnySplitIsRaised(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys[0].Nodes = []journey.Node{
		{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "done"}},
		{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "alerted"}},
	}
	b := setup(t, defs)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Zero(t, countEvents(t, b, "acme", "message.skipped"))
	require.Equal(t, 1, countEvents(t, b, "acme", "alert.raised"))
	msgs := claimAll(t, b, day0)
	require.Len(t, msgs, 1)
	require.Equal(t, channel.ChannelSalesAlert, msgs[0].Channel)
	require.Equal(t, "olivia@quorum.example", msgs[0].To)
	require.Contains(t, msgs[0].Text, "journey pipeline-acceleration decided to alert sales")
}
