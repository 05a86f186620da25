package buyinggroup

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

type seat struct {
	person b2b.PersonID
	role   string
}

func sortClaims(t *Template, cs []Claim) {
	slices.SortStableFunc(cs, func(a, b Claim) int {
		return cmp.Or(
			cmp.Compare(a.Person, b.Person),
			cmp.Compare(t.RoleIndex(a.Role), t.RoleIndex(b.Role)),
			cmp.Compare(b.Method.Rank(), a.Method.Rank()),
			cmp.Compare(a.Ref, b.Ref),
			// The rest makes the order total: the same claims listed in
			// another order are the same claims, in the same order.
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Note, b.Note),
			boolCompare(a.Exclude, b.Exclude),
			a.At.Compare(b.At),
			cmp.Compare(a.Expr, b.Expr),
			cmp.Compare(a.Conditions, b.Conditions),
			cmp.Compare(a.Nodes, b.Nodes),
			slices.CompareFunc(a.Values, b.Values, func(x, y Value) int {
				return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.Value, y.Value))
			}),
		)
	})
}

// boolCompare orders false before true.
func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// better orders two claims of one person for one group: the higher source
// first; between rule claims the higher role priority, then the more
// specific rule (more conditions, then more syntax nodes); between a
// marketer's assignments the later (the marketer's latest decision: a
// person moved from Champion to Economic Buyer holds the new role when
// they may hold one); between other claims (CRM, journeys) the earlier;
// then template order, then the reference, the rule and the note. The
// last two tell apart claims of one source on one role that rank alike
// (two contact roles of one opportunity that fill the role, two rules
// of one specificity), so that the member they make does not depend on
// the order the source listed them in.
func better(t *Template, a, b *Claim) int {
	ra, rb := t.RoleIndex(a.Role), t.RoleIndex(b.Role)
	if c := cmp.Compare(b.Method.Rank(), a.Method.Rank()); c != 0 {
		return c
	}
	if a.Method == MethodManual {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
	} else if a.Method == MethodRule {
		if c := cmp.Or(
			cmp.Compare(t.Roles[rb].Priority, t.Roles[ra].Priority),
			cmp.Compare(b.Conditions, a.Conditions),
			cmp.Compare(b.Nodes, a.Nodes),
		); c != 0 {
			return c
		}
	} else if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.Ref, b.Ref), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Note, b.Note))
}

// resolution is the outcome of resolving claims into members.
type resolution struct {
	chosen  map[seat]*Claim
	blocked map[seat]bool // a live claim refused because the role was full
}

