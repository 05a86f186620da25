package qualify_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/qualify"
)

// returnsWithin runs f and fails the test if it has not returned after d:
// a loop that never ends is a failure, not a test run that times out.
func returnsWithin(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not return within %v", d)
	}
}

func TestModelAUCOfScoresThatAreNotNumbers(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name   string
		scores []float64
		labels []bool
	}{
		{"one NaN among numbers", []float64{0.2, nan, 0.7}, []bool{false, true, true}},
		{"every score NaN", []float64{nan, nan}, []bool{false, true}},
		{"NaN first after sorting", []float64{nan, 0.1, 0.9, 0.5}, []bool{true, false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var auc float64
			returnsWithin(t, 5*time.Second, func() { auc = qualify.ModelAUC(tt.scores, tt.labels) })
			require.True(t, math.IsNaN(auc), "no ranking is defined with a score that is not a number, got %v", auc)
		})
	}
	require.Equal(t, 0.75, qualify.ModelAUC([]float64{math.Inf(1), 0.4, 0.3, math.Inf(-1)}, []bool{true, false, true, false}), "infinite scores rank as numbers")
}
