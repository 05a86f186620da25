package identity

// The read side of the graph: golden persons and accounts with their
// provenance, and lookups by ID, record and identifier.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// personRoot finds the live golden person for an ID. The ID of a person
// that was merged into another resolves to the survivor.
func (g *Graph) personRoot(id b2b.PersonID) (int32, bool) {
	src, rid, ok := strings.Cut(string(id), ":")
	if !ok {
		return 0, false
	}
	i, ok := g.precByKey(src, rid)
	if !ok {
		return 0, false
	}
	return g.pfind(i), true
}

// Lookup returns the golden person that holds an identifier (its value is
// normalised first: "Ann@ACME.com" finds "ann@acme.com").
func (g *Graph) Lookup(id Identifier) (b2b.PersonID, bool) {
	// As stored: an address a restored state holds (ann@1.2.3.4, taken
	// before such addresses were refused) finds its person.
	k, _, err := g.normIdent(id, true)
	if err != nil {
		return "", false
	}
	i, ok := k.ns.persons.get(k.val)
	if !ok {
		return "", false
	}
	return g.personID(g.pfind(i)), true
}

// LookupAccount returns the golden account that holds an account
// identifier (an account ID, a domain, a value of another namespace an
// account record carries; not a placeholder domain such as example.com,
// which identifies no account: see [AccountRecord]), normalised first as
// Lookup does: the account
// of the record that held it first, or the account that record's account
// was merged into. An identifier two accounts carry (a domain of two CRM
// accounts that a conflict kept apart) finds the one that held it first.
func (g *Graph) LookupAccount(id Identifier) (b2b.AccountID, bool) {
	k, _, err := g.normIdent(id, true) // as Lookup
	if err != nil {
		return "", false
	}
	i, ok := k.ns.accounts.get(k.val)
	if !ok {
		return "", false
	}
	return g.accountID(g.afind(i)), true
}

// PersonOfRecord returns the golden person a source record belongs to.
func (g *Graph) PersonOfRecord(source b2b.Source, recordID string) (b2b.PersonID, bool) {
	i, ok := g.precByKey(source, recordID)
	if !ok {
		return "", false
	}
	return g.personID(g.pfind(i)), true
}

// A GoldenPerson is the unified view of one person across sources.
type GoldenPerson struct {
	ID b2b.PersonID `json:"id"`
	// Person holds the winning value of every field. Person.AccountID is
	// the primary linked account (not necessarily a source's reference);
	// Source is "quorum" and UpdatedAt the time of the newest record.
	// Person.Consent holds each channel's winning statement with the time
	// it counted at: an undated opt-out at its record's time, an undated
	// opt-in undated (see [MergePolicy]).
	Person b2b.Person `json:"person"`
	// Provenance maps each set field ("title", "consent.email",
	// "attributes.plan") to where its value came from.
	Provenance  map[string]Provenance `json:"provenance"`
	Records     []RecordRef           `json:"records"`     // in order of arrival
	Identifiers []Identifier          `json:"identifiers"` // sorted
	Links       []Link                `json:"links"`       // primary first
}

