package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/internal/errwrite"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

var explainCommand = command{
	name: "explain",
	help: `quorum explain runs a simulation (simulate's flags for the program and the
world; it writes no event log and no JSON) and explains one account as a CRM
panel would: its persons and how each was linked, with their scores under
the program's group scoring model (named when interests score with models
of their own), its buying groups with members, roles and the rule behind
each, scores with their breakdown, completeness and missing roles,
readiness with reasons, the stage history, where it stands in its
journeys, and the path each journey took with the reason for each branch.

Usage:
  quorum explain --account ID [--program FILE] [--accounts N] [--days D] [--seed S] [--rollup] [--workers N]

Account IDs of a simulated world look like acc-000042. With --rollup, a
parent account's persons include those of its subsidiaries: explain a
parent ("subsidiary of" names one) to see its groups span them.`,
	flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
		var f simFlags
		f.register(fs)
		account := fs.String("account", "", "the `ID` of the account to explain (required)")
		return func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			if *account == "" {
				return &usageError{"--account is required (accounts of a simulated world look like acc-000042)"}
			}
			p, w, _, err := newWorld(f)
			if err != nil {
				return err
			}
			// Before the run, which takes a while.
			if !slices.ContainsFunc(w.Accounts, func(a b2b.Account) bool { return a.ID == b2b.AccountID(*account) }) {
				return &invalidError{fmt.Errorf("unknown account %q: the simulated world's accounts are %s to %s",
					*account, w.Accounts[0].ID, w.Accounts[len(w.Accounts)-1].ID)}
			}
			run, err := runWorld(ctx, f, p, w, progressTo(stdout, stderr, isTerminal))
			if err != nil {
				return err
			}
			v, err := run.res.Engine.Account(ctx, b2b.AccountID(*account), run.res.End)
			if err != nil {
				return err
			}
			evs, err := run.res.Engine.Events(ctx, b2b.AccountID(*account), 0, 1<<30)
			if err != nil {
				return err
			}
			out := &errwrite.Writer{W: stdout}
			writeExplanation(out, v, evs, run)
			return out.Err
		}
	},
}

