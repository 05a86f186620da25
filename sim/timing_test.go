package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/quorumhq/quorum/sim"
)

func TestTiming(t *testing.T) {
	w, _ := sim.New(sim.Config{Seed: 1, Accounts: 1000, Days: 90})
	st := time.Now()
	res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t)})
	t.Log(time.Since(st), err, res.Ingest.Applied, res.Delivery.Delivered)
}
