package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) erasePerson(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a",
		Events: []store.Event{{Type: "member.added", Person: "p1", Time: t0}, {Type: "member.added", Person: "p2", Time: t0}, {Type: "group.created", Time: t0}},
		Outbox: []store.OutboxEntry{
			{ID: "m1", Person: "p1", IdempotencyKey: "k1", Channel: "email"},
			{ID: "m2", Person: "p1", IdempotencyKey: "k2", Channel: "email", NextAttemptAt: t0.Add(time.Hour)},
			{ID: "m3", Person: "p2", IdempotencyKey: "k3", Channel: "email"},
		}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: 1})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: got[0].ID, Status: store.OutboxDelivered, Now: t0}))
	// In account b, an entry is all that ties p1 to it; its delivery's
	// event names p1 through the entry.
	commit(t, st, store.CommitParams{Account: "b", Outbox: []store.OutboxEntry{{ID: "m4", Person: "p1", IdempotencyKey: "k4", Channel: "email"}}})
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []string{"m3", "m4"}, []string{got[0].ID, got[1].ID})
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m4", Status: store.OutboxDelivered, Now: t0,
		Receipt: []byte(`{"providerId":"r4"}`), Event: &store.Event{Type: "message.delivered", Time: t0}}))

	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Events: 2, Outbox: 3}, rep)

	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	for _, e := range evs {
		require.NotEqual(t, b2b.PersonID("p1"), e.Person)
	}
	require.Len(t, evs, 2)
	ofA, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	require.Equal(t, []string{"member.added", "group.created"}, eventTypes(ofA), "the account's log loses the erased person's events too")
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Events: []store.Event{{Type: "stage.changed", Time: t0}}})
	ofA, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a", AfterSeq: ofA[0].Seq})
	require.NoError(t, err)
	require.Equal(t, []string{"group.created", "stage.changed"}, eventTypes(ofA))
	left, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	for _, e := range left {
		require.NotEqual(t, b2b.PersonID("p1"), e.Person)
	}
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: t0})
	require.ErrorIs(t, err, store.ErrNotFound)
	// Nor does the ID of an erased delivered entry find anything of it:
	// its person, receipt and key are gone with it.
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0.Add(time.Hour),
		Entries: []store.OutboxEntry{{ID: "m4", IdempotencyKey: "k-new", Channel: "email"}}})
	require.NoError(t, err)
	require.Len(t, again, 1)
	require.Empty(t, again[0].Person, "the erased entry's person")
	require.Empty(t, again[0].Receipt, "the erased entry's receipt")
	require.Equal(t, "k-new", again[0].IdempotencyKey)
	accs, err := st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Empty(t, accs)

	rep, err = st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{}, rep, "erasing twice removes nothing more")
}

// eraseClaimedEntry erases the person of an entry being delivered: the
// dispatcher's ack finds no entry, and the lease's end brings nothing
// back.
func (s suite) eraseClaimedEntry(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "c", Outbox: []store.OutboxEntry{
		{ID: "m5", Person: "p5", IdempotencyKey: "k5", Channel: "email", Payload: []byte(`{"to":"p5@acme.com"}`)},
		{ID: "m6", Person: "p6", IdempotencyKey: "k6", Channel: "email"}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(3 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Equal(t, []string{"m5", "m6"}, []string{got[0].ID, got[1].ID})
	rep, err := st.ErasePerson(ctx, tenant, "p5")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Outbox: 1}, rep)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m5", Attempt: got[0].Attempts, Status: store.OutboxDelivered, Now: t0.Add(3 * time.Hour),
		Event: &store.Event{Type: "message.delivered", Time: t0.Add(3 * time.Hour)}})
	require.ErrorIs(t, err, store.ErrNotFound)
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "c"})
	require.NoError(t, err)
	require.Empty(t, evs, "the refused ack logged nothing")
	pending, err := st.PendingOutbox(ctx, tenant, "c")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "m6", pending[0].ID, "the other person's entry is kept")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(4 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "m6", got[0].ID, "the erased entry is not claimed again")
	accs, err := st.PersonAccounts(ctx, tenant, "p5")
	require.NoError(t, err)
	require.Empty(t, accs, "the refused ack's event tied nobody to the account")
}

