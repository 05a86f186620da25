package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) outboxClaimAck(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "m2", Person: "p1", IdempotencyKey: "k2", Channel: "email", Payload: []byte(`{"n":2}`), NextAttemptAt: t0.Add(time.Minute)},
		{ID: "m1", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte(`{"n":1}`)},
		{ID: "m3", IdempotencyKey: "k3", Channel: "sms", NextAttemptAt: t0.Add(time.Hour)},
	}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2, "m3 is not due yet")
	require.Equal(t, "m1", got[0].ID, "oldest due first")
	require.Equal(t, "m2", got[1].ID)
	require.Equal(t, store.OutboxClaimed, got[0].Status)
	require.Equal(t, 1, got[0].Attempts)
	require.Equal(t, "k1", got[0].IdempotencyKey)
	require.Equal(t, `{"n":1}`, string(got[0].Payload))
	require.Equal(t, b2b.AccountID("a"), got[0].Account)

	// Claimed entries are not handed out twice while leased.
	again, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, again)

	now := t0.Add(90 * time.Second)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: now}))
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m2", Status: store.OutboxFailed, Error: "550 no such user", Now: now}))
	// An entry that is not claimed cannot be acknowledged.
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: now})
	require.ErrorIs(t, err, store.ErrConflict)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m3", Status: store.OutboxDelivered, Now: now})
	require.ErrorIs(t, err, store.ErrConflict)

	// Delivered and failed entries are never claimed again.
	later, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, later, 1)
	require.Equal(t, "m3", later[0].ID)
}

func (s suite) outboxRetryAndLease(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "sms"}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, store.OutboxClaimed, got[0].Status)
	require.True(t, s.time(t0.Add(time.Minute)).Equal(got[0].ClaimedUntil), "the lease ends at now+lease: %v", got[0].ClaimedUntil)
	require.True(t, s.time(t0).Equal(got[0].NextAttemptAt), "due when it was claimed: %v", got[0].NextAttemptAt)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Status: store.OutboxPending,
		NextAttemptAt: t0.Add(10 * time.Minute), Error: "503 busy", Now: t0.Add(30 * time.Second)}))
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	e := pending[0]
	require.Equal(t, store.OutboxPending, e.Status, "a retry is pending again")
	require.Equal(t, 1, e.Attempts, "the next claim counts the next attempt")
	require.Equal(t, "503 busy", e.LastError)
	require.True(t, s.time(t0.Add(10*time.Minute)).Equal(e.NextAttemptAt), "next attempt %v", e.NextAttemptAt)
	require.True(t, s.time(t0.Add(30*time.Second)).Equal(e.UpdatedAt), "updated %v", e.UpdatedAt)
	require.True(t, s.time(t0).Equal(e.CreatedAt), "created %v", e.CreatedAt)

	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(9 * time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, got, "not before the retry time")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(10 * time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 2, got[0].Attempts)
	require.Equal(t, "503 busy", got[0].LastError)

	// The dispatcher dies: after the lease the entry is claimable again,
	// with the same idempotency key.
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(10*time.Minute + 59*time.Second), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(11 * time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 3, got[0].Attempts)
	require.Equal(t, "k", got[0].IdempotencyKey)
	require.True(t, s.time(t0.Add(10*time.Minute)).Equal(got[0].NextAttemptAt), "a claim after a lease ended keeps when the entry was due: %v", got[0].NextAttemptAt)
	require.True(t, s.time(t0.Add(12*time.Minute)).Equal(got[0].ClaimedUntil), "the new lease: %v", got[0].ClaimedUntil)
	require.True(t, s.time(t0.Add(11*time.Minute)).Equal(got[0].UpdatedAt), "updated at the new claim: %v", got[0].UpdatedAt)
	require.True(t, s.time(t0).Equal(got[0].CreatedAt), "a claim keeps when the entry was created: %v", got[0].CreatedAt)
}

