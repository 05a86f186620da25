package identity

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A PersonRecord is one source system's version of a person: a Marketo
// lead, a Salesforce lead or contact, a Dynamics contact.
//
// The fields of Person that are empty are fields the record does not carry:
// they never overwrite a value from another record. Nor does an attribute
// without a value (nil, a blank string, an empty list), which the record
// keeps as given. Person.ID is ignored (the graph names golden persons);
// Person.Source and Person.UpdatedAt are set from Source and Time.
type PersonRecord struct {
	// Source is the system the record comes from ("salesforce", "marketo").
	Source b2b.Source `json:"source"`
	// RecordID is the record's ID in its source; (Source, RecordID) names
	// the record, and a later record with the same pair is a new version.
	RecordID string `json:"recordId"`
	// Identifiers are the record's identifiers besides Person.Email, which
	// is added to NSEmail automatically. NSAccountID and NSAccountDomain
	// name accounts and are refused here: the person's account is
	// Person.AccountID or one of OtherAccounts.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// OtherAccounts are explicit account references besides
	// Person.AccountID (a Salesforce AccountContactRelation, say); each
	// becomes a secondary explicit link. Like identifiers they accumulate
	// over the record's versions: a version that leaves one out does not
	// unlink the person from it. (Person.AccountID, a field, is replaced
	// by each version.) A reference that no account can have as its ID
	// (a space or a control character inside it, more than 255 bytes:
	// see [Kind]), which would leave the person waiting for ever, is
	// refused here and as Person.AccountID, for the reason an account
	// record with that ID is.
	OtherAccounts []b2b.AccountID `json:"otherAccounts,omitempty"`
	Person        b2b.Person      `json:"person"`
	// Time is when the source last changed the record; zero means
	// Person.UpdatedAt. One of them is required.
	Time time.Time `json:"time"`
}

// PersonResult says what adding a person record did.
type PersonResult struct {
	// Person is the golden person the record belongs to.
	Person  b2b.PersonID
	Outcome Outcome
	// Merged lists, sorted, the golden persons that the record merged
	// into Person: persons other than Person before the record, whose IDs
	// now resolve to Person. When the record's own person merges into an
	// older one, Person is the older one's ID and Merged holds the
	// record's former person. A new record that joins a person is not a
	// person merged: it never had a golden person of its own.
	Merged []b2b.PersonID
	// Conflicts lists the links that were refused.
	Conflicts []Conflict
	// LinksChanged reports whether Person's account links changed. A
	// person merged into Person brings no links of its own: when the
	// record's person merges into an older one whose links stay,
	// LinksChanged is false though the record's person moved (Merged and
	// Unlinked say so).
	LinksChanged bool
	// Unlinked lists, sorted, the accounts that Person or a person in
	// Merged was linked to before the record and Person is not linked to
	// now: exactly the accounts whose persons ([Graph.Persons] without
	// subsidiaries) lost one, by their golden IDs. The accounts Person is
	// linked to now are never listed. The ancestors of an account listed
	// may have lost the person from their persons with subsidiaries too.
	// A record that moves no one (a Duplicate or Stale one, a new version
	// that leaves its person's links as they were) lists none.
	Unlinked []b2b.AccountID
}

// AddPerson adds one person record (or a new version of one) and returns
// what it did. A record with a problem is rejected with a
// *b2b.ValidationError that lists every problem with its path, and is
// counted in Stats.Rejected; the graph is unchanged.
func (g *Graph) AddPerson(rec PersonRecord) (PersonResult, error) {
	var buf [6]identKey
	idents, extra, err := g.preparePerson(&rec, buf[:0], false)
	if err != nil {
		return PersonResult{}, g.reject(err)
	}
	g.trackUnlinked()
	res, _ := g.addPrepared(&rec, idents, extra, true, nil)
	slices.Sort(res.Merged)
	res.Unlinked = g.unlinked()
	return res, nil
}

