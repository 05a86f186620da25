package identity

// Golden accounts: their state, held by the root of their records, and how
// records and other golden accounts are merged into it.

import (
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// goldenAccount is the state of a golden account, held by its root record.
// Like golden persons it holds no pointers (its lists are in Graph.lists,
// its strings in Graph.text, its rare parts in Graph.asides), so that the
// garbage collector does not scan the golden accounts.
type goldenAccount struct {
	win [nAccountScalars]int32
	// domains lists the entries in Graph.domains of the records' domains
	// (their union, by first appearance) but placeholders, which identify
	// no account; the first indexed of them list the account.
	domains  list
	indexed  int32
	srcs     list  // the records' sources, by first appearance
	nameKey  sref  // key in Graph.names
	parentOf sref  // key in childrenByRef
	side     int32 // 1 + index in Graph.asides; 0: none
}

// accountSide holds the parts of a golden account that most lack.
type accountSide struct {
	attrs []keyWin
	uniq  []identKey
}

// agold returns the golden account of a root account record, or nil.
func (g *Graph) agold(i int32) *goldenAccount {
	if gi := g.arecs[i].gold; gi != 0 {
		return g.agolds.at(gi - 1)
	}
	return nil
}

// newAgold gives account record i a new golden account.
func (g *Graph) newAgold(i int32) *goldenAccount {
	gi := g.agolds.add()
	g.arecs[i].gold = gi + 1
	return g.agolds.at(gi)
}

func (g *Graph) aside(ga *goldenAccount) *accountSide {
	if ga.side == 0 {
		return nil
	}
	return g.asides.at(ga.side - 1)
}

func (g *Graph) asidePart(ga *goldenAccount) *accountSide {
	if ga.side == 0 {
		ga.side = g.asides.add() + 1
	}
	return g.asides.at(ga.side - 1)
}

// auniq returns the values of unique namespaces a golden account holds.
func (g *Graph) auniq(ga *goldenAccount) []identKey {
	if s := g.aside(ga); s != nil {
		return s.uniq
	}
	return nil
}

// aattrs returns the attribute winners of a golden account.
func (g *Graph) aattrs(ga *goldenAccount) []keyWin {
	if s := g.aside(ga); s != nil {
		return s.attrs
	}
	return nil
}

// adomains returns the domains of the golden account rooted at root: those
// of its records in order of arrival, each record's in its order (a new
// version's first), so that they read the same whatever order the records
// merged and took domains in, and after Restore; placeholders
// (placeholderDomain) come after every other, in the same order, so
// that the first is the main domain. (ga.domains holds the same set but
// placeholders in the order the account gained them, for the domain
// index.)
func (g *Graph) adomains(root int32) []string {
	var recs []int32
	for m := root; ; {
		recs = append(recs, m)
		if m = g.arecs[m].next; m == root {
			break
		}
	}
	slices.Sort(recs)
	var out, filled []string
	for _, m := range recs {
		for _, d := range g.recDomains(&g.arecs[m]) {
			switch {
			case slices.Contains(out, d) || slices.Contains(filled, d):
			case g.noAccountDomain(d):
				filled = append(filled, d)
			default:
				out = append(out, d)
			}
		}
	}
	return append(out, filled...)
}

// afind returns the root of account record i. The parents are kept apart
// from the records (Graph.aparent), in 4 bytes an account, so that the
// finds of resolution stay in the processor's caches.
func (g *Graph) afind(i int32) int32 {
	r := g.aparent
	for r[i] != i {
		p := r[i]
		r[i] = r[p]
		i = r[p]
	}
	return i
}

// accountRoot returns the golden account that an account reference (any
// record's Account.ID or NSAccountID identifier) names, or -1.
func (g *Graph) accountRoot(ref string) int32 {
	i, ok := g.nsAcctID.accounts.get(ref)
	if !ok {
		return -1
	}
	return g.afind(i)
}

func (g *Graph) accountID(root int32) b2b.AccountID { return g.arecs[root].a.ID }

func (g *Graph) resetAccount(ga *goldenAccount) {
	for f := range ga.win {
		ga.win[f] = -1
	}
	g.lists.clear(&ga.srcs)
	if s := g.aside(ga); s != nil {
		s.attrs, s.uniq = s.attrs[:0], s.uniq[:0]
	}
}

func (g *Graph) applyAccount(ga *goldenAccount, m int32) {
	r := &g.arecs[m]
	for f := range nAccountScalars {
		if accountCarries(&r.a, f) && (ga.win[f] < 0 || g.aBetter(m, ga.win[f], f)) {
			ga.win[f] = m
		}
	}
	for k, v := range r.a.Attributes {
		if attrGiven(v) {
			g.offerAccountAttr(ga, k, m)
		}
	}
	for _, e := range g.lists.items(r.domains) {
		if !slices.Contains(g.lists.items(ga.domains), e) && !g.noAccountDomain(g.domains.name(e)) {
			g.lists.add(&ga.domains, e)
		}
	}
	if !slices.Contains(g.lists.items(ga.srcs), int32(r.src)) {
		g.lists.add(&ga.srcs, int32(r.src))
	}
	for _, k := range r.extra {
		if k.ns.spec.Unique && !slices.Contains(g.auniq(ga), k) {
			s := g.asidePart(ga)
			s.uniq = append(s.uniq, k)
		}
	}
}

func (g *Graph) offerAccountAttr(ga *goldenAccount, key string, m int32) {
	s := g.asidePart(ga)
	for i := range s.attrs {
		if s.attrs[i].key == key {
			if g.aBetter(m, s.attrs[i].rec, afAttributes) {
				s.attrs[i].rec = m
			}
			return
		}
	}
	s.attrs = append(s.attrs, keyWin{key, m})
}

func (g *Graph) recomputeAccount(root int32) {
	ga := g.agold(root)
	g.resetAccount(ga)
	m := root
	for {
		g.applyAccount(ga, m)
		if m = g.arecs[m].next; m == root {
			break
		}
	}
}

// mergeAccounts merges the golden account rooted at loser into root; the
// persons linked to loser are added to touched for re-resolution.
func (g *Graph) mergeAccounts(root, loser int32, touched map[int32]bool) {
	r, l := g.agold(root), g.agold(loser)
	for f := range nAccountScalars {
		if w := l.win[f]; w >= 0 && (r.win[f] < 0 || g.aBetter(w, r.win[f], f)) {
			r.win[f] = w
		}
	}
	for _, kw := range g.aattrs(l) {
		g.offerAccountAttr(r, kw.key, kw.rec)
	}
	for _, e := range g.lists.items(l.domains) {
		g.lists.removeOne(&g.domains.ents[e].accts, loser)
		if !slices.Contains(g.lists.items(r.domains), e) {
			g.lists.add(&r.domains, e)
		}
	}
	if l.nameKey.n != 0 {
		g.removeByName(g.str(l.nameKey), loser, touched)
	}
	for _, s := range g.lists.items(l.srcs) {
		if !slices.Contains(g.lists.items(r.srcs), s) {
			g.lists.add(&r.srcs, s)
		}
	}
	if lu := g.auniq(l); len(lu) > 0 {
		s := g.asidePart(r)
		s.uniq = append(s.uniq, lu...)
	}
	g.lists.clear(&l.domains)
	g.lists.clear(&l.srcs)
	// The loser's persons move to root (a person linked to both appears
	// twice until it is re-resolved) and are re-resolved.
	ms := g.lists.items(g.acctMembers[loser])
	for _, p := range ms {
		touched[p] = true
	}
	g.lists.addAll(&g.acctMembers[root], ms)
	g.lists.clear(&g.acctMembers[loser])
	ar, al := &g.arecs[root], &g.arecs[loser]
	ar.next, al.next = al.next, ar.next
	g.aparent[loser] = root
	al.gold = 0
	g.accounts--
}
