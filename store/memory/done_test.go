package memory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestDoneEntries keeps final entries under hashes that collide (all of
// them, then half of them, as well as a real hash) and checks that each
// is found by its ID, whole (its key too when it is the ID, which is not
// kept twice), and not by another's; that erasure removes a
// person's; and that an erased ID can be kept again.
func TestDoneEntries(t *testing.T) {
	for name, hash := range map[string]func(string) uint64{
		"all collide":  func(string) uint64 { return 7 },
		"two buckets":  func(id string) uint64 { return uint64(len(id) % 2) },
		"maphash-like": func(id string) uint64 { return uint64(len(id))<<32 | uint64(id[len(id)-1]) },
	} {
		t.Run(name, func(t *testing.T) {
			d := doneEntries{hash: hash}
			t0 := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("X", -5*3600))
			entry := func(i int) store.OutboxEntry {
				e := store.OutboxEntry{ID: fmt.Sprint("m", i), Seq: int64(1000 + 7*i), Account: b2b.AccountID(fmt.Sprint("acc-", i%3)), Person: b2b.PersonID(fmt.Sprint("p", i%4)),
					IdempotencyKey: fmt.Sprint("k", i), Channel: "email", Status: store.OutboxDelivered, Attempts: 1 + i%3,
					NextAttemptAt: t0.Add(time.Duration(i) * time.Minute), CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(i) * time.Hour)}
				if i%5 == 0 {
					e.IdempotencyKey = e.ID // as the engine's keys are
				}
				switch i % 3 {
				case 0:
					e.Receipt = fmt.Appendf(nil, `{"providerId":"x-%d"}`, i)
				case 1:
					e.Status, e.LastError = store.OutboxFailed, "550 no such user"
				case 2:
					e.Account, e.Status = "", store.OutboxSuppressed // enqueued outside a commit
				}
				return e
			}
			const n = 300 // enough to seal blocks
			for i := range n {
				e := entry(i)
				d.add(&e)
			}
			d.log.install(compressAll(d.log.takePending()))
			same := func(want, got store.OutboxEntry) {
				t.Helper()
				for _, pair := range [][2]*time.Time{{&want.CreatedAt, &got.CreatedAt}, {&want.UpdatedAt, &got.UpdatedAt}, {&want.NextAttemptAt, &got.NextAttemptAt}} {
					require.True(t, pair[0].Equal(*pair[1]), "%s: %v, not %v", want.ID, *pair[1], *pair[0])
					*pair[0], *pair[1] = time.Time{}, time.Time{}
				}
				require.Equal(t, want, got)
			}
			for i := range n {
				got, ok := d.get(fmt.Sprint("m", i))
				require.True(t, ok, "m%d", i)
				same(entry(i), got)
			}
			_, ok := d.get("m-unknown")
			require.False(t, ok)

			erased := 0
			for i := range n {
				if e := entry(i); e.Person == "p1" && e.Account == "acc-1" {
					erased++
				}
			}
			require.Equal(t, erased, d.erase("acc-1", "p1"))
			for i := range n {
				e := entry(i)
				_, ok := d.get(e.ID)
				require.Equal(t, !(e.Person == "p1" && e.Account == "acc-1"), ok, e.ID)
			}
			// An erased ID is unknown: it can be kept again.
			e := entry(13) // acc-1, p1: erased
			require.Equal(t, store.OutboxEntry{Account: "acc-1", Person: "p1"}, store.OutboxEntry{Account: e.Account, Person: e.Person})
			e.LastError, e.Seq = "kept again", 5000 // a new entry of the ID
			d.add(&e)
			got, ok := d.get(e.ID)
			require.True(t, ok)
			same(e, got)
		})
	}
}

// TestDoneKeyIsTheID: a final entry whose idempotency key is its ID (as
// the engine queues them) keeps it once: its encoding is shorter by the
// key than one with another key of that length, and decodes whole.
func TestDoneKeyIsTheID(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := store.OutboxEntry{ID: "journey/welcome/p1", Seq: 42, Account: "acme", Person: "p1", IdempotencyKey: "journey/welcome/p1", Channel: "email",
		Status: store.OutboxDelivered, Attempts: 1, NextAttemptAt: t0, CreatedAt: t0, UpdatedAt: t0}
	other := e
	other.IdempotencyKey = "journey/welcome/p2"
	require.Equal(t, len(appendDone(nil, &other))-len(e.ID), len(appendDone(nil, &e)))
	got := decodeDone(&store.Event{Account: e.Account, Person: e.Person, Type: string(e.Status), Time: e.UpdatedAt, Data: appendDone(nil, &e)})
	require.Equal(t, e, got)
}
