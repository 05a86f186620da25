package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/store"
)

// eventsFromAfterSeq reads an account's events from AfterSeq, not after
// it (the broken store of storetest's own suite): a reader in pages
// reads the last event of a page again, for ever.
type eventsFromAfterSeq struct{ store.Store }

func (s eventsFromAfterSeq) Events(ctx context.Context, p *store.EventsParams) ([]store.Event, error) {
	q := *p
	if q.AfterSeq > 0 {
		q.AfterSeq--
	}
	return s.Store.Events(ctx, &q)
}

// fullPagesForEver answers every listing with the same full page of
// accounts and every event log read with the same full page of events,
// whatever the cursor.
type fullPagesForEver struct{ store.Store }

func (s fullPagesForEver) ListAccounts(context.Context, *store.ListParams) ([]b2b.AccountID, error) {
	out := make([]b2b.AccountID, 1000)
	for i := range out {
		out[i] = b2b.AccountID(fmt.Sprintf("acc-%04d", i))
	}
	return out, nil
}

func (s fullPagesForEver) Events(_ context.Context, p *store.EventsParams) ([]store.Event, error) {
	out := make([]store.Event, 1000)
	for i := range out {
		out[i] = store.Event{Seq: int64(i + 1), Account: p.Account, Type: "x", Time: day0, Data: []byte(`{}`)}
	}
	return out, nil
}

// A store whose pages do not move past their cursor would keep a reader
// of pages reading for ever: the account view, the account lists and an
// erasure say that the store is at fault instead, as Advance and Recover
// do, and end.
func TestReadersOfPagesEndOnAStoreThatDoesNotMoveOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		wrap func(store.Store) store.Store
		call func(b *bundle) error
		says string
	}{
		{"an erasure reading events from their cursor", func(s store.Store) store.Store { return eventsFromAfterSeq{s} },
			func(b *bundle) error { _, err := b.eng.ErasePerson(b.ctx, leadPerson(t, b, "L-4")); return err }, "store.EventsParams.AfterSeq"},
		{"an account view reading the same events", func(s store.Store) store.Store { return fullPagesForEver{s} },
			func(b *bundle) error { _, err := b.eng.Account(b.ctx, "acme", day0); return err }, "store.EventsParams.AfterSeq"},
		{"an erasure reading the same events", func(s store.Store) store.Store { return fullPagesForEver{s} },
			func(b *bundle) error { _, err := b.eng.ErasePerson(b.ctx, leadPerson(t, b, "L-4")); return err }, "store.EventsParams.AfterSeq"},
		{"an account list reading the same accounts", func(s store.Store) store.Store { return fullPagesForEver{s} },
			func(b *bundle) error { _, err := b.eng.Accounts(b.ctx, "stage/data-platform", "Awareness"); return err }, "store.ListParams.After"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, dataPlatform())
			setupAcme(t, b)
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: tt.wrap(b.store), Program: b.eng.Program(), Clock: b.clock})
			require.NoError(t, err)
			_, err = eng.Recover(b.ctx)
			require.NoError(t, err)
			b.eng = eng
			done := make(chan error, 1)
			go func() { done <- tt.call(b) }()
			select {
			case err := <-done:
				require.Error(t, err)
				require.ErrorContains(t, err, "does not honour "+tt.says)
			case <-time.After(20 * time.Second):
				t.Fatal("still reading pages")
			}
		})
	}
}
