package buyinggroup_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// fill assigns persons manually: each entry is "role=person".
func fill(t *testing.T, cat *buyinggroup.Catalog, g buyinggroup.Group, seats ...string) buyinggroup.Group {
	t.Helper()
	for _, s := range seats {
		var role, person string
		for i := range s {
			if s[i] == '=' {
				role, person = s[:i], s[i+1:]
			}
		}
		var err error
		g, _, err = cat.AssignManual(g, b2b.PersonID(person), role, "test", "", t0)
		require.NoError(t, err)
	}
	return g
}

func newGroup(t *testing.T, cat *buyinggroup.Catalog, interest string) buyinggroup.Group {
	t.Helper()
	g, _, err := cat.NewGroup("acme", interest, "", t0)
	require.NoError(t, err)
	return g
}

// TestCompletenessWorkedExamples checks the worked examples of the package
// documentation, one by one.
func TestCompletenessWorkedExamples(t *testing.T) {
	t.Parallel()
	s1 := buyinggroup.RoleTemplate{ID: "s1", Roles: []buyinggroup.Role{
		{Name: "Economic Buyer", Rule: rule(`false`), Required: true, Weight: 3},
		{Name: "Technical Evaluator", Rule: rule(`false`), Required: true, Weight: 2},
		{Name: "Champion", Rule: rule(`false`), Required: true, Weight: 2},
		{Name: "End User", Rule: rule(`false`)},
	}}
	min3 := buyinggroup.RoleTemplate{ID: "min3", Roles: []buyinggroup.Role{
		{Name: "Economic Buyer", Rule: rule(`false`), Required: true},
		{Name: "Champion", Rule: rule(`false`), Required: true, MinMembers: 3, Weight: 2},
		{Name: "Influencer", Rule: rule(`false`), MinMembers: 2, Weight: 10},
	}}
	none := buyinggroup.RoleTemplate{ID: "none", Roles: []buyinggroup.Role{{Name: "Fan", Rule: rule(`false`)}}}
	cat := compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "s1", Template: "s1"}, {ID: "min3", Template: "min3"}, {ID: "none", Template: "none"}},
		Templates: []buyinggroup.RoleTemplate{s1, min3, none},
	})
	tests := []struct {
		name           string
		interest       string
		seats          []string
		value, weight  float64
		filled, needed int
		missing        []buyinggroup.MissingRole
	}{
		{
			name: "1. S1: two of three required roles, optional End User does not count", interest: "s1",
			seats: []string{"Economic Buyer=cfo", "Technical Evaluator=vpe", "End User=de"},
			value: 2.0 / 3, weight: (3 + 2) / 7.0, filled: 2, needed: 3,
			missing: []buyinggroup.MissingRole{{Role: "Champion", Members: 0, Min: 1, Need: 1}},
		},
		{
			name: "2. members required 3 with 2 members contributes 2/3", interest: "min3",
			seats: []string{"Economic Buyer=cfo", "Champion=a", "Champion=b"},
			value: (1 + 2.0/3) / 2, weight: (1 + 2*2.0/3) / 3, filled: 1, needed: 2,
			missing: []buyinggroup.MissingRole{{Role: "Champion", Members: 2, Min: 3, Need: 1}},
		},
		{
			name: "3. optional roles never lower completeness (empty optional Influencer with weight 10)", interest: "min3",
			seats: []string{"Economic Buyer=cfo", "Champion=a", "Champion=b", "Champion=c"},
			value: 1, weight: 1, filled: 2, needed: 2,
		},
		{
			name: "4. members beyond the minimum add nothing", interest: "s1",
			seats: []string{"Champion=a", "Champion=b", "Champion=c"},
			value: 1.0 / 3, weight: 2 / 7.0, filled: 1, needed: 3,
			missing: []buyinggroup.MissingRole{{Role: "Economic Buyer", Min: 1, Need: 1}, {Role: "Technical Evaluator", Min: 1, Need: 1}},
		},
		{
			name: "5. empty group", interest: "s1",
			value: 0, weight: 0, filled: 0, needed: 3,
			missing: []buyinggroup.MissingRole{{Role: "Economic Buyer", Min: 1, Need: 1}, {Role: "Technical Evaluator", Min: 1, Need: 1}, {Role: "Champion", Min: 1, Need: 1}},
		},
		{
			name: "6. no required role: always complete", interest: "none",
			value: 1, weight: 1, filled: 0, needed: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := fill(t, cat, newGroup(t, cat, tt.interest), tt.seats...)
			c, err := cat.Completeness(g)
			require.NoError(t, err)
			require.InDelta(t, tt.value, c.Value, 1e-12)
			require.InDelta(t, tt.weight, c.Weighted, 1e-12)
			require.Equal(t, tt.filled, c.FilledRequired)
			require.Equal(t, tt.needed, c.Required)
			require.InDelta(t, tt.value, g.Completeness, 1e-12, "stored on the group")
			require.InDelta(t, tt.weight, g.WeightedCompleteness, 1e-12, "stored on the group")
			missing, err := cat.MissingRoles(g)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.missing, missing), "(-want +got)")
		})
	}
}

func TestOptionalRolesNeverChangeCompleteness(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := fill(t, cat, newGroup(t, cat, "dp"), "Economic Buyer=cfo")
	before := g.Completeness
	g = fill(t, cat, g, "End User=u1", "Influencer=i1", "Procurement=p1")
	require.Equal(t, before, g.Completeness)
	require.InDelta(t, 1.0/3, before, 1e-12)
}

