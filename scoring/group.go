package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Aggregation is how a buying group's score rolls up its members' scores.
type Aggregation string

// The aggregations. In each, a person counts once, however many roles they
// hold; members with no role (Role "") count with the group's NonRoleWeight.
const (
	// AggSum adds the scores of the members (weight 1 for role holders).
	AggSum Aggregation = "sum"
	// AggAverage is the weighted mean of the members' scores (weight 1 for
	// role holders), 0 for a group with no weight.
	AggAverage Aggregation = "average"
	// AggRoleWeightedSum adds each member's score times the weight of its
	// role (the highest, for a person holding several).
	AggRoleWeightedSum Aggregation = "role_weighted_sum"
	// AggMinPerRequiredRole takes, for each required role, the best score
	// among its members, and the group's score is the lowest of these: a
	// group is only as engaged as its least engaged required role. A
	// required role with no member scores 0 and is listed as missing.
	// Members without a required role do not count.
	AggMinPerRequiredRole Aggregation = "min_per_required_role"
)

// MaxWeight bounds a member's weight and a group's NonRoleWeight. Weights
// are relative; one beyond this is a typing mistake, and a weighted sum of
// scores with it could be beyond a float64 (an infinite score, a NaN
// average).
const MaxWeight = 1e6

// A Member is one person of a buying group in one role, with the role's
// weight (from the role template). Role "" is a person of the account who
// holds no role.
type Member struct {
	Person b2b.PersonID `json:"person"`
	Role   string       `json:"role,omitempty"`
	Weight float64      `json:"weight,omitempty"`
}

// A Group is what a group score needs to know about a buying group: its
// members (with role and weight as plain values), its required roles and
// how to aggregate.
type Group struct {
	// Name identifies the group in its score and velocity, in words and
	// as data ([GroupScore].Group); it is required.
	Name          string      `json:"name"`
	Aggregation   Aggregation `json:"aggregation"`
	Members       []Member    `json:"members"`
	RequiredRoles []string    `json:"requiredRoles,omitempty"`
	// NonRoleWeight is the weight of members with no role: 0 (the default)
	// leaves them out; 0.5 counts their engagement at half.
	NonRoleWeight float64 `json:"nonRoleWeight,omitempty"`
}

// Validate reports every problem with the group at once.
func (g *Group) Validate() error {
	var ps b2b.Problems
	if strings.TrimSpace(g.Name) == "" {
		ps.Addf("name", "is required")
	}
	switch g.Aggregation {
	case AggSum, AggAverage, AggRoleWeightedSum:
	case AggMinPerRequiredRole:
		if len(g.RequiredRoles) == 0 {
			ps.Addf("requiredRoles", "%s needs at least one required role", g.Aggregation)
		}
	case "":
		ps.Addf("aggregation", "is required (sum, average, role_weighted_sum or min_per_required_role)")
	default:
		ps.Addf("aggregation", "%q is not an aggregation (sum, average, role_weighted_sum or min_per_required_role)", g.Aggregation)
	}
	weight := func(path string, w float64) {
		switch {
		case !finiteNonNeg(w):
			ps.Addf(path, "%v is not a finite number >= 0", w)
		case w > MaxWeight:
			ps.Addf(path, "%v is beyond %v", w, float64(MaxWeight))
		}
	}
	weight("nonRoleWeight", g.NonRoleWeight)
	for i, m := range g.Members {
		if m.Person == "" {
			ps.Addf(fmt.Sprintf("members[%d].person", i), "is required")
		}
		weight(fmt.Sprintf("members[%d].weight", i), m.Weight)
	}
	required := map[string]int{}
	for i, r := range g.RequiredRoles {
		if strings.TrimSpace(r) == "" {
			ps.Addf(fmt.Sprintf("requiredRoles[%d]", i), "is empty")
		} else if j, dup := required[r]; dup {
			ps.Addf(fmt.Sprintf("requiredRoles[%d]", i), "%q is already requiredRoles[%d]", r, j)
		} else {
			required[r] = i
		}
	}
	return ps.Err("group %q", g.Name)
}

func finiteNonNeg(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) && f >= 0 }

// GroupScore is a buying group's score with its breakdown.
type GroupScore struct {
	Group       string
	Aggregation Aggregation
	At          time.Time
	Score       float64
	// Parts are the persons who count, in member order; under
	// AggMinPerRequiredRole, the best member of each required role that
	// has one, in the order of RequiredRoles (a person may be the best
	// of several).
	Parts []Part
	// MissingRoles are required roles with no member.
	MissingRoles []string
}

