package audience_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

const day = 24 * time.Hour

// acme is a small account: 2,000 employees in Software, three persons, and
// a handful of activities at known times.
func acme(t *testing.T) *audience.AccountData {
	t.Helper()
	ps := []b2b.Person{
		{ID: "cfo", Email: "cfo@acme.com", Seniority: b2b.SeniorityCLevel, Department: b2b.DepartmentFinance},
		{ID: "vpit", Email: "vpit@acme.com", Seniority: b2b.SeniorityVP, Department: b2b.DepartmentIT},
		{ID: "dev", Email: "dev@acme.com", Seniority: b2b.SeniorityIndividual, Department: b2b.DepartmentIT},
	}
	var acts []b2b.Activity
	add := func(typ string, p b2b.PersonID, ago time.Duration, n int) {
		for range n {
			acts = append(acts, b2b.Activity{ID: b2b.ActivityID(fmt.Sprintf("a%d", len(acts))), Type: typ, Person: p, Time: now.Add(-ago)})
		}
	}
	add(b2b.ActivityVisitWebPage, "vpit", 2*day, 6)
	add(b2b.ActivityVisitWebPage, "dev", 10*day, 5)
	add(b2b.ActivityVisitWebPage, "cfo", 40*day, 7) // outside a 30-day window
	add(b2b.ActivityOpenEmail, "cfo", day, 2)
	add(b2b.ActivityOpenEmail, "vpit", 3*day, 1)
	add(b2b.ActivityFillOutForm, "ghost", day, 1)  // a person not in the account
	add(b2b.ActivityVisitWebPage, "vpit", -day, 3) // in the future: never counted
	ix, err := audience.NewActivities(ps, acts)
	require.NoError(t, err)
	return &audience.AccountData{
		Account:    b2b.Account{ID: "acme", Name: "Acme", Industry: "Software", Employees: 2000, UpdatedAt: now.Add(-5 * day)},
		Persons:    ps,
		Activities: ix,
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule string
		want bool
	}{
		{"ICP and engagement", `account.employees >= 500 && account.industry in ["Software","Financial Services"] && activityCount("visit_web_page", 30) >= 10`, true},
		{"30-day window excludes older visits", `activityCount("visit_web_page", 30) == 11`, true},
		{"longer window includes them", `activityCount("visit_web_page", 45) == 18`, true},
		{"short window", `activityCount("visit_web_page", 5) == 6`, true},
		{"fractional days", `activityCount("open_email", 1.5) == 2`, true},
		{"any type", `activityCount("*", 30) == 11 + 3 + 1`, true},
		{"unknown type counts zero", `activityCount("attend_event", 365) == 0`, true},
		{"not ICP industry", `account.industry in ["Healthcare"] && activityCount("visit_web_page", 30) >= 10`, false},
		{"count persons", `count(persons, .department == "IT") >= 2`, true},
		{"any person", `any(persons, .seniority == "C-Level" && .department == "Finance")`, true},
		{"all persons", `all(persons, .email endsWith "@acme.com")`, true},
		{"none", `none(persons, .department == "Legal")`, true},
		// No person of acme stated consent: every channel is unknown, as
		// b2b.(*Person).ConsentFor gives it.
		{"consent never stated", `any(persons, .consent.sms.status == "unknown")`, true},
		{"consent never stated, optional chain", `count(persons, .consent?.email?.status == "unknown") == 3`, true},
		{"consent never stated is no opt-in", `none(persons, .consent.email.status in ["opt-in", ""])`, true},
		{"per-person aggregate", `count(persons, personActivityCount("visit_web_page", 30) >= 5) == 2`, true},
		{"per-person with condition", `any(persons, .department == "Finance" && personActivityCount("open_email", 7) >= 2)`, true},
		{"per-person any type", `count(persons, personActivityCount("*", 30) >= 1) == 3`, true},
		{"ghost person counts for the account only", `activityCount("fill_out_form", 7) == 1 && count(persons, personActivityCount("fill_out_form", 7) > 0) == 0`, true},
		{"daysSince reads now", `daysSince(account.updatedAt) >= 5 && daysSince(account.updatedAt) < 6`, true},
		{"aggregate in arithmetic", `activityCount("visit_web_page", 30) / 2 > 5`, true},
		{"same aggregate twice", `activityCount("open_email", 30) >= 3 && activityCount("open_email", 30) <= 3`, true},
		{"multi-line rule", "account.employees >= 500 &&\n  activityCount(\n    \"open_email\", 30) >= 3", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "a", Rule: tt.rule}}})
			require.NoError(t, err)
			res, err := ev.Evaluate(acme(t), nil, now)
			require.NoError(t, err)
			require.Equal(t, tt.want, res.Decisions[0].Member, res.Decisions[0].Reason())
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		aud  []audience.Audience
		want []string // error lines, without the snippets
	}{
		{"missing name and duplicate", []audience.Audience{{Name: "", Rule: "true"}, {Name: "x", Rule: "true"}, {Name: "x", Rule: "true"}}, []string{
			`audiences[0].name: is required`,
			`audiences[2].name: "x" is already the name of audiences[1]`,
		}},
		{"duplicate after a rule that does not compile", []audience.Audience{{Name: "a", Rule: "nope"}, {Name: "x", Rule: "true"}, {Name: "x", Rule: "true"}}, []string{
			`audiences[0].rule: rule "a" 1:1: unknown name nope`,
			`audiences[2].name: "x" is already the name of audiences[1]`,
		}},
		{"duplicate of an audience whose rule does not compile", []audience.Audience{{Name: "x", Rule: "nope"}, {Name: "x", Rule: "true"}}, []string{
			`audiences[0].rule: rule "x" 1:1: unknown name nope`,
			`audiences[1].name: "x" is already the name of audiences[0]`,
		}},
		{"type must be a literal", []audience.Audience{{Name: "a", Rule: `activityCount(account.industry, 30) > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:15: activityCount(type, days) takes a constant activity type and a constant number of days, e.g. activityCount("visit_web_page", 30): the type is not a string literal`,
		}},
		{"bad type", []audience.Audience{{Name: "a", Rule: `activityCount("Visit Page", 30) > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:15: "Visit Page" is not a valid activity type (lower-case letters, digits, _ . : -, starting with a letter; or "*" for any type)`,
		}},
		{"days out of range", []audience.Audience{{Name: "a", Rule: `activityCount("open_email", 0) > 1`}, {Name: "b", Rule: `activityCount("open_email", 4000) > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:29: the number of days must be more than 0 and at most 3650, got 0`,
			`audiences[1].rule: rule "b" 1:29: the number of days must be more than 0 and at most 3650, got 4000`,
		}},
		// A negative number was refused as no number literal at all.
		{"negative days", []audience.Audience{{Name: "a", Rule: `activityCount("open_email", -7) > 1`}, {Name: "b", Rule: `activityCount("open_email", -0.5) > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:29: the number of days must be more than 0 and at most 3650, got -7`,
			`audiences[1].rule: rule "b" 1:29: the number of days must be more than 0 and at most 3650, got -0.5`,
		}},
		{"arity", []audience.Audience{{Name: "a", Rule: `activityCount("open_email") > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:1: activityCount(type, days) takes a constant activity type and a constant number of days, e.g. activityCount("visit_web_page", 30): 1 arguments given`,
		}},
		{"per-person outside persons", []audience.Audience{{Name: "a", Rule: `personActivityCount("open_email", 30) > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:1: personActivityCount counts the current person's activities: use it directly inside a predicate over persons, e.g. count(persons, personActivityCount("open_email", 30) >= 1) >= 2`,
		}},
		{"type given through a pipe", []audience.Audience{{Name: "a", Rule: `"open_email" | activityCount(30) >= 3`}, {Name: "b", Rule: `count(persons, "open_email" | personActivityCount(30) >= 1) >= 2`}}, []string{
			`audiences[0].rule: rule "a" 1:1: activityCount(type, days) takes a constant activity type and a constant number of days, e.g. activityCount("visit_web_page", 30): write them inside the parentheses, not through a pipe`,
			`audiences[1].rule: rule "b" 1:16: personActivityCount(type, days) takes a constant activity type and a constant number of days, e.g. personActivityCount("visit_web_page", 30): write them inside the parentheses, not through a pipe`,
		}},
		{"reserved name", []audience.Audience{{Name: "a", Rule: `_agg[0] > 1`}}, []string{
			`audiences[0].rule: rule "a" 1:1: _agg is a reserved name`,
		}},
		{"engine error keeps the position after an aggregate", []audience.Audience{{Name: "a", Rule: `activityCount("open_email", 30) > 1 && acount.employees > 5`}}, []string{
			`audiences[0].rule: rule "a" 1:40: unknown name acount`,
		}},
		{"wrong result type", []audience.Audience{{Name: "a", Rule: `activityCount("open_email", 30)`}}, []string{
			`audiences[0].rule: rule "a" 1:1: expected bool, got int`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := audience.Config{Audiences: tt.aud}
			err := cfg.Validate()
			require.ErrorIs(t, err, b2b.ErrInvalid)
			var ve *b2b.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, firstLine(p.Error()))
			}
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)\n%v", err)
		})
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

func TestCompileErrorShowsOriginalSource(t *testing.T) {
	t.Parallel()
	_, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "icp", Rule: `activityCount("open_email", 30) > 1 && acount.employees > 5`}}})
	var ce *rules.CompileError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, rules.ErrCompile)
	require.Equal(t, `rule "icp" 1:40: unknown name acount
  | activityCount("open_email", 30) > 1 && acount.employees > 5
  |                                        ^`, ce.Error())
}