// receiptOfTheLastAck: an entry's receipt, like its last error, is its
// last ack's, none when that ack had none: a retry's receipt (an attempt
// the provider took and then failed) is not the final entry's, whose
// last attempt was refused or suppressed, nor a delivery's. A claim keeps
// it.
func (s suite) receiptOfTheLastAck(t *testing.T) {
	ctx := context.Background()
	type ack struct {
		status  store.OutboxStatus
		receipt string
		err     string
	}
	tests := []struct {
		name string
		acks []ack // a claim before each
	}{
		{"a retry with a receipt, then a failure without", []ack{{store.OutboxPending, `{"providerId":"attempt-1"}`, "503 busy"}, {store.OutboxFailed, "", "550 no such user"}}},
		{"a retry with a receipt, then a suppression", []ack{{store.OutboxPending, `{"providerId":"attempt-1"}`, "503 busy"}, {store.OutboxSuppressed, "", "opted out"}}},
		{"a retry with a receipt, then a delivery", []ack{{store.OutboxPending, `{"providerId":"attempt-1"}`, "503 busy"}, {store.OutboxDelivered, `{"providerId":"attempt-2"}`, ""}}},
		{"a retry with a receipt, a retry without, then a delivery without", []ack{{store.OutboxPending, `{"providerId":"attempt-1"}`, "503 busy"},
			{store.OutboxPending, "", "421 later"}, {store.OutboxDelivered, "", ""}}},
		{"retries with receipts, then a failure with one", []ack{{store.OutboxPending, `{"providerId":"attempt-1"}`, "503 busy"},
			{store.OutboxPending, `{"providerId":"attempt-2"}`, "503 busy"}, {store.OutboxFailed, `{"providerId":"attempt-3"}`, "550 refused"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.newStore(t)
			commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{{ID: "m", Person: "p1", IdempotencyKey: "k", Channel: "email"}}})
			now := t0
			var before store.OutboxEntry // the entry after the previous ack
			for i, a := range tt.acks {
				got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: now, Lease: time.Minute})
				require.NoError(t, err)
				require.Len(t, got, 1, "claim %d", i+1)
				require.Equal(t, string(before.Receipt), string(got[0].Receipt), "claim %d keeps the last ack's receipt", i+1)
				require.Equal(t, before.LastError, got[0].LastError, "claim %d keeps the last ack's error", i+1)
				p := store.AckParams{Tenant: tenant, ID: "m", Seq: got[0].Seq, Attempt: got[0].Attempts, Status: a.status, Error: a.err, Now: now}
				if a.receipt != "" {
					p.Receipt = []byte(a.receipt)
				}
				now = now.Add(time.Minute)
				if a.status == store.OutboxPending {
					p.NextAttemptAt = now
				}
				require.NoError(t, st.AckOutbox(ctx, &p), "ack %d", i+1)
				before = entryNow(t, st, "m")
				require.Equal(t, a.status, before.Status, "ack %d", i+1)
				require.Equal(t, a.receipt, string(before.Receipt), "ack %d (%s): the receipt is the last ack's", i+1, a.status)
				require.Equal(t, a.err, before.LastError, "ack %d (%s): the error is the last ack's", i+1, a.status)
			}
		})
	}
}

// outboxClaimOrder checks the order ClaimParams promises, across pages:
// oldest due first, a claimed entry due again when its lease ends, and
// entries due at one time in order of creation, then account, then ID.
func (s suite) outboxClaimOrder(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	at := t0.Add(time.Hour)
	// x1 is claimed at t0 and never acknowledged: due again at t0+45m.
	commit(t, st, store.CommitParams{Account: "x", Now: t0, Outbox: []store.OutboxEntry{{ID: "x1", IdempotencyKey: "k", Channel: "email"}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: 45 * time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	// Due at t0+1h: z1 created first, though its account and ID sort
	// last; a's two and b's one created together a minute later.
	commit(t, st, store.CommitParams{Account: "z", Now: t0, Outbox: []store.OutboxEntry{{ID: "z1", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at}}})
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0.Add(time.Minute), Entries: []store.OutboxEntry{
		{ID: "0-b", Account: "b", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at}}})
	require.NoError(t, err)
	commit(t, st, store.CommitParams{Account: "a", Now: t0.Add(time.Minute), Outbox: []store.OutboxEntry{
		{ID: "a2", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at},
		{ID: "a1", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at}}})
	// Created last, due first.
	commit(t, st, store.CommitParams{Account: "y", Now: t0.Add(2 * time.Minute), Outbox: []store.OutboxEntry{{ID: "y1", IdempotencyKey: "k", Channel: "email", NextAttemptAt: t0.Add(30 * time.Minute)}}})

	var pages [][]string
	for range 5 {
		got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: at, Lease: time.Hour, Limit: 2})
		require.NoError(t, err)
		if len(got) == 0 {
			break
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
			attempts := 1
			if e.ID == "x1" {
				attempts = 2 // claimed once before
			}
			require.Equal(t, attempts, e.Attempts, "%s: attempts counted", e.ID)
		}
		pages = append(pages, ids)
	}
	require.Equal(t, [][]string{{"y1", "x1"}, {"z1", "a1"}, {"a2", "0-b"}}, pages,
		"due time (a lease's end for x1), then creation, account and ID")
}

