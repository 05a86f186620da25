package buyinggroup_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

func stageCatalog(t *testing.T) *buyinggroup.Catalog {
	return compileDefs(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "dp", Template: "standard"},
			{ID: "sec", Template: "standard", StageModel: "pilot"},
		},
		StageModels: []buyinggroup.StageModel{{
			ID: "pilot",
			Stages: []buyinggroup.Stage{
				{Name: "Lead", Entry: true}, {Name: "Trial", Entry: true}, {Name: "Pilot"},
				{Name: "Bought", Success: true}, {Name: "Dropped", Failure: true},
			},
			Transitions: []buyinggroup.Transition{
				{From: "Lead", To: "Trial", When: rules.Rule{Name: "engaged", Source: `group.score >= 10`}},
				{From: "Trial", To: "Pilot", When: rules.Rule{Name: "committee", Source: `group.members >= 2 && group.velocity > 5`}},
				{From: "Pilot", To: "Bought", When: rules.Rule{Source: `opportunity.exists && opportunity.status == "won"`}},
				{From: "*", To: "Dropped", When: rules.Rule{Source: `group.daysInStage > 90`}},
			},
		}},
	})
}

func TestMoveTo(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	g := newGroup(t, cat, "dp")
	tests := []struct {
		from, to string
		wantErr  string
	}{
		{buyinggroup.StageAwareness, buyinggroup.StageConsideration, ""},
		{buyinggroup.StageConsideration, buyinggroup.StageAwareness, ""},
		{buyinggroup.StageAwareness, buyinggroup.StageSalesReady, ""},
		{buyinggroup.StageAwareness, buyinggroup.StageDecision, `group "acme/dp": stage model "default" does not allow "Awareness" -> "Decision" (from "Awareness" it allows: Consideration, Sales Ready, Closed Won, Closed Lost)`},
		{buyinggroup.StageClosedWon, buyinggroup.StageAwareness, `group "acme/dp": stage model "default" does not allow "Closed Won" -> "Awareness" (from "Closed Won" it allows: none)`},
		{buyinggroup.StageAwareness, "Nirvana", `group "acme/dp": unknown stage "Nirvana" in stage model "default" (stages: Awareness, Consideration, Decision, Sales Ready, Closed Won, Closed Lost)`},
	}
	for _, tt := range tests {
		t.Run(tt.from+"->"+tt.to, func(t *testing.T) {
			t.Parallel()
			g := g
			g.Stage = tt.from
			ng, evs, err := cat.MoveTo(g, tt.to, "ann", "because", t0.Add(time.Hour))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				require.Equal(t, g, ng, "unchanged")
				require.Empty(t, evs)
				if tt.to != "Nirvana" {
					require.ErrorIs(t, err, buyinggroup.ErrTransitionNotAllowed)
					var te *buyinggroup.TransitionError
					require.ErrorAs(t, err, &te)
					require.Equal(t, tt.from, te.From)
					require.Equal(t, tt.to, te.To)
				} else {
					require.ErrorIs(t, err, buyinggroup.ErrUnknownStage)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.to, ng.Stage)
			require.Equal(t, []buyinggroup.Event{{Type: buyinggroup.EventStageChanged, Group: "acme/dp", Account: "acme", Interest: "dp",
				At: t0.Add(time.Hour), From: tt.from, To: tt.to, Reason: "because"}}, evs)
			require.Equal(t, buyinggroup.StageChange{From: tt.from, To: tt.to, At: t0.Add(time.Hour), By: "ann", Reason: "because"}, ng.StageHistory[len(ng.StageHistory)-1])
		})
	}
}

// A journey that moves groups to a stage moves some that are there
// already: that is no transition, and no error either.
func TestMoveToTheCurrentStageChangesNothing(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	tests := []struct {
		name, interest, stage string
	}{
		{"an entry stage", "dp", buyinggroup.StageAwareness},
		{"a stage the rules reached", "dp", buyinggroup.StageDecision},
		{"the success stage", "dp", buyinggroup.StageClosedWon},
		{"a failure stage of a custom model", "sec", "Dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGroup(t, cat, tt.interest)
			g.Stage = tt.stage
			ng, evs, err := cat.MoveTo(g, tt.stage, "journey j", "journey node n", t0.Add(time.Hour))
			require.NoError(t, err)
			require.Empty(t, evs)
			require.Empty(t, cmp.Diff(g, ng), "(-want +got)")
		})
	}
}

