package journey_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// TestJSONDurationProblemsNameTheField: a journey read from JSON with a
// duration (or a time) that does not read says which field holds it, by
// its path in the JSON, as a program file does by its line and column;
// encoding/json alone gave the problem of the duration with no word of
// where it was, and a value of the wrong type without its indexes.
func TestJSONDurationProblemsNameTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, want string
		tooLong          bool
	}{{
		name:    "too long, in a node's settings",
		json:    `{"id":"j","nodes":[{"id":"a","kind":"end","end":{}},{"id":"l","kind":"listen","listen":{"timeout":"7d"}},{"id":"w","kind":"wait","wait":{"for":"100001d","next":"a"}}]}`,
		want:    `nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)`,
		tooLong: true,
	}, {
		name:    "too long in Go's form, in the re-entry policy",
		json:    `{"id":"j","reEntry":{"mode":"after","after":"9999999999h"},"nodes":[]}`,
		want:    `reEntry.after: duration too long: "9999999999h" (at most 100000 days)`,
		tooLong: true,
	}, {
		name: "not a duration, a key in another case",
		json: `{"id":"j","Nodes":[{"id":"x","kind":"external","External":{"call":"c","Timeout":"1 day"}}]}`,
		want: `nodes[0].external.timeout: invalid duration "1 day": days are a whole number without a sign, such as 5d`,
	}, {
		name: "after values of other shapes and unknown fields, passed over",
		json: `{"id":"j","extra":{"for":"5x","nodes":[1,[2]]},"triggers":{"type":"manual"},"nodes":[{"id":"w","kind":"wait","wait":{"until":"2026-01-01T00:00:00Z","window":{"days":[1,2]},"for":"5 days"}}]}`,
		want: `nodes[0].wait.for: invalid duration "5 days": days are a whole number without a sign, such as 5d`,
	}, {
		name: "a time that does not read, before a duration that does not either",
		json: `{"id":"j","nodes":[{"id":"w","kind":"wait","wait":{"until":"monday","for":"100001d"}}]}`,
		want: `nodes[0].wait.until: parsing time "monday" as "2006-01-02T15:04:05Z07:00": cannot parse "monday" as "2006"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var j journey.Journey
			err := json.Unmarshal([]byte(tt.json), &j)
			require.EqualError(t, err, tt.want)
			if tt.tooLong {
				require.ErrorIs(t, err, journey.ErrDurationTooLong)
			}
		})
	}
	// A value of the wrong type is told at its path, by what the field
	// takes and what it got.
	var j journey.Journey
	err := json.Unmarshal([]byte(`{"id":5}`), &j)
	require.EqualError(t, err, "id: expected text, got a number")
	var te *json.UnmarshalTypeError
	require.ErrorAs(t, err, &te, "encoding/json's problem is still there")
	require.EqualError(t, json.Unmarshal([]byte(`{"id":"j","nodes":[{"id":"a","kind":"end"},{"id":"w","wait":{"next":"a"}},{"id":"x","wait":{"next":5}}]}`), &j),
		"nodes[2].wait.next: expected text, got a number")
	// Any other problem is encoding/json's, as it was.
	require.EqualError(t, json.Unmarshal([]byte(`{"id":"j"`), &j), "unexpected end of JSON input")
	require.NoError(t, json.Unmarshal([]byte(`{"id":"j","nodes":[{"id":"w","kind":"wait","wait":{"for":"5d","next":"w"}}]}`), &j))
	require.Equal(t, journey.Days(5), j.Nodes[0].Wait.For)
}
