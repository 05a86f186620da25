package program

import "github.com/quorumhq/quorum/internal/jsonpath"

// UnmarshalJSON reads a program as encoding/json does, and says which
// field holds a value that reads itself (a duration, a time) and does not
// read, or a value of the wrong type, by its full path in the program's
// JSON (as package journey reads a journey); a value of the wrong type is
// told by what the field takes and what it got, not by Go's types:
//
//	caps[0].per: duration too long: "100001d" (at most 100000 days)
//	journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//	caps[1].max: expected a whole number, got the number 1.5
//	alerts[1].cooldown: expected a whole number of nanoseconds, got text
//
// errors.As still finds the *json.UnmarshalTypeError. A problem of the
// JSON's syntax is encoding/json's, as it gives it. A program file
// (package programfile) reads the fields one by one instead, each
// problem at its line and column.
func (d *Definitions) UnmarshalJSON(data []byte) error {
	// The fields alone, without this method, under the name
	// encoding/json's own problems give them (Definitions.name).
	type Definitions plainDefinitions
	return jsonpath.Decode(data, (*Definitions)(d))
}

// plainDefinitions is a Definitions without its methods.
type plainDefinitions Definitions