func ruleClaim(p b2b.PersonID, role, ruleName string, at time.Time) buyinggroup.Claim {
	return buyinggroup.Claim{Person: p, Role: role, Method: buyinggroup.MethodRule, Rule: ruleName, Expr: "expr of " + ruleName, At: at}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	persons := []b2b.PersonID{"p1"}
	roles := func(g buyinggroup.Group) []string {
		var out []string
		for _, m := range g.Members {
			out = append(out, fmt.Sprintf("%s=%s/%s", m.Person, m.Role, m.Method))
		}
		return out
	}
	step := func(g buyinggroup.Group, evs []buyinggroup.Event, err error) buyinggroup.Group {
		t.Helper()
		require.NoError(t, err)
		return g
	}

	// The rule says Champion.
	g = step(cat.SetRuleClaims(g, persons, []buyinggroup.Claim{ruleClaim("p1", "Champion", "champ", t0)}, t0))
	require.Equal(t, []string{"p1=Champion/rule"}, roles(g))
	// A journey says Influencer: journey outranks rule; one role per person.
	g = step(cat.AssignFromJourney(g, "p1", "Influencer", "nurture", t0.Add(time.Hour)))
	require.Equal(t, []string{"p1=Influencer/journey"}, roles(g))
	// The CRM says Evaluator -> Technical Evaluator: CRM outranks journey.
	opp := b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEvaluator}}}
	g = step(cat.ApplyOpportunity(g, &opp, t0.Add(2*time.Hour)))
	require.Equal(t, []string{"p1=Technical Evaluator/crm"}, roles(g))
	// A marketer says Economic Buyer: manual outranks everything.
	g = step(cat.AssignManual(g, "p1", "economic buyer", "ann", "met at the summit", t0.Add(3*time.Hour)))
	require.Equal(t, []string{"p1=Economic Buyer/manual"}, roles(g))
	// Re-evaluating the rule (now Decision Maker) never overwrites manual.
	g = step(cat.SetRuleClaims(g, persons, []buyinggroup.Claim{ruleClaim("p1", "Decision Maker", "dm", t0)}, t0.Add(4*time.Hour)))
	require.Equal(t, []string{"p1=Economic Buyer/manual"}, roles(g))
	// Nor does the CRM or a journey.
	g = step(cat.ApplyOpportunity(g, &opp, t0.Add(5*time.Hour)))
	g = step(cat.AssignFromJourney(g, "p1", "End User", "nurture", t0.Add(5*time.Hour)))
	require.Equal(t, []string{"p1=Economic Buyer/manual"}, roles(g))
	// When the marketer withdraws, the CRM claim is next in line.
	g = step(cat.ClearManual(g, "p1", "", t0.Add(6*time.Hour)))
	require.Equal(t, []string{"p1=Technical Evaluator/crm"}, roles(g))
	// The CRM drops the contact role: journeys are next (the earlier
	// journey claim wins among journey claims).
	opp.ContactRoles = nil
	g = step(cat.ApplyOpportunity(g, &opp, t0.Add(7*time.Hour)))
	require.Equal(t, []string{"p1=Influencer/journey"}, roles(g))
	g = step(cat.RemoveFromJourney(g, "p1", "Influencer", "nurture", t0.Add(8*time.Hour)))
	g = step(cat.RemoveFromJourney(g, "p1", "End User", "nurture", t0.Add(8*time.Hour)))
	require.Equal(t, []string{"p1=Decision Maker/rule"}, roles(g))

	// The history records every ended membership with its reason.
	var hist []string
	for _, m := range g.History {
		hist = append(hist, fmt.Sprintf("%s/%s until +%v: %s", m.Role, m.Method, m.Until.Sub(t0), m.EndReason))
	}
	want := []string{
		`Champion/rule until +1h0m0s: holds "Influencer" (journey) instead (at most 1 role(s) per person)`,
		`Influencer/journey until +2h0m0s: holds "Technical Evaluator" (crm) instead (at most 1 role(s) per person)`,
		`Technical Evaluator/crm until +3h0m0s: holds "Economic Buyer" (manual) instead (at most 1 role(s) per person)`,
		`Economic Buyer/manual until +6h0m0s: manual assignment withdrawn`,
		`Technical Evaluator/crm until +7h0m0s: no longer a contact role on opportunity "o1"`,
		`Influencer/journey until +8h0m0s: removed by journey "nurture"`,
		`End User/journey until +8h0m0s: removed by journey "nurture"`, // next in line, then withdrawn too
	}
	require.Empty(t, cmp.Diff(want, hist), "(-want +got)")
}

