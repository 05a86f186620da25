package channel

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Outbox stores messages until they are delivered. A journey step writes its
// messages into the outbox in the same commit as its new position; the
// Dispatcher delivers them. The engine's store implements this interface;
// MemoryOutbox is the in-memory one.
//
// Idempotency: Enqueue stores one entry per Message.Key; enqueuing a key
// again returns the existing entry unchanged (whatever its status), so a step
// that is replayed never queues a message twice. Within one call too: a key
// given twice is stored once, with its first message, and both get its entry.
//
// Concurrency: implementations are safe for concurrent use, and several
// dispatchers may share an outbox. Claim hands an entry to one claimer at a
// time: it moves due entries to StatusSending under a lease and increments
// Attempts, which is the claim's fencing token, with the entry's Seq
// where the outbox sets one (an outbox that may give an erased entry's ID
// to a new entry, whose Attempts count from zero again). Record succeeds
// only for the entry's current claim (same Seq, same Attempts, still
// sending); otherwise it returns ErrLeaseLost, or ErrNotFound for an
// entry the ID no longer names, and changes nothing. An entry whose lease expires without a
// Record (its dispatcher crashed) becomes claimable again.
type Outbox interface {
	// Enqueue adds messages at time now, due at once. It validates every
	// message first and adds none if any is invalid. It returns the entry
	// of each message, in order.
	Enqueue(ctx context.Context, now time.Time, msgs ...Message) ([]Entry, error)
	// Claim returns up to p.Limit entries that are due at p.Now (pending
	// with NextAttempt <= Now, or sending with an expired lease), oldest
	// due first, each moved to StatusSending with LeaseUntil = Now+Lease
	// and Attempts incremented. Fewer than p.Limit entries means that
	// nothing more is due (the Dispatcher stops there): an outbox that
	// withholds some of the entries it claimed claims more in their place.
	Claim(ctx context.Context, p ClaimParams) ([]Entry, error)
	// Record stores the outcome of a claim (see RecordParams). An
	// outcome that is no outcome (a status other than those RecordParams
	// lists, a retry without its time) is refused with an error matching
	// b2b.ErrInvalid.
	Record(ctx context.Context, p RecordParams) error
}

// ClaimParams are the arguments of Outbox.Claim.
type ClaimParams struct {
	Now   time.Time
	Limit int           // > 0
	Lease time.Duration // > 0: how long the claimer may take to Record
}

// RecordParams are the arguments of Outbox.Record: the outcome of the claim
// whose fencing token is Seq and Attempt.
type RecordParams struct {
	ID string
	// Seq is the entry's Seq as Claim returned it: which entry of that ID
	// the claim was (0 for an outbox that sets none).
	Seq     int64
	Attempt int // the entry's Attempts as returned by Claim
	Now     time.Time
	// Status is StatusDelivered (with Receipt), StatusFailed or
	// StatusSuppressed (with Error), or StatusPending to retry at
	// NextAttempt (with Error).
	Status      Status
	Receipt     Receipt
	Error       string
	NextAttempt time.Time
}

func (p *RecordParams) validate() error {
	switch p.Status {
	case StatusDelivered, StatusFailed, StatusSuppressed:
	case StatusPending:
		if p.NextAttempt.IsZero() {
			return fmt.Errorf("record %s: a retry needs a next attempt time: %w", p.ID, b2b.ErrInvalid)
		}
	default:
		return fmt.Errorf("record %s: cannot record status %q: %w", p.ID, p.Status, b2b.ErrInvalid)
	}
	return nil
}

// MemoryOutbox is an Outbox in memory, for tests, simulations and a single
// process that accepts losing unsent messages when it stops. The zero value
// is not usable; call NewMemoryOutbox. It is safe for concurrent use. Claim
// scans the live (pending or sending) entries, so it costs O(live entries).
type MemoryOutbox struct {
	mu      sync.Mutex
	seq     int
	entries map[string]*Entry
	byKey   map[string]string   // key -> id
	live    map[string]struct{} // ids of pending and sending entries
}

var _ Outbox = (*MemoryOutbox)(nil)

// NewMemoryOutbox returns an empty in-memory outbox.
func NewMemoryOutbox() *MemoryOutbox {
	return &MemoryOutbox{entries: map[string]*Entry{}, byKey: map[string]string{}, live: map[string]struct{}{}}
}

