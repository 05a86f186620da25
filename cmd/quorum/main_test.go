package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// quorum runs the command in-process and returns its exit code and output.
func quorum(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelp(t *testing.T) {
	t.Parallel()
	code, out, _ := quorum(t, "", "help")
	require.Equal(t, exitOK, code)
	for _, c := range []string{"simulate", "explain", "validate", "persona"} {
		require.Contains(t, out, c)
	}
	code, out, _ = quorum(t, "", "help", "simulate")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "--accounts")
	code, out, _ = quorum(t, "", "simulate", "--help")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "ground truth")

	// The prose of each command's help fits a terminal of 80 columns;
	// indented lines (usage, examples, flags) may run longer.
	for _, c := range commands {
		code, out, _ := quorum(t, "", "help", c.name)
		require.Equal(t, exitOK, code)
		for line := range strings.Lines(out) {
			line = strings.TrimRight(line, "\n")
			if !strings.HasPrefix(line, " ") {
				require.LessOrEqual(t, utf8.RuneCountInString(line), 80, "quorum help %s: a line longer than 80 columns:\n%s", c.name, line)
			}
		}
	}

	// The flags list names each flag's value as the usage line does
	// (--accounts N, not -accounts accounts).
	for _, c := range commands {
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		_, usage, ok := strings.Cut(c.help, "Usage:\n")
		require.True(t, ok, "quorum help %s: no usage line", c.name)
		usage, _, _ = strings.Cut(usage, "\n")
		words := strings.Fields(strings.NewReplacer("[", " ", "]", " ").Replace(usage))
		for i, w := range words[:len(words)-1] {
			f := fs.Lookup(strings.TrimPrefix(w, "--"))
			if !strings.HasPrefix(w, "--") || f == nil || strings.HasPrefix(words[i+1], "--") {
				continue
			}
			name, _ := flag.UnquoteUsage(f)
			require.True(t, strings.EqualFold(name, words[i+1]), "quorum help %s: the usage line has %s %s, the flags list -%s %s",
				c.name, w, words[i+1], f.Name, name)
		}
	}

	code, _, errOut := quorum(t, "")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "Usage:")
	code, _, errOut = quorum(t, "", "simulat")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, `unknown command "simulat"`)
	code, _, errOut = quorum(t, "", "simulate", "--acounts", "3")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "flag provided but not defined: -acounts")
	code, _, errOut = quorum(t, "", "explain")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "--account is required")
}

func TestValidateExamples(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"option-a.yaml", "option-b.yaml", "option-c.yaml"} {
		code, out, errOut := quorum(t, "", "validate", filepath.Join("..", "..", "examples", "programs", f))
		require.Equal(t, exitOK, code, errOut)
		require.Contains(t, out, "is valid")
		require.Contains(t, out, "solution interests")
	}
}

// TestValidateSummaryCounts checks that the summary of a valid program
// says one of a thing as one, not "1 frequency caps".
func TestValidateSummaryCounts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "one.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`name: one
interests:
  - {id: dp, template: standard}
caps:
  - {name: marketing, max: 2, per: 7d, channel: email}
`), 0o600))
	code, out, errOut := quorum(t, "", "validate", path)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "  journeys            0, 1 frequency cap\n")
}

// TestValidateSummaryRoleTemplates checks that the summary counts the role
// templates of the program: those its file defines, and the standard
// template when an interest uses it, not the standard one that every
// program's catalog holds whether it is used or not.
func TestValidateSummaryRoleTemplates(t *testing.T) {
	t.Parallel()
	const duo = `
roleTemplates:
  - id: duo
    name: Two roles
    roles:
      - {name: Buyer, rule: {name: buyer, expr: 'person.department == "Finance"'}, required: true}
      - {name: User, rule: {name: user, expr: 'person.department == "IT"'}}
