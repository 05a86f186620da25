package identity

import (
	"cmp"
	"fmt"
	"iter"
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
	// account references name different accounts.
	ConflictAccount ConflictKind = "account"
	// ConflictSameSource: the merge would join two accounts that each hold
	// a record of the same source (two CRM accounts sharing a domain, such
	// as the subsidiaries of one group).
	ConflictSameSource ConflictKind = "same_source"
	// ConflictParentCycle: merging accounts made their parent references a
	// cycle; hierarchy queries stop at the cycle and report it.
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
//
// The outcome depends only on the order in which records arrive, so
// replaying the same records gives the same graph.
type Conflict struct {
	Kind ConflictKind `json:"kind"`
	// Identifier is the shared identifier that would have linked them.
	Identifier Identifier `json:"identifier"`
	// Record is the record that brought the identifier.
	Record RecordRef `json:"record"`
	// Kept is the golden record (person or account ID) that keeps the
	// identifier; Other is the golden record the new record belongs to.
	Kept  string `json:"kept"`
	Other string `json:"other"`
	// Detail gives the values that clashed.
	Detail string `json:"detail"`
}

func (c Conflict) String() string {
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
