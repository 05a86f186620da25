package journey_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// randomJourney builds a valid journey of n nodes: every node leads to
// later nodes, except waits, which may also loop back. With targets, some
// nodes are go-tos to one of those journeys.
func randomJourney(rng *rand.Rand, id string, n int, targets ...string) journey.Journey {
	j := journey.Journey{ID: id, Triggers: []journey.Trigger{{Type: journey.TriggerAudience, Audience: "a"}},
		ReEntry: journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(1 + rng.IntN(20))}}
	nid := func(i int) journey.NodeID { return journey.NodeID(fmt.Sprintf("n%d", i)) }
	later := func(i int) journey.NodeID { return nid(i + 1 + rng.IntN(n-i-1)) }
	roles := []string{"Economic Buyer", "Technical Evaluator", "Champion", "End User"}
	recip := func() *journey.Recipients {
		r := &journey.Recipients{}
		if rng.IntN(2) == 0 {
			r.Roles = []string{roles[rng.IntN(len(roles))]}
		}
		if rng.IntN(3) == 0 {
			r.When = fmt.Sprintf("score < %d", rng.IntN(60))
		}
		return r
	}
	conds := []string{"group.score >= 50", "group.completeness >= 0.6", `group.stage == "Decision"`, `group.readinessTier == "high"`, "len(group.members) > 2", "journey.visits > 1"}
	for i := 0; i < n; i++ {
		if i >= n-2 {
			j.Nodes = append(j.Nodes, end(nid(i), fmt.Sprintf("out-%d", i)))
			continue
		}
		var node journey.Node
		if len(targets) > 0 && rng.IntN(4) == 0 {
			node = journey.Node{ID: nid(i), Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: targets[rng.IntN(len(targets))]}}
			j.Nodes = append(j.Nodes, node)
			continue
		}
		switch rng.IntN(9) {
		case 0, 1:
			typ := journey.ActionEmail
			if rng.IntN(3) == 0 {
				typ = journey.ActionSMS
			}
			node = journey.Node{Kind: journey.KindAction, Action: &journey.Action{Type: typ, Template: fmt.Sprintf("t%d", i), Recipients: recip(), Next: later(i)}}
		case 2:
			next := later(i)
			if i > 0 && rng.IntN(3) == 0 {
				next = nid(rng.IntN(i)) // a loop through a wait
			}
			node = journey.Node{Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(time.Duration(1+rng.IntN(96)) * time.Hour), Next: next}}
		case 3:
			node = journey.Node{Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{When: conds[rng.IntN(len(conds))], Next: later(i)},
				{RoleAtLeast: &journey.RoleCount{Role: roles[rng.IntN(len(roles))], Count: 1 + rng.IntN(2)}, Next: later(i)},
			}, Else: later(i)}}
		case 4:
			node = journey.Node{Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Paths: []journey.PeoplePath{
				{Name: "a", Match: recip(), Actions: []journey.Action{{Type: journey.ActionEmail, Template: "pa"}}},
				{Name: "b", Match: recip(), Actions: []journey.Action{{Type: journey.ActionSMS, Template: "pb"}}},
			}, Else: []journey.Action{{Type: journey.ActionEmail, Template: "pelse"}}, Next: later(i)}}
		case 5:
			node = journey.Node{Kind: journey.KindVariant, Variant: &journey.Variant{Paths: []journey.VariantPath{
				{Name: "a", Percent: 50, Next: later(i)}, {Name: "b", Percent: 50, Next: later(i)}}}}
		case 6:
			node = journey.Node{Kind: journey.KindListen, Listen: &journey.Listen{Events: []journey.EventMatch{{Type: journey.EventActivity}},
				Timeout: journey.Days(1 + rng.IntN(5)), Next: later(i), OnTimeout: later(i)}}
		case 7:
			node = journey.Node{Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "alert", Next: later(i)}}
		default:
			node = journey.Node{Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Decision", Next: later(i)}}
		}
		node.ID = nid(i)
		j.Nodes = append(j.Nodes, node)
	}
	// make every node reachable: a start split routes the i-th entry to n<i>
	paths := []journey.Path{}
	for i := 1; i < n; i++ {
		paths = append(paths, journey.Path{When: fmt.Sprintf("journey.entries == %d", i), Next: nid(i)})
	}
	j.Nodes = append([]journey.Node{{ID: "start", Kind: journey.KindSplit, Split: &journey.Split{Paths: paths, Else: nid(0)}}}, j.Nodes...)
	return j
}