`
	for _, tt := range []struct {
		name, file, want string
	}{
		{"the standard template", "name: std\ninterests:\n  - {id: dp, template: standard}\n", "1 (8 roles)"},
		{"its own template only", "name: own\ninterests:\n  - {id: dp, template: duo}\n" + duo, "1 (2 roles)"},
		{"its own and the standard", "name: both\ninterests:\n  - {id: dp, template: duo}\n  - {id: sec, template: standard}\n" + duo, "2 (10 roles)"},
		{"its own unused", "name: unused\ninterests:\n  - {id: dp, template: standard}\n" + duo, "2 (10 roles)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "p.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tt.file), 0o600))
			code, out, errOut := quorum(t, "", "validate", path)
			require.Equal(t, exitOK, code, errOut)
			require.Contains(t, out, "  role templates      "+tt.want+"\n")
		})
	}
}

// TestValidateWarningsArePlaced: a valid program's warnings (legal but
// probably wrong) are printed with file:line:column, as its problems
// would be, under its summary; they were only a path
// ("warning: interests[1].crmProduct: ...").
func TestValidateWarningsArePlaced(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "warned.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`name: warned
interests:
  - {id: dp, template: standard, crmProduct: Lakehouse}
  - {id: sec, template: standard, crmProduct: lakehouse}
`), 0o600))
	code, out, errOut := quorum(t, "", "validate", path)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "  alert rules         0\n  "+path+`:4:47: warning: interests[1].crmProduct: "lakehouse" is also the CRM product of interests[0]`)
}

func TestValidateBrokenFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`name: broken
interests:
  - id: data-platform
    template: standard
    applies:
      name: big
      expr: account.employes >= 500
journeys:
  - id: j
    triggers: [{type: manual}]
    nodes:
      - id: mail
        kind: action
        action: {type: email, template: ghost, next: end}
      - id: end
        kind: end
        end: {}
`), 0o600))
	code, out, errOut := quorum(t, "", "validate", path)
	require.Equal(t, exitInvalid, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "broken.yaml:7:21: interests[0].applies")
	require.Contains(t, errOut, "type b2b.Account has no field employes")
	require.Contains(t, errOut, `unknown email template "ghost"`)

	// A field the program does not have is reported with its place and the
	// fields it could have meant.
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	require.NoError(t, os.WriteFile(typo, []byte("name: typo\ninterests: []\ncolour: blue\n"), 0o600))
	code, _, errOut = quorum(t, "", "validate", typo)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut, `typo.yaml:3:1: colour: unknown field "colour"`)

	code, _, errOut = quorum(t, "", "validate", filepath.Join(t.TempDir(), "missing.yaml"))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut, "no such file")
}

// TestSimulateJSON runs small simulations on several seeds and checks that
// all eight KPIs have values in plausible ranges.
func TestSimulateJSON(t *testing.T) {
	t.Parallel()
	const days = 60
	for _, seed := range []string{"1", "2"} {
		code, out, errOut := quorum(t, "", "simulate", "--accounts", "80", "--days", fmt.Sprint(days), "--seed", seed, "--json")
		require.Equal(t, exitOK, code, errOut)
		var got struct {
			World struct{ Accounts int }
			Run   struct{ ActivitiesApplied, MessagesDelivered int }
			KPIs  map[string]json.RawMessage `json:"kpis"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		require.Equal(t, 80, got.World.Accounts)
		require.Positive(t, got.Run.ActivitiesApplied)
		all, _ := json.Marshal(got.KPIs)
		// value reads the number at a path of the KPIs' JSON.
		value := func(path ...string) float64 {
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(all, &m))
			for _, p := range path[:len(path)-1] {
				require.NoError(t, json.Unmarshal(m[p], &m), "kpi path %v", path)
			}
			var v *float64
			require.NoError(t, json.Unmarshal(m[path[len(path)-1]], &v), "kpi path %v", path)
			require.NotNil(t, v, "%v has a value (seed %s)", path, seed)
			return *v
		}
		for _, tt := range []struct {
			path     []string
			min, max float64
		}{
			{[]string{"completenessRate", "value"}, 0, 1},
			{[]string{"engagementScore", "mean"}, 1, 1000},
			{[]string{"mqa", "accounts", "value"}, 0.01, 1},
			{[]string{"qualificationRate", "value"}, 0.4, 1}, // most persons qualify into a role
			{[]string{"journeyCompletion", "overall", "rate", "value"}, 0, 1},
			{[]string{"email", "openRate", "value"}, 0.1, 0.5},   // the engagement model: 25% open
			{[]string{"email", "clickRate", "value"}, 0.01, 0.1}, // 3% click
			// Days from a group's creation, within the simulated days.
			{[]string{"pipelineVelocity", "toSalesReady", "days", "mean"}, 1, days},
			{[]string{"pipelineVelocity", "toOpportunity", "days", "mean"}, 1, days},
			{[]string{"alertResponse", "rate", "value"}, 0.1, 1}, // sales follow up 70%
			{[]string{"groundTruth", "accounts", "precision", "value"}, 0.5, 1},
			{[]string{"groundTruth", "accounts", "recall", "value"}, 0.05, 1},
		} {
			v := value(tt.path...)
			require.GreaterOrEqual(t, v, tt.min, "%v (seed %s)", tt.path, seed)
			require.LessOrEqual(t, v, tt.max, "%v (seed %s)", tt.path, seed)
		}
		require.Less(t, value("email", "clickRate", "value"), value("email", "openRate", "value"))
		require.LessOrEqual(t, value("alertResponse", "rate", "denominator"), value("alertResponse", "raised"))
	}
}

