package qualify

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// AccountInput is one account's state as the engine loaded it.
type AccountInput struct {
	Account b2b.Account
	// Persons are all the persons of the account now, each with its own
	// ID. A person who has claims in a group but is not here has left the
	// account: their memberships end (and stay in the history).
	Persons []b2b.Person
	// Groups are the account's current buying groups, in any order.
	Groups []buyinggroup.Group
	// Opportunities are the account's CRM opportunities; the contact roles
	// of each one fill the roles of the groups whose interest it matches
	// (buyinggroup.Interest.MatchesOpportunity). Each ID appears once,
	// and each is the account's (its Account is Account.ID).
	Opportunities []b2b.Opportunity
	// Audiences are the audiences the account is in (as last evaluated),
	// which interests' applicability rules may read.
	Audiences []string
}

// AccountResult is the outcome of qualifying one account.
type AccountResult struct {
	// Groups are the account's groups after qualification: the ones given
	// and the ones created, in catalog order of their interests (groups of
	// interests the catalog no longer defines are returned unchanged, last).
	Groups []buyinggroup.Group
	// Events are every change: first the creation of each new group,
	// then each group's other changes, groups in the order above.
	Events []buyinggroup.Event
	// Decisions explain, per person and group, what the rules matched and
	// which roles the person holds after precedence and tie-breaks.
	Decisions []Decision
	// Rate is the lead-to-buying-group qualification rate of the account.
	Rate Rate
	// RuleErrors are the rules that failed to evaluate: first the
	// applicability rules of interests the account has no group for
	// (Person and Role empty), in catalog order, then the role rules, by
	// person (in ID order), then interest and role. Each decided nothing.
	// An interest whose applicability rule failed gets no group until
	// the rule can be evaluated; the account's other interests are
	// qualified as usual. For a role rule, the claim the same rule gave
	// the person before stands (its values and time those of then, in the
	// person's Decision too), and a person it gave none gets none; their
	// other rules and the account's other persons are qualified as usual.
	// A caller reports them (the engine logs qualify.rule_error).
	RuleErrors []RuleError
}

// A Decision is what qualification concluded for one person in one group.
type Decision struct {
	Person   b2b.PersonID `json:"personId"`
	Interest string       `json:"interest"`
	// Matches are the roles whose rules the person satisfies, best first,
	// each with the values the rule read.
	Matches []MatchValues `json:"matches,omitempty"`
	// Holds are the person's memberships in the group after resolution
	// (any source: a manual or CRM member keeps its role).
	Holds []buyinggroup.Member `json:"holds,omitempty"`
	// Frozen, for a group in a closed stage, says why Holds are the
	// memberships as at the close whatever Matches say now: "group
	// closed: Closed Won on 2026-03-22; membership kept as at close".
	Frozen string `json:"frozen,omitempty"`
	// NotHeld says, for each role of Matches the person does not hold in
	// an open group, why not (see buyinggroup.Catalog.NotHeld): `role
	// "Champion" is full (at most 1 member from rules and journeys)`,
	// "excluded manually by ann". It is empty for a person who holds as
	// many roles as the template allows: they hold those (Holds) instead.
	NotHeld []RoleNotHeld `json:"notHeld,omitempty"`
}

// RoleNotHeld is a role whose rule matched that the person does not hold,
// with the reason.
type RoleNotHeld struct {
	Role   string `json:"role"`
	Reason string `json:"reason"`
}

// MatchValues is a match with the values its rule read.
type MatchValues struct {
	Match
	Values []buyinggroup.Value `json:"values"`
}

