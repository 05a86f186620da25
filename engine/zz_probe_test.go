package engine_test

import (
	"testing"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/stretchr/testify/require"
)

func TestProbeMergedScore(t *testing.T) {
	b := setup(t, pipelineProgram())
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	u := activity("d-1", b2b.ActivityRequestDemo, "003V", day(1), nil)
	u.Source = b2b.SourceSalesforce
	ingest(t, b, u)
	v, _ := b.eng.Account(b.ctx, "acme", day(1))
	for _, p := range v.Persons {
		t.Logf("before %s %.1f", p.Person.ID, p.Score)
	}
	for _, g := range v.Groups {
		t.Logf("group %.1f %v", g.Score.Score, g.Members)
	}
	b.clock.Set(day(2))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.Time = day(2)
	_, err = b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	v, _ = b.eng.Account(b.ctx, "acme", day(2))
	for _, p := range v.Persons {
		t.Logf("after %s %.1f", p.Person.ID, p.Score)
	}
	for _, g := range v.Groups {
		t.Logf("group %.1f %v", g.Score.Score, g.Members)
	}
}
