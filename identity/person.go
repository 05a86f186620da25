package identity

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A PersonRecord is one source system's version of a person: a Marketo
// lead, a Salesforce lead or contact, a Dynamics contact.
//
// The fields of Person that are empty are fields the record does not carry:
// they never overwrite a value from another record. Person.ID is ignored (the
// graph names golden persons); Person.Source and Person.UpdatedAt are set from
// Source and Time.
type PersonRecord struct {
	// Source is the system the record comes from ("salesforce", "marketo").
	Source b2b.Source `json:"source"`
	// RecordID is the record's ID in its source; (Source, RecordID) names
	// the record, and a later record with the same pair is a new version.
	RecordID string `json:"recordId"`
	// Identifiers are the record's identifiers besides Person.Email, which
	// is added to NSEmail automatically.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// OtherAccounts are explicit account references besides
	// Person.AccountID (a Salesforce AccountContactRelation, say); each
	// becomes a secondary explicit link.
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
	// Merged lists golden persons that this record merged into Person;
	// their IDs now resolve to Person.
	Merged []b2b.PersonID
	// Conflicts lists the links that were refused.
	Conflicts []Conflict
	// LinksChanged reports whether the person's account links changed.
	LinksChanged bool
}

// The person fields, in the order of PersonFields.
const (
	pfEmail = iota
	pfFirstName
	pfLastName
	pfTitle
	pfDepartment
	pfSeniority
	pfPhone
	pfCompany
	pfAccountID
	nPersonScalars
	pfConsent = nPersonScalars
	pfAttributes
)

func personField(p *b2b.Person, f int) string {
	switch f {
	case pfEmail:
		return p.Email
	case pfFirstName:
		return p.FirstName
	case pfLastName:
		return p.LastName
	case pfTitle:
		return p.Title
	case pfDepartment:
		return p.Department
	case pfSeniority:
		return p.Seniority
	case pfPhone:
		return p.Phone
	case pfCompany:
		return p.Company
	case pfAccountID:
		return string(p.AccountID)
	}
	return ""
}

func setPersonField(p *b2b.Person, f int, v string) {
	switch f {
	case pfEmail:
		p.Email = v
	case pfFirstName:
		p.FirstName = v
	case pfLastName:
		p.LastName = v
	case pfTitle:
		p.Title = v
	case pfDepartment:
		p.Department = v
	case pfSeniority:
		p.Seniority = v
	case pfPhone:
		p.Phone = v
	case pfCompany:
		p.Company = v
	case pfAccountID:
		p.AccountID = b2b.AccountID(v)
	}
}

// personRec is a stored person record, kept field by field rather than as
// a b2b.Person: the scalar fields in one array, the rarely set parts
// (consent, attributes, other accounts, more than one identifier besides
// the email) behind one pointer that most records leave nil. Records form a
// union-find forest (parent) whose root is the oldest record of a golden
// person; next links the records of one golden person in a ring.
type personRec struct {
	f        [nPersonScalars]string // email ... accountId, normalised
	recordID string
	at       time.Time   // Person.UpdatedAt
	x0       identKey    // first identifier besides the email (ns nil: none)
	side     *personSide // nil when the record has none of its parts
	parent   int32
	next     int32
	src      uint16
	dead     bool
	g        *goldenPerson // set on live roots; points into Graph.goldens
}

// personSide holds the parts of a person record that most records lack.
type personSide struct {
	consent map[b2b.Channel]b2b.Consent
	attrs   map[string]any
	accts   []string   // OtherAccounts, accumulated
	extra   []identKey // identifiers after x0, accumulated over versions
}

func (r *personRec) email() string { return r.f[pfEmail] }

// extras yields the identifiers of the record besides its current email.
func (r *personRec) extras(yield func(identKey) bool) {
	if r.x0.ns == nil || !yield(r.x0) {
		return
	}
	if r.side != nil {
		for _, k := range r.side.extra {
			if !yield(k) {
				return
			}
		}
	}
}