func writeExplanation(w io.Writer, v engine.AccountView, evs []store.Event, run *simRun) {
	a := v.Account
	fmt.Fprintf(w, "Account %s: %s (%s, %d employees, %s)", a.ID, a.Name, a.Industry, a.Employees, a.Country)
	if a.ParentID != "" {
		fmt.Fprintf(w, ", subsidiary of %s", a.ParentID)
	}
	fmt.Fprintf(w, "\n  owner %s, as of %s\n", a.Owner, v.At.Format(time.DateOnly))
	truth := run.res.World.Truth
	inMarket := truth.InMarket[a.ID]
	for _, interest := range slices.Sorted(maps.Keys(inMarket)) {
		if inMarket[interest] {
			fmt.Fprintf(w, "  ground truth: in market for %s from %s (intent %.2f)\n", interest,
				truth.BuyingStart[a.ID][interest].Format(time.DateOnly), truth.Intent[a.ID][interest])
		}
	}
	if len(v.Audiences) > 0 {
		fmt.Fprintf(w, "  audiences: %s\n", strings.Join(v.Audiences, ", "))
	}

	fmt.Fprintf(w, "\nPersons (%d)\n", len(v.Persons))
	var persons [][]string
	label := personScoreLabel(run.prog)
	for _, p := range v.Persons {
		persons = append(persons, []string{p.Person.Name(), p.Person.Title, personaOf(p.Person), label, fmt.Sprintf("%.1f", p.Score)})
	}
	for i, row := range columns([]int{28, 34, 24, 0, -6}, persons) {
		p := v.Persons[i]
		fmt.Fprintf(w, "  %s  linked by %s (%.1f): %s\n", row, p.Link.Method, p.Link.Confidence, p.Link.Evidence)
	}

	for _, g := range v.Groups {
		gr := g.Group
		fmt.Fprintf(w, "\n%s  [%s]\n", g.Name, gr.Stage)
		fmt.Fprintf(w, "  completeness %.0f%% (weighted %.0f%%), score %.1f, velocity %+.1f\n",
			gr.Completeness*100, gr.WeightedCompleteness*100, g.Score.Score, g.Velocity)
		if len(g.MissingRoles) > 0 {
			var missing []string
			for _, m := range g.MissingRoles {
				missing = append(missing, m.Role)
			}
			fmt.Fprintf(w, "  missing roles: %s\n", strings.Join(missing, ", "))
		}
		if g.Problem != "" {
			fmt.Fprintf(w, "  %s\n", g.Problem)
		}
		if g.Readiness != nil {
			fmt.Fprintf(w, "  readiness: %s\n", g.Readiness.Explain())
		}
		fmt.Fprintln(w, "  members:")
		var members [][]string
		for _, m := range gr.Members {
			members = append(members, []string{m.Role, nameOf(v, m.Person)})
		}
		for i, row := range columns([]int{22, 28}, members) {
			fmt.Fprintf(w, "    %s %s\n", row, g.Members[i])
		}
		fmt.Fprintln(w, "  score breakdown:")
		var parts [][]string
		for _, part := range g.Score.Parts {
			if part.Contribution != 0 {
				parts = append(parts, []string{nameOf(v, part.Person), strings.Join(part.Roles, ","),
					fmt.Sprintf("%.1f", part.Score), "x", weightText(part.Weight), "=", fmt.Sprintf("%.1f", part.Contribution)})
			}
		}
		for _, row := range columns([]int{28, 22, -6, 0, 0, 0, -6}, parts) {
			fmt.Fprintf(w, "    %s\n", row)
		}
		fmt.Fprintln(w, "  stage history:")
		var changes [][]string
		var whys []string
		for _, sc := range gr.StageHistory {
			why := sc.Reason
			if sc.Auto {
				why = fmt.Sprintf("rule %q: %s", sc.Rule, sc.Expr)
			} else if sc.By != "" {
				why = strings.TrimSpace(sc.By + " " + sc.Reason)
			}
			changes = append(changes, []string{sc.At.Format(time.DateOnly) + " ", orDash(sc.From), "->", sc.To})
			whys = append(whys, why)
		}
		for i, row := range columns([]int{0, 13, 0, 13}, changes) {
			fmt.Fprintf(w, "    %s %s\n", row, whys[i])
		}
	}

	if len(v.Journeys) > 0 {
		fmt.Fprintln(w, "\nJourneys running")
		for _, j := range v.Journeys {
			fmt.Fprintf(w, "  %s v%d since %s at %s", j.Journey, j.Version, j.EnteredAt.Format(time.DateOnly), strings.Join(trackNodes(j), ", "))
			if !j.Due.IsZero() {
				fmt.Fprintf(w, ", next step %s", j.Due.Format(time.DateOnly))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w, "\nJourney path (entries, branches and messages, with reasons)")
	shown := 0
	for _, e := range evs {
		if !strings.HasPrefix(e.Type, "journey.") && e.Type != "alert.raised" {
			continue
		}
		var d journey.Decision
		if json.Unmarshal(e.Data, &d) != nil {
			continue
		}
		// A rule that failed on the account's data decided its branch as
		// false, and a visit limit sent a track elsewhere: both are why
		// the path went where it did.
		switch d.Kind {
		case journey.DecisionEnter, journey.DecisionPath, journey.DecisionSend, journey.DecisionSkip, journey.DecisionDefer, journey.DecisionExit, journey.DecisionComplete, journey.DecisionEnd, journey.DecisionGoal,
			journey.DecisionRuleError, journey.DecisionLimitReached:
		default:
			if e.Type != "alert.raised" {
				continue
			}
		}
		fmt.Fprintf(w, "  %s\n", journeyLine(v, e, d))
		shown++
	}
	if shown == 0 {
		fmt.Fprintln(w, "  (no journey decisions for this account)")
	}
}

// personScoreLabel labels the persons' scores: those of the program's
// group scoring model, named when some interest's groups score with a
// model of their own (option B), whose breakdowns then show other scores
// of the same persons.
func personScoreLabel(p *program.Program) string {
	if p == nil || p.GroupScorer == nil || p.Groups == nil {
		return "score"
	}
	for _, in := range p.Groups.Interests() {
		if p.ScorerFor(in.ID) != p.GroupScorer {
			return "score (" + p.GroupScorer.Name() + ")"
		}
	}
	return "score"
}

// weightText writes a role weight with the digits it has (0.25, not 0.2),
// so that a breakdown line's product can be checked by eye.
func weightText(w float64) string {
	return strconv.FormatFloat(w, 'g', 4, 64)
}

// journeyLine is one line of the journey path: the decision's own text
// (which starts with its time) with the person's name beside the ID, or a
// sales alert with the time it was raised.
func journeyLine(v engine.AccountView, e store.Event, d journey.Decision) string {
	if e.Type == "alert.raised" {
		var al struct{ Reason, To string }
		if err := json.Unmarshal(e.Data, &al); err != nil {
			return fmt.Sprintf("%s sales alert (unreadable: %v)", e.Time.UTC().Format("2006-01-02 15:04"), err)
		}
		return fmt.Sprintf("%s sales alert to %s: %s", e.Time.UTC().Format("2006-01-02 15:04"), al.To, al.Reason)
	}
	line := d.String()
	if d.Person != "" {
		if name := nameOf(v, d.Person); name != string(d.Person) {
			id := " person=" + string(d.Person)
			line = strings.Replace(line, id, " person="+name+" ("+string(d.Person)+")", 1)
		}
	}
	return line
}

func personaOf(p b2b.Person) string {
	switch {
	case p.Seniority != "" && p.Department != "":
		return p.Seniority + ", " + p.Department
	case p.Seniority != "":
		return p.Seniority
	}
	return p.Department
}

func nameOf(v engine.AccountView, id b2b.PersonID) string {
	for _, p := range v.Persons {
		if p.Person.ID == id {
			return p.Person.Name()
		}
	}
	return string(id)
}

// columns lays out a table's rows: each cell padded to the widest of its
// column, at least |minWidth[i]| characters (right-aligned when negative,
// for numbers), cells apart by a space. A persona or a list of roles
// longer than usual widens its column for every row, so the columns after
// it stay aligned.
func columns(minWidth []int, rows [][]string) []string {
	width := make([]int, len(minWidth))
	for i, m := range minWidth {
		width[i] = max(m, -m)
	}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	out := make([]string, len(rows))
	for j, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteByte(' ')
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if minWidth[i] < 0 {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		out[j] = b.String()
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// trackNodes names the node of each of a journey's active tracks, with
// the solution interest it addresses when parallel tracks run ("wait
// (data-platform)"): their nodes alone read the same.
func trackNodes(j engine.JourneyPosition) []string {
	if len(j.Nodes) < 2 {
		return j.Nodes
	}
	out := make([]string, len(j.Nodes))
	for i, n := range j.Nodes {
		out[i] = n
		if i < len(j.Interests) && j.Interests[i] != "" {
			out[i] = n + " (" + j.Interests[i] + ")"
		}
	}
	return out
}
