package identity

import (
	"fmt"
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// State is the graph as plain data, for a store to save: every source
// record (its latest version, with the identifiers and account references
// of all its versions) in order of arrival, with the golden record it
// belongs to and the identifiers it holds that name another. Golden
// records, links and indexes are derived from it.
type State struct {
	Accounts []AccountState `json:"accounts"`
	Persons  []PersonState  `json:"persons"`
}

// PersonState is one stored person record and its golden person.
type PersonState struct {
	Record PersonRecord `json:"record"`
	Person b2b.PersonID `json:"person"`
	// Unindexed lists the record's identifiers that do not find Person:
	// another golden person held them first and a conflict kept them
	// there, a conflict refused them to Person (a new version's value
	// of a unique namespace while another record of Person gives it
	// another: see Conflict), or the person that held them was erased
	// (or a new version of its record replaced them) and no person that
	// gives them may take them (see Graph.Erase).
	// Which record held an identifier first is not in the records (a
	// later version may bring it), so Restore needs to be told.
	Unindexed []Identifier `json:"unindexed,omitempty"`
}

// AccountState is one stored account record and its golden account.
type AccountState struct {
	Record  AccountRecord `json:"record"`
	Account b2b.AccountID `json:"account"`
	// Unindexed lists the record's identifiers (its ID, its domains and
	// the others) that do not find Account: another golden account held
	// them first and a conflict kept them there, or a conflict refused
	// them to Account (a new version's value of a unique namespace while
	// another record of Account gives it another: see Conflict), or a
	// new version of the record of the account that held them replaced
	// them and no account that gives them may take them.
	Unindexed []Identifier `json:"unindexed,omitempty"`
}

// Snapshot returns the graph's state. Erased persons are not in it.
func (g *Graph) Snapshot() State {
	var st State
	for i := range g.arecs {
		r := &g.arecs[i]
		rec := AccountRecord{Source: r.a.Source, RecordID: r.recordID, Account: g.recAccount(r), Time: r.a.UpdatedAt}
		for _, k := range r.extra {
			rec.Identifiers = append(rec.Identifiers, k.id())
		}
		root := g.afind(int32(i))
		var elsewhere []Identifier
		keys := slices.Clone(r.extra)
		if rec.Account.ID != "" {
			keys = append(keys, identKey{g.nsAcctID, string(rec.Account.ID)})
		}
		for _, d := range rec.Account.Domains {
			if !g.noAccountDomain(d) { // no identifier: found by no account
				keys = append(keys, identKey{g.nsDomain, d})
			}
		}
		for _, k := range keys {
			if owner, ok := k.ns.accounts.get(k.val); !ok || g.afind(owner) != root {
				elsewhere = append(elsewhere, k.id())
			}
		}
		st.Accounts = append(st.Accounts, AccountState{Record: rec, Account: g.accountID(root), Unindexed: elsewhere})
	}
	for i := range g.precs.len() {
		r := g.precs.at(i)
		if r.dead {
			continue
		}
		src := g.sources.names[r.src]
		rec := PersonRecord{Source: src, RecordID: g.recordID(r), Person: g.person(r, src), Time: g.recAt(r)}
		// An identifier that a later version made the email is the
		// email, as Restore reads it.
		email := identKey{g.nsEmail, g.email(r)}
		var keys []identKey
		for k := range g.extras(r) {
			if k != email {
				rec.Identifiers = append(rec.Identifiers, k.id())
				keys = append(keys, k)
			}
		}
		for _, a := range g.accts(r) {
			rec.OtherAccounts = append(rec.OtherAccounts, b2b.AccountID(a))
		}
		root := g.pfind(int32(i))
		var elsewhere []Identifier
		if email.val != "" && !b2b.PlaceholderEmail(email.val) {
			keys = append(keys, email)
		}
		for _, k := range keys {
			if owner, ok := k.ns.persons.get(k.val); !ok || g.pfind(owner) != root {
				elsewhere = append(elsewhere, k.id())
			}
		}
		st.Persons = append(st.Persons, PersonState{Record: rec, Person: g.personID(root), Unindexed: elsewhere})
	}
	return st
}

// Restore rebuilds a graph from a State without deciding any link again:
// the records are grouped into the golden records the state names, each
// identifier finds the golden record of the first record that holds it
// and does not list it as Unindexed, then golden values, links and
// indexes are derived. An identifier that each record holding it lists
// as Unindexed (but an account ID or domain) goes, as after
// [Graph.Erase], to the first of them whose golden record gives no other
// value of its unique namespace, or finds none. The first record of each
// group must be the group's own record (as Snapshot writes it), and no
// record may be in the state twice.
//
// A record's identifier that finds another golden person than the
// record's, which the record does not list as Unindexed, was another
// value for the version that saved the state (before an email's local
// part was in NFC, "jo\u0308rg@acme.com" was not "jörg@acme.com"): the
// record links by it as it would on arrival, so that the graph restored
// is the graph the same records added again give, one person for one
// address. A conflict keeps the persons apart as it keeps a new record
// apart (the identifier finds the first), decided against the persons
// as restored. So is an account record's identifier that finds another
// golden account than the record's (a domain in Unicode and in
// punycode, "bücher.de" and "xn--bcher-kva.de", for a version that read
// them as two): the accounts merge as AddAccount merges them, unless a
// conflict keeps them apart (two records of one source, two values of a
// unique namespace), and the persons that their account references kept
// apart while the accounts were two are one person then, as after
// AddAccount ([AccountResult].MergedPersons).
//
// Records the state puts in one golden record stay in it, whatever
// links them or not: the state does not say which identifiers linked
// them, so Restore splits no golden record, not even persons that an
// older version merged by a placeholder email alone (see Persistence in
// the package documentation). Placeholder emails among a record's
// identifiers are dropped, as AddPerson drops them, and a placeholder
// domain of an account record finds no account, as after AddAccount.
func Restore(cfg Config, st State) (*Graph, error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var ps b2b.Problems
	// The state index of each record restored, to name the first of a
	// record the state holds twice: restored twice, it would be two
	// records under one name.
	var aAt, pAt []int
	aroots := map[b2b.AccountID]int32{}
	var aUnindexed []identKey // the accounts' Unindexed, for rehomeAccountKeys
	// The identifiers of account records that find another golden
	// account than their record's, which the record does not list as
	// Unindexed: linked as AddAccount would, as the persons' below.
	var aAgreed []pendingLink
	for n, s := range st.Accounts {
		rec := s.Record
		idents, extra, _, err := g.prepareAccount(&rec, true)
		if err != nil {
			ps.Add(fmt.Sprintf("accounts[%d].record", n), err)
			continue
		}
		if src, ok := g.sources.ids[rec.Source]; ok && int(src) < len(g.akeys) {
			if j, ok := g.akeys[src].get(rec.RecordID); ok {
				ps.Addf(fmt.Sprintf("accounts[%d].record", n), "account record %s:%s is accounts[%d] already", rec.Source, rec.RecordID, aAt[j])
				continue
			}
		}
		aAt = append(aAt, n)
		i := g.addAccountRec(&rec, extra)
		if root, ok := aroots[s.Account]; ok {
			ar, al := &g.arecs[root], &g.arecs[i]
			ar.next, al.next = i, ar.next
			g.aparent[i] = root
		} else if rec.Account.ID != s.Account {
			ps.Addf(fmt.Sprintf("accounts[%d].account", n), "first record of account %q has ID %q", s.Account, rec.Account.ID)
		} else {
			aroots[s.Account] = i
			g.newAgold(i)
			g.accounts++
		}
		skip := g.unindexed(&ps, fmt.Sprintf("accounts[%d].unindexed", n), s.Unindexed)
		for _, k := range idents {
			if slices.Contains(skip, k) {
				g.markShared(&g.aShared, k)
			} else if o, found := k.ns.accounts.getOrPut(k.val, i); found && o != i {
				g.markShared(&g.aShared, k)
				aAgreed = append(aAgreed, pendingLink{k, i})
			}
		}
		aUnindexed = append(aUnindexed, skip...)
	}
	proots := map[b2b.PersonID]int32{}
	var unindexed []identKey // the persons' Unindexed, for rehomePersonKeys
	// The identifiers that find another golden person than their
	// record's, which the record does not list as Unindexed: the version
	// that saved the state read them as other values (before an email's
	// local part was in NFC, "jo\u0308rg@acme.com" was not "jörg@acme.com"),
	// and a record that gives one now links as it would on arrival.
	var agreed []pendingLink
	for n, s := range st.Persons {
		rec := s.Record
		var buf [6]identKey
		idents, extra, err := g.preparePerson(&rec, buf[:0], true)
		if err != nil {
			ps.Add(fmt.Sprintf("persons[%d].record", n), err)
			continue
		}
		if j, ok := g.precByKey(rec.Source, rec.RecordID); ok {
			ps.Addf(fmt.Sprintf("persons[%d].record", n), "person record %s:%s is persons[%d] already", rec.Source, rec.RecordID, pAt[j])
			continue
		}
		pAt = append(pAt, n)
		src := g.sources.intern(rec.Source)
		i := g.precs.add()
		g.initRecord(g.precs.at(i), i, src, &rec, extra)
		g.pkeyMap(src).put(rec.RecordID, i)
		g.nprecs++
		if root, ok := proots[s.Person]; ok {
			pr, pl := g.precs.at(root), g.precs.at(i)
			pr.next, pl.next = i, pr.next
			pl.parent = root
		} else if own := b2b.PersonID(rec.Source + ":" + rec.RecordID); own != s.Person {
			ps.Addf(fmt.Sprintf("persons[%d].person", n), "first record of person %q is %q", s.Person, own)
		} else {
			proots[s.Person] = i
			g.precs.at(i).gold, _ = g.newGolden()
			g.persons++
		}
		skip := g.unindexed(&ps, fmt.Sprintf("persons[%d].unindexed", n), s.Unindexed)
		for _, k := range idents {
			if slices.Contains(skip, k) {
				g.markShared(&g.pShared, k)
			} else if o, found := k.ns.persons.getOrPut(k.val, i); found && o != i {
				g.markShared(&g.pShared, k)
				agreed = append(agreed, pendingLink{k, i})
			}
		}
		unindexed = append(unindexed, skip...)
	}
	if err := ps.Err("identity state"); err != nil {
		return nil, err
	}
	// An identifier that every record that gives it lists, which finds
	// no one, goes as after Erase: a state saved by a graph that left
	// an erased person's identifiers to no one restores as Erase leaves
	// them.
	g.rehomePersonKeys(unindexed, -1)
	g.rehomeAccountKeys(aUnindexed, -1)
	g.stats.Normalized = 0
	touched := map[int32]bool{}
	for i := range g.arecs {
		if g.arecs[i].gold != 0 {
			g.recomputeAccount(int32(i))
			g.pruneAuniq(int32(i), g.agold(int32(i)))
		}
	}
	// Account records whose identifiers now agree are one account, as
	// AddAccount makes them, unless a conflict keeps them apart as it
	// would a new record (the identifier stays with the account that
	// holds it).
	var amerged []int32
	mergeAgreed(aAgreed, func(k identKey) (int32, bool) { return k.ns.accounts.get(k.val) }, g.afind, g.accountConflict,
		func(a, b int32) {
			g.mergeAccounts(a, b, touched)
			g.pruneAuniq(a, g.agold(a))
			amerged = append(amerged, a)
		})
	for i := range g.arecs {
		if g.arecs[i].gold != 0 {
			g.refreshAccount(int32(i), touched)
		}
	}
	for i := range g.precs.len() {
		if g.precs.at(i).gold != 0 {
			g.recomputePerson(int32(i))
			g.pruneUniq(int32(i), g.goldOf(int32(i)))
		}
	}
	// Records whose identifiers now agree are one person, as AddPerson
	// makes them, unless a conflict keeps them apart as it would a new
	// record (the identifier stays with the person that holds it).
	mergeAgreed(agreed, func(k identKey) (int32, bool) { return k.ns.persons.get(k.val) }, g.pfind, g.personConflict, g.mergePersons)
	for i := range g.precs.len() {
		if g.precs.at(i).gold != 0 {
			g.resolvePerson(int32(i))
		}
	}
	// Persons that account references kept apart (ConflictAccount) while
	// the accounts were two, now one, are one person, as after
	// AddAccount.
	if len(amerged) > 0 {
		var cands []int32
		for _, a := range amerged {
			cands = append(cands, g.lists.items(g.acctMembers[g.afind(a)])...)
		}
		clear(touched)
		g.joinSameAccount(cands, touched)
		g.reresolve(touched)
	}
	return g, nil
}

// A pendingLink is an identifier of a restored record that finds another
// golden person than the record's, to link as AddPerson would.
type pendingLink struct {
	k   identKey
	rec int32
}

// mergeAgreed merges, for each link, the root (by find) of its record
// with that of the record that holds its identifier (by owner), the
// lower root first as merge takes them, unless they are one or conflict
// keeps them apart: what Restore does for persons and for accounts.
func mergeAgreed(links []pendingLink, owner func(identKey) (int32, bool), find func(int32) int32,
	conflict func(a, b int32, k identKey, rec int32) (Conflict, bool), merge func(a, b int32)) {
	for _, l := range links {
		o, ok := owner(l.k)
		if !ok {
			continue
		}
		a, b := find(o), find(l.rec)
		if a == b {
			continue
		}
		if _, bad := conflict(a, b, l.k, l.rec); bad {
			continue
		}
		merge(min(a, b), max(a, b))
	}
}

// unindexed normalises the identifiers of a state's Unindexed, adding a
// problem at path for each it cannot read.
func (g *Graph) unindexed(ps *b2b.Problems, path string, ids []Identifier) []identKey {
	var out []identKey
	for j, id := range ids {
		k, _, err := g.normIdent(id, true)
		if err != nil {
			ps.Add(fmt.Sprintf("%s[%d]", path, j), fmt.Errorf("%s: %w", id.Namespace, err))
			continue
		}
		out = append(out, k)
	}
	return out
}
