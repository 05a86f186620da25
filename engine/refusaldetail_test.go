package engine_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestActivityRefusedByScoringSaysWhy: an activity the account's scoring
// refuses is rejected with what was wrong, as those the engine refuses
// before scoring are: one older than the scoring horizon though within
// the activity retention (which the program's 90-day audience windows
// may make longer), one that names an account its person is not in. It
// used to come back as a bare reason ("u-old: too_late"). An unsubscribe
// refused so still states the person's consent (it is within the
// retention: the engine can tell it from one it took before), as the
// package documentation says.
func TestActivityRefusedByScoringSaysWhy(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.ActivityRetention = 90 * 24 * time.Hour })
	victor := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	victor.Person.Consent[b2b.ChannelEmail] = b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, 0, -80)}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globexRecord()}, Persons: []identity.PersonRecord{victor}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	elsewhere := activity("c-1", b2b.ActivityClickLink, "L-2", day0, nil)
	elsewhere.Account = "globex"
	rep, err = b.eng.Ingest(b.ctx, activity("u-old", b2b.ActivityUnsubscribeEmail, "L-2", day0.AddDate(0, 0, -45), nil), elsewhere)
	require.NoError(t, err)
	want := []engine.Rejection{
		{Kind: engine.KindActivity, Index: 0, Activity: "u-old", Account: "acme", Reason: "too_late",
			Detail: `scoring model "engagement": 2026-01-16T09:00:00Z is before the horizon floor 2026-01-31T00:00:00Z (horizon 720h0m0s)`},
		{Kind: engine.KindActivity, Index: 1, Activity: "c-1", Account: "globex", Reason: "unknown_person",
			Detail: `person "marketo:L-2" is not a person of account "globex"`},
	}
	require.Empty(t, cmp.Diff(want, rep.Rejected), "rejected (-want +got)")

	id, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.Equal(t, b2b.ConsentOptOut, consentOf(t, b, "acme", id)[b2b.ChannelEmail].Status, "the unsubscribe counts")
}
