package channel

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// templateFuncs are the functions templates may call, besides Go's
// builtins (and, or, not, eq, len, index, printf, ...).
var templateFuncs = map[string]any{
	// default gives a fallback for an empty value: {{.Person.FirstName | default "there"}}.
	"default": func(fallback string, v any) string {
		if isEmpty(v) {
			return fallback
		}
		return asText(v)
	},
	// join joins a list: {{.Group.MissingRoles | join ", "}}.
	"join": func(sep string, list []string) string { return strings.Join(list, sep) },
	// percent formats a share: {{.Group.Completeness | percent}} is "67%".
	// percent and number take any number; the loader refuses anything else.
	"percent": func(v any) string { return whole(toFloat(v)*100) + "%" },
	// number rounds to a whole number: {{.Group.Score | number}} is "142".
	"number": func(v any) string { return whole(toFloat(v)) },
	// upper and lower change case.
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	// date formats a time with a Go layout, in the time's own zone:
	// {{.Now | date "2 Jan 2006"}}. A zero time is an unknown one (never
	// updated, never engaged) and prints "", not a date in the year 1, so
	// that default gives its fallback: {{date "2 Jan 2006" .Person.UpdatedAt
	// | default "never"}}.
	"date": func(layout string, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(layout)
	},
	// attr reads a custom attribute as text, with a default for one that
	// is missing: {{.Account.Attributes | attr "tier" "standard"}}. It
	// writes a value as asText does (a time in RFC 3339).
	"attr": func(key, fallback string, m map[string]any) string {
		if v, ok := m[key]; ok && !missing(v) {
			return asText(v)
		}
		return fallback
	},
}

// loaderFuncs are the functions the loader calls in templates, added
// after parsing: required comes after every printed string token of an
// action without fallback (see markRequired). A template that calls it
// itself does not parse, as with any unknown function: its message would
// give the token's name as whatever text the template handed it.
var loaderFuncs = map[string]any{
	// text writes a printed value of a type known only at run time (an
	// attribute's) as attr does (see markText).
	"text": asText,
	"required": func(token string, v any) (any, error) {
		if isEmpty(v) {
			return nil, &EmptyTokenError{Token: token}
		}
		return v, nil
	},
}

// asText writes a value default or attr prints as a reader reads it: a
// decimal in decimal notation (an attribute decoded from JSON, a revenue
// of 25000000, is a float64, which fmt writes "2.5e+07"), a list joined
// with ", " (fmt writes "[de fr]"), each element written as its own
// value is, a map as its entries in the order of their keys ("city:
// Berlin, zip: 10115", where fmt writes "map[city:Berlin zip:10115]"),
// nil as "" (fmt writes "<nil>"), and a time in RFC 3339, in its own
// zone, with fractional seconds only when it has them
// ("2026-01-10T09:30:00-05:00", where fmt writes
// "2026-01-10 09:30:00 -0500 EST").
func asText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case []string:
		return strings.Join(x, ", ")
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, rv.Type().Bits())
	case reflect.Slice, reflect.Array:
		var b strings.Builder
		for i := range rv.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(asText(rv.Index(i).Interface()))
		}
		return b.String()
	case reflect.Map:
		type entry struct{ k, v string }
		var entries []entry
		for it := rv.MapRange(); it.Next(); {
			entries = append(entries, entry{asText(it.Key().Interface()), asText(it.Value().Interface())})
		}
		slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.k, b.k) })
		var b strings.Builder
		for i, e := range entries {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.k + ": " + e.v)
		}
		return b.String()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return ""
		}
		return asText(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// missing reports whether an attribute's value says nothing: nil, blank
// text, an empty list, a zero time. A zero or false is a value (no seats,
// not a customer), where isEmpty would print attr's default for it.
func missing(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		return len(x) == 0
	case time.Time:
		return x.IsZero()
	}
	rv := reflect.ValueOf(v)
	return (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map) && rv.Len() == 0
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case time.Time:
		// A zero time put in a zone (t.In(loc)) holds the zone, and is
		// not reflect's zero value; it is as unknown.
		return x.IsZero()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return strings.TrimSpace(rv.String()) == ""
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return rv.IsZero()
}

func toFloat(v any) float64 {
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanFloat():
		return rv.Float()
	case rv.CanInt():
		return float64(rv.Int())
	case rv.CanUint():
		return float64(rv.Uint())
	}
	return math.NaN()
}

// whole rounds v to a whole number and writes it: a value that rounds to
// zero from below is "0", not "-0", and one that is not a number or is
// infinite reads as such ("NaN", "+Inf"), where converting it to an int
// wrote the int's lowest value.
func whole(v float64) string {
	r := math.Round(v)
	if r == 0 {
		r = 0 // -0 is 0
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}
