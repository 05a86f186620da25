package qualify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/quorumhq/quorum/b2b"
)

// FuzzModelJSONWalkers: the walkers that place an error of a model's JSON
// read it as the decoder does: the unknown field the decoder names is the
// one modelUnknownField finds, the value of the wrong type is at the path
// the decoder names, with its indexes, and a problem of a model read is
// placed where a value begins.
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
		`{"version": 2, "terms": [{"feature": "score", "scale": 0}, {"feature": "score", "scale": 1}], "evaluation": {"auc": 1.5}}`,
		`{"terms": [{"feature": "x", "scale": 1}], "TERMS": [{"Scale": 0, "scale": null}], "training": {"l2": -1}, "training": {}}`,
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
			// Each problem of the model read is placed where a value
			// of the JSON begins.
			var ve *b2b.ValidationError
			if !errors.As(modelPlaceProblems(data, model, (*Model)(&m).Validate()), &ve) {
				return
			}
			for _, p := range ve.Problems {
				start, ok := modelValueStart(json.NewDecoder(bytes.NewReader(data)), data, model, modelPathSteps(p.Path))
				if !ok {
					continue
				}
				var raw json.RawMessage
				if json.NewDecoder(bytes.NewReader(data[start:])).Decode(&raw) != nil || string(raw) == "null" {
					t.Fatalf("%q: %s placed at %d, where no value begins", data, p.Path, start)
				}
			}
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
