package errwrite_test

import (
	"bytes"
	"errors"
	"fmt"
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
