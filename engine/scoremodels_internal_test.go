package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store/memory"
)

// TestActivityOneModelRefusesCountsInNone: a person's state under the
// "intent" model has its floor ten days back (kept from a program with a
// shorter horizon, or handed over by an account whose passes ran ahead),
// the "engagement" model has none for them. A
// visit of twelve days ago is too late for "intent" and would count in
// "engagement": the activity is rejected, so no model keeps it, and a
// visit within both floors counts in both.
func TestActivityOneModelRefusesCountsInNone(t *testing.T) {
	t.Parallel()
	visits := func(name string, points float64) scoring.Model {
		return scoring.Model{Name: name, HalfLife: 30 * 24 * time.Hour,
			Rules: []scoring.Rule{{Name: "visit", Types: []string{b2b.ActivityVisitWebPage}, Points: points}}}
	}
	prog, err := program.Compile(program.Definitions{Name: "p", Scoring: []scoring.Model{visits("engagement", 1), visits("intent", 5)},
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Name: "Data Platform", Template: buyinggroup.StandardTemplateID}}}, program.Options{})
	require.NoError(t, err)
	e, err := New(Config{Store: memory.New(), Program: prog})
	require.NoError(t, err)
	ps := &pass{e: e, p: e.prog.Load(), st: newAccountState(b2b.Account{ID: "acme"}), now: t0, id: "acme"}
	ps.st.Persons = []personEntry{{Person: b2b.Person{ID: "p1", Email: "ann@acme.com"}}}
	floor := t0.AddDate(0, 0, -10).Truncate(24 * time.Hour)
	ps.st.Scores = map[string]*scoring.Ledger{"intent": {Persons: map[b2b.PersonID]*scoring.PersonState{"p1": {Floor: floor.UnixNano()}}}}

	w := &work{activities: []b2b.Activity{
		{ID: "old", Type: b2b.ActivityVisitWebPage, Person: "p1", Time: t0.AddDate(0, 0, -12)},
		{ID: "new", Type: b2b.ActivityVisitWebPage, Person: "p1", Time: t0.AddDate(0, 0, -1)},
	}, index: []int{0, 1}}
	var out outcome
	ps.ingest(w, &out)

	require.Equal(t, []int{1}, out.appliedIdx)
	require.Len(t, out.rejected, 1)
	require.Equal(t, b2b.ActivityID("old"), out.rejected[0].Activity)
	require.Equal(t, "too_late", out.rejected[0].Reason)
	for _, model := range []string{"engagement", "intent"} {
		st := ps.st.Scores[model].State("p1")
		require.NotNil(t, st, model)
		var keys []uint64
		for _, c := range st.Credits {
			keys = append(keys, c.Key)
		}
		require.Equal(t, []uint64{scoring.ActivityKey("new")}, keys, "%s counts the activity applied, not the one rejected", model)
	}
}
