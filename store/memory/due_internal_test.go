package memory

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestDueQueueOrder pushes and pops items at random, most of them due at
// one time and pushed out of order (so that buckets are sorted again while
// taken from, and give back their room), and requires the front to be
// the first of the items queued (by due time, creation, account, ID) at
// every step, and the queue to keep no item it no longer holds (nor the
// rooms it keeps for new buckets and for sorting).
func TestDueQueueOrder(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(seed, 11))
			var q dueQueue
			type queued struct {
				at time.Time
				it dueItem
			}
			var model []queued
			order := func(a, b queued) int { return cmp.Or(a.at.Compare(b.at), compareDue(&a.it, &b.it)) }
			for step := range 6000 {
				if rnd.IntN(5) < 3 || len(model) == 0 {
					at := t0
					if rnd.IntN(8) == 0 {
						// Another time, in another location now and then:
						// Equal times share a bucket.
						at = t0.Add(time.Duration(rnd.IntN(3)-1) * time.Minute)
						if rnd.IntN(2) == 0 {
							at = at.In(time.FixedZone("X", 3600))
						}
					}
					e := &store.OutboxEntry{ID: fmt.Sprintf("m%05d", step), Account: b2b.AccountID(fmt.Sprint("a", rnd.IntN(20))),
						CreatedAt: t0.Add(time.Duration(rnd.IntN(3)) * time.Second)}
					it := dueItem{e: e}
					q.add(at, it)
					model = append(model, queued{at, it})
					continue
				}
				first := slices.MinFunc(model, order)
				got, gotAt := q.front()
				require.NotNil(t, got, "step %d", step)
				require.Equal(t, first.it.e.ID, got.e.ID, "step %d", step)
				require.Equal(t, keyOf(first.at), gotAt, "step %d", step)
				q.pop()
				model = slices.DeleteFunc(model, func(m queued) bool { return m.it.e == first.it.e })
				require.Equal(t, len(model), q.Len())
				// Taken items and the room past the end keep no entry.
				// (Checked without require, item by item: at every step
				// it visits every item taken, and the package's tests
				// run with -race.)
				for k, b := range q.buckets {
					for i, it := range b.items[:cap(b.items)] {
						if (i < b.next || i >= len(b.items)) && it.e != nil {
							t.Fatalf("step %d: bucket %v keeps entry %s at %d (taken up to %d, %d items)", step, k, it.e.ID, i, b.next, len(b.items))
						}
					}
				}
				for i, it := range q.sorter.out[:cap(q.sorter.out)] {
					if it.e != nil {
						t.Fatalf("step %d: the sort's room keeps entry %s at %d", step, it.e.ID, i)
					}
				}
				for _, room := range q.spare {
					for i, it := range room[:cap(room)] {
						if it.e != nil {
							t.Fatalf("step %d: a spare room keeps entry %s at %d", step, it.e.ID, i)
						}
					}
				}
			}
			for len(model) > 0 {
				first := slices.MinFunc(model, order)
				got, _ := q.front()
				require.Equal(t, first.it.e.ID, got.e.ID)
				q.pop()
				model = slices.DeleteFunc(model, func(m queued) bool { return m.it.e == first.it.e })
			}
			got, _ := q.front()
			require.Nil(t, got)
			require.Empty(t, q.buckets, "an empty queue keeps no bucket")
		})
	}
}

