package identity

import (
	"cmp"
	"slices"
	"time"
	"unsafe"

	"github.com/quorumhq/quorum/b2b"
)

// The parts of a person record's text, stored back to back: the scalar
// fields (email ... accountId), the record ID, and the value of the first
// identifier besides the email.
const (
	tRecordID = nPersonScalars
	tX0       = nPersonScalars + 1
	nText     = nPersonScalars + 2
)

// textStore holds the text of person records in large byte chunks, so that
// a million records are a few dozen allocations without pointers (which the
// garbage collector neither marks one by one nor scans) instead of several
// million strings. Bytes once written are never changed: the strings read
// from the store point into it, and may be kept anywhere (in a map's keys,
// in a golden person, in a value returned to a caller), like any Go string.
// A record that changes writes its new text after the old.
type textStore struct {
	chunks [][]byte
}

const textChunk = 1 << 20

// alloc returns room for n bytes and where it starts.
func (t *textStore) alloc(n int) (chunk, off uint32, buf []byte) {
	c := len(t.chunks) - 1
	if c < 0 || len(t.chunks[c])+n > cap(t.chunks[c]) {
		t.chunks = append(t.chunks, make([]byte, 0, max(n, textChunk)))
		c++
	}
	o := len(t.chunks[c])
	t.chunks[c] = t.chunks[c][:o+n]
	return uint32(c), uint32(o), t.chunks[c][o : o+n : o+n]
}

// atInSide marks a record whose time is kept exactly in its side part: a
// time with a monotonic clock reading, or one the compact form does not
// give back identically.
const atInSide = 0xFFFF

// personRec is a stored person record. It holds no pointers: its text is
// in Graph.text, its rarely set parts (consent, attributes, other accounts,
// more than one identifier besides the email, text too long for the
// compact form) in Graph.psides, its golden person in Graph.goldens, each
// named by an index; it takes 64 bytes, one cache line. Records form a
// union-find forest (parent) whose root is the first record of a golden
// person to arrive; next links the records of one golden person in a ring.
type personRec struct {
	tc, to uint32        // where the text starts: chunk and offset
	ends   [nText]uint16 // end of each text part, from the start
	x0     uint16        // 1 + namespace index of the first identifier besides the email; 0: none
	src    uint16
	atLoc  uint16 // index in Graph.locs of the time's location, or atInSide
	dead   bool
	long   bool  // the text is in the side part (longer than the compact form holds)
	x0id   bool  // x0's value is the record ID (and not stored twice)
	atNs   int64 // Person.UpdatedAt in Unix nanoseconds
	side   int32 // 1 + index in Graph.psides; 0: none
	gold   int32 // 1 + index in Graph.goldens on live roots; 0: none
	parent int32
	next   int32
}

// personSide holds the parts of a person record that most records lack.
type personSide struct {
	consent map[b2b.Channel]b2b.Consent
	attrs   map[string]any
	accts   []string   // OtherAccounts, accumulated
	extra   []identKey // identifiers after x0, accumulated over versions
	at      time.Time  // when atLoc is atInSide
	text    [nText]string
}

// txt returns part f of a record's text.
func (g *Graph) txt(r *personRec, f int) string {
	if r.long {
		return g.psides.at(r.side - 1).text[f]
	}
	if f == tX0 && r.x0id {
		f = tRecordID
	}
	var start uint32
	if f > 0 {
		start = uint32(r.ends[f-1])
	}
	end := uint32(r.ends[f])
	if end == start {
		return ""
	}
	c := g.text.chunks[r.tc]
	return unsafe.String(&c[r.to+start], end-start)
}

func (g *Graph) email(r *personRec) string    { return g.txt(r, pfEmail) }
func (g *Graph) recordID(r *personRec) string { return g.txt(r, tRecordID) }

// setText writes a record's text: the scalar fields of p, the record ID
// and the value of the first identifier besides the email.
func (g *Graph) setText(r *personRec, p *b2b.Person, recordID, x0 string) {
	var parts [nText]string
	for f := range nPersonScalars {
		parts[f] = personField(p, f)
	}
	parts[tRecordID], parts[tX0] = recordID, x0
	g.writeText(r, &parts)
}

