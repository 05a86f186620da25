// Package memory is the embedded, in-memory [store.Store]: the default for
// simulations, tests, examples and single-process hosts that can afford to
// lose state on exit.
//
// It is safe for concurrent use. Accounts are spread over shards, each with
// its own lock, so commits to different accounts run in parallel; the event
// log and the outbox of a tenant share one lock, held briefly. Byte slices,
// index maps and links are copied in and out, so a caller may reuse its
// buffers.
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
// outbox) are packed the same way, by account, without their payloads
// (and with an idempotency key that is the ID, as the engine's are, not
// kept twice), with an index from a hash of each ID: enqueueing a known
// ID, or acknowledging one again, still finds its entry.
//
// The entries a commit or an enqueue keeps share one allocation, and
// their payloads another, as do the payloads of the copies a claim
// returns (each its own bytes, with no room past its end, so that
// appending to one leaves the others as they are): a payload kept keeps
// its siblings' memory too. So the payload bytes the store drops (of an
// entry erased, redacted or final, or not kept as a known ID) are wiped,
// and the rooms the event log keeps for later events hold none: nothing
// of the store's own that an erasure cannot reach stays in memory. (The
// zstd encoders and decoders it pools belong to the compression library,
// which may keep bytes of the last block each handled until it handles
// another; the store cannot wipe them.) An entry erased or final,
// which the due queue and its siblings may keep in memory a while, keeps
// only what orders the queue (its ID, account and times), not its
// person, key or channel; and the room a final entry is packed through
// is wiped after.
//
// Limits: everything lives in the process's memory, final outbox entries
// included (packed, as above), and the log grows without bound. Due-account
// and list queries scan the tenant's accounts, which is fine for up to a
// few hundred thousand accounts; a claim takes the due outbox entries from
// the front of a queue ordered by due time, however long the backlog. Use
// a SQL adapter for durability and for several processes.
package memory