// resolve decides the members from the claims:
//
//  1. A manual exclusion removes the person's claims on the excluded role
//     (or on every role) from every lower source, and manual assignments
//     older than the exclusion.
//  2. For each (person, role) the best claim stands (see better).
//  3. Each person holds at most MaxRolesPerPerson roles: the best first.
//  4. A role with MaxMembers takes rule and journey members only up to
//     MaxMembers minus its manual and CRM members, keeping current members
//     first, then the higher source, the earlier claim, the lower person
//     ID. A person refused by a full role falls back to their next role,
//     and steps 3-4 repeat until nothing changes.
func resolve(t *Template, claims []Claim, prev []Member) resolution {
	wasMember := map[seat]bool{}
	for _, m := range prev {
		wasMember[seat{m.Person, m.Role}] = true
	}
	byPerson := map[b2b.PersonID][]*Claim{}
	var persons []b2b.PersonID
	for i := range claims {
		cl := &claims[i]
		if _, ok := byPerson[cl.Person]; !ok {
			persons = append(persons, cl.Person)
		}
		byPerson[cl.Person] = append(byPerson[cl.Person], cl)
	}
	slices.Sort(persons)

	// Steps 1 and 2: the live candidate per (person, role).
	cands := map[b2b.PersonID][]*Claim{}
	for _, p := range persons {
		var excl []*Claim
		for _, cl := range byPerson[p] {
			if cl.Exclude {
				excl = append(excl, cl)
			}
		}
		best := map[string]*Claim{}
		for _, cl := range byPerson[p] {
			if cl.Exclude || t.RoleIndex(cl.Role) < 0 || excluded(cl, excl) {
				continue
			}
			if cur, ok := best[cl.Role]; !ok || better(t, cl, cur) < 0 {
				best[cl.Role] = cl
			}
		}
		for _, cl := range best {
			cands[p] = append(cands[p], cl)
		}
		slices.SortFunc(cands[p], func(a, b *Claim) int { return better(t, a, b) })
	}

	res := resolution{blocked: map[seat]bool{}}
	limit := t.maxRolesPerPerson()
	for {
		res.chosen = map[seat]*Claim{}
		perRole := make([][]*Claim, len(t.Roles))
		for _, p := range persons {
			n := 0
			for _, cl := range cands[p] {
				if n == limit {
					break
				}
				if res.blocked[seat{p, cl.Role}] {
					continue
				}
				res.chosen[seat{p, cl.Role}] = cl
				perRole[t.RoleIndex(cl.Role)] = append(perRole[t.RoleIndex(cl.Role)], cl)
				n++
			}
		}
		changed := false
		for ri, cls := range perRole {
			maxN := t.Roles[ri].MaxMembers
			if maxN <= 0 || len(cls) <= maxN {
				continue
			}
			fixed := 0
			var capped []*Claim
			for _, cl := range cls {
				if cl.Method == MethodManual || cl.Method == MethodCRM {
					fixed++
				} else {
					capped = append(capped, cl)
				}
			}
			room := max(maxN-fixed, 0)
			if len(capped) <= room {
				continue
			}
			slices.SortFunc(capped, func(a, b *Claim) int {
				wa, wb := wasMember[seat{a.Person, a.Role}], wasMember[seat{b.Person, b.Role}]
				if wa != wb {
					if wa {
						return -1
					}
					return 1
				}
				return cmp.Or(cmp.Compare(b.Method.Rank(), a.Method.Rank()), a.At.Compare(b.At), cmp.Compare(a.Person, b.Person))
			})
			for _, cl := range capped[room:] {
				res.blocked[seat{cl.Person, cl.Role}] = true
			}
			changed = true
		}
		if !changed {
			return res
		}
	}
}

func excluded(cl *Claim, excl []*Claim) bool {
	for _, x := range excl {
		if x.Role != "" && x.Role != cl.Role {
			continue
		}
		if cl.Method.Rank() < MethodManual.Rank() || cl.At.Before(x.At) {
			return true
		}
	}
	return false
}

// settle resolves ng's members from its claims and returns the events of
// the change from old.
func settle(in *Interest, old, ng *Group, now time.Time, reason withdrawal) []Event {
	res := resolve(in.template, ng.Claims, old.Members)
	prev := seats(old.Members)
	return record(in, old, ng, prev, res.members(in.template, prev, now), res, now, reason)
}

// seats maps each member's seat to the member.
func seats(ms []Member) map[seat]Member {
	out := make(map[seat]Member, len(ms))
	for _, m := range ms {
		out[seat{m.Person, m.Role}] = m
	}
	return out
}

// members returns the members that the chosen claims make, in member
// order; a person who held the role before (prev) keeps their time.
func (res resolution) members(t *Template, prev map[seat]Member, now time.Time) []Member {
	var members []Member
	for s, cl := range res.chosen {
		m := Member{
			Person: cl.Person, Role: cl.Role, Method: cl.Method,
			Rule: cl.Rule, Expr: cl.Expr, Values: cl.Values, Ref: cl.Ref, Note: cl.Note,
			Since: now, DecidedAt: cl.At,
		}
		if p, ok := prev[s]; ok {
			m.Since = p.Since
		}
		members = append(members, m)
	}
	sortMembers(t, members)
	return members
}

