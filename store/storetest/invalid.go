package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) invalidRequests(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	_, err := st.Commit(ctx, &store.CommitParams{Account: "a", ExpectedVersion: -1, Links: []b2b.AccountID{"b", ""},
		Events: []store.Event{{Account: "b", Type: "x", Time: t0}},
		Outbox: []store.OutboxEntry{{ID: "m", Account: "b", IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"tenant: is required", "expectedVersion: must not be negative, got -1", "now: is required", "links[1]: is required",
		`events[0].account: is "b", not the committed account "a"`, `outbox[0].account: is "b", not the committed account "a"`} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.LoadAccount(ctx, tenant, "a")
	require.ErrorIs(t, err, store.ErrNotFound, "a refused commit stores nothing")
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Now: t0,
		Events: []store.Event{{}},
		Outbox: []store.OutboxEntry{{ID: "x"}, {ID: "x", IdempotencyKey: "k", Channel: "sms"}, {IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"account: is required", "events[0].type: is required", "events[0].time: is required",
		"outbox[0].idempotencyKey: is required", "outbox[0].channel: is required", `outbox[1].id: "x" appears twice in one commit`,
		"outbox[2].id: is required"} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.LoadAccount(ctx, "", "a")
	require.ErrorIs(t, err, store.ErrInvalid)
	// Every method that takes an ID of its own refuses the empty one as
	// malformed, not as an ID the store holds nothing of.
	_, err = st.LoadAccount(ctx, tenant, "")
	require.ErrorIs(t, err, store.ErrInvalid, "a load of no account")
	require.ErrorContains(t, err, "account")
	_, err = st.DueAccounts(ctx, &store.DueParams{Before: t0})
	require.ErrorIs(t, err, store.ErrInvalid)
	// A zero Before would list nothing, as if no account were due.
	commit(t, st, store.CommitParams{Account: "due", DueAt: t0})
	_, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant})
	require.ErrorIs(t, err, store.ErrInvalid, "a due query needs a time")
	require.ErrorContains(t, err, "before: is required")
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0})
	require.ErrorIs(t, err, store.ErrInvalid, "a claim needs a lease")
	require.ErrorContains(t, err, "lease")
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Lease: -time.Minute})
	require.ErrorIs(t, err, store.ErrInvalid, "a claim needs a time and a positive lease")
	for _, want := range []string{"now: is required", "lease: must be positive, got -1m0s"} {
		require.ErrorContains(t, err, want)
	}
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Status: store.OutboxPending, Now: t0})
	require.ErrorIs(t, err, store.ErrInvalid, "a retry needs a time")
	require.ErrorContains(t, err, "nextAttemptAt: is required to retry")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, Seq: -2, Attempt: -1, Status: "sent"})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"id: is required", "attempt: must not be negative, got -1", "seq: must not be negative, got -2",
		`status: must be delivered, failed, suppressed or pending, got "sent"`, "now: is required"} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Entries: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "sms"},
		{IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"now: is required", "entries[1].id: is required"} {
		require.ErrorContains(t, err, want)
	}
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "nope", Status: store.OutboxDelivered, Now: t0})
	require.ErrorIs(t, err, store.ErrNotFound)
	// An ack whose event the log would not take is refused whole: the
	// entry stays claimed, and nothing is logged.
	commit(t, st, store.CommitParams{Account: "acked", Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "email"}}})
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Attempt: 1, Status: store.OutboxDelivered, Now: t0, Event: &store.Event{Data: []byte(`{}`)}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"event.type: is required", "event.time: is required"} {
		require.ErrorContains(t, err, want)
	}
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acked"})
	require.NoError(t, err)
	require.Empty(t, evs, "a refused ack logs nothing")
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Attempt: 1, Status: store.OutboxDelivered, Now: t0}),
		"a refused ack leaves the entry claimed")
	_, err = st.ErasePerson(ctx, tenant, "")
	require.ErrorIs(t, err, store.ErrInvalid)
	require.ErrorContains(t, err, "person")
	_, err = st.PersonAccounts(ctx, tenant, "")
	require.ErrorIs(t, err, store.ErrInvalid)
	require.ErrorContains(t, err, "person")
	_, err = st.PendingOutbox(ctx, tenant, "")
	require.ErrorIs(t, err, store.ErrInvalid)
	require.ErrorContains(t, err, "account")
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", Now: t0,
		Redactions: []store.Redaction{{Seq: 0}, {Seq: 3}, {Seq: 3}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"redactions[0].seq: must be positive, got 0", "redactions[2].seq: 3 appears twice in one commit"} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{}, {ID: "m"}, {ID: "m"}, {ID: "n", Seq: -1}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"outboxRedactions[0].id: is required", `outboxRedactions[2].id: "m" appears twice in one commit`,
		"outboxRedactions[3].seq: must not be negative, got -1"} {
		require.ErrorContains(t, err, want)
	}
}

