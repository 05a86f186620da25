package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// Advance lets time pass up to now: every account that is due by now (a
// journey wait ending, a deferred message coming free, the periodic
// refresh of decayed scores and time windows) runs through the chain at
// the time it was due, not at now. An account due at t runs its pass at
// t, or at its last committed pass if that is later (time never goes
// back for an account: an input's pass when a bound below stopped the
// account's catch-up may have run after t): the
// pass decays its scores to that time, stamps its decisions with it and
// counts the waits it starts from it. An account due again by now after
// its pass runs again at its next due time, and so on until its next due
// time is after now. So an account's decisions do not depend on how often
// Advance is called: one Advance after forty quiet days makes the
// decisions that forty daily ones would have made, at the same times,
// and leaves the same state, frequency caps shared with other accounts
// included.
//
// The accounts due are processed in parallel (Config.Workers), each one's
// passes in turn; but accounts that share a person under a frequency cap
// run one pass at a time, the pass due first next, so that each counts
// what the others decided before its time (see "Frequency caps across
// accounts" in the package documentation). The store's due listing
// names them (store.AccountDue.Links): Advance reads no state to find
// them, only each pass its account's, until a pass of such a group fails
// or reaches the bound below: the states of the group's accounts that
// have not run yet are then read once, to tell which of them the stop
// reaches.
//
// Two bounds keep a program whose passes never settle from running for
// ever; either is logged at Warn and counted
// ([Counters].AdvanceLimits), never silent:
//
//   - an account due again at the very instant of its own pass (its
//     audiences changed, so it is qualified again) runs at most 3 passes
//     at that instant ("instant"); its catch-up then goes on at its next
//     refresh (Config.RefreshInterval later);
//   - one Advance runs at most 1,000 passes on one account ("passes"): the
//     account stays due where it stopped, and the next Advance resumes it
//     there. The accounts that share a person with it under a frequency
//     cap stop at their next pass from then on too (each a "passes"
//     limit), so that none decides past a time it has not decided at.
//
// An account whose pass fails stays due at that pass (Advance returns
// the error); the accounts that share a person with it under a frequency
// cap stop at their next pass from then on too, logged at Warn as above
// and counted as "failed" limits, and the next Advance takes them all on
// from there.
//
// An account with nothing due runs one pass each Config.RefreshInterval,
// so an Advance that covers many intervals costs each quiet account as
// many passes (a pass that decides nothing commits only the account's
// next due time).
//
// Messages decided on the way are queued at their decision time: the
// dispatcher sends them when it next runs, so a late Advance may leave a
// backlog that goes out at once. Frequency caps count messages at their
// decision times, as if each had gone out when decided.
//
// An Advance to no time (a zero time.Time) is refused with an error
// matching b2b.ErrInvalid.
func (e *Engine) Advance(ctx context.Context, now time.Time) (Report, error) {
	var rep Report
	if now.IsZero() {
		var bad b2b.Problems
		bad.Addf("now", "is required")
		return rep, bad.Err("advance")
	}
	// Each account's passes run to its first due time after now, or to a
	// bound: an account is taken once per Advance.
	done := map[b2b.AccountID]bool{}
	for {
		// A sweep reads the accounts due by now a page at a time, each
		// page after the last (so that accounts left due, by a bound or
		// by a store that keeps their due time, never hide the others);
		// one that became due while the sweep went on comes back in the
		// next sweep.
		var due []store.AccountDue
		var after *store.AccountDue
		for {
			page, err := e.cfg.Store.DueAccounts(ctx, &store.DueParams{Tenant: e.cfg.Tenant, Before: now, Limit: advancePage, After: after})
			if err != nil {
				return rep, fmt.Errorf("due accounts: %w", err)
			}
			if len(page) == 0 {
				break
			}
			if after != nil && page[0].Compare(*after) <= 0 {
				// Not a next page: read on, and this would never end.
				return rep, fmt.Errorf("due accounts: the store returned %q (due %s) for the page after %q (due %s): it does not honour store.DueParams.After",
					page[0].ID, page[0].DueAt.Format(time.RFC3339), after.ID, after.DueAt.Format(time.RFC3339))
			}
			after = &page[len(page)-1]
			for _, d := range page {
				if !done[d.ID] {
					done[d.ID] = true
					due = append(due, d)
				}
			}
		}
		if len(due) == 0 {
			return rep, nil
		}
		if err := e.advanceDue(ctx, due, now, &rep); err != nil {
			return rep, err
		}
	}
}

