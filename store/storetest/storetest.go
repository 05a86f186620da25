// Package storetest is the conformance suite for [store.Store] adapters.
// Every adapter runs it from a short test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return memory.New() }, storetest.Features{})
//	}
//
// The suite checks round trips (no method keeps anything of its
// parameters, which the caller reuses, nor shares what it returns),
// version conflicts, due-time ordering and paging, kept values (for stores
// that keep them), index listing, the event log, the default limits,
// outbox claim order, ack, retry and lease expiry, outbox IDs unique
// within a tenant (not an account), tenant isolation, erasure (finding a
// person's accounts, redacting events and queued messages, removing the
// person's own, so that their IDs find nothing of them), invalid requests with the fields
// they name (the empty tenant on every method), cancelled contexts, commits
// racing with one expected version (exactly one wins), and concurrent
// commits from many goroutines that must never lose an update. Run it
// with -race.
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

// Features declares what an adapter legitimately does differently. The
// zero value is the full contract.
type Features struct {
	// TimePrecision is the precision the adapter keeps times with (a
	// database may round to microseconds); zero means exact.
	TimePrecision time.Duration
	// Concurrency is how many goroutines the concurrency test runs; zero
	// means 16.
	Concurrency int
}

// Run runs the whole suite. newStore returns a fresh, empty store for each
// subtest.
func Run(t *testing.T, newStore func(t *testing.T) store.Store, f Features) {
	t.Helper()
	if f.Concurrency <= 0 {
		f.Concurrency = 16
	}
	s := suite{newStore: newStore, f: f}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"RoundTrip", s.roundTrip},
		{"CommitKeepsNothingOfParams", s.commitKeepsNothingOfParams},
		{"SharesNothing", s.sharesNothing},
		{"ValueRoundTrip", s.valueRoundTrip},
		{"VersionConflict", s.versionConflict},
		{"InvalidRequests", s.invalidRequests},
		{"DueOrdering", s.dueOrdering},
		{"ListByIndex", s.listByIndex},
		{"DefaultLimits", s.defaultLimits},
		{"EventLog", s.eventLog},
		{"OutboxClaimAck", s.outboxClaimAck},
		{"OutboxRetryAndLease", s.outboxRetryAndLease},
		{"OutboxClaimOrder", s.outboxClaimOrder},
		{"OutboxNewEntries", s.outboxNewEntries},
		{"OutboxIdempotentEnqueue", s.outboxIdempotentEnqueue},
		{"OutboxEnqueueAndFencing", s.outboxEnqueueAndFencing},
		{"FinalEntriesKeepTheirIDs", s.finalEntriesKeepTheirIDs},
		{"OutboxIDsAcrossAccounts", s.outboxIDsAcrossAccounts},
		{"TenantIsolation", s.tenantIsolation},
		{"ErasePerson", s.erasePerson},
		{"EraseClaimedEntry", s.eraseClaimedEntry},
		{"PersonAccounts", s.personAccounts},
		{"Redactions", s.redactions},
		{"OutboxRedactions", s.outboxRedactions},
		{"RacingCommits", s.racingCommits},
		{"ConcurrentCommits", s.concurrentCommits},
		{"LongLogs", s.longLogs},
		{"EmptyTenant", s.emptyTenant},
		{"CancelledContext", s.cancelledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newStore func(t *testing.T) store.Store
	f        Features
}

const tenant store.Tenant = "t1"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func (s suite) time(t time.Time) time.Time {
	if s.f.TimePrecision > 0 {
		return t.Truncate(s.f.TimePrecision)
	}
	return t
}

func commit(t *testing.T, st store.Store, p store.CommitParams) int64 {
	t.Helper()
	if p.Tenant == "" {
		p.Tenant = tenant
	}
	if p.Now.IsZero() {
		p.Now = t0
	}
	v, err := st.Commit(context.Background(), &p)
	require.NoError(t, err)
	return v
}

func (s suite) roundTrip(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	_, err := st.LoadAccount(ctx, tenant, "acme")
	require.ErrorIs(t, err, store.ErrNotFound)

	state := []byte(`{"groups":1}`)
	v := commit(t, st, store.CommitParams{Account: "acme", State: state, DueAt: t0.Add(time.Hour), Index: map[string]string{"stage": "Awareness"}})
	require.Equal(t, int64(1), v)
	state[0] = 'X' // the store keeps its own copy

	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, tenant, a.Tenant)
	require.Equal(t, b2b.AccountID("acme"), a.ID)
	require.Equal(t, int64(1), a.Version)
	require.Equal(t, `{"groups":1}`, string(a.State))
	require.True(t, s.time(t0.Add(time.Hour)).Equal(a.DueAt), "due %v", a.DueAt)
	require.Equal(t, map[string]string{"stage": "Awareness"}, a.Index)
	require.True(t, s.time(t0).Equal(a.UpdatedAt))

	a.State[0] = 'Y' // nor does a loaded copy alias it
	v = commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, State: []byte(`{"groups":2}`), Now: t0.Add(time.Minute)})
	require.Equal(t, int64(2), v)
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, `{"groups":2}`, string(a.State))
	require.True(t, a.DueAt.IsZero())
	require.Empty(t, a.Index)
}

