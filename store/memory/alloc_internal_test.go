package memory

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// allocated returns the bytes f allocates on the heap. Tests that use it
// do not run in parallel, so that they count only their own.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBusyAccountTailsReuseRooms: an account that keeps sealing blocks
// writes its next events in the rooms its tails left (growing, or
// sealed into a block compressed since), not in rooms made anew:
// appending 40 blocks' worth of events takes the first tail's rooms, and
// the log's index of Seqs and list of blocks, not 40 tails' rooms.
func TestBusyAccountTailsReuseRooms(t *testing.T) {
	var l eventLog
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	data := []byte(fmt.Sprintf(`{"pad":%q}`, strings.Repeat("ab", 100)))
	var bytes uint64
	for seq := int64(1); len(l.logs) == 0 || len(l.logs[0].blocks) < 40; seq++ {
		e := store.Event{Seq: seq, Account: "a", Person: "p", Type: "visit", Time: t0, Data: data}
		bytes += allocated(func() { l.append(&e) })
		// As the store does after a commit that sealed a block.
		if len(l.pending) > 0 {
			l.install(compressAll(l.takePending()))
		}
	}
	require.Less(t, bytes, uint64(6*tailBytes), "bytes allocated by appending 40 blocks' events")
}

// TestDueQueueReusesRoom: buckets of due entries that are filled and
// emptied one after the other (a pass's messages, claimed, then their
// lease items, dropped) take the room of those emptied before them, not
// room grown anew from nothing for every due time.
func TestDueQueueReusesRoom(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var td tenant
	var bytes uint64
	for round := range 40 {
		entries := make([]*store.OutboxEntry, 1000)
		for i := range entries {
			entries[i] = &store.OutboxEntry{ID: fmt.Sprintf("m%d-%04d", round, i), Account: "a", Status: store.OutboxPending,
				CreatedAt: t0, NextAttemptAt: t0.Add(time.Duration(round) * time.Minute)}
		}
		n := allocated(func() {
			for _, e := range entries {
				td.push(e)
			}
			for td.due.Len() > 0 {
				td.due.pop()
			}
		})
		if round > 0 {
			bytes += n
		}
	}
	require.Less(t, bytes, uint64(16*1000), "bytes allocated by 39 rounds after the first")
}

// TestClaimAllocations: a claim hands out its entries' copies without an
// allocation for each entry (their payloads share one), and each copy's
// payload is still its own: writing into one, or appending to it, changes
// neither the store's nor another's.
func TestClaimAllocations(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New()
	const runs, batch = 20, 50
	var entries []store.OutboxEntry
	for i := range (runs + 2) * batch {
		id := fmt.Sprintf("m%05d", i)
		entries = append(entries, store.OutboxEntry{ID: id, Account: "a", IdempotencyKey: id, Channel: "email", Payload: fmt.Appendf(nil, `{"n":%d}`, i)})
	}
	_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: t0})
	require.NoError(t, err)
	claim := &store.ClaimParams{Tenant: "t", Now: t0, Lease: time.Minute, Limit: batch}
	allocs := testing.AllocsPerRun(runs, func() {
		if got, err := s.ClaimOutbox(ctx, claim); err != nil || len(got) != batch {
			t.Fatalf("claimed %d, %v", len(got), err)
		}
	})
	require.Less(t, allocs, float64(batch/5), "allocations of a claim of %d entries", batch)

	got, err := s.ClaimOutbox(ctx, claim)
	require.NoError(t, err)
	require.Len(t, got, batch)
	first, second := string(got[0].Payload), string(got[1].Payload)
	got[0].Payload[0] = 'X'
	got[0].Payload = append(got[0].Payload, "more"...)
	require.Equal(t, second, string(got[1].Payload), "appending to a payload changed the next one's")
	pending, err := s.PendingOutbox(ctx, "t", "a")
	require.NoError(t, err)
	for _, e := range pending {
		if e.ID == got[0].ID {
			require.Equal(t, first, string(e.Payload), "the store's payload changed")
		}
	}
}

