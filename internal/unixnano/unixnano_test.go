package unixnano

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 5, time.UTC)
	tests := []struct {
		in   time.Time
		want int64
	}{
		{now, now.UnixNano()},
		{time.Unix(0, 0), 0},
		{time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
		{now.Add(math.MaxInt64).Add(math.MaxInt64), math.MaxInt64}, // where UnixNano wraps
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Of(tt.in), "%v", tt.in)
	}
	require.Less(t, Of(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)), Of(time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)), "order kept")
}
