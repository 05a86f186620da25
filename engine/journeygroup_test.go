package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
)

// TestJourneyOfAnInterestWithoutItsGroup: a journey bound to a solution
// interest the account has no buying group for sends its sales alert
// about the account with no group: not about the group of another
// interest, whose members, score and stage the alert would show as this
// journey's.
func TestJourneyOfAnInterestWithoutItsGroup(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "security", Name: "Security", CRMProduct: "Security",
		Template: buyinggroup.StandardTemplateID, Applies: rules.Rule{Source: "false"}})
	defs.Journeys = append(defs.Journeys, journey.Journey{ID: "security-alert",
		Triggers: []journey.Trigger{{Type: journey.TriggerManual, SolutionInterest: "security"}},
		Nodes: []journey.Node{
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: program.AlertTemplate, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "alerted"}},
		}})
	b := setup(t, defs)
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", b.clock.Now())
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	require.Equal(t, "data-platform", v.Groups[0].Group.Interest)
	claimAll(t, b, b.clock.Now())

	rep, err := b.eng.Enter(b.ctx, "acme", "security-alert")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Messages)
	msgs := claimAll(t, b, b.clock.Now())
	require.Len(t, msgs, 1)
	require.Equal(t, channel.ChannelSalesAlert, msgs[0].Channel)
	require.NotEqual(t, v.Groups[0].Group.ID, msgs[0].Tags["group"], "the alert is not about the data platform group")
	require.Equal(t, "acme/none", msgs[0].Tags["group"])
	require.NotContains(t, msgs[0].Text, "Data Platform")
	require.Contains(t, msgs[0].Subject, "Security buying group")
	require.Contains(t, msgs[0].Text, "No member has engaged yet.")
}
