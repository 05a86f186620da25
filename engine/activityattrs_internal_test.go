package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
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

			at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
			rec := newActivityRecord("a1", "visit_web_page", "p", at, tc.attrs)
			require.Equal(t, b2b.ActivityID("a1"), rec.id())
			require.Equal(t, p, rec.attrs())
			got, err := json.Marshal(rec)
			require.NoError(t, err)
			type asMap struct {
				ID         b2b.ActivityID `json:"id"`
				Type       string         `json:"type"`
				Person     b2b.PersonID   `json:"person"`
				Time       time.Time      `json:"time"`
				Attributes map[string]any `json:"attributes,omitempty"`
			}
			want, err := json.Marshal(asMap{"a1", "visit_web_page", "p", at, tc.want})
			require.NoError(t, err)
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

// FuzzActivityRecord: whatever its ID, type, person and attributes, a
// record gives back its ID and attributes, writes what encoding/json
// writes of its fields, and reads back what it wrote.
func FuzzActivityRecord(f *testing.F) {
	f.Add("act-1", "visit_web_page", "person-1", "/pricing", "Demo", int64(1_700_000_000_000_000_000))
	f.Add("", "", "", "", "", int64(0))
	f.Add(strings.Repeat("i", 200), "<type>", "\xff", "\u2028", "", int64(-1))
	f.Fuzz(func(t *testing.T, id, typ, person, url, form string, nanos int64) {
		at := time.Unix(0, nanos).UTC()
		attrs := map[string]any{}
		if url != "" {
			attrs["url"] = url
		}
		if form != "" {
			attrs["form"] = form
		}
		rec := newActivityRecord(b2b.ActivityID(id), typ, b2b.PersonID(person), at, attrs)
		if rec.id() != b2b.ActivityID(id) || rec.attrs().get("url") != url || rec.attrs().get("form") != form {
			t.Fatalf("record %q gives back ID %q, url %q, form %q", rec.key, rec.id(), rec.attrs().get("url"), rec.attrs().get("form"))
		}
		raw, err := rec.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(struct {
			ID         string         `json:"id"`
			Type       string         `json:"type"`
			Person     string         `json:"person"`
			Time       time.Time      `json:"time"`
			Attributes map[string]any `json:"attributes,omitempty"`
		}{id, typ, person, at, attrs})
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != string(want) {
			t.Fatalf("MarshalJSON = %s, encoding/json %s", raw, want)
		}
		got, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("json.Marshal = %s, encoding/json of the fields %s", got, want)
		}
		var back activityRecord
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		again, err := json.Marshal(back)
		if err != nil {
			t.Fatal(err)
		}
		// Invalid UTF-8 comes back replaced, as from any JSON: what is
		// read back is written the same way from then on.
		valid := true
		for _, s := range []string{id, typ, person, url, form} {
			valid = valid && utf8.ValidString(s) // each: two invalid halves can join into a valid whole
		}
		if !valid {
			var twice activityRecord
			if err := json.Unmarshal(again, &twice); err != nil {
				t.Fatal(err)
			}
			if twice != back {
				t.Fatalf("read back twice %+v, once %+v", twice, back)
			}
			return
		}
		if back != rec {
			t.Fatalf("read back %+v, wrote %+v", back, rec)
		}
		if string(again) != string(got) {
			t.Fatalf("read back and written again: %s, first %s", again, got)
		}
	})
}