// commitKeepsNothingOfParams checks that a commit keeps nothing of its
// parameters: the committer reuses the slices, maps and bytes of one
// commit for the next, so the committed state, index, events and outbox
// entries must read back as committed after the committer wrote over
// them.
func (s suite) commitKeepsNothingOfParams(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	p := store.CommitParams{Account: "acme", State: []byte(`{"v":1}`), Index: map[string]string{"stage": "Awareness"},
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

// valueRoundTrip checks a store that keeps values: the committed value
// comes back as it is, a commit without one clears it, and a stale commit
// changes nothing. A store that does not keep values must ignore them.
func (s suite) valueRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	type state struct{ Groups []string }
	first := &state{Groups: []string{"a"}}
	commit(t, st, store.CommitParams{Account: "acme", State: []byte(`{}`), Value: first})
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, `{}`, string(a.State))
	if !store.KeepsValues(st) {
		require.Nil(t, a.Value, "a store that does not keep values returns none")
		return
	}
	require.Same(t, first, a.Value, "a kept value is returned as it is, not copied")

	second := &state{Groups: []string{"a", "b"}}
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: 0, Value: &state{}, Now: t0})
	require.ErrorIs(t, err, store.ErrConflict)
	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, Value: second})
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Same(t, second, a.Value)
	require.Empty(t, a.State)

	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 2, State: []byte(`{"v":3}`)})
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Nil(t, a.Value, "a commit without a value replaces the kept one")
	require.Equal(t, `{"v":3}`, string(a.State))
}

func (s suite) versionConflict(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "acme", State: []byte("a"),
		Events: []store.Event{{Type: "x", Time: t0}}})
	for _, expected := range []int64{0, 2, 7} {
		_, err := st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: expected, State: []byte("b"), Now: t0,
			Events: []store.Event{{Type: "lost", Time: t0}},
			Outbox: []store.OutboxEntry{{ID: "m-lost", IdempotencyKey: "k", Channel: "email"}}})
		require.ErrorIs(t, err, store.ErrConflict, "expected version %d", expected)
	}
	// Nothing of the refused commits is visible.
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, "a", string(a.State))
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, claimed)
}

func (s suite) invalidRequests(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	_, err := st.Commit(ctx, &store.CommitParams{Account: "a", ExpectedVersion: -1,
		Events: []store.Event{{Account: "b", Type: "x", Time: t0}},
		Outbox: []store.OutboxEntry{{ID: "m", Account: "b", IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"tenant: is required", "expectedVersion: must not be negative, got -1", "now: is required",
		`events[0].account: is "b", not the committed account "a"`, `outbox[0].account: is "b", not the committed account "a"`} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.LoadAccount(ctx, tenant, "a")
	require.ErrorIs(t, err, store.ErrNotFound, "a refused commit stores nothing")
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Now: t0,
		Events: []store.Event{{}},
		Outbox: []store.OutboxEntry{{ID: "x"}, {ID: "x", IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"account: is required", "events[0].type: is required", "events[0].time: is required",
		"outbox[0].idempotencyKey: is required", "outbox[0].channel: is required", `outbox[1].id: "x" appears twice in one commit`} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.LoadAccount(ctx, "", "a")
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = st.DueAccounts(ctx, &store.DueParams{Before: t0})
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0})
	require.ErrorIs(t, err, store.ErrInvalid, "a claim needs a lease")
	require.ErrorContains(t, err, "lease")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Status: store.OutboxPending, Now: t0})
	require.ErrorIs(t, err, store.ErrInvalid, "a retry needs a time")
	require.ErrorContains(t, err, "nextAttemptAt: is required to retry")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, Attempt: -1, Status: "sent"})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"id: is required", "attempt: must not be negative, got -1",
		`status: must be delivered, failed, suppressed or pending, got "sent"`, "now: is required"} {
		require.ErrorContains(t, err, want)
	}
	_, err = st.Enqueue(ctx, &store.EnqueueParams{Tenant: tenant, Entries: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "sms"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	require.ErrorContains(t, err, "now: is required")
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
		OutboxRedactions: []store.OutboxRedaction{{}, {ID: "m"}, {ID: "m"}}})
	require.ErrorIs(t, err, store.ErrInvalid)
	for _, want := range []string{"outboxRedactions[0].id: is required", `outboxRedactions[2].id: "m" appears twice in one commit`} {
		require.ErrorContains(t, err, want)
	}
}

