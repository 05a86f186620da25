package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// An EraseReport lists what Erase removed.
type EraseReport struct {
	Person  b2b.PersonID `json:"person"`
	Records []RecordRef  `json:"records"` // every source record of the person
	// Identifiers lists, sorted, every identifier that found the person:
	// those another person's record gives too now find that person (see
	// [Graph.Erase]), the others no one.
	Identifiers []Identifier `json:"identifiers"`
	Links       []Link       `json:"links"` // the account links removed
}

// Erase removes a person (right to be forgotten): every source record of
// the golden person, every identifier and every account link, and reports
// what it removed. Afterwards the person's ID, records and identifiers are
// unknown to the graph; the counters in Stats keep no personal data. A
// record that arrives again later creates a new person: suppressing
// re-imports is the caller's policy.
//
// An identifier of the person that another person's record gives too (a
// conflict kept it with the erased person, which held it first) goes to
// the person of the first record, by arrival, that gives it, as if the
// erased person had never been: Lookup finds that person by it, and a
// later record that gives it joins that person. Not a person whose
// records give another value of the identifier's unique namespace too
// (a value that finds it would have refused it the identifier): the
// identifier then goes to the next record's person, or finds no one.
// Erase merges no persons: two others that both give the identifier stay
// apart (the one that takes it holds it, as after a conflict), though
// they might have merged by it without the erased person.
func (g *Graph) Erase(id b2b.PersonID) (EraseReport, error) {
	root, ok := g.personRoot(id)
	if !ok || g.precs.at(root).dead {
		return EraseReport{}, fmt.Errorf("erase: %w %q", ErrUnknownPerson, id)
	}
	gi := g.precs.at(root).gold
	gp := g.goldens.at(gi - 1)
	rep := EraseReport{Person: g.personID(root), Links: g.links(root)}
	g.setLinks(root, gp, link{}, nil)
	var recs []int32
	for m := range g.members(root) {
		recs = append(recs, m)
	}
	slices.Sort(recs)
	for _, m := range recs {
		g.precs.at(m).dead = true
	}
	g.unwait(gp)
	var removed []identKey
	for _, m := range recs {
		r := g.precs.at(m)
		rep.Records = append(rep.Records, RecordRef{g.sources.names[r.src], g.recordID(r)})
		g.pkeys[r.src].delete(g.recordID(r))
		g.nprecs--
		keys := slices.Collect(g.extras(r))
		if e := g.email(r); e != "" {
			keys = append(keys, identKey{g.nsEmail, e})
		}
		for _, k := range keys {
			if owner, ok := k.ns.persons.get(k.val); ok && g.pfind(owner) == root {
				k.ns.persons.delete(k.val)
				removed = append(removed, k)
				if !slices.Contains(rep.Identifiers, k.id()) {
					rep.Identifiers = append(rep.Identifiers, k.id())
				}
			}
		}
	}
	// The indexes compare keys with the values records hold: clear the
	// records only once no index entry refers to them. (The bytes of their
	// text stay in the text store, which is never rewritten, but nothing
	// refers to them any more.)
	for _, m := range recs {
		r := g.precs.at(m)
		if r.side != 0 {
			*g.side(r) = personSide{}
		}
		*r = personRec{parent: r.parent, next: r.next, src: r.src, dead: true}
	}
	g.freeGolden(gi)
	g.rehomePersonKeys(removed, -1)
	slices.SortFunc(rep.Identifiers, func(a, b Identifier) int { return strings.Compare(a.String(), b.String()) })
	g.persons--
	g.stats.Erased++
	return rep, nil
}

// orphans returns the keys of keys that another record was seen to give
// (shared) and that find no holder: those a hand-over looks for.
func orphans(keys []identKey, shared map[identKey]struct{}, held func(identKey) bool) map[identKey]bool {
	left := map[identKey]bool{}
	for _, k := range keys {
		if _, ok := shared[k]; ok && !held(k) {
			left[k] = true
		}
	}
	return left
}

// rehomePersonKeys gives each of keys that finds no person (its holder
// was erased, or a new version of the holder's record replaced it) to
// the first live record by arrival, of a golden person other than the one
// rooted at skip (-1: none), that gives it and whose golden person may
// take it: for a unique namespace, one whose records give no other value
// of it (a value they give besides would refuse it the key, or be
// refused). Only keys another person's record was seen to give
// (Graph.pShared) are looked for; for those it scans every record:
// erasure and replaced values that another person gives too are rare,
// and the index keeps no list of a value's other holders.
func (g *Graph) rehomePersonKeys(keys []identKey, skip int32) {
	left := orphans(keys, g.pShared, func(k identKey) bool { _, ok := k.ns.persons.get(k.val); return ok })
	var took []int32
	for m := int32(0); m < g.precs.len() && len(left) > 0; m++ {
		r := g.precs.at(m)
		if r.dead {
			continue
		}
		root := int32(-1)
		offer := func(k identKey) {
			if !left[k] {
				return
			}
			if root < 0 {
				root = g.pfind(m)
			}
			if root == skip || k.ns.spec.Unique && g.givesOther(root, k) {
				return
			}
			k.ns.persons.put(k.val, m)
			delete(left, k)
			if !slices.Contains(took, root) {
				took = append(took, root)
			}
		}
		for k := range g.extras(r) {
			offer(k)
		}
		if e := g.email(r); e != "" && !b2b.PlaceholderEmail(e) {
			offer(identKey{g.nsEmail, e})
		}
	}
	for _, root := range took {
		if g.precs.at(root).gold != 0 {
			g.pruneUniq(root, g.goldOf(root))
		}
	}
}

// givesOther reports whether a record of the golden person rooted at
// root gives a value of k's namespace other than k.
func (g *Graph) givesOther(root int32, k identKey) bool {
	for m := range g.members(root) {
		r := g.precs.at(m)
		for o := range g.extras(r) {
			if o.ns == k.ns && o.val != k.val {
				return true
			}
		}
		if e := g.email(r); k.ns == g.nsEmail && e != "" && e != k.val && !b2b.PlaceholderEmail(e) {
			return true
		}
	}
	return false
}

// markShared notes in *set that another person's (or account's) record
// gives k (see Graph.pShared).
func (g *Graph) markShared(set *map[identKey]struct{}, k identKey) {
	if *set == nil {
		*set = map[identKey]struct{}{}
	}
	(*set)[k] = struct{}{}
}