// pilotProgram writes option A on a stage model whose groups are handed
// to sales in "Handoff", with a readiness no group reaches, and returns
// the file's path.
func pilotProgram(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "programs", "option-a.yaml"))
	require.NoError(t, err)
	src := string(data)
	for _, r := range []struct{ old, new string }{
		{"    template: standard\n", "    template: standard\n    stageModel: pilot\n"},
		{"          stage: Sales Ready\n", "          stage: Handoff\n"},
		{"  readyScore: 150\n", "  readyScore: 100000\n"},
	} {
		require.Equal(t, 1, strings.Count(src, r.old), "option-a.yaml has %q once", r.old)
		src = strings.Replace(src, r.old, r.new, 1)
	}
	src += `
stageModels:
  - id: pilot
    name: Pilot stages
    stages:
      - {name: Aware, entry: true}
      - {name: Pilot}
      - {name: Handoff}
      - {name: Won, success: true}
      - {name: Lost, failure: true}
    transitions:
      - {from: "*", to: Won, when: {name: won, expr: 'opportunity.status == "won"'}}
      - {from: "*", to: Lost, when: {name: lost, expr: 'opportunity.status == "lost"'}}
      - {from: Aware, to: Pilot, when: {name: engaged, expr: group.score >= 50}}
      - {from: Pilot, to: Handoff, when: {name: ready, expr: group.completeness >= 0.6 && group.score >= 150}}
      - {from: Aware, to: Handoff}
`
	path := filepath.Join(t.TempDir(), "pilot.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o600))
	return path
}

