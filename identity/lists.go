package identity

// lists holds many small lists of int32 (an account's linked persons, a
// domain's accounts and waiting persons) in large chunks without pointers,
// instead of one Go slice each: the garbage collector neither scans nor
// marks them one by one. A list grows by moving to a block twice its size;
// the blocks left behind are reused by lists of that size.
type lists struct {
	chunks [][]int32
	free   [32][]uint32 // positions of free blocks, by log2 of their size
}

// list is a list in a lists store. Its zero value is the empty list.
type list struct {
	pos uint32 // chunk<<listChunkBits | offset of the block
	n   uint32 // length
	c   uint8  // 1 + log2 of the block's size; 0: no block
}

const (
	listChunkBits = 16
	listChunk     = 1 << listChunkBits
)

func (l list) len() int { return int(l.n) }

// items returns the list's elements, in the store: valid until the list
// itself changes.
func (s *lists) items(l list) []int32 {
	if l.n == 0 {
		return nil
	}
	c := s.chunks[l.pos>>listChunkBits]
	off := l.pos & (listChunk - 1)
	return c[off : off+l.n : off+1<<(l.c-1)]
}

// alloc returns a free block of 1<<lg elements.
func (s *lists) alloc(lg uint8) uint32 {
	if f := s.free[lg]; len(f) > 0 {
		s.free[lg] = f[:len(f)-1]
		return f[len(f)-1]
	}
	size := 1 << lg
	if size >= listChunk {
		s.chunks = append(s.chunks, make([]int32, size))
		return uint32(len(s.chunks)-1) << listChunkBits
	}
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+size > cap(s.chunks[last]) {
		s.chunks = append(s.chunks, make([]int32, 0, listChunk))
		last++
	}
	off := len(s.chunks[last])
	s.chunks[last] = s.chunks[last][:off+size]
	return uint32(last)<<listChunkBits | uint32(off)
}

func (s *lists) release(l list) {
	if l.c != 0 {
		s.free[l.c-1] = append(s.free[l.c-1], l.pos)
	}
}

// reserve makes room for n more elements.
func (s *lists) reserve(l *list, n int) {
	need := int(l.n) + n
	if l.c != 0 && need <= 1<<(l.c-1) {
		return
	}
	lg := uint8(0)
	for 1<<lg < need {
		lg++
	}
	pos := s.alloc(lg)
	nl := list{pos: pos, n: l.n, c: lg + 1}
	copy(s.items(nl), s.items(*l))
	s.release(*l)
	*l = nl
}

// add appends v to l.
func (s *lists) add(l *list, v int32) {
	s.reserve(l, 1)
	l.n++
	s.items(*l)[l.n-1] = v
}

// addAll appends vs (which may be another list's items) to l.
func (s *lists) addAll(l *list, vs []int32) {
	if len(vs) == 0 {
		return
	}
	s.reserve(l, len(vs))
	old := l.n
	l.n += uint32(len(vs))
	copy(s.items(*l)[old:], vs)
}

// clear empties l and frees its block.
func (s *lists) clear(l *list) {
	s.release(*l)
	*l = list{}
}

// removeOne removes the first occurrence of v from l (the last element
// takes its place, as removeOne does for slices); an emptied list frees
// its block.
func (s *lists) removeOne(l *list, v int32) {
	if l.n == 0 {
		return
	}
	xs := s.items(*l)
	if out := removeOne(xs, v); len(out) == 0 {
		s.clear(l)
	} else {
		l.n = uint32(len(out))
	}
}

// keep keeps the elements for which ok holds, in order; an emptied list
// frees its block.
func (s *lists) keep(l *list, ok func(int32) bool) {
	xs := s.items(*l)
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		s.clear(l)
	} else {
		l.n = uint32(len(out))
	}
}