// calls makes one call of each method of the store, in tenant te, with
// parameters that are otherwise valid (and, in the store cancelledContext
// prepares, would change it), and returns each call's error by method.
func calls(ctx context.Context, st store.Store, te store.Tenant) []struct {
	method string
	err    error
} {
	var out []struct {
		method string
		err    error
	}
	add := func(method string, err error) {
		out = append(out, struct {
			method string
			err    error
		}{method, err})
	}
	_, err := st.LoadAccount(ctx, te, "a")
	add("LoadAccount", err)
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "a", ExpectedVersion: 1, Now: t0, State: []byte("changed"),
		Events: []store.Event{{Type: "x", Time: t0}}})
	add("Commit", err)
	_, err = st.DueAccounts(ctx, &store.DueParams{Tenant: te, Before: t0.Add(time.Hour)})
	add("DueAccounts", err)
	_, err = st.ListAccounts(ctx, &store.ListParams{Tenant: te, Key: "k", Value: "v"})
	add("ListAccounts", err)
	_, err = st.Events(ctx, &store.EventsParams{Tenant: te})
	add("Events", err)
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: te, Now: t0.Add(time.Hour), Lease: time.Minute})
	add("ClaimOutbox", err)
	add("AckOutbox", st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "claimed", Status: store.OutboxDelivered, Now: t0}))
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: te, Now: t0, Entries: []store.OutboxEntry{{ID: "new", IdempotencyKey: "k", Channel: "email"}}})
	add("Enqueue", err)
	_, err = st.PendingOutbox(ctx, te, "a")
	add("PendingOutbox", err)
	_, err = st.PersonAccounts(ctx, te, "p")
	add("PersonAccounts", err)
	_, err = st.ErasePerson(ctx, te, "p")
	add("ErasePerson", err)
	return out
}

// emptyTenant checks that every method refuses the empty tenant, which is
// no tenant, with ErrInvalid: none reads or writes the data of "".
func (s suite) emptyTenant(t *testing.T) {
	st := s.newStore(t)
	for _, c := range calls(context.Background(), st, "") {
		require.ErrorIs(t, c.err, store.ErrInvalid, c.method)
		require.ErrorContains(t, c.err, "tenant", "%s: the error names the field", c.method)
	}
}

// cancelledContext checks that every method honours a cancelled context:
// it returns the context's error and changes nothing.
func (s suite) cancelledContext(t *testing.T) {
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", State: []byte("kept"), DueAt: t0, Index: map[string]string{"k": "v"},
		Events: []store.Event{{Type: "x", Person: "p", Time: t0}},
		Outbox: []store.OutboxEntry{{ID: "claimed", IdempotencyKey: "k1", Channel: "email"}, {ID: "later", Person: "p", IdempotencyKey: "k2", Channel: "email", NextAttemptAt: t0.Add(time.Hour)}}})
	bg := context.Background()
	got, err := st.ClaimOutbox(bg, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: 2 * time.Hour})
	require.NoError(t, err)
	require.Len(t, got, 1)

	ctx, cancel := context.WithCancel(bg)
	cancel()
	for _, c := range calls(ctx, st, tenant) {
		require.ErrorIs(t, c.err, context.Canceled, c.method)
	}

	a, err := st.LoadAccount(bg, tenant, "a")
	require.NoError(t, err)
	require.Equal(t, int64(1), a.Version, "the cancelled commit changed nothing")
	require.Equal(t, "kept", string(a.State))
	evs, err := st.Events(bg, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, evs, 1, "nothing logged, nothing erased")
	pending, err := st.PendingOutbox(bg, tenant, "a")
	require.NoError(t, err)
	require.Len(t, pending, 2, "nothing acknowledged, nothing erased")
	require.Equal(t, []string{"later", "claimed"}, []string{pending[0].ID, pending[1].ID})
	require.Equal(t, store.OutboxPending, pending[0].Status, "the cancelled claim took nothing")
	require.Equal(t, store.OutboxClaimed, pending[1].Status, "the cancelled ack recorded nothing")
	enq, err := st.Enqueue(bg, &store.EnqueueParams{Tenant: tenant, Now: t0.Add(time.Minute), Entries: []store.OutboxEntry{{ID: "new", IdempotencyKey: "k", Channel: "email"}}})
	require.NoError(t, err)
	require.True(t, s.time(t0.Add(time.Minute)).Equal(enq[0].CreatedAt), "the cancelled enqueue added nothing")
}

