package identity

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStrIndex checks the hash table against a Go map through inserts,
// lookups and deletes, including deletes inside probe runs.
func TestStrIndex(t *testing.T) {
	t.Parallel()
	idx := newStrIndex()
	want := map[string]int32{}
	for i := range 5000 {
		k := "k" + strconv.Itoa(i%3000)
		switch i % 5 {
		case 0, 1, 2:
			v, found := idx.getOrPut(k, int32(i))
			wv, wfound := want[k]
			require.Equal(t, wfound, found, k)
			if found {
				require.Equal(t, wv, v, k)
			} else {
				want[k] = int32(i)
			}
		case 3:
			idx.delete(k)
			delete(want, k)
		case 4:
			idx.put(k, int32(i))
			want[k] = int32(i)
		}
		require.Equal(t, len(want), idx.len())
	}
	for i := range 3000 {
		k := "k" + strconv.Itoa(i)
		v, ok := idx.get(k)
		wv, wok := want[k]
		require.Equal(t, wok, ok, k)
		require.Equal(t, wv, v, k)
	}
}
