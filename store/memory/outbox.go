package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// forget removes a live entry from the outbox and its account's set;
// callers hold logMu.
func (td *tenant) forget(e *store.OutboxEntry) {
	delete(td.outbox, e.ID)
	if set := td.entries[e.Account]; len(set) > 1 {
		delete(set, e.ID)
	} else {
		delete(td.entries, e.Account) // no empty set per account
	}
}

// prepare copies outbox entries as the store keeps them: pending, with
// their own payloads, stamped with the account (when committed with one),
// and nothing of a delivery (attempts, lease, error, receipt) the
// caller's entries may carry. enqueue numbers those it keeps.
//
// The copies share one allocation, and their payloads another (each with
// no room past its end): the entries of a call are claimed together, and
// an entry that leaves the outbox before the others (erased, redacted)
// wipes its payload (see wipe).
func prepare(account b2b.AccountID, entries []store.OutboxEntry, now time.Time) []store.OutboxEntry {
	n := 0
	for i := range entries {
		n += len(entries[i].Payload)
	}
	payloads := make(payloadRoom, 0, n)
	out := slices.Clone(entries)
	for i := range out {
		o := &out[i]
		if account != "" {
			o.Account = account
		}
		o.Payload = payloads.copy(o.Payload)
		o.Status = store.OutboxPending
		o.Attempts = 0
		o.ClaimedUntil = time.Time{}
		o.LastError = ""
		o.Receipt = nil
		if o.NextAttemptAt.IsZero() {
			o.NextAttemptAt = now
		}
		o.CreatedAt, o.UpdatedAt = now, now
	}
	return out
}

// payloadRoom is one allocation for the payloads of several entries.
type payloadRoom []byte

// copy returns a copy of p in the room, with no room past its end (so
// that appending to one payload leaves the next as it is); nil stays nil.
func (r *payloadRoom) copy(p []byte) []byte {
	if p == nil {
		return nil
	}
	from := len(*r)
	*r = append(*r, p...)
	return (*r)[from:len(*r):len(*r)]
}

// wipe clears the bytes of a payload the store no longer keeps (of an
// entry erased, redacted, final, or not kept as a duplicate), which may
// share its allocation with other entries' (see prepare).
func wipe(payload []byte) {
	clear(payload)
}

// enqueue adds prepared entries whose IDs are new, each with a Seq of its
// own, indexing their persons through seen; callers hold logMu.
func (td *tenant) enqueue(entries []store.OutboxEntry, seen *indexed) {
	for i := range entries {
		e := &entries[i]
		_, live := td.outbox[e.ID]
		if _, done := td.done.get(e.ID); live || done {
			wipe(e.Payload) // not kept: the kept entries' keep its room
			continue
		}
		td.outboxSeq++
		e.Seq = td.outboxSeq
		td.outbox[e.ID] = e
		if td.entries[e.Account] == nil {
			td.entries[e.Account] = map[string]*store.OutboxEntry{}
		}
		td.entries[e.Account][e.ID] = e
		td.push(e)
		seen.touch(td, e.Person, e.Account)
	}
}

// Enqueue implements [store.Store].
func (s *Store) Enqueue(ctx context.Context, p *store.EnqueueParams) ([]store.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	td := s.tenant(p.Tenant, true)
	td.logMu.Lock()
	defer td.logMu.Unlock()
	var seen indexed
	td.enqueue(prepare("", p.Entries, p.Now), &seen)
	out := make([]store.OutboxEntry, len(p.Entries))
	for i, e := range p.Entries {
		if live, ok := td.outbox[e.ID]; ok {
			out[i] = copyEntry(live)
		} else {
			out[i], _ = td.done.get(e.ID) // a copy of its own
		}
	}
	return out, nil
}

// ClaimOutbox implements [store.Store].
func (s *Store) ClaimOutbox(ctx context.Context, p *store.ClaimParams) ([]store.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return nil, nil
	}
	td.logMu.Lock()
	defer td.logMu.Unlock()
	td.claimed = td.claimDue(td.claimed[:0], p.Now, p.Lease, p.EffectiveLimit())
	out := copyEntries(td.claimed)
	clear(td.claimed) // keep no entry past the claim
	return out, nil
}

func dueTime(e *store.OutboxEntry) time.Time {
	if e.Status == store.OutboxClaimed {
		return e.ClaimedUntil
	}
	return e.NextAttemptAt
}

// AckOutbox implements [store.Store].
func (s *Store) AckOutbox(ctx context.Context, p *store.AckParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return fmt.Errorf("ack of outbox entry %q in tenant %q: %w", p.ID, p.Tenant, store.ErrNotFound)
	}
	td.logMu.Lock()
	sealed, err := td.ack(p)
	td.logMu.Unlock()
	if sealed {
		td.compress()
	}
	if err != nil {
		return fmt.Errorf("ack of outbox entry %q in tenant %q: %w", p.ID, p.Tenant, err)
	}
	return nil
}

