package buyinggroup

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Sentinel errors of the package; the typed errors below match them with
// errors.Is.
var (
	ErrUnknownInterest      = errors.New("unknown solution interest")
	ErrUnknownRole          = errors.New("unknown role")
	ErrUnknownStage         = errors.New("unknown stage")
	ErrTransitionNotAllowed = errors.New("stage transition not allowed")
	ErrBadClaim             = errors.New("bad claim")
)

// TransitionError is a stage change that the group's stage model does not
// allow. It matches [ErrTransitionNotAllowed].
type TransitionError struct {
	Group   string
	Model   string
	From    string
	To      string
	Allowed []string // the stages the model allows from From
}

func (e *TransitionError) Error() string {
	allowed := "none"
	if len(e.Allowed) > 0 {
		allowed = strings.Join(e.Allowed, ", ")
	}
	return fmt.Sprintf("group %q: stage model %q does not allow %q -> %q (from %q it allows: %s)",
		e.Group, e.Model, e.From, e.To, e.From, allowed)
}

// Is reports whether target is [ErrTransitionNotAllowed].
func (e *TransitionError) Is(target error) bool { return target == ErrTransitionNotAllowed }

func (c *Catalog) interestOf(g *Group) (*Interest, error) {
	in := c.interest(g.Interest)
	if in == nil {
		return nil, fmt.Errorf("group %q: %w %q", g.ID, ErrUnknownInterest, g.Interest)
	}
	return in, nil
}

// Applies reports whether an interest applies to an account: whether the
// account should have a buying group for it. An interest without an
// applicability rule applies to every account.
func (c *Catalog) Applies(interest string, account *b2b.Account, now time.Time) (bool, error) {
	in := c.interest(interest)
	if in == nil {
		return false, fmt.Errorf("%w %q", ErrUnknownInterest, interest)
	}
	return in.AppliesTo(account, now)
}

// AppliesTo reports whether the interest applies to an account.
func (i *Interest) AppliesTo(account *b2b.Account, now time.Time) (bool, error) {
	return i.AppliesIn(&AccountEnv{Account: *account, Now: now})
}

// AppliesIn reports whether the interest applies to an account described
// in full: with its CRM opportunities (a cross-sell interest may apply once
// another deal is won) and the audiences it is in (an interest may apply to
// an ideal-customer-profile audience).
func (i *Interest) AppliesIn(env *AccountEnv) (bool, error) {
	if i.applies == nil {
		return true, nil
	}
	return i.applies.Eval(env)
}

// MatchesOpportunity reports whether a CRM opportunity is for this
// interest: its SolutionInterest is the interest's ID, or it names none and
// its Product equals the interest's CRMProduct (case-insensitively).
func (i *Interest) MatchesOpportunity(o *b2b.Opportunity) bool {
	if o.SolutionInterest != "" {
		return o.SolutionInterest == i.ID
	}
	return i.CRMProduct != "" && strings.EqualFold(strings.TrimSpace(o.Product), strings.TrimSpace(i.CRMProduct))
}

// NewGroup creates the buying group of an account for an interest, in the
// given entry stage ("" for the model's first entry stage). It emits
// [EventGroupCreated].
func (c *Catalog) NewGroup(account b2b.AccountID, interest, stage string, now time.Time) (Group, []Event, error) {
	in := c.interest(interest)
	if in == nil {
		return Group{}, nil, fmt.Errorf("%w %q", ErrUnknownInterest, interest)
	}
	if strings.TrimSpace(string(account)) == "" {
		return Group{}, nil, fmt.Errorf("buying group for %q: account ID is required", interest)
	}
	m := in.model
	if stage == "" {
		stage = m.Stages[m.entry[0]].Name
	} else if i, ok := m.index[stage]; !ok || !m.Stages[i].Entry {
		return Group{}, nil, fmt.Errorf("%w: %q is not an entry stage of stage model %q (entry stages: %s)",
			ErrUnknownStage, stage, m.ID, strings.Join(m.EntryStages(), ", "))
	}
	g := Group{
		ID: GroupID(account, interest), Account: account, Interest: interest,
		CreatedAt: now, UpdatedAt: now,
		Stage: stage, StageSince: now,
		StageHistory: []StageChange{{To: stage, At: now, Reason: "group created"}},
	}
	comp := completeness(in.template, nil)
	g.Completeness, g.WeightedCompleteness = comp.Value, comp.Weighted
	ev := g.event(EventGroupCreated, now)
	ev.To = stage
	ev.Completeness = comp.Value
	return g, []Event{ev}, nil
}

