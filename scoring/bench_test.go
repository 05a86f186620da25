package scoring

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// benchModel is the 12-rule model of BenchmarkIngest: six rules with a
// condition (over the activity, the person and the account), two caps, a
// 30-day half-life.
func benchModel() Model {
	day := func(n int) Cap { return Cap{Max: n, Period: PeriodDay} }
	return Model{
		Name:     "bench",
		HalfLife: 30 * 24 * time.Hour,
		Rules: []Rule{
			{Name: "visited page", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: day(10)},
			{Name: "visited pricing", Types: []string{b2b.ActivityVisitWebPage}, Points: 5,
				When: `icontains(attr(activity.attributes, "url", ""), "/pricing")`},
			{Name: "opened email", Types: []string{b2b.ActivityOpenEmail}, Points: 1, Cap: day(5)},
			{Name: "clicked email", Types: []string{b2b.ActivityClickEmail}, Points: 3},
			{Name: "clicked webinar email", Types: []string{b2b.ActivityClickEmail}, Points: 2,
				When: `attr(activity.attributes, "campaign", "") == "webinar"`},
			{Name: "clicked docs link", Types: []string{b2b.ActivityClickLink}, Points: 2,
				When: `istartsWith(attr(activity.attributes, "url", ""), "/docs")`},
			{Name: "filled out form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
			{Name: "demo request", Types: []string{b2b.ActivityFillOutForm}, Points: 40,
				When: `attr(activity.attributes, "form", "") == "Demo Request"`},
			{Name: "attended event", Types: []string{b2b.ActivityAttendEvent}, Points: 20},
			{Name: "senior attended event", Types: []string{b2b.ActivityAttendEvent}, Points: 15,
				When: `person.seniority in ["C-Level", "VP"]`},
			{Name: "intent in large account", Types: []string{b2b.ActivityInterestingMoment}, Points: 8,
				When: `account.employees >= 1000`},
			{Name: "unsubscribed", Types: []string{b2b.ActivityUnsubscribeEmail}, Points: -10},
		},
	}
}

// benchMix is the synthetic type mix, per 1000 activities: page visits and
// email opens dominate, as in real marketing data. register_for_event and
// send_email match no rule; g2:intent_surge is an unknown type.
var benchMix = []struct {
	typ   string
	per   int
	attrs []map[string]any
}{
	{b2b.ActivityVisitWebPage, 400, []map[string]any{{"url": "/"}, {"url": "/blog/post"}, {"url": "/product"}, {"url": "/Pricing"}, {"url": "/docs/start"}}},
	{b2b.ActivityOpenEmail, 250, []map[string]any{{"campaign": "newsletter"}, {"campaign": "webinar"}}},
	{b2b.ActivityClickEmail, 100, []map[string]any{{"campaign": "newsletter"}, {"campaign": "webinar"}, {}}},
	{b2b.ActivityClickLink, 60, []map[string]any{{"url": "/docs/api"}, {"url": "/careers"}}},
	{b2b.ActivityFillOutForm, 50, []map[string]any{{"form": "Contact Us"}, {"form": "Demo Request"}, {"form": "Whitepaper"}}},
	{b2b.ActivityRegisterForEvent, 40, nil},
	{b2b.ActivityAttendEvent, 30, nil},
	{b2b.ActivityInterestingMoment, 30, []map[string]any{{"moment": "pricing intent"}}},
	{b2b.ActivityUnsubscribeEmail, 10, nil},
	{b2b.ActivitySendEmail, 20, nil},
	{"g2:intent_surge", 10, nil},
}

type benchWorld struct {
	persons  []b2b.Person
	accounts []b2b.Account
	personOf []int32 // account index of each person
	start    time.Time
	span     time.Duration
	n        int
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func newBenchWorld(persons, accounts, activities int) *benchWorld {
	w := &benchWorld{
		persons: make([]b2b.Person, persons), accounts: make([]b2b.Account, accounts), personOf: make([]int32, persons),
		start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), span: 90 * 24 * time.Hour, n: activities,
	}
	for i := range w.accounts {
		w.accounts[i] = b2b.Account{ID: b2b.AccountID("acc-" + strconv.Itoa(i)), Employees: int(splitmix(uint64(i)) % 20000)}
	}
	for i := range w.persons {
		h := splitmix(uint64(i) + 1<<40)
		w.persons[i] = b2b.Person{ID: b2b.PersonID("p-" + strconv.Itoa(i)),
			Seniority:  b2b.Seniorities[h%uint64(len(b2b.Seniorities))],
			Department: b2b.Departments[(h>>8)%uint64(len(b2b.Departments))]}
		w.personOf[i] = int32(i % accounts)
	}
	return w
}

// chunk fills acts and who with activities [from, from+len(acts)): sorted by
// time but for a jitter of up to 10 minutes (so some arrive out of order),
// one in 200 delivered twice (same ID and content).
func (w *benchWorld) chunk(from int, acts []b2b.Activity, who []int32) {
	total := 0
	for _, m := range benchMix {
		total += m.per
	}
	step := int64(w.span) / int64(w.n)
	for k := range acts {
		i := from + k
		h := splitmix(uint64(i))
		src := i
		if h%200 == 0 && i > 0 {
			src = i - 1 // a duplicate delivery of the previous activity
			h = splitmix(uint64(src))
		}
		pick := int(h % uint64(total))
		var typ string
		var attrs map[string]any
		for _, m := range benchMix {
			if pick < m.per {
				typ = m.typ
				if len(m.attrs) > 0 {
					attrs = m.attrs[(h>>20)%uint64(len(m.attrs))]
				}
				break
			}
			pick -= m.per
		}
		p := int32((h >> 32) % uint64(len(w.persons)))
		jitter := time.Duration((h>>12)%600) * time.Second
		acts[k] = b2b.Activity{ID: b2b.ActivityID("a-" + strconv.Itoa(src)), Type: typ, Person: w.persons[p].ID,
			Time: w.start.Add(time.Duration(int64(src)*step) + jitter), Attributes: attrs}
		who[k] = p
	}
}

// BenchmarkIngest scores 10,000,000 synthetic activities of 1,000,000
// persons in 100,000 accounts with the 12-rule model (six conditions, caps,
// 30-day decay, dedupe), against a floor: a hand-written loop adding the
// same per-type points with no rules, decay or dedupe. It reports
// activities/s and, for the model, the memory per scored person.
//
// The stream is made in chunks of 1,000,000 activities outside the timer;
// each chunk is one batch, ingested at the time of its last activity. What
// is timed, per batch:
//
//   - model: [Applier.ApplyIndexed] on the batch, as an engine would call
//     it: reading each activity once in batch order into a compact record
//     (key, time, type, remembered condition results), grouping the
//     records by person (a counting sort by person index: count, prefix
//     sums, scatter), then, 32 persons at a time, fetching their states
//     (and the activities conditions will read) and, person by person, one
//     pass over the person's records (validation, horizon, dedupe, caps,
//     conditions, credits), counting the outcomes; the Applier (and its scratch memory and
//     condition memory) lives across the batches of one run;
//   - floor: one loop over the same batch in stream order, adding each
//     activity's per-type points to its person's total.
//
// Neither tunes the garbage collector.
func BenchmarkIngest(b *testing.B) {
	const persons, accounts, activities, chunkSize = 1_000_000, 100_000, 10_000_000, 1_000_000
	w := newBenchWorld(persons, accounts, activities)
	acts := make([]b2b.Activity, chunkSize)
	who := make([]int32, chunkSize)
	s, err := New(benchModel(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	// The floor's points: what the model's unconditioned rules give a type.
	points := map[string]float64{}
	for _, r := range benchModel().Rules {
		if r.When == "" {
			for _, t := range r.Types {
				points[t] += r.Points
			}
		}
	}
	step := w.span / time.Duration(activities)
	batchTime := func(from int) time.Time {
		// The last activity of the batch, with its largest jitter.
		return w.start.Add(time.Duration(from+chunkSize-1)*step + 10*time.Minute)
	}

	b.Run("model", func(b *testing.B) {
		var elapsed time.Duration
		var perPerson float64
		for b.Loop() {
			b.StopTimer()
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			states := make([]PersonState, persons)
			ap := s.NewApplier()
			var credited, refused int
			count := func(_ int, out Outcome, err error) {
				if err != nil {
					refused++
				} else if out.Status == Credited {
					credited++
				}
			}
			target := func(p int32) (*PersonState, *b2b.Person, *b2b.Account) {
				return &states[p], &w.persons[p], &w.accounts[w.personOf[p]]
			}
			for from := 0; from < activities; from += chunkSize {
				w.chunk(from, acts, who)
				now := batchTime(from)
				b.StartTimer()
				t0 := time.Now()
				if err := ap.ApplyIndexed(acts, who, persons, target, now, count); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(t0)
				b.StopTimer()
			}
			ap = nil // its scratch memory is not the states'
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			scored := 0
			for i := range states {
				if len(states[i].Credits)+len(states[i].Past) > 0 {
					scored++
				}
			}
			perPerson = float64(after.HeapAlloc-before.HeapAlloc) / float64(scored)
			runtime.KeepAlive(states)
			if credited == 0 || refused != 0 {
				b.Fatalf("%d credited, %d refused", credited, refused)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(activities)*float64(b.N)/elapsed.Seconds(), "activities/s")
		b.ReportMetric(perPerson, "B/person")
	})

	b.Run("floor", func(b *testing.B) {
		var elapsed time.Duration
		for b.Loop() {
			b.StopTimer()
			totals := make([]float64, persons)
			for from := 0; from < activities; from += chunkSize {
				w.chunk(from, acts, who)
				b.StartTimer()
				t0 := time.Now()
				for k := range acts {
					totals[who[k]] += points[acts[k].Type]
				}
				elapsed += time.Since(t0)
				b.StopTimer()
			}
			if totals[0] == 0 && totals[1] == 0 && totals[2] == 0 {
				b.Fatal(fmt.Sprint("no points", totals[:3]))
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(activities)*float64(b.N)/elapsed.Seconds(), "activities/s")
	})
}

// BenchmarkApplyHot is the scoring of BenchmarkIngest with 10,000 persons
// in 1,000 accounts (1,000,000 activities, 100 per person), so that the
// states stay in the CPU caches: the cost of scoring itself, without the
// memory latency of a million-person working set. Activities are applied
// one at a time in stream order, each at its own time plus a minute (so
// the floor moves with every day), by [Scorer.Apply] ("apply") and by an
// [Applier] ("applier", which remembers condition results).
func BenchmarkApplyHot(b *testing.B) {
	const persons, accounts, activities = 10_000, 1_000, 1_000_000
	w := newBenchWorld(persons, accounts, activities)
	acts := make([]b2b.Activity, activities)
	who := make([]int32, activities)
	w.chunk(0, acts, who)
	s, err := New(benchModel(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, apply func(st *PersonState, a *b2b.Activity, p int32) error) {
		var elapsed time.Duration
		for b.Loop() {
			b.StopTimer()
			states := make([]PersonState, persons)
			b.StartTimer()
			t0 := time.Now()
			for k := range acts {
				p := who[k]
				if err := apply(&states[p], &acts[k], p); err != nil {
					b.Fatal(err)
				}
			}
			elapsed += time.Since(t0)
		}
		b.ReportMetric(float64(activities)*float64(b.N)/elapsed.Seconds(), "activities/s")
	}
	b.Run("apply", func(b *testing.B) {
		run(b, func(st *PersonState, a *b2b.Activity, p int32) error {
			_, err := s.Apply(st, a, &w.persons[p], &w.accounts[w.personOf[p]], a.Time.Add(time.Minute))
			return err
		})
	})
	b.Run("applier", func(b *testing.B) {
		ap := s.NewApplier()
		var failed error
		one := make([]*b2b.Activity, 1)
		check := func(_ int, _ Outcome, err error) {
			if err != nil {
				failed = err
			}
		}
		run(b, func(st *PersonState, a *b2b.Activity, p int32) error {
			one[0] = a
			ap.ApplyPerson(st, one, &w.persons[p], &w.accounts[w.personOf[p]], a.Time.Add(time.Minute), check)
			return failed
		})
	})
}
