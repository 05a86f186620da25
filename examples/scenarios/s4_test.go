package scenarios_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// TestS4SharedContact runs s4-shared-contact.yaml: the CTO is Technical
// Evaluator in both groups, both journeys want to email them three times
// in one week, the cap lets two through and records the others with the
// cap as the reason, and each group's score and stage advance on their own.
func TestS4SharedContact(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS4)
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-CTO", "cto@acme.com", "Tess", "Ito", "Chief Technology Officer", "Acme"),
		lead("L-CFO", "cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
	}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	v := b.view(t, "acme")
	cto := b2b.PersonID("marketo:L-CTO")
	for _, interest := range []string{"data-platform", "security-suite"} {
		g := groupOf(t, v, interest)
		require.Equal(t, []string{"Technical Evaluator"}, g.Group.RolesOf(cto), "the CTO evaluates for %s", interest)
	}

	var received []channel.Message
	for d := 0; d <= 7; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		if d == 1 {
			// Engagement with the data platform only.
			rep, err := b.eng.Ingest(b.ctx,
				activity("a-1", b2b.ActivityRequestDemo, "L-CTO", day(1), map[string]any{"solution": "data-platform"}),
				activity("a-2", b2b.ActivityVisitWebPage, "L-CFO", day(1), map[string]any{"solution": "data-platform", "url": "/pricing"}),
				activity("a-3", b2b.ActivityAttendEvent, "L-CFO", day(1), map[string]any{"solution": "data-platform"}))
			require.NoError(t, err)
			require.Equal(t, 3, rep.Applied)
		}
		received = append(received, claimAll(t, b, day(d))...)
	}
	toCTO := 0
	for _, m := range received {
		if m.To == "cto@acme.com" {
			toCTO++
		}
	}
	require.Equal(t, 2, toCTO, "the CTO receives at most 2 marketing emails in the week")

	// The four others are recorded, with the cap as the reason.
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	capped := 0
	for _, e := range evs {
		if e.Type != "journey.skip" && e.Type != "journey.defer" {
			continue
		}
		var d journey.Decision
		require.NoError(t, json.Unmarshal(e.Data, &d))
		if d.Person == cto {
			require.Contains(t, d.Reason, "2 marketing emails a week", "the cap is the reason")
			capped++
		}
	}
	require.Equal(t, 4, capped, "six wanted, two sent, four recorded as capped")

	// Each group's score and stage advance independently.
	v = b.view(t, "acme")
	dp, sec := groupOf(t, v, "data-platform"), groupOf(t, v, "security-suite")
	require.Greater(t, dp.Score.Score, 50.0, "the data platform group engaged")
	require.Zero(t, sec.Score.Score, "the security group did not")
	require.Equal(t, buyinggroup.StageDecision, dp.Group.Stage, "the engaged group advanced")
	require.Equal(t, buyinggroup.StageConsideration, sec.Group.Stage, "the other did not")
}

// TestS4CapAcrossAccounts runs s4-shared-contact.yaml with rollup (as S8's
// multi-region accounts do) on a CTO of Globex DE, a subsidiary of
// Globex: both accounts have both groups and run both journeys for the
// CTO, twelve emails wanted in the week. The cap is the person's: the CTO
// receives 2, and the ten others are recorded with the cap as the reason
// in the account that wanted them.
func TestS4CapAcrossAccounts(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS4, func(c *engine.Config) { c.Rollup = true })
	acc := func(id, name, domain, parent string) identity.AccountRecord {
		return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: name, Domains: []string{domain}, ParentID: b2b.AccountID(parent)}}
	}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{acc("globex", "Globex", "globex.com", ""), acc("globex-de", "Globex DE", "globex.de", "globex")},
		Persons:  []identity.PersonRecord{lead("L-CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "Globex DE")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	received := map[b2b.AccountID]int{}
	for d := 0; d <= 6; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		for _, m := range claimAll(t, b, day(d)) {
			require.Equal(t, "cto@globex.de", m.To)
			received[m.Account]++
		}
	}
	total := 0
	for _, n := range received {
		total += n
	}
	require.Equal(t, 2, total, "the CTO receives 2 marketing emails in the week, from either account: %v", received)
	capped := 0
	for _, id := range []b2b.AccountID{"globex", "globex-de"} {
		evs, err := b.eng.Events(b.ctx, id, 0, 0)
		require.NoError(t, err)
		for _, e := range evs {
			if e.Type == "journey.skip" {
				var d journey.Decision
				require.NoError(t, json.Unmarshal(e.Data, &d))
				require.Contains(t, d.Reason, `frequency cap "2 marketing emails a week"`)
				capped++
			}
		}
	}
	require.Equal(t, 10, capped, "twelve wanted, two sent, ten recorded as capped")
}
