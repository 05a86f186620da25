package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// countingStore is a store.Store that counts the commits the store it
// wraps accepted. Embedding the interface forwards every other method.
type countingStore struct {
	store.Store
	commits atomic.Int64 // the engine commits from many goroutines
}

var (
	_ store.Store       = (*countingStore)(nil)
	_ store.ValueKeeper = (*countingStore)(nil)
)

func (s *countingStore) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	v, err := s.Store.Commit(ctx, p)
	if err == nil {
		s.commits.Add(1)
	}
	return v, err
}

// KeepsValues passes on the optional capability of the wrapped store: the
// embedded interface forwards Store's methods only, and without this the
// engine would encode every state for a store that keeps values.
func (s *countingStore) KeepsValues() bool { return store.KeepsValues(s.Store) }

// ExampleStore_decorator implements Store by wrapping another store, as
// a metrics or tracing layer does, and runs the engine on it: loading an
// account with two persons commits the account once, and each call that
// brings the account a new activity commits it again.
func ExampleStore_decorator() {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := &countingStore{Store: memory.New()}
	fmt.Println("keeps values:", store.KeepsValues(st))

	prog, err := program.Compile(program.Definitions{
		Name: "example",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
	}, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := engine.New(engine.Config{Store: st, Program: prog, Clock: clock.NewManual(start)})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: start,
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}}}},
		Persons: []identity.PersonRecord{
			{Source: b2b.SourceMarketo, RecordID: "mkto-1", Time: start,
				Person: b2b.Person{Email: "carla@acme.com", Title: "Chief Financial Officer"}},
			{Source: b2b.SourceMarketo, RecordID: "mkto-2", Time: start,
				Person: b2b.Person{Email: "victor@acme.com", Title: "VP of Engineering"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("commits after loading:", st.commits.Load())

	for i, p := range []string{"mkto-1", "mkto-2"} {
		_, err := eng.Ingest(ctx, b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("a", i)), Type: b2b.ActivityVisitWebPage,
			Person: b2b.PersonID(p), Source: b2b.SourceMarketo, Time: start})
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("commits after two activities:", st.commits.Load())
	// Output:
	// keeps values: true
	// commits after loading: 1
	// commits after two activities: 3
}
