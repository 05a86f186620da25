package program

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/internal/jsonpath"
)

// UnmarshalJSON reads a program as encoding/json does, and says which
// field holds a value that reads itself (a duration, a time) and does not
// read, or a value of the wrong type, by its full path in the program's
// JSON (as package journey reads a journey); a value of the wrong type is
// told by what the field takes and what it got, not by Go's types:
//
//	caps[0].per: duration too long: "100001d" (at most 100000 days)
//	journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//	caps[1].max: expected a whole number, got the number 1.5
//	alerts[1].cooldown: expected a whole number of nanoseconds, got text
//
// errors.As still finds the *json.UnmarshalTypeError. A problem of the
// JSON's syntax is encoding/json's, as it gives it. A program file
// (package programfile) reads the fields one by one instead, each
// problem at its line and column.
func (d *Definitions) UnmarshalJSON(data []byte) error {
	// The fields alone, without this method, under the name
	// encoding/json's own problems give them (Definitions.name).
	type Definitions plainDefinitions
	return typeProblem(jsonpath.Decode(data, (*Definitions)(d)))
}

// plainDefinitions is a Definitions without its methods.
type plainDefinitions Definitions

// typeProblem words err, when it is encoding/json's problem of a value of
// the wrong type (at its path, or of the whole program), by what the
// field takes and what it got; any other err is returned as it is.
func typeProblem(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Type == nil {
		return err
	}
	path, ok := strings.CutSuffix(err.Error(), te.Error())
	if !ok || path != "" && !strings.HasSuffix(path, ": ") {
		return err
	}
	return &typeError{path: path, te: te}
}

// typeError is a value of the wrong type at path (with its ": "; empty
// for the whole program).
type typeError struct {
	path string
	te   *json.UnmarshalTypeError
}

func (e *typeError) Error() string {
	want := wants(e.te.Type)
	got, number := strings.CutPrefix(e.te.Value, "number ")
	if number && outOfRange(e.te.Type, got) {
		return e.path + "the number " + got + " is out of range"
	}
	switch {
	case number:
		got = "the number " + got
	case e.te.Value == "number":
		got = "a number"
	case e.te.Value == "string":
		got = "text"
	case e.te.Value == "bool":
		got = "true or false"
	case e.te.Value == "array":
		got = "a list"
	case e.te.Value == "object":
		got = "an object"
	}
	return e.path + "expected " + want + ", got " + got
}

func (e *typeError) Unwrap() error { return e.te }

// outOfRange reports whether the number written as literal is whole, or
// too large to tell, and out of the range of integer type t.
func outOfRange(t reflect.Type, literal string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v := reflect.New(t).Elem()
	f, err := strconv.ParseFloat(literal, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return true // beyond a float64 (1e400)
	case err != nil || f != math.Trunc(f):
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, err := strconv.ParseInt(literal, 10, 64); err == nil {
			return v.OverflowInt(n)
		}
		return f >= math.MaxInt64 || f <= math.MinInt64 // 1e30, or 99999999999999999999
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, err := strconv.ParseUint(literal, 10, 64); err == nil {
			return v.OverflowUint(n)
		}
		return f >= math.MaxUint64
	}
	return false
}

// wants says what a value of type t is written as in JSON.
func wants(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[time.Duration]():
		return "a whole number of nanoseconds"
	case reflect.TypeFor[time.Weekday]():
		return "a weekday number, 0 (Sunday) to 6 (Saturday)"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a value of another type"
}
