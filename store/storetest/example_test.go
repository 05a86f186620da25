package storetest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// ExampleFreezeCheck catches a committer that changes a state value after
// committing it to a store that keeps values.
func ExampleFreezeCheck() {
	ctx := context.Background()
	st := storetest.NewFreezeCheck(memory.New())
	type state struct{ Stages []string }
	value := &state{Stages: []string{"Awareness"}}
	_, err := st.Commit(ctx, &store.CommitParams{Tenant: "t1", Account: "acme", Value: value, Now: time.Now()})
	fmt.Println(err, st.Changed())

	value.Stages[0] = "Decision" // a bug: the committed value is shared
	fmt.Println(st.Changed())
	// Output:
	// <nil> []
	// [account acme version 1]
}
