package qualify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzModelJSONWalkers: the two walkers that place a decoding error of a
// model's JSON read it as the decoder does: the unknown field the decoder
// names is the one modelUnknownField finds, and the value of the wrong
// type is at the path the decoder names, with its indexes.
func FuzzModelJSONWalkers(f *testing.F) {
	for _, s := range []string{
		`{"version": 1, "weights": 1}`,
		`{"terms":[{},{"feature":["x"]}]}`,
		`{"Terms":[{},{},{"SCALE":"x"}]}`,
		`{"terms":[{"scale":"x"}],"terms":[{},{"scale":"y"}]}`,
		`{"evaluation":{"calibration":[{"lo":0},{"cnt":3}]}}`,
		`{"outcome": "\"", "a\"b": 1}`,
		`{"training":{"seed":-1}}`,
		`{"terms":{"a":1}}`,
	} {
		f.Add([]byte(s))
	}
	model := reflect.TypeFor[Model]()
	f.Fuzz(func(t *testing.T, data []byte) {
		type plain Model
		var m plain
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err := dec.Decode(&m)
		var typ *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(err, &typ) && typ.Field != "":
			where, ok := modelValueAt(json.NewDecoder(bytes.NewReader(data)), model, "", typ.Offset-1)
			if !ok || modelPathWithoutIndexes(where) != typ.Field {
				t.Fatalf("%q: decoder: %v; modelValueAt: %q, %v", data, err, where, ok)
			}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			_, key, _, ok := modelUnknownField(json.NewDecoder(bytes.NewReader(data)), data, model, "")
			if !ok || err.Error() != fmt.Sprintf("json: unknown field %q", key) {
				t.Fatalf("%q: decoder: %v; modelUnknownField: %q, %v", data, err, key, ok)
			}
		}
	})
}