// Explain returns the decision in words.
func (d *Decision) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s: ", d.Person, d.Interest)
	if len(d.Holds) == 0 {
		b.WriteString("no role")
	}
	for i, m := range d.Holds {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (%s)", m.Role, m.Explain())
	}
	if len(d.Matches) > 1 || len(d.Matches) == 1 && (len(d.Holds) != 1 || d.Holds[0].Role != d.Matches[0].Role) {
		names := make([]string, len(d.Matches))
		for i, m := range d.Matches {
			conditions := "conditions"
			if m.Conditions == 1 {
				conditions = "condition"
			}
			names[i] = fmt.Sprintf("%s (priority %d, %d %s)", m.Role, m.Priority, m.Conditions, conditions)
		}
		fmt.Fprintf(&b, "; rules matched: %s", strings.Join(names, ", "))
	}
	for _, n := range d.NotHeld {
		fmt.Fprintf(&b, "; %s not held: %s", n.Role, n.Reason)
	}
	if d.Frozen != "" {
		b.WriteString("; ")
		b.WriteString(d.Frozen)
	}
	return b.String()
}

// Rate is the lead-to-buying-group qualification rate: the share of
// persons who hold at least one role in at least one buying group (any
// source).
type Rate struct {
	Persons   int `json:"persons"`
	Qualified int `json:"qualified"`
}

// Value returns Qualified / Persons, 0 when there are no persons.
func (r Rate) Value() float64 {
	if r.Persons == 0 {
		return 0
	}
	return float64(r.Qualified) / float64(r.Persons)
}

// Add returns the rate over both populations (accounts are disjoint, so a
// person counted in two accounts counts twice).
func (r Rate) Add(o Rate) Rate {
	return Rate{Persons: r.Persons + o.Persons, Qualified: r.Qualified + o.Qualified}
}

// String writes the rate as a percentage with one decimal, or as many
// more as it takes not to read 100% where a person is not qualified, nor
// 0% where one is ("1999 of 2000 persons qualified (99.95%)").
func (r Rate) String() string {
	pct := 100 * r.Value()
	text := strconv.FormatFloat(pct, 'f', 1, 64)
	for prec := 2; prec <= 17; prec++ {
		v, _ := strconv.ParseFloat(text, 64)
		if !(v == 100 && r.Qualified != r.Persons) && !(v == 0 && r.Qualified != 0) {
			break
		}
		text = strconv.FormatFloat(pct, 'f', prec, 64)
	}
	return fmt.Sprintf("%d of %d persons qualified (%s%%)", r.Qualified, r.Persons, text)
}

