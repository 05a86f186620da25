package cputime_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/internal/cputime"
)

func TestProcessGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("the CPU time is not read on this platform")
	}
	before := cputime.Process()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	require.NotZero(t, x)
	require.Greater(t, cputime.Process(), before)
}
