package audience_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
)

// TestBatchEqualsIncremental evaluates a batch, changes some accounts'
// data, and checks that re-evaluating only those accounts one by one gives
// exactly what a fresh batch over all accounts gives: same memberships,
// same decisions, same events with the same times.
func TestBatchEqualsIncremental(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: benchAudiences})
	require.NoError(t, err)
	accs := genAccounts(42, 1200, 8, 60)

	first, err := ev.EvaluateBatch(accs, nil, now)
	require.NoError(t, err)
	for _, a := range benchAudiences {
		members, err := ev.Members(first, a.Name)
		require.NoError(t, err)
		n := len(members)
		require.True(t, n > 12 && n < 1188, "audience %q has %d members: the test data does not exercise it", a.Name, n)
	}
	prev := map[b2b.AccountID]audience.Membership{}
	for _, r := range first {
		prev[r.Account] = r.Membership
	}

	// Change every 7th account: new activities (from another seed) and
	// another size; time moves on by two days.
	later := now.Add(48 * time.Hour)
	changed := map[int]bool{}
	for i := 0; i < len(accs); i += 7 {
		fresh := genAccount(99, i, 8, 90)
		fresh.Account = accs[i].Account
		fresh.Account.Employees = (fresh.Account.Employees + 700) % 5000
		fresh.Persons = accs[i].Persons
		accs[i] = fresh
		changed[i] = true
	}
	batch, err := ev.EvaluateBatch(accs, prev, later)
	require.NoError(t, err)

	incremental := make([]audience.Result, len(accs))
	for i := range accs {
		r, err := ev.Evaluate(&accs[i], prev[accs[i].Account.ID], later)
		require.NoError(t, err)
		incremental[i] = r
	}
	opts := cmp.Options{cmpopts.EquateEmpty(), cmpopts.IgnoreFields(audience.Decision{}, "Err")}
	require.Empty(t, cmp.Diff(batch, incremental, opts), "(-batch +incremental)")

	// The data changes moved accounts in and out of audiences.
	var entered, exited int
	for _, ev := range audience.Events(batch) {
		switch ev.Kind {
		case audience.EventEntered:
			entered++
		case audience.EventExited:
			exited++
		}
		require.Equal(t, later, ev.At)
	}
	require.Positive(t, entered)
	require.Positive(t, exited)
	require.NotEmpty(t, changed)
}

// TestBatchDeterministic runs the same batch with 1 and 4 goroutines.
func TestBatchDeterministic(t *testing.T) {
	ev, err := audience.New(audience.Config{Audiences: benchAudiences})
	require.NoError(t, err)
	accs := genAccounts(7, 800, 5, 30)
	old := runtime.GOMAXPROCS(1)
	one, err := ev.EvaluateBatch(accs, nil, now)
	require.NoError(t, err)
	runtime.GOMAXPROCS(4)
	four, err := ev.EvaluateBatch(accs, nil, now)
	runtime.GOMAXPROCS(old)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(one, four, cmpopts.EquateEmpty()), "(-1 goroutine +4 goroutines)")
}

func TestBatchErrorsInOrder(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "tier", Rule: `account.attributes["seats"] == 10 || len(0..1000000) > 3`}}})
	require.NoError(t, err)
	accs := genAccounts(1, 600, 1, 1)
	for i := range accs {
		if i%100 != 0 {
			accs[i].Account.Attributes = map[string]any{"seats": 10}
		}
	}
	res, err := ev.EvaluateBatch(accs, nil, now)
	require.Error(t, err)
	lines := 0
	for i := range res {
		if i%100 == 0 {
			require.Error(t, res[i].Decisions[0].Err)
			require.False(t, res[i].Membership.Has("tier"))
			lines++
		} else {
			require.True(t, res[i].Membership.Has("tier"))
		}
	}
	require.Equal(t, 6, lines)
	// Every failing account is reported, in account order.
	msg, at := err.Error(), -1
	for i := 0; i < 600; i += 100 {
		k := strings.Index(msg, fmt.Sprintf(`account %q, audience "tier": `, accs[i].Account.ID))
		require.Greater(t, k, at, "account %d", i)
		at = k
	}
}
