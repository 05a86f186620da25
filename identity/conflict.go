package identity

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
)

// ConflictKind names why two golden records that share an identifier were
// not merged.
type ConflictKind string

// The conflict kinds.
const (
	// ConflictUniqueNamespace: the merge would give one golden record two
	// values of a unique namespace (one email on two different Salesforce
	// contacts).
	ConflictUniqueNamespace ConflictKind = "unique_namespace"
	// ConflictAccount: the merge would join two persons whose explicit
	// account references name different accounts. References to
	// accounts not loaded yet differ when their IDs do; an account record
	// that makes them one account (two IDs of one account that merge, or
	// one that arrives with the other's ID among its identifiers) merges
	// the persons then (AccountResult.MergedPersons), so that persons end
	// the same whichever arrives first.
	ConflictAccount ConflictKind = "account"
	// ConflictSameSource: the merge would join two accounts that each hold
	// a record of the same source (two CRM accounts sharing a domain, such
	// as the subsidiaries of one group).
	ConflictSameSource ConflictKind = "same_source"
	// ConflictParentCycle: merging accounts made their parent references a
	// cycle; hierarchy queries stop at the cycle and report it. An account
	// merged with its parent, whose parent reference then names itself, is
	// a cycle of one: it reads as an account without a parent.
	ConflictParentCycle ConflictKind = "parent_cycle"
)

// A Conflict reports a link that the graph refused, under this policy:
//
//  1. An identifier belongs to the golden record that held it first.
//  2. A record that brings a held identifier is merged with its holder
//     unless the merge would break a rule (a unique namespace, different
//     explicit accounts, two records of one source for accounts).
//  3. If it would, nothing is merged: the identifier stays with its first
//     holder (Kept), the record keeps its other links (in Other), and the
//     conflict is returned to the caller and counted in [Stats]. An
//     account record whose own account ID would be kept so is refused
//     with an error instead ([Graph.AddAccount]).
//  4. A new version of a record whose value of a unique namespace
//     replaces the record's older one gives its golden record the new
//     value, unless another of the golden record's records gives a value
//     of the namespace that finds it (the old one, say): the golden
//     record keeps that (rule 1), and the new value is refused. Unless
//     another golden record holds it (whose link is then refused as in
//     rule 3), the conflict names the golden record as both Kept and
//     Other.
//
// The outcome depends only on the order in which records arrive, so
// replaying the same records gives the same graph.
type Conflict struct {
	Kind ConflictKind `json:"kind"`
	// Identifier is the shared identifier that would have linked them
	// (empty for ConflictParentCycle, where nothing was refused).
	Identifier Identifier `json:"identifier"`
	// Record is the record that brought the identifier.
	Record RecordRef `json:"record"`
	// Kept is the golden record (person or account ID) that keeps the
	// identifier; Other is the golden record the new record belongs to.
	// For ConflictParentCycle, Kept is the account the record merged
	// into, which is its own ancestor now, and Other the account whose
	// parent it is, closing the cycle (Kept again when the account's
	// parent reference names itself). For a new version's value of a
	// unique namespace refused to the record's own golden record (rule
	// 4), both name that golden record, which keeps its own value (in
	// Detail, first).
	Kept  string `json:"kept"`
	Other string `json:"other"`
	// Detail gives the values that clashed (for ConflictParentCycle, the
	// cycle).
	Detail string `json:"detail"`
}

func (c Conflict) String() string {
	if c.Kind == ConflictParentCycle {
		// Nothing was refused: the accounts merged, and their parents
		// now loop.
		if c.Kept == c.Other {
			return fmt.Sprintf("%s conflict from %s: account %s is its own parent (%s)", c.Kind, c.Record, c.Kept, c.Detail)
		}
		return fmt.Sprintf("%s conflict from %s: account %s is its own ancestor through %s (%s)",
			c.Kind, c.Record, c.Kept, c.Other, c.Detail)
	}
	return fmt.Sprintf("%s conflict on %s from %s: kept %s, not merged with %s (%s)",
		c.Kind, c.Identifier, c.Record, c.Kept, c.Other, c.Detail)
}

