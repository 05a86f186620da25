package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// ErrIncompleteRecovery: Recover could not read some account states or
// rebuild some records; its report lists them.
var ErrIncompleteRecovery = errors.New("incomplete recovery")

// RecoverReport says what [Engine.Recover] rebuilt and what it could not.
type RecoverReport struct {
	// Accounts counts the account states read.
	Accounts int
	// AccountRecords, Persons and PersonRecords count what identity
	// resolution holds again: source records of accounts, golden persons
	// and their source records.
	AccountRecords, Persons, PersonRecords int
	// Opportunities counts the opportunities whose account is known
	// again; Contested lists those that the states of two accounts or
	// more hold (a move whose pass on the old account failed): the
	// holder is the one whose record is the latest (Opportunity.UpdatedAt,
	// then the account's latest commit, then the account ID in order).
	Opportunities int
	Contested     []b2b.OpportunityID
	// Suppressed counts the hashes of erased addresses put back on the
	// suppression list.
	Suppressed int
	// MergedAccounts are the accounts whose state is that of an account
	// since merged into another, whose state holds its records; such a
	// state's records count once, with the account it merged into.
	// MergedPersons counts the persons that states list under an ID that
	// another person's records now hold (merged into that person): the
	// latest of them is kept.
	MergedAccounts []b2b.AccountID
	MergedPersons  int
	// WithoutOrigin are the accounts whose state was committed by an
	// engine that did not keep the account's source records: the account
	// is rebuilt from its golden record alone, as one record of source
	// "quorum" (a source's next version of it joins it by its ID).
	WithoutOrigin []b2b.AccountID
	// Relinked are the accounts whose persons, or their links, as
	// identity resolution has them again differ from those in their
	// state (see Limits in the package documentation); the next call that
	// changes one of their persons brings the state in line.
	Relinked []b2b.AccountID
	// Problems are the states Recover could not read and the records it
	// could not rebuild. Any makes Recover return an error that wraps
	// ErrIncompleteRecovery.
	Problems []RecoverProblem
}

// A RecoverProblem is an account state that Recover could not read, or a
// golden account or person it could not rebuild from the state.
type RecoverProblem struct {
	Account b2b.AccountID
	// Person is set when the problem is one person's.
	Person b2b.PersonID
	Err    error
}

func (p RecoverProblem) Error() string {
	if p.Person != "" {
		return fmt.Sprintf("account %q: person %q: %v", p.Account, p.Person, p.Err)
	}
	return fmt.Sprintf("account %q: %v", p.Account, p.Err)
}

func (p RecoverProblem) Unwrap() error { return p.Err }

// Recover rebuilds what the engine keeps in its memory from the account
// states of its tenant in the store, for an engine started on a store
// that an engine before it wrote (a process restarted with a durable
// store): the identity graph (each
// account's and person's source records, their golden records, the
// persons' links to accounts), the account each opportunity was last
// upserted on, and the suppression list of erased persons' addresses.
// Without it such an engine knows no person: it rejects their
// activities as "unknown_person" until their records are upserted again.
//
// Call it once, after New and before the engine serves. It fails,
// changing nothing, on an engine that has resolved records already.
// Calls that resolve identity (Apply, Ingest, the Upsert calls,
// ErasePerson) and that read it (PersonOfRecord, Identity, MatchRate)
// wait until it returns; Advance, Enter and the outbox do not read
// identity and are not held up, but start them after Recover all the
// same: a pass committed meanwhile may hold a state Recover did not see.
//
// Each account's state holds its golden record and the origin of its
// source records, its persons' golden records and links (with the
// origin of their records when there are several), its opportunities
// and the suppression hashes of the persons erased from it. Recover
// reads every state (the accounts due at any time: each commit sets a
// due time), on Config.Workers goroutines, and rebuilds the graph with
// [identity.Restore], deciding no link again: the same records resolve
// to the same golden persons and accounts, with the same values, and the
// persons are linked to the same accounts. It is deterministic: the
// same store gives the same graph. See Limits in the package
// documentation for what the states do not hold.
//
// A state that cannot be read (an encoding this engine does not know)
// and a record that cannot be rebuilt are listed in the report's
// Problems, never skipped silently, and make Recover return an error
// wrapping ErrIncompleteRecovery; the engine keeps what was rebuilt, so
// a host may serve on (those accounts' persons are unknown until their
// records are upserted again) or stop. A failure to read the store
// returns its error and changes nothing: Recover may be called again.
func (e *Engine) Recover(ctx context.Context) (RecoverReport, error) {
	var rep RecoverReport
	e.idMu.Lock()
	defer e.idMu.Unlock()
	if s := e.graph.Stats(); s.PersonRecords > 0 || s.AccountRecords > 0 || len(e.opportunities) > 0 {
		return rep, errors.New("recover: the engine has resolved records already: recover a new engine, before it serves")
	}
	ids, err := e.storedAccounts(ctx)
	if err != nil {
		return rep, err
	}
	states, err := e.loadStates(ctx, ids, &rep)
	if err != nil {
		return rep, err
	}
	rep.Accounts = len(states)
	rb := &rebuild{cfg: e.cfg.Identity, rep: &rep}
	rb.accounts(states)
	rb.persons(states)
	g, err := rb.restore()
	if err != nil {
		return RecoverReport{}, err
	}
	holders := rb.opportunities(states)
	hashes := rb.suppressed(states)
	rb.check(g, states)
	if len(hashes) > 0 {
		if err := e.Suppress(hashes...); err != nil {
			return RecoverReport{}, fmt.Errorf("recover: %w", err)
		}
	}
	e.graph, e.opportunities = g, holders
	s := g.Stats()
	rep.AccountRecords, rep.Persons, rep.PersonRecords = s.AccountRecords, s.Persons, s.PersonRecords
	rep.Opportunities, rep.Suppressed = len(holders), len(hashes)
	slices.SortFunc(rep.Problems, func(a, b RecoverProblem) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Person, b.Person))
	})
	if n := len(rep.Problems); n > 0 {
		return rep, fmt.Errorf("recover: %w: %d problems, the first: %w", ErrIncompleteRecovery, n, rep.Problems[0])
	}
	return rep, nil
}

