package identity

// Persons waiting in the resolution indexes (for an account reference, a
// domain, a company name) and their resolution again when an account
// that may be theirs arrives or changes.

import (
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// refreshAccount brings the resolution and hierarchy indexes up to date
// with a golden account, and collects the persons whose links may change.
func (g *Graph) refreshAccount(root int32, touched map[int32]bool) {
	ga := g.agold(root)
	for _, d := range g.lists.items(ga.domains)[ga.indexed:] {
		e := &g.domains.ents[d]
		if !slices.Contains(g.lists.items(e.accts), root) {
			g.lists.add(&e.accts, root)
		}
		for _, p := range g.lists.items(e.wait) {
			touched[p] = true
		}
	}
	ga.indexed = int32(ga.domains.len())
	key := ""
	if w := ga.win[afName]; w >= 0 {
		key = NormalizeCompanyName(g.arecs[w].a.Name)
	}
	if old := g.str(ga.nameKey); key != old {
		if old != "" {
			g.removeByName(old, root, touched)
			for _, p := range g.lists.items(g.acctMembers[root]) {
				touched[p] = true
			}
		}
		ga.nameKey = g.text.put(key)
		if key != "" {
			e := g.names.entry(key)
			g.lists.add(&e.accts, root)
			g.takeWaitingName(e, touched)
			// Persons linked by the same name elsewhere may become ambiguous.
			for _, other := range g.lists.items(e.accts) {
				for _, p := range g.lists.items(g.acctMembers[other]) {
					touched[p] = true
				}
			}
		}
	}
	parent := ""
	if w := ga.win[afParentID]; w >= 0 {
		parent = string(g.arecs[w].a.ParentID)
	}
	if parent != g.str(ga.parentOf) {
		ga.parentOf = g.text.put(parent)
		if parent != "" && !slices.Contains(g.childrenByRef[parent], root) {
			g.childrenByRef[parent] = append(g.childrenByRef[parent], root)
		}
	}
}

// removeByName removes an account root from the accounts of a name key,
// and moves the persons waiting under the key into touched: with one
// account fewer, a name that was ambiguous may not be any more.
func (g *Graph) removeByName(key string, root int32, touched map[int32]bool) {
	if e := g.names.get(key); e != nil {
		g.lists.removeOne(&e.accts, root)
		g.takeWaitingName(e, touched)
	}
}

// takeWaitingName moves the persons waiting under a company key into
// touched.
func (g *Graph) takeWaitingName(e *domainEntry, touched map[int32]bool) {
	for _, p := range g.lists.items(e.wait) {
		if !g.precs.at(p).dead {
			r := g.pfind(p)
			if gp := g.goldOf(r); gp != nil {
				gp.nameIdx = sref{}
			}
		}
		touched[p] = true
	}
	g.lists.clear(&e.wait)
}

// takeWaiting moves the persons waiting under key into touched.
func (g *Graph) takeWaiting(idx map[string][]int32, key string, touched map[int32]bool, reset func(*goldenPerson)) {
	ps, ok := idx[key]
	if !ok {
		return
	}
	delete(idx, key)
	for _, p := range ps {
		if !g.precs.at(p).dead {
			r := g.pfind(p)
			if gp := g.goldOf(r); gp != nil {
				reset(gp)
			}
		}
		touched[p] = true
	}
}

// reresolve resolves the touched persons again and returns the IDs of
// those whose links changed.
func (g *Graph) reresolve(touched map[int32]bool) []b2b.PersonID {
	roots := make([]int32, 0, len(touched))
	for p := range touched {
		if !g.precs.at(p).dead {
			roots = append(roots, g.pfind(p))
		}
	}
	var out []b2b.PersonID
	for _, r := range sortedUnique(roots) {
		if g.resolvePerson(r) {
			out = append(out, g.personID(r))
		}
	}
	slices.Sort(out)
	return out
}

// unwait removes a golden person from the resolution indexes.
func (g *Graph) unwait(gp *goldenPerson) {
	if gp.refIdx.n != 0 {
		g.dropWait(g.waitRef, g.str(gp.refIdx))
	}
	if gp.nameIdx.n != 0 {
		if e := g.names.get(g.str(gp.nameIdx)); e != nil {
			g.lists.keep(&e.wait, g.liveRoot)
		}
	}
	for d := g.str(gp.hostIdx); d != ""; d = parentDomain(d) {
		if e := g.domains.get(d); e != nil {
			g.lists.keep(&e.wait, g.liveRoot)
		}
	}
}

// dropWait removes the dead and merged-away persons of one index entry.
func (g *Graph) dropWait(idx map[string][]int32, key string) {
	if out := g.liveWaiting(idx[key]); len(out) == 0 {
		delete(idx, key)
	} else {
		idx[key] = out
	}
}

// liveRoot reports whether a person is a live root.
func (g *Graph) liveRoot(p int32) bool { return !g.precs.at(p).dead && g.precs.at(p).gold != 0 }

// liveWaiting keeps the persons of a waiting list that are live roots.
func (g *Graph) liveWaiting(l []int32) []int32 {
	out := l[:0]
	for _, p := range l {
		if g.liveRoot(p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
