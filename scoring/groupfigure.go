package scoring

import (
	"fmt"
	"math"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Score is the group's score from the members' scores (score returns a
// person's), exactly as [Group.Aggregate] computes it, without the
// breakdown: for a caller that needs the figure alone (a runner that
// recomputes every group at every pass), it makes no garbage for a group
// of up to 16 persons (and is Aggregate for one of more than 32 members).
func (g *Group) Score(score func(b2b.PersonID) float64) float64 {
	if len(g.Members) > scoreMembers {
		// Persons looked up in a list would cost the square of their
		// number: Aggregate indexes them.
		return g.Aggregate(score, time.Time{}).Score
	}
	// The members' persons in member order, each once, as Aggregate has
	// them; on the stack for a group of a usual size.
	type person struct {
		id      b2b.PersonID
		weight  float64 // highest role weight
		hasRole bool
	}
	var room [16]person
	persons := room[:0]
	for _, m := range g.Members {
		i := -1
		for j := range persons {
			if persons[j].id == m.Person {
				i = j
				break
			}
		}
		if i < 0 {
			i = len(persons)
			persons = append(persons, person{id: m.Person})
		}
		if p := &persons[i]; m.Role != "" {
			if !p.hasRole || m.Weight > p.weight {
				p.weight = m.Weight
			}
			p.hasRole = true
		}
	}
	if g.Aggregation == AggMinPerRequiredRole {
		total := math.Inf(1)
		for _, role := range g.RequiredRoles {
			best, found := 0.0, false
			for _, p := range persons {
				if !g.holds(p.id, role) {
					continue
				}
				if s := score(p.id); !found || s > best {
					best, found = s, true
				}
			}
			total = min(total, best)
		}
		if math.IsInf(total, 1) {
			return 0
		}
		return total
	}
	var sum, weights float64
	for _, p := range persons {
		w := g.weight(p.hasRole, p.weight)
		if w == 0 {
			continue
		}
		sum += w * score(p.id)
		weights += w
	}
	if g.Aggregation == AggAverage {
		if weights > 0 {
			return sum / weights
		}
		return 0
	}
	return sum
}

// weight is what a person's score counts for in a sum or an average: 1
// for a role holder (their highest role's weight under
// AggRoleWeightedSum), NonRoleWeight for a person with no role.
func (g *Group) weight(hasRole bool, roleWeight float64) float64 {
	switch {
	case !hasRole:
		return g.NonRoleWeight
	case g.Aggregation == AggRoleWeightedSum:
		return roleWeight
	}
	return 1
}

// scoreMembers is the most members Group.Score handles itself.
const scoreMembers = 32

// holds reports whether the person is a member in the role.
func (g *Group) holds(person b2b.PersonID, role string) bool {
	for _, m := range g.Members {
		if m.Person == person && m.Role == role {
			return true
		}
	}
	return false
}

// GroupChange is [Scorer.GroupVelocity]'s Change alone: the group's score
// at now less its score at now - window, with the same members, computed
// without their breakdowns ([Group.Score]). Every member's state must hold
// the window (see [HorizonError]).
func (s *Scorer) GroupChange(g *Group, l *Ledger, now time.Time, window time.Duration) (float64, error) {
	if window <= 0 {
		return 0, fmt.Errorf("scoring: velocity window %s must be positive", window)
	}
	start, err := s.groupFigure(g, l, now.Add(-window))
	if err != nil {
		return 0, err
	}
	end, err := s.groupFigure(g, l, now)
	if err != nil {
		return 0, err
	}
	return end - start, nil
}

// groupFigure is [Scorer.GroupScore]'s Score alone.
func (s *Scorer) groupFigure(g *Group, l *Ledger, t time.Time) (float64, error) {
	var err error
	v := g.Score(func(id b2b.PersonID) float64 {
		v, e := s.Score(l, id, t)
		if e != nil && err == nil {
			err = fmt.Errorf("person %q: %w", id, e)
		}
		return v
	})
	return v, err
}