func (r *personRec) hasExtra(k identKey) bool {
	return r.x0 == k || r.side != nil && slices.Contains(r.side.extra, k)
}

// addExtra adds an identifier unless the record holds it already.
func (r *personRec) addExtra(k identKey) {
	switch {
	case r.hasExtra(k):
	case r.x0.ns == nil:
		r.x0 = k
	default:
		r.sidePart().extra = append(r.side.extra, k)
	}
}

func (r *personRec) sidePart() *personSide {
	if r.side == nil {
		r.side = &personSide{}
	}
	return r.side
}

func (r *personRec) accts() []string {
	if r.side == nil {
		return nil
	}
	return r.side.accts
}

func (r *personRec) consent() map[b2b.Channel]b2b.Consent {
	if r.side == nil {
		return nil
	}
	return r.side.consent
}

func (r *personRec) attrs() map[string]any {
	if r.side == nil {
		return nil
	}
	return r.side.attrs
}

// setPerson stores the fields of p (normalised by preparePerson).
func (r *personRec) setPerson(p *b2b.Person) {
	for f := range nPersonScalars {
		r.f[f] = personField(p, f)
	}
	r.at = p.UpdatedAt
	if len(p.Consent) > 0 || len(p.Attributes) > 0 || r.side != nil {
		s := r.sidePart()
		s.consent, s.attrs = p.Consent, p.Attributes
	}
}

// person rebuilds the record's b2b.Person.
func (r *personRec) person(source b2b.Source) b2b.Person {
	p := b2b.Person{Source: source, UpdatedAt: r.at, Consent: r.consent(), Attributes: r.attrs()}
	for f := range nPersonScalars {
		setPersonField(&p, f, r.f[f])
	}
	return p
}

// samePerson reports whether the record holds the fields of p; empty and
// missing maps are the same.
func (r *personRec) samePerson(p *b2b.Person) bool {
	for f := range nPersonScalars {
		if r.f[f] != personField(p, f) {
			return false
		}
	}
	if !r.at.Equal(p.UpdatedAt) {
		return false
	}
	c, a := r.consent(), r.attrs()
	return (len(c) == 0 && len(p.Consent) == 0 || reflect.DeepEqual(c, p.Consent)) &&
		(len(a) == 0 && len(p.Attributes) == 0 || reflect.DeepEqual(a, p.Attributes))
}

// goldenPerson is the state of a golden person, held by its root record:
// for each field, the record whose value wins. Golden persons live in a
// slab (Graph.goldens) and are reused once merged away or erased.
type goldenPerson struct {
	win      [nPersonScalars]int32
	consent  []keyWin
	attrs    []keyWin
	uniq     []identKey
	uniq0    [1]identKey // first backing array of uniq
	hasOther bool
	primary  link
	more     []link
	// keys under which the person waits in the resolution indexes
	hostIdx, nameIdx, refIdx string
}

type keyWin struct {
	key string
	rec int32
}

// newGolden returns an empty golden person.
func (g *Graph) newGolden() *goldenPerson {
	var gp *goldenPerson
	if n := len(g.gfree); n > 0 {
		gp, g.gfree = g.gfree[n-1], g.gfree[:n-1]
	} else {
		gp = g.goldens.at(g.goldens.add())
	}
	gp.uniq = gp.uniq0[:0]
	g.resetGolden(gp)
	return gp
}

// freeGolden clears a golden person that no record holds any more, for
// reuse.
func (g *Graph) freeGolden(gp *goldenPerson) {
	*gp = goldenPerson{}
	g.gfree = append(g.gfree, gp)
}

func (g *Graph) pfind(i int32) int32 {
	for {
		r := g.precs.at(i)
		p := r.parent
		if p == i {
			return i
		}
		gp := g.precs.at(p).parent
		r.parent = gp
		i = gp
	}
}

