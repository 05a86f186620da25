package rules_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/rules"
)

// TestAttrReadsEveryKindOfNumber: attr with a number as its default reads
// an attribute that holds a number of any of Go's kinds (int8 to int64,
// uint to uint64, float32) or a json.Number (what a decoder that keeps
// numbers as written gives) as that number, where the default's type holds
// it exactly. Only int, int64 and float64 were read: any other number was
// taken for a value of another type, so the rule got the default and
// counted the attribute as missing.
func TestAttrReadsEveryKindOfNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   any
		src     string // reads the attribute "n"
		want    float64
		missing uint64
	}{
		{"int8 as int", int8(-5), `attr(person.attributes, "n", 0)`, -5, 0},
		{"int16 as int", int16(300), `attr(person.attributes, "n", 0)`, 300, 0},
		{"int32 as int", int32(5), `attr(person.attributes, "n", 0)`, 5, 0},
		{"int32 as float", int32(5), `attr(person.attributes, "n", 0.0)`, 5, 0},
		{"uint as int", uint(5), `attr(person.attributes, "n", 0)`, 5, 0},
		{"uint8 as float", uint8(200), `attr(person.attributes, "n", 0.0)`, 200, 0},
		{"uint64 beyond an int", uint64(math.MaxUint64), `attr(person.attributes, "n", -1)`, -1, 1},
		{"uint64 as float", uint64(1 << 40), `attr(person.attributes, "n", 0.0)`, 1 << 40, 0},
		{"float32 as float", float32(2.5), `attr(person.attributes, "n", 0.0)`, 2.5, 0},
		{"float32 as written", float32(0.1), `attr(person.attributes, "n", 0.0)`, 0.1, 0},
		{"float32 whole as int", float32(7), `attr(person.attributes, "n", 0)`, 7, 0},
		{"float32 fraction as int", float32(7.5), `attr(person.attributes, "n", -1)`, -1, 1},
		{"float32 NaN", float32(math.NaN()), `attr(person.attributes, "n", -1.5)`, -1.5, 1},
		{"json.Number as int", json.Number("7"), `attr(person.attributes, "n", 0)`, 7, 0},
		{"json.Number as float", json.Number("7.25"), `attr(person.attributes, "n", 0.0)`, 7.25, 0},
		{"json.Number exponent as int", json.Number("1e3"), `attr(person.attributes, "n", 0)`, 1000, 0},
		{"json.Number fraction as int", json.Number("7.5"), `attr(person.attributes, "n", -1)`, -1, 1},
		{"json.Number whole as float", json.Number("-12"), `attr(person.attributes, "n", 0.0)`, -12, 0},
		{"json.Number not a number", json.Number("seven"), `attr(person.attributes, "n", -1)`, -1, 1},
		{"int still", 9, `attr(person.attributes, "n", 0.0)`, 9, 0},
		{"text is no number", "7", `attr(person.attributes, "n", -1)`, -1, 1},
		{"bool is no number", true, `attr(person.attributes, "n", -1)`, -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, float64](rules.New(), rules.Rule{Name: "n", Source: tt.src})
			require.NoError(t, err)
			e := env()
			e.Person.Attributes = map[string]any{"n": tt.value}
			got, err := x.Eval(e)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.missing, x.MissingAttributes())
		})
	}
}

// TestAttrReadsAJSONNumberAsText: json.Number is text as it was written
// where attr's default is text.
func TestAttrReadsAJSONNumberAsText(t *testing.T) {
	t.Parallel()
	x, err := rules.Compile[roleEnv, string](rules.New(), rules.Rule{Name: "n", Source: `attr(person.attributes, "n", "")`})
	require.NoError(t, err)
	e := env()
	e.Person.Attributes = map[string]any{"n": json.Number("7.50")}
	got, err := x.Eval(e)
	require.NoError(t, err)
	require.Equal(t, "7.50", got)
}

// TestAttrReadsATimeAsJSONWritesIt: attr with a time default reads text
// in RFC 3339, as encoding/json writes a time.Time, as that time: an
// attribute that was a time when set is text once a record is read from
// JSON (a source's payload, a state restored from a store), and read as
// the default, daysSince(attr(person.attributes, "since", now)) was 0
// for every such person. Other text (a date alone, a time with no
// offset, which would depend on a zone the rule does not name) is not a
// time and still gives the default.
func TestAttrReadsATimeAsJSONWritesIt(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 5, 29, 12, 0, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	tests := []struct {
		name    string
		value   any
		src     string
		want    float64
		missing uint64
	}{
		{"a time", since, `daysSince(attr(person.attributes, "since", now))`, 3, 0},
		{"a time as JSON writes it", mustJSONText(t, since), `daysSince(attr(person.attributes, "since", now))`, 3, 0},
		{"with fractional seconds", "2026-05-29T12:00:00.5Z", `hoursSince(attr(person.attributes, "since", now)) * 3600`, 72*3600 - 0.5, 0},
		{"with an offset", mustJSONText(t, since.In(berlin)), `daysSince(attr(person.attributes, "since", now))`, 3, 0},
		{"the hour where it was written", mustJSONText(t, since.In(berlin)), `hourOf(attr(person.attributes, "since", now))`, 14, 0},
		{"a date alone", "2026-05-29", `daysSince(attr(person.attributes, "since", now))`, 0, 1},
		{"no offset", "2026-05-29T12:00:00", `daysSince(attr(person.attributes, "since", now))`, 0, 1},
		{"not a time", "last week", `daysSince(attr(person.attributes, "since", now))`, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, float64](rules.New(), rules.Rule{Name: "since", Source: tt.src})
			require.NoError(t, err)
			e := env()
			e.Person.Attributes = map[string]any{"since": tt.value}
			got, err := x.Eval(e)
			require.NoError(t, err)
			require.InDelta(t, tt.want, got, 1e-9)
			require.Equal(t, tt.missing, x.MissingAttributes())
		})
	}
}

// mustJSONText is t as encoding/json writes it, as a string.
func mustJSONText(t *testing.T, at time.Time) string {
	t.Helper()
	b, err := json.Marshal(at)
	require.NoError(t, err)
	var s string
	require.NoError(t, json.Unmarshal(b, &s))
	return s
}
