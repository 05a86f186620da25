package simtrain

import (
	"cmp"
	"fmt"
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
		g.maxP = max(g.maxP, m.Probability(s.Features))
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
	at := func(n int) float64 {
		if n == 0 {
			// Nothing was ready: a threshold above every probability seen.
			return min(1, ps[0]+1e-9)
		}
		return ps[n-1]
	}
	t.Ready = at(t.ReadyGroups)
	t.Nurture = min(t.Ready, at(t.NurtureGroups))
	return t, nil
}
