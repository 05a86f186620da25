package identity

// The fields of a stored account record: its scalar fields by index and
// its domains, kept in the domain index.

import (
	"strconv"

	"github.com/quorumhq/quorum/b2b"
)

// The account fields, in the order of AccountFields.
const (
	afName = iota
	afIndustry
	afEmployees
	afRevenue
	afCountry
	afRegion
	afTimeZone
	afOwner
	afTerritory
	afParentID
	nAccountScalars
	afAttributes = nAccountScalars
)

func accountCarries(a *b2b.Account, f int) bool {
	switch f {
	case afEmployees:
		return a.Employees > 0
	case afRevenue:
		return a.AnnualRevenue > 0
	}
	return accountString(a, f) != ""
}

func accountString(a *b2b.Account, f int) string {
	switch f {
	case afName:
		return a.Name
	case afIndustry:
		return a.Industry
	case afEmployees:
		return strconv.Itoa(a.Employees)
	case afRevenue:
		return strconv.FormatFloat(a.AnnualRevenue, 'f', -1, 64)
	case afCountry:
		return a.Country
	case afRegion:
		return a.Region
	case afTimeZone:
		return a.TimeZone
	case afOwner:
		return a.Owner
	case afTerritory:
		return a.Territory
	case afParentID:
		return string(a.ParentID)
	}
	return ""
}

func copyAccountField(dst, src *b2b.Account, f int) {
	switch f {
	case afName:
		dst.Name = src.Name
	case afIndustry:
		dst.Industry = src.Industry
	case afEmployees:
		dst.Employees = src.Employees
	case afRevenue:
		dst.AnnualRevenue = src.AnnualRevenue
	case afCountry:
		dst.Country = src.Country
	case afRegion:
		dst.Region = src.Region
	case afTimeZone:
		dst.TimeZone = src.TimeZone
	case afOwner:
		dst.Owner = src.Owner
	case afTerritory:
		dst.Territory = src.Territory
	case afParentID:
		dst.ParentID = src.ParentID
	}
}

type accountRec struct {
	a        b2b.Account // without its domains, which are in domains
	domains  list        // the entries in Graph.domains of its domains, in order
	recordID string
	extra    []identKey // identifiers besides ID and domains, accumulated
	next     int32
	src      uint16
	gold     int32 // 1 + index in Graph.agolds on roots; 0: none
}

// setRecAccount stores an account record's fields; its domains (the
// normalised ones of prepareAccount) go to the domain index, so that the
// record holds no slice of its own.
func (g *Graph) setRecAccount(r *accountRec, a b2b.Account) {
	g.lists.clear(&r.domains)
	for _, d := range a.Domains {
		g.lists.add(&r.domains, g.domains.entryIndex(d))
	}
	a.Domains = nil
	a.Attributes = cloneAttrs(a.Attributes)
	r.a = a
}

// recDomains returns an account record's domains (nil with none).
func (g *Graph) recDomains(r *accountRec) []string {
	es := g.lists.items(r.domains)
	if len(es) == 0 {
		return nil
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = g.domains.name(e)
	}
	return out
}

// recAccount returns an account record's fields.
func (g *Graph) recAccount(r *accountRec) b2b.Account {
	a := r.a
	a.Domains = g.recDomains(r)
	a.Attributes = cloneAttrs(a.Attributes)
	return a
}
