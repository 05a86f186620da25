package journey

import (
	"bytes"
	"encoding/json"

	"github.com/quorumhq/quorum/internal/jsonenc"
)

// decisionFields is a Decision without its MarshalJSON: what
// encoding/json makes of its fields.
type decisionFields Decision

// MarshalJSON encodes the decision as encoding/json encodes its fields
// (byte for byte; a test holds it to that), without reflection: the
// engine's event log holds a decision for every step of every journey.
// It leaves <, > and & as they are: json.Marshal escapes them in what a
// MarshalJSON returns, an encoder with SetEscapeHTML(false) does not.
//
// The decision is written on the stack and what it returns is a copy
// just as long: a caller that keeps it (the engine's log) keeps no room
// it does not fill.
func (d Decision) MarshalJSON() ([]byte, error) {
	var room [decisionRoom]byte
	buf, ok := d.appendJSON(room[:0])
	if !ok {
		return marshalFields(d)
	}
	out := make([]byte, len(buf))
	copy(out, buf)
	return out, nil
}

// AppendJSON appends to buf what MarshalJSON returns, so that a caller
// that writes many decisions (the engine's event log) writes them into
// one buffer of its own. On an error, it returns buf as it was.
func (d *Decision) AppendJSON(buf []byte) ([]byte, error) {
	if out, ok := d.appendJSON(buf); ok {
		return out, nil
	}
	// A time encoding/json reports or writes its own way: what
	// appendJSON wrote past buf's length is written over.
	raw, err := marshalFields(*d)
	if err != nil {
		return buf, err
	}
	return append(buf, raw...), nil
}

// decisionRoom is the room on the stack for a decision's JSON: most
// decisions fit (a longer one grows onto the heap).
const decisionRoom = 1024

// appendJSON appends the decision's JSON to buf; false when a time is one
// to leave to encoding/json.
func (d *Decision) appendJSON(buf []byte) ([]byte, bool) {
	buf = append(buf, `{"at":`...)
	buf, ok := jsonenc.Time(buf, d.At)
	if !ok {
		return buf, false
	}
	buf = append(buf, `,"kind":`...)
	buf = jsonenc.String(buf, string(d.Kind), false)
	buf = stringField(buf, `,"journey":`, d.Journey)
	buf = intField(buf, `,"version":`, d.Version)
	buf = intField(buf, `,"entry":`, d.Entry)
	buf = intField(buf, `,"track":`, d.Track)
	buf = stringField(buf, `,"node":`, string(d.Node))
	buf = stringField(buf, `,"path":`, d.Path)
	buf = stringField(buf, `,"next":`, string(d.Next))
	buf = stringField(buf, `,"person":`, string(d.Person))
	buf = stringField(buf, `,"rule":`, d.Rule)
	buf = stringField(buf, `,"expr":`, d.Expr)
	buf = valuesField(buf, d.Values)
	if len(d.Tried) > 0 {
		buf = append(buf, `,"tried":[`...)
		for i, p := range d.Tried {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"path":`...)
			buf = jsonenc.String(buf, p.Path, false)
			buf = stringField(buf, `,"reason":`, p.Reason)
			buf = stringField(buf, `,"rule":`, p.Rule)
			buf = stringField(buf, `,"expr":`, p.Expr)
			buf = valuesField(buf, p.Values)
			buf = append(buf, '}')
		}
		buf = append(buf, ']')
	}
	buf = stringField(buf, `,"reason":`, d.Reason)
	buf = stringField(buf, `,"key":`, d.Key)
	if !d.Until.IsZero() {
		buf = append(buf, `,"until":`...)
		if buf, ok = jsonenc.Time(buf, d.Until); !ok {
			return buf, false
		}
	}
	return append(buf, '}'), true
}

// valuesField appends an omitempty "values" field.
func valuesField(buf []byte, vs []Value) []byte {
	if len(vs) == 0 {
		return buf
	}
	buf = append(buf, `,"values":[`...)
	for i, v := range vs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"name":`...)
		buf = jsonenc.String(buf, v.Name, false)
		buf = append(buf, `,"value":`...)
		buf = jsonenc.String(buf, v.Value, false)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// stringField appends an omitempty string field; key is its comma, name
// and colon.
func stringField(buf []byte, key, v string) []byte {
	if v == "" {
		return buf
	}
	return jsonenc.String(append(buf, key...), v, false)
}

// intField appends an omitempty int field.
func intField(buf []byte, key string, v int) []byte {
	if v == 0 {
		return buf
	}
	return jsonenc.Int(append(buf, key...), v)
}

// marshalFields is what encoding/json makes of the decision's fields,
// without HTML escaping: MarshalJSON for the times it leaves to
// encoding/json.
func marshalFields(d Decision) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(decisionFields(d)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
