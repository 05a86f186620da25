package buyinggroup_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// closedCatalog has "dp" on the default stage model, whose closed stages
// no transition leaves, and "deal" on a model that lets a lost deal
// reopen: by hand from Won or Lost, and automatically from Lost when the
// group's opportunity is open again.
func closedCatalog(t *testing.T) *buyinggroup.Catalog {
	t.Helper()
	return compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "dp", Template: buyinggroup.StandardTemplateID},
			{ID: "deal", Template: buyinggroup.StandardTemplateID, StageModel: "reopen"},
		},
		StageModels: []buyinggroup.StageModel{{
			ID:     "reopen",
			Stages: []buyinggroup.Stage{{Name: "Open", Entry: true}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
			Transitions: []buyinggroup.Transition{
				{From: "Open", To: "Won"},
				{From: "Open", To: "Lost"},
				{From: "Won", To: "Open"},
				{From: "Lost", To: "Open", When: rules.Rule{Name: "deal reopened", Source: `opportunity.exists && opportunity.status == "open"`}},
			},
		}},
	})
}

// committee returns the group of interest with p1 Economic Buyer (by rule
// and by the CRM contact role of o1) and p2 Technical Evaluator (by rule),
// as of t0, moved to stage at closedAt.
func committee(t *testing.T, cat *buyinggroup.Catalog, interest, stage string, closedAt time.Time) buyinggroup.Group {
	t.Helper()
	g := newGroup(t, cat, interest)
	g, _, err := cat.SetRuleClaims(g, []b2b.PersonID{"p1", "p2"}, []buyinggroup.Claim{
		ruleClaim("p1", "Economic Buyer", "eb", t0), ruleClaim("p2", "Technical Evaluator", "te", t0),
	}, t0)
	require.NoError(t, err)
	g, _, err = cat.ApplyOpportunity(g, &b2b.Opportunity{ID: "o1", Account: "acme",
		ContactRoles: []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEconomicBuyer}}}, t0)
	require.NoError(t, err)
	g, _, err = cat.MoveTo(g, stage, "ann", "the deal closed", closedAt)
	require.NoError(t, err)
	return g
}

// seatList lists a group's members as "person=role/method".
func seatList(ms []buyinggroup.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s=%s/%s", m.Person, m.Role, m.Method))
	}
	return out
}

// TestClosedGroupKeepsMembership: while a group is Closed Won or Closed
// Lost, what the rules, the CRM and the account's persons say is
// recorded, but no person joins, leaves or changes role; each change held
// back is an event that says why.
func TestClosedGroupKeepsMembership(t *testing.T) {
	t.Parallel()
	cat := closedCatalog(t)
	closedAt := t0.AddDate(0, 0, 20)
	later := closedAt.AddDate(0, 0, 30)
	everyone := []b2b.PersonID{"p1", "p2", "p3"}
	asBefore := []buyinggroup.Claim{ruleClaim("p1", "Economic Buyer", "eb", t0), ruleClaim("p2", "Technical Evaluator", "te", t0)}
	tests := []struct {
		name   string
		op     func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error)
		events []string // "type person role method: reason", the reason after the closed note
	}{
		{
			name: "a member's title changes: the rules now make them Champion",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.SetRuleClaims(g, everyone, []buyinggroup.Claim{asBefore[0], ruleClaim("p2", "Champion", "champ", later)}, later)
			},
			events: []string{
				"member_not_removed p2 Technical Evaluator rule: no qualification rule of the role matches any more",
				`member_not_added p2 Champion rule: rule "champ" matched: expr of champ`,
			},
		},
		{
			name: "a new person qualifies after the close",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.SetRuleClaims(g, everyone, append(asBefore[:2:2], ruleClaim("p3", "Champion", "champ", later)), later)
			},
			events: []string{`member_not_added p3 Champion rule: rule "champ" matched: expr of champ`},
		},
		{
			name: "a member leaves the account",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.RemovePerson(g, "p2", "", later)
			},
			events: []string{"member_not_removed p2 Technical Evaluator rule: left the account"},
		},
		{
			name: "the CRM adds a contact role to the closed deal",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.ApplyOpportunity(g, &b2b.Opportunity{ID: "o1", Account: "acme", ContactRoles: []b2b.ContactRole{
					{Person: "p1", Role: b2b.ContactRoleEconomicBuyer}, {Person: "p3", Role: b2b.ContactRoleEvaluator},
				}}, later)
			},
			events: []string{`member_not_added p3 Technical Evaluator crm: CRM opportunity "o1": contact role "Evaluator"`},
		},
		{
			name: "the CRM withdraws a member's contact role, the rule still holds them",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.ApplyOpportunity(g, &b2b.Opportunity{ID: "o1", Account: "acme"}, later)
			},
			events: nil, // were the group open, p1 would stay Economic Buyer, by rule: no one joins or leaves
		},
		{
			name: "the sources say what they said at the close",
			op: func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
				return cat.SetRuleClaims(g, everyone, asBefore, later)
			},
		},
	}
	for _, stage := range []string{buyinggroup.StageClosedWon, buyinggroup.StageClosedLost} {
		for _, tt := range tests {
			t.Run(stage+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				g := committee(t, cat, "dp", stage, closedAt)
				why, closed := cat.Closed(g)
				require.True(t, closed)
				want := fmt.Sprintf("group closed: %s on 2026-03-22; membership kept as at close", stage)
				require.Equal(t, want, why)

				ng, evs, err := tt.op(g)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(g.Members, ng.Members), "(-at the close +after) members")
				require.Empty(t, ng.History, "no membership ends")
				require.Equal(t, g.Completeness, ng.Completeness)
				require.Equal(t, stage, ng.Stage)
				var got []string
				for _, ev := range evs {
					if ev.Type == buyinggroup.EventContactRoleUnmapped {
						continue
					}
					require.Equal(t, later, ev.At)
					reason, ok := cutPrefix(ev.Reason, want+" (")
					require.True(t, ok, "reason %q starts with %q", ev.Reason, want)
					got = append(got, fmt.Sprintf("%s %s %s %s: %s", ev.Type, ev.Person, ev.Role, ev.Method, reason[:len(reason)-1]))
				}
				require.Empty(t, cmp.Diff(tt.events, got), "(-want +got) events")
				if tt.events == nil {
					return
				}
				// Nothing held back is news twice.
				again, evs, err := tt.op(ng)
				require.NoError(t, err)
				require.Empty(t, evs)
				require.Empty(t, cmp.Diff(ng, again), "(-first +again)")
			})
		}
	}
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || s[:len(prefix)] != prefix || s[len(s)-1] != ')' {
		return s, false
	}
	return s[len(prefix):], true
}

