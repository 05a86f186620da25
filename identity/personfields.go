package identity

// The fields of a stored person record: its scalar fields by index, its
// identifiers besides the email, and its rare parts.

import (
	"reflect"
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

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

// extras yields the identifiers of record r besides its current email.
func (g *Graph) extras(r *personRec) func(func(identKey) bool) {
	return func(yield func(identKey) bool) {
		if r.x0 == 0 || !yield(g.x0(r)) {
			return
		}
		if r.side != 0 {
			for _, k := range g.side(r).extra {
				if !yield(k) {
					return
				}
			}
		}
	}
}

// x0 returns the first identifier of r besides the email (ns nil: none).
func (g *Graph) x0(r *personRec) identKey {
	if r.x0 == 0 {
		return identKey{}
	}
	return identKey{g.nsList[r.x0-1], g.txt(r, tX0)}
}

func (g *Graph) hasExtra(r *personRec, k identKey) bool {
	return g.x0(r) == k || r.side != 0 && slices.Contains(g.side(r).extra, k)
}

// addExtra adds an identifier unless the record holds it already.
func (g *Graph) addExtra(r *personRec, k identKey) {
	switch {
	case g.hasExtra(r, k):
	case r.x0 == 0:
		g.setX0(r, k)
	default:
		s := g.sidePart(r)
		s.extra = append(s.extra, k)
	}
}

// dropExtra removes an identifier from the record's identifiers besides
// the email, the others keeping their order, and returns what is then the
// first of them: x0, the first before, or the one after it when k was x0.
// The record's text is not written: setPerson writes it with the result.
func (g *Graph) dropExtra(r *personRec, k, x0 identKey) identKey {
	s := g.side(r)
	if x0 != k {
		if s != nil {
			s.extra = slices.DeleteFunc(s.extra, func(o identKey) bool { return o == k })
		}
		return x0
	}
	if s == nil || len(s.extra) == 0 {
		return identKey{}
	}
	x0 = s.extra[0]
	s.extra = slices.Delete(s.extra, 0, 1)
	return x0
}

func (g *Graph) accts(r *personRec) []string {
	if r.side == 0 {
		return nil
	}
	return g.side(r).accts
}

func (g *Graph) consent(r *personRec) map[b2b.Channel]b2b.Consent {
	if r.side == 0 {
		return nil
	}
	return g.side(r).consent
}

func (g *Graph) attrs(r *personRec) map[string]any {
	if r.side == 0 {
		return nil
	}
	return g.side(r).attrs
}

// setPerson stores the fields of p (normalised by preparePerson), the
// record ID and the first identifier besides the email (ns nil: none).
func (g *Graph) setPerson(r *personRec, p *b2b.Person, recordID string, x0 identKey) {
	g.setText(r, p, recordID, x0.val)
	r.x0 = 0
	if x0.ns != nil {
		r.x0 = x0.ns.idx + 1
	}
	g.setAt(r, p.UpdatedAt)
	if len(p.Consent) > 0 || len(p.Attributes) > 0 || r.side != 0 {
		s := g.sidePart(r)
		s.consent, s.attrs = cloneConsent(p.Consent), cloneAttrs(p.Attributes)
	}
}

// person rebuilds the record's b2b.Person.
func (g *Graph) person(r *personRec, source b2b.Source) b2b.Person {
	p := b2b.Person{Source: source, UpdatedAt: g.recAt(r), Consent: cloneConsent(g.consent(r)), Attributes: cloneAttrs(g.attrs(r))}
	for f := range nPersonScalars {
		setPersonField(&p, f, g.txt(r, f))
	}
	return p
}

// samePerson reports whether the record holds the fields of p; empty and
// missing maps are the same.
func (g *Graph) samePerson(r *personRec, p *b2b.Person) bool {
	for f := range nPersonScalars {
		if g.txt(r, f) != personField(p, f) {
			return false
		}
	}
	if !g.recAt(r).Equal(p.UpdatedAt) {
		return false
	}
	c, a := g.consent(r), g.attrs(r)
	return (len(c) == 0 && len(p.Consent) == 0 || reflect.DeepEqual(c, p.Consent)) &&
		(len(a) == 0 && len(p.Attributes) == 0 || reflect.DeepEqual(a, p.Attributes))
}