// record makes members ng's members and returns the events of the change
// from old, whose members by seat are prev: ended memberships go to the
// history with their reason (see endReason, which reads res and ng's
// claims).
func record(in *Interest, old, ng *Group, prev map[seat]Member, members []Member, res resolution, now time.Time, reason withdrawal) []Event {
	t := in.template
	ng.Members = members

	var evs []Event
	cur := map[seat]bool{}
	for _, m := range members {
		cur[seat{m.Person, m.Role}] = true
	}
	for _, m := range old.Members {
		s := seat{m.Person, m.Role}
		if cur[s] {
			continue
		}
		m.EndReason = endReason(t, ng, res, s, reason(m))
		m.Until = now
		ng.History = append(ng.History, m)
		ev := ng.event(EventMemberRemoved, now)
		ev.Person, ev.Role, ev.Method, ev.Reason = m.Person, m.Role, m.Method, m.EndReason
		evs = append(evs, ev)
	}
	for _, m := range members {
		p, ok := prev[seat{m.Person, m.Role}]
		switch {
		case !ok:
			ev := ng.event(EventMemberAdded, now)
			ev.Person, ev.Role, ev.Method, ev.Reason = m.Person, m.Role, m.Method, m.Explain()
			evs = append(evs, ev)
		case p.Method != m.Method || p.Ref != m.Ref || p.Rule != m.Rule || p.Note != m.Note:
			// Another source, or the same one stating it otherwise
			// (another contact role that fills the role, a marketer's
			// new note): the membership's explanation changed.
			ev := ng.event(EventMemberChanged, now)
			ev.Person, ev.Role, ev.Method = m.Person, m.Role, m.Method
			ev.From, ev.To, ev.Reason = string(p.Method), string(m.Method), m.Explain()
			evs = append(evs, ev)
		}
	}

	before := completeness(t, old.Members)
	after := completeness(t, members)
	for i, r := range t.Roles {
		was, is := before.Roles[i].Members >= r.min(), after.Roles[i].Members >= r.min()
		if was == is {
			continue
		}
		typ := EventRoleFilled
		if was {
			typ = EventRoleEmptied
		}
		ev := ng.event(typ, now)
		ev.Role = r.Name
		ev.Reason = fmt.Sprintf("%d of %d members", after.Roles[i].Members, r.min())
		evs = append(evs, ev)
	}
	for _, th := range t.thresholds {
		up := old.Completeness < th && after.Value >= th
		down := old.Completeness >= th && after.Value < th
		if !up && !down {
			continue
		}
		ev := ng.event(EventCompletenessCrossed, now)
		ev.Threshold, ev.Previous, ev.Completeness, ev.Up = th, old.Completeness, after.Value, up
		evs = append(evs, ev)
	}
	ng.Completeness, ng.WeightedCompleteness = after.Value, after.Weighted
	if len(evs) > 0 || !slices.EqualFunc(old.Claims, ng.Claims, claimEqual) {
		ng.UpdatedAt = now
	}
	return evs
}

func claimEqual(a, b Claim) bool {
	return a.Person == b.Person && a.Role == b.Role && a.Method == b.Method && a.Exclude == b.Exclude &&
		a.Rule == b.Rule && a.Expr == b.Expr && a.Conditions == b.Conditions && a.Nodes == b.Nodes &&
		a.Ref == b.Ref && a.Note == b.Note && a.At.Equal(b.At) && slices.Equal(a.Values, b.Values)
}

func sortMembers(t *Template, ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int {
		return cmp.Or(cmp.Compare(t.RoleIndex(a.Role), t.RoleIndex(b.Role)), cmp.Compare(a.Person, b.Person))
	})
}

// NotHeld returns a function that says why a person does not hold a role
// of g although a source claims it for them (a qualification rule matched,
// say), in the words of an ended membership's reason: `role "Champion" is
// full (...)`, "excluded manually by ann", `holds "Economic Buyer" (rule)
// instead (at most 1 role(s) per person)`; for a group in a closed stage,
// why its membership is kept as at the close. The function returns "" for
// a role the person holds, one no source claims for them, and a name that
// is no role of the template. It resolves g's members once, when first
// asked, so it answers many questions about one group for about the cost
// of one; it is not safe for concurrent use.
func (c *Catalog) NotHeld(g Group) (func(person b2b.PersonID, role string) string, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return nil, err
	}
	t := in.template
	g = canonical(t, g)
	var res *resolution
	return func(person b2b.PersonID, role string) string {
		i := t.RoleIndex(role)
		if i < 0 {
			return ""
		}
		name := t.Roles[i].Name
		if slices.ContainsFunc(g.Members, func(m Member) bool { return m.Person == person && m.Role == name }) ||
			!slices.ContainsFunc(g.Claims, func(cl Claim) bool { return cl.Person == person && cl.Role == name && !cl.Exclude }) {
			return ""
		}
		if in.model.Closed(g.Stage) {
			return closedReason(g.Stage, g.StageSince)
		}
		if res == nil {
			// The members are resolved from the claims, and resolving
			// them again gives the same members: its refusals are theirs.
			r := resolve(t, g.Claims, g.Members)
			res = &r
		}
		return endReason(t, &g, *res, seat{person, name}, "")
	}, nil
}

