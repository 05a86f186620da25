package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// brokenEnv names, in the environment of a test binary TestBrokenStore
// runs in, the broken store it runs the suite on.
const brokenEnv = "QUORUM_STORETEST_BROKEN"

// A brokenStore breaks one rule of the contract on purpose, wrapping the
// memory store.
type brokenStore struct {
	name     string
	newStore func() store.Store
	features storetest.Features
	// failsIn lists subtests of which at least one must fail; says, what
	// the output must say.
	failsIn []string
	says    []string
}

var brokenStores = []brokenStore{
	{
		name:     "events-after-seq-inclusive",
		newStore: func() store.Store { return eventsInclusive{memory.New()} },
		failsIn:  []string{"LongLogs"},
		says:     []string{"not after"},
	},
	{
		// Concurrency 1 declares no difference: the store is still
		// meant for concurrent use, and the suite still races commits.
		name:     "racy-versions-at-concurrency-1",
		newStore: func() store.Store { return &racyVersions{Store: memory.New()} },
		features: storetest.Features{Concurrency: 1},
		failsIn:  []string{"RacingCommits", "ConcurrentCommits"},
	},
	{
		name:     "commits-always-conflict",
		newStore: func() store.Store { return alwaysConflicts{memory.New()} },
		failsIn:  []string{"ConcurrentCommits"},
		says:     []string{"conflicts in a row"},
	},
	{
		name:     "claims-forever",
		newStore: func() store.Store { return &claimsForever{Store: memory.New()} },
		failsIn:  []string{"LongLogs"},
		says:     []string{"more entries than were queued"},
	},
	{
		name:     "due-limit-ignored-after-a-cursor",
		newStore: func() store.Store { return dueLimitAfterCursor{memory.New()} },
		failsIn:  []string{"DueOrdering"},
		says:     []string{"holds at most its limit"},
	},
	{
		name:     "list-limit-ignored-on-the-first-page",
		newStore: func() store.Store { return listLimitFirstPage{memory.New()} },
		failsIn:  []string{"ListByIndex"},
		says:     []string{"the first page, of at most 2"},
	},
	{
		name:     "claims-date-entries-anew",
		newStore: func() store.Store { return claimsDateAnew{memory.New()} },
		failsIn:  []string{"OutboxRetryAndLease"},
		says:     []string{"a claim keeps when the entry was created"},
	},
}

// TestRunFailsBrokenStores runs the suite on stores broken on purpose and
// checks that it fails each, in the subtest that should, saying why, and
// in time (a suite that loops forever on a broken store tells its author
// nothing). Each runs in a test binary of its own: the suite fails the
// *testing.T it is given, which nothing undoes.
func TestRunFailsBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once a broken store, each in a process of its own")
	}
	for _, b := range brokenStores {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBrokenStore$", "-test.count=1", "-test.timeout=90s")
			cmd.Env = append(os.Environ(), brokenEnv+"="+b.name)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a broken store:\n%s", out)
			require.NoError(t, ctx.Err(), "the suite did not end:\n%s", out)
			require.NotContains(t, string(out), "panic: test timed out", "the suite did not fail, it hung")
			failed := false
			for _, sub := range b.failsIn {
				failed = failed || strings.Contains(string(out), "--- FAIL: TestBrokenStore/"+sub+" ")
			}
			require.True(t, failed, "none of %v failed:\n%s", b.failsIn, out)
			for _, want := range b.says {
				require.Contains(t, string(out), want)
			}
		})
	}
}

// TestBrokenStore runs the suite on the broken store the environment
// names, in a test binary TestRunFailsBrokenStores starts; it is skipped
// otherwise.
func TestBrokenStore(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("run by TestRunFailsBrokenStores")
	}
	for _, b := range brokenStores {
		if b.name == name {
			storetest.Run(t, func(t *testing.T) store.Store { return b.newStore() }, b.features)
			return
		}
	}
	t.Fatalf("no broken store %q", name)
}

// eventsInclusive reads events from AfterSeq, not after it: a reader in
// pages reads the last event of a page again, for ever.
type eventsInclusive struct{ *memory.Store }

func (s eventsInclusive) Events(ctx context.Context, p *store.EventsParams) ([]store.Event, error) {
	q := *p
	if q.AfterSeq > 0 {
		q.AfterSeq--
	}
	return s.Store.Events(ctx, &q)
}

// alwaysConflicts refuses every commit to an account already stored: a
// committer that reads again and retries never gets through.
type alwaysConflicts struct{ *memory.Store }

func (s alwaysConflicts) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if p.ExpectedVersion > 0 {
		return 0, store.ErrConflict
	}
	return s.Store.Commit(ctx, p)
}

// claimsForever acknowledges nothing, and hands out claimed entries
// again at once, as if each lease had ended: a dispatcher never runs out
// of entries.
type claimsForever struct {
	*memory.Store
	claims atomic.Int64
}

func (s *claimsForever) ClaimOutbox(ctx context.Context, p *store.ClaimParams) ([]store.OutboxEntry, error) {
	q := *p
	q.Now = q.Now.Add(time.Duration(s.claims.Add(1)) * (q.Lease + time.Second))
	return s.Store.ClaimOutbox(ctx, &q)
}

func (s *claimsForever) AckOutbox(context.Context, *store.AckParams) error { return nil }

// racyVersions ignores a commit's expected version when another commit
// runs at the same time (it commits over whatever version is stored):
// alone, each commit is checked, so only commits that race lose updates.
type racyVersions struct {
	*memory.Store
	mu     sync.Mutex
	flight int
}

func (s *racyVersions) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	s.mu.Lock()
	s.flight++
	s.mu.Unlock()
	time.Sleep(20 * time.Microsecond) // room for another commit to start
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.flight-- }()
	q := *p
	if s.flight > 1 {
		q.ExpectedVersion = 0
		if a, err := s.Store.LoadAccount(ctx, p.Tenant, p.Account); err == nil {
			q.ExpectedVersion = a.Version
		}
	}
	return s.Store.Commit(ctx, &q)
}

// dueLimitAfterCursor ignores a due listing's limit on the pages after
// the first: a runner reading in pages reads every account due at once.
type dueLimitAfterCursor struct{ *memory.Store }

func (s dueLimitAfterCursor) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	q := *p
	if q.After != nil {
		q.Limit = 0
	}
	return s.Store.DueAccounts(ctx, &q)
}

// listLimitFirstPage ignores a listing's limit on the first page (no
// After): a reader in pages gets every account at once.
type listLimitFirstPage struct{ *memory.Store }

func (s listLimitFirstPage) ListAccounts(ctx context.Context, p *store.ListParams) ([]b2b.AccountID, error) {
	q := *p
	if q.After == "" {
		q.Limit = 0
	}
	return s.Store.ListAccounts(ctx, &q)
}

// claimsDateAnew returns claimed entries as created at the claim: a
// dispatcher reading their age reads it wrong.
type claimsDateAnew struct{ *memory.Store }

func (s claimsDateAnew) ClaimOutbox(ctx context.Context, p *store.ClaimParams) ([]store.OutboxEntry, error) {
	out, err := s.Store.ClaimOutbox(ctx, p)
	for i := range out {
		out[i].CreatedAt = p.Now
	}
	return out, err
}