func (s suite) personAccounts(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "person.linked", Person: "p1", Time: t0}}})
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{{Type: "group.created", Time: t0}, {Type: "person.linked", Person: "p1", Time: t0}}})
	commit(t, st, store.CommitParams{Account: "c", Events: []store.Event{{Type: "person.linked", Person: "p2", Time: t0}}})
	// An outbox entry alone ties a person to an account too.
	commit(t, st, store.CommitParams{Account: "d", Outbox: []store.OutboxEntry{{ID: "m1", Person: "p1", IdempotencyKey: "k1", Channel: "email"}}})
	commit(t, st, store.CommitParams{Account: "b", ExpectedVersion: 1, Events: []store.Event{{Type: "member.added", Person: "p1", Time: t0}}})

	// An entry enqueued outside a commit names no account.
	_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{{ID: "m2", Person: "p1", IdempotencyKey: "k2", Channel: "email"}}})
	require.NoError(t, err)

	// A delivery's event that names another person ties them to the
	// entry's account.
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: t0.Add(time.Hour),
		Event: &store.Event{Type: "message.delivered", Person: "p3", Time: t0.Add(time.Hour)}}))
	accs, err := st.PersonAccounts(ctx, tenant, "p3")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"d"}, accs)
	// The delivery of the entry of no account logs an event of no
	// account, the entry's person's.
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m2", Status: store.OutboxDelivered, Now: t0.Add(time.Hour),
		Event: &store.Event{Type: "message.delivered", Time: t0.Add(time.Hour)}}))

	accs, err = st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"a", "b", "d"}, accs, "in ID order, each once")
	accs, err = st.PersonAccounts(ctx, tenant, "nobody")
	require.NoError(t, err)
	require.Empty(t, accs)

	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Events: 4, Outbox: 2}, rep, "the events and entries of no account too")
	accs, err = st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Empty(t, accs, "an erased person has no accounts left")
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	for _, e := range evs {
		require.NotEqual(t, b2b.PersonID("p1"), e.Person, "event %d (%s) of account %q", e.Seq, e.Type, e.Account)
	}
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0.Add(2 * time.Hour), Entries: []store.OutboxEntry{{ID: "m2", IdempotencyKey: "k-new", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, "k-new", again[0].IdempotencyKey, "the delivered entry of no account was erased")
	accs, err = st.PersonAccounts(ctx, tenant, "p2")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"c"}, accs)
}

