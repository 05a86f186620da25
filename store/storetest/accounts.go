package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) roundTrip(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	_, err := st.LoadAccount(ctx, tenant, "acme")
	require.ErrorIs(t, err, store.ErrNotFound)

	state := []byte(`{"groups":1}`)
	v := commit(t, st, store.CommitParams{Account: "acme", State: state, DueAt: t0.Add(time.Hour), Index: map[string]string{"stage": "Awareness"}})
	require.Equal(t, int64(1), v)
	state[0] = 'X' // the store keeps its own copy

	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, tenant, a.Tenant)
	require.Equal(t, b2b.AccountID("acme"), a.ID)
	require.Equal(t, int64(1), a.Version)
	require.Equal(t, `{"groups":1}`, string(a.State))
	require.True(t, s.time(t0.Add(time.Hour)).Equal(a.DueAt), "due %v", a.DueAt)
	require.Equal(t, map[string]string{"stage": "Awareness"}, a.Index)
	require.True(t, s.time(t0).Equal(a.UpdatedAt))

	a.State[0] = 'Y' // nor does a loaded copy alias it
	v = commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, State: []byte(`{"groups":2}`), Now: t0.Add(time.Minute)})
	require.Equal(t, int64(2), v)
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, `{"groups":2}`, string(a.State))
	require.True(t, a.DueAt.IsZero())
	require.Empty(t, a.Index)
}

// valueRoundTrip checks a store that keeps values: the committed value
// comes back as it is, a commit without one clears it, and a stale commit
// changes nothing. A store that does not keep values must ignore them.
func (s suite) valueRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	type state struct{ Groups []string }
	first := &state{Groups: []string{"a"}}
	commit(t, st, store.CommitParams{Account: "acme", State: []byte(`{}`), Value: first})
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, `{}`, string(a.State))
	if !store.KeepsValues(st) {
		require.Nil(t, a.Value, "a store that does not keep values returns none")
		return
	}
	require.Same(t, first, a.Value, "a kept value is returned as it is, not copied")

	second := &state{Groups: []string{"a", "b"}}
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: 0, Value: &state{}, Now: t0})
	require.ErrorIs(t, err, store.ErrConflict)
	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, Value: second})
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Same(t, second, a.Value)
	require.Empty(t, a.State)

	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 2, State: []byte(`{"v":3}`)})
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Nil(t, a.Value, "a commit without a value replaces the kept one")
	require.Equal(t, `{"v":3}`, string(a.State))
}

func (s suite) versionConflict(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "acme", State: []byte("a"),
		Events: []store.Event{{Type: "x", Time: t0}}})
	for _, expected := range []int64{0, 2, 7} {
		_, err := st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: expected, State: []byte("b"), Now: t0,
			Events: []store.Event{{Type: "lost", Time: t0}},
			Outbox: []store.OutboxEntry{{ID: "m-lost", IdempotencyKey: "k", Channel: "email"}}})
		require.ErrorIs(t, err, store.ErrConflict, "expected version %d", expected)
	}
	// Nothing of the refused commits is visible.
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, "a", string(a.State))
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	claimed, err := st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, claimed)
}

// conflictChangesNothing checks what a refused commit leaves: a commit
// whose expected version is stale, or names an account not stored yet,
// fails with ErrConflict, and so does one that redacts an event erased
// since it was read; none of them changes anything a reader sees (the
// state, due time, links, index, log, queued entries and their payloads, the
// persons' accounts), and a commit with the right version then succeeds.
func (s suite) conflictChangesNothing(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "acme", State: []byte("kept"), DueAt: t0.Add(time.Hour), Links: []b2b.AccountID{"initech"}, Index: map[string]string{"stage": "Awareness"},
		Events: []store.Event{{Type: "member.added", Person: "p1", Time: t0, Data: []byte(`{"p":"p1"}`)}, {Type: "member.added", Person: "p9", Time: t0}},
		Outbox: []store.OutboxEntry{{ID: "m1", Person: "p1", IdempotencyKey: "k1", Channel: "email", Payload: []byte("queued")}}})
	_, err := st.ErasePerson(ctx, tenant, "p9")
	require.NoError(t, err)
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	erased := evs[0].Seq + 1
	ids := []b2b.AccountID{"acme", "new"}
	index := map[string]string{"stage": "Awareness", "other": "x"}
	persons := []b2b.PersonID{"p1", "p2"}
	before := snapshotOf(t, st, tenant, ids, index, persons)

	change := func(account b2b.AccountID, expected int64) store.CommitParams {
		return store.CommitParams{Tenant: tenant, Account: account, ExpectedVersion: expected, Now: t0.Add(time.Minute),
			State: []byte("lost"), Value: &struct{}{}, DueAt: t0.Add(2 * time.Hour), Links: []b2b.AccountID{"globex"}, Index: map[string]string{"stage": "Decision", "other": "x"},
			Events:           []store.Event{{Type: "lost", Person: "p2", Time: t0}},
			Outbox:           []store.OutboxEntry{{ID: "m-lost", Person: "p2", IdempotencyKey: "k", Channel: "email"}},
			Redactions:       []store.Redaction{{Seq: evs[0].Seq, Data: []byte(`{}`)}},
			OutboxRedactions: []store.OutboxRedaction{{ID: "m1", Payload: []byte("lost")}}}
	}
	for _, tc := range []struct {
		name string
		p    store.CommitParams
	}{
		{"a stale version", change("acme", 0)},
		{"a version ahead", change("acme", 2)},
		{"an account not stored yet", change("new", 1)},
		{"a redaction of an erased event", func() store.CommitParams {
			p := change("acme", 1)
			p.Redactions = append(p.Redactions, store.Redaction{Seq: erased, Data: []byte(`{}`)})
			return p
		}()},
	} {
		_, err := st.Commit(ctx, &tc.p)
		require.ErrorIs(t, err, store.ErrConflict, tc.name)
		require.Equal(t, before, snapshotOf(t, st, tenant, ids, index, persons), "%s: nothing changed", tc.name)
	}
	v := commit(t, st, change("acme", 1))
	require.Equal(t, int64(2), v, "the refused commits left the version as it was")
	v = commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 2, Now: t0.Add(2 * time.Minute)})
	require.Equal(t, int64(3), v)
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.True(t, s.time(t0.Add(2*time.Minute)).Equal(a.UpdatedAt), "updated at the last commit's Now: %v", a.UpdatedAt)
}