// outboxNewEntries checks how a commit and an enqueue store new entries,
// whatever of the stored state the caller's entries carry: pending, with
// no attempt, lease, error nor receipt, created and updated at the
// params' Now, due at their NextAttemptAt or, without one, at Now.
func (s suite) outboxNewEntries(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	t1 := t0.Add(time.Minute)
	stale := store.OutboxEntry{Status: store.OutboxDelivered, Attempts: 3, ClaimedUntil: t0.Add(time.Hour), LastError: "old error",
		Receipt: []byte(`{"id":"old"}`), CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(-time.Hour)}
	entry := func(id string, next time.Time) store.OutboxEntry {
		e := stale
		e.ID, e.IdempotencyKey, e.Channel, e.Payload, e.NextAttemptAt = id, "k-"+id, "email", []byte(id), next
		return e
	}
	commit(t, st, store.CommitParams{Account: "a", Now: t1, Outbox: []store.OutboxEntry{entry("committed", time.Time{}), entry("later", t0.Add(2*time.Hour))}})
	enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{entry("enqueued", time.Time{})}})
	require.NoError(t, err)
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	for _, e := range append(pending, enq...) {
		next := s.time(t1)
		if e.ID == "later" {
			next = s.time(t0.Add(2 * time.Hour))
		}
		require.Equal(t, store.OutboxPending, e.Status, e.ID)
		require.Zero(t, e.Attempts, e.ID)
		require.True(t, e.ClaimedUntil.IsZero(), "%s: lease %v", e.ID, e.ClaimedUntil)
		require.Empty(t, e.LastError, e.ID)
		require.Empty(t, e.Receipt, e.ID)
		require.True(t, s.time(t1).Equal(e.CreatedAt), "%s: created %v", e.ID, e.CreatedAt)
		require.True(t, s.time(t1).Equal(e.UpdatedAt), "%s: updated %v", e.ID, e.UpdatedAt)
		require.True(t, next.Equal(e.NextAttemptAt), "%s: next attempt %v", e.ID, e.NextAttemptAt)
		require.Equal(t, e.ID, string(e.Payload))
	}
}

func (s suite) outboxIdempotentEnqueue(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "email", Payload: []byte("first")}}})
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "email", Payload: []byte("second")}}})
	// An enqueue of the ID, at another time, for another account, person
	// and due time, returns the stored entry unchanged and changes
	// nothing of it: not when it is due, nor its account or person.
	stored, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, stored, 1)
	t1 := t0.Add(time.Hour)
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{
		{ID: "m", Account: "b", Person: "p9", IdempotencyKey: "k9", Channel: "sms", Payload: []byte("third"), NextAttemptAt: t1.Add(time.Hour)}}})
	require.NoError(t, err)
	require.Equal(t, stored, again, "the stored entry, unchanged")
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, stored, pending, "the enqueue changed nothing")
	ofB, err := st.PendingOutbox(ctx, tenant, "b")
	require.NoError(t, err)
	require.Empty(t, ofB)
	accs, err := st.PersonAccounts(ctx, tenant, "p9")
	require.NoError(t, err)
	require.Empty(t, accs, "an entry not stored ties nobody to an account")
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1, "still due when it was first queued")
	require.Equal(t, "first", string(got[0].Payload))
}