// errorsNameWhatTheyConcern checks that an error says which tenant and
// which account, entry or event it concerns, besides matching its
// sentinel: a host that logs it can tell what failed.
func (s suite) errorsNameWhatTheyConcern(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	const te store.Tenant = "tenant-7"
	commit(t, st, store.CommitParams{Tenant: te, Account: "acme-1", Events: []store.Event{{Type: "x", Person: "p-gone", Time: t0}},
		Outbox: []store.OutboxEntry{
			{ID: "entry-claimed", IdempotencyKey: "k", Channel: "email"},
			{ID: "entry-waiting", IdempotencyKey: "k", Channel: "email", NextAttemptAt: t0.Add(time.Hour)}}})
	commit(t, st, store.CommitParams{Tenant: te, Account: "acme-2", Events: []store.Event{{Type: "x", Time: t0}}})
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: te})
	require.NoError(t, err)
	_, err = st.ErasePerson(ctx, te, "p-gone")
	require.NoError(t, err)
	first, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: te, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, first, 1)
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: te, Now: t0.Add(time.Minute), Lease: time.Minute})
	require.NoError(t, err)

	for _, tc := range []struct {
		name     string
		err      error
		sentinel error
		names    []string
	}{
		{"an account not stored", func() error { _, err := st.LoadAccount(ctx, te, "acme-9"); return err }(), store.ErrNotFound, []string{"acme-9"}},
		{"an account of a tenant with nothing stored", func() error { _, err := st.LoadAccount(ctx, "tenant-0", "acme-9"); return err }(), store.ErrNotFound,
			[]string{"tenant-0", "acme-9"}},
		{"a stale version", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-1", ExpectedVersion: 4, Now: t0})
			return err
		}(), store.ErrConflict, []string{"acme-1"}},
		{"a redaction of an erased event", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-1", ExpectedVersion: 1, Now: t0,
				Redactions: []store.Redaction{{Seq: evs[0].Seq, Data: []byte(`{}`)}}})
			return err
		}(), store.ErrConflict, []string{"acme-1", fmt.Sprint(evs[0].Seq)}},
		{"a redaction of another account's event", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-1", ExpectedVersion: 1, Now: t0,
				Redactions: []store.Redaction{{Seq: evs[1].Seq, Data: []byte(`{}`)}}})
			return err
		}(), store.ErrInvalid, []string{"acme-1", fmt.Sprint(evs[1].Seq)}},
		{"an outbox redaction of an unknown entry", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-1", ExpectedVersion: 1, Now: t0,
				OutboxRedactions: []store.OutboxRedaction{{ID: "entry-unknown"}}})
			return err
		}(), store.ErrConflict, []string{"acme-1", "entry-unknown"}},
		{"an outbox redaction of another account's entry", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-2", ExpectedVersion: 1, Now: t0,
				OutboxRedactions: []store.OutboxRedaction{{ID: "entry-waiting"}}})
			return err
		}(), store.ErrInvalid, []string{"acme-2", "entry-waiting"}},
		{"an invalid commit", func() error {
			_, err := st.Commit(ctx, &store.CommitParams{Tenant: te, Account: "acme-1", ExpectedVersion: 1, Now: t0, Events: []store.Event{{Time: t0}}})
			return err
		}(), store.ErrInvalid, []string{"acme-1", "events[0].type"}},
		{"an invalid enqueue", func() error {
			_, err := st.Enqueue(ctx, &store.EnqueueParams{Tenant: te, Now: t0, Entries: []store.OutboxEntry{{ID: "entry-new", IdempotencyKey: "k"}}})
			return err
		}(), store.ErrInvalid, []string{"entries[0].channel"}},
		{"an invalid ack", st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "entry-claimed", Status: "sent", Now: t0}),
			store.ErrInvalid, []string{"entry-claimed", "status"}},
		{"a claim without a lease", func() error {
			_, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: te, Now: t0})
			return err
		}(), store.ErrInvalid, []string{"lease"}},
		{"an ack of an unknown entry", st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "entry-unknown", Status: store.OutboxDelivered, Now: t0}),
			store.ErrNotFound, []string{"entry-unknown"}},
		{"an ack of an entry of a tenant with nothing stored", st.AckOutbox(ctx, &store.AckParams{Tenant: "tenant-0", ID: "entry-unknown", Status: store.OutboxDelivered, Now: t0}),
			store.ErrNotFound, []string{"tenant-0", "entry-unknown"}},
		{"an ack of an entry not claimed", st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "entry-waiting", Status: store.OutboxDelivered, Now: t0}),
			store.ErrConflict, []string{"entry-waiting"}},
		{"a load of no account", func() error { _, err := st.LoadAccount(ctx, te, ""); return err }(), store.ErrInvalid, []string{"account"}},
		{"a pending outbox of no account", func() error { _, err := st.PendingOutbox(ctx, te, ""); return err }(), store.ErrInvalid, []string{"account"}},
		{"the accounts of no person", func() error { _, err := st.PersonAccounts(ctx, te, ""); return err }(), store.ErrInvalid, []string{"person"}},
		{"an erasure of no person", func() error { _, err := st.ErasePerson(ctx, te, ""); return err }(), store.ErrInvalid, []string{"person"}},
		{"an ack of a superseded claim", st.AckOutbox(ctx, &store.AckParams{Tenant: te, ID: "entry-claimed", Attempt: first[0].Attempts, Status: store.OutboxDelivered, Now: t0}),
			store.ErrConflict, []string{"entry-claimed"}},
	} {
		require.ErrorIs(t, tc.err, tc.sentinel, tc.name)
		names := tc.names
		if !slices.Contains(names, "tenant-0") {
			names = append(names, string(te))
		}
		for _, name := range names {
			require.ErrorContains(t, tc.err, name, "%s: the error names %s", tc.name, name)
		}
	}
}
