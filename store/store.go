package store

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Sentinel errors. Adapters translate their drivers' errors into these,
// and say in the message which tenant and which account, entry or event
// an error concerns: callers match the sentinel with [errors.Is].
var (
	// ErrNotFound: the account, entry or record does not exist (in this tenant).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the stored state is not the one the request was
	// computed from, and the caller reads again: a commit's expected
	// version is not the account's (or it redacts an event or entry
	// erased since it was read), an ack's entry is not claimed, or no
	// longer by the ack's claim. (An ack of an entry erased since its
	// claim is ErrNotFound, whether or not its ID names a new entry
	// since; see [AckParams.Seq].)
	ErrConflict = errors.New("version conflict")
	// ErrInvalid: the params are malformed (empty tenant, missing ID, ...).
	ErrInvalid = errors.New("invalid store request")
)

// Tenant scopes all data; "" is not a tenant.
type Tenant string

// Account is an account's persisted state.
type Account struct {
	Tenant Tenant
	ID     b2b.AccountID
	// Version increases by one with each commit; 1 after the first.
	Version int64
	// State is the engine's encoding of the account's state; the store
	// never reads it.
	State []byte
	// Value is the state as the committer's own Go value, returned by a
	// store that keeps values (see [ValueKeeper]) when the commit carried
	// one. It is shared, not copied: nobody may modify it.
	Value any
	// DueAt is when the account next needs time to pass (a journey wait
	// ending); zero when nothing is due.
	DueAt time.Time
	// Links are the other accounts the committer ties this one to, as
	// the last commit passed them (see [CommitParams.Links]).
	Links []b2b.AccountID
	// Index holds the few values queries select accounts by (for example
	// "stage/data-platform" = "Sales Ready"); the engine maintains them.
	Index map[string]string
	// UpdatedAt is the Now of the last commit.
	UpdatedAt time.Time
}

// Event is one entry of an account's event log: what happened and why.
type Event struct {
	// Seq is assigned by the store at commit (or at an ack, for the
	// ack's event), whatever the caller's event carries: increasing
	// within a tenant, in commit order, and never issued twice, not even
	// once its event is erased (a reader that read up to it reads what
	// comes after).
	Seq     int64
	Account b2b.AccountID
	// Person is the person the event concerns, if any (erasure removes
	// the person's events).
	Person b2b.PersonID
	Time   time.Time
	Type   string
	// Data is the event's JSON encoding.
	Data []byte
}

// OutboxStatus is where an outbox entry stands.
type OutboxStatus string

// Outbox statuses. Pending entries are due at NextAttemptAt; a claimed entry
// is being delivered until its lease ends.
const (
	OutboxPending   OutboxStatus = "pending"
	OutboxClaimed   OutboxStatus = "claimed"
	OutboxDelivered OutboxStatus = "delivered"
	OutboxFailed    OutboxStatus = "failed"
	// OutboxSuppressed: not sent on purpose (consent withdrawn before
	// delivery, say); LastError says why.
	OutboxSuppressed OutboxStatus = "suppressed"
)

// Final reports whether an entry in this status is never claimed again.
func (s OutboxStatus) Final() bool {
	return s == OutboxDelivered || s == OutboxFailed || s == OutboxSuppressed
}

// OutboxEntry is a message waiting to be delivered, or its record once
// delivered or failed.
//
// A commit or an enqueue stores a new entry pending, due at its
// NextAttemptAt (the params' Now when zero), created and updated at Now,
// with a Seq of its own and no attempt, lease, error or receipt, whatever
// of these the entry passed carries.
type OutboxEntry struct {
	// ID is unique within a tenant; committing an entry whose ID exists
	// keeps the existing one (a retried commit cannot enqueue twice),
	// final or not. An erased entry is forgotten whole, its ID included
	// (see [Store.ErasePerson]): committing or enqueueing the ID again
	// stores a new entry, with another Seq.
	ID string
	// Seq tells the entries of one ID apart: the store assigns it when
	// it stores the entry (at a commit or an enqueue), whatever the
	// caller's entry carries; positive, unique within the tenant and
	// never issued twice, not even once its entry is erased, and kept by
	// the entry for good (claims and acks do not change it). It is not
	// an order, and is numbered apart from the events' Seqs (a SQL
	// adapter draws it from an identity column or a sequence shared by
	// all tenants). An ack ([AckParams.Seq]) and a redaction
	// ([OutboxRedaction.Seq]) that pass it reach this entry or none,
	// never a new entry of an erased entry's ID.
	Seq     int64
	Account b2b.AccountID
	Person  b2b.PersonID // the recipient, if a person
	// IdempotencyKey goes to the sender with every delivery attempt.
	IdempotencyKey string
	Channel        string
	// Payload is the message's JSON encoding. A store may drop the
	// payload of a final entry (delivered, failed, suppressed), which is
	// never claimed again.
	Payload []byte
	Status  OutboxStatus
	// Attempts counts the entry's claims.
	Attempts      int
	NextAttemptAt time.Time
	// ClaimedUntil is the end of the current lease of a claimed entry;
	// zero for an entry in any other status.
	ClaimedUntil time.Time
	// LastError is the Error of the last ack (empty if it had none); a
	// claim keeps it.
	LastError string
	// Receipt is the sender's receipt (JSON) once delivered: like
	// LastError, the Receipt of the last ack (none if it had none, so
	// that a retry's receipt is not a failed entry's); a claim keeps it.
	Receipt   []byte
	CreatedAt time.Time
	// UpdatedAt is the Now of the entry's last change: its creation, its
	// last claim or ack.
	UpdatedAt time.Time
}

