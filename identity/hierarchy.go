package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// parentRoot returns the golden parent of an account, or -1 when it has
// none, the parent is not loaded, or the parent reference names the
// account itself (see selfParent).
func (g *Graph) parentRoot(root int32) int32 {
	ref := g.str(g.agold(root).parentOf)
	if ref == "" {
		return -1
	}
	p := g.accountRoot(ref)
	if p == root {
		return -1
	}
	return p
}

// checkCycle refuses a record whose parent is the account it belongs to or
// one of that account's descendants, a parent that is one of the record's
// own account IDs that no account holds yet (an identifier it gives,
// which its account claims) among them. A known record belongs to its
// golden account. A new one belongs to the golden accounts it would merge with:
// the owners of its identifiers that AddAccount would merge it with, in
// the order it links them (see mergeTargets), not those it would be kept
// apart from by a conflict (a subsidiary holding its group's domain, both
// CRM accounts: ConflictSameSource), which are another account and may be
// its parent. Merges of a known record's new version with other accounts
// are not checked here: a cycle they close is reported as a
// ConflictParentCycle.
func (g *Graph) checkCycle(rec *AccountRecord, idents, extra []identKey, existing int32, known bool) error {
	ref := string(rec.Account.ParentID)
	if ref == "" {
		return nil
	}
	self := func(r string) bool {
		for _, k := range idents {
			if k.ns == g.nsAcctID && k.val == r {
				return true
			}
		}
		return false
	}
	pr := g.accountRoot(ref)
	if pr < 0 {
		if self(ref) {
			// Held by no account, the ID is the record's account's once
			// it is added: the account would be its own parent.
			return &CycleError{Path: []b2b.AccountID{rec.Account.ID, rec.Account.ID}}
		}
		return nil
	}
	var targets []int32
	if known {
		targets = []int32{g.afind(existing)}
	} else {
		targets = g.mergeTargets(rec.Source, idents, extra)
	}
	path := []b2b.AccountID{rec.Account.ID}
	seen := map[int32]bool{}
	for a := pr; a >= 0 && !seen[a]; {
		seen[a] = true
		path = append(path, g.accountID(a))
		next := g.str(g.agold(a).parentOf)
		if slices.Contains(targets, a) || self(next) {
			if path[len(path)-1] != rec.Account.ID {
				path = append(path, rec.Account.ID)
			}
			return &CycleError{Path: path}
		}
		if next == "" {
			break
		}
		a = g.accountRoot(next)
	}
	return nil
}

// mergeTargets returns the golden accounts that a new account record of
// source src, with these identifiers to link and extra identifiers to
// store, would merge with: AddAccount links its identifiers in order, and
// merges the record's account, with those merged into it so far, with
// each owner that accountConflict allows.
func (g *Graph) mergeTargets(src b2b.Source, idents, extra []identKey) []int32 {
	s := int32(-1) // a source no account holds yet
	if id, ok := g.sources.ids[src]; ok {
		s = int32(id)
	}
	srcs := []int32{s}
	var uniq []identKey
	for _, k := range extra {
		if k.ns.spec.Unique && !slices.Contains(uniq, k) {
			uniq = append(uniq, k)
		}
	}
	var out []int32
	for _, k := range idents {
		owner, ok := k.ns.accounts.get(k.val)
		if !ok {
			continue
		}
		a := g.afind(owner)
		if slices.Contains(out, a) {
			continue
		}
		ga := g.agold(a)
		if kind, _ := g.accountsClash(g.lists.items(ga.srcs), g.auniq(ga), srcs, uniq); kind != "" {
			continue
		}
		out = append(out, a)
		for _, x := range g.lists.items(ga.srcs) {
			if !slices.Contains(srcs, x) {
				srcs = append(srcs, x)
			}
		}
		uniq = append(uniq, g.auniq(ga)...)
	}
	return out
}

// selfParent reports whether the parent reference of an account names the
// account itself: accounts merged, one the parent of the other (a Marketo
// company that joins the CRM account whose parent it was named as). The
// account has no parent then; the loop is reported as a parent_cycle
// conflict (cyclePath).
func (g *Graph) selfParent(root int32) bool {
	ref := g.str(g.agold(root).parentOf)
	return ref != "" && g.accountRoot(ref) == root
}

