package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/quorumhq/quorum/internal/jsonenc"
)

// FuzzString holds String to encoding/json on any string, escaping HTML
// or not.
func FuzzString(f *testing.F) {
	for _, s := range pieces {
		f.Add(s)
	}
	f.Add("a<b>&c\u2028\u2029\xff\xe2\x80\x00é")
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonenc.String(nil, s, true); string(got) != string(want) {
			t.Fatalf("String(%q, true) = %s, encoding/json %s", s, got, want)
		}
		var plain bytes.Buffer
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got, want := string(jsonenc.String(nil, s, false)), strings.TrimSuffix(plain.String(), "\n"); got != want {
			t.Fatalf("String(%q, false) = %s, encoding/json %s", s, got, want)
		}
	})
}

// FuzzTime holds Time to encoding/json on the times it encodes, in any
// zone, and checks it leaves to encoding/json only times not in UTC or
// that encoding/json refuses.
func FuzzTime(f *testing.F) {
	f.Add(int64(0), int64(0), 0)
	f.Add(int64(1772442000), int64(120000000), 0)
	f.Add(int64(1772442000), int64(5), 3600)
	f.Add(int64(253402300799), int64(999999999), 0)
	f.Add(int64(-62167219200), int64(0), 0)
	f.Add(int64(-62135596800), int64(0), 0)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("z", offset))
		got, ok := jsonenc.Time([]byte("x"), tm)
		want, err := json.Marshal(tm)
		if !ok {
			if err == nil && offset == 0 {
				t.Fatalf("Time(%v) left to encoding/json, which encodes it as %s", tm, want)
			}
			return
		}
		if err != nil {
			t.Fatalf("Time(%v) = %s, encoding/json refuses it: %v", tm, got, err)
		}
		if string(got[1:]) != string(want) {
			t.Fatalf("Time(%v) = %s, encoding/json %s", tm, got[1:], want)
		}
	})
}
