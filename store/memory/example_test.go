package memory_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// Example commits an account's state with its events, shows the version
// check refusing a stale commit, and reads the state and the log back.
// The memory store keeps a committed value as it is (store.ValueKeeper).
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := memory.New()
	type state struct{ Stage string }

	v, err := st.Commit(ctx, &store.CommitParams{Tenant: "t1", Account: "acme", ExpectedVersion: 0, Now: now,
		Value:  &state{Stage: "Awareness"},
		Events: []store.Event{{Type: "group.created", Time: now, Data: []byte(`{"group":"acme/data-platform"}`)}}})
	fmt.Println("version", v, err)

	// A commit computed from version 0 again is stale: nothing changes.
	_, err = st.Commit(ctx, &store.CommitParams{Tenant: "t1", Account: "acme", ExpectedVersion: 0, Now: now,
		Value: &state{Stage: "Decision"}})
	fmt.Println("stale commit:", errors.Is(err, store.ErrConflict))

	a, _ := st.LoadAccount(ctx, "t1", "acme")
	fmt.Println("keeps values:", store.KeepsValues(st), "stage:", a.Value.(*state).Stage, "version:", a.Version)
	evs, _ := st.Events(ctx, &store.EventsParams{Tenant: "t1", Account: "acme"})
	fmt.Println(evs[0].Seq, evs[0].Type, string(evs[0].Data))
	// Output:
	// version 1 <nil>
	// stale commit: true
	// keeps values: true stage: Awareness version: 1
	// 1 group.created {"group":"acme/data-platform"}
}
