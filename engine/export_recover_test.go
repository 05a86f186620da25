package engine

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// IdentitySnapshot returns the engine's identity graph as plain data.
func IdentitySnapshot(e *Engine) identity.State {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.Snapshot()
}

// GoldenAccount returns the golden account an account ID names, as the
// engine's identity graph has it.
func GoldenAccount(e *Engine, id b2b.AccountID) (identity.GoldenAccount, error) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.Account(id)
}

// LookupPerson returns the golden person an identifier finds in the
// engine's identity graph.
func LookupPerson(e *Engine, id identity.Identifier) (b2b.PersonID, bool) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.Lookup(id)
}

// LookupAccount returns the golden account an account identifier finds
// in the engine's identity graph.
func LookupAccount(e *Engine, id identity.Identifier) (b2b.AccountID, bool) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.LookupAccount(id)
}

// OpportunityHolder is the account an opportunity was last upserted on.
func OpportunityHolder(e *Engine, id b2b.OpportunityID) b2b.AccountID {
	return e.opportunityHolder(id)
}

// Now is the time of the engine's clock.
func Now(e *Engine) time.Time { return e.cfg.Clock.Now() }