func randomView(rng *rand.Rand, i int) *journey.AccountView {
	id := fmt.Sprintf("acct-%d", i)
	v := &journey.AccountView{Account: b2b.Account{ID: b2b.AccountID(id), Owner: "rep"}, Revision: 1}
	statuses := []string{b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.ConsentUnknown, ""}
	roles := []string{"Economic Buyer", "Technical Evaluator", "Champion", "End User"}
	for _, interest := range []string{"Data Platform", "Security"}[:1+rng.IntN(2)] {
		g := journey.GroupView{ID: id + interest, SolutionInterest: interest, Completeness: rng.Float64(), Score: float64(rng.IntN(200))}
		for k := 0; k < 1+rng.IntN(4); k++ {
			g.Members = append(g.Members, journey.Member{Person: b2b.PersonID(fmt.Sprintf("%s-p%d", id, rng.IntN(5))), Role: roles[rng.IntN(len(roles))]})
		}
		v.Groups = append(v.Groups, g)
	}
	for k := 0; k < 5; k++ {
		p := b2b.Person{ID: b2b.PersonID(fmt.Sprintf("%s-p%d", id, k)), Email: fmt.Sprintf("p%d@x.example", k)}
		if rng.IntN(3) > 0 {
			p.Phone = "+1555000"
		}
		p.Consent = map[b2b.Channel]b2b.Consent{
			b2b.ChannelEmail: {Status: statuses[rng.IntN(4)]},
			b2b.ChannelSMS:   {Status: statuses[rng.IntN(4)]},
		}
		v.Persons = append(v.Persons, journey.PersonView{Person: p, Score: float64(rng.IntN(80))})
	}
	return v
}

// TestPropertyRandomJourneys runs seeded random valid journeys on random
// accounts for 60 simulated days and checks that no step panics, no
// message goes to a person without consent (or address) for its channel,
// and no person gets more messages than the caps allow.
func TestPropertyRandomJourneys(t *testing.T) {
	t.Parallel()
	const maxEmail, maxAny = 2, 3
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 99))
			policy := []journey.CapPolicy{journey.CapSkip, journey.CapDefer}[seed%2]
			cfg := journey.Config{Roles: standardRoles, Caps: []journey.Cap{
				{Name: "email", Channel: b2b.ChannelEmail, Max: maxEmail, Per: journey.Days(7), Policy: policy},
				{Name: "all", Max: maxAny, Per: journey.Days(7), Policy: policy, MaxDefer: journey.Days(3)},
			}}
			var js []journey.Journey
			for k := 0; k < 3; k++ {
				j := randomJourney(rng, fmt.Sprintf("j%d", k), 6+rng.IntN(10))
				require.NoError(t, journey.Validate(j, cfg), "generated journey must be valid")
				js = append(js, j)
			}
			cat := newCatalog(t, cfg, js...)
			total, skipped := 0, 0
			// into is stepped into for every account beside Step: a reused
			// result must not change a step.
			var into journey.Result
			for a := 0; a < 25; a++ {
				view := randomView(rng, a)
				var st, st2 journey.State
				var sent []journey.OutboxEntry
				for h := 0; h < 60*24; h += 1 + rng.IntN(30) {
					now := day0.Add(time.Duration(h) * time.Hour)
					var events []journey.Event
					switch rng.IntN(20) {
					case 0:
						events = append(events, journey.Event{Type: journey.EventAudienceEntered, Audience: "a", At: now})
					case 1:
						events = append(events, journey.Event{Type: journey.EventActivity, ActivityType: "visit_web_page", At: now})
					case 2:
						p := &view.Persons[rng.IntN(len(view.Persons))].Person
						p.Consent[b2b.ChannelEmail] = b2b.Consent{Status: b2b.ConsentOptOut}
						view.Revision++
					case 3:
						view.Groups[0].Score += 30
						view.Revision++
					}
					var res journey.Result
					require.NotPanics(t, func() { res = cat.Step(&st, journey.Input{View: view, Now: now, Events: events}) })
					cat.StepInto(&into, &st2, journey.Input{View: view, Now: now, Events: events})
					require.Empty(t, cmp.Diff(res, into, cmpopts.EquateEmpty()), "StepInto into a reused result")
					require.Empty(t, cmp.Diff(st, st2), "StepInto advances the state as Step does")
					skipped += len(decisions(res.Trace, journey.DecisionSkip))
					for _, e := range res.Outbox {
						if e.Channel == "" {
							continue
						}
						var p *b2b.Person
						for i := range view.Persons {
							if view.Persons[i].Person.ID == e.Person {
								p = &view.Persons[i].Person
							}
						}
						require.NotNil(t, p, "message to a person of the account")
						c := p.ConsentFor(e.Channel)
						require.False(t, c.OptedOut(), "message to %s on %s despite opt-out", e.Person, e.Channel)
						if e.Channel == b2b.ChannelSMS {
							require.Equal(t, b2b.ConsentOptIn, c.Status, "SMS needs an opt-in")
							require.NotEmpty(t, p.Phone)
						}
						sent = append(sent, e)
					}
				}
				checkCaps(t, sent, maxEmail, maxAny)
				total += len(sent)
			}
			require.Positive(t, total, "the journeys send messages")
			require.Positive(t, skipped, "and some are held back")
			t.Logf("%d messages, %d skipped", total, skipped)
		})
	}
}

func checkCaps(t *testing.T, sent []journey.OutboxEntry, maxEmail, maxAny int) {
	t.Helper()
	for _, e := range sent {
		email, all := 0, 0
		for _, o := range sent {
			if o.Person == e.Person && !o.At.After(e.At) && o.At.After(e.At.Add(-days(7))) {
				all++
				if o.Channel == b2b.ChannelEmail {
					email++
				}
			}
		}
		require.LessOrEqual(t, all, maxAny, "messages to %s in the 7 days up to %v", e.Person, e.At)
		if e.Channel == b2b.ChannelEmail {
			require.LessOrEqual(t, email, maxEmail, "emails to %s in the 7 days up to %v", e.Person, e.At)
		}
	}
}
