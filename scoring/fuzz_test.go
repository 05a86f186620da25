package scoring

import (
	"encoding/binary"
	"fmt"
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
// state delivered sorted, reversed, or twice, and the same unmatched and
// unknown-type counts (an activity matches a rule or not whatever came
// before it, also when the rule's cap is full; which matching activity is
// credited and which capped depends on the order).
func FuzzOrderIndependence(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice over"))
	// Two trials of ann on one day, the first a demo request.
	f.Add([]byte{232, 64, 56, 0, 240, 128, 112, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := testModel()
		// A type whose only rule has a condition and a cap.
		m.Rules = append(m.Rules, Rule{Name: "demo trial", Types: []string{"trial"}, Points: 30,
			When: `attr(activity.attributes, "form", "") == "Demo Request"`, Cap: Cap{Max: 1, Period: PeriodDay}})
		s, err := New(m, Config{Horizon: 60 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		types := []string{b2b.ActivityVisitWebPage, b2b.ActivityFillOutForm, b2b.ActivityAttendEvent, "webinar_attended",
			b2b.ActivityOpenEmail, b2b.ActivityUnsubscribeEmail, "custom", "trial"}
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
		run := func(stream []b2b.Activity) (*Ledger, Report) {
			var l Ledger
			r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: stream}, now)
			if r.Total() != len(stream) || len(r.Refused) > 0 {
				t.Fatalf("report %s", r.String())
			}
			return &l, r
		}
		// matching counts what in a report does not depend on the order.
		type matching struct {
			Unmatched    int
			UnknownTypes map[string]int
		}
		times := func(r Report, k int) matching {
			m := matching{Unmatched: k * r.Unmatched}
			for typ, n := range r.UnknownTypes {
				if m.UnknownTypes == nil {
					m.UnknownTypes = map[string]int{}
				}
				m.UnknownTypes[typ] = k * n
			}
			return m
		}
		want, wantR := run(acts)
		rev := slices.Clone(acts)
		slices.Reverse(rev)
		got, gotR := run(rev)
		if d := gocmp.Diff(want, got); d != "" {
			t.Fatalf("reversed (-want +got):\n%s", d)
		}
		if d := gocmp.Diff(times(wantR, 1), times(gotR, 1)); d != "" {
			t.Fatalf("reversed, report (-want +got):\n%s", d)
		}
		got, gotR = run(append(slices.Clone(acts), rev...))
		if d := gocmp.Diff(want, got); d != "" {
			t.Fatalf("twice (-want +got):\n%s", d)
		}
		if d := gocmp.Diff(times(wantR, 2), times(gotR, 1)); d != "" {
			t.Fatalf("twice, report (-want +got):\n%s", d)
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
		operand := func(num bool) string {
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

// FuzzApplierRemembers: for conditions built from the input (over the
// activity's type, time and attributes, attr() with constant and other
// keys and defaults, the person, the account, now and the time functions,
// alone or combined), an Applier, which remembers what the analysis of a
// condition says it may (per person, per attribute value), gives the
// states and outcomes of Scorer.Apply, which evaluates every condition
// afresh.
func FuzzApplierRemembers(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{3, 3, 3, 8, 1, 0, 2, 9, 4, 7})
	f.Add([]byte{5, 12, 6, 2, 11, 1, 7, 0, 4, 9, 3, 8, 10})
	f.Add([]byte("attr(activity.attributes, \"form\", \"\") == person.title"))
	parts := []string{
		`attr(activity.attributes, "form", "") == "Demo Request"`,
		`attr(activity.attributes, "form", "x") != "x"`,
		`icontains(attr(activity.attributes, "url", ""), "pricing")`,
		`attr(activity.attributes, "form", "") == person.title`,
		`attr(activity.attributes, person.title, "") == "VP"`,
		`attr(activity.attributes, "n", 0) > 1`,
		`person.seniority in ["VP", "C-Level"]`,
		`account.employees >= 500`,
		`icontains(person.title, "data")`,
		`activity.type == "fill_out_form"`,
		`daysSince(activity.time) < 1`,
		`hourOf(activity.time) < 12`,
		`hourOf(now) > 3`,
		`len(activity.attributes) > 1`,
		`any(["a", "Demo Request"], # == attr(activity.attributes, "form", ""))`,
		`true`,
	}
	s0 := func(when []string) *Scorer {
		m := Model{Name: "f", HalfLife: 24 * time.Hour}
		for i, w := range when {
			m.Rules = append(m.Rules, Rule{Name: fmt.Sprint("r", i), Types: []string{b2b.ActivityFillOutForm, b2b.ActivityVisitWebPage},
				When: w, Points: float64(i + 1), Cap: Cap{Max: i % 3, Period: []Period{"", PeriodDay, PeriodWeek}[i%3]}})
		}
		s, err := New(m, Config{})
		if err != nil {
			return nil
		}
		return s
	}
	persons := []*b2b.Person{
		{ID: "ann", Seniority: b2b.SeniorityVP, Title: "Demo Request"},
		{ID: "bob", Title: "data engineer"},
	}
	acct := &b2b.Account{ID: "acme", Employees: 600}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		var when []string
		for i := 0; i+1 < len(data) && len(when) < 4; i += 2 {
			w := parts[int(data[i])%len(parts)]
			switch data[i+1] % 4 {
			case 1:
				w = "!(" + w + ")"
			case 2:
				w += " && " + parts[int(data[i+1]/4)%len(parts)]
			case 3:
				w += " || " + parts[int(data[i+1]/4)%len(parts)]
			}
			when = append(when, w)
		}
		if len(when) == 0 {
			return
		}
		s := s0(when)
		if s == nil {
			return
		}
		forms := []any{"Demo Request", "Contact", "VP", nil, 3}
		var acts []*b2b.Activity
		for i, b := range data {
			a := &b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("a", i%7)), Person: persons[int(b)%2].ID,
				Type: []string{b2b.ActivityFillOutForm, b2b.ActivityVisitWebPage}[int(b>>1)%2],
				Time: t0.Add(time.Duration(b>>2) * 3 * time.Hour), Attributes: map[string]any{}}
			if v := forms[int(b>>3)%len(forms)]; v != nil {
				a.Attributes["form"] = v
				a.Attributes["url"] = "/pricing"
				a.Attributes["Demo Request"] = "VP"
			}
			if b%3 == 0 {
				a.Attributes["n"] = int(b)
			}
			acts = append(acts, a)
		}
		now := t0.Add(40 * 24 * time.Hour)
		ap := s.NewApplier()
		for _, p := range persons {
			var mine []*b2b.Activity
			for _, a := range acts {
				if a.Person == p.ID {
					mine = append(mine, a)
				}
			}
			var want, got PersonState
			var wantOut, gotOut []string
			for _, a := range mine {
				o, err := s.Apply(&want, a, p, acct, now)
				wantOut = append(wantOut, fmt.Sprint(o.Status, o.Points, len(o.RuleErrors), err))
			}
			// Twice with one applier: what it remembers from the first
			// pass must hold in the second.
			for range 2 {
				got, gotOut = PersonState{}, nil
				ap.ApplyPerson(&got, mine, p, acct, now, func(_ int, o Outcome, err error) {
					gotOut = append(gotOut, fmt.Sprint(o.Status, o.Points, len(o.RuleErrors), err))
				})
				if d := gocmp.Diff(wantOut, gotOut); d != "" {
					t.Fatalf("%q: outcomes (-Apply +Applier):\n%s", when, d)
				}
				if d := gocmp.Diff(want, got); d != "" {
					t.Fatalf("%q: states (-Apply +Applier):\n%s", when, d)
				}
			}
		}
	})
}