// TestClosedGroupRefusesCommands: a marketer's or a journey's change of
// membership in a closed group is refused with why; the group is
// returned as it was.
func TestClosedGroupRefusesCommands(t *testing.T) {
	t.Parallel()
	cat := closedCatalog(t)
	closedAt := t0.AddDate(0, 0, 20)
	g := committee(t, cat, "dp", buyinggroup.StageClosedWon, closedAt)
	later := closedAt.Add(time.Hour)
	tests := []struct {
		name string
		op   func() (buyinggroup.Group, []buyinggroup.Event, error)
	}{
		{"assign manually", func() (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.AssignManual(g, "p3", "Champion", "ann", "met at the summit", later)
		}},
		{"exclude manually", func() (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.ExcludeManual(g, "p2", "", "ann", "", later)
		}},
		{"clear manual claims", func() (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.ClearManual(g, "p1", "", later)
		}},
		{"assign from a journey", func() (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.AssignFromJourney(g, "p3", "Champion", "nurture", later)
		}},
		{"remove from a journey", func() (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.RemoveFromJourney(g, "p2", "Technical Evaluator", "nurture", later)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ng, evs, err := tt.op()
			require.ErrorIs(t, err, buyinggroup.ErrGroupClosed)
			require.EqualError(t, err, `group "acme/dp": group closed: Closed Won on 2026-03-22; membership kept as at close`)
			var ce *buyinggroup.ClosedError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, buyinggroup.ClosedError{Group: "acme/dp", Stage: buyinggroup.StageClosedWon, Since: closedAt}, *ce)
			require.Empty(t, evs)
			require.Empty(t, cmp.Diff(g, ng), "(-before +after) the group is unchanged")
		})
	}
}

// TestClosedGroupErasePerson: erasure is the one change a closed group
// takes: the person goes, with no trace; no one else's membership moves.
func TestClosedGroupErasePerson(t *testing.T) {
	t.Parallel()
	cat := closedCatalog(t)
	closedAt := t0.AddDate(0, 0, 20)
	g := committee(t, cat, "dp", buyinggroup.StageClosedWon, closedAt)
	later := closedAt.Add(time.Hour)
	// The rules make p3 Technical Evaluator after the close: held back.
	g, _, err := cat.SetRuleClaims(g, []b2b.PersonID{"p3"}, []buyinggroup.Claim{ruleClaim("p3", "Technical Evaluator", "te", later)}, later)
	require.NoError(t, err)
	require.Equal(t, []string{"p1=Economic Buyer/crm", "p2=Technical Evaluator/rule"}, seatList(g.Members))

	ng, evs, err := cat.ErasePerson(g, "p2", later.Add(time.Hour))
	require.NoError(t, err)
	require.False(t, ng.Mentions("p2"))
	require.Equal(t, []string{"p1=Economic Buyer/crm"}, seatList(ng.Members), "p3 does not take the seat p2 left")
	var types []buyinggroup.EventType
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	require.Equal(t, []buyinggroup.EventType{buyinggroup.EventMemberRemoved, buyinggroup.EventRoleEmptied, buyinggroup.EventCompletenessCrossed}, types)
	require.Equal(t, "person erased", evs[0].Reason)
	require.InDelta(t, 1.0/3, ng.Completeness, 1e-12)
	require.Equal(t, buyinggroup.StageClosedWon, ng.Stage)
}

