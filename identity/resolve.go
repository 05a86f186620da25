package identity

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/publicsuffix"

	"github.com/quorumhq/quorum/b2b"
)

// Method is how a person was linked to an account.
type Method string

// The resolution methods, in the order they are tried.
const (
	// MethodExplicit: the source named the account (a CRM contact's
	// AccountId, a Marketo lead's company ID, an AccountContactRelation).
	// Confidence 1.0.
	MethodExplicit Method = "explicit"
	// MethodEmailDomain: the person's email domain is an account domain
	// (confidence 0.9) or a subdomain of one (0.8, "eu.acme.com" under
	// "acme.com").
	MethodEmailDomain Method = "email_domain"
	// MethodCompanyName: the normalised company name the person gave equals
	// exactly one account's normalised name. Confidence 0.6.
	MethodCompanyName Method = "company_name"
)

// The confidence of each kind of link.
const (
	ConfidenceExplicit          = 1.0
	ConfidenceDomain            = 0.9
	ConfidenceSubdomain         = 0.8
	ConfidenceCompanyName       = 0.6
	methodNone            uint8 = 0
	methodExplicit        uint8 = 1
	methodDomain          uint8 = 2
	methodName            uint8 = 3
)

// A Link ties a person to an account.
type Link struct {
	Account    b2b.AccountID `json:"account"`
	Method     Method        `json:"method"`
	Confidence float64       `json:"confidence"`
	Primary    bool          `json:"primary"`
	// Evidence says what matched, in words.
	Evidence string `json:"evidence"`
	// Reference is, for an explicit link, the account reference that
	// made it when that is not Account: another ID of the account (a
	// CRM account merged into a marketing automation company keeps its
	// ID as a reference to it). Empty for the account's own ID and for
	// other methods.
	Reference b2b.AccountID `json:"reference,omitempty"`
}

type link struct {
	acct   int32 // account root at link time (find it again to read)
	method uint8
	sub    bool   // domain matched as a parent of the email domain
	via    string // the reference, domain or name key that matched
}

// UnresolvedReason says why a resolution step found no account.
type UnresolvedReason string

// The reasons a person is not linked, one per step tried.
const (
	ReasonUnknownAccount UnresolvedReason = "unknown_account_reference"
	ReasonFreeMail       UnresolvedReason = "free_mail_domain"
	ReasonNoDomainMatch  UnresolvedReason = "no_domain_match"
	// ReasonPlaceholderEmail: the email is a placeholder at a domain
	// filled in as well, which names no company: a domain reserved for
	// examples and tests (example.com, example.net, example.org, and
	// every domain under .example, .test, .invalid or .localhost), or
	// one whose name under its public suffix is a placeholder's local
	// part (unknown.com, test.com, noreply.co.uk), as in
	// unknown@unknown.com or test@example.com. A real address at a
	// domain of the second kind (ann@unknown.com) is read as any other.
	ReasonPlaceholderEmail UnresolvedReason = "placeholder_email"
	// ReasonPlaceholderDomain: the email is a real address at a domain
	// reserved for examples and tests (ann@example.com, a test
	// address), which names no company and identifies no account: an
	// account that gives it among its domains is not found by it.
	ReasonPlaceholderDomain UnresolvedReason = "placeholder_domain"
	ReasonAmbiguousCompany  UnresolvedReason = "ambiguous_company_name"
	ReasonNoCompanyMatch    UnresolvedReason = "no_company_match"
	// ReasonNoEvidence: no account reference, no usable email and no
	// company name.
	ReasonNoEvidence UnresolvedReason = "no_evidence"
)

type why struct {
	reason UnresolvedReason
	detail string
}

// resolvePerson recomputes the links of a golden person and reports
// whether they changed.
func (g *Graph) resolvePerson(root int32) bool {
	gp := g.goldOf(root)
	prim, more := g.computeLinks(root, gp, nil)
	return g.setLinks(root, gp, prim, more)
}