// links checks the accounts a commit links its account to: they come
// back as committed with the account and with the due listing (its
// pages read on from cursors that carry none), each commit replaces
// them (one without any clears them, one refused leaves them), the store
// keeps nothing of the committer's list nor shares its own, and an
// erasure leaves them as the last commit wrote them: the rewrite of the
// erased person's accounts, which comes first, drops the links the
// person made.
func (s suite) links(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	links := []b2b.AccountID{"globex", "initech"}
	commit(t, st, store.CommitParams{Account: "acme", DueAt: t0, Links: links,
		Events: []store.Event{{Type: "member.added", Person: "p1", Time: t0}}})
	commit(t, st, store.CommitParams{Account: "globex", DueAt: t0.Add(time.Hour), Links: []b2b.AccountID{"acme"}})
	commit(t, st, store.CommitParams{Account: "initech", DueAt: t0.Add(time.Hour)})
	commit(t, st, store.CommitParams{Account: "later", DueAt: t0.Add(5 * time.Hour), Links: []b2b.AccountID{"acme"}})
	links[0] = "changed" // the committer reuses its list

	dueLinks := func(before time.Time, limit int) map[b2b.AccountID][]b2b.AccountID {
		t.Helper()
		out := map[b2b.AccountID][]b2b.AccountID{}
		var after *store.AccountDue
		for range 10 {
			page, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: before, Limit: limit, After: after})
			require.NoError(t, err)
			if len(page) == 0 {
				return out
			}
			for _, d := range page {
				out[d.ID] = nil // none, whether nil or empty
				if len(d.Links) > 0 {
					out[d.ID] = d.Links
				}
			}
			// A cursor carries the order, not the links.
			after = &store.AccountDue{ID: page[len(page)-1].ID, DueAt: page[len(page)-1].DueAt}
		}
		require.Fail(t, "the due pages do not end")
		return nil
	}
	want := map[b2b.AccountID][]b2b.AccountID{"acme": {"globex", "initech"}, "globex": {"acme"}, "initech": nil}
	require.Equal(t, want, dueLinks(t0.Add(2*time.Hour), 0), "listed with the due accounts")
	require.Equal(t, want, dueLinks(t0.Add(2*time.Hour), 1), "page by page")
	a, err := st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"globex", "initech"}, a.Links, "loaded with the account")

	// What the store returns is the caller's.
	a.Links[0] = "scribbled"
	due, err := st.DueAccounts(ctx, &store.DueParams{Tenant: tenant, Before: t0})
	require.NoError(t, err)
	require.Len(t, due, 1)
	due[0].Links[1] = "scribbled"
	a, err = st.LoadAccount(ctx, tenant, "acme")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"globex", "initech"}, a.Links, "neither a loaded nor a listed account shares the store's links")

	// A refused commit leaves them; each commit replaces them.
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "acme", ExpectedVersion: 0, Now: t0, DueAt: t0, Links: []b2b.AccountID{"lost"}})
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, want, dueLinks(t0.Add(2*time.Hour), 0), "a refused commit changes no links")
	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 1, DueAt: t0, Links: []b2b.AccountID{"initech"}})
	commit(t, st, store.CommitParams{Account: "initech", ExpectedVersion: 1, DueAt: t0.Add(time.Hour), Links: []b2b.AccountID{"acme"}})
	want = map[b2b.AccountID][]b2b.AccountID{"acme": {"initech"}, "globex": {"acme"}, "initech": {"acme"}}
	require.Equal(t, want, dueLinks(t0.Add(2*time.Hour), 0), "replaced by the next commit")
	require.Equal(t, []b2b.AccountID{"acme"}, dueLinks(t0.Add(10*time.Hour), 0)["later"])

	// The erasure of p1, who linked acme and globex: the person's accounts
	// are rewritten without the link first, then the person is erased.
	commit(t, st, store.CommitParams{Account: "acme", ExpectedVersion: 2, DueAt: t0, Links: []b2b.AccountID{"initech"}})
	commit(t, st, store.CommitParams{Account: "globex", ExpectedVersion: 1, DueAt: t0.Add(time.Hour)})
	_, err = st.ErasePerson(ctx, tenant, "p1")
	require.NoError(t, err)
	want = map[b2b.AccountID][]b2b.AccountID{"acme": {"initech"}, "globex": nil, "initech": {"acme"}}
	require.Equal(t, want, dueLinks(t0.Add(2*time.Hour), 0), "as the rewrite left them")
	a, err = st.LoadAccount(ctx, tenant, "globex")
	require.NoError(t, err)
	require.Empty(t, a.Links, "a commit without links clears them")

	// An account no longer due keeps its links for when it is due again.
	commit(t, st, store.CommitParams{Account: "initech", ExpectedVersion: 2, Links: []b2b.AccountID{"acme"}})
	a, err = st.LoadAccount(ctx, tenant, "initech")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, a.Links)
	require.NotContains(t, dueLinks(t0.Add(2*time.Hour), 0), b2b.AccountID("initech"))
}