// SetRuleClaims replaces the rule claims of the given persons with claims
// (package qualify computes them). Every claim must have Method rule, a
// person among persons (not an empty or blank ID) and a role of the
// template; [ErrBadClaim] says which claim does not. Persons of persons with
// no claim lose their rule claims ("no qualification rule matches any
// more"); other sources' claims are untouched.
//
// A group in a closed stage records the claims but keeps its members as
// at the close (see the package doc); so do ApplyOpportunity and
// RemovePerson.
func (c *Catalog) SetRuleClaims(g Group, persons []b2b.PersonID, claims []Claim, now time.Time) (Group, []Event, error) {
	return c.apply(g, now, because("no qualification rule of the role matches any more"), func(in *Interest, ng *Group) error {
		for i, cl := range claims {
			switch {
			case cl.Method != MethodRule:
				return fmt.Errorf("%w: claims[%d]: method %q, want %q", ErrBadClaim, i, cl.Method, MethodRule)
			case strings.TrimSpace(string(cl.Person)) == "":
				return fmt.Errorf("%w: claims[%d]: a person ID is required", ErrBadClaim, i)
			case !slices.Contains(persons, cl.Person):
				return fmt.Errorf("%w: claims[%d]: person %q is not among the persons evaluated", ErrBadClaim, i, cl.Person)
			case in.template.RoleIndex(cl.Role) < 0:
				return fmt.Errorf("%w: claims[%d]: %w %q in template %q", ErrBadClaim, i, ErrUnknownRole, cl.Role, in.template.ID)
			case cl.Exclude:
				return fmt.Errorf("%w: claims[%d]: only manual claims exclude", ErrBadClaim, i)
			}
		}
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodRule && slices.Contains(persons, cl.Person)
		})
		for _, cl := range claims {
			cl.Role = in.template.Roles[in.template.RoleIndex(cl.Role)].Name
			if cl.At.IsZero() {
				cl.At = now
			}
			ng.Claims = append(ng.Claims, cl)
		}
		return nil
	})
}

// AssignManual records that a marketer (by) put a person in a role. Manual
// is the highest source: no rule, CRM or journey claim overrides it. It
// lifts the marketer's exclusions of that person from that role or from
// the group. A person who may hold fewer roles (MaxRolesPerPerson) than
// marketers assigned them holds the latest assignments: the earlier one
// stays recorded, not held ([Catalog.NotHeld] says which role the person
// holds instead), and holds again once assigned anew or once the later
// one is cleared. An empty or blank person ID is refused with
// [ErrBadClaim], as ExcludeManual and AssignFromJourney refuse it.
//
// A group in a closed stage refuses it, as it refuses ExcludeManual,
// ClearManual, AssignFromJourney and RemoveFromJourney, with a
// [*ClosedError] (see the package doc).
func (c *Catalog) AssignManual(g Group, person b2b.PersonID, role, by, note string, now time.Time) (Group, []Event, error) {
	return c.command(g, now, because(""), func(in *Interest, ng *Group) error {
		if err := claimPerson(person); err != nil {
			return err
		}
		name, err := roleName(in, role, false)
		if err != nil {
			return err
		}
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodManual && cl.Person == person && (cl.Role == name || cl.Exclude && cl.Role == "")
		})
		ng.Claims = append(ng.Claims, Claim{Person: person, Role: name, Method: MethodManual, Ref: by, Note: note, At: now})
		return nil
	})
}

// ExcludeManual records that a marketer (by) decided a person must not
// hold role ("" for every role of the group), whatever rules, the CRM or
// journeys say. It replaces the marketer's assignments it contradicts.
func (c *Catalog) ExcludeManual(g Group, person b2b.PersonID, role, by, note string, now time.Time) (Group, []Event, error) {
	return c.command(g, now, because(""), func(in *Interest, ng *Group) error {
		if err := claimPerson(person); err != nil {
			return err
		}
		name, err := roleName(in, role, true)
		if err != nil {
			return err
		}
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodManual && cl.Person == person && (name == "" || cl.Role == name)
		})
		ng.Claims = append(ng.Claims, Claim{Person: person, Role: name, Method: MethodManual, Exclude: true, Ref: by, Note: note, At: now})
		return nil
	})
}

