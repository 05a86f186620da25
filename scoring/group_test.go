package scoring

import (
	"fmt"
	"math"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

func TestGroupAggregations(t *testing.T) {
	t.Parallel()
	scores := map[b2b.PersonID]float64{"cfo": 40, "vpe": 80, "eng": 10, "mkt": 30}
	score := func(id b2b.PersonID) float64 { return scores[id] }
	members := []Member{
		{Person: "cfo", Role: "Economic Buyer", Weight: 2},
		{Person: "vpe", Role: "Technical Evaluator", Weight: 1.5},
		{Person: "vpe", Role: "Champion", Weight: 1}, // two roles: counts once, highest weight
		{Person: "eng", Role: "End User", Weight: 0.5},
		{Person: "mkt"}, // no role
	}
	required := []string{"Economic Buyer", "Technical Evaluator", "Champion"}
	tests := []struct {
		name    string
		agg     Aggregation
		nonRole float64
		req     []string
		want    float64
		missing []string
	}{
		{"sum without non-role persons", AggSum, 0, required, 40 + 80 + 10, nil},
		{"sum with non-role at half", AggSum, 0.5, required, 40 + 80 + 10 + 15, nil},
		{"average", AggAverage, 0, nil, (40 + 80 + 10) / 3.0, nil},
		{"weighted average with non-role", AggAverage, 0.5, nil, (40 + 80 + 10 + 15) / 3.5, nil},
		{"role-weighted sum", AggRoleWeightedSum, 0, nil, 2*40 + 1.5*80 + 0.5*10, nil},
		{"role-weighted sum with non-role", AggRoleWeightedSum, 0.25, nil, 2*40 + 1.5*80 + 0.5*10 + 0.25*30, nil},
		{"min per required role", AggMinPerRequiredRole, 0, required, 40, nil},
		{"min per required role, missing role", AggMinPerRequiredRole, 0, append(required, "Legal"), 0, []string{"Legal"}},
		{"min per required role, best member of a role", AggMinPerRequiredRole, 0, []string{"Technical Evaluator", "End User"}, 10, nil},
		{"sum reports missing roles", AggSum, 0, []string{"Economic Buyer", "Procurement"}, 130, []string{"Procurement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Group{Name: "Data Platform for Acme", Aggregation: tt.agg, Members: members, RequiredRoles: tt.req, NonRoleWeight: tt.nonRole}
			require.NoError(t, g.Validate())
			gs := g.Aggregate(score, t0)
			require.InDelta(t, tt.want, gs.Score, 1e-12)
			require.Equal(t, gs.Score, g.Score(score), "Score is Aggregate's figure")
			require.Equal(t, tt.missing, gs.MissingRoles)
			if tt.agg != AggMinPerRequiredRole {
				var sum float64
				for _, p := range gs.Parts {
					sum += p.Contribution
				}
				require.InDelta(t, gs.Score, sum, 1e-12, "parts add up to the score")
			}
		})
	}
}

func TestGroupScoreText(t *testing.T) {
	t.Parallel()
	scores := map[b2b.PersonID]float64{"cfo": 40, "vpe": 80}
	g := Group{Name: "DP", Aggregation: AggMinPerRequiredRole, RequiredRoles: []string{"Economic Buyer", "Champion"},
		Members: []Member{{Person: "cfo", Role: "Economic Buyer"}, {Person: "vpe", Role: "Technical Evaluator"}}}
	gs := g.Aggregate(func(id b2b.PersonID) float64 { return scores[id] }, t0)
	require.Equal(t, `group "DP" scores 0.0 at 2025-03-01T00:00:00Z (min_per_required_role of 1 person)
  Economic Buyer: best is cfo (Economic Buyer) with 40.0
  missing required roles: Champion (each counts as 0)`, gs.String())

	g.Aggregation = AggRoleWeightedSum
	g.Members[0].Weight, g.Members[1].Weight = 2, 1
	g.Members = append(g.Members, Member{Person: "mkt"})
	g.NonRoleWeight = 0.5
	scores["mkt"] = 10
	gs = g.Aggregate(func(id b2b.PersonID) float64 { return scores[id] }, t0)
	require.Equal(t, `group "DP" scores 165.0 at 2025-03-01T00:00:00Z (role_weighted_sum of 3 persons)
  cfo (Economic Buyer): 40.0 x 2 = 80.0
  vpe (Technical Evaluator): 80.0 x 1 = 80.0
  mkt (no role): 10.0 x 0.5 = 5.0
  missing required roles: Champion`, gs.String())

	// An average divides each part by the total weight: the line says so,
	// so that its arithmetic holds and the lines add up to the score.
	g.Aggregation = AggAverage
	gs = g.Aggregate(func(id b2b.PersonID) float64 { return scores[id] }, t0)
	require.Equal(t, `group "DP" scores 50.0 at 2025-03-01T00:00:00Z (average of 3 persons)
  cfo (Economic Buyer): 40.0 x 1 / 2.5 = 16.0
  vpe (Technical Evaluator): 80.0 x 1 / 2.5 = 32.0
  mkt (no role): 10.0 x 0.5 / 2.5 = 2.0
  missing required roles: Champion`, gs.String())
}

// TestGroupScoreTextAddsUp: the parts a group score's text writes add up
// to the score it writes, and each part's figures multiply out to its
// contribution, with as many decimals as that takes.
func TestGroupScoreTextAddsUp(t *testing.T) {
	t.Parallel()
	scores := map[b2b.PersonID]float64{"a": 10.04, "b": 10.04, "c": 10.04}
	g := Group{Name: "g", Aggregation: AggSum, Members: []Member{{Person: "a", Role: "Champion", Weight: 3}, {Person: "b", Role: "Champion", Weight: 1}, {Person: "c", Role: "Champion", Weight: 1}}}
	score := func(id b2b.PersonID) float64 { return scores[id] }
	require.Equal(t, `group "g" scores 30.12 at 2025-03-01T00:00:00Z (sum of 3 persons)
  a (Champion): 10.04 x 1 = 10.04
  b (Champion): 10.04 x 1 = 10.04
  c (Champion): 10.04 x 1 = 10.04`, g.Aggregate(score, t0).String())

	g.Aggregation = AggRoleWeightedSum
	scores["a"] = 10.02
	require.Equal(t, `group "g" scores 50.14 at 2025-03-01T00:00:00Z (role_weighted_sum of 3 persons)
  a (Champion): 10.02 x 3 = 30.06
  b (Champion): 10.04 x 1 = 10.04
  c (Champion): 10.04 x 1 = 10.04`, g.Aggregate(score, t0).String())
}

func TestGroupValidate(t *testing.T) {
	t.Parallel()
	g := Group{Name: "g", Aggregation: "median", NonRoleWeight: math.NaN(), RequiredRoles: []string{" "},
		Members: []Member{{Role: "x", Weight: -1}}}
	require.EqualError(t, g.Validate(), `group "g": 5 problems:
  aggregation: "median" is not an aggregation (sum, average, role_weighted_sum or min_per_required_role)
  nonRoleWeight: NaN is not a finite number >= 0
  members[0].person: is required
  members[0].weight: -1 is not a finite number >= 0
  requiredRoles[0]: is empty`)
	g = Group{Name: "g", Aggregation: AggMinPerRequiredRole}
	require.EqualError(t, g.Validate(), `group "g": requiredRoles: min_per_required_role needs at least one required role`)
	// A role required twice would be a part twice, or missing twice.
	g = Group{Name: "g", Aggregation: AggMinPerRequiredRole, RequiredRoles: []string{"Champion", "Economic Buyer", "Champion"}}
	require.EqualError(t, g.Validate(), `group "g": requiredRoles[2]: "Champion" is already requiredRoles[0]`)
	g = Group{Name: "g"}
	require.ErrorIs(t, g.Validate(), b2b.ErrInvalid)
	// The name is what a group score and its velocity say in words
	// (group "DP" scores ...), as a model's and a threshold's are.
	for _, name := range []string{"", " "} {
		g = Group{Name: name, Aggregation: AggSum}
		require.EqualError(t, g.Validate(), fmt.Sprintf("group %q: name: is required", name))
	}
	// A weight that is finite but huge makes a weighted sum infinite (and
	// an average NaN), which no score, threshold or JSON can hold.
	g = Group{Name: "g", Aggregation: AggRoleWeightedSum, NonRoleWeight: 1e300,
		Members: []Member{{Person: "ann", Role: "Champion", Weight: 1e308}, {Person: "bob", Role: "Champion", Weight: MaxWeight}}}
	require.EqualError(t, g.Validate(), `group "g": 2 problems:
  nonRoleWeight: 1e+300 is beyond 1e+06
  members[0].weight: 1e+308 is beyond 1e+06`)
	huge := g.Aggregate(func(b2b.PersonID) float64 { return 10 }, t0)
	require.True(t, math.IsInf(huge.Score, 1), "what the bound keeps out: %v", huge.Score)
}

func TestGroupScoreAndVelocityFromLedger(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", HalfLife: 10 * 24 * time.Hour, Rules: []Rule{{Name: "event", Types: []string{b2b.ActivityAttendEvent}, Points: 50}}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	var l Ledger
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	r := s.Ingest(&l, Batch{Persons: testPersons, Activities: []b2b.Activity{
		{ID: "1", Type: b2b.ActivityAttendEvent, Person: "ann", Time: day(0)},
		{ID: "2", Type: b2b.ActivityAttendEvent, Person: "bob", Time: day(10)},
	}}, day(10))
	require.Equal(t, 2, r.Credited)
	g := Group{Name: "g", Aggregation: AggSum, Members: []Member{{Person: "ann", Role: "A"}, {Person: "bob", Role: "B"}, {Person: "cyd", Role: "C"}}}
	gs, err := s.GroupScore(&g, &l, day(10))
	require.NoError(t, err)
	require.InDelta(t, 75, gs.Score, 1e-9) // 50 halved + 50
	v, err := s.GroupVelocity(&g, &l, day(20), 10*24*time.Hour)
	require.NoError(t, err)
	require.InDelta(t, 75, v.Start.Score, 1e-9)
	require.InDelta(t, 37.5, v.End.Score, 1e-9)
	require.InDelta(t, -37.5, v.Change, 1e-9)
	require.Equal(t, `group "g": -37.5 over 10d (75.0 -> 37.5)`, v.String())
	require.Empty(t, gocmp.Diff([]string(nil), v.End.MissingRoles))
	change, err := s.GroupChange(&g, &l, day(20), 10*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, v.Change, change, "GroupChange is GroupVelocity's Change")
	_, err = s.GroupChange(&g, &l, day(20), 0)
	require.ErrorContains(t, err, "must be positive")

	s.Compact(l.Persons["ann"], day(60))
	_, err = s.GroupVelocity(&g, &l, day(60), 40*24*time.Hour)
	require.ErrorIs(t, err, ErrBeyondHorizon)
	require.ErrorContains(t, err, `person "ann"`)
	_, err = s.GroupChange(&g, &l, day(60), 40*24*time.Hour)
	require.ErrorIs(t, err, ErrBeyondHorizon)
	require.ErrorContains(t, err, `person "ann"`)
}

// TestGroupScoreTextCountsPersons: the text counts persons, not parts: a
// person who is the best of two required roles is one person.
func TestGroupScoreTextCountsPersons(t *testing.T) {
	t.Parallel()
	g := Group{Name: "DP", Aggregation: AggMinPerRequiredRole, RequiredRoles: []string{"Economic Buyer", "Champion"},
		Members: []Member{{Person: "ann", Role: "Economic Buyer"}, {Person: "ann", Role: "Champion"}, {Person: "bob", Role: "Champion"}}}
	scores := map[b2b.PersonID]float64{"ann": 40, "bob": 10}
	gs := g.Aggregate(func(id b2b.PersonID) float64 { return scores[id] }, t0)
	require.Equal(t, `group "DP" scores 40.0 at 2025-03-01T00:00:00Z (min_per_required_role of 1 person)
  Economic Buyer: best is ann (Economic Buyer, Champion) with 40.0
  Champion: best is ann (Economic Buyer, Champion) with 40.0`, gs.String())
}