// advanceDue catches up the accounts of a sweep, in parallel, each
// group of accounts that share a person under a frequency cap (see
// sharingGroups) one pass at a time in time order, and sums what they
// decided into rep.
func (e *Engine) advanceDue(ctx context.Context, due []store.AccountDue, now time.Time, rep *Report) error {
	groups := sharingGroups(due, len(e.prog.Load().Journeys.Config().Caps) > 0)
	first := make([]b2b.AccountID, len(groups))
	group := make(map[b2b.AccountID][]store.AccountDue, len(groups))
	for i, g := range groups {
		first[i] = g[0].ID
		group[g[0].ID] = g
	}
	var mu sync.Mutex
	count := func(out *outcome) {
		if !out.idle {
			rep.Steps += out.steps
			rep.Messages += out.messages
			rep.Accounts++
		}
	}
	return e.forEachAccount(ctx, first, func(ctx context.Context, id b2b.AccountID) error {
		g := group[id]
		if len(g) == 1 {
			out, err := e.catchUp(ctx, id, g[0].DueAt, now, nil)
			mu.Lock()
			defer mu.Unlock()
			count(&out)
			return err
		}
		// The group's order is the time order of its passes: no pass in
		// it waits for another account's turn of the call.
		outs, err := e.catchUpInTurn(outsideCallOrder(ctx), g, now)
		mu.Lock()
		defer mu.Unlock()
		for i := range outs {
			count(&outs[i])
		}
		return err
	})
}

// advancePage is how many due accounts Advance asks the store for at once.
const advancePage = 10000

// maxInstantPasses bounds the passes an account runs at one instant when
// each leaves it due at that instant again (as many as the rounds of
// journeys one pass runs, maxJourneyRounds).
const maxInstantPasses = 3

// maxAdvancePasses bounds the passes one Advance runs on one account: with
// the default refresh of a day, enough to catch up on more than two years.
const maxAdvancePasses = 1000

// catchUp runs an account's passes of time, found due at from: each at
// the time the account is due (see passTime), until its next due time is
// after now or a bound is reached. The outcome sums the passes'; it is
// idle when none decided anything, and its at is the time of the last
// pass that ran (zero when none did).
//
// With in set, the passes are an input's catch-up (see catchUpBefore):
// they run at the account's decisive due times only, and each takes the
// activities and consent statements of in dated by its time (removing
// them from in).
func (e *Engine) catchUp(ctx context.Context, id b2b.AccountID, from, now time.Time, in *work) (outcome, error) {
	c := e.newCatchUp(id, from, now, in)
	for !c.done {
		if err := c.step(ctx); err != nil {
			return c.total, err
		}
	}
	return c.total, nil
}

// A catching is an account's catch-up (see catchUp) in progress, one
// pass at a time: at is the time of its next pass, until done.
type catching struct {
	e       *Engine
	id      b2b.AccountID
	now     time.Time
	in      *work
	at      time.Time
	instant int // passes run at the instant at
	passes  int
	done    bool
	bounded bool // done by the bound of passes, due again at at
	total   outcome
}

func (e *Engine) newCatchUp(id b2b.AccountID, from, now time.Time, in *work) *catching {
	return &catching{e: e, id: id, now: now, in: in, at: from, total: outcome{idle: true}}
}

