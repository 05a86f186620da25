package memory

import (
	"cmp"
	"container/heap"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// dueQueue orders a tenant's live outbox entries by when they can next be
// claimed (a pending entry's next attempt, a claimed entry's lease end),
// then by creation, account and ID (the entries one commit queued come
// together), so that a claim takes the due entries from the front instead
// of scanning and sorting every live entry.
//
// Entries come due together: those a commit queues are due at the
// commit's time, those a claim takes come back, unless acknowledged, when
// its lease ends. So the queue keeps a bucket of items for each due time,
// and a heap of those times: a push appends to its time's bucket, and the
// front bucket is sorted once, when a claim first reaches it, then taken
// in order. Pushing and taking cost O(1) but for the heap of distinct
// times and that sort, instead of O(log n) comparisons each, every one of
// them reading two entries, out of a heap of every item. (A time only one
// entry is due at, as a retry's own backoff gives, costs a bucket of its
// own: more than an item of one heap, still O(log n) to find.)
//
// Entries change while queued (claimed, acknowledged, erased), so the
// queue is lazy: each change pushes a new item, and an item that no longer
// describes its entry's state is dropped when it reaches the front.
type dueQueue struct {
	times   dueTimes // the due times that have a bucket, earliest first
	buckets map[dueKey]*dueBucket
	n       int // items queued
	// spare holds the rooms of buckets emptied (up to maxSpare of them,
	// of up to maxSpareItems items each), for the next new buckets: the
	// entries of a pass come due together, their leases end together,
	// and the buckets of those times are emptied as they are claimed or
	// dropped.
	spare  [][]dueItem
	sorter dueSort
}

const (
	maxSpare      = 4
	maxSpareItems = 1 << 16
)

// dueKey is a due time as a map key: times that are Equal have the same
// key, whatever their location.
type dueKey struct {
	sec  int64
	nsec int32
}

func keyOf(t time.Time) dueKey { return dueKey{t.Unix(), int32(t.Nanosecond())} }

func (k dueKey) compare(o dueKey) int {
	return cmp.Or(cmp.Compare(k.sec, o.sec), cmp.Compare(k.nsec, o.nsec))
}

// A dueBucket holds the items due at one time; items[:next] have been
// taken. When sorted, items[next:] are in claim order.
type dueBucket struct {
	items  []dueItem
	next   int
	sorted bool
}

// A dueItem is an entry and the state it was in when pushed: whether it
// was claimed (a live entry is pending otherwise), and when it was due,
// which its bucket's time says. What orders entries due together
// (creation, account, ID) never changes, so it is read from the entry.
type dueItem struct {
	e       *store.OutboxEntry
	claimed bool
}

// compareDue orders items due at one time.
func compareDue(a, b *dueItem) int {
	return cmp.Or(a.e.CreatedAt.Compare(b.e.CreatedAt), cmp.Compare(a.e.Account, b.e.Account), cmp.Compare(a.e.ID, b.e.ID))
}

// sortDue sorts items due at one time into claim order (compareDue).
// They come as commits queued them: the entries of one commit (one
// creation time, one account) together and in ID order (Commit sorts
// them), the commits of parallel passes interleaved. So it sorts those
// runs by their creation and account rather than the items themselves,
// and merges by ID only the runs of one account created at one instant
// (two commits at one time).
// A comparison of two items reads two entries spread over the heap, a
// cache miss each; a bucket can hold every message of a large batch
// (a million), and a run holds several of them.
func sortDue(items []dueItem) {
	new(dueSort).sort(items)
}

// dueSort is the room sortDue works in, which a queue keeps for its next
// sorts (up to maxSpareItems items).
type dueSort struct {
	runs []dueRun
	out  []dueItem
}

// A dueRun is items[start:end] of a bucket: entries of one account
// created at one time, in ID order.
type dueRun struct {
	created    time.Time
	account    b2b.AccountID
	start, end int
}

// sort is sortDue, in the room of s.
func (s *dueSort) sort(items []dueItem) {
	runs := s.runs[:0]
	defer func() {
		// Keep nothing of the entries sorted.
		clear(runs)
		s.runs = nil
		if cap(runs) <= maxSpareItems {
			s.runs = runs[:0]
		}
	}()
	type run = dueRun
	for i := 0; i < len(items); {
		e := items[i].e
		j := i + 1
		for j < len(items) && items[j].e.Account == e.Account && items[j].e.CreatedAt.Compare(e.CreatedAt) == 0 && items[j-1].e.ID < items[j].e.ID {
			j++
		}
		runs = append(runs, run{created: e.CreatedAt, account: e.Account, start: i, end: j})
		i = j
	}
	if len(runs) < 2 {
		return
	}
	together := func(a, b *run) int { return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.account, b.account)) }
	slices.SortFunc(runs, func(a, b run) int { return together(&a, &b) })
	out := s.out[:0]
	if cap(out) < len(items) {
		out = make([]dueItem, 0, len(items))
	}
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && together(&runs[i], &runs[j]) == 0 {
			j++
		}
		from := len(out)
		if j-i > 8 { // many commits of one account at one time: sorted as items
			for _, r := range runs[i:j] {
				out = append(out, items[r.start:r.end]...)
			}
			slices.SortFunc(out[from:], func(x, y dueItem) int { return compareDue(&x, &y) })
		} else {
			out = append(out, items[runs[i].start:runs[i].end]...)
			for _, r := range runs[i+1 : j] {
				out = mergeByID(out, from, items[r.start:r.end])
			}
		}
		i = j
	}
	copy(items, out)
	clear(out)
	s.out = nil
	if cap(out) <= maxSpareItems {
		s.out = out[:0]
	}
}