// TestReopenedGroupResumes: a stage model may let a group leave a closed
// stage; its members are then resolved again from what the sources said
// while it was closed, and follow them from there.
func TestReopenedGroupResumes(t *testing.T) {
	t.Parallel()
	cat := closedCatalog(t)
	closedAt := t0.AddDate(0, 0, 20)
	changed := closedAt.AddDate(0, 0, 10)
	reopened := changed.AddDate(0, 0, 10)
	tests := []struct {
		name   string
		from   string
		reopen func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error)
		rule   string // the stage change's rule, for an automatic one
	}{
		{"a marketer reopens a won deal", "Won", func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.MoveTo(g, "Open", "ann", "expansion", reopened)
		}, ""},
		{"a marketer reopens a lost deal", "Lost", func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.MoveTo(g, "Open", "ann", "deal revived", reopened)
		}, ""},
		{"the opportunity opens again", "Lost", func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return cat.Advance(g, buyinggroup.Signals{Opportunity: &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityOpen}}, reopened)
		}, "deal reopened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := committee(t, cat, "deal", tt.from, closedAt)
			// While closed: p2's title changes (Champion now), p3 joins
			// the account as an End User. Both are held back.
			g, evs, err := cat.SetRuleClaims(g, []b2b.PersonID{"p1", "p2", "p3"}, []buyinggroup.Claim{
				ruleClaim("p1", "Economic Buyer", "eb", t0), ruleClaim("p2", "Champion", "champ", changed), ruleClaim("p3", "End User", "user", changed),
			}, changed)
			require.NoError(t, err)
			require.Len(t, evs, 3)
			require.Equal(t, []string{"p1=Economic Buyer/crm", "p2=Technical Evaluator/rule"}, seatList(g.Members))

			ng, evs, err := tt.reopen(g)
			require.NoError(t, err)
			require.Equal(t, "Open", ng.Stage)
			_, closed := cat.Closed(ng)
			require.False(t, closed)
			require.Equal(t, []string{"p1=Economic Buyer/crm", "p2=Champion/rule", "p3=End User/rule"}, seatList(ng.Members))
			var got []string
			for _, ev := range evs {
				got = append(got, fmt.Sprintf("%s %s %s: %s", ev.Type, ev.Person, ev.Role, ev.Reason))
			}
			stageReason := "expansion"
			if tt.from == "Lost" {
				stageReason = "deal revived"
			}
			if tt.rule != "" {
				stageReason = `rule "deal reopened": opportunity.exists && opportunity.status == "open"`
			}
			want := []string{
				"stage_changed  : " + stageReason,
				"member_removed p2 Technical Evaluator: claim withdrawn while the group was closed",
				`member_added p2 Champion: rule "champ" matched: expr of champ`,
				`member_added p3 End User: rule "user" matched: expr of user`,
				"role_emptied  Technical Evaluator: 0 of 1 members",
				"role_filled  Champion: 1 of 1 members",
				"role_filled  End User: 1 of 1 members",
			}
			require.Empty(t, cmp.Diff(want, got), "(-want +got) events")
			require.Equal(t, []buyinggroup.Member{{Person: "p2", Role: "Technical Evaluator", Method: buyinggroup.MethodRule,
				Rule: "te", Expr: "expr of te", Since: t0, DecidedAt: t0, Until: reopened, EndReason: "claim withdrawn while the group was closed"}}, ng.History)
			require.Equal(t, t0, ng.Members[0].Since, "a member kept through the close keeps their time")

			// Qualification goes on from there: a new person joins.
			ng, evs, err = cat.SetRuleClaims(ng, []b2b.PersonID{"p4"}, []buyinggroup.Claim{ruleClaim("p4", "Influencer", "infl", reopened)}, reopened.Add(time.Hour))
			require.NoError(t, err)
			require.Equal(t, buyinggroup.EventMemberAdded, evs[0].Type)
			require.Contains(t, seatList(ng.Members), "p4=Influencer/rule")
		})
	}
}