// TestSimulateKnowsTheStageModel runs option A on a stage model whose
// groups are handed to sales in "Handoff", with a readiness no group
// reaches: the groups that reach Handoff are the MQAs, and the stages
// come in the model's order.
func TestSimulateKnowsTheStageModel(t *testing.T) {
	t.Parallel()
	path := pilotProgram(t)

	code, out, errOut := quorum(t, "", "simulate", "--program", path, "--accounts", "80", "--days", "60", "--json")
	require.Equal(t, exitOK, code, errOut)
	var got struct {
		KPIs struct {
			MQA struct {
				Accounts struct{ Numerator int } `json:"accounts"`
			} `json:"mqa"`
			Velocity struct {
				ToSalesReady struct {
					Days struct{ Count int } `json:"days"`
				} `json:"toSalesReady"`
			} `json:"pipelineVelocity"`
			Stages []struct {
				Stage  string `json:"stage"`
				Groups int    `json:"groups"`
			} `json:"stages"`
		} `json:"kpis"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	handoff := 0
	var stages []string
	for _, s := range got.KPIs.Stages {
		stages = append(stages, s.Stage)
		if s.Stage == "Handoff" {
			handoff = s.Groups
		}
	}
	require.Positive(t, handoff, "groups reached Handoff")
	require.GreaterOrEqual(t, got.KPIs.MQA.Accounts.Numerator, 1, "Handoff makes MQAs")
	require.Positive(t, got.KPIs.Velocity.ToSalesReady.Days.Count, "and stops the velocity clock")
	order := map[string]int{"Aware": 0, "Pilot": 1, "Handoff": 2, "Won": 3, "Lost": 4}
	require.True(t, slices.IsSortedFunc(stages, func(a, b string) int { return order[a] - order[b] }), "in the model's order: %v", stages)
}

func TestSimulateText(t *testing.T) {
	t.Parallel()
	code, out, errOut := quorum(t, "", "simulate", "--accounts", "40", "--days", "30")
	require.Equal(t, exitOK, code, errOut)
	require.Empty(t, errOut, "no progress bar when not on a terminal")
	for _, want := range []string{"Quorum simulation: program \"option-b\" on 40 accounts", "Buying-group completeness rate",
		"MQA rate (accounts)", "Pipeline velocity", "Lead-to-buying-group qualification", "Sales-alert response rate",
		"Account-journey completion rate", "Email open rate", "Email click rate", "MQAs against the ground truth"} {
		require.Contains(t, out, want)
	}

	// One account for one day reads as one, not as "1 accounts".
	code, out, errOut = quorum(t, "", "simulate", "--accounts", "1", "--days", "1")
	require.Equal(t, exitOK, code, errOut)
	first, _, _ := strings.Cut(out, "\n")
	require.Regexp(t, `^Quorum simulation: program "option-b" on 1 account \(\d+ persons, \d+ source records\), 1 day from 2026-01-05, seed 1$`, first)
}

func TestExplain(t *testing.T) {
	t.Parallel()
	code, out, errOut := quorum(t, "", "explain", "--account", "acc-000003", "--accounts", "30", "--days", "30")
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{"Account acc-000003", "Persons (", "linked by", "members:", "score breakdown:", "stage history:", "Journey path"} {
		require.Contains(t, out, want)
	}
	code, _, errOut = quorum(t, "", "explain", "--account", "acc-999999", "--accounts", "5", "--days", "2")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut, "unknown account")
}

func TestPersona(t *testing.T) {
	t.Parallel()
	code, out, errOut := quorum(t, "CFO\nVP Eng\n\nSr. Data Engineer\nGrowth marketer\n", "persona")
	require.Equal(t, exitOK, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"title", "seniority", "department", "roles"},
		{"CFO", "C-Level", "Finance", "Economic Buyer"},
		{"VP Eng", "VP", "Engineering", "Decision Maker;Technical Evaluator"},
		{"Sr. Data Engineer", "Individual Contributor", "Engineering", "End User"},
		{"Growth marketer", "Individual Contributor", "Marketing", ""},
	}, rows)

	path := filepath.Join(t.TempDir(), "contacts.csv")
	require.NoError(t, os.WriteFile(path, []byte("name,title,email\nAnn,Head of Procurement,a@x.com\nBo,\"Director, IT\",b@x.com\n"), 0o600))
	code, out, errOut = quorum(t, "", "persona", path)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "Head of Procurement,Director,Procurement,")
	require.Contains(t, out, `"Director, IT",Director,IT,Technical Evaluator;Champion;Influencer`)

	// A CSV row whose title is empty keeps its place in the output, so
	// that each output row stays the input row of the same number: a
	// contact without a title is data to see, not to drop.
	require.NoError(t, os.WriteFile(path, []byte("name,title\nAnn,CFO\nBo,\nCy,  \nDi,VP Eng\n"), 0o600))
	code, out, errOut = quorum(t, "", "persona", path)
	require.Equal(t, exitOK, code, errOut)
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"title", "seniority", "department", "roles"},
		{"CFO", "C-Level", "Finance", "Economic Buyer"},
		{"", "", "", ""},
		{"", "", "", ""},
		{"VP Eng", "VP", "Engineering", "Decision Maker;Technical Evaluator"},
	}, rows)

	// A one-column CSV writes an empty title as an empty line, as
	// spreadsheets and encoding/csv do: it is a row too, and keeps its
	// place (blank lines at the end follow no row and are none).
	for _, in := range []string{"title\nCFO\n\n\nVP Eng\n\n", "title\r\n\r\nCFO\r\n\r\n\r\n\"VP\nEng\"\r\n"} {
		code, out, errOut = quorum(t, in, "persona")
		require.Equal(t, exitOK, code, errOut)
		rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		var titles []string
		for _, r := range rows[1:] {
			titles = append(titles, r[0])
		}
		want := []string{"CFO", "", "", "VP Eng"}
		if strings.HasPrefix(in, "title\r\n\r\n") {
			want = []string{"", "CFO", "", "", "VP\nEng"}
		}
		require.Equal(t, want, titles, "%q", in)
	}

	// "-" is standard input, as for report --events.
	code, out, errOut = quorum(t, "CFO\n", "persona", "-")
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, "title,seniority,department,roles\nCFO,C-Level,Finance,Economic Buyer\n", out)
}

// TestPersonaCSVHeader checks that the title column of a CSV is found when
// it is the only column, and after the byte-order mark spreadsheets write.
func TestPersonaCSVHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in string }{
		{"single title column", "title\nCFO\n\"SVP, Global IT Infrastructure\"\n"},
		{"single title column, CRLF", "Title\r\nCFO\r\n\"SVP, Global IT Infrastructure\"\r\n"},
		{"single title column, a comma unquoted: part of the title", "title\nCFO\nSVP, Global IT Infrastructure\n"},
		{"byte-order mark before the header", "\ufefftitle,name\nCFO,Jane\n\"SVP, Global IT Infrastructure\",Bob\n"},
		{"byte-order mark before plain lines", "\ufeffCFO\nSVP, Global IT Infrastructure\n"},
		{"a header longer than 4 KiB, its title column at the end",
			strings.Repeat("custom_field_", 400) + ",title\nAnn,CFO\nBo,\"SVP, Global IT Infrastructure\"\n"},
		{"a header longer than 4 KiB after a byte-order mark, its title column first",
			"\ufefftitle," + strings.Repeat("custom_field_", 400) + "\r\nCFO,x\r\n\"SVP, Global IT Infrastructure\",y\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, tt.in, "persona")
			require.Equal(t, exitOK, code, errOut)
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			require.NoError(t, err)
			var titles []string
			for _, r := range rows[1:] {
				titles = append(titles, r[0])
			}
			require.Equal(t, []string{"CFO", "SVP, Global IT Infrastructure"}, titles)
		})
	}
}

// TestProgressOnlyWhenOutputIsATerminal checks that the progress bar is
// drawn only when someone watches the output: not when it is piped
// ("quorum simulate | tee out") or redirected, though stderr is a terminal.
func TestProgressOnlyWhenOutputIsATerminal(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	for _, tt := range []struct {
		name                 string
		stdoutTTY, stderrTTY bool
		want                 io.Writer
	}{
		{"both on a terminal", true, true, &stderr},
		{"output piped or redirected", false, true, nil},
		{"stderr redirected", true, false, nil},
		{"neither", false, false, nil},
	} {
		isTTY := func(w io.Writer) bool { return w == &stdout && tt.stdoutTTY || w == &stderr && tt.stderrTTY }
		got := progressTo(&stdout, &stderr, isTTY)
		// The same writer, not an equal one: two empty buffers are equal.
		if tt.want != nil {
			require.Same(t, tt.want, got, tt.name)
		} else {
			require.Nil(t, got, tt.name)
		}
	}
}

// TestExplainIsReproducible checks that explaining an account twice gives
// the same text, the ground truth of an account in market for several
// interests in the order of their IDs.
func TestExplainIsReproducible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	run, err := simulate(ctx, simFlags{accounts: 40, days: 20, seed: 1}, nil)
	require.NoError(t, err)
	var account b2b.AccountID
	for _, a := range run.res.World.Accounts {
		n := 0
		for _, in := range run.res.World.Truth.InMarket[a.ID] {
			if in {
				n++
			}
		}
		if n > 1 {
			account = a.ID
			break
		}
	}
	require.NotEmpty(t, account, "an account in market for two interests")
	v, err := run.res.Engine.Account(ctx, account, run.res.End)
	require.NoError(t, err)
	evs, err := run.res.Engine.Events(ctx, account, 0, 1<<30)
	require.NoError(t, err)
	var first bytes.Buffer
	writeExplanation(&first, v, evs, run)
	require.Regexp(t, `ground truth: in market for data-platform .*\n  ground truth: in market for security-suite `, first.String())
	for range 20 {
		var again bytes.Buffer
		writeExplanation(&again, v, evs, run)
		require.Equal(t, first.String(), again.String())
	}
}

// TestSimulateFlagErrors checks that a wrong value of a simulation's flag
// is a usage error naming the flag, in simulate and in explain.
func TestSimulateFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--accounts", "0"}, "--accounts must be at least 1"},
		{[]string{"--days", "0"}, "--days must be at least 1"},
		{[]string{"--workers", "-2"}, "--workers must not be negative (0: one per core)"},
		{[]string{"--days", "4000"}, "--days must be between 1 and 3660, got 4000"},
		{[]string{"--accounts", "20000000", "--days", "9999"}, "--accounts must be between 1 and 10,000,000, got 20000000; --days must be between 1 and 3660, got 9999"},
	} {
		for _, cmd := range []string{"simulate", "explain"} {
			t.Run(cmd+" "+strings.Join(tt.args, " "), func(t *testing.T) {
				t.Parallel()
				args := []string{cmd, "--accounts", "2", "--days", "1"}
				if cmd == "explain" {
					args = append(args, "--account", "acc-000001")
				}
				code, out, errOut := quorum(t, "", append(args, tt.args...)...)
				require.Equal(t, exitUsage, code, errOut)
				require.Empty(t, out)
				require.True(t, strings.HasPrefix(errOut, "quorum "+cmd+": "+tt.want+"\n"), errOut)
			})
		}
	}
}

// TestPersonaErrors checks that a problem of persona's input is told with
// its file (or stdin) and line.
func TestPersonaErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "contacts.csv")
	require.NoError(t, os.WriteFile(path, []byte("name,title\nAnn,CFO\n\nBo\n"), 0o600))
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"a line too long", "CFO\n\n" + strings.Repeat("x", 2<<20) + "\nVP\n", nil, "stdin:3: a line longer than 1 MiB: not a job title"},
		{"a first line too long", strings.Repeat("x", 2<<20) + ",title\nAnn,CFO\n", nil, "stdin:1: a line longer than 1 MiB: not a job title nor a CSV header"},
		{"a row without its title", "", []string{path}, path + `:4: no title: the row ends before column 2, the header's "title"`},
		{"a quote in a CSV field", "title\nCFO\nC\"EO\n", nil, `stdin:3:2: bare " in non-quoted-field`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, tt.stdin, append([]string{"persona"}, tt.args...)...)
			require.Equal(t, exitInvalid, code, errOut)
			require.Empty(t, out)
			require.Equal(t, tt.want+"\n", errOut)
		})
	}
}