// mergeByID merges run, in ID order, into out[from:], in ID order too.
func mergeByID(out []dueItem, from int, run []dueItem) []dueItem {
	n := len(out)
	out = append(out, run...) // room; the merge fills it from the end
	a, b, k := n-1, len(run)-1, len(out)-1
	for b >= 0 {
		if a >= from && out[a].e.ID > run[b].e.ID {
			out[k] = out[a]
			a--
		} else {
			out[k] = run[b]
			b--
		}
		k--
	}
	return out
}

// dueTimes is a min-heap of due times.
type dueTimes []dueKey

func (h dueTimes) Len() int           { return len(h) }
func (h dueTimes) Less(i, j int) bool { return h[i].compare(h[j]) < 0 }
func (h dueTimes) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueTimes) Push(x any)        { *h = append(*h, x.(dueKey)) }
func (h *dueTimes) Pop() any {
	old := *h
	k := old[len(old)-1]
	*h = old[:len(old)-1]
	return k
}

// Len is the number of items queued, current or not.
func (q *dueQueue) Len() int { return q.n }

// add queues an item in the bucket of the time it is due at.
func (q *dueQueue) add(at time.Time, it dueItem) {
	k := keyOf(at)
	b := q.buckets[k]
	if b == nil {
		if q.buckets == nil {
			q.buckets = map[dueKey]*dueBucket{}
		}
		b = &dueBucket{sorted: true}
		if n := len(q.spare); n > 0 {
			b.items, q.spare[n-1] = q.spare[n-1], nil
			q.spare = q.spare[:n-1]
		}
		q.buckets[k] = b
		heap.Push(&q.times, k)
	}
	// Items mostly come in order (a commit's entries are queued in ID
	// order, and commits one after the other): a sorted bucket stays
	// sorted for free when they do.
	if b.sorted && len(b.items) > b.next && compareDue(&b.items[len(b.items)-1], &it) > 0 {
		b.sorted = false
	}
	b.items = append(b.items, it)
	q.n++
}

// front returns the first item and the time it is due at, nil if the
// queue is empty. The item stays valid until the queue changes. (A bucket
// is never empty: pop drops it when it takes its last item.)
func (q *dueQueue) front() (*dueItem, dueKey) {
	if len(q.times) == 0 {
		return nil, dueKey{}
	}
	b := q.buckets[q.times[0]]
	if !b.sorted {
		q.sorter.sort(b.items[b.next:])
		b.sorted = true
	}
	return &b.items[b.next], q.times[0]
}

// pop drops the front item; the queue must not be empty.
func (q *dueQueue) pop() {
	b := q.buckets[q.times[0]]
	b.items[b.next] = dueItem{} // the entry may be erased: keep nothing of it
	b.next++
	q.n--
	if b.next == len(b.items) {
		delete(q.buckets, q.times[0])
		heap.Pop(&q.times)
		// Every item taken was cleared: the room keeps no entry.
		if len(q.spare) < maxSpare && cap(b.items) <= maxSpareItems {
			q.spare = append(q.spare, b.items[:0])
		}
	} else if b.next >= 256 && 2*b.next >= len(b.items) {
		// A bucket still being added to (a clock that does not move)
		// gives back the room of what was taken.
		n := copy(b.items, b.items[b.next:])
		clear(b.items[n:]) // what was moved down: keep no second copy
		b.items, b.next = b.items[:n], 0
	}
}

// push queues a live entry in its current state; callers hold logMu.
func (td *tenant) push(e *store.OutboxEntry) {
	td.due.add(dueTime(e), dueItem{e: e, claimed: e.Status == store.OutboxClaimed})
}

// current reports whether a queued item, due at, still describes its
// entry: the entry is still stored (not erased, nor final: a final entry
// leaves the live ones), and neither claimed, rescheduled nor
// acknowledged since the item was pushed.
func (td *tenant) current(it *dueItem, at dueKey) bool {
	return (it.e.Status == store.OutboxClaimed) == it.claimed && keyOf(dueTime(it.e)) == at && td.outbox[it.e.ID] == it.e
}

// claimDue claims up to limit entries due at now, in due order, and
// appends them to out; callers hold logMu.
func (td *tenant) claimDue(out []*store.OutboxEntry, now time.Time, lease time.Duration, limit int) []*store.OutboxEntry {
	for n := len(out); len(out)-n < limit; {
		it, at := td.due.front()
		if it == nil {
			break
		}
		if !td.current(it, at) {
			td.due.pop()
			continue
		}
		if at.compare(keyOf(now)) > 0 {
			// The front is not due, so nothing behind it is. (Compared
			// as the buckets are ordered, by the clock's reading, not by
			// a monotonic one a time may carry.)
			break
		}
		e := it.e
		td.due.pop()
		e.Status = store.OutboxClaimed
		e.Attempts++
		e.ClaimedUntil = now.Add(lease)
		e.UpdatedAt = now
		td.push(e) // claimable again when the lease ends
		out = append(out, e)
	}
	return out
}
