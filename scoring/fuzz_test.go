package scoring

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// FuzzNew: any condition, points and cap either build a scorer or return a
// validation error; a built scorer applies an activity without panicking.
func FuzzNew(f *testing.F) {
	f.Add(`attr(activity.attributes, "form", "") == "Demo Request"`, 40.0, 0, "")
	f.Add(`person.seniority in ["VP"] && account.employees > 10`, -5.0, 3, "day")
	f.Add(`activity.attributes["x"] > 1`, 1.0, 1, "week")
	f.Add(`daysSince(activity.time) < 1`, math.NaN(), -1, "year")
	f.Add(`)(`, math.Inf(1), 2, "month")
	f.Fuzz(func(t *testing.T, when string, points float64, capMax int, period string) {
		m := Model{Name: "f", HalfLife: time.Hour, Rules: []Rule{{Name: "r", Types: []string{b2b.ActivityFillOutForm},
			When: when, Points: points, Cap: Cap{Max: capMax, Period: Period(period)}}}}
		s, err := New(m, Config{})
		if err != nil {
			if s != nil {
				t.Fatal("scorer and error")
			}
			return
		}
		var st PersonState
		a := b2b.Activity{ID: "a", Type: b2b.ActivityFillOutForm, Time: t0, Attributes: map[string]any{"form": "Demo Request", "x": 2}}
		if _, err := s.Apply(&st, &a, &b2b.Person{ID: "p"}, nil, t0); err != nil {
			t.Fatal(err)
		}
		if v, err := s.ScoreAt(&st, t0); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatal(v, err)
		}
	})
}

// FuzzOrderIndependence: a stream decoded from the input gives the same
// state delivered sorted, reversed, or twice.
func FuzzOrderIndependence(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice over"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := New(testModel(), Config{Horizon: 60 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		types := []string{b2b.ActivityVisitWebPage, b2b.ActivityFillOutForm, b2b.ActivityAttendEvent, "webinar_attended",
			b2b.ActivityOpenEmail, b2b.ActivityUnsubscribeEmail, "custom"}
		attrs := []map[string]any{nil, {"url": "/pricing"}, {"form": "Demo Request"}}
		ids := []b2b.PersonID{"ann", "bob", "cyd"}
		var acts []b2b.Activity
		for i := 0; i+4 <= len(data) && len(acts) < 200; i += 4 {
			v := binary.LittleEndian.Uint32(data[i:])
			acts = append(acts, b2b.Activity{
				ID:         b2b.ActivityID([]byte{'a', byte('a' + v%23)}), // collisions make duplicates
				Type:       types[(v>>5)%uint32(len(types))],
				Person:     ids[(v>>8)%3],
				Time:       t0.Add(time.Duration(v>>10) * time.Second), // within ~48 days
				Attributes: attrs[(v>>3)%3],
			})
		}
		// Duplicates must be identical deliveries: keep the first content of
		// each ID.
		first := map[b2b.ActivityID]b2b.Activity{}
		for i, a := range acts {
			if f, ok := first[a.ID]; ok {
				acts[i] = f
			} else {
				first[a.ID] = a
			}
		}
		now := t0.Add(50 * 24 * time.Hour)
		run := func(stream []b2b.Activity) *Ledger {
			var l Ledger
			r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: stream}, now)
			if r.Total() != len(stream) || len(r.Refused) > 0 {
				t.Fatalf("report %s", r.String())
			}
			return &l
		}
		want := run(acts)
		rev := slices.Clone(acts)
		slices.Reverse(rev)
		if d := gocmp.Diff(want, run(rev)); d != "" {
			t.Fatalf("reversed (-want +got):\n%s", d)
		}
		if d := gocmp.Diff(want, run(append(slices.Clone(acts), rev...))); d != "" {
			t.Fatalf("twice (-want +got):\n%s", d)
		}
	})
}

// FuzzGroupScore: Group.Score is Aggregate's figure, to the bit, for any
// group decoded from the input (persons in several roles, members without
// a role, duplicates, required roles with and without members, any of the
// aggregations, ties and zero scores).
func FuzzGroupScore(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{3, 9, 0, 1, 0, 2, 1, 1, 2, 2, 3, 0, 3, 3})
	f.Add([]byte("twenty persons in a buying group, some with roles, one twice, and more"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		aggs := []Aggregation{AggSum, AggAverage, AggRoleWeightedSum, AggMinPerRequiredRole}
		roles := []string{"", "Economic Buyer", "Champion", "Technical Evaluator"}
		g := Group{Name: "g", Aggregation: aggs[int(data[0])%len(aggs)], NonRoleWeight: float64(data[1]%3) / 2}
		for _, r := range roles[1:] {
			if data[1]&(1<<len(g.RequiredRoles)+2) != 0 {
				g.RequiredRoles = append(g.RequiredRoles, r)
			}
		}
		scores := map[b2b.PersonID]float64{}
		for _, b := range data[2:] {
			id := b2b.PersonID(string(rune('a' + b%24)))
			g.Members = append(g.Members, Member{Person: id, Role: roles[b>>5%4], Weight: float64(b>>3%4) / 2})
			scores[id] = float64(b%5) * 12.5
		}
		score := func(id b2b.PersonID) float64 { return scores[id] }
		want, got := g.Aggregate(score, t0).Score, g.Score(score)
		if math.Float64bits(want) != math.Float64bits(got) {
			t.Fatalf("%+v: Score %v, Aggregate %v", g, got, want)
		}
	})
}

