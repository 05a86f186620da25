package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// racingCommits starts many commits with one expected version at once,
// to create an account (0: a database's insert races) and to change it:
// exactly one of each round wins, the others fail with ErrConflict (not a
// driver's error), and only the winner's state, events and outbox entry
// are stored. Then commits computed from a version since replaced race:
// none wins, and nothing changes.
func (s suite) racingCommits(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	for _, expected := range []int64{0, 1} {
		start := make(chan struct{})
		errs := make([]error, s.f.Concurrency)
		var wg sync.WaitGroup
		for w := range s.f.Concurrency {
			wg.Go(func() {
				<-start
				_, errs[w] = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: expected, Now: t0,
					State:  []byte(fmt.Sprint(w)),
					Events: []store.Event{{Type: "won", Time: t0, Data: []byte(fmt.Sprint(w))}},
					Outbox: []store.OutboxEntry{{ID: fmt.Sprintf("m-%d-%d", expected, w), IdempotencyKey: "k", Channel: "email"}}})
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "expected version %d: two commits won (%d and %d)", expected, winner, w)
				winner = w
				continue
			}
			require.ErrorIs(t, err, store.ErrConflict, "expected version %d, committer %d", expected, w)
		}
		require.NotEqual(t, -1, winner, "expected version %d: no commit won", expected)
		a, err := st.LoadAccount(ctx, tenant, "acme")
		require.NoError(t, err)
		require.Equal(t, expected+1, a.Version)
		require.Equal(t, fmt.Sprint(winner), string(a.State), "expected version %d", expected)
		evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acme"})
		require.NoError(t, err)
		require.Len(t, evs, int(expected)+1, "expected version %d: the winner's event only", expected)
		require.Equal(t, fmt.Sprint(winner), string(evs[expected].Data))
		pending, err := st.PendingOutbox(ctx, tenant, "acme")
		require.NoError(t, err)
		require.Len(t, pending, int(expected)+1, "expected version %d: the winner's entry only", expected)
		require.True(t, slices.ContainsFunc(pending, func(e store.OutboxEntry) bool { return e.ID == fmt.Sprintf("m-%d-%d", expected, winner) }))
	}

	// The account is at version 2: commits from version 1 are stale,
	// whether or not they race with each other.
	before, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	start := make(chan struct{})
	errs := make([]error, s.f.Concurrency)
	var wg sync.WaitGroup
	for w := range s.f.Concurrency {
		wg.Go(func() {
			<-start
			_, errs[w] = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: 1, Now: t0,
				State:  []byte(fmt.Sprint("stale-", w)),
				Events: []store.Event{{Type: "stale", Time: t0}},
				Outbox: []store.OutboxEntry{{ID: fmt.Sprintf("m-stale-%d", w), IdempotencyKey: "k", Channel: "email"}}})
		})
	}
	close(start)
	wg.Wait()
	for w, err := range errs {
		require.ErrorIs(t, err, store.ErrConflict, "stale committer %d: the account is at version 2, not 1", w)
	}
	after, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, before, after, "stale commits change nothing")
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acme"})
	require.NoError(t, err)
	require.Len(t, evs, 2, "stale commits log nothing")
	pending, err := st.PendingOutbox(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Len(t, pending, 2, "stale commits queue nothing")
}

