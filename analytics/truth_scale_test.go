package analytics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// TestCompareTruthScales: comparing the MQAs of a large simulated market
// (sim allows ten million accounts) with its truth takes time in
// proportion to its accounts. Looking each truth account up in the list
// of the log's accounts took 15 s for 100,000 accounts (a quarter of an
// hour for a million); a set takes a fraction of a second. The bound is
// generous, for a loaded machine and the race detector.
func TestCompareTruthScales(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a large market")
	}
	const n = 100_000
	events := make([]store.Event, n)
	truth := make(analytics.GroundTruth, n)
	for i := range events {
		a := b2b.AccountID(fmt.Sprintf("acc-%07d", i))
		events[i] = store.Event{Seq: int64(i + 1), Account: a, Time: day(0), Type: "account.updated", Data: []byte(`{}`)}
		// Every other account of the truth is not in the log.
		truth[b2b.AccountID(fmt.Sprintf("acc-%07d", 2*i))] = map[string]bool{"dp": i%3 == 0}
	}
	r := report(t, events, analytics.Config{}, analytics.Period{To: day(1)})
	start := time.Now()
	got := r.CompareTruth(truth)
	require.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, n+n/2, got.Accounts.TrueNegatives+got.Accounts.FalseNegatives)
	require.Equal(t, n/2, got.Accounts.NotInTruth)
}