// Account qualifies the persons of one account: it creates the groups of
// the interests that apply to the account and do not exist yet, applies
// the CRM opportunities' contact roles, evaluates every person against the
// role template of every group, replaces the persons' rule claims, ends
// the memberships of persons who left, and reports the decisions and the
// qualification rate. It is deterministic: persons are taken in ID order,
// interests in catalog order. The input is not modified.
//
// A group whose interest no longer applies to the account is kept and
// still qualified (groups are removed only by the caller). An
// applicability rule that fails to evaluate creates no group and is
// reported in AccountResult.RuleErrors. A group in a
// closed stage keeps its members as at the close: the claims are recorded,
// the members stay, and its decisions say why (Decision.Frozen).
//
// An input that is not one account's is refused with an error naming
// what is wrong and where: a person without an ID or twice, a group or
// an opportunity of another account ("account "acme": opportunities[1]:
// opportunity "o2" belongs to account "globex""), an opportunity twice.
func (e *Evaluator) Account(in AccountInput, now time.Time) (AccountResult, error) {
	cat := e.q.cat
	acct := &in.Account
	var res AccountResult

	for i := range in.Persons {
		if strings.TrimSpace(string(in.Persons[i].ID)) == "" {
			return res, fmt.Errorf("account %q: persons[%d]: a person needs an ID", acct.ID, i)
		}
	}
	persons := slices.Clone(in.Persons)
	slices.SortFunc(persons, func(a, b b2b.Person) int { return strings.Compare(string(a.ID), string(b.ID)) })
	ids := make([]b2b.PersonID, len(persons))
	for i := range persons {
		ids[i] = persons[i].ID
		if i > 0 && ids[i] == ids[i-1] {
			return res, fmt.Errorf("account %q: person %q appears twice", acct.ID, ids[i])
		}
	}

	// Another account's opportunity would seat its contacts in this
	// account's roles, or make an interest apply here by its deal.
	for i := range in.Opportunities {
		switch o := &in.Opportunities[i]; {
		case o.Account == acct.ID:
		case o.Account == "":
			return res, fmt.Errorf("account %q: opportunities[%d]: opportunity %q has no account (accountId is empty)", acct.ID, i, o.ID)
		default:
			return res, fmt.Errorf("account %q: opportunities[%d]: opportunity %q belongs to account %q", acct.ID, i, o.ID, o.Account)
		}
	}
	if id, dup := duplicateOpportunity(in.Opportunities); dup {
		return res, fmt.Errorf("account %q: opportunity %q appears twice", acct.ID, id)
	}

	existing := map[string]buyinggroup.Group{}
	for _, g := range in.Groups {
		if g.Account != acct.ID {
			return res, fmt.Errorf("account %q: group %q belongs to account %q", acct.ID, g.ID, g.Account)
		}
		if _, dup := existing[g.Interest]; dup {
			return res, fmt.Errorf("account %q: two groups for interest %q", acct.ID, g.Interest)
		}
		existing[g.Interest] = g
	}
	var env *buyinggroup.AccountEnv // made when first needed
	var active []int                // interests with a group
	var groups []buyinggroup.Group
	var err error
	for ii, si := range e.q.interests {
		g, ok := existing[si.ID]
		delete(existing, si.ID)
		if !ok {
			if env == nil {
				env = &buyinggroup.AccountEnv{Account: *acct, Opportunities: in.Opportunities, Audiences: in.Audiences, Now: now}
			}
			applies, aerr := si.AppliesIn(env)
			if aerr != nil {
				// It decides nothing: no group until it can be evaluated.
				res.RuleErrors = append(res.RuleErrors, RuleError{Interest: si.ID, Err: aerr})
				continue
			}
			if !applies {
				continue
			}
			var evs []buyinggroup.Event
			g, evs, err = cat.NewGroup(acct.ID, si.ID, "", now)
			if err != nil {
				return res, err
			}
			res.Events = append(res.Events, evs...)
		}
		active = append(active, ii)
		groups = append(groups, g)
	}

	// Evaluate every person once against every active interest.
	claims := make([][]buyinggroup.Claim, len(active))
	matches := make([][][]MatchValues, len(active)) // [group][person]
	for k := range active {
		matches[k] = make([][]MatchValues, len(persons))
	}
	pos := make([]int, len(e.q.interests))
	for k, ii := range active {
		pos[ii] = k
	}
	var buf []Match
	for pi := range persons {
		p := &persons[pi]
		nerr := len(res.RuleErrors)
		buf = e.person(buf[:0], acct, p, active, now, &res.RuleErrors)
		if len(res.RuleErrors) > nerr {
			buf = keepFailed(buf, res.RuleErrors[nerr:], groups, pos)
		}
		for i := range buf {
			m := &buf[i]
			k := pos[m.interest]
			if m.kept != nil {
				matches[k][pi] = append(matches[k][pi], MatchValues{Match: *m, Values: m.kept.Values})
				claims[k] = append(claims[k], *m.kept)
				continue
			}
			vals := e.values(m)
			matches[k][pi] = append(matches[k][pi], MatchValues{Match: *m, Values: vals})
			claims[k] = append(claims[k], buyinggroup.Claim{
				Person: p.ID, Role: m.Role, Method: buyinggroup.MethodRule,
				Rule: m.Rule, Expr: m.Expr, Values: vals,
				Conditions: m.Conditions, Nodes: m.Nodes, At: now,
			})
		}
	}

	for k, g := range groups {
		var evs []buyinggroup.Event
		// Persons who left the account go first, with that reason, so that
		// a contact role that still names them does not hold them (see
		// accountContacts).
		for _, p := range g.Persons() {
			if _, found := slices.BinarySearch(ids, p); found {
				continue
			}
			var le []buyinggroup.Event
			if g, le, err = cat.RemovePerson(g, p, "left the account", now); err != nil {
				return res, err
			}
			evs = append(evs, le...)
		}
		// CRM claims of an opportunity the account no longer has (the
		// CRM moved it to another account), or that is no longer for the
		// group's interest, are withdrawn. The opportunities are applied
		// together, so that their order does not matter.
		si, _ := cat.Interest(g.Interest)
		var opps []*b2b.Opportunity
		for _, ref := range crmRefs(&g) {
			if slices.ContainsFunc(in.Opportunities, func(o b2b.Opportunity) bool { return string(o.ID) == ref && si.MatchesOpportunity(&o) }) {
				continue
			}
			opps = append(opps, &b2b.Opportunity{ID: b2b.OpportunityID(ref), Account: g.Account})
		}
		for i := range in.Opportunities {
			if o := &in.Opportunities[i]; si.MatchesOpportunity(o) {
				opps = append(opps, accountContacts(o, ids))
			}
		}
		if len(opps) > 0 {
			var oe []buyinggroup.Event
			if g, oe, err = cat.ApplyOpportunities(g, opps, now); err != nil {
				return res, err
			}
			evs = append(evs, oe...)
		}
		keepClaimTimes(&g, claims[k])
		var re []buyinggroup.Event
		if g, re, err = cat.SetRuleClaims(g, ids, claims[k], now); err != nil {
			return res, err
		}
		evs = append(evs, re...)
		groups[k] = g
		res.Events = append(res.Events, evs...)
		frozen, _ := cat.Closed(g)
		var notHeld func(b2b.PersonID, string) string // made when first needed
		limit := si.RoleTemplate().MaxRolesPerPerson()
		for pi := range persons {
			holds := holdsOf(&g, persons[pi].ID)
			if len(matches[k][pi]) == 0 && len(holds) == 0 {
				continue
			}
			d := Decision{Person: persons[pi].ID, Interest: g.Interest, Matches: matches[k][pi], Holds: holds, Frozen: frozen}
			for _, m := range d.Matches {
				// A person who holds as many roles as the template allows
				// holds those instead, as Holds shows: no more to say.
				if frozen != "" || len(holds) >= limit || slices.ContainsFunc(holds, func(h buyinggroup.Member) bool { return h.Role == m.Role }) {
					continue
				}
				if notHeld == nil {
					if notHeld, err = cat.NotHeld(g); err != nil {
						return res, err
					}
				}
				if why := notHeld(d.Person, m.Role); why != "" {
					d.NotHeld = append(d.NotHeld, RoleNotHeld{Role: m.Role, Reason: why})
				}
			}
			res.Decisions = append(res.Decisions, d)
		}
	}
	// Groups of interests the catalog does not define: returned unchanged.
	rest := make([]buyinggroup.Group, 0, len(existing))
	for _, g := range existing {
		rest = append(rest, g)
	}
	slices.SortFunc(rest, func(a, b buyinggroup.Group) int { return strings.Compare(a.Interest, b.Interest) })
	res.Groups = append(groups, rest...)

	res.Rate.Persons = len(persons)
	for _, id := range ids {
		if slices.ContainsFunc(res.Groups, func(g buyinggroup.Group) bool { return len(g.RolesOf(id)) > 0 }) {
			res.Rate.Qualified++
		}
	}
	return res, nil
}