func (g *Graph) writeText(r *personRec, parts *[nText]string) {
	n := 0
	for _, s := range parts {
		n += len(s)
	}
	r.x0id = false
	if n > 1<<16-1 {
		r.long = true
		g.sidePart(r).text = *parts
		return
	}
	if x := parts[tX0]; x != "" && x == parts[tRecordID] {
		r.x0id = true
		n -= len(x)
		parts[tX0] = ""
	}
	if r.long {
		r.long = false
		g.psides.at(r.side - 1).text = [nText]string{}
	}
	r.tc, r.to = 0, 0
	if n == 0 {
		r.ends = [nText]uint16{}
		return
	}
	c, o, buf := g.text.alloc(n)
	r.tc, r.to = c, o
	e := 0
	for f, s := range parts {
		e += copy(buf[e:], s)
		r.ends[f] = uint16(e)
	}
}

// setX0 makes k the record's first identifier besides the email.
func (g *Graph) setX0(r *personRec, k identKey) {
	var parts [nText]string
	for f := range parts {
		parts[f] = g.txt(r, f)
	}
	parts[tX0] = k.val
	g.writeText(r, &parts)
	r.x0 = k.ns.idx + 1
}

// setAt stores a record's time, in the compact form when that gives it
// back identically.
func (g *Graph) setAt(r *personRec, t time.Time) {
	ns := t.UnixNano()
	loc := t.Location()
	li := slices.Index(g.locs, loc)
	if li < 0 && len(g.locs) < atInSide {
		li = len(g.locs)
		g.locs = append(g.locs, loc)
	}
	if li >= 0 && g.makeTime(ns, uint16(li)) == t {
		r.atNs, r.atLoc = ns, uint16(li)
		return
	}
	r.atNs, r.atLoc = 0, atInSide
	g.sidePart(r).at = t
}

func (g *Graph) makeTime(ns int64, loc uint16) time.Time {
	t := time.Unix(0, ns)
	if loc == 0 {
		return t.UTC()
	}
	return t.In(g.locs[loc])
}

// recAt returns a record's time.
func (g *Graph) recAt(r *personRec) time.Time {
	if r.atLoc == atInSide {
		return g.psides.at(r.side - 1).at
	}
	return g.makeTime(r.atNs, r.atLoc)
}

// cmpAt compares the times of two records as time.Time.Compare does.
func (g *Graph) cmpAt(x, y *personRec) int {
	if x.atLoc == atInSide || y.atLoc == atInSide {
		return g.recAt(x).Compare(g.recAt(y))
	}
	return cmp.Compare(x.atNs, y.atNs)
}

func (g *Graph) side(r *personRec) *personSide {
	if r.side == 0 {
		return nil
	}
	return g.psides.at(r.side - 1)
}

func (g *Graph) sidePart(r *personRec) *personSide {
	if r.side == 0 {
		r.side = g.psides.add() + 1
	}
	return g.psides.at(r.side - 1)
}

// gold returns the golden person of a live root, or nil.
func (g *Graph) gold(r *personRec) *goldenPerson {
	if r.gold == 0 {
		return nil
	}
	return g.goldens.at(r.gold - 1)
}

// goldOf returns the golden person of record i, or nil.
func (g *Graph) goldOf(i int32) *goldenPerson { return g.gold(g.precs.at(i)) }

// sref is a string kept without a pointer: its bytes are in Graph.text.
type sref struct{ c, off, n uint32 }

func (g *Graph) str(s sref) string {
	if s.n == 0 {
		return ""
	}
	return unsafe.String(&g.text.chunks[s.c][s.off], s.n)
}

// put copies s into the text store.
func (t *textStore) put(s string) sref {
	if s == "" {
		return sref{}
	}
	c, o, buf := t.alloc(len(s))
	copy(buf, s)
	return sref{c, o, uint32(len(s))}
}

// within returns the sref of s if its bytes lie in the text of record i
// (i < 0: none).
func (g *Graph) within(s string, i int32) (sref, bool) {
	if i < 0 {
		return sref{}, false
	}
	r := g.precs.at(i)
	if r.long || r.ends[nText-1] == 0 {
		return sref{}, false
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(g.text.chunks[r.tc]))) + uintptr(r.to)
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if p < base || p+uintptr(len(s)) > base+uintptr(r.ends[nText-1]) {
		return sref{}, false
	}
	return sref{r.tc, r.to + uint32(p-base), uint32(len(s))}, true
}

// keep returns s as an sref: where it lies in the text of one of the
// records that win a golden person's email, account reference or company
// (where the values it keeps come from), else a copy.
func (g *Graph) keep(gp *goldenPerson, s string) sref {
	if s == "" {
		return sref{}
	}
	for _, f := range [...]int{pfEmail, pfAccountID, pfCompany} {
		if r, ok := g.within(s, gp.win[f]); ok {
			return r
		}
	}
	return g.text.put(s)
}
