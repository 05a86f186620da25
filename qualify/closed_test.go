package qualify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

// qCrossSell has "dp" on the default stage model and "sec", which applies
// once a dp deal is won (scenario S5).
func qCrossSell(t *testing.T) *buyinggroup.Catalog {
	return qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: buyinggroup.StandardTemplateID},
		{ID: "sec", Template: buyinggroup.StandardTemplateID,
			Applies: rules.Rule{Source: `any(opportunities, .solutionInterest == "dp" && .status == "won")`}},
	}})
}

func qGroup(t *testing.T, res qualify.AccountResult, interest string) buyinggroup.Group {
	t.Helper()
	i := slices.IndexFunc(res.Groups, func(g buyinggroup.Group) bool { return g.Interest == interest })
	require.GreaterOrEqual(t, i, 0, "no %s group", interest)
	return res.Groups[i]
}

func qDecision(res qualify.AccountResult, p b2b.PersonID, interest string) (qualify.Decision, bool) {
	for _, d := range res.Decisions {
		if d.Person == p && d.Interest == interest {
			return d, true
		}
	}
	return qualify.Decision{}, false
}

// TestAccountClosedGroup: once the dp deal closes, qualification keeps
// the dp group's committee as it was at the close, whatever the persons
// do after, and each decision says why; the groups that are open (the
// cross-sell group after a win) follow the persons as before.
func TestAccountClosedGroup(t *testing.T) {
	t.Parallel()
	cat := qCrossSell(t)
	q := qNew(t, cat)
	closedAt := qT0.AddDate(0, 0, 20)
	later := closedAt.AddDate(0, 0, 30)
	withTitle := func(ps []b2b.Person, id b2b.PersonID, title, seniority, dept string) []b2b.Person {
		for i := range ps {
			if ps[i].ID == id {
				ps[i].Title, ps[i].Seniority, ps[i].Department = title, seniority, dept
			}
		}
		return ps
	}
	tests := []struct {
		name    string
		persons func() []b2b.Person
		person  b2b.PersonID // whose decision in dp is checked
		matches []string     // the roles their rules match in dp now
		sec     []string     // the cross-sell group's members after a win
		events  []string     // dp's events: "type person role"
		holds   []string     // the person's roles in dp: as at the close
	}{
		{
			name: "a won group's member changes title: they keep their role",
			persons: func() []b2b.Person {
				return withTitle(qS1Persons(), "p2", "Marketing Manager", "Manager", "Marketing")
			},
			person: "p2", matches: []string{"Champion", "Influencer"}, holds: []string{"Technical Evaluator"},
			sec:    []string{"p1=Economic Buyer/rule", "p2=Champion/rule", "p3=End User/rule"},
			events: []string{"member_not_removed p2 Technical Evaluator", "member_not_added p2 Champion"},
		},
		{
			name: "a new person qualifies after the close: they do not join the closed group",
			persons: func() []b2b.Person {
				return append(qS1Persons(), b2b.Person{ID: "p6", Email: "dir@acme.com", Title: "Director of IT", Seniority: "Director", Department: "IT"})
			},
			person: "p6", matches: []string{"Technical Evaluator", "Champion", "Influencer"},
			sec:    []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p6=Technical Evaluator/rule", "p3=End User/rule"},
			events: []string{"member_not_added p6 Technical Evaluator"},
		},
		{
			name: "a member leaves the account: the closed group keeps them",
			persons: func() []b2b.Person {
				return slices.DeleteFunc(qS1Persons(), func(p b2b.Person) bool { return p.ID == "p3" })
			},
			sec:    []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule"},
			events: []string{"member_not_removed p3 End User"},
		},
	}
	for _, status := range []string{b2b.OpportunityWon, b2b.OpportunityLost} {
		for _, tt := range tests {
			t.Run(status+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				opp := b2b.Opportunity{ID: "o1", Account: "acme", SolutionInterest: "dp", Status: b2b.OpportunityOpen}
				res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{opp}}, qT0)
				require.NoError(t, err)
				require.Len(t, res.Groups, 1)
				// The deal closes: qualification, then the stages, as the
				// engine runs them.
				opp.Status = status
				in := qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Groups: res.Groups, Opportunities: []b2b.Opportunity{opp}}
				res, err = q.Account(in, closedAt)
				require.NoError(t, err)
				dp, _, err := cat.Advance(qGroup(t, res, "dp"), buyinggroup.Signals{Opportunity: &opp}, closedAt)
				require.NoError(t, err)
				stage := map[string]string{b2b.OpportunityWon: buyinggroup.StageClosedWon, b2b.OpportunityLost: buyinggroup.StageClosedLost}[status]
				require.Equal(t, stage, dp.Stage)
				res.Groups[0] = dp
				atClose := dp.Members
				require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(dp))

				in = qualify.AccountInput{Account: qAcme(), Persons: tt.persons(), Groups: res.Groups, Opportunities: []b2b.Opportunity{opp}}
				res, err = q.Account(in, later)
				require.NoError(t, err)
				dp = qGroup(t, res, "dp")
				require.Empty(t, cmp.Diff(atClose, dp.Members), "(-at the close +after) dp's members")
				require.Empty(t, dp.History, "no membership of the closed group ends")
				var evs []string
				for _, ev := range res.Events {
					if ev.Interest == "dp" {
						evs = append(evs, fmt.Sprintf("%s %s %s", ev.Type, ev.Person, ev.Role))
					}
				}
				require.Empty(t, cmp.Diff(tt.events, evs), "(-want +got) dp's events")

				why := fmt.Sprintf("group closed: %s on 2026-03-22; membership kept as at close", stage)
				for _, d := range res.Decisions {
					if d.Interest == "dp" {
						require.Equal(t, why, d.Frozen, "%s: the decision says why", d.Person)
						require.True(t, strings.HasSuffix(d.Explain(), "; "+why), d.Explain())
					} else {
						require.Empty(t, d.Frozen)
					}
				}
				if tt.person != "" {
					d, ok := qDecision(res, tt.person, "dp")
					require.True(t, ok)
					var matches, holds []string
					for _, m := range d.Matches {
						matches = append(matches, m.Role)
					}
					for _, m := range d.Holds {
						holds = append(holds, m.Role)
					}
					require.Equal(t, tt.matches, matches, "what the rules say now")
					require.Equal(t, tt.holds, holds, "what the person holds: as at the close")
				}
				if status == b2b.OpportunityWon {
					require.Len(t, res.Groups, 2, "the win makes the account eligible for sec")
					require.Equal(t, tt.sec, qMembers(qGroup(t, res, "sec")), "the open cross-sell group follows the persons")
				} else {
					require.Len(t, res.Groups, 1)
				}

				// The same input again: nothing new.
				in.Groups = res.Groups
				again, err := q.Account(in, later.Add(time.Hour))
				require.NoError(t, err)
				require.Empty(t, again.Events)
				require.Empty(t, cmp.Diff(res.Groups, again.Groups), "(-first +again)")
			})
		}
	}
}

