package engine_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
)

// twoInterests is option B: Data Platform and Security Suite, each with
// its own scoring model and a three-email journey, under a shared cap of
// two marketing emails per person per seven days.
func twoInterests() program.Definitions {
	model := func(name, interest string) scoring.Model {
		cond := `attr(activity.attributes, "solution", "") == "` + interest + `"`
		return scoring.Model{Name: name, HalfLife: 30 * 24 * time.Hour, Rules: []scoring.Rule{
			{Name: "requested demo", Types: []string{b2b.ActivityRequestDemo}, Points: 80, When: cond},
			{Name: "attended webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 40, When: cond},
			{Name: "visited page", Types: []string{b2b.ActivityVisitWebPage}, Points: 5, When: cond},
		}}
	}
	emails := func(id, interest string) journey.Journey {
		send := func(n journey.NodeID, next journey.NodeID) journey.Node {
			return journey.Node{ID: n, Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
				Recipients: &journey.Recipients{SolutionInterest: interest}, Next: next}}
		}
		wait := func(n, next journey.NodeID) journey.Node {
			return journey.Node{ID: n, Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(2), Next: next}}
		}
		return journey.Journey{ID: id, Category: "marketing",
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}},
			Nodes: []journey.Node{send("e1", "w1"), wait("w1", "e2"), send("e2", "w2"), wait("w2", "e3"), send("e3", "end"),
				{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}}}}
	}
	return program.Definitions{
		Name: "option-b",
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID},
			{ID: "security-suite", Name: "Security Suite", Template: buyinggroup.StandardTemplateID},
		},
		Scoring:    []scoring.Model{model("dp", "data-platform"), model("sec", "security-suite")},
		GroupScore: program.GroupScore{Models: map[string]string{"data-platform": "dp", "security-suite": "sec"}},
		Caps:       []journey.Cap{{Name: "2 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7)}},
		Templates: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "news", Marketing: true, Subject: "{{.Interest.Name}} news",
			HTML: `<p>{{.Interest.Name}} news.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`, Text: "{{.Interest.Name}} news. {{.UnsubscribeURL}}"}}},
		Journeys: []journey.Journey{emails("dp-news", "data-platform"), emails("sec-news", "security-suite")},
	}
}

// TestScenarioS4 is two solution interests sharing a contact: the CTO is
// Technical Evaluator in both groups, both journeys want to email them
// three times in one week, the cap lets two through and records the
// others with the cap as the reason, and each group's score and stage
// advance independently.
func TestScenarioS4(t *testing.T) {
	t.Parallel()
	b := setup(t, twoInterests())
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-CTO", "cto@acme.com", "Tess", "Ito", "Chief Technology Officer", "Acme"),
		lead("L-CFO", "cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
	}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	v := b.view(t, "acme")
	cto := b2b.PersonID("marketo:L-CTO")
	for _, interest := range []string{"data-platform", "security-suite"} {
		g := groupOf(t, v, interest)
		require.Equal(t, []string{"Technical Evaluator"}, g.Group.RolesOf(cto), "the CTO evaluates for %s", interest)
	}

	var received []channel.Message
	for d := 0; d <= 7; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		if d == 1 {
			// Engagement with the data platform only.
			_, err := b.eng.Ingest(b.ctx,
				activity("a-1", b2b.ActivityRequestDemo, "L-CTO", day(1), map[string]any{"solution": "data-platform"}),
				activity("a-2", b2b.ActivityVisitWebPage, "L-CFO", day(1), map[string]any{"solution": "data-platform", "url": "/pricing"}),
				activity("a-3", b2b.ActivityAttendEvent, "L-CFO", day(1), map[string]any{"solution": "data-platform"}))
			require.NoError(t, err)
		}
		received = append(received, claimAll(t, b, day(d))...)
	}
	toCTO := 0
	for _, m := range received {
		if m.To == "cto@acme.com" {
			toCTO++
		}
	}
	require.Equal(t, 2, toCTO, "the CTO receives at most 2 marketing emails in the week")

	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	capped := 0
	for _, e := range evs {
		if e.Type != "journey.skip" && e.Type != "journey.defer" {
			continue
		}
		var d journey.Decision
		require.NoError(t, json.Unmarshal(e.Data, &d))
		if d.Person == cto {
			require.Contains(t, d.Reason, "2 marketing emails a week", "the cap is the reason")
			capped++
		}
	}
	require.Equal(t, 4, capped, "six wanted, two sent, four recorded as capped")

	v = b.view(t, "acme")
	dp, sec := groupOf(t, v, "data-platform"), groupOf(t, v, "security-suite")
	require.Greater(t, dp.Score.Score, 50.0, "the data platform group engaged")
	require.Zero(t, sec.Score.Score, "the security group did not")
	require.Equal(t, buyinggroup.StageDecision, dp.Group.Stage, "the engaged group advanced")
	require.Equal(t, buyinggroup.StageConsideration, sec.Group.Stage, "the other did not")
}
