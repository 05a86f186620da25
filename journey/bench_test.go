package journey_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/internal/cputime"
	"github.com/quorumhq/quorum/journey"
)

// benchJourney is the 12-node journey of the benchmark: an email, 3 waits,
// 2 splits, a sales alert, a stage change and end nodes, with an exit.
func benchJourney() journey.Journey {
	return journey.Journey{
		ID: "bench",
		Nodes: []journey.Node{
			email("intro", "intro", "wait-3d", nil),
			wait("wait-3d", journey.Days(3), "ready?"),
			{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{Name: "ready", When: "group.completeness >= 0.6 && group.score >= 100", Next: "alert"}}, Else: "wait-7d"}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "ready", Next: "stage"}},
			{ID: "stage", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Ready", Next: "alerted"}},
			end("alerted", "alerted"),
			wait("wait-7d", journey.Days(7), "warm?"),
			{ID: "warm?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{Name: "warm", When: `group.readinessTier == "medium" || group.score >= 50`, Next: "nurture"}}, Else: "cold"}},
			{ID: "nurture", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture",
				Recipients: &journey.Recipients{When: "score < 20"}, Next: "wait-14d"}},
			wait("wait-14d", journey.Days(14), "nurtured"),
			end("nurtured", "nurtured"),
			end("cold", "cold"),
		},
		Exits: []journey.Exit{{Reason: "opportunity created", Event: journey.EventOpportunity}},
	}
}

// benchWorld builds n accounts with 4 persons each, 3 of them in one buying
// group, with scattered consent and scores.
func benchWorld(n int, rng *rand.Rand) []*journey.AccountView {
	views := make([]*journey.AccountView, n)
	roles := []string{"Economic Buyer", "Technical Evaluator", "Champion"}
	for i := range views {
		id := fmt.Sprintf("acct-%06d", i)
		v := &journey.AccountView{Account: b2b.Account{ID: b2b.AccountID(id), Owner: "rep@seller.example"}, Revision: 1}
		g := journey.GroupView{ID: id + "-g", SolutionInterest: "Data Platform", Stage: "Awareness"}
		for k := 0; k < 4; k++ {
			p := journey.PersonView{Person: b2b.Person{ID: b2b.PersonID(fmt.Sprintf("%s-p%d", id, k)), FirstName: "P", LastName: fmt.Sprint(k), Email: fmt.Sprintf("p%d@%s.example", k, id)},
				Score: float64(rng.IntN(40))}
			if rng.IntN(10) == 0 {
				p.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut}}
			}
			v.Persons = append(v.Persons, p)
			if k < 3 {
				g.Members = append(g.Members, journey.Member{Person: p.Person.ID, Role: roles[k]})
				g.Score += p.Score
			}
		}
		g.Completeness = float64(1+rng.IntN(3)) / 3
		v.Groups = []journey.GroupView{g}
		views[i] = v
	}
	return views
}

// BenchmarkStep runs 100,000 accounts through the 12-node journey over 90
// simulated days, stepping every account once a day (as a runner that
// polls would; a runner that sleeps until Result.Due steps far less). Each
// day 5% of the accounts see engagement (a new view revision with higher
// scores) and 0.1% get an opportunity (an exit event). It reports
// account-steps per second on one goroutine (wall clock, and per second of
// process CPU time, which stays meaningful on a busy machine), and the share
// of steps that had work to do.
func BenchmarkStep(b *testing.B) {
	const accounts, simDays = 100_000, 90
	cat := newCatalog(b, journey.Config{Caps: []journey.Cap{{Name: "email", Channel: b2b.ChannelEmail, Max: 3, Per: journey.Days(7)}}}, benchJourney())
	var steps, active, outbox int
	var elapsed, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		rng := rand.New(rand.NewPCG(1, 2))
		views := benchWorld(accounts, rng)
		states := make([]journey.State, accounts)
		entry := manual("bench", day0)
		opp := []journey.Event{{Type: journey.EventOpportunity}}
		b.StartTimer()
		start, cpu0 := time.Now(), cputime.Process()
		for d := 0; d < simDays; d++ {
			now := day0.Add(days(d))
			for i := range states {
				v := views[i]
				var events []journey.Event
				switch r := rng.IntN(1000); {
				case d == 0:
					events = entry
				case r < 50:
					v.Groups[0].Score += 20
					v.Persons[r%4].Score += 20
					v.Revision++
				case r == 999:
					events = opp
				}
				res := cat.Step(&states[i], journey.Input{View: v, Now: now, Events: events})
				steps++
				if !res.Idle {
					active++
				}
				outbox += len(res.Outbox)
			}
		}
		elapsed += time.Since(start)
		cpu += cputime.Process() - cpu0
	}
	b.ReportMetric(float64(steps)/elapsed.Seconds(), "steps/s")
	if cpu > 0 {
		// CPU time includes the garbage collector's work on other cores.
		b.ReportMetric(float64(steps)/cpu.Seconds(), "steps/cpu-s")
	}
	b.ReportMetric(float64(active)/elapsed.Seconds(), "active-steps/s")
	b.ReportMetric(float64(active)/float64(steps), "active-share")
	b.ReportMetric(float64(outbox)/float64(b.N), "outbox/op")
}