func TestEventsAndMembership(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "engaged", Rule: `account.employees >= 500 && activityCount("visit_web_page", 30) >= 10`},
		{Name: "finance reads", Rule: `any(persons, .department == "Finance" && personActivityCount("open_email", 7) >= 2)`},
	}})
	require.NoError(t, err)
	d := acme(t)

	// Day 0: enters both audiences, with the values that decided.
	r1, err := ev.Evaluate(d, nil, now)
	require.NoError(t, err)
	require.Equal(t, audience.Membership{"engaged": now, "finance reads": now}, r1.Membership)
	require.Empty(t, cmp.Diff([]audience.Event{
		{Kind: audience.EventEntered, Audience: "engaged", Account: "acme", At: now,
			Reason: `rule holds: account.employees >= 500 && activityCount("visit_web_page", 30) >= 10 with activityCount("visit_web_page", 30) = 11, account.employees = 2000`},
		{Kind: audience.EventEntered, Audience: "finance reads", Account: "acme", At: now,
			Reason: `rule holds: any(persons, .department == "Finance" && personActivityCount("open_email", 7) >= 2) with personActivityCount("open_email", 7) = cfo 2, vpit 1`},
	}, r1.Events), "(-want +got)")

	// Day 3: nothing crossed a threshold: no event, entered times kept.
	later := now.Add(3 * day)
	r2, err := ev.Evaluate(d, r1.Membership, later)
	require.NoError(t, err)
	require.Empty(t, r2.Events)
	require.Equal(t, now, r2.Membership["engaged"])

	// Day 25: visits fall out of the 30-day window and opens out of 7 days.
	much := now.Add(25 * day)
	r3, err := ev.Evaluate(d, r2.Membership, much)
	require.NoError(t, err)
	require.Empty(t, r3.Membership)
	require.Len(t, r3.Events, 2)
	require.Equal(t, audience.EventExited, r3.Events[0].Kind)
	require.Equal(t, much, r3.Events[0].At)
	require.Equal(t, `rule does not hold: account.employees >= 500 && activityCount("visit_web_page", 30) >= 10 with activityCount("visit_web_page", 30) = 9, account.employees = 2000`, r3.Events[0].Reason)
	require.Equal(t, `rule does not hold: any(persons, .department == "Finance" && personActivityCount("open_email", 7) >= 2) with personActivityCount("open_email", 7) = 0 for every person`, r3.Events[1].Reason)
	// The previous membership was not modified.
	require.Len(t, r2.Membership, 2)
}

