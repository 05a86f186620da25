package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

// followUpWorld is a world of n accounts whose last has one person.
func followUpWorld(n int) *World {
	w := &World{Accounts: make([]b2b.Account, n), byAccount: make([][]int, n)}
	for i := range w.Accounts {
		w.Accounts[i].ID = b2b.AccountID(fmt.Sprintf("acc-%06d", i+1))
	}
	// The last account has a person: its follow-up names them.
	w.Persons = []b2b.Person{{ID: "mkto-1", Source: b2b.SourceMarketo}}
	w.people = []truePerson{{records: []int{0}}}
	w.byAccount[n-1] = []int{0}
	return w
}

// TestFollowUpFindsTheAccountAtOnce: a sales rep's follow-up finds the
// alert's account by the place its ID names, not by a search of every
// account: a large world raises alerts in proportion to its accounts, and
// a search for each took a time in their square (seconds for 100,000
// accounts, an hour for ten million; BenchmarkFollowUp measures it).
func TestFollowUpFindsTheAccountAtOnce(t *testing.T) {
	t.Parallel()
	const n = 100_000
	w := followUpWorld(n)
	for i, a := range w.Accounts {
		if accountIndex(a.ID) != i {
			t.Fatalf("account %q is at %d, its ID names %d: the follow-up would search", a.ID, i, accountIndex(a.ID))
		}
	}
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	m := channel.Message{Key: "alert-x", Account: w.Accounts[n-1].ID}
	act, ok := w.followUp(&m, now, 1)
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("mkto-1"), act.Person)
	require.Equal(t, w.Accounts[n-1].ID, act.Account)
	m.Account = "acc-999999"
	_, ok = w.followUp(&m, now, 1)
	require.False(t, ok, "an account the world does not have")
	m.Account = "elsewhere"
	_, ok = w.followUp(&m, now, 1)
	require.False(t, ok, "an ID that names no place")
}

// BenchmarkFollowUp measures a follow-up of an alert in worlds of 1,000
// and 100,000 accounts: the time per alert is the same in both (a search
// of every account made it a hundred times longer in the larger).
func BenchmarkFollowUp(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			w := followUpWorld(n)
			now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
			m := channel.Message{Key: "alert-x", Account: w.Accounts[n-1].ID}
			for b.Loop() {
				w.followUp(&m, now, 1)
			}
		})
	}
}