// ClearManual withdraws a marketer's assignments and exclusions of a person
// for role ("" for all of them); lower sources take over again.
func (c *Catalog) ClearManual(g Group, person b2b.PersonID, role string, now time.Time) (Group, []Event, error) {
	return c.command(g, now, because("manual assignment withdrawn"), func(in *Interest, ng *Group) error {
		name, err := roleName(in, role, true)
		if err != nil {
			return err
		}
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodManual && cl.Person == person && (name == "" || cl.Role == name)
		})
		return nil
	})
}

// AssignFromJourney records that a journey action put a person in a role.
// A journey assigning a role it assigned before changes nothing: its
// claim keeps its first time (which ranks it against other sources').
func (c *Catalog) AssignFromJourney(g Group, person b2b.PersonID, role, journey string, now time.Time) (Group, []Event, error) {
	return c.command(g, now, because(""), func(in *Interest, ng *Group) error {
		if err := claimPerson(person); err != nil {
			return err
		}
		name, err := roleName(in, role, false)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodJourney && cl.Person == person && cl.Role == name && cl.Ref == journey
		}) {
			return nil // the journey said so before: the claim keeps its time
		}
		ng.Claims = append(ng.Claims, Claim{Person: person, Role: name, Method: MethodJourney, Ref: journey, At: now})
		return nil
	})
}

// RemoveFromJourney withdraws a journey's claim that a person holds role.
func (c *Catalog) RemoveFromJourney(g Group, person b2b.PersonID, role, journey string, now time.Time) (Group, []Event, error) {
	return c.command(g, now, because(fmt.Sprintf("removed by journey %q", journey)), func(in *Interest, ng *Group) error {
		name, err := roleName(in, role, false)
		if err != nil {
			return err
		}
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
			return cl.Method == MethodJourney && cl.Person == person && cl.Role == name && cl.Ref == journey
		})
		return nil
	})
}

// ApplyOpportunity makes the group's CRM claims from opportunity o match
// its contact roles: each contact role that a role of the template maps
// (Role.ContactRoles) becomes a crm claim; claims from o that the CRM no
// longer records are withdrawn. A contact role o recorded before keeps its
// claim's first time, so that applying an unchanged opportunity again
// changes nothing. A contact role that no role maps emits
// [EventContactRoleUnmapped] when o first records it, and is kept as a crm
// claim on no role (Role "") so that syncing o again does not report it
// again. Which groups an opportunity concerns is the
// caller's choice (see [Interest.MatchesOpportunity]); o must be on the
// group's account, and a contact role with an empty or blank person ID is
// refused with [ErrBadClaim] (as [b2b.Opportunity.Validate] refuses it).
func (c *Catalog) ApplyOpportunity(g Group, o *b2b.Opportunity, now time.Time) (Group, []Event, error) {
	return c.ApplyOpportunities(g, []*b2b.Opportunity{o}, now)
}

// ApplyOpportunities is [Catalog.ApplyOpportunity] for several
// opportunities at once (an account's sync): the claims of each are
// replaced, then the members are resolved once. So the result, the
// history and the events do not depend on the order of opps (an
// opportunity given twice is refused with [ErrBadClaim]): two
// opportunities that name one person in two roles do not make the person
// hold one and, a moment later, the other. An opportunity with no contact
// roles withdraws the claims it made. A membership ends with the reason
// of its own opportunity ("no longer a contact role on opportunity
// "o1"").
func (c *Catalog) ApplyOpportunities(g Group, opps []*b2b.Opportunity, now time.Time) (Group, []Event, error) {
	for i, o := range opps {
		// Two versions of one opportunity in one sync: which one stands
		// would depend on their order.
		if k := slices.IndexFunc(opps[:i], func(p *b2b.Opportunity) bool { return p.ID == o.ID }); k >= 0 {
			return g, nil, fmt.Errorf("group %q: %w: opportunity %q is given twice (opps[%d] and opps[%d])", g.ID, ErrBadClaim, o.ID, k, i)
		}
		if o.Account != g.Account {
			return g, nil, fmt.Errorf("group %q: opportunity %q is on account %q", g.ID, o.ID, o.Account)
		}
		for i, cr := range o.ContactRoles {
			// A contact role on no person would seat nobody in a role.
			if strings.TrimSpace(string(cr.Person)) == "" {
				return g, nil, fmt.Errorf("group %q: %w: opportunity %q: contactRoles[%d]: a person ID is required", g.ID, ErrBadClaim, o.ID, i)
			}
		}
	}
	withdrawn := func(m Member) string {
		return fmt.Sprintf("no longer a contact role on opportunity %q", m.Ref)
	}
	// In the order of their IDs, so that the unmapped contact roles are
	// reported in one order too.
	opps = slices.Clone(opps)
	slices.SortStableFunc(opps, func(a, b *b2b.Opportunity) int { return cmp.Compare(a.ID, b.ID) })
	var unmapped []Event
	ng, evs, err := c.apply(g, now, withdrawn, func(in *Interest, ng *Group) error {
		for _, o := range opps {
			unmapped = append(unmapped, syncOpportunity(in, ng, o, now)...)
		}
		return nil
	})
	if err != nil {
		return g, nil, err
	}
	return ng, append(unmapped, evs...), nil
}