// Account is [Evaluator.Account] with a fresh evaluator.
func (q *Qualifier) Account(in AccountInput, now time.Time) (AccountResult, error) {
	return q.NewEvaluator().Account(in, now)
}

// duplicateOpportunity returns an ID that two of opps have.
func duplicateOpportunity(opps []b2b.Opportunity) (b2b.OpportunityID, bool) {
	if len(opps) <= 16 { // a few: no map to allocate
		for i := range opps {
			id := opps[i].ID
			if slices.ContainsFunc(opps[:i], func(o b2b.Opportunity) bool { return o.ID == id }) {
				return id, true
			}
		}
		return "", false
	}
	seen := make(map[b2b.OpportunityID]bool, len(opps))
	for i := range opps {
		if seen[opps[i].ID] {
			return opps[i].ID, true
		}
		seen[opps[i].ID] = true
	}
	return "", false
}

// crmRefs lists the opportunities the group's CRM claims come from.
func crmRefs(g *buyinggroup.Group) []string {
	var refs []string
	for _, cl := range g.Claims {
		if cl.Method == buyinggroup.MethodCRM && !slices.Contains(refs, cl.Ref) {
			refs = append(refs, cl.Ref)
		}
	}
	return refs
}

// accountContacts returns o with only the contact roles of persons among
// ids (sorted), the account's persons: a contact the CRM records on the
// opportunity but who is not the account's (identity resolution put them
// in another account, or they are not known yet) holds no role in the
// account's groups until they are its person. o itself is returned when
// every contact is the account's.
func accountContacts(o *b2b.Opportunity, ids []b2b.PersonID) *b2b.Opportunity {
	ours := func(cr b2b.ContactRole) bool {
		_, found := slices.BinarySearch(ids, cr.Person)
		return found
	}
	if !slices.ContainsFunc(o.ContactRoles, func(cr b2b.ContactRole) bool { return !ours(cr) }) {
		return o
	}
	c := *o
	c.ContactRoles = nil
	for _, cr := range o.ContactRoles {
		if ours(cr) {
			c.ContactRoles = append(c.ContactRoles, cr)
		}
	}
	return &c
}