// A Part is one person's share of a group score.
type Part struct {
	Person b2b.PersonID
	Roles  []string // the person's roles ("" for none)
	// Role is the role this part stands for under AggMinPerRequiredRole.
	Role         string
	Score        float64
	Weight       float64
	Contribution float64
}

// Aggregate computes the group's score from the members' scores at one time
// (score returns a person's score). It is pure: the caller may take scores
// from any model or store.
func (g *Group) Aggregate(score func(b2b.PersonID) float64, at time.Time) GroupScore {
	out := GroupScore{Group: g.Name, Aggregation: g.Aggregation, At: at}
	// The members' persons in member order; a group has a handful of
	// members, so a list searched in order beats a map, up to a size.
	type person struct {
		id     b2b.PersonID
		roles  []string
		weight float64 // highest role weight
		hasRle bool
	}
	persons := make([]person, 0, len(g.Members))
	firstRoles := make([]string, 0, len(g.Members))
	var index map[b2b.PersonID]int
	if len(g.Members) > 32 {
		index = make(map[b2b.PersonID]int, len(g.Members))
	}
	for _, m := range g.Members {
		i := -1
		if index != nil {
			if j, ok := index[m.Person]; ok {
				i = j
			}
		} else {
			i = slices.IndexFunc(persons, func(p person) bool { return p.id == m.Person })
		}
		if i < 0 {
			i = len(persons)
			persons = append(persons, person{id: m.Person})
			if index != nil {
				index[m.Person] = i
			}
		}
		p := &persons[i]
		switch {
		case p.roles == nil:
			// A person's first role is a slice of one shared array, full
			// so that a second role moves the person's roles out of it.
			firstRoles = append(firstRoles, m.Role)
			n := len(firstRoles)
			p.roles = firstRoles[n-1 : n : n]
		case !slices.Contains(p.roles, m.Role):
			p.roles = append(p.roles, m.Role)
		}
		if m.Role != "" {
			if !p.hasRle || m.Weight > p.weight {
				p.weight = m.Weight
			}
			p.hasRle = true
		}
	}
	if g.Aggregation == AggMinPerRequiredRole {
		out.Score = math.Inf(1)
		for _, role := range g.RequiredRoles {
			best := Part{Role: role}
			found := false
			for i := range persons {
				p := &persons[i]
				if !slices.Contains(p.roles, role) {
					continue
				}
				if s := score(p.id); !found || s > best.Score {
					best = Part{Person: p.id, Roles: p.roles, Role: role, Score: s, Weight: 1, Contribution: s}
					found = true
				}
			}
			if !found {
				out.MissingRoles = append(out.MissingRoles, role)
			} else {
				out.Parts = append(out.Parts, best)
			}
			out.Score = min(out.Score, best.Score)
		}
		if math.IsInf(out.Score, 1) {
			out.Score = 0
		}
		return out
	}
	var sum, weights float64
	if len(persons) > 0 {
		out.Parts = make([]Part, 0, len(persons))
	}
	for i := range persons {
		p := &persons[i]
		id := p.id
		w := g.weight(p.hasRle, p.weight)
		if w == 0 {
			continue
		}
		s := score(id)
		out.Parts = append(out.Parts, Part{Person: id, Roles: p.roles, Score: s, Weight: w, Contribution: w * s})
		sum += w * s
		weights += w
	}
	out.Score = sum
	if g.Aggregation == AggAverage {
		out.Score = 0
		if weights > 0 {
			out.Score = sum / weights
		}
		for i := range out.Parts {
			out.Parts[i].Contribution /= weights
		}
	}
	for _, role := range g.RequiredRoles {
		if !slices.ContainsFunc(g.Members, func(m Member) bool { return m.Role == role }) {
			out.MissingRoles = append(out.MissingRoles, role)
		}
	}
	return out
}

