package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/internal/jsonenc"
)

var pieces = []string{"a", "Ann", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "<", ">", "&",
	"\u2028", "\u2029", "\xff", "\xe2\x80", "é", "日本", "😀", "\ufffd", "/"}

// TestStringLikeEncodingJSON holds String to encoding/json, escaping HTML
// or not, on strings of everything it escapes and everything it does not.
func TestStringLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(jsonenc.String([]byte("x"), s, true)[1:]), "%q", s)
		var plain bytes.Buffer
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(s))
		require.Equal(t, strings.TrimSuffix(plain.String(), "\n"), string(jsonenc.String(nil, s, false)), "%q", s)
	}
}

// TestTimeLikeEncodingJSON holds Time to encoding/json, and checks which
// times it leaves to it.
func TestTimeLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, tt := range []struct {
		t    time.Time
		fast bool
	}{
		{time.Time{}, true},
		{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 2, 9, 0, 0, 120000000, time.UTC), true},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("x", 3600)), false},
		{time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).UTC(), true},
	} {
		got, ok := jsonenc.Time(nil, tt.t)
		require.Equal(t, tt.fast, ok, "%v", tt.t)
		if ok {
			want, err := json.Marshal(tt.t)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		}
	}
}
