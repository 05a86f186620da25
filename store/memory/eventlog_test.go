package memory

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestEventLogChunks checks searching, walking and deleting across chunk
// boundaries, with gaps in the Seqs as erasure leaves them.
func TestEventLogChunks(t *testing.T) {
	var l eventLog
	const n = 3*chunkSize + 17
	for i := range n {
		l.append(&store.Event{Seq: int64(2 * (i + 1)), Person: map[bool]b2b.PersonID{true: "odd"}[i%2 == 1], Time: time.Unix(int64(i), 0).UTC(),
			Type: "t", Data: []byte(fmt.Sprint(i))}) // Seqs 2, 4, 6, ...
	}
	walk := func(from int64) []int64 {
		var out []int64
		for at, _ := l.search(from); !l.end(at); at = l.next(at) {
			e := l.at(at)
			require.Equal(t, fmt.Sprint(e.Seq/2-1), string(e.Data), "the data round trips")
			require.True(t, e.Time.Equal(time.Unix(e.Seq/2-1, 0)), "the time round trips")
			out = append(out, e.Seq)
		}
		return out
	}
	for _, tc := range []struct {
		seq   int64
		found bool
		first int64
	}{
		{0, false, 2}, {2, true, 2}, {3, false, 4},
		{2 * chunkSize, true, 2 * chunkSize}, {2*chunkSize + 1, false, 2*chunkSize + 2},
		{2 * n, true, 2 * n},
	} {
		at, found := l.search(tc.seq)
		require.Equal(t, tc.found, found, "seq %d", tc.seq)
		require.Equal(t, tc.first, l.at(at).Seq, "seq %d", tc.seq)
	}
	_, found := l.search(2*n + 1)
	require.False(t, found)
	require.Empty(t, walk(2*n+1))
	require.Len(t, walk(0), n)
	require.Equal(t, []int64{2*n - 2, 2 * n}, walk(2*n-3))

	seqsOf := func(keep func(pos) bool) map[int64]bool {
		out := map[int64]bool{}
		for at := (pos{}); !l.end(at); at = l.next(at) {
			if keep(at) {
				out[l.chunks[at.c].seqs[at.i]] = true
			}
		}
		return out
	}
	removed := l.edit(nil, seqsOf(func(at pos) bool { return l.isPerson(at, "odd") }))
	require.Equal(t, n/2, removed)
	got := walk(0)
	require.Len(t, got, n-n/2)
	for i, seq := range got {
		require.Equal(t, int64(4*i+2), seq, "order kept")
	}
	_, found = l.search(4)
	require.False(t, found, "a deleted event is not found")
	require.Equal(t, 0, l.edit(nil, map[int64]bool{3: true, 4: true}), "Seqs the log does not hold")
	require.Equal(t, len(got), l.edit(nil, seqsOf(func(pos) bool { return true })))
	require.Empty(t, walk(0))
	require.Empty(t, l.chunks, "empty chunks are dropped")
}

// TestEventLogReplaceData checks that replacing events' data and removing
// one, in different chunks, keeps every other event, and that the log
// still grows.
func TestEventLogReplaceData(t *testing.T) {
	var l eventLog
	const n = 2*chunkSize + 5
	for i := range n {
		l.append(&store.Event{Seq: int64(i + 1), Account: "a", Person: b2b.PersonID(fmt.Sprint("p", i%3)), Time: time.Unix(int64(i), 0).UTC(),
			Type: "t", Data: []byte(fmt.Sprint(i))})
	}
	target := int64(chunkSize + 10)
	l.edit(map[int64][]byte{target: []byte("a much longer replacement than the original data"), int64(n): nil}, map[int64]bool{5: true})
	l.append(&store.Event{Seq: int64(n + 1), Account: "a", Time: time.Unix(int64(n), 0).UTC(), Type: "t", Data: []byte("last")})
	i := 0
	for at := (pos{}); !l.end(at); at = l.next(at) {
		e := l.at(at)
		if i == 4 {
			i++ // Seq 5 was removed
		}
		require.Equal(t, int64(i+1), e.Seq)
		switch int64(i + 1) {
		case target:
			require.Equal(t, "a much longer replacement than the original data", string(e.Data))
		case int64(n):
			require.Empty(t, e.Data)
		case int64(n + 1):
			require.Equal(t, "last", string(e.Data))
		default:
			require.Equal(t, fmt.Sprint(i), string(e.Data))
		}
		if i < n {
			require.Equal(t, b2b.PersonID(fmt.Sprint("p", i%3)), e.Person, "seq %d", e.Seq)
			require.True(t, l.isPerson(at, e.Person))
			require.False(t, l.isPerson(at, "someone else"))
		}
		require.True(t, e.Time.Equal(time.Unix(int64(i), 0)))
		i++
	}
	require.Equal(t, n+1, i)
	_, found := l.search(5)
	require.False(t, found)
}
