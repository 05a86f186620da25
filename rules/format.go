package rules

import (
	"math"
	"strconv"
	"strings"
)

// FormatNumber writes x for people, as the reasons of decisions show the
// values a rule read: with at most two decimals, trailing zeros dropped
// (185.8038812696166 is 185.8, 2/3 is 0.67, 160 is 160), except that a
// number closer to zero than 0.005 keeps two significant digits (0.0042),
// so that it does not read as 0. NaN and infinities are written as
// strconv writes them. The values a decision records for machines stay
// exact: only their text is rounded.
func FormatNumber(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, 64)
	case x == 0:
		return "0"
	case math.Abs(x) < 0.005:
		return strconv.FormatFloat(x, 'g', 2, 64)
	}
	s := strings.TrimRight(strconv.FormatFloat(x, 'f', 2, 64), "0")
	return strings.TrimSuffix(s, ".")
}

// FormatValue writes a recorded value for people: a number with a fraction
// or an exponent, as strconv and fmt write a float64 ("185.8038812696166",
// "1.2e+07"), is rounded by [FormatNumber]; anything else (an integer, a
// quoted string, a time) is returned as it is.
func FormatValue(v string) string {
	if !strings.ContainsAny(v, ".eE") {
		return v
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return FormatNumber(x)
}
