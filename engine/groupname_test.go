package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestGroupNameOfAnAccountWithoutName: an account record may leave out
// its name when it has a domain (b2b.Account.Validate). Its group's name,
// which the account view, templates ({{.Group.Name}}) and sales alerts
// show, was "Data Platform for ", naming no one; it names the account by
// its domain then.
func TestGroupNameOfAnAccountWithoutName(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Templates.Emails[0].Subject = "{{.Group.Name}}"
	b := setup(t, defs)
	acme := acmeRecord()
	acme.Account.Name = ""
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acme},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	require.Equal(t, "Data Platform for acme.com", v.Groups[0].Name)
	msgs := claimAll(t, b, day0)
	require.Len(t, msgs, 1)
	require.Equal(t, "Data Platform for acme.com", msgs[0].Subject)
}