// computeLinks runs the resolution steps in order. With explain == nil it
// registers the person in the indexes of the steps that failed (so that a
// later account re-resolves it); otherwise it records why each step failed.
func (g *Graph) computeLinks(root int32, gp *goldenPerson, explain *[]why) (prim link, more []link) {
	register := explain == nil
	note := func(r UnresolvedReason, format string, args ...any) {
		*explain = append(*explain, why{r, fmt.Sprintf(format, args...)})
	}
	// 1. Explicit references.
	if ref := g.goldenValue(gp, pfAccountID); ref != "" {
		if a := g.refRoot(gp, ref); a >= 0 {
			prim = link{acct: a, method: methodExplicit, via: ref}
		} else {
			if explain != nil {
				note(ReasonUnknownAccount, "account reference %q matches no account", ref)
			}
			if register && g.str(gp.refIdx) != ref {
				g.waitRef[ref] = append(g.waitRef[ref], root)
				gp.refIdx = g.keep(gp, ref)
			}
		}
	}
	if gp.hasOther {
		// The records in order of arrival, not of the ring, which
		// depends on the order the person's records merged in (and
		// Restore makes in another): the primary link and the order of
		// the others would depend on it.
		var buf [8]int32
		recs := buf[:0]
		for m := range g.members(root) {
			recs = append(recs, m)
		}
		slices.Sort(recs)
		for _, m := range recs {
			for _, ref := range g.accts(g.precs.at(m)) {
				a := g.accountRoot(ref)
				if a < 0 {
					if explain != nil {
						note(ReasonUnknownAccount, "account reference %q matches no account", ref)
					}
					if register && !gp.otherWaits {
						g.waitRef[ref] = append(g.waitRef[ref], root)
					}
					continue
				}
				l := link{acct: a, method: methodExplicit, via: ref}
				if prim.method == methodNone {
					prim = l
				} else if prim.acct != a && !slices.ContainsFunc(more, func(x link) bool { return x.acct == a }) {
					more = append(more, l)
				}
			}
		}
		if register {
			gp.otherWaits = true
		}
	}
	if prim.method != methodNone {
		return prim, more
	}
	// 2. Email domain, then its parent domains.
	email := g.goldenValue(gp, pfEmail)
	host := EmailDomain(email)
	if host != "" && (placeholderDomain(host) || b2b.PlaceholderEmail(email) && placeholderName(host)) {
		// No account is found by such a domain (see prepareAccount):
		// the person does not wait for one either.
		switch {
		case explain == nil:
		case b2b.PlaceholderEmail(email):
			note(ReasonPlaceholderEmail, "email %q is a placeholder at a domain that names no company", email)
		default:
			note(ReasonPlaceholderDomain, "email domain %q is reserved for examples and tests, and names no company", host)
		}
		host = ""
	}
	if host != "" {
		if fm := g.freeMailOf(host); fm != "" {
			if explain != nil {
				note(ReasonFreeMail, "email domain %q is free mail (%s)", host, fm)
			}
		} else {
			// Register under the host and its parents (one lookup per
			// domain serves both), then link to the most specific domain
			// an account owns.
			wait := register && g.str(gp.hostIdx) != host
			if wait {
				gp.hostIdx = g.keep(gp, host)
			}
			var accts []int32
			var at string
			for d := host; d != ""; d = parentDomain(d) {
				e := g.domains.lookup(d, wait)
				if e == nil {
					continue
				}
				if wait {
					g.lists.add(&e.wait, root)
				}
				if accts == nil && e.accts.len() > 0 {
					accts, at = g.lists.items(e.accts), d
					if !wait {
						break
					}
				}
			}
			if d := at; len(accts) == 1 {
				return link{acct: accts[0], method: methodDomain, sub: d != host, via: d}, nil
			} else if len(accts) > 1 {
				ls := make([]link, 0, len(accts))
				for _, a := range accts {
					ls = append(ls, link{acct: a, method: methodDomain, sub: d != host, via: d})
				}
				if len(ls) > 1 {
					// Primary: the account whose main domain this is,
					// then by account ID: not the order the accounts
					// arrived in, which Restore and a store's recovery
					// do not keep.
					slices.SortFunc(ls, func(x, y link) int {
						mx, my := g.mainDomain(x.acct) == d, g.mainDomain(y.acct) == d
						if mx != my {
							if mx {
								return -1
							}
							return 1
						}
						return cmp.Compare(g.accountID(x.acct), g.accountID(y.acct))
					})
				}
				return ls[0], ls[1:]
			}
			if explain != nil {
				note(ReasonNoDomainMatch, "email domain %q matches no account domain", host)
			}
		}
	}
	// 3. Company name.
	if company := g.goldenValue(gp, pfCompany); company != "" {
		key := NormalizeCompanyName(company)
		if key != "" {
			wait := register && g.str(gp.nameIdx) != key
			e := g.names.lookup(key, wait)
			if wait {
				g.lists.add(&e.wait, root)
				gp.nameIdx = g.keep(gp, key)
			}
			var accts []int32
			if e != nil {
				accts = g.lists.items(e.accts)
			}
			switch len(accts) {
			case 0:
				if explain != nil {
					note(ReasonNoCompanyMatch, "company %q (key %q) matches no account name", company, key)
				}
			case 1:
				return link{acct: accts[0], method: methodName, via: key}, nil
			default:
				ids := make([]string, len(accts))
				for i, a := range accts {
					ids[i] = string(g.accountID(a))
				}
				slices.Sort(ids)
				if explain != nil {
					note(ReasonAmbiguousCompany, "company %q (key %q) matches %d accounts: %s", company, key, len(ids), strings.Join(ids, ", "))
				}
			}
		} else if explain != nil {
			if strings.IndexFunc(company, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
				note(ReasonNoCompanyMatch, "company %q has no words", company)
			} else {
				note(ReasonNoCompanyMatch, "company %q has no name besides legal words", company)
			}
		}
	}
	if explain != nil && len(*explain) == 0 {
		note(ReasonNoEvidence, "no account reference, no company email and no company name")
	}
	return link{}, nil
}

