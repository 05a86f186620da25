package journey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

func goToNode(id journey.NodeID, target string) journey.Node {
	return journey.Node{ID: id, Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: target}}
}

// mailThenGoTo is a journey that mails, then goes to another journey at
// once; again lets an account in up to 50 times.
func mailThenGoTo(id, to string) journey.Journey {
	return journey.Journey{ID: id, Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		ReEntry: journey.ReEntry{Mode: journey.ReEntryMax, Max: 50},
		Nodes:   []journey.Node{email("m", "t-"+id, "g", nil), goToNode("g", to)}}
}

// problemsOf lists the problems of a validation error, each "path: error",
// those of every journey of a joined error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ve *b2b.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		for _, p := range ve.Problems {
			out = append(out, p.Path+": "+p.Err.Error())
		}
	}
	walk(err)
	return out
}

// Journeys that go to each other with no wait for a duration, listen or
// external node between the start and the go-to would hand an account
// round at once, forever: publishing the one that closes the cycle is
// refused, the problem at its go-to naming the journeys and nodes.
func TestPublishRefusesAGoToCycleWithoutAWait(t *testing.T) {
	t.Parallel()
	withNodes := func(j journey.Journey, nodes ...journey.Node) journey.Journey {
		j.Nodes = nodes
		return j
	}
	listenFor := func(id, next journey.NodeID) journey.Node {
		return journey.Node{ID: id, Kind: journey.KindListen, Listen: &journey.Listen{
			Events: []journey.EventMatch{{Type: journey.EventActivity}}, Timeout: journey.Days(3), Next: next, OnTimeout: next}}
	}
	untilDate := journey.Node{ID: "w", Kind: journey.KindWait, Wait: &journey.Wait{Until: day0, Next: "m"}}
	tests := []struct {
		name string
		// published one by one before js, which are published together
		before []journey.Journey
		js     []journey.Journey
		want   []string // problems; none: published
	}{{
		name:   "two journeys, the second closes the cycle",
		before: []journey.Journey{withNodes(mailThenGoTo("b", ""), email("m", "t-b", "e", nil), end("e", "")), mailThenGoTo("a", "b")},
		js:     []journey.Journey{mailThenGoTo("b", "a")},
		want: []string{`nodes["g"]: cycle of go-tos without a wait: journey "b" (m -> g) -> journey "a" (m -> g) -> journey "b" ` +
			`(each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`},
	}, {
		name: "published together, each is refused",
		js:   []journey.Journey{mailThenGoTo("a", "b"), mailThenGoTo("b", "a")},
		want: []string{
			`nodes["g"]: cycle of go-tos without a wait: journey "a" (m -> g) -> journey "b" (m -> g) -> journey "a" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "b" (m -> g) -> journey "a" (m -> g) -> journey "b" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
		},
	}, {
		name: "three journeys",
		js:   []journey.Journey{mailThenGoTo("a", "b"), mailThenGoTo("b", "c"), withNodes(mailThenGoTo("c", "a"), goToNode("g", "a"))},
		want: []string{
			`nodes["g"]: cycle of go-tos without a wait: journey "a" (m -> g) -> journey "b" (m -> g) -> journey "c" (g) -> journey "a" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "b" (m -> g) -> journey "c" (g) -> journey "a" (m -> g) -> journey "b" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "c" (g) -> journey "a" (m -> g) -> journey "b" (m -> g) -> journey "c" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
		},
	}, {
		name: "through a split and a parallel branch",
		js: []journey.Journey{mailThenGoTo("a", "b"), withNodes(mailThenGoTo("b", "a"),
			journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{Name: "hot", When: "group.score > 10", Next: "e"}}, Else: "p"}},
			journey.Node{ID: "p", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "g"}},
			goToNode("g", "a"), end("e", ""))},
		want: []string{
			`nodes["g"]: cycle of go-tos without a wait: journey "a" (m -> g) -> journey "b" (s -> p -> g) -> journey "a" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "b" (s -> p -> g) -> journey "a" (m -> g) -> journey "b" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
		},
	}, {
		name: "a wait only until a date does not hold",
		js:   []journey.Journey{mailThenGoTo("a", "b"), withNodes(mailThenGoTo("b", "a"), untilDate, email("m", "t", "g", nil), goToNode("g", "a"))},
		want: []string{
			`nodes["g"]: cycle of go-tos without a wait: journey "a" (m -> g) -> journey "b" (w -> m -> g) -> journey "a" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "b" (w -> m -> g) -> journey "a" (m -> g) -> journey "b" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
		},
	}, {
		name: "a wait for a duration ends the cycle",
		js:   []journey.Journey{mailThenGoTo("a", "b"), withNodes(mailThenGoTo("b", "a"), email("m", "t", "w", nil), wait("w", journey.Days(1), "g"), goToNode("g", "a"))},
	}, {
		name: "so does a listen",
		js:   []journey.Journey{mailThenGoTo("a", "b"), withNodes(mailThenGoTo("b", "a"), listenFor("l", "g"), goToNode("g", "a"))},
	}, {
		name: "one path with a wait is not enough",
		js: []journey.Journey{mailThenGoTo("a", "b"), withNodes(mailThenGoTo("b", "a"),
			journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{Name: "hot", When: "group.score > 10", Next: "w"}}, Else: "g"}},
			wait("w", journey.Days(1), "g"), goToNode("g", "a"))},
		want: []string{
			`nodes["g"]: cycle of go-tos without a wait: journey "a" (m -> g) -> journey "b" (s -> g) -> journey "a" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
			`nodes["g"]: cycle of go-tos without a wait: journey "b" (s -> g) -> journey "a" (m -> g) -> journey "b" (each enters the next at once: a wait for a duration, a listen or an external node between a journey's start and its go-to ends the cycle)`,
		},
	}, {
		name:   "a journey that takes no entry ends the cycle",
		before: []journey.Journey{withNodes(mailThenGoTo("b", ""), email("m", "t-b", "e", nil), end("e", "")), mailThenGoTo("a", "b")},
		js:     []journey.Journey{mailThenGoTo("c", "a")},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat, err := journey.NewCatalog(journey.Config{Roles: standardRoles})
			require.NoError(t, err)
			for _, j := range tt.before {
				cat, _, err = cat.Publish(j)
				require.NoError(t, err)
			}
			var errs []error
			if len(tt.js) == 1 {
				_, _, err = cat.Publish(tt.js[0])
				errs = append(errs, err)
				// A draft shows the problem too.
				_, err = cat.SaveDraft(tt.js[0])
				errs = append(errs, err)
			} else {
				_, _, err = cat.PublishAll(tt.js...)
				errs = append(errs, err)
			}
			for _, err := range errs {
				if tt.want == nil {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, journey.ErrInvalidJourney)
				require.Equal(t, tt.want, problemsOf(t, err))
			}
		})
	}
}