func (s suite) dueOrdering(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "c", DueAt: t0.Add(2 * time.Hour)})
	commit(t, st, store.CommitParams{Account: "b", DueAt: t0.Add(time.Hour)})
	commit(t, st, store.CommitParams{Account: "a", DueAt: t0.Add(time.Hour)})
	commit(t, st, store.CommitParams{Account: "d", DueAt: t0.Add(3 * time.Hour)})
	commit(t, st, store.CommitParams{Account: "never"})

	due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	var ids []b2b.AccountID
	for _, d := range due {
		ids = append(ids, d.ID)
	}
	require.Equal(t, []b2b.AccountID{"a", "b", "c"}, ids, "earliest first, ties by ID, inclusive bound")
	require.True(t, s.time(t0.Add(time.Hour)).Equal(due[0].DueAt))

	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour), Limit: 2})
	require.NoError(t, err)
	require.Len(t, due, 2)

	// Pages read after the last account of the one before: every due
	// account once, in order, ties at one instant included.
	ids = nil
	var after *store.AccountDue
	for range 10 {
		page, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour), Limit: 1, After: after})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		for _, d := range page {
			ids = append(ids, d.ID)
		}
		after = &page[len(page)-1]
	}
	require.Equal(t, []b2b.AccountID{"a", "b", "c", "d"}, ids, "paged with After")
	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour),
		After: &store.AccountDue{ID: "a", DueAt: t0.Add(time.Hour).In(time.FixedZone("x", 3600))}})
	require.NoError(t, err)
	require.Len(t, due, 3, "After's time is an instant, whatever its location")
	require.Equal(t, b2b.AccountID("b"), due[0].ID)

	// Clearing the due time removes the account from the list.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1})
	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.Equal(t, b2b.AccountID("b"), due[0].ID)
}

func (s suite) listByIndex(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	for i, stage := range []string{"Sales Ready", "Awareness", "Sales Ready", "Sales Ready"} {
		commit(t, st, store.CommitParams{Account: b2b.AccountID(fmt.Sprintf("acc-%d", i)), Index: map[string]string{"stage/dp": stage}})
	}
	ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/dp", Value: "Sales Ready"})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acc-0", "acc-2", "acc-3"}, ids)
	page, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/dp", Value: "Sales Ready", After: "acc-0", Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acc-2"}, page)
	none, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/other", Value: "Sales Ready"})
	require.NoError(t, err)
	require.Empty(t, none)

	// A commit replaces the account's index whole: a value changed, a key
	// dropped, or no index at all, and the account is listed only under
	// what the last commit holds.
	commit(t, st, store.CommitParams{Account: "acc-0", ExpectedVersion: 1, Index: map[string]string{"stage/dp": "Awareness", "stage/ai": "Sales Ready"}})
	commit(t, st, store.CommitParams{Account: "acc-2", ExpectedVersion: 1, Index: map[string]string{"stage/ai": "Sales Ready"}})
	commit(t, st, store.CommitParams{Account: "acc-3", ExpectedVersion: 1})
	for _, tc := range []struct {
		key, value string
		want       []b2b.AccountID
	}{
		{"stage/dp", "Sales Ready", nil},
		{"stage/dp", "Awareness", []b2b.AccountID{"acc-0", "acc-1"}},
		{"stage/ai", "Sales Ready", []b2b.AccountID{"acc-0", "acc-2"}},
	} {
		ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: tc.key, Value: tc.value})
		require.NoError(t, err)
		if len(tc.want) == 0 {
			require.Empty(t, ids, "%s = %s after the index changed", tc.key, tc.value)
			continue
		}
		require.Equal(t, tc.want, ids, "%s = %s after the index changed", tc.key, tc.value)
	}
}

