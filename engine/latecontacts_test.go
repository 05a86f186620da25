package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

// TestLateStepCountsOtherAccountsFromItsTime: a journey of initech
// listens for the CTO's demo request and then emails them, under a cap
// of one email a week; globex-de, the CTO's other account, emailed them
// on day 0. The request of day 5 comes in a batch on day 9: the journey
// hears it at day 5 and decides as it would have then, when globex-de's
// email was in the week. The engine passed it the other account's
// messages of the week before the pass (after day 2), and the journey,
// seeing none, emailed the CTO a second time in a week.
func TestLateStepCountsOtherAccountsFromItsTime(t *testing.T) {
	t.Parallel()
	b := setup(t, weeklyCapProgram(), func(c *engine.Config) { c.RefreshInterval = 30 * 24 * time.Hour })
	cto := contact("003CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "globex-de")
	cto.OtherAccounts = []b2b.AccountID{"initech"}
	b.clock.Set(day0)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{account("globex-de", "Globex DE", "globex.de", ""), account("initech", "Initech", "initech.com", "")},
		Persons:  []identity.PersonRecord{cto}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	_, err = b.eng.Enter(b.ctx, "initech", "hear")
	require.NoError(t, err)
	b.clock.Set(day0.Add(time.Hour))
	rep, err = b.eng.Enter(b.ctx, "globex-de", "news")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Messages, "globex-de's email")

	b.clock.Set(day(9))
	demo := activity("d-1", b2b.ActivityRequestDemo, "003CTO", day(5), nil)
	demo.Source, demo.Account = b2b.SourceSalesforce, "initech"
	rep, err = b.eng.Apply(b.ctx, engine.Batch{Activities: []b2b.Activity{demo}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Zero(t, rep.Messages, "the email of day 0 counts at day 5")
	require.Equal(t, 1, countEventsWhere(t, b, "initech", func(ev store.Event) bool {
		return ev.Type == "journey.skip" && strings.Contains(string(ev.Data), `frequency cap \"1 email a week\"`)
	}))
}

// weeklyCapProgram is the shared-contact program with a cap of one email
// a week and two manual journeys: "news" emails the data-platform group
// at once, "hear" listens for a demo request (30 days) and then emails
// it.
func weeklyCapProgram() program.Definitions {
	defs := sharedContactProgram()
	defs.Caps = []journey.Cap{{Name: "1 email a week", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7)}}
	mail := func(next journey.NodeID) journey.Node {
		return journey.Node{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
			Recipients: &journey.Recipients{SolutionInterest: "data-platform"}, Next: next}}
	}
	defs.Journeys = []journey.Journey{
		{ID: "news", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
			Nodes: []journey.Node{mail("end"), {ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}}}},
		{ID: "hear", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
			Nodes: []journey.Node{
				{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
					Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
					Timeout: journey.Days(30), Next: "mail", OnTimeout: "end"}},
				mail("end"),
				{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
			}},
	}
	return defs
}
