// Option-b runs the guide's option B on one hand-written account, through
// the library's API: the program file examples/programs/option-b.yaml (two
// solution interests, Data Platform and Security Suite, each with its own
// buying group, scoring model and journey, under one shared frequency cap).
// Acme's CTO sits in both groups; the example prints each group's own
// score and stage, and how the shared cap defers the CTO's emails.
//
//	go run ./examples/option-b
package main

import (
	"fmt"
	"github.com/quorumhq/quorum/examples/internal/story"
	"io"
	"os"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "option-b:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	x, err := story.NewWorld("option-b.yaml")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Option B: %s on one account\n\n", x.Eng.Program().Name)

	rep, err := x.Eng.Apply(x.Ctx, engine.Batch{
		Accounts: []identity.AccountRecord{
			{Source: b2b.SourceSalesforce, Time: story.Day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
				Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}},
		},
		Persons: []identity.PersonRecord{
			story.Contact("003CTO", "tom.becker@acme.com", "Tom", "Becker", "Chief Technology Officer", "acme"),
			story.Lead("L-1", "tom.becker@acme.com", "Tom", "Becker", "CTO", "Acme"),
			story.Lead("L-2", "carla.diaz@acme.com", "Carla", "Diaz", "Chief Financial Officer", "Acme"),
			story.Lead("L-3", "victor.kim@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			story.Lead("L-4", "sofia.lind@acme.com", "Sofia", "Lind", "Director of Security Engineering", "Acme"),
			story.Lead("L-5", "priya.shah@acme.com", "Priya", "Shah", "Data Engineering Manager", "Acme"),
		},
	})
	if err != nil {
		return err
	}
	if len(rep.Rejected) > 0 {
		return fmt.Errorf("records rejected: %v", rep.Rejected)
	}
	fmt.Fprintf(w, "Day 0: %d records applied (1 account; 6 person records, 5 persons: the CTO is a CRM contact and a marketing lead)\n", rep.Applied)
	if err := x.LearnNames("acme"); err != nil {
		return err
	}
	if err := x.Decisions(w, "acme"); err != nil {
		return err
	}
	if err := x.Deliver(w); err != nil {
		return err
	}

	// The data team engages with the Data Platform, the security team
	// with the Security Suite: each activity names its solution, and each
	// group's score counts its own.
	dp := func(extra map[string]any) map[string]any { return with(extra, "solution", "data-platform") }
	sec := func(extra map[string]any) map[string]any { return with(extra, "solution", "security-suite") }
	plan := map[int][]b2b.Activity{
		1: {story.Act("a1", b2b.ActivityRequestDemo, "L-3", story.Day(1).Add(time.Hour), dp(nil)),
			story.Act("a2", b2b.ActivityAttendEvent, "L-4", story.Day(1).Add(2*time.Hour), sec(map[string]any{"event": "Webinar: audit-ready security"}))},
		2: {story.Act("a3", b2b.ActivityAttendEvent, "L-5", story.Day(2).Add(5*time.Hour), dp(map[string]any{"event": "Webinar: Data Platform"})),
			story.Act("a4", b2b.ActivityFillOutForm, "L-2", story.Day(2).Add(6*time.Hour), dp(map[string]any{"form": "ROI calculator"}))},
		3: {story.Act("a5", b2b.ActivityAttendEvent, "L-3", story.Day(3).Add(time.Hour), dp(map[string]any{"event": "Data Platform roadmap"})),
			story.Act("a6", b2b.ActivityFillOutForm, "L-5", story.Day(3).Add(3*time.Hour), dp(map[string]any{"form": "Data Platform trial"}))},
	}
	for d := 1; d <= 9; d++ {
		x.Clk.Set(story.Day(d).Add(8 * time.Hour))
		fmt.Fprintf(w, "\nDay %d (%s)\n", d, story.Day(d).Format("Mon 2 Jan"))
		if acts := plan[d]; len(acts) > 0 {
			rep, err := x.Eng.Ingest(x.Ctx, acts...)
			if err != nil {
				return err
			}
			if len(rep.Rejected) > 0 {
				return fmt.Errorf("day %d: activities rejected: %v", d, rep.Rejected)
			}
			for _, a := range acts {
				fmt.Fprintf(w, "  activity: %s %s%s, about %s\n", x.Name(a.Person), a.Type, story.Attrs(a.Attributes), a.Attributes["solution"])
			}
		}
		if _, err := x.Eng.Advance(x.Ctx, x.Clk.Now()); err != nil {
			return err
		}
		if err := x.Decisions(w, "acme"); err != nil {
			return err
		}
		if err := x.Deliver(w); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "\nWhere Acme stands on day 9: two groups, each with its own score and stage")
	if err := x.PrintGroups(w, "acme"); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nEmails per person (the shared cap allows 2 marketing emails in any 7 days):")
	return perPerson(x, w)
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for mk, mv := range m {
		out[mk] = mv
	}
	return out
}

// perPerson lists, per recipient, the emails delivered and the day of
// each, so that the shared cap can be checked: never more than 2 in 7
// days.
func perPerson(x *story.World, w io.Writer) error {
	var order []b2b.PersonID
	byPerson := map[b2b.PersonID][]string{}
	for _, m := range x.Rec.Sent() {
		if m.Person == "" {
			continue
		}
		if _, ok := byPerson[m.Person]; !ok {
			order = append(order, m.Person)
		}
		byPerson[m.Person] = append(byPerson[m.Person], fmt.Sprintf("%s (%s) on day %d", m.Template, m.Tags["journey"], x.SentOn[m.Key]))
	}
	for _, p := range order {
		fmt.Fprintf(w, "  %-12s %d: %s\n", x.Name(p)+":", len(byPerson[p]), strings.Join(byPerson[p], ", "))
	}
	return nil
}
