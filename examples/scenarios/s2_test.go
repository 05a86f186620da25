package scenarios_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
)

// TestS2PipelineAcceleration runs s2-pipeline-acceleration.yaml: the
// Technical Evaluator requests a demo and the Economic Buyer attends a
// webinar on day 3; on day 5 the split takes the alert path, exactly one
// alert names the engaged personas, their scores, the missing roles and
// the reason, and the stage history shows Sales Ready on day 5.
func TestS2PipelineAcceleration(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS2)
	setupAcme(t, b)

	// Day 0: the group was created and the intro went to its members.
	queued := claimAll(t, b, day0)
	require.Len(t, queued, 3, "intro to the three members")
	for _, m := range queued {
		require.Equal(t, channel.ChannelEmail, m.Channel)
		require.Equal(t, "Data Platform for Acme", m.Subject)
	}

	b.clock.Set(day(3).Add(2 * time.Hour))
	rep, err := b.eng.Ingest(b.ctx,
		activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(3), nil),
		activity("a-webinar", b2b.ActivityAttendEvent, "L-1", day(3).Add(time.Hour), map[string]any{"event": "Data Platform webinar"}),
	)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 2, rep.Applied)

	_, err = b.eng.Advance(b.ctx, day(4))
	require.NoError(t, err)
	require.Empty(t, claimAll(t, b, day(4)), "nothing happens before the wait ends")
	v := b.view(t, "acme")
	require.Equal(t, buyinggroup.StageDecision, groupOf(t, v, "data-platform").Group.Stage,
		"engagement moved the group on, but only the journey makes it Sales Ready")

	// Day 5: exactly one alert, to the account owner, saying who and why.
	b.clock.Set(day(5))
	_, err = b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
	msgs := claimAll(t, b, day(5))
	require.Len(t, msgs, 1, "exactly one alert")
	al := msgs[0]
	require.Equal(t, channel.ChannelSalesAlert, al.Channel)
	require.Equal(t, "olivia@quorum.example", al.To, "the account owner")
	for _, want := range []string{
		"Carla Diaz", "Economic Buyer", "Victor Kim", "Technical Evaluator", // the engaged personas
		"Champion", // the missing role
		"group.completeness &gt;= 0.6 &amp;&amp; group.score &gt;= 150", // the reason, with the rule
	} {
		require.Contains(t, al.HTML, want)
	}
	require.Regexp(t, `Victor Kim.*?(9[0-9]|100)`, strings.ReplaceAll(al.Text, "\n", " "), "the evaluator's score")

	g := groupOf(t, b.view(t, "acme"), "data-platform")
	require.Equal(t, buyinggroup.StageSalesReady, g.Group.Stage)
	last := g.Group.StageHistory[len(g.Group.StageHistory)-1]
	require.Equal(t, buyinggroup.StageSalesReady, last.To)
	require.Equal(t, day(5), last.At)

	// The decision trail says why the split took the alert path.
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var path journey.Decision
	for _, e := range evs {
		if e.Type == "journey.path" {
			require.NoError(t, json.Unmarshal(e.Data, &path))
		}
	}
	require.Equal(t, "engaged", path.Path)
	require.Equal(t, day(5), path.At)
	require.NotEmpty(t, path.Values)

	// Later days send nothing more: the journey ended.
	_, err = b.eng.Advance(b.ctx, day(30))
	require.NoError(t, err)
	require.Empty(t, claimAll(t, b, day(30)))
}