func TestManualExclusion(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	ps := []b2b.PersonID{"p1"}
	claims := []buyinggroup.Claim{ruleClaim("p1", "Economic Buyer", "eb", t0), ruleClaim("p1", "Executive Sponsor", "es", t0)}
	g, _, err := cat.SetRuleClaims(g, ps, claims, t0)
	require.NoError(t, err)
	require.Equal(t, []string{"Economic Buyer"}, g.RolesOf("p1"))

	// Excluded from Economic Buyer: the next rule match takes over.
	g, evs, err := cat.ExcludeManual(g, "p1", "Economic Buyer", "ann", "not the budget holder", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Executive Sponsor"}, g.RolesOf("p1"))
	require.Equal(t, "excluded manually by ann", evs[0].Reason)
	// Re-evaluation does not bring it back.
	g, _, err = cat.SetRuleClaims(g, ps, claims, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Executive Sponsor"}, g.RolesOf("p1"))
	// Excluded from the group: no role at all.
	g, _, err = cat.ExcludeManual(g, "p1", "", "ann", "competitor plant", t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Empty(t, g.RolesOf("p1"))
	// A manual assignment lifts the exclusion of the group.
	g, _, err = cat.AssignManual(g, "p1", "Champion", "ann", "", t0.Add(4*time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Champion"}, g.RolesOf("p1"))

	_, _, err = cat.ExcludeManual(g, "p1", "Boss", "ann", "", t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownRole)
	require.ErrorContains(t, err, `unknown role "Boss" in template "standard" (roles: Economic Buyer, Decision Maker,`)
}

func TestMaxMembersAndRolesPerPerson(t *testing.T) {
	t.Parallel()
	tpl := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rule(`true`), Required: true, MaxMembers: 2, Priority: 10},
		{Name: "Influencer", Rule: rule(`true`), Priority: 5},
		{Name: "Sponsor", Rule: rule(`true`), Priority: 1},
	}}
	multi := tpl
	multi.ID, multi.MaxRolesPerPerson = "multi", 2
	cat := compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "one", Template: "t"}, {ID: "two", Template: "multi"}},
		Templates: []buyinggroup.RoleTemplate{tpl, multi},
	})
	all := func(p b2b.PersonID) []buyinggroup.Claim {
		return []buyinggroup.Claim{ruleClaim(p, "Champion", "c", t0), ruleClaim(p, "Influencer", "i", t0), ruleClaim(p, "Sponsor", "s", t0)}
	}
	ps := []b2b.PersonID{"a", "b", "c"}
	var claims []buyinggroup.Claim
	for _, p := range ps {
		claims = append(claims, all(p)...)
	}
	members := func(g buyinggroup.Group) []string {
		var out []string
		for _, m := range g.Members {
			out = append(out, fmt.Sprintf("%s=%s/%s", m.Person, m.Role, m.Method))
		}
		return out
	}

	g, _, err := cat.SetRuleClaims(newGroup(t, cat, "one"), ps, claims, t0)
	require.NoError(t, err)
	// Champion takes two members (the lower IDs); c falls back to Influencer.
	require.Equal(t, []string{"a=Champion/rule", "b=Champion/rule", "c=Influencer/rule"}, members(g))

	// A manual Champion is never refused by the cap; rule members give way
	// (current members first, then the lower person ID keeps the seat).
	g, _, err = cat.AssignManual(g, "c", "Champion", "ann", "", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"a=Champion/rule", "c=Champion/manual", "b=Influencer/rule"}, members(g))
	ended := map[string]string{}
	for _, m := range g.History {
		ended[fmt.Sprintf("%s=%s", m.Person, m.Role)] = m.EndReason
	}
	require.Equal(t, `role "Champion" is full (at most 2 members; 1 manual or CRM, so 1 from rules and journeys)`, ended["b=Champion"])
	g, _, err = cat.AssignManual(g, "d", "Champion", "ann", "", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"c=Champion/manual", "d=Champion/manual", "a=Influencer/rule", "b=Influencer/rule"}, members(g))
	last := g.History[len(g.History)-1]
	// The reason says that the manual members took the seats: none is
	// left for rules.
	require.Equal(t, `role "Champion" is full (at most 2 members; 2 manual or CRM, so 0 from rules and journeys)`, last.EndReason)
	notHeld, err := cat.NotHeld(g)
	require.NoError(t, err)
	require.Equal(t, last.EndReason, notHeld("a", "Champion"))

	// Two roles per person.
	g, _, err = cat.SetRuleClaims(newGroup(t, cat, "two"), ps, claims, t0)
	require.NoError(t, err)
	require.Equal(t, []string{"a=Champion/rule", "b=Champion/rule", "a=Influencer/rule", "b=Influencer/rule", "c=Influencer/rule", "c=Sponsor/rule"}, members(g))
}

func TestClaimValidation(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	for _, tt := range []struct {
		name  string
		claim buyinggroup.Claim
		want  string
	}{
		{"not a rule", buyinggroup.Claim{Person: "p1", Role: "Champion", Method: buyinggroup.MethodManual}, `claims[0]: method "manual", want "rule"`},
		{"person not evaluated", ruleClaim("p9", "Champion", "c", t0), `person "p9" is not among the persons evaluated`},
		{"unknown role", ruleClaim("p1", "Boss", "c", t0), `unknown role "Boss" in template "standard"`},
		{"rule exclusion", buyinggroup.Claim{Person: "p1", Role: "Champion", Method: buyinggroup.MethodRule, Exclude: true}, `only manual claims exclude`},
	} {
		_, _, err := cat.SetRuleClaims(g, []b2b.PersonID{"p1"}, []buyinggroup.Claim{tt.claim}, t0)
		require.ErrorIs(t, err, buyinggroup.ErrBadClaim, tt.name)
		require.ErrorContains(t, err, tt.want, tt.name)
	}
	_, _, err := cat.ApplyOpportunity(g, &b2b.Opportunity{ID: "o", Account: "other"}, t0)
	require.ErrorContains(t, err, `opportunity "o" is on account "other"`)
	g.Interest = "gone"
	_, _, err = cat.AssignManual(g, "p1", "Champion", "", "", t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownInterest)
}

