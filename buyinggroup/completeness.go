package buyinggroup

// Completeness is how complete a buying group is, with the share each role
// contributes. See the package documentation for the definition and worked
// examples.
type Completeness struct {
	// Value is the mean fill of the required roles, in [0, 1].
	Value float64 `json:"value"`
	// Weighted is the weighted mean fill of the required roles, in [0, 1].
	Weighted float64 `json:"weighted"`
	// FilledRequired counts the required roles with at least MinMembers
	// members, out of Required.
	FilledRequired int `json:"filledRequired"`
	Required       int `json:"required"`
	// Roles lists every role of the template in order.
	Roles []RoleFill `json:"roles"`
}

// RoleFill is one role's contribution to completeness.
type RoleFill struct {
	Role     string  `json:"role"`
	Required bool    `json:"required"`
	Members  int     `json:"members"`
	Min      int     `json:"min"`
	Weight   float64 `json:"weight"`
	// Fill is min(Members, Min) / Min.
	Fill float64 `json:"fill"`
}

// A MissingRole is a required role that is not filled yet: the target of a
// completeness campaign.
type MissingRole struct {
	Role    string `json:"role"`
	Members int    `json:"members"`
	Min     int    `json:"min"`
	// Need is Min - Members.
	Need int `json:"need"`
}

// completeness computes the completeness of members under template t.
//
// For each role r with m_r = MinMembers (at least 1) and n_r members:
//
//	fill_r = min(n_r, m_r) / m_r
//
// and over the required roles R (optional roles never enter either sum):
//
//	Value    = Σ_{r∈R} fill_r / |R|
//	Weighted = Σ_{r∈R} w_r·fill_r / Σ_{r∈R} w_r
//
// Both are 1 when the template has no required role (or, for Weighted,
// when all required weights are 0).
//
// Each fill is a fraction n/m, so the sums are taken over a common
// denominator (the least common multiple of the m_r), in whole numbers,
// and divided once: a completeness that is exactly a threshold, such as
// (2/5 + 1 + 1) / 3 = 0.8, reads as that threshold, where adding the
// fills as floating-point numbers gives 0.7999999999999999, which a
// threshold of 0.8 (or a rule group.completeness >= 0.8) would miss.
// Weighted is as exact where the weights are whole numbers.
func completeness(t *Template, members []Member) Completeness {
	counts := make([]int, len(t.Roles))
	for _, m := range members {
		if i := t.RoleIndex(m.Role); i >= 0 {
			counts[i]++
		}
	}
	// The common denominator of the required roles' fills, when it is
	// small enough for the sums over it to be exact.
	den := int64(1)
	for i := range t.Roles {
		if r := &t.Roles[i]; r.Required && den > 0 {
			den = lcm(den, int64(r.min()))
		}
	}
	c := Completeness{Roles: make([]RoleFill, len(t.Roles))}
	var sum, wsum, wtotal float64
	for i := range t.Roles {
		r := &t.Roles[i]
		f := RoleFill{Role: r.Name, Required: r.Required, Members: counts[i], Min: r.min(), Weight: r.weight()}
		f.Fill = float64(min(f.Members, f.Min)) / float64(f.Min)
		c.Roles[i] = f
		if !r.Required {
			continue
		}
		c.Required++
		if f.Members >= f.Min {
			c.FilledRequired++
		}
		fill := f.Fill
		if den > 0 {
			// n/m over den: n·(den/m), a whole number up to den.
			fill = float64(int64(min(f.Members, f.Min)) * (den / int64(f.Min)))
		}
		sum += fill
		wsum += f.Weight * fill
		wtotal += f.Weight
	}
	if den <= 0 {
		den = 1 // the fills were added as they are
	}
	c.Value, c.Weighted = 1, 1
	if c.Required > 0 {
		c.Value = sum / (float64(c.Required) * float64(den))
	}
	if wtotal > 0 {
		c.Weighted = wsum / (wtotal * float64(den))
	}
	return c
}

// maxFillDenominator bounds the common denominator of the fills: sums of
// whole numbers up to it, times weights up to [MaxRoleWeight], over a few
// thousand roles, stay below 2^53, where float64 holds them exactly.
const maxFillDenominator = 1 << 20

// lcm returns the least common multiple of a and b (both positive), or 0
// when it is beyond maxFillDenominator.
func lcm(a, b int64) int64 {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	if l := a / x * b; b <= maxFillDenominator && l <= maxFillDenominator {
		return l
	}
	return 0
}

// Completeness returns the completeness of a group (see the package
// documentation). It returns ErrUnknownInterest for a group of an interest
// the catalog does not define.
func (c *Catalog) Completeness(g Group) (Completeness, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return Completeness{}, err
	}
	return completeness(in.template, g.Members), nil
}

// MissingRoles returns the required roles of a group that have fewer
// members than their MinMembers, in template order.
func (c *Catalog) MissingRoles(g Group) ([]MissingRole, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return nil, err
	}
	return missingRoles(completeness(in.template, g.Members)), nil
}

func missingRoles(c Completeness) []MissingRole {
	var out []MissingRole
	for _, r := range c.Roles {
		if r.Required && r.Members < r.Min {
			out = append(out, MissingRole{Role: r.Role, Members: r.Members, Min: r.Min, Need: r.Min - r.Members})
		}
	}
	return out
}
