package identity

import (
	"hash/maphash"
	"unsafe"
)

// strIndex maps strings to record indexes. It is an open-addressing hash
// table with linear probing, used instead of a Go map for the big indexes
// (record keys, identifiers) because its find-or-insert hashes and probes
// once where a map needs a lookup and an assignment, and because it holds
// no pointers: the slots are plain integers and the keys are copied into
// the index's own byte chunks, so the garbage collector never scans it.
type strIndex struct {
	slots []strSlot // power-of-two length; a slot with val < 0 is empty
	n     int
	keys  keyArena
	seed  maphash.Seed
}

type strSlot struct {
	hash uint32
	val  int32
	key  keyRef
}

func newStrIndex() *strIndex { return &strIndex{seed: maphash.MakeSeed()} }

func (t *strIndex) len() int { return t.n }

func (t *strIndex) hash(key string) uint32 {
	return uint32(maphash.String(t.seed, key))
}

// get returns the value of key.
func (t *strIndex) get(key string) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	h := t.hash(key)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.val < 0 {
			return 0, false
		}
		if s.hash == h && t.keys.equal(s.key, key) {
			return s.val, true
		}
	}
}

// getOrPut returns the value of key if present; otherwise it stores val
// and returns (val, false).
func (t *strIndex) getOrPut(key string, val int32) (int32, bool) {
	v, found, _ := t.getOrPutKey(key, val)
	return v, found
}

// getOrPutKey is getOrPut that also returns where the index holds the key.
func (t *strIndex) getOrPutKey(key string, val int32) (int32, bool, keyRef) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	h := t.hash(key)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.val < 0 {
			*s = strSlot{hash: h, val: val, key: t.keys.add(key)}
			t.n++
			return val, false, s.key
		}
		if s.hash == h && t.keys.equal(s.key, key) {
			return s.val, true, s.key
		}
	}
}

// put stores val under key, replacing any value.
func (t *strIndex) put(key string, val int32) {
	if old, found := t.getOrPut(key, val); found && old != val {
		h := t.hash(key)
		mask := uint32(len(t.slots) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			if s := &t.slots[i]; s.hash == h && t.keys.equal(s.key, key) {
				s.val = val
				return
			}
		}
	}
}

// delete removes key, shifting later entries of its probe run back so that
// no tombstone is left. The key's bytes are overwritten with zeros.
func (t *strIndex) delete(key string) {
	if t.n == 0 {
		return
	}
	h := t.hash(key)
	mask := uint32(len(t.slots) - 1)
	i := h & mask
	for {
		s := &t.slots[i]
		if s.val < 0 {
			return
		}
		if s.hash == h && t.keys.equal(s.key, key) {
			break
		}
		i = (i + 1) & mask
	}
	t.keys.wipe(t.slots[i].key)
	t.n--
	backshift(t.slots, i)
}

func (t *strIndex) grow() { t.slots = regrow(t.slots) }

// probeSlot is what the two open-addressing tables share: a slot with the
// hash of its key and its value, -1 when empty.
type probeSlot interface {
	strSlot | recSlot
}

func slotHash[S probeSlot](s *S) (uint32, int32) {
	switch x := any(s).(type) {
	case *strSlot:
		return x.hash, x.val
	case *recSlot:
		return x.hash, x.val
	}
	panic("unreachable")
}

func emptySlot[S probeSlot]() S {
	var s S
	switch x := any(&s).(type) {
	case *strSlot:
		x.val = -1
	case *recSlot:
		x.val = -1
	}
	return s
}

// backshift empties slot i after a deletion by moving the later entries of
// its probe run back (linear probing), so that no tombstone is left.
func backshift[S probeSlot](slots []S, i uint32) {
	mask := uint32(len(slots) - 1)
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		h, val := slotHash(&slots[j])
		if val < 0 {
			break
		}
		home := h & mask
		// Move slot j into the hole at i unless its home lies in (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			slots[i] = slots[j]
			i = j
		}
	}
	slots[i] = emptySlot[S]()
}

// regrow returns a table of twice the size (16 at least) holding the
// entries of slots.
func regrow[S probeSlot](slots []S) []S {
	n := max(2*len(slots), 16)
	out := make([]S, n)
	empty := emptySlot[S]()
	for i := range out {
		out[i] = empty
	}
	mask := uint32(n - 1)
	for k := range slots {
		h, val := slotHash(&slots[k])
		if val < 0 {
			continue
		}
		i := h & mask
		for {
			if _, v := slotHash(&out[i]); v < 0 {
				break
			}
			i = (i + 1) & mask
		}
		out[i] = slots[k]
	}
	return out
}

// keyArena stores the keys of a strIndex back to back in fixed-size byte
// chunks, so that a million keys are a few dozen allocations without
// pointers instead of a million strings. Long keys, and keys that arrive
// once the chunk numbers are used up, are kept as strings in long.
type keyArena struct {
	chunks [][]byte
	long   []string
}

// keyRef locates a key: pos is chunk<<chunkBits | offset, or longFlag |
// index into long.
type keyRef struct {
	pos uint32
	n   uint32
}

const (
	chunkBits  = 20
	chunkSize  = 1 << chunkBits
	maxChunks  = 1 << (31 - chunkBits)
	longFlag   = 1 << 31
	maxInChunk = 4 << 10 // longer keys go to long
)

func (a *keyArena) add(key string) keyRef {
	n := len(key)
	if n > maxInChunk {
		return a.addLong(key)
	}
	c := len(a.chunks) - 1
	if c < 0 || len(a.chunks[c])+n > chunkSize {
		if len(a.chunks) == maxChunks {
			return a.addLong(key)
		}
		a.chunks = append(a.chunks, make([]byte, 0, chunkSize))
		c++
	}
	off := len(a.chunks[c])
	a.chunks[c] = append(a.chunks[c], key...)
	return keyRef{pos: uint32(c)<<chunkBits | uint32(off), n: uint32(n)}
}

func (a *keyArena) addLong(key string) keyRef {
	a.long = append(a.long, key)
	return keyRef{pos: longFlag | uint32(len(a.long)-1), n: uint32(len(key))}
}

func (a *keyArena) bytes(r keyRef) []byte {
	c, off := r.pos>>chunkBits, r.pos&(chunkSize-1)
	return a.chunks[c][off : off+r.n]
}

// str returns a key as a string that shares the arena's bytes (which a
// key keeps until it is deleted).
func (a *keyArena) str(r keyRef) string {
	if r.pos&longFlag != 0 {
		return a.long[r.pos&^longFlag]
	}
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&a.bytes(r)[0], r.n)
}

func (a *keyArena) equal(r keyRef, key string) bool {
	if int(r.n) != len(key) {
		return false
	}
	if r.pos&longFlag != 0 {
		return a.long[r.pos&^longFlag] == key
	}
	return string(a.bytes(r)) == key
}

// wipe overwrites a deleted key (its space is not reused).
func (a *keyArena) wipe(r keyRef) {
	if r.pos&longFlag != 0 {
		a.long[r.pos&^longFlag] = ""
		return
	}
	clear(a.bytes(r))
}
