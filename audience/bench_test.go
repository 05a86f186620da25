package audience_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/quorumhq/quorum/audience"
)

var (
	benchOnce sync.Once
	benchData []audience.AccountData
)

// BenchmarkBatch evaluates 3 audiences (firmographic ICP + engagement, an
// IT committee over persons, per-person email engagement) over 100,000
// accounts with 1,000,000 persons and 10,000,000 activities, generated
// deterministically once, outside the timer. It reports accounts/s and
// accounts/s per core (GOMAXPROCS), and the live heap after setup.
//
// Compare cores with one run each of -cpu 1 and -cpu 2, not with a list:
// with -benchtime 1x, the testing package reports its first run of a
// benchmark, made at the GOMAXPROCS of the list's last entry, for the
// list's first entry (golang/go#49980); accounts/s/core shows which
// GOMAXPROCS a row had.
func BenchmarkBatch(b *testing.B) {
	benchOnce.Do(func() { benchData = genAccounts(2026, 100_000, 10, 100) })
	ev, err := audience.New(audience.Config{Audiences: benchAudiences})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	members := 0
	for b.Loop() {
		res, err := ev.EvaluateBatch(benchData, nil, now)
		if err != nil {
			b.Fatal(err)
		}
		members = 0
		for i := range res {
			members += len(res[i].Membership)
		}
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(benchData))/secs, "accounts/s")
	b.ReportMetric(float64(len(benchData))/secs/float64(runtime.GOMAXPROCS(0)), "accounts/s/core")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(members), "memberships")
}
