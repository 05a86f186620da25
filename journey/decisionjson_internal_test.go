package journey

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDecisionJSONLikeEncodingJSON holds Decision.MarshalJSON to what
// encoding/json makes of the decision's fields (with and without HTML
// escaping), on decisions whose every
// field (found by reflection, so that a field added to Decision and not
// to MarshalJSON fails the test) is random: strings with and without what
// JSON escapes, ints, times in UTC and elsewhere, of years encoding/json
// takes and refuses.
func TestDecisionJSONLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	require.Equal(t, 5, reflect.TypeFor[TriedPath]().NumField(), "TriedPath has a field the test does not fill")
	pieces := []string{"a", "send", "Ann", " ", "\"", "\\", "\n", "\x00", "<", "&", "\u2028", "\xff", "é", "😀"}
	str := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	values := func() []Value {
		var vs []Value
		for range r.IntN(3) {
			vs = append(vs, Value{Name: str(), Value: str()})
		}
		return vs
	}
	times := []time.Time{{}, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 5e8, time.UTC),
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("x", -5*3600)), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := range 20000 {
		var d Decision
		v := reflect.ValueOf(&d).Elem()
		for f := range v.NumField() {
			field := v.Field(f)
			switch x := field.Addr().Interface().(type) {
			case *time.Time:
				*x = times[r.IntN(len(times))]
			case *[]Value:
				*x = values()
			case *[]TriedPath:
				for range r.IntN(3) {
					*x = append(*x, TriedPath{Path: str(), Reason: str(), Rule: str(), Expr: str(), Values: values()})
				}
			default:
				switch field.Kind() {
				case reflect.String:
					field.SetString(str())
				case reflect.Int:
					field.SetInt(int64(r.IntN(4) - 1))
				default:
					t.Fatalf("Decision has a field the test does not fill: %s", v.Type().Field(f).Name)
				}
			}
		}
		want, wantErr := json.Marshal(decisionFields(d))
		got, err := d.MarshalJSON()
		prefix := []byte(`[{"a":1},`)
		appended, appendErr := d.AppendJSON(prefix)
		if wantErr != nil {
			require.Error(t, err, "decision %d", i)
			require.Error(t, appendErr, "decision %d", i)
			require.Equal(t, `[{"a":1},`, string(appended), "decision %d: AppendJSON's buffer after an error", i)
			continue
		}
		require.NoError(t, err)
		require.NoError(t, appendErr)
		require.Equal(t, `[{"a":1},`+string(got), string(appended), "decision %d: AppendJSON", i)
		viaMarshal, err := json.Marshal(d)
		require.NoError(t, err)
		require.Equal(t, string(want), string(viaMarshal), "decision %d", i)
		// Without HTML escaping, as an encoder with SetEscapeHTML(false)
		// (slog's JSON handler among them) writes the fields.
		var plain bytes.Buffer
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(decisionFields(d)))
		require.Equal(t, strings.TrimSuffix(plain.String(), "\n"), string(got), "decision %d", i)
		plain.Reset()
		require.NoError(t, enc.Encode(d))
		require.Equal(t, string(got)+"\n", plain.String(), "decision %d", i)
	}
}

// TestDecisionJSONHoldsNoRoom: what MarshalJSON returns is just as long
// as the decision's JSON, which a caller that keeps it (the engine's log
// keeps a decision for every step) keeps whole, short or long, with the
// values of every path tried or not.
func TestDecisionJSONHoldsNoRoom(t *testing.T) {
	t.Parallel()
	send := Decision{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Kind: DecisionSend, Journey: "crm-nurture", Version: 1, Entry: 3, Track: 1,
		Node: "intro-email", Person: "p-000123", Reason: `email "welcome"`, Key: "5f0e2d7c9a8b6e4f3d2c1b0a99887766"}
	tried := send
	tried.Kind, tried.Path, tried.Next, tried.Person, tried.Key = DecisionPath, "else", "nurture", "", ""
	for i := range 8 {
		tried.Tried = append(tried.Tried, TriedPath{Path: "engaged", Rule: "split path", Expr: "group.score >= 150 && group.completeness >= 0.6",
			Values: []Value{{Name: "group.score", Value: strconv.Itoa(i)}, {Name: "group.completeness", Value: "0.5"}}})
	}
	long := send
	long.Reason = strings.Repeat("a reason longer than the room on the stack; ", 50)
	for _, d := range []Decision{send, tried, long} {
		want, err := marshalFields(d)
		require.NoError(t, err)
		got, err := d.MarshalJSON()
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
		require.Equal(t, len(got), cap(got), "%.60s...: room it does not fill", got)
	}
}

// BenchmarkDecisionJSON encodes a send decision by MarshalJSON and by
// encoding/json's reflection over its fields, in the same run.
func BenchmarkDecisionJSON(b *testing.B) {
	d := Decision{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Kind: DecisionSend, Journey: "crm-nurture", Version: 1, Entry: 3, Track: 1,
		Node: "intro-email", Person: "p-000123", Reason: `email "welcome-economic-buyer"`, Key: "crm-nurture/1/acme/3/1/intro-email/1/p-000123/0/email"}
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(decisionFields(d)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
