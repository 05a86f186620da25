package qualify

import (
	"fmt"
	"math"
	"strconv"
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
		require.Equal(t, fmt.Sprintf("%.2f", x), string(readyFixed2.append(nil, x)), "%v", x)
	}
	ok, why, same := readyAtLeast("probability", 0.7, 0.7, "ready", readyFixed2)
	require.True(t, ok)
	require.False(t, same)
	require.Equal(t, "probability 0.70 >= ready threshold 0.70", why)
	ok, why, same = readyAtLeast("score", 80.5, 150, "ready", readyPeople)
	require.False(t, ok)
	require.False(t, same)
	require.Equal(t, "score 80.5 < ready threshold 150", why)
	ok, why, same = readyAtLeast("score", 149.996, 150, "ready", readyPeople)
	require.False(t, ok)
	require.True(t, same)
	require.Equal(t, "score 150 < ready threshold 150", why)
}

// TestReadyLevelsReadTrue: a value below a threshold never reads as equal
// to it; the value reads the same in both reasons.
func TestReadyLevelsReadTrue(t *testing.T) {
	big := strconv.FormatFloat(1e300, 'f', 0, 64)
	bigNext := strconv.FormatFloat(math.Nextafter(1e300, math.Inf(1)), 'f', 0, 64)
	require.NotEqual(t, big, bigNext)
	tiny, tiny2 := strconv.FormatFloat(1e-300, 'f', -1, 64), strconv.FormatFloat(2e-300, 'f', -1, 64)
	tests := []struct {
		v, ready, nurture float64
		f                 readyFormat
		wantR, wantN      string
	}{
		{149.996, 150, 50, readyPeople, "x 149.996 < ready threshold 150", "x 149.996 >= nurture threshold 50"},
		{49.999, 150, 50, readyPeople, "x 49.999 < ready threshold 150", "x 49.999 < nurture threshold 50"},
		{149.5, 150, 50, readyPeople, "x 149.5 < ready threshold 150", "x 149.5 >= nurture threshold 50"},
		{150.004, 150, 50, readyPeople, "x 150 >= ready threshold 150", "x 150 >= nurture threshold 50"},
		{-0.001, 0, 0, readyPeople, "x -0.001 < ready threshold 0", "x -0.001 < nurture threshold 0"},
		{0.599, 0.6, 0.3, readyFixed2, "x 0.599 < ready threshold 0.600", "x 0.599 >= nurture threshold 0.300"},
		{0.5999999, 0.6, 0.3, readyFixed2, "x 0.5999999 < ready threshold 0.6000000", "x 0.5999999 >= nurture threshold 0.3000000"},
		{math.Nextafter(0.6, 0), 0.6, 0.3, readyFixed2,
			"x 0.5999999999999999 < ready threshold 0.6000000000000000", "x 0.5999999999999999 >= nurture threshold 0.3000000000000000"},
		{1e-300, 2e-300, 0, readyPeople, "x " + tiny + " < ready threshold " + tiny2, "x " + tiny + " >= nurture threshold 0"},
		// Two neighbouring floats of 301 digits: told apart by their digits.
		{1e300, math.Nextafter(1e300, math.Inf(1)), 0, readyPeople,
			"x " + big + " < ready threshold " + bigNext, "x " + big + " >= nurture threshold 0"},
	}
	for _, tt := range tests {
		okR, okN, whyR, whyN := readyLevels("x", tt.v, tt.ready, tt.nurture, tt.f)
		require.Equal(t, tt.v >= tt.ready, okR, "%v", tt.v)
		require.Equal(t, tt.v >= tt.nurture, okN, "%v", tt.v)
		require.Equal(t, tt.wantR, whyR, "%v", tt.v)
		require.Equal(t, tt.wantN, whyN, "%v", tt.v)
	}
}
