package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// personIndex lists, for each person, the accounts that hold something
// of theirs. Almost every person has one: it is kept in a map of its own,
// which costs the collector no object per person, and only the others in
// a second map.
type personIndex struct {
	first map[b2b.PersonID]b2b.AccountID
	more  map[b2b.PersonID][]b2b.AccountID // the accounts after the first
}

// add records that the person has something in the account.
func (x *personIndex) add(p b2b.PersonID, a b2b.AccountID) {
	first, ok := x.first[p]
	switch {
	case !ok:
		if x.first == nil {
			x.first = map[b2b.PersonID]b2b.AccountID{}
		}
		x.first[p] = a
	case first != a && !slices.Contains(x.more[p], a):
		if x.more == nil {
			x.more = map[b2b.PersonID][]b2b.AccountID{}
		}
		x.more[p] = append(x.more[p], a)
	}
}

// accounts returns the person's accounts, in the order they were added.
func (x *personIndex) accounts(p b2b.PersonID) []b2b.AccountID {
	first, ok := x.first[p]
	if !ok {
		return nil
	}
	return append([]b2b.AccountID{first}, x.more[p]...)
}

// remove forgets the person.
func (x *personIndex) remove(p b2b.PersonID) {
	delete(x.first, p)
	delete(x.more, p)
}

// indexed remembers the (person, account) pairs one call to the store
// has put in the person index already: a commit's events and entries name
// a few persons many times, and each look-up in the index of every
// person is a miss of the processor's caches in a large tenant. It lives
// on the caller's stack. Callers hold logMu.
type indexed struct {
	n     int
	pairs [maxIndexed]personAccount
}

type personAccount struct {
	p b2b.PersonID
	a b2b.AccountID
}

// maxIndexed bounds what indexed remembers: a call naming more pairs than
// this looks the others up each time.
const maxIndexed = 32

// touch records that the person has something in the account.
func (x *indexed) touch(td *tenant, p b2b.PersonID, a b2b.AccountID) {
	if p == "" || slices.Contains(x.pairs[:x.n], personAccount{p, a}) {
		return
	}
	if x.n < maxIndexed {
		x.pairs[x.n] = personAccount{p, a}
		x.n++
	}
	td.persons.add(p, a)
}

// PersonAccounts implements [store.Store].
func (s *Store) PersonAccounts(ctx context.Context, t store.Tenant, person b2b.PersonID) ([]b2b.AccountID, error) {
	if err := check(ctx, t); err != nil {
		return nil, err
	}
	if person == "" {
		return nil, invalid(fmt.Sprintf("accounts of a person in tenant %q: person: is required", t))
	}
	td := s.tenant(t, false)
	if td == nil {
		return nil, nil
	}
	td.logMu.Lock()
	defer td.logMu.Unlock()
	out := slices.DeleteFunc(td.persons.accounts(person), func(a b2b.AccountID) bool { return a == "" })
	slices.Sort(out)
	return out, nil
}

// ErasePerson implements [store.Store].
func (s *Store) ErasePerson(ctx context.Context, t store.Tenant, person b2b.PersonID) (store.EraseReport, error) {
	var rep store.EraseReport
	if err := check(ctx, t); err != nil {
		return rep, err
	}
	if person == "" {
		return rep, invalid(fmt.Sprintf("erasure in tenant %q: person: is required", t))
	}
	td := s.tenant(t, false)
	if td == nil {
		return rep, nil
	}
	defer td.compress() // the blocks rewritten, after the unlock
	td.logMu.Lock()
	defer td.logMu.Unlock()
	// Only the logs and outboxes of the person's accounts hold anything
	// of theirs.
	isPerson := func(p []byte) bool { return string(p) == string(person) }
	for _, a := range td.persons.accounts(person) {
		rep.Events += td.events.edit(a, nil, isPerson)
		for _, e := range td.entries[a] {
			if e.Person != person {
				continue
			}
			// The due queue may still point to the entry until its item
			// reaches the front, and the entries committed with it keep
			// its allocation: keep nothing of the person there but what
			// orders the queue (its ID, account and creation).
			wipe(e.Payload)
			e.Payload, e.Receipt, e.LastError = nil, nil, ""
			e.Person, e.IdempotencyKey, e.Channel = "", "", ""
			td.forget(e)
			rep.Outbox++
		}
		rep.Outbox += td.done.erase(a, person)
	}
	td.persons.remove(person)
	return rep, nil
}
