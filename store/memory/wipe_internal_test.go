package memory

import (
	"context"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/store"
)

// The outbox entries of one call share an allocation, and so do their
// payloads (prepare): an entry that leaves the store before the others
// must leave no personal data in it, as the others keep it alive.

var wipeT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// before returns the n bytes that come before payload in its allocation.
func before(payload []byte, n int) string {
	return string(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(payload)), -n)), n))
}

// livePayload returns the payload the store keeps for a live entry.
func livePayload(s *Store, id string) []byte {
	td := s.tenant("t", false)
	td.logMu.Lock()
	defer td.logMu.Unlock()
	return td.outbox[id].Payload
}

// TestDeliveredEntryLeavesNoPayload: a delivered message's payload, which
// the store drops, is wiped: the entry committed with it keeps its
// allocation alive, and an erasure of the person later finds the entry
// no more.
func TestDeliveredEntryLeavesNoPayload(t *testing.T) {
	ctx := context.Background()
	s := New()
	alice := []byte(`{"to":"+33612345678","body":"secret-alice"}`)
	_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", Now: wipeT0, Outbox: []store.OutboxEntry{
		{ID: "m1", Person: "alice", IdempotencyKey: "m1", Channel: "sms", Payload: alice},
		{ID: "m2", Person: "bob", IdempotencyKey: "m2", Channel: "sms", Payload: []byte(`{"to":"+4915112345678"}`)},
	}})
	require.NoError(t, err)
	bob := livePayload(s, "m2")
	require.Equal(t, string(alice), before(bob, len(alice)), "the payloads share an allocation")
	claimed, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: wipeT0, Lease: time.Minute, Limit: 10})
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	require.NoError(t, s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: "m1", Attempt: 1, Status: store.OutboxFailed,
		Error: "mailbox of +33612345678 full", Now: wipeT0}))
	require.NotContains(t, before(bob, len(alice)), "secret-alice")
	_, err = s.ErasePerson(ctx, "t", "alice")
	require.NoError(t, err)
	require.NotContains(t, before(bob, len(alice)), "secret-alice")
}

// TestSkippedDuplicateLeavesNoPayload: an entry enqueued again with new
// ones (a retried batch) is not kept, and its payload copy is wiped.
func TestSkippedDuplicateLeavesNoPayload(t *testing.T) {
	ctx := context.Background()
	s := New()
	alice := store.OutboxEntry{ID: "m1", Account: "a", Person: "alice", IdempotencyKey: "m1", Channel: "sms", Payload: []byte(`{"body":"secret-alice"}`)}
	_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Now: wipeT0, Entries: []store.OutboxEntry{alice}})
	require.NoError(t, err)
	bob := store.OutboxEntry{ID: "m2", Account: "a", Person: "bob", IdempotencyKey: "m2", Channel: "sms", Payload: []byte(`{"x":1}`)}
	for _, final := range []bool{false, true} {
		if final {
			c, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: wipeT0, Lease: time.Minute, Limit: 10})
			require.NoError(t, err)
			require.NoError(t, s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: "m1", Attempt: c[0].Attempts, Status: store.OutboxDelivered, Now: wipeT0}))
			bob.ID, bob.IdempotencyKey = "m3", "m3"
		}
		_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Now: wipeT0, Entries: []store.OutboxEntry{alice, bob}})
		require.NoError(t, err)
		require.NotContains(t, before(livePayload(s, bob.ID), len(alice.Payload)), "secret-alice", "final %v", final)
	}
}

// TestKeptRoomsHoldNoEvents: the rooms an account's log keeps for other
// tails hold none of the events they held, which an erasure could not
// reach there.
func TestKeptRoomsHoldNoEvents(t *testing.T) {
	ctx := context.Background()
	s := New()
	for v := range int64(30) {
		_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", ExpectedVersion: v, Now: wipeT0,
			Events: []store.Event{{Person: "alice", Type: "visit", Time: wipeT0,
				Data: []byte(`{"email":"alice-secret@acme.com","pad":"` + strings.Repeat("x", 100) + `"}`)}}})
		require.NoError(t, err)
	}
	_, err := s.ErasePerson(ctx, "t", "alice")
	require.NoError(t, err)
	td := s.tenant("t", false)
	td.logMu.Lock()
	defer td.logMu.Unlock()
	kept := 0
	for step, rooms := range td.events.rooms {
		for _, r := range rooms {
			kept++
			require.NotContains(t, string(r[:cap(r)]), "alice-secret", "a kept room of step %d", step)
		}
	}
	require.NotZero(t, kept, "the log keeps rooms")
}

