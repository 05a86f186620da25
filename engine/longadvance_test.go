package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
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
					defs := twoMailsProgram()
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

// twoMailsProgram is weeklyCapProgram with two journeys that email the
// data-platform group, "wait-26h" 26 hours after an account enters it,
// "wait-50h" 50 hours after.
func twoMailsProgram() program.Definitions {
	defs := weeklyCapProgram()
	defs.Journeys = append(defs.Journeys, waitThenMail("wait-26h", 26*time.Hour), waitThenMail("wait-50h", 50*time.Hour))
	return defs
}

// waitThenMail is a manual journey that waits for a while and then emails
// the data-platform group.
func waitThenMail(id string, wait time.Duration) journey.Journey {
	return journey.Journey{ID: id, Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(wait), Next: "mail"}},
			{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
				Recipients: &journey.Recipients{SolutionInterest: "data-platform"}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}},
		}}
}

// failingCommits is a store whose commits of one account fail while
// failing is set.
type failingCommits struct {
	store.Store
	account b2b.AccountID
	failing *atomic.Bool
}

func (s failingCommits) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if p.Account == s.account && s.failing.Load() {
		return 0, errors.New("the database is down")
	}
	return s.Store.Commit(ctx, p)
}

// TestAdvanceFailureStopsSharedAccountsTogether: as above, the second
// account's email is due on day 2, the first's on day 3, under a cap of
// one email a week; an Advance over twenty days fails the second's first
// pass (its commits fail). The first went on to its email of day 3
// without the second's of day 2, and the next Advance, the store back,
// sent the second's too; the first now stops where the second failed,
// and the next Advance takes both on in time order.
func TestAdvanceFailureStopsSharedAccountsTogether(t *testing.T) {
	t.Parallel()
	records := ctoOfTwo[1]
	defs := twoMailsProgram()
	batch := records.records()
	first, second := batch.Accounts[0].Account.ID, batch.Accounts[1].Account.ID
	failing := &atomic.Bool{}
	b := setup(t, defs, func(c *engine.Config) { c.Store = failingCommits{memory.New(), second, failing} })
	b.clock.Set(day(1))
	rep, err := b.eng.Apply(b.ctx, batch)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	_, err = b.eng.Enter(b.ctx, second, "wait-26h")
	require.NoError(t, err)
	_, err = b.eng.Enter(b.ctx, first, "wait-50h")
	require.NoError(t, err)

	var got []string
	advance := func(now time.Time) error {
		b.clock.Set(now)
		_, err := b.eng.Advance(b.ctx, now)
		for _, m := range claimAll(t, b, now) {
			if m.To == "cto@globex.de" {
				got = append(got, string(m.Account))
			}
		}
		return err
	}
	failing.Store(true)
	require.ErrorContains(t, advance(day(20)), "the database is down")
	require.Empty(t, got, "the first account stopped before its email")
	require.Equal(t, int64(1), b.eng.Counters().AdvanceLimits["failed"])
	failing.Store(false)
	require.NoError(t, advance(day(20)))
	require.Equal(t, []string{string(second)}, got, "the email of day 2 goes, the cap holds that of day 3 back")
}