func TestEvents(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	ps := []b2b.PersonID{"cfo", "vpe"}
	at := t0.Add(time.Hour)
	g, evs, err := cat.SetRuleClaims(g, ps, []buyinggroup.Claim{
		ruleClaim("cfo", "Economic Buyer", "eb", at), ruleClaim("vpe", "Technical Evaluator", "te", at),
	}, at)
	require.NoError(t, err)
	type brief struct {
		Type   buyinggroup.EventType
		Person b2b.PersonID
		Role   string
		Th     float64
		Up     bool
	}
	short := func(evs []buyinggroup.Event) []brief {
		var out []brief
		for _, e := range evs {
			require.Equal(t, "acme/dp", e.Group)
			out = append(out, brief{e.Type, e.Person, e.Role, e.Threshold, e.Up})
		}
		return out
	}
	require.Empty(t, cmp.Diff([]brief{
		{buyinggroup.EventMemberAdded, "cfo", "Economic Buyer", 0, false},
		{buyinggroup.EventMemberAdded, "vpe", "Technical Evaluator", 0, false},
		{buyinggroup.EventRoleFilled, "", "Economic Buyer", 0, false},
		{buyinggroup.EventRoleFilled, "", "Technical Evaluator", 0, false},
		{buyinggroup.EventCompletenessCrossed, "", "", 0.6, true},
	}, short(evs)), "(-want +got)")
	require.Equal(t, `rule "eb" matched: expr of eb`, evs[0].Reason)

	// The same claims again: nothing happens.
	g2, evs, err := cat.SetRuleClaims(g, ps, []buyinggroup.Claim{
		ruleClaim("cfo", "Economic Buyer", "eb", at), ruleClaim("vpe", "Technical Evaluator", "te", at),
	}, at.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Empty(t, cmp.Diff(g, g2))

	// The CFO leaves: removed, role emptied, completeness crosses down.
	g3, evs, err := cat.RemovePerson(g2, "cfo", "", at.Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]brief{
		{buyinggroup.EventMemberRemoved, "cfo", "Economic Buyer", 0, false},
		{buyinggroup.EventRoleEmptied, "", "Economic Buyer", 0, false},
		{buyinggroup.EventCompletenessCrossed, "", "", 0.6, false},
	}, short(evs)), "(-want +got)")
	require.Equal(t, "left the account", evs[0].Reason)
	require.Len(t, g3.History, 1)
	require.Equal(t, at, g3.History[0].Since)
	require.Equal(t, at.Add(2*time.Hour), g3.History[0].Until)
	// The old state is untouched.
	require.Len(t, g2.Members, 2)
	require.Empty(t, g2.History)

	// Confirmed by the CRM: member changed, not added.
	opp := b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{
		{Person: "vpe", Role: b2b.ContactRoleTechnicalBuyer}, {Person: "x", Role: b2b.ContactRoleOther},
	}}
	_, evs, err = cat.ApplyOpportunity(g3, &opp, at.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.EventContactRoleUnmapped, evs[0].Type)
	require.Equal(t, `contact role "Other" on opportunity "o1" fills no role of template "standard"`, evs[0].Reason)
	require.Equal(t, buyinggroup.EventMemberChanged, evs[1].Type)
	require.Equal(t, "rule", evs[1].From)
	require.Equal(t, "crm", evs[1].To)
	require.Equal(t, `CRM opportunity "o1": contact role "Technical Buyer"`, evs[1].Reason)
}

