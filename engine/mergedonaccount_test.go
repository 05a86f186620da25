package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestPersonsMergedByAnAccountKeepTheirScore: Victor's CRM contact names
// Acme, his Marketo lead the Marketo company mk-9, not loaded yet: two
// persons. He requests a demo as the lead. The Marketo company arrives
// with Acme's domain and joins Acme: the persons merge under the
// contact's ID, and the demo is his.
func TestPersonsMergedByAnAccountKeepTheirScore(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	l := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	l.Person.AccountID = "mk-9"
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), l}})
	require.NoError(t, err)
	b.clock.Set(day(1))
	ingest(t, b, activity("d-1", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	demo := personScores(t, b, "acme", day(1))["marketo:L-2"]
	require.Positive(t, demo)

	b.clock.Set(day(2))
	_, err = b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceMarketo, Time: day(2),
		Account: b2b.Account{ID: "mk-9", Name: "Acme", Domains: []string{"acme.com"}}}}})
	require.NoError(t, err)
	p, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, b2b.PersonID("salesforce:003V"), p, "one person now")
	acme := personScores(t, b, "acme", day(2))
	require.NotContains(t, acme, b2b.PersonID("marketo:L-2"))
	require.Greater(t, acme[p], demo*0.9, "the demo is his")
}