// uniqueClash returns the detail of a clash between the values of unique
// namespaces of two golden records ("" with none): of the clashing pairs,
// the first by namespace name, then values. Not the first in the records'
// order: a golden record lists its values in the order it took them,
// which depends on the order its records merged in (Restore takes them in
// another), and a conflict reads the same after Restore.
func uniqueClash(a, b iter.Seq[identKey]) string {
	var best [2]identKey
	found := false
	for u := range a {
		for v := range b {
			if u.ns != v.ns || u.val == v.val {
				continue
			}
			if !found || cmp.Or(cmp.Compare(u.ns.spec.Name, best[0].ns.spec.Name),
				cmp.Compare(u.val, best[0].val), cmp.Compare(v.val, best[1].val)) < 0 {
				best, found = [2]identKey{u, v}, true
			}
		}
	}
	if !found {
		return ""
	}
	return fmt.Sprintf("%s %q vs %q", best[0].ns.spec.Name, best[0].val, best[1].val)
}

func (g *Graph) personConflict(a, b int32, k identKey, rec int32) (Conflict, bool) {
	ga, gb := g.goldOf(a), g.goldOf(b)
	detail := ""
	kind := ConflictKind("")
	if ga.uniq0.ns != 0 && gb.uniq0.ns != 0 {
		if d := uniqueClash(g.uniqs(ga), g.uniqs(gb)); d != "" {
			kind, detail = ConflictUniqueNamespace, d
		}
	}
	if kind == "" {
		ra, rb := g.goldenValue(ga, pfAccountID), g.goldenValue(gb, pfAccountID)
		if ra != "" && rb != "" && ra != rb {
			xa, xb := g.accountRoot(ra), g.accountRoot(rb)
			if xa < 0 || xb < 0 || xa != xb {
				kind, detail = ConflictAccount, fmt.Sprintf("account %q vs %q", ra, rb)
			}
		}
	}
	if kind == "" {
		return Conflict{}, false
	}
	r := g.precs.at(rec)
	return Conflict{
		Kind:       kind,
		Identifier: k.id(),
		Record:     RecordRef{g.sources.names[r.src], g.recordID(r)},
		Kept:       string(g.personID(a)),
		Other:      string(g.personID(b)),
		Detail:     detail,
	}, true
}

// sharedSource returns the first by name of the sources in both a and b,
// "" with none. Not the first in a's order: a golden account lists its
// sources in the order it took them, which depends on the order its
// records merged in (Restore takes them in another), and a conflict
// reads the same after Restore.
func (g *Graph) sharedSource(a, b []int32) string {
	out := ""
	for _, s := range a {
		if name := g.sources.names[s]; slices.Contains(b, s) && (out == "" || name < out) {
			out = name
		}
	}
	return out
}

// accountsClash tells why two accounts, with these sources and values of
// unique namespaces, cannot be one: another value of a unique namespace
// first, then a source both hold; "" when they can.
func (g *Graph) accountsClash(srcsA []int32, uniqA []identKey, srcsB []int32, uniqB []identKey) (ConflictKind, string) {
	if d := uniqueClash(slices.Values(uniqA), slices.Values(uniqB)); d != "" {
		return ConflictUniqueNamespace, d
	}
	if s := g.sharedSource(srcsA, srcsB); s != "" {
		return ConflictSameSource, fmt.Sprintf("both hold a %s record", s)
	}
	return "", ""
}

func (g *Graph) accountConflict(a, b int32, k identKey, rec int32) (Conflict, bool) {
	ga, gb := g.agold(a), g.agold(b)
	kind, detail := g.accountsClash(g.lists.items(ga.srcs), g.auniq(ga), g.lists.items(gb.srcs), g.auniq(gb))
	if kind == "" {
		return Conflict{}, false
	}
	r := &g.arecs[rec]
	return Conflict{Kind: kind, Identifier: k.id(), Record: RecordRef{r.a.Source, r.recordID},
		Kept: string(g.accountID(a)), Other: string(g.accountID(b)), Detail: detail}, true
}
