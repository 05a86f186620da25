package qualify

import (
	"fmt"
	"math"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// BacktestGrid is the thresholds to try: every completeness threshold with
// every score threshold.
type BacktestGrid struct {
	Completeness []float64 `json:"completeness"`
	Score        []float64 `json:"score"`
}

// Validate checks that both lists are non-empty, finite and ascending, and
// completeness thresholds are within [0, 1].
func (g BacktestGrid) Validate() error {
	var ps b2b.Problems
	for _, axis := range []struct {
		path string
		vs   []float64
	}{{"completeness", g.Completeness}, {"score", g.Score}} {
		if len(axis.vs) == 0 {
			ps.Addf(axis.path, "needs at least one threshold")
		}
		for i, v := range axis.vs {
			path := fmt.Sprintf("%s[%d]", axis.path, i)
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				ps.Addf(path, "must be a finite number, got %v", v)
			case axis.path == "completeness" && (v < 0 || v > 1):
				ps.Addf(path, "must be between 0 and 1, got %v", v)
			case i > 0 && v <= axis.vs[i-1]:
				ps.Addf(path, "%v is not above the previous threshold %v", v, axis.vs[i-1])
			}
		}
	}
	return ps.Err("backtest grid")
}

// BacktestCell is what one pair of thresholds would have done on the
// history: how many groups it would have passed to sales (Volume, the MQA
// volume), how many of those had the outcome (Converted), and the shares.
type BacktestCell struct {
	Completeness float64 `json:"completeness"`
	Score        float64 `json:"score"`
	Volume       int     `json:"volume"`
	Converted    int     `json:"converted"`
	// Precision is Converted / Volume (0 when nothing passes): the
	// pipeline quality.
	Precision float64 `json:"precision"`
	// Recall is Converted / all groups with the outcome: the share of the
	// pipeline the thresholds catch.
	Recall float64 `json:"recall"`
}

// BacktestTable is the result of [Backtest]: one cell per pair of
// thresholds, completeness-major (Cells[i*len(Grid.Score)+j] is
// Grid.Completeness[i] with Grid.Score[j]).
type BacktestTable struct {
	Grid      BacktestGrid   `json:"grid"`
	Examples  int            `json:"examples"`
	Positives int            `json:"positives"`
	BaseRate  float64        `json:"baseRate"`
	Cells     []BacktestCell `json:"cells"`
}

// Backtest replays history: for every pair of thresholds in grid, which
// past groups would have passed "completeness >= c and score >= s", and how
// many of them went on to the outcome. It lets a marketer choose the
// trade-off between pipeline quality (precision) and volume with numbers.
func Backtest(examples []ReadinessExample, grid BacktestGrid) (BacktestTable, error) {
	if err := grid.Validate(); err != nil {
		return BacktestTable{}, err
	}
	var ps b2b.Problems
	for i := range examples {
		ps.Add(fmt.Sprintf("examples[%d].features", i), examples[i].Features.Validate())
	}
	if err := ps.Err("backtest data"); err != nil {
		return BacktestTable{}, err
	}
	t := BacktestTable{Grid: grid, Examples: len(examples)}
	for i := range examples {
		if examples[i].Outcome {
			t.Positives++
		}
	}
	if t.Examples > 0 {
		t.BaseRate = float64(t.Positives) / float64(t.Examples)
	}
	t.Cells = make([]BacktestCell, 0, len(grid.Completeness)*len(grid.Score))
	for _, c := range grid.Completeness {
		for _, s := range grid.Score {
			cell := BacktestCell{Completeness: c, Score: s}
			for i := range examples {
				f := &examples[i].Features
				if f.Completeness >= c && f.Score >= s {
					cell.Volume++
					if examples[i].Outcome {
						cell.Converted++
					}
				}
			}
			if cell.Volume > 0 {
				cell.Precision = float64(cell.Converted) / float64(cell.Volume)
			}
			if t.Positives > 0 {
				cell.Recall = float64(cell.Converted) / float64(t.Positives)
			}
			t.Cells = append(t.Cells, cell)
		}
	}
	return t, nil
}

// Cell returns the cell of Grid.Completeness[i] and Grid.Score[j].
func (t BacktestTable) Cell(i, j int) BacktestCell { return t.Cells[i*len(t.Grid.Score)+j] }

// Best returns the cell with the highest precision among those passing at
// least minVolume groups (ties: more volume, then lower thresholds), and
// false when none passes that many.
func (t BacktestTable) Best(minVolume int) (BacktestCell, bool) {
	var best BacktestCell
	found := false
	for _, c := range t.Cells {
		if c.Volume < minVolume || c.Volume == 0 {
			continue
		}
		if !found || c.Precision > best.Precision || (c.Precision == best.Precision && c.Volume > best.Volume) {
			best, found = c, true
		}
	}
	return best, found
}

// String renders the table for people: one row per completeness threshold,
// one column per score threshold, each cell "volume precision%". The
// thresholds have at most two decimals, or more where two would read
// alike.
func (t BacktestTable) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d groups, %d with the outcome (base rate %.1f%%); cells: MQA volume / precision\n", t.Examples, t.Positives, 100*t.BaseRate)
	fmt.Fprintf(&b, "%-14s", "completeness")
	for _, s := range backtestLabels(t.Grid.Score) {
		fmt.Fprintf(&b, " %14s", "score>="+s)
	}
	b.WriteString("\n")
	for i, c := range backtestLabels(t.Grid.Completeness) {
		fmt.Fprintf(&b, "%-14s", ">="+c)
		for j := range t.Grid.Score {
			cell := t.Cell(i, j)
			fmt.Fprintf(&b, " %14s", fmt.Sprintf("%d / %.1f%%", cell.Volume, 100*cell.Precision))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// backtestLabels writes the thresholds of an axis with at most two
// decimals, or as many more as it takes for no two to read alike (0.666
// and 0.667, not 0.67 twice).
func backtestLabels(vs []float64) []string {
	out := make([]string, len(vs))
	for f := readyPeople; ; {
		seen := make(map[string]bool, len(vs))
		alike := false
		for i, v := range vs {
			out[i] = string(f.append(nil, v))
			alike = alike || seen[out[i]]
			seen[out[i]] = true
		}
		if !alike || f.prec < 0 {
			return out
		}
		if f.prec++; f.prec > 17 {
			f.prec = -1
		}
	}
}
