package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/program"
)

// simulated runs a small simulation with --events and returns simulate's
// standard output and the path of the event log it wrote.
func simulated(t *testing.T, args ...string) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.jsonl")
	args = append([]string{"simulate", "--accounts", "40", "--days", "30", "--seed", "2", "--events", path}, args...)
	code, out, errOut := quorum(t, "", args...)
	require.Equal(t, exitOK, code, errOut)
	return out, path
}

// kpisOf returns the KPIs of a simulate --json output (without the ground
// truth, which only a simulation knows) or of a report --json output, as
// generic JSON.
func kpisOf(t *testing.T, out string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	if k, ok := v["kpis"].(map[string]any); ok {
		v = k
		delete(v, "groundTruth")
	}
	return v
}

// TestReportRoundTrip checks that the KPIs report computes from the event
// log simulate --events wrote are simulate's own: the same JSON (but the
// ground truth) and the same text (simulate's KPI section), and that
// --events changes nothing in simulate's output.
func TestReportRoundTrip(t *testing.T) {
	t.Parallel()
	simJSON, path := simulated(t, "--json")
	code, repJSON, errOut := quorum(t, "", "report", "--events", path, "--json")
	require.Equal(t, exitOK, code, errOut)
	want := kpisOf(t, simJSON)
	require.NotEmpty(t, want["mqa"])
	if diff := cmp.Diff(want, kpisOf(t, repJSON)); diff != "" {
		t.Fatalf("report --json differs from simulate's KPIs (-want +got):\n%s", diff)
	}

	simText, textPath := simulated(t)
	code, repText, errOut := quorum(t, "", "report", "--events", textPath)
	require.Equal(t, exitOK, code, errOut)
	section := simText[strings.Index(simText, "Quorum KPIs"):]
	section = section[:strings.Index(section, "\nMQAs against the ground truth")]
	if diff := cmp.Diff(section, repText); diff != "" {
		t.Fatalf("report's text differs from simulate's KPI section (-want +got):\n%s", diff)
	}
	code, plain, errOut := quorum(t, "", "simulate", "--accounts", "40", "--days", "30", "--seed", "2")
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, plain, simText, "--events adds nothing to the output")

	// The same log from standard input.
	data, err := os.ReadFile(textPath)
	require.NoError(t, err)
	code, fromStdin, errOut := quorum(t, string(data), "report", "--events", "-")
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, repText, fromStdin)
}

// TestReportPeriod checks --from and --to: a date counts its whole day,
// an RFC 3339 time is taken as it is, and the KPIs are analytics'
// for that period.
func TestReportPeriod(t *testing.T) {
	t.Parallel()
	simJSON, path := simulated(t, "--json")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, evs, _, err := readEvents(path, f, nil)
	require.NoError(t, err)
	first, last := evs[0].Time, evs[len(evs)-1].Time
	day := func(d int) string { return first.AddDate(0, 0, d).Format(time.DateOnly) }
	midnight := func(d int) time.Time {
		return time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, time.UTC)
	}
	for _, tt := range []struct {
		name string
		args []string
		want analytics.Period
	}{
		{"whole log", nil, analytics.Period{}},
		{"from a date", []string{"--from", day(10)}, analytics.Period{From: midnight(10)}},
		{"to a date: its whole day", []string{"--to", day(14)}, analytics.Period{To: midnight(15).Add(-time.Nanosecond)}},
		{"one week", []string{"--from", day(7), "--to", day(13)}, analytics.Period{From: midnight(7), To: midnight(14).Add(-time.Nanosecond)}},
		{"RFC 3339 times", []string{"--from", midnight(3).Add(12 * time.Hour).Format(time.RFC3339), "--to", last.Format(time.RFC3339)},
			analytics.Period{From: midnight(3).Add(12 * time.Hour), To: last}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := quorum(t, "", append([]string{"report", "--events", path, "--json"}, tt.args...)...)
			require.Equal(t, exitOK, code, errOut)
			r, err := analytics.Compute(evs, analytics.Config{}, tt.want)
			require.NoError(t, err)
			want, err := json.Marshal(r)
			require.NoError(t, err)
			if diff := cmp.Diff(kpisOf(t, string(want)), kpisOf(t, out)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	// The whole log ends where the simulation did.
	require.Equal(t, kpisOf(t, simJSON)["to"], last.UTC().Format(time.RFC3339))

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"not a date", []string{"--from", "last week"}, `--from "last week": want a date (2025-03-31) or an RFC 3339 time`},
		{"from after to", []string{"--from", day(9), "--to", day(2)}, fmt.Sprintf("--from %s is after --to %s", day(9), day(2))},
		{"from after the log", []string{"--from", day(60)}, "the log runs from"},
		{"no log", []string{}, "--events is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"report"}, tt.args...)
			if tt.name != "no log" {
				args = append(args, "--events", path)
			}
			code, out, errOut := quorum(t, "", args...)
			require.Equal(t, exitUsage, code)
			require.Empty(t, out)
			require.Contains(t, errOut, tt.want)
		})
	}
}