// refusedAcksChangeNothing: an ack of an entry that is not claimed
// (pending, never claimed or retried, or final) is refused with
// ErrConflict whatever it records, and changes nothing: the entry keeps
// its status, attempts, error, receipt and times, and the ack's event is
// not logged.
func (s suite) refusedAcksChangeNothing(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "retried", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("one")},
		{ID: "sent", Person: "p1", IdempotencyKey: "k2", Channel: "email", Payload: []byte("two")},
		{ID: "waiting", Person: "p1", IdempotencyKey: "k3", Channel: "email", Payload: []byte("three"), NextAttemptAt: t0.Add(time.Hour)},
	}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "retried", Seq: got[0].Seq, Attempt: got[0].Attempts, Status: store.OutboxPending,
		NextAttemptAt: t0.Add(2 * time.Hour), Error: "421 later", Now: t0}))
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "sent", Seq: got[1].Seq, Attempt: got[1].Attempts, Status: store.OutboxDelivered,
		Receipt: []byte(`{"id":"r2"}`), Now: t0}))
	events, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	sent := entryNow(t, st, "sent")

	t1 := t0.Add(10 * time.Minute)
	acks := []store.AckParams{
		{Status: store.OutboxDelivered, Receipt: []byte(`{"id":"lost"}`)},
		{Status: store.OutboxFailed, Error: "550 lost"},
		{Status: store.OutboxSuppressed, Error: "lost"},
		{Status: store.OutboxPending, Error: "lost", NextAttemptAt: t1},
	}
	for _, id := range []string{"retried", "sent", "waiting"} {
		for _, ack := range acks {
			for _, attempt := range []int{0, 1} {
				a := ack
				a.Tenant, a.ID, a.Attempt, a.Now = tenant, id, attempt, t1
				a.Event = &store.Event{Type: "message." + string(ack.Status), Time: t1, Data: []byte(`{"lost":true}`)}
				err := st.AckOutbox(ctx, &a)
				require.ErrorIs(t, err, store.ErrConflict, "%s, %s, attempt %d: the entry is not claimed", id, ack.Status, attempt)
			}
		}
	}
	after, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Equal(t, events, after, "the refused acks logged nothing")
	now, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, pending, now, "the refused acks changed no pending entry")
	require.Equal(t, sent, entryNow(t, st, "sent"), "nor the delivered one")
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, claimed, "no refused retry made an entry due")
}

// retriesInClaimOrder: entries retried to one time are claimed in the
// order of entries due together (creation, account, ID), not in the
// order they were retried in.
func (s suite) retriesInClaimOrder(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "b", Now: t0, Outbox: []store.OutboxEntry{
		{ID: "b2", IdempotencyKey: "k", Channel: "email"}, {ID: "b1", IdempotencyKey: "k", Channel: "email"}}})
	commit(t, st, store.CommitParams{Account: "a", Now: t0.Add(time.Second), Outbox: []store.OutboxEntry{
		{ID: "a1", IdempotencyKey: "k", Channel: "email"}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Minute), Lease: time.Hour})
	require.NoError(t, err)
	require.Len(t, got, 3)
	retry := t0.Add(30 * time.Minute)
	byID := map[string]store.OutboxEntry{}
	for _, e := range got {
		byID[e.ID] = e
	}
	for _, id := range []string{"a1", "b2", "b1"} {
		e := byID[id]
		require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: id, Seq: e.Seq, Attempt: e.Attempts, Status: store.OutboxPending,
			NextAttemptAt: retry.In(time.FixedZone("retry-"+id, len(id)*3600)), Error: "busy", Now: t0.Add(2 * time.Minute)}))
	}
	var ids []string
	for range 4 {
		page, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: retry, Lease: time.Hour, Limit: 2})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			ids = append(ids, e.ID)
			require.Equal(t, 2, e.Attempts, e.ID)
		}
	}
	require.Equal(t, []string{"b1", "b2", "a1"}, ids, "due at one instant: by creation, then ID")
}

