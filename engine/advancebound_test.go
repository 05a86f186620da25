package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
)

// TestAdvanceBoundStopsSharedAccountsTogether: the CTO is a person of
// two accounts under a cap of one email a week, refreshed hourly. The
// first account runs 700 one-minute waits on day 1 and so reaches
// Advance's bound of passes on day 13, long before the other; its
// journey emails the CTO on day 15, the other's on day 20. An Advance
// over forty days that stopped the first at the bound and caught the
// other up to its end sent the other's email on day 20 without the first
// one's of day 15, which the next Advance then sent too; the other now
// stops where the first did, and the next Advance takes both on in time
// order: the email of day 15 goes, the cap holds that of day 20 back.
func TestAdvanceBoundStopsSharedAccountsTogether(t *testing.T) {
	t.Parallel()
	records := ctoOfTwo[1]
	defs := weeklyCapProgram()
	var waits []journey.Node
	for i := range 700 {
		waits = append(waits, journey.Node{ID: journey.NodeID(fmt.Sprintf("w%d", i)), Kind: journey.KindWait,
			Wait: &journey.Wait{For: journey.Duration(time.Minute), Next: journey.NodeID(fmt.Sprintf("w%d", i+1))}})
	}
	waits[len(waits)-1].Wait.Next = "end"
	defs.Journeys = append(defs.Journeys, journey.Journey{ID: "ticks", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: append(waits, journey.Node{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}})})
	defs.Journeys = append(defs.Journeys, waitThenMail("wait-14d", 14*24*time.Hour), waitThenMail("wait-19d", 19*24*time.Hour))
	b := setup(t, defs, func(c *engine.Config) { c.RefreshInterval = time.Hour })
	b.clock.Set(day(1))
	batch := records.records()
	rep, err := b.eng.Apply(b.ctx, batch)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	first, second := batch.Accounts[0].Account.ID, batch.Accounts[1].Account.ID
	for _, e := range []struct {
		account string
		journey string
	}{{string(first), "ticks"}, {string(first), "wait-14d"}, {string(second), "wait-19d"}} {
		_, err = b.eng.Enter(b.ctx, b2b.AccountID(e.account), e.journey)
		require.NoError(t, err)
	}

	var got []string
	for range 2 {
		b.clock.Set(day(41))
		_, err := b.eng.Advance(b.ctx, day(41))
		require.NoError(t, err)
		for _, m := range claimAll(t, b, day(41)) {
			if m.To == "cto@globex.de" {
				got = append(got, string(m.Account))
			}
		}
	}
	require.Equal(t, int64(2), b.eng.Counters().AdvanceLimits["passes"], "the first account at the bound, the other stopped with it")
	require.Equal(t, []string{string(first)}, got,
		"the first account's email of day 15; the cap holds the other's of day 20 back")
}
