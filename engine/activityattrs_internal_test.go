package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestPackedAttrs: an activity record keeps the string values of the
// kept attributes, reads them back, and writes and reads them in JSON as
// encoding/json does a map of them.
func TestPackedAttrs(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300) // a length of two varint bytes
	for _, tc := range []struct {
		name  string
		attrs map[string]any
		want  map[string]any // what is kept
	}{
		{"none", nil, nil},
		{"nothing kept", map[string]any{"score": 3.0, "utm": "x"}, nil},
		{"one", map[string]any{"form": "Demo Request", "utm": "x"}, map[string]any{"form": "Demo Request"}},
		{"several", map[string]any{"url": "/pricing?a=1&b=<2>", "solutionInterest": "data-platform", "alertId": "al-1", "moment": ""},
			map[string]any{"url": "/pricing?a=1&b=<2>", "solutionInterest": "data-platform", "alertId": "al-1", "moment": ""}},
		{"not strings", map[string]any{"campaign": 7.0, "event": true, "solution": "x"}, map[string]any{"solution": "x"}},
		{"long and odd", map[string]any{"event": long, "form": "é\u2028\x00\"\\"}, map[string]any{"event": long, "form": "é\u2028\x00\"\\"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := packAttributes(tc.attrs)
			require.Empty(t, cmp.Diff(tc.want, p.unpack()))
			for _, k := range keptKeys {
				want, _ := tc.want[k].(string)
				require.Equal(t, want, p.get(k), k)
			}
			require.Equal(t, "", p.get("utm"))
			var some map[string]any
			for _, k := range []string{"alertId", "form"} {
				if v, ok := tc.want[k]; ok {
					if some == nil {
						some = map[string]any{}
					}
					some[k] = v
				}
			}
			require.Empty(t, cmp.Diff(some, p.unpack("alertId", "form")))

			rec := activityRecord{ID: "a1", Type: "visit_web_page", Person: "p", Attributes: p}
			got, err := json.Marshal(rec)
			require.NoError(t, err)
			type asMap struct {
				activityRecord
				Attributes map[string]any `json:"attributes,omitempty"`
			}
			want, err := json.Marshal(asMap{rec, tc.want})
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
			require.Equal(t, string(want), string(got), "byte for byte")

			var back activityRecord
			require.NoError(t, json.Unmarshal(got, &back))
			require.Equal(t, rec, back)
		})
	}
}

// FuzzPackedAttrs: whatever the values, the packed attributes read back
// what was packed and write what encoding/json writes of them.
func FuzzPackedAttrs(f *testing.F) {
	f.Add("Demo Request", "/pricing", "al-1", "")
	f.Add("<b>&amp;</b>", "\xff\xfe", "\u2028", strings.Repeat("é", 200))
	f.Fuzz(func(t *testing.T, form, url, alert, moment string) {
		attrs := map[string]any{"form": form, "url": url, "alertId": alert, "moment": moment}
		p := packAttributes(attrs)
		got, err := p.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(attrs)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("MarshalJSON = %s, encoding/json %s", got, want)
		}
		for k, v := range attrs {
			if p.get(k) != v {
				t.Fatalf("get(%q) = %q, packed %q", k, p.get(k), v)
			}
		}
		var back packedAttrs
		if err := back.UnmarshalJSON(got); err != nil {
			t.Fatal(err)
		}
		// Invalid UTF-8 comes back replaced, as from any JSON.
		valid := utf8.ValidString(form) && utf8.ValidString(url) && utf8.ValidString(alert) && utf8.ValidString(moment)
		if valid && back != p {
			t.Fatalf("read back %q, packed %q", back, p)
		}
	})
}
