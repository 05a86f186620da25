package journey

import (
	"github.com/quorumhq/quorum/internal/jsonpath"
)

// UnmarshalJSON reads a journey as encoding/json does, and says which
// field holds a value that reads itself (a duration, a time) and does not
// read, or a value of the wrong type, by its path in the JSON (fields by
// their JSON names, lists by index), as program.Definitions does for a whole program:
//
//	nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//	nodes[2].wait.next: expected text, got a number
func (j *Journey) UnmarshalJSON(data []byte) error {
	// The fields alone, without this method, under the name
	// encoding/json's own problems give them (Journey.id).
	type Journey plainJourney
	return jsonpath.Decode(data, (*Journey)(j))
}

// plainJourney is a Journey without its methods.
type plainJourney Journey