// AddPerson adds one person record (or a new version of one) and returns
// what it did. A record with a problem is rejected with a
// *b2b.ValidationError that lists every problem with its path, and is
// counted in Stats.Rejected; the graph is unchanged.
func (g *Graph) AddPerson(rec PersonRecord) (PersonResult, error) {
	var buf [6]identKey
	idents, extra, err := g.preparePerson(&rec, buf[:0])
	if err != nil {
		return PersonResult{}, g.reject(err)
	}
	res, _ := g.addPrepared(&rec, idents, extra, true)
	return res, nil
}

// addPrepared adds a record that preparePerson accepted. With named false
// it leaves the person IDs of the result empty (the batch entry point does
// not report them) and returns the number of persons merged instead.
func (g *Graph) addPrepared(rec *PersonRecord, idents, extra []identKey, named bool) (PersonResult, int) {
	src := g.sources.intern(rec.Source)
	i := g.precs.len()
	if j, found := g.pkeyMap(src).getOrPut(rec.RecordID, i); found {
		return g.updatePerson(j, rec, idents, extra, named)
	}
	r := g.precs.at(g.precs.add())
	r.setPerson(&rec.Person)
	r.recordID, r.parent, r.next, r.src = rec.RecordID, i, i, src
	for _, k := range extra {
		r.addExtra(k)
	}
	if accts := accountStrings(rec.OtherAccounts); accts != nil {
		r.sidePart().accts = accts
	}
	g.nprecs++
	gp := g.newGolden()
	r.g = gp
	g.persons++
	g.applyPerson(gp, i)
	res := PersonResult{Outcome: Created}
	merged := g.linkPerson(i, idents, &res, i, named)
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

// preparePerson validates and normalises a record in place; it returns the
// identifiers to link, in link order (unique namespaces first, then the
// email, then the others as given), and the identifiers to store besides
// the email.
func (g *Graph) preparePerson(rec *PersonRecord, buf []identKey) ([]identKey, []identKey, error) {
	var ps b2b.Problems
	if blank(rec.Source) {
		ps.Addf("source", "is required")
	} else if strings.IndexByte(rec.Source, ':') >= 0 {
		ps.Addf("source", "%q must not contain ':'", rec.Source)
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
	var email identKey
	if p.Email != "" {
		e, err := NormalizeEmail(p.Email)
		if err != nil {
			ps.Add("person.email", err)
		} else {
			if e != p.Email {
				g.stats.Normalized++
			}
			p.Email = e
			email = identKey{g.nsEmail, e}
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
		p.AccountID = b2b.AccountID(trimSpace(string(p.AccountID)))
		if p.AccountID == "" {
			ps.Addf("person.accountId", "is blank")
		}
	}
	for i, a := range rec.OtherAccounts {
		if blank(string(a)) {
			ps.Addf(fmt.Sprintf("otherAccounts[%d]", i), "is blank")
		}
	}
	// extra shares buf with idents: idents is built after it, from its end.
	extra := buf[:0]
	for i, id := range rec.Identifiers {
		k, changed, err := g.normIdent(id)
		if err != nil {
			ps.Add(fmt.Sprintf("identifiers[%d]", i), fmt.Errorf("%s: %w", id.Namespace, err))
			continue
		}
		if changed {
			g.stats.Normalized++
		}
		for _, o := range extra {
			if o.ns == k.ns && o.val != k.val && k.ns.spec.Unique {
				ps.Addf(fmt.Sprintf("identifiers[%d]", i), "second value %q of unique namespace %s (first %q)", k.val, k.ns.spec.Name, o.val)
			}
		}
		if !slices.Contains(extra, k) && k != email {
			extra = append(extra, k)
		}
	}
	if ps.Len() > 0 {
		return nil, nil, ps.Err("person record %s:%s", rec.Source, rec.RecordID)
	}
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
func (g *Graph) linkPerson(i int32, idents []identKey, res *PersonResult, fresh int32, named bool) int {
	merged := 0
	for _, k := range idents {
		owner, ok := k.ns.persons.getOrPut(k.val, i)
		if !ok {
			continue
		}
		a, b := g.pfind(owner), g.pfind(i)
		if a == b {
			continue
		}
		if c, bad := g.personConflict(a, b, k, i); bad {
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

func (g *Graph) personConflict(a, b int32, k identKey, rec int32) (Conflict, bool) {
	ga, gb := g.precs.at(a).g, g.precs.at(b).g
	detail := ""
	kind := ConflictKind("")
	for _, u := range ga.uniq {
		for _, v := range gb.uniq {
			if u.ns == v.ns && u.val != v.val {
				kind, detail = ConflictUniqueNamespace, fmt.Sprintf("%s %q vs %q", u.ns.spec.Name, u.val, v.val)
			}
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
		Record:     RecordRef{g.sources.names[r.src], r.recordID},
		Kept:       string(g.personID(a)),
		Other:      string(g.personID(b)),
		Detail:     detail,
	}, true
}

func (g *Graph) goldenValue(gp *goldenPerson, f int) string {
	if w := gp.win[f]; w >= 0 {
		return g.precs.at(w).f[f]
	}
	return ""
}

// mergePersons merges the golden person rooted at loser into root.
func (g *Graph) mergePersons(root, loser int32) {
	r, l := g.precs.at(root).g, g.precs.at(loser).g
	for f := range nPersonScalars {
		if w := l.win[f]; w >= 0 && (r.win[f] < 0 || g.pBetter(w, r.win[f], f)) {
			r.win[f] = w
		}
	}
	for _, kw := range l.consent {
		g.offerConsent(r, kw.key, kw.rec)
	}
	for _, kw := range l.attrs {
		g.offerAttr(r, kw.key, kw.rec)
	}
	for _, u := range l.uniq {
		if !slices.Contains(r.uniq, u) {
			r.uniq = append(r.uniq, u)
		}
	}
	r.hasOther = r.hasOther || l.hasOther
	g.setLinks(loser, l, link{}, nil)
	g.unwait(l)
	pr, pl := g.precs.at(root), g.precs.at(loser)
	pr.next, pl.next = pl.next, pr.next
	pl.parent = root
	pl.g = nil
	g.freeGolden(l)
	g.persons--
}

func (g *Graph) resetGolden(gp *goldenPerson) {
	for f := range gp.win {
		gp.win[f] = -1
	}
	gp.consent, gp.attrs, gp.uniq, gp.hasOther = gp.consent[:0], gp.attrs[:0], gp.uniq[:0], false
}

// applyPerson offers record m's values to a golden person.
func (g *Graph) applyPerson(gp *goldenPerson, m int32) {
	r := g.precs.at(m)
	for f := range nPersonScalars {
		if r.f[f] != "" && (gp.win[f] < 0 || g.pBetter(m, gp.win[f], f)) {
			gp.win[f] = m
		}
	}
	if r.side != nil {
		for ch := range r.side.consent {
			g.offerConsent(gp, ch, m)
		}
		for k := range r.side.attrs {
			g.offerAttr(gp, k, m)
		}
		gp.hasOther = gp.hasOther || len(r.side.accts) > 0
	}
	for k := range r.extras {
		if k.ns.spec.Unique && !slices.Contains(gp.uniq, k) {
			gp.uniq = append(gp.uniq, k)
		}
	}
	if r.email() != "" && g.nsEmail.spec.Unique {
		if k := (identKey{g.nsEmail, r.email()}); !slices.Contains(gp.uniq, k) {
			gp.uniq = append(gp.uniq, k)
		}
	}
}

func (g *Graph) offerConsent(gp *goldenPerson, ch string, m int32) {
	for i := range gp.consent {
		if gp.consent[i].key == ch {
			if g.consentBetter(m, gp.consent[i].rec, ch) {
				gp.consent[i].rec = m
			}
			return
		}
	}
	gp.consent = append(gp.consent, keyWin{ch, m})
}

func (g *Graph) offerAttr(gp *goldenPerson, key string, m int32) {
	for i := range gp.attrs {
		if gp.attrs[i].key == key {
			if g.pBetter(m, gp.attrs[i].rec, pfAttributes) {
				gp.attrs[i].rec = m
			}
			return
		}
	}
	gp.attrs = append(gp.attrs, keyWin{key, m})
}

// pBetter reports whether record x's value of field f beats record y's.
func (g *Graph) pBetter(x, y int32, f int) bool {
	rx, ry := g.precs.at(x), g.precs.at(y)
	return better(g.pRules[f], rx.src, ry.src, rx.at, ry.at, x, y)
}

func (g *Graph) consentBetter(x, y int32, ch string) bool {
	rx, ry := g.precs.at(x), g.precs.at(y)
	tx, ty := rx.consent()[ch].At, ry.consent()[ch].At
	if tx.IsZero() {
		tx = rx.at
	}
	if ty.IsZero() {
		ty = ry.at
	}
	return better(g.pRules[pfConsent], rx.src, ry.src, tx, ty, x, y)
}

// better ranks two records under a rule: source priority, then the most
// recent, then the later arrival.
func better(rule *rankedRule, sx, sy uint16, tx, ty time.Time, x, y int32) bool {
	if rx, ry := rule.ranks[sx], rule.ranks[sy]; rx != ry {
		return rx < ry
	}
	if c := tx.Compare(ty); c != 0 {
		return c > 0
	}
	return x > y
}

// updatePerson applies a new version of record i.
func (g *Graph) updatePerson(i int32, rec *PersonRecord, idents, extra []identKey, named bool) (PersonResult, int) {
	old := g.precs.at(i)
	res := PersonResult{}
	switch c := rec.Time.Compare(old.at); {
	case c < 0:
		res.Outcome = Stale
	case c == 0 && old.samePerson(&rec.Person) && recHasAll(old, extra) &&
		containsAllStr(old.accts(), accountStrings(rec.OtherAccounts)):
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
	// Identifiers accumulate: the old email stays an identifier of the record.
	if old.email() != "" && old.email() != rec.Person.Email {
		old.addExtra(identKey{g.nsEmail, old.email()})
	}
	for _, k := range extra {
		old.addExtra(k)
	}
	for _, a := range accountStrings(rec.OtherAccounts) {
		if !slices.Contains(old.accts(), a) {
			old.sidePart().accts = append(old.side.accts, a)
		}
	}
	old.setPerson(&rec.Person)
	g.recomputePerson(g.pfind(i))
	merged := g.linkPerson(i, idents, &res, -1, named)
	root := g.pfind(i)
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

func recHasAll(r *personRec, want []identKey) bool {
	for _, w := range want {
		if !r.hasExtra(w) {
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

// recomputePerson rebuilds a golden person from all its records.
func (g *Graph) recomputePerson(root int32) {
	gp := g.precs.at(root).g
	g.resetGolden(gp)
	for m := range g.members(root) {
		g.applyPerson(gp, m)
	}
}

// members yields the records of the golden person rooted at root.
func (g *Graph) members(root int32) func(func(int32) bool) {
	return func(yield func(int32) bool) {
		m := root
		for {
			if !yield(m) {
				return
			}
			m = g.precs.at(m).next
			if m == root {
				return
			}
		}
	}
}

// personID returns the ID of the golden person rooted at root: the source
// and record ID of its oldest record ("salesforce:0035e00000Abcde").
func (g *Graph) personID(root int32) b2b.PersonID {
	r := g.precs.at(root)
	return b2b.PersonID(g.sources.names[r.src] + ":" + r.recordID)
}