// Enqueue implements Outbox.
func (o *MemoryOutbox) Enqueue(ctx context.Context, now time.Time, msgs ...Message) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range msgs {
		if err := msgs[i].Validate(); err != nil {
			return nil, fmt.Errorf("enqueue message %d: %w", i, err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Entry, len(msgs))
	for i, m := range msgs {
		if id, ok := o.byKey[m.Key]; ok {
			out[i] = cloneEntry(o.entries[id])
			continue
		}
		o.seq++
		e := &Entry{
			ID: fmt.Sprintf("ob-%06d", o.seq), Message: cloneMessage(m), Status: StatusPending,
			NextAttempt: now, CreatedAt: now, UpdatedAt: now,
		}
		o.entries[e.ID] = e
		o.byKey[m.Key] = e.ID
		o.live[e.ID] = struct{}{}
		out[i] = cloneEntry(e)
	}
	return out, nil
}

// Claim implements Outbox; entries due at the same time are claimed in the
// order they were enqueued.
func (o *MemoryOutbox) Claim(ctx context.Context, p ClaimParams) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.Limit <= 0 || p.Lease <= 0 {
		return nil, fmt.Errorf("claim: limit (%d) and lease (%s) must be positive", p.Limit, p.Lease)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []*Entry
	for id := range o.live {
		e := o.entries[id]
		if dueAt(e).Compare(p.Now) <= 0 {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, b *Entry) int {
		return cmp.Or(dueAt(a).Compare(dueAt(b)), compareIDs(a.ID, b.ID))
	})
	if len(due) > p.Limit {
		due = due[:p.Limit]
	}
	out := make([]Entry, len(due))
	for i, e := range due {
		e.Status = StatusSending
		e.Attempts++
		e.LeaseUntil = p.Now.Add(p.Lease)
		e.UpdatedAt = p.Now
		out[i] = cloneEntry(e)
	}
	return out, nil
}

func dueAt(e *Entry) time.Time {
	if e.Status == StatusSending {
		return e.LeaseUntil
	}
	return e.NextAttempt
}

// Record implements Outbox.
func (o *MemoryOutbox) Record(ctx context.Context, p RecordParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.validate(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[p.ID]
	if !ok {
		return fmt.Errorf("record %s: %w", p.ID, ErrNotFound)
	}
	if e.Status != StatusSending || e.Attempts != p.Attempt || e.Seq != p.Seq {
		// The Seq too, as Outbox says: MemoryOutbox leaves it 0, and a
		// claim that says otherwise is not this entry's.
		return fmt.Errorf("record %s seq %d attempt %d (entry is %s at seq %d, attempt %d): %w", p.ID, p.Seq, p.Attempt, e.Status, e.Seq, e.Attempts, ErrLeaseLost)
	}
	e.Status, e.UpdatedAt, e.LeaseUntil = p.Status, p.Now, time.Time{}
	switch p.Status {
	case StatusDelivered:
		e.Receipt = p.Receipt
		delete(o.live, e.ID)
	case StatusPending:
		e.LastError, e.NextAttempt = p.Error, p.NextAttempt
	default:
		e.LastError = p.Error
		delete(o.live, e.ID)
	}
	return nil
}

// Get returns the entry with the given ID.
func (o *MemoryOutbox) Get(id string) (Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[id]
	if !ok {
		return Entry{}, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	return cloneEntry(e), nil
}

// Entries returns a copy of every entry, by ID (in the order they were
// enqueued).
func (o *MemoryOutbox) Entries() []Entry {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Entry, 0, len(o.entries))
	for _, e := range o.entries {
		out = append(out, cloneEntry(e))
	}
	slices.SortFunc(out, func(a, b Entry) int { return compareIDs(a.ID, b.ID) })
	return out
}

// compareIDs orders the IDs "ob-000001", ... "ob-999999", "ob-1000000" as
// their numbers: in the order the entries were enqueued.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
}

// Delete removes entries by ID (for erasure); it returns how many existed.
// A deleted key may be enqueued again.
func (o *MemoryOutbox) Delete(ids ...string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, id := range ids {
		e, ok := o.entries[id]
		if !ok {
			continue
		}
		delete(o.byKey, e.Message.Key)
		delete(o.live, id)
		delete(o.entries, id)
		n++
	}
	return n
}

func cloneEntry(e *Entry) Entry {
	c := *e
	c.Message = cloneMessage(e.Message)
	return c
}

func cloneMessage(m Message) Message {
	if m.Tags != nil {
		t := make(map[string]string, len(m.Tags))
		for k, v := range m.Tags {
			t[k] = v
		}
		m.Tags = t
	}
	return m
}