func TestRemovedAudienceExits(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "big", Rule: `account.employees > 1000`}}})
	require.NoError(t, err)
	prev := audience.Membership{"big": now.Add(-day), "retired": now.Add(-2 * day)}
	res, err := ev.Evaluate(acme(t), prev, now)
	require.NoError(t, err)
	require.Equal(t, audience.Membership{"big": now.Add(-day)}, res.Membership)
	require.Equal(t, []audience.Event{{Kind: audience.EventExited, Audience: "retired", Account: "acme", At: now, Reason: "the audience is no longer defined"}}, res.Events)
}

func TestEvalErrorKeepsMembership(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "tier", Rule: `len(0..1000000) > 3`},
		{Name: "big", Rule: `account.employees > 1000`},
	}})
	require.NoError(t, err)
	prev := audience.Membership{"tier": now.Add(-day)}
	res, err := ev.Evaluate(acme(t), prev, now)
	var ee *audience.EvalError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "tier", ee.Audience)
	require.Equal(t, b2b.AccountID("acme"), ee.Account)
	require.ErrorIs(t, err, rules.ErrEval)
	require.Equal(t, audience.Membership{"tier": now.Add(-day), "big": now}, res.Membership)
	require.True(t, res.Decisions[0].Member)
	require.Error(t, res.Decisions[0].Err)
	require.Contains(t, res.Decisions[0].Reason(), "rule failed")
}

