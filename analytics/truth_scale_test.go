package analytics_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// truthMarket is a log of n accounts and a truth of as many, every other
// one of which is not in the log.
func truthMarket(tb testing.TB, n int) (*analytics.Report, analytics.GroundTruth) {
	tb.Helper()
	events := make([]store.Event, n)
	truth := make(analytics.GroundTruth, n)
	for i := range events {
		a := b2b.AccountID(fmt.Sprintf("acc-%07d", i))
		events[i] = store.Event{Seq: int64(i + 1), Account: a, Time: day(0), Type: "account.updated", Data: []byte(`{}`)}
		truth[b2b.AccountID(fmt.Sprintf("acc-%07d", 2*i))] = map[string]bool{"dp": i%3 == 0}
	}
	return report(tb, events, analytics.Config{}, analytics.Period{To: day(1)}), truth
}

// TestCompareTruthOfALargeMarket: the MQAs of a large simulated market
// (sim allows ten million accounts) compared with its truth. Looking each
// truth account up in the list of the log's accounts took a time in
// their square (15 s for 100,000 accounts, a quarter of an hour for a
// million); BenchmarkCompareTruth measures the time per account.
func TestCompareTruthOfALargeMarket(t *testing.T) {
	t.Parallel()
	const n = 100_000
	r, truth := truthMarket(t, n)
	got := r.CompareTruth(truth)
	require.Equal(t, n+n/2, got.Accounts.TrueNegatives+got.Accounts.FalseNegatives)
	require.Equal(t, n/2, got.Accounts.NotInTruth)
}

// BenchmarkCompareTruth compares markets of 1,000 and 100,000 accounts
// with their truth: the time per account (ns/account) of the larger is
// a small multiple of the smaller's, as its maps outgrow the caches (2.4x
// on a loaded machine), where a look-up in a list made it a hundredfold.
func BenchmarkCompareTruth(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			r, truth := truthMarket(b, n)
			for b.Loop() {
				r.CompareTruth(truth)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*n), "ns/account")
		})
	}
}
