package engine_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
)

// TestScenarioS6 is the re-engagement of a stalled deal: a group score
// decays from 120 to 40 over 30 days with no activity; a velocity-based
// audience "stalled" takes the account in, a re-engagement journey sends
// fresh content to its Champion, and a threshold alert at 100 fires again
// only after the score went below the hysteresis margin and back up.
func TestScenarioS6(t *testing.T) {
	t.Parallel()
	halfLife := time.Duration(30 / math.Log2(3) * 24 * float64(time.Hour)) // 120 -> 40 in 30 days
	defs := dataPlatform()
	defs.Scoring = []scoring.Model{{Name: "engagement", HalfLife: halfLife, Rules: []scoring.Rule{
		{Name: "requested demo", Types: []string{b2b.ActivityRequestDemo}, Points: 120},
		{Name: "visited page", Types: []string{b2b.ActivityVisitWebPage}, Points: 10},
	}}}
	defs.GroupScore = program.GroupScore{VelocityWindow: journey.Days(21)}
	defs.Audiences = []audience.Audience{{Name: "stalled", Rule: `any(groups, .velocity <= -40)`}}
	defs.Alerts = []channel.AlertRule{{Name: "hot group", Strategy: channel.StrategyThreshold, Threshold: 100, Hysteresis: 30}}
	defs.Routing = channel.Routing{FallbackQueue: "sales-queue@quorum.example"}
	defs.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "fresh-content", Marketing: true,
		Subject: "New for {{.Account.Name}}: the {{.Interest.Name}} benchmark report",
		HTML:    `<p>Hi {{.Person.FirstName | default "there"}}, here is something new.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
		Text:    "Hi {{.Person.FirstName | default \"there\"}}, here is something new. {{.UnsubscribeURL}}"}}}
	defs.Journeys = []journey.Journey{{ID: "re-engage",
		Triggers: []journey.Trigger{{Type: journey.TriggerAudience, Audience: "stalled"}},
		Nodes: []journey.Node{
			{ID: "fresh", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "fresh-content",
				Recipients: &journey.Recipients{Roles: []string{"Champion"}}, Next: "done"}},
			{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "re-engaged"}},
		}}}
	b := setup(t, defs)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-CFO", "cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
		lead("L-VP", "vp@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
		lead("L-CH", "champ@acme.com", "Cho", "Lee", "Data Engineering Manager", "Acme"),
	}})
	require.NoError(t, err)
	_, err = b.eng.Ingest(b.ctx, activity("demo-1", b2b.ActivityRequestDemo, "L-CH", day0, nil))
	require.NoError(t, err)

	alerts, fresh := 0, []channel.Message{}
	collect := func(now time.Time) {
		for _, m := range claimAll(t, b, now) {
			switch m.Channel {
			case channel.ChannelSalesAlert:
				alerts++
			case channel.ChannelEmail:
				fresh = append(fresh, m)
			}
		}
	}
	collect(day0)
	require.Equal(t, 1, alerts, "the group crossed 100 on day 0")
	score := func() float64 { return groupOf(t, b.view(t, "acme"), "data-platform").Score.Score }
	require.InDelta(t, 120, score(), 1e-6)

	stalledOn := -1
	for d := 1; d <= 30; d++ {
		b.clock.Set(day(d))
		if d == 6 {
			// A wobble: back above 100 without having gone below 70.
			_, err := b.eng.Ingest(b.ctx, activity("visit-6", b2b.ActivityVisitWebPage, "L-CH", day(6), map[string]any{"url": "/blog"}))
			require.NoError(t, err)
			require.Greater(t, score(), 100.0)
		}
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		collect(day(d))
		in, err := b.eng.Accounts(b.ctx, "audience/stalled", "in")
		require.NoError(t, err)
		if len(in) == 1 && stalledOn < 0 {
			stalledOn = d
		}
	}
	require.Equal(t, 1, alerts, "no alert storm: the wobble above 100 did not fire again")
	// The demo's 120 decayed to 40 in 30 days; the day-6 visit's 10 to 4.2.
	require.InDelta(t, 120.0/3+10*math.Pow(1.0/3, 24.0/30), score(), 1e-6, "exact decay")
	require.Positive(t, stalledOn, "the stalled audience took the account in")
	require.Len(t, fresh, 1, "fresh content went out once")
	require.Equal(t, "champ@acme.com", fresh[0].To, "to the Champion only")

	// Back up above 100 after having gone below 70: the alert fires again.
	b.clock.Set(day(31))
	_, err = b.eng.Ingest(b.ctx, activity("demo-2", b2b.ActivityRequestDemo, "L-VP", day(31), nil))
	require.NoError(t, err)
	collect(day(31))
	require.Equal(t, 2, alerts)
}
