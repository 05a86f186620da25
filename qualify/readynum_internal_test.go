package qualify

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadyNumbers holds the readiness texts' numbers to fmt's %.2f, with
// trailing zeros and a lone minus zero taken off for people.
func TestReadyNumbers(t *testing.T) {
	byFmt := func(x float64) string {
		s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
		if s == "-0" {
			return "0"
		}
		return s
	}
	for _, x := range []float64{0, math.Copysign(0, -1), -0.001, 0.004, 0.005, 0.015, 0.1, 0.5, 0.6666, 1, 10, 100, 150, 80.5, 1.10, -3.333,
		1e21, -1e-9, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()} {
		require.Equal(t, byFmt(x), readyNum(x), "%v", x)
		require.Equal(t, fmt.Sprintf("%.2f", x), string(appendReadyNum(nil, x, 2)), "%v", x)
	}
	ok, why := readyAtLeastPrec("probability", 0.7, 0.7, "ready", 2)
	require.True(t, ok)
	require.Equal(t, "probability 0.70 >= ready threshold 0.70", why)
	ok, why = readyAtLeast("score", 80.5, 150, "ready")
	require.False(t, ok)
	require.Equal(t, "score 80.5 < ready threshold 150", why)
}
