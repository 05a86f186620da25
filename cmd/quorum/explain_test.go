package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
)

// TestExplainBreakdownAddsUp checks that every score breakdown line shows
// a weight precise enough for score x weight to give the contribution
// printed beside it.
func TestExplainBreakdownAddsUp(t *testing.T) {
	t.Parallel()
	code, out, errOut := quorum(t, "", "explain", "--account", "acc-000003", "--accounts", "30", "--days", "30")
	require.Equal(t, exitOK, code, errOut)
	line := regexp.MustCompile(`(-?[0-9.]+) x ([0-9.e+-]+) += +(-?[0-9.]+)\n`)
	matches := line.FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, matches, out)
	for _, m := range matches {
		score, _ := strconv.ParseFloat(m[1], 64)
		weight, _ := strconv.ParseFloat(m[2], 64)
		contribution, _ := strconv.ParseFloat(m[3], 64)
		// The score is printed to one decimal, so the product may be off
		// by half a tenth times the weight, plus the contribution's own
		// rounding.
		require.InDelta(t, contribution, score*weight, 0.05*weight+0.05+1e-9, "line %q", m[0])
	}
}

func TestWeightText(t *testing.T) {
	for w, want := range map[float64]string{1: "1", 0.25: "0.25", 0.5: "0.5", 1.5: "1.5", 1.0 / 3: "0.3333", 0: "0"} {
		require.Equal(t, want, weightText(w), "weight %v", w)
	}
}

func TestJourneyLine(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	v := engine.AccountView{Persons: []engine.PersonView{{Person: b2b.Person{ID: "p1", FirstName: "Sara", LastName: "Okafor"}}}}
	d := journey.Decision{At: at, Kind: journey.DecisionSend, Journey: "nurture", Node: "intro", Person: "p1"}
	got := journeyLine(v, store.Event{Type: "journey.send", Time: at}, d)
	require.Equal(t, "2026-01-05 09:30 send nurture [intro] person=Sara Okafor (p1)", got)
	require.Equal(t, 1, strings.Count(got, "2026-01-05"), "the date once")

	d.Person = "unknown"
	require.Equal(t, "2026-01-05 09:30 send nurture [intro] person=unknown", journeyLine(v, store.Event{Type: "journey.send", Time: at}, d))

	alert := store.Event{Type: "alert.raised", Time: at, Data: []byte(`{"reason":"score crossed 100","to":"ae@acme.com"}`)}
	require.Equal(t, "2026-01-05 09:30 sales alert to ae@acme.com: score crossed 100", journeyLine(v, alert, journey.Decision{}))
}

// TestRollup checks that --rollup reaches the engine: explaining a parent
// account lists its subsidiaries' persons with it and not without it, and
// simulate accepts the flag.
func TestRollup(t *testing.T) {
	t.Parallel()
	run, err := simulate(context.Background(), simFlags{accounts: 60, days: 20, seed: 1}, nil)
	require.NoError(t, err)
	subsidiaries := map[b2b.AccountID]int{}
	var parent b2b.AccountID
	for _, a := range run.res.World.Accounts {
		if a.ParentID != "" {
			subsidiaries[a.ParentID]++
			if parent == "" || subsidiaries[a.ParentID] > subsidiaries[parent] {
				parent = a.ParentID
			}
		}
	}
	require.NotEmpty(t, parent, "the world has a subsidiary")
	persons := func(args ...string) int {
		args = append([]string{"explain", "--account", string(parent), "--accounts", "60", "--days", "20"}, args...)
		code, out, errOut := quorum(t, "", args...)
		require.Equal(t, exitOK, code, errOut)
		m := regexp.MustCompile(`\nPersons \((\d+)\)`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return n
	}
	require.Greater(t, persons("--rollup"), persons(), "%s's persons with its %d subsidiaries rolled up", parent, subsidiaries[parent])

	code, out, errOut := quorum(t, "", "simulate", "--accounts", "30", "--days", "10", "--rollup")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "Buying-group completeness rate")
	code, out, _ = quorum(t, "", "help", "simulate")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "--rollup")
}

// TestExplainUnknownAccount checks that an account the world does not
// have is refused before the run (which takes a minute at the default
// size), in one plain sentence.
func TestExplainUnknownAccount(t *testing.T) {
	t.Parallel()
	// A run that cannot start (its context is done): the account is
	// checked before it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, id := range []string{"acc-000006", "acme"} {
		var out, errOut strings.Builder
		code := run(ctx, []string{"explain", "--account", id, "--accounts", "5", "--days", "2"}, strings.NewReader(""), &out, &errOut)
		require.Equal(t, exitInvalid, code, errOut.String())
		require.Empty(t, out.String())
		require.Equal(t, `unknown account "`+id+`": the simulated world's accounts are acc-000001 to acc-000005`+"\n", errOut.String())
	}
}

// TestTrackNodesNameTheirInterests: the parallel tracks of a journey are
// told apart by the interest each addresses; one track reads as before.
func TestTrackNodesNameTheirInterests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pos  engine.JourneyPosition
		want []string
	}{
		{"one track", engine.JourneyPosition{Nodes: []string{"wait"}, Interests: []string{"data-platform"}}, []string{"wait"}},
		{"parallel tracks", engine.JourneyPosition{Nodes: []string{"wait", "wait"}, Interests: []string{"data-platform", "security"}},
			[]string{"wait (data-platform)", "wait (security)"}},
		{"a track of no interest", engine.JourneyPosition{Nodes: []string{"wait", "mail"}, Interests: []string{"data-platform", ""}},
			[]string{"wait (data-platform)", "mail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, trackNodes(tt.pos))
		})
	}
}

// TestExplainPathTellsRedirectsAndRuleErrors checks that the journey path
// shows a track that a visit limit redirected, and a rule that failed on
// the account's data (and so decided the branch as false), with their
// reasons: without them the path jumps to a node no branch led to.
func TestExplainPathTellsRedirectsAndRuleErrors(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)
	event := func(seq int64, d journey.Decision) store.Event {
		data, err := json.Marshal(d)
		require.NoError(t, err)
		return store.Event{Seq: seq, Account: "acc-1", Time: at, Type: "journey." + string(d.Kind), Data: data}
	}
	evs := []store.Event{
		event(1, journey.Decision{At: at, Kind: journey.DecisionRuleError, Journey: "nurture", Node: "ready?", Rule: "ready? engaged",
			Expr: "group.score / group.members > 10", Reason: "integer divide by zero (treated as false)"}),
		event(2, journey.Decision{At: at, Kind: journey.DecisionLimitReached, Journey: "nurture", Node: "nurture", Next: "give-up",
			Reason: "visit 4 of at most 3"}),
	}
	var out strings.Builder
	writeExplanation(&out, engine.AccountView{Account: b2b.Account{ID: "acc-1"}, At: at}, evs, &simRun{res: &sim.Result{World: &sim.World{}}})
	require.Contains(t, out.String(), `2026-01-12 00:00 rule_error nurture [ready?] rule "ready? engaged" (group.score / group.members > 10): integer divide by zero (treated as false)`)
	require.Contains(t, out.String(), "2026-01-12 00:00 limit_reached nurture [nurture] -> give-up: visit 4 of at most 3")
	require.NotContains(t, out.String(), "no journey decisions")
}
