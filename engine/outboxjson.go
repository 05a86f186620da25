package engine

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/internal/jsonenc"
)

// An outbox entry's payload is the JSON encoding of a queuedMessage (the
// store's contract). Every journey message is encoded once when queued
// and decoded once when claimed, and its delivery writes a receipt and an
// event: so these are written out here for their known shapes instead of
// going through reflection. The encodings are byte for byte what
// encoding/json writes; the payload's decoding takes the payloads the
// engine writes (strings without escapes, each key once, in
// encoding/json's spelling) and leaves anything else to encoding/json,
// which decodes it the same way.

// encodePayload returns q's JSON encoding, as json.Marshal(q) would.
func encodePayload(q *queuedMessage) []byte {
	m := &q.Message
	size := 160 + len(m.Key) + len(m.Account) + len(m.Person) + len(m.Template) + len(m.From) + len(m.To) + len(m.ReplyTo) +
		len(m.Subject) + len(m.HTML) + len(m.Text) + len(m.ListUnsubscribe) + len(m.ListUnsubscribeMailto)
	if r := q.Render; r != nil {
		size += 96 + len(r.Journey) + len(r.Node) + len(r.Group) + len(r.Interest) + len(r.Role)
	}
	buf := make([]byte, 0, size) // room for the usual payload, escapes aside
	buf = append(buf, '{')
	buf = appendField(buf, "Key", m.Key)
	buf = appendField(buf, "Channel", m.Channel)
	buf = appendField(buf, "Account", string(m.Account))
	buf = appendField(buf, "Person", string(m.Person))
	buf = appendField(buf, "Template", m.Template)
	buf = appendField(buf, "From", m.From)
	buf = appendField(buf, "To", m.To)
	buf = appendField(buf, "ReplyTo", m.ReplyTo)
	buf = appendField(buf, "Subject", m.Subject)
	buf = appendField(buf, "HTML", m.HTML)
	buf = appendField(buf, "Text", m.Text)
	buf = appendField(buf, "ListUnsubscribe", m.ListUnsubscribe)
	buf = appendField(buf, "ListUnsubscribeMailto", m.ListUnsubscribeMailto)
	if len(m.Tags) > 0 {
		buf = appendKey(buf, "Tags")
		buf = append(buf, '{')
		keys := make([]string, 0, len(m.Tags))
		for k := range m.Tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonenc.String(buf, k, true)
			buf = append(buf, ':')
			buf = jsonenc.String(buf, m.Tags[k], true)
		}
		buf = append(buf, '}')
	}
	if r := q.Render; r != nil {
		buf = appendKey(buf, "render")
		buf = append(buf, `{"journey":`...)
		buf = jsonenc.String(buf, r.Journey, true)
		buf = append(buf, `,"node":`...)
		buf = jsonenc.String(buf, r.Node, true)
		buf = append(buf, `,"group":`...)
		buf = jsonenc.String(buf, r.Group, true)
		if r.Interest != "" {
			buf = append(buf, `,"interest":`...)
			buf = jsonenc.String(buf, r.Interest, true)
		}
		if r.Role != "" {
			buf = append(buf, `,"role":`...)
			buf = jsonenc.String(buf, r.Role, true)
		}
		if !r.Sent.IsZero() {
			n := len(buf)
			var ok bool
			if buf, ok = jsonenc.Time(append(buf, `,"sent":`...), r.Sent); !ok {
				buf = buf[:n] // not in UTC: message sets it in UTC
			}
		}
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

// appendField appends an omitempty string field.
func appendField(buf []byte, key, v string) []byte {
	if v == "" {
		return buf
	}
	return jsonenc.String(appendKey(buf, key), v, true)
}

// appendKey appends a key (plain ASCII), after a comma unless it is the
// object's first.
func appendKey(buf []byte, key string) []byte {
	if buf[len(buf)-1] != '{' {
		buf = append(buf, ',')
	}
	buf = append(buf, '"')
	buf = append(buf, key...)
	return append(buf, '"', ':')
}

// decodePayload decodes a payload into q, which must be zero. It
// returns false, with q in any state, for a payload it leaves to
// encoding/json: anything but an object of known keys in encoding/json's
// spelling, each once, whose values are strings without escapes (and,
// for Tags and render, objects of such strings), with no space between
// tokens.
func decodePayload(data []byte, q *queuedMessage) bool {
	if len(data) < 2 || data[0] != '{' || !utf8.Valid(data) {
		return false
	}
	d := payloadDecoder{s: string(data), i: 1} // one copy that every field's string shares
	m := &q.Message
	var seen uint32
	for first := true; ; first = false {
		if d.peek('}') {
			return d.i == len(d.s)
		}
		if !first && !d.peek(',') {
			return false
		}
		key, ok := d.str()
		if !ok || !d.peek(':') {
			return false
		}
		bit := messageFieldBit(key)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		switch key {
		case "Tags":
			if m.Tags, ok = d.tags(); !ok {
				return false
			}
		case "render":
			q.Render = &renderRef{}
			if !d.render(q.Render) {
				return false
			}
		default:
			v, ok := d.str()
			if !ok {
				return false
			}
			setMessageField(m, key, v)
		}
	}
}

// messageFields are the keys of a payload, in the order their bits are
// numbered.
var messageFields = [...]string{"Key", "Channel", "Account", "Person", "Template", "From", "To", "ReplyTo", "Subject", "HTML", "Text",
	"ListUnsubscribe", "ListUnsubscribeMailto", "Tags", "render"}

// messageFieldBit returns key's bit in a set of seen keys; 0 for a key
// that is not a payload's.
func messageFieldBit(key string) uint32 {
	for i, k := range messageFields {
		if k == key {
			return 1 << i
		}
	}
	return 0
}

func setMessageField(m *channel.Message, key, v string) {
	switch key {
	case "Key":
		m.Key = v
	case "Channel":
		m.Channel = v
	case "Account":
		m.Account = b2b.AccountID(v)
	case "Person":
		m.Person = b2b.PersonID(v)
	case "Template":
		m.Template = v
	case "From":
		m.From = v
	case "To":
		m.To = v
	case "ReplyTo":
		m.ReplyTo = v
	case "Subject":
		m.Subject = v
	case "HTML":
		m.HTML = v
	case "Text":
		m.Text = v
	case "ListUnsubscribe":
		m.ListUnsubscribe = v
	case "ListUnsubscribeMailto":
		m.ListUnsubscribeMailto = v
	}
}

type payloadDecoder struct {
	s string
	i int
}

// peek consumes c if it comes next.
func (d *payloadDecoder) peek(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters.
func (d *payloadDecoder) str() (string, bool) {
	if !d.peek('"') {
		return "", false
	}
	for j := d.i; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			v := d.s[d.i:j]
			d.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// members reads an object of string members, calling set for each; set
// says whether it takes the member.
func (d *payloadDecoder) members(set func(k, v string) bool) bool {
	if !d.peek('{') {
		return false
	}
	for first := true; ; first = false {
		if d.peek('}') {
			return true
		}
		if !first && !d.peek(',') {
			return false
		}
		k, ok := d.str()
		if !ok || !d.peek(':') {
			return false
		}
		v, ok := d.str()
		if !ok || !set(k, v) {
			return false
		}
	}
}

// tags reads the Tags object; a key twice is left to encoding/json.
func (d *payloadDecoder) tags() (map[string]string, bool) {
	tags := make(map[string]string, 3)
	ok := d.members(func(k, v string) bool {
		if _, dup := tags[k]; dup {
			return false
		}
		tags[k] = v
		return true
	})
	return tags, ok
}

// render reads the render object; a key twice or unknown is left to
// encoding/json.
func (d *payloadDecoder) render(r *renderRef) bool {
	var seen uint8
	return d.members(func(k, v string) bool {
		var bit uint8
		switch k {
		case "journey":
			bit, r.Journey = 1, v
		case "node":
			bit, r.Node = 2, v
		case "group":
			bit, r.Group = 4, v
		case "interest":
			bit, r.Interest = 8, v
		case "role":
			bit, r.Role = 16, v
		case "sent":
			// Only as encodePayload writes it (in UTC, as short as it
			// goes): encoding/json's parsing is stricter than time.Parse.
			t, err := time.Parse(time.RFC3339Nano, v)
			var buf [40]byte
			if err != nil || t.Location() != time.UTC || string(t.AppendFormat(buf[:0], time.RFC3339Nano)) != v {
				return false
			}
			bit, r.Sent = 32, t
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

// encodeReceipt returns a receipt's JSON encoding, as json.Marshal would,
// for the done entry of every delivered message.
func encodeReceipt(r *channel.Receipt) []byte {
	buf, ok := appendReceipt(make([]byte, 0, 64+len(r.ProviderID)), r)
	if !ok {
		rc := *r // a copy of its own: json.Marshal would move *r to the heap
		buf, _ = json.Marshal(&rc)
	}
	return buf
}

// encodeResult returns the data of a delivery's event, as json.Marshal
// would.
func encodeResult(ev *resultEvent) []byte {
	buf := make([]byte, 0, 160+len(ev.Error)+len(ev.Key)+len(ev.Receipt.ProviderID))
	buf = append(buf, `{"attempt":`...)
	buf = jsonenc.Int(buf, ev.Attempt)
	buf = append(buf, `,"error":`...)
	buf = jsonenc.String(buf, ev.Error, true)
	buf = append(buf, `,"key":`...)
	buf = jsonenc.String(buf, ev.Key, true)
	buf = append(buf, `,"receipt":`...)
	buf, ok := appendReceipt(buf, &ev.Receipt)
	if !ok {
		evc := *ev // a copy of its own: json.Marshal would move *ev to the heap
		buf, _ = json.Marshal(&evc)
		return buf
	}
	buf = append(buf, `,"status":`...)
	buf = jsonenc.String(buf, string(ev.Status), true)
	return append(buf, '}')
}

// appendReceipt appends a receipt's JSON encoding; false for a time
// that it leaves to encoding/json (not in UTC, or a year outside 0-9999,
// which encoding/json refuses).
func appendReceipt(buf []byte, r *channel.Receipt) ([]byte, bool) {
	buf = append(buf, `{"providerId":`...)
	buf = jsonenc.String(buf, r.ProviderID, true)
	buf = append(buf, `,"duplicate":`...)
	buf = strconv.AppendBool(buf, r.Duplicate)
	buf = append(buf, `,"at":`...)
	buf, ok := jsonenc.Time(buf, r.At)
	return append(buf, '}'), ok
}

// appendJSON appends the event's JSON encoding, as json.Marshal would.
func (q *queuedEvent) appendJSON(buf []byte) []byte {
	buf = append(buf, `{"channel":`...)
	buf = jsonenc.String(buf, q.Channel, true)
	buf = append(buf, `,"journey":`...)
	buf = jsonenc.String(buf, q.Journey, true)
	buf = append(buf, `,"key":`...)
	buf = jsonenc.String(buf, q.Key, true)
	buf = append(buf, `,"template":`...)
	buf = jsonenc.String(buf, q.Template, true)
	buf = append(buf, `,"to":`...)
	buf = jsonenc.String(buf, q.To, true)
	return append(buf, '}')
}
