package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestCallsWithADoneContextChangeNothing: a call whose context is done
// (a request whose client went away, a deadline passed) before it starts
// is refused with the context's error and changes nothing: not identity
// resolution either, so that the same call made again decides as it
// would have. Victor's CRM contact moves him from Acme to Globex: made
// first with a cancelled context, then again, Acme lets him go.
func TestCallsWithADoneContextChangeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	setupGlobex(t, b)
	victor := leadPerson(t, b, "L-2")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	moved := contact("003VK", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex")

	rep, err := b.eng.Apply(done, engine.Batch{Persons: []identity.PersonRecord{moved}})
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, rep.Applied, "nothing applied")
	_, ok := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003VK")
	require.False(t, ok, "identity resolution has not seen the record")
	_, err = b.eng.ErasePerson(done, victor)
	require.ErrorIs(t, err, context.Canceled)
	_, err = b.eng.Identity(victor)
	require.NoError(t, err, "not erased")

	_, err = b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{moved}})
	require.NoError(t, err)
	require.NotContains(t, personsOf(t, b, "acme"), victor, "Acme let Victor go")
	require.Contains(t, personsOf(t, b, "globex"), victor)
}