func (s suite) redactions(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{
		{Type: "alert.raised", Time: t0, Data: []byte(`{"engaged":["p1","p2"]}`)},
		{Type: "group.created", Time: t0, Data: []byte(`{"group":"dp"}`)},
	}})
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "alert.raised", Time: t0, Data: []byte(`{"engaged":["p1"]}`)}}})
	all, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, all, 3)

	// Redacting another account's event fails and changes nothing: not
	// the state, the log or the outbox.
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 1, Now: t0,
		State:      []byte("new"),
		Events:     []store.Event{{Type: "person.erased", Time: t0}},
		Outbox:     []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}},
		Redactions: []store.Redaction{{Seq: all[0].Seq, Data: []byte(`{}`)}, {Seq: all[2].Seq, Data: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	a, err := st.LoadAccount(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, int64(1), a.Version, "a refused redaction commits nothing")
	again, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Equal(t, all, again)
	queued, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, queued)

	// A redaction replaces the data, with the state and new events, and
	// keeps everything else of the event.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, State: []byte("new"),
		Events:     []store.Event{{Type: "person.erased", Time: t0.Add(time.Hour)}},
		Redactions: []store.Redaction{{Seq: all[0].Seq, Data: []byte(`{"engaged":["p2"]}`)}}})
	got, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Equal(t, []string{"alert.raised", "group.created", "alert.raised", "person.erased"}, eventTypes(got))
	want := all[0]
	want.Data = []byte(`{"engaged":["p2"]}`)
	require.Equal(t, want, got[0])
	require.Equal(t, all[1:3], got[1:3], "the other events are untouched")
	ofA, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	require.Equal(t, `{"engaged":["p2"]}`, string(ofA[0].Data), "the account's log reads the redacted data")

	// An event erased since it was read: a conflict, to read again; a Seq
	// never issued: invalid.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 2, Events: []store.Event{{Type: "member.added", Person: "p9", Time: t0}}})
	ofA, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	gone := ofA[len(ofA)-1].Seq
	_, err = st.ErasePerson(ctx, tenant, "p9")
	require.NoError(t, err)
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 3, Now: t0,
		Redactions: []store.Redaction{{Seq: gone, Data: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrConflict)
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 3, Now: t0,
		Redactions: []store.Redaction{{Seq: gone + 100, Data: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	a, err = st.LoadAccount(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, int64(3), a.Version)
}

func (s suite) outboxRedactions(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "later", IdempotencyKey: "k1", Channel: "sales_alert", Payload: []byte(`{"text":"Ann Lee is engaged"}`), NextAttemptAt: t0.Add(time.Hour)},
		{ID: "now", IdempotencyKey: "k2", Channel: "sales_alert", Payload: []byte(`{"text":"Ann Lee again"}`)},
		{ID: "sent", IdempotencyKey: "k3", Channel: "email", Payload: []byte(`{"text":"hello"}`)},
	}})
	commit(t, st, store.CommitParams{Account: "b", Outbox: []store.OutboxEntry{{ID: "other", IdempotencyKey: "k4", Channel: "email", Payload: []byte(`{}`)}}})
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"now", "sent"}, []string{got[0].ID, got[1].ID})
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "sent", Status: store.OutboxDelivered, Now: t0}))

	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2, "pending and claimed entries, not delivered ones")
	require.Equal(t, "now", pending[0].ID, "oldest due first")
	require.Equal(t, store.OutboxClaimed, pending[0].Status)
	require.Equal(t, "later", pending[1].ID)
	require.Equal(t, `{"text":"Ann Lee is engaged"}`, string(pending[1].Payload))
	_, err = st.PendingOutbox(ctx, tenant, "")
	require.ErrorIs(t, err, store.ErrInvalid)

	// Another account's entry: refused, nothing changes.
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 1, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "later", Payload: []byte(`{}`)}, {ID: "other", Payload: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	pending, err = st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, `{"text":"Ann Lee is engaged"}`, string(pending[1].Payload))

	// A final entry is left as it is; the others get their new payload.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, OutboxRedactions: []store.OutboxRedaction{
		{ID: "later", Payload: []byte(`{"text":"(erased) is engaged"}`)},
		{ID: "now", Payload: []byte(`{"text":"(erased) again"}`)},
		{ID: "sent", Payload: []byte(`{"text":"changed"}`)},
	}})
	pending, err = st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, `{"text":"(erased) again"}`, string(pending[0].Payload))
	require.Equal(t, `{"text":"(erased) is engaged"}`, string(pending[1].Payload))
	again, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	byID := map[string]string{}
	for _, e := range again {
		byID[e.ID] = string(e.Payload)
	}
	require.Equal(t, map[string]string{"now": `{"text":"(erased) again"}`, "later": `{"text":"(erased) is engaged"}`, "other": `{}`}, byID,
		"a claim delivers the new payloads (the lease of \"now\" has ended)")
	// An entry erased since it was read: a conflict.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 2, Outbox: []store.OutboxEntry{{ID: "p9-mail", Person: "p9", IdempotencyKey: "k9", Channel: "email"}}})
	_, err = st.ErasePerson(ctx, tenant, "p9")
	require.NoError(t, err)
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 3, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "p9-mail", Payload: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrConflict)
	sent, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{{ID: "sent", IdempotencyKey: "k3", Channel: "email"}}})
	require.NoError(t, err)
	require.Equal(t, store.OutboxDelivered, sent[0].Status, "the delivered entry is as it was")
	require.NotEqual(t, `{"text":"changed"}`, string(sent[0].Payload))
}