// TestReportProgram checks that --program makes the KPIs count the
// program's stage models: on a model whose groups are handed to sales in
// "Handoff", the default stage model sees no MQA and the program's sees
// simulate's.
func TestReportProgram(t *testing.T) {
	t.Parallel()
	prog := pilotProgram(t)
	simJSON, path := simulated(t, "--program", prog, "--json")
	want := kpisOf(t, simJSON)

	code, out, errOut := quorum(t, "", "report", "--events", path, "--program", prog, "--json")
	require.Equal(t, exitOK, code, errOut)
	if diff := cmp.Diff(want, kpisOf(t, out)); diff != "" {
		t.Fatalf("report --program differs from simulate's KPIs (-want +got):\n%s", diff)
	}
	mqas := func(kpis map[string]any) float64 {
		return kpis["mqa"].(map[string]any)["accounts"].(map[string]any)["numerator"].(float64)
	}
	require.Positive(t, mqas(want), "groups reached Handoff")

	code, out, errOut = quorum(t, "", "report", "--events", path, "--json")
	require.Equal(t, exitOK, code, errOut)
	require.Zero(t, mqas(kpisOf(t, out)), "without the program, Handoff is no sales-ready stage")

	code, _, errOut = quorum(t, "", "report", "--events", path, "--program", filepath.Join(t.TempDir(), "missing.yaml"))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut, "no such file")
}

