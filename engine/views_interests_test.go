package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
)

// TestAccountViewOfAGroupWhoseInterestIsGone: a program installed without
// an interest leaves its groups in the accounts; their view cannot say
// which roles they miss, and says why instead of listing none, which
// read as a complete group.
func TestAccountViewOfAGroupWhoseInterestIsGone(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "security", Name: "Security",
		CRMProduct: "Security", Template: buyinggroup.StandardTemplateID})
	b := setup(t, defs)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-9", "ana@acme.com", "Ana", "Lee", "Analyst", "")}})
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 2)
	for _, g := range v.Groups {
		require.NotEmpty(t, g.MissingRoles, "a group of one analyst misses its roles")
		require.Empty(t, g.Problem)
	}

	defs2 := dataPlatform()
	defs2.Version = "2"
	p2, err := program.Compile(defs2, program.Options{})
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(p2))
	v, err = b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	byInterest := map[string]engine.GroupView{}
	for _, g := range v.Groups {
		byInterest[g.Group.Interest] = g
	}
	require.NotEmpty(t, byInterest["data-platform"].MissingRoles)
	require.Empty(t, byInterest["data-platform"].Problem)
	gone := byInterest["security"]
	require.Empty(t, gone.MissingRoles)
	require.Contains(t, gone.Problem, `"security"`)
	require.Contains(t, gone.Problem, "missing roles unknown")
}