// The journey that closes a cycle is refused, and only it: one that goes
// into a cycle through a closed journey, whose go-to takes no entry, is
// not part of one.
func TestPublishGoToCycleThroughAClosedJourney(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, linear("b", email("m", "t", "e", nil), end("e", "")), mailThenGoTo("a", "b"))
	cat, err := cat.Close("a")
	require.NoError(t, err)
	_, _, err = cat.Publish(mailThenGoTo("b", "a"))
	require.NoError(t, err, "a takes no entry: b's go-to to it ends there")
}

// A catalog may still hold a cycle that no publish checked (versions
// carried from other catalogs): a step hands an account round such a
// cycle at most Config.MaxTransitions times at one moment, then the
// instance that would go on exits with why.
func TestGoToCycleStopsAtRunTime(t *testing.T) {
	t.Parallel()
	cfg := journey.Config{Roles: standardRoles, MaxTransitions: 7}
	again := func(j journey.Journey) journey.Journey {
		j.ReEntry.Max = 1000
		return j
	}
	terminal := func(id string) journey.Journey { return linear(id, email("m", "t-"+id, "e", nil), end("e", "")) }
	// Two catalogs, each with one side of the cycle: carried together,
	// they make it.
	p := newCatalog(t, cfg, terminal("a"), again(mailThenGoTo("b", "a")))
	q := newCatalog(t, cfg, terminal("b"), again(mailThenGoTo("a", "b")))
	cat, err := journey.NewCatalog(cfg)
	require.NoError(t, err)
	for _, from := range []struct {
		cat *journey.Catalog
		id  string
	}{{q, "a"}, {p, "b"}} {
		v, ok := from.cat.Version(from.id, 1)
		require.True(t, ok)
		cat, err = cat.Carry(v)
		require.NoError(t, err)
	}

	st := &journey.State{Account: "acme"}
	res := cat.Step(st, journey.Input{View: acmeView(), Now: day0, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "a"}}})
	handedOver := 0
	for _, e := range res.Ended {
		if e.Reason == "go to journey a" || e.Reason == "go to journey b" {
			handedOver++
		}
	}
	require.Equal(t, 7, handedOver, "MaxTransitions hand-overs")
	last := res.Ended[len(res.Ended)-1]
	const why = "go to journey a: 7 go-tos at one moment in one step (journeys that go to each other without a wait)"
	require.Equal(t, journey.Ended{Journey: "b", Version: 1, Entry: 4, At: day0, Reason: why}, last)
	refused := decisions(res.Trace, journey.DecisionNoEntry)
	require.Len(t, refused, 1)
	require.Equal(t, "go to from b: 7 go-tos at one moment in one step (journeys that go to each other without a wait)", refused[0].Reason)
	require.Len(t, res.Outbox, 8*3, "eight instances mailed the group's three members")
	require.Empty(t, st.Instances)

	// A cycle with a wait hands over at each moment the wait ends: a step
	// that runs late goes round it as often as the steps on time would.
	waits := func(j journey.Journey) journey.Journey {
		j.Nodes = []journey.Node{email("m", "t-"+j.ID, "w", nil), wait("w", journey.Days(1), "g"), goToNode("g", j.Nodes[1].GoTo.Journey)}
		return j
	}
	cat = newCatalog(t, cfg, terminal("b"), again(waits(mailThenGoTo("a", "b"))))
	cat, _, err = cat.Publish(again(waits(mailThenGoTo("b", "a"))))
	require.NoError(t, err)
	st = &journey.State{Account: "acme"}
	cat.Step(st, journey.Input{View: acmeView(), Now: day0, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "a"}}})
	res = cat.Step(st, journey.Input{View: acmeView(), Now: day0.Add(days(20))})
	require.Len(t, res.Ended, 20)
	for _, e := range res.Ended {
		require.True(t, strings.HasPrefix(e.Reason, "go to journey ") && !strings.Contains(e.Reason, ":"), e.Reason)
	}
	require.Empty(t, decisions(res.Trace, journey.DecisionNoEntry))
	require.Equal(t, day0.Add(days(21)), res.Due)
}
