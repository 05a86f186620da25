// Package memory is the embedded, in-memory [store.Store]: the default for
// simulations, tests, examples and single-process hosts that can afford to
// lose state on exit.
//
// It is safe for concurrent use. Accounts are spread over shards, each with
// its own lock, so commits to different accounts run in parallel; the event
// log and the outbox of a tenant share one lock, held briefly. Byte slices and
// index maps are copied in and out, so a caller may reuse its buffers.
//
// It keeps committed state values as they are ([store.ValueKeeper]): a
// committer that passes [store.CommitParams.Value] skips encoding its state,
// and gets the same value back from LoadAccount.
//
// The event log is kept by account, encoded, in blocks of about 8 KiB
// compressed with zstd (about 6.6x on the engine's events): reading one
// account's log decompresses only its own blocks, and an index of which
// account each Seq went to (4 bytes an event) reads the tenant's log in
// Seq order. A block is compressed after the commit, delivery or erasure
// that filled or rewrote it, outside the locks. Reading the tenant's log
// in pages decompresses a block of each account a page meets, so pages of
// a few thousand events read it faster than small ones.
//
// Final outbox entries (delivered, failed, suppressed: most of a busy
// outbox) are packed the same way, by account, without their payloads,
// with an index from a hash of each ID: enqueueing a known ID, or
// acknowledging one again, still finds its entry.
//
// Limits: everything lives in the process's memory, final outbox entries
// included (packed, as above), and the log grows without bound. Due-account
// and list queries scan the tenant's accounts, which is fine for up to a
// few hundred thousand accounts; a claim takes the due outbox entries from
// the front of a queue ordered by due time, however long the backlog. Use
// a SQL adapter for durability and for several processes.
package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

const shardCount = 64

// Store is the in-memory store. The zero value is not usable; call [New].
type Store struct {
	seed    maphash.Seed
	mu      sync.RWMutex
	tenants map[store.Tenant]*tenant
}

type tenant struct {
	shards [shardCount]shard

	logMu  sync.Mutex
	seq    int64
	events eventLog                      // the tenant's log, by account
	outbox map[string]*store.OutboxEntry // the live (pending and claimed) entries, by ID
	done   doneEntries                   // the final ones
	due    dueQueue                      // the live entries by due time
	// entries holds each account's live entries ("" for those enqueued
	// outside a commit), for PendingOutbox and ErasePerson.
	// By ID, so that an entry leaves its account's set in one step
	// however long the backlog.
	entries map[b2b.AccountID]map[string]*store.OutboxEntry
	// persons lists, for each person, the accounts ("" for entries
	// enqueued outside a commit) whose log or outbox holds something of
	// theirs: what PersonAccounts answers and ErasePerson visits.
	persons personIndex
}

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

type shard struct {
	mu       sync.RWMutex
	accounts map[b2b.AccountID]*store.Account
}

// New returns an empty store.
func New() *Store {
	return &Store{seed: maphash.MakeSeed(), tenants: map[store.Tenant]*tenant{}}
}

var (
	_ store.Store       = (*Store)(nil)
	_ store.ValueKeeper = (*Store)(nil)
)

// KeepsValues implements [store.ValueKeeper]: it always does.
func (s *Store) KeepsValues() bool { return true }

