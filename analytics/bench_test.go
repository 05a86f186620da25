package analytics_test

import (
	"testing"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// benchLog repeats the golden log for n copies of its accounts.
func benchLog(n int) []store.Event {
	base := goldenLog()
	out := make([]store.Event, 0, n*len(base))
	for i := range n {
		suffix := "-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
		for _, ev := range base {
			ev.Account = b2b.AccountID(string(ev.Account) + suffix)
			ev.Seq = int64(len(out) + 1)
			out = append(out, ev)
		}
	}
	return out
}

// BenchmarkCollectorAdd measures reading events (mixed types, as in an
// engine log) into a collector.
func BenchmarkCollectorAdd(b *testing.B) {
	log := benchLog(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, _ := analytics.New(analytics.Config{})
		for _, ev := range log {
			if err := c.Add(ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(log)*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReport measures a report over a collector holding the log of
// 3,000 accounts.
func BenchmarkReport(b *testing.B) {
	c, _ := analytics.New(analytics.Config{})
	for _, ev := range benchLog(1000) {
		if err := c.Add(ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Report(analytics.Period{}); err != nil {
			b.Fatal(err)
		}
	}
}
