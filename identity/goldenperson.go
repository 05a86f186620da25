package identity

// Golden persons: their state, held by the root of their records, and how
// records and other golden persons are merged into it.

import (
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// goldenPerson is the state of a golden person, held by its root record:
// for each field, the record whose value wins. Golden persons live in a
// slab (Graph.goldens) and are reused once merged away or erased. Like
// person records they hold no pointers (their strings are srefs into the
// text store, their rare parts in Graph.gsides), so that the garbage
// collector does not scan them.
type goldenPerson struct {
	win     [nPersonScalars]int32
	primary slink
	// keys under which the person waits in the resolution indexes
	hostIdx, nameIdx, refIdx sref
	uniq0                    ukey  // first value of a unique namespace (ns 0: none)
	side                     int32 // 1 + index in Graph.gsides; 0: none
	hasOther                 bool
	// otherWaits: the person waits (in Graph.waitRef) for each account its
	// records' OtherAccounts name and the graph does not hold, so that
	// resolving it again need not wait again (a version of a record
	// would add the person once more to each list).
	otherWaits bool
}

// goldSide holds the parts of a golden person that most lack.
type goldSide struct {
	consent []keyWin
	attrs   []keyWin
	uniq    []identKey // values of unique namespaces after uniq0
	more    []link     // links besides the primary
}

// ukey is an identKey kept without pointers.
type ukey struct {
	ns  uint16 // 1 + namespace index
	val sref
}

// slink is a link kept without pointers.
type slink struct {
	acct   int32
	method uint8
	sub    bool
	via    sref
}

type keyWin struct {
	key string
	rec int32
}

// newGolden returns an empty golden person and 1 + its index.
func (g *Graph) newGolden() (int32, *goldenPerson) {
	var i int32
	if n := len(g.gfree); n > 0 {
		i, g.gfree = g.gfree[n-1], g.gfree[:n-1]
	} else {
		i = g.goldens.add() + 1
	}
	gp := g.goldens.at(i - 1)
	g.resetGolden(gp)
	return i, gp
}

// freeGolden clears a golden person (1 + its index) that no record holds
// any more, for reuse.
func (g *Graph) freeGolden(i int32) {
	gp := g.goldens.at(i - 1)
	side := gp.side
	if side != 0 {
		s := g.gsides.at(side - 1)
		*s = goldSide{consent: s.consent[:0], attrs: s.attrs[:0], uniq: s.uniq[:0]}
	}
	*gp = goldenPerson{side: side}
	g.gfree = append(g.gfree, i)
}

func (g *Graph) gside(gp *goldenPerson) *goldSide {
	if gp.side == 0 {
		return nil
	}
	return g.gsides.at(gp.side - 1)
}

func (g *Graph) gsidePart(gp *goldenPerson) *goldSide {
	if gp.side == 0 {
		gp.side = g.gsides.add() + 1
	}
	return g.gsides.at(gp.side - 1)
}

// uniqs yields the values of unique namespaces a golden person holds, in
// the order they were added.
func (g *Graph) uniqs(gp *goldenPerson) func(func(identKey) bool) {
	return func(yield func(identKey) bool) {
		if gp.uniq0.ns == 0 || !yield(identKey{g.nsList[gp.uniq0.ns-1], g.str(gp.uniq0.val)}) {
			return
		}
		if s := g.gside(gp); s != nil {
			for _, k := range s.uniq {
				if !yield(k) {
					return
				}
			}
		}
	}
}

// addUniq adds a value of a unique namespace unless the golden person
// holds it; hint is the record it comes from (-1: unknown).
func (g *Graph) addUniq(gp *goldenPerson, k identKey, hint int32) {
	if gp.uniq0.ns == 0 {
		v, ok := g.within(k.val, hint)
		if !ok {
			v = g.text.put(k.val)
		}
		gp.uniq0 = ukey{k.ns.idx + 1, v}
		return
	}
	if gp.uniq0.ns == k.ns.idx+1 && g.str(gp.uniq0.val) == k.val {
		return
	}
	s := g.gsidePart(gp)
	if !slices.Contains(s.uniq, k) {
		s.uniq = append(s.uniq, k)
	}
}

// primary returns a golden person's primary link.
func (g *Graph) primary(gp *goldenPerson) link {
	p := gp.primary
	return link{acct: p.acct, method: p.method, sub: p.sub, via: g.str(p.via)}
}

// more returns a golden person's links besides the primary.
func (g *Graph) more(gp *goldenPerson) []link {
	if s := g.gside(gp); s != nil {
		return s.more
	}
	return nil
}

func (g *Graph) pfind(i int32) int32 {
	for {
		r := g.precs.at(i)
		p := r.parent
		if p == i {
			return i
		}
		gp := g.precs.at(p).parent
		r.parent = gp
		i = gp
	}
}

func (g *Graph) goldenValue(gp *goldenPerson, f int) string {
	if w := gp.win[f]; w >= 0 {
		return g.txt(g.precs.at(w), f)
	}
	return ""
}

// mergePersons merges the golden person rooted at loser into root.
func (g *Graph) mergePersons(root, loser int32) {
	r, l := g.goldOf(root), g.goldOf(loser)
	for f := range nPersonScalars {
		if w := l.win[f]; w >= 0 && (r.win[f] < 0 || g.pBetter(w, r.win[f], f)) {
			r.win[f] = w
		}
	}
	if ls := g.gside(l); ls != nil {
		for _, kw := range ls.consent {
			g.offerConsent(r, kw.key, kw.rec)
		}
		for _, kw := range ls.attrs {
			g.offerAttr(r, kw.key, kw.rec)
		}
	}
	if l.uniq0.ns != 0 && r.uniq0.ns == 0 {
		r.uniq0 = l.uniq0
		if ls := g.gside(l); ls != nil {
			for _, u := range ls.uniq {
				g.addUniq(r, u, -1)
			}
		}
	} else {
		for u := range g.uniqs(l) {
			g.addUniq(r, u, -1)
		}
	}
	r.hasOther = r.hasOther || l.hasOther
	// The loser's waits name the loser's root, which finds root.
	r.otherWaits = r.otherWaits && l.otherWaits
	g.setLinks(loser, l, link{}, nil)
	g.unwait(l)
	pr, pl := g.precs.at(root), g.precs.at(loser)
	pr.next, pl.next = pl.next, pr.next
	pl.parent = root
	lg := pl.gold
	pl.gold = 0
	g.freeGolden(lg)
	g.persons--
}

func (g *Graph) resetGolden(gp *goldenPerson) {
	for f := range gp.win {
		gp.win[f] = -1
	}
	gp.uniq0, gp.hasOther = ukey{}, false
	if s := g.gside(gp); s != nil {
		s.consent, s.attrs, s.uniq = s.consent[:0], s.attrs[:0], s.uniq[:0]
	}
}

// applyPerson offers record m's values to a golden person.
func (g *Graph) applyPerson(gp *goldenPerson, m int32) {
	r := g.precs.at(m)
	for f := range nPersonScalars {
		if r.ends[f] != 0 && (f == 0 || r.ends[f] != r.ends[f-1]) || r.long && g.txt(r, f) != "" {
			if gp.win[f] < 0 || g.pBetter(m, gp.win[f], f) {
				gp.win[f] = m
			}
		}
	}
	if s := g.side(r); s != nil {
		for ch := range s.consent {
			g.offerConsent(gp, ch, m)
		}
		for k, v := range s.attrs {
			if attrGiven(v) {
				g.offerAttr(gp, k, m)
			}
		}
		gp.hasOther = gp.hasOther || len(s.accts) > 0
	}
	for k := range g.extras(r) {
		if k.ns.spec.Unique {
			g.addUniq(gp, k, m)
		}
	}
	if e := g.email(r); e != "" && g.nsEmail.spec.Unique && !b2b.PlaceholderEmail(e) {
		g.addUniq(gp, identKey{g.nsEmail, e}, m)
	}
}

func (g *Graph) offerConsent(gp *goldenPerson, ch string, m int32) {
	s := g.gsidePart(gp)
	for i := range s.consent {
		if s.consent[i].key == ch {
			if g.consentBetter(m, s.consent[i].rec, ch) {
				s.consent[i].rec = m
			}
			return
		}
	}
	s.consent = append(s.consent, keyWin{ch, m})
}

// attrGiven reports whether a record carries an attribute value: not nil,
// a blank string or an empty list, which an export writes for a custom
// field its source left empty. Like an empty field, such a value gives
// nothing: as the most recent, it would win over another record's real
// value.
func attrGiven(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return !blank(x)
	case []string:
		return len(x) > 0
	}
	return true
}

