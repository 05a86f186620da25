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
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// failingFrom is a store whose commits of one account fail from a time
// on (the commit's Now) while failing is set.
type failingFrom struct {
	store.Store
	account b2b.AccountID
	from    time.Time
	failing *atomic.Bool
}

func (s failingFrom) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if p.Account == s.account && !p.Now.Before(s.from) && s.failing.Load() {
		return 0, errors.New("the database is down")
	}
	return s.Store.Commit(ctx, p)
}

// TestAdvanceStopsSharedAccountsAtTheEarliestStop: the CTO is a person
// of three accounts, refreshed hourly. x-corp runs 1,100 one-minute
// waits from day 1 and reaches Advance's bound of passes at its 1,000th,
// due again a minute later; y-corp's wait ends half a minute after that
// bound, and its pass fails; z-corp's wait ends a quarter of a minute
// later still, and emails the CTO. z-corp stopped only where x-corp did,
// and emailed the CTO at a time y-corp had not decided at; it now stops
// where y-corp failed, and the next Advance, the store back, takes y-corp
// and then z-corp on in time order.
func TestAdvanceStopsSharedAccountsAtTheEarliestStop(t *testing.T) {
	t.Parallel()
	bound := day(1).Add(1000 * time.Minute)
	defs := weeklyCapProgram()
	var waits []journey.Node
	for i := range 1100 {
		waits = append(waits, journey.Node{ID: journey.NodeID(fmt.Sprintf("w%d", i)), Kind: journey.KindWait,
			Wait: &journey.Wait{For: journey.Duration(time.Minute), Next: journey.NodeID(fmt.Sprintf("w%d", i+1))}})
	}
	waits[len(waits)-1].Wait.Next = "end"
	defs.Journeys = append(defs.Journeys,
		journey.Journey{ID: "ticks", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
			Nodes: append(waits, journey.Node{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}})},
		journey.Journey{ID: "wait-y", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
			Nodes: []journey.Node{
				{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(bound.Add(30 * time.Second).Sub(day(1))), Next: "end"}},
				{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
			}},
		waitThenMail("wait-z", bound.Add(45*time.Second).Sub(day(1))))
	failing := &atomic.Bool{}
	b := setup(t, defs, func(c *engine.Config) {
		c.RefreshInterval = time.Hour
		c.Store = failingFrom{memory.New(), "y-corp", bound.Add(30 * time.Second), failing}
	})
	b.clock.Set(day(1))
	cto := contact("003CTO", "cto@x-corp.com", "Tess", "Ito", "Chief Technology Officer", "x-corp")
	cto.OtherAccounts = []b2b.AccountID{"y-corp", "z-corp"}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{account("x-corp", "X", "x-corp.com", ""), account("y-corp", "Y", "y-corp.com", ""), account("z-corp", "Z", "z-corp.com", "")},
		Persons:  []identity.PersonRecord{cto}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	for _, e := range []struct{ account, journey string }{{"x-corp", "ticks"}, {"y-corp", "wait-y"}, {"z-corp", "wait-z"}} {
		_, err = b.eng.Enter(b.ctx, b2b.AccountID(e.account), e.journey)
		require.NoError(t, err)
	}

	var got []string
	advance := func() error {
		b.clock.Set(day(2))
		_, err := b.eng.Advance(b.ctx, day(2))
		for _, m := range claimAll(t, b, day(2)) {
			got = append(got, string(m.Account))
		}
		return err
	}
	failing.Store(true)
	require.ErrorContains(t, advance(), "the database is down")
	require.Empty(t, got, "z-corp stopped where y-corp failed, before its email")
	require.Equal(t, int64(1), b.eng.Counters().AdvanceLimits["failed"], "z-corp, stopped with y-corp")
	require.Equal(t, int64(1), b.eng.Counters().AdvanceLimits["passes"], "x-corp, at the bound")
	failing.Store(false)
	require.NoError(t, advance())
	require.Equal(t, []string{"z-corp"}, got, "z-corp's email, once y-corp decided before it")
}
