package memory

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// blockBytes is the size at which an account's newest events are sealed
// into a compressed block. Measured on the option B program's events
// (JSON of about 200 bytes): 8 KiB blocks compress 6.6x with zstd's
// fastest level; smaller blocks compress worse, larger ones leave a larger
// uncompressed tail in every account. S2 compresses them about 4 times as
// fast, to blocks a third larger (BenchmarkCompressBlocks); tried in its
// place, it took the engine's 2,000-account benchmark about 4% less CPU
// and kept 10% more memory per account, and at the full size (100,000
// accounts, where the collector works under a memory limit) it was no
// faster: zstd stays.
const blockBytes = 8 << 10

// tailBytes is the room of a tail that has grown past its first steps:
// enough for a block and the event that seals it, mostly.
const tailBytes = blockBytes + 1<<10

// roomBytes are the sizes of a tail's rooms, the steps it grows in. A
// room a tail leaves (growing into the next, or sealed into a block since
// compressed) is kept for another tail (eventLog.rooms): an account that
// fills a block would otherwise leave three rooms of garbage with it.
var roomBytes = [...]int{2 << 10, 5 << 10, tailBytes}

// maxRooms bounds the rooms of each size a log keeps (512 KiB in all).
// Tails leave rooms in bursts: a pass over many accounts takes many of
// them past a step at once, and blocks are sealed while others are being
// compressed.
const maxRooms = 32

// eventLog is a tenant's events, kept by account: each account's events
// in blocks, all but the newest compressed (or about to be), so that
// reading one account's log decodes only its own blocks. The order index says which account
// each Seq went to, so that the tenant's log can be read in Seq order.
//
// The encoding of an event, in a block: its Seq as the difference from
// the previous one in the block (uvarint), its time (a length byte and
// time.MarshalBinary), then its person, type and data, each with its
// length (uvarint). The account is the log's.
type eventLog struct {
	ids  map[b2b.AccountID]int32
	logs []*accountLog
	// order holds, for each Seq, the index in logs of the account of the
	// event with that Seq, or -1 once the event is erased. Seqs start at
	// 1 and have no gaps.
	order seqIndex
	// pending lists the blocks sealed or rewritten but not yet
	// compressed: they are compressed outside the tenant's lock (see
	// [tenant.compress]). spare is room for the next list: the last one
	// compressed, emptied.
	pending, spare []sealed
	// rooms holds, by size (roomBytes), empty rooms that tails left,
	// for the next ones.
	rooms [len(roomBytes)][][]byte
}

// sealed is a block to compress: its account's log, its first Seq, and
// its encoding; zip is the encoding compressed.
type sealed struct {
	lg       *accountLog
	first    int64
	raw, zip []byte
}

type accountLog struct {
	id     b2b.AccountID
	blocks []block // sealed, their data compressed (or about to be)
	tail   block   // the newest events, their data as encoded
}

// A block holds events first..last of one account (with gaps: the other
// accounts' Seqs are between them). Its data is compressed unless raw is
// set.
type block struct {
	first, last int64
	data        []byte
	raw         bool
}

var (
	encoder = sync.OnceValue(func() *zstd.Encoder {
		// Options that are constants: no error is possible.
		enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false))
		return enc
	})
	decoder = sync.OnceValue(func() *zstd.Decoder {
		dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
		return dec
	})
)

// append appends an event, whose Seq must be the next after the log's.
func (l *eventLog) append(e *store.Event) {
	if e.Seq != l.order.len()+1 {
		panic(fmt.Sprintf("memory: event %d appended after event %d", e.Seq, l.order.len()))
	}
	idx, ok := l.ids[e.Account]
	if !ok {
		if l.ids == nil {
			l.ids = map[b2b.AccountID]int32{}
		}
		idx = int32(len(l.logs))
		l.ids[e.Account] = idx
		l.logs = append(l.logs, &accountLog{id: e.Account})
	}
	l.order.append(idx)
	lg := l.logs[idx]
	t := &lg.tail
	if len(t.data) == 0 {
		t.first = e.Seq
	}
	if n := encodedSize(e); cap(t.data)-len(t.data) < n {
		// Grow in three steps, not by doubling: a new tail takes little
		// room in the many accounts with few events, and a longer one
		// soon takes a block's, copied twice at most.
		step := 0
		switch {
		case len(t.data) >= 4<<10:
			step = 2
		case len(t.data) > 0:
			step = 1
		}
		old := t.data
		t.data = append(l.room(step, len(t.data)+n), t.data...)
		// Nothing else refers to the tail's encoding (readers copy what
		// they read, under the lock).
		l.keepRoom(old)
	}
	t.data = appendEvent(t.data, t.last, e)
	t.last = e.Seq
	if len(t.data) >= blockBytes {
		t.raw = true
		lg.blocks = append(lg.blocks, *t)
		l.pending = append(l.pending, sealed{lg: lg, first: t.first, raw: t.data})
		lg.tail = block{}
	}
}

