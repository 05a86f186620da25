package analytics_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestRatioPercent: a ratio with no value prints n/a, not 0.0%, which
// would read as a measured share of none; and a share that is neither
// none nor all never prints as 0.0% or 100.0%.
func TestRatioPercent(t *testing.T) {
	t.Parallel()
	v := func(f float64) *float64 { return &f }
	for _, tt := range []struct {
		name string
		r    analytics.Ratio
		want string
	}{
		{"no value", analytics.Ratio{Reason: "nothing was an MQA in the period"}, "n/a"},
		{"half", analytics.Ratio{Numerator: 1, Denominator: 2, Value: v(0.5)}, "50.0%"},
		{"all but one of 3,000", analytics.Ratio{Numerator: 2999, Denominator: 3000, Value: v(2999.0 / 3000)}, ">99.9%"},
		{"one of 3,000", analytics.Ratio{Numerator: 1, Denominator: 3000, Value: v(1.0 / 3000)}, "<0.1%"},
		{"all", analytics.Ratio{Numerator: 3000, Denominator: 3000, Value: v(1)}, "100.0%"},
		{"none", analytics.Ratio{Numerator: 0, Denominator: 3000, Value: v(0)}, "0.0%"},
	} {
		require.Equal(t, tt.want, tt.r.Percent(), tt.name)
	}
}