// TestCompressingLeavesNoEvents: the room blocks are compressed through,
// which waits in a pool for the next, keeps nothing of them.
func TestCompressingLeavesNoEvents(t *testing.T) {
	raw := []byte(strings.Repeat(`{"to":"ann@acme.com","template":"welcome"}`, 200))
	var scratch []byte
	work := compressWith(&scratch, []sealed{{raw: raw}})
	require.NotEmpty(t, work[0].zip)
	require.NotEmpty(t, scratch[:cap(scratch)])
	require.Equal(t, make([]byte, cap(scratch)), scratch[:cap(scratch)], "the room holds no event")
	var lg accountLog
	lg.blocks = []block{{data: work[0].zip}}
	require.Equal(t, string(raw), string(lg.decoded(0, nil)))
}

// TestFinalEntryLeavesNothingInScratch: the room a final entry is
// encoded in before the packed log copies it keeps nothing of it: its
// error and receipt name the person, whom an erasure could not find
// there.
func TestFinalEntryLeavesNothingInScratch(t *testing.T) {
	ctx := context.Background()
	s := New()
	_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", Now: wipeT0, Outbox: []store.OutboxEntry{
		{ID: "m1", Person: "alice", IdempotencyKey: "m1", Channel: "sms", Payload: []byte(`{"body":"hi"}`)}}})
	require.NoError(t, err)
	_, err = s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: wipeT0, Lease: time.Minute})
	require.NoError(t, err)
	require.NoError(t, s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: "m1", Attempt: 1, Status: store.OutboxFailed,
		Error: "no mailbox alice-secret@acme.com", Receipt: []byte(`{"to":"alice-receipt"}`), Now: wipeT0}))
	_, err = s.ErasePerson(ctx, "t", "alice")
	require.NoError(t, err)
	td := s.tenant("t", false)
	td.logMu.Lock()
	defer td.logMu.Unlock()
	scratch := string(td.done.scratch[:cap(td.done.scratch)])
	require.NotContains(t, scratch, "alice-secret")
	require.NotContains(t, scratch, "alice-receipt")
}

// TestErasedEntryLeavesNoPerson: an entry erased, live or final, may
// still be in memory after the erasure (the due queue drops its items
// lazily, and the entries of one commit share an allocation): it names
// its person, key and channel no more.
func TestErasedEntryLeavesNoPerson(t *testing.T) {
	ctx := context.Background()
	for _, final := range []bool{false, true} {
		s := New()
		_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", Now: wipeT0, Outbox: []store.OutboxEntry{
			{ID: "m1", Person: "alice", IdempotencyKey: "key-alice", Channel: "sms-alice"},
			{ID: "m2", Person: "bob", IdempotencyKey: "key-bob", Channel: "sms", NextAttemptAt: wipeT0.Add(time.Hour)}}})
		require.NoError(t, err)
		if final {
			got, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: wipeT0, Lease: time.Minute})
			require.NoError(t, err)
			require.Len(t, got, 1)
			require.NoError(t, s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: "m1", Attempt: 1, Status: store.OutboxDelivered, Now: wipeT0,
				Event: &store.Event{Type: "message.delivered", Time: wipeT0}}))
		}
		_, err = s.ErasePerson(ctx, "t", "alice")
		require.NoError(t, err)
		td := s.tenant("t", false)
		td.logMu.Lock()
		bob := td.outbox["m2"]
		td.logMu.Unlock()
		// The entries of the commit, which bob's keeps alive.
		alice := (*store.OutboxEntry)(unsafe.Add(unsafe.Pointer(bob), -int(unsafe.Sizeof(*bob))))
		require.Equal(t, "m1", alice.ID, "final %v: the entries share an allocation", final)
		require.Empty(t, alice.Person, "final %v", final)
		require.Empty(t, alice.IdempotencyKey, "final %v", final)
		require.Empty(t, alice.Channel, "final %v", final)
	}
}
