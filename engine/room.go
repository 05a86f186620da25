package engine

import (
	"cmp"
	"sync"

	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// A room is a pool of the slices passes fill and drop when they end (the
// store copies what it keeps, see store.Store.Commit): a pass logs a few
// dozen events (growing a new list for each pass was 4% of the bytes the
// whole chain allocated), queues a few messages, about 250 bytes each,
// and hands its journeys an event for each activity (4.6%). A slice
// comes back wiped: its elements held persons' data, which an erasure
// could not find in a pool.
type room[T any] struct {
	pool sync.Pool
	// max is the largest capacity kept (0: 1024): a rare large pass's
	// room is left to the collector.
	max int
}

var (
	eventRoom        room[store.Event]
	outboxRoom       room[store.OutboxEntry]
	journeyEventRoom room[journey.Event]
	// dataRoom holds the buffers passes write their journey decisions'
	// encodings into (pass.data), where each decision's event took an
	// allocation of its own: 2.5% of the bytes and 2% of the objects the
	// whole chain allocated.
	dataRoom = room[byte]{max: 64 << 10}
)

// take returns a holder of an empty slice, with the room of one put back
// before when there is one.
func (r *room[T]) take() *[]T {
	if s, ok := r.pool.Get().(*[]T); ok {
		return s
	}
	return new([]T)
}

// put gives the room of the slice s holds back, wiped; it must not be
// used again, nor anything that points into it.
func (r *room[T]) put(s *[]T) {
	if cap(*s) > cmp.Or(r.max, 1024) {
		return
	}
	*s = (*s)[:0]
	clear((*s)[:cap(*s)]) // drop the elements' data
	r.pool.Put(s)
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
