package engine

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/internal/jsonenc"
)

// activityRecord is the compact form of an activity kept in the state:
// an account keeps its activities for weeks, and a large engine many
// millions of them, each of whose strings the collector visits at every
// collection. So the activity's ID and its kept attributes share one
// string (key: the ID's length as a uvarint, the ID, then the
// [packedAttrs]), its type is the engine's copy of that type's name
// (nameTable), and its person is the state's own ID string.
//
// In JSON it is an object with the fields id, type, person, time and
// attributes (omitted when there are none).
type activityRecord struct {
	Type   b2b.ActivityType
	Person b2b.PersonID
	Time   time.Time
	key    string
}

// newActivityRecord makes the record of an activity.
func newActivityRecord(id b2b.ActivityID, typ b2b.ActivityType, person b2b.PersonID, at time.Time, attrs map[string]any) activityRecord {
	var room [128]byte
	key := appendAttributes(appendID(room[:0], id), attrs)
	return activityRecord{Type: typ, Person: person, Time: at, key: string(key)}
}

// appendID appends the start of a record's key, its ID, to buf.
func appendID(buf []byte, id b2b.ActivityID) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(id)))
	return append(buf, id...)
}

// split returns the record's ID and attributes.
func (r activityRecord) split() (b2b.ActivityID, packedAttrs) {
	n, w := uvarint(r.key)
	if w == 0 || n > uint64(len(r.key)-w) {
		return "", "" // only newActivityRecord and UnmarshalJSON write keys: never
	}
	return b2b.ActivityID(r.key[w : w+int(n)]), packedAttrs(r.key[w+int(n):])
}

// id returns the activity's ID.
func (r activityRecord) id() b2b.ActivityID {
	id, _ := r.split()
	return id
}

// attrs returns the activity's kept attributes.
func (r activityRecord) attrs() packedAttrs {
	_, attrs := r.split()
	return attrs
}

// responseActivity is the activity as response tracking reads it, with
// the only attributes it reads (channel.TrackResponses).
func (r activityRecord) responseActivity(account b2b.AccountID) b2b.Activity {
	id, attrs := r.split()
	return b2b.Activity{ID: id, Type: r.Type, Person: r.Person, Account: account, Time: r.Time,
		Attributes: attrs.unpack("alertId", "solutionInterest")}
}

// activityJSON is a record's form in JSON.
type activityJSON struct {
	ID         b2b.ActivityID   `json:"id"`
	Type       b2b.ActivityType `json:"type"`
	Person     b2b.PersonID     `json:"person"`
	Time       time.Time        `json:"time"`
	Attributes packedAttrs      `json:"attributes,omitempty"`
}

// MarshalJSON writes the record as encoding/json writes an activityJSON.
func (r activityRecord) MarshalJSON() ([]byte, error) {
	return r.appendJSON(make([]byte, 0, 64+len(r.key)+len(r.Type)+len(r.Person)))
}

// appendJSON appends what MarshalJSON returns to buf.
func (r activityRecord) appendJSON(buf []byte) ([]byte, error) {
	id, attrs := r.split()
	buf = append(buf, `{"id":`...)
	buf = jsonenc.String(buf, string(id), true)
	buf = append(buf, `,"type":`...)
	buf = jsonenc.String(buf, r.Type, true)
	buf = append(buf, `,"person":`...)
	buf = jsonenc.String(buf, string(r.Person), true)
	buf = append(buf, `,"time":`...)
	n := len(buf)
	buf, ok := jsonenc.Time(buf, r.Time)
	if !ok { // not in UTC, or of a year encoding/json refuses
		t, err := r.Time.MarshalJSON()
		if err != nil {
			return nil, err
		}
		buf = append(buf[:n], t...)
	}
	if attrs != "" {
		buf = append(buf, `,"attributes":`...)
		buf = attrs.appendJSON(buf)
	}
	return append(buf, '}'), nil
}

// UnmarshalJSON reads a record written by MarshalJSON.
func (r *activityRecord) UnmarshalJSON(data []byte) error {
	var j activityJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var room [128]byte
	key := append(appendID(room[:0], j.ID), j.Attributes...)
	*r = activityRecord{Type: j.Type, Person: j.Person, Time: j.Time, key: string(key)}
	return nil
}
