//go:build unix

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/store"
)

// interruptAfterFirstCheck is a context whose interrupt comes after its
// first check: a write to it stops part way.
type interruptAfterFirstCheck struct {
	context.Context
	checks atomic.Int32
}

func (c *interruptAfterFirstCheck) Err() error {
	if c.checks.Add(1) > 1 {
		return context.Canceled
	}
	return nil
}

// TestInterruptWhileWritingAPipe checks that an interrupt that stops the
// log part way into a file that is no regular file (a pipe, written as it
// is, not replaced) says the file holds part of the log, not that it was
// left as it was.
func TestInterruptWhileWritingAPipe(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "events.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		got <- data
	}()
	log, err := openEventsFile(fifo)
	require.NoError(t, err)
	events := make([]store.Event, 5000)
	for i := range events {
		events[i] = store.Event{Seq: int64(i + 1), Account: "acme", Type: "account.updated", Data: []byte(`{"a":1}`)}
	}
	ctx := &interruptAfterFirstCheck{Context: context.Background()}
	werr := log.write(ctx, events)
	require.ErrorIs(t, werr, context.Canceled)
	log.abandon()
	require.NotEmpty(t, <-got, "the pipe got part of the log")
	var ie *interruptedError
	require.ErrorAs(t, runError(ctx, werr, log), &ie)
	require.NotContains(t, ie.Error(), "was left as it was")
	require.Contains(t, ie.Error(), fifo+" holds part of the log")
}