// ack records a delivery attempt and reports whether a block now waits
// to be compressed (its event's, or the done entries'); callers hold
// logMu.
func (td *tenant) ack(p *store.AckParams) (sealed bool, _ error) {
	e, ok := td.outbox[p.ID]
	if !ok {
		final, done := td.done.get(p.ID)
		switch {
		case done && p.Seq != 0 && p.Seq != final.Seq:
			return false, erasedSince(p.Seq, final.Seq)
		case done:
			return false, fmt.Errorf("the entry is %s already: %w", final.Status, store.ErrConflict)
		}
		return false, store.ErrNotFound
	}
	switch {
	case p.Seq != 0 && p.Seq != e.Seq:
		return false, erasedSince(p.Seq, e.Seq)
	case e.Status != store.OutboxClaimed:
		return false, fmt.Errorf("the entry is %s, not claimed: %w", e.Status, store.ErrConflict)
	case p.Attempt != 0 && p.Attempt != e.Attempts:
		return false, fmt.Errorf("the claim of attempt %d was superseded by attempt %d: %w", p.Attempt, e.Attempts, store.ErrConflict)
	}
	// The error and the receipt are the last ack's, none when it had
	// none: a retry's receipt is not the final entry's.
	e.Status = p.Status
	e.LastError = p.Error
	e.UpdatedAt = p.Now
	e.ClaimedUntil = time.Time{}
	if p.Status == store.OutboxPending {
		e.Receipt = bytes.Clone(p.Receipt)
		e.NextAttemptAt = p.NextAttemptAt
		td.push(e)
	} else {
		// A final entry is never claimed again: its payload (the
		// message) is dropped, the rest goes to the packed final
		// entries, so that enqueueing the ID again still keeps it.
		// They copy the receipt: the entry keeps none.
		e.Receipt = p.Receipt
		wipe(e.Payload) // the entries committed with it keep its room
		e.Payload = nil
		td.forget(e)
		td.done.add(e)
		e.Receipt, e.LastError = nil, ""
	}
	if p.Event != nil {
		ev := *p.Event
		ev.Account = e.Account
		if ev.Person == "" {
			ev.Person = e.Person
		}
		td.logEvent(ev)
		// The entry's person is indexed in its account since it was
		// enqueued: erasing them would have removed the entry.
		if ev.Person != e.Person {
			td.persons.add(ev.Person, ev.Account)
		}
	}
	if p.Status.Final() {
		// The packed final entries hold it now, where an erasure finds
		// it; the entry may stay in memory (the due queue drops its
		// items lazily, and the entries committed with it keep its
		// allocation): it keeps nothing of the person there but what
		// orders the queue (its ID, account and creation).
		e.Person, e.IdempotencyKey, e.Channel = "", "", ""
	}
	return td.sealed(), nil
}

// erasedSince is the error of an ack of entry seq, erased since its
// claim, whose ID names entry now.
func erasedSince(seq, now int64) error {
	return fmt.Errorf("entry %d was erased, the ID now names entry %d: %w", seq, now, store.ErrNotFound)
}

// PendingOutbox implements [store.Store]. It looks at the account's
// entries only.
func (s *Store) PendingOutbox(ctx context.Context, t store.Tenant, account b2b.AccountID) ([]store.OutboxEntry, error) {
	if err := check(ctx, t); err != nil {
		return nil, err
	}
	if account == "" {
		return nil, invalid(fmt.Sprintf("pending outbox in tenant %q: account: is required", t))
	}
	td := s.tenant(t, false)
	if td == nil {
		return nil, nil
	}
	td.logMu.Lock()
	defer td.logMu.Unlock()
	var out []store.OutboxEntry
	for _, e := range td.entries[account] {
		out = append(out, copyEntry(e))
	}
	slices.SortFunc(out, func(a, b store.OutboxEntry) int {
		return cmp.Or(dueTime(&a).Compare(dueTime(&b)), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// copyEntries returns copies of live entries, as copyEntry does, but
// their payloads in one allocation, each with no room past its end (so
// that appending to one does not write into the next).
func copyEntries(es []*store.OutboxEntry) []store.OutboxEntry {
	n := 0
	for _, e := range es {
		n += len(e.Payload)
	}
	payloads := make(payloadRoom, 0, n)
	out := make([]store.OutboxEntry, len(es))
	for i, e := range es {
		out[i] = *e
		out[i].Payload = payloads.copy(e.Payload)
		out[i].Receipt = bytes.Clone(e.Receipt)
	}
	return out
}

// copyEntry returns a live entry with its own payload and receipt.
func copyEntry(e *store.OutboxEntry) store.OutboxEntry {
	c := *e
	c.Payload = bytes.Clone(e.Payload)
	c.Receipt = bytes.Clone(e.Receipt)
	return c
}
