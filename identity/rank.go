package identity

// Which record's value wins a golden field: the rules of a MergePolicy,
// then the most recent record, then the later arrival; for consent, the
// statements themselves.

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// pBetter reports whether record x's value of field f beats record y's:
// for the email and the phone, a value that identifies someone before a
// placeholder; then the field's rule.
func (g *Graph) pBetter(x, y int32, f int) bool {
	rx, ry := g.precs.at(x), g.precs.at(y)
	if f == pfEmail || f == pfPhone {
		if px, py := g.placeholder(rx, f), g.placeholder(ry, f); px != py {
			return py
		}
	}
	rule := g.pRules[f]
	if kx, ky := rule.ranks[rx.src], rule.ranks[ry.src]; kx != ky {
		return kx < ky
	}
	if c := g.cmpAt(rx, ry); c != 0 {
		return c > 0
	}
	return x > y
}

// consentBetter reports whether record x's consent statement for ch beats
// record y's: source priority under the consent rule, then b2b's consent
// rule (the strictest recent statement wins), then the record changed
// last, then the later arrival (see MergePolicy).
func (g *Graph) consentBetter(x, y int32, ch string) bool {
	rx, ry := g.precs.at(x), g.precs.at(y)
	rule := g.pRules[pfConsent]
	if kx, ky := rule.ranks[rx.src], rule.ranks[ry.src]; kx != ky {
		return kx < ky
	}
	if c := b2b.CompareConsent(g.consentStmt(rx, ch), g.consentStmt(ry, ch), g.consentWindow); c != 0 {
		return c > 0
	}
	if c := g.cmpAt(rx, ry); c != 0 {
		return c > 0
	}
	return x > y
}

// consentStmt returns record r's consent statement for ch with the time it
// counts at: its own, or, undated, the time that restricts most: its
// record's time for an opt-out, the zero time (before every dated
// statement) for the others.
func (g *Graph) consentStmt(r *personRec, ch string) b2b.Consent {
	c := g.consent(r)[ch]
	if c.At.IsZero() && c.Status == b2b.ConsentOptOut {
		c.At = g.recAt(r)
	}
	return c
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

func (g *Graph) aBetter(x, y int32, f int) bool {
	rx, ry := &g.arecs[x], &g.arecs[y]
	return better(g.aRules[f], rx.src, ry.src, rx.a.UpdatedAt, ry.a.UpdatedAt, x, y)
}

// placeholder reports whether record r's email or phone (f) is one that
// identifies nobody (b2b.PlaceholderEmail, b2b.PlaceholderPhone).
func (g *Graph) placeholder(r *personRec, f int) bool {
	if f == pfEmail {
		return b2b.PlaceholderEmail(g.email(r))
	}
	return b2b.PlaceholderPhone(g.txt(r, f))
}
