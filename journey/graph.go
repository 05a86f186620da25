package journey

import (
	"slices"
	"strings"
)

// successors lists the nodes a node can lead to.
func (cn *cnode) successors() []int {
	var s []int
	add := func(i int) {
		if i >= 0 {
			s = append(s, i)
		}
	}
	add(cn.next)
	add(cn.limitThen)
	add(cn.onTimeout)
	add(cn.onOK)
	add(cn.onError)
	add(cn.els)
	add(cn.branch)
	for _, p := range cn.paths {
		add(p.next)
	}
	for _, p := range cn.variant {
		add(p.next)
	}
	return s
}

// waits reports whether a node holds a track until time passes or an event
// arrives, which makes a cycle through it safe.
func (cn *cnode) waits() bool {
	return cn.kind == KindWait || cn.kind == KindListen || cn.kind == KindExternal
}

// graph checks reachability, merge placement and cycles without a wait.
func (c *compiler) graph() {
	nodes := c.v.nodes
	seen := make([]bool, len(nodes))
	stack := []int{c.v.start}
	seen[c.v.start] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range nodes[i].successors() {
			if !seen[s] {
				seen[s] = true
				stack = append(stack, s)
			}
		}
	}
	for i, ok := range seen {
		if !ok && !c.badRefs {
			c.ps.Addf(nodePath(nodes[i].id), "unreachable from the start node %q", string(nodes[c.v.start].id))
		}
	}
	for i := range nodes {
		cn := &nodes[i]
		if cn.kind == KindParallel && cn.merge >= 0 && !c.reaches(cn.branch, cn.merge) {
			c.ps.Addf(nodePath(cn.id)+".parallel.merge", "merge node %q cannot be reached from branch %q", string(nodes[cn.merge].id), string(nodes[cn.branch].id))
		}
	}
	c.cycles()
}

func (c *compiler) reaches(from, to int) bool {
	seen := make([]bool, len(c.v.nodes))
	stack := []int{from}
	seen[from] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i == to {
			return true
		}
		for _, s := range c.v.nodes[i].successors() {
			if !seen[s] {
				seen[s] = true
				stack = append(stack, s)
			}
		}
	}
	return false
}

// cycles reports each cycle of instantaneous edges (edges out of nodes
// that do not wait) once, with the nodes on it.
func (c *compiler) cycles() {
	nodes := c.v.nodes
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(nodes))
	var path []int
	reported := map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		color[i] = grey
		path = append(path, i)
		if !nodes[i].waits() {
			for _, s := range nodes[i].successors() {
				switch color[s] {
				case white:
					visit(s)
				case grey:
					k := slices.Index(path, s)
					cyc := path[k:]
					low := slices.Min(cyc)
					if !reported[low] {
						reported[low] = true
						names := make([]string, 0, len(cyc)+1)
						for _, n := range cyc {
							names = append(names, string(nodes[n].id))
						}
						names = append(names, string(nodes[s].id))
						c.ps.Addf(nodePath(nodes[s].id), "cycle without a wait: %s", strings.Join(names, " -> "))
					}
				}
			}
		}
		path = path[:len(path)-1]
		color[i] = black
	}
	for i := range nodes {
		if color[i] == white {
			visit(i)
		}
	}
}
