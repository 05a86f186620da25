package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestTimeOrder: a batch's activities are taken in time order, those of
// one instant (in any location) in the batch's order, as a stable sort of
// the activities by time gives them.
func TestTimeOrder(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	rng := rand.New(rand.NewPCG(1, 2))
	var acts []b2b.Activity
	for range 2000 {
		at := base.Add(time.Duration(rng.IntN(50)) * time.Millisecond).Add(time.Duration(rng.IntN(3)))
		if rng.IntN(2) == 0 {
			at = at.In(tokyo)
		}
		acts = append(acts, b2b.Activity{Time: at})
	}
	acts = append(acts, b2b.Activity{Time: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}, b2b.Activity{Time: time.Date(9999, 12, 31, 0, 0, 0, 1, time.UTC)}, b2b.Activity{})
	want := make([]int, len(acts))
	for i := range want {
		want[i] = i
	}
	slices.SortStableFunc(want, func(x, y int) int { return acts[x].Time.Compare(acts[y].Time) })
	var got []int
	for _, k := range timeOrder(acts) {
		got = append(got, k.index)
	}
	require.Equal(t, want, got)
	require.Empty(t, timeOrder(nil))
}

// BenchmarkTimeOrder orders a batch of 1,000,000 activities by time,
// given in no order (as an import may hand them over) and already in
// order (as a stream of them): "keys" as the engine does (timeOrder),
// "indexes" a stable sort of the activities' indexes that reads their
// times, the alternative timeOrder avoids, for comparison.
func BenchmarkTimeOrder(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	shuffled := make([]b2b.Activity, 1_000_000)
	for i := range shuffled {
		shuffled[i] = b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("act-", i)), Type: "visit_web_page", Person: "p", Time: base.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))}
	}
	sorted := slices.Clone(shuffled)
	slices.SortStableFunc(sorted, func(x, y b2b.Activity) int { return x.Time.Compare(y.Time) })
	for _, in := range []struct {
		name string
		acts []b2b.Activity
	}{{"shuffled", shuffled}, {"sorted", sorted}} {
		acts := in.acts
		b.Run(in.name+"/keys", func(b *testing.B) {
			for b.Loop() {
				timeOrder(acts)
			}
		})
		b.Run(in.name+"/indexes", func(b *testing.B) {
			for b.Loop() {
				order := make([]int, len(acts))
				for i := range order {
					order[i] = i
				}
				slices.SortStableFunc(order, func(x, y int) int { return acts[x].Time.Compare(acts[y].Time) })
			}
		})
	}
}