// erasedIDsAreFree checks that erasure forgets an entry whole, its ID
// included, in every status (pending, claimed, delivered, failed,
// suppressed): a commit or an enqueue of the ID later stores a new entry,
// as any new one (pending, no attempt, created at its Now, with its own
// account, person, key and payload), which is listed, claimed and
// acknowledged as such, while the erased entry's claim can no longer
// acknowledge anything.
func (s suite) erasedIDsAreFree(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "claimed", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("old")},
		{ID: "failed", Person: "p1", IdempotencyKey: "k2", Channel: "email", Payload: []byte("old")},
		{ID: "live", Person: "p1", IdempotencyKey: "k3", Channel: "email", Payload: []byte("old"), NextAttemptAt: t0.Add(time.Hour)},
		{ID: "other", Person: "p2", IdempotencyKey: "k4", Channel: "email", Payload: []byte("p2's"), NextAttemptAt: t0.Add(time.Hour)},
		{ID: "quiet", Person: "p1", IdempotencyKey: "k5", Channel: "email", Payload: []byte("old")},
		{ID: "sent", Person: "p1", IdempotencyKey: "k6", Channel: "email", Payload: []byte("old")},
	}})
	erased := map[int64]bool{}
	old, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	for _, e := range old {
		erased[e.Seq] = true
	}
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: 2 * time.Hour})
	require.NoError(t, err)
	require.Len(t, got, 4)
	require.Equal(t, "claimed", got[0].ID)
	for _, a := range []store.AckParams{
		{ID: "failed", Status: store.OutboxFailed, Error: "550"},
		{ID: "quiet", Status: store.OutboxSuppressed, Error: "opted out"},
		{ID: "sent", Status: store.OutboxDelivered, Receipt: []byte(`{"id":"r"}`)},
	} {
		a.Tenant, a.Attempt, a.Now = tenant, 1, t0
		require.NoError(t, st.AckOutbox(ctx, &a))
	}
	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Outbox: 5}, rep, "pending, claimed, delivered, failed and suppressed entries")

	t1 := t0.Add(10 * time.Minute)
	fresh := func(id string) store.OutboxEntry {
		return store.OutboxEntry{ID: id, Person: "p3", IdempotencyKey: "new-" + id, Channel: "sms", Payload: []byte("new " + id)}
	}
	commit(t, st, store.CommitParams{Account: "b", Now: t1, Outbox: []store.OutboxEntry{fresh("claimed"), fresh("live")}})
	enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{
		withAccount(fresh("failed"), "b"), withAccount(fresh("quiet"), "b"), withAccount(fresh("sent"), "b")}})
	require.NoError(t, err)
	pending, err := st.PendingOutbox(ctx, tenant, "b")
	require.NoError(t, err)
	require.Len(t, pending, 5, "every ID queued again")
	for _, e := range append(pending, enq...) {
		want := fresh(e.ID)
		want.Account, want.Status, want.NextAttemptAt, want.CreatedAt, want.UpdatedAt = "b", store.OutboxPending, s.time(t1), s.time(t1), s.time(t1)
		require.True(t, want.NextAttemptAt.Equal(e.NextAttemptAt) && want.CreatedAt.Equal(e.CreatedAt) && want.UpdatedAt.Equal(e.UpdatedAt),
			"%s: a new entry's times: %+v", e.ID, e)
		e.NextAttemptAt, e.CreatedAt, e.UpdatedAt = want.NextAttemptAt, want.CreatedAt, want.UpdatedAt
		if len(e.Receipt) == 0 {
			e.Receipt = nil
		}
		require.Positive(t, e.Seq, e.ID)
		require.False(t, erased[e.Seq], "%s: a new entry has a Seq of its own, not the erased entry's %d", e.ID, e.Seq)
		want.Seq = e.Seq
		require.Equal(t, want, e, "%s: a new entry, nothing of the erased one", e.ID)
	}
	ofA, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, ofA, 1)
	require.Equal(t, "other", ofA[0].ID)
	accs, err := st.PersonAccounts(ctx, tenant, "p3")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"b"}, accs)
	accs, err = st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Empty(t, accs)

	// The erased entry's claim, still leased, acknowledges nothing: the
	// entry of its ID is a new one, of another Seq (and, without the Seq,
	// not claimed).
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "claimed", Seq: got[0].Seq, Attempt: 1, Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrNotFound)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "claimed", Attempt: 1, Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrConflict)
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1, Lease: time.Minute})
	require.NoError(t, err)
	var ids []string
	for _, e := range claimed {
		ids = append(ids, e.ID)
		require.Equal(t, 1, e.Attempts, e.ID)
		require.Equal(t, "new "+e.ID, string(e.Payload))
		require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Now: t1}))
	}
	require.Equal(t, []string{"claimed", "failed", "live", "quiet", "sent"}, ids, "the new entries, due and created together in one account: by ID")
	again, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1.Add(time.Hour), Entries: []store.OutboxEntry{fresh("sent")}})
	require.NoError(t, err)
	require.Equal(t, store.OutboxDelivered, again[0].Status, "the new entry's ID keeps it once delivered")
	require.Equal(t, b2b.AccountID("b"), again[0].Account)
}

