package sim_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
)

// TestRunLogIsReproducible checks that runs of the same world give the
// same event log, event for event and in the same order, however the
// engine's workers were scheduled: three runs at once, on four workers.
func TestRunLogIsReproducible(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 4, Accounts: 80, Days: 20})
	require.NoError(t, err)
	logs := make([][]store.Event, 3)
	var wg sync.WaitGroup
	for i := range logs {
		wg.Go(func() {
			res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t), Workers: 4})
			if err != nil {
				t.Error(err)
				return
			}
			logs[i], err = res.Events(context.Background())
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	require.NotEmpty(t, logs[0])
	for i := 1; i < len(logs); i++ {
		require.Len(t, logs[i], len(logs[0]), "run %d", i+1)
		for j := range logs[0] {
			// One event at a time: a diff of two long logs that
			// disagree everywhere would take long.
			if d := cmp.Diff(logs[0][j], logs[i][j]); d != "" {
				t.Fatalf("run %d: event %d of %d differs (-run 1 +run %d):\n%s", i+1, j+1, len(logs[0]), i+1, d)
			}
		}
	}
}
