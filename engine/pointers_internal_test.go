package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/scoring"
)

// TestStatePointers: the count of a state's pointer words, field by
// field, on a state whose every pointer is known.
func TestStatePointers(t *testing.T) {
	utc := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := newAccountState(b2b.Account{ID: "acme"})                             // ID: 1
	st.Account.Name = ""                                                       // empty: 0
	st.Refreshed = utc                                                         // UTC: no location
	st.Persons = []personEntry{{Person: b2b.Person{ID: "p1", Email: "a@b.c"}}} // slice 1, two strings
	st.Scores = map[string]*scoring.Ledger{"engagement": {                     // map 1, key 1, pointer 1
		Persons: map[b2b.PersonID]*scoring.PersonState{"p1": {Credits: []scoring.Credit{{Key: 1}}}}}} // map 1, key 1, pointer 1, slice 1
	st.Lists = []string{"webinar", ""}                                                                  // slice 1, one string
	st.Activities = []activityRecord{{Type: "visit_web_page", Time: utc.In(time.FixedZone("X", 3600))}} // slice 1, type 1, location 1
	require.Equal(t, map[string]int{"Account": 1, "Persons": 3, "Scores": 7, "Lists": 2, "Activities": 3}, StatePointers(st))
}
