package jsonpath_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quorumhq/quorum/internal/jsonpath"
)

// FuzzDecode: Decode never panics, fails exactly where encoding/json
// fails, and gives its problem, with a path before it at most.
func FuzzDecode(f *testing.F) {
	type item struct {
		At   time.Time         `json:"at"`
		Name string            `json:"name"`
		N    int               `json:"n"`
		Tags map[string]string `json:"tags"`
		Next *item             `json:"next"`
	}
	type doc struct {
		Items []item          `json:"items"`
		ByKey map[string]item `json:"byKey"`
		Wait  time.Duration   `json:"wait"`
	}
	for _, s := range []string{
		`{"items":[{"name":"a"},{"name":5}]}`,
		`{"items":[{"at":"monday"}]}`,
		`{"byKey":{"x":{"next":{"at":"2026-01-01T00:00:00Z","n":"1"}}}}`,
		`{"wait":"1h"}`,
		`{"items":[{"tags":{"a":1}}]}`,
		`{"items":`,
		`[]`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want doc
		err := jsonpath.Decode(data, &got)
		wantErr := json.Unmarshal(data, &want)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("Decode: %v; json.Unmarshal: %v", err, wantErr)
		}
		// A value of the wrong type is told in the product's words, the
		// type error still found; any other problem is encoding/json's,
		// a path before it at most.
		var te *json.UnmarshalTypeError
		if errors.As(wantErr, &te) {
			if !errors.As(err, &te) {
				t.Fatalf("Decode lost the type error: %v; json.Unmarshal: %v", err, wantErr)
			}
			// Either worded (at its path) or, where no path was found,
			// encoding/json's as it is: never half of each.
			if err.Error() != wantErr.Error() && strings.Contains(err.Error(), "cannot unmarshal") {
				t.Fatalf("Decode kept Go's words: %v; json.Unmarshal: %v", err, wantErr)
			}
			return
		}
		if err != nil && !strings.HasSuffix(err.Error(), wantErr.Error()) {
			t.Fatalf("Decode: %v; json.Unmarshal: %v", err, wantErr)
		}
	})
}
