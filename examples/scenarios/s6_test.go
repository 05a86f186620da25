package scenarios_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestS6StalledDeal runs s6-stalled-deal.yaml: a group score decays from
// 120 to 40 over 30 days with no activity; the velocity-based audience
// "stalled" takes the account in, the re-engagement journey sends fresh
// content to its Champion, and the threshold alert at 100 fires again only
// after the score went below the hysteresis margin and back up.
func TestS6StalledDeal(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS6)
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
	// The demo's 120 decayed to 40 in 30 days; the day-6 visit's 10 to 10 * (1/3)^(24/30).
	require.InDelta(t, 120.0/3+10*math.Pow(1.0/3, 24.0/30), score(), 1e-6, "exact decay")
	require.Less(t, score(), 70.0, "below the hysteresis margin: the alert is re-armed")
	require.Positive(t, stalledOn, "the stalled audience took the account in")
	require.Len(t, fresh, 1, "fresh content went out once")
	require.Equal(t, "champ@acme.com", fresh[0].To, "to the Champion only")
	require.Contains(t, fresh[0].Subject, "benchmark report")

	// Back up above 100 after having gone below 70: the alert fires again.
	b.clock.Set(day(31))
	_, err = b.eng.Ingest(b.ctx, activity("demo-2", b2b.ActivityRequestDemo, "L-VP", day(31), nil))
	require.NoError(t, err)
	collect(day(31))
	require.Equal(t, 2, alerts)

	// Each alert says why, with the re-arm level: 100 less the hysteresis.
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var reasons []string
	for _, e := range evs {
		if e.Type != "alert.raised" {
			continue
		}
		var raised struct {
			Rule, Reason string
		}
		require.NoError(t, json.Unmarshal(e.Data, &raised))
		require.Equal(t, "hot group", raised.Rule)
		reasons = append(reasons, raised.Reason)
	}
	require.Len(t, reasons, 2)
	for _, r := range reasons {
		require.Contains(t, r, "reached the threshold 100 (it alerts again only after falling below 70)")
	}
}