// racingOutboxIDs starts many commits of different accounts, and
// enqueues, at once, each queuing an entry of one shared ID (a database's
// insert races on the tenant's unique ID): every one succeeds (none fails
// with a driver's error or a conflict: an ID that exists keeps the
// existing entry), exactly one entry of the ID is stored, it is the
// winner's own (its account, person and payload), and the others' entries
// tie nobody to their accounts.
func (s suite) racingOutboxIDs(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	n := s.f.Concurrency
	accounts := make([]b2b.AccountID, n)
	for w := range n {
		accounts[w] = b2b.AccountID(fmt.Sprintf("acc-%02d", w))
		commit(t, st, store.CommitParams{Account: accounts[w]})
	}
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			<-start
			entry := store.OutboxEntry{ID: "shared", Person: b2b.PersonID(fmt.Sprintf("p-%02d", w)), IdempotencyKey: "k", Channel: "email",
				Payload: []byte(accounts[w])}
			if w%2 == 0 {
				_, errs[w] = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: accounts[w], ExpectedVersion: 1, Now: t0, Outbox: []store.OutboxEntry{entry}})
				return
			}
			entry.Account = accounts[w]
			_, errs[w] = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{entry}})
		})
	}
	close(start)
	wg.Wait()
	for w, err := range errs {
		require.NoError(t, err, "writer %d", w)
	}
	var stored []store.OutboxEntry
	for _, acc := range accounts {
		pending, err := st.PendingOutbox(ctx, tenant, acc)
		require.NoError(t, err)
		stored = append(stored, pending...)
	}
	require.Len(t, stored, 1, "one entry of the ID")
	winner := stored[0]
	require.Equal(t, string(winner.Account), string(winner.Payload), "the winner's own entry")
	for w, acc := range accounts {
		accs, err := st.PersonAccounts(ctx, tenant, b2b.PersonID(fmt.Sprintf("p-%02d", w)))
		require.NoError(t, err)
		if acc == winner.Account {
			require.Equal(t, []b2b.AccountID{acc}, accs, "the winner's person")
			require.Equal(t, b2b.PersonID(fmt.Sprintf("p-%02d", w)), winner.Person)
			continue
		}
		require.Empty(t, accs, "writer %d's entry was not stored", w)
	}
}

// concurrentCommits runs read-modify-write loops from many goroutines on a
// few accounts, retrying on conflict: no update may be lost.
func (s suite) concurrentCommits(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	const perWorker = 25
	accounts := []b2b.AccountID{"a", "b", "c"}
	var wg sync.WaitGroup
	errs := make(chan error, s.f.Concurrency)
	for w := range s.f.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				id := accounts[(w+i)%len(accounts)]
				for conflicts := 0; ; conflicts++ {
					// A conflict means another commit won since the
					// load: there are no more of them than commits in
					// all.
					if conflicts > s.f.Concurrency*perWorker {
						errs <- fmt.Errorf("worker %d, update %d of account %s: %d conflicts in a row, more than the %d commits of all workers",
							w, i, id, conflicts, s.f.Concurrency*perWorker)
						return
					}
					cur, err := st.LoadAccount(ctx, tenant, id)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						errs <- err
						return
					}
					n := 0
					if len(cur.State) > 0 {
						fmt.Sscan(string(cur.State), &n)
					}
					_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: id, ExpectedVersion: cur.Version,
						State: []byte(fmt.Sprint(n + 1)), Now: t0,
						Events: []store.Event{{Type: "inc", Time: t0}},
						Outbox: []store.OutboxEntry{{ID: fmt.Sprintf("%s-%d", id, n+1), IdempotencyKey: "k", Channel: "email"}}})
					if errors.Is(err, store.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	total := 0
	for _, id := range accounts {
		a, err := st.LoadAccount(ctx, tenant, id)
		require.NoError(t, err)
		var n int
		fmt.Sscan(string(a.State), &n)
		require.Equal(t, int64(n), a.Version, "account %s: every commit counted once", id)
		total += n
	}
	require.Equal(t, s.f.Concurrency*perWorker, total, "no lost update")
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1 << 20})
	require.NoError(t, err)
	require.Len(t, evs, total, "exactly one event per successful commit")
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: 1 << 20})
	require.NoError(t, err)
	require.Len(t, claimed, total, "exactly one outbox entry per successful commit")
}

