package rules

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
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

// Numbers returns the numbers written in a rule's source, each also
// negated (-50 is the number 50 negated), for [FormatValueAgainst]. A
// source the default engine cannot parse has none. A consumer that writes
// the values of a rule often computes them once, when it compiles the
// rule.
func Numbers(source string) []float64 {
	tree, err := parser.Parse(source)
	if err != nil {
		return nil
	}
	var out []float64
	ast.Find(tree.Node, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.IntegerNode:
			out = append(out, float64(x.Value), -float64(x.Value))
		case *ast.FloatNode:
			out = append(out, x.Value, -x.Value)
		}
		return false
	})
	return out
}

// FormatValueAgainst writes a value a rule read for people as
// [FormatValue] does, but never rounds a number onto or across one of
// numbers, the numbers the rule is written with ([Numbers]): it writes as
// many more decimals as it takes for the text to compare with each of
// them as the exact value does, so that a score of 49.996 that keeps an
// account out of "score >= 50" reads 49.996, not 50, and a completeness
// of 0.6599 beside "completeness > 0.66" reads 0.6599. A value away from
// the rule's numbers keeps its two decimals (0.67 beside ">= 0.6").
func FormatValueAgainst(v string, numbers []float64) string {
	text := FormatValue(v)
	if text == v || len(numbers) == 0 {
		return text
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return text
	}
	if readsAs(text, x, numbers) {
		return text
	}
	if math.Abs(x) < 0.005 {
		// FormatNumber wrote it with significant digits, so that it
		// never reads 0: one more of those at a time.
		return FormatSignificantAgainst(x, 2, numbers)
	}
	for prec := 3; prec <= 17; prec++ {
		if s := strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(x, 'f', prec, 64), "0"), "."); readsAs(s, x, numbers) {
			return s
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64) // the value exactly
}

// FormatSignificantAgainst writes x with digits significant digits, as
// strconv's 'g' format does, or with as many more as it takes for the
// text to compare with each of numbers ([Numbers]) as x does: 14.00001
// beside "daysInStage > 14", where six digits write 14.
func FormatSignificantAgainst(x float64, digits int, numbers []float64) string {
	for prec := digits; prec <= 17; prec++ {
		if s := strconv.FormatFloat(x, 'g', prec, 64); readsAs(s, x, numbers) {
			return s
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64) // the value exactly
}

// readsAs reports whether text, read as a number, compares with each of
// numbers as x does.
func readsAs(text string, x float64, numbers []float64) bool {
	y, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return false
	}
	for _, c := range numbers {
		if cmp.Compare(x, c) != cmp.Compare(y, c) {
			return false
		}
	}
	return true
}
