package memory

import (
	"cmp"
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
// every step, and the queue to keep no item it no longer holds.
func TestDueQueueOrder(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(seed, 11))
			var q dueQueue
			var model []dueItem
			order := func(a, b dueItem) int { return cmp.Or(a.at.Compare(b.at), compareDue(&a, &b)) }
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
					it := dueItem{at: at, status: store.OutboxPending, e: e}
					q.add(it)
					model = append(model, it)
					continue
				}
				first := slices.MinFunc(model, order)
				got := q.front()
				require.NotNil(t, got, "step %d", step)
				require.Equal(t, first.e.ID, got.e.ID, "step %d", step)
				q.pop()
				model = slices.DeleteFunc(model, func(it dueItem) bool { return it.e == first.e })
				require.Equal(t, len(model), q.Len())
				for _, b := range q.buckets {
					// Taken items and the room past the end keep no entry.
					for _, it := range append(b.items[:b.next:b.next], b.items[len(b.items):cap(b.items)]...) {
						require.Nil(t, it.e, "step %d", step)
					}
				}
			}
			for len(model) > 0 {
				first := slices.MinFunc(model, order)
				require.Equal(t, first.e.ID, q.front().e.ID)
				q.pop()
				model = slices.DeleteFunc(model, func(it dueItem) bool { return it.e == first.e })
			}
			require.Nil(t, q.front())
			require.Empty(t, q.buckets, "an empty queue keeps no bucket")
		})
	}
}