// CommitParams is one account's atomic change.
type CommitParams struct {
	Tenant  Tenant
	Account b2b.AccountID
	// ExpectedVersion is the version the change was computed from: 0 for
	// an account not stored yet.
	ExpectedVersion int64
	State           []byte
	// Value is the state as a Go value, for a store that keeps values (see
	// [ValueKeeper]); State may then be empty. Other stores ignore it. The
	// committer must not modify Value once it is committed.
	Value any
	DueAt time.Time
	// Links are the other accounts the committer ties this account to,
	// which the store keeps beside DueAt and returns with it
	// ([AccountDue.Links]), so that whoever lists the accounts due knows
	// which of them go together without reading their states: for the
	// engine, the accounts that share a person with this one (a person
	// linked to both, or who left one lately), whose passes of time take
	// turns. Each commit replaces them, an empty list clearing them; an
	// empty ID is ErrInvalid. The store never reads them otherwise: a
	// SQL adapter keeps them in a column of the accounts' table, an
	// erasure leaves them as the engine's last commit wrote them (it
	// rewrites the person's accounts first, see [Store.ErasePerson]).
	Links  []b2b.AccountID
	Index  map[string]string
	Events []Event
	Outbox []OutboxEntry
	// Redactions replace the data of events already in the account's log
	// (an erasure removing a person from the events that name them among
	// others). One that names an event of another account, or a Seq not
	// issued yet, fails the commit with ErrInvalid; one whose event was
	// erased since it was read (by another person's erasure: erasures do
	// not change versions) fails it with ErrConflict, so that the
	// committer reads again. Either way the commit changes nothing.
	Redactions []Redaction
	// OutboxRedactions replace the payloads of the account's outbox
	// entries that are still to be delivered (a queued sales alert that
	// names an erased person). An entry that became final in the meantime
	// (claims and acks do not change the account's version) is left as it
	// is; an entry of another account (or of none: enqueued naming no
	// account) fails the commit with ErrInvalid, and an ID the tenant
	// holds no entry of, or (with the redaction's Seq) another entry of,
	// with ErrConflict, so that the committer reads again: the entry was
	// erased since it was read (a store that forgot an erased ID cannot
	// tell it from one never queued). Either way the commit changes
	// nothing.
	OutboxRedactions []OutboxRedaction
	Now              time.Time
}

// A Redaction replaces the Data of one logged event; its Seq, account,
// person, type and time stay. The event log is otherwise append-only:
// redaction exists for erasure.
type Redaction struct {
	Seq  int64
	Data []byte
}

// An OutboxRedaction replaces the payload of an outbox entry that is still
// to be delivered; see [CommitParams.OutboxRedactions].
type OutboxRedaction struct {
	ID string
	// Seq, when not zero, is the entry's Seq as [Store.PendingOutbox]
	// listed it (a negative one is invalid): a redaction of an entry
	// erased since it was read fails the commit with ErrConflict also
	// when its ID names a new entry since, whose payload (another
	// message) it would replace otherwise.
	Seq     int64
	Payload []byte
}

// DueParams selects accounts whose DueAt is set and not after Before,
// earliest first, ties by ID. Before is required: a zero time is
// ErrInvalid (see [DueParams.Validate]).
type DueParams struct {
	Tenant Tenant
	Before time.Time
	Limit  int // at most this many; <= 0 means 1000
	// After, when set, selects only the accounts after it in that order
	// (a later DueAt, or the same and a greater ID): the last account of
	// a page, to read the next one. Its DueAt is compared as an instant.
	After *AccountDue
}

// AccountDue is an account that needs time to pass.
type AccountDue struct {
	ID    b2b.AccountID
	DueAt time.Time
	// Links are the account's links as its last commit stored them
	// ([CommitParams.Links]). A page's cursor ([DueParams.After]) need
	// not carry them: only its ID and DueAt order the accounts.
	Links []b2b.AccountID
}

