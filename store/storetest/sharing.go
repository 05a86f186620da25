package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// commitKeepsNothingOfParams checks that a commit keeps nothing of its
// parameters: the committer reuses the slices, maps and bytes of one
// commit for the next, so the committed state, links, index, events, outbox
// entries and redactions must read back as committed after the committer
// wrote over them.
func (s suite) commitKeepsNothingOfParams(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	p := store.CommitParams{Account: "acme", State: []byte(`{"v":1}`), DueAt: t0, Links: []b2b.AccountID{"globex"}, Index: map[string]string{"stage": "Awareness"},
		Events: []store.Event{
			{Person: "p1", Time: t0, Type: "activity.applied", Data: []byte(`{"count":1}`)},
			{Time: t0, Type: "group.updated", Data: []byte(`{"score":2}`)},
		},
		Outbox: []store.OutboxEntry{{ID: "k1", Account: "acme", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte(`{"To":"a@b.c"}`), NextAttemptAt: t0}},
	}
	commit(t, st, p)

	// The committer reuses everything for its next commit.
	copy(p.State, "XXXXXXX")
	p.Index["stage"] = "Decision"
	p.Index["other"] = "x"
	p.Links[0] = "initech"
	for i := range p.Events {
		copy(p.Events[i].Data, "XXXXXXXXXXX")
		p.Events[i] = store.Event{Person: "p9", Time: t0.Add(time.Hour), Type: "scribbled", Data: []byte("{}")}
	}
	copy(p.Outbox[0].Payload, "XXXXXXXXXXXXXX")
	p.Outbox[0] = store.OutboxEntry{ID: "k9", Account: "acme", IdempotencyKey: "k9", Channel: "sms", Payload: []byte("{}"), NextAttemptAt: t0}

	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, `{"v":1}`, string(a.State))
	require.Equal(t, map[string]string{"stage": "Awareness"}, a.Index)
	require.Equal(t, []b2b.AccountID{"globex"}, a.Links)
	due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0})
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.Equal(t, []b2b.AccountID{"globex"}, due[0].Links)
	ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage", Value: "Awareness"})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, ids)

	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acme"})
	require.NoError(t, err)
	require.Len(t, evs, 2)
	for i, want := range []struct{ person, typ, data string }{{"p1", "activity.applied", `{"count":1}`}, {"", "group.updated", `{"score":2}`}} {
		require.Equal(t, b2b.PersonID(want.person), evs[i].Person, "event %d", i)
		require.Equal(t, want.typ, evs[i].Type, "event %d", i)
		require.JSONEq(t, want.data, string(evs[i].Data), "event %d", i)
		require.True(t, s.time(t0).Equal(evs[i].Time), "event %d: %v", i, evs[i].Time)
	}

	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: 10})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "k1", got[0].ID)
	require.Equal(t, b2b.PersonID("p1"), got[0].Person)
	require.Equal(t, "email", got[0].Channel)
	require.JSONEq(t, `{"To":"a@b.c"}`, string(got[0].Payload))

	// Nor of a redaction's data, or an outbox redaction's payload.
	redacted, rewritten := []byte(`{"redacted":1}`), []byte(`{"To":"(erased)"}`)
	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, Now: t0,
		Redactions:       []store.Redaction{{Seq: evs[0].Seq, Data: redacted}},
		OutboxRedactions: []store.OutboxRedaction{{ID: "k1", Payload: rewritten}}})
	copy(redacted, "XXXXXXXXXXXXXX")
	copy(rewritten, "XXXXXXXXXXXXXXXXX")
	evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acme"})
	require.NoError(t, err)
	require.JSONEq(t, `{"redacted":1}`, string(evs[0].Data), "the redacted event")
	pending, err := st.PendingOutbox(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.JSONEq(t, `{"To":"(erased)"}`, string(pending[0].Payload), "the redacted entry")
}

// sharesNothing checks what the methods other than Commit take and
// return: the store keeps none of the caller's slices, maps and bytes
// (an enqueue's payloads, an ack's receipt and event data), and what it
// returns (a loaded state and index, claimed, pending and enqueued
// entries) is the caller's to change.
func (s suite) sharesNothing(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", State: []byte("state"), Index: map[string]string{"k": "v"},
		Outbox: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("one")}}})
	entries := []store.OutboxEntry{{ID: "m2", Account: "a", IdempotencyKey: "k2", Channel: "email", Payload: []byte("two")}}
	enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: entries})
	require.NoError(t, err)
	copy(entries[0].Payload, "XXX")
	copy(enq[0].Payload, "YYY")

	a, err := st.LoadAccount(ctx, tenant, "a")
	require.NoError(t, err)
	copy(a.State, "XXXXX")
	a.Index["k"] = "changed"
	a.Index["new"] = "x"
	a, err = st.LoadAccount(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, "state", string(a.State))
	require.Equal(t, map[string]string{"k": "v"}, a.Index)

	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	for _, e := range pending {
		copy(e.Payload, "ZZZ")
	}
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []string{"one", "two"}, []string{string(got[0].Payload), string(got[1].Payload)},
		"neither the enqueued entry nor the entries returned hold the store's payloads")
	copy(got[0].Payload, "WWW")
	got[0].Payload = append(got[0].Payload[:0], "longer than it was"...)
	pending, err = st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, []string{"one", "two"}, []string{string(pending[0].Payload), string(pending[1].Payload)}, "nor do claimed entries")

	receipt, data := []byte(`{"id":"r1"}`), []byte(`{"ok":true}`)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Attempt: 1, Status: store.OutboxDelivered, Receipt: receipt, Now: t0,
		Event: &store.Event{Type: "message.delivered", Time: t0, Data: data}}))
	copy(receipt, "XXXXXXXXXXX")
	copy(data, "XXXXXXXXXXX")
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, `{"id":"r1"}`, string(again[0].Receipt), "the ack's receipt is the store's own")
	copy(again[0].Receipt, "XXXXXXXXXXX")
	again, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, `{"id":"r1"}`, string(again[0].Receipt), "and a returned receipt the caller's")
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, `{"ok":true}`, string(evs[0].Data), "the ack's event data is the store's own")
}