// TestCommitOutboxAllocations: a commit keeps its outbox entries without
// an allocation for each (they share one, their payloads another), and
// an entry erased or redacted keeps nothing of its payload in what it
// shared.
func TestCommitOutboxAllocations(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New()
	const runs, batch = 20, 20
	commit := func(version int64, person b2b.PersonID) *store.CommitParams {
		p := &store.CommitParams{Tenant: "t", Account: "a", ExpectedVersion: version, Now: t0}
		for i := range batch {
			id := fmt.Sprintf("m%03d-%02d", version, i)
			p.Outbox = append(p.Outbox, store.OutboxEntry{ID: id, Person: person, IdempotencyKey: id, Channel: "email", Payload: fmt.Appendf(nil, `{"to":"%s-%d"}`, person, i)})
		}
		return p
	}
	var params []*store.CommitParams
	for v := range int64(runs + 1) {
		params = append(params, commit(v, "p"))
	}
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := s.Commit(ctx, params[0]); err != nil {
			t.Fatal(err)
		}
		params = params[1:]
	})
	require.Less(t, allocs, float64(batch/2), "allocations of a commit of %d entries", batch)

	// Erased and redacted, the entries keep nothing of their payloads in
	// the room their commit's entries share: the payloads are wiped.
	p := commit(runs+1, "erased")
	p.Outbox = append(p.Outbox, store.OutboxEntry{ID: "redacted", IdempotencyKey: "redacted", Channel: "email", Payload: []byte(`{"to":"secret"}`)})
	_, err := s.Commit(ctx, p)
	require.NoError(t, err)
	td := s.tenant("t", false)
	td.logMu.Lock()
	erased, redacted := td.outbox[p.Outbox[0].ID].Payload, td.outbox["redacted"].Payload
	td.logMu.Unlock()
	_, err = s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", ExpectedVersion: runs + 2, Now: t0,
		OutboxRedactions: []store.OutboxRedaction{{ID: "redacted", Payload: []byte(`{}`)}}})
	require.NoError(t, err)
	_, err = s.ErasePerson(ctx, "t", "erased")
	require.NoError(t, err)
	require.Equal(t, make([]byte, len(erased)), erased, "an erased entry's payload")
	require.Equal(t, make([]byte, len(redacted)), redacted, "a redacted entry's payload")
}

// TestCommitAccountAllocations: a commit that changes an account's state
// and due time, not its index, stores them in the account's record as it
// is: no record, nor index, made anew. (What LoadAccount returns is
// still a copy of its own.)
func TestCommitAccountAllocations(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New()
	index := map[string]string{"domain": "acme.com", "plan": "pro"}
	version := int64(0)
	commit := func() {
		_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", ExpectedVersion: version, Value: version, Index: index, DueAt: t0.Add(time.Duration(version) * time.Hour), Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		version++
	}
	commit()
	allocs := testing.AllocsPerRun(20, commit)
	require.Zero(t, allocs, "allocations of a commit that keeps the index")

	got, err := s.LoadAccount(ctx, "t", "a")
	require.NoError(t, err)
	require.Equal(t, version, got.Version)
	require.Equal(t, version-1, got.Value)
	require.Equal(t, index, got.Index)
	got.Index["plan"] = "free"
	index["domain"] = "other.com"
	again, err := s.LoadAccount(ctx, "t", "a")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"domain": "acme.com", "plan": "pro"}, again.Index, "the stored index changed with a copy")
}

// TestCommitIndexAsGiven: the index read back is the last one committed,
// nil or empty as it was given, whether the one before was the same.
func TestCommitIndexAsGiven(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New()
	for v, index := range []map[string]string{nil, {}, {}, nil, nil, {"k": "v"}, {"k": "v"}, {"k": "w"}, {}} {
		_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", ExpectedVersion: int64(v), Index: index, Now: t0})
		require.NoError(t, err)
		got, err := s.LoadAccount(ctx, "t", "a")
		require.NoError(t, err)
		require.Equal(t, index == nil, got.Index == nil, "commit %d: nil index", v)
		require.Equal(t, len(index), len(got.Index), "commit %d", v)
		for k, x := range index {
			require.Equal(t, x, got.Index[k], "commit %d: %s", v, k)
		}
	}
}

// TestFinalAckAllocations: an ack that makes an entry final keeps its
// receipt in the packed final entries without a copy of its own first;
// the receipt reads back.
func TestFinalAckAllocations(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New()
	const runs = 200
	var entries []store.OutboxEntry
	for i := range runs + 1 {
		id := fmt.Sprintf("m%04d", i)
		entries = append(entries, store.OutboxEntry{ID: id, Account: "a", IdempotencyKey: id, Channel: "email", Payload: []byte(`{}`)})
	}
	_, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries, Now: t0})
	require.NoError(t, err)
	claimed, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0, Lease: time.Minute, Limit: runs + 1})
	require.NoError(t, err)
	receipt := []byte(`{"provider_id":"0123456789abcdef"}`)
	allocs := testing.AllocsPerRun(runs, func() {
		e := claimed[0]
		claimed = claimed[1:]
		if err := s.AckOutbox(ctx, &store.AckParams{Tenant: "t", ID: e.ID, Attempt: e.Attempts, Status: store.OutboxDelivered, Receipt: receipt, Now: t0}); err != nil {
			t.Fatal(err)
		}
	})
	require.Less(t, allocs, 0.5, "allocations of a final ack")
	receipt[2] = 'X' // the caller's buffer, reused
	again, err := s.Enqueue(ctx, &store.EnqueueParams{Tenant: "t", Entries: entries[:1], Now: t0})
	require.NoError(t, err)
	require.Equal(t, store.OutboxDelivered, again[0].Status)
	require.Equal(t, `{"provider_id":"0123456789abcdef"}`, string(again[0].Receipt))
}

