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
// Under caps it reads each due account's state once more than its
// passes do: a lookup for a store that keeps values, and for one that
// keeps them encoded a decoding the first pass then finds in the state
// cache (Config.StateCache), but a read more of the store for each due
// account, each sweep.
func (e *Engine) sharingGroups(ctx context.Context, due []store.AccountDue) ([][]store.AccountDue, error) {
	alone := func() [][]store.AccountDue {
		out := make([][]store.AccountDue, len(due))
		for i := range due {
			out[i] = due[i : i+1 : i+1]
		}
		return out
	}
	if len(due) < 2 || len(e.prog.Load().Journeys.Config().Caps) == 0 {
		return alone(), nil
	}
	pos := make(map[b2b.AccountID]int, len(due))
	ids := make([]b2b.AccountID, len(due))
	for i, d := range due {
		pos[d.ID] = i
		ids[i] = d.ID
	}
	// The accounts each one's persons name, read from its committed
	// state (which a pass of time does not change: only inputs move
	// persons between accounts). An account whose state cannot be loaded
	// or read names none: its own pass fails and reports why, and the
	// other accounts are advanced all the same, as they are without caps.
	links := make([][]b2b.AccountID, len(due))
	err := e.forEachAccount(outsideCallOrder(ctx), ids, func(ctx context.Context, id b2b.AccountID) error {
		rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, id)
		if err != nil {
			return nil
		}
		st, err := e.readState(&rec)
		if err != nil {
			return nil
		}
		var named []b2b.AccountID
		for i := range st.Persons {
			pe := &st.Persons[i]
			named = append(named, pe.Others...)
			for _, l := range pe.Left {
				named = append(named, l.Account)
			}
		}
		links[pos[id]] = named
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Union-find over the positions, each set's root its first account.
	root := make([]int, len(due))
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
	for i, named := range links {
		for _, acc := range named {
			if j, ok := pos[acc]; ok {
				a, b := find(i), find(j)
				if a > b {
					a, b = b, a
				}
				root[b] = a
			}
		}
	}
	var groups [][]store.AccountDue
	at := make([]int, len(due)) // a root's group's index
	for i := range due {
		r := find(i)
		if r == i {
			at[i] = len(groups)
			groups = append(groups, nil)
		}
		groups[at[r]] = append(groups[at[r]], due[i])
	}
	return groups, nil
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
// in time order.
func (e *Engine) catchUpInTurn(ctx context.Context, group []store.AccountDue, now time.Time) ([]outcome, error) {
	q := make(turnQueue, len(group))
	for i, d := range group {
		q[i] = e.newCatchUp(d.ID, d.DueAt, now, nil)
	}
	all := slices.Clone(q)
	heap.Init(&q)
	var errs []error
	// The first account stopped by the bound or by a failed pass, and
	// the limit the others stopping with it count.
	var bounded *catching
	limit := "passes"
	for len(q) > 0 {
		c := q[0]
		if bounded != nil && !q.before(c, bounded) {
			e.limitReached(ctx, limit, "account not caught up, stopped with one it shares a person with, resumed at the next Advance",
				c.id, c.total.at, c.at, c.passes)
			heap.Pop(&q)
			continue
		}
		err := c.step(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		if bounded == nil && (c.bounded || err != nil) {
			bounded = c
			if err != nil {
				limit = "failed"
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