// Compare orders due accounts as DueAccounts lists them: earliest first,
// ties by ID; -1, 0 or +1. Links do not count.
func (a AccountDue) Compare(b AccountDue) int {
	return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
}

// ListParams selects accounts by an index value, in ID order, after the
// account After (for paging).
type ListParams struct {
	Tenant Tenant
	Key    string
	Value  string
	After  b2b.AccountID
	Limit  int // <= 0 means 1000
}

// EventsParams selects events with Seq > AfterSeq, in Seq order, for one
// account or (Account == "") the whole tenant.
type EventsParams struct {
	Tenant   Tenant
	Account  b2b.AccountID
	AfterSeq int64
	Limit    int // <= 0 means 1000
}

// ClaimParams claims up to Limit pending entries due at Now (and claimed
// entries whose lease ended), oldest due first, for Lease. Entries due at
// the same time come in order of creation, then account, then ID: the
// entries one commit queued are claimed together.
//
// A claimed entry's Attempts counts its claims (this one included), its
// ClaimedUntil is Now plus Lease, and its NextAttemptAt stays when it was
// due.
type ClaimParams struct {
	Tenant Tenant
	// Now is required: a claim at the zero time would take nothing.
	Now time.Time
	// Lease is how long the dispatcher has to acknowledge the entries
	// before another claim may take them again; it must be positive
	// (ErrInvalid otherwise).
	Lease time.Duration
	Limit int // <= 0 means 100
}

// AckParams records the result of a delivery attempt of a claimed entry.
// Status is OutboxDelivered, OutboxFailed (permanent), OutboxSuppressed or
// OutboxPending (retry at NextAttemptAt).
//
// Seq and Attempt, as the claim returned them, are together the claim's
// fencing token: a dispatcher passes both. A refused ack changes nothing
// and its Event is not logged.
type AckParams struct {
	Tenant Tenant
	ID     string
	// Seq, when not zero, is the entry's Seq as its claim returned it (a
	// negative one is invalid). An ack of an entry erased since its claim
	// fails with ErrNotFound, also when its ID names a new entry since
	// (the person erased, the ID queued again): the new entry, claimed or
	// not, pending or final, is left as it is. Without Seq, an ack names
	// the entry by ID alone: the erased entry's claim would acknowledge
	// the new entry once that is claimed as many times as the erased one
	// was (see Attempt), recording as sent a message that was not, or
	// ending another dispatcher's claim.
	Seq int64
	// Attempt, when not zero, is the entry's Attempts as its claim returned
	// it: the fencing token of the claims of one entry (a negative one is
	// invalid). An ack whose claim was superseded (the lease ended and
	// another dispatcher claimed the entry) fails with ErrConflict; until
	// another claim takes the entry, an ack after the lease ended is
	// still the claim's. Attempts count the claims of an entry, not of an
	// ID: a new entry of an erased entry's ID counts from zero, so it is
	// Seq that fences the erased entry's claim.
	Attempt       int
	Status        OutboxStatus
	Receipt       []byte
	NextAttemptAt time.Time
	Error         string
	Now           time.Time
	// Event, when set, is appended to the event log with the ack (a
	// delivery result that reports read), stamped with the entry's account
	// and, when it names no person, with the entry's person (so that
	// erasing the person erases it). Like a commit's events, it needs a
	// Type and a Time.
	Event *Event
}

// EnqueueParams adds outbox entries outside an account commit.
type EnqueueParams struct {
	Tenant  Tenant
	Entries []OutboxEntry
	Now     time.Time
}

// EraseReport counts what an erasure removed.
type EraseReport struct {
	Events int
	Outbox int
}