// TestReportMalformed checks that every problem of a log is reported at
// once, each with its file and line, and that nothing is printed but
// them.
func TestReportMalformed(t *testing.T) {
	t.Parallel()
	ev := func(seq int, extra string) string {
		return fmt.Sprintf(`{"seq":%d,"tenant":"default","account":"acc-1","time":"2026-01-05T00:00:00Z","type":"account.updated"%s}`, seq, extra)
	}
	lines := []string{
		ev(1, ""),
		`{"seq":"two"}`,
		`not json`,
		"",
		ev(3, `,"colour":"blue"`),
		`{"seq":4,"tenant":"other","account":"acc-1","time":"2026-01-05T00:00:00Z","type":"x"}`,
		ev(1, ""),
		`{"tenant":"default"}`,
		`[1, 2]`,
		ev(7, "") + ` {}`,
		`{"seq":8,"tenant":"default","account":"acc-1","time":"yesterday","type":"x"}`,
		`{"seq":9,"tenant":"default"`,
		ev(10, `,"data":{"broken":}`),
		`{"seq":11,"tenant":"default","account":"acc-1","time":"2026-01-05T00:00:00Z","type":"group.updated","data":{"completeness":0.5}}`,
		ev(12, ""),
	}
	path := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	code, out, errOut := quorum(t, "", "report", "--events", path)
	require.Equal(t, exitInvalid, code)
	require.Empty(t, out)
	want := []string{
		"bad.jsonl:2: seq: a JSON string, not a number",
		"bad.jsonl:3: not a JSON object: invalid character 'o' in literal null (expecting 'u') (column 2)",
		`bad.jsonl:5: unknown field "colour"`,
		`bad.jsonl:6: tenant "other", but line 1 has tenant "default": a log holds one tenant's events`,
		"bad.jsonl:7: seq 1 does not follow seq 1 (line 1): the events must be in the log's order",
		"bad.jsonl:8: no seq (a positive number), no account, no time, no type",
		"bad.jsonl:9: a JSON array, not an event object",
		"bad.jsonl:10: more than one JSON value on the line",
		`bad.jsonl:11: time: "yesterday" is not an RFC 3339 time (such as "2026-01-05T09:30:00Z")`,
		"bad.jsonl:12: not a JSON object: it ends too early",
		"bad.jsonl:13: not a JSON object: invalid character '}' looking for beginning of value",
		// A line that reads, whose payload the KPIs cannot read, is told
		// with the others, in its place.
		`bad.jsonl:14: event 11 (group.updated, account "acc-1"): malformed event: no group`,
	}
	got := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, got, len(want), errOut)
	for i, w := range want {
		require.Contains(t, got[i], filepath.Dir(path)+string(filepath.Separator)+w)
	}

	// A log that reads, with an event whose payload the KPIs cannot read:
	// its line, from analytics' refusal.
	good := strings.Join([]string{lines[0], lines[13], lines[14]}, "\n")
	code, out, errOut = quorum(t, good, "report", "--events", "-")
	require.Equal(t, exitInvalid, code)
	require.Empty(t, out)
	require.Equal(t, `stdin:2: event 11 (group.updated, account "acc-1"): malformed event: no group`+"\n", errOut)

	// Many problems: the first are listed, the rest counted.
	code, _, errOut = quorum(t, strings.Repeat("oops\n", maxLogProblems+7), "report", "--events", "-")
	require.Equal(t, exitInvalid, code)
	require.Equal(t, maxLogProblems+1, strings.Count(errOut, "\n"))
	require.Contains(t, errOut, fmt.Sprintf("stdin:%d: not a JSON object", maxLogProblems))
	require.True(t, strings.HasSuffix(errOut, "\n(and 7 more problems)\n"), errOut)
}

// TestReportEmpty checks that a log without events says so.
func TestReportEmpty(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{"empty.jsonl": "", "blank.jsonl": "\n  \n\r\n"} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		code, out, errOut := quorum(t, "", "report", "--events", path)
		require.Equal(t, exitInvalid, code, name)
		require.Empty(t, out)
		require.Equal(t, path+": the event log is empty: no events to report on (quorum simulate --events FILE writes one)\n", errOut)
	}
	code, _, errOut := quorum(t, "", "report", "--events", filepath.Join(dir, "missing.jsonl"))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, errOut, "no such file")
	code, _, errOut = quorum(t, "", "simulate", "--events", "-")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "--events needs a file")
}

// TestReportPeriodOutsideTheLog checks that a period that ends before the
// log begins is refused as one that starts after it ends is, and that
// both messages give the log's earliest and latest times, whatever line
// holds them (an alert's acknowledgement is logged at the time of the
// activity that answered it, before the events logged before it).
func TestReportPeriodOutsideTheLog(t *testing.T) {
	t.Parallel()
	ev := func(seq int, at string) string {
		return fmt.Sprintf(`{"seq":%d,"tenant":"default","account":"acc-1","time":%q,"type":"account.updated"}`, seq, at)
	}
	log := strings.Join([]string{ev(1, "2026-01-05T00:00:00Z"), ev(2, "2026-01-20T00:00:00Z"), ev(3, "2026-01-09T00:00:00Z")}, "\n")
	const runs = "(the log runs from 2026-01-05T00:00:00Z to 2026-01-20T00:00:00Z)"
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"to a date before the log", []string{"--to", "2025-01-31"}, "--to 2025-01-31 is before the log's first event " + runs},
		{"to a time before the log", []string{"--to", "2026-01-04T23:00:00Z"}, "--to 2026-01-04T23:00:00Z is before the log's first event " + runs},
		{"from after the log", []string{"--from", "2026-01-21"}, "--from 2026-01-21 is after the log's last event " + runs},
		{"from and to after the log", []string{"--from", "2026-02-01", "--to", "2026-02-28"}, "--from 2026-02-01 is after the log's last event " + runs},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, log, append([]string{"report", "--events", "-"}, tt.args...)...)
			require.Equal(t, exitUsage, code, errOut)
			require.Empty(t, out)
			require.True(t, strings.HasPrefix(errOut, "quorum report: "+tt.want+"\n"), errOut)
		})
	}
	// The day the log begins is within it.
	code, out, errOut := quorum(t, log, "report", "--events", "-", "--to", "2026-01-05")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "1 account,")
}

