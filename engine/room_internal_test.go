package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// TestRoomDropsReferences: a slice given back to a room keeps nothing of
// what its elements referred to (a pass's events hold personal data), and
// a room hands out empty slices.
func TestRoomDropsReferences(t *testing.T) {
	var r room[store.Event]
	s := r.take()
	require.Empty(t, *s)
	*s = append(*s, store.Event{Type: "a", Data: []byte(`{"email":"ann@acme.com"}`)}, store.Event{Type: "b"})
	*s = (*s)[:1] // shortened on the way: the second element is still in the room
	backing := (*s)[:2]
	r.put(s)
	require.Empty(t, *s)
	require.Equal(t, []store.Event{{}, {}}, backing, "the room holds no element's data")

	big := r.take()
	*big = make([]store.Event, 0, 2048)
	r.put(big) // not kept, but harmless
	require.Empty(t, *r.take())
}

// TestResultsDropReferences: a journey result given back keeps nothing of
// the step it held (messages to persons, decisions about them).
func TestResultsDropReferences(t *testing.T) {
	var r results
	res := r.take()
	res.Outbox = append(res.Outbox, journey.OutboxEntry{Key: "k", Person: "p-ann", Role: "Champion"})
	res.Trace = append(res.Trace, journey.Decision{Person: "p-ann", Reason: "sent"})
	res.Ended = append(res.Ended, journey.Ended{Journey: "j", Reason: "completed"})
	res.Idle = true
	outbox, trace, ended := res.Outbox, res.Trace, res.Ended
	r.put(res)
	require.Equal(t, journey.Result{Outbox: outbox[:0], Trace: trace[:0], Ended: ended[:0]}, *res)
	require.Equal(t, []journey.OutboxEntry{{}}, outbox, "the room holds no entry's data")
	require.Equal(t, []journey.Decision{{}}, trace)
	require.Equal(t, []journey.Ended{{}}, ended)

	big := r.take()
	big.Trace = make([]journey.Decision, 1, 2048)
	big.Trace[0].Reason = "kept?"
	r.put(big) // not kept
	require.Equal(t, "kept?", big.Trace[0].Reason, "a result too large to keep is left as it is")
}
