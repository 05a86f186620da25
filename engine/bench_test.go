package engine_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// BenchmarkEndToEnd runs the whole chain on the memory store as a host
// runs it: the option B program (two solution interests, one journey
// each, a shared cap) on a simulated world whose records are loaded
// outside the timer; then, timed, the 90 days of activities go in as 10
// batches of 9 days by default (batch ingestion: each account with
// activities in a batch runs through the chain once, at the batch's end),
// time advancing to the end of each batch (an account due in between, a
// quiet one, runs at each time it was due: a refresh a day, the end of a
// journey wait), and after
// each batch one dispatcher per core delivers what is due (journey
// messages are rendered when claimed) to a sender that accepts every
// message. It reports:
//
//   - activities/s: activities over the whole timed loop, delivery included;
//   - chain-activities/s: activities over the time spent ingesting and
//     advancing only (the decisions, without their delivery);
//   - delivered/s: messages over the time spent delivering;
//   - steps/s: journey steps with something to do, over the whole loop;
//   - B/account: what stays on the heap after the run (states, event
//     logs, the outbox), peak-B/account the highest heap during it
//     (garbage not yet collected included);
//   - procs: the GOMAXPROCS the run had, which is also the engine's and
//     the dispatchers' parallelism;
//   - state-ptrs/account: the pointer words of an account's state after
//     the run (StatePointers: what the collector follows in it at every
//     cycle), when the store keeps states as values.
//
// To see the scaling, run it once with -cpu 1 and once with -cpu 2, not
// with a list: with -benchtime 1x, the testing package reports its first
// run of a benchmark, made at the GOMAXPROCS of the list's last entry,
// for the list's first entry, so that -cpu 1,2 runs the "1" row with two
// (procs says which it had; golang/go#49980). The world has
// QUORUM_BENCH_ACCOUNTS accounts (default 2,000) with about 9 persons
// each and about 10 activities per person over 90 days; the full
// size is 100,000 accounts. QUORUM_BENCH_BATCH_DAYS sets the days a
// batch covers (default 9; a longer batch gives each account's pass more
// activities, which is how the cost of a pass is spread; one longer than
// the engine's activity retention fails the run, its older activities
// rejected too_late). Each batch's activities are generated just
// before it, outside the timer, so that a large world's inputs are not all
// in memory at once. QUORUM_BENCH_HEAPPROFILE names a file to write the
// heap's profile to after the run (what stays live, by allocation site).
func BenchmarkEndToEnd(b *testing.B) { endToEnd(b, func() store.Store { return memory.New() }) }

// BenchmarkEncodedStates is BenchmarkEndToEnd with the account states
// encoded, as a durable store (SQL) keeps them: the memory store behind a
// wrapper that hides its [store.ValueKeeper] side, so that every commit
// encodes the account's state and a state the engine's cache no longer
// holds is decoded. It measures what the engine itself costs such a store;
// the store's own round trips come on top.
func BenchmarkEncodedStates(b *testing.B) {
	endToEnd(b, func() store.Store { return bytesOnly{memory.New()} })
}

// benchUnsubscribeURL is the host's link in the benchmarks: one string
// a message, what the host's own function costs kept to its least, so
// that the figures measure the engine.
func benchUnsubscribeURL(_ b2b.AccountID, p b2b.PersonID) string {
	return "https://acme.example/unsubscribe/" + string(p)
}

// endToEnd runs the benchmark above on a store newStore makes.
func endToEnd(b *testing.B, newStore func() store.Store) {
	accounts := 2000
	if v, err := strconv.Atoi(os.Getenv("QUORUM_BENCH_ACCOUNTS")); err == nil && v > 0 {
		accounts = v
	}
	perBatch := 9
	if v := os.Getenv("QUORUM_BENCH_BATCH_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 90 {
			b.Fatalf("QUORUM_BENCH_BATCH_DAYS=%q: want a whole number of days from 1 to 90", v)
		}
		perBatch = n
	}
	prog, w := optionBWorld(b, accounts)
	days := w.Config.Days
	b.Logf("%d accounts, %d persons", accounts, len(w.Truth.Account))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		c := clock.NewManual(w.Config.Start)
		st := newStore()
		eng, err := engine.New(engine.Config{UnsubscribeURL: benchUnsubscribeURL, Store: st, Program: prog, Clock: c, Workers: runtime.GOMAXPROCS(0)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := eng.Apply(ctx, worldRecords(w)); err != nil {
			b.Fatal(err)
		}
		steps0 := eng.Counters().Steps
		peak := samplePeakHeap()
		var chain, deliver time.Duration
		total, delivered := 0, 0
		for first := 0; first < days; first += perBatch {
			last := min(first+perBatch, days)
			var acts []b2b.Activity
			for d := first; d < last; d++ {
				acts = append(acts, w.Day(d)...)
			}
			total += len(acts)
			end := w.Date(last)
			c.Set(end)
			b.StartTimer()
			start := time.Now()
			if _, err := eng.Ingest(ctx, acts...); err != nil {
				b.Fatal(err)
			}
			if _, err := eng.Advance(ctx, end); err != nil {
				b.Fatal(err)
			}
			mid := time.Now()
			delivered += dispatchAll(b, eng, c)
			chain, deliver = chain+mid.Sub(start), deliver+time.Since(mid)
			b.StopTimer()
		}
		peakHeap := peak()
		cnt := eng.Counters()
		if cnt.Ingested == 0 || delivered == 0 {
			b.Fatal("nothing ingested or delivered")
		}
		// The world's unmatched leads (persons linked to no account) are
		// rejected as a host's would be; any other rejection means the
		// figures count activities the chain did not apply (a batch longer
		// than the engine's activity retention is rejected too_late).
		for reason, n := range cnt.Rejected {
			if reason != "unknown_account" {
				b.Fatalf("%d activities rejected %s (batches of %d days)", n, reason, perBatch)
			}
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		elapsed := chain + deliver
		b.ReportMetric(float64(total)/elapsed.Seconds(), "activities/s")
		b.ReportMetric(float64(total)/chain.Seconds(), "chain-activities/s")
		b.ReportMetric(float64(delivered)/deliver.Seconds(), "delivered/s")
		b.ReportMetric(float64(cnt.Steps-steps0)/elapsed.Seconds(), "steps/s")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(accounts), "B/account")
		b.ReportMetric(float64(peakHeap-before.HeapAlloc)/float64(accounts), "peak-B/account")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		if ptrs, ok := statePointers(ctx, b, st, w); ok {
			b.ReportMetric(ptrs, "state-ptrs/account")
		}
		b.Logf("%d activities, %d messages delivered, %d commits", total, delivered, cnt.Commits)
		if path := os.Getenv("QUORUM_BENCH_HEAPPROFILE"); path != "" {
			writeHeapProfile(b, path)
		}
		runtime.KeepAlive(eng)
		b.StartTimer()
	}
}

