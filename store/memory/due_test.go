package memory_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// modelEntry is the reference model's view of an outbox entry.
type modelEntry struct {
	id       string
	account  b2b.AccountID
	person   b2b.PersonID
	status   store.OutboxStatus
	attempts int
	next     time.Time
	until    time.Time
	created  time.Time
}

func (e *modelEntry) due() time.Time {
	if e.status == store.OutboxClaimed {
		return e.until
	}
	return e.next
}

// TestClaimOrderMatchesAScan runs random enqueues, claims, acks and
// erasures against the store and against a model that scans and sorts
// every live entry at each claim (the definition of the claim order: due
// time, then creation, account and ID), and
// requires the same entries in the same order from every claim.
func TestClaimOrderMatchesAScan(t *testing.T) {
	t.Parallel()
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(seed, 7))
			ctx := context.Background()
			st := memory.New()
			model := map[string]*modelEntry{}
			var claimed []string
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for step := range 3000 {
				now = now.Add(time.Duration(rnd.IntN(90)) * time.Second)
				switch op := rnd.IntN(10); {
				case op < 4: // enqueue a few, some of them again
					var entries []store.OutboxEntry
					for range 1 + rnd.IntN(4) {
						id := fmt.Sprintf("m%d", rnd.IntN(800))
						if slices.ContainsFunc(entries, func(o store.OutboxEntry) bool { return o.ID == id }) {
							continue // one call names an entry once
						}
						next := now.Add(time.Duration(rnd.IntN(600)-200) * time.Second)
						person := b2b.PersonID(fmt.Sprintf("p%d", rnd.IntN(30)))
						account := b2b.AccountID(fmt.Sprintf("a%d", rnd.IntN(5)))
						entries = append(entries, store.OutboxEntry{ID: id, Account: account, Person: person, IdempotencyKey: id,
							Channel: "email", Payload: []byte("{}"), NextAttemptAt: next})
						if _, ok := model[id]; !ok {
							model[id] = &modelEntry{id: id, account: account, person: person, status: store.OutboxPending, next: next, created: now}
						}
					}
					_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: now})
					require.NoError(t, err)
				case op < 7: // claim
					limit, lease := 1+rnd.IntN(12), time.Duration(1+rnd.IntN(300))*time.Second
					got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: now, Lease: lease, Limit: limit})
					require.NoError(t, err)
					var want []*modelEntry
					for _, e := range model {
						if (e.status == store.OutboxPending || e.status == store.OutboxClaimed) && !e.due().After(now) {
							want = append(want, e)
						}
					}
					slices.SortFunc(want, func(a, b *modelEntry) int {
						return cmp.Or(a.due().Compare(b.due()), a.created.Compare(b.created), cmp.Compare(a.account, b.account), cmp.Compare(a.id, b.id))
					})
					want = want[:min(limit, len(want))]
					ids := make([]string, len(got))
					for i := range got {
						ids[i] = got[i].ID
					}
					wantIDs := make([]string, len(want))
					for i, e := range want {
						wantIDs[i] = e.id
						e.status, e.attempts, e.until = store.OutboxClaimed, e.attempts+1, now.Add(lease)
						require.Equal(t, e.attempts, got[i].Attempts, "step %d", step)
					}
					require.Equal(t, wantIDs, ids, "step %d", step)
					claimed = append(claimed, ids...)
				case op < 9 && len(claimed) > 0: // ack a claimed entry
					i := rnd.IntN(len(claimed))
					id := claimed[i]
					claimed = slices.Delete(claimed, i, i+1)
					e := model[id]
					if e == nil || e.status != store.OutboxClaimed {
						continue
					}
					status := []store.OutboxStatus{store.OutboxDelivered, store.OutboxFailed, store.OutboxPending}[rnd.IntN(3)]
					next := now.Add(time.Duration(rnd.IntN(400)) * time.Second)
					err := st.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: id, Attempt: e.attempts, Status: status, NextAttemptAt: next, Now: now})
					require.NoError(t, err)
					e.status = status
					if status == store.OutboxPending {
						e.next = next
					}
				case op == 9: // erase a person's entries
					person := b2b.PersonID(fmt.Sprintf("p%d", rnd.IntN(30)))
					_, err := st.ErasePerson(ctx, "t", person)
					require.NoError(t, err)
					for id, e := range model {
						if e.person == person {
							delete(model, id)
						}
					}
				}
			}
		})
	}
}

// BenchmarkClaimBacklog claims a backlog of due entries in batches of
// 200 and acknowledges each, as a dispatcher catching up does: entries/s.
func BenchmarkClaimBacklog(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			ctx := context.Background()
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for b.Loop() {
				b.StopTimer()
				st := memory.New()
				entries := make([]store.OutboxEntry, n)
				for i := range entries {
					id := fmt.Sprintf("m%07d", i)
					entries[i] = store.OutboxEntry{ID: id, Account: "a", IdempotencyKey: id, Channel: "email", Payload: []byte("{}"),
						NextAttemptAt: t0.Add(time.Duration(i%1000) * time.Second)}
				}
				_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: t0})
				if err != nil {
					b.Fatal(err)
				}
				now := t0.Add(time.Hour)
				b.StartTimer()
				done := 0
				for {
					got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: now, Lease: time.Minute, Limit: 200})
					if err != nil {
						b.Fatal(err)
					}
					if len(got) == 0 {
						break
					}
					for _, e := range got {
						if err := st.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Now: now}); err != nil {
							b.Fatal(err)
						}
					}
					done += len(got)
				}
				if done != n {
					b.Fatalf("claimed %d of %d", done, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// TestFinalEntriesDropTheirPayload: a delivered or failed entry keeps its
// ID (enqueueing it again keeps it) but not its payload; an entry to
// retry keeps its payload.
func TestFinalEntriesDropTheirPayload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memory.New()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var entries []store.OutboxEntry
	for _, id := range []string{"delivered", "failed", "retry"} {
		entries = append(entries, store.OutboxEntry{ID: id, Account: "a", IdempotencyKey: id, Channel: "email", Payload: []byte(`{"m":"` + id + `"}`)})
	}
	_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: t0})
	require.NoError(t, err)
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 3)
	for id, status := range map[string]store.OutboxStatus{"delivered": store.OutboxDelivered, "failed": store.OutboxFailed, "retry": store.OutboxPending} {
		require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: id, Status: status, NextAttemptAt: t0.Add(time.Hour), Now: t0}))
	}
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: t0.Add(time.Minute)})
	require.NoError(t, err)
	require.Equal(t, store.OutboxDelivered, again[0].Status)
	require.Nil(t, again[0].Payload)
	require.Equal(t, store.OutboxFailed, again[1].Status)
	require.Nil(t, again[1].Payload)
	require.Equal(t, store.OutboxPending, again[2].Status)
	require.Equal(t, `{"m":"retry"}`, string(again[2].Payload))
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0.Add(time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1, "only the retry is claimed again")
	require.Equal(t, `{"m":"retry"}`, string(got[0].Payload))
}
