package memory

import (
	"encoding/binary"
	"slices"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// A chunk holds at most chunkSize events and, unless one event alone is
// larger, chunkBytes bytes of their encoding. A log grows by whole chunks,
// so appending never copies the events already logged.
const (
	chunkSize  = 4096
	chunkBytes = 256 << 10
)

// eventLog is a tenant's events in Seq order, in chunks. A chunk keeps
// its events encoded in one byte buffer, with their Seqs and offsets
// beside it: a log of millions of events is a few thousand objects with no
// pointers, which the garbage collector neither counts nor scans.
type eventLog struct {
	chunks []*eventChunk
}

type eventChunk struct {
	seqs []int64  // the events' Seqs, increasing
	offs []uint32 // where each event starts in buf
	buf  []byte
}

func (l *eventLog) append(e *store.Event) {
	var c *eventChunk
	if n := len(l.chunks); n > 0 {
		c = l.chunks[n-1]
	}
	if c == nil || len(c.seqs) == chunkSize || len(c.buf) > 0 && len(c.buf)+encodedSize(e) > cap(c.buf) {
		c = &eventChunk{seqs: make([]int64, 0, 64), offs: make([]uint32, 0, 64), buf: make([]byte, 0, chunkBytes)}
		l.chunks = append(l.chunks, c)
	}
	c.seqs = append(c.seqs, e.Seq)
	c.offs = append(c.offs, uint32(len(c.buf)))
	c.buf = appendEvent(c.buf, e)
}

// encodedSize bounds the length of an event's encoding.
func encodedSize(e *store.Event) int {
	return 1 + 16 + 4*binary.MaxVarintLen64 + len(e.Account) + len(e.Person) + len(e.Type) + len(e.Data)
}

// appendEvent encodes an event but its Seq: the time, then the account,
// person, type and data, each with its length.
func appendEvent(buf []byte, e *store.Event) []byte {
	t, err := e.Time.MarshalBinary()
	if err != nil {
		// Only a time zone offset that is not a whole minute fails;
		// keep the instant in UTC.
		t, _ = e.Time.UTC().MarshalBinary()
	}
	buf = append(buf, byte(len(t))) // 15 or 16 bytes
	buf = append(buf, t...)
	for _, s := range []string{string(e.Account), string(e.Person), e.Type} {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(e.Data)))
	return append(buf, e.Data...)
}

// pos is a position in the log: a chunk and an index in it.
type pos struct{ c, i int }

// search returns the position of the first event whose Seq is >= seq, and
// whether that event's Seq is seq.
func (l *eventLog) search(seq int64) (pos, bool) {
	// The first chunk whose last event is at or after seq holds it.
	c, _ := slices.BinarySearchFunc(l.chunks, seq, func(ch *eventChunk, seq int64) int {
		last := ch.seqs[len(ch.seqs)-1]
		switch {
		case last < seq:
			return -1
		case last > seq:
			return 1
		}
		return 0
	})
	if c == len(l.chunks) {
		return pos{c, 0}, false
	}
	i, found := slices.BinarySearch(l.chunks[c].seqs, seq)
	return pos{c, i}, found
}

// at decodes the event at p, with its own copies of the strings and data.
func (l *eventLog) at(p pos) store.Event {
	c := l.chunks[p.c]
	e := store.Event{Seq: c.seqs[p.i]}
	buf := c.buf[c.offs[p.i]:]
	n := int(buf[0])
	// The encoding was made by MarshalBinary; it decodes.
	_ = e.Time.UnmarshalBinary(buf[1 : 1+n])
	buf = buf[1+n:]
	next := func() []byte {
		k, w := binary.Uvarint(buf)
		s := buf[w : w+int(k)]
		buf = buf[w+int(k):]
		return s
	}
	e.Account = b2b.AccountID(next())
	e.Person = b2b.PersonID(next())
	e.Type = string(next())
	if data := next(); len(data) > 0 {
		e.Data = slices.Clone(data)
	}
	return e
}

// isPerson reports whether the event at p is the person's.
func (l *eventLog) isPerson(p pos, person b2b.PersonID) bool {
	c := l.chunks[p.c]
	buf := c.buf[c.offs[p.i]:]
	buf = buf[1+int(buf[0]):]
	k, w := binary.Uvarint(buf) // the account
	buf = buf[w+int(k):]
	k, w = binary.Uvarint(buf)
	return string(buf[w:w+int(k)]) == string(person)
}

// edit replaces the data of the events in data and removes the events in
// gone (Seqs the log holds), rewriting only the chunks they are in, and
// returns how many events it removed. A chunk left empty is dropped.
func (l *eventLog) edit(data map[int64][]byte, gone map[int64]bool) int {
	touched := map[int]bool{}
	for seq := range data {
		if at, ok := l.search(seq); ok {
			touched[at.c] = true
		}
	}
	for seq := range gone {
		if at, ok := l.search(seq); ok {
			touched[at.c] = true
		}
	}
	removed := 0
	for ci := range touched {
		old := l.chunks[ci]
		if !slices.ContainsFunc(old.seqs, func(seq int64) bool { _, ok := data[seq]; return ok }) {
			removed += old.compact(gone)
			continue
		}
		// The same capacity: the last chunk keeps its room to grow.
		c := &eventChunk{seqs: make([]int64, 0, cap(old.seqs)), offs: make([]uint32, 0, cap(old.offs)), buf: make([]byte, 0, cap(old.buf))}
		for i, seq := range old.seqs {
			if gone[seq] {
				removed++
				continue
			}
			c.seqs = append(c.seqs, seq)
			c.offs = append(c.offs, uint32(len(c.buf)))
			if d, ok := data[seq]; ok {
				e := l.at(pos{ci, i})
				e.Data = d
				c.buf = appendEvent(c.buf, &e)
				continue
			}
			end := len(old.buf) // the event's encoding, copied as it is
			if i+1 < len(old.offs) {
				end = int(old.offs[i+1])
			}
			c.buf = append(c.buf, old.buf[old.offs[i]:end]...)
		}
		l.chunks[ci] = c
	}
	l.chunks = slices.DeleteFunc(l.chunks, func(c *eventChunk) bool { return len(c.seqs) == 0 })
	return removed
}

// compact removes the events in gone from the chunk in place (readers
// hold the log's lock and copy what they read) and returns how many it
// removed.
func (c *eventChunk) compact(gone map[int64]bool) int {
	n, w := 0, 0
	for i, seq := range c.seqs {
		end := len(c.buf)
		if i+1 < len(c.offs) {
			end = int(c.offs[i+1])
		}
		if gone[seq] {
			continue
		}
		start := int(c.offs[i])
		c.seqs[n], c.offs[n] = seq, uint32(w)
		w += copy(c.buf[w:], c.buf[start:end])
		n++
	}
	removed := len(c.seqs) - n
	c.seqs, c.offs, c.buf = c.seqs[:n], c.offs[:n], c.buf[:w]
	return removed
}

// next returns the position after p.
func (l *eventLog) next(p pos) pos {
	p.i++
	if p.i == len(l.chunks[p.c].seqs) {
		p.c, p.i = p.c+1, 0
	}
	return p
}

func (l *eventLog) end(p pos) bool { return p.c >= len(l.chunks) }