// noAccountDomain reports whether a domain of an account names no
// company: a placeholder (see placeholderDomain), or a free-mail domain
// or one under it (an account's website filled in from a lead's Gmail
// address). It identifies no account: accounts that share it are not
// merged, none is found by it, and it comes after the real ones.
func (g *Graph) noAccountDomain(d string) bool {
	return placeholderDomain(d) || g.freeMailOf(d) != ""
}

// placeholderDomain reports whether a domain is reserved for examples
// and tests (RFC 2606, RFC 6761), which forms and imports fill in for a
// company that gave none: it names no company and identifies no account
// (see ReasonPlaceholderDomain). It is the one rule for the domain of a
// person's email and for an account's domains. A domain merely named
// like a placeholder (unknown.com) is not one: real companies hold such
// domains (test.de, test.io), which a CRM account may list.
func placeholderDomain(host string) bool {
	switch host[strings.LastIndexByte(host, '.')+1:] {
	case "example", "test", "invalid", "localhost":
		return true
	}
	for _, d := range [...]string{"example.com", "example.net", "example.org"} {
		if host == d || strings.HasSuffix(host, d) && host[len(host)-len(d)-1] == '.' {
			return true
		}
	}
	return false
}

// placeholderName reports whether the name of a domain under its public
// suffix is a placeholder's local part (unknown.com, test.com,
// noreply.co.uk): the domain of a placeholder address there
// (unknown@unknown.com) is filled in as well, and names no company
// (see ReasonPlaceholderEmail).
func placeholderName(host string) bool {
	// The name under the public suffix is one of the labels before the
	// last: the list is read (which allocates) only when one of them is
	// a placeholder's local part, as few domains' are.
	named := false
	for rest := host[:max(strings.LastIndexByte(host, '.'), 0)]; rest != "" && !named; {
		var label string
		label, rest, _ = strings.Cut(rest, ".")
		named = b2b.PlaceholderEmail(label + "@")
	}
	if !named {
		return false
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return false
	}
	name, _, _ := strings.Cut(reg, ".")
	return b2b.PlaceholderEmail(name + "@")
}

