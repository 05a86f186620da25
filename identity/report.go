package identity

// Reports over every golden person: the persons without an account link,
// with why, and the lead-to-account match rate.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// An Unresolved person has no account link.
type Unresolved struct {
	Person b2b.PersonID `json:"person"`
	// Reason is the first step that failed; Reasons lists every step
	// tried, once each.
	Reason  UnresolvedReason   `json:"reason"`
	Reasons []UnresolvedReason `json:"reasons"`
	// Detail explains each step in words.
	Detail string `json:"detail"`
}

// liveRoots yields the roots of the live golden persons in order of age.
func (g *Graph) liveRoots(yield func(int32) bool) {
	for i := range g.precs.len() {
		if r := g.precs.at(i); r.gold != 0 && !r.dead {
			if !yield(int32(i)) {
				return
			}
		}
	}
}

// Unresolved lists the persons without an account link, each with the
// reason of every step that failed, sorted by person ID.
func (g *Graph) Unresolved() []Unresolved {
	var out []Unresolved
	for root := range g.liveRoots {
		gp := g.goldOf(root)
		if gp.primary.method != methodNone {
			continue
		}
		out = append(out, g.explain(root, gp))
	}
	slices.SortFunc(out, func(a, b Unresolved) int { return strings.Compare(string(a.Person), string(b.Person)) })
	return out
}

func (g *Graph) explain(root int32, gp *goldenPerson) Unresolved {
	var ws []why
	g.computeLinks(root, gp, &ws)
	u := Unresolved{Person: g.personID(root)}
	// A reference that several records give, or one record as its
	// account and among its others, is explained once; each step is
	// one reason.
	details := make([]string, 0, len(ws))
	for _, w := range ws {
		if !slices.Contains(u.Reasons, w.reason) {
			u.Reasons = append(u.Reasons, w.reason)
		}
		if !slices.Contains(details, w.detail) {
			details = append(details, w.detail)
		}
	}
	if len(ws) > 0 {
		u.Reason = ws[0].reason
	}
	u.Detail = strings.Join(details, "; ")
	return u
}

// MatchRate measures person-to-account resolution.
type MatchRate struct {
	Persons  int `json:"persons"`
	Resolved int `json:"resolved"`
	// ByMethod counts resolved persons by the method of their primary link.
	ByMethod map[Method]int `json:"byMethod"`
	// Unresolved counts unresolved persons by their first reason.
	Unresolved map[UnresolvedReason]int `json:"unresolved"`
	// Rate is Resolved / Persons (0 with no persons).
	Rate float64 `json:"rate"`
}

// String says how many persons are linked, with the rate to one decimal. A
// rate that is neither none nor all never prints as 0.0% or 100.0%, which
// would say that no person, or every person, is linked: it prints as
// "<0.1%" or ">99.9%".
func (m MatchRate) String() string {
	pct := fmt.Sprintf("%.1f%%", 100*m.Rate)
	switch {
	case m.Resolved > 0 && pct == "0.0%":
		pct = "<0.1%"
	case m.Resolved < m.Persons && pct == "100.0%":
		pct = ">99.9%"
	}
	return fmt.Sprintf("%d of %d persons linked to an account (%s)", m.Resolved, m.Persons, pct)
}

// MatchRate returns the lead-to-account match rate. It reads every golden
// person, so it is a report, not a per-record call.
func (g *Graph) MatchRate() MatchRate {
	m := MatchRate{ByMethod: map[Method]int{}, Unresolved: map[UnresolvedReason]int{}}
	for root := range g.liveRoots {
		gp := g.goldOf(root)
		m.Persons++
		switch gp.primary.method {
		case methodExplicit:
			m.ByMethod[MethodExplicit]++
		case methodDomain:
			m.ByMethod[MethodEmailDomain]++
		case methodName:
			m.ByMethod[MethodCompanyName]++
		default:
			m.Unresolved[g.explain(root, gp).Reason]++
			continue
		}
		m.Resolved++
	}
	if m.Persons > 0 {
		m.Rate = float64(m.Resolved) / float64(m.Persons)
	}
	return m
}