// addPrepared adds a record that preparePerson accepted. With named false
// it leaves the person IDs of the result empty (the batch entry point does
// not report them) and returns the number of persons merged instead.
// hashes, when not nil, holds the hashes of the record ID in its source's
// index and of idents in theirs, in that order.
func (g *Graph) addPrepared(rec *PersonRecord, idents, extra []identKey, named bool, hashes []uint32) (PersonResult, int) {
	src := g.sources.intern(rec.Source)
	i := g.precs.len()
	t := g.pkeyMap(src)
	var h uint32
	if hashes != nil {
		h, hashes = hashes[0], hashes[1:]
	} else {
		h = t.hash(rec.RecordID)
	}
	if j, found := t.getOrPutHash(rec.RecordID, h, i); found {
		return g.updatePerson(j, rec, idents, extra, named)
	}
	r := g.precs.at(g.precs.add())
	g.initRecord(r, i, src, rec, extra)
	g.nprecs++
	gi, gp := g.newGolden()
	r.gold = gi
	g.persons++
	g.applyPerson(gp, i)
	res := PersonResult{Outcome: Created}
	merged := g.linkPerson(i, idents, &res, i, named, hashes)
	root := g.pfind(i)
	if root != i {
		res.Outcome = Joined
	}
	res.LinksChanged = g.resolvePerson(root)
	if named {
		res.Person = g.personID(root)
	}
	g.count(res.Outcome)
	return res, merged
}

// initRecord fills new record i (a root of its own) with a prepared
// record and its identifiers besides the email.
func (g *Graph) initRecord(r *personRec, i int32, src uint16, rec *PersonRecord, extra []identKey) {
	var x0 identKey
	if len(extra) > 0 {
		x0 = extra[0]
	}
	g.setPerson(r, &rec.Person, rec.RecordID, x0)
	r.parent, r.next, r.src = i, i, src
	for _, k := range extra[min(1, len(extra)):] {
		g.addExtra(r, k)
	}
	if accts := accountStrings(rec.OtherAccounts); accts != nil {
		g.sidePart(r).accts = accts
	}
}

// preparePerson validates and normalises a record in place; it returns the
// identifiers to link, in link order (unique namespaces first, then the
// email, then the others as given), and the identifiers to store besides
// the email. With versions set the record holds the identifiers of all its
// versions (a stored record), which may name two values of a unique
// namespace where each version named one.
func (g *Graph) preparePerson(rec *PersonRecord, buf []identKey, versions bool) ([]identKey, []identKey, error) {
	var ps b2b.Problems
	if blank(rec.Source) {
		ps.Addf("source", "is required")
	} else if strings.IndexByte(rec.Source, ':') >= 0 {
		ps.Addf("source", "%q must not contain ':'", rec.Source)
	} else {
		g.sources.sourceProblem(&ps, rec.Source)
	}
	if blank(rec.RecordID) {
		ps.Addf("recordId", "is required")
	}
	if rec.Time.IsZero() {
		rec.Time = rec.Person.UpdatedAt
		if rec.Time.IsZero() {
			ps.Addf("time", "is required: most-recent-wins needs it (set Time or Person.UpdatedAt)")
		}
	}
	p := &rec.Person
	p.ID, p.Source, p.UpdatedAt = "", rec.Source, rec.Time
	// The values normalisation changed, counted once the record is
	// accepted: a rejected record changes no counter but Rejected.
	normalized := 0
	// Text fields lose the blanks around them: a blank value gives
	// nothing (it would win the golden person's field over a real one),
	// and " Ann " is Ann. Bytes that are not UTF-8 become U+FFFD (see
	// validText).
	for _, f := range [...]*string{&p.FirstName, &p.LastName, &p.Title, &p.Phone, &p.Company} {
		if t := validText(trimSpace(*f)); t != *f {
			*f = t
			normalized++
		}
	}
	var email identKey
	if p.Email != "" {
		e, err := normalizeEmail(p.Email, versions)
		if err != nil {
			ps.Add("person.email", err)
		} else {
			if e != p.Email {
				normalized++
			}
			p.Email = e
			// A placeholder (noreply@acme.com) is the email of persons
			// who are not the same: it stays the record's email, and
			// links nothing.
			if !b2b.PlaceholderEmail(e) {
				email = identKey{g.nsEmail, e}
			}
		}
	}
	if p.Seniority != "" && !slices.Contains(b2b.Seniorities, p.Seniority) {
		ps.Addf("person.seniority", "unknown seniority %q (want one of %s)", p.Seniority, strings.Join(b2b.Seniorities, ", "))
	}
	if p.Department != "" && !slices.Contains(b2b.Departments, p.Department) {
		ps.Addf("person.department", "unknown department %q (want one of %s)", p.Department, strings.Join(b2b.Departments, ", "))
	}
	if len(p.Consent) > 0 || len(p.Attributes) > 0 {
		cp := b2b.Person{ID: "record", Consent: p.Consent, Attributes: p.Attributes}
		ps.Add("person", cp.Validate())
	}
	if p.AccountID != "" {
		if t := b2b.AccountID(trimSpace(string(p.AccountID))); t != p.AccountID {
			p.AccountID = t
			normalized++
		}
		if p.AccountID == "" {
			ps.Addf("person.accountId", "is blank")
		} else if !versions {
			refProblem(&ps, "person.accountId", p.AccountID)
		}
	}
	for i, a := range rec.OtherAccounts {
		if blank(string(a)) {
			ps.Addf(fmt.Sprintf("otherAccounts[%d]", i), "is blank")
			continue
		} else if !versions {
			refProblem(&ps, fmt.Sprintf("otherAccounts[%d]", i), a)
		}
		if trimSpace(string(a)) != string(a) {
			normalized++ // trimmed by accountStrings
		}
	}
	// extra shares buf with idents: idents is built after it, from its end.
	extra := buf[:0]
	for i, id := range rec.Identifiers {
		k, changed, err := g.normIdent(id, versions)
		if err != nil {
			ps.Add(fmt.Sprintf("identifiers[%d]", i), fmt.Errorf("%s: %w", id.Namespace, err))
			continue
		}
		if !versions && idKind(k.ns.spec.Kind) {
			if err := invisibleID(id.Value); err != nil {
				ps.Add(fmt.Sprintf("identifiers[%d]", i), fmt.Errorf("%s: %w", id.Namespace, err))
				continue
			}
		}
		if k.ns == g.nsAcctID || k.ns == g.nsDomain {
			// Every person of the account would be one person.
			ps.Addf(fmt.Sprintf("identifiers[%d]", i), "%s names an account, not a person: give the person's account as Person.AccountID or OtherAccounts", k.ns.spec.Name)
			continue
		}
		if changed {
			normalized++
		}
		if k.ns.spec.Kind == KindEmail && b2b.PlaceholderEmail(k.val) {
			continue // identifies nobody: dropped
		}
		if k.ns.spec.Unique && !versions {
			// Each value after the first is reported once, against
			// the first, with its place among the namespace's values;
			// the email comes first.
			if place, first := laterValue(email, extra, k); place > 0 {
				ps.Addf(fmt.Sprintf("identifiers[%d]", i), "%s value %q of unique namespace %s (first %q)", ordinal(place), k.val, k.ns.spec.Name, first)
			}
		}
		if !slices.Contains(extra, k) && k != email {
			extra = append(extra, k)
		}
	}
	if ps.Len() > 0 {
		return nil, nil, ps.Err("person record %s:%s", rec.Source, rec.RecordID)
	}
	g.stats.Normalized += normalized
	idents := extra[len(extra):]
	for _, k := range extra {
		if k.ns.spec.Unique {
			idents = append(idents, k)
		}
	}
	if email.val != "" {
		idents = append(idents, email)
	}
	for _, k := range extra {
		if !k.ns.spec.Unique {
			idents = append(idents, k)
		}
	}
	return idents, extra, nil
}

