package qualify_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/qualify"
)

func rGroup(c, s float64, won bool) qualify.ReadinessExample {
	return qualify.ReadinessExample{Features: qualify.Features{Completeness: c, Score: s}, Outcome: won}
}

func TestBacktest(t *testing.T) {
	t.Parallel()
	history := []qualify.ReadinessExample{
		rGroup(1, 200, true), rGroup(1, 120, true), rGroup(0.67, 180, true), rGroup(0.67, 90, false),
		rGroup(0.33, 250, false), rGroup(0.33, 60, false), rGroup(0, 10, false), rGroup(0.67, 160, false),
	}
	tab, err := qualify.Backtest(history, qualify.BacktestGrid{Completeness: []float64{0, 0.6}, Score: []float64{100, 150}})
	require.NoError(t, err)
	require.Equal(t, 8, tab.Examples)
	require.Equal(t, 3, tab.Positives)
	want := []qualify.BacktestCell{
		{Completeness: 0, Score: 100, Volume: 5, Converted: 3, Precision: 3.0 / 5, Recall: 1},
		{Completeness: 0, Score: 150, Volume: 4, Converted: 2, Precision: 2.0 / 4, Recall: 2.0 / 3},
		{Completeness: 0.6, Score: 100, Volume: 4, Converted: 3, Precision: 3.0 / 4, Recall: 1},
		{Completeness: 0.6, Score: 150, Volume: 3, Converted: 2, Precision: 2.0 / 3, Recall: 2.0 / 3},
	}
	require.Empty(t, cmp.Diff(want, tab.Cells), "(-want +got)")
	require.Equal(t, want[3], tab.Cell(1, 1))
	best, ok := tab.Best(4)
	require.True(t, ok)
	require.Equal(t, want[2], best, "completeness >= 0.6 and score >= 100: highest precision with volume >= 4")
	_, ok = tab.Best(6)
	require.False(t, ok)
	require.Equal(t, `8 groups, 3 with the outcome (base rate 37.5%); cells: MQA volume / precision
completeness       score>=100     score>=150
>=0                 5 / 60.0%      4 / 50.0%
>=0.6               4 / 75.0%      3 / 66.7%
`, tab.String())
}

func TestBacktestGridValidate(t *testing.T) {
	t.Parallel()
	_, err := qualify.Backtest(nil, qualify.BacktestGrid{Completeness: []float64{0.5, 0.4, 2}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.Equal(t, "backtest grid: 3 problems:\n  completeness[1]: 0.4 is not above the previous threshold 0.5\n  completeness[2]: must be between 0 and 1, got 2\n  score: needs at least one threshold", err.Error())
}

// TestBacktestTradeOff checks on a known-model history what the guide
// promises: raising either threshold lowers the MQA volume, and raising the
// completeness threshold raises precision when completeness drives the
// outcome.
func TestBacktestTradeOff(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(21, 5000)
	grid := qualify.BacktestGrid{Completeness: []float64{0, 0.3, 0.6, 0.9}, Score: []float64{0, 50, 100, 200}}
	tab, err := qualify.Backtest(history, grid)
	require.NoError(t, err)
	for i := range grid.Completeness {
		for j := range grid.Score {
			c := tab.Cell(i, j)
			if i > 0 {
				require.LessOrEqual(t, c.Volume, tab.Cell(i-1, j).Volume)
			}
			if j > 0 {
				require.LessOrEqual(t, c.Volume, tab.Cell(i, j-1).Volume)
			}
		}
	}
	for i := 1; i < len(grid.Completeness); i++ {
		require.Greater(t, tab.Cell(i, 0).Precision, tab.Cell(i-1, 0).Precision)
	}
	require.Equal(t, tab.Examples, tab.Cell(0, 0).Volume)
	require.InDelta(t, tab.BaseRate, tab.Cell(0, 0).Precision, 1e-12)
	t.Log("\n" + tab.String())
}

// Each row and column of the table names its threshold apart from the
// others: 0.666 and 0.667, or 149.996 and 150, written with two decimals
// would name two rows (columns) alike.
func TestBacktestNamesEveryThresholdApart(t *testing.T) {
	t.Parallel()
	tab, err := qualify.Backtest(nil, qualify.BacktestGrid{Completeness: []float64{0.6, 0.666, 0.667}, Score: []float64{149.996, 150}})
	require.NoError(t, err)
	require.Equal(t, `0 groups, 0 with the outcome (base rate 0.0%); cells: MQA volume / precision
completeness   score>=149.996     score>=150
>=0.6                0 / 0.0%       0 / 0.0%
>=0.666              0 / 0.0%       0 / 0.0%
>=0.667              0 / 0.0%       0 / 0.0%
`, tab.String())
}