// String explains the group score in words. Its figures have one decimal,
// or as many more (up to 9) as it takes for each line's arithmetic to hold
// and the lines to add up to the score, as written.
func (gs GroupScore) String() string {
	// Under AggMinPerRequiredRole a part is a role, and one person may be
	// the best of several: count the persons.
	persons := 0
	for i, p := range gs.Parts {
		if !slices.ContainsFunc(gs.Parts[:i], func(q Part) bool { return q.Person == p.Person }) {
			persons++
		}
	}
	// An average's parts are divided by the total weight: a line shows
	// the division, so that its figures multiply out to its contribution.
	var total float64
	if gs.Aggregation == AggAverage {
		for _, p := range gs.Parts {
			total += p.Weight
		}
	}
	prec := gs.precision(total)
	var b strings.Builder
	fmt.Fprintf(&b, "group %q scores %.*f at %s (%s of %s)", gs.Group, prec, gs.Score, gs.At.UTC().Format(time.RFC3339), gs.Aggregation, count(persons, "person", "persons"))
	for _, p := range gs.Parts {
		roles := strings.Join(p.Roles, ", ")
		if roles == "" {
			roles = "no role"
		}
		if p.Role != "" {
			fmt.Fprintf(&b, "\n  %s: best is %s (%s) with %.*f", p.Role, p.Person, roles, prec, p.Score)
			continue
		}
		if total > 0 {
			fmt.Fprintf(&b, "\n  %s (%s): %.*f x %g / %g = %.*f", p.Person, roles, prec, p.Score, p.Weight, total, prec, p.Contribution)
			continue
		}
		fmt.Fprintf(&b, "\n  %s (%s): %.*f x %g = %.*f", p.Person, roles, prec, p.Score, p.Weight, prec, p.Contribution)
	}
	if len(gs.MissingRoles) > 0 {
		fmt.Fprintf(&b, "\n  missing required roles: %s", strings.Join(gs.MissingRoles, ", "))
		if gs.Aggregation == AggMinPerRequiredRole {
			b.WriteString(" (each counts as 0)")
		}
	}
	return b.String()
}

// precision returns the decimals the text of gs writes its figures with:
// 1, or the fewest more (up to 9) for which, as written, each part's score
// times its weight (divided by total, when not 0) is its contribution and,
// but under AggMinPerRequiredRole (where the score is the least part, and
// reads as it), the contributions add up to the score. Figures that agree
// at no such precision are written with 1.
func (gs GroupScore) precision(total float64) int {
	read := func(v float64, prec int) float64 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', prec, 64), 64)
		return r
	}
	same := func(x, y float64, prec int) bool {
		return strconv.FormatFloat(x, 'f', prec, 64) == strconv.FormatFloat(y, 'f', prec, 64)
	}
	for prec := 1; prec <= 9; prec++ {
		ok := true
		var sum float64
		for _, p := range gs.Parts {
			c := read(p.Contribution, prec)
			sum += c
			if p.Role != "" {
				continue
			}
			v := read(p.Score, prec) * p.Weight
			if total > 0 {
				v /= total
			}
			if !same(v, c, prec) {
				ok = false
				break
			}
		}
		if ok && (gs.Aggregation == AggMinPerRequiredRole || same(sum, gs.Score, prec)) {
			return prec
		}
	}
	return 1
}

// GroupScore computes the group's score at t from the persons' states in l.
// A member with no state scores 0.
func (s *Scorer) GroupScore(g *Group, l *Ledger, t time.Time) (GroupScore, error) {
	var err error
	gs := g.Aggregate(func(id b2b.PersonID) float64 {
		v, e := s.Score(l, id, t)
		if e != nil && err == nil {
			err = fmt.Errorf("person %q: %w", id, e)
		}
		return v
	}, t)
	if err != nil {
		return GroupScore{}, err
	}
	return gs, nil
}

// GroupVelocity is the change of a group score over a window. Its text
// writes the scores and the change as [Velocity]'s does.
type GroupVelocity struct {
	Start, End GroupScore
	Change     float64
}

func (v GroupVelocity) String() string {
	start, end, change := changeText(v.Start.Score, v.End.Score, v.Change)
	return fmt.Sprintf("group %q: %s over %s (%s -> %s)", v.End.Group, change, fmtDuration(v.End.At.Sub(v.Start.At)), start, end)
}

// GroupVelocity returns the change of the group's score over window ending
// at now: the group aggregated at now - window and at now, with the same
// members. Every member's state must hold the window (see [HorizonError]).
func (s *Scorer) GroupVelocity(g *Group, l *Ledger, now time.Time, window time.Duration) (GroupVelocity, error) {
	if window <= 0 {
		return GroupVelocity{}, fmt.Errorf("scoring: velocity window %s must be positive", window)
	}
	start, err := s.GroupScore(g, l, now.Add(-window))
	if err != nil {
		return GroupVelocity{}, err
	}
	end, err := s.GroupScore(g, l, now)
	if err != nil {
		return GroupVelocity{}, err
	}
	return GroupVelocity{Start: start, End: end, Change: end.Score - start.Score}, nil
}

func fmtDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