// An unmapped contact role is news once: syncing the same opportunity again
// reports nothing and changes nothing; it is news again once the CRM drops
// it and records it anew, and a template that comes to map it makes a
// member of the person.
func TestUnmappedContactRoleReportedOnce(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	opp := b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "x", Role: b2b.ContactRoleOther}}}
	g, evs, err := cat.ApplyOpportunity(g, &opp, t0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, buyinggroup.EventContactRoleUnmapped, evs[0].Type)
	require.Empty(t, g.Members)

	again, evs, err := cat.ApplyOpportunity(g, &opp, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Empty(t, cmp.Diff(g, again), "(-before +after)")

	dropped := opp
	dropped.ContactRoles = nil
	g, evs, err = cat.ApplyOpportunity(again, &dropped, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	_, evs, err = cat.ApplyOpportunity(g, &opp, t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, buyinggroup.EventContactRoleUnmapped, evs[0].Type)
}

func TestGroupJSONRoundTrip(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	g, _, err := cat.SetRuleClaims(g, []b2b.PersonID{"p1"}, []buyinggroup.Claim{{
		Person: "p1", Role: "Champion", Method: buyinggroup.MethodRule, Rule: "champ", Expr: "x",
		Values: []buyinggroup.Value{{Name: "person.title", Value: "Head of Ops"}}, Conditions: 2, Nodes: 7, At: t0,
	}}, t0)
	require.NoError(t, err)
	g, _, err = cat.RemovePerson(g, "p1", "", t0.Add(time.Hour))
	require.NoError(t, err)
	g, _, err = cat.SetStatus(g, "waiting for intro", "ann", t0.Add(time.Hour))
	require.NoError(t, err)
	g, _, err = cat.MoveTo(g, buyinggroup.StageConsideration, "ann", "call went well", t0.Add(2*time.Hour))
	require.NoError(t, err)
	b, err := json.Marshal(g)
	require.NoError(t, err)
	var back buyinggroup.Group
	require.NoError(t, json.Unmarshal(b, &back))
	require.Empty(t, cmp.Diff(g, back), "(-want +got)")
	require.False(t, math.IsNaN(back.Completeness))
}

func TestErasePerson(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	ps := []b2b.PersonID{"cfo", "vpe"}
	g, _, err := cat.SetRuleClaims(g, ps, []buyinggroup.Claim{
		ruleClaim("cfo", "Economic Buyer", "eb", t0), ruleClaim("vpe", "Technical Evaluator", "te", t0),
	}, t0)
	require.NoError(t, err)
	// The CFO leaves and comes back as a manual Champion: an ended
	// membership in History and a current one.
	g, _, err = cat.RemovePerson(g, "cfo", "", t0.Add(time.Hour))
	require.NoError(t, err)
	g, _, err = cat.AssignManual(g, "cfo", "Champion", "ann", "met at the summit", t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.True(t, g.Mentions("cfo"))
	require.Len(t, g.History, 1)
	before := g

	erased, evs, err := cat.ErasePerson(g, "cfo", t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.False(t, erased.Mentions("cfo"), "no claim, member or history of the person is left")
	require.Empty(t, erased.History)
	require.Equal(t, []b2b.PersonID{"vpe"}, erased.Persons())
	require.Len(t, erased.Members, 1)
	require.Equal(t, buyinggroup.EventMemberRemoved, evs[0].Type)
	require.Equal(t, b2b.PersonID("cfo"), evs[0].Person)
	require.Equal(t, "person erased", evs[0].Reason)
	require.Empty(t, cmp.Diff(before, g), "the input group is untouched")
	require.True(t, g.Mentions("cfo"))
	require.False(t, g.Mentions("nobody"))

	// A group whose interest the catalog no longer has: the person goes
	// all the same, without events.
	other := compile(t, buyinggroup.SolutionInterest{ID: "sec", Template: "standard"})
	orphan, evs, err := other.ErasePerson(g, "cfo", t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.False(t, orphan.Mentions("cfo"))
	require.True(t, orphan.Mentions("vpe"))
	require.Empty(t, cmp.Diff(before, g), "the input group is untouched")
	_, _, err = other.RemovePerson(g, "cfo", "", t0)
	require.ErrorIs(t, err, buyinggroup.ErrUnknownInterest, "only erasure does without the interest")

	// Erasing someone the group never held changes nothing but the
	// group's own copy.
	again, evs, err := cat.ErasePerson(erased, "cfo", t0.Add(4*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Empty(t, cmp.Diff(erased, again))
}

// Syncing an opportunity whose contact roles did not change changes
// nothing: its claims keep their times, which rank them against the other
// sources' claims (a person named on two opportunities holds the role of
// the earlier one); so does a journey assigning a role it assigned before.
func TestReapplyingUnchangedSourcesKeepsRoles(t *testing.T) {
	cat := compileDefs(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard"}}})
	g := newGroup(t, cat, "dp")
	o1 := b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEconomicBuyer}}}
	o2 := b2b.Opportunity{ID: "o2", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEvaluator}}}
	var err error
	g, _, err = cat.ApplyOpportunity(g, &o1, t0)
	require.NoError(t, err)
	g, _, err = cat.ApplyOpportunity(g, &o2, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Economic Buyer"}, g.RolesOf("p1"), "the earlier CRM claim wins")

	again, evs, err := cat.ApplyOpportunity(g, &o1, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Empty(t, cmp.Diff(g, again), "an unchanged opportunity changed the group (-before +after)")

	g, _, err = cat.AssignFromJourney(g, "p2", "Champion", "nurture", t0.Add(3*time.Hour))
	require.NoError(t, err)
	again, evs, err = cat.AssignFromJourney(g, "p2", "Champion", "nurture", t0.Add(4*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Empty(t, cmp.Diff(g, again), "a journey's repeated assignment changed the group (-before +after)")
}

// A program may drop (or rename) a role of a template while groups hold
// members in it: the next change of the group ends those memberships, and
// the reason says the role went, whichever source held it.
func TestRoleDroppedFromTemplate(t *testing.T) {
	t.Parallel()
	v1 := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rule(`false`), Required: true},
		{Name: "Sponsor", Rule: rule(`false`)},
	}}
	v2 := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{
		{Name: "Internal Champion", Rule: rule(`false`), Required: true},
		{Name: "Sponsor", Rule: rule(`false`)},
	}}
	defs := func(tpl buyinggroup.RoleTemplate) buyinggroup.Definitions {
		return buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}}, Templates: []buyinggroup.RoleTemplate{tpl}}
	}
	old, cat := compileDefs(t, defs(v1)), compileDefs(t, defs(v2))
	g := fill(t, old, newGroup(t, old, "i"), "Champion=p1")
	g, _, err := old.AssignFromJourney(g, "p2", "Champion", "nurture", t0)
	require.NoError(t, err)
	require.Len(t, g.Members, 2)

	later := t0.Add(time.Hour)
	g, evs, err := cat.SetRuleClaims(g, []b2b.PersonID{"p1", "p2"}, nil, later)
	require.NoError(t, err)
	require.Empty(t, g.Members)
	var reasons []string
	for _, m := range g.History {
		reasons = append(reasons, fmt.Sprintf("%s/%s/%s: %s", m.Person, m.Role, m.Method, m.EndReason))
	}
	require.Empty(t, cmp.Diff([]string{
		`p1/Champion/manual: template "t" has no role "Champion" any more`,
		`p2/Champion/journey: template "t" has no role "Champion" any more`,
	}, reasons), "(-want +got)")
	for _, ev := range evs {
		if ev.Type == buyinggroup.EventMemberRemoved {
			require.Equal(t, `template "t" has no role "Champion" any more`, ev.Reason)
		}
	}
}

// NotHeld says why a claimed role is not held, in the words of an ended
// membership's reason, and nothing for a role held or claimed by no one.
func TestNotHeld(t *testing.T) {
	t.Parallel()
	tpl := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rule(`false`), Required: true, MaxMembers: 1},
		{Name: "Sponsor", Rule: rule(`false`)},
	}}
	cat := compileDefs(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}}, Templates: []buyinggroup.RoleTemplate{tpl}})
	claim := func(p b2b.PersonID, role string) buyinggroup.Claim {
		return buyinggroup.Claim{Person: p, Role: role, Method: buyinggroup.MethodRule, Rule: role, At: t0}
	}
	g, _, err := cat.SetRuleClaims(newGroup(t, cat, "i"), []b2b.PersonID{"a", "b"},
		[]buyinggroup.Claim{claim("a", "Champion"), claim("a", "Sponsor"), claim("b", "Champion")}, t0)
	require.NoError(t, err)
	require.Equal(t, []string{"Champion"}, g.RolesOf("a"))
	why, err := cat.NotHeld(g)
	require.NoError(t, err)
	for _, tt := range []struct {
		person b2b.PersonID
		role   string
		want   string
	}{
		{"a", "Champion", ""},
		{"a", "sponsor", `holds "Champion" (rule) instead (at most 1 role(s) per person)`},
		{"b", "Champion", `role "Champion" is full (at most 1 member from rules and journeys)`},
		{"b", "Sponsor", ""},
		{"a", "Coach", ""},
	} {
		require.Equal(t, tt.want, why(tt.person, tt.role), "%s %s", tt.person, tt.role)
	}
	g, _, err = cat.MoveTo(g, buyinggroup.StageClosedLost, "ann", "lost", t0)
	require.NoError(t, err)
	why, err = cat.NotHeld(g)
	require.NoError(t, err)
	require.Equal(t, "group closed: Closed Lost on 2026-03-02; membership kept as at close", why("b", "Champion"))
	_, err = cat.NotHeld(buyinggroup.Group{ID: "x/y", Interest: "y"})
	require.ErrorIs(t, err, buyinggroup.ErrUnknownInterest)
}

