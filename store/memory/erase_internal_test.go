package memory

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestErasureLeavesNothingInTheQueue: an erased person's entries are
// gone from the outbox, and the due queue, which drops its items lazily,
// no longer holds their payloads.
func TestErasureLeavesNothingInTheQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Now: t0, Entries: []store.OutboxEntry{
		{ID: "m1", Account: "a", Person: "p1", IdempotencyKey: "m1", Channel: "email", Payload: []byte(`{"To":"carla@acme.com"}`), NextAttemptAt: t0.Add(24 * time.Hour)},
		{ID: "m2", Account: "a", Person: "p2", IdempotencyKey: "m2", Channel: "email", Payload: []byte(`{"To":"dev@acme.com"}`), NextAttemptAt: t0.Add(24 * time.Hour)},
	}})
	require.NoError(t, err)
	rep, err := s.ErasePerson(ctx, "t", "p1")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Outbox)
	td := s.tenant("t", false)
	require.Equal(t, 2, td.due.Len(), "the queue drops the item when it reaches the front")
	td.due.each(func(it *dueItem) {
		if it.e.ID == "m1" { // p1's
			require.Nil(t, it.e.Payload)
			require.Empty(t, it.e.Person)
		} else {
			require.NotNil(t, it.e.Payload)
		}
	})
	got, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0.Add(48 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "m2", got[0].ID)
}

// TestErasureOfAccountlessEntries: a delivery event of an entry enqueued
// outside a commit (no account) is the person's too.
func TestErasureOfAccountlessEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Now: t0, Entries: []store.OutboxEntry{
		{ID: "m1", Person: "p1", IdempotencyKey: "m1", Channel: "email"}}})
	require.NoError(t, err)
	got, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NoError(t, s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: "m1", Status: store.OutboxDelivered, Now: t0,
		Event: &store.Event{Type: "message.delivered", Time: t0}}))
	evs, err := s.Events(ctx, &store.EventsParams{Tenant: "t"})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, b2b.PersonID("p1"), evs[0].Person)
	accs, err := s.PersonAccounts(ctx, "t", "p1")
	require.NoError(t, err)
	require.Empty(t, accs, "no account holds it")
	rep, err := s.ErasePerson(ctx, "t", "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Events: 1, Outbox: 1}, rep)
	evs, err = s.Events(ctx, &store.EventsParams{Tenant: "t"})
	require.NoError(t, err)
	require.Empty(t, evs)
}

// each calls f for every queued item, in no particular order.
func (q *dueQueue) each(f func(*dueItem)) {
	for _, b := range q.buckets {
		for i := b.next; i < len(b.items); i++ {
			f(&b.items[i])
		}
	}
}
