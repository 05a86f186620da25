package engine_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
)

// countingLoads is a store that counts the loads of each account.
type countingLoads struct {
	store.Store
	mu    *sync.Mutex
	loads map[b2b.AccountID]int
}

func (s countingLoads) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	s.mu.Lock()
	s.loads[id]++
	s.mu.Unlock()
	return s.Store.LoadAccount(ctx, t, id)
}

func (s countingLoads) count(id b2b.AccountID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads[id]
}

// TestAdvanceReadsADueStateOnceAPass: under a frequency cap, with two
// accounts due that share a person and two that share no one, an
// Advance over a day runs one pass on each (its refresh): the accounts
// that share no one are read once each, by their pass. The accounts it
// groups come from the due listing, which names the accounts each
// shares a person with: no state is read to find them.
func TestAdvanceReadsADueStateOnceAPass(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		for _, records := range ctoOfTwo {
			t.Run(ss.name+"/"+records.name, func(t *testing.T) {
				t.Parallel()
				st := countingLoads{Store: ss.store(), mu: &sync.Mutex{}, loads: map[b2b.AccountID]int{}}
				b := setupOn(t, weeklyCapProgram(), st, func(c *engine.Config) { c.Rollup = records.rollup })
				b.clock.Set(day(1))
				batch := records.records()
				batch.Accounts = append(batch.Accounts, account("acme", "Acme", "acme.com", ""), account("umbrella", "Umbrella", "umbrella.com", ""))
				batch.Persons = append(batch.Persons, contact("003A", "cto@acme.com", "Ann", "Lee", "Chief Technology Officer", "acme"),
					contact("003U", "cto@umbrella.com", "Uma", "Ray", "Chief Technology Officer", "umbrella"))
				rep, err := b.eng.Apply(b.ctx, batch)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)

				before := map[b2b.AccountID]int{"acme": st.count("acme"), "umbrella": st.count("umbrella")}
				b.clock.Set(day(2))
				_, err = b.eng.Advance(b.ctx, day(2))
				require.NoError(t, err)
				for _, id := range []b2b.AccountID{"acme", "umbrella"} {
					require.Equal(t, 1, st.count(id)-before[id], "the loads of %s: its pass's", id)
				}
			})
		}
	}
}

// TestDueAccountsNameTheAccountsTheyShareAPersonWith: the due listing
// names, with each account, the accounts it shares a person with (a
// person linked to both; with rollup, a subsidiary's person in its
// parent's groups); an account whose persons are its own names none.
// Once the shared person is erased, the accounts name each other no
// more.
func TestDueAccountsNameTheAccountsTheyShareAPersonWith(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		for _, records := range ctoOfTwo {
			t.Run(ss.name+"/"+records.name, func(t *testing.T) {
				t.Parallel()
				b := setupOn(t, weeklyCapProgram(), ss.store(), func(c *engine.Config) { c.Rollup = records.rollup })
				b.clock.Set(day(1))
				batch := records.records()
				batch.Accounts = append(batch.Accounts, account("acme", "Acme", "acme.com", ""))
				batch.Persons = append(batch.Persons, contact("003A", "cto@acme.com", "Ann", "Lee", "Chief Technology Officer", "acme"))
				rep, err := b.eng.Apply(b.ctx, batch)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
				first, second := batch.Accounts[0].Account.ID, batch.Accounts[1].Account.ID

				links := func() map[b2b.AccountID][]b2b.AccountID {
					t.Helper()
					due, err := b.store.DueAccounts(b.ctx, &store.DueParams{Tenant: "default", Before: day(100)})
					require.NoError(t, err)
					out := map[b2b.AccountID][]b2b.AccountID{}
					for _, d := range due {
						out[d.ID] = d.Links
					}
					return out
				}
				require.Equal(t, map[b2b.AccountID][]b2b.AccountID{first: {second}, second: {first}, "acme": nil}, links())

				cto := personOf(t, b, batch.Persons[0])
				b.clock.Set(day(2))
				_, err = b.eng.ErasePerson(b.ctx, cto)
				require.NoError(t, err)
				require.Equal(t, map[b2b.AccountID][]b2b.AccountID{first: nil, second: nil, "acme": nil}, links(), "after the erasure")
			})
		}
	}
}