// erasedClaimAcksNothing: a dispatcher claims an entry, its person is
// erased and its ID queued again for a new entry, and the dispatcher,
// still within its lease, acknowledges its claim with the claim's Seq and
// attempt. Whatever it records (delivered, failed, suppressed, a retry)
// and wherever the new entry stands (pending, claimed by another
// dispatcher as many times, delivered), the ack is refused with
// ErrNotFound, as when the ID was not queued again: the new entry keeps
// its status, attempts, lease, error, receipt and payload, nothing is
// logged, and its own claim still acknowledges it. (Acknowledged by ID
// alone, the erased entry's claim would record as sent a message that
// was not, or end the other dispatcher's claim.)
func (s suite) erasedClaimAcksNothing(t *testing.T) {
	acks := []store.AckParams{
		{Status: store.OutboxDelivered, Receipt: []byte(`{"providerId":"old"}`)},
		{Status: store.OutboxFailed, Error: "550 no such user"},
		{Status: store.OutboxSuppressed, Error: "opted out"},
		{Status: store.OutboxPending, Error: "421 try later", NextAttemptAt: t0.Add(3 * time.Hour)},
	}
	for _, stage := range []string{"pending", "claimed", "delivered"} {
		for _, ack := range acks {
			t.Run(stage+"/"+string(ack.Status), func(t *testing.T) {
				ctx := context.Background()
				st := s.newStore(t)
				commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
					{ID: "m", Person: "p1", IdempotencyKey: "k-old", Channel: "email", Payload: []byte("old")}}})
				first, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Hour})
				require.NoError(t, err)
				require.Len(t, first, 1)
				_, err = st.ErasePerson(ctx, tenant, "p1")
				require.NoError(t, err)

				t1 := t0.Add(time.Minute)
				enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t1, Entries: []store.OutboxEntry{
					{ID: "m", Account: "a", Person: "p2", IdempotencyKey: "k-new", Channel: "email", Payload: []byte("new")}}})
				require.NoError(t, err)
				require.NotEqual(t, first[0].Seq, enq[0].Seq, "a new entry of the ID")
				var second []store.OutboxEntry
				if stage != "pending" {
					second, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1, Lease: time.Hour})
					require.NoError(t, err)
					require.Len(t, second, 1)
					require.Equal(t, enq[0].Seq, second[0].Seq)
					require.Equal(t, first[0].Attempts, second[0].Attempts, "claimed as many times as the erased entry")
				}
				if stage == "delivered" {
					require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Seq: second[0].Seq, Attempt: second[0].Attempts,
						Status: store.OutboxDelivered, Receipt: []byte(`{"providerId":"new"}`), Now: t1}))
				}
				before := entryNow(t, st, "m")
				events, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
				require.NoError(t, err)

				// The first dispatcher, within its lease, acknowledges its claim.
				a := ack
				a.Tenant, a.ID, a.Seq, a.Attempt, a.Now = tenant, "m", first[0].Seq, first[0].Attempts, t0.Add(2*time.Minute)
				a.Event = &store.Event{Type: "message." + string(ack.Status), Time: a.Now, Data: []byte(`{"key":"k-old"}`)}
				err = st.AckOutbox(ctx, &a)
				require.ErrorIs(t, err, store.ErrNotFound, "the claimed entry was erased")
				require.Equal(t, before, entryNow(t, st, "m"), "the new entry is as it was")
				after, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
				require.NoError(t, err)
				require.Equal(t, len(events), len(after), "the refused ack logged nothing")

				switch stage {
				case "pending":
					got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1, Lease: time.Hour})
					require.NoError(t, err)
					require.Len(t, got, 1, "the new entry is still due")
					require.Equal(t, "new", string(got[0].Payload))
					require.Equal(t, 1, got[0].Attempts)
				case "claimed":
					require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Seq: second[0].Seq, Attempt: second[0].Attempts,
						Status: store.OutboxDelivered, Now: t1}), "the new entry's own claim acknowledges it")
				}
			})
		}
	}
}

// entryNow returns the stored entry of a known ID, live or final, as an
// enqueue of the ID returns it (changing nothing: see [store.Store]).
func entryNow(t *testing.T, st store.Store, id string) store.OutboxEntry {
	t.Helper()
	got, err := st.Enqueue(context.Background(), &store.EnqueueParams{Tenant: tenant, Now: t0.Add(24 * time.Hour), Entries: []store.OutboxEntry{
		{ID: id, IdempotencyKey: "probe", Channel: "probe"}}})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NotEqual(t, "probe", got[0].IdempotencyKey, "%s: an entry is stored", id)
	if len(got[0].Receipt) == 0 {
		got[0].Receipt = nil
	}
	return got[0]
}