func TestExplain(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: benchAudiences})
	require.NoError(t, err)
	got := ev.Explain(acme(t), now)
	require.Len(t, got, 3)
	require.Equal(t, "ICP engaged", got[0].Audience)
	require.True(t, got[0].Member)
	require.Equal(t, []audience.Value{
		{Name: `activityCount("visit_web_page", 30)`, Value: "11"},
		{Name: "account.employees", Value: "2000"},
		{Name: "account.industry", Value: "Software"},
	}, got[0].Values)
	require.True(t, got[1].Member, "15 activities of any type in 14 days are needed, acme has %v", got[1].Values)
	require.Equal(t, []audience.Value{{Name: `activityCount("*", 14)`, Value: "15"}}, got[1].Values)
	require.Equal(t, []audience.Aggregate{
		{Type: "visit_web_page", Days: 30}, {Type: "*", Days: 14}, {Type: "open_email", Days: 30, PerPerson: true},
	}, ev.Aggregates())
}

// TestReasonRoundsNumbers: a decision records the values its rule read
// exactly, and its reason writes them for people.
func TestReasonRoundsNumbers(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "big", Rule: `account.annualRevenue / 3 > 1000`}}})
	require.NoError(t, err)
	d := acme(t)
	d.Account.AnnualRevenue = 12345678.9
	got := ev.Explain(d, now)
	require.Equal(t, []audience.Value{{Name: "account.annualRevenue", Value: "1.23456789e+07"}}, got[0].Values)
	require.Equal(t, "rule holds: account.annualRevenue / 3 > 1000 with account.annualRevenue = 12345678.9", got[0].Reason())
}