// TestApplyOpportunities: several opportunities applied at once resolve
// the members once, whatever their order, and a membership that ends says
// which opportunity dropped it.
func TestApplyOpportunities(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	o1 := &b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{{Person: "ann", Role: b2b.ContactRoleEconomicBuyer}}}
	o2 := &b2b.Opportunity{ID: "o2", Account: "acme", ContactRoles: []b2b.ContactRole{
		{Person: "ann", Role: b2b.ContactRoleEvaluator}, {Person: "bob", Role: b2b.ContactRoleEvaluator}}}
	var first buyinggroup.Group
	var firstEvs []buyinggroup.Event
	for i, opps := range [][]*b2b.Opportunity{{o1, o2}, {o2, o1}} {
		g, evs, err := cat.ApplyOpportunities(newGroup(t, cat, "dp"), opps, t0)
		require.NoError(t, err)
		require.Equal(t, []string{"ann=Economic Buyer", "bob=Technical Evaluator"}, memberSeats(g))
		require.Empty(t, g.History, "no membership began and ended")
		if i == 0 {
			first, firstEvs = g, evs
			continue
		}
		require.Empty(t, cmp.Diff(first, g), "(-o1, o2 +o2, o1)")
		require.Empty(t, cmp.Diff(firstEvs, evs), "(-o1, o2 +o2, o1)")
	}

	// Both opportunities drop their contacts: each membership ends with
	// its own opportunity's reason.
	g, _, err := cat.ApplyOpportunities(first, []*b2b.Opportunity{{ID: "o2", Account: "acme"}, {ID: "o1", Account: "acme"}}, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, g.Members)
	var why []string
	for _, m := range g.History {
		why = append(why, string(m.Person)+": "+m.EndReason)
	}
	require.Equal(t, []string{`ann: no longer a contact role on opportunity "o1"`, `bob: no longer a contact role on opportunity "o2"`}, why)

	_, _, err = cat.ApplyOpportunities(first, []*b2b.Opportunity{o1, {ID: "o3", Account: "other"}}, t0)
	require.ErrorContains(t, err, `opportunity "o3" is on account "other"`)

	// Two versions of one opportunity: which stands would depend on order.
	o1b := &b2b.Opportunity{ID: "o1", Account: "acme"}
	_, _, err = cat.ApplyOpportunities(first, []*b2b.Opportunity{o1, {ID: "o2", Account: "acme"}, o1b}, t0)
	require.ErrorIs(t, err, buyinggroup.ErrBadClaim)
	require.ErrorContains(t, err, `opportunity "o1" is given twice (opps[0] and opps[2])`)
}

func memberSeats(g buyinggroup.Group) []string {
	var out []string
	for _, m := range g.Members {
		out = append(out, string(m.Person)+"="+m.Role)
	}
	return out
}

// TestMembersOfReadsRoleNamesAsAssignmentsDo: a role named in another case
// or with blanks around it finds its members, as AssignManual and
// Template.RoleIndex read the name.
func TestMembersOfReadsRoleNamesAsAssignmentsDo(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := fill(t, cat, newGroup(t, cat, "dp"), "economic buyer=p1", "Champion=p2")
	for _, tc := range []struct {
		role string
		want []b2b.PersonID
	}{
		{"Economic Buyer", []b2b.PersonID{"p1"}},
		{"economic buyer", []b2b.PersonID{"p1"}},
		{" ECONOMIC BUYER ", []b2b.PersonID{"p1"}},
		{"champion", []b2b.PersonID{"p2"}},
		{"Economic", nil},
		{"", nil},
	} {
		var got []b2b.PersonID
		for _, m := range g.MembersOf(tc.role) {
			got = append(got, m.Person)
		}
		require.Empty(t, cmp.Diff(tc.want, got), "MembersOf(%q) (-want +got)", tc.role)
	}
}

// A manual or journey claim names a person: one with an empty or blank
// person ID would seat nobody in a role and count towards completeness.
func TestClaimsNeedAPerson(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	ops := map[string]func(person b2b.PersonID) (buyinggroup.Group, []buyinggroup.Event, error){
		"AssignManual": func(p b2b.PersonID) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.AssignManual(g, p, "Champion", "ann", "", t0)
		},
		"ExcludeManual": func(p b2b.PersonID) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.ExcludeManual(g, p, "", "ann", "", t0)
		},
		"AssignFromJourney": func(p b2b.PersonID) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.AssignFromJourney(g, p, "Champion", "j1", t0)
		},
	}
	for name, op := range ops {
		for _, p := range []b2b.PersonID{"", "  "} {
			ng, evs, err := op(p)
			require.ErrorIs(t, err, buyinggroup.ErrBadClaim, "%s(%q)", name, p)
			require.ErrorContains(t, err, `group "acme/dp": bad claim: a person ID is required`, "%s(%q)", name, p)
			require.Empty(t, evs, "%s(%q)", name, p)
			require.Equal(t, g, ng, "%s(%q)", name, p)
		}
	}
}