// TestReportReadsWholeSeqs: a seq is a JSON number, and a whole one is
// a seq however it is written: 1e3 is 1000, as 1000.0 is.
func TestReportReadsWholeSeqs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		seq  string
		want int64
	}{
		{"1000", 1000}, {"1e3", 1000}, {"1E+3", 1000}, {"1000.0", 1000}, {"1.5e1", 15}, {"10000e-1", 1000},
		{"0.00000000000000000000000000007e30", 70}, {"0." + strings.Repeat("0", 40) + "12e42", 12}, {"1000e0", 1000}, {"1000e-0", 1000}, {"9223372036854775807", math.MaxInt64},
		{"9.223372036854775807e18", math.MaxInt64}, {"9223372036854775807.000", math.MaxInt64},
	} {
		t.Run(tt.seq, func(t *testing.T) {
			t.Parallel()
			line := fmt.Sprintf(`{"seq":%s,"tenant":"default","account":"acc-1","time":"2026-01-05T00:00:00Z","type":"account.updated"}`, tt.seq)
			_, evs, _, err := readEvents("stdin", strings.NewReader(line), nil)
			require.NoError(t, err)
			require.Len(t, evs, 1)
			require.Equal(t, tt.want, evs[0].Seq)
		})
	}
}

// TestReportLineMessages checks the words for a line's seq or time of the
// wrong shape: what the line holds and what is wanted, not Go's types.
func TestReportLineMessages(t *testing.T) {
	t.Parallel()
	line := func(seq, at string) string {
		return fmt.Sprintf(`{"seq":%s,"tenant":"default","account":"acc-1","time":%s,"type":"account.updated"}`, seq, at)
	}
	const good = `"2026-01-05T00:00:00Z"`
	for _, tt := range []struct{ name, line, want string }{
		{"a fraction", line("1.5", good), "seq: 1.5 is not a whole number (from 1 to 9223372036854775807)"},
		{"beyond int64", line("1e30", good), "seq: 1e30 is not a whole number (from 1 to 9223372036854775807)"},
		{"a fraction in an exponent", line("15e-1", good), "seq: 15e-1 is not a whole number (from 1 to 9223372036854775807)"},
		{"past int64 by one", line("9223372036854775808", good), "seq: 9223372036854775808 is not a whole number (from 1 to 9223372036854775807)"},
		{"past int64 in an exponent", line("9.223372036854775808e18", good), "seq: 9.223372036854775808e18 is not a whole number (from 1 to 9223372036854775807)"},
		{"a huge exponent", line("1e999999999999999999999", good), "seq: 1e999999999999999999999 is not a whole number (from 1 to 9223372036854775807)"},
		{"a string", line(`"1"`, good), "seq: a JSON string, not a number"},
		{"an object", line(`{}`, good), "seq: a JSON object, not a number"},
		{"negative", line("-3", good), "seq: -3 is not positive"},
		{"negative in an exponent", line("-3e2", good), "seq: -300 is not positive"},
		{"zero in an exponent", line("0e5", good), "no seq (a positive number)"},
		{"negative, and no tenant", `{"seq":-3,"account":"acc-1","time":"2026-01-05T00:00:00Z","type":"x"}`, "seq: -3 is not positive, no tenant"},
		{"a number for the time", line("1", "5"), `time: 5 is not an RFC 3339 time (such as "2026-01-05T09:30:00Z")`},
		{"a date for the time", line("1", `"2026-01-05"`), `time: "2026-01-05" is not an RFC 3339 time (such as "2026-01-05T09:30:00Z")`},
		{"a time without its zone", line("1", `"2026-01-05T09:30:00"`), `time: "2026-01-05T09:30:00" is not an RFC 3339 time (such as "2026-01-05T09:30:00Z")`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, tt.line+"\n", "report", "--events", "-")
			require.Equal(t, exitInvalid, code)
			require.Empty(t, out)
			require.Equal(t, "stdin:1: "+tt.want+"\n", errOut)
		})
	}
}

