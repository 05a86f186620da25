package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestEraseCountsAnAccountOnlyTheCatchUpChanged: Zed, an intern of Acme
// whom no role claims and no journey wrote to, moves to Globex; Acme's
// five-day wait ends on day 5 with no Advance, and Zed is erased on day 6.
// Acme keeps nothing of Zed, but the wait's end runs first and commits:
// the erasure's report counts Acme among the accounts it changed, as an
// Apply that ran the wait's end would.
func TestEraseCountsAnAccountOnlyTheCatchUpChanged(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	setupGlobex(t, b)
	_, err := b.eng.UpsertPersons(b.ctx, lead("L-6", "zed@acme.com", "Zed", "Moss", "Intern", "Acme"))
	require.NoError(t, err)
	zed, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-6")
	require.True(t, ok)
	moved := lead("L-6", "zed@globex.com", "Zed", "Moss", "Intern", "Globex")
	moved.Time = day(1)
	b.clock.Set(day(1))
	_, err = b.eng.UpsertPersons(b.ctx, moved)
	require.NoError(t, err)
	before := countEvents(t, b, "acme", "journey.wait")

	b.clock.Set(day(6))
	er, err := b.eng.ErasePerson(b.ctx, zed)
	require.NoError(t, err)
	require.Greater(t, countEvents(t, b, "acme", "journey.wait")+countEvents(t, b, "acme", "journey.node"), before,
		"Acme's wait ended before the erasure")
	require.Equal(t, []b2b.AccountID{"globex"}, er.Accounts, "only Globex held something of Zed")
	require.Equal(t, 2, er.Report.Accounts, "Globex, rewritten, and Acme, whose wait ended")
	require.Positive(t, er.Report.Steps)
}

// upsertAtErase upserts a person record when the store is first asked to
// erase a person: a sync that resolved the person before identity forgot
// them and commits after the erasure's first round.
type upsertAtErase struct {
	store.Store
	eng    *engine.Engine
	record identity.PersonRecord
	done   atomic.Bool
	err    error
}

func (u *upsertAtErase) ErasePerson(ctx context.Context, tenant store.Tenant, id b2b.PersonID) (store.EraseReport, error) {
	if u.done.CompareAndSwap(false, true) {
		_, u.err = u.eng.UpsertPersons(ctx, u.record)
	}
	return u.Store.ErasePerson(ctx, tenant, id)
}

// TestEraseCountsAnAccountRewrittenTwiceOnce: a sync writes Victor back
// into Acme between the erasure's first round and identity forgetting
// him; the second round rewrites Acme again. The report counts Acme once,
// as the account list names it once.
func TestEraseCountsAnAccountRewrittenTwiceOnce(t *testing.T) {
	t.Parallel()
	us := &upsertAtErase{Store: memory.New(), record: lead("L-2", "victor@acme.com", "Victor", "Kim", "CTO", "Acme")}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = us })
	us.eng = b.eng
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.NoError(t, us.err)
	require.Equal(t, 2, countEvents(t, b, "acme", "person.erased"), "both rounds rewrote Acme")
	require.Equal(t, []b2b.AccountID{"acme"}, er.Accounts)
	require.Equal(t, 1, er.Report.Accounts)
}