// Store persists accounts, their event logs and the outbox. Implementations
// are safe for concurrent use by many goroutines (and, for database
// adapters, many processes); every method that changes something is
// atomic: all of it or, with an error, nothing. A read sees each account,
// entry and event as some commit left it, never half of a commit; but a
// listing over accounts (DueAccounts, ListAccounts) need not read them all
// at one instant: an account committed while it runs may be listed as it
// was before or after, whatever the order of the commits (the memory
// store reads its shards one after the other).
//
// No method keeps anything of its params' slices, maps and byte slices
// once it returns (but a commit's Value, see [ValueKeeper]): the caller
// may reuse them. What a method returns is the caller's own: changing it
// changes nothing stored.
type Store interface {
	// LoadAccount returns an account's state, or ErrNotFound; an empty
	// ID is ErrInvalid (names no account), as it is for every method
	// that takes an account's, an entry's or a person's ID.
	LoadAccount(ctx context.Context, tenant Tenant, id b2b.AccountID) (Account, error)
	// Commit stores an account's new state, appends its events and enqueues
	// its outbox entries, all or nothing, if the stored version is
	// ExpectedVersion; otherwise it returns ErrConflict and changes nothing.
	// It returns the new version. It keeps nothing of p's slices, maps and
	// byte slices (but Value) once it returns: the committer reuses them.
	Commit(ctx context.Context, p *CommitParams) (int64, error)
	// DueAccounts lists accounts due by p.Before, earliest first (ties by
	// ID), each with its links ([CommitParams.Links]).
	DueAccounts(ctx context.Context, p *DueParams) ([]AccountDue, error)
	// ListAccounts lists the IDs of accounts whose index has Key = Value.
	ListAccounts(ctx context.Context, p *ListParams) ([]b2b.AccountID, error)
	// Events returns event log entries in Seq order.
	Events(ctx context.Context, p *EventsParams) ([]Event, error)
	// ClaimOutbox leases due entries to one dispatcher.
	ClaimOutbox(ctx context.Context, p *ClaimParams) ([]OutboxEntry, error)
	// AckOutbox records a delivery result; ErrNotFound if the entry does not
	// exist (with p.Seq: if the ID names no entry of that Seq),
	// ErrConflict if it is not claimed (or no longer by this claim).
	AckOutbox(ctx context.Context, p *AckParams) error
	// Enqueue adds outbox entries that belong to no account commit (a
	// message a host sends directly). An entry that names an account is
	// that account's as if committed with it (its PendingOutbox lists it,
	// it ties its person to the account, the account's commits redact
	// it); one that names none is no account's. Like entries of a commit,
	// an ID that exists keeps the existing entry. It returns the stored
	// entry of each input, in order (the existing one, unchanged, for a
	// known ID).
	Enqueue(ctx context.Context, p *EnqueueParams) ([]OutboxEntry, error)
	// PendingOutbox lists an account's outbox entries that are still to
	// be delivered (pending or claimed), in the order a claim would take
	// them (due time, a claimed entry being due again when its lease
	// ends, then creation, then ID), with their payloads; none, and no
	// error, for an account with none or an account not stored. It is
	// meant for erasure, which is rare.
	PendingOutbox(ctx context.Context, tenant Tenant, account b2b.AccountID) ([]OutboxEntry, error)
	// PersonAccounts lists, in ID order, the accounts whose event log holds
	// an event of the person or whose outbox holds an entry for the
	// person: the accounts an erasure of the person must rewrite, and
	// those a person linked to no account for a while had been in. It is
	// meant for erasure and for such persons, which are rare, and may scan.
	PersonAccounts(ctx context.Context, tenant Tenant, person b2b.PersonID) ([]b2b.AccountID, error)
	// ErasePerson removes a person's events and outbox entries, in every
	// status (pending, claimed, delivered, failed, suppressed), and
	// reports how many. Nothing of them stays: not the events' Seqs (never
	// issued again, see [Event]), not the entries' IDs, which a later
	// commit or enqueue may use for new entries (of new Seqs, so that an
	// erased entry's claim, acknowledged with its Seq, cannot reach them:
	// see [AckParams]), nor the person's accounts
	// ([Store.PersonAccounts] finds none). Erasing again removes
	// nothing more. The engine rewrites the states of the person's
	// accounts, and redacts the events that name the person among others,
	// before (see [CommitParams.Redactions]).
	ErasePerson(ctx context.Context, tenant Tenant, person b2b.PersonID) (EraseReport, error)
}

// ValueKeeper is implemented by stores that live in the committer's
// process and can keep a committed state as the Go value it is (the memory
// store). A committer that sees KeepsValues report true may commit
// [CommitParams.Value] instead of encoding [CommitParams.State], and reads
// it back from [Account.Value]: no encoding, no decoding, no copy. Values
// are shared between the store, the committer and every reader, so all of
// them treat a committed value as immutable (the engine works on a copy).
// Durable stores do not implement it; they always need State. A store
// that wraps another passes it on (see the Store decorator example).
type ValueKeeper interface {
	KeepsValues() bool
}

// KeepsValues reports whether s keeps committed values (see [ValueKeeper]).
func KeepsValues(s Store) bool {
	vk, ok := s.(ValueKeeper)
	return ok && vk.KeepsValues()
}

func limitOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// EffectiveLimit returns the limit with its default applied.
func (p *DueParams) EffectiveLimit() int { return limitOr(p.Limit, 1000) }

// EffectiveLimit returns the limit with its default applied.
func (p *ListParams) EffectiveLimit() int { return limitOr(p.Limit, 1000) }

// EffectiveLimit returns the limit with its default applied.
func (p *EventsParams) EffectiveLimit() int { return limitOr(p.Limit, 1000) }

// EffectiveLimit returns the limit with its default applied.
func (p *ClaimParams) EffectiveLimit() int { return limitOr(p.Limit, 100) }
