package engine

import (
	"encoding/json"
	"testing"
	"time"

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

// TestDataRoomWipes: a pass's buffer of decision encodings given back
// holds none of them (they name persons), also past a shortened length,
// and the room hands out empty buffers.
func TestDataRoomWipes(t *testing.T) {
	r := room[byte]{max: 64 << 10}
	b := r.take()
	require.Empty(t, *b)
	*b = append(*b, `{"person":"p-ann","reason":"email \"welcome\""}`...)
	whole := (*b)[:len(*b)]
	*b = (*b)[:3]
	r.put(b)
	require.Empty(t, *b)
	require.Equal(t, make([]byte, len(whole)), whole, "the room holds no encoding")

	big := r.take()
	*big = make([]byte, 0, r.max+1)
	r.put(big) // not kept, but harmless
	require.Empty(t, *r.take())
}

// TestAppendDecisionKeepsEarlierOnes: the encodings a pass writes one
// after the other into its buffer stay as written, whether the buffer
// grows or not, and one HTML's characters make escaped is not kept in it.
func TestAppendDecisionKeepsEarlierOnes(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	decisions := []journey.Decision{
		{At: at, Kind: journey.DecisionSend, Journey: "j", Node: "n", Person: "p-1", Reason: `email "welcome"`, Key: "k1"},
		{At: at, Kind: journey.DecisionPath, Rule: "r", Expr: `score > 3`, Reason: "a <b> & c"},
		{At: at, Kind: journey.DecisionSend, Journey: "j", Node: "n", Person: "p-2", Reason: `email "follow-up"`, Key: "k2"},
	}
	for _, room := range []int{0, 64, 4096} {
		buf := make([]byte, 0, room)
		var raws [][]byte
		for i := range decisions {
			var raw []byte
			var err error
			buf, raw, err = appendDecision(buf, &decisions[i])
			require.NoError(t, err)
			raws = append(raws, raw)
		}
		for i, d := range decisions {
			want, err := json.Marshal(d)
			require.NoError(t, err)
			require.Equal(t, string(want), string(raws[i]), "room %d, decision %d", room, i)
			require.Equal(t, len(raws[i]), cap(raws[i]), "room %d, decision %d: appending to it would write over the next", room, i)
		}
		require.Equal(t, string(raws[0])+string(raws[2]), string(buf), "room %d: the buffer holds the unescaped ones", room)
	}
}
