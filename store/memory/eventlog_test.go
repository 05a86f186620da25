package memory

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestEventLogAgainstAModel appends events of several accounts (the
// account-less "" among them) with data of every size, so that blocks
// are sealed at different points, redacts and erases some, and after each
// step checks every read against a plain list of the events.
func TestEventLogAgainstAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	accounts := []b2b.AccountID{"a", "b", "c", ""}
	persons := []b2b.PersonID{"", "p1", "p2", "p3"}
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("odd", 5430)} // 1h30m30s is not a whole minute
	var l eventLog
	var model []store.Event // what the log must hold, in Seq order
	var seq int64
	data := func() []byte {
		switch rng.IntN(10) {
		case 0:
			return nil
		case 1:
			return []byte(strings.Repeat("x", blockBytes+rng.IntN(100))) // alone larger than a block
		}
		return fmt.Appendf(nil, `{"n":%d,"pad":%q}`, rng.IntN(1000), strings.Repeat("ab", rng.IntN(300)))
	}
	check := func(step string) {
		t.Helper()
		want := func(acc *b2b.AccountID, after int64, limit int) []store.Event {
			var out []store.Event
			for _, e := range model {
				if (acc == nil || e.Account == *acc) && e.Seq > after && len(out) < limit {
					out = append(out, e)
				}
			}
			return out
		}
		// Times compare as instants (MarshalBinary keeps the offset, not
		// the zone's name).
		opt := cmp.Options{cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }), cmp.Comparer(bytes.Equal)}
		for _, after := range []int64{math.MinInt64, -1, 0, 1, seq / 3, seq / 2, seq - 1, seq, seq + 5, math.MaxInt64} {
			for _, limit := range []int{1, 7, 1 << 30} {
				for _, acc := range accounts {
					if diff := cmp.Diff(want(&acc, after, limit), l.account(acc, after, limit), opt); diff != "" {
						t.Fatalf("%s: account %q after %d limit %d (-want +got):\n%s", step, acc, after, limit, diff)
					}
				}
				if diff := cmp.Diff(want(nil, after, limit), l.all(after, limit), opt); diff != "" {
					t.Fatalf("%s: all after %d limit %d (-want +got):\n%s", step, after, limit, diff)
				}
			}
		}
		held := map[int64]b2b.AccountID{}
		for _, e := range model {
			held[e.Seq] = e.Account
		}
		for s := int64(0); s <= seq+1; s++ {
			idx, ok := l.owner(s)
			acc, want := held[s]
			require.Equal(t, want, ok, "%s: owner of %d", step, s)
			if ok {
				require.Equal(t, acc, l.logs[idx].id, "%s: owner of %d", step, s)
			}
		}
	}
	appendEvents := func(n int) {
		for range n {
			seq++
			e := store.Event{Seq: seq, Account: accounts[rng.IntN(len(accounts))], Person: persons[rng.IntN(len(persons))],
				Time: time.Unix(rng.Int64N(1e9), rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))]), Type: fmt.Sprint("type.", rng.IntN(5)), Data: data()}
			l.append(&e)
			if len(e.Data) == 0 {
				e.Data = nil
			}
			model = append(model, e)
		}
	}
	for round := range 6 {
		appendEvents(150)
		// Blocks are compressed after a commit, outside the lock: other
		// commits append meanwhile (their tails taking the rooms of
		// blocks compressed before), and in odd rounds, the edits below
		// rewrite some of the blocks (and queue the blocks they rewrote).
		pending := l.takePending()
		appendEvents(100)
		check(fmt.Sprintf("round %d appended while compressing", round))
		if round%2 == 0 {
			l.install(compressAll(pending))
			pending = nil
		}
		check(fmt.Sprintf("round %d appended", round))

		// Redact some events of one account (and name a Seq of another,
		// which an edit of this account leaves alone).
		acc := accounts[rng.IntN(len(accounts))]
		red := map[int64][]byte{}
		for i := range model {
			switch {
			case model[i].Account == acc && rng.IntN(4) == 0:
				red[model[i].Seq] = []byte(fmt.Sprintf(`{"redacted":%d}`, round))
				model[i].Data = red[model[i].Seq]
			case model[i].Account != acc && rng.IntN(50) == 0:
				red[model[i].Seq] = []byte("not this account's")
			}
		}
		require.Zero(t, l.edit(acc, red, nil))
		check(fmt.Sprintf("round %d redacted %q", round, acc))

		// Erase a person from two accounts.
		p := persons[1+rng.IntN(len(persons)-1)]
		for _, acc := range accounts[round%2 : round%2+2] {
			n := 0
			model = slices.DeleteFunc(model, func(e store.Event) bool {
				if e.Account == acc && e.Person == p {
					n++
					return true
				}
				return false
			})
			require.Equal(t, n, l.edit(acc, nil, func(q []byte) bool { return string(q) == string(p) }))
		}
		l.install(compressAll(pending))
		check(fmt.Sprintf("round %d erased %q", round, p))
		if round%3 == 0 {
			l.install(compressAll(l.takePending())) // the rewritten blocks
			check(fmt.Sprintf("round %d compressed", round))
		}
	}
	l.install(compressAll(l.takePending()))
	require.Zero(t, l.edit("nobody", map[int64][]byte{1: nil}, func([]byte) bool { return true }))
	for _, lg := range l.logs {
		require.NotEmpty(t, lg.blocks, "account %q: every account has sealed blocks", lg.id)
		for _, b := range lg.blocks {
			require.False(t, b.raw, "account %q: block %d..%d is compressed", lg.id, b.first, b.last)
		}
	}
}

