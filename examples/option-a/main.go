// Option-a runs the guide's option A on one hand-written account, through
// the library's API: the program file examples/programs/option-a.yaml (one
// solution interest, the standard buying committee, a pipeline-acceleration
// journey), an engine on the memory store with a manual clock, and a
// recording sender. It prints what happened, day by day, and why: who is in
// the buying group and by which rule, the group's completeness and score,
// the journey's path with the reason of each branch, and the sales alert.
//
//	go run ./examples/option-a
package main

import (
	"fmt"
	"github.com/quorumhq/quorum/examples/internal/story"
	"io"
	"os"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "option-a:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	x, err := story.NewWorld("option-a.yaml")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Option A: %s on one account\n\n", x.Eng.Program().Name)

	// Acme comes from the CRM and from marketing automation; its CFO is
	// both a CRM contact and a marketing lead (one person, two records).
	rep, err := x.Eng.Apply(x.Ctx, engine.Batch{
		Accounts: []identity.AccountRecord{
			{Source: b2b.SourceSalesforce, Time: story.Day0.Add(-24 * time.Hour), Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
				Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}},
		},
		Persons: []identity.PersonRecord{
			story.Contact("003CFO", "carla.diaz@acme.com", "Carla", "Diaz", "Chief Financial Officer", "acme"),
			story.Lead("L-1", "carla.diaz@acme.com", "Carla", "Diaz", "CFO", "Acme"),
			story.Lead("L-2", "victor.kim@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			story.Lead("L-3", "dev.patel@acme.com", "Dev", "Patel", "Sr. Data Engineer", "Acme"),
			story.Lead("L-4", "maya.rossi@acme.com", "Maya", "Rossi", "Marketing Coordinator", "Acme"),
		},
	})
	if err != nil {
		return err
	}
	if len(rep.Rejected) > 0 {
		return fmt.Errorf("records rejected: %v", rep.Rejected)
	}
	fmt.Fprintf(w, "Day 0: %d records applied (1 account; 5 person records, 4 persons: the CFO's two records are one person)\n", rep.Applied)
	if err := x.PrintGroups(w, "acme"); err != nil {
		return err
	}
	if err := x.Decisions(w, "acme"); err != nil {
		return err
	}
	if err := x.Deliver(w); err != nil {
		return err
	}

	// The committee engages over the next days.
	plan := map[int][]b2b.Activity{
		1: {story.Act("a1", b2b.ActivityRequestDemo, "L-2", story.Day(1).Add(time.Hour), nil),
			story.Act("a2", b2b.ActivityVisitWebPage, "L-2", story.Day(1).Add(2*time.Hour), map[string]any{"url": "https://quorum.example/pricing"})},
		2: {story.Act("a3", b2b.ActivityAttendEvent, "L-1", story.Day(2).Add(5*time.Hour), map[string]any{"event": "Webinar: Data Platform"}),
			story.Act("a4", b2b.ActivityFillOutForm, "L-3", story.Day(2).Add(6*time.Hour), map[string]any{"form": "Data Platform trial"})},
		4: {story.Act("a8", b2b.ActivityAttendEvent, "L-5", story.Day(4).Add(5*time.Hour), map[string]any{"event": "Webinar: Data Platform"}),
			story.Act("a9", b2b.ActivityAttendEvent, "L-2", story.Day(4).Add(6*time.Hour), map[string]any{"event": "Data Platform roadmap"})},
		3: {story.Act("a5", b2b.ActivityRegisterForEvent, "L-2", story.Day(3).Add(time.Hour), map[string]any{"event": "Data Platform roadmap"}),
			story.Act("a6", b2b.ActivityFillOutForm, "L-1", story.Day(3).Add(3*time.Hour), map[string]any{"form": "ROI calculator"}),
			story.Act("a7", b2b.ActivityInterestingMoment, "L-2", story.Day(3).Add(4*time.Hour), map[string]any{"moment": "Viewed pricing twice"})},
	}
	for d := 1; d <= 6; d++ {
		x.Clk.Set(story.Day(d).Add(8 * time.Hour))
		fmt.Fprintf(w, "\nDay %d (%s)\n", d, story.Day(d).Format("Mon 2 Jan"))
		if d == 2 {
			// A new lead arrives: a manager in data engineering, the
			// committee's Champion.
			rep, err := x.Eng.UpsertPersons(x.Ctx, story.Lead("L-5", "priya.shah@acme.com", "Priya", "Shah", "Data Engineering Manager", "Acme"))
			if err != nil {
				return err
			}
			if len(rep.Rejected) > 0 {
				return fmt.Errorf("day 2: lead rejected: %v", rep.Rejected)
			}
			x.Names["L-5"] = "Priya Shah"
			fmt.Fprintln(w, "  new lead: Priya Shah, Data Engineering Manager (marketing automation)")
		}
		if acts := plan[d]; len(acts) > 0 {
			rep, err := x.Eng.Ingest(x.Ctx, acts...)
			if err != nil {
				return err
			}
			if len(rep.Rejected) > 0 {
				return fmt.Errorf("day %d: activities rejected: %v", d, rep.Rejected)
			}
			for _, a := range acts {
				fmt.Fprintf(w, "  activity: %s %s%s\n", x.Name(a.Person), a.Type, story.Attrs(a.Attributes))
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

	fmt.Fprintln(w, "\nWhere Acme stands on day 6:")
	return x.PrintGroups(w, "acme")
}
