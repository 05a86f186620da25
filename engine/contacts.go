package engine

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
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
// A pass's journeys may decide before the pass's time: at a wait's end
// or a deferred message's time they were due at, or at an event's time
// (a late batch's activity, heard as it happened). Their caps count back
// from there, so the pass reads the other accounts' messages after
// journey.Config.ContactsAfter, ContactWindow before the earliest of
// those times, not before the pass.
//
// What holds across accounts is bounded by what the other accounts'
// states keep: a journey step that is not idle forgets the messages of
// ContactWindow before its own time. So a pass whose journeys decide at
// E counts another account's message to a shared person exactly when that
// account's last journey step that was not idle was at most ContactWindow
// less the cap's Per after E (no later than E in UTC; a day later for a
// cap of days in another zone), and the other account had decided by E
// all it would decide by then. Advance keeps to that whatever its span:
// the accounts it finds due that share a person under a cap run one pass
// at a time, in time order (sharingGroups, catchUpInTurn). Batches
// applied as they come keep to it too. A late batch does not: it catches
// each account with inputs up in turn, its whole span at once, so the
// account it takes first decides its span without the other's messages
// of the span, and the other then no longer sees the first's messages
// that the first's later steps forgot: messages to a shared person that
// a cap allows one of may both go out.
//
// Two passes of accounts that share a person take turns, from the reading
// of each other's messages to the commit of their own (sharedLocks): so a
// cap holds exactly across accounts, within one engine, whatever the
// order and the concurrency of the calls. Within one call, the account
// the call takes first decides first (callOrder): which message a cap
// lets through does not depend on how the workers were scheduled. The
// turns are per person (hashed onto a fixed set of locks), so accounts
// that share no one run in parallel as before.

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
// and those the accounts they left lately recorded (personEntry.Left),
// for the caps to count. It takes those persons' locks first, which the
// pass holds until it has committed (see unlockShared). A program without
// caps, and an account whose persons are all its own, cost nothing.
func (ps *pass) sharedContacts(ctx context.Context) []journey.Contact {
	if ps.capWindow() == 0 {
		return nil
	}
	// A pass's journeys decide first at the time they came due, or an
	// event happened, when before the pass (a step that runs late): their
	// caps count from ContactWindow before that.
	cfg := ps.p.Journeys.Config()
	after := cfg.ContactsAfter(&ps.st.Journeys, journey.Input{View: &journey.AccountView{Location: ps.location()}, Now: ps.now, Events: ps.jevents})
	var shared []b2b.PersonID
	var wanted map[b2b.AccountID][]b2b.PersonID // by account, the persons (and their IDs there) whose messages count
	want := func(acc b2b.AccountID, ids ...b2b.PersonID) {
		if wanted == nil {
			wanted = map[b2b.AccountID][]b2b.PersonID{}
		}
		wanted[acc] = append(wanted[acc], ids...)
	}
	for i := range ps.st.Persons {
		pe := &ps.st.Persons[i]
		counts := len(pe.Others) > 0
		for _, acc := range pe.Others {
			// A person merged into this one in this call: the other
			// account may not have made their messages this one's yet.
			want(acc, pe.Person.ID)
			want(acc, ps.aliases[pe.Person.ID]...)
		}
		for _, l := range pe.Left {
			if l.At.After(after) {
				want(l.Account, pe.Person.ID)
				want(l.Account, l.IDs...)
				counts = true
			}
		}
		if counts {
			shared = append(shared, pe.Person.ID)
		}
	}
	if len(shared) == 0 {
		return nil
	}
	accounts := slices.Sorted(maps.Keys(wanted))
	if ps.locked == nil {
		if err := waitBefore(ctx, ps.id, accounts); err != nil {
			ps.fail(err)
			return nil
		}
		ps.locked = ps.e.shared.lock(shared)
	}
	var out []journey.Contact
	for _, acc := range accounts {
		if acc == ps.id {
			continue
		}
		st, ok := ps.otherState(ctx, acc, "recent messages")
		if !ok {
			return nil
		}
		if st == nil {
			continue // no state yet: no message either
		}
		ids := wanted[acc]
		for _, c := range st.Journeys.Contacts {
			if !c.At.After(after) || !slices.Contains(ids, c.Person) {
				continue
			}
			if ps.st.person(c.Person) == nil {
				c.Person = ps.personOf(acc, c.Person) // one merged into a person of this account
			}
			out = append(out, c)
		}
	}
	return out
}

// personOf returns the person of the account whose messages under id,
// recorded by the account acc, count in their caps: id is one of the
// persons merged into them, in this call or before they left acc.
func (ps *pass) personOf(acc b2b.AccountID, id b2b.PersonID) b2b.PersonID {
	for p, ids := range ps.aliases {
		if slices.Contains(ids, id) {
			return p
		}
	}
	for i := range ps.st.Persons {
		pe := &ps.st.Persons[i]
		for _, l := range pe.Left {
			if l.Account == acc && slices.Contains(l.IDs, id) {
				return pe.Person.ID
			}
		}
	}
	return id
}

// unlockShared lets the passes of the other accounts of the pass's shared
// persons go on, once the pass has committed (or given up).
func (ps *pass) unlockShared() {
	if ps.locked != nil {
		ps.e.shared.unlock(ps.locked)
		ps.locked = nil
	}
}
