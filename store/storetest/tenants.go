package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) tenantIsolation(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Tenant: "t1", Account: "acme", State: []byte("one"), DueAt: t0, Index: map[string]string{"k": "v"},
		Events: []store.Event{{Type: "x", Time: t0, Person: "p"}}, Outbox: []store.OutboxEntry{{ID: "m", Person: "p", IdempotencyKey: "k", Channel: "email"}}})
	commit(t, st, store.CommitParams{Tenant: "t2", Account: "acme", State: []byte("two")})

	a, err := st.LoadAccount(ctx, "t2", "acme")
	require.NoError(t, err)
	require.Equal(t, "two", string(a.State))
	require.Equal(t, int64(1), a.Version, "versions are per tenant")
	_, err = st.LoadAccount(ctx, "t3", "acme")
	require.ErrorIs(t, err, store.ErrNotFound)

	due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: "t2", Before: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.Empty(t, due)
	ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: "t2", Key: "k", Value: "v"})
	require.NoError(t, err)
	require.Empty(t, ids)
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: "t2"})
	require.NoError(t, err)
	require.Empty(t, evs)
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t2", Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, got)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: "t2", ID: "m", Status: store.OutboxDelivered, Now: t0})
	require.ErrorIs(t, err, store.ErrNotFound)
	accs, err := st.PersonAccounts(ctx, "t2", "p")
	require.NoError(t, err)
	require.Empty(t, accs)
	rep, err := st.ErasePerson(ctx, "t2", "p")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{}, rep)

	// Outbox IDs are unique within a tenant: t2's "m" is its own entry,
	// and what t2 does with it leaves t1's as it was.
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: "t2", Account: "acme", ExpectedVersion: 1, Now: t0,
		Redactions: []store.Redaction{{Seq: 1, Data: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrInvalid, "t2 has no event 1 to redact (t1 has)")
	commit(t, st, store.CommitParams{Tenant: "t2", Account: "acme", ExpectedVersion: 1, Now: t0,
		Outbox: []store.OutboxEntry{{ID: "m", Person: "p2", IdempotencyKey: "k", Channel: "email", Payload: []byte("t2's")}}})
	pending, err := st.PendingOutbox(ctx, "t2", "acme")
	require.NoError(t, err)
	require.Len(t, pending, 1, "t2's entry is queued though t1 has one of that ID")
	require.Equal(t, "t2's", string(pending[0].Payload))
	enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t2", Now: t0,
		Entries: []store.OutboxEntry{{ID: "m", Person: "p2", IdempotencyKey: "k", Channel: "email", Payload: []byte("again")}}})
	require.NoError(t, err)
	require.Len(t, enq, 1)
	require.Equal(t, "t2's", string(enq[0].Payload), "a known ID of t2 returns t2's entry")
	commit(t, st, store.CommitParams{Tenant: "t2", Account: "acme", ExpectedVersion: 2, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "m", Payload: []byte("redacted")}}})
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t2", Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "redacted", string(got[0].Payload))
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: "t2", ID: "m", Status: store.OutboxDelivered, Now: t0}))

	// t1 still has everything, as it was.
	evs, err = st.Events(ctx, &store.EventsParams{Tenant: "t1"})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	pending, err = st.PendingOutbox(ctx, "t1", "acme")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "p", string(pending[0].Person))
	require.Empty(t, pending[0].Payload, "t2's redaction did not reach t1's entry")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t1", Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1, "t2's acknowledgement did not reach t1's entry")
}

