package simtrain

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/quorumhq/quorum/qualify"
)

// Thresholds are a model strategy's probability thresholds with what they
// were chosen to match.
type Thresholds struct {
	Ready, Nurture float64
	// Groups is how many groups the history holds; ReadyGroups and
	// NurtureGroups how many the reference strategy made ready, and ready
	// or nurture, at some snapshot (the model makes as many so, at the
	// thresholds chosen, unless ties prevent it).
	Groups, ReadyGroups, NurtureGroups int
}

// MatchVolume chooses the model strategy's probability thresholds so that,
// over the history, the model marks as many buying groups ready (and ready
// or nurture) at some snapshot as the reference strategy does: the same MQA
// volume as the strategy it would replace, so that the two compare by the
// quality of the groups they pick, not by how many.
//
// The thresholds are valid ones for [qualify.StrategyModel] and for a
// program's readiness (above 0, at most 1; a program reads 0 as not
// written): where the probability to match is 0, the threshold is the
// smallest above 0, so a group the model gives 0 is never ready (or
// nurture). A model that gives some group a probability of exactly 1
// (log-odds beyond about 37 round to it) while the reference strategy made
// no group ready is refused, since no threshold of at most 1 leaves that
// group out; so is a model that gives a snapshot no probability (NaN).
func (h *History) MatchVolume(m *qualify.Model, ref qualify.ReadinessStrategy) (Thresholds, error) {
	type group struct {
		maxP            float64
		ready, eligible bool
	}
	groups := map[string]*group{}
	var order []string
	for _, s := range h.Snapshots {
		key := string(s.Account) + "\x00" + s.Group
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		v, err := ref.Assess(s.Features)
		if err != nil {
			return Thresholds{}, fmt.Errorf("simtrain: %s on day %d: %w", s.Group, s.Day, err)
		}
		g.ready = g.ready || v.Level == qualify.ReadinessReady
		g.eligible = g.eligible || v.Level != qualify.ReadinessNotYet
		p := m.Probability(s.Features)
		if math.IsNaN(p) {
			return Thresholds{}, fmt.Errorf("simtrain: %s of %s on day %d: the model gives no probability (its log-odds are NaN)", s.Group, s.Account, s.Day)
		}
		g.maxP = max(g.maxP, p)
	}
	if len(order) == 0 {
		return Thresholds{}, fmt.Errorf("simtrain: no snapshots: %w", ErrNoHistory)
	}
	t := Thresholds{Groups: len(order)}
	ps := make([]float64, 0, len(order))
	for _, k := range order {
		g := groups[k]
		ps = append(ps, g.maxP)
		if g.ready {
			t.ReadyGroups++
		}
		if g.eligible {
			t.NurtureGroups++
		}
	}
	slices.SortFunc(ps, func(a, b float64) int { return cmp.Compare(b, a) })
	// A threshold is above 0: one of 0 would read as not written.
	at := func(n int) float64 {
		if n == 0 {
			// Nothing was ready: a threshold above every probability seen.
			return min(1, ps[0]+1e-9)
		}
		return max(ps[n-1], math.SmallestNonzeroFloat64)
	}
	if t.ReadyGroups == 0 && ps[0] >= 1 {
		certain := 0
		for _, p := range ps {
			if p >= 1 {
				certain++
			}
		}
		return Thresholds{}, fmt.Errorf("simtrain: the reference strategy made no group ready, but the model gives %d of %d groups probability 1, which every ready probability (at most 1) makes ready", certain, len(ps))
	}
	t.Ready = at(t.ReadyGroups)
	t.Nurture = min(t.Ready, at(t.NurtureGroups))
	return t, nil
}