// personOf returns the golden person of a person record.
func personOf(t *testing.T, b *bundle, r identity.PersonRecord) b2b.PersonID {
	t.Helper()
	id := r.RecordID
	p, ok := b.eng.PersonOfRecord(r.Source, id)
	require.True(t, ok, fmt.Sprintf("the person of %s/%s", r.Source, id))
	return p
}

// TestAdvanceGoesOnPastAnUnreadableStateThatNamesOthers: under a cap of
// one email a week, the CTO moved from globex-de to initech, whose state
// names globex-de (the messages the CTO got there count in their cap);
// globex-de names no one. Initech's stored state cannot be read by this
// engine (a newer one wrote it, with its links): its pass fails, and
// Advance says so. An account whose state cannot be read names no one:
// globex-de, which names no one either, is advanced all the same, and
// its journey's email of day 3 goes out. So it is when acme, which
// shares a person with initech (and so names it), is due first and its
// pass fails (it cannot read initech's recent messages either, nor
// commit): initech stops with it, not globex-de.
func TestAdvanceGoesOnPastAnUnreadableStateThatNamesOthers(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		for _, acme := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/acme failing %v", ss.name, acme), func(t *testing.T) {
				t.Parallel()
				failing := &atomic.Bool{}
				st := failingCommits{ss.store(), "acme", failing}
				defs := weeklyCapProgram()
				defs.Journeys = append(defs.Journeys, waitThenMail("wait-50h", 50*time.Hour))
				b := setupOn(t, defs, st)
				cto := contact("003CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "globex-de")
				batch := engine.Batch{
					Accounts: []identity.AccountRecord{account("globex-de", "Globex DE", "globex.de", ""), account("initech", "Initech", "initech.com", "")},
					Persons: []identity.PersonRecord{cto, contact("003VP", "vp@globex.de", "Vic", "Ro", "Chief Technology Officer", "globex-de"),
						contact("003CFO", "cfo@initech.com", "Cy", "Fo", "Chief Financial Officer", "initech")}}
				want := map[b2b.AccountID][]b2b.AccountID{"initech": {"globex-de"}, "globex-de": nil}
				if acme {
					cio := contact("003CIO", "cio@acme.com", "Ian", "Po", "Chief Information Officer", "acme")
					cio.OtherAccounts = []b2b.AccountID{"initech"}
					batch.Accounts = append(batch.Accounts, account("acme", "Acme", "acme.com", ""))
					batch.Persons = append(batch.Persons, cio)
					want = map[b2b.AccountID][]b2b.AccountID{"initech": {"acme", "globex-de"}, "globex-de": nil, "acme": {"initech"}}
				}
				b.clock.Set(day(1))
				rep, err := b.eng.Apply(b.ctx, batch)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
				cto.Person.AccountID, cto.Time = "initech", day(1)
				_, err = b.eng.UpsertPersons(b.ctx, cto)
				require.NoError(t, err)
				_, err = b.eng.Enter(b.ctx, "globex-de", "wait-50h")
				require.NoError(t, err)

				due, err := st.DueAccounts(b.ctx, &store.DueParams{Tenant: "default", Before: day(100)})
				require.NoError(t, err)
				links := map[b2b.AccountID][]b2b.AccountID{}
				for _, d := range due {
					links[d.ID] = d.Links
				}
				require.Equal(t, want, links, "initech names the account the CTO left")

				rec, err := st.LoadAccount(b.ctx, "default", "initech")
				require.NoError(t, err)
				_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "initech", ExpectedVersion: rec.Version,
					State: []byte(`{"v":99}`), DueAt: rec.DueAt, Links: rec.Links, Now: day(1)})
				require.NoError(t, err)

				failing.Store(true)
				b.clock.Set(day(5))
				_, err = b.eng.Advance(b.ctx, day(5))
				if acme {
					require.ErrorContains(t, err, `account "acme"`)
					require.Equal(t, int64(1), b.eng.Counters().AdvanceLimits["failed"], "initech stopped with acme")
				} else {
					require.ErrorContains(t, err, `account "initech"`)
					require.Zero(t, b.eng.Counters().AdvanceLimits["failed"], "no account stopped with initech")
				}
				var to []string
				for _, m := range claimAll(t, b, day(5)) {
					to = append(to, m.To)
				}
				require.Equal(t, []string{"vp@globex.de"}, to, "globex-de's email of day 3")
			})
		}
	}
}
