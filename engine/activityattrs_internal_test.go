package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

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
		// Made with others of its pass, sharing their string, the record
		// has the same key, and the string no more room than it needs.
		pass := []b2b.Activity{{ID: "before", Attributes: map[string]any{"url": "/a"}}, {ID: b2b.ActivityID(id), Attributes: attrs}, {ID: "after"}}
		var keys recordKeys
		keys.grow(pass)
		for _, a := range pass {
			keys.add(a.ID, a.Attributes)
		}
		recs := make([]activityRecord, len(pass))
		keys.share(recs)
		if recs[1].key != rec.key || recs[0].id() != "before" || recs[2].id() != "after" {
			t.Fatalf("records of a pass have keys %q, %q, %q; alone %q", recs[0].key, recs[1].key, recs[2].key, rec.key)
		}
		if n := keys.b.Len(); keys.b.Cap() > n+n/8+16 {
			t.Fatalf("%d bytes of keys in room for %d", n, keys.b.Cap())
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

// TestRecordKeys: the records of one pass share one string of keys, each
// record reading back its own ID and attributes as a record made alone
// does; ownKeys gives each a string of its own.
func TestRecordKeys(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("y", 300)
	acts := []b2b.Activity{
		{ID: "a1", Attributes: map[string]any{"url": "/pricing", "utm": "x"}},
		{ID: "", Attributes: nil},
		{ID: b2b.ActivityID(long), Attributes: map[string]any{"form": long, "alertId": "al-1", "campaign": 3.0}},
		{ID: "a4", Attributes: map[string]any{"moment": ""}},
	}
	var keys recordKeys
	keys.grow(acts)
	recs := make([]activityRecord, len(acts))
	for _, a := range acts {
		keys.add(a.ID, a.Attributes)
	}
	keys.share(recs)
	whole := keys.b.String()
	for i, a := range acts {
		alone := newActivityRecord(a.ID, "", "", time.Time{}, a.Attributes)
		require.Equal(t, alone.key, recs[i].key, "record %d", i)
		require.Equal(t, a.ID, recs[i].id())
		require.Equal(t, alone.attrs(), recs[i].attrs())
		if len(recs[i].key) > 0 {
			require.True(t, within(recs[i].key, whole), "record %d's key is a part of the pass's string", i)
		}
	}
	require.Equal(t, len(whole), keys.ends[len(keys.ends)-1], "the string holds the keys and nothing more")
	// grow made room for the keys, not more (but the allocator's rounding
	// up to its size class: 630 bytes take 640).
	require.Less(t, keys.b.Cap()-len(whole), 16, "room for %d bytes of keys", len(whole))

	ownKeys(recs)
	for i, a := range acts {
		require.Equal(t, a.ID, recs[i].id())
		if len(recs[i].key) > 0 {
			require.False(t, within(recs[i].key, whole), "record %d's key is its own", i)
		}
	}
}

// within reports whether part's bytes lie inside whole's.
func within(part, whole string) bool {
	p, w := unsafe.StringData(part), unsafe.StringData(whole)
	start := uintptr(unsafe.Pointer(p)) - uintptr(unsafe.Pointer(w))
	return uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(w)) && start+uintptr(len(part)) <= uintptr(len(whole))
}

// TestEraseGivesRecordsOwnKeys: the records left after a person's are
// erased no longer share a string with the person's (which would keep
// the person's activity IDs and attributes in memory behind them).
func TestEraseGivesRecordsOwnKeys(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	acts := []b2b.Activity{
		{ID: "ann-1", Person: "ann", Attributes: map[string]any{"form": "Ann's form"}},
		{ID: "bob-1", Person: "bob", Attributes: map[string]any{"url": "/pricing"}},
	}
	var keys recordKeys
	keys.grow(acts)
	st := newAccountState(b2b.Account{ID: "acme"})
	for _, a := range acts {
		keys.add(a.ID, a.Attributes)
		st.Activities = append(st.Activities, activityRecord{Type: "fill_out_form", Person: a.Person, Time: at})
	}
	keys.share(st.Activities)
	whole := keys.b.String()

	er := &erasure{}
	er.addPerson("ann")
	ps := &pass{e: &Engine{}, st: st, now: at, id: "acme"}
	ps.erase(er)
	require.NoError(t, ps.err)
	require.Len(t, st.Activities, 1)
	require.Equal(t, b2b.ActivityID("bob-1"), st.Activities[0].id())
	require.Equal(t, "/pricing", st.Activities[0].attrs().get("url"))
	require.False(t, within(st.Activities[0].key, whole), "bob's record keeps a string without ann's")
}