// outboxEnqueueAndFencing checks entries enqueued outside a commit, the
// claim's fencing token, receipts and suppression.
func (s suite) outboxEnqueueAndFencing(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	entries := []store.OutboxEntry{
		{ID: "direct", Account: "acme", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("one")},
		{ID: "quiet", IdempotencyKey: "k2", Channel: "email"},
	}
	stored, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Entries: entries, Now: t0})
	require.NoError(t, err)
	require.Len(t, stored, 2)
	require.Equal(t, store.OutboxPending, stored[0].Status)
	require.True(t, t0.Equal(stored[0].CreatedAt))
	require.Equal(t, b2b.AccountID("acme"), entries[0].Account, "the caller's entries are not modified")
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Entries: []store.OutboxEntry{{ID: "direct", IdempotencyKey: "k1", Channel: "email", Payload: []byte("two")}}, Now: t0.Add(time.Minute)})
	require.NoError(t, err)
	require.Equal(t, "one", string(again[0].Payload), "a known ID returns the existing entry")
	require.True(t, t0.Equal(again[0].CreatedAt))
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Entries: []store.OutboxEntry{{ID: "x"}, {ID: "x", IdempotencyKey: "k", Channel: "email"}}, Now: t0})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"enqueue of 2 outbox entries", "entries[0].idempotencyKey: is required", "entries[0].channel: is required",
		`entries[1].id: "x" appears twice in one enqueue`} {
		require.ErrorContains(t, err, want)
	}

	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []string{"quiet", "direct"}, []string{got[0].ID, got[1].ID}, "due and created together: by account, then ID")
	require.Equal(t, "one", string(got[1].Payload), "enqueueing an ID again keeps the first entry")
	require.Equal(t, b2b.AccountID("acme"), got[1].Account)

	// The lease of the first claim ends; a second dispatcher claims it.
	second, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(2 * time.Minute), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, second, 2)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "direct", Attempt: got[1].Attempts, Status: store.OutboxDelivered, Now: t0.Add(2 * time.Minute)})
	require.ErrorIs(t, err, store.ErrConflict, "the first claim was superseded")
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "direct", Attempt: second[1].Attempts, Status: store.OutboxDelivered,
		Receipt: []byte(`{"providerId":"m-1"}`), Now: t0.Add(2 * time.Minute),
		Event: &store.Event{Type: "message.delivered", Time: t0.Add(2 * time.Minute), Data: []byte(`{"key":"k1"}`)}}))
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acme"})
	require.NoError(t, err)
	require.Len(t, evs, 1, "the ack's event is logged under the entry's account")
	require.Equal(t, "message.delivered", evs[0].Type)
	require.Equal(t, b2b.PersonID("p1"), evs[0].Person, "and, naming no person, under the entry's person")
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "quiet", Attempt: second[0].Attempts, Status: store.OutboxSuppressed,
		Error: "opted out before delivery", Now: t0.Add(2 * time.Minute)}))
	left, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, left, "delivered and suppressed entries are done")
}

