package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/store"
)

// TestMessageSuppressedAtItsClaimCountsInTheCaps: with one marketing
// email a week, the pipeline journey queues its intro to Victor on day 0;
// he unsubscribes an hour later, before it is claimed, so the claim
// suppresses it. On day 2 he opts in again at the preference center.
// Frequency caps count the messages journeys queued, as the package
// documentation says, whatever their claim found: the nurture of day 5
// is held back for him by the cap.
func TestMessageSuppressedAtItsClaimCountsInTheCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineCapped(1))
	setupAcme(t, b)
	victor := leadPerson(t, b, "L-2")
	b.clock.Set(day0.Add(time.Hour))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day0.Add(time.Hour), nil))
	for _, m := range claimAll(t, b, day0.Add(time.Hour)) {
		require.NotEqual(t, "victor@acme.com", m.To)
	}
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Type == "message.suppressed" && e.Person == victor
	}))
	b.clock.Set(day(2))
	optIn := activity("p-1", governance.ConsentChangedType, string(victor), day(2), map[string]any{"channel": "email", "status": b2b.ConsentOptIn})
	optIn.Source = "preference-center"
	ingest(t, b, optIn)
	require.Equal(t, b2b.ConsentOptIn, consentOf(t, b, "acme", victor)[b2b.ChannelEmail].Status)
	advanceDaily(t, b, 3, 6)
	for _, m := range claimAll(t, b, day(6)) {
		require.NotEqual(t, "victor@acme.com", m.To, "%s", m.Template)
	}
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Person == victor && strings.HasPrefix(e.Type, "journey.") && strings.Contains(string(e.Data), "1 marketing email a week")
	}), "the nurture is held back for him by the cap")
}
