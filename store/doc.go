// Package store defines how Quorum persists its state: the [Store]
// interface that the engine consumes and every storage adapter implements,
// and the records it moves. Adapters live below it: store/memory (the
// embedded default) and, later, SQLite and PostgreSQL; store/storetest is
// the conformance suite that every adapter passes.
//
// # The account is the unit of consistency
//
// Everything one activity can change (persons' scores, buying groups,
// audiences, journey positions) belongs to one account's state, which the
// engine encodes into [Account.State] (or, for a store in its own process
// that keeps values, hands over as [Account.Value]; see [ValueKeeper]) and
// commits together with the account's new events and outbox entries in one
// [Store.Commit], guarded by an optimistic version check. A commit whose expected version is stale
// fails with [ErrConflict] and changes nothing; the engine reloads and
// retries. Accounts are independent, so work spreads over cores and
// machines by account ID.
//
// # Due times and links
//
// A commit also stores when the account next needs time to pass
// ([CommitParams.DueAt]) and the other accounts it goes together with
// ([CommitParams.Links]: for the engine, those that share a person with
// it, whose passes of time take turns). [Store.DueAccounts] lists the
// accounts due with their links, so that a runner groups them without
// reading a state: a SQL adapter keeps both as columns of the accounts'
// table, the due time indexed.
//
// # Time is the caller's
//
// Every call that needs the time carries Now in its params: the caller's
// clock (a manual clock in simulations) decides time, never the database's.
//
// # Tenants
//
// Every call is scoped to one [Tenant] (a workspace or sandbox); nothing
// crosses tenants.
//
// # The outbox
//
// Messages that a journey step wants sent are committed as [OutboxEntry]
// records with the account's state. A dispatcher claims due entries with a
// lease ([Store.ClaimOutbox]), delivers them with their idempotency key, and
// records the result ([Store.AckOutbox]) under the claim's fencing token:
// the entry's Seq and Attempts as the claim returned them. An entry whose
// lease expires (the dispatcher crashed) is claimed again, and the first
// claim's ack is then refused; the idempotency key makes the second
// delivery harmless with a sender that honours it.
//
// # Erasure
//
// A person is erased in two steps. The engine first rewrites every
// account the person appears in ([Store.PersonAccounts] finds them): it
// commits a state without the person and, in the same commit, redacts the
// events that name the person among others ([CommitParams.Redactions]) and
// the queued messages that do ([Store.PendingOutbox],
// [CommitParams.OutboxRedactions]).
// Then [Store.ErasePerson] removes the events and outbox entries that are
// the person's own. The order makes a failed erasure safe to repeat: the
// person's own events, which find the accounts, go last. Nothing of them
// stays, not even the entries' IDs: a later commit or enqueue of such an
// ID stores a new entry (the engine's rewritten states no longer queue
// the person's messages, and a commit computed before the erasure fails
// on its version). The new entry has a Seq of its own
// ([OutboxEntry.Seq]): an ack of the erased entry's claim, or a redaction
// read before the erasure, that passes the erased entry's Seq is refused
// rather than applied to the new entry.
package store