// refProblem adds the problem of an account reference that names no
// account: one no account can have as its ID (see prepareAccount), which
// would leave its person waiting for ever, or one holding an invisible
// character (see invisibleID). A saved state holds such references as
// they were accepted, and restores them.
func refProblem(ps *b2b.Problems, path string, ref b2b.AccountID) {
	if _, err := normalizeValue(KindExact, string(ref), false); err != nil {
		ps.Addf(path, "not an account ID an account can be found by: %v", err)
	} else if err := invisibleID(string(ref)); err != nil {
		ps.Add(path, err)
	}
}

// laterValue returns the place (2 and more) of value k among the values
// of its unique namespace that a record gives, lead (when set) and then
// seen before it, and the first of them; 0 when k is the first or among
// them already.
func laterValue(lead identKey, seen []identKey, k identKey) (place int, first string) {
	n := 0
	if lead.ns == k.ns && lead.val != "" {
		if lead.val == k.val {
			return 0, ""
		}
		first, n = lead.val, 1
	}
	for _, o := range seen {
		if o.ns != k.ns {
			continue
		}
		if o.val == k.val {
			return 0, ""
		}
		if n == 0 {
			first = o.val
		}
		n++
	}
	if n == 0 {
		return 0, ""
	}
	return n + 1, first
}

