package clock_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/clock"
)

func TestManual(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	require.Equal(t, start, c.Now())
	require.Equal(t, start.Add(time.Hour), c.Advance(time.Hour))
	c.Set(start)
	require.Equal(t, start, c.Now())

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Advance(time.Second)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, start.Add(800*time.Second), c.Now())
}

func TestSystem(t *testing.T) {
	t.Parallel()
	before := time.Now()
	got := clock.System{}.Now()
	require.Equal(t, time.UTC, got.Location())
	require.False(t, got.Before(before.Add(-time.Second)))
}

func ExampleManual() {
	c := clock.NewManual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	c.Advance(5 * 24 * time.Hour)
	fmt.Println(c.Now().Format(time.DateOnly))
	// Output: 2026-01-10
}
