package engine

import (
	"encoding/binary"
	"encoding/json"
	"iter"
	"slices"

	"github.com/quorumhq/quorum/internal/jsonenc"
)

// keptKeys are the activity attributes an account's state keeps: what
// alerts describe (form, url, event, campaign, moment), what response
// tracking matches (alertId, solutionInterest) and the solution an
// activity is about. Scoring and audiences have read the activity whole
// by then. They are sorted, as encoding/json writes a map's keys.
var keptKeys = [...]string{"alertId", "campaign", "event", "form", "moment", "solution", "solutionInterest", "url"}

// packedAttrs are the kept attributes of an activity record, packed in
// one string: for each, in the order of keptKeys, the key's index there
// (a byte), the value's length (a uvarint) and the value. Only string
// values are kept, the only ones their readers read. An account keeps its
// activities for weeks and a large engine many millions of them: as a map
// each cost the collector two objects to visit, and one for each value's
// box, at every collection; packed, one object it does not look into.
//
// In JSON they are an object, as a map of them is.
type packedAttrs string

// packAttributes packs the kept attributes among an activity's.
func packAttributes(attrs map[string]any) packedAttrs {
	if len(attrs) == 0 {
		return ""
	}
	var room [96]byte
	return packedAttrs(appendAttributes(room[:0], attrs))
}

// appendAttributes appends the packed form of the kept attributes among
// attrs to buf.
func appendAttributes(buf []byte, attrs map[string]any) []byte {
	if len(attrs) == 0 {
		return buf
	}
	for i, k := range keptKeys {
		if s, ok := attrs[k].(string); ok {
			buf = append(buf, byte(i))
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
	}
	return buf
}

// all yields the attributes, in key order.
func (p packedAttrs) all() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		s := string(p)
		for len(s) > 0 {
			k := int(s[0])
			n, w := uvarint(s[1:])
			if k >= len(keptKeys) || w == 0 || n > uint64(len(s)-1-w) {
				return // only appendAttributes writes them: never
			}
			s = s[1+w:]
			if !yield(keptKeys[k], s[:n]) {
				return
			}
			s = s[n:]
		}
	}
}

// uvarint reads a uvarint at the start of s, as binary.Uvarint does a
// slice's; w is 0 if there is none.
func uvarint(s string) (x uint64, w int) {
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// get returns the value of an attribute, "" if it has none.
func (p packedAttrs) get(key string) string {
	for k, v := range p.all() {
		if k == key {
			return v
		}
	}
	return ""
}

// unpack returns the attributes as an activity has them (only those
// named if any are named); nil if none.
func (p packedAttrs) unpack(only ...string) map[string]any {
	var m map[string]any
	for k, v := range p.all() {
		if len(only) > 0 && !slices.Contains(only, k) {
			continue
		}
		if m == nil {
			m = make(map[string]any, 2)
		}
		m[k] = v
	}
	return m
}

// MarshalJSON writes the attributes as encoding/json writes a map of them.
func (p packedAttrs) MarshalJSON() ([]byte, error) {
	return p.appendJSON(make([]byte, 0, len(p)+32)), nil
}

// appendJSON appends what MarshalJSON returns to buf.
func (p packedAttrs) appendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	first := true
	for k, v := range p.all() {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = jsonenc.String(buf, k, true)
		buf = append(buf, ':')
		buf = jsonenc.String(buf, v, true)
	}
	return append(buf, '}')
}

// UnmarshalJSON reads an object of attributes, keeping what
// packAttributes keeps.
func (p *packedAttrs) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*p = packAttributes(m)
	return nil
}