// TestCompletenessOnAThreshold: a completeness that is exactly a
// threshold reads as it, so that the threshold is crossed and a stage rule
// that compares with it holds: 2 of 5 Champions and the other two roles
// filled is (2/5 + 1 + 1) / 3 = 0.8, not 0.7999999999999999.
func TestCompletenessOnAThreshold(t *testing.T) {
	t.Parallel()
	tpl := buyinggroup.RoleTemplate{ID: "t", CompletenessThresholds: []float64{0.5, 0.8}, Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rule(`false`), Required: true, MinMembers: 5},
		{Name: "Economic Buyer", Rule: rule(`false`), Required: true},
		{Name: "Technical Evaluator", Rule: rule(`false`), Required: true},
	}}
	cat := compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t", StageModel: "m"}},
		Templates: []buyinggroup.RoleTemplate{tpl},
		StageModels: []buyinggroup.StageModel{{ID: "m",
			Stages: []buyinggroup.Stage{{Name: "Open", Entry: true}, {Name: "Complete"}, {Name: "Won", Success: true}},
			Transitions: []buyinggroup.Transition{
				{From: "Open", To: "Complete", When: rule(`group.completeness >= 0.8 && group.weightedCompleteness >= 0.8`)},
				{From: "*", To: "Won"},
			},
		}},
	})
	g := fill(t, cat, newGroup(t, cat, "i"), "Champion=a", "Champion=b", "Economic Buyer=cfo")
	g, evs, err := cat.AssignManual(g, "cto", "Technical Evaluator", "test", "", t0)
	require.NoError(t, err)
	require.Equal(t, 0.8, g.Completeness)
	require.Equal(t, 0.8, g.WeightedCompleteness)
	var crossed []float64
	for _, ev := range evs {
		if ev.Type == buyinggroup.EventCompletenessCrossed {
			crossed = append(crossed, ev.Threshold)
		}
	}
	require.Equal(t, []float64{0.5, 0.8}, crossed)
	g, _, err = cat.Advance(g, buyinggroup.Signals{}, t0)
	require.NoError(t, err)
	require.Equal(t, "Complete", g.Stage)
}

// A rule claim or a CRM contact role names a person too: one with an
// empty or blank person ID is refused, saying which claim or contact role,
// rather than seating nobody in a role.
func TestSourcesNeedAPerson(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	for _, p := range []b2b.PersonID{"", "  "} {
		ng, evs, err := cat.SetRuleClaims(g, []b2b.PersonID{"ann", p}, []buyinggroup.Claim{
			ruleClaim("ann", "Champion", "champ", t0), ruleClaim(p, "Economic Buyer", "eb", t0)}, t0)
		require.ErrorIs(t, err, buyinggroup.ErrBadClaim, "%q", p)
		require.ErrorContains(t, err, `group "acme/dp": bad claim: claims[1]: a person ID is required`, "%q", p)
		require.Empty(t, evs)
		require.Equal(t, g, ng)

		o := &b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{
			{Person: "ann", Role: b2b.ContactRoleEvaluator}, {Person: p, Role: b2b.ContactRoleEconomicBuyer}}}
		ng, evs, err = cat.ApplyOpportunity(g, o, t0)
		require.ErrorIs(t, err, buyinggroup.ErrBadClaim, "%q", p)
		require.ErrorContains(t, err, `group "acme/dp": bad claim: opportunity "o1": contactRoles[1]: a person ID is required`, "%q", p)
		require.Empty(t, evs)
		require.Equal(t, g, ng)
	}
}

// TestRoleRenamedInCase: a program that renames a role only in case (or
// blanks around it) keeps the role, as Template.RoleIndex reads names: the
// claims made under the old name are claims on the role, so a manual
// exclusion still excludes and a person holds the role once, under its new
// name, with no membership ended or begun.
func TestRoleRenamedInCase(t *testing.T) {
	t.Parallel()
	tpl := func(champion string) buyinggroup.RoleTemplate {
		return buyinggroup.RoleTemplate{ID: "t", MaxRolesPerPerson: 2, Roles: []buyinggroup.Role{
			{Name: champion, Rule: rule(`false`), Required: true, MinMembers: 2},
			{Name: "Sponsor", Rule: rule(`false`), Required: true},
		}}
	}
	defs := func(tpl buyinggroup.RoleTemplate) buyinggroup.Definitions {
		return buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}}, Templates: []buyinggroup.RoleTemplate{tpl}}
	}
	old, cat := compileDefs(t, defs(tpl("champion"))), compileDefs(t, defs(tpl("Champion")))
	g := fill(t, old, newGroup(t, old, "i"), "champion=ann")
	g, _, err := old.ExcludeManual(g, "bob", "champion", "mo", "not a fan", t0)
	require.NoError(t, err)
	since := g.Members[0].Since

	later := t0.Add(time.Hour)
	g, evs, err := cat.SetRuleClaims(g, []b2b.PersonID{"ann", "bob"}, []buyinggroup.Claim{
		ruleClaim("ann", "Champion", "champ", later), ruleClaim("bob", "Champion", "champ", later)}, later)
	require.NoError(t, err)
	require.Equal(t, []string{"ann=Champion"}, memberSeats(g), "bob is excluded; ann holds the role once")
	require.Equal(t, since, g.Members[0].Since)
	require.Equal(t, buyinggroup.MethodManual, g.Members[0].Method)
	require.Empty(t, g.History)
	for _, ev := range evs {
		require.NotContains(t, []buyinggroup.EventType{buyinggroup.EventMemberAdded, buyinggroup.EventMemberRemoved}, ev.Type, "%+v", ev)
	}
	c, err := cat.Completeness(g)
	require.NoError(t, err)
	require.Equal(t, 1, c.Roles[0].Members)
	why, err := cat.NotHeld(g)
	require.NoError(t, err)
	require.Equal(t, "excluded manually by mo", why("bob", "Champion"))
}

