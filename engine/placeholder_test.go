package engine_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

// TestPlaceholderEmailKeepsPersonsApart: two Marketo leads of different
// persons, both imported with noreply@acme.com, are two persons of the
// account its domain names; erasing one suppresses no address (the
// placeholder is nobody's, and the other still gets messages) and leaves
// the other in the account.
func TestPlaceholderEmailKeepsPersonsApart(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{
			lead("L-1", "noreply@acme.com", "Ann", "Lee", "CTO", ""),
			lead("L-2", "noreply@acme.com", "Bob", "Stone", "CFO", ""),
		}})
	require.NoError(t, err)
	ann, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.True(t, ok)
	bob, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	require.NotEqual(t, ann, bob, "two persons merged by a placeholder address")
	require.ElementsMatch(t, []b2b.PersonID{ann, bob}, personsOf(t, b, "acme"))

	er, err := b.eng.ErasePerson(b.ctx, ann)
	require.NoError(t, err)
	require.Empty(t, er.Suppression)
	require.Equal(t, []b2b.PersonID{bob}, personsOf(t, b, "acme"))
}

// TestSuppressionHashesAsPlanErasure: the engine keeps the hashes that
// governance.PlanErasure keeps of the same person: a phone of 7 digits is
// a number, and an address or number that persons who are not the same
// share (noreply@acme.com, 000-000-0000) is nobody's, so its hash would
// suppress them all.
func TestSuppressionHashesAsPlanErasure(t *testing.T) {
	t.Parallel()
	h := governance.SuppressionHash
	for _, tc := range []struct {
		name   string
		emails []string
		phone  string
		want   []string
	}{
		{"a phone of 7 digits", []string{"ann@acme.com"}, "555-0199", []string{h("ann@acme.com"), h("5550199")}},
		{"a phone of 6 digits", nil, "555-019", nil},
		{"placeholder addresses", []string{"noreply@acme.com", "Unknown@unknown.com", "test@example.com", "ann@acme.com"}, "", []string{h("ann@acme.com")}},
		{"placeholder phones", nil, "000-000-0000", nil},
		{"counting up", []string{"bob@acme.com"}, "+1 234 567 8901", []string{h("bob@acme.com")}},
		{"00 is the call prefix", nil, "00 1234567", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.want)
			slices.Sort(want)
			require.Equal(t, want, engine.SuppressionHashes(tc.emails, tc.phone))
			// The same as PlanErasure's hashes of the person.
			plan := governance.PlanErasure(governance.ErasureRequest{Person: "p-1", Emails: tc.emails, Phones: []string{tc.phone}}, governance.Inventory{})
			require.Equal(t, plan.Suppression, engine.SuppressionHashes(tc.emails, tc.phone))
		})
	}
}