// Person returns the golden person with an ID (or the person it was merged
// into).
func (g *Graph) Person(id b2b.PersonID) (GoldenPerson, error) {
	root, ok := g.personRoot(id)
	if !ok || g.precs.at(root).dead {
		return GoldenPerson{}, fmt.Errorf("%w %q", ErrUnknownPerson, id)
	}
	gp := g.goldOf(root)
	out := GoldenPerson{ID: g.personID(root), Provenance: map[string]Provenance{}}
	p := &out.Person
	p.ID, p.Source = out.ID, b2b.SourceQuorum
	prov := func(m int32, rule *rankedRule) Provenance {
		r := g.precs.at(m)
		return Provenance{Source: g.sources.names[r.src], RecordID: g.recordID(r), Time: g.recAt(r), Rule: rule.text}
	}
	for f := range nPersonScalars {
		if w := gp.win[f]; w >= 0 && f != pfAccountID {
			setPersonField(p, f, g.txt(g.precs.at(w), f))
			out.Provenance[PersonFields[f]] = prov(w, g.pRules[f])
		}
	}
	gs := g.gside(gp)
	if gs == nil {
		gs = &goldSide{}
	}
	for _, kw := range gs.consent {
		if p.Consent == nil {
			p.Consent = map[b2b.Channel]b2b.Consent{}
		}
		// With the time it counted at: an undated opt-out at its
		// record's time, so that governance, which reads the golden
		// person, counts it when its record changed too, not when the
		// person's newest record did.
		p.Consent[kw.key] = g.consentStmt(g.precs.at(kw.rec), kw.key)
		pv := prov(kw.rec, g.pRules[pfConsent])
		pv.Reason = g.consentReason(root, kw.key, kw.rec)
		out.Provenance["consent."+kw.key] = pv
	}
	for _, kw := range gs.attrs {
		if p.Attributes == nil {
			p.Attributes = map[string]any{}
		}
		p.Attributes[kw.key] = cloneAttr(g.attrs(g.precs.at(kw.rec))[kw.key])
		out.Provenance["attributes."+kw.key] = prov(kw.rec, g.pRules[pfAttributes])
	}
	out.Links = g.links(root)
	if len(out.Links) > 0 {
		l := out.Links[0]
		p.AccountID = l.Account
		// The field's record is the provenance only when the field's
		// reference made the link, not another reference of the records
		// while the field names an account not loaded.
		if w := gp.win[pfAccountID]; l.Method == MethodExplicit && w >= 0 && g.primary(gp).via == g.txt(g.precs.at(w), pfAccountID) {
			out.Provenance["accountId"] = prov(w, g.pRules[pfAccountID])
		} else {
			out.Provenance["accountId"] = Provenance{Source: b2b.SourceQuorum, Rule: "resolved by " + string(l.Method) + ": " + l.Evidence}
		}
	}
	var recs []int32
	for m := range g.members(root) {
		recs = append(recs, m)
	}
	slices.Sort(recs)
	seen := map[Identifier]bool{}
	for _, m := range recs {
		r := g.precs.at(m)
		out.Records = append(out.Records, RecordRef{g.sources.names[r.src], g.recordID(r)})
		if at := g.recAt(r); at.After(p.UpdatedAt) {
			p.UpdatedAt = at
		}
		if e := g.email(r); e != "" && !b2b.PlaceholderEmail(e) {
			seen[Identifier{NSEmail, e}] = true
		}
		for k := range g.extras(r) {
			seen[k.id()] = true
		}
	}
	out.Identifiers = slices.SortedFunc(maps.Keys(seen), func(a, b Identifier) int {
		return strings.Compare(a.String(), b.String())
	})
	return out, nil
}

// A GoldenAccount is the unified view of one account across sources.
type GoldenAccount struct {
	ID b2b.AccountID `json:"id"`
	// Account holds the winning value of every field; Domains is the union
	// of the records' domains, the first record's (by arrival) first, and
	// placeholders (example.com, acme.test: see AccountRecord), which
	// identify no account, after every other (its first is the account's
	// main domain, which decides the primary link of a person whose domain
	// several accounts hold); ParentID is the parent's golden ID when the parent
	// is known, else the reference as given, and empty when the reference
	// names the account itself (see [Graph.Parent]).
	Account     b2b.Account           `json:"account"`
	Provenance  map[string]Provenance `json:"provenance"`
	Records     []RecordRef           `json:"records"`
	Identifiers []Identifier          `json:"identifiers"`
}

