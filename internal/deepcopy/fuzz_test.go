package deepcopy_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quorumhq/quorum/internal/deepcopy"
)

// FuzzCopyJSONValues copies values of any shape that JSON holds (maps,
// slices, and the scalars in them): a copy is reflect.DeepEqual to its
// original, and overwriting every map entry and slice element of the copy
// leaves the original as it was.
func FuzzCopyJSONValues(f *testing.F) {
	for _, s := range []string{`null`, `1`, `"s"`, `[]`, `{}`, `[1,"a",[2,[3]],{"k":[{"x":null}]}]`, `{"a":{"b":{"c":[true,false]}},"d":[[],{}]}`} {
		f.Add(s)
	}
	cp, err := deepcopy.For[any]()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var src, want any
		if json.Unmarshal([]byte(s), &src) != nil {
			return
		}
		_ = json.Unmarshal([]byte(s), &want)
		dst := cp(&src)
		if !reflect.DeepEqual(src, *dst) {
			t.Fatalf("copy of %s = %#v, not equal", s, *dst)
		}
		scramble(*dst)
		if !reflect.DeepEqual(want, src) {
			t.Fatalf("changing the copy of %s changed the original: %#v", s, src)
		}
	})
}

// scramble overwrites every map entry and slice element within v.
func scramble(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			scramble(e)
			x[k] = "scrambled"
		}
		x["added"] = 1.0
	case []any:
		for i, e := range x {
			scramble(e)
			x[i] = "scrambled"
		}
	}
}
