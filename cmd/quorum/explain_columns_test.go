package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/sim"
)

// TestExplainTablesStayAlignedWithLongCells checks that the persons,
// members, score breakdown and stage history tables of explain keep their
// columns aligned when a cell is wider than usual: a persona such as
// "Individual Contributor, Engineering", a person with several roles, a
// long title or name, a long stage name, weights of several widths.
func TestExplainTablesStayAlignedWithLongCells(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC)
	person := func(id, first, last, title, seniority, department string) engine.PersonView {
		return engine.PersonView{Person: b2b.Person{ID: b2b.PersonID(id), FirstName: first, LastName: last, Title: title,
			Seniority: seniority, Department: department}, Score: 3.9,
			Link: identity.Link{Method: "explicit", Confidence: 1, Evidence: `account reference "acc-1"`}}
	}
	v := engine.AccountView{Account: b2b.Account{ID: "acc-1", Name: "Gringotts"}, At: at,
		Persons: []engine.PersonView{
			person("p1", "Quinn", "Tanaka", "Software Engineer", "Individual Contributor", "Engineering"),
			person("p2", "Carla", "Tanaka", "Head of Procurement", "Director", "Procurement"),
			person("p3", "Maximiliane-Josephine", "von Hohenzollern-Sigmaringen", "Senior Vice President, Global IT Infrastructure and Operations", "VP", "IT"),
			person("p4", "Tom", "Jensen", "", "", ""),
		},
		Groups: []engine.GroupView{{Name: "Data Platform for Gringotts",
			Group: buyinggroup.Group{Stage: "Consideration",
				Members: []buyinggroup.Member{{Person: "p1", Role: "End User"}, {Person: "p3", Role: "Technical Evaluator and Security Reviewer"}},
				StageHistory: []buyinggroup.StageChange{{To: "Awareness", At: at, Reason: "group created"},
					{From: "Awareness", To: "Sales Accepted Opportunity", At: at, Reason: "handed over"}}},
			Members: []string{"rule \"end user\" matched", "rule \"technical evaluator\" matched"},
			Score: scoring.GroupScore{Score: 14.5, Parts: []scoring.Part{
				{Person: "p1", Roles: []string{"End User"}, Score: 3.9, Weight: 1, Contribution: 3.9},
				{Person: "p3", Roles: []string{"Technical Evaluator", "Champion", "Influencer"}, Score: 0.5, Weight: 1.0 / 3, Contribution: 0.2},
				{Person: "p2", Score: 10.7, Weight: 0.25, Contribution: 2.7},
			}}}},
	}
	var out strings.Builder
	writeExplanation(&out, v, nil, &simRun{res: &sim.Result{World: &sim.World{}}})
	text := out.String()

	// section returns the lines of the table under heading, up to the
	// first line that is not indented as deep as its first line.
	section := func(heading string) []string {
		_, rest, ok := strings.Cut(text, heading+"\n")
		require.True(t, ok, "no %q in\n%s", heading, text)
		lines := strings.Split(rest, "\n")
		indent := len(lines[0]) - len(strings.TrimLeft(lines[0], " "))
		var rows []string
		for _, l := range lines {
			if len(l)-len(strings.TrimLeft(l, " ")) != indent {
				break
			}
			rows = append(rows, l)
		}
		return rows
	}
	// aligned checks that each marker starts at the same character of
	// every row.
	aligned := func(table string, rows []string, markers ...string) {
		t.Helper()
		for _, marker := range markers {
			var at []int
			for _, r := range rows {
				i := strings.Index(r, marker)
				require.GreaterOrEqual(t, i, 0, "%s: no %q in %q", table, marker, r)
				at = append(at, utf8.RuneCountInString(r[:i]))
			}
			for i := range at {
				require.Equal(t, at[0], at[i], "%s: %q is not in the same column on every line:\n%s", table, marker, strings.Join(rows, "\n"))
			}
		}
	}
	persons := section("Persons (4)")
	require.Len(t, persons, 4)
	aligned("persons", persons, " score ", " linked by ")
	for i, r := range persons[:3] {
		require.Contains(t, r, []string{"Individual Contributor, Engineering", "Director, Procurement", "VP, IT"}[i]+" ")
	}
	members := section("  members:")
	require.Len(t, members, 2)
	aligned("members", members, "rule ")
	breakdown := section("  score breakdown:")
	require.Len(t, breakdown, 3)
	aligned("score breakdown", breakdown, " x ", " = ")
	require.Contains(t, breakdown[1], "Technical Evaluator,Champion,Influencer ")
	history := section("  stage history:")
	require.Len(t, history, 2)
	aligned("stage history", history, " -> ")
	require.Equal(t, strings.Index(history[0], "group created"), strings.Index(history[1], "handed over"), "the reasons start in one column:\n%s", strings.Join(history, "\n"))
}

// TestExplainPersonScoreNamesItsModel checks that the persons table says
// which scoring model its scores are under when the program scores its
// interests with models of their own (option B): a person's score there is
// one model's, and each group's breakdown another's.
func TestExplainPersonScoreNamesItsModel(t *testing.T) {
	t.Parallel()
	v := engine.AccountView{Account: b2b.Account{ID: "acc-1", Name: "Gringotts"}, At: time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC),
		Persons: []engine.PersonView{{Person: b2b.Person{ID: "p1", FirstName: "Quinn", LastName: "Tanaka"}, Score: 3.9}}}
	for _, tt := range []struct{ file, want string }{
		{"option-a.yaml", " score    3.9 "},
		{"option-b.yaml", " score (data-platform)    3.9 "},
	} {
		p, err := loadProgram(filepath.Join("..", "..", "examples", "programs", tt.file))
		require.NoError(t, err)
		var out strings.Builder
		writeExplanation(&out, v, nil, &simRun{prog: p, res: &sim.Result{World: &sim.World{}}})
		require.Contains(t, out.String(), tt.want, tt.file)
	}
}