// dueBucketItems makes the items of a bucket as commits queue them:
// commits of 1-16 entries (one account and creation time, in ID order),
// two or more of them for some accounts at one time, each commit's
// entries together (a commit holds the tenant's lock). With interleaved,
// the commits of two workers are interleaved item by item instead; with
// unsorted, some commits' entries are out of ID order: neither is what a
// store does, but a sort must not depend on it.
func dueBucketItems(rnd *rand.Rand, commits, accounts int, interleaved, unsorted bool) []dueItem {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var queues [2][]dueItem
	for c := range commits {
		created := t0.Add(time.Duration(rnd.IntN(3)) * time.Second)
		if rnd.IntN(4) == 0 {
			created = created.In(time.FixedZone("X", 3600)) // an Equal time elsewhere
		}
		acc := b2b.AccountID(fmt.Sprintf("acc-%06d", rnd.IntN(accounts)))
		n := 1 + rnd.IntN(16)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("%016x-%d", rnd.Uint64(), c)
		}
		if !unsorted || rnd.IntN(5) > 0 {
			slices.Sort(ids)
		}
		w := rnd.IntN(2)
		if !interleaved {
			w = 0
		}
		for _, id := range ids {
			queues[w] = append(queues[w], dueItem{e: &store.OutboxEntry{ID: id, Account: acc, CreatedAt: created}})
		}
	}
	var items []dueItem
	for len(queues[0])+len(queues[1]) > 0 {
		w := rnd.IntN(2)
		if len(queues[w]) == 0 {
			w = 1 - w
		}
		items = append(items, queues[w][0])
		queues[w] = queues[w][1:]
	}
	return items
}

// TestSortDue: sorting a bucket by its commits' runs gives the order of
// sorting its items, whatever the runs.
func TestSortDue(t *testing.T) {
	t.Parallel()
	ids := func(items []dueItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.e.ID)
		}
		return out
	}
	for seed := range uint64(16) {
		rnd := rand.New(rand.NewPCG(seed, 5))
		items := dueBucketItems(rnd, 1+int(seed)*40, 1+int(seed)*3, seed%2 == 1, seed%4 >= 2)
		want := slices.Clone(items)
		slices.SortFunc(want, func(x, y dueItem) int { return compareDue(&x, &y) })
		sortDue(items)
		require.Equal(t, ids(want), ids(items), "seed %d", seed)
	}
	sortDue(nil)
}

// BenchmarkSortDue sorts a bucket of 100,000 commits' messages (about
// 850,000) to 50,000 accounts, queued as a large batch queues them:
// "runs" as the queue does (sortDue), "items" sorting the items, the
// alternative sortDue avoids, for comparison.
func BenchmarkSortDue(b *testing.B) {
	items := dueBucketItems(rand.New(rand.NewPCG(1, 2)), 100_000, 50_000, false, false)
	work := make([]dueItem, len(items))
	b.Run("runs", func(b *testing.B) {
		for b.Loop() {
			copy(work, items)
			sortDue(work)
		}
	})
	b.Run("items", func(b *testing.B) {
		for b.Loop() {
			copy(work, items)
			slices.SortFunc(work, func(x, y dueItem) int { return compareDue(&x, &y) })
		}
	})
}

// TestCommitQueuesInIDOrder: a commit's entries, given in any order, are
// queued in ID order, so that the bucket of its due time stays sorted
// (one run) and they are claimed in ID order.
func TestCommitQueuesInIDOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []store.OutboxEntry
	for _, id := range []string{"m3", "m1", "m4", "m2"} {
		out = append(out, store.OutboxEntry{ID: id, IdempotencyKey: id, Channel: "email", Payload: []byte(`{}`)})
	}
	_, err := s.Commit(ctx, &store.CommitParams{Tenant: "t", Account: "a", State: []byte(`{}`), Now: t0, Outbox: out})
	require.NoError(t, err)
	td := s.tenant("t", false)
	var queued []string
	td.due.each(func(it *dueItem) { queued = append(queued, it.e.ID) })
	require.Equal(t, []string{"m1", "m2", "m3", "m4"}, queued)
	for _, b := range td.due.buckets {
		require.True(t, b.sorted)
	}
	got, err := s.ClaimOutbox(ctx, &store.ClaimParams{Tenant: "t", Now: t0, Lease: time.Minute, Limit: 10})
	require.NoError(t, err)
	var claimed []string
	for _, e := range got {
		claimed = append(claimed, e.ID)
	}
	require.Equal(t, []string{"m1", "m2", "m3", "m4"}, claimed)
}