// takePending returns the blocks sealed since the last call, to compress
// outside the lock; [eventLog.install] puts them in place.
func (l *eventLog) takePending() []sealed {
	if len(l.pending) == 0 {
		return nil
	}
	p := l.pending
	l.pending, l.spare = l.spare, nil
	return p
}

// compressAll compresses the sealed blocks. It needs no lock: a block's
// encoding is never changed in place once sealed (an edit writes a new
// one).
func compressAll(work []sealed) []sealed {
	scratch := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(scratch)
	return compressWith(scratch, work)
}

// compressWith compresses the sealed blocks through scratch, which it
// leaves wiped: what the blocks left in it is persons' data, which an
// erasure could not find in a pool.
func compressWith(scratch *[]byte, work []sealed) []sealed {
	defer func() { clear((*scratch)[:cap(*scratch)]) }()
	for i := range work {
		*scratch = encoder().EncodeAll(work[i].raw, (*scratch)[:0])
		work[i].zip = bytes.Clone(*scratch) // the encoder leaves room for all of raw
	}
	return work
}

var scratchPool = sync.Pool{New: func() any { return new([]byte) }}

// install replaces each sealed block's encoding with its compressed form,
// unless an edit has rewritten the block meanwhile. The list's room is
// kept for the next.
func (l *eventLog) install(work []sealed) {
	for _, w := range work {
		bs := w.lg.blocks
		i := sort.Search(len(bs), func(i int) bool { return bs[i].first >= w.first })
		if i < len(bs) && bs[i].raw && len(bs[i].data) == len(w.raw) && &bs[i].data[0] == &w.raw[0] {
			bs[i].data, bs[i].raw = w.zip, false
			// Nothing refers to the encoding now (readers copy what they
			// read, under the lock).
			l.keepRoom(w.raw)
		}
	}
	if l.spare == nil && cap(work) > 0 {
		clear(work) // keeps no block
		l.spare = work[:0]
	}
}

// room returns an empty room of roomBytes[step] bytes, one kept if there
// is, or of n if that is more.
func (l *eventLog) room(step, n int) []byte {
	if k := len(l.rooms[step]) - 1; k >= 0 && n <= roomBytes[step] {
		room := l.rooms[step][k]
		l.rooms[step][k] = nil
		l.rooms[step] = l.rooms[step][:k]
		return room
	}
	return make([]byte, 0, max(roomBytes[step], n))
}

// keepRoom keeps the room of an encoding nothing refers to any more for
// another tail, if it is of a tail's size and the log does not keep
// enough of them already.
func (l *eventLog) keepRoom(data []byte) {
	for step, size := range roomBytes {
		if cap(data) == size && len(l.rooms[step]) < maxRooms {
			// Of the events it held, an erasure would find nothing
			// here: it keeps none.
			clear(data[:cap(data)])
			l.rooms[step] = append(l.rooms[step], data[:0])
		}
	}
}

// encodedSize bounds the length of an event's encoding.
func encodedSize(e *store.Event) int {
	return 2*binary.MaxVarintLen64 + 1 + 16 + 3*binary.MaxVarintLen64 + len(e.Person) + len(e.Type) + len(e.Data)
}

// appendEvent encodes an event after the one with Seq prev.
func appendEvent(buf []byte, prev int64, e *store.Event) []byte {
	buf = binary.AppendUvarint(buf, uint64(e.Seq-prev))
	buf = appendTime(buf, e.Time)
	buf = appendBytes(buf, []byte(e.Person))
	buf = appendBytes(buf, []byte(e.Type))
	return appendBytes(buf, e.Data)
}