// finalEntriesKeepTheirIDs: delivered, failed and suppressed entries are
// done, but their IDs still name them: enqueueing or committing one again
// keeps (and returns) the final entry, acknowledging it again is a
// conflict, and a redaction of an entry done since it was read is no
// error.
func (s suite) finalEntriesKeepTheirIDs(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "m1", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("one")},
		{ID: "m2", Person: "p2", IdempotencyKey: "k2", Channel: "sms", Payload: []byte("two")},
		{ID: "m3", IdempotencyKey: "k3", Channel: "alert", Payload: []byte("three")},
	}})
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 3)
	seqs := map[string]int64{}
	for _, e := range pending {
		require.Positive(t, e.Seq, e.ID)
		seqs[e.ID] = e.Seq
	}
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 3)
	t1 := t0.Add(time.Minute)
	for _, a := range []store.AckParams{
		{ID: "m1", Status: store.OutboxDelivered, Receipt: []byte(`{"providerId":"x-1"}`)},
		{ID: "m2", Status: store.OutboxFailed, Error: "550 no such user"},
		{ID: "m3", Status: store.OutboxSuppressed, Error: "opted out"},
	} {
		a.Tenant, a.Now, a.Attempt = tenant, t1, 1
		require.NoError(t, st.AckOutbox(ctx, &a))
	}
	pending, err = st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Empty(t, pending)

	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1.Add(time.Hour), Entries: []store.OutboxEntry{
		{ID: "m1", IdempotencyKey: "other", Channel: "email", Payload: []byte("again")},
		{ID: "m2", IdempotencyKey: "other", Channel: "email"},
		{ID: "m3", IdempotencyKey: "other", Channel: "email"},
	}})
	require.NoError(t, err)
	require.Len(t, again, 3)
	for i, want := range []store.OutboxEntry{
		{ID: "m1", Account: "a", Person: "p1", IdempotencyKey: "k1", Channel: "email", Status: store.OutboxDelivered, Receipt: []byte(`{"providerId":"x-1"}`)},
		{ID: "m2", Account: "a", Person: "p2", IdempotencyKey: "k2", Channel: "sms", Status: store.OutboxFailed, LastError: "550 no such user"},
		{ID: "m3", Account: "a", IdempotencyKey: "k3", Channel: "alert", Status: store.OutboxSuppressed, LastError: "opted out"},
	} {
		e := again[i]
		require.True(t, s.time(t0).Equal(e.CreatedAt), "%s: created %v", e.ID, e.CreatedAt)
		require.True(t, s.time(t1).Equal(e.UpdatedAt), "%s: updated %v", e.ID, e.UpdatedAt)
		require.Equal(t, 1, e.Attempts, e.ID)
		e.CreatedAt, e.UpdatedAt, e.NextAttemptAt, e.ClaimedUntil, e.Attempts, e.Payload = time.Time{}, time.Time{}, time.Time{}, time.Time{}, 0, nil
		if len(e.Receipt) == 0 {
			e.Receipt = nil
		}
		want.Seq = seqs[want.ID]
		require.Equal(t, want, e, "a known ID returns the final entry, with its Seq")
	}
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Now: t1, Outbox: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}},
		OutboxRedactions: []store.OutboxRedaction{{ID: "m2", Seq: seqs["m2"], Payload: []byte("redacted")}}})
	left, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, left, "a final entry is not queued again")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrConflict)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Seq: seqs["m1"], Attempt: 1, Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrConflict, "with its claim's token too")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "nobody", Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrNotFound)
}

// outboxIDsAcrossAccounts: an outbox ID is unique within the tenant,
// not within an account: another account's commit of a known ID, live or
// final, keeps the existing entry where it is, and an ack's event goes to
// the log after every event committed before it.
func (s suite) outboxIDsAcrossAccounts(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{{Type: "x", Time: t0}}, Outbox: []store.OutboxEntry{
		{ID: "live", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("a's live")},
		{ID: "done", Person: "p1", IdempotencyKey: "k2", Channel: "email", Payload: []byte("a's done")},
	}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: 2})
	require.NoError(t, err)
	require.Len(t, got, 2)
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "y", Time: t0}}})
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "done", Attempt: 1, Status: store.OutboxDelivered, Now: t0,
		Event: &store.Event{Type: "message.delivered", Time: t0}}))
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "live", Attempt: 1, Status: store.OutboxPending,
		NextAttemptAt: t0.Add(time.Minute), Now: t0}))
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Equal(t, []string{"x", "y", "message.delivered"}, eventTypes(evs), "the ack's event comes after the commits before it")
	require.Greater(t, evs[2].Seq, evs[1].Seq)
	require.Equal(t, b2b.AccountID("a"), evs[2].Account)

	commit(t, st, store.CommitParams{Account: "b", ExpectedVersion: 1, Outbox: []store.OutboxEntry{
		{ID: "live", Person: "p2", IdempotencyKey: "other", Channel: "sms", Payload: []byte("b's")},
		{ID: "done", Person: "p2", IdempotencyKey: "other", Channel: "sms", Payload: []byte("b's")},
	}})
	ofB, err := st.PendingOutbox(ctx, tenant, "b")
	require.NoError(t, err)
	require.Empty(t, ofB, "b's commit queued nothing: both IDs were a's")
	ofA, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, ofA, 1)
	require.Equal(t, "a's live", string(ofA[0].Payload))
	accs, err := st.PersonAccounts(ctx, tenant, "p2")
	require.NoError(t, err)
	require.Empty(t, accs, "entries not stored tie nobody to an account")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "live", got[0].ID)
	require.Equal(t, b2b.AccountID("a"), got[0].Account)
	require.Equal(t, b2b.PersonID("p1"), got[0].Person)
}

