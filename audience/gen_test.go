package audience_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
)

var (
	now         = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	industries  = []string{"Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education"}
	departments = []string{b2b.DepartmentIT, b2b.DepartmentFinance, b2b.DepartmentEngineering, b2b.DepartmentMarketing, b2b.DepartmentSales, b2b.DepartmentOperations}
	actTypes    = []string{b2b.ActivityVisitWebPage, b2b.ActivityVisitWebPage, b2b.ActivityVisitWebPage, b2b.ActivityOpenEmail, b2b.ActivityOpenEmail, b2b.ActivityClickEmail, b2b.ActivityFillOutForm, b2b.ActivityAttendEvent}
)

// genAccount builds one account deterministically from (seed, i): persons
// persons and acts activities spread over the 90 days before now (a few
// after now, which no aggregate counts).
func genAccount(seed uint64, i, persons, acts int) audience.AccountData {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	id := b2b.AccountID(fmt.Sprintf("acc-%06d", i))
	acc := b2b.Account{
		ID: id, Name: string(id), Industry: industries[r.IntN(len(industries))],
		Employees: 10 + r.IntN(5000), Region: []string{"EMEA", "NA", "APAC"}[r.IntN(3)],
		UpdatedAt: now.Add(-time.Duration(r.IntN(200)) * 24 * time.Hour),
	}
	ps := make([]b2b.Person, persons)
	for j := range ps {
		ps[j] = b2b.Person{
			ID:         b2b.PersonID(fmt.Sprintf("%s-p%02d", id, j)),
			Department: departments[r.IntN(len(departments))],
			Seniority:  b2b.Seniorities[r.IntN(len(b2b.Seniorities))],
		}
	}
	as := make([]b2b.Activity, acts)
	for j := range as {
		as[j] = b2b.Activity{
			ID:     b2b.ActivityID(fmt.Sprintf("%s-a%03d", id, j)),
			Type:   actTypes[r.IntN(len(actTypes))],
			Person: ps[r.IntN(len(ps))].ID,
			Time:   now.Add(-time.Duration(r.Int64N(int64(90*24*time.Hour))) + 2*time.Hour),
		}
	}
	ix, err := audience.NewActivities(ps, as)
	if err != nil {
		panic(err)
	}
	return audience.AccountData{Account: acc, Persons: ps, Activities: ix}
}

func genAccounts(seed uint64, n, persons, acts int) []audience.AccountData {
	out := make([]audience.AccountData, n)
	for i := range out {
		out[i] = genAccount(seed, i, persons, acts)
	}
	return out
}

// benchAudiences are the three audiences of the benchmark and of the
// equivalence tests: firmographic ICP + engagement, a committee audience
// over persons, and a per-person engagement audience.
var benchAudiences = []audience.Audience{
	{Name: "ICP engaged", Rule: `account.employees >= 500 && account.industry in ["Software", "Financial Services"] && activityCount("visit_web_page", 30) >= 10`},
	{Name: "IT committee", Rule: `count(persons, .department == "IT" && .seniority in ["C-Level", "VP", "Director"]) >= 1 && activityCount("*", 14) >= 15`},
	{Name: "engaged openers", Rule: `count(persons, personActivityCount("open_email", 30) >= 2) >= 2 && daysSince(account.updatedAt) < 120`},
}
