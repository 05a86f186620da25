package memory

import (
	"cmp"
	"container/heap"
	"time"

	"github.com/quorumhq/quorum/store"
)

// dueQueue orders a tenant's live outbox entries by when they can next be
// claimed (a pending entry's next attempt, a claimed entry's lease end),
// then by creation, account and ID (the entries one commit queued come
// together), so that a claim takes the due entries from the front instead
// of scanning and sorting every live entry: a backlog of many entries
// costs a claim O(limit log n), not O(n log n).
//
// Entries change while queued (claimed, acknowledged, erased), so the
// queue is lazy: each change pushes a new item, and an item that no longer
// describes its entry's state is dropped when it reaches the front.
type dueQueue []dueItem

// A dueItem is an entry and the state it was in when pushed: when it was
// due and its status. What orders entries due together (creation,
// account, ID) never changes, so it is read from the entry.
type dueItem struct {
	at     time.Time
	status store.OutboxStatus
	e      *store.OutboxEntry
}

func (q dueQueue) Len() int { return len(q) }
func (q dueQueue) Less(i, j int) bool {
	a, b := &q[i], &q[j]
	if c := a.at.Compare(b.at); c != 0 {
		return c < 0
	}
	return cmp.Or(a.e.CreatedAt.Compare(b.e.CreatedAt), cmp.Compare(a.e.Account, b.e.Account), cmp.Compare(a.e.ID, b.e.ID)) < 0
}
func (q dueQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)   { *q = append(*q, x.(dueItem)) }
func (q *dueQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	old[len(old)-1] = dueItem{}
	*q = old[:len(old)-1]
	return it
}

// push queues a live entry in its current state; callers hold logMu.
func (td *tenant) push(e *store.OutboxEntry) {
	heap.Push(&td.due, dueItem{at: dueTime(e), status: e.Status, e: e})
}

// current reports whether a queued item still describes its entry: the
// entry is still stored (not erased), and neither claimed, rescheduled nor
// acknowledged since the item was pushed.
func (td *tenant) current(it *dueItem) bool {
	return it.e.Status == it.status && dueTime(it.e).Equal(it.at) && td.outbox[it.e.ID] == it.e
}

// claimDue claims up to limit entries due at now, in due order; callers
// hold logMu.
func (td *tenant) claimDue(now time.Time, lease time.Duration, limit int) []*store.OutboxEntry {
	var out []*store.OutboxEntry
	for len(out) < limit && len(td.due) > 0 {
		it := &td.due[0]
		if !td.current(it) {
			heap.Pop(&td.due)
			continue
		}
		if !claimable(it.e, now) {
			break // the front is not due, so nothing behind it is
		}
		e := it.e
		heap.Pop(&td.due)
		e.Status = store.OutboxClaimed
		e.Attempts++
		e.ClaimedUntil = now.Add(lease)
		e.UpdatedAt = now
		td.push(e) // claimable again when the lease ends
		out = append(out, e)
	}
	return out
}
