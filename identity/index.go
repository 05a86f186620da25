package identity

import "hash/maphash"

// strIndex maps strings to record indexes. It is an open-addressing hash
// table with linear probing, used instead of a Go map for the big indexes
// (record keys, identifiers) because its find-or-insert hashes and probes
// once where a map needs a lookup and an assignment.
type strIndex struct {
	slots []strSlot // power-of-two length; a slot with val < 0 is empty
	n     int
	seed  maphash.Seed
}

type strSlot struct {
	key  string
	hash uint32
	val  int32
}

func newStrIndex() *strIndex { return &strIndex{seed: maphash.MakeSeed()} }

func (t *strIndex) len() int { return t.n }

func (t *strIndex) hash(key string) uint32 {
	h := uint32(maphash.String(t.seed, key))
	return h
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
		if s.hash == h && s.key == key {
			return s.val, true
		}
	}
}

// getOrPut returns the value of key if present; otherwise it stores val
// and returns (val, false).
func (t *strIndex) getOrPut(key string, val int32) (int32, bool) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	h := t.hash(key)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.val < 0 {
			*s = strSlot{key: key, hash: h, val: val}
			t.n++
			return val, false
		}
		if s.hash == h && s.key == key {
			return s.val, true
		}
	}
}

// put stores val under key, replacing any value.
func (t *strIndex) put(key string, val int32) {
	if old, found := t.getOrPut(key, val); found && old != val {
		h := t.hash(key)
		mask := uint32(len(t.slots) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			if s := &t.slots[i]; s.hash == h && s.key == key {
				s.val = val
				return
			}
		}
	}
}

// delete removes key, shifting later entries of its probe run back so that
// no tombstone is left.
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
		if s.hash == h && s.key == key {
			break
		}
		i = (i + 1) & mask
	}
	t.n--
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.val < 0 {
			break
		}
		home := s.hash & mask
		// Move s into the hole at i unless its home lies in (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = *s
			i = j
		}
	}
	t.slots[i] = strSlot{val: -1}
}

func (t *strIndex) grow() {
	n := 2 * len(t.slots)
	if n < 16 {
		n = 16
	}
	old := t.slots
	t.slots = make([]strSlot, n)
	for i := range t.slots {
		t.slots[i].val = -1
	}
	mask := uint32(n - 1)
	for _, s := range old {
		if s.val < 0 {
			continue
		}
		i := s.hash & mask
		for t.slots[i].val >= 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
