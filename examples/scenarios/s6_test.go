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
// after the score went below the hysteresis margin and back up (a wobble
// back above 100 before that fires nothing).
func TestS6StalledDeal(t *testing.T) {
	t.Parallel()
	// decayed is what the demo's 120 points are worth d days later: a
	// third in 30 days.
	decayed := func(d float64) float64 { return 120 * math.Pow(3, -d/30) }

	t.Run("no activity for 30 days", func(t *testing.T) {
		t.Parallel()
		s := startS6(t)
		require.Equal(t, 1, s.alerts, "the group crossed 100 on day 0")
		require.Equal(t, 120.0, s.score(), "the demo's 120 points")

		stalledOn := -1
		for d := 1; d <= 30; d++ {
			s.b.clock.Set(day(d))
			_, err := s.b.eng.Advance(s.b.ctx, day(d))
			require.NoError(t, err)
			s.collect(day(d))
			require.InDelta(t, decayed(float64(d)), s.score(), 1e-9, "day %d: decay alone", d)
			in, err := s.b.eng.Accounts(s.b.ctx, "audience/stalled", "in")
			require.NoError(t, err)
			if len(in) > 0 && stalledOn < 0 {
				stalledOn = d
				require.Equal(t, []b2b.AccountID{"acme"}, in)
				// The 21-day window reaches back to the demo: the
				// group lost 120 - 55.6 = 64.4 points, over the 40.
				g := groupOf(t, s.b.view(t, "acme"), "data-platform")
				require.InDelta(t, decayed(21)-120, g.Velocity, 1e-9, "the velocity that made it stalled")
				require.Len(t, s.fresh, 1, "fresh content went out the day the account stalled")
			}
		}
		// The scenario's figures: 120 on day 0, 40 on day 30, nothing
		// applied in between, and one alert only (the score fell below
		// 100 on day 5 and below 70 on day 15, it never rose).
		require.InDelta(t, 40, s.score(), 1e-9, "120 -> 40 in 30 days")
		require.Less(t, decayed(5), 100.0)
		require.Less(t, decayed(15), 70.0)
		require.Equal(t, int64(1), s.b.eng.Counters().Ingested, "no activity but the day-0 demo")
		require.Equal(t, 1, s.alerts, "falling fires nothing")
		require.Equal(t, 21, stalledOn, "the stalled audience took the account in on day 21")
		require.Len(t, s.fresh, 1, "fresh content went out once")
		require.Equal(t, "champ@acme.com", s.fresh[0].To, "to the Champion only")
		require.Contains(t, s.fresh[0].Subject, "benchmark report")

		// Back up above 100 after having gone below 70: the alert fires
		// again.
		s.b.clock.Set(day(31))
		_, err := s.b.eng.Ingest(s.b.ctx, activity("demo-2", b2b.ActivityRequestDemo, "L-VP", day(31), nil))
		require.NoError(t, err)
		require.InDelta(t, decayed(31)+120, s.score(), 1e-9)
		s.collect(day(31))
		require.Equal(t, 2, s.alerts)
		s.checkReasons(t, 2)
	})

	t.Run("a wobble above 100 before the re-arm", func(t *testing.T) {
		t.Parallel()
		s := startS6(t)
		for d := 1; d <= 6; d++ {
			s.b.clock.Set(day(d))
			_, err := s.b.eng.Advance(s.b.ctx, day(d))
			require.NoError(t, err)
			s.collect(day(d))
		}
		require.Less(t, s.score(), 100.0, "below the threshold on day 6")
		// A page visit lifts the score back above 100 without it having
		// gone below 70: the alert is not re-armed, no alert storm.
		_, err := s.b.eng.Ingest(s.b.ctx, activity("visit-6", b2b.ActivityVisitWebPage, "L-CH", day(6), map[string]any{"url": "/blog"}))
		require.NoError(t, err)
		require.InDelta(t, decayed(6)+10, s.score(), 1e-9)
		require.Greater(t, s.score(), 100.0)
		s.collect(day(6))
		require.Equal(t, 1, s.alerts, "the wobble above 100 did not fire again")
		s.checkReasons(t, 1)
	})
}

// s6Run is one run of S6's story: Acme, its committee, and the
// Champion's demo request on day 0.
type s6Run struct {
	t      *testing.T
	b      *bundle
	alerts int
	fresh  []channel.Message
}

func startS6(t *testing.T) *s6Run {
	t.Helper()
	s := &s6Run{t: t, b: setup(t, fileS6)}
	_, err := s.b.eng.Apply(s.b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-CFO", "cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
		lead("L-VP", "vp@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
		lead("L-CH", "champ@acme.com", "Cho", "Lee", "Data Engineering Manager", "Acme"),
	}})
	require.NoError(t, err)
	_, err = s.b.eng.Ingest(s.b.ctx, activity("demo-1", b2b.ActivityRequestDemo, "L-CH", day0, nil))
	require.NoError(t, err)
	s.collect(day0)
	return s
}

// collect claims the messages due now: sales alerts are counted, emails
// kept.
func (s *s6Run) collect(now time.Time) {
	for _, m := range claimAll(s.t, s.b, now) {
		switch m.Channel {
		case channel.ChannelSalesAlert:
			s.alerts++
		case channel.ChannelEmail:
			s.fresh = append(s.fresh, m)
		}
	}
}

func (s *s6Run) score() float64 {
	return groupOf(s.t, s.b.view(s.t, "acme"), "data-platform").Score.Score
}

// checkReasons checks that n alerts were raised, each saying why with the
// re-arm level: 100 less the hysteresis.
func (s *s6Run) checkReasons(t *testing.T, n int) {
	t.Helper()
	evs, err := s.b.eng.Events(s.b.ctx, "acme", 0, 0)
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
	require.Len(t, reasons, n)
	for _, r := range reasons {
		require.Contains(t, r, "reached the threshold 100 (it alerts again only after falling below 70)")
	}
}