func TestAdvanceDefaultModel(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	g := fill(t, cat, newGroup(t, cat, "dp"), "Economic Buyer=cfo", "Technical Evaluator=vpe")
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

	// Day 1: nothing engaged yet besides completeness 2/3 >= 0.3.
	g, evs, err := cat.Advance(g, buyinggroup.Signals{Score: 10}, day(1))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageConsideration, g.Stage)
	require.Len(t, evs, 1)
	require.Equal(t, `rule "first engagement": group.completeness >= 0.3 || group.score >= 50`, evs[0].Reason)
	last := g.StageHistory[len(g.StageHistory)-1]
	require.True(t, last.Auto)
	require.Empty(t, cmp.Diff([]buyinggroup.Value{{Name: "group.completeness", Value: "0.666667"}, {Name: "group.score", Value: "10"}}, last.Values))

	// Day 5: a score of 160 moves it through Decision to Sales Ready at once.
	g, evs, err = cat.Advance(g, buyinggroup.Signals{Score: 160}, day(5))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageSalesReady, g.Stage)
	require.Len(t, evs, 2)
	require.Equal(t, buyinggroup.StageDecision, evs[0].To)
	require.Equal(t, buyinggroup.StageSalesReady, evs[1].To)
	d, ok := g.TimeToStage(buyinggroup.StageSalesReady)
	require.True(t, ok)
	require.Equal(t, 5*24*time.Hour, d)
	require.Equal(t, 2*24*time.Hour, g.TimeInStage(day(7)))
	_, ok = g.TimeToStage(buyinggroup.StageClosedWon)
	require.False(t, ok)

	// Nothing holds: nothing changes.
	same, evs, err := cat.Advance(g, buyinggroup.Signals{Score: 160}, day(6))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Equal(t, g, same)

	// The deal is won.
	opp := &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityWon}
	g, evs, err = cat.Advance(g, buyinggroup.Signals{Score: 160, Opportunity: opp}, day(30))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageClosedWon, g.Stage)
	require.Len(t, evs, 1)
	var stages []string
	for _, c := range g.StageHistory {
		stages = append(stages, c.To)
	}
	require.Equal(t, []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won"}, stages)
}

