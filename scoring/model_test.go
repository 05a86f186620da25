package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

func TestModelValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	m := Model{
		HalfLife:   time.Second,
		DisplayMax: math.NaN(),
		TypeMap:    map[string]string{"Bad Type": b2b.ActivityAttendEvent},
		Rules: []Rule{
			{Name: "a", Types: []string{b2b.ActivityVisitWebPage, b2b.ActivityVisitWebPage}, Points: math.Inf(1)},
			{Name: "a", Points: 2e6, Cap: Cap{Max: 3}},
			{Types: []string{"Nope"}, Points: math.NaN(), Cap: Cap{Max: 1, Period: "year"}},
			{Name: "d", Types: []string{b2b.ActivityOpenEmail}, Cap: Cap{Period: PeriodDay}},
		},
	}
	require.EqualError(t, m.Validate(), `scoring model "": 15 problems:
  name: is required
  halfLife: 1s is shorter than a minute
  displayMax: NaN is not a finite number >= 0
  typeMap["Bad Type"]: "Bad Type" is not a valid activity type
  rules[0].types[1]: "visit_web_page" is listed twice
  rules[0].points: +Inf is not a finite number
  rules[1].name: "a" is already the name of rules[0]
  rules[1].types: a rule needs at least one activity type
  rules[1].points: 2e+06 is beyond +/-1e+06
  rules[1].cap.period: is required with a max (day, week or month)
  rules[2].name: is required
  rules[2].types[0]: "Nope" is not a valid activity type
  rules[2].points: NaN is not a finite number
  rules[2].cap.period: "year" is not a period (day, week or month)
  rules[3].cap.max: is required with a period (at least 1)`)
	require.ErrorIs(t, m.Validate(), b2b.ErrInvalid)
	require.EqualError(t, (&Model{Name: "x"}).Validate(), `scoring model "x": rules: a model needs at least one rule`)
}

func TestNewReportsConditionErrorsWithStructure(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", HalfLife: -time.Hour, Rules: []Rule{
		{Name: "demo", Types: []string{b2b.ActivityFillOutForm}, Points: 40, When: `attr(activity.attributes, "form", "") == "Demo Request" && persn.seniority == "VP"`},
		{Name: "mapped", Types: []string{"webinar"}, Points: 1},
		{Name: "points", Types: []string{b2b.ActivityFillOutForm}, Points: 1, When: `account.employees * 2`},
	}, TypeMap: map[string]string{"webinar": b2b.ActivityAttendEvent}}
	_, err := New(m, Config{Horizon: time.Hour, FutureTolerance: -1})
	require.EqualError(t, err, `scoring model "m": 6 problems:
  horizon: 1h0m0s is shorter than a day
  futureTolerance: -1ns is negative
  halfLife: -1h0m0s is negative (zero means no decay)
  rules[1].types[0]: "webinar" is mapped to "attend_event" by typeMap, so this rule would never see it
  rules[0].when: rule "demo" 1:60: unknown name persn
      | attr(activity.attributes, "form", "") == "Demo Request" && persn.seniority == "VP"
      |                                                            ^
  rules[2].when: rule "points" 1:19: expected bool, got int
      | account.employees * 2
      |                   ^`)
	require.ErrorIs(t, err, rules.ErrCompile)
	var ce *rules.CompileError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 60, ce.Column)
}

func TestNewAll(t *testing.T) {
	t.Parallel()
	a, b := DefaultModel(), DefaultModel()
	b.Name = "security suite"
	ss, err := NewAll([]Model{a, b}, Config{})
	require.NoError(t, err)
	require.Equal(t, "default", ss[0].Name())
	require.Equal(t, "security suite", ss[1].Name())

	b.Name = "default"
	b.Rules[0].Points = math.NaN()
	_, err = NewAll([]Model{a, b}, Config{})
	require.EqualError(t, err, `scoring models: 2 problems:
  models[1].name: "default" is already the name of models[0]
  models[1].rules[0].points: NaN is not a finite number`)

	// A problem of the configuration, which all models share, is the
	// configuration's: reported once, at its own path.
	_, err = NewAll([]Model{a, DefaultModel()}, Config{Horizon: time.Hour, FutureTolerance: -time.Second})
	require.EqualError(t, err, `scoring models: 3 problems:
  horizon: 1h0m0s is shorter than a day
  futureTolerance: -1s is negative
  models[1].name: "default" is already the name of models[0]`)

	// Every later model of a name is named against its first definition.
	_, err = NewAll([]Model{a, DefaultModel(), DefaultModel()}, Config{})
	require.EqualError(t, err, `scoring models: 2 problems:
  models[1].name: "default" is already the name of models[0]
  models[2].name: "default" is already the name of models[0]`)

	// A blank name is reported as missing, once: it is not also a
	// repeat of another blank name.
	blank := DefaultModel()
	blank.Name = " "
	_, err = NewAll([]Model{blank, blank}, Config{})
	require.EqualError(t, err, `scoring models: 2 problems:
  models[0].name: is required
  models[1].name: is required`)
}

func TestDefaultModelScoresOutOfTheBox(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	require.NoError(t, m.Validate())
	s, err := New(m, Config{})
	require.NoError(t, err)
	require.Equal(t, m.Name, s.Model().Name)
	covered := map[string]bool{}
	for _, r := range m.Rules {
		for _, typ := range r.Types {
			covered[typ] = true
		}
	}
	for _, typ := range []string{b2b.ActivityAttendEvent, b2b.ActivityRegisterForEvent, b2b.ActivityFillOutForm,
		b2b.ActivityClickEmail, b2b.ActivityOpenEmail, b2b.ActivityClickLink, b2b.ActivityVisitWebPage, b2b.ActivityInterestingMoment} {
		require.True(t, covered[typ], typ)
	}
}

func TestModelValidateReportsTypeMapProblemsInStableOrder(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m",
		Rules: []Rule{{Name: "r", Types: []string{b2b.ActivityVisitWebPage}, Points: 1}},
		TypeMap: map[string]b2b.ActivityType{
			"k l": b2b.ActivityVisitWebPage, "c d": b2b.ActivityVisitWebPage, "i j": b2b.ActivityVisitWebPage,
			"a b": b2b.ActivityVisitWebPage, "g h": b2b.ActivityVisitWebPage, "e f": b2b.ActivityVisitWebPage,
		}}
	want := `scoring model "m": 6 problems:
  typeMap["a b"]: "a b" is not a valid activity type
  typeMap["c d"]: "c d" is not a valid activity type
  typeMap["e f"]: "e f" is not a valid activity type
  typeMap["g h"]: "g h" is not a valid activity type
  typeMap["i j"]: "i j" is not a valid activity type
  typeMap["k l"]: "k l" is not a valid activity type`
	// Map iteration order changes from run to run: the report must not.
	for range 50 {
		require.EqualError(t, m.Validate(), want)
	}
}

// TypeMap does not chain: a type mapped onto a type that is itself mapped
// would reach no rule (a rule cannot name the middle type), so its
// activities would be dropped as unknown. Validation says so.
func TestModelValidateRefusesChainedTypeMap(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m",
		Rules: []Rule{{Name: "event", Types: []string{b2b.ActivityAttendEvent}, Points: 1}},
		TypeMap: map[string]b2b.ActivityType{
			"webinar_attended": "webinar",
			"webinar":          b2b.ActivityAttendEvent,
		}}
	require.EqualError(t, m.Validate(), `scoring model "m": typeMap["webinar_attended"]: target "webinar" is itself mapped to "attend_event" (mapping does not chain: map "webinar_attended" to "attend_event")`)
}