// keepFailed adds to one person's matches the claims their rules that
// failed gave them before, which stand, as an audience whose rule fails
// keeps the account's membership: a rule that cannot be evaluated (a host
// function's passing error) decides nothing, so the person neither loses
// a role nor gains one by it. A claim stands only if the same rule made
// it (a changed rule that fails has decided nothing yet).
func keepFailed(buf []Match, failed []RuleError, groups []buyinggroup.Group, pos []int) []Match {
	n := len(buf)
	for i := range failed {
		m := failed[i].match
		g := &groups[pos[m.interest]]
		for j := range g.Claims {
			cl := &g.Claims[j]
			if cl.Method == buyinggroup.MethodRule && !cl.Exclude && cl.Person == failed[i].Person &&
				sameRole(cl.Role, m.Role) && sameRole(cl.Rule, m.Rule) && cl.Expr == m.Expr {
				kept := *cl
				m.kept = &kept
				buf = append(buf, m)
				break
			}
		}
	}
	if len(buf) > n {
		// In the order Person gives: by interest, then preference.
		slices.SortStableFunc(buf, func(a, b Match) int {
			return cmp.Or(cmp.Compare(pos[a.interest], pos[b.interest]), preferred(a, b))
		})
	}
	return buf
}

// sameRole reports whether a claim's role a and a template's role b are
// one role: a program may rename a role in case or blanks around it only,
// and the groups it is given still have the old name
// (buyinggroup.Template.RoleIndex compares names so). A rule named after
// its role is renamed with it; its source tells whether it changed.
func sameRole(a, b string) bool {
	return a == b || strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// keepClaimTimes gives a new rule claim the time of the identical claim it
// repeats, so that re-evaluating an unchanged person changes nothing.
func keepClaimTimes(g *buyinggroup.Group, claims []buyinggroup.Claim) {
	for i := range claims {
		c := &claims[i]
		for _, old := range g.Claims {
			if old.Method == buyinggroup.MethodRule && old.Person == c.Person && sameRole(old.Role, c.Role) &&
				sameRole(old.Rule, c.Rule) && old.Expr == c.Expr && slices.Equal(old.Values, c.Values) {
				c.At = old.At
				break
			}
		}
	}
}

func holdsOf(g *buyinggroup.Group, p b2b.PersonID) []buyinggroup.Member {
	var out []buyinggroup.Member
	for _, m := range g.Members {
		if m.Person == p {
			out = append(out, m)
		}
	}
	return out
}
