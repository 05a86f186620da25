package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// Frequency caps count a person's messages across journeys and across
// accounts: a person of several accounts (linked to several, or, with
// rollup, a subsidiary's person in its parent's state too) is messaged by
// the journeys of each, and a cap of "2 marketing emails a week" is the
// person's, not an account's.
//
// Each account's journey state remembers the messages its journeys sent
// (journey.State.Contacts, pruned to the longest cap's window): the
// cheapest exact source of what a cap counts, category included (the
// outbox knows no category, and holds every message until delivered and
// longer). A pass whose account has persons of other accounts reads those
// accounts' committed states and hands the journeys their recent messages
// to those persons (journey.Input.Contacts). A pass whose persons are all
// of one account reads nothing more.
//
// Two passes of accounts that share a person take turns, from the reading
// of each other's messages to the commit of their own (sharedLocks): so a
// cap holds exactly across accounts, within one engine, whatever the
// order and the concurrency of the calls. The turns are per person (hashed
// onto a fixed set of locks), so accounts that share no one run in
// parallel as before.

// sharedLocks are the locks of persons of several accounts, by a hash of
// the person's ID.
type sharedLocks [1024]sync.Mutex

// lock takes the locks of the persons, in order (so two passes never wait
// for each other's), and returns their indexes for unlock.
func (l *sharedLocks) lock(persons []b2b.PersonID) []int {
	idx := make([]int, 0, len(persons))
	for _, p := range persons {
		idx = append(idx, lockIndex(p, len(l)))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		l[i].Lock()
	}
	return idx
}

func (l *sharedLocks) unlock(idx []int) {
	for _, i := range slices.Backward(idx) {
		l[i].Unlock()
	}
}

// lockIndex hashes a person's ID (FNV-1a) onto n locks.
func lockIndex(p b2b.PersonID, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(p); i++ {
		h ^= uint32(p[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}

// sharedContacts returns the recent messages to the account's persons of
// several accounts recorded in those other accounts' committed states,
// for the caps to count. It takes those persons' locks first, which the
// pass holds until it has committed (see unlockShared). A program without
// caps, and an account whose persons are all its own, cost nothing.
func (ps *pass) sharedContacts(ctx context.Context) []journey.Contact {
	caps := ps.p.Journeys.Config().Caps
	if len(caps) == 0 {
		return nil
	}
	var shared []b2b.PersonID
	var others []b2b.AccountID
	for i := range ps.st.Persons {
		if pe := &ps.st.Persons[i]; len(pe.Others) > 0 {
			shared = append(shared, pe.Person.ID)
			others = append(others, pe.Others...)
		}
	}
	if len(shared) == 0 {
		return nil
	}
	if ps.locked == nil {
		ps.locked = ps.e.shared.lock(shared)
	}
	var window time.Duration
	for _, cp := range caps {
		window = max(window, time.Duration(cp.Per))
	}
	after := ps.now.Add(-window)
	slices.Sort(others)
	var out []journey.Contact
	for _, acc := range slices.Compact(others) {
		if acc == ps.id {
			continue
		}
		rec, err := ps.e.cfg.Store.LoadAccount(ctx, ps.e.cfg.Tenant, acc)
		if errors.Is(err, store.ErrNotFound) {
			continue // no state yet: no message either
		}
		if err != nil {
			ps.fail(fmt.Errorf("recent messages of account %q: %w", acc, err))
			return nil
		}
		st, err := ps.e.readState(&rec)
		if err != nil {
			ps.fail(fmt.Errorf("recent messages of account %q: %w", acc, err))
			return nil
		}
		for _, c := range st.Journeys.Contacts {
			if c.At.After(after) && slices.Contains(shared, c.Person) {
				out = append(out, c)
			}
		}
	}
	return out
}

// unlockShared lets the passes of the other accounts of the pass's shared
// persons go on, once the pass has committed (or given up).
func (ps *pass) unlockShared() {
	if ps.locked != nil {
		ps.e.shared.unlock(ps.locked)
		ps.locked = nil
	}
}
