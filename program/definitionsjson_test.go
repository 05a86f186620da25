package program_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// TestJSONValueProblemsNameThePath: a program read with encoding/json
// whose duration (or time) does not read, or whose value is of the wrong
// type, says where it is, by its full path in the program's JSON, as a
// program file does; encoding/json alone gave the duration's problem with
// no word of where it was, a journey's own path lacked the journey, and a
// value of the wrong type was named without its indexes, and with Go's
// names of types ("cannot unmarshal number 1.5 into Go struct field
// Cap.caps.max of type int") where it now says what the field takes and
// what it got.
func TestJSONValueProblemsNameThePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, want string
		tooLong          bool
	}{{
		name:    "a cap's period",
		json:    `{"name":"p","caps":[{"name":"c","max":1,"per":"100001d"}]}`,
		want:    `caps[0].per: duration too long: "100001d" (at most 100000 days)`,
		tooLong: true,
	}, {
		name: "a cap's longest deferral",
		json: `{"name":"p","caps":[{"name":"c","max":1,"per":"7d"},{"name":"d","max":1,"per":"1d","maxDefer":"3 days"}]}`,
		want: `caps[1].maxDefer: invalid duration "3 days": days are a whole number without a sign, such as 5d`,
	}, {
		name:    "the group velocity window",
		json:    `{"name":"p","groupScore":{"velocityWindow":"9999999999h"}}`,
		want:    `groupScore.velocityWindow: duration too long: "9999999999h" (at most 100000 days)`,
		tooLong: true,
	}, {
		name:    "a journey's node, after a journey that reads",
		json:    `{"name":"p","journeys":[{"id":"j0","nodes":[]},{"id":"j1","nodes":[` + `{"id":"a","kind":"end","end":{}},{"id":"l","kind":"listen","listen":{"timeout":"7d"}},{"id":"w","kind":"wait","wait":{"for":"100001d","next":"a"}}` + `]}]}`,
		want:    `journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)`,
		tooLong: true,
	}, {
		name: "a journey's end, a time",
		json: `{"name":"p","journeys":[{"id":"j0","endAt":"tomorrow","nodes":[{"id":"w","kind":"wait","wait":{"for":"100001d"}}]}]}`,
		want: `journeys[0].endAt: parsing time "tomorrow" as "2006-01-02T15:04:05Z07:00": cannot parse "tomorrow" as "2006"`,
	}, {
		name: "a value of the wrong type, in a list",
		json: `{"name":"p","alerts":[{"name":"a","cooldown":3600000000000},{"name":"b","cooldown":"1h"}]}`,
		want: `alerts[1].cooldown: expected a whole number of nanoseconds, got text`,
	}, {
		name: "a value of the wrong type, in a journey",
		json: `{"name":5,"journeys":[{"id":"j0","nodes":[]},{"id":"j1","nodes":[{"id":"a","kind":"end"},{"id":7}]}]}`,
		want: `journeys[1].nodes[1].id: expected text, got a number`,
	}, {
		name: "a number that does not fit",
		json: `{"name":"p","caps":[{"name":"c","max":1},{"name":"d","max":1.5}]}`,
		want: `caps[1].max: expected a whole number, got the number 1.5`,
	}, {
		name: "a whole number too large",
		json: `{"name":"p","caps":[{"name":"c","max":1e30}]}`,
		want: `caps[0].max: the number 1e30 is out of range`,
	}, {
		name: "text for a number",
		json: `{"name":"p","readiness":{"readyScore":"150"}}`,
		want: `readiness.readyScore: expected a number, got text`,
	}, {
		name: "a list for an object",
		json: `{"name":"p","interests":[{"id":"dp","applies":["true"]}]}`,
		want: `interests[0].applies: expected an object, got a list`,
	}, {
		name: "an object for a list",
		json: `{"name":"p","caps":{"name":"c"}}`,
		want: `caps: expected a list, got an object`,
	}, {
		name: "a boolean for text",
		json: `{"name":true}`,
		want: `name: expected text, got true or false`,
	}, {
		name: "text for a weekday",
		json: `{"name":"p","journeys":[{"id":"j","nodes":[{"id":"w","kind":"wait","wait":{"for":"1d","window":{"days":["mon"],"from":"09:00","to":"17:00"}}}]}]}`,
		want: `journeys[0].nodes[0].wait.window.days[0]: expected a weekday number, 0 (Sunday) to 6 (Saturday), got text`,
	}, {
		name: "not an object",
		json: `["p"]`,
		want: `expected an object, got a list`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var defs program.Definitions
			err := json.Unmarshal([]byte(tt.json), &defs)
			require.EqualError(t, err, tt.want)
			if tt.tooLong {
				require.ErrorIs(t, err, journey.ErrDurationTooLong)
			}
		})
	}
	// The wording is the program's, the problem still encoding/json's.
	var defs0 program.Definitions
	var te *json.UnmarshalTypeError
	require.ErrorAs(t, json.Unmarshal([]byte(`{"name":"p","caps":[{"name":"c","max":"2"}]}`), &defs0), &te)
	require.Equal(t, "string", te.Value)
	// Any other problem is encoding/json's, and a program that reads
	// reads as it did.
	var defs program.Definitions
	require.EqualError(t, json.Unmarshal([]byte(`{"name":"p",}`), &defs), "invalid character '}' looking for beginning of object key string")
	require.NoError(t, json.Unmarshal([]byte(`{"name":"p","groupScore":{"velocityWindow":"7d"},"caps":[{"name":"c","max":1,"per":"1d"}],"journeys":[{"id":"j","nodes":[{"id":"w","kind":"wait","wait":{"for":"5d","next":"w"}}]}]}`), &defs))
	require.Equal(t, journey.Days(7), defs.GroupScore.VelocityWindow)
	require.Equal(t, journey.Days(1), defs.Caps[0].Per)
	require.Equal(t, journey.Days(5), defs.Journeys[0].Nodes[0].Wait.For)
}