// TestAccountReopenedGroup: where the stage model lets a lost deal open
// again, the group's members follow what the rules said while it was
// closed as soon as it reopens, and qualification goes on from there.
func TestAccountReopenedGroup(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: buyinggroup.StandardTemplateID, StageModel: "reopen"}},
		StageModels: []buyinggroup.StageModel{{
			ID:     "reopen",
			Stages: []buyinggroup.Stage{{Name: "Open", Entry: true}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
			Transitions: []buyinggroup.Transition{
				{From: "Open", To: "Won", When: rules.Rule{Source: `opportunity.status == "won"`}},
				{From: "Open", To: "Lost", When: rules.Rule{Source: `opportunity.status == "lost"`}},
				{From: "Lost", To: "Open", When: rules.Rule{Name: "deal reopened", Source: `opportunity.status == "open"`}},
			},
		}},
	})
	q := qNew(t, cat)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", SolutionInterest: "dp", Status: b2b.OpportunityOpen}
	pass := func(groups []buyinggroup.Group, persons []b2b.Person, at time.Time) (buyinggroup.Group, qualify.AccountResult) {
		t.Helper()
		res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: groups, Opportunities: []b2b.Opportunity{opp}}, at)
		require.NoError(t, err)
		g, _, err := cat.Advance(res.Groups[0], buyinggroup.Signals{Opportunity: &opp}, at)
		require.NoError(t, err)
		return g, res
	}
	g, _ := pass(nil, qS1Persons(), qT0)
	opp.Status = b2b.OpportunityLost
	g, _ = pass([]buyinggroup.Group{g}, qS1Persons(), qT0.AddDate(0, 0, 20))
	require.Equal(t, "Lost", g.Stage)

	// While lost, the VP of Engineering becomes a marketing manager.
	persons := qS1Persons()
	persons[1].Title, persons[1].Seniority, persons[1].Department = "Marketing Manager", "Manager", "Marketing"
	g, res := pass([]buyinggroup.Group{g}, persons, qT0.AddDate(0, 0, 30))
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(g))
	require.NotEmpty(t, res.Events)

	// The deal opens again: the group follows the persons as they are.
	opp.Status = b2b.OpportunityOpen
	reopened := qT0.AddDate(0, 0, 40)
	g, res = pass([]buyinggroup.Group{g}, persons, reopened)
	require.Equal(t, "Open", g.Stage)
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Champion/rule", "p3=End User/rule"}, qMembers(g))
	require.Equal(t, reopened, g.History[0].Until)
	require.Empty(t, res.Events, "qualification ran while the group was still Lost")

	// From there on, qualification changes it again as persons change.
	persons = append(persons, b2b.Person{ID: "p6", Title: "Director of IT", Seniority: "Director", Department: "IT"})
	g, res = pass([]buyinggroup.Group{g}, persons, reopened.Add(time.Hour))
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p6=Technical Evaluator/rule", "p2=Champion/rule", "p3=End User/rule"}, qMembers(g))
	d, ok := qDecision(res, "p6", "dp")
	require.True(t, ok)
	require.Empty(t, d.Frozen)
}
