package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
)

// TestAdvanceDecidesSharedAccountsInTimeOrder: the CTO is a person of
// two accounts (globex-de and initech; or globex-de and its parent
// globex, with rollup), under a cap of one email a week. On day 1 both
// accounts enter a journey that waits and then emails the CTO: the
// second account's (by ID) wait ends on day 2 at 11:00, the first's a
// day later. Both are due first at the same time (their refresh on day 2
// at 09:00), and the first comes first by its ID. Whatever the span of
// the calls that reach those times (an Advance at each, one a day, one
// over two days or twenty) and however many workers run them, the
// second's email goes and the first's is held back by the cap, as with a
// call at each time: a call that caught the first account up first, its
// whole span at once, emailed the CTO on day 3 before the second had
// decided for day 2, and the second, which counts no message after its
// own time, emailed them too.
func TestAdvanceDecidesSharedAccountsInTimeOrder(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		calls []time.Time
	}{
		{"an Advance at each due time", []time.Time{day(2), day(2).Add(2 * time.Hour), day(3), day(3).Add(2 * time.Hour), day(20)}},
		{"one Advance a day", []time.Time{day(2), day(3), day(4)}},
		{"one Advance over two days", []time.Time{day(3).Add(3 * time.Hour)}},
		{"one Advance over twenty days", []time.Time{day(20)}},
	} {
		for _, records := range ctoOfTwo {
			for _, workers := range []int{1, 8} {
				t.Run(fmt.Sprintf("%s/%s/%d workers", records.name, tt.name, workers), func(t *testing.T) {
					t.Parallel()
					defs := weeklyCapProgram()
					for _, wait := range []struct {
						id   string
						for_ time.Duration
					}{{"wait-26h", 26 * time.Hour}, {"wait-50h", 50 * time.Hour}} {
						defs.Journeys = append(defs.Journeys, journey.Journey{ID: wait.id, Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
							Nodes: []journey.Node{
								{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(wait.for_), Next: "mail"}},
								{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
									Recipients: &journey.Recipients{SolutionInterest: "data-platform"}, Next: "end"}},
								{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}},
							}})
					}
					b := setup(t, defs, func(c *engine.Config) { c.Rollup, c.Workers = records.rollup, workers })
					b.clock.Set(day(1))
					batch := records.records()
					rep, err := b.eng.Apply(b.ctx, batch)
					require.NoError(t, err)
					require.Empty(t, rep.Rejected)
					first, second := batch.Accounts[0].Account.ID, batch.Accounts[1].Account.ID
					_, err = b.eng.Enter(b.ctx, second, "wait-26h")
					require.NoError(t, err)
					_, err = b.eng.Enter(b.ctx, first, "wait-50h")
					require.NoError(t, err)

					var got []string
					for _, now := range tt.calls {
						b.clock.Set(now)
						_, err := b.eng.Advance(b.ctx, now)
						require.NoError(t, err)
						for _, m := range claimAll(t, b, now) {
							if m.To == "cto@globex.de" {
								got = append(got, string(m.Account))
							}
						}
					}
					require.Equal(t, []string{string(second)}, got, "the first wait to end sends; the cap holds the other back")
				})
			}
		}
	}
}
