// Package storetest is the conformance suite for [store.Store] adapters.
// Every adapter runs it from a short test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return memory.New() }, storetest.Features{})
//	}
//
// The suite checks round trips (no method keeps anything of its
// parameters, which the caller reuses, nor shares what it returns),
// version conflicts (a refused commit changes nothing a reader sees),
// due-time ordering and paging, the links kept beside the due time
// (listed with it, replaced by each commit, left by an erasure as the
// last commit wrote them), kept values (for stores that keep them),
// index listing, the event log (Seqs are the store's, never issued
// twice), the default limits, outbox claim order, ack (an entry's error
// and receipt are its last ack's, none when it had none), retry (entries
// retried to one time come in claim order, not in the order of their
// acks), leases (an ack after its lease, a superseded one) and lease
// expiry (the next claim keeps the entry's due time), acks of entries
// not claimed (refused, changing and logging nothing), outbox IDs unique
// within a tenant (not an account; an enqueue of a known ID changes
// nothing of its entry), entries enqueued for an account, tenant
// isolation (every method that changes something, in one tenant, leaves
// another as it was, its delivered entries included), erasure (finding a person's
// accounts, redacting events and queued messages, removing the person's
// own in every status, so that their IDs find nothing of them and name
// new entries, of new Seqs, when used again; an erased entry's claim,
// acknowledged with its Seq, and a redaction read before the erasure
// then reach nothing of the new entry), invalid requests with the fields
// they name (the empty tenant on every method, an empty ID on every
// method that takes one), cancelled contexts,
// commits racing with one expected version (exactly one wins, none
// when it is stale), commits
// and enqueues racing with one outbox ID (all succeed, one entry is
// stored), and
// concurrent commits from many goroutines that must never lose an
// update. Run it with -race.
//
// A store that breaks the contract fails the suite, which says how; it
// does not leave it running: pages of events that do not move past the
// Seq they follow, commits that conflict more often than others could
// have won, and claims that hand out more entries than were queued each
// fail the test that meets them.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/store"
)

// Features declares what an adapter legitimately does differently. The
// zero value is the full contract.
type Features struct {
	// TimePrecision is the precision the adapter keeps times with (a
	// database may round to microseconds); zero means exact.
	TimePrecision time.Duration
	// Concurrency is how many goroutines the concurrency tests run (an
	// adapter whose database takes few connections may run fewer); zero
	// or less means 16, and 1 means 2. It is not a way to skip them:
	// every adapter is safe for concurrent use (see [store.Store]), and
	// it takes two goroutines for commits to race.
	Concurrency int
}

// Run runs the whole suite. newStore returns a fresh, empty store for each
// subtest.
func Run(t *testing.T, newStore func(t *testing.T) store.Store, f Features) {
	t.Helper()
	switch {
	case f.Concurrency <= 0:
		f.Concurrency = 16
	case f.Concurrency < 2:
		f.Concurrency = 2 // racing takes two
	}
	s := suite{newStore: newStore, f: f}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"RoundTrip", s.roundTrip},
		{"CommitKeepsNothingOfParams", s.commitKeepsNothingOfParams},
		{"SharesNothing", s.sharesNothing},
		{"ValueRoundTrip", s.valueRoundTrip},
		{"VersionConflict", s.versionConflict},
		{"ConflictChangesNothing", s.conflictChangesNothing},
		{"InvalidRequests", s.invalidRequests},
		{"ErrorsNameWhatTheyConcern", s.errorsNameWhatTheyConcern},
		{"DueOrdering", s.dueOrdering},
		{"Links", s.links},
		{"ListByIndex", s.listByIndex},
		{"DefaultLimits", s.defaultLimits},
		{"EventLog", s.eventLog},
		{"EventSeqsAreTheStores", s.eventSeqsAreTheStores},
		{"OutboxClaimAck", s.outboxClaimAck},
		{"OutboxRetryAndLease", s.outboxRetryAndLease},
		{"ReceiptOfTheLastAck", s.receiptOfTheLastAck},
		{"OutboxClaimOrder", s.outboxClaimOrder},
		{"OutboxNewEntries", s.outboxNewEntries},
		{"OutboxIdempotentEnqueue", s.outboxIdempotentEnqueue},
		{"OutboxEnqueueAndFencing", s.outboxEnqueueAndFencing},
		{"FinalEntriesKeepTheirIDs", s.finalEntriesKeepTheirIDs},
		{"OutboxIDsAcrossAccounts", s.outboxIDsAcrossAccounts},
		{"OutboxLeases", s.outboxLeases},
		{"RefusedAcksChangeNothing", s.refusedAcksChangeNothing},
		{"RetriesInClaimOrder", s.retriesInClaimOrder},
		{"EnqueuedEntryOfAnAccount", s.enqueuedEntryOfAnAccount},
		{"PendingOutbox", s.pendingOutbox},
		{"OutboxRedactionOfUnknownID", s.outboxRedactionOfUnknownID},
		{"TenantIsolation", s.tenantIsolation},
		{"TenantIsolationEveryMethod", s.tenantIsolationEveryMethod},
		{"ErasePerson", s.erasePerson},
		{"EraseClaimedEntry", s.eraseClaimedEntry},
		{"ErasedIDsAreFree", s.erasedIDsAreFree},
		{"ErasedClaimAcksNothing", s.erasedClaimAcksNothing},
		{"ErasedClaimLeaseEnds", s.erasedClaimLeaseEnds},
		{"OutboxRedactionOfReusedID", s.outboxRedactionOfReusedID},
		{"PersonAccounts", s.personAccounts},
		{"Redactions", s.redactions},
		{"OutboxRedactions", s.outboxRedactions},
		{"RacingCommits", s.racingCommits},
		{"RacingOutboxIDs", s.racingOutboxIDs},
		{"ConcurrentCommits", s.concurrentCommits},
		{"ErasureRacingDeliveries", s.erasureRacingDeliveries},
		{"LongLogs", s.longLogs},
		{"EmptyTenant", s.emptyTenant},
		{"CancelledContext", s.cancelledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newStore func(t *testing.T) store.Store
	f        Features
}

const tenant store.Tenant = "t1"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func (s suite) time(t time.Time) time.Time {
	if s.f.TimePrecision > 0 {
		return t.Truncate(s.f.TimePrecision)
	}
	return t
}

func commit(t *testing.T, st store.Store, p store.CommitParams) int64 {
	t.Helper()
	if p.Tenant == "" {
		p.Tenant = tenant
	}
	if p.Now.IsZero() {
		p.Now = t0
	}
	v, err := st.Commit(context.Background(), &p)
	require.NoError(t, err)
	return v
}