// refRoot is accountRoot(ref) for a golden person's account reference.
// When the person's primary link already is an explicit link through ref
// (a person that a new record joins, mostly), the account it names is
// found from the link without a lookup: the account index never replaces
// or deletes an entry, and golden accounts only merge, so the record ref
// names and the link's account have the same root for good.
func (g *Graph) refRoot(gp *goldenPerson, ref string) int32 {
	if p := gp.primary; p.method == methodExplicit && int(p.via.n) == len(ref) && g.str(p.via) == ref {
		return g.afind(p.acct)
	}
	return g.accountRoot(ref)
}

// mainDomain returns the first domain of a golden account that is no
// placeholder ("" with none): the first of its first record (by arrival)
// that has one, the first of its golden Domains (see adomains).
func (g *Graph) mainDomain(root int32) string {
	first, main := int32(-1), ""
	for m := root; ; {
		if first < 0 || m < first {
			for _, e := range g.lists.items(g.arecs[m].domains) {
				if d := g.domains.name(e); !g.noAccountDomain(d) {
					first, main = m, d
					break
				}
			}
		}
		if m = g.arecs[m].next; m == root {
			break
		}
	}
	return main
}

// parentDomain returns d without its first label, or "" when that would
// leave the registrable domain of d: when what remains is a top-level
// domain, or a public suffix of the Public Suffix List or shorter. The
// list's suffixes are ICANN's ("co.uk") and private ones, under which a
// company gives names to its customers ("github.io", "blogspot.com"), so
// "ann@acme.github.io" is never linked to the account that owns
// "github.io". A domain of two labels costs no look-up in the list.
func parentDomain(d string) string {
	i := strings.IndexByte(d, '.')
	if i < 0 {
		return ""
	}
	rest := d[i+1:]
	if strings.IndexByte(rest, '.') < 0 {
		return ""
	}
	if ps, _ := publicsuffix.PublicSuffix(d); len(rest) <= len(ps) {
		return ""
	}
	return rest
}

