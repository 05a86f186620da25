package scenarios_test

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
	// The engaged personas are the members with a positive score, highest
	// first, each on its own line with name, role, persona and score: the
	// demo's 100 points decayed for two days, the webinar's 60 for two days
	// less an hour (half-life 30 days). The data engineer did nothing.
	victor := 100 * math.Pow(2, -2.0/30)
	carla := 60 * math.Pow(2, -(2.0-1.0/24)/30)
	require.Empty(t, cmp.Diff([]string{
		fmt.Sprintf("- Victor Kim, Technical Evaluator (VP, Engineering): %.0f", victor), // 95
		fmt.Sprintf("- Carla Diaz, Economic Buyer (C-Level, Finance): %.0f", carla),      // 57
	}, section(al.Text, "Engaged personas:")), "(-want +got) engaged personas in the alert's text")
	for _, row := range []string{
		fmt.Sprintf("<tr><td>Victor Kim</td><td>Technical Evaluator</td><td>VP, Engineering</td><td>%.0f</td></tr>", victor),
		fmt.Sprintf("<tr><td>Carla Diaz</td><td>Economic Buyer</td><td>C-Level, Finance</td><td>%.0f</td></tr>", carla),
	} {
		require.Contains(t, al.HTML, row)
	}
	require.Equal(t, 2, strings.Count(al.HTML, "<tr><td>"), "no other engaged persona in the alert's HTML")
	// The missing role and the reason, with the split's rule and the values it saw.
	reason := `ready? took path "engaged" (rule "ready? engaged": group.completeness >= 0.6 && group.score >= 150)` +
		fmt.Sprintf(" with group.completeness=0.67, group.score=%.2f", victor+carla)
	require.Contains(t, strings.Split(al.Text, "\n"), "Missing roles: Champion")
	require.Contains(t, al.HTML, "<p><b>Missing roles:</b> Champion</p>")
	require.Contains(t, strings.Split(al.Text, "\n"), "Why now: "+reason)
	require.Contains(t, al.HTML, "<p><b>Why now:</b> "+html.EscapeString(reason)+"</p>")
	require.Equal(t, "Acme: Data Platform buying group — "+reason, al.Subject)

	// The alert's record in the event log holds the same figures, unrounded.
	raised := alertRaised(t, b)
	require.Equal(t, reason, raised.Reason)
	require.Equal(t, []string{"Champion"}, raised.MissingRoles)
	require.Len(t, raised.Engaged, 2)
	for i, want := range []struct {
		name, role string
		score      float64
	}{{"Victor Kim", "Technical Evaluator", victor}, {"Carla Diaz", "Economic Buyer", carla}} {
		require.Equal(t, want.name, raised.Engaged[i].Name)
		require.Equal(t, want.role, raised.Engaged[i].Role)
		require.InDelta(t, want.score, raised.Engaged[i].Score, 1e-9, "%s's score", want.name)
	}

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

// section returns the list items ("- ...") of text right after the line
// head.
func section(text, head string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != head {
			continue
		}
		var out []string
		for _, l := range lines[i+1:] {
			if !strings.HasPrefix(l, "- ") {
				break
			}
			out = append(out, l)
		}
		return out
	}
	return nil
}

// raisedAlert is what the event log records of a sales alert.
type raisedAlert struct {
	Rule         string   `json:"rule"`
	Reason       string   `json:"reason"`
	MissingRoles []string `json:"missingRoles"`
	Engaged      []struct {
		Name, Role string
		Score      float64
	} `json:"engaged"`
}

// alertRaised returns Acme's only alert.raised event.
func alertRaised(t *testing.T, b *bundle) raisedAlert {
	t.Helper()
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var out []raisedAlert
	for _, e := range evs {
		if e.Type == "alert.raised" {
			var r raisedAlert
			require.NoError(t, json.Unmarshal(e.Data, &r))
			out = append(out, r)
		}
	}
	require.Len(t, out, 1, "one alert raised")
	return out[0]
}

// TestS2OneLateAdvance runs s2-pipeline-acceleration.yaml with no
// activity and one Advance on day 40, as a host whose ticker stalled
// would: the journey runs as daily calls would have run it, each step
// at its own time (the split at the end of the 5-day wait, on day 5,
// then at the end of each 7-day wait after a nurture e-mail, until the
// fourth visit ends the journey on day 26), and the three rounds of
// nurture e-mails, queued at their decision times, go out together at
// the next delivery.
func TestS2OneLateAdvance(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS2)
	setupAcme(t, b)
	require.Len(t, claimAll(t, b, day0), 3, "the intro")

	b.clock.Set(day(40))
	rep, err := b.eng.Advance(b.ctx, day(40))
	require.NoError(t, err)
	require.Equal(t, 9, rep.Messages)
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var paths, nurtures []time.Time
	var ended journey.Ended
	for _, e := range evs {
		switch e.Type {
		case "journey.path":
			paths = append(paths, e.Time)
		case "message.queued":
			if e.Time.After(day0) {
				nurtures = append(nurtures, e.Time)
			}
		case "journey.ended":
			require.NoError(t, json.Unmarshal(e.Data, &ended))
		}
	}
	require.Equal(t, []time.Time{day(5), day(12), day(19), day(26)}, paths)
	require.Equal(t, []time.Time{day(5), day(5), day(5), day(12), day(12), day(12), day(19), day(19), day(19)}, nurtures,
		"the nurture e-mail to the three members who did nothing, at each of the first three visits")
	require.Equal(t, "not engaged", ended.Outcome)
	require.Equal(t, day(26), ended.At)
	msgs := claimAll(t, b, day(40))
	require.Len(t, msgs, 9)
	for _, m := range msgs {
		require.Equal(t, "How teams like Acme use Data Platform", m.Subject)
	}
}
