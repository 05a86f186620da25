package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) dueOrdering(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "c", DueAt: t0.Add(2 * time.Hour)})
	commit(t, st, store.CommitParams{Account: "b", DueAt: t0.Add(time.Hour)})
	// The same instant as b's, in another location: a tie, by ID.
	commit(t, st, store.CommitParams{Account: "a", DueAt: t0.Add(time.Hour).In(time.FixedZone("east", 5*3600))})
	commit(t, st, store.CommitParams{Account: "d", DueAt: t0.Add(3 * time.Hour)})
	commit(t, st, store.CommitParams{Account: "never"})

	due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	var ids []b2b.AccountID
	for _, d := range due {
		ids = append(ids, d.ID)
	}
	require.Equal(t, []b2b.AccountID{"a", "b", "c"}, ids, "earliest first, ties by ID, inclusive bound")
	require.True(t, s.time(t0.Add(time.Hour)).Equal(due[0].DueAt))

	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour), Limit: 2})
	require.NoError(t, err)
	require.Len(t, due, 2)

	// Pages read after the last account of the one before: every due
	// account once, in order, ties at one instant included.
	ids = nil
	var after *store.AccountDue
	for range 10 {
		page, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour), Limit: 1, After: after})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.Len(t, page, 1, "a page after %v holds at most its limit", after)
		for _, d := range page {
			ids = append(ids, d.ID)
		}
		after = &page[len(page)-1]
	}
	require.Equal(t, []b2b.AccountID{"a", "b", "c", "d"}, ids, "paged with After")
	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour), Limit: 2, After: &store.AccountDue{ID: "a", DueAt: t0.Add(time.Hour)}})
	require.NoError(t, err)
	ids = nil
	for _, d := range due {
		ids = append(ids, d.ID)
	}
	require.Equal(t, []b2b.AccountID{"b", "c"}, ids, "a page after a, of at most 2")
	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(10 * time.Hour),
		After: &store.AccountDue{ID: "a", DueAt: t0.Add(time.Hour).In(time.FixedZone("x", 3600))}})
	require.NoError(t, err)
	require.Len(t, due, 3, "After's time is an instant, whatever its location")
	require.Equal(t, b2b.AccountID("b"), due[0].ID)

	// Clearing the due time removes the account from the list.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1})
	due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.Equal(t, b2b.AccountID("b"), due[0].ID)
}

func (s suite) listByIndex(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	for i, stage := range []string{"Sales Ready", "Awareness", "Sales Ready", "Sales Ready"} {
		commit(t, st, store.CommitParams{Account: b2b.AccountID(fmt.Sprintf("acc-%d", i)), Index: map[string]string{"stage/dp": stage}})
	}
	ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/dp", Value: "Sales Ready"})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acc-0", "acc-2", "acc-3"}, ids)
	page, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/dp", Value: "Sales Ready", After: "acc-0", Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acc-2"}, page)
	page, err = st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/dp", Value: "Sales Ready", Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acc-0", "acc-2"}, page, "the first page, of at most 2")
	none, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "stage/other", Value: "Sales Ready"})
	require.NoError(t, err)
	require.Empty(t, none)

	// A commit replaces the account's index whole: a value changed, a key
	// dropped, or no index at all, and the account is listed only under
	// what the last commit holds.
	commit(t, st, store.CommitParams{Account: "acc-0", ExpectedVersion: 1, Index: map[string]string{"stage/dp": "Awareness", "stage/ai": "Sales Ready"}})
	commit(t, st, store.CommitParams{Account: "acc-2", ExpectedVersion: 1, Index: map[string]string{"stage/ai": "Sales Ready"}})
	commit(t, st, store.CommitParams{Account: "acc-3", ExpectedVersion: 1})
	for _, tc := range []struct {
		key, value string
		want       []b2b.AccountID
	}{
		{"stage/dp", "Sales Ready", nil},
		{"stage/dp", "Awareness", []b2b.AccountID{"acc-0", "acc-1"}},
		{"stage/ai", "Sales Ready", []b2b.AccountID{"acc-0", "acc-2"}},
	} {
		ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: tc.key, Value: tc.value})
		require.NoError(t, err)
		if len(tc.want) == 0 {
			require.Empty(t, ids, "%s = %s after the index changed", tc.key, tc.value)
			continue
		}
		require.Equal(t, tc.want, ids, "%s = %s after the index changed", tc.key, tc.value)
	}
}

// defaultLimits checks the documented defaults of a limit of zero or less:
// 1000 due accounts, listed accounts and events, 100 claimed entries.
func (s suite) defaultLimits(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	const n = 1001
	for i := range n {
		p := store.CommitParams{Account: b2b.AccountID(fmt.Sprintf("acc-%04d", i)), DueAt: t0, Index: map[string]string{"k": "v"}}
		if i == 0 {
			for j := range n {
				p.Events = append(p.Events, store.Event{Type: "x", Time: t0})
				if j < 101 {
					p.Outbox = append(p.Outbox, store.OutboxEntry{ID: fmt.Sprintf("m-%03d", j), IdempotencyKey: "k", Channel: "email"})
				}
			}
		}
		commit(t, st, p)
	}
	for _, limit := range []int{0, -1} {
		due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0, Limit: limit})
		require.NoError(t, err)
		require.Len(t, due, 1000, "due accounts, limit %d", limit)
		ids, err := st.ListAccounts(ctx, &store.ListParams{Tenant: tenant, Key: "k", Value: "v", Limit: limit})
		require.NoError(t, err)
		require.Len(t, ids, 1000, "listed accounts, limit %d", limit)
		evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: limit})
		require.NoError(t, err)
		require.Len(t, evs, 1000, "the tenant's events, limit %d", limit)
		evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "acc-0000", Limit: limit})
		require.NoError(t, err)
		require.Len(t, evs, 1000, "an account's events, limit %d", limit)
	}
	got, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 100, "claimed entries")
	got, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute, Limit: -1})
	require.NoError(t, err)
	require.Len(t, got, 1, "claimed entries, limit -1: the one left")
}