// tenant returns the tenant's data, creating it when create is set; nil when
// it does not exist and create is false.
func (s *Store) tenant(t store.Tenant, create bool) *tenant {
	s.mu.RLock()
	td := s.tenants[t]
	s.mu.RUnlock()
	if td != nil || !create {
		return td
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if td = s.tenants[t]; td == nil {
		td = &tenant{outbox: map[string]*store.OutboxEntry{},
			entries: map[b2b.AccountID]map[string]*store.OutboxEntry{}, done: doneEntries{hash: func(id string) uint64 { return maphash.String(s.seed, id) }}}
		for i := range td.shards {
			td.shards[i].accounts = map[b2b.AccountID]*store.Account{}
		}
		s.tenants[t] = td
	}
	return td
}

func (s *Store) shard(td *tenant, id b2b.AccountID) *shard {
	return &td.shards[maphash.String(s.seed, string(id))%shardCount]
}

// LoadAccount implements [store.Store].
func (s *Store) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	if err := check(ctx, t); err != nil {
		return store.Account{}, err
	}
	td := s.tenant(t, false)
	if td == nil {
		return store.Account{}, store.ErrNotFound
	}
	sh := s.shard(td, id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	a, ok := sh.accounts[id]
	if !ok {
		return store.Account{}, store.ErrNotFound
	}
	return copyAccount(a), nil
}

// Commit implements [store.Store].
func (s *Store) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := p.Validate(); err != nil {
		return 0, err
	}
	td := s.tenant(p.Tenant, true)
	compress := false
	defer func() {
		if compress {
			td.compress() // after the locks
		}
	}()
	sh := s.shard(td, p.Account)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	cur, exists := sh.accounts[p.Account]
	var version int64
	if exists {
		version = cur.Version
	}
	if version != p.ExpectedVersion {
		return 0, store.ErrConflict
	}
	next := &store.Account{
		Tenant:    p.Tenant,
		ID:        p.Account,
		Version:   version + 1,
		State:     bytes.Clone(p.State),
		Value:     p.Value,
		DueAt:     p.DueAt,
		Index:     maps.Clone(p.Index),
		UpdatedAt: p.Now,
	}
	// The outbox entries are copied before taking the tenant's log lock,
	// which every commit of the tenant shares.
	entries := prepare(p.Account, p.Outbox, p.Now)
	// In ID order, the order they are claimed in, so that the due queue
	// takes them as one run (sortDue). (Validate refused two with one ID.)
	slices.SortFunc(entries, func(a, b *store.OutboxEntry) int { return strings.Compare(a.ID, b.ID) })
	td.logMu.Lock()
	err := td.commitLog(p, entries)
	compress = td.sealed()
	td.logMu.Unlock()
	if err != nil {
		return 0, err
	}
	sh.accounts[p.Account] = next
	return next.Version, nil
}

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

// compress compresses the blocks of the event log and of the done
// entries sealed or rewritten since it last ran. It runs after the commit,
// delivery or erasure that sealed one, outside the locks (the log's is
// taken by every commit and delivery of the tenant); until then, readers
// read a block as it was encoded.
func (td *tenant) compress() {
	td.logMu.Lock()
	events, done := td.events.takePending(), td.done.log.takePending()
	td.logMu.Unlock()
	if len(events)+len(done) == 0 {
		return
	}
	events, done = compressAll(events), compressAll(done)
	td.logMu.Lock()
	td.events.install(events)
	td.done.log.install(done)
	td.logMu.Unlock()
}

// sealed reports whether a block of the event log or of the final entries
// waits to be compressed; callers hold logMu.
func (td *tenant) sealed() bool {
	return len(td.events.pending)+len(td.done.log.pending) > 0
}

// commitLog applies a commit's part of the tenant's log and outbox: its
// redactions, entries and events, all or none; callers hold logMu.
func (td *tenant) commitLog(p *store.CommitParams, entries []*store.OutboxEntry) error {
	// Check every redaction before changing anything.
	for _, r := range p.OutboxRedactions {
		var account b2b.AccountID
		if e, ok := td.outbox[r.ID]; ok {
			account = e.Account
		} else if e, ok := td.done.get(r.ID); ok {
			account = e.Account // done since it was read: nothing to redact
		} else {
			return store.ErrConflict // erased since it was read
		}
		if account != p.Account {
			return invalid(fmt.Sprintf("outbox redaction of %q: an entry of account %q, not %q", r.ID, account, p.Account))
		}
	}
	if err := td.checkRedactions(p.Account, p.Redactions); err != nil {
		return err
	}
	if len(p.Redactions) > 0 {
		data := make(map[int64][]byte, len(p.Redactions))
		for _, r := range p.Redactions {
			data[r.Seq] = bytes.Clone(r.Data)
		}
		td.events.edit(p.Account, data, nil)
	}
	for _, r := range p.OutboxRedactions {
		if e, ok := td.outbox[r.ID]; ok {
			e.Payload = bytes.Clone(r.Payload)
		}
	}
	var seen indexed
	td.enqueue(entries, &seen)
	for _, e := range p.Events {
		e.Account = p.Account
		td.logEvent(e) // the log keeps its own encoding
		seen.touch(td, e.Person, e.Account)
	}
	return nil
}

