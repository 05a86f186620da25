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

// joinSameAccount merges the golden persons that a conflict kept apart
// because their explicit account references named different accounts
// (ConflictAccount) while those references did not yet find one golden
// account, and now do: the accounts merged, or one of them arrived. The
// persons of cands (record indices) are checked: each identifier of
// their records that finds another golden person is linked again as
// AddPerson links it, merging the two unless a conflict forbids it, so
// that persons end the same whether the accounts or the persons arrived
// first. The merged persons are added to touched; merged maps each
// golden person that took another in to those it took (by their IDs
// before the merge), in order.
func (g *Graph) joinSameAccount(cands []int32, touched map[int32]bool) (merged map[int32][]b2b.PersonID) {
	slices.Sort(cands)
	cands = slices.Compact(cands)
	for _, p := range cands {
		if g.precs.at(p).dead || g.goldenValue(g.goldOf(g.pfind(p)), pfAccountID) == "" {
			continue // no reference: no ConflictAccount kept it apart
		}
		// The records of p's golden person, and those of each person
		// merged into it, in turn.
		var recs []int32
		ring := func(root int32) {
			for m := root; ; {
				recs = append(recs, m)
				if m = g.precs.at(m).next; m == root {
					break
				}
			}
		}
		ring(g.pfind(p))
		for n := 0; n < len(recs); n++ {
			m := recs[n]
			r := g.precs.at(m)
			keys := slices.Collect(g.extras(r))
			if e := g.email(r); e != "" && !b2b.PlaceholderEmail(e) {
				keys = append(keys, identKey{g.nsEmail, e})
			}
			for _, k := range keys {
				owner, ok := k.ns.persons.get(k.val)
				if !ok || g.precs.at(owner).dead {
					continue
				}
				// Whether the two may merge is the conflicts' to say, as
				// for AddPerson: a merge made here may already have given
				// one of them the other's reference (the salesforce
				// contact's 001A to the lead of mk-9), so that a third
				// record, kept apart from the lead by its reference alike,
				// no longer differs from it.
				a, b := g.pfind(owner), g.pfind(m)
				if a == b {
					continue
				}
				if _, bad := g.personConflict(a, b, k, m); bad {
					g.markShared(&g.pShared, k)
					continue
				}
				root, loser := min(a, b), max(a, b)
				if merged == nil {
					merged = map[int32][]b2b.PersonID{}
				}
				merged[root] = append(merged[root], g.personID(loser))
				merged[root] = append(merged[root], merged[loser]...)
				delete(merged, loser)
				ring(a) // its records may find a third person
				g.mergePersons(root, loser)
				g.pruneUniq(root, g.goldOf(root))
				touched[root] = true
			}
		}
	}
	return merged
}
