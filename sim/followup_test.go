package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

// TestFollowUpFindsTheAccountAtOnce: a sales rep's follow-up finds the
// alert's account by its ID, not by a search of every account: a large
// world raises alerts in proportion to its accounts, and a search for
// each took a time in their square (seconds for 100,000 accounts, an
// hour for ten million). The bound is generous, for a loaded machine and
// the race detector.
func TestFollowUpFindsTheAccountAtOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a large world")
	}
	const n = 100_000
	w := &World{Accounts: make([]b2b.Account, n), byAccount: make([][]int, n)}
	for i := range w.Accounts {
		w.Accounts[i].ID = b2b.AccountID(fmt.Sprintf("acc-%06d", i+1))
	}
	// The last account has a person: its follow-up names them.
	w.Persons = []b2b.Person{{ID: "mkto-1", Source: b2b.SourceMarketo}}
	w.people = []truePerson{{records: []int{0}}}
	w.byAccount[n-1] = []int{0}
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

	start := time.Now()
	for i := range 20_000 {
		m := channel.Message{Key: fmt.Sprintf("alert-%d", i), Account: w.Accounts[n-1-i%1000].ID}
		w.followUp(&m, now, 1)
	}
	require.Less(t, time.Since(start), 2*time.Second)

	m := channel.Message{Key: "alert-x", Account: w.Accounts[n-1].ID}
	act, ok := w.followUp(&m, now, 1)
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("mkto-1"), act.Person)
	require.Equal(t, w.Accounts[n-1].ID, act.Account)
	m.Account = "acc-999999"
	_, ok = w.followUp(&m, now, 1)
	require.False(t, ok, "an account the world does not have")
}
