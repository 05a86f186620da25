package memory

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	require.Len(t, td.due, 2, "the queue drops the item when it reaches the front")
	for _, it := range td.due {
		if it.e.Person == "p1" {
			require.Nil(t, it.e.Payload)
		} else {
			require.NotNil(t, it.e.Payload)
		}
	}
	got, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0.Add(48 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "m2", got[0].ID)
}
