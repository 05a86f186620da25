// Package jsonpath reads JSON as encoding/json does, and says where in
// the JSON a value that does not read is: by its path (fields by their
// JSON names, lists by index, maps by key), which encoding/json does not
// give for a value that reads itself (a duration, a time) and gives
// without the indexes for a value of the wrong type.
package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// Decode reads data into v as encoding/json does (json.Unmarshal),
// and puts the path in the JSON of the value a problem is about before
// it: fields by their JSON names, lists by index, maps by key, the
// values in v that read themselves with Decode included (a journey). A
// value that reads itself and does not read (a journey's duration, a
// time), which encoding/json tells without a word of
// where it is, and a value of the wrong type, which it places by its
// field's name alone:
//
//	journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//	caps[1].max: expected a whole number, got the number 1.5
//	alerts[1].cooldown: expected a whole number of nanoseconds, got text
//
// A value of the wrong type is told by what its field takes and what it
// got, not by Go's types; errors.As still finds the
// *json.UnmarshalTypeError. A problem of the JSON's syntax is encoding/json's, as it gives it.
func Decode(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var notAPointer *json.InvalidUnmarshalError
	if err == nil || errors.As(err, &notAPointer) || !json.Valid(data) {
		return err
	}
	// A value that reads itself and does not read stops encoding/json
	// there: its problem is the one returned, whatever came before.
	if path, bad, _ := (&walker{}).find(newDecoder(data), reflect.TypeOf(v), "", ""); path != "" {
		if pe, ok := bad.(*pathError); ok {
			// A journey's own problem, under its path in the journey.
			return &pathError{joinIndex(path, pe.path), pe.err}
		}
		return &pathError{path, bad}
	}
	// Else the first value of the wrong type, which encoding/json names
	// by the fields it is under, without the indexes, and by Go's types:
	// it is told at its path, by what the field takes and what it got.
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Type == nil {
		return err
	}
	if te.Field == "" {
		return &typeError{te} // the whole document
	}
	if path, _, _ := (&walker{typ: te}).find(newDecoder(data), reflect.TypeOf(v), "", ""); path != "" {
		return &pathError{path, &typeError{te}}
	}
	return err
}

// pathError is a problem of the value at path in a JSON document.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

func newDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers as written, as an UnmarshalTypeError quotes them
	return dec
}

// joinIndex joins the path of a value and a path inside it.
func joinIndex(path, inner string) string {
	if strings.HasPrefix(inner, "[") {
		return path + inner
	}
	return joinPath(path, inner)
}

// walker finds a value in JSON as encoding/json reads it into a Go
// value: with typ nil, the first value that reads itself and does not
// read; else the first one typ is about.
type walker struct {
	typ *json.UnmarshalTypeError
}

// find reads the next JSON value of dec as encoding/json reads it into a
// value of type t, and returns the path (under path) of the value
// sought in it, with its problem when it reads itself; "" when none.
// fields is path without its indexes and keys, as encoding/json names a
// field. What does not fit t is passed over, as encoding/json passes it
// over.
func (w *walker) find(dec *json.Decoder, t reflect.Type, path, fields string) (string, error, error) {
	pointer := false
	for t.Kind() == reflect.Pointer {
		t, pointer = t.Elem(), true
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil || w.typ != nil {
			return "", nil, err
		}
		if pointer && string(raw) == "null" {
			return "", nil, nil // a nil pointer, not read
		}
		if bad := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); bad != nil {
			return path, bad, nil
		}
		return "", nil, nil
	}
	tok, err := dec.Token()
	if err != nil {
		return "", nil, err
	}
	if w.typ != nil && fields == w.typ.Field && w.is(tok) {
		return path, nil, nil
	}
	open, ok := tok.(json.Delim)
	if !ok {
		return "", nil, nil // a scalar
	}
	switch {
	case open == '{' && t.Kind() == reflect.Struct:
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return "", nil, err
			}
			name, _ := key.(string)
			f, ok := jsonField(t, name)
			if !ok {
				if err := skipValue(dec); err != nil {
					return "", nil, err
				}
				continue
			}
			if p, bad, err := w.find(dec, f.Type, joinPath(path, jsonName(f)), joinPath(fields, jsonName(f))); p != "" || err != nil {
				return p, bad, err
			}
		}
	case open == '{' && t.Kind() == reflect.Map:
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return "", nil, err
			}
			if p, bad, err := w.find(dec, t.Elem(), fmt.Sprintf("%s[%q]", path, key), fields); p != "" || err != nil {
				return p, bad, err
			}
		}
	case open == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; dec.More(); i++ {
			if p, bad, err := w.find(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i), fields); p != "" || err != nil {
				return p, bad, err
			}
		}
	}
	return "", nil, skipRest(dec)
}

// is reports whether tok starts a value as w.typ tells it.
func (w *walker) is(tok json.Token) bool {
	switch tok := tok.(type) {
	case json.Delim:
		return tok == '{' && w.typ.Value == "object" || tok == '[' && w.typ.Value == "array"
	case string:
		return w.typ.Value == "string"
	case bool:
		return w.typ.Value == "bool"
	case json.Number:
		return w.typ.Value == "number" || w.typ.Value == "number "+string(tok)
	}
	return false
}

// skipValue reads the next JSON value of dec and drops it.
func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// skipRest reads the rest of the object or array dec is in, and its end.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// jsonField finds the field of struct t that encoding/json reads a key
// into: the one of that JSON name, else one whose name matches it but
// for case.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for f := range t.Fields() {
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		name := jsonName(f)
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			folded, found = f, true
		}
	}
	return folded, found
}

// jsonName is the name of field f in JSON.
func jsonName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
		return name
	}
	return f.Name
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