// defaultLimits checks the documented defaults of a limit of zero or less:
// 1000 due accounts, listed accounts and events, 100 claimed entries.
func (s suite) defaultLimits(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	const n = 1001
	for i := range n {
		p := store.CommitParams{Account: b2b.AccountID(fmt.Sprintf("acc-%04d", i)), DueAt: t0, Index: map[string]string{"k": "v"}}
		if i == 0 {
			for j := range n {
				p.Events = append(p.Events, store.Event{Type: "x", Time: t0})
				if j < 101 {
					p.Outbox = append(p.Outbox, store.OutboxEntry{ID: fmt.Sprintf("m-%03d", j), IdempotencyKey: "k", Channel: "email"})
				}
			}
		}
		commit(t, st, p)
	}
	for _, limit := range []int{0, -1} {
		due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0, Limit: limit})
		require.NoError(t, err)
		require.Len(t, due, 1000, "due accounts, limit %d", limit)
		ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "k", Value: "v", Limit: limit})
		require.NoError(t, err)
		require.Len(t, ids, 1000, "listed accounts, limit %d", limit)
		evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: limit})
		require.NoError(t, err)
		require.Len(t, evs, 1000, "the tenant's events, limit %d", limit)
		evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acc-0000", Limit: limit})
		require.NoError(t, err)
		require.Len(t, evs, 1000, "an account's events, limit %d", limit)
	}
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 100, "claimed entries")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: -1})
	require.NoError(t, err)
	require.Len(t, got, 1, "claimed entries, limit -1: the one left")
}

func (s suite) eventLog(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{
		{Type: "group.created", Time: t0, Data: []byte(`{"group":"dp"}`)},
		{Type: "member.added", Person: "p1", Time: t0},
	}})
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "group.created", Time: t0}}})
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Events: []store.Event{{Type: "stage.changed", Time: t0.Add(time.Hour)}}})

	all, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, all, 4)
	for i := 1; i < len(all); i++ {
		require.Greater(t, all[i].Seq, all[i-1].Seq, "seq increases in commit order")
	}
	require.Equal(t, []string{"group.created", "member.added", "group.created", "stage.changed"}, eventTypes(all))
	require.Equal(t, b2b.AccountID("b"), all[2].Account, "the store stamps the account")
	require.Equal(t, `{"group":"dp"}`, string(all[0].Data))
	require.Equal(t, b2b.PersonID("p1"), all[1].Person)
	require.True(t, s.time(t0.Add(time.Hour)).Equal(all[3].Time), "time %v", all[3].Time)
	all[0].Data[0] = 'X' // a read event does not alias the log
	again, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, `{"group":"dp"}`, string(again[0].Data))

	ofA, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	require.Equal(t, []string{"group.created", "member.added", "stage.changed"}, eventTypes(ofA))

	after, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: all[1].Seq, Limit: 1})
	require.NoError(t, err)
	require.Len(t, after, 1)
	require.Equal(t, all[2].Seq, after[0].Seq)

	// One account's log pages by Seq like the tenant's.
	page, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a", AfterSeq: all[0].Seq, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"member.added"}, eventTypes(page))
	page, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a", AfterSeq: page[0].Seq})
	require.NoError(t, err)
	require.Equal(t, []string{"stage.changed"}, eventTypes(page))
	page, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "nobody"})
	require.NoError(t, err)
	require.Empty(t, page)
}

func eventTypes(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

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
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "first", string(got[0].Payload))
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
		require.Equal(t, want, e, "a known ID returns the final entry")
	}
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Now: t1, Outbox: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}},
		OutboxRedactions: []store.OutboxRedaction{{ID: "m2", Payload: []byte("redacted")}}})
	left, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t1.Add(2 * time.Hour), Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, left, "a final entry is not queued again")
	err = st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m1", Status: store.OutboxDelivered, Now: t1})
	require.ErrorIs(t, err, store.ErrConflict)
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

	accs, err = st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"a", "b", "d"}, accs, "in ID order, each once")
	accs, err = st.PersonAccounts(ctx, tenant, "nobody")
	require.NoError(t, err)
	require.Empty(t, accs)

	rep, err := st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Equal(t, store.EraseReport{Events: 3, Outbox: 2}, rep)
	accs, err = st.PersonAccounts(ctx, tenant, "p1")
	require.NoError(t, err)
	require.Empty(t, accs, "an erased person has no accounts left")
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

// racingCommits starts many commits with one expected version at once,
// to create an account (0: a database's insert races) and to change it:
// exactly one of each round wins, the others fail with ErrConflict (not a
// driver's error), and only the winner's state, events and outbox entry
// are stored.
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
				for {
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
		var all []store.Event
		for after := int64(0); ; {
			page, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: after, Limit: 97})
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			all = append(all, page...)
			after = page[len(page)-1].Seq
		}
		whole, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1 << 20})
		require.NoError(t, err)
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
			for after := int64(0); ; {
				page, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: acc, AfterSeq: after, Limit: 41})
				require.NoError(t, err)
				if len(page) == 0 {
					break
				}
				for _, e := range page {
					mine = append(mine, e.Type+" "+string(e.Data))
				}
				after = page[len(page)-1].Seq
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
