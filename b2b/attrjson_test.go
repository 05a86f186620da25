package b2b_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestRecordsSentAsJSON checks that an account, a person and an activity
// with a list attribute, sent as JSON, decode to the record built in Go
// and validate; and that a list of other values than strings is refused
// with what it holds.
func TestRecordsSentAsJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tags := map[string]any{"tags": []string{"pricing", "demo"}, "empty": []string{}, "form": "Demo Request"}
	records := []interface{ Validate() error }{
		&b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Attributes: tags},
		&b2b.Person{ID: "p1", Email: "ann@acme.com", Attributes: tags},
		&b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "p1", Time: at, Attributes: tags},
	}
	for _, rec := range records {
		require.NoError(t, rec.Validate())
		data, err := json.Marshal(rec)
		require.NoError(t, err)
		var got interface{ Validate() error }
		switch rec.(type) {
		case *b2b.Account:
			got = new(b2b.Account)
		case *b2b.Person:
			got = new(b2b.Person)
		default:
			got = new(b2b.Activity)
		}
		require.NoError(t, json.Unmarshal(data, got), string(data))
		require.NoError(t, got.Validate(), string(data))
		require.Empty(t, cmp.Diff(rec, got), string(data))
	}

	var act b2b.Activity
	require.NoError(t, json.Unmarshal([]byte(`{"id":"a1","type":"fill_out_form","person":"p1","time":"2026-03-02T09:00:00Z",`+
		`"attributes":{"scores":[1,"two",3],"none":[null]}}`), &act))
	err := act.Validate()
	require.ErrorContains(t, err, `attributes["none"]: a list attribute holds only strings, got <nil>`)
	require.ErrorContains(t, err, `attributes["scores"]: a list attribute holds only strings, got float64, string`)
}
