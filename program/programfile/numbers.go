package programfile

import (
	"cmp"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/quorumhq/quorum/journey"
)

// A number written in a program file is read only when every reader takes
// it for the same number: YAML 1.1 (yaml.org/type/int.html and float.html),
// YAML 1.2's core schema, and JSON, which YAML 1.2 reads as JSON does.

var (
	// jsonNumber is a number as JSON writes it (encoding/json writes 1e-07
	// and 1e+21 for small and large floats); YAML 1.2 reads it alike.
	jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

	// YAML 1.1's numbers, sign apart: underscores are allowed between
	// digits, a leading zero is octal, a float has a point and its
	// exponent a sign.
	yaml11Binary  = regexp.MustCompile(`^0b[01_]+$`)
	yaml11Octal   = regexp.MustCompile(`^0[0-7_]+$`)
	yaml11Decimal = regexp.MustCompile(`^(0|[1-9][0-9_]*)$`)
	yaml11Hex     = regexp.MustCompile(`^0x[0-9a-fA-F_]+$`)
	yaml11Float   = regexp.MustCompile(`^([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?$`)

	// YAML 1.2 core schema's numbers: no underscores, a base only
	// unsigned, a leading zero is decimal.
	yaml12Decimal = regexp.MustCompile(`^[-+]?[0-9]+$`)
	yaml12Octal   = regexp.MustCompile(`^0o[0-7]+$`)
	yaml12Hex     = regexp.MustCompile(`^0x[0-9a-fA-F]+$`)
	yaml12Float   = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
)

// A reading is what one YAML version makes of a plain scalar: a number
// (value in decimal, base its name when not ten) or, when !number, text.
type reading struct {
	number bool
	value  string
	base   string
}

func (r reading) String() string {
	switch {
	case !r.number:
		return "text"
	case r.base != "":
		return "the " + r.base + " number " + r.value
	}
	return "the number " + r.value
}

// readYAML11 reads s as YAML 1.1 does.
func readYAML11(s string) reading {
	sign, digits := cutSign(s)
	switch {
	case yaml11Binary.MatchString(digits):
		return wholeReading(sign, digits[2:], 2, "binary")
	case yaml11Hex.MatchString(digits):
		return wholeReading(sign, digits[2:], 16, "hexadecimal")
	case yaml11Octal.MatchString(digits):
		return wholeReading(sign, digits[1:], 8, "octal")
	case yaml11Decimal.MatchString(digits):
		return wholeReading(sign, digits, 10, "")
	case yaml11Float.MatchString(digits):
		return floatReading(sign + strings.ReplaceAll(digits, "_", ""))
	}
	return reading{}
}

// readYAML12 reads s as YAML 1.2's core schema does.
func readYAML12(s string) reading {
	switch {
	case yaml12Decimal.MatchString(s):
		sign, digits := cutSign(s)
		return wholeReading(sign, digits, 10, "")
	case yaml12Octal.MatchString(s):
		return wholeReading("", s[2:], 8, "")
	case yaml12Hex.MatchString(s):
		return wholeReading("", s[2:], 16, "")
	case yaml12Float.MatchString(s):
		return floatReading(s)
	}
	return reading{}
}

func cutSign(s string) (sign, rest string) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		return s[:1], s[1:]
	}
	return "", s
}

// wholeReading reads the digits of a whole number in base (underscores
// left out), in decimal. A number in another base of hundreds of digits,
// far out of any field's range, is not converted: it reads as text.
func wholeReading(sign, digits string, base int, name string) reading {
	value := strings.TrimLeft(strings.ReplaceAll(digits, "_", ""), "0")
	switch {
	case value == "":
		return reading{number: true, value: "0", base: name}
	case base == 10:
	case len(value) > 256:
		return reading{}
	default:
		var i big.Int
		if _, ok := i.SetString(value, base); !ok {
			return reading{}
		}
		value = i.String()
	}
	if sign == "-" {
		value = "-" + value
	}
	return reading{number: true, value: value, base: name}
}

func floatReading(s string) reading {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && f == 0 { // a syntax error (1.2.3); too large is infinite
		return reading{}
	}
	return reading{number: true, value: formatFloat(f)}
}