// endOfTime is after every account's due time: DueAccounts before it
// lists every account the engine committed.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// storedAccounts lists the tenant's accounts, in ID order. No index
// holds every account, but every commit sets a due time (an account's
// next refresh at the latest), so DueAccounts before the end of time
// lists them all, a page at a time.
func (e *Engine) storedAccounts(ctx context.Context) ([]b2b.AccountID, error) {
	seen := map[b2b.AccountID]bool{}
	var after *store.AccountDue
	for {
		page, err := e.cfg.Store.DueAccounts(ctx, &store.DueParams{Tenant: e.cfg.Tenant, Before: endOfTime, Limit: advancePage, After: after})
		if err != nil {
			return nil, fmt.Errorf("recover: list accounts: %w", err)
		}
		if len(page) == 0 {
			break
		}
		if after != nil && page[0].Compare(*after) <= 0 {
			return nil, fmt.Errorf("recover: list accounts: the store returned %q for the page after %q: it does not honour store.DueParams.After", page[0].ID, after.ID)
		}
		for _, d := range page {
			seen[d.ID] = true
		}
		after = &page[len(page)-1]
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// storedState is one account's state as Recover read it.
type storedState struct {
	id b2b.AccountID
	st *accountState
	// committed is when the state was committed (store.Account.UpdatedAt).
	committed time.Time
}

// loadStates reads the accounts' states on Config.Workers goroutines and
// returns those it could read, in ID order; the others go to the
// report's problems. A store's failure is returned.
func (e *Engine) loadStates(ctx context.Context, ids []b2b.AccountID, rep *RecoverReport) ([]storedState, error) {
	out := make([]storedState, len(ids))
	bad := make([]error, len(ids))
	at := make(map[b2b.AccountID]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	err := e.forEachAccount(ctx, ids, func(ctx context.Context, id b2b.AccountID) error {
		i := at[id]
		rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, id)
		if errors.Is(err, store.ErrNotFound) {
			bad[i] = fmt.Errorf("listed as due, then not found: %w", err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("recover: load account %q: %w", id, err)
		}
		st, err := e.recoverable(&rec)
		if err != nil {
			bad[i] = err
			return nil
		}
		out[i] = storedState{id: id, st: st, committed: rec.UpdatedAt}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var states []storedState
	for i := range out {
		if bad[i] != nil {
			rep.Problems = append(rep.Problems, RecoverProblem{Account: ids[i], Err: fmt.Errorf("state not read: %w", bad[i])})
			continue
		}
		states = append(states, out[i])
	}
	return states, nil
}

// recoverable returns what Recover reads of a stored account's state: the
// state itself when the store keeps it or the engine has it decoded, or
// else its parts that Recover reads, decoded (the rest of it, the larger
// part, is skipped), which nothing else may use.
func (e *Engine) recoverable(rec *store.Account) (*accountState, error) {
	if rec.Value != nil || e.cached(rec.ID, rec.Version) != nil {
		return e.readState(rec)
	}
	var part struct {
		V             int               `json:"v"`
		Account       b2b.Account       `json:"account"`
		Persons       []personEntry     `json:"persons"`
		Opportunities []b2b.Opportunity `json:"opportunities"`
		Origin        json.RawMessage   `json:"origin"`
		Suppressed    []string          `json:"suppressed"`
	}
	if err := json.Unmarshal(rec.State, &part); err != nil {
		return nil, fmt.Errorf("account %q: decode state: %w", rec.ID, err)
	}
	if part.V != stateVersion {
		return nil, fmt.Errorf("account %q: state version %d, this engine reads version %d", rec.ID, part.V, stateVersion)
	}
	return &accountState{V: part.V, Account: part.Account, Persons: part.Persons, Opportunities: part.Opportunities,
		Origin: part.Origin, Suppressed: part.Suppressed}, nil
}
