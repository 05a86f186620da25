package journey_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

var day0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC) // a Monday

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

var standardRoles = []string{"Economic Buyer", "Technical Evaluator", "Champion", "End User", "Decision Maker"}

func person(id, first, last, title, email string) journey.PersonView {
	return journey.PersonView{Person: b2b.Person{ID: b2b.PersonID(id), FirstName: first, LastName: last, Title: title, Email: email}}
}

// acmeView is the account of scenario S1: a Data Platform group with an
// Economic Buyer, a Technical Evaluator and an End User, Champion missing.
func acmeView() *journey.AccountView {
	return &journey.AccountView{
		Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000,
			Industry: "Software", Owner: "sara@seller.example"},
		Revision: 1,
		Persons: []journey.PersonView{
			person("p-cfo", "Carla", "Finn", "Chief Financial Officer", "carla@acme.com"),
			person("p-vpe", "Victor", "Eng", "VP of Engineering", "victor@acme.com"),
			person("p-de", "Dana", "Data", "Sr. Data Engineer", "dana@acme.com"),
			person("p-mc", "Mia", "Coord", "Marketing Coordinator", "mia@acme.com"),
			person("p-gm", "Gus", "Mail", "Analyst", "gus@gmail.com"),
		},
		Groups: []journey.GroupView{{
			ID: "g-acme-dp", SolutionInterest: "Data Platform", Stage: "Awareness", Completeness: 2.0 / 3,
			MissingRoles: []string{"Champion"},
			Members: []journey.Member{
				{Person: "p-cfo", Role: "Economic Buyer"},
				{Person: "p-vpe", Role: "Technical Evaluator"},
				{Person: "p-de", Role: "End User"},
			},
		}},
	}
}

func newCatalog(t testing.TB, cfg journey.Config, js ...journey.Journey) *journey.Catalog {
	t.Helper()
	if cfg.Roles == nil {
		cfg.Roles = standardRoles
	}
	cat, err := journey.NewCatalog(cfg)
	require.NoError(t, err)
	for _, j := range js {
		cat, _, err = cat.Publish(j)
		require.NoError(t, err)
	}
	return cat
}

func setScore(v *journey.AccountView, id b2b.PersonID, score float64) {
	for i := range v.Persons {
		if v.Persons[i].Person.ID == id {
			v.Persons[i].Score = score
		}
	}
	v.Revision++
}

func ofType(out []journey.OutboxEntry, t journey.ActionType) []journey.OutboxEntry {
	var r []journey.OutboxEntry
	for _, e := range out {
		if e.Type == t {
			r = append(r, e)
		}
	}
	return r
}

func persons(out []journey.OutboxEntry) []b2b.PersonID {
	var r []b2b.PersonID
	for _, e := range out {
		r = append(r, e.Person)
	}
	return r
}

func decisions(tr []journey.Decision, k journey.DecisionKind) []journey.Decision {
	var r []journey.Decision
	for _, d := range tr {
		if d.Kind == k {
			r = append(r, d)
		}
	}
	return r
}

func email(id journey.NodeID, template string, next journey.NodeID, r *journey.Recipients) journey.Node {
	return journey.Node{ID: id, Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: template, Recipients: r, Next: next}}
}

func wait(id journey.NodeID, d journey.Duration, next journey.NodeID) journey.Node {
	return journey.Node{ID: id, Kind: journey.KindWait, Wait: &journey.Wait{For: d, Next: next}}
}

func end(id journey.NodeID, outcome string) journey.Node {
	return journey.Node{ID: id, Kind: journey.KindEnd, End: &journey.End{Outcome: outcome}}
}

// pipelineAcceleration is the journey of scenario S2.
func pipelineAcceleration() journey.Journey {
	return journey.Journey{
		ID: "pipeline-acceleration", Name: "Pipeline acceleration",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}},
		Nodes: []journey.Node{
			email("intro", "intro", "wait-5d", nil),
			wait("wait-5d", journey.Days(5), "ready?"),
			{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "engaged", When: "group.completeness >= 0.6 && group.score >= 150", Next: "alert"}},
				Else:  "nurture",
			}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "sales-ready"}},
			{ID: "sales-ready", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Ready", Next: "alerted"}},
			end("alerted", "sales ready"),
			{ID: "nurture", Kind: journey.KindAction, Limit: &journey.VisitLimit{Max: 3, Then: "not-engaged"},
				Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Recipients: &journey.Recipients{When: "score < 20"}, Next: "wait-7d"}},
			wait("wait-7d", journey.Days(7), "ready?"),
			end("not-engaged", "not engaged"),
		},
		Exits: []journey.Exit{{Reason: "opportunity created", Event: journey.EventOpportunity}},
	}
}