func TestAdvanceCustomModel(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	// Models coexist: "sec" uses the pilot model, in its second entry stage.
	g, _, err := cat.NewGroup("acme", "sec", "Trial", t0)
	require.NoError(t, err)
	require.Equal(t, "Trial", g.Stage)
	g = fill(t, cat, g, "Champion=a", "Influencer=b")
	g, evs, err := cat.Advance(g, buyinggroup.Signals{Velocity: 6}, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, "Pilot", g.Stage)
	require.Len(t, evs, 1)
	require.Equal(t, `rule "committee": group.members >= 2 && group.velocity > 5`, evs[0].Reason)
	// "*" applies to every open stage; the rule default name is "from -> to".
	g, evs, err = cat.Advance(g, buyinggroup.Signals{}, t0.Add(100*24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, "Dropped", g.Stage)
	require.Equal(t, `rule "* -> Dropped": group.daysInStage > 90`, evs[0].Reason)
	// A closed stage has no way out.
	_, _, err = cat.MoveTo(g, "Lead", "ann", "", t0.Add(101*24*time.Hour))
	require.ErrorIs(t, err, buyinggroup.ErrTransitionNotAllowed)
}

func TestSetStatus(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	g := newGroup(t, cat, "dp")
	g, evs, err := cat.SetStatus(g, "intro requested", "journey:pipeline", t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, buyinggroup.EventStatusChanged, evs[0].Type)
	g2, evs, err := cat.SetStatus(g, "intro requested", "ann", t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Equal(t, g, g2)
	g, _, err = cat.SetStatus(g, "meeting booked", "ann", t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, "meeting booked", g.Status)
	require.Equal(t, []buyinggroup.StatusChange{
		{Status: "intro requested", At: t0.Add(time.Hour), By: "journey:pipeline"},
		{Status: "meeting booked", At: t0.Add(3 * time.Hour), By: "ann"},
	}, g.StatusHistory)
	facts, err := cat.Facts(g, buyinggroup.Signals{Score: 3}, t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, "meeting booked", facts.Group.Status)
	require.Equal(t, []string{"Economic Buyer", "Technical Evaluator", "Champion"}, facts.Group.MissingRoles)
}

// TestAdvanceLeavesItsInputAlone: Advance copies a group before changing
// it (callers share groups between a committed state and the copy a pass
// works on), whether it moves the group or not.
func TestAdvanceLeavesItsInputAlone(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	g := fill(t, cat, newGroup(t, cat, "dp"), "Economic Buyer=cfo", "Technical Evaluator=vpe")
	g.StageHistory = slices.Grow(g.StageHistory, 8) // room to append in place, were Advance to do so
	before, err := json.Marshal(g)
	require.NoError(t, err)
	moved, evs, err := cat.Advance(g, buyinggroup.Signals{Score: 160}, t0.Add(24*time.Hour))
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	require.Equal(t, buyinggroup.StageSalesReady, moved.Stage)
	after, err := json.Marshal(g)
	require.NoError(t, err)
	require.JSONEq(t, string(before), string(after), "the input is unchanged")
	require.NotSame(t, &g.StageHistory[:1][0], &moved.StageHistory[:1][0], "the moved group has a history of its own")

	same, evs, err := cat.Advance(moved, buyinggroup.Signals{Score: 160}, t0.Add(48*time.Hour))
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Equal(t, moved, same)
}

// funnelCatalog compiles interest "dp" on stage model "funnel" with the
// given stages and transitions: two versions of one program.
func funnelCatalog(t *testing.T, stages []buyinggroup.Stage, transitions []buyinggroup.Transition) *buyinggroup.Catalog {
	return compileDefs(t, buyinggroup.Definitions{
		Interests:   []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard", StageModel: "funnel"}},
		StageModels: []buyinggroup.StageModel{{ID: "funnel", Stages: stages, Transitions: transitions}},
	})
}

// TestStageDroppedByModel: a group in a stage that a new version of its
// stage model no longer has (renamed or dropped) is not stuck there.
// Advance places it in the model's first entry stage, saying why, and
// the model's rules take it on from there in the same call; MoveTo may
// take it to any stage of the model.
func TestStageDroppedByModel(t *testing.T) {
	t.Parallel()
	won := buyinggroup.Transition{From: "*", To: "Won", When: rules.Rule{Name: "won", Source: `opportunity.status == "won"`}}
	v1 := funnelCatalog(t,
		[]buyinggroup.Stage{{Name: "Lead", Entry: true}, {Name: "Engaged"}, {Name: "Qualified"}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
		[]buyinggroup.Transition{won,
			{From: "Lead", To: "Engaged", When: rules.Rule{Name: "engaged", Source: `group.score >= 10`}},
			{From: "Engaged", To: "Qualified", When: rules.Rule{Name: "qualified", Source: `group.score >= 100`}},
		})
	v2 := funnelCatalog(t,
		[]buyinggroup.Stage{{Name: "Lead", Entry: true}, {Name: "Qualified"}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
		[]buyinggroup.Transition{won,
			{From: "Lead", To: "Qualified", When: rules.Rule{Name: "qualified", Source: `group.score >= 100`}},
		})
	engaged, _, err := v1.Advance(newGroup(t, v1, "dp"), buyinggroup.Signals{Score: 20}, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, "Engaged", engaged.Stage)

	at := t0.Add(24 * time.Hour)
	const placed = `stage model "funnel" has no stage "Engaged" any more: placed in its first entry stage "Lead"`
	tests := []struct {
		name    string
		signals buyinggroup.Signals
		want    []string // the stages it enters
	}{
		{"no rule holds", buyinggroup.Signals{Score: 20}, []string{"Lead"}},
		{"a rule holds", buyinggroup.Signals{Score: 150}, []string{"Lead", "Qualified"}},
		{"the deal is won", buyinggroup.Signals{Opportunity: &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityWon}}, []string{"Lead", "Won"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, evs, err := v2.Advance(engaged, tt.signals, at)
			require.NoError(t, err)
			require.Equal(t, tt.want[len(tt.want)-1], g.Stage)
			var to []string
			for _, ev := range evs {
				require.Equal(t, buyinggroup.EventStageChanged, ev.Type)
				to = append(to, ev.To)
			}
			require.Equal(t, tt.want, to)
			require.Equal(t, buyinggroup.Event{Type: buyinggroup.EventStageChanged, Group: "acme/dp", Account: "acme", Interest: "dp",
				At: at, From: "Engaged", To: "Lead", Reason: placed}, evs[0])
			require.Equal(t, buyinggroup.StageChange{From: "Engaged", To: "Lead", At: at, Reason: placed}, g.StageHistory[len(engaged.StageHistory)])

			// Placed once: the next call starts from where it is.
			same, evs, err := v2.Advance(g, tt.signals, at.Add(time.Hour))
			require.NoError(t, err)
			require.Empty(t, evs)
			require.Equal(t, g, same)
		})
	}

	t.Run("MoveTo", func(t *testing.T) {
		t.Parallel()
		g, evs, err := v2.MoveTo(engaged, "Qualified", "ann", "met the committee", at)
		require.NoError(t, err)
		require.Equal(t, "Qualified", g.Stage)
		const why = `met the committee (stage model "funnel" has no stage "Engaged" any more)`
		require.Equal(t, []buyinggroup.Event{{Type: buyinggroup.EventStageChanged, Group: "acme/dp", Account: "acme", Interest: "dp",
			At: at, From: "Engaged", To: "Qualified", Reason: why}}, evs)
		require.Equal(t, buyinggroup.StageChange{From: "Engaged", To: "Qualified", At: at, By: "ann", Reason: why}, g.StageHistory[len(g.StageHistory)-1])

		g, evs, err = v2.MoveTo(engaged, "Lost", "journey nurture", "", at)
		require.NoError(t, err)
		require.Equal(t, "Lost", g.Stage)
		require.Equal(t, `stage model "funnel" has no stage "Engaged" any more`, evs[0].Reason)
	})
}

// TestAdvanceStarSkipsClosedStages: an automatic transition From "*"
// applies to the open stages only, also where the model allows the same
// move by hand from a closed stage (a lost deal that a marketer may
// revive): a closed group leaves its stage by request or by a rule From
// that stage, never by a rule meant for open groups.
func TestAdvanceStarSkipsClosedStages(t *testing.T) {
	t.Parallel()
	cat := funnelCatalog(t,
		[]buyinggroup.Stage{{Name: "Lead", Entry: true}, {Name: "Nurture"}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
		[]buyinggroup.Transition{
			{From: "*", To: "Nurture", When: rules.Rule{Name: "stalled", Source: `group.daysInStage > 60`}},
			{From: "*", To: "Lost", When: rules.Rule{Name: "lost", Source: `opportunity.status == "lost"`}},
			{From: "Nurture", To: "Won", When: rules.Rule{Name: "won", Source: `opportunity.status == "won"`}},
			{From: "Lost", To: "Nurture"}, // by hand: a lost deal revives
			{From: "Won", To: "Lost"},     // by hand: a won deal is cancelled
		})
	lead := newGroup(t, cat, "dp")
	lost, _, err := cat.Advance(lead, buyinggroup.Signals{Opportunity: &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityLost}}, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, "Lost", lost.Stage)
	won, _, err := cat.MoveTo(lead, "Nurture", "ann", "", t0.Add(time.Hour))
	require.NoError(t, err)
	won, _, err = cat.Advance(won, buyinggroup.Signals{Opportunity: &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityWon}}, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Equal(t, "Won", won.Stage)

	tests := []struct {
		name    string
		g       buyinggroup.Group
		signals buyinggroup.Signals
		want    string
	}{
		{"a lost group stays lost however long", lost, buyinggroup.Signals{}, "Lost"},
		{"a won group stays won when the opportunity reads lost", won, buyinggroup.Signals{Opportunity: &b2b.Opportunity{ID: "o1", Status: b2b.OpportunityLost}}, "Won"},
		{"an open group still takes the rule", lead, buyinggroup.Signals{}, "Nurture"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, evs, err := cat.Advance(tt.g, tt.signals, t0.Add(100*24*time.Hour))
			require.NoError(t, err)
			require.Equal(t, tt.want, g.Stage)
			if tt.want == tt.g.Stage {
				require.Empty(t, evs)
			}
		})
	}
}

// TestDefaultStageModelTransitions: the moves the default model allows,
// as its documentation lists them.
func TestDefaultStageModelTransitions(t *testing.T) {
	t.Parallel()
	cat := stageCatalog(t)
	in, ok := cat.Interest("dp")
	require.True(t, ok)
	m := in.Model()
	for _, tc := range []struct {
		from string
		want []string
	}{
		{buyinggroup.StageAwareness, []string{buyinggroup.StageConsideration, buyinggroup.StageSalesReady, buyinggroup.StageClosedWon, buyinggroup.StageClosedLost}},
		{buyinggroup.StageConsideration, []string{buyinggroup.StageAwareness, buyinggroup.StageDecision, buyinggroup.StageSalesReady, buyinggroup.StageClosedWon, buyinggroup.StageClosedLost}},
		{buyinggroup.StageDecision, []string{buyinggroup.StageConsideration, buyinggroup.StageSalesReady, buyinggroup.StageClosedWon, buyinggroup.StageClosedLost}},
		{buyinggroup.StageSalesReady, []string{buyinggroup.StageDecision, buyinggroup.StageClosedWon, buyinggroup.StageClosedLost}},
		{buyinggroup.StageClosedWon, nil},
		{buyinggroup.StageClosedLost, []string{buyinggroup.StageAwareness, buyinggroup.StageClosedWon}},
	} {
		require.Empty(t, cmp.Diff(tc.want, m.Next(tc.from)), "from %s (-want +got)", tc.from)
	}
}