// TestEventLogCompresses checks that an account's sealed events take a
// fraction of their encoding, and that erasing every event of an account
// leaves it no block.
func TestEventLogCompresses(t *testing.T) {
	var l eventLog
	raw := 0
	for i := range 2000 {
		e := store.Event{Seq: int64(i + 1), Account: "acc-000001", Person: b2b.PersonID(fmt.Sprintf("marketo:mkto-%07d", i%9)),
			Time: time.Date(2026, 1, 5, 0, 0, i, 0, time.UTC), Type: "journey.send",
			Data: fmt.Appendf(nil, `{"at":"2026-01-05T00:00:%02dZ","kind":"send","journey":"data-platform-acceleration","version":1,"entry":1,"node":"intro","person":"marketo:mkto-%07d","reason":"email \"data-platform-intro\"","key":"%032x"}`, i%60, i%9, rng(i))}
		raw += len(appendEvent(nil, 0, &e))
		l.append(&e)
	}
	l.install(compressAll(l.takePending()))
	lg := l.logs[0]
	kept := len(lg.tail.data)
	for _, b := range lg.blocks {
		kept += len(b.data)
	}
	require.Less(t, kept*3, raw, "kept %d bytes of %d", kept, raw)
	require.Equal(t, 2000, l.edit("acc-000001", nil, func([]byte) bool { return true }))
	require.Empty(t, lg.blocks)
	require.Empty(t, lg.tail.data)
	require.Empty(t, l.all(0, 10))
	l.append(&store.Event{Seq: 2001, Account: "acc-000001", Type: "after"})
	require.Len(t, l.account("acc-000001", 0, 10), 1, "the log grows again")
}

// rng is a fixed pseudo-random number per i, as a message key is.
func rng(i int) uint64 { return rand.New(rand.NewPCG(uint64(i), 7)).Uint64() }

// TestEventLogSeqsInOrder: the store assigns Seqs; one out of order is a
// bug, and the log says so instead of losing the event.
func TestEventLogSeqsInOrder(t *testing.T) {
	var l eventLog
	l.append(&store.Event{Seq: 1, Account: "a"})
	require.PanicsWithValue(t, "memory: event 3 appended after event 1", func() { l.append(&store.Event{Seq: 3, Account: "a"}) })
}

// TestEventLogEditBeforeCompression: an erasure that empties a block
// sealed but not yet compressed leaves the next block's events alone when
// the compressed blocks are put in place.
func TestEventLogEditBeforeCompression(t *testing.T) {
	var l eventLog
	big := []byte(strings.Repeat("y", blockBytes)) // one event a block
	l.append(&store.Event{Seq: 1, Account: "a", Person: "p1", Type: "t", Data: big})
	l.append(&store.Event{Seq: 2, Account: "a", Person: "p2", Type: "t", Data: []byte("kept")})
	l.append(&store.Event{Seq: 3, Account: "a", Person: "p2", Type: "t", Data: big})
	pending := l.takePending()
	require.Len(t, pending, 2)
	require.Equal(t, 1, l.edit("a", nil, func(p []byte) bool { return string(p) == "p1" }))
	l.install(compressAll(pending))
	got := l.account("a", 0, 10)
	require.Len(t, got, 2)
	require.Equal(t, "kept", string(got[0].Data))
	require.Equal(t, big, got[1].Data)
	require.Len(t, l.logs[0].blocks, 1)
	require.False(t, l.logs[0].blocks[0].raw)
}
