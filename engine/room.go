package engine

import (
	"sync"

	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// A room is a pool of the slices passes fill and drop when they end (the
// store copies what it keeps, see store.Store.Commit): a pass logs a few
// dozen events (growing a new list for each pass was 4% of the bytes the
// whole chain allocated), queues a few messages, about 250 bytes each,
// and hands its journeys an event for each activity (4.6%).
type room[T any] struct{ pool sync.Pool }

var (
	eventRoom        room[store.Event]
	outboxRoom       room[store.OutboxEntry]
	journeyEventRoom room[journey.Event]
)

// take returns a holder of an empty slice, with the room of one put back
// before when there is one.
func (r *room[T]) take() *[]T {
	if s, ok := r.pool.Get().(*[]T); ok {
		return s
	}
	return new([]T)
}

// put gives the room of the slice s holds back; it must not be used again.
func (r *room[T]) put(s *[]T) {
	if cap(*s) > 1024 {
		return // a rare large pass's room is not kept
	}
	*s = (*s)[:0]
	clear((*s)[:cap(*s)]) // drop the references to the elements' data
	r.pool.Put(s)
}

// dataRoom is a pool of the buffers passes write their journey
// decisions' encodings into (pass.data), where each decision's event
// took an allocation of its own: 2.5% of the bytes and 2% of the objects
// the whole chain allocated. A buffer is wiped when it comes back: it
// held persons' data, which an erasure could not find in a pool.
var dataRoom bytesRoom

type bytesRoom struct{ pool sync.Pool }

// maxDataRoom is the largest buffer dataRoom keeps: a rare large pass's
// is left to the collector.
const maxDataRoom = 64 << 10

func (r *bytesRoom) take() *[]byte {
	if b, ok := r.pool.Get().(*[]byte); ok {
		return b
	}
	return new([]byte)
}

// put gives the room of the buffer b holds back, wiped; it must not be
// used again, nor anything that points into it.
func (r *bytesRoom) put(b *[]byte) {
	if cap(*b) > maxDataRoom {
		return
	}
	clear((*b)[:cap(*b)])
	*b = (*b)[:0]
	r.pool.Put(b)
}

// resultRoom is a pool of journey results: a pass steps its account's
// journeys into one (journey.Catalog.StepInto), which holds the step's
// outbox entries and decisions (about 600 bytes a message), and gives it
// back when it has logged and queued them.
var resultRoom results

type results struct{ pool sync.Pool }

func (r *results) take() *journey.Result {
	if res, ok := r.pool.Get().(*journey.Result); ok {
		return res
	}
	return new(journey.Result)
}

// put gives res back, emptied and its room cleared (journey.Result.Reset);
// it must not be used again.
func (r *results) put(res *journey.Result) {
	if cap(res.Outbox) > 1024 || cap(res.Trace) > 1024 || cap(res.Ended) > 1024 {
		return // a rare large step's room is not kept
	}
	res.Reset()
	r.pool.Put(res)
}