// freeMailOf returns the free-mail domain that host is or is under, or "".
func (g *Graph) freeMailOf(host string) string {
	for d := host; d != ""; {
		if g.fmFirst[d[0]] && g.fmLens&(1<<min(len(d), 63)) != 0 && g.freeMail[d] {
			return d
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return ""
}

// setLinks replaces a person's links, keeping the account member lists up
// to date, and reports whether anything changed.
func (g *Graph) setLinks(root int32, gp *goldenPerson, prim link, more []link) bool {
	old := g.more(gp)
	if g.sameLinks(g.primary(gp), prim) && len(old) == len(more) {
		same := true
		for i := range more {
			if !g.sameLinks(old[i], more[i]) {
				same = false
				break
			}
		}
		if same {
			return false
		}
	}
	if gp.primary.method != methodNone {
		g.removeMember(gp.primary.acct, root)
	}
	for _, l := range old {
		g.removeMember(l.acct, root)
	}
	gp.primary = slink{acct: prim.acct, method: prim.method, sub: prim.sub, via: g.keep(gp, prim.via)}
	if more != nil || old != nil {
		g.gsidePart(gp).more = more
	}
	if prim.method != methodNone {
		g.lists.add(&g.acctMembers[g.afind(prim.acct)], root)
	}
	for _, l := range more {
		g.lists.add(&g.acctMembers[g.afind(l.acct)], root)
	}
	return true
}

func (g *Graph) sameLinks(a, b link) bool {
	if a.method != b.method || a.sub != b.sub || a.via != b.via {
		return false
	}
	return a.method == methodNone || g.afind(a.acct) == g.afind(b.acct)
}

func (g *Graph) removeMember(acct, person int32) {
	a := g.afind(acct)
	g.lists.removeOne(&g.acctMembers[a], person)
	if g.trackUnlinks {
		g.unlinks = append(g.unlinks, membership{a, person})
	}
}

// membership is a person root's place in an account root's list.
type membership struct{ acct, person int32 }

// trackUnlinked starts collecting the memberships the call removes.
func (g *Graph) trackUnlinked() {
	g.unlinks, g.trackUnlinks = g.unlinks[:0], true
}

// unlinked stops collecting and returns the accounts that lost a person
// since trackUnlinked, sorted: those whose list no longer holds the person
// (or whoever they merged into). A person re-resolved to the same account
// is removed and added again, and is not reported.
func (g *Graph) unlinked() []b2b.AccountID {
	var out []b2b.AccountID
	for _, m := range g.unlinks {
		a, p := g.afind(m.acct), g.pfind(m.person)
		if !slices.Contains(g.lists.items(g.acctMembers[a]), p) {
			out = append(out, g.accountID(a))
		}
	}
	g.unlinks, g.trackUnlinks = g.unlinks[:0], false
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *Graph) exportLink(gp *goldenPerson, l link, primary bool) Link {
	out := Link{Account: g.accountID(g.afind(l.acct)), Primary: primary}
	switch l.method {
	case methodExplicit:
		out.Method, out.Confidence = MethodExplicit, ConfidenceExplicit
		out.Evidence = fmt.Sprintf("account reference %q", l.via)
		if b2b.AccountID(l.via) != out.Account {
			out.Reference = b2b.AccountID(l.via)
		}
	case methodDomain:
		out.Method, out.Confidence = MethodEmailDomain, ConfidenceDomain
		host := EmailDomain(g.goldenValue(gp, pfEmail))
		out.Evidence = fmt.Sprintf("email domain %q", l.via)
		if l.sub {
			out.Confidence = ConfidenceSubdomain
			out.Evidence = fmt.Sprintf("email domain %q under account domain %q", host, l.via)
		}
	case methodName:
		out.Method, out.Confidence = MethodCompanyName, ConfidenceCompanyName
		out.Evidence = fmt.Sprintf("company %q normalises to account name key %q", g.goldenValue(gp, pfCompany), l.via)
	}
	return out
}

func (g *Graph) links(root int32) []Link {
	gp := g.goldOf(root)
	if gp.primary.method == methodNone {
		return nil
	}
	out := []Link{g.exportLink(gp, g.primary(gp), true)}
	for _, l := range g.more(gp) {
		out = append(out, g.exportLink(gp, l, false))
	}
	return out
}

// Links returns a person's account links, the primary first.
func (g *Graph) Links(id b2b.PersonID) ([]Link, error) {
	root, ok := g.personRoot(id)
	if !ok || g.precs.at(root).dead {
		return nil, fmt.Errorf("%w %q", ErrUnknownPerson, id)
	}
	return g.links(root), nil
}

// AppendLinkedAccounts appends to dst the accounts a person is linked to,
// in the order of [Graph.Links] (the primary first), and returns the
// extended slice. It is Links without the explanations, for a caller that
// routes many activities and needs only where they go: for a known person
// it formats and allocates nothing but dst's growth.
func (g *Graph) AppendLinkedAccounts(dst []b2b.AccountID, id b2b.PersonID) ([]b2b.AccountID, error) {
	root, ok := g.personRoot(id)
	if !ok || g.precs.at(root).dead {
		return dst, fmt.Errorf("%w %q", ErrUnknownPerson, id)
	}
	gp := g.goldOf(root)
	if gp.primary.method == methodNone {
		return dst, nil
	}
	dst = append(dst, g.accountID(g.afind(gp.primary.acct)))
	for _, l := range g.more(gp) {
		dst = append(dst, g.accountID(g.afind(l.acct)))
	}
	return dst, nil
}