// ordinal words n (2 and more) as the place of a value: "second",
// "third", ... "ninth", then "another".
func ordinal(n int) string {
	words := [...]string{2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth"}
	if n >= 2 && n < len(words) {
		return words[n]
	}
	return "another"
}

func accountStrings(as []b2b.AccountID) []string {
	if len(as) == 0 {
		return nil
	}
	out := make([]string, 0, len(as))
	for _, a := range as {
		if s := trimSpace(string(a)); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// linkPerson links record i through its identifiers, merging golden
// persons unless a conflict forbids it. fresh is the index of a record
// added by this call (its singleton is not reported as merged), or -1. It
// returns the number of persons merged, and lists them in res.Merged when
// named.
func (g *Graph) linkPerson(i int32, idents []identKey, res *PersonResult, fresh int32, named bool, hashes []uint32) int {
	merged := 0
	for n, k := range idents {
		var h uint32
		if hashes != nil {
			h = hashes[n]
		} else {
			h = k.ns.persons.hash(k.val)
		}
		owner, ok := k.ns.persons.getOrPutHash(k.val, h, i)
		if !ok {
			continue
		}
		a, b := g.pfind(owner), g.pfind(i)
		if a == b {
			continue
		}
		if c, bad := g.personConflict(a, b, k, i); bad {
			g.markShared(&g.pShared, k)
			res.Conflicts = append(res.Conflicts, c)
			g.stats.Conflicts[c.Kind]++
			continue
		}
		root, loser := min(a, b), max(a, b)
		if loser != fresh {
			merged++
			if named {
				res.Merged = append(res.Merged, g.personID(loser))
			}
		}
		g.mergePersons(root, loser)
	}
	return merged
}

// updatePerson applies a new version of record i.
func (g *Graph) updatePerson(i int32, rec *PersonRecord, idents, extra []identKey, named bool) (PersonResult, int) {
	old := g.precs.at(i)
	res := PersonResult{}
	switch c := rec.Time.Compare(g.recAt(old)); {
	case c < 0:
		res.Outcome = Stale
	case c == 0 && g.samePerson(old, &rec.Person) && g.recHasAll(old, extra) &&
		containsAllStr(g.accts(old), accountStrings(rec.OtherAccounts)):
		res.Outcome = Duplicate
	}
	if res.Outcome != "" {
		g.count(res.Outcome)
		if named {
			res.Person = g.personID(g.pfind(i))
		}
		return res, 0
	}
	res.Outcome = Updated
	// The version's values of unique namespaces replace the record's
	// others of theirs; the index entries move before the values do.
	given := g.personGiven(rec, extra)
	retired := g.retirePerson(i, given)
	kept := g.personKept(i, given)
	// Identifiers accumulate: the old email stays an identifier of the
	// record, unless the version replaced it.
	if e := g.email(old); e != "" && e != rec.Person.Email && !b2b.PlaceholderEmail(e) &&
		!slices.Contains(retired, identKey{g.nsEmail, e}) {
		g.addExtra(old, identKey{g.nsEmail, e})
	}
	for _, k := range extra {
		g.addExtra(old, k)
	}
	moreAccts := false
	for _, a := range accountStrings(rec.OtherAccounts) {
		if !slices.Contains(g.accts(old), a) {
			s := g.sidePart(old)
			s.accts = append(s.accts, a)
			moreAccts = true
		}
	}
	// An identifier the version makes its email is the email only, as
	// Restore reads the record: kept among the identifiers too, it would
	// keep its place there, which the snapshot does not write, and the
	// record's identifiers would read in another order after Restore once
	// a later version changes the email again. The index finds it through
	// the email; a later email makes it an identifier again, last.
	x0 := g.x0(old)
	if e := (identKey{g.nsEmail, rec.Person.Email}); e.val != "" && g.hasExtra(old, e) {
		x0 = g.dropExtra(old, e, x0)
	}
	for _, k := range retired {
		x0 = g.dropExtra(old, k, x0)
	}
	g.setPerson(old, &rec.Person, g.recordID(old), x0)
	g.recomputePerson(g.pfind(i))
	if moreAccts {
		g.goldOf(g.pfind(i)).otherWaits = false // to wait for the new ones
	}
	if len(kept) > 0 {
		root := g.pfind(i)
		has := func(k identKey) bool { _, ok := k.ns.persons.get(k.val); return ok }
		idents = g.refuseGiven(idents, given, kept, has, RecordRef{rec.Source, rec.RecordID}, string(g.personID(root)), &res.Conflicts)
	}
	merged := g.linkPerson(i, idents, &res, -1, named, nil)
	root := g.pfind(i)
	g.pruneUniq(root, g.goldOf(root))
	res.LinksChanged = g.resolvePerson(root)
	if named {
		res.Person = g.personID(root)
	}
	g.count(res.Outcome)
	return res, merged
}

func containsAllIdents(have, want []identKey) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func (g *Graph) recHasAll(r *personRec, want []identKey) bool {
	for _, w := range want {
		if !g.hasExtra(r, w) {
			return false
		}
	}
	return true
}

func containsAllStr(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