// TestValidateSeveralFiles: validate checks every file it is given, prints
// the summary of each valid one, then every problem of the others, and
// exits 1 if any is invalid; with no file it is a usage error.
func TestValidateSeveralFiles(t *testing.T) {
	t.Parallel()
	examples := filepath.Join("..", "..", "examples", "programs")
	code, out, errOut := quorum(t, "", "validate", filepath.Join(examples, "option-a.yaml"), filepath.Join(examples, "option-b.yaml"))
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, 2, strings.Count(out, "is valid"))

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("name: bad\ninterests: [{id: a}]\n"), 0o600))
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	code, out, errOut = quorum(t, "", "validate", bad, filepath.Join(examples, "option-a.yaml"), missing)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, out, `program "option-a" is valid`)
	require.Contains(t, errOut, "bad.yaml:2:13: interests[0].template: is required")
	require.Contains(t, errOut, "missing.yaml: no such file or directory")

	code, _, errOut = quorum(t, "", "validate")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "validate takes one program file or more")
}

// failingWriter fails every write, as a full disk or a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestOutputWriteFails checks that a command whose output cannot be
// written says so and exits 1: its output is lost, it did not succeed.
func TestOutputWriteFails(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"validate", "", []string{"validate", filepath.Join("..", "..", "examples", "programs", "option-a.yaml")}},
		{"explain", "", []string{"explain", "--accounts", "3", "--days", "2", "--account", "acc-000001"}},
		{"simulate", "", []string{"simulate", "--accounts", "3", "--days", "2"}},
		{"persona", "CFO\n", []string{"persona"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var errOut bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), failingWriter{}, &errOut)
			require.Equal(t, exitInvalid, code, errOut.String())
			require.Equal(t, "quorum "+tt.name+": no space left on device\n", errOut.String())
		})
	}

	// With an invalid file too: its problems, then the lost summaries.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("name: bad\ninterests: [{id: a}]\n"), 0o600))
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"validate", filepath.Join("..", "..", "examples", "programs", "option-a.yaml"), bad},
		strings.NewReader(""), failingWriter{}, &errOut)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut.String(), "bad.yaml:2:13: interests[0].template: is required")
	require.True(t, strings.HasSuffix(errOut.String(), "\nwriting the summaries: no space left on device\n"), errOut.String())
}