// outboxLeases checks what a claim's lease means to its ack: an ack after
// the lease ended is still the claim's while no other claim took the
// entry; once another did, the first claim's ack (with its attempt) is a
// conflict that changes nothing (its event is not logged, the entry stays
// claimed by the second); an entry that is not claimed has no lease end.
func (s suite) outboxLeases(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "late", Person: "p1", IdempotencyKey: "k1", Channel: "email"},
		{ID: "taken", Person: "p2", IdempotencyKey: "k2", Channel: "email"},
		{ID: "retried", IdempotencyKey: "k3", Channel: "email"},
	}})
	first, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Equal(t, []string{"late", "retried", "taken"}, []string{first[0].ID, first[1].ID, first[2].ID})

	// "late" is acknowledged after its lease, nobody having claimed it since.
	t1 := t0.Add(5 * time.Minute)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "late", Attempt: first[0].Attempts, Status: store.OutboxDelivered, Now: t1}),
		"an ack after the lease, no other claim having taken the entry")
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "retried", Attempt: first[1].Attempts, Status: store.OutboxPending,
		NextAttemptAt: t0.Add(time.Hour), Error: "busy", Now: t1}))
	// "taken" is claimed by a second dispatcher before the first acks it.
	second, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, second, 1)
	require.Equal(t, "taken", second[0].ID)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "taken", Attempt: first[2].Attempts, Status: store.OutboxFailed, Error: "550", Now: t1,
		Event: &store.Event{Type: "message.failed", Time: t1}})
	require.ErrorIs(t, err, store.ErrConflict, "the first claim was superseded")
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Empty(t, evs, "the superseded ack logged nothing")
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	byID := map[string]store.OutboxEntry{pending[0].ID: pending[0], pending[1].ID: pending[1]}
	taken := byID["taken"]
	require.Equal(t, store.OutboxClaimed, taken.Status, "still claimed by the second dispatcher")
	require.Equal(t, 2, taken.Attempts)
	require.Empty(t, taken.LastError, "the superseded ack's error is not recorded")
	require.True(t, s.time(t1.Add(time.Minute)).Equal(taken.ClaimedUntil), "the second claim's lease: %v", taken.ClaimedUntil)
	require.True(t, s.time(t1).Equal(taken.UpdatedAt), "updated at the second claim: %v", taken.UpdatedAt)
	retried := byID["retried"]
	require.Equal(t, store.OutboxPending, retried.Status)
	require.Equal(t, "busy", retried.LastError)
	require.True(t, retried.ClaimedUntil.IsZero(), "a pending entry has no lease: %v", retried.ClaimedUntil)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "taken", Attempt: second[0].Attempts, Status: store.OutboxDelivered, Now: t1}),
		"the second claim's ack")

	final, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{
		{ID: "late", IdempotencyKey: "k1", Channel: "email"}, {ID: "taken", IdempotencyKey: "k2", Channel: "email"}}})
	require.NoError(t, err)
	for _, e := range final {
		require.Equal(t, store.OutboxDelivered, e.Status, e.ID)
		require.True(t, e.ClaimedUntil.IsZero(), "%s: a final entry has no lease: %v", e.ID, e.ClaimedUntil)
		require.True(t, s.time(t1).Equal(e.UpdatedAt), "%s: updated at its ack: %v", e.ID, e.UpdatedAt)
		require.Empty(t, e.LastError, "%s: the last ack had no error", e.ID)
	}
	// The retried entry's error stays through its next claim, and goes
	// with an ack that has none.
	again, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, again, 1)
	require.Equal(t, "busy", again[0].LastError)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "retried", Attempt: again[0].Attempts, Status: store.OutboxDelivered, Now: t0.Add(time.Hour)}))
	final, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{{ID: "retried", IdempotencyKey: "k3", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, store.OutboxDelivered, final[0].Status)
	require.Empty(t, final[0].LastError, "the last ack had no error")
	require.Equal(t, 2, final[0].Attempts)
}

