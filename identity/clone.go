package identity

import (
	"maps"

	"github.com/quorumhq/quorum/b2b"
)

// The consent and attributes of a record are the graph's own: they are
// copied when a record arrives and when the graph hands them out, so
// that neither a caller changing the maps it gave (or a list attribute
// in them) nor one changing what it got changes the graph.

// cloneConsent returns a copy of a consent map (nil for nil).
func cloneConsent(m map[b2b.Channel]b2b.Consent) map[b2b.Channel]b2b.Consent {
	return maps.Clone(m)
}

// cloneAttrs returns a copy of an attribute map whose list values are
// copies too (nil for nil).
func cloneAttrs(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAttr(v)
	}
	return out
}

// cloneAttr returns an attribute value that shares no list with v.
func cloneAttr(v any) any {
	switch x := v.(type) {
	case []string:
		if x == nil {
			return x
		}
		return append(make([]string, 0, len(x)), x...)
	case []any:
		if x == nil {
			return x
		}
		return append(make([]any, 0, len(x)), x...)
	}
	return v
}
