package sim_test

import (
	"fmt"

	"github.com/quorumhq/quorum/sim"
)

// Example builds a small world and reads its first days: the same seed
// always gives the same world, and the truth says who is really in market.
func Example() {
	w, err := sim.New(sim.Config{Seed: 42, Accounts: 20, Days: 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := sim.New(sim.Config{Seed: 42, Accounts: 20, Days: 30})
	acts := 0
	for d := range w.Config.Days {
		acts += len(w.Day(d))
	}
	same := len(w.Day(7)) == len(again.Day(7)) && w.Accounts[3].Name == again.Accounts[3].Name
	fmt.Println("accounts:", len(w.Accounts), "reproducible:", same, "activities > 0:", acts > 0)
	fmt.Println("records outnumber persons (duplicates across sources):", len(w.Persons) > len(w.Truth.Account))
	// Output:
	// accounts: 20 reproducible: true activities > 0: true
	// records outnumber persons (duplicates across sources): true
}