// TestKPIConfigJudgesEachInterestByItsModel: with two interests on stage
// models whose sales-ready stages differ, the KPIs judge each interest's
// groups by its own model's, not by the stages of both.
func TestKPIConfigJudgesEachInterestByItsModel(t *testing.T) {
	t.Parallel()
	defs := program.Definitions{Name: "two-models", Interests: []buyinggroup.SolutionInterest{
		{ID: "data", Name: "Data", Template: buyinggroup.StandardTemplateID},
		{ID: "security", Name: "Security", Template: buyinggroup.StandardTemplateID, StageModel: "short"},
	}}
	short := buyinggroup.DefaultStageModel()
	short.ID = "short"
	short.Stages = slices.DeleteFunc(short.Stages, func(s buyinggroup.Stage) bool { return s.Name == buyinggroup.StageSalesReady })
	short.Transitions = slices.DeleteFunc(short.Transitions, func(tr buyinggroup.Transition) bool {
		return tr.From == buyinggroup.StageSalesReady || tr.To == buyinggroup.StageSalesReady
	})
	defs.StageModels = []buyinggroup.StageModel{short}
	p, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	cfg := kpiConfig(p)
	require.Equal(t, []string{buyinggroup.StageSalesReady}, cfg.SalesReadyByInterest["data"])
	require.NotEqual(t, cfg.SalesReadyByInterest["data"], cfg.SalesReadyByInterest["security"])
	require.NoError(t, cfg.Validate())
}