// checkRedactions checks that each redaction names an event of the
// account's log.
func (td *tenant) checkRedactions(account b2b.AccountID, rs []store.Redaction) error {
	for _, r := range rs {
		idx, ok := td.events.owner(r.Seq)
		switch {
		case ok && td.events.logs[idx].id == account:
		case ok:
			return invalid(fmt.Sprintf("redaction of event %d: an event of another account than %q", r.Seq, account))
		case r.Seq > td.seq:
			return invalid(fmt.Sprintf("redaction of event %d: no such event yet", r.Seq))
		default:
			return store.ErrConflict // erased since it was read
		}
	}
	return nil
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

// logEvent gives e the next Seq and appends it to the log, without
// indexing its person (see indexed); callers hold logMu.
func (td *tenant) logEvent(e store.Event) {
	td.seq++
	e.Seq = td.seq
	td.events.append(&e)
}

// prepare copies outbox entries as the store keeps them: pending, with
// their own payloads, stamped with the account (when committed with one),
// and nothing of a delivery (attempts, lease, error, receipt) the
// caller's entries may carry.
func prepare(account b2b.AccountID, entries []store.OutboxEntry, now time.Time) []*store.OutboxEntry {
	out := make([]*store.OutboxEntry, len(entries))
	for i, o := range entries {
		if account != "" {
			o.Account = account
		}
		o.Payload = bytes.Clone(o.Payload)
		o.Status = store.OutboxPending
		o.Attempts = 0
		o.ClaimedUntil = time.Time{}
		o.LastError = ""
		o.Receipt = nil
		if o.NextAttemptAt.IsZero() {
			o.NextAttemptAt = now
		}
		o.CreatedAt, o.UpdatedAt = now, now
		out[i] = &o
	}
	return out
}

// enqueue adds prepared entries whose IDs are new, indexing their persons
// through seen; callers hold logMu.
func (td *tenant) enqueue(entries []*store.OutboxEntry, seen *indexed) {
	for _, e := range entries {
		if _, dup := td.outbox[e.ID]; dup {
			continue
		}
		if _, done := td.done.get(e.ID); done {
			continue
		}
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

// DueAccounts implements [store.Store].
func (s *Store) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	if err := check(ctx, p.Tenant); err != nil {
		return nil, err
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return nil, nil
	}
	var out []store.AccountDue
	for i := range td.shards {
		sh := &td.shards[i]
		sh.mu.RLock()
		for id, a := range sh.accounts {
			if a.DueAt.IsZero() || a.DueAt.After(p.Before) {
				continue
			}
			d := store.AccountDue{ID: id, DueAt: a.DueAt}
			if p.After != nil && d.Compare(*p.After) <= 0 {
				continue
			}
			out = append(out, d)
		}
		sh.mu.RUnlock()
	}
	slices.SortFunc(out, store.AccountDue.Compare)
	if n := p.EffectiveLimit(); len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// ListAccounts implements [store.Store].
func (s *Store) ListAccounts(ctx context.Context, p *store.ListParams) ([]b2b.AccountID, error) {
	if err := check(ctx, p.Tenant); err != nil {
		return nil, err
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return nil, nil
	}
	var out []b2b.AccountID
	for i := range td.shards {
		sh := &td.shards[i]
		sh.mu.RLock()
		for id, a := range sh.accounts {
			if v, ok := a.Index[p.Key]; ok && v == p.Value && id > p.After {
				out = append(out, id)
			}
		}
		sh.mu.RUnlock()
	}
	slices.Sort(out)
	if n := p.EffectiveLimit(); len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// Events implements [store.Store].
func (s *Store) Events(ctx context.Context, p *store.EventsParams) ([]store.Event, error) {
	if err := check(ctx, p.Tenant); err != nil {
		return nil, err
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return nil, nil
	}
	td.logMu.Lock()
	defer td.logMu.Unlock()
	if p.Account != "" {
		return td.events.account(p.Account, p.AfterSeq, p.EffectiveLimit()), nil
	}
	return td.events.all(p.AfterSeq, p.EffectiveLimit()), nil
}

// ClaimOutbox implements [store.Store].
func (s *Store) ClaimOutbox(ctx context.Context, p *store.ClaimParams) ([]store.OutboxEntry, error) {
	if err := check(ctx, p.Tenant); err != nil {
		return nil, err
	}
	if p.Lease <= 0 {
		return nil, invalid("lease must be positive")
	}
	td := s.tenant(p.Tenant, false)
	if td == nil {
		return nil, nil
	}
	td.logMu.Lock()
	defer td.logMu.Unlock()
	due := td.claimDue(p.Now, p.Lease, p.EffectiveLimit())
	out := make([]store.OutboxEntry, len(due))
	for i, e := range due {
		out[i] = copyEntry(e)
	}
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
		return store.ErrNotFound
	}
	td.logMu.Lock()
	sealed, err := td.ack(p)
	td.logMu.Unlock()
	if sealed {
		td.compress()
	}
	return err
}

// ack records a delivery attempt and reports whether a block now waits
// to be compressed (its event's, or the done entries'); callers hold
// logMu.
func (td *tenant) ack(p *store.AckParams) (sealed bool, _ error) {
	e, ok := td.outbox[p.ID]
	if !ok {
		if _, done := td.done.get(p.ID); done {
			return false, store.ErrConflict
		}
		return false, store.ErrNotFound
	}
	if e.Status != store.OutboxClaimed || p.Attempt != 0 && p.Attempt != e.Attempts {
		return false, store.ErrConflict
	}
	e.Status = p.Status
	if p.Receipt != nil {
		e.Receipt = bytes.Clone(p.Receipt)
	}
	e.LastError = p.Error
	e.UpdatedAt = p.Now
	e.ClaimedUntil = time.Time{}
	if p.Status == store.OutboxPending {
		e.NextAttemptAt = p.NextAttemptAt
		td.push(e)
	} else {
		// A final entry is never claimed again: its payload (the
		// message) is dropped, the rest goes to the packed final
		// entries, so that enqueueing the ID again still keeps it.
		e.Payload = nil
		td.forget(e)
		td.done.add(e)
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
	return td.sealed(), nil
}

// PendingOutbox implements [store.Store]. It looks at the account's
// entries only.
func (s *Store) PendingOutbox(ctx context.Context, t store.Tenant, account b2b.AccountID) ([]store.OutboxEntry, error) {
	if err := check(ctx, t); err != nil {
		return nil, err
	}
	if account == "" {
		return nil, invalid("account is required")
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

// PersonAccounts implements [store.Store].
func (s *Store) PersonAccounts(ctx context.Context, t store.Tenant, person b2b.PersonID) ([]b2b.AccountID, error) {
	if err := check(ctx, t); err != nil {
		return nil, err
	}
	if person == "" {
		return nil, invalid("person is required")
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
		return rep, invalid("person is required")
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
			// reaches the front: keep nothing of the person there.
			e.Payload, e.Receipt, e.LastError = nil, nil, ""
			td.forget(e)
			rep.Outbox++
		}
		rep.Outbox += td.done.erase(a, person)
	}
	td.persons.remove(person)
	return rep, nil
}

func check(ctx context.Context, t store.Tenant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return store.CheckTenant(t)
}

func invalid(msg string) error {
	return &invalidError{msg}
}

type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == store.ErrInvalid }

// copyEntry returns a live entry with its own payload and receipt.
func copyEntry(e *store.OutboxEntry) store.OutboxEntry {
	c := *e
	c.Payload = bytes.Clone(e.Payload)
	c.Receipt = bytes.Clone(e.Receipt)
	return c
}

func copyAccount(a *store.Account) store.Account {
	c := *a
	c.State = bytes.Clone(a.State)
	c.Index = maps.Clone(a.Index)
	return c
}
