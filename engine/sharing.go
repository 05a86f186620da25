package engine

import (
	"container/heap"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// A frequency cap counts a person's messages from every account the
// person belongs to (see contacts.go), and a journey counts the messages
// decided up to its own time, no later: accounts that share such a
// person must decide in the order of their times for a cap to hold
// whatever the span of the call. Advance catches each account up over
// the whole span it reaches, which for accounts that share no one is
// exact; sharingGroups finds those that do, and catchUpInTurn runs each
// such group one pass at a time, the earliest due first, as calls at
// each of their due times would have.

// sharingGroups partitions the accounts due (in the order given) into
// groups: the accounts that share a person under a frequency cap (a
// person of several accounts, one who left one of them lately), each
// group in the order given, the groups in the order of their first
// account. Without caps, every account is a group of its own.
//
// The accounts each one shares a person with come with it from the due
// listing (store.AccountDue.Links), as its last commit stored them
// (see accountState.links): no state is read to find the groups.
func sharingGroups(due []store.AccountDue, caps bool) [][]store.AccountDue {
	if len(due) < 2 || !caps {
		out := make([][]store.AccountDue, len(due))
		for i := range due {
			out[i] = due[i : i+1 : i+1]
		}
		return out
	}
	pos := make(map[b2b.AccountID]int, len(due))
	for i, d := range due {
		pos[d.ID] = i
	}
	root := joined(len(due), func(i int) []b2b.AccountID { return due[i].Links }, func(id b2b.AccountID) (int, bool) {
		i, ok := pos[id]
		return i, ok
	})
	var groups [][]store.AccountDue
	at := make([]int, len(due)) // a root's group's index
	for i := range due {
		r := root[i]
		if r == i {
			at[i] = len(groups)
			groups = append(groups, nil)
		}
		groups[at[r]] = append(groups[at[r]], due[i])
	}
	return groups
}

// links returns the other accounts the state's persons name, each once,
// in ID order (nil when none): their other accounts (Others) and those
// they left lately (Left). A commit stores them beside the account's due
// time (store.CommitParams.Links), for sharingGroups; they change only
// with the persons, which only inputs move between accounts, never a
// pass of time.
func (st *accountState) links(id b2b.AccountID) []b2b.AccountID {
	var out []b2b.AccountID
	for i := range st.Persons {
		pe := &st.Persons[i]
		out = append(out, pe.Others...)
		for _, l := range pe.Left {
			out = append(out, l.Account)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if i, ok := slices.BinarySearch(out, id); ok {
		out = slices.Delete(out, i, i+1)
	}
	return slices.Clip(out)
}

// catchUpInTurn catches up a group of accounts that share persons (see
// sharingGroups), found due as given, one pass at a time: the pass due
// first (then the account first by ID) runs next, so that each decides
// with the messages the others decided before its time, and none after.
// It returns each account's outcome, in the order given. An account
// that reaches Advance's bound of passes stays due at its next pass,
// which the next Advance resumes, and one whose pass fails stays due at
// that pass: the others stop at theirs from then on too (a "passes" or
// a "failed" limit each), so that none decides past a time at which that
// account has not decided yet, and the next Advance takes them on again
// in time order. A pass that fails after another account stopped at the
// bound, at a time before that account's next pass, stops the others
// from its own time on: each stops at the earliest stop it reaches.
// Once ctx ends, the accounts stay due where they are, and count no
// limit: the call ended, no pass failed.
//
// An account whose state cannot be read (its first pass finds none, or
// cannot load or decode it) names no one: the links its last commit
// stored do not join it to the accounts it names, only those that name
// it do. So when a pass fails or reaches the bound, the states of the
// accounts that have not run yet are read (only a stop costs these
// reads), the group is split again without the links of those that
// cannot be read, and the stop reaches only the accounts still joined
// to the one that stopped: those that share no one with it go on as
// they would alone. (Until a stop, the order of passes of accounts that
// share no one changes nothing of what they decide.)
func (e *Engine) catchUpInTurn(ctx context.Context, group []store.AccountDue, now time.Time) ([]outcome, error) {
	q := make(turnQueue, len(group))
	for i, d := range group {
		q[i] = e.newCatchUp(d.ID, d.DueAt, now, nil)
	}
	all := slices.Clone(q)
	at := make(map[b2b.AccountID]int, len(all)) // position in group
	for i, c := range all {
		at[c.id] = i
	}
	heap.Init(&q)
	var errs []error
	// What is known of each account's state (read, or not), and the
	// group's parts that the known ones' links join: one part until an
	// account turns out not to name anyone.
	known := make([]readable, len(group))
	part := make([]int, len(group))
	regroup := func() {
		part = joined(len(group), func(i int) []b2b.AccountID {
			if known[i] == cannotRead {
				return nil
			}
			return group[i].Links
		}, func(id b2b.AccountID) (int, bool) {
			i, ok := at[id]
			return i, ok
		})
	}
	// The accounts stopped by the bound or by a failed pass, and the
	// limit the others stopping with each count: an account stops at the
	// earliest of those of its part that its next pass is not before.
	var stops []*catching
	limits := map[*catching]string{}
	stopOf := func(c *catching) *catching {
		var first *catching
		for _, s := range stops {
			if part[at[s.id]] == part[at[c.id]] && !q.before(c, s) && (first == nil || q.before(s, first)) {
				first = s
			}
		}
		return first
	}
	for len(q) > 0 {
		c := q[0]
		if ctx.Err() != nil {
			// The call ended (forEachAccount reports it): the account
			// stays due where it is, stopped by no limit.
			heap.Pop(&q)
			continue
		}
		if s := stopOf(c); s != nil {
			e.limitReached(ctx, limits[s], "account not caught up, stopped with one it shares a person with, resumed at the next Advance",
				c.id, c.total.at, c.at, c.passes)
			heap.Pop(&q)
			continue
		}
		first := c.passes == 0
		err := c.step(ctx)
		var u unreadable
		switch {
		case first && errors.As(err, &u):
			known[at[c.id]] = cannotRead
		case err != nil || ctx.Err() == nil:
			known[at[c.id]] = canRead
		}
		if err != nil {
			errs = append(errs, err)
		}
		if c.bounded || err != nil {
			// Which accounts the stop reaches depends on the states of
			// those not run yet, read now.
			e.readGroup(ctx, group, known)
			regroup()
			stops = append(stops, c)
			limits[c] = "passes"
			if err != nil {
				limits[c] = "failed"
			}
		}
		if c.done {
			heap.Pop(&q)
		} else {
			heap.Fix(&q, 0)
		}
	}
	outs := make([]outcome, len(all))
	for i, c := range all {
		outs[i] = c.total
	}
	return outs, errors.Join(errs...)
}

// readable is what a group's catch-up knows of an account's state.
type readable int8

const (
	unknown    readable = iota // no pass ran yet
	canRead                    // a pass read it
	cannotRead                 // its first pass could not read it
)

// readGroup reads the states of the accounts of a group that are not
// known yet (see readable).
func (e *Engine) readGroup(ctx context.Context, group []store.AccountDue, known []readable) {
	for i, d := range group {
		if known[i] != unknown || ctx.Err() != nil {
			continue
		}
		known[i] = canRead
		rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, d.ID)
		if err == nil {
			_, err = e.readState(&rec)
		}
		if err != nil {
			known[i] = cannotRead
		}
	}
}

// joined partitions n accounts by the links of each (links(i)), joined
// through those that find a position (pos): it returns each one's part,
// the position of the part's first account.
func joined(n int, links func(i int) []b2b.AccountID, pos func(b2b.AccountID) (int, bool)) []int {
	root := make([]int, n)
	for i := range root {
		root[i] = i
	}
	find := func(i int) int {
		for root[i] != i {
			root[i] = root[root[i]]
			i = root[i]
		}
		return i
	}
	for i := range n {
		for _, acc := range links(i) {
			if j, ok := pos(acc); ok {
				a, b := find(i), find(j)
				if a > b {
					a, b = b, a
				}
				root[b] = a
			}
		}
	}
	for i := range root {
		root[i] = find(i)
	}
	return root
}

// turnQueue orders catch-ups by the time of their next pass, then by
// account.
type turnQueue []*catching

func (q turnQueue) Len() int           { return len(q) }
func (q turnQueue) Less(i, j int) bool { return q.before(q[i], q[j]) }

// before reports whether a's next pass comes before b's.
func (turnQueue) before(a, b *catching) bool {
	if c := a.at.Compare(b.at); c != 0 {
		return c < 0
	}
	return a.id < b.id
}
func (q turnQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *turnQueue) Push(x any)   { *q = append(*q, x.(*catching)) }
func (q *turnQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