func TestActivities(t *testing.T) {
	t.Parallel()
	ps := []b2b.Person{{ID: "p1"}, {ID: "p2"}}
	acts := []b2b.Activity{
		{ID: "1", Type: "open_email", Person: "p1", Time: now.Add(-30 * day)}, // exactly 30 days: outside (now-30d, now]
		{ID: "2", Type: "open_email", Person: "p1", Time: now.Add(-30*day + time.Second)},
		{ID: "3", Type: "open_email", Person: "p2", Time: now},
		{ID: "3", Type: "open_email", Person: "p2", Time: now}, // duplicate ID counts once
		{ID: "4", Type: "click_email", Person: "p3", Time: now.Add(-time.Hour)},
		{ID: "5", Type: "click_email", Person: "p2", Time: now.Add(time.Hour)}, // future
	}
	ix, err := audience.NewActivities(ps, acts)
	require.NoError(t, err)
	require.Equal(t, 5, ix.Len())
	require.Equal(t, []string{"click_email", "open_email"}, ix.Types())
	require.Equal(t, 2, ix.Count("open_email", 30, now))
	require.Equal(t, 3, ix.Count("open_email", 31, now))
	require.Equal(t, 3, ix.Count("*", 30, now))
	require.Equal(t, 0, ix.Count("visit_web_page", 30, now))
	counts := make([]int, 2)
	ix.CountByPerson("*", 30, now, counts)
	require.Equal(t, []int{1, 1}, counts)
	last, ok := ix.Last("click_email", now)
	require.True(t, ok)
	require.Equal(t, now.Add(-time.Hour), last)
	last, ok = ix.Last("*", now)
	require.True(t, ok)
	require.Equal(t, now, last)
	_, ok = ix.Last("fill_out_form", now)
	require.False(t, ok)

	var nilIx *audience.Activities
	require.Equal(t, 0, nilIx.Count("*", 30, now))

	// A window of no days counts nothing; one longer than a duration can
	// hold counts everything before now.
	for _, days := range []float64{0, -1, -1e9, math.NaN()} {
		require.Zero(t, ix.Count("*", days, now), "days %v", days)
		counts := make([]int, 2)
		require.NotPanics(t, func() { ix.CountByPerson("*", days, now, counts) }, "days %v", days)
		require.Equal(t, []int{0, 0}, counts, "days %v", days)
	}
	require.Equal(t, 4, ix.Count("*", 1e9, now))
	require.Equal(t, 4, ix.Count("*", math.Inf(1), now))

	_, err = audience.NewActivities(ps, []b2b.Activity{{ID: "", Type: "Bad Type", Person: "", Time: time.Time{}}, {ID: "x", Type: "open_email", Person: "p1", Time: now}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.Equal(t, `activities: 4 problems:
  [0].id: is required
  [0].type: "Bad Type" is not a valid activity type
  [0].personId: is required
  [0].time: is required`, err.Error())
}

// Activity times and nows that Unix nanoseconds cannot count (before 1678,
// after 2262) are counted where they are, not where t.UnixNano() wraps them
// around to (2^64 ns, about 584 years, away).
func TestActivitiesBeyondUnixNano(t *testing.T) {
	t.Parallel()
	const forever = time.Duration(math.MaxInt64)
	wrap := func(t time.Time, sign int) time.Time { // t + sign * 2^64 ns
		d := time.Duration(sign) * forever
		return t.Add(d).Add(d).Add(time.Duration(sign) * 2)
	}
	ps := []b2b.Person{{ID: "p1"}, {ID: "p2"}}
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	acts := []b2b.Activity{
		{ID: "1", Type: "open_email", Person: "p1", Time: wrap(now.Add(-time.Hour), -1)}, // UnixNano: an hour before now
		{ID: "2", Type: "open_email", Person: "p1", Time: wrap(now.Add(-time.Hour), 1)},
		{ID: "3", Type: "open_email", Person: "p2", Time: far.Add(-time.Hour)},
		{ID: "4", Type: "click_email", Person: "p1", Time: far.Add(time.Hour)}, // after far
		{ID: "5", Type: "open_email", Person: "p1", Time: early.Add(-2 * time.Hour)},
		{ID: "6", Type: "visit_web_page", Person: "p2", Time: now.Add(-time.Hour)},
	}
	ix, err := audience.NewActivities(ps, acts)
	require.NoError(t, err)
	require.Equal(t, 6, ix.Len())
	require.Equal(t, []string{"click_email", "open_email", "visit_web_page"}, ix.Types())
	tests := []struct {
		now   time.Time
		count int       // of every type in the day before now
		per   []int     // the same per person
		last  time.Time // of every type
	}{
		{now, 1, []int{0, 1}, now.Add(-time.Hour)},
		{far, 1, []int{0, 1}, far.Add(-time.Hour)},
		{far.Add(2 * time.Hour), 2, []int{1, 1}, far.Add(time.Hour)},
		{early, 1, []int{1, 0}, early.Add(-2 * time.Hour)},
		{early.Add(-3 * time.Hour), 0, []int{0, 0}, acts[0].Time},
		{acts[0].Time.Add(-time.Nanosecond), 0, []int{0, 0}, time.Time{}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.count, ix.Count("*", 1, tt.now), tt.now)
		per := make([]int, 2)
		ix.CountByPerson("*", 1, tt.now, per)
		require.Equal(t, tt.per, per, tt.now)
		last, ok := ix.Last("*", tt.now)
		require.Equal(t, !tt.last.IsZero(), ok, tt.now)
		require.True(t, tt.last.Equal(last), "%v: last %v, want %v", tt.now, last, tt.last)
	}
	require.Equal(t, 1, ix.Count("click_email", 1, far.Add(2*time.Hour)))
	require.Equal(t, 0, ix.Count("click_email", 1, far))
	require.Equal(t, 0, ix.Count("open_email", 200*365, now)) // none since 1826
}

func TestMembers(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{{Name: "big", Rule: `account.employees >= 2500`}}})
	require.NoError(t, err)
	accs := genAccounts(3, 40, 2, 3)
	res, err := ev.EvaluateBatch(accs, nil, now)
	require.NoError(t, err)
	var want []b2b.AccountID
	for _, a := range accs {
		if a.Account.Employees >= 2500 {
			want = append(want, a.Account.ID)
		}
	}
	require.NotEmpty(t, want)
	got, err := ev.Members(res, "big")
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Len(t, audience.Events(res), len(want))

	// A misspelt name is no empty audience.
	got, err = ev.Members(res, "Big")
	require.ErrorIs(t, err, audience.ErrUnknownAudience)
	require.EqualError(t, err, `unknown audience "Big"`)
	require.Nil(t, got)
}