// longLogs commits and delivers concurrently until the accounts' logs are
// long (an adapter that packs its log in blocks seals many), then reads
// them back whole and in pages, redacts an early event and erases a
// person, checking every event each time.
func (s suite) longLogs(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	accounts := []b2b.AccountID{"a", "b", "c"}
	const commits = 120 // per account, two events and a message each
	data := func(acc b2b.AccountID, i, j int) []byte {
		return fmt.Appendf(nil, `{"account":%q,"commit":%d,"event":%d,"pad":%q}`, acc, i, j, strings.Repeat("z", (i*7+j)%300))
	}
	var wg, committers sync.WaitGroup
	errs := make(chan error, 2*len(accounts))
	for _, acc := range accounts {
		committers.Go(func() {
			for i := range commits {
				_, err := st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: acc, ExpectedVersion: int64(i), Now: t0,
					Events: []store.Event{
						{Type: "step", Person: b2b.PersonID(fmt.Sprint("p", i%3)), Time: t0.Add(time.Duration(i) * time.Minute), Data: data(acc, i, 0)},
						{Type: "step", Time: t0.Add(time.Duration(i) * time.Minute), Data: data(acc, i, 1)},
					},
					Outbox: []store.OutboxEntry{{ID: fmt.Sprintf("%s-%d", acc, i), Person: b2b.PersonID(fmt.Sprint("p", i%3)), IdempotencyKey: "k", Channel: "email"}}})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var committed atomic.Bool
	var claimed atomic.Int64 // every entry is claimed once: the leases never end
	for range 2 {
		wg.Go(func() {
			for {
				// Once every commit is in, a claim that finds nothing is
				// the end.
				done := committed.Load()
				got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Hour, Limit: 7})
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 && done {
					return
				}
				if n := claimed.Add(int64(len(got))); n > commits*int64(len(accounts)) {
					errs <- fmt.Errorf("claims handed out %d entries, more entries than were queued (%d), though none was acknowledged as a retry and no lease ended", n, commits*len(accounts))
					return
				}
				for _, e := range got {
					err := st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Now: t0,
						Event: &store.Event{Type: "delivered", Time: t0, Data: fmt.Appendf(nil, `{"id":%q,"pad":%q}`, e.ID, strings.Repeat("d", 200))}})
					if err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	committers.Wait()
	committed.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	// check reads the log in every way and compares each account's
	// events (type and data, in order) with want.
	check := func(step string, want map[b2b.AccountID][]string) {
		t.Helper()
		whole, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1 << 20})
		require.NoError(t, err)
		all := readPages(t, st, store.EventsParams{Tenant: tenant, Limit: 97}, len(whole))
		require.Equal(t, all, whole, "%s: the log read in pages and at once", step)
		for i := 1; i < len(all); i++ {
			require.Greater(t, all[i].Seq, all[i-1].Seq, "%s: Seqs increase", step)
		}
		got := map[b2b.AccountID][]string{}
		for _, e := range all {
			got[e.Account] = append(got[e.Account], e.Type+" "+string(e.Data))
		}
		for _, acc := range accounts {
			require.Equal(t, want[acc], got[acc], "%s: account %s in the tenant's log", step, acc)
			var mine []string
			for _, e := range readPages(t, st, store.EventsParams{Tenant: tenant, Account: acc, Limit: 41}, len(got[acc])) {
				mine = append(mine, e.Type+" "+string(e.Data))
			}
			require.Equal(t, want[acc], mine, "%s: account %s's own log", step, acc)
		}
	}
	// What the log holds: each account's steps in commit order, and one
	// delivery per message, whenever it came.
	want := map[b2b.AccountID][]string{}
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1 << 20})
	require.NoError(t, err)
	require.Len(t, evs, 3*commits*len(accounts))
	for _, acc := range accounts {
		steps, deliveries := 0, map[string]bool{}
		for _, e := range evs {
			if e.Account != acc {
				continue
			}
			if e.Type == "delivered" {
				var d struct{ ID string }
				require.NoError(t, json.Unmarshal(e.Data, &d))
				require.False(t, deliveries[d.ID], "one delivery of %s", d.ID)
				deliveries[d.ID] = true
			} else {
				require.Equal(t, string(data(acc, steps/2, steps%2)), string(e.Data), "account %s step %d", acc, steps)
				steps++
			}
			want[acc] = append(want[acc], e.Type+" "+string(e.Data))
		}
		require.Equal(t, 2*commits, steps)
		require.Len(t, deliveries, commits)
	}
	check("after the run", want)

	// Redact the first event of account b, then erase p1 everywhere.
	first := slices.IndexFunc(evs, func(e store.Event) bool { return e.Account == "b" })
	commit(t, st, store.CommitParams{Account: "b", ExpectedVersion: commits, Redactions: []store.Redaction{{Seq: evs[first].Seq, Data: []byte(`{"redacted":true}`)}}})
	want["b"][0] = evs[first].Type + ` {"redacted":true}`
	check("after a redaction", want)
	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	erased := 0
	for _, acc := range accounts {
		kept := want[acc][:0]
		for _, e := range evs {
			if e.Account != acc {
				continue
			}
			if e.Person == "p1" {
				erased++
				continue
			}
			line := e.Type + " " + string(e.Data)
			if e.Seq == evs[first].Seq {
				line = e.Type + ` {"redacted":true}`
			}
			kept = append(kept, line)
		}
		want[acc] = kept
	}
	require.Equal(t, erased, rep.Events)
	check("after erasing p1", want)
}

