package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestStateEncode: a state's encoding, whose activities the engine writes
// itself, says what encoding/json says of the state, and reads back as
// the state it was.
func TestStateEncode(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name       string
		activities []activityRecord
	}{
		{"none", nil},
		{"one", []activityRecord{newActivityRecord("a1", "visit_web_page", "p1", at, map[string]any{"url": "/pricing"})}},
		{"several", []activityRecord{
			newActivityRecord("a1", "visit_web_page", "p1", at, nil),
			newActivityRecord("<a&2>", "fill_out_form", "p\u2028", at.In(paris), map[string]any{"form": "Demo <x>", "url": "/a?b&c"}),
			newActivityRecord("a3", "email_open", "p2", time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local), nil),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newAccountState(b2b.Account{ID: "acme", Name: "Acme & Co"})
			st.Adjustments = map[string]float64{"p1": 5}
			st.Activities = tt.activities
			for _, r := range tt.activities {
				st.noteActivity(r.Person, r.Time)
			}
			st.Lists = []string{"tier-1"}
			st.Refreshed = at
			got, err := st.encode()
			require.NoError(t, err)
			want, err := json.Marshal(st)
			require.NoError(t, err)
			// Byte for byte: the rest as encoding/json writes it, then
			// the activities as it writes them.
			exact := want
			if len(tt.activities) > 0 {
				rest := *st
				rest.Activities = nil
				exact, err = json.Marshal(&rest)
				require.NoError(t, err)
				acts, err := json.Marshal(st.Activities)
				require.NoError(t, err)
				exact = append(append(append(exact[:len(exact)-1], `,"activities":`...), acts...), '}')
			}
			require.Equal(t, string(exact), string(got))
			var gotAny, wantAny any
			require.NoError(t, json.Unmarshal(got, &gotAny))
			require.NoError(t, json.Unmarshal(want, &wantAny))
			require.Empty(t, cmp.Diff(wantAny, gotAny))

			back, err := decodeState("acme", got)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(st, back, cmp.AllowUnexported(accountState{}, activityRecord{})))
			again, err := back.encode()
			require.NoError(t, err)
			require.Equal(t, string(got), string(again))
		})
	}
}

// TestStateEncodeRefusesAnActivityTime: an activity whose time JSON cannot
// hold fails the encoding, naming the activity, and the next encoding
// (of the buffer reused) is whole.
func TestStateEncodeRefusesAnActivityTime(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	st := newAccountState(b2b.Account{ID: "acme"})
	st.Activities = []activityRecord{
		newActivityRecord("a1", "visit_web_page", "p1", at, nil),
		newActivityRecord("a2", "visit_web_page", "p1", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil),
	}
	_, err := st.encode()
	require.ErrorContains(t, err, `activity "a2"`)

	st.Activities = st.Activities[:1]
	st.noteActivity("p1", at)
	got, err := st.encode()
	require.NoError(t, err)
	back, err := decodeState("acme", got)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(st, back, cmp.AllowUnexported(accountState{}, activityRecord{})))
}