// A withdrawal says why a membership ended whose claim its source
// withdrew: in most operations one reason for all, but a sync of several
// opportunities names the member's own ([Catalog.ApplyOpportunities]).
type withdrawal func(m Member) string

// because is the withdrawal with one reason for every membership.
func because(reason string) withdrawal { return func(Member) string { return reason } }

// endReason explains why a membership ended.
func endReason(t *Template, ng *Group, res resolution, s seat, withdrawn string) string {
	if t.RoleIndex(s.role) < 0 {
		// The program changed the template: no claim can hold the role.
		return fmt.Sprintf("template %q has no role %q any more", t.ID, s.role)
	}
	if res.blocked[s] {
		n := t.Roles[t.RoleIndex(s.role)].MaxMembers
		// Manual and CRM members are never refused: they take seats
		// of the cap first.
		fixed := 0
		for _, m := range ng.Members {
			if m.Role == s.role && (m.Method == MethodManual || m.Method == MethodCRM) {
				fixed++
			}
		}
		if fixed == 0 {
			return fmt.Sprintf("role %q is full (at most %d %s from rules and journeys)", s.role, n, plural(n, "member", "members"))
		}
		return fmt.Sprintf("role %q is full (at most %d %s; %d manual or CRM, so %d from rules and journeys)",
			s.role, n, plural(n, "member", "members"), fixed, max(n-fixed, 0))
	}
	live, excludedBy := false, ""
	for i := range ng.Claims {
		cl := &ng.Claims[i]
		if cl.Person != s.person {
			continue
		}
		if cl.Exclude && (cl.Role == "" || cl.Role == s.role) {
			excludedBy = cl.Ref
		} else if cl.Role == s.role {
			live = true
		}
	}
	if excludedBy != "" {
		return fmt.Sprintf("excluded manually by %s", cmpOr(excludedBy, "a marketer"))
	}
	if live {
		var holds []string
		for _, m := range ng.Members {
			if m.Person == s.person {
				holds = append(holds, fmt.Sprintf("%q (%s)", m.Role, m.Method))
			}
		}
		return fmt.Sprintf("holds %s instead (at most %d role(s) per person)", strings.Join(holds, ", "), t.maxRolesPerPerson())
	}
	return cmpOr(withdrawn, "claim withdrawn")
}

// Explain returns why the member holds the role, in words.
func (m *Member) Explain() string {
	switch m.Method {
	case MethodRule:
		// Built by appending: explanations are made for every member of
		// every group view, so this is on a hot path.
		b := make([]byte, 0, 32+len(m.Rule)+len(m.Expr)+32*len(m.Values))
		b = append(b, "rule "...)
		b = strconv.AppendQuote(b, m.Rule)
		b = append(b, " matched: "...)
		b = append(b, m.Expr...)
		for i, v := range m.Values {
			if i == 0 {
				b = append(b, " with "...)
			} else {
				b = append(b, ", "...)
			}
			b = append(b, v.Name...)
			b = append(b, '=')
			b = strconv.AppendQuote(b, v.Value)
		}
		return string(b)
	case MethodManual:
		s := "assigned manually by " + cmpOr(m.Ref, "a marketer")
		if m.Note != "" {
			s += ": " + m.Note
		}
		return s
	case MethodCRM:
		return fmt.Sprintf("CRM opportunity %q: %s", m.Ref, m.Note)
	case MethodJourney:
		return fmt.Sprintf("journey %q", m.Ref)
	}
	return string(m.Method)
}

// plural is one when n is 1, else many: "at most 1 member".
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
