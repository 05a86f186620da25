package identity

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// An AccountRecord is one source system's version of an account: a CRM
// account, a Marketo company.
//
// Empty fields of Account are not carried by the record (Employees and
// AnnualRevenue: zero; an attribute without a value: nil, a blank string,
// an empty list), and never overwrite another record's value. Account.ID is added to NSAccountID and each of
// Account.Domains to NSAccountDomain, so a Marketo company that carries the
// CRM account ID (in Identifiers) or a domain links to the CRM account.
// A domain among Identifiers in NSAccountDomain is a domain of the
// account, as if Account.Domains listed it (after its own): it finds the
// account, is among its domains (an account without a name needs one:
// such a domain is one), and links the persons whose email is at it (see
// Person-to-account resolution in the package doc).
// An email among Identifiers (in a namespace of [KindEmail]) that
// identifies nobody (noreply@acme.com: b2b.PlaceholderEmail) is dropped,
// as a person record's is: accounts that are not the same share it. So
// is a domain among them (in a namespace of [KindDomain]) that an import
// fills in for a company that gave none: one reserved for examples and
// tests (example.com, example.net, example.org, and every domain under
// .example, .test, .invalid or .localhost), or a free-mail domain
// ([Config].FreeMailDomains). Such a domain in Account.Domains
// stays the record's and the golden account's domain, but is not added
// to NSAccountDomain: it merges no accounts, finds none, and links no
// person by email domain.
type AccountRecord struct {
	Source b2b.Source `json:"source"`
	// RecordID names the record in its source; empty means Account.ID.
	RecordID    string       `json:"recordId,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Account     b2b.Account  `json:"account"`
	// Time is when the source last changed the record; zero means
	// Account.UpdatedAt. One of them is required.
	Time time.Time `json:"time"`
}

// AccountResult says what adding an account record did.
type AccountResult struct {
	// Account is the golden account the record belongs to.
	Account b2b.AccountID
	Outcome Outcome
	// Merged lists, sorted, the golden accounts that the record merged
	// into Account: accounts other than Account before the record, whose
	// IDs now resolve to Account (the record's own former account, when
	// it merged into an older one). Their persons are Account's now.
	// A new version of an account's first record (by arrival) with another
	// Account.ID renames the golden account: its former ID, which still
	// resolves to it, is listed here too, as the ID of an account merged
	// into Account. Account itself never is.
	Merged    []b2b.AccountID
	Conflicts []Conflict
	// Relinked lists, sorted, the persons whose account links the record
	// changed: linked to other accounts, to fewer or more, or to the same
	// ones by other means (an explicit reference instead of the email
	// domain). The persons of an account in Merged whose links are
	// otherwise the same are not listed: their links name Account now, as
	// the merged account's ID does. A person linked both to Account and to
	// an account merged into it is listed (two links became one), and so is
	// each person of MergedPersons, whatever its links.
	Relinked []b2b.PersonID
	// Unlinked lists, sorted, the accounts that a person in Relinked was
	// linked to before the record and is not now: exactly the accounts
	// whose persons ([Graph.Persons] without subsidiaries) lost one, by
	// their golden IDs after the record. It is one list for all the
	// relinked persons: a relinked person may have left none of them
	// (compare the accounts they are linked to now). An account in Merged
	// is never listed, as its ID names Account now; Account is listed when
	// a person of an account merged into it is linked elsewhere now, or to
	// none (one linked by the merged account's name, which Account's name
	// replaced).
	Unlinked []b2b.AccountID
	// MergedPersons lists, sorted by Person, the golden persons that the
	// record merged: persons whose explicit account references named
	// different accounts, kept apart by a ConflictAccount while those
	// did not find one golden account, that the record made one (merging
	// the accounts, or bringing one of them): they are merged as if the
	// accounts had arrived first. Each Person is in Relinked; its Merged
	// are the persons merged into it, as PersonResult.Merged lists them,
	// whose state a caller keeping state per person moves to Person.
	MergedPersons []PersonMerge
	// FormerAncestors lists, sorted, the ancestors (see Ancestors) that
	// the golden accounts the record updated or merged had before it, by
	// the IDs of their golden accounts now: besides Account's ancestors
	// now, the accounts whose persons with subsidiaries (Persons) the
	// record may have changed, when it moved an account to another
	// parent or merged one whose parent was another.
	FormerAncestors []b2b.AccountID
}

// A PersonMerge names a golden person and the golden persons, sorted,
// merged into it.
type PersonMerge struct {
	Person b2b.PersonID
	Merged []b2b.PersonID
}

// AddAccount adds one account record (or a new version of one), links it
// to the records it shares identifiers with, and re-resolves the persons
// whose links it may change (those waiting for its ID, domains or name, and
// those linked to the accounts it merged). A record whose parent would close
// a cycle is rejected with a *CycleError; other problems give a
// *b2b.ValidationError, among them an account ID that finds an account
// the record cannot join (see [Conflict]). A rejected record changes
// nothing.
func (g *Graph) AddAccount(rec AccountRecord) (AccountResult, error) {
	g.trackUnlinked()
	res, err := g.addAccount(rec)
	if u := g.unlinked(); err == nil {
		res.Unlinked = u
	}
	return res, err
}

func (g *Graph) addAccount(rec AccountRecord) (AccountResult, error) {
	idents, extra, normalized, err := g.prepareAccount(&rec, false)
	if err != nil {
		return AccountResult{}, g.reject(err)
	}
	var existing int32
	var known bool
	if src, ok := g.sources.ids[rec.Source]; ok && int(src) < len(g.akeys) {
		existing, known = g.akeys[src].get(rec.RecordID)
	}
	if known {
		old := &g.arecs[existing]
		// Domains accumulate: a version holds its record's domains
		// besides its own, so that the same version again is a duplicate.
		for _, d := range g.recDomains(old) {
			if !slices.Contains(rec.Account.Domains, d) {
				rec.Account.Domains = append(rec.Account.Domains, d)
			}
		}
		switch c := rec.Time.Compare(old.a.UpdatedAt); {
		case c < 0:
			g.stats.Normalized += normalized
			return g.accountNoop(existing, Stale), nil
		case c == 0 && reflect.DeepEqual(g.recAccount(old), rec.Account) && containsAllIdents(old.extra, extra):
			g.stats.Normalized += normalized
			return g.accountNoop(existing, Duplicate), nil
		}
	}
	// The version's values of unique namespaces replace the record's
	// others of theirs (accountRetiring).
	given := g.accountGiven(extra)
	var retired, leaving []identKey
	if known {
		retired, leaving = g.accountRetiring(existing, given)
	}
	if err := g.checkOwnID(&rec, extra, existing, known, leaving); err != nil {
		return AccountResult{}, g.reject(err)
	}
	if err := g.checkCycle(&rec, idents, extra, existing, known); err != nil {
		g.stats.Rejected["account.parentId"]++
		return AccountResult{}, err
	}
	g.stats.Normalized += normalized
	res := AccountResult{Outcome: Created}
	touched := map[int32]bool{}
	var formerAnc []int32 // the roots of the ancestors before the record
	var i int32
	// The golden account a known record belonged to, and its ID: a new
	// version of its first record may name it otherwise.
	formerRoot, formerID := int32(-1), b2b.AccountID("")
	// The main domain of each golden account the record changes, before
	// it: where it changes, so may the primary link of the persons of a
	// domain that several accounts hold.
	mainBefore := map[int32]string{}
	if known {
		i = existing
		formerRoot = g.afind(i)
		formerID = g.accountID(formerRoot)
		mainBefore[formerRoot] = g.mainDomain(formerRoot)
		formerAnc = g.appendAncestors(formerAnc, formerRoot)
		g.retireAccount(i, retired)
		old := &g.arecs[i]
		// A former ID stays an identifier of the record, as the index
		// keeps it: the snapshot holds it then, and the account's
		// identifiers list it. The record's own ID is no extra.
		if id := string(old.a.ID); id != "" && id != string(rec.Account.ID) {
			extra = append(extra, identKey{g.nsAcctID, id})
		}
		old.extra = slices.DeleteFunc(old.extra, func(k identKey) bool { return k == identKey{g.nsAcctID, string(rec.Account.ID)} })
		for _, k := range extra {
			if !slices.Contains(old.extra, k) {
				old.extra = append(old.extra, k)
			}
		}
		g.setRecAccount(old, rec.Account)
		g.recomputeAccount(g.afind(i))
		res.Outcome = Updated
	} else {
		i = g.addAccountRec(&rec, extra)
		ga := g.newAgold(i)
		g.accounts++
		g.resetAccount(ga)
		g.applyAccount(ga, i)
	}
	fresh := int32(-1)
	if !known {
		fresh = i
	}
	if kept := g.accountKept(i, given); len(kept) > 0 {
		has := func(k identKey) bool { _, ok := k.ns.accounts.get(k.val); return ok }
		idents = g.refuseGiven(idents, given, kept, has, RecordRef{rec.Source, rec.RecordID}, string(g.accountID(g.afind(i))), &res.Conflicts)
	}
	// The ancestors of the golden accounts the record may merge, read
	// before it claims its references: once claimed, a parent reference
	// names the record's account, which was no ancestor before.
	var preAnc map[int32][]int32
	accountsMerged := false
	for _, k := range idents {
		if owner, ok := k.ns.accounts.get(k.val); ok {
			if a := g.afind(owner); a != g.afind(i) {
				if _, done := mainBefore[a]; !done {
					mainBefore[a] = g.mainDomain(a)
				}
				if _, done := preAnc[a]; !done {
					if preAnc == nil {
						preAnc = map[int32][]int32{}
					}
					preAnc[a] = g.appendAncestors(nil, a)
				}
			}
		}
	}
	for _, k := range idents {
		owner, ok := k.ns.accounts.getOrPut(k.val, i)
		if !ok {
			continue
		}
		a, b := g.afind(owner), g.afind(i)
		if a == b {
			continue
		}
		if c, bad := g.accountConflict(a, b, k, i); bad {
			g.markShared(&g.aShared, k)
			res.Conflicts = append(res.Conflicts, c)
			g.stats.Conflicts[c.Kind]++
			continue
		}
		root, loser := min(a, b), max(a, b)
		switch loser {
		case fresh:
		case formerRoot:
			res.Merged = append(res.Merged, formerID)
		default:
			res.Merged = append(res.Merged, g.accountID(loser))
		}
		// b is the record's account with those merged into it so far,
		// whose ancestors formerAnc holds already; a is a golden account
		// as it was before the record, whose ancestors preAnc holds.
		anc, ok := preAnc[a]
		if !ok {
			anc = g.appendAncestors(nil, a)
		}
		formerAnc = append(formerAnc, anc...)
		g.mergeAccounts(root, loser, touched)
		accountsMerged = true
	}
	root := g.afind(i)
	g.pruneAuniq(root, g.agold(root))
	if res.Outcome == Created && root != i {
		res.Outcome = Joined
	}
	// Persons waiting for one of the record's references.
	for _, k := range idents {
		if k.ns == g.nsAcctID {
			g.takeWaiting(g.waitRef, k.val, touched, func(gp *goldenPerson) { gp.refIdx, gp.otherWaits = sref{}, false })
		}
	}
	g.refreshAccount(root, touched)
	if main, ok := mainBefore[root]; ok && main != g.mainDomain(root) {
		for _, p := range g.lists.items(g.acctMembers[root]) {
			touched[p] = true
		}
	}
	if path := g.cyclePath(root); path != nil {
		c := Conflict{Kind: ConflictParentCycle, Record: RecordRef{rec.Source, rec.RecordID},
			Kept: string(g.accountID(root)), Other: string(path[len(path)-2]), Detail: (&CycleError{Path: path}).Error()}
		res.Conflicts = append(res.Conflicts, c)
		g.stats.Conflicts[c.Kind]++
	}
	// Persons kept apart by account references that find one account
	// now: those waiting for the record's references, and the persons of
	// the accounts it merged.
	cands := slices.Collect(maps.Keys(touched))
	if accountsMerged {
		cands = append(cands, g.lists.items(g.acctMembers[root])...)
	}
	joined := g.joinSameAccount(cands, touched)
	res.Relinked = g.reresolve(touched)
	for p, ms := range joined {
		id := g.personID(p)
		slices.Sort(ms)
		res.MergedPersons = append(res.MergedPersons, PersonMerge{Person: id, Merged: ms})
		if !slices.Contains(res.Relinked, id) {
			res.Relinked = append(res.Relinked, id)
		}
	}
	slices.SortFunc(res.MergedPersons, func(a, b PersonMerge) int { return strings.Compare(string(a.Person), string(b.Person)) })
	slices.Sort(res.Relinked)
	res.Account = g.accountID(root)
	if root == formerRoot && formerID != res.Account {
		res.Merged = append(res.Merged, formerID) // renamed: its former ID names it still
	}
	// A golden account merged in that had the ID Account has now is not
	// another account.
	res.Merged = slices.DeleteFunc(res.Merged, func(m b2b.AccountID) bool { return m == res.Account })
	slices.Sort(res.Merged)
	res.Merged = slices.Compact(res.Merged)
	for _, a := range formerAnc {
		res.FormerAncestors = append(res.FormerAncestors, g.accountID(g.afind(a)))
	}
	slices.Sort(res.FormerAncestors)
	res.FormerAncestors = slices.Compact(res.FormerAncestors)
	g.count(res.Outcome)
	return res, nil
}

func (g *Graph) accountNoop(i int32, o Outcome) AccountResult {
	g.count(o)
	return AccountResult{Account: g.accountID(g.afind(i)), Outcome: o}
}

// addAccountRec appends a new account record as its own golden account's
// root, with an empty member list, and indexes its record ID.
func (g *Graph) addAccountRec(rec *AccountRecord, extra []identKey) int32 {
	i := int32(len(g.arecs))
	g.arecs = append(g.arecs, accountRec{recordID: rec.RecordID, extra: extra,
		next: i, src: g.sources.intern(rec.Source)})
	g.setRecAccount(&g.arecs[i], rec.Account)
	g.aparent = append(g.aparent, i)
	g.akeyMap(g.arecs[i].src).put(rec.RecordID, i)
	g.acctMembers = append(g.acctMembers, list{})
	return i
}

// prepareAccount validates and normalises a record in place; it returns
// the identifiers to link (its ID, the unique namespaces, the others, its
// domains), those to store besides its ID and domains, and the number of
// values normalisation changed, which AddAccount counts once it accepts
// the record. With stored set the record is one of a saved state, which
// holds what was accepted when it was saved: IDs holding an invisible
// character (see invisibleID) are taken.
func (g *Graph) prepareAccount(rec *AccountRecord, stored bool) (idents, extra []identKey, normalized int, err error) {
	var ps b2b.Problems
	if strings.TrimSpace(rec.Source) == "" {
		ps.Addf("source", "is required")
	} else {
		g.sources.sourceProblem(&ps, rec.Source)
	}
	a := &rec.Account
	for _, id := range [...]*b2b.AccountID{&a.ID, &a.ParentID} {
		if t := b2b.AccountID(strings.TrimSpace(string(*id))); t != *id {
			*id = t
			normalized++
		}
	}
	// The account is found by its ID (NSAccountID): one the namespace
	// would refuse to look up ("a b", a control character, past 255
	// bytes) would find nothing, not even the account itself.
	for _, f := range [...]struct {
		path string
		id   b2b.AccountID
	}{{"account.id", a.ID}, {"account.parentId", a.ParentID}} {
		if f.id != "" {
			if _, err := normalizeValue(KindExact, string(f.id), false); err != nil {
				ps.Addf(f.path, "not an account ID the account can be found by: %v", err)
			} else if err := invisibleID(string(f.id)); err != nil && !stored {
				ps.Add(f.path, err)
			}
		}
	}
	if rec.RecordID == "" {
		rec.RecordID = string(a.ID)
	} else if blank(rec.RecordID) {
		ps.Addf("recordId", "is blank (leave it empty to name the record by its account ID)")
	}
	if rec.Time.IsZero() {
		rec.Time = a.UpdatedAt
		if rec.Time.IsZero() {
			ps.Addf("time", "is required: most-recent-wins needs it (set Time or Account.UpdatedAt)")
		}
	}
	a.Source, a.UpdatedAt = rec.Source, rec.Time
	// Text fields lose the blanks around them: a blank value gives
	// nothing (it would win the golden account's field over a real one,
	// and a blank name is no name), and " Acme " is Acme. Bytes that are
	// not UTF-8 become U+FFFD (see validText).
	for _, f := range [...]*string{&a.Name, &a.Industry, &a.Country, &a.Region, &a.TimeZone, &a.Owner, &a.Territory} {
		if t := validText(trimSpace(*f)); t != *f {
			*f = t
			normalized++
		}
	}
	// The values of unique namespaces the record gives, its ID and
	// domains among them when their namespaces are declared unique: a
	// second value is refused (a golden account holds one).
	var uniq []identKey
	unique := func(path string, k identKey) {
		if !k.ns.spec.Unique || stored {
			return
		}
		if place, first := laterValue(identKey{}, uniq, k); place > 0 {
			ps.Addf(path, "%s value %q of unique namespace %s (first %q)", ordinal(place), k.val, k.ns.spec.Name, first)
		}
		if !slices.Contains(uniq, k) {
			uniq = append(uniq, k)
		}
	}
	if a.ID != "" {
		unique("account.id", identKey{g.nsAcctID, string(a.ID)})
	}
	var domains []string
	refused := false // a domain of Account.Domains refused
	for i, d := range a.Domains {
		n, err := normalizeDomain(d, stored)
		if err != nil {
			ps.Add(fmt.Sprintf("account.domains[%d]", i), err)
			refused = true
			continue
		}
		if n != d {
			normalized++
		}
		if !g.noAccountDomain(n) {
			unique(fmt.Sprintf("account.domains[%d]", i), identKey{g.nsDomain, n})
		}
		if !slices.Contains(domains, n) {
			domains = append(domains, n)
		}
	}
	a.Domains = domains
	// The record gives a domain where Validate sees none: one refused
	// (said above), or one among its identifiers (a domain of the
	// account, added below; or refused there), but one that identifies
	// no account, which is dropped.
	// It is asked only of a record without a name and domains, as it
	// normalises the record's domain identifiers a second time.
	givesDomain := func() bool {
		return refused || slices.ContainsFunc(rec.Identifiers, func(id Identifier) bool {
			if id.Namespace != NSAccountDomain {
				return false
			}
			n, err := normalizeDomain(id.Value, stored)
			return err != nil || !g.noAccountDomain(n)
		})
	}
	if err := a.Validate(); err != nil {
		var ve *b2b.ValidationError
		if !errors.As(err, &ve) {
			ve = &b2b.ValidationError{Problems: []b2b.Problem{{Err: err}}}
		}
		for _, p := range ve.Problems {
			if p.Path == "name" && givesDomain() {
				continue // "is required when the account has no domain"
			}
			if i, ok := problemDomain(p.Path); ok && stored && i < len(a.Domains) && numericHost(a.Domains[i], "") != nil {
				// A domain at an IP address or with a numeric
				// top-level label, which Validate refuses, is one the
				// state took (normalizeDomain).
				continue
			}
			// "parentId: an account cannot be its own parent" among them.
			ps.Add(b2b.JoinPath("account", p.Path), p.Err)
		}
	}
	for i, id := range rec.Identifiers {
		k, changed, err := g.normIdent(id, stored)
		if err == nil && !stored && idKind(k.ns.spec.Kind) {
			err = invisibleID(id.Value)
		}
		if err != nil {
			ps.Add(fmt.Sprintf("identifiers[%d]", i), fmt.Errorf("%s: %w", id.Namespace, err))
			continue
		}
		if changed {
			normalized++
		}
		if k.ns.spec.Kind == KindEmail && b2b.PlaceholderEmail(k.val) || k.ns.spec.Kind == KindDomain && g.noAccountDomain(k.val) {
			continue // identifies no account: dropped, as a person's placeholder email is
		}
		unique(fmt.Sprintf("identifiers[%d]", i), k)
		if k.ns == g.nsDomain {
			// A domain of the account, as if in Account.Domains: it
			// links the persons whose email is at it too.
			if !slices.Contains(domains, k.val) {
				domains = append(domains, k.val)
				a.Domains = domains
			}
			continue
		}
		if !slices.Contains(extra, k) && k != (identKey{g.nsAcctID, string(a.ID)}) {
			extra = append(extra, k)
		}
	}
	if err := ps.Err("account record %s:%s", rec.Source, rec.RecordID); err != nil {
		return nil, nil, 0, err
	}
	if a.ID != "" {
		idents = append(idents, identKey{g.nsAcctID, string(a.ID)})
	}
	for _, k := range extra {
		if k.ns.spec.Unique {
			idents = append(idents, k)
		}
	}
	for _, k := range extra {
		if !k.ns.spec.Unique {
			idents = append(idents, k)
		}
	}
	for _, d := range domains {
		if !g.noAccountDomain(d) { // identifies no account: kept, not linked by
			idents = append(idents, identKey{g.nsDomain, d})
		}
	}
	return idents, extra, normalized, nil
}

// problemDomain returns the index of the domain that a problem of
// b2b.Account.Validate at path is about ("domains[2]": 2).
func problemDomain(path string) (int, bool) {
	s, ok := strings.CutPrefix(path, "domains[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0
}

// checkOwnID refuses a record whose account ID finds a golden account
// the record cannot join: one that holds another record of the record's
// source, or another value of a unique namespace the record or its golden
// account holds. The conflict would keep the two apart, and the record's
// golden account would be known by an ID that finds the other (the ID is
// the first identifier the record claims, before any merge).
func (g *Graph) checkOwnID(rec *AccountRecord, extra []identKey, existing int32, known bool, leaving []identKey) error {
	id := string(rec.Account.ID)
	if id == "" {
		return nil
	}
	owner, ok := g.nsAcctID.accounts.get(id)
	if !ok {
		return nil
	}
	root := g.afind(owner)
	var srcs []int32
	var uniq []identKey
	if known {
		mine := g.afind(existing)
		if mine == root {
			return nil
		}
		srcs = g.lists.items(g.agold(mine).srcs)
		// Without the values the version replaces that leave the
		// account, as no other of its records gives them.
		uniq = slices.DeleteFunc(slices.Clone(g.auniq(g.agold(mine))), func(k identKey) bool { return slices.Contains(leaving, k) })
	}
	if src, ok := g.sources.ids[rec.Source]; ok {
		srcs = append(slices.Clip(srcs), int32(src))
	}
	for _, k := range extra {
		if k.ns.spec.Unique {
			uniq = append(slices.Clip(uniq), k)
		}
	}
	ga := g.agold(root)
	_, why := g.accountsClash(g.lists.items(ga.srcs), g.auniq(ga), srcs, uniq)
	if why == "" {
		return nil
	}
	var ps b2b.Problems
	ps.Addf("account.id", "%q finds account %s, which the record cannot join (%s): one ID cannot name two accounts",
		id, g.accountID(root), why)
	return ps.Err("account record %s:%s", rec.Source, rec.RecordID)
}
