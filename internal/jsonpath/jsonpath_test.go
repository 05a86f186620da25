package jsonpath_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/internal/jsonpath"
)

// TestDecode: a value of the wrong type is told at its path, indexes
// included; a value that reads itself and does not read (a time) at
// its own; syntax and a nil target as encoding/json tells them.
func TestDecode(t *testing.T) {
	type item struct {
		At   time.Time `json:"at"`
		Name string    `json:"name"`
	}
	type doc struct {
		Items []item `json:"items"`
	}
	var d doc
	require.EqualError(t, jsonpath.Decode([]byte(`{"items":[{"name":"a"},{"name":5}]}`), &d),
		"items[1].name: expected text, got a number")
	require.EqualError(t, jsonpath.Decode([]byte(`[1]`), &d), "expected an object, got a list")
	var n struct {
		N int8 `json:"n"`
	}
	require.EqualError(t, jsonpath.Decode([]byte(`{"n":300}`), &n), "n: the number 300 is out of range")
	require.ErrorContains(t, jsonpath.Decode([]byte(`{"items":[{"at":"2026-01-01T00:00:00Z"},{"at":"monday"}]}`), &d),
		`items[1].at: parsing time "monday"`)
	require.EqualError(t, jsonpath.Decode([]byte(`{"id":5}`), nil), "json: Unmarshal(nil)")
	require.EqualError(t, jsonpath.Decode([]byte(`{"items":`), &d), "unexpected end of JSON input")
	require.NoError(t, jsonpath.Decode([]byte(`{"items":[{"name":"a","at":"2026-01-01T00:00:00Z"}]}`), &d))
	require.Equal(t, "a", d.Items[0].Name)
}