// cyclePath returns the cycle through root, or nil.
func (g *Graph) cyclePath(root int32) []b2b.AccountID {
	if g.selfParent(root) {
		return []b2b.AccountID{g.accountID(root), g.accountID(root)}
	}
	path := []b2b.AccountID{g.accountID(root)}
	seen := map[int32]bool{root: true}
	for a := g.parentRoot(root); a >= 0; a = g.parentRoot(a) {
		path = append(path, g.accountID(a))
		if a == root {
			return path
		}
		if seen[a] {
			return nil // a cycle above root, reported for its own accounts
		}
		seen[a] = true
	}
	return nil
}

func (g *Graph) knownAccount(id b2b.AccountID) (int32, error) {
	root := g.accountRoot(string(id))
	if root < 0 {
		return -1, fmt.Errorf("%w %q", ErrUnknownAccount, id)
	}
	return root, nil
}

// Parent returns an account's parent ("" for a top-level account). A
// parent reference to an account not loaded yet gives an error that
// matches ErrUnknownAccount. A parent reference that names the account
// itself, as after a merge of an account with its parent (reported as a
// parent_cycle conflict), names no parent: "", as Ancestors has none.
func (g *Graph) Parent(id b2b.AccountID) (b2b.AccountID, error) {
	root, err := g.knownAccount(id)
	if err != nil {
		return "", err
	}
	ref := g.str(g.agold(root).parentOf)
	if ref == "" || g.selfParent(root) {
		return "", nil
	}
	p := g.parentRoot(root)
	if p < 0 {
		return "", fmt.Errorf("parent of %q: %w %q (not loaded yet)", g.accountID(root), ErrUnknownAccount, ref)
	}
	return g.accountID(p), nil
}

// Ancestors returns an account's parent, grandparent, ... up to the
// ultimate parent. It stops at a parent that is not loaded yet, and returns
// a *CycleError if the chain loops.
func (g *Graph) Ancestors(id b2b.AccountID) ([]b2b.AccountID, error) {
	root, err := g.knownAccount(id)
	if err != nil {
		return nil, err
	}
	var out []b2b.AccountID
	seen := map[int32]bool{root: true}
	for a := g.parentRoot(root); a >= 0; a = g.parentRoot(a) {
		out = append(out, g.accountID(a))
		if seen[a] {
			return out, &CycleError{Path: append([]b2b.AccountID{g.accountID(root)}, out...)}
		}
		seen[a] = true
	}
	return out, nil
}

// appendAncestors appends to out the roots of root's parent, grandparent,
// ... as Ancestors finds them (up to a cycle).
func (g *Graph) appendAncestors(out []int32, root int32) []int32 {
	start := len(out)
	for a := g.parentRoot(root); a >= 0 && a != root && !slices.Contains(out[start:], a); a = g.parentRoot(a) {
		out = append(out, a)
	}
	return out
}

// UltimateParent returns the top of an account's hierarchy (the account
// itself when it has no parent).
func (g *Graph) UltimateParent(id b2b.AccountID) (b2b.AccountID, error) {
	root, err := g.knownAccount(id)
	if err != nil {
		return "", err
	}
	anc, err := g.Ancestors(id)
	if err != nil {
		return "", err
	}
	if len(anc) == 0 {
		return g.accountID(root), nil
	}
	return anc[len(anc)-1], nil
}

// children returns the golden accounts whose parent is root.
func (g *Graph) children(root int32) []int32 {
	var out []int32
	for m := root; ; {
		r := &g.arecs[m]
		refs := []string{string(r.a.ID)}
		for _, k := range r.extra {
			if k.ns == g.nsAcctID {
				refs = append(refs, k.val)
			}
		}
		for _, ref := range refs {
			for _, c := range g.childrenByRef[ref] {
				if cr := g.afind(c); cr != root && g.parentRoot(cr) == root && !slices.Contains(out, cr) {
					out = append(out, cr)
				}
			}
		}
		if m = r.next; m == root {
			break
		}
	}
	return out
}