// Account returns the golden account that an account ID (of any of its
// records, or an NSAccountID identifier) names.
func (g *Graph) Account(id b2b.AccountID) (GoldenAccount, error) {
	root := g.accountRoot(string(id))
	if root < 0 {
		return GoldenAccount{}, fmt.Errorf("%w %q", ErrUnknownAccount, id)
	}
	ga := g.agold(root)
	out := GoldenAccount{ID: g.accountID(root), Provenance: map[string]Provenance{}}
	a := &out.Account
	a.ID, a.Source = out.ID, b2b.SourceQuorum
	prov := func(m int32, rule *rankedRule) Provenance {
		r := &g.arecs[m]
		return Provenance{Source: r.a.Source, RecordID: r.recordID, Time: r.a.UpdatedAt, Rule: rule.text}
	}
	for f := range nAccountScalars {
		if w := ga.win[f]; w >= 0 {
			copyAccountField(a, &g.arecs[w].a, f)
			out.Provenance[AccountFields[f]] = prov(w, g.aRules[f])
		}
	}
	if p := g.parentRoot(root); p >= 0 {
		a.ParentID = g.accountID(p)
	} else if g.selfParent(root) {
		// The reference names the account itself (see Graph.Parent):
		// no parent.
		a.ParentID = ""
		delete(out.Provenance, "parentId")
	}
	for _, kw := range g.aattrs(ga) {
		if a.Attributes == nil {
			a.Attributes = map[string]any{}
		}
		a.Attributes[kw.key] = cloneAttr(g.arecs[kw.rec].a.Attributes[kw.key])
		out.Provenance["attributes."+kw.key] = prov(kw.rec, g.aRules[afAttributes])
	}
	a.Domains = g.adomains(root)
	var recs []int32
	for m := root; ; {
		recs = append(recs, m)
		if m = g.arecs[m].next; m == root {
			break
		}
	}
	slices.Sort(recs)
	seen := map[Identifier]bool{}
	for _, m := range recs {
		r := &g.arecs[m]
		out.Records = append(out.Records, RecordRef{r.a.Source, r.recordID})
		if r.a.UpdatedAt.After(a.UpdatedAt) {
			a.UpdatedAt = r.a.UpdatedAt
		}
		seen[Identifier{NSAccountID, string(r.a.ID)}] = true
		for _, d := range g.recDomains(r) {
			if !g.noAccountDomain(d) {
				seen[Identifier{NSAccountDomain, d}] = true
			}
		}
		for _, k := range r.extra {
			seen[k.id()] = true
		}
	}
	out.Identifiers = slices.SortedFunc(maps.Keys(seen), func(a, b Identifier) int {
		return strings.Compare(a.String(), b.String())
	})
	return out, nil
}

// consentReason says why record win's consent statement for ch won over
// the statements of the other records of the golden person rooted at root,
// in the order the records arrived; "" when there are none, so that the
// common case costs nothing.
func (g *Graph) consentReason(root int32, ch string, win int32) string {
	var losers []int32
	for m := range g.members(root) {
		if m != win {
			if _, ok := g.consent(g.precs.at(m))[ch]; ok {
				losers = append(losers, m)
			}
		}
	}
	if len(losers) == 0 {
		return ""
	}
	rw := g.precs.at(win)
	cw := g.consentStmt(rw, ch)
	slices.Sort(losers)
	var b strings.Builder
	b.WriteString(g.describeConsent(rw, ch, cw, ""))
	b.WriteString(" wins over ")
	for i, m := range losers {
		if i > 0 {
			b.WriteString(", ")
		}
		rl := g.precs.at(m)
		cl := g.consentStmt(rl, ch)
		b.WriteString(g.describeConsent(rl, ch, cl, g.sources.names[rl.src]+":"+g.recordID(rl)))
		b.WriteString(" (")
		b.WriteString(g.whyConsentLost(rw, rl, cw, cl))
		b.WriteString(")")
	}
	return b.String()
}

// describeConsent words record r's statement for ch, c being the
// statement with the time it counts at (consentStmt), and names the record
// when label is set.
func (g *Graph) describeConsent(r *personRec, ch string, c b2b.Consent, label string) string {
	s := c.Status
	if label != "" {
		s += " of " + label
	}
	switch {
	case !g.consent(r)[ch].At.IsZero():
		return s + " at " + c.At.UTC().Format(time.RFC3339)
	case !c.At.IsZero():
		return s + ", undated, counted at its record's time " + c.At.UTC().Format(time.RFC3339)
	}
	return s + ", undated, counted before every dated statement"
}

// whyConsentLost says why the statement cl of record rl lost to the
// statement cw of record rw.
func (g *Graph) whyConsentLost(rw, rl *personRec, cw, cl b2b.Consent) string {
	rule := g.pRules[pfConsent]
	if rule.ranks[rw.src] != rule.ranks[rl.src] {
		return "source priority"
	}
	sw, sl := b2b.ConsentStrictness(cw.Status), b2b.ConsentStrictness(cl.Status)
	w := g.consentWindow
	within := !cw.At.After(cl.At.Add(w)) && !cl.At.After(cw.At.Add(w))
	switch {
	case sw > 0 && sl == 0:
		return "states nothing"
	case sw > sl && within:
		return "less strict, within " + w.String()
	case sl > sw:
		return "stricter, but older by more than " + w.String()
	case cl.At.Before(cw.At):
		return "older"
	case g.cmpAt(rw, rl) > 0:
		return "same status and time, from a record changed earlier"
	}
	return "same status and time, from a record that arrived earlier"
}
