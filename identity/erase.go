package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// An EraseReport lists what Erase removed.
type EraseReport struct {
	Person      b2b.PersonID `json:"person"`
	Records     []RecordRef  `json:"records"`     // every source record of the person
	Identifiers []Identifier `json:"identifiers"` // every identifier removed from the index, sorted
	Links       []Link       `json:"links"`       // the account links removed
}

// Erase removes a person (right to be forgotten): every source record of
// the golden person, every identifier and every account link, and reports
// what it removed. Afterwards the person's ID, records and identifiers are
// unknown to the graph; the counters in Stats keep no personal data. A
// record that arrives again later creates a new person: suppressing
// re-imports is the caller's policy.
func (g *Graph) Erase(id b2b.PersonID) (EraseReport, error) {
	root, ok := g.personRoot(id)
	if !ok || g.precs.at(root).dead {
		return EraseReport{}, fmt.Errorf("erase: %w %q", ErrUnknownPerson, id)
	}
	gi := g.precs.at(root).gold
	gp := g.goldens.at(gi - 1)
	rep := EraseReport{Person: g.personID(root), Links: g.links(root)}
	g.setLinks(root, gp, link{}, nil)
	var recs []int32
	for m := range g.members(root) {
		recs = append(recs, m)
	}
	slices.Sort(recs)
	for _, m := range recs {
		g.precs.at(m).dead = true
	}
	g.unwait(gp)
	for _, m := range recs {
		r := g.precs.at(m)
		rep.Records = append(rep.Records, RecordRef{g.sources.names[r.src], g.recordID(r)})
		g.pkeys[r.src].delete(g.recordID(r))
		g.nprecs--
		keys := slices.Collect(g.extras(r))
		if e := g.email(r); e != "" {
			keys = append(keys, identKey{g.nsEmail, e})
		}
		for _, k := range keys {
			if owner, ok := k.ns.persons.get(k.val); ok && g.pfind(owner) == root {
				k.ns.persons.delete(k.val)
				if !slices.Contains(rep.Identifiers, k.id()) {
					rep.Identifiers = append(rep.Identifiers, k.id())
				}
			}
		}
	}
	// The indexes compare keys with the values records hold: clear the
	// records only once no index entry refers to them. (The bytes of their
	// text stay in the text store, which is never rewritten, but nothing
	// refers to them any more.)
	for _, m := range recs {
		r := g.precs.at(m)
		if r.side != 0 {
			*g.side(r) = personSide{}
		}
		*r = personRec{parent: r.parent, next: r.next, src: r.src, dead: true}
	}
	g.freeGolden(gi)
	slices.SortFunc(rep.Identifiers, func(a, b Identifier) int { return strings.Compare(a.String(), b.String()) })
	g.persons--
	g.stats.Erased++
	return rep, nil
}