// erasedClaimLeaseEnds: an entry is claimed twice (the first lease
// ends), its person is erased and its ID queued again, due after the
// second lease ends. The end of that lease brings nothing back; the new
// entry is claimed at its own due time, as a new entry (its first
// attempt, its payload), and neither of the erased entry's claims
// acknowledges it.
func (s suite) erasedClaimLeaseEnds(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "m", Person: "p1", IdempotencyKey: "k-old", Channel: "email", Payload: []byte("old")}}})
	var claims []store.OutboxEntry
	for i := range 2 {
		got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(time.Duration(i) * time.Hour), Lease: time.Hour})
		require.NoError(t, err)
		require.Len(t, got, 1)
		claims = append(claims, got[0])
	}
	require.Equal(t, 2, claims[1].Attempts)
	_, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0.Add(90 * time.Minute), Entries: []store.OutboxEntry{
		{ID: "m", Account: "a", Person: "p2", IdempotencyKey: "k-new", Channel: "email", Payload: []byte("new"), NextAttemptAt: t0.Add(3 * time.Hour)}}})
	require.NoError(t, err)

	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(2*time.Hour + time.Minute), Lease: time.Hour})
	require.NoError(t, err)
	require.Empty(t, got, "the erased entry's lease ended, and the new entry is not due")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0.Add(3 * time.Hour), Lease: time.Hour})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "new", string(got[0].Payload))
	require.Equal(t, 1, got[0].Attempts, "a new entry's first claim")
	for _, c := range claims {
		err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Seq: c.Seq, Attempt: c.Attempts, Status: store.OutboxDelivered, Now: t0.Add(3 * time.Hour)})
		require.ErrorIs(t, err, store.ErrNotFound, "attempt %d of the erased entry", c.Attempts)
	}
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Seq: got[0].Seq, Attempt: got[0].Attempts,
		Status: store.OutboxDelivered, Now: t0.Add(3 * time.Hour)}))
}

// outboxRedactionOfReusedID: a queued alert names a person being erased;
// the erasure reads it to redact it, but meanwhile the alert's own
// recipient is erased and its ID queued again for another message. The
// redaction, with the Seq it read, is refused (ErrConflict: read again)
// rather than replacing the new message's payload; with the new entry's
// Seq it applies.
func (s suite) outboxRedactionOfReusedID(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Outbox: []store.OutboxEntry{
		{ID: "alert", Person: "p2", IdempotencyKey: "k-old", Channel: "sales_alert", Payload: []byte(`{"text":"Ann Lee is engaged"}`)}}})
	read, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, read, 1)
	_, err = st.ErasePerson(ctx, tenant, "p2")
	require.NoError(t, err)
	enq, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Now: t0, Entries: []store.OutboxEntry{
		{ID: "alert", Account: "a", Person: "p3", IdempotencyKey: "k-new", Channel: "sales_alert", Payload: []byte(`{"text":"Bo Chan is engaged"}`)}}})
	require.NoError(t, err)

	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 1, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "alert", Seq: read[0].Seq, Payload: []byte(`{"text":"(erased) is engaged"}`)}}})
	require.ErrorIs(t, err, store.ErrConflict)
	pending, err := st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, `{"text":"Bo Chan is engaged"}`, string(pending[0].Payload), "the new message is as it was")
	require.Equal(t, enq[0].Seq, pending[0].Seq)

	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, OutboxRedactions: []store.OutboxRedaction{
		{ID: "alert", Seq: pending[0].Seq, Payload: []byte(`{"text":"(someone) is engaged"}`)}}})
	pending, err = st.PendingOutbox(ctx, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, `{"text":"(someone) is engaged"}`, string(pending[0].Payload))

	// Once the new entry is final too: the erased entry's Seq still
	// conflicts; the new entry's is left as it is, as any final entry.
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "alert", Seq: got[0].Seq, Attempt: got[0].Attempts, Status: store.OutboxDelivered, Now: t0}))
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 2, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "alert", Seq: read[0].Seq, Payload: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrConflict)
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 2, OutboxRedactions: []store.OutboxRedaction{
		{ID: "alert", Seq: got[0].Seq, Payload: []byte(`{}`)}}})
}

func withAccount(e store.OutboxEntry, a b2b.AccountID) store.OutboxEntry {
	e.Account = a
	return e
}
