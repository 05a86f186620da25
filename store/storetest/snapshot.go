package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// snapshot is what the reading methods return of a tenant, for a few
// accounts, index values and persons: two snapshots are equal when
// nothing that a reader can see changed in between.
type snapshot struct {
	Accounts map[b2b.AccountID]*store.Account // nil: not found
	Due      []store.AccountDue
	Listed   map[string][]b2b.AccountID // by "key=value"
	Events   []store.Event
	ByAcct   map[b2b.AccountID][]store.Event
	Pending  map[b2b.AccountID][]store.OutboxEntry
	Persons  map[b2b.PersonID][]b2b.AccountID
}

// snapshotOf reads the snapshot of tenant te: accounts ids, the index
// values index ("key=value"), persons.
func snapshotOf(t *testing.T, st store.Store, te store.Tenant, ids []b2b.AccountID, index map[string]string, persons []b2b.PersonID) snapshot {
	t.Helper()
	ctx := context.Background()
	snap := snapshot{Accounts: map[b2b.AccountID]*store.Account{}, Listed: map[string][]b2b.AccountID{},
		ByAcct: map[b2b.AccountID][]store.Event{}, Pending: map[b2b.AccountID][]store.OutboxEntry{}, Persons: map[b2b.PersonID][]b2b.AccountID{}}
	for _, id := range ids {
		a, err := st.LoadAccount(ctx, te, id)
		if errors.Is(err, store.ErrNotFound) {
			snap.Accounts[id] = nil
		} else {
			require.NoError(t, err, "tenant %s, account %s", te, id)
			a.Value = nil // compared by what it holds, not where
			snap.Accounts[id] = &a
		}
		evs, err := st.Events(ctx, &store.EventsParams{Tenant: te, Account: id, Limit: 1 << 20})
		require.NoError(t, err)
		snap.ByAcct[id] = evs
		pending, err := st.PendingOutbox(ctx, te, id)
		require.NoError(t, err)
		snap.Pending[id] = pending
	}
	var err error
	snap.Due, err = st.DueAccounts(ctx, &store.DueParams{Tenant: te, Before: t0.Add(1000 * time.Hour), Limit: 1 << 20})
	require.NoError(t, err)
	for k, v := range index {
		snap.Listed[k+"="+v], err = st.ListAccounts(ctx, &store.ListParams{Tenant: te, Key: k, Value: v, Limit: 1 << 20})
		require.NoError(t, err)
	}
	snap.Events, err = st.Events(ctx, &store.EventsParams{Tenant: te, Limit: 1 << 20})
	require.NoError(t, err)
	for _, p := range persons {
		snap.Persons[p], err = st.PersonAccounts(ctx, te, p)
		require.NoError(t, err)
	}
	return snap
}
