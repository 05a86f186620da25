package memory

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"sync"

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
	// outboxSeq is the last Seq given to an outbox entry: entries are
	// numbered apart from events, and never twice.
	outboxSeq int64
	// claimed is room for the entries a claim takes, empty between
	// claims.
	claimed []*store.OutboxEntry
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
	if id == "" {
		return store.Account{}, invalid(fmt.Sprintf("load of an account in tenant %q: account: is required", t))
	}
	td := s.tenant(t, false)
	if td == nil {
		return store.Account{}, notFound(t, id)
	}
	sh := s.shard(td, id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	a, ok := sh.accounts[id]
	if !ok {
		return store.Account{}, notFound(t, id)
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
		return 0, fmt.Errorf("commit of account %q in tenant %q: expected version %d, stored %d: %w",
			p.Account, p.Tenant, p.ExpectedVersion, version, store.ErrConflict)
	}
	next := store.Account{
		Tenant:    p.Tenant,
		ID:        p.Account,
		Version:   version + 1,
		State:     bytes.Clone(p.State),
		Value:     p.Value,
		DueAt:     p.DueAt,
		UpdatedAt: p.Now,
	}
	// An index is rarely changed, nor are the links: the stored ones are
	// kept when they are the same (nothing outside the store refers to
	// them).
	if exists && sameIndex(cur.Index, p.Index) {
		next.Index = cur.Index
	} else {
		next.Index = maps.Clone(p.Index)
	}
	if exists && slices.Equal(cur.Links, p.Links) {
		next.Links = cur.Links
	} else if len(p.Links) > 0 {
		next.Links = slices.Clone(p.Links)
	}
	// The outbox entries are copied before taking the tenant's log lock,
	// which every commit of the tenant shares.
	entries := prepare(p.Account, p.Outbox, p.Now)
	// In ID order, the order they are claimed in, so that the due queue
	// takes them as one run (sortDue). (Validate refused two with one ID.)
	slices.SortFunc(entries, func(a, b store.OutboxEntry) int { return strings.Compare(a.ID, b.ID) })
	td.logMu.Lock()
	err := td.commitLog(p, entries)
	compress = td.sealed()
	td.logMu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("commit of account %q in tenant %q: %w", p.Account, p.Tenant, err)
	}
	// The record is replaced in place: readers copy it under the shard's
	// lock.
	if exists {
		*cur = next
	} else {
		rec := new(store.Account)
		*rec = next
		sh.accounts[p.Account] = rec
	}
	return next.Version, nil
}

// sameIndex reports whether two indexes hold the same pairs and are both
// nil or both not.
func sameIndex(a, b map[string]string) bool {
	return (a == nil) == (b == nil) && maps.Equal(a, b)
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
func (td *tenant) commitLog(p *store.CommitParams, entries []store.OutboxEntry) error {
	// Check every redaction before changing anything.
	for _, r := range p.OutboxRedactions {
		var account b2b.AccountID
		var seq int64
		if e, ok := td.outbox[r.ID]; ok {
			account, seq = e.Account, e.Seq
		} else if e, ok := td.done.get(r.ID); ok {
			account, seq = e.Account, e.Seq // done since it was read: nothing to redact
		} else {
			return fmt.Errorf("outbox redaction of %q: no such entry (erased since it was read): %w", r.ID, store.ErrConflict)
		}
		if r.Seq != 0 && r.Seq != seq {
			return fmt.Errorf("outbox redaction of %q: entry %d was erased since it was read, the ID now names entry %d: %w", r.ID, r.Seq, seq, store.ErrConflict)
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
			wipe(e.Payload)
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
			return fmt.Errorf("redaction of event %d: erased since it was read: %w", r.Seq, store.ErrConflict)
		}
	}
	return nil
}

// logEvent gives e the next Seq and appends it to the log, without
// indexing its person (see indexed); callers hold logMu.
func (td *tenant) logEvent(e store.Event) {
	td.seq++
	e.Seq = td.seq
	td.events.append(&e)
}

// DueAccounts implements [store.Store].
func (s *Store) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
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
			d.Links = a.Links // copied below, for the accounts listed
			out = append(out, d)
		}
		sh.mu.RUnlock()
	}
	slices.SortFunc(out, store.AccountDue.Compare)
	if n := p.EffectiveLimit(); len(out) > n {
		clear(out[n:])
		out = out[:n]
	}
	for i := range out {
		out[i].Links = slices.Clone(out[i].Links)
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

func check(ctx context.Context, t store.Tenant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return store.CheckTenant(t)
}

// notFound is LoadAccount's error for an account the tenant does not
// hold. An engine loads every new account, and every account that
// activities name in vain: the message is formatted only when read.
func notFound(t store.Tenant, id b2b.AccountID) error {
	return &accountNotFound{t, id}
}

type accountNotFound struct {
	tenant store.Tenant
	id     b2b.AccountID
}

func (e *accountNotFound) Error() string {
	return fmt.Sprintf("account %q in tenant %q: %v", e.id, e.tenant, store.ErrNotFound)
}

func (e *accountNotFound) Unwrap() error { return store.ErrNotFound }

func invalid(msg string) error {
	return &invalidError{msg}
}

type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == store.ErrInvalid }

func copyAccount(a *store.Account) store.Account {
	c := *a
	c.State = bytes.Clone(a.State)
	c.Index = maps.Clone(a.Index)
	c.Links = slices.Clone(a.Links)
	return c
}
