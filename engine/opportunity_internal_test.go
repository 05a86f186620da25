package engine

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store/memory"
)

// Every field of an opportunity counts in sameOpportunity: a field added
// to b2b.Opportunity and left out there would let an update of it be lost.
func TestSameOpportunityComparesEveryField(t *testing.T) {
	base := b2b.Opportunity{ID: "o1", Account: "acme", SolutionInterest: "dp", Product: "Data Platform", Name: "Deal",
		Stage: "Discovery", Amount: 1000, Status: b2b.OpportunityOpen, CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		ContactRoles: []b2b.ContactRole{{Person: "p1", Role: "Decision Maker"}}, Source: b2b.SourceSalesforce}
	require.True(t, sameOpportunity(&base, &base))
	same := base
	same.CreatedAt = base.CreatedAt.In(time.FixedZone("CET", 3600))
	require.True(t, sameOpportunity(&base, &same), "the same instant in another zone")

	typ := reflect.TypeFor[b2b.Opportunity]()
	for i := range typ.NumField() {
		changed := base
		f := reflect.ValueOf(&changed).Elem().Field(i)
		switch v := f.Addr().Interface().(type) {
		case *time.Time:
			*v = v.Add(time.Hour)
		case *[]b2b.ContactRole:
			*v = []b2b.ContactRole{{Person: "p2", Role: "Decision Maker"}}
		case *float64:
			*v++
		default:
			require.Equal(t, reflect.String, f.Kind(), "field %s: no way to change it in this test", typ.Field(i).Name)
			f.SetString(f.String() + "x")
		}
		require.False(t, sameOpportunity(&base, &changed), "a change of %s is not seen", typ.Field(i).Name)
	}
}

// An account with no state holds no opportunity: letting one go there is
// nothing to do, not an unknown account's error.
func TestMovesOfAnAccountWithNoState(t *testing.T) {
	prog, err := program.Compile(program.Definitions{Name: "p", Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: buyinggroup.StandardTemplateID}}}, program.Options{})
	require.NoError(t, err)
	e, err := New(Config{Store: memory.New(), Program: prog})
	require.NoError(t, err)
	out, err := e.process(context.Background(), "gone", &work{movedAway: []movedOpportunity{{ID: "o1", To: "acme"}}}, time.Now())
	require.NoError(t, err)
	require.True(t, out.idle)
	_, err = e.process(context.Background(), "gone", &work{movedAway: []movedOpportunity{{ID: "o1", To: "acme"}}, persons: true}, time.Now())
	require.ErrorIs(t, err, ErrUnknownAccount, "other work for an account with no state is still an error")
}
