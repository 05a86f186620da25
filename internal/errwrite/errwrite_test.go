package errwrite_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/internal/errwrite"
)

type failAfter struct {
	n   int
	out bytes.Buffer
}

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errFull
	}
	f.n--
	return f.out.Write(p)
}

func TestWriterKeepsTheFirstError(t *testing.T) {
	t.Parallel()
	dst := &failAfter{n: 1}
	w := &errwrite.Writer{W: dst}
	fmt.Fprint(w, "one")
	fmt.Fprint(w, "two")
	fmt.Fprint(w, "three")
	require.ErrorIs(t, w.Err, errFull)
	require.Equal(t, "one", dst.out.String(), "nothing is written after the first failure")
}

// shortWriter writes at most n bytes a call and, breaking io.Writer's
// contract, reports no error for what it did not write.
type shortWriter struct {
	n   int
	out bytes.Buffer
}

func (s *shortWriter) Write(p []byte) (int, error) {
	return s.out.Write(p[:min(len(p), s.n)])
}

// TestWriterCatchesAShortWrite: a write that wrote less than it was given
// lost output, even when its writer said nothing of it.
func TestWriterCatchesAShortWrite(t *testing.T) {
	t.Parallel()
	dst := &shortWriter{n: 2}
	w := &errwrite.Writer{W: dst}
	n, err := w.Write([]byte("one"))
	require.Equal(t, 2, n)
	require.ErrorIs(t, err, io.ErrShortWrite)
	fmt.Fprint(w, "two")
	require.ErrorIs(t, w.Err, io.ErrShortWrite)
	require.Equal(t, "on", dst.out.String())
}
