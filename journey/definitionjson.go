package journey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// UnmarshalJSON reads a journey as encoding/json does, and says which
// field holds a value that reads itself (a duration, a time) and does not
// read, by its path in the JSON (fields by their JSON names, lists by
// index), as [DecodeJSON] does:
//
//	nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
func (j *Journey) UnmarshalJSON(data []byte) error {
	// The fields alone, without this method, under the name
	// encoding/json's own problems give them (Journey.id).
	type Journey plainJourney
	return DecodeJSON(data, (*Journey)(j))
}

// plainJourney is a Journey without its methods.
type plainJourney Journey

var (
	journeyType      = reflect.TypeFor[Journey]()
	plainJourneyType = reflect.TypeFor[plainJourney]()
	unmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
)

// DecodeJSON reads data into v as encoding/json does (json.Unmarshal),
// and when a value that reads itself does not read (a [Duration], a
// time, which encoding/json reports without a word of where they are),
// puts the value's path in the JSON before its problem: fields by their
// JSON names, lists by index, maps by key, the journeys in v included:
//
//	journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//
// Any other problem is encoding/json's, as it gives it. Definitions
// that hold journeys read themselves with it (program.Definitions).
func DecodeJSON(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil || !json.Valid(data) {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if path, bad, _ := badValue(dec, reflect.TypeOf(v), ""); path != "" {
		return fmt.Errorf("%s: %w", path, bad)
	}
	return err
}

// badValue reads the next JSON value of dec as encoding/json reads it
// into a value of type t, and returns the path (under path) of the first
// value in it that reads itself and does not read, with its problem; ""
// when none. What does not fit t is passed over, as encoding/json passes
// it over; journeys are read field by field, as encoding/json reads them.
func badValue(dec *json.Decoder, t reflect.Type, path string) (string, error, error) {
	pointer := false
	for t.Kind() == reflect.Pointer {
		t, pointer = t.Elem(), true
	}
	if t == journeyType {
		t = plainJourneyType
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
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
			if p, bad, err := badValue(dec, f.Type, joinPath(path, jsonName(f))); p != "" || err != nil {
				return p, bad, err
			}
		}
	case open == '{' && t.Kind() == reflect.Map:
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return "", nil, err
			}
			if p, bad, err := badValue(dec, t.Elem(), fmt.Sprintf("%s[%q]", path, key)); p != "" || err != nil {
				return p, bad, err
			}
		}
	case open == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; dec.More(); i++ {
			if p, bad, err := badValue(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" || err != nil {
				return p, bad, err
			}
		}
	}
	return "", nil, skipRest(dec)
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
