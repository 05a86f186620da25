package identity

import (
	"strconv"
	"strings"
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

// TestRecIndex checks the key-less index, whose keys are the values the
// records hold, against a Go map, including hash-equal probes through
// deletes and replacements.
func TestRecIndex(t *testing.T) {
	t.Parallel()
	var held []string // record -> the key it holds
	idx := newRecIndex(func(v int32, key string) bool { return held[v] == key })
	want := map[string]int32{}
	for i := range 5000 {
		k := "k" + strconv.Itoa(i%3000)
		held = append(held, k) // record i holds k
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

// TestStrIndexKeys: keys are copied out of the caller's strings, long keys
// are kept aside, and a deleted key's bytes are overwritten.
func TestStrIndexKeys(t *testing.T) {
	t.Parallel()
	idx := newStrIndex()
	buf := []byte("ann@acme.com")
	key := string(buf)
	long := strings.Repeat("x", maxInChunk+1)
	idx.getOrPut(key, 1)
	idx.getOrPut(long, 2)
	ref := idx.slots[idx.hash(key)&uint32(len(idx.slots)-1)].key
	for i := range idx.slots {
		if idx.slots[i].val == 1 {
			ref = idx.slots[i].key
		}
	}
	require.Equal(t, key, string(idx.keys.bytes(ref)))
	v, ok := idx.get(long)
	require.True(t, ok)
	require.Equal(t, int32(2), v)
	require.Equal(t, []string{long}, idx.keys.long)

	idx.delete(key)
	idx.delete(long)
	require.Equal(t, make([]byte, len(key)), idx.keys.bytes(ref), "deleted key wiped")
	require.Equal(t, []string{""}, idx.keys.long)
	_, ok = idx.get(key)
	require.False(t, ok)
	require.Equal(t, 0, idx.len())
}
