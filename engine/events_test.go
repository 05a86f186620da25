package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestEventsPages: Events reads the log a page at a time, as its
// documentation says: limit <= 0 is a page of 1,000, afterSeq <= 0 reads
// from the first event, and the last Seq of a page reads on.
func TestEventsPages(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	evs := make([]store.Event, 1500)
	for i := range evs {
		evs[i] = store.Event{Type: "test.event", Time: day0, Data: []byte(`{}`)}
	}
	_, err := b.store.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "acme", State: []byte(`{}`), Events: evs, Now: day0})
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		account string
		after   int64
		limit   int
		n       int
		first   int64
	}{
		{"no limit is 1,000", "acme", 0, 0, 1000, 1},
		{"a negative limit too", "acme", 0, -1, 1000, 1},
		{"a negative afterSeq reads from the first", "acme", -7, 10, 10, 1},
		{"after a page", "acme", 1000, 0, 500, 1001},
		{"past the end", "acme", 1500, 10, 0, 0},
		{"the whole tenant", "", 1490, 0, 10, 1491},
		{"an account with no log", "globex", 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := b.eng.Events(b.ctx, b2b.AccountID(tc.account), tc.after, tc.limit)
			require.NoError(t, err)
			require.Len(t, got, tc.n)
			if tc.n > 0 {
				require.Equal(t, tc.first, got[0].Seq)
				require.Equal(t, tc.first+int64(tc.n)-1, got[len(got)-1].Seq)
			}
		})
	}
}
