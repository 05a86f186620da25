package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

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
