package identity

import "hash/maphash"

// recIndex maps strings to person records like strIndex, but stores no
// keys at all: a slot is the key's hash and the record, 8 bytes, and a key
// is compared with the value the record itself holds (holds reports
// whether record val holds key). The person indexes hold one entry per
// record and per identifier, so halving their slots keeps more of them in
// the processor's caches. It relies on one invariant: a record keeps every
// value it was indexed under (record IDs never change, identifiers
// accumulate) until the entry is deleted.
type recIndex struct {
	slots []recSlot // power-of-two length; a slot with val < 0 is empty
	n     int
	seed  maphash.Seed
	holds func(val int32, key string) bool
}

type recSlot struct {
	hash uint32
	val  int32
}

func newRecIndex(holds func(val int32, key string) bool) *recIndex {
	return &recIndex{seed: maphash.MakeSeed(), holds: holds}
}

func (t *recIndex) len() int { return t.n }

func (t *recIndex) hash(key string) uint32 {
	return uint32(maphash.String(t.seed, key))
}

// find returns the slot of key, or of the empty slot that ends its probe
// run.
func (t *recIndex) find(key string, h uint32) *recSlot {
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.val < 0 || s.hash == h && t.holds(s.val, key) {
			return s
		}
	}
}

// get returns the record of key.
func (t *recIndex) get(key string) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	if s := t.find(key, t.hash(key)); s.val >= 0 {
		return s.val, true
	}
	return 0, false
}

// getOrPut returns the record of key if present; otherwise it stores val
// (which must hold key) and returns (val, false).
func (t *recIndex) getOrPut(key string, val int32) (int32, bool) {
	return t.getOrPutHash(key, t.hash(key), val)
}

// getOrPutHash is getOrPut with the key's hash already computed.
func (t *recIndex) getOrPutHash(key string, h uint32, val int32) (int32, bool) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	s := t.find(key, h)
	if s.val >= 0 {
		return s.val, true
	}
	*s = recSlot{hash: h, val: val}
	t.n++
	return val, false
}

// put stores val (which must hold key) under key, replacing any record.
func (t *recIndex) put(key string, val int32) {
	if old, found := t.getOrPut(key, val); found && old != val {
		t.find(key, t.hash(key)).val = val
	}
}

// delete removes key, shifting later entries of its probe run back so that
// no tombstone is left. The record must still hold key.
func (t *recIndex) delete(key string) {
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
		if s.hash == h && t.holds(s.val, key) {
			break
		}
		i = (i + 1) & mask
	}
	t.n--
	backshift(t.slots, i)
}

func (t *recIndex) grow() { t.slots = regrow(t.slots) }

// reserve grows the table until n more entries fit without growing it.
func (t *recIndex) reserve(n int) {
	for 4*(t.n+n) > 3*len(t.slots) {
		t.grow()
	}
}
