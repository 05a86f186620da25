package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/store"
)

// testLog writes testdata/events.jsonl.gz (the log of "quorum simulate
// --accounts 8 --days 30 --seed 3 --events FILE") to a file and returns
// its path and its bytes.
func testLog(t *testing.T) (string, []byte) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "events.jsonl.gz"))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path, data
}

// TestReportStreamed checks that report, which streams the log into the
// collector, prints byte for byte what it printed when it held every
// event of the log before reporting (testdata/report*.txt and
// report.json, written so), and what analytics.Compute gives over the
// whole log read into memory.
func TestReportStreamed(t *testing.T) {
	t.Parallel()
	path, data := testLog(t)
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"report.txt", nil},
		{"report.json", []string{"--json"}},
		{"report-weeks.txt", []string{"--from", "2026-01-12", "--to", "2026-01-25"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tt.golden))
			require.NoError(t, err)
			args := append([]string{"report", "--events", path}, tt.args...)
			code, out, errOut := quorum(t, "", args...)
			require.Equal(t, exitOK, code, errOut)
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Fatalf("(-before +streamed):\n%s", diff)
			}
			args[2] = "-"
			code, out, errOut = quorum(t, string(data), args...)
			require.Equal(t, exitOK, code, errOut)
			require.Equal(t, string(want), out, "from standard input")
		})
	}

	// The whole log in memory, as report read it before.
	_, evs, _, err := readEvents("events.jsonl", bytes.NewReader(data), nil)
	require.NoError(t, err)
	first, last := evs[0].Time, evs[0].Time
	for _, ev := range evs {
		first, last = minTime(first, ev.Time), maxTime(last, ev.Time)
	}
	require.True(t, first.Equal(evs[0].Time))
	r, err := analytics.Compute(evs, analytics.Config{}, analytics.Period{Through: last})
	require.NoError(t, err)
	var inMemory bytes.Buffer
	require.NoError(t, r.WriteText(&inMemory))
	golden, err := os.ReadFile(filepath.Join("testdata", "report.txt"))
	require.NoError(t, err)
	require.Equal(t, inMemory.String(), string(golden))
	js, err := json.MarshalIndent(r, "", "  ")
	require.NoError(t, err)
	golden, err = os.ReadFile(filepath.Join("testdata", "report.json"))
	require.NoError(t, err)
	require.Equal(t, string(js)+"\n", string(golden))
}

// TestScanEventsStreams checks that scanEvents gives each event as soon
// as its line is read, before the next line is there: it holds no event.
func TestScanEventsStreams(t *testing.T) {
	t.Parallel()
	_, data := testLog(t)
	lines := bytes.SplitAfter(data, []byte("\n"))
	pr, pw := io.Pipe()
	got := make(chan int64)
	done := make(chan error, 1)
	go func() {
		_, err := scanEvents("stdin", pr, func(ev store.Event, _ int) error {
			got <- ev.Seq
			return nil
		})
		close(got)
		done <- err
	}()
	for i, l := range lines[:3] {
		_, err := pw.Write(l)
		require.NoError(t, err)
		require.Equal(t, int64(i+1), <-got, "event %d given before line %d is written", i+1, i+2)
	}
	require.NoError(t, pw.Close())
	_, open := <-got
	require.False(t, open)
	require.NoError(t, <-done)
}
