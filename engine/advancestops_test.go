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

// cancelsAt is a store that cancels the caller's context at the first
// commit of one account, and fails that commit as a cancelled one does.
type cancelsAt struct {
	store.Store
	account b2b.AccountID
	cancel  *atomic.Pointer[context.CancelFunc]
}

func (s cancelsAt) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if c := s.cancel.Load(); c != nil && p.Account == s.account {
		(*c)()
		return 0, ctx.Err()
	}
	return s.Store.Commit(ctx, p)
}

// TestAdvanceCancelledInAGroupCountsNoLimit: the CTO is a person of two
// accounts under a cap; the context of an Advance is cancelled while it
// commits the pass of the account due first. The Advance ends with the
// context's error, and the other account, left due where it was, is not
// counted (nor logged) as stopped by a failed pass: no pass failed, the
// call ended.
func TestAdvanceCancelledInAGroupCountsNoLimit(t *testing.T) {
	t.Parallel()
	records := ctoOfTwo[1]
	defs := twoMailsProgram()
	batch := records.records()
	first, second := batch.Accounts[0].Account.ID, batch.Accounts[1].Account.ID
	cancel := &atomic.Pointer[context.CancelFunc]{}
	b := setup(t, defs, func(c *engine.Config) { c.Store = cancelsAt{memory.New(), second, cancel} })
	b.clock.Set(day(1))
	rep, err := b.eng.Apply(b.ctx, batch)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	_, err = b.eng.Enter(b.ctx, second, "wait-26h")
	require.NoError(t, err)
	_, err = b.eng.Enter(b.ctx, first, "wait-50h")
	require.NoError(t, err)

	ctx, stop := context.WithCancel(b.ctx)
	defer stop()
	cancel.Store(&stop)
	b.clock.Set(day(20))
	_, err = b.eng.Advance(ctx, day(20))
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, b.eng.Counters().AdvanceLimits["failed"], "no pass failed: the call ended")
	cancel.Store(nil)
	_, err = b.eng.Advance(b.ctx, day(20))
	require.NoError(t, err)
	var got []string
	for _, m := range claimAll(t, b, day(20)) {
		if m.To == "cto@globex.de" {
			got = append(got, string(m.Account))
		}
	}
	require.Equal(t, []string{string(second)}, got, "the email of day 2 goes, the cap holds that of day 3 back")
}
