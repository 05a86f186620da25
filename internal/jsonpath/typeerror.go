package jsonpath

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// typeError is encoding/json's problem of a value of the wrong type,
// worded by what the field takes and what it got, not by Go's types
// ("expected a whole number, got the number 1.5"); errors.As still
// finds the *json.UnmarshalTypeError.
type typeError struct {
	te *json.UnmarshalTypeError
}

func (e *typeError) Error() string {
	want := wants(e.te.Type)
	got, number := strings.CutPrefix(e.te.Value, "number ")
	if number && outOfRange(e.te.Type, got) {
		return "the number " + got + " is out of range"
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
	return "expected " + want + ", got " + got
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
