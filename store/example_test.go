package store_test

import (
	"errors"
	"fmt"

	"github.com/quorumhq/quorum/store"
)

// ExampleCommitParams_Validate shows a malformed commit refused with
// every problem at once, before an adapter applies anything.
func ExampleCommitParams_Validate() {
	p := &store.CommitParams{Tenant: "t1", Account: "acme", ExpectedVersion: -1,
		Events: []store.Event{{Type: "group.created"}},
		Outbox: []store.OutboxEntry{{ID: "m1", Channel: "email"}, {ID: "m1", IdempotencyKey: "k", Channel: "email"}}}
	err := p.Validate()
	fmt.Println(errors.Is(err, store.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// invalid store request
	// commit of account "acme" in tenant "t1": 5 problems:
	//   expectedVersion: must not be negative, got -1
	//   now: is required
	//   events[0].time: is required
	//   outbox[0].idempotencyKey: is required
	//   outbox[1].id: "m1" appears twice in one commit
}