// enqueuedEntryOfAnAccount checks an entry enqueued outside a commit that
// names an account: it is that account's like a committed one, listed by
// its PendingOutbox, tying its person to it, and redacted by its commits
// only.
func (s suite) enqueuedEntryOfAnAccount(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a"})
	commit(t, st, store.CommitParams{Account: "b"})
	_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{
		{ID: "direct", Account: "a", Person: "p1", IdempotencyKey: "k", Channel: "email", Payload: []byte("hello")},
		{ID: "loose", Person: "p1", IdempotencyKey: "k2", Channel: "email", Payload: []byte("hi")}}})
	require.NoError(t, err)
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "direct", pending[0].ID)
	require.Equal(t, "hello", string(pending[0].Payload))
	accs, err := st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"a"}, accs, "an entry of no account ties its person to none")
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "b", ExpectedVersion: 1, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "direct", Payload: []byte("redacted")}}})
	require.ErrorIs(t, err, store.ErrInvalid, "b redacts an entry of a")
	require.ErrorContains(t, err, "direct")
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 1, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "loose", Payload: []byte("redacted")}}})
	require.ErrorIs(t, err, store.ErrInvalid, "a redacts an entry of no account")
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, OutboxRedactions: []store.OutboxRedaction{{ID: "direct", Payload: []byte("redacted")}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []string{"loose", "direct"}, []string{got[0].ID, got[1].ID}, "created together: by account, then ID")
	require.Equal(t, []string{"hi", "redacted"}, []string{string(got[0].Payload), string(got[1].Payload)})
}

// pendingOutbox checks PendingOutbox's order, that of a claim: due time
// (a claimed entry's lease end), then creation, then ID; and that an
// account with no entries to deliver, or none at all, has none.
func (s suite) pendingOutbox(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	at := t0.Add(time.Hour)
	commit(t, st, store.CommitParams{Account: "a", Now: t0.Add(time.Minute), Outbox: []store.OutboxEntry{
		{ID: "c-later", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at},
		{ID: "a-later", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at}}})
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Now: t0, Outbox: []store.OutboxEntry{
		{ID: "z-earlier", IdempotencyKey: "k", Channel: "email", NextAttemptAt: at},
		{ID: "claimed", IdempotencyKey: "k", Channel: "email"}}})
	commit(t, st, store.CommitParams{Account: "empty"})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: 30 * time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	var ids []string
	for _, e := range pending {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []string{"claimed", "z-earlier", "a-later", "c-later"}, ids,
		"the claimed entry's lease ends first; then by creation, then ID")
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: at, Lease: time.Minute})
	require.NoError(t, err)
	ids = nil
	for _, e := range claimed {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []string{"claimed", "z-earlier", "a-later", "c-later"}, ids, "the order a claim takes them")
	for _, account := range []b2b.AccountID{"empty", "nobody"} {
		pending, err := st.PendingOutbox(ctx, tenant, account)
		require.NoError(t, err, account)
		require.Empty(t, pending, account)
	}
	pending, err = st.PendingOutbox(ctx, "t-none", "a")
	require.NoError(t, err, "a tenant with nothing stored")
	require.Empty(t, pending)
}

// outboxRedactionOfUnknownID: a redaction of an ID the tenant holds no
// entry of (erased since it was read, or never queued: a store cannot
// tell them apart once erasure forgot the ID) is a conflict, so that the
// committer reads again; the commit changes nothing.
func (s suite) outboxRedactionOfUnknownID(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", State: []byte("kept"), Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "email", Payload: []byte("queued")}}})
	_, err := st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 1, Now: t0, State: []byte("lost"),
		OutboxRedactions: []store.OutboxRedaction{{ID: "m", Payload: []byte("lost")}, {ID: "never", Payload: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrConflict)
	a, err := st.LoadAccount(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, "kept", string(a.State))
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "queued", string(pending[0].Payload))
}