// step runs the account's next pass, and sets done when the account is
// caught up, a bound is reached, ctx ends (forEachAccount reports it) or
// the pass fails.
func (c *catching) step(ctx context.Context) error {
	e, id, now, in := c.e, c.id, c.now, c.in
	c.passes++
	if ctx.Err() != nil {
		c.done = true
		return nil
	}
	out, err := e.process(ctx, id, &work{tick: true, from: c.at, input: in}, now)
	if err != nil {
		c.done = true
		return err
	}
	if !out.at.IsZero() {
		c.total.at = out.at
		if in != nil {
			in.dropUntil(out.at) // what the pass took (work.until)
		}
	}
	c.total.add(&out)
	next := out.due
	if in != nil {
		next = out.decisive
	}
	if out.at.IsZero() || next.IsZero() || next.After(now) {
		c.done = true // not due by now (any more)
		return nil
	}
	if next.After(out.at) {
		c.at, c.instant = next, 0
	} else if c.instant++; c.instant < maxInstantPasses && !out.idle {
		c.at = out.at // due again at once: its own pass changed what it reads
	} else {
		// A pass that decided nothing is not run again at its instant;
		// nor is one after the bound.
		if in != nil {
			e.limitReached(ctx, "instant", "account due again at the same instant, left to the input's pass",
				id, out.at, next, c.passes)
			c.done = true
			return nil
		}
		e.limitReached(ctx, "instant", "account due again at the same instant, caught up from its next refresh",
			id, out.at, next, c.passes)
		c.at, c.instant = out.at.Add(e.cfg.RefreshInterval), 0
		if c.at.After(now) {
			c.done = true
			return nil
		}
	}
	if c.passes == maxAdvancePasses {
		e.limitReached(ctx, "passes", "account not caught up, resumed at the next Advance", id, out.at, c.at, c.passes)
		// It stays due at next (before at after an instant's bound).
		c.done, c.bounded, c.at = true, true, next
	}
	return nil
}

// catchUpBefore runs, before an input's pass at now, what an account was
// due to decide before now and has not (no Advance reached it): a journey
// wait that ended, a deferred message that came free, a consent statement
// dated ahead that took effect, a qualification asked for again. Each
// such pass runs at its own time and takes the input's activities and
// consent statements dated by then, as if they had come in real time, so
// that a split at the end of a wait sees what the account did before it,
// and no more; the rest, and the other inputs, go to the input's pass.
// Plain refreshes (decayed scores, moving time windows) are not caught
// up: the input's pass refreshes the account at now. It returns the work
// left for that pass: in itself, or, when the catch-up took all of in's
// inputs, a pass of time at now.
func (e *Engine) catchUpBefore(ctx context.Context, id b2b.AccountID, in *work, now time.Time) (outcome, *work, error) {
	rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return outcome{idle: true}, in, nil
	case err != nil:
		return outcome{idle: true}, nil, fmt.Errorf("account %q: load: %w", id, err)
	}
	st, err := e.readState(&rec)
	if err != nil {
		return outcome{idle: true}, nil, err
	}
	due := st.decisiveDue(rec.DueAt)
	if due.IsZero() || !due.Before(now) {
		return outcome{idle: true}, in, nil
	}
	out, err := e.catchUp(ctx, id, due, now.Add(-time.Nanosecond), in)
	if err != nil || out.at.IsZero() || !in.empty() {
		return out, in, err
	}
	return out, &work{tick: true, from: now}, nil
}

// limitReached logs and counts a bound of Advance reached on an account:
// the time of its last pass, when it is due next, and how many passes it
// ran in this Advance.
func (e *Engine) limitReached(ctx context.Context, name, msg string, id b2b.AccountID, at, next time.Time, passes int) {
	e.counters.add(&e.counters.advanceLimits, name, 1)
	e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("account", string(id)),
		slog.Time("at", at), slog.Time("next", next), slog.Int("passes", passes))
}

// passTime returns when a pass of time runs on an account found due at
// from: at the latest of from, the due time it has now (another call may
// have run it since) and the time of its last committed pass
// (st.Refreshed): a pass never runs before one the account committed.
// It is false when that is after now: the account is not due by now.
func passTime(from time.Time, rec *store.Account, st *accountState, now time.Time) (time.Time, bool) {
	at := from
	if rec.DueAt.After(at) {
		at = rec.DueAt
	}
	if st != nil && st.Refreshed.After(at) {
		at = st.Refreshed
	}
	return at, !at.After(now)
}