func (g *Graph) offerAttr(gp *goldenPerson, key string, m int32) {
	s := g.gsidePart(gp)
	for i := range s.attrs {
		if s.attrs[i].key == key {
			if g.pBetter(m, s.attrs[i].rec, pfAttributes) {
				s.attrs[i].rec = m
			}
			return
		}
	}
	s.attrs = append(s.attrs, keyWin{key, m})
}

// recomputePerson rebuilds a golden person from all its records.
func (g *Graph) recomputePerson(root int32) {
	gp := g.goldOf(root)
	g.resetGolden(gp)
	for m := range g.members(root) {
		g.applyPerson(gp, m)
	}
}

// members yields the records of the golden person rooted at root.
func (g *Graph) members(root int32) func(func(int32) bool) {
	return func(yield func(int32) bool) {
		m := root
		for {
			if !yield(m) {
				return
			}
			m = g.precs.at(m).next
			if m == root {
				return
			}
		}
	}
}

// personID returns the ID of the golden person rooted at root: the source
// and record ID of its first record by arrival, the root
// ("salesforce:0035e00000Abcde"), whatever the records' times.
func (g *Graph) personID(root int32) b2b.PersonID {
	r := g.precs.at(root)
	return b2b.PersonID(g.sources.names[r.src] + ":" + g.recordID(r))
}
