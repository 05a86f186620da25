package engine

import (
	"sync"
)

// callGate lets an erasure wait for the calls that resolved identity
// before it (they may write the person again), without holding up the
// calls that start after.
type callGate struct {
	mu     sync.Mutex
	cond   *sync.Cond
	gen    uint64
	active map[uint64]int // calls under way, by the generation they started in
}

// enter registers a call; it returns what to pass to exit.
func (g *callGate) enter() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.active == nil {
		g.active = map[uint64]int{}
	}
	g.active[g.gen]++
	return g.gen
}

func (g *callGate) exit(gen uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.active[gen]--; g.active[gen] == 0 {
		delete(g.active, gen)
	}
	if g.cond != nil {
		g.cond.Broadcast()
	}
}

// waitPrior waits until every call that entered before it has exited.
func (g *callGate) waitPrior() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	prior := g.gen
	g.gen++
	for {
		waiting := false
		for gen := range g.active {
			waiting = waiting || gen <= prior
		}
		if !waiting {
			return
		}
		g.cond.Wait()
	}
}