// TestEventLogGrowsWithoutCopies: a long log's index of Seqs grows by
// whole chunks, not by copying it into ever larger rooms, and the list of
// blocks to compress is reused: 200,000 events' appends allocate little
// more than the index's 4 bytes an event.
func TestEventLogGrowsWithoutCopies(t *testing.T) {
	var l eventLog
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const events = 200_000
	var bytes uint64
	for seq := int64(1); seq <= events; {
		bytes += allocated(func() {
			for range 100 {
				l.append(&store.Event{Seq: seq, Account: "a", Type: "visit", Time: t0})
				seq++
			}
		})
		if len(l.pending) > 0 {
			l.install(compressAll(l.takePending()))
		}
	}
	require.Less(t, bytes, uint64(events*5), "bytes allocated by appending %d events", events)
	// The index reads back across its chunks.
	for _, seq := range []int64{0, events + 1} {
		_, ok := l.owner(seq)
		require.False(t, ok, "owner of %d", seq)
	}
	for seq := int64(1); seq <= events; seq++ {
		if idx, ok := l.owner(seq); !ok || idx != 0 {
			t.Fatalf("owner of %d: %d, %v", seq, idx, ok)
		}
	}
	got := l.all(seqChunk-2, 5)
	require.Len(t, got, 5)
	for i, e := range got {
		require.Equal(t, int64(seqChunk-1+i), e.Seq)
	}
}

// TestTailRoomsKeptThroughBursts: tails grow in bursts (a pass over many
// accounts takes many of them past a step at once): the rooms 30 tails
// leave growing are all kept for the next 30 new ones.
func TestTailRoomsKeptThroughBursts(t *testing.T) {
	const burst = 30
	// Room for the accounts and the index, not counted below.
	l := eventLog{ids: make(map[b2b.AccountID]int32, 4*burst), logs: make([]*accountLog, 0, 4*burst)}
	l.order.chunks = [][]int32{make([]int32, 0, seqChunk)}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	data := []byte(strings.Repeat("x", 500))
	seq := int64(0)
	add := func(account b2b.AccountID) {
		seq++
		l.append(&store.Event{Seq: seq, Account: account, Type: "visit", Time: t0, Data: data})
	}
	var grown, fresh []b2b.AccountID
	for i := range burst {
		grown = append(grown, b2b.AccountID(fmt.Sprint("a", i)))
		fresh = append(fresh, b2b.AccountID(fmt.Sprint("b", i)))
	}
	for range 5 { // past their first room, of 2 KiB
		for _, a := range grown {
			add(a)
		}
	}
	bytes := allocated(func() {
		for _, a := range fresh {
			add(a)
		}
	})
	require.Less(t, bytes, uint64(burst*(2<<10)/4), "bytes allocated by %d new accounts' first events", burst)
}

// TestDueQueueSortsInPlace: sorting a bucket (items queued out of order,
// as parallel commits queue them) takes the queue's own room for the
// sort, not room made anew at every bucket.
func TestDueQueueSortsInPlace(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var td tenant
	var bytes uint64
	for round := range 20 {
		entries := make([]*store.OutboxEntry, 200)
		for i := range entries {
			// Two accounts' entries interleaved: every item a run.
			entries[i] = &store.OutboxEntry{ID: fmt.Sprintf("m%d-%04d", round, i), Account: b2b.AccountID(fmt.Sprint("a", i%2)), Status: store.OutboxPending,
				CreatedAt: t0, NextAttemptAt: t0.Add(time.Duration(round) * time.Minute)}
		}
		n := allocated(func() {
			for _, e := range entries {
				td.push(e)
			}
			for {
				it, _ := td.due.front()
				if it == nil {
					break
				}
				td.due.pop()
			}
		})
		if round > 0 {
			bytes += n
		}
	}
	require.Less(t, bytes, uint64(19*200*16/4), "bytes allocated by 19 rounds after the first")
}
