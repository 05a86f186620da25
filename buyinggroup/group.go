package buyinggroup

import (
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A Group is the buying group of one account for one solution interest. It
// is plain data (every field serialises to JSON), so stores persist it as
// is; the [Catalog] computes new states from old ones and never keeps any.
type Group struct {
	ID        string        `json:"id"` // GroupID(Account, Interest)
	Account   b2b.AccountID `json:"accountId"`
	Interest  string        `json:"interest"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	// Claims are what each source says about who holds which role: rule
	// matches, manual assignments and exclusions, CRM contact roles and
	// journey actions. Members are resolved from them by precedence.
	Claims []Claim `json:"claims,omitempty"`
	// Members are the current members, by role order then person.
	Members []Member `json:"members,omitempty"`
	// History holds ended memberships, oldest first.
	History []Member `json:"history,omitempty"`

	Stage        string        `json:"stage"`
	StageSince   time.Time     `json:"stageSince"`
	StageHistory []StageChange `json:"stageHistory"`

	Status        string         `json:"status,omitempty"`
	StatusHistory []StatusChange `json:"statusHistory,omitempty"`

	// Completeness and WeightedCompleteness as of UpdatedAt (see
	// [Catalog.Completeness] for the definition).
	Completeness         float64 `json:"completeness"`
	WeightedCompleteness float64 `json:"weightedCompleteness"`
}

// Method is how a membership came about. Sources rank by precedence:
// manual > crm > journey > rule. A claim of a higher source is never
// overwritten or removed by a lower one.
type Method string

// The membership methods, from the highest precedence to the lowest.
const (
	MethodManual  Method = "manual"  // a marketer assigned (or excluded) the person
	MethodCRM     Method = "crm"     // an opportunity contact role in the CRM
	MethodJourney Method = "journey" // a journey action
	MethodRule    Method = "rule"    // a qualification rule matched
)

// Rank returns the precedence of a method: 4 for manual down to 1 for
// rule, 0 for an unknown method.
func (m Method) Rank() int {
	switch m {
	case MethodManual:
		return 4
	case MethodCRM:
		return 3
	case MethodJourney:
		return 2
	case MethodRule:
		return 1
	}
	return 0
}

// A Value is one input a rule saw when it decided, such as
// {"person.seniority", "VP"}.
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// A Claim is one source's statement that a person holds (or, for a manual
// exclusion, must not hold) a role.
type Claim struct {
	Person b2b.PersonID `json:"personId"`
	// Role is the role's name; a manual exclusion with an empty Role
	// excludes the person from every role of the group, and a crm claim
	// with an empty Role records a contact role that no role of the
	// template maps (it fills no role; see [Catalog.ApplyOpportunity]).
	Role   string `json:"role"`
	Method Method `json:"method"`
	// Exclude marks a manual exclusion.
	Exclude bool `json:"exclude,omitempty"`
	// Rule, Expr and Values explain a rule claim: the rule's name, its
	// source and the values it read. Values is shared, not copied, by
	// the members made from the claim and by the groups an operation
	// returns (see the package doc): replace it, never modify it in
	// place.
	Rule   string  `json:"rule,omitempty"`
	Expr   string  `json:"expr,omitempty"`
	Values []Value `json:"values,omitempty"`
	// Conditions and Nodes measure how specific the rule is (the
	// tie-break after priority; see package qualify).
	Conditions int `json:"conditions,omitempty"`
	Nodes      int `json:"nodes,omitempty"`
	// Ref names the source: the marketer (manual), the opportunity ID
	// (crm), the journey (journey).
	Ref string `json:"ref,omitempty"`
	// Note is free text from the source ("confirmed on the phone").
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// A Member is a person holding a role, with how and why; in
// [Group.History] it also has when and why it ended.
type Member struct {
	Person b2b.PersonID `json:"personId"`
	Role   string       `json:"role"`
	Method Method       `json:"method"`
	Rule   string       `json:"rule,omitempty"`
	Expr   string       `json:"expr,omitempty"`
	Values []Value      `json:"values,omitempty"`
	Ref    string       `json:"ref,omitempty"`
	Note   string       `json:"note,omitempty"`
	// Since is when the person took the role; DecidedAt is when the
	// current source last stated it.
	Since     time.Time `json:"since"`
	DecidedAt time.Time `json:"decidedAt"`
	Until     time.Time `json:"until,omitzero"`
	EndReason string    `json:"endReason,omitempty"`
}

// A StageChange is one entry of a group's stage history. The first entry
// has an empty From (the group was created in To).
type StageChange struct {
	From string    `json:"from,omitempty"`
	To   string    `json:"to"`
	At   time.Time `json:"at"`
	// Auto is true when an automatic transition rule moved the group;
	// Rule, Expr and Values then explain it. A number in Values has six
	// significant digits, or more where fewer would round it onto or
	// across a number of the rule (daysInStage 14.00001 for "> 14").
	Auto   bool    `json:"auto,omitempty"`
	Rule   string  `json:"rule,omitempty"`
	Expr   string  `json:"expr,omitempty"`
	Values []Value `json:"values,omitempty"`
	By     string  `json:"by,omitempty"`
	Reason string  `json:"reason,omitempty"`
}

// A StatusChange is one entry of a group's status history.
type StatusChange struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
}

// MembersOf returns the current members holding role. The role is named
// as [Template.RoleIndex] reads a name: in any case, blanks around it
// ignored.
func (g *Group) MembersOf(role string) []Member {
	// A member's role is named as its template names it, which may have
	// blanks around it too (" Champion "): both sides are read alike.
	key := roleKey(role)
	var out []Member
	for _, m := range g.Members {
		if m.Role == role || roleKey(m.Role) == key {
			out = append(out, m)
		}
	}
	return out
}

// roleKey is a role's name as [Template.RoleIndex] compares names:
// lower case, blanks around it removed.
func roleKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// RolesOf returns the roles a person currently holds in the group.
func (g *Group) RolesOf(p b2b.PersonID) []string {
	var out []string
	for _, m := range g.Members {
		if m.Person == p {
			out = append(out, m.Role)
		}
	}
	return out
}

// TimeInStage returns how long the group has been in its current stage.
func (g *Group) TimeInStage(now time.Time) time.Duration { return now.Sub(g.StageSince) }

// TimeToStage returns how long the group took from its creation to first
// entering stage, and false when it never entered it.
func (g *Group) TimeToStage(stage string) (time.Duration, bool) {
	for _, c := range g.StageHistory {
		if c.To == stage {
			return c.At.Sub(g.CreatedAt), true
		}
	}
	return 0, false
}

// clone returns a copy whose lists an operation may change without
// changing the caller's group. The Values lists of claims, members and
// stage changes are shared (see the package doc): operations replace
// them, never modify them in place, so a claim and the member made from
// it keep one list instead of a copy each.
func (g Group) clone() Group {
	g.Claims = slices.Clone(g.Claims)
	g.Members = slices.Clone(g.Members)
	g.History = slices.Clone(g.History)
	g.StageHistory = slices.Clone(g.StageHistory)
	g.StatusHistory = slices.Clone(g.StatusHistory)
	return g
}