// readPages reads the events p selects in pages of p.Limit, each after
// the last Seq of the one before, until a page is empty. It fails t,
// rather than read for ever, unless each page holds at most p.Limit
// events, each after the Seq it was asked to follow and the one before
// it, and the pages hold no more than most events (those of the log
// read at once).
func readPages(t *testing.T, st store.Store, p store.EventsParams, most int) []store.Event {
	t.Helper()
	what := "the tenant's events"
	if p.Account != "" {
		what = fmt.Sprintf("account %s's events", p.Account)
	}
	var all []store.Event
	for p.AfterSeq = 0; ; p.AfterSeq = all[len(all)-1].Seq {
		page, err := st.Events(context.Background(), &p)
		require.NoError(t, err)
		if len(page) == 0 {
			return all
		}
		require.LessOrEqual(t, len(page), p.Limit, "%s after Seq %d: a page of limit %d", what, p.AfterSeq, p.Limit)
		prev := p.AfterSeq
		for i, e := range page {
			require.Greater(t, e.Seq, prev, "%s after Seq %d: event %d of the page has Seq %d, not after %d",
				what, p.AfterSeq, i, e.Seq, prev)
			prev = e.Seq
		}
		all = append(all, page...)
		require.LessOrEqual(t, len(all), most, "%s in pages of %d: more than the %d read at once", what, p.Limit, most)
	}
}

// erasureRacingDeliveries erases a person while dispatchers acknowledge
// the person's messages, each ack logging an event that names the person
// through the entry: each ack lands before the erasure (which then
// removes the entry and the event) or finds no entry (ErrNotFound), so
// that nothing of the person is left, whatever the interleaving, and
// the other person's messages are all delivered.
func (s suite) erasureRacingDeliveries(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	const perAccount = 40
	accounts := []b2b.AccountID{"a", "b", "c"}
	for _, acc := range accounts {
		var entries []store.OutboxEntry
		for i := range perAccount {
			entries = append(entries, store.OutboxEntry{ID: fmt.Sprintf("%s-%02d", acc, i), Person: b2b.PersonID(fmt.Sprint("p", i%2)),
				IdempotencyKey: "k", Channel: "email", Payload: []byte("hello")})
		}
		commit(t, st, store.CommitParams{Account: acc, Outbox: entries})
	}
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Hour, Limit: 1 << 20})
	require.NoError(t, err)
	require.Len(t, claimed, perAccount*len(accounts))

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, s.f.Concurrency+1)
	workers := min(s.f.Concurrency, len(claimed))
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := w; i < len(claimed); i += workers {
				e := claimed[i]
				err := st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Now: t0,
					Event: &store.Event{Type: "message.delivered", Time: t0, Data: []byte(e.ID)}})
				if err != nil && !(e.Person == "p1" && errors.Is(err, store.ErrNotFound)) {
					errs <- fmt.Errorf("ack of %s: %w", e.ID, err)
				}
			}
		})
	}
	wg.Go(func() {
		<-start
		if _, err := st.ErasePerson(ctx, tenant, "p1"); err != nil {
			errs <- err
		}
	})
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1 << 20})
	require.NoError(t, err)
	delivered := 0
	for _, e := range evs {
		require.NotEqual(t, b2b.PersonID("p1"), e.Person, "event %d (%s) of the erased person", e.Seq, e.Data)
		delivered++
	}
	require.Equal(t, perAccount*len(accounts)/2, delivered, "every delivery of p0 logged")
	accs, err := st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Empty(t, accs, "nothing ties the erased person to an account")
	for _, acc := range accounts {
		pending, err := st.PendingOutbox(ctx, tenant, acc)
		require.NoError(t, err)
		require.Empty(t, pending, acc)
	}
	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{}, rep, "the first erasure removed everything")
}