// FuzzNative: a person-level condition built from the input (fields of
// person and account, string, integer, float and boolean constants,
// comparisons, in and not in, negation, and, or) gives, where it is
// translated to Go, the answer of the expression machine on persons and
// accounts chosen to sit on the boundaries its constants draw (and NaN,
// infinities, empty strings).
func FuzzNative(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{2, 3, 7, 1, 4, 0, 5, 6, 2, 9, 11, 13})
	f.Add([]byte("person.seniority in [\"VP\"] && account.employees >= 500"))
	f.Add([]byte{6, 6, 6, 1, 2, 8, 3, 3, 1, 0, 7, 9, 4, 4, 5})
	f.Add([]byte{1, 9, 9, 9, 2, 4, 12, 0, 3, 1, 5, 10, 0})
	eng := rules.New()
	strs := []string{`""`, `"VP"`, `"C-Level"`, `"M"`, `"a"`}
	nums := []string{"0", "1", "-1", "500", "2.5", "1e6", "0.0", "999999999999", "1000.5"}
	strFields := []string{"person.seniority", "person.title", "person.department", "account.country", "account.industry"}
	numFields := []string{"account.employees", "account.annualRevenue"}
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		next := func() int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1])
		}
		var operand func(num bool) string
		operand = func(num bool) string {
			v := next()
			if num {
				if v%2 == 0 {
					return numFields[v/2%len(numFields)]
				}
				return nums[v/2%len(nums)]
			}
			if v%2 == 0 {
				return strFields[v/2%len(strFields)]
			}
			return strs[v/2%len(strs)]
		}
		ops := []string{"==", "!=", "<", "<=", ">", ">="}
		var cond func(depth int) string
		cond = func(depth int) string {
			v := next()
			if depth > 3 {
				v %= 4
			}
			switch v % 9 {
			case 0, 1:
				num := v%2 == 0
				return operand(num) + " " + ops[next()%len(ops)] + " " + operand(num)
			case 2:
				l := operand(true) + " " + ops[next()%len(ops)] + " "
				return l + operand(false) // a string against a number: refused or not translated
			case 3:
				var list []string
				for range next() % 3 {
					list = append(list, strs[next()%len(strs)])
				}
				op := " in "
				if next()%2 == 1 {
					op = " not in "
				}
				return operand(false) + op + "[" + strings.Join(list, ", ") + "]"
			case 4:
				return "!(" + cond(depth+1) + ")"
			case 5:
				return "not (" + cond(depth+1) + ")"
			case 6:
				return "(" + cond(depth+1) + ") && (" + cond(depth+1) + ")"
			case 7:
				return cond(depth+1) + " or " + cond(depth+1)
			default:
				return []string{"true", "false"}[next()%2]
			}
		}
		src := cond(0)
		nat := compileNative(src)
		x, err := rules.Compile[Env, bool](eng, rules.Rule{Name: "c", Source: src})
		if err != nil || nat == nil {
			// Refused (New reports the error, and never runs the
			// translation), or left to the expression machine.
			return
		}
		vals := []string{"", "VP", "C-Level", "M", "Ma", "a"}
		fl := []float64{0, 1, -1, 2.5, 500, 1000.5, 1e6, 999999999999, math.NaN(), math.Inf(1), math.Inf(-1)}
		for k := range 60 {
			p := &b2b.Person{Seniority: vals[k%len(vals)], Title: vals[(k/2)%len(vals)], Department: vals[(k/3)%len(vals)]}
			a := &b2b.Account{Employees: []int{0, 1, -1, 500, 499, 1000, 999999999999}[k%7], AnnualRevenue: fl[(k/7+k)%len(fl)],
				Country: vals[(k/5)%len(vals)], Industry: vals[(k/4)%len(vals)]}
			want, err := x.Eval(&Env{Activity: &b2b.Activity{}, Person: p, Account: a})
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if got := nat(p, a); got != want {
				t.Fatalf("%s on %+v %+v: native %v, expr %v", src, p, a, got, want)
			}
		}
	})
}