// syncOpportunity replaces ng's crm claims from o with o's contact roles
// and returns the events of the contact roles no role maps that o records
// for the first time.
func syncOpportunity(in *Interest, ng *Group, o *b2b.Opportunity, now time.Time) []Event {
	// A contact role the CRM still records keeps its claim's time:
	// syncing an unchanged opportunity again changes nothing (a claim's
	// time ranks it against other sources' claims).
	var before []Claim
	ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool {
		if cl.Method == MethodCRM && cl.Ref == string(o.ID) {
			before = append(before, cl)
			return true
		}
		return false
	})
	var unmapped []Event
	for _, cr := range o.ContactRoles {
		i := in.template.RoleForContactRole(cr.Role)
		if i < 0 {
			// Recorded as a claim on no role, so that it is reported
			// once, not at every sync of the opportunity.
			cl := Claim{Person: cr.Person, Method: MethodCRM, Ref: string(o.ID), Note: fmt.Sprintf("contact role %q", cr.Role), At: now}
			if k := slices.IndexFunc(before, func(old Claim) bool {
				return old.Person == cl.Person && old.Role == "" && old.Note == cl.Note
			}); k >= 0 {
				cl.At = before[k].At
			} else {
				ev := ng.event(EventContactRoleUnmapped, now)
				ev.Person, ev.Method = cr.Person, MethodCRM
				ev.Reason = fmt.Sprintf("contact role %q on opportunity %q fills no role of template %q", cr.Role, o.ID, in.template.ID)
				unmapped = append(unmapped, ev)
			}
			ng.Claims = append(ng.Claims, cl)
			continue
		}
		cl := Claim{
			Person: cr.Person, Role: in.template.Roles[i].Name, Method: MethodCRM, Ref: string(o.ID),
			Note: fmt.Sprintf("contact role %q", cr.Role), At: now,
		}
		if k := slices.IndexFunc(before, func(old Claim) bool {
			return old.Person == cl.Person && old.Role == cl.Role && old.Note == cl.Note
		}); k >= 0 {
			cl.At = before[k].At
		}
		ng.Claims = append(ng.Claims, cl)
	}
	return unmapped
}

// RemovePerson withdraws every claim about a person (all sources), as when
// the person leaves the account. The memberships end with reason (default
// "left the account") and stay in the history.
func (c *Catalog) RemovePerson(g Group, person b2b.PersonID, reason string, now time.Time) (Group, []Event, error) {
	return c.apply(g, now, because(cmpOr(reason, "left the account")), func(_ *Interest, ng *Group) error {
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool { return cl.Person == person })
		return nil
	})
}

// ErasePerson removes a person from the group for good (right to be
// forgotten): like RemovePerson, it withdraws every claim about the person
// and ends the memberships, with the events that follow (reason "person
// erased"); it also drops the person's ended memberships from History, so
// the group keeps no trace of the person. The events name the person: a
// caller erasing the person discards them once it has acted on them.
//
// Erasure is the one change of membership a group in a closed stage
// takes: the person's memberships end there too, and no other person
// takes a seat the person leaves (the rest of the membership stays as at
// the close).
//
// A group whose interest the catalog no longer has (the program dropped
// it) cannot resolve its members again: the person's claims, memberships
// and history are then removed as they are, with no events, so that
// erasure never fails.
func (c *Catalog) ErasePerson(g Group, person b2b.PersonID, now time.Time) (Group, []Event, error) {
	var ng Group
	var evs []Event
	in, err := c.interestOf(&g)
	switch {
	case errors.Is(err, ErrUnknownInterest):
		ng = g.clone()
		ng.Claims = slices.DeleteFunc(ng.Claims, func(cl Claim) bool { return cl.Person == person })
		ng.Members = slices.DeleteFunc(ng.Members, func(m Member) bool { return m.Person == person })
		if len(ng.Claims) == 0 {
			ng.Claims = nil
		}
		if len(ng.Members) == 0 {
			ng.Members = nil
		}
	case err != nil:
		return g, nil, err
	case in.model.Closed(g.Stage):
		ng, evs = eraseClosed(in, g, person, now)
	default:
		if ng, evs, err = c.RemovePerson(g, person, "person erased", now); err != nil {
			return g, nil, err
		}
	}
	// The group returned has a History of its own.
	ng.History = slices.DeleteFunc(ng.History, func(m Member) bool { return m.Person == person })
	if len(ng.History) == 0 {
		ng.History = nil
	}
	return ng, evs, nil
}