// TestHelpOfEachListedCommand: "quorum help <command>" shows the help of
// every command the usage lists, help itself included, and exits 0; it
// takes one command, as the usage says, and refuses more.
func TestHelpOfEachListedCommand(t *testing.T) {
	t.Parallel()
	_, list, ok := strings.Cut(usage, "Commands:\n")
	require.True(t, ok)
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for line := range strings.Lines(list) {
		names = append(names, strings.Fields(line)[0])
	}
	require.Contains(t, names, "help")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, "", "help", name)
			require.Equal(t, exitOK, code, errOut)
			require.Empty(t, errOut)
			require.Contains(t, out, "Usage:")
			require.True(t, strings.HasPrefix(out, "quorum "+name) || name == "help" && out == usage, "quorum help %s:\n%s", name, out)
		})
	}

	code, out, errOut := quorum(t, "", "help", "simulate", "report")
	require.Equal(t, exitUsage, code)
	require.Empty(t, out)
	require.True(t, strings.HasPrefix(errOut, "quorum help: unexpected argument \"report\"\n\n"+usage), errOut)
}

// TestHelpWriteFails checks that help whose output cannot be written says
// so and exits 1, as every command does: "quorum help > /dev/full" did
// not succeed.
func TestHelpWriteFails(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "quorum help: no space left on device\n"},
		{[]string{"--help"}, "quorum help: no space left on device\n"},
		{[]string{"help", "report"}, "quorum help: no space left on device\n"},
		{[]string{"simulate", "-h"}, "quorum simulate: no space left on device\n"},
		{[]string{"persona", "--help"}, "quorum persona: no space left on device\n"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var errOut bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), failingWriter{}, &errOut)
			require.Equal(t, exitInvalid, code, errOut.String())
			require.Equal(t, tt.want, errOut.String())
		})
	}
}
