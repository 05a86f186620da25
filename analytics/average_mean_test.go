package analytics

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAverageMeanOfTheValues checks that an average's mean is the mean of
// its values rounded once, not the mean of their sum rounded first: two
// durations of 0.1234564 days have a mean of 0.123456, where dividing
// the rounded sum (0.246913) gave 0.123457.
func TestAverageMeanOfTheValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		xs        []float64
		mean, sum float64
		median    float64
	}{
		{[]float64{0.1234564, 0.1234564}, 0.123456, 0.246913, 0.123456},
		{[]float64{0.0000004, 0.0000004, 0.0000004}, 0, 0.000001, 0},
		{[]float64{1, 2, 4}, 2.333333, 7, 2},
	} {
		a := average(tt.xs, "none")
		require.Equal(t, len(tt.xs), a.Count)
		require.InDelta(t, tt.sum, a.Sum, 1e-12, "sum of %v", tt.xs)
		require.NotNil(t, a.Mean)
		require.InDelta(t, tt.mean, *a.Mean, 1e-12, "mean of %v", tt.xs)
		require.InDelta(t, tt.median, *a.Median, 1e-12, "median of %v", tt.xs)
	}
}
