package engine

import (
	"context"
	"errors"
	"sync"

	"github.com/quorumhq/quorum/b2b"
)

// forEachAccount runs fn for each account on the configured number of
// workers and joins their errors. The accounts are taken in the order of
// ids, which is also the order in which passes of accounts that share a
// person decide (see callOrder).
func (e *Engine) forEachAccount(ctx context.Context, ids []b2b.AccountID, fn func(ctx context.Context, id b2b.AccountID) error) error {
	if len(ids) == 0 {
		return nil
	}
	order := newCallOrder(ids)
	ctx = context.WithValue(ctx, callOrderKey{}, order)
	workers := min(e.cfg.Workers, len(ids))
	next := make(chan int)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, ids[i]); err != nil {
					errs[w] = errors.Join(errs[w], err)
				}
				close(order.done[i])
			}
		}()
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	err := errors.Join(errs...)
	// The end of ctx is said once: with the account whose pass it
	// stopped where there is one, alone where it stopped the call
	// between passes.
	if ce := ctx.Err(); ce != nil && !errors.Is(err, ce) {
		err = errors.Join(err, ce)
	}
	return err
}

// callOrder is the order of the accounts of one call (forEachAccount):
// a pass that counts another account's messages to a shared person
// (sharedContacts) first waits until the call is done with each such
// account it took earlier, so that whichever message a frequency cap
// lets through does not depend on how the workers were scheduled. The
// waits only go to accounts taken earlier, which are running or done:
// they never form a cycle.
type callOrder struct {
	pos  map[b2b.AccountID]int
	done []chan struct{}
}

type callOrderKey struct{}

func newCallOrder(ids []b2b.AccountID) *callOrder {
	o := &callOrder{pos: make(map[b2b.AccountID]int, len(ids)), done: make([]chan struct{}, len(ids))}
	for i, id := range ids {
		if _, ok := o.pos[id]; !ok {
			o.pos[id] = i
		}
		o.done[i] = make(chan struct{})
	}
	return o
}

// outsideCallOrder returns ctx for a pass that runs inside another
// account's turn of a call (a hand-over): it waits for no turn.
func outsideCallOrder(ctx context.Context) context.Context {
	return context.WithValue(ctx, callOrderKey{}, (*callOrder)(nil))
}

// waitBefore waits until the call is done with each of others that it
// took before id; it returns ctx's error if ctx ends first. Outside a
// call's order, or for an account the call does not run, it waits for
// nothing.
func waitBefore(ctx context.Context, id b2b.AccountID, others []b2b.AccountID) error {
	o, ok := ctx.Value(callOrderKey{}).(*callOrder)
	if !ok || o == nil {
		return nil
	}
	mine, ok := o.pos[id]
	if !ok {
		return nil
	}
	for _, acc := range others {
		if i, ok := o.pos[acc]; ok && i < mine {
			select {
			case <-o.done[i]:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}