// tenantIsolationEveryMethod fills two tenants with the same accounts,
// persons, event Seqs and outbox IDs, then calls every method that
// changes something in one of them: what a reader sees of the other is
// exactly as it was.
func (s suite) tenantIsolationEveryMethod(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	fill := func(te store.Tenant) {
		commit(t, st, store.CommitParams{Tenant: te, Account: "acme", State: []byte(te), DueAt: t0, Index: map[string]string{"stage": "Awareness"},
			Events: []store.Event{{Type: "member.added", Person: "p", Time: t0, Data: []byte(`{"p":"p"}`)}, {Type: "alert.raised", Time: t0, Data: []byte(`{"p":"p"}`)}},
			Outbox: []store.OutboxEntry{
				{ID: "m1", Person: "p", IdempotencyKey: "k1", Channel: "email", Payload: []byte(te)},
				{ID: "m2", Person: "q", IdempotencyKey: "k2", Channel: "email", Payload: []byte(te), NextAttemptAt: t0.Add(time.Hour)}}})
		commit(t, st, store.CommitParams{Tenant: te, Account: "beta", DueAt: t0.Add(time.Minute), Index: map[string]string{"stage": "Awareness"},
			Events: []store.Event{{Type: "member.added", Person: "p", Time: t0}}})
		_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: te, Now: t0, Entries: []store.OutboxEntry{
			{ID: "direct", Account: "acme", Person: "p", IdempotencyKey: "k3", Channel: "email", Payload: []byte(te)}}})
		require.NoError(t, err)
		// A delivered entry of the person, which reading methods do not
		// list: an enqueue of its ID returns it.
		commit(t, st, store.CommitParams{Tenant: te, Account: "gamma", Outbox: []store.OutboxEntry{
			{ID: "sent", Person: "p", IdempotencyKey: "k4", Channel: "email", Payload: []byte(te), NextAttemptAt: t0.Add(-time.Hour)}}})
		got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: te, Now: t0.Add(-time.Hour), Lease: time.Minute})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "sent", Seq: got[0].Seq, Attempt: got[0].Attempts, Status: store.OutboxDelivered,
			Receipt: []byte(`"` + te + `"`), Now: t0, Event: &store.Event{Type: "message.delivered", Time: t0}}))
	}
	// finalOf returns tenant te's entry of ID id, as an enqueue of the ID
	// returns it (changing nothing).
	finalOf := func(te store.Tenant, id string) store.OutboxEntry {
		got, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: te, Now: t0.Add(24 * time.Hour), Entries: []store.OutboxEntry{
			{ID: id, IdempotencyKey: "probe", Channel: "probe"}}})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.NotEqual(t, "probe", got[0].IdempotencyKey, "tenant %s, %s: an entry is stored", te, id)
		return got[0]
	}
	fill("t1")
	fill("t2")
	ids := []b2b.AccountID{"acme", "beta", "gamma", "new"}
	index := map[string]string{"stage": "Awareness"}
	persons := []b2b.PersonID{"p", "q", "r"}
	before := snapshotOf(t, st, "t2", ids, index, persons)
	require.Equal(t, "t2", string(before.Accounts["acme"].State))
	for _, e := range before.Pending["acme"] {
		require.Equal(t, "t2", string(e.Payload), "%s: t2 reads its own entries", e.ID)
	}
	sent := finalOf("t2", "sent")
	require.Equal(t, store.OutboxDelivered, sent.Status)
	require.Equal(t, `"t2"`, string(sent.Receipt))
	// A store that numbers each tenant's events from 1 gives t2 events
	// of the Seqs that t1 redacts.
	evs1, err := st.Events(ctx, &store.EventsParams{Tenant: "t1"})
	require.NoError(t, err)

	// Every method that changes a store, in t1, on what t2 has too.
	commit(t, st, store.CommitParams{Tenant: "t1", Account: "acme", ExpectedVersion: 1, Now: t0.Add(time.Minute), State: []byte("changed"),
		Index:            map[string]string{"stage": "Decision"},
		Events:           []store.Event{{Type: "member.added", Person: "r", Time: t0}},
		Outbox:           []store.OutboxEntry{{ID: "m3", Person: "r", IdempotencyKey: "k", Channel: "email"}},
		Redactions:       []store.Redaction{{Seq: evs1[1].Seq, Data: []byte(`{}`)}},
		OutboxRedactions: []store.OutboxRedaction{{ID: "m2", Payload: []byte("redacted")}}})
	commit(t, st, store.CommitParams{Tenant: "t1", Account: "new", Now: t0, DueAt: t0, Index: map[string]string{"stage": "Awareness"}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t1", Now: t0.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 4)
	for _, e := range got[:2] {
		require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: "t1", ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Now: t0.Add(2 * time.Hour),
			Event: &store.Event{Type: "message.delivered", Person: "q", Time: t0}}))
	}
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: "t1", ID: got[2].ID, Attempt: got[2].Attempts, Status: store.OutboxPending,
		NextAttemptAt: t0.Add(3 * time.Hour), Now: t0.Add(2 * time.Hour)}))
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t1", Now: t0, Entries: []store.OutboxEntry{
		{ID: "m4", Account: "beta", Person: "q", IdempotencyKey: "k", Channel: "email"}}})
	require.NoError(t, err)
	_, err = st.ErasePerson(ctx, "t1", "p")
	require.NoError(t, err)
	_, err = st.ErasePerson(ctx, "t1", "q")
	require.NoError(t, err)

	require.Equal(t, before, snapshotOf(t, st, "t2", ids, index, persons), "t2 as it was")
	require.Equal(t, sent, finalOf("t2", "sent"), "t2's delivered entry as it was (t1 erased its own)")
	gone, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: "t1", Now: t0, Entries: []store.OutboxEntry{{ID: "sent", IdempotencyKey: "k-new", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, "k-new", gone[0].IdempotencyKey, "t1's delivered entry was erased")
	require.NotEqual(t, before, snapshotOf(t, st, "t1", ids, index, persons), "t1 changed")
}