// Mentions reports whether the group holds anything about the person: a
// claim, a membership or an ended membership.
func (g *Group) Mentions(person b2b.PersonID) bool {
	is := func(p b2b.PersonID) bool { return p == person }
	return slices.ContainsFunc(g.Claims, func(c Claim) bool { return is(c.Person) }) ||
		slices.ContainsFunc(g.Members, func(m Member) bool { return is(m.Person) }) ||
		slices.ContainsFunc(g.History, func(m Member) bool { return is(m.Person) })
}

// Persons returns the persons the group has claims about, sorted.
func (g *Group) Persons() []b2b.PersonID {
	var out []b2b.PersonID
	for _, cl := range g.Claims {
		out = append(out, cl.Person)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// claimPerson refuses a claim on no person: an empty or blank ID would
// seat nobody in a role, and count towards completeness.
func claimPerson(person b2b.PersonID) error {
	if strings.TrimSpace(string(person)) == "" {
		return fmt.Errorf("%w: a person ID is required", ErrBadClaim)
	}
	return nil
}

func roleName(in *Interest, role string, allowAll bool) (string, error) {
	if role == "" && allowAll {
		return "", nil
	}
	i := in.template.RoleIndex(role)
	if i < 0 {
		names := make([]string, len(in.template.Roles))
		for k, r := range in.template.Roles {
			names[k] = r.Name
		}
		return "", fmt.Errorf("%w %q in template %q (roles: %s)", ErrUnknownRole, role, in.template.ID, strings.Join(names, ", "))
	}
	return in.template.Roles[i].Name, nil
}

// apply runs mutate on a copy of g, then resolves members and emits the
// events of the difference. reason explains memberships that end because
// their claim was withdrawn. A group in a closed stage records the claims
// and keeps its members (see hold).
func (c *Catalog) apply(g Group, now time.Time, reason withdrawal, mutate func(*Interest, *Group) error) (Group, []Event, error) {
	in, err := c.interestOf(&g)
	if err != nil {
		return g, nil, err
	}
	return applyIn(in, g, now, reason, mutate)
}

func applyIn(in *Interest, given Group, now time.Time, reason withdrawal, mutate func(*Interest, *Group) error) (Group, []Event, error) {
	g := canonical(in.template, given)
	ng := g.clone()
	if err := mutate(in, &ng); err != nil {
		return given, nil, fmt.Errorf("group %q: %w", g.ID, err)
	}
	sortClaims(in.template, ng.Claims)
	if len(ng.Claims) == 0 {
		ng.Claims = nil
	}
	if in.model.Closed(g.Stage) {
		return ng, hold(in, &g, &ng, now, reason), nil
	}
	evs := settle(in, &g, &ng, now, reason)
	return ng, evs, nil
}

// canonical returns g with the roles of its claims and members named as
// the template names them now, or g itself when they are. A program may
// rename a role in case or blanks around it only ("champion" to
// "Champion"): [Template.RoleIndex] still finds it, so it is the same
// role, and its claims and members under the old name are claims and
// members of the role (an exclusion still excludes, a person does not
// hold it twice). Ended memberships keep the name they had.
func canonical(t *Template, g Group) Group {
	stale := func(role string) bool {
		i := t.RoleIndex(role)
		return role != "" && i >= 0 && t.Roles[i].Name != role
	}
	if !slices.ContainsFunc(g.Claims, func(cl Claim) bool { return stale(cl.Role) }) &&
		!slices.ContainsFunc(g.Members, func(m Member) bool { return stale(m.Role) }) {
		return g
	}
	g = g.clone()
	for i := range g.Claims {
		if cl := &g.Claims[i]; stale(cl.Role) {
			cl.Role = t.Roles[t.RoleIndex(cl.Role)].Name
		}
	}
	for i := range g.Members {
		if m := &g.Members[i]; stale(m.Role) {
			m.Role = t.Roles[t.RoleIndex(m.Role)].Name
		}
	}
	sortClaims(t, g.Claims)
	sortMembers(t, g.Members)
	return g
}
