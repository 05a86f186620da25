package journey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// UnmarshalJSON reads a journey as encoding/json does, and says which
// field holds a duration it cannot read, by its path in the JSON
// (fields by their JSON names, lists by index):
//
//	nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//
// A duration reads itself ([Duration.UnmarshalJSON]), so encoding/json
// alone would tell the problem and not where it is.
func (j *Journey) UnmarshalJSON(data []byte) error {
	// The fields alone, without this method, under the name
	// encoding/json's own problems give them (Journey.id).
	type Journey plainJourney
	err := json.Unmarshal(data, (*Journey)(j))
	if err == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if path, _ := badDuration(dec, reflect.TypeFor[Journey](), ""); path != "" {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}

// plainJourney is a Journey without its methods.
type plainJourney Journey

var (
	durationType    = reflect.TypeFor[Duration]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// badDuration reads the next JSON value of dec as encoding/json reads it
// into a value of type t, and returns the path (under path) of the first
// duration in it that does not read, "" when none; what does not fit t is
// passed over, as encoding/json passes it over.
func badDuration(dec *json.Decoder, t reflect.Type, path string) (string, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return "", err
		}
		var d Duration
		if d.UnmarshalJSON(raw) != nil {
			return path, nil
		}
		return "", nil
	}
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	open, ok := tok.(json.Delim)
	if !ok {
		return "", nil // a scalar
	}
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		// Another type that reads itself.
	case open == '{' && t.Kind() == reflect.Struct:
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return "", err
			}
			name, _ := key.(string)
			f, ok := jsonField(t, name)
			if !ok {
				if err := skipValue(dec); err != nil {
					return "", err
				}
				continue
			}
			if p, err := badDuration(dec, f.Type, joinPath(path, jsonName(f))); p != "" || err != nil {
				return p, err
			}
		}
	case open == '{' && t.Kind() == reflect.Map:
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return "", err
			}
			if p, err := badDuration(dec, t.Elem(), fmt.Sprintf("%s[%q]", path, key)); p != "" || err != nil {
				return p, err
			}
		}
	case open == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; dec.More(); i++ {
			if p, err := badDuration(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" || err != nil {
				return p, err
			}
		}
	}
	return "", skipRest(dec)
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