func appendBytes(buf, s []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// rawEvent is an event as encoded, its fields pointing into the encoding.
type rawEvent struct {
	seq                     int64
	time, person, typ, data []byte
}

// next decodes the event at the front of buf, which follows the event
// with Seq prev, and returns it and the rest of buf. The log wrote buf;
// it decodes.
func next(buf []byte, prev int64) (rawEvent, []byte) {
	d, w := binary.Uvarint(buf)
	r := rawEvent{seq: prev + int64(d)}
	buf = buf[w:]
	n := int(buf[0])
	r.time, buf = buf[1:1+n], buf[1+n:]
	field := func() []byte {
		k, w := binary.Uvarint(buf)
		s := buf[w : w+int(k)]
		buf = buf[w+int(k):]
		return s
	}
	r.person, r.typ, r.data = field(), field(), field()
	return r, buf
}

// event returns the event with its own copies of the strings and data.
func (r *rawEvent) event(account b2b.AccountID) store.Event {
	e := store.Event{Seq: r.seq, Account: account, Person: b2b.PersonID(r.person), Type: string(r.typ)}
	// The encoding was made by MarshalBinary; it decodes.
	_ = e.Time.UnmarshalBinary(r.time)
	if len(r.data) > 0 {
		e.Data = append([]byte(nil), r.data...)
	}
	return e
}

// decoded returns the encoding of block i of the log, the tail being
// block len(blocks), decompressing it into buf's room if it is sealed.
func (lg *accountLog) decoded(i int, buf []byte) []byte {
	if i == len(lg.blocks) {
		return lg.tail.data
	}
	if lg.blocks[i].raw {
		return lg.blocks[i].data
	}
	out, err := decoder().DecodeAll(lg.blocks[i].data, buf[:0])
	if err != nil {
		// The block was compressed by this package and never left memory.
		panic(fmt.Sprintf("memory: an event block does not decompress: %v", err))
	}
	return out
}

// compressed reports whether block i is compressed: whether what
// [accountLog.decoded] returns for it is a copy.
func (lg *accountLog) compressed(i int) bool {
	return i < len(lg.blocks) && !lg.blocks[i].raw
}

// firstAfter returns the index of the first block (the tail being
// len(blocks)) that may hold an event after seq.
func (lg *accountLog) firstAfter(seq int64) int {
	return sort.Search(len(lg.blocks), func(i int) bool { return lg.blocks[i].last > seq })
}

// owner returns the account of the event with that Seq, and false if
// there is no such event (never, or erased).
func (l *eventLog) owner(seq int64) (int32, bool) {
	if seq < 1 || seq > l.order.len() || l.order.at(seq) < 0 {
		return 0, false
	}
	return l.order.at(seq), true
}

// event returns the event with that Seq.
func (l *eventLog) event(seq int64) (store.Event, bool) {
	idx, ok := l.owner(seq)
	if !ok {
		return store.Event{}, false
	}
	lg := l.logs[idx]
	data := lg.decoded(lg.firstAfter(seq-1), nil)
	var prev int64
	for len(data) > 0 {
		var r rawEvent
		r, data = next(data, prev)
		prev = r.seq
		if r.seq == seq {
			return r.event(lg.id), true
		}
	}
	return store.Event{}, false
}

// account returns up to limit events of the account after Seq after.
func (l *eventLog) account(id b2b.AccountID, after int64, limit int) []store.Event {
	idx, ok := l.ids[id]
	if !ok {
		return nil
	}
	lg := l.logs[idx]
	var out []store.Event
	var buf []byte
	for i := lg.firstAfter(after); i <= len(lg.blocks) && len(out) < limit; i++ {
		data := lg.decoded(i, buf)
		if lg.compressed(i) {
			buf = data // reuse its room for the next block
		}
		var prev int64
		for len(data) > 0 && len(out) < limit {
			var r rawEvent
			r, data = next(data, prev)
			prev = r.seq
			if r.seq > after {
				out = append(out, r.event(id))
			}
		}
	}
	return out
}

// all returns up to limit events of the tenant after Seq after, in Seq
// order. It keeps one decoded block for each account it meets.
func (l *eventLog) all(after int64, limit int) []store.Event {
	type cursor struct {
		block int    // the block data is from
		data  []byte // what is left of it
		prev  int64
	}
	if after >= l.order.len() {
		return nil
	}
	cursors := map[int32]*cursor{}
	var out []store.Event
	for seq := max(after, 0) + 1; seq <= l.order.len() && len(out) < limit; seq++ {
		idx := l.order.at(seq)
		if idx < 0 {
			continue // erased
		}
		lg := l.logs[idx]
		c := cursors[idx]
		if c == nil {
			c = &cursor{block: lg.firstAfter(seq - 1)}
			c.data = lg.decoded(c.block, nil)
			cursors[idx] = c
		}
		// The account's events come in Seq order: this one is at the front
		// of its block or the next one, past those before it.
		for {
			for len(c.data) == 0 {
				c.block++
				if c.block > len(lg.blocks) {
					panic(fmt.Sprintf("memory: event %d is missing from its account's log", seq))
				}
				c.data, c.prev = lg.decoded(c.block, nil), 0
			}
			var r rawEvent
			r, c.data = next(c.data, c.prev)
			c.prev = r.seq
			if r.seq == seq {
				out = append(out, r.event(lg.id))
				break
			}
		}
	}
	return out
}

// edit rewrites the account's events: those in data get that data, those
// drop says to drop (given their person) are removed. Only the blocks
// that change are encoded again; they wait in pending to be compressed,
// like new ones. It returns how many events it removed.
func (l *eventLog) edit(id b2b.AccountID, data map[int64][]byte, drop func(person []byte) bool) int {
	idx, ok := l.ids[id]
	if !ok {
		return 0
	}
	lg := l.logs[idx]
	removed := 0
	var blocks []block
	var buf []byte
	for i := 0; i <= len(lg.blocks); i++ {
		b := &lg.tail
		if i < len(lg.blocks) {
			b = &lg.blocks[i]
		}
		if drop == nil && !anyIn(data, b.first, b.last) {
			if i < len(lg.blocks) {
				blocks = append(blocks, *b)
			}
			continue
		}
		dec := lg.decoded(i, buf)
		src := dec
		var enc []byte
		var prev, kept int64
		changed := false
		nb := block{}
		for len(src) > 0 {
			var r rawEvent
			r, src = next(src, prev)
			prev = r.seq
			if drop != nil && drop(r.person) {
				l.order.set(r.seq, -1)
				removed++
				changed = true
				continue
			}
			e := store.Event{Seq: r.seq, Person: b2b.PersonID(r.person), Type: string(r.typ), Data: r.data}
			_ = e.Time.UnmarshalBinary(r.time)
			if d, ok := data[r.seq]; ok {
				e.Data, changed = d, true
			}
			if nb.first == 0 {
				nb.first = r.seq
			}
			enc = appendEvent(enc, kept, &e)
			kept, nb.last = r.seq, r.seq
		}
		if lg.compressed(i) {
			buf = dec // reuse its room for the next block
		}
		switch {
		case i == len(lg.blocks):
			if changed {
				nb.data = enc
				lg.tail = nb
			}
		case !changed:
			blocks = append(blocks, *b)
		case len(enc) > 0:
			nb.data, nb.raw = enc, true
			blocks = append(blocks, nb)
			l.pending = append(l.pending, sealed{lg: lg, first: nb.first, raw: enc})
		}
	}
	lg.blocks = blocks
	return removed
}

// anyIn reports whether data holds a Seq in first..last.
func anyIn(data map[int64][]byte, first, last int64) bool {
	for seq := range data {
		if seq >= first && seq <= last {
			return true
		}
	}
	return false
}

// seqIndex is a list of int32 by Seq (from 1), kept in chunks of
// seqChunk: a long one grows by a chunk at a time, never copied into a
// larger room.
type seqIndex struct {
	chunks [][]int32 // all but the last hold seqChunk each
	n      int64
}

const seqChunk = 1 << 12

func (x *seqIndex) len() int64 { return x.n }

// at returns the value of a Seq from 1 to len.
func (x *seqIndex) at(seq int64) int32 {
	return x.chunks[(seq-1)/seqChunk][(seq-1)%seqChunk]
}

// set sets the value of a Seq from 1 to len.
func (x *seqIndex) set(seq int64, v int32) {
	x.chunks[(seq-1)/seqChunk][(seq-1)%seqChunk] = v
}

// append adds the value of Seq len+1. The first chunk grows as a slice
// does (a small log takes little room); the next ones are made whole.
func (x *seqIndex) append(v int32) {
	if x.n%seqChunk == 0 && x.n > 0 || len(x.chunks) == 0 {
		var c []int32
		if len(x.chunks) > 0 {
			c = make([]int32, 0, seqChunk)
		}
		x.chunks = append(x.chunks, c)
	}
	last := &x.chunks[len(x.chunks)-1]
	*last = append(*last, v)
	x.n++
}
