package store

import (
	"errors"
	"fmt"

	"github.com/quorumhq/quorum/b2b"
)

// CheckTenant returns ErrInvalid for an empty tenant; adapters call it first.
func CheckTenant(t Tenant) error {
	if t == "" {
		return errors.Join(ErrInvalid, errors.New("tenant is required"))
	}
	return nil
}

// Validate checks a commit before an adapter applies it: tenant, account,
// version, that no link is empty, and that each event and outbox entry
// carries what it needs. It
// reports every problem at once, wrapped with ErrInvalid.
func (p *CommitParams) Validate() error {
	var ps b2b.Problems
	if p.Tenant == "" {
		ps.Addf("tenant", "is required")
	}
	if p.Account == "" {
		ps.Addf("account", "is required")
	}
	if p.ExpectedVersion < 0 {
		ps.Addf("expectedVersion", "must not be negative, got %d", p.ExpectedVersion)
	}
	if p.Now.IsZero() {
		ps.Addf("now", "is required")
	}
	// Paths are formatted only for a problem: commits are frequent and
	// almost always valid.
	for i, l := range p.Links {
		if l == "" {
			ps.Addf(fmt.Sprintf("links[%d]", i), "is required")
		}
	}
	for i, e := range p.Events {
		path := func() string { return fmt.Sprintf("events[%d]", i) }
		if e.Type == "" {
			ps.Addf(path()+".type", "is required")
		}
		if e.Time.IsZero() {
			ps.Addf(path()+".time", "is required")
		}
		if e.Account != "" && e.Account != p.Account {
			ps.Addf(path()+".account", "is %q, not the committed account %q", e.Account, p.Account)
		}
	}
	redacted := make(map[int64]bool, len(p.Redactions))
	for i, r := range p.Redactions {
		switch {
		case r.Seq <= 0:
			ps.Addf(fmt.Sprintf("redactions[%d].seq", i), "must be positive, got %d", r.Seq)
		case redacted[r.Seq]:
			ps.Addf(fmt.Sprintf("redactions[%d].seq", i), "%d appears twice in one commit", r.Seq)
		}
		redacted[r.Seq] = true
	}
	rewritten := make(map[string]bool, len(p.OutboxRedactions))
	for i, r := range p.OutboxRedactions {
		switch {
		case r.ID == "":
			ps.Addf(fmt.Sprintf("outboxRedactions[%d].id", i), "is required")
		case rewritten[r.ID]:
			ps.Addf(fmt.Sprintf("outboxRedactions[%d].id", i), "%q appears twice in one commit", r.ID)
		}
		if r.Seq < 0 {
			ps.Addf(fmt.Sprintf("outboxRedactions[%d].seq", i), "must not be negative, got %d", r.Seq)
		}
		rewritten[r.ID] = true
	}
	checkOutbox(&ps, p.Outbox, "outbox", "one commit")
	for i, o := range p.Outbox {
		if o.Account != "" && o.Account != p.Account {
			ps.Addf(fmt.Sprintf("outbox[%d].account", i), "is %q, not the committed account %q", o.Account, p.Account)
		}
	}
	// The subject's arguments escape into the error: passed for a valid
	// commit, they would cost an allocation on every commit.
	if ps.Len() == 0 {
		return nil
	}
	return errors.Join(ErrInvalid, ps.Err("commit of account %q in tenant %q", p.Account, p.Tenant))
}

// Validate checks the entries like a commit's; entries outside a commit
// may name any account.
func (p *EnqueueParams) Validate() error {
	var ps b2b.Problems
	if p.Tenant == "" {
		ps.Addf("tenant", "is required")
	}
	if p.Now.IsZero() {
		ps.Addf("now", "is required")
	}
	checkOutbox(&ps, p.Entries, "entries", "one enqueue")
	if ps.Len() == 0 {
		return nil
	}
	return errors.Join(ErrInvalid, ps.Err("enqueue of %d outbox entries in tenant %q", len(p.Entries), p.Tenant))
}

// checkOutbox adds the problems of outbox entries written together (in
// what: "one commit", "one enqueue") to ps, at the paths of field (the
// params' field that holds them: "outbox", "entries").
func checkOutbox(ps *b2b.Problems, entries []OutboxEntry, field, what string) {
	seen := make(map[string]bool, len(entries))
	for i, o := range entries {
		// Paths are formatted only for a problem: writes are frequent
		// and almost always valid.
		path := func() string { return fmt.Sprintf("%s[%d]", field, i) }
		switch {
		case o.ID == "":
			ps.Addf(path()+".id", "is required")
		case seen[o.ID]:
			ps.Addf(path()+".id", "%q appears twice in %s", o.ID, what)
		}
		seen[o.ID] = true
		if o.IdempotencyKey == "" {
			ps.Addf(path()+".idempotencyKey", "is required")
		}
		if o.Channel == "" {
			ps.Addf(path()+".channel", "is required")
		}
	}
}

// Validate checks a due-accounts query: the tenant, and the time Before
// (a zero time would select nothing, silently: the accounts due "before
// the year 1").
func (p *DueParams) Validate() error {
	var ps b2b.Problems
	if p.Tenant == "" {
		ps.Addf("tenant", "is required")
	}
	if p.Before.IsZero() {
		ps.Addf("before", "is required")
	}
	if ps.Len() == 0 {
		return nil
	}
	return errors.Join(ErrInvalid, ps.Err("due accounts query in tenant %q", p.Tenant))
}

// Validate checks a claim: the tenant, the time it claims at (a zero
// time would claim nothing, silently) and a positive lease.
func (p *ClaimParams) Validate() error {
	var ps b2b.Problems
	if p.Tenant == "" {
		ps.Addf("tenant", "is required")
	}
	if p.Now.IsZero() {
		ps.Addf("now", "is required")
	}
	if p.Lease <= 0 {
		ps.Addf("lease", "must be positive, got %v", p.Lease)
	}
	if ps.Len() == 0 {
		return nil
	}
	return errors.Join(ErrInvalid, ps.Err("claim of outbox entries in tenant %q", p.Tenant))
}

// Validate checks an acknowledgement.
func (p *AckParams) Validate() error {
	var ps b2b.Problems
	if p.Tenant == "" {
		ps.Addf("tenant", "is required")
	}
	if p.ID == "" {
		ps.Addf("id", "is required")
	}
	// No claim returns a negative attempt: one is the caller's mistake,
	// not a claim superseded (ErrConflict).
	if p.Attempt < 0 {
		ps.Addf("attempt", "must not be negative, got %d", p.Attempt)
	}
	if p.Seq < 0 {
		ps.Addf("seq", "must not be negative, got %d", p.Seq)
	}
	switch p.Status {
	case OutboxDelivered, OutboxFailed, OutboxSuppressed:
	case OutboxPending:
		if p.NextAttemptAt.IsZero() {
			ps.Addf("nextAttemptAt", "is required to retry")
		}
	default:
		ps.Addf("status", "must be delivered, failed, suppressed or pending, got %q", p.Status)
	}
	if p.Now.IsZero() {
		ps.Addf("now", "is required")
	}
	// The event goes to the log as a commit's do: one without a type or a
	// time is refused there, so here too.
	if e := p.Event; e != nil {
		if e.Type == "" {
			ps.Addf("event.type", "is required")
		}
		if e.Time.IsZero() {
			ps.Addf("event.time", "is required")
		}
	}
	if ps.Len() == 0 {
		return nil
	}
	return errors.Join(ErrInvalid, ps.Err("ack of outbox entry %q in tenant %q", p.ID, p.Tenant))
}
