package engine_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestEraseRewritesAHeardReasonOfAnEarlierState: a listen heard Victor's
// demo request and waits, its track's reason ("listen heard activity
// request_demo by Victor Kim") kept for a later sales alert. A state
// committed by earlier code does not record whose event the reason tells
// of (journey.Track.ReasonPerson), so journey.State.ForgetPerson cannot
// find it; erasing Victor rewrote the rest of the state and left his name
// there. The erasure now redacts the journeys' reasons as it does the
// event log.
func TestEraseRewritesAHeardReasonOfAnEarlierState(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys = []journey.Journey{{
		ID: "listen-demo", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
				Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
				Timeout: journey.Days(3), Next: "wait", OnTimeout: "end"}},
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(10), Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		},
	}}
	st := bytesOnly{memory.New()}
	b := setup(t, defs, func(c *engine.Config) { c.Store = st })
	setupAcme(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	victor, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)

	rec, err := st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Contains(t, string(rec.State), "by Victor Kim")
	// As earlier code wrote it: no reasonPerson.
	old := regexp.MustCompile(`,"reasonPerson":"[^"]*"`).ReplaceAll(rec.State, nil)
	require.NotEqual(t, string(rec.State), string(old))
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "acme", ExpectedVersion: rec.Version, State: old, DueAt: rec.DueAt, Now: day(1)})
	require.NoError(t, err)

	_, err = b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	rec, err = st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.NotContains(t, string(rec.State), "Victor")
	require.Contains(t, string(rec.State), "listen heard activity request_demo by (erased)")
}