// statePointers returns the mean of the pointer words of the accounts'
// states (StatePointers), which the collector follows at every cycle;
// false when the store keeps states encoded (no pointers of the engine's).
// A world account identity merged into another has no state of its own.
func statePointers(ctx context.Context, b *testing.B, st store.Store, w *sim.World) (float64, bool) {
	b.Helper()
	if !store.KeepsValues(st) {
		return 0, false
	}
	total, states := 0, 0
	for _, a := range w.Accounts {
		rec, err := st.LoadAccount(ctx, "default", a.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		states++
		for _, n := range engine.StatePointers(rec.Value) {
			total += n
		}
	}
	return float64(total) / float64(max(states, 1)), true
}

// writeHeapProfile writes what is live on the heap after the run (the
// engine and its store, and the simulated world, the benchmark's input)
// to path, for "go tool pprof -sample_index inuse_space"; run with
// -memprofilerate 4096 or so for detail.
func writeHeapProfile(b *testing.B, path string) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// optionBWorld compiles the option B example program and makes the
// benchmarks' simulated world of that many accounts over 90 days.
func optionBWorld(b *testing.B, accounts int) (*program.Program, *sim.World) {
	b.Helper()
	prog := optionBProgram(b)
	w, err := sim.New(sim.Config{Seed: 7, Accounts: accounts, Days: 90, ActivityScale: 2.3})
	if err != nil {
		b.Fatal(err)
	}
	return prog, w
}

// dispatchAll delivers everything due, with one dispatcher per core
// claiming concurrently (as several dispatchers of a host do), and
// returns how many messages were delivered.
func dispatchAll(b *testing.B, eng *engine.Engine, c *clock.Manual) int {
	b.Helper()
	var delivered atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: eng.Outbox(), Email: discard{}, SMS: discard{}, Alert: discard{},
			Clock: c, BatchSize: 200})
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			rep, err := d.Dispatch(context.Background())
			if err != nil {
				b.Error(err)
			}
			if rep.Failed > 0 {
				b.Errorf("%d messages failed", rep.Failed)
			}
			delivered.Add(int64(rep.Delivered))
		})
	}
	wg.Wait()
	if n := eng.Counters().Messages["unrenderable"]; n > 0 {
		b.Errorf("%d messages could not be rendered", n)
	}
	return int(delivered.Load())
}

// discard accepts every message without sending it.
type discard struct{}

func (discard) SendEmail(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{ProviderID: m.Key}, nil
}

func (discard) SendSMS(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{ProviderID: m.Key}, nil
}

func (discard) SendAlert(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{ProviderID: m.Key}, nil
}

// samplePeakHeap samples the heap's size every 10ms until the returned
// function is called, which returns the highest size seen.
func samplePeakHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	read := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak
	}
}

// BenchmarkErasePerson erases persons one after the other from a world of
// 500 accounts that has run its 90 days (option B, every message
// delivered), and reports the time of one erasure beside the time of one
// account view (Engine.Account, what a CRM panel reads) in the same world:
// view-ms/op and the ratio erasure/view.
func BenchmarkErasePerson(b *testing.B) {
	prog, w := optionBWorld(b, 500)
	ctx := context.Background()
	c := clock.NewManual(w.Config.Start)
	eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: memory.New(), Program: prog, Clock: c})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := eng.Apply(ctx, worldRecords(w)); err != nil {
		b.Fatal(err)
	}
	for d := range 90 {
		c.Set(w.Date(d + 1))
		if _, err := eng.Ingest(ctx, w.Day(d)...); err != nil {
			b.Fatal(err)
		}
		if _, err := eng.Advance(ctx, w.Date(d+1)); err != nil {
			b.Fatal(err)
		}
		dispatchAll(b, eng, c)
	}
	var ids []b2b.PersonID
	for _, p := range w.Persons {
		if id, ok := eng.PersonOfRecord(p.Source, string(p.ID)); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	start := time.Now()
	for _, a := range w.Accounts {
		if _, err := eng.Account(ctx, a.ID, c.Now()); err != nil {
			b.Fatal(err)
		}
	}
	view := time.Since(start) / time.Duration(len(w.Accounts))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if n == len(ids) {
			b.Fatal("no one left to erase: use a smaller -benchtime")
		}
		if _, err := eng.ErasePerson(ctx, ids[n]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(view.Microseconds())/1000, "view-ms/op")
	b.ReportMetric(float64(b.Elapsed())/float64(n)/float64(view), "erasure/view")
}