// TestManualReassignment checks that a marketer's later assignment of a
// person to another role moves them there when the template lets a
// person hold one role: the latest manual assignment wins, the earlier
// one is left with why, and assigning the first role again moves the
// person back.
func TestManualReassignment(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	g := newGroup(t, cat, "dp")
	g, _, err := cat.AssignManual(g, "p1", "Champion", "ann", "", t0)
	require.NoError(t, err)
	require.Equal(t, []string{"Champion"}, g.RolesOf("p1"))

	g, evs, err := cat.AssignManual(g, "p1", "Economic Buyer", "bob", "owns the budget after all", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Economic Buyer"}, g.RolesOf("p1"))
	require.NotEmpty(t, evs)
	notHeld, err := cat.NotHeld(g)
	require.NoError(t, err)
	require.Equal(t, `holds "Economic Buyer" (manual) instead (at most 1 role(s) per person)`, notHeld("p1", "Champion"))

	g, _, err = cat.AssignManual(g, "p1", "Champion", "ann", "", t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Champion"}, g.RolesOf("p1"))

	// Withdrawing the latest gives the person the earlier one back.
	g, _, err = cat.ClearManual(g, "p1", "Champion", t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"Economic Buyer"}, g.RolesOf("p1"))
}

// TestMembersOfRoleNamedWithBlanks: a template may name a role with
// blanks around it (RoleIndex ignores them, so it is the same role);
// its members carry the name as the template writes it, and MembersOf
// finds them by that name or the name without the blanks.
func TestMembersOfRoleNamedWithBlanks(t *testing.T) {
	t.Parallel()
	cat := compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: " Champion ", Rule: rules.Rule{Source: `false`}, Required: true},
		}}},
	})
	g := fill(t, cat, newGroup(t, cat, "dp"), "champion=p1")
	require.Equal(t, []string{" Champion "}, g.RolesOf("p1"))
	for _, role := range []string{" Champion ", "Champion", "champion", "  CHAMPION"} {
		var got []b2b.PersonID
		for _, m := range g.MembersOf(role) {
			got = append(got, m.Person)
		}
		require.Equal(t, []b2b.PersonID{"p1"}, got, "MembersOf(%q)", role)
	}
}

// TestResolutionIgnoresTheOrderOfClaims: two claims of one source on one
// person's role that rank alike (two contact roles of one opportunity
// that fill the role, two rules of one specificity) make the same member
// whatever the order the source lists them in: its note, rule and
// explanation do not flip with the CRM's or the rules' order.
func TestResolutionIgnoresTheOrderOfClaims(t *testing.T) {
	t.Parallel()
	cat := compile(t, buyinggroup.SolutionInterest{ID: "dp", Template: "standard"})
	crm := func(roles ...string) func(buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
		o := &b2b.Opportunity{ID: "o1", Account: "acme"}
		for _, r := range roles {
			o.ContactRoles = append(o.ContactRoles, b2b.ContactRole{Person: "p1", Role: r})
		}
		return func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.ApplyOpportunity(g, o, t0)
		}
	}
	byRules := func(names ...string) func(buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
		var claims []buyinggroup.Claim
		for _, n := range names {
			claims = append(claims, ruleClaim("p1", "Technical Evaluator", n, t0))
		}
		return func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.SetRuleClaims(g, []b2b.PersonID{"p1"}, claims, t0)
		}
	}
	for _, tc := range []struct {
		name       string
		one, other func(buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error)
	}{
		{"contact roles", crm(b2b.ContactRoleEvaluator, b2b.ContactRoleTechnicalBuyer), crm(b2b.ContactRoleTechnicalBuyer, b2b.ContactRoleEvaluator)},
		{"rules", byRules("te-a", "te-b"), byRules("te-b", "te-a")},
	} {
		g1, _, err := tc.one(newGroup(t, cat, "dp"))
		require.NoError(t, err)
		g2, _, err := tc.other(newGroup(t, cat, "dp"))
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(g1.Members, g2.Members), "%s: members by the order of the claims (-one +other)", tc.name)
		// Listed in the other order again, the member stays as it is.
		g3, evs, err := tc.other(g1)
		require.NoError(t, err)
		require.Empty(t, evs, tc.name)
		require.Empty(t, cmp.Diff(g1.Members, g3.Members), "%s: the same claims listed in another order (-before +after)", tc.name)
	}
}

// TestEmptyCompletenessThresholdsAreNone: a template whose thresholds
// are an empty list has none, and keeps none through JSON; nil has the
// defaults. JSON left the empty list out, so that it read back as nil:
// the defaults, crossings the template was written without.
func TestEmptyCompletenessThresholdsAreNone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		thresholds []float64
		json       string
		crossed    []float64
	}{
		{name: "nil", thresholds: nil, json: `{"id":"t","roles":null}`, crossed: []float64{0.6, 1}},
		{name: "empty", thresholds: []float64{}, json: `{"id":"t","roles":null,"completenessThresholds":[]}`, crossed: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(buyinggroup.RoleTemplate{ID: "t", CompletenessThresholds: tt.thresholds})
			require.NoError(t, err)
			require.JSONEq(t, tt.json, string(data))
			var tpl buyinggroup.RoleTemplate
			require.NoError(t, json.Unmarshal(data, &tpl))
			require.Equal(t, tt.thresholds, tpl.CompletenessThresholds)

			tpl.Roles = []buyinggroup.Role{{Name: "Buyer", Rule: rule(`false`), Required: true}}
			cat := compileDefs(t, buyinggroup.Definitions{
				Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}},
				Templates: []buyinggroup.RoleTemplate{tpl},
			})
			_, evs, err := cat.AssignManual(newGroup(t, cat, "i"), "ann", "Buyer", "test", "", t0)
			require.NoError(t, err)
			var crossed []float64
			for _, ev := range evs {
				if ev.Type == buyinggroup.EventCompletenessCrossed {
					crossed = append(crossed, ev.Threshold)
				}
			}
			require.Equal(t, tt.crossed, crossed)
		})
	}
}