// The limit on aggregates counts distinct ones, as its error says: a rule
// that reads aggregates other audiences already compute adds none.
func TestAggregateLimitCountsDistinct(t *testing.T) {
	t.Parallel()
	sum := func(from, to int) string { // activityCount("*", d) for d in [from, to]
		var terms []string
		for d := from; d <= to; d++ {
			terms = append(terms, fmt.Sprintf(`activityCount("*", %d)`, d))
		}
		return strings.Join(terms, " + ") + " >= 0"
	}
	// 999 distinct aggregates, 100 to a rule (a rule is at most 4096 bytes).
	var many []audience.Audience
	for from := 1; from <= 999; from += 100 {
		many = append(many, audience.Audience{Name: fmt.Sprintf("days %d to %d", from, min(from+99, 999)), Rule: sum(from, min(from+99, 999))})
	}
	for _, tc := range []struct {
		name    string
		rule    string
		wantErr string
	}{
		{"reuses two", sum(1, 2), ""},
		{"one new, one reused", sum(999, 1000), ""},
		{"reuses one twice", `activityCount("*", 5) + activityCount("*", 5) >= 0`, ""},
		{"two new", sum(1000, 1001), fmt.Sprintf(`audiences[%d].rule: too many distinct activity aggregates (the limit is 1000)`, len(many))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := audience.Config{Audiences: append(slices.Clone(many), audience.Audience{Name: "last", Rule: tc.rule})}
			err := cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			var ve *b2b.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Problems, 1)
			require.Equal(t, tc.wantErr, ve.Problems[0].Error())
		})
	}
}
