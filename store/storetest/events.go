package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func (s suite) eventLog(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{
		{Type: "group.created", Time: t0, Data: []byte(`{"group":"dp"}`)},
		{Type: "member.added", Person: "p1", Time: t0},
	}})
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "group.created", Time: t0}}})
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Events: []store.Event{{Type: "stage.changed", Time: t0.Add(time.Hour)}}})

	all, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Len(t, all, 4)
	for i := 1; i < len(all); i++ {
		require.Greater(t, all[i].Seq, all[i-1].Seq, "seq increases in commit order")
	}
	require.Equal(t, []string{"group.created", "member.added", "group.created", "stage.changed"}, eventTypes(all))
	require.Equal(t, b2b.AccountID("b"), all[2].Account, "the store stamps the account")
	require.Equal(t, `{"group":"dp"}`, string(all[0].Data))
	require.Equal(t, b2b.PersonID("p1"), all[1].Person)
	require.True(t, s.time(t0.Add(time.Hour)).Equal(all[3].Time), "time %v", all[3].Time)
	all[0].Data[0] = 'X' // a read event does not alias the log
	again, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, `{"group":"dp"}`, string(again[0].Data))

	ofA, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a"})
	require.NoError(t, err)
	require.Equal(t, []string{"group.created", "member.added", "stage.changed"}, eventTypes(ofA))

	after, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: all[1].Seq, Limit: 1})
	require.NoError(t, err)
	require.Len(t, after, 1)
	require.Equal(t, all[2].Seq, after[0].Seq)

	// One account's log pages by Seq like the tenant's.
	page, err := st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a", AfterSeq: all[0].Seq, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"member.added"}, eventTypes(page))
	page, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "a", AfterSeq: page[0].Seq})
	require.NoError(t, err)
	require.Equal(t, []string{"stage.changed"}, eventTypes(page))
	page, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, Account: "nobody"})
	require.NoError(t, err)
	require.Empty(t, page)
}

func eventTypes(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}