// formatFloat writes f as every reader takes it alike: in decimals, or,
// when that is long, with a point and a signed exponent (1.0e+300).
func formatFloat(f float64) string {
	if s := strconv.FormatFloat(f, 'f', -1, 64); len(s) <= 24 {
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	if mant, exp, ok := strings.Cut(s, "e"); ok && !strings.Contains(mant, ".") {
		s = mant + ".0e" + exp
	}
	return s
}

// numberText returns the text of a scalar the parser read as a number, or
// that YAML 1.2 reads as one (1e3): false for any other node.
func numberText(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		if t := x.GetToken(); t != nil {
			return t.Value, true
		}
	case *ast.StringNode:
		return plainNumber(x)
	}
	return "", false
}

// readDifferently tells, for a number that YAML 1.1 and YAML 1.2 read
// differently (as two numbers, or one as text), how each reads it, and
// what to write: the number one of them reads, the one YAML 1.2 reads
// when both do (then also, as alt, YAML 1.1's and what it is). ok is false for a number
// that every reader takes alike, or one written as JSON writes numbers.
func readDifferently(n ast.Node) (why, write, alt string, ok bool) {
	text, isNumber := numberText(n)
	if !isNumber || jsonNumber.MatchString(text) {
		return "", "", "", false
	}
	r11, r12 := readYAML11(text), readYAML12(text)
	switch {
	case r11.number && r12.number && r11.value == r12.value:
		return "", "", "", false
	case r11.number && r12.number:
		// 010: octal 8 to YAML 1.1, 10 to YAML 1.2.
		write, alt = r12.value, r11.value+" for "+cmp.Or(r11.base, "YAML 1.1's reading")
	case r12.number:
		write = r12.value
	case r11.number:
		write = r11.value
	default:
		// Neither reads a number (-0o17), though the parser did.
		write = parsedNumber(n)
	}
	if !r11.number && !r12.number {
		why = fmt.Sprintf("YAML 1.1 and 1.2 read %s as text", text)
	} else {
		why = fmt.Sprintf("YAML 1.1 reads %s as %s, YAML 1.2 as %s", text, r11, r12)
	}
	return why, write, alt, true
}

// parsedNumber writes the number the parser read n as.
func parsedNumber(n ast.Node) string {
	if i, ok := integer(n); ok {
		if i.neg {
			return "-" + strconv.FormatUint(i.u, 10)
		}
		return strconv.FormatUint(i.u, 10)
	}
	f, _ := number(n)
	return formatFloat(f)
}

// durationWrite says what to write for a duration written as a number
// that YAML 1.1 and YAML 1.2 read differently, write being the number to
// write instead: the number, when a bare number of nanoseconds that many
// is read, or a duration with its unit.
func durationWrite(write string) string {
	ns, err := strconv.ParseInt(write, 10, 64)
	switch {
	case err != nil: // not a whole number of nanoseconds
		return "a duration such as 5d or 36h"
	case ns > 0 && ns < int64(time.Second):
		return withUnit(ns)
	}
	return write + " (nanoseconds) or a duration such as 5d or 36h"
}

// nanoseconds writes "n nanoseconds".
func nanoseconds(n int64) string {
	if n == 1 {
		return "1 nanosecond"
	}
	return strconv.FormatInt(n, 10) + " nanoseconds"
}

// withUnit suggests, for a bare number n of nanoseconds too small to be
// meant, the durations it may have been meant as: n with the largest
// units that make a duration (5d, 5h or 5m; 999999999s or 999999999ms).
func withUnit(n int64) string {
	var valid []string
	for _, unit := range []string{"d", "h", "m", "s", "ms"} {
		s := strconv.FormatInt(n, 10) + unit
		if _, err := journey.ParseDuration(s); err == nil {
			valid = append(valid, s)
		}
		if len(valid) == 3 {
			break
		}
	}
	list := valid[len(valid)-1]
	if len(valid) > 1 {
		list = strings.Join(valid[:len(valid)-1], ", ") + " or " + list
	}
	return "a duration with its unit, such as " + list
}

// ambiguousNumber records a problem at n when n is a number that YAML 1.1
// and YAML 1.2 read differently; duration says the field is a duration,
// of which a bare number is nanoseconds.
func (d *decoder) ambiguousNumber(n ast.Node, path string, duration bool) bool {
	why, write, alt, ok := readDifferently(n)
	if !ok {
		return false
	}
	switch {
	case duration:
		write = durationWrite(write)
	case alt != "":
		write += ", or " + alt
	}
	d.addf(n, path, "%s: write %s", why, write)
	return true
}
