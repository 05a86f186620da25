package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/store"
)

// FuzzReadEvents checks that the event log reader never panics, and that
// a log it reads writes back to a log that reads the same and writes the
// same bytes again.
func FuzzReadEvents(f *testing.F) {
	for _, seed := range []string{
		`{"seq":1,"tenant":"default","account":"acc-000001","time":"2026-01-05T00:00:00Z","type":"account.updated","data":{"id":"acc-000001","name":"Acme <&> Co"}}`,
		`{"seq":1,"tenant":"t","account":"a","person":"marketo:p1","time":"2026-01-05T10:30:00.123456789+02:00","type":"x","data":  { "a" : [1, 2.5e3, "\u003c"] } }` + "\r\n" +
			`{"seq":7,"tenant":"t","account":"b","time":"2026-01-06T00:00:00Z","type":"y","data":null}` + "\n\n",
		`{"seq":2,"tenant":"t","account":"a","time":"2026-01-05T00:00:00Z","type":"x"}` + "\n" + `{"seq":1,"tenant":"t","account":"a","time":"2026-01-05T00:00:00Z","type":"x"}`,
		`{"seq":1,"tenant":"t","account":"a","time":"2026-01-05T00:00:00Z","type":"x","data":"\xff"}`,
		`{"seq":"1"}`, `[]`, `null`, `{}`, `{"seq":1} {"seq":2}`, "\n\n", "",
		`{"seq":9223372036854775807,"tenant":"t","account":"a","time":"9999-12-31T23:59:59Z","type":"x","data":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tenant, evs, lines, err := readEvents("fuzz", bytes.NewReader(data), nil)
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		require.Len(t, lines, len(evs))
		if len(evs) == 0 {
			require.Empty(t, tenant)
			return
		}
		var once bytes.Buffer
		require.NoError(t, writeEvents(context.Background(), &once, tenant, evs))
		tenant2, again, _, err := readEvents("again", bytes.NewReader(once.Bytes()), nil)
		require.NoError(t, err, once.String())
		require.Equal(t, tenant, tenant2)
		if diff := cmp.Diff(evs, again); diff != "" {
			t.Fatalf("the events read back differ (-want +got):\n%s", diff)
		}
		var twice bytes.Buffer
		require.NoError(t, writeEvents(context.Background(), &twice, tenant2, again))
		require.Equal(t, once.String(), twice.String())
		for i, ev := range again {
			require.Positive(t, ev.Seq)
			if i > 0 {
				require.Greater(t, ev.Seq, again[i-1].Seq)
			}
			require.NotEqual(t, store.Event{}, ev)
		}
	})
}

// TestSimulateWritesItsEventLog checks that a run's event log, written
// as simulate --events writes it, reads back event for event, and that
// --events adds nothing to simulate's output.
func TestSimulateWritesItsEventLog(t *testing.T) {
	t.Parallel()
	run, err := simulate(context.Background(), simFlags{accounts: 20, days: 10, seed: 3}, nil)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, writeEventsFile(path, run.events))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tenant, evs, lines, err := readEvents(path, f, nil)
	require.NoError(t, err)
	require.Equal(t, simTenant, tenant)
	require.Len(t, lines, len(run.events))
	require.Equal(t, len(run.events), lines[len(lines)-1], "one event a line")
	if diff := cmp.Diff(run.events, evs); diff != "" {
		t.Fatalf("the log read back differs (-want +got):\n%s", diff)
	}

	var want bytes.Buffer
	require.NoError(t, run.writeText(&want))
	code, out, errOut := quorum(t, "", "simulate", "--accounts", "20", "--days", "10", "--seed", "3", "--events", path)
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, want.String(), out)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, evs, _, err = readEvents(path, bytes.NewReader(data), nil)
	require.NoError(t, err)
	require.Len(t, evs, len(run.events))
}

// TestSimulateEventLogIsReproducible checks that runs with the same seed
// write the same event log and output byte for byte whatever --workers,
// as the help says, and however the engine's workers were scheduled:
// three runs at once, on one, four and seven workers, and a fourth on
// four again.
func TestSimulateEventLogIsReproducible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	workers := []string{"1", "4", "7", "4"}
	outs := make([]string, len(workers))
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			path := filepath.Join(dir, fmt.Sprintf("events-%d.jsonl", i))
			var out, errOut bytes.Buffer
			if code := run(context.Background(), []string{"simulate", "--accounts", "60", "--days", "15", "--seed", "4",
				"--workers", workers[i], "--events", path}, strings.NewReader(""), &out, &errOut); code != exitOK {
				t.Errorf("run %d (--workers %s): exit %d: %s", i+1, workers[i], code, errOut.String())
			}
			outs[i] = out.String()
		})
	}
	wg.Wait()
	first, err := os.ReadFile(filepath.Join(dir, "events-0.jsonl"))
	require.NoError(t, err)
	require.NotEmpty(t, first)
	for i := 1; i < len(outs); i++ {
		require.Equal(t, outs[0], outs[i], "run %d's output (--workers %s, run 1's %s)", i+1, workers[i], workers[0])
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("events-%d.jsonl", i)))
		require.NoError(t, err)
		if !bytes.Equal(first, data) {
			a, b := strings.Split(string(first), "\n"), strings.Split(string(data), "\n")
			for j := range min(len(a), len(b)) {
				if a[j] != b[j] {
					t.Fatalf("run %d's event log (--workers %s) differs from run 1's (--workers %s) at line %d:\n%s\n%s",
						i+1, workers[i], workers[0], j+1, a[j], b[j])
				}
			}
			t.Fatalf("run %d's event log (--workers %s) has %d lines, run 1's (--workers %s) %d", i+1, workers[i], len(b), workers[0], len(a))
		}
	}
}

// TestSimulateEventsFileFirst checks that simulate --events opens its file
// before the run, so that a path it cannot write fails at once, not after
// a run of minutes; and that a run that fails leaves no file behind, nor
// touches one that was there.
func TestSimulateEventsFileFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A run that cannot start (its context is done) tells what a run that
	// would have gone on tells at its end.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	simulate := func(path string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"simulate", "--accounts", "2", "--days", "1", "--events", path}, strings.NewReader(""), &out, &errOut)
		return code, out.String(), errOut.String()
	}

	missing := filepath.Join(dir, "no-such-dir", "events.jsonl")
	code, out, errOut := simulate(missing)
	require.Equal(t, exitInvalid, code)
	require.Empty(t, out)
	require.Equal(t, "open "+missing+": no such file or directory\n", errOut)

	fresh := filepath.Join(dir, "fresh.jsonl")
	code, _, errOut = simulate(fresh)
	require.Equal(t, exitInterrupted, code)
	require.Contains(t, errOut, "interrupted (context canceled)")
	require.NoFileExists(t, fresh, "a failed run leaves no file")

	old := filepath.Join(dir, "old.jsonl")
	require.NoError(t, os.WriteFile(old, []byte("the last run's log\n"), 0o600))
	code, _, _ = simulate(old)
	require.Equal(t, exitInterrupted, code)
	data, err := os.ReadFile(old)
	require.NoError(t, err)
	require.Equal(t, "the last run's log\n", string(data), "a failed run keeps the file that was there")

	// A file that is no regular file (a device, a pipe) is written as it
	// is, without truncating it.
	code, _, errOut = quorum(t, "", "simulate", "--accounts", "2", "--days", "1", "--events", os.DevNull)
	require.Equal(t, exitOK, code, errOut)
}

// TestSimulateEventsFileIsNotTheProgram checks that simulate refuses an
// event log file that is its program file (by another name too), which the
// log would replace.
func TestSimulateEventsFileIsNotTheProgram(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prog := filepath.Join(dir, "program.yaml")
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "programs", "option-a.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(prog, data, 0o600))
	link := filepath.Join(dir, "link.yaml")
	require.NoError(t, os.Symlink(prog, link))
	for _, events := range []string{prog, link, filepath.Join(dir, ".", "program.yaml")} {
		code, out, errOut := quorum(t, "", "simulate", "--program", prog, "--accounts", "2", "--days", "1", "--events", events)
		require.Equal(t, exitUsage, code, errOut)
		require.Empty(t, out)
		require.Contains(t, errOut, "quorum simulate: --events "+events+" is the program file")
		got, err := os.ReadFile(prog)
		require.NoError(t, err)
		require.Equal(t, string(data), string(got), "the program is as it was")
	}
}

// TestSimulateEventsFileIsNotAFileOfTheProgram checks that simulate
// refuses an event log file that the program read, such as its readiness
// model file (by another name too), which the log would replace, and
// leaves it as it was.
func TestSimulateEventsFileIsNotAFileOfTheProgram(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "examples", "programs")
	for _, name := range []string{"option-c.yaml", "readiness-model.json"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	prog, model := filepath.Join(dir, "option-c.yaml"), filepath.Join(dir, "readiness-model.json")
	data, err := os.ReadFile(model)
	require.NoError(t, err)
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(model, link))
	for _, events := range []string{model, link} {
		code, out, errOut := quorum(t, "", "simulate", "--program", prog, "--accounts", "2", "--days", "1", "--events", events)
		require.Equal(t, exitUsage, code, errOut)
		require.Empty(t, out)
		require.Contains(t, errOut, "quorum simulate: --events "+events+" is the file "+model+" that the program "+prog+" reads: the event log would replace it")
		got, err := os.ReadFile(model)
		require.NoError(t, err)
		require.Equal(t, string(data), string(got), "the model is as it was")
	}
}

// TestReadEventsSyntaxErrorColumn checks that the column of a line's
// syntax error is that of the offending character in the line as the
// file holds it: counted from the line's first character (blanks before
// the event included) and in characters, as programs' columns are.
func TestReadEventsSyntaxErrorColumn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, line, want string }{
		{"at the line's start", `nope`, "stdin:1: not a JSON object: invalid character 'o' in literal null (expecting 'u') (column 2)"},
		{"after blanks", `    nope`, "stdin:1: not a JSON object: invalid character 'o' in literal null (expecting 'u') (column 6)"},
		{"after a tab", "\t{\"seq\":1,}", "stdin:1: not a JSON object: invalid character '}' looking for beginning of object key string (column 11)"},
		{"after accents", `{"account":"Zürich AG", "seq":x}`, "stdin:1: not a JSON object: invalid character 'x' looking for beginning of value (column 31)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := readEvents("stdin", strings.NewReader(tt.line+"\n"), nil)
			require.EqualError(t, err, tt.want)
		})
	}
}

// TestReadEventsByteOrderMark checks that a log saved with a UTF-8
// byte-order mark (as editors and tools on Windows write one) reads as
// the same log without it, as program files and persona's input do, and
// that columns count from after it.
func TestReadEventsByteOrderMark(t *testing.T) {
	t.Parallel()
	const line = `{"seq":1,"tenant":"t","account":"a","time":"2026-01-05T00:00:00Z","type":"x"}` + "\r\n"
	tenant, evs, lines, err := readEvents("stdin", strings.NewReader("\ufeff"+line), nil)
	require.NoError(t, err)
	require.Equal(t, store.Tenant("t"), tenant)
	require.Equal(t, []int{1}, lines)
	require.Len(t, evs, 1)
	require.Equal(t, "x", evs[0].Type)

	_, _, _, err = readEvents("stdin", strings.NewReader("\ufeffnope\n"), nil)
	require.EqualError(t, err, "stdin:1: not a JSON object: invalid character 'o' in literal null (expecting 'u') (column 2)")
}

// TestEventsFileFailedWriteKeepsTheOldFile checks that an event log whose
// writing fails part way (an event that cannot be written, as a full disk
// would) leaves a file that was there before as it was, and no file
// where there was none, rather than a truncated or partial log.
func TestEventsFileFailedWriteKeepsTheOldFile(t *testing.T) {
	t.Parallel()
	events := []store.Event{
		{Seq: 1, Account: "acme", Type: "account.created", Data: []byte(`{"a":1}`)},
		{Seq: 2, Account: "acme", Type: "account.updated", Data: []byte(`{not json`)},
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "old.jsonl")
	require.NoError(t, os.WriteFile(old, []byte("the previous log\n"), 0o640))
	require.Error(t, writeEventsFile(old, events))
	got, err := os.ReadFile(old)
	require.NoError(t, err)
	require.Equal(t, "the previous log\n", string(got))
	st, err := os.Stat(old)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), st.Mode().Perm())

	fresh := filepath.Join(dir, "fresh.jsonl")
	require.Error(t, writeEventsFile(fresh, events))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the old file: no new file, no temporary file left")

	// A successful write replaces the old file whole and keeps its mode.
	require.NoError(t, writeEventsFile(old, events[:1]))
	got, err = os.ReadFile(old)
	require.NoError(t, err)
	require.Contains(t, string(got), `"account.created"`)
	require.NotContains(t, string(got), "previous")
	st, err = os.Stat(old)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), st.Mode().Perm())
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

// TestEventsFileLongName checks that a file whose name is as long as the
// file system allows is replaced too: the temporary file the log is
// written to beside it has a short name of its own, not the file's name
// with more around it, which no file system takes.
func TestEventsFileLongName(t *testing.T) {
	t.Parallel()
	events := []store.Event{{Seq: 1, Account: "acme", Type: "account.created", Data: []byte(`{"a":1}`)}}
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("e", 249)+".jsonl")
	require.NoError(t, os.WriteFile(path, []byte("the previous log\n"), 0o640))
	require.NoError(t, writeEventsFile(path, events))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(got), `"account.created"`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")
}

// TestSimulateInterrupted checks that a simulation interrupted (its
// context cancelled, as Ctrl-C or SIGTERM does) leaves no temporary file
// beside --events FILE, leaves a file that was there as it was and none
// where there was none, and exits non-zero saying so.
func TestSimulateInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.jsonl")
	require.NoError(t, os.WriteFile(old, []byte("the previous log\n"), 0o640))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, path := range []string{old, filepath.Join(dir, "fresh.jsonl")} {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"simulate", "--accounts", "5", "--days", "3", "--events", path}, strings.NewReader(""), &out, &errOut)
		require.Equal(t, exitInterrupted, code, errOut.String())
		require.Empty(t, out.String())
		require.Contains(t, errOut.String(), "quorum simulate: interrupted")
		require.Contains(t, errOut.String(), path)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "only the old file: no new file, no temporary file left")
		got, err := os.ReadFile(old)
		require.NoError(t, err)
		require.Equal(t, "the previous log\n", string(got))
	}
}

// TestEventsFileWriteInterrupted checks that an interrupt while the log
// is being written stops the write and leaves no temporary file.
func TestEventsFileWriteInterrupted(t *testing.T) {
	t.Parallel()
	events := make([]store.Event, 5000)
	for i := range events {
		events[i] = store.Event{Seq: int64(i + 1), Account: "acme", Type: "account.updated", Data: []byte(`{"a":1}`)}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	f, err := openEventsFile(path)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = f.write(ctx, events)
	require.ErrorIs(t, err, context.Canceled)
	f.abandon()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no new file, no temporary file left")
}

// TestInterruptAfterTheLogWasWritten checks that an interrupt that comes
// once the run is done and its log has replaced the file is no failure:
// the file holds the new log, which an "interrupted: the file was left
// as it was" would deny; one that stopped the write is.
func TestInterruptAfterTheLogWasWritten(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("the previous log\n"), 0o640))
	log, err := openEventsFile(path)
	require.NoError(t, err)
	events := []store.Event{{Seq: 1, Account: "acme", Type: "account.created", Data: []byte(`{"a":1}`)}}
	require.NoError(t, log.write(context.Background(), events))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, runError(ctx, nil, log))

	stopped, err := openEventsFile(path)
	require.NoError(t, err)
	defer stopped.abandon()
	werr := stopped.write(ctx, events)
	var ie *interruptedError
	require.ErrorAs(t, runError(ctx, werr, stopped), &ie)
	require.Contains(t, ie.Error(), path+" was left as it was")
}