// TestReportToPastTheLogsEnd checks that an alert whose response window
// closes after the log's last event is not counted as unanswered when
// --to lies past that event: the log cannot show an answer that came
// after it ended, so the alert stays open, and the report says why.
func TestReportToPastTheLogsEnd(t *testing.T) {
	t.Parallel()
	ev := func(seq int, at, typ, id string) string {
		return fmt.Sprintf(`{"seq":%d,"tenant":"default","account":"acc-1","time":%q,"type":%q,"data":{"id":%q}}`, seq, at, typ, id)
	}
	log := strings.Join([]string{
		ev(1, "2026-01-05T00:00:00Z", "alert.raised", "early"),
		ev(2, "2026-01-06T00:00:00Z", "alert.acted_on", "early"),
		ev(3, "2026-01-06T00:00:00Z", "alert.raised", "unanswered"),
		ev(4, "2026-01-14T06:00:00Z", "alert.raised", "window closes hours after the log's end"),
		ev(5, "2026-01-20T00:00:00Z", "alert.raised", "late"),
		ev(6, "2026-01-21T00:00:00Z", "account.updated", "x"),
	}, "\n")
	for _, tt := range []struct {
		name string
		args []string
		want analytics.AlertResponse
	}{
		{"the whole log", nil, analytics.AlertResponse{Raised: 4, ActedOn: 1, Open: 2}},
		{"to a date past the log's end", []string{"--to", "2026-03-31"}, analytics.AlertResponse{Raised: 4, ActedOn: 1, Open: 2}},
		{"to a time past the log's end", []string{"--to", "2026-01-27T12:00:00Z"}, analytics.AlertResponse{Raised: 4, ActedOn: 1, Open: 2}},
		{"to the log's last day", []string{"--to", "2026-01-21"}, analytics.AlertResponse{Raised: 4, ActedOn: 1, Open: 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, log, append([]string{"report", "--events", "-", "--json"}, tt.args...)...)
			require.Equal(t, exitOK, code, errOut)
			var r analytics.Report
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			require.Equal(t, tt.args != nil, !r.Through.IsZero(), "the report says where the log ends when --to is past it")
			got := r.AlertResponse
			require.Equal(t, 1, got.Rate.Numerator, "the early alert was answered within its window")
			require.Equal(t, 2, got.Rate.Denominator, "only the two alerts whose window closed by the log's end are judged")
			got.Rate, got.WindowHours = analytics.Ratio{}, 0
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	code, out, errOut := quorum(t, log, "report", "--events", "-", "--to", "2026-03-31")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "\nThe log ends at 2026-01-21 00:00 UTC, before To: an alert whose response window closes after its end counts as open, not as unanswered\n")
}

// TestReportMQAByStageOrReadiness checks what the help of report and of
// simulate says makes a group an MQA: its stage model's sales-ready stage
// (Sales Ready in the default model) or a readiness verdict of "ready",
// whichever comes first; a group that is neither is none.
func TestReportMQAByStageOrReadiness(t *testing.T) {
	t.Parallel()
	created := func(seq int, acc string) string {
		return fmt.Sprintf(`{"seq":%d,"tenant":"default","account":%q,"time":"2026-01-05T00:00:00Z","type":"buyinggroup.group_created","data":{"type":"group_created","group":"%s/dp","accountId":%q,"interest":"dp","at":"2026-01-05T00:00:00Z","to":"Awareness"}}`, seq, acc, acc, acc)
	}
	log := strings.Join([]string{
		created(1, "by-stage"),
		created(2, "by-readiness"),
		created(3, "neither"),
		`{"seq":4,"tenant":"default","account":"by-stage","time":"2026-01-09T00:00:00Z","type":"buyinggroup.stage_changed","data":{"type":"stage_changed","group":"by-stage/dp","accountId":"by-stage","interest":"dp","at":"2026-01-09T00:00:00Z","from":"Awareness","to":"Sales Ready"}}`,
		`{"seq":5,"tenant":"default","account":"by-readiness","time":"2026-01-10T00:00:00Z","type":"readiness.changed","data":{"group":"by-readiness/dp","interest":"dp","level":"ready","tier":"fast-track","value":1}}`,
		`{"seq":6,"tenant":"default","account":"neither","time":"2026-01-11T00:00:00Z","type":"readiness.changed","data":{"group":"neither/dp","interest":"dp","level":"nurture","tier":"intensified nurture","value":0.5}}`,
	}, "\n")
	code, out, errOut := quorum(t, log, "report", "--events", "-", "--json")
	require.Equal(t, exitOK, code, errOut)
	var r analytics.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, 2, r.MQA.Accounts.Numerator, "the group in Sales Ready and the group whose readiness is ready")
	require.Equal(t, 3, r.MQA.Accounts.Denominator)

	for _, c := range []string{"report", "simulate"} {
		code, help, _ := quorum(t, "", "help", c)
		require.Equal(t, exitOK, code)
		require.Contains(t, strings.Join(strings.Fields(help), " "), `or when its readiness verdict is "ready" while its deal has not closed`, "quorum help %s", c)
	}
}

// TestParseDateSaysWhatIsWrong checks that a --from or --to written as a
// date or a time, but naming none (February 30th, hour 25), says which
// part is out of range rather than asking for the form it has.
func TestParseDateSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		flag, value, want string
	}{
		{"--from", "2026-02-30", `--from "2026-02-30": day out of range`},
		{"--to", "2026-13-01", `--to "2026-13-01": month out of range`},
		{"--to", "2026-01-05T25:00:00Z", `--to "2026-01-05T25:00:00Z": hour out of range`},
		{"--from", "last week", `--from "last week": want a date (2025-03-31) or an RFC 3339 time (2025-03-31T12:00:00Z)`},
		{"--from", "2026-1-5", `--from "2026-1-5": want a date (2025-03-31) or an RFC 3339 time (2025-03-31T12:00:00Z)`},
	} {
		_, err := parseDate(tt.flag, tt.value, tt.flag == "--to")
		require.EqualError(t, err, tt.want, tt.value)
	}
}
