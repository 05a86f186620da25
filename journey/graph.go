package journey

import (
	"fmt"
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

// holds reports whether a node holds every track that arrives at it until
// time passes or an event arrives: a wait for a duration, a listen or an
// external node. A wait only until a date does not: once the date has
// passed, it lets every track through at once.
func (cn *cnode) holds() bool {
	switch cn.kind {
	case KindWait:
		w := cn.wait
		return w == nil || w.For != 0 || w.Until.IsZero() // nil or no time: already a problem
	case KindListen, KindExternal:
		return true
	}
	return false
}

// instant lists the nodes a track can go on to from a node in the same
// moment it arrived there: every successor of a node that does not hold,
// and the visit limit's node of one that does (the limit is checked on
// arrival, before the node holds the track). A parallel node with a merge
// node also goes on to the merge node's next at once when the account has
// no active solution interest.
func (cn *cnode) instant(nodes []cnode) []int {
	if !cn.holds() {
		s := cn.successors()
		if cn.kind == KindParallel && cn.merge >= 0 && nodes[cn.merge].next >= 0 {
			s = append(s, nodes[cn.merge].next)
		}
		return s
	}
	if cn.limitThen >= 0 {
		return []int{cn.limitThen}
	}
	return nil
}

// graph checks reachability, merge placement and cycles without a wait.
func (c *compiler) graph() {
	nodes := c.v.nodes
	seen := c.reachable(func(i int) []int { return nodes[i].successors() })
	for i, ok := range seen {
		if !ok && !c.badRefs {
			c.ps.Addf(c.nodePath(i), "unreachable from the start node %q", string(nodes[c.v.start].id))
		}
	}
	for i := range nodes {
		cn := &nodes[i]
		if cn.kind == KindParallel && cn.branch >= 0 && cn.merge >= 0 && !c.reaches(cn.branch, cn.merge) {
			c.ps.Addf(c.nodePath(i)+".parallel.merge", "merge node %q cannot be reached from branch %q", string(nodes[cn.merge].id), string(nodes[cn.branch].id))
		}
	}
	c.cycles()
}

// tracks tells, for each node, which tracks can reach it (see
// [NodeTracks]): the main track from the start node, addressing the
// interest the journey is bound to (an interest the definition does
// not tell when it is bound to none), and the tracks of every parallel
// node it or they reach, from its branch, one per interest it names
// (one whose interest is not told when it names none). A track goes on
// to every successor of a node, but for a parallel node, whose track
// goes on at its merge node's next (and its visit limit's node), and for
// a merge node, where a parallel track ends (unless the visit limit
// sends it on).
func (c *compiler) tracks() []NodeTracks {
	nodes := c.v.nodes
	type at struct {
		node     int
		interest string // "": not told
		child    bool   // a parallel node's track
	}
	out := make([]NodeTracks, len(nodes))
	seen := map[at]bool{}
	var stack []at
	push := func(a at) {
		if a.node >= 0 && !seen[a] {
			seen[a] = true
			stack = append(stack, a)
		}
	}
	push(at{node: c.v.start, interest: c.v.interest})
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nt := &out[a.node]
		nt.Main = nt.Main || !a.child
		switch {
		case a.interest == "":
			nt.AnyInterest = true
		case !slices.Contains(nt.Interests, a.interest):
			nt.Interests = append(nt.Interests, a.interest)
			slices.Sort(nt.Interests)
		}
		cn := &nodes[a.node]
		switch {
		case cn.kind == KindParallel:
			push(at{cn.limitThen, a.interest, a.child})
			if cn.merge >= 0 {
				push(at{nodes[cn.merge].next, a.interest, a.child})
			}
			if cn.branch >= 0 {
				if len(cn.interests) == 0 || slices.Contains(cn.interests, "") {
					push(at{cn.branch, "", true})
				}
				for _, si := range cn.interests {
					if si != "" {
						push(at{cn.branch, si, true})
					}
				}
			}
		case cn.kind == KindMerge && a.child:
			push(at{cn.limitThen, a.interest, a.child})
		default:
			for _, s := range cn.successors() {
				push(at{s, a.interest, a.child})
			}
		}
	}
	return out
}

// reachable marks the nodes reachable from the start node by next
// (negative indexes are no node).
func (c *compiler) reachable(next func(i int) []int) []bool {
	seen := make([]bool, len(c.v.nodes))
	stack := []int{c.v.start}
	seen[c.v.start] = true
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range next(i) {
			if s >= 0 && !seen[s] {
				seen[s] = true
				stack = append(stack, s)
			}
		}
	}
	return seen
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

// cycles reports each cycle of instantaneous edges ([cnode.instant]) once,
// with the nodes on it and, where the cycle passes a node that looks like
// a wait, why that node does not hold the track.
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
		for _, s := range nodes[i].instant(nodes) {
			switch color[s] {
			case white:
				visit(s)
			case grey:
				k := slices.Index(path, s)
				cyc := path[k:]
				low := slices.Min(cyc)
				if !reported[low] {
					reported[low] = true
					c.cycle(append(slices.Clone(cyc), s))
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

// cycle reports a cycle of instantaneous edges; cyc ends with its first
// node.
func (c *compiler) cycle(cyc []int) {
	nodes := c.v.nodes
	names := make([]string, 0, len(cyc))
	var why []string
	for k, n := range cyc {
		cn := &nodes[n]
		names = append(names, string(cn.id))
		if k == len(cyc)-1 {
			break
		}
		switch next := cyc[k+1]; {
		case cn.holds():
			why = append(why, fmt.Sprintf("the visit limit of %q leads on at once", string(cn.id)))
		case cn.kind == KindWait:
			why = append(why, fmt.Sprintf("wait %q only waits until a date, which passes", string(cn.id)))
		case cn.kind == KindParallel && next != cn.branch:
			why = append(why, fmt.Sprintf("parallel %q goes on to %q at once when the account has no active solution interest", string(cn.id), string(nodes[next].id)))
		}
	}
	msg := "cycle without a wait: " + strings.Join(names, " -> ")
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	c.ps.Addf(c.nodePath(cyc[0]), "%s", msg)
}
