package identity

// Unique namespaces over a record's versions: the newest version's value
// of a unique namespace replaces the value an older version of the record
// gave (a Marketo lead re-synced to another Salesforce contact, a DUNS
// number corrected), where the values of other namespaces accumulate.

import (
	"fmt"
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// replaces reports whether o, a value a record holds, is replaced by a
// new version that gives the values given of unique namespaces: o is of
// a unique namespace the version gives another value of.
func replaces(given []identKey, o identKey) bool {
	return o.ns.spec.Unique && !slices.Contains(given, o) &&
		slices.ContainsFunc(given, func(k identKey) bool { return k.ns == o.ns })
}

// personGiven returns the values of unique namespaces a new version of a
// person record gives: among its identifiers (extra, as preparePerson
// returns them) and its email when NSEmail is declared unique.
func (g *Graph) personGiven(rec *PersonRecord, extra []identKey) []identKey {
	var given []identKey
	for _, k := range extra {
		if k.ns.spec.Unique {
			given = append(given, k)
		}
	}
	if e := rec.Person.Email; e != "" && g.nsEmail.spec.Unique && !b2b.PlaceholderEmail(e) {
		given = append(given, identKey{g.nsEmail, e})
	}
	return given
}

// retirePerson takes from person record i the values of unique namespaces
// that its new version, which gives given, replaces, and returns them. It
// moves their index entries first, as the person indexes compare a key
// with the value its record holds: an entry of record i goes to another
// record of its golden person that gives the value still (which the
// golden person keeps), or leaves the person, so that a later record that
// gives it is free of this person: it goes to another person whose record
// gives it, as after Erase (see rehomePersonKeys), or finds nobody. The
// caller drops the values from the record (the email by not keeping it
// as a former email).
func (g *Graph) retirePerson(i int32, given []identKey) (retired []identKey) {
	if len(given) == 0 {
		return nil
	}
	r := g.precs.at(i)
	olds := slices.Collect(g.extras(r))
	if e := g.email(r); e != "" && !b2b.PlaceholderEmail(e) {
		olds = append(olds, identKey{g.nsEmail, e})
	}
	root := g.pfind(i)
	var left []identKey
	for _, o := range olds {
		if !replaces(given, o) || slices.Contains(retired, o) {
			continue
		}
		if owner, ok := o.ns.persons.get(o.val); ok && owner == i {
			holder := int32(-1)
			for m := range g.members(root) {
				if m != i && g.holdsIdent(m, o.ns, o.val) {
					holder = m
					break
				}
			}
			if holder >= 0 {
				o.ns.persons.put(o.val, holder)
			} else {
				o.ns.persons.delete(o.val)
				left = append(left, o)
			}
		}
		retired = append(retired, o)
	}
	// A value that left the person goes to another person that gives it
	// (a conflict kept it with this one), as after Erase.
	g.rehomePersonKeys(left, root)
	return retired
}

// personKept returns the values of the namespaces of given, other than
// given, that the golden person of record i holds through its other
// records: values they give that find it. A new version of record i
// that gives another value of such a namespace cannot make it the
// person's (see refuseGiven).
func (g *Graph) personKept(i int32, given []identKey) []identKey {
	if len(given) == 0 {
		return nil
	}
	root := g.pfind(i)
	var kept []identKey
	offer := func(k identKey) {
		if !replaces(given, k) || slices.Contains(kept, k) {
			return
		}
		if o, ok := k.ns.persons.get(k.val); ok && g.pfind(o) == root {
			kept = append(kept, k)
		}
	}
	for m := range g.members(root) {
		if m == i {
			continue
		}
		r := g.precs.at(m)
		for k := range g.extras(r) {
			offer(k)
		}
		if e := g.email(r); e != "" && g.nsEmail.spec.Unique && !b2b.PlaceholderEmail(e) {
			offer(identKey{g.nsEmail, e})
		}
	}
	return kept
}

// refuseGiven removes from idents the values given whose namespace has a
// value in kept (the golden record holds it through another of its
// records, and keeps it) and that no golden record holds, and reports
// each as a ConflictUniqueNamespace of the golden record gold with
// itself: taken, the value would be its second of the namespace. A value
// that another golden record holds stays in idents, for the link to be
// refused as any link bringing a second value is; one that gold holds
// already stays too. has tells whether a golden record holds a value.
func (g *Graph) refuseGiven(idents, given, kept []identKey, has func(identKey) bool, rec RecordRef, gold string, conflicts *[]Conflict) []identKey {
	if len(kept) == 0 {
		return idents
	}
	for _, k := range given {
		// The least value kept, not the first: kept is in the order of
		// the golden record's records, which Restore makes in another,
		// and a conflict reads the same after Restore.
		ki := -1
		for j, o := range kept {
			if o.ns == k.ns && (ki < 0 || o.val < kept[ki].val) {
				ki = j
			}
		}
		if ki < 0 || has(k) {
			continue
		}
		// idents shares its array with the record's prepared identifiers.
		idents = slices.DeleteFunc(slices.Clone(idents), func(x identKey) bool { return x == k })
		c := Conflict{Kind: ConflictUniqueNamespace, Identifier: k.id(), Record: rec, Kept: gold, Other: gold,
			Detail: fmt.Sprintf("%s %q vs %q", k.ns.spec.Name, kept[ki].val, k.val)}
		*conflicts = append(*conflicts, c)
		g.stats.Conflicts[c.Kind]++
	}
	return idents
}

// pruneUniq keeps, of the values of a unique namespace that the records
// of the golden person rooted at root give, those that find it when some
// do and others do not: a value refused to it (see refuseGiven), which a
// record gives but which finds nobody or another person, is none of its.
// Values that all find it (a state saved before new versions replaced
// their values) or none (a conflict kept a record's only value with
// another person) all stay, as before. Only a golden person with more
// than one value of unique namespaces reads the indexes. It runs once the
// records' index entries are settled (after a new version's links, and in
// Restore), not in recomputePerson: before its links, a new version's
// value finds nobody yet.
func (g *Graph) pruneUniq(root int32, gp *goldenPerson) {
	if s := g.gside(gp); s == nil || len(s.uniq) == 0 {
		return
	}
	all := slices.Collect(g.uniqs(gp))
	keep := pruned(all, func(k identKey) bool {
		o, ok := k.ns.persons.get(k.val)
		return ok && g.pfind(o) == root
	})
	if len(keep) == len(all) {
		return
	}
	s := g.gside(gp)
	gp.uniq0, s.uniq = ukey{}, s.uniq[:0]
	for _, k := range keep {
		g.addUniq(gp, k, -1)
	}
}

// pruned returns the values of all that find their golden record, and
// those of namespaces none of whose values do.
func pruned(all []identKey, finds func(identKey) bool) []identKey {
	var keep []identKey
	for _, k := range all {
		if finds(k) || !slices.ContainsFunc(all, func(o identKey) bool { return o.ns == k.ns && o.val != k.val && finds(o) }) {
			keep = append(keep, k)
		}
	}
	return keep
}

// accountGiven returns the values of unique namespaces among the
// identifiers a new version of an account record gives (extra, as
// prepareAccount returns them), but account IDs and domains: a former
// account ID keeps naming the account, and domains accumulate.
func (g *Graph) accountGiven(extra []identKey) []identKey {
	var given []identKey
	for _, k := range extra {
		if k.ns.spec.Unique && k.ns != g.nsAcctID && k.ns != g.nsDomain {
			given = append(given, k)
		}
	}
	return given
}

// accountRetiring returns the values of unique namespaces that the new
// version of account record i, which gives given, replaces, and those of
// them that no other record of its golden account gives (which leave
// it), changing nothing.
func (g *Graph) accountRetiring(i int32, given []identKey) (retired, leaving []identKey) {
	if len(given) == 0 {
		return nil, nil
	}
	root := g.afind(i)
	for _, o := range g.arecs[i].extra {
		if !replaces(given, o) || slices.Contains(retired, o) {
			continue
		}
		retired = append(retired, o)
		if g.accountHolder(root, i, o) < 0 {
			leaving = append(leaving, o)
		}
	}
	return retired, leaving
}

// accountHolder returns a record of the golden account rooted at root,
// other than i, that gives k among its identifiers, or -1.
func (g *Graph) accountHolder(root, i int32, k identKey) int32 {
	for m := root; ; {
		if m != i && slices.Contains(g.arecs[m].extra, k) {
			return m
		}
		if m = g.arecs[m].next; m == root {
			return -1
		}
	}
}

// retireAccount takes the values retired from account record i: an index
// entry of the record goes to a record of its golden account that still
// gives the value, or leaves the account, so that a later record that
// gives it is free of this one: it goes to another account whose record
// gives it (see rehomeAccountKeys), or finds no account.
func (g *Graph) retireAccount(i int32, retired []identKey) {
	if len(retired) == 0 {
		return
	}
	root := g.afind(i)
	var left []identKey
	for _, o := range retired {
		if owner, ok := o.ns.accounts.get(o.val); ok && owner == i {
			if holder := g.accountHolder(root, i, o); holder >= 0 {
				o.ns.accounts.put(o.val, holder)
			} else {
				o.ns.accounts.delete(o.val)
				left = append(left, o)
			}
		}
	}
	g.rehomeAccountKeys(left, root)
	r := &g.arecs[i]
	r.extra = slices.DeleteFunc(r.extra, func(k identKey) bool { return slices.Contains(retired, k) })
}

// rehomeAccountKeys is rehomePersonKeys for accounts: each of keys (values
// of namespaces other than account IDs and domains, which never leave an
// account) that finds no account goes to the first account record by
// arrival, of a golden account other than the one rooted at skip (-1:
// none), that gives it among its identifiers and whose golden account's
// records give no other value of its namespace when that is unique.
func (g *Graph) rehomeAccountKeys(keys []identKey, skip int32) {
	left := orphans(keys, g.aShared, func(k identKey) bool { _, ok := k.ns.accounts.get(k.val); return ok })
	var took []int32
	for m := 0; m < len(g.arecs) && len(left) > 0; m++ {
		for _, k := range g.arecs[m].extra {
			if !left[k] {
				continue
			}
			root := g.afind(int32(m))
			if root == skip || k.ns.spec.Unique && g.accountGivesOther(root, k) {
				continue
			}
			k.ns.accounts.put(k.val, int32(m))
			delete(left, k)
			if !slices.Contains(took, root) {
				took = append(took, root)
			}
		}
	}
	for _, root := range took {
		g.pruneAuniq(root, g.agold(root))
	}
}

// accountGivesOther reports whether a record of the golden account rooted
// at root gives a value of k's namespace other than k among its
// identifiers.
func (g *Graph) accountGivesOther(root int32, k identKey) bool {
	for m := root; ; {
		for _, o := range g.arecs[m].extra {
			if o.ns == k.ns && o.val != k.val {
				return true
			}
		}
		if m = g.arecs[m].next; m == root {
			return false
		}
	}
}

// accountKept is personKept for account record i.
func (g *Graph) accountKept(i int32, given []identKey) []identKey {
	if len(given) == 0 {
		return nil
	}
	root := g.afind(i)
	var kept []identKey
	for m := root; ; {
		if m != i {
			for _, k := range g.arecs[m].extra {
				if !replaces(given, k) || slices.Contains(kept, k) {
					continue
				}
				if o, ok := k.ns.accounts.get(k.val); ok && g.afind(o) == root {
					kept = append(kept, k)
				}
			}
		}
		if m = g.arecs[m].next; m == root {
			break
		}
	}
	return kept
}

// pruneAuniq is pruneUniq for the golden account rooted at root.
func (g *Graph) pruneAuniq(root int32, ga *goldenAccount) {
	s := g.aside(ga)
	if s == nil || len(s.uniq) < 2 {
		return
	}
	keep := pruned(s.uniq, func(k identKey) bool {
		o, ok := k.ns.accounts.get(k.val)
		return ok && g.afind(o) == root
	})
	if len(keep) < len(s.uniq) {
		s.uniq = append(s.uniq[:0], keep...)
	}
}