// descendants returns root's subsidiaries at every depth, breadth first.
func (g *Graph) descendants(root int32) []int32 {
	seen := map[int32]bool{root: true}
	var out []int32
	queue := []int32{root}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for _, c := range g.children(a) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

// Descendants returns an account's subsidiaries at every depth, sorted by
// ID.
func (g *Graph) Descendants(id b2b.AccountID) ([]b2b.AccountID, error) {
	root, err := g.knownAccount(id)
	if err != nil {
		return nil, err
	}
	var out []b2b.AccountID
	for _, d := range g.descendants(root) {
		out = append(out, g.accountID(d))
	}
	slices.Sort(out)
	return out, nil
}

// Persons returns the persons linked to an account (primary or not),
// sorted by ID; with subsidiaries, also those linked to its descendants
// (the roll-up of a multi-region account).
func (g *Graph) Persons(id b2b.AccountID, subsidiaries bool) ([]b2b.PersonID, error) {
	root, err := g.knownAccount(id)
	if err != nil {
		return nil, err
	}
	accts := []int32{root}
	if subsidiaries {
		accts = append(accts, g.descendants(root)...)
	}
	var roots []int32
	for _, a := range accts {
		for _, p := range g.lists.items(g.acctMembers[a]) {
			if !g.precs.at(p).dead {
				roots = append(roots, g.pfind(p))
			}
		}
	}
	var out []b2b.PersonID
	for _, r := range sortedUnique(roots) {
		out = append(out, g.personID(r))
	}
	slices.Sort(out)
	return out, nil
}

// ValidateHierarchy checks a set of accounts before they are loaded and
// reports every problem at once: self-parents, parents that are not in the
// set, and cycles (each cycle once, with its path). It reads IDs and
// parent IDs as AddAccount does, without surrounding space.
func ValidateHierarchy(accounts []b2b.Account) error {
	var ps b2b.Problems
	// The IDs as AddAccount reads them, without surrounding space.
	ids, parents := make([]b2b.AccountID, len(accounts)), make([]b2b.AccountID, len(accounts))
	index := make(map[b2b.AccountID]int, len(accounts))
	for i, a := range accounts {
		ids[i] = b2b.AccountID(strings.TrimSpace(string(a.ID)))
		parents[i] = b2b.AccountID(strings.TrimSpace(string(a.ParentID)))
		if _, dup := index[ids[i]]; dup {
			ps.Addf(fmt.Sprintf("accounts[%d].id", i), "account %q listed twice", ids[i])
			continue
		}
		index[ids[i]] = i
	}
	state := make([]uint8, len(accounts)) // 0 new, 1 on the current path, 2 done
	for i := range accounts {
		path := fmt.Sprintf("accounts[%d].parentId", i)
		switch {
		case parents[i] == "":
			continue
		case parents[i] == ids[i]:
			ps.Addf(path, "account %q is its own parent", ids[i])
			state[i] = 2
			continue
		}
		if _, ok := index[parents[i]]; !ok {
			ps.Addf(path, "parent %q of account %q is not in the set", parents[i], ids[i])
		}
	}
	for start := range accounts {
		if state[start] != 0 {
			continue
		}
		var chain []int
		i := start
		for {
			if state[i] == 2 {
				break
			}
			if state[i] == 1 {
				k := slices.Index(chain, i)
				cyc := make([]b2b.AccountID, 0, len(chain)-k+1)
				for _, j := range chain[k:] {
					cyc = append(cyc, ids[j])
				}
				cyc = append(cyc, ids[i])
				ps.Add(fmt.Sprintf("accounts[%d].parentId", chain[len(chain)-1]), &CycleError{Path: cyc})
				break
			}
			state[i] = 1
			chain = append(chain, i)
			p, ok := index[parents[i]]
			if parents[i] == "" || !ok || p == i {
				break
			}
			i = p
		}
		for _, j := range chain {
			state[j] = 2
		}
	}
	return ps.Err("account hierarchy")
}
