package engine

import (
	"context"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// Enter puts an account into a journey by hand (a manual or API entry).
// An entry without an account or a journey, or into a journey the
// installed program does not have (a misspelt ID), is refused with every
// problem at once (a *b2b.ValidationError); one into a journey that takes
// no entry now (not live) is the journey's decision, logged with why
// (journey.no_entry). An entry for an account the engine holds no state
// of (never upserted) fails with an error that wraps [ErrUnknownAccount],
// one for an account merged into another with [ErrMergedAccount]; either
// changes nothing.
func (e *Engine) Enter(ctx context.Context, account b2b.AccountID, journeyID string) (Report, error) {
	var rep Report
	var ps b2b.Problems
	if account == "" {
		ps.Addf("account", "is required")
	}
	if p := e.prog.Load(); journeyID == "" {
		ps.Addf("journey", "is required")
	} else if _, ok := p.Journeys.Status(journeyID); !ok {
		has := "it has none"
		if ids := p.Journeys.Journeys(); len(ids) > 0 {
			has = "its journeys: " + strings.Join(ids, ", ")
		}
		ps.Addf("journey", "%q is not a journey of program %q (%s)", journeyID, p.Name, has)
	}
	if err := ps.Err("enter"); err != nil {
		return rep, err
	}
	now := e.cfg.Clock.Now()
	works := map[b2b.AccountID]*work{account: {events: []journey.Event{{Type: journey.EventManualEntry, At: now, Journey: journeyID}}}}
	_, err := e.run(ctx, works, now, &rep)
	return rep, err
}

// ExternalResult answers a journey's external action (identified by its
// outbox key) with "success" or "error". An answer without an account or
// a key, or with another outcome, is refused with every problem at once
// (a *b2b.ValidationError): the journey takes any outcome but "success"
// for an error, so a misspelt success would send the account down the
// error path for good. An answer no journey of the account waits for (a
// key it never sent, a call answered already or timed out: what the
// account was due to decide before the answer is decided first, see
// [Engine.Apply]) changes nothing and is in the report as rejected,
// "not_waiting". An answer for an account the engine holds no state of,
// or one merged into another, fails as [Engine.Enter] does.
func (e *Engine) ExternalResult(ctx context.Context, account b2b.AccountID, key, outcome, detail string) (Report, error) {
	var rep Report
	var ps b2b.Problems
	if account == "" {
		ps.Addf("account", "is required")
	}
	if key == "" {
		ps.Addf("key", "is required")
	}
	if outcome != "success" && outcome != "error" {
		ps.Addf("outcome", "%q is not an outcome (want success or error)", outcome)
	}
	if err := ps.Err("external result"); err != nil {
		return rep, err
	}
	now := e.cfg.Clock.Now()
	works := map[b2b.AccountID]*work{account: {events: []journey.Event{{Type: journey.EventExternalResult, At: now, Key: key, Outcome: outcome, Detail: detail}}}}
	_, err := e.run(ctx, works, now, &rep)
	return rep, err
}
