package memory

import (
	"cmp"
	"slices"

	"github.com/quorumhq/quorum/store"
)

// chunkSize is how many events one chunk of a log holds. A log grows by
// whole chunks, so appending never copies the events already logged.
const chunkSize = 4096

// eventLog is a tenant's events in Seq order, in fixed-size chunks.
type eventLog struct {
	chunks [][]store.Event
}

func (l *eventLog) append(e store.Event) {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == chunkSize {
		l.chunks = append(l.chunks, make([]store.Event, 0, chunkSize))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, e)
}

// pos is a position in the log: a chunk and an index in it.
type pos struct{ c, i int }

// search returns the position of the first event whose Seq is >= seq, and
// whether that event's Seq is seq.
func (l *eventLog) search(seq int64) (pos, bool) {
	// The first chunk whose last event is at or after seq holds it.
	c, _ := slices.BinarySearchFunc(l.chunks, seq, func(ch []store.Event, seq int64) int {
		return cmp.Compare(ch[len(ch)-1].Seq, seq)
	})
	if c == len(l.chunks) {
		return pos{c, 0}, false
	}
	i, found := slices.BinarySearchFunc(l.chunks[c], seq, func(e store.Event, seq int64) int { return cmp.Compare(e.Seq, seq) })
	return pos{c, i}, found
}

func (l *eventLog) at(p pos) *store.Event { return &l.chunks[p.c][p.i] }

// next returns the position after p.
func (l *eventLog) next(p pos) pos {
	p.i++
	if p.i == len(l.chunks[p.c]) {
		p.c, p.i = p.c+1, 0
	}
	return p
}

func (l *eventLog) end(p pos) bool { return p.c >= len(l.chunks) }

// deleteFunc removes the events del reports, keeping the order, and
// returns how many it removed.
func (l *eventLog) deleteFunc(del func(*store.Event) bool) int {
	var kept eventLog
	removed := 0
	for _, ch := range l.chunks {
		for i := range ch {
			if del(&ch[i]) {
				removed++
				continue
			}
			kept.append(ch[i])
		}
	}
	if removed > 0 {
		*l = kept
	}
	return removed
}
