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

// eventSeqsAreTheStores checks that the store, not the caller, numbers
// events: a Seq the committer or an ack's event carries is replaced, an
// ack's event is stamped with its entry's account whatever it names, and
// the Seq of an erased event is never issued again (not even after the
// tenant's newest event was erased, as a database's auto-increment might):
// a redaction of it is a conflict, not an invalid request.
func (s suite) eventSeqsAreTheStores(t *testing.T) {
	ctx := context.Background()
	st := s.newStore(t)
	commit(t, st, store.CommitParams{Account: "a", Events: []store.Event{
		{Seq: 42, Type: "first", Time: t0}, {Seq: 7, Type: "second", Time: t0}, {Seq: 7, Type: "third", Person: "p1", Time: t0}},
		Outbox: []store.OutboxEntry{{ID: "m", IdempotencyKey: "k", Channel: "email"}}})
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: tenant})
	require.NoError(t, err)
	require.Equal(t, []string{"first", "second", "third"}, eventTypes(evs))
	require.Less(t, evs[0].Seq, evs[1].Seq, "the committer's Seqs are ignored")
	require.Less(t, evs[1].Seq, evs[2].Seq, "the committer's Seqs are ignored")
	_, err = st.ClaimOutbox(ctx, &store.ClaimParams{Tenant: tenant, Now: t0, Lease: time.Minute})
	require.NoError(t, err)
	require.NoError(t, st.AckOutbox(ctx, &store.AckParams{Tenant: tenant, ID: "m", Attempt: 1, Status: store.OutboxDelivered, Now: t0,
		Event: &store.Event{Seq: 1, Account: "elsewhere", Type: "message.delivered", Time: t0}}))
	evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: evs[2].Seq})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, b2b.AccountID("a"), evs[0].Account, "an ack's event is its entry's account's")
	acked := evs[0].Seq

	// Erase the person of the newest event: its Seq stays issued.
	commit(t, st, store.CommitParams{Account: "a", ExpectedVersion: 1, Events: []store.Event{{Type: "newest", Person: "p2", Time: t0}}})
	evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: acked})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	newest := evs[0].Seq
	require.Greater(t, newest, acked)
	_, err = st.ErasePerson(ctx, tenant, "p2")
	require.NoError(t, err)
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: tenant, Account: "a", ExpectedVersion: 2, Now: t0,
		Redactions: []store.Redaction{{Seq: newest, Data: []byte(`{}`)}}})
	require.ErrorIs(t, err, store.ErrConflict, "event %d was issued, then erased", newest)
	commit(t, st, store.CommitParams{Account: "b", Events: []store.Event{{Type: "after", Time: t0}}})
	evs, err = st.Events(ctx, &store.EventsParams{Tenant: tenant, AfterSeq: acked})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, "after", evs[0].Type)
	require.Greater(t, evs[0].Seq, newest, "a reader that read up to the erased event reads what comes after it")
}
