package governance_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

func ExampleResolve() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := governance.Resolve([]governance.Statement{
		{Person: "p-1", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: at},
		{Person: "p-1", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptIn, Source: b2b.SourceSalesforce, At: at.Add(3 * time.Hour)},
	}, at.Add(24*time.Hour), governance.ConsentRules{})
	fmt.Println(d.Consent.Status)
	fmt.Println(d.Reason)
	// Output:
	// opt-out
	// opt-out from marketo at 2026-03-02T09:00:00Z wins as the strictest statement within 24h0m0s of the latest (over opt-in from salesforce at 2026-03-02T12:00:00Z)
}

func ExampleGovernor_Check() {
	g, err := governance.NewGovernor(
		[]governance.Dataset{{Name: "accounts", Fields: map[string][]string{
			"domain":        nil,
			"annualRevenue": {governance.LabelSensitiveCompany, governance.LabelNoExport},
		}}},
		[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = g.Check(governance.Activation{
		Name: "abm", Dataset: "accounts", Fields: []string{"domain", "annualRevenue"},
		Destination: governance.Destination{Name: "LinkedIn Matched Audiences", Uses: []string{governance.UseAdvertising}},
	})
	fmt.Println(err)
	// Output:
	// activation "abm" to "LinkedIn Matched Audiences" refused: field "annualRevenue" of dataset "accounts" is labelled "no-export" (on the field); policy "no export" forbids "no-export" for advertising
}

func ExampleRetentionPolicy_Expire() {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p := governance.RetentionPolicy{Rules: []governance.RetentionRule{
		{Name: "web visits", Types: []string{b2b.ActivityVisitWebPage}, MaxAge: 90 * 24 * time.Hour},
	}}
	keep, expired := p.Expire([]b2b.Activity{
		{ID: "a1", Type: b2b.ActivityVisitWebPage, Time: now.AddDate(0, 0, -100)},
		{ID: "a2", Type: b2b.ActivityVisitWebPage, Time: now.AddDate(0, 0, -10)},
		{ID: "a3", Type: b2b.ActivityFillOutForm, Time: now.AddDate(-3, 0, 0)},
	}, now)
	fmt.Println(len(keep), "kept")
	for _, e := range expired {
		fmt.Println(e)
	}
	// Output:
	// 2 kept
	// activity "a1" (visit_web_page) is 2400h0m0s old; rule "web visits" keeps 2160h0m0s
}

func ExamplePlanErasure() {
	r := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, governance.Inventory{
		Persons:    []b2b.Person{{ID: "p-1", Email: "ann@acme.com"}, {ID: "p-7", Email: "ANN@acme.com"}},
		Activities: []b2b.Activity{{ID: "a1", Person: "p-1"}, {ID: "a2", Person: "p-7"}, {ID: "a3", Person: "p-2"}},
	})
	fmt.Println(r.Persons, r.Activities, len(r.Suppression))
	// Output: [p-1 p-7] [a1 a2] 1
}
