package identity

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestWaitingForAnOtherAccountStaysBounded: a person whose records name
// another account that is not loaded waits for it once, however many
// versions of its records arrive (each waited again: the list of persons
// waiting for the account grew by one a version, for as long as it was
// not loaded), and is linked to it when it arrives.
func TestWaitingForAnOtherAccountStaysBounded(t *testing.T) {
	t.Parallel()
	g, err := New(Config{})
	require.NoError(t, err)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		for _, rid := range []string{"1", "2"} {
			_, err := g.AddPerson(PersonRecord{Source: "marketo", RecordID: rid, OtherAccounts: []b2b.AccountID{"x"},
				Person: b2b.Person{Email: rid + "@gmail.com", Title: fmt.Sprint("title ", i)}, Time: t0.Add(time.Duration(i) * time.Hour)})
			require.NoError(t, err)
		}
	}
	// A third record merges into the first person, naming another.
	_, err = g.AddPerson(PersonRecord{Source: "forms", RecordID: "f", OtherAccounts: []b2b.AccountID{"y"},
		Identifiers: []Identifier{{Namespace: NSEmail, Value: "1@gmail.com"}}, Time: t0.Add(300 * time.Hour)})
	require.NoError(t, err)
	require.LessOrEqual(t, len(g.waitRef["x"]), 4)
	require.LessOrEqual(t, len(g.waitRef["y"]), 2)

	res, err := g.AddAccount(AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "x", Name: "X"}, Time: t0})
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{"marketo:1", "marketo:2"}, res.Relinked)
	res, err = g.AddAccount(AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "y", Name: "Y"}, Time: t0})
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{"marketo:1"}, res.Relinked)
	accts, err := g.AppendLinkedAccounts(nil, "marketo:1")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"x", "y"}, accts)
}
