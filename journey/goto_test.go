package journey_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// deferCap holds back a second e-mail to a person within 7 days (for at
// most 14); with mailedYesterday as Input.Contacts, every e-mail to the
// members of acme's group at day0 is deferred to day0 + 6 days.
var deferCap = journey.Config{Caps: []journey.Cap{{Name: "c", Max: 1, Per: journey.Days(7), Policy: journey.CapDefer, MaxDefer: journey.Days(14)}}}

func mailedYesterday() []journey.Contact {
	var out []journey.Contact
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		out = append(out, journey.Contact{Person: p, Channel: b2b.ChannelEmail, Category: "marketing", Journey: "elsewhere", At: day0.Add(-days(1))})
	}
	return out
}

// told is what a test compares of a decision: its kind, what it was
// about and why.
type told struct {
	Kind    journey.DecisionKind
	Journey string
	Entry   int
	Node    journey.NodeID
	Person  b2b.PersonID
	Reason  string
}

// tell keeps the decisions of the given kinds, as told.
func tell(trace []journey.Decision, kinds ...journey.DecisionKind) []told {
	var out []told
	for _, d := range trace {
		for _, k := range kinds {
			if d.Kind == k {
				out = append(out, told{d.Kind, d.Journey, d.Entry, d.Node, d.Person, d.Reason})
			}
		}
	}
	return out
}

// skipsOf is a skip decision per member of acme's group for a message of
// node of entry 1 of journey id.
func skipsOf(id string, node journey.NodeID, reason string) []told {
	var out []told
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		out = append(out, told{journey.DecisionSkip, id, 1, node, p, reason})
	}
	return out
}

// Publishing a journey with a go-to to an unknown journey reports it at
// the go-to node, by its index when another node has its ID (a duplicate)
// or it has none, rather than panic on the node of that ID.
func TestPublishUnknownGoToOfANodeWithoutItsOwnID(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{})
	for _, tc := range []struct {
		name  string
		nodes []journey.Node
		want  []string
	}{
		{"a duplicate ID", []journey.Node{email("n", "hi", "g", nil), {ID: "n", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "nowhere"}}},
			[]string{`nodes[1].id: duplicate node ID "n" (also nodes[0])`, `nodes[1].goto.journey: unknown journey "nowhere"`}},
		{"no ID", []journey.Node{email("n", "hi", "g", nil), {Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "nowhere"}}},
			[]string{`nodes[1].id: is required`, `nodes[1].goto.journey: unknown journey "nowhere"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := cat.Publish(journey.Journey{ID: "j", Nodes: tc.nodes})
			got := problems(t, err)
			for _, want := range tc.want {
				require.Contains(t, got, want)
			}
		})
	}
}

// A journey bound to one solution interest takes no entry for another
// (TestBoundJourneyAddressesItsInterestHoweverEntered): a go-to where the
// main track of a journey bound to another interest goes, or that only
// the parallel tracks of other interests reach, could never hand over,
// so publishing it is refused, with the target's binding from its latest
// version or, before it has one, its draft. A track whose interest the
// definition does not tell (that of a parallel node that names no
// interests, or the main track of a journey bound to none) is left to
// the run time, as are the tracks of several interests, of which a split
// may keep the others from the go-to.
func TestPublishGoToAJourneyOfAnotherInterest(t *testing.T) {
	t.Parallel()
	boundTo := func(j journey.Journey, interest string) journey.Journey {
		j.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}
		return j
	}
	security := boundTo(linear("security", end("end", "")), "Security")
	dp := boundTo(linear("dp", end("end", "")), "Data Platform")
	anyInterest := linear("any", end("end", ""))
	goTo := func(id journey.NodeID, target string) journey.Node {
		return journey.Node{ID: id, Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: target}}
	}
	router := func(interest string, nodes ...journey.Node) journey.Journey {
		return boundTo(linear("router", nodes...), interest)
	}
	// fan runs the go-to's branch for the given interests; its merge-less
	// parent track ends there.
	fan := func(interests ...string) journey.Node {
		return journey.Node{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: interests, Branch: "go"}}
	}
	const problem = `nodes["go"].goto.journey: journey "security" is bound to solution interest Security and takes no entry for Data Platform, ` +
		`the interest this journey is bound to (go to a journey bound to Data Platform or to none)`
	published := func(js ...journey.Journey) func(t *testing.T) *journey.Catalog {
		return func(t *testing.T) *journey.Catalog { return newCatalog(t, journey.Config{}, js...) }
	}
	tests := []struct {
		name    string
		catalog func(t *testing.T) *journey.Catalog
		router  journey.Journey
		want    []string // nil: valid
	}{
		{"to a journey of another interest", published(security), router("Data Platform", goTo("go", "security")), []string{problem}},
		{"after a split", published(security), router("Data Platform",
			journey.Node{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "go"}}, Else: "end"}},
			goTo("go", "security"), end("end", "")), []string{problem}},
		{"to a draft of another interest", func(t *testing.T) *journey.Catalog {
			cat, err := newCatalog(t, journey.Config{}).SaveDraft(security)
			require.NoError(t, err)
			return cat
		}, router("Data Platform", goTo("go", "security")), []string{problem}},
		{"to a journey of another interest now, of none before", func(t *testing.T) *journey.Catalog {
			cat := newCatalog(t, journey.Config{}, linear("security", end("end", "")))
			cat, _, err := cat.Publish(security)
			require.NoError(t, err)
			return cat
		}, router("Data Platform", goTo("go", "security")), []string{problem}},
		{"to a journey of the same interest", published(dp), router("Data Platform", goTo("go", "dp")), nil},
		{"to a journey of no interest", published(anyInterest), router("Data Platform", goTo("go", "any")), nil},
		{"from a journey of no interest", published(security), linear("router", goTo("go", "security")), nil},
		{"from a journey of several interests", published(security), journey.Journey{ID: "router", Nodes: []journey.Node{goTo("go", "security")},
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}, {Type: journey.TriggerGroupCreated, SolutionInterest: "Security"}}}, nil},
		{"in a parallel branch", published(security), router("Data Platform",
			journey.Node{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "go"}}, goTo("go", "security")), nil},
		{"in a parallel branch of other interests", published(security), linear("router",
			fan("Data Platform", "Analytics"), goTo("go", "security")), []string{
			`nodes["go"].goto.journey: journey "security" is bound to solution interest Security and takes no entry for Analytics, Data Platform, ` +
				`the solution interests of the parallel tracks that reach this go-to (go to a journey bound to one of Analytics, Data Platform or to none)`}},
		{"in a parallel branch of another interest, in a journey bound to the target's", published(security), router("Security",
			fan("Data Platform"), goTo("go", "security")), []string{
			`nodes["go"].goto.journey: journey "security" is bound to solution interest Security and takes no entry for Data Platform, ` +
				`the solution interest of the parallel tracks that reach this go-to (go to a journey bound to Data Platform or to none)`}},
		{"in a parallel branch of its interest among others", published(security), router("Data Platform",
			fan("Data Platform", "Security"), goTo("go", "security")), nil},
		{"in branches of two parallel nodes, one of its interest", published(security), linear("router",
			journey.Node{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "fan"}}, Else: "fan2"}},
			fan("Data Platform"), journey.Node{ID: "fan2", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"Security"}, Branch: "go"}},
			goTo("go", "security")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := tt.catalog(t).Publish(tt.router)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, journey.ErrInvalidJourney)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Publishing a journey bound to a solution interest is refused where a
// journey that goes to it could no longer hand over: the latest version
// of a live or closed journey (its instances run on) whose go-to only
// tracks of another interest reach. The problem names the journey and
// its go-to node. The go-to's own publish is checked the other way
// round (TestPublishGoToAJourneyOfAnotherInterest); a journey that has
// only a draft is checked when it is published.
func TestPublishRebindsAJourneyGoneTo(t *testing.T) {
	t.Parallel()
	bound := func(j journey.Journey, interest string) journey.Journey {
		j.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}
		return j
	}
	goTo := journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "nurture"}}
	nurture := linear("nurture", end("end", ""))
	router := bound(linear("router", goTo), "Data Platform")
	fanRouter := linear("fanner", journey.Node{ID: "fan", Kind: journey.KindParallel,
		Parallel: &journey.Parallel{SolutionInterests: []string{"Data Platform"}, Branch: "go"}}, goTo)
	const mainProblem = `triggers: journey "router" (version 1, %s), bound to solution interest Data Platform, goes to this journey at nodes["go"] on its main track: ` +
		`bound to Security, this journey would take no entry from it (bind this journey to Data Platform or to none, or first publish "router" without that go-to)`
	publish := func(js ...journey.Journey) func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
		return func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
			for _, j := range js {
				var err error
				cat, _, err = cat.Publish(j)
				require.NoError(t, err)
			}
			return cat
		}
	}
	then := func(fs ...func(t *testing.T, cat *journey.Catalog) *journey.Catalog) func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
		return func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
			for _, f := range fs {
				cat = f(t, cat)
			}
			return cat
		}
	}
	status := func(to ...func(*journey.Catalog, string) (*journey.Catalog, error)) func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
		return func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
			for _, f := range to {
				var err error
				cat, err = f(cat, "router")
				require.NoError(t, err)
			}
			return cat
		}
	}
	tests := []struct {
		name    string
		catalog func(t *testing.T, cat *journey.Catalog) *journey.Catalog
		rebound journey.Journey
		want    []string // nil: published
	}{
		{"gone to from the main track of another interest", publish(nurture, router), bound(nurture, "Security"), []string{fmt.Sprintf(mainProblem, "live")}},
		{"by a closed journey, whose instances run on", then(publish(nurture, router), status((*journey.Catalog).Close)),
			bound(nurture, "Security"), []string{fmt.Sprintf(mainProblem, "closed")}},
		{"gone to from a parallel branch of another interest", publish(nurture, fanRouter), bound(nurture, "Security"), []string{
			`triggers: journey "fanner" (version 1, live) goes to this journey at nodes["go"], which only its parallel tracks of Data Platform reach: ` +
				`bound to Security, this journey would take no entry from them (bind this journey to Data Platform or to none, or first publish "fanner" without that go-to)`}},
		{"both", publish(nurture, router, fanRouter), bound(nurture, "Security"), []string{
			`triggers: journey "fanner" (version 1, live) goes to this journey at nodes["go"], which only its parallel tracks of Data Platform reach: ` +
				`bound to Security, this journey would take no entry from them (bind this journey to Data Platform or to none, or first publish "fanner" without that go-to)`,
			fmt.Sprintf(mainProblem, "live")}},
		{"bound to the interest of the tracks that go to it", publish(nurture, router, fanRouter), bound(nurture, "Data Platform"), nil},
		{"bound to none", publish(nurture, router), nurture, nil},
		{"gone to from a journey bound to none", publish(nurture, linear("router", goTo)), bound(nurture, "Security"), nil},
		{"by a finished journey", then(publish(nurture, router), status((*journey.Catalog).Close, (*journey.Catalog).Finish)), bound(nurture, "Security"), nil},
		{"by an aborted journey", then(publish(nurture, router), status((*journey.Catalog).Abort)), bound(nurture, "Security"), nil},
		{"by an earlier version only", publish(nurture, router, bound(linear("router", end("end", "")), "Data Platform")), bound(nurture, "Security"), nil},
		{"by a draft, checked when it is published", func(t *testing.T, cat *journey.Catalog) *journey.Catalog {
			cat = publish(nurture)(t, cat)
			cat, err := cat.SaveDraft(router)
			require.NoError(t, err)
			return cat
		}, bound(nurture, "Security"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := tt.catalog(t, newCatalog(t, journey.Config{}))
			next, v, err := cat.Publish(tt.rebound)
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, 2, v.Number())
				return
			}
			require.Nil(t, v)
			require.Same(t, cat, next, "the catalog is left as it was")
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			// A draft is stored all the same, with the problems to show.
			drafted, err := cat.SaveDraft(tt.rebound)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("draft problems (-want +got):\n%s", diff)
			}
			_, ok := drafted.Draft("nurture")
			require.True(t, ok)
		})
	}
}

// Journeys that go to each other and move to another solution interest
// together pass no check one at a time, in either order; published
// together, their go-tos are checked against the bindings they are
// published with. It is all or none, and the go-tos to them of the other
// journeys are checked as one Publish checks them.
func TestPublishAllMovesJourneysToAnotherInterestTogether(t *testing.T) {
	t.Parallel()
	bound := func(j journey.Journey, interest string) journey.Journey {
		j.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}
		return j
	}
	goTo := func(target string) journey.Node {
		return journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: target}}
	}
	router := func(interest string) journey.Journey { return bound(linear("router", goTo("nurture")), interest) }
	nurture := func(interest string) journey.Journey { return bound(linear("nurture", end("end", "")), interest) }
	cat := newCatalog(t, journey.Config{}, nurture("Data Platform"), router("Data Platform"))

	_, _, err := cat.Publish(router("Security"))
	require.ErrorIs(t, err, journey.ErrInvalidJourney, "the router first: nurture is still bound to Data Platform")
	_, _, err = cat.Publish(nurture("Security"))
	require.ErrorIs(t, err, journey.ErrInvalidJourney, "nurture first: the router's version is still bound to Data Platform")

	next, vs, err := cat.PublishAll(nurture("Security"), router("Security"))
	require.NoError(t, err)
	require.Len(t, vs, 2)
	require.Equal(t, []string{"nurture", "router"}, []string{vs[0].ID(), vs[1].ID()})
	require.Equal(t, []int{2, 2}, []int{vs[0].Number(), vs[1].Number()})
	for _, id := range []string{"nurture", "router"} {
		latest, _ := next.Latest(id)
		def := latest.Definition()
		require.Equal(t, "Security", def.SolutionInterest())
	}
	require.NotEqual(t, next.Generation(), cat.Generation())

	t.Run("a journey new to the catalog", func(t *testing.T) {
		t.Parallel()
		followUp := bound(linear("follow-up", end("end", "")), "Security")
		_, _, err := cat.PublishAll(bound(linear("router", goTo("follow-up")), "Security"), followUp)
		require.NoError(t, err)
	})
	t.Run("all or none", func(t *testing.T) {
		t.Parallel()
		broken := bound(linear("router", goTo("nurture"), end("end", "")), "Security")
		got, vs, err := cat.PublishAll(nurture("Security"), broken)
		require.ErrorIs(t, err, journey.ErrInvalidJourney)
		require.Nil(t, vs)
		require.Same(t, cat, got)
		require.Contains(t, err.Error(), `nodes["end"]: unreachable from the start node "go"`)
	})
	t.Run("another journey that goes to them", func(t *testing.T) {
		t.Parallel()
		other := newCatalog(t, journey.Config{}, nurture("Data Platform"), router("Data Platform"), bound(linear("other", goTo("nurture")), "Data Platform"))
		_, _, err := other.PublishAll(nurture("Security"), router("Security"))
		require.Equal(t, []string{`triggers: journey "other" (version 1, live), bound to solution interest Data Platform, goes to this journey at nodes["go"] on its main track: ` +
			`bound to Security, this journey would take no entry from it (bind this journey to Data Platform or to none, or first publish "other" without that go-to)`}, problems(t, err))
	})
	t.Run("a journey given twice, or one that is closed", func(t *testing.T) {
		t.Parallel()
		_, _, err := cat.PublishAll(nurture("Security"), nurture("Security"))
		require.ErrorContains(t, err, `publish journey "nurture": it is given twice`)
		closed, err := cat.Close("router")
		require.NoError(t, err)
		_, _, err = closed.PublishAll(nurture("Security"), router("Security"))
		require.ErrorIs(t, err, journey.ErrLifecycle)
	})
}

// A go-to that only parallel tracks of other interests reach is refused
// at publish because the run time would refuse every one of them: the
// instance exits with why at the first.
func TestGoToFromAParallelTrackOfAnotherInterest(t *testing.T) {
	t.Parallel()
	security := linear("security", end("end", ""))
	fanner := linear("fanner", journey.Node{ID: "fan", Kind: journey.KindParallel,
		Parallel: &journey.Parallel{SolutionInterests: []string{"Data Platform"}, Branch: "go"}},
		journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "security"}})
	cat := newCatalog(t, journey.Config{}, security, fanner)
	security.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Security"}}
	// Publishing it now is refused (TestPublishRebindsAJourneyGoneTo);
	// a catalog that carries it, as a program installed before did, is
	// what the run time must still answer for.
	_, _, err := cat.Publish(security)
	require.ErrorIs(t, err, journey.ErrInvalidJourney)
	other := newCatalog(t, journey.Config{}, security)
	v, _ := cat.Latest("fanner")
	carried, err := other.Carry(v)
	require.NoError(t, err)

	var st journey.State
	res := carried.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("fanner", day0)})
	require.Equal(t, []journey.Ended{{Journey: "fanner", Version: 1, Entry: 1, At: day0,
		Reason: "go to journey security: journey is bound to solution interest Security, not Data Platform"}}, res.Ended)
}

// A go-to hands the account over to another journey: the instance
// completes and keeps the messages a cap deferred. When the target takes
// no entry (it is not live, or its re-entry policy refuses the account)
// nothing was handed over: the instance exits, not completed, with why,
// and drops what it deferred, as any exit does.
func TestGoToTargetThatTakesNoEntry(t *testing.T) {
	t.Parallel()
	// router defers its e-mail to the three members, then goes to sub,
	// which waits a day: an account that entered sub is still in it.
	router := linear("router", email("mail", "hi", "to-sub", nil),
		journey.Node{ID: "to-sub", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "sub"}})
	sub := linear("sub", wait("w", journey.Days(1), "end"), end("end", ""))
	endsAt := func(j journey.Journey, at time.Time) journey.Journey { j.EndAt = at; return j }
	status := func(to ...func(*journey.Catalog, string) (*journey.Catalog, error)) func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog {
		return func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog {
			for _, f := range to {
				var err error
				cat, err = f(cat, "sub")
				require.NoError(t, err)
			}
			return cat
		}
	}
	// entered enters the account into sub at the given time and steps
	// until then.
	entered := func(at ...time.Time) func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog {
		return func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog {
			cat.Step(st, journey.Input{View: acmeView(), Now: at[0], Events: manual("sub", at[0])})
			for _, now := range at[1:] {
				cat.Step(st, journey.Input{View: acmeView(), Now: now})
			}
			return cat
		}
	}
	enterRouter := told{journey.DecisionEnter, "router", 1, "mail", "", "manual entry"}
	refused := func(why string) []told {
		reason := "go to journey sub: " + why
		return append(append([]told{enterRouter}, skipsOf("router", "mail", "deferred message dropped: the instance exited ("+reason+")")...),
			told{journey.DecisionExit, "router", 1, "", "", reason},
			told{journey.DecisionNoEntry, "sub", 0, "", "", "go to from router: " + why})
	}
	exited := func(why string) []journey.Ended {
		return []journey.Ended{{Journey: "router", Version: 1, Entry: 1, At: day0, Reason: "go to journey sub: " + why}}
	}
	tests := []struct {
		name     string
		journeys []journey.Journey
		// before readies the catalog and the state (nil: as published)
		before   func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog
		want     []told
		ended    []journey.Ended
		deferred int // deferred messages kept after the step
		sent     int // of them, sent once the cap lets them
	}{
		{
			name:     "live target: a hand-over, completed, the deferred messages kept",
			journeys: []journey.Journey{sub, router},
			want: []told{enterRouter,
				{journey.DecisionExit, "router", 1, "", "", "go to journey sub"},
				{journey.DecisionEnter, "sub", 1, "w", "", "go to from router"}},
			ended:    []journey.Ended{{Journey: "router", Version: 1, Entry: 1, At: day0, Reason: "go to journey sub", Completed: true}},
			deferred: 3, sent: 3,
		},
		{
			name: "draft target",
			before: func(t *testing.T, cat *journey.Catalog, st *journey.State) *journey.Catalog {
				c, err := cat.SaveDraft(sub)
				require.NoError(t, err)
				c, _, err = c.Publish(router)
				require.NoError(t, err)
				return c
			},
			want:  refused("journey is not live (draft)"),
			ended: exited("journey is not live (draft)"),
		},
		{
			name:     "closed target",
			journeys: []journey.Journey{sub, router},
			before:   status((*journey.Catalog).Close),
			want:     refused("journey is not live (closed)"),
			ended:    exited("journey is not live (closed)"),
		},
		{
			name:     "finished target",
			journeys: []journey.Journey{sub, router},
			before:   status((*journey.Catalog).Close, (*journey.Catalog).Finish),
			want:     refused("journey is not live (finished)"),
			ended:    exited("journey is not live (finished)"),
		},
		{
			name:     "aborted target",
			journeys: []journey.Journey{sub, router},
			before:   status((*journey.Catalog).Abort),
			want:     refused("journey is not live (aborted)"),
			ended:    exited("journey is not live (aborted)"),
		},
		{
			name:     "target past its end date",
			journeys: []journey.Journey{endsAt(sub, day0), router},
			want:     refused("journey is not live (it ended at 2025-03-03T09:00:00Z)"),
			ended:    exited("journey is not live (it ended at 2025-03-03T09:00:00Z)"),
		},
		{
			name:     "the account is in the target already",
			journeys: []journey.Journey{sub, router},
			before:   entered(day0.Add(-time.Hour)),
			want:     refused("already in the journey"),
			ended:    exited("already in the journey"),
		},
		{
			name:     "the target's re-entry policy refuses the account",
			journeys: []journey.Journey{sub, router},
			before:   entered(day0.Add(-days(3)), day0.Add(-days(2))),
			want:     refused("re-entry not allowed"),
			ended:    exited("re-entry not allowed"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, deferCap, tt.journeys...)
			var st journey.State
			if tt.before != nil {
				cat = tt.before(t, cat, &st)
			}
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("router", day0), Contacts: mailedYesterday()})
			require.Len(t, decisions(res.Trace, journey.DecisionDefer), 3, "the cap defers the three e-mails")
			if diff := cmp.Diff(tt.want, tell(res.Trace, journey.DecisionEnter, journey.DecisionNoEntry, journey.DecisionExit, journey.DecisionSkip)); diff != "" {
				t.Errorf("decisions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.ended, ofJourney(res.Ended, "router")); diff != "" {
				t.Errorf("ended (-want +got):\n%s", diff)
			}
			require.Len(t, st.Deferred, tt.deferred)
			require.Equal(t, day0, recordOf(st, "router").LastExit, "the instance ended")

			res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(7))})
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), tt.sent)
			require.Empty(t, st.Deferred)
		})
	}
}

func ofJourney(ended []journey.Ended, id string) []journey.Ended {
	var out []journey.Ended
	for _, e := range ended {
		if e.Journey == id {
			out = append(out, e)
		}
	}
	return out
}

func recordOf(st journey.State, id string) journey.Record {
	for _, r := range st.Records {
		if r.Journey == id {
			return r
		}
	}
	return journey.Record{}
}

// A manual entry that the journey does not take says why, as a go-to does.
func TestManualEntrySaysWhyItIsRefused(t *testing.T) {
	t.Parallel()
	drip := linear("drip", email("mail", "hi", "end", nil), end("end", ""))
	ended := drip
	ended.EndAt = day0
	tests := []struct {
		name  string
		cat   func(t *testing.T) *journey.Catalog
		entry string
		want  string
	}{
		{"not in the catalog", func(t *testing.T) *journey.Catalog { return newCatalog(t, journey.Config{}, drip) }, "nope",
			"manual entry: journey is not in the catalog"},
		{"draft", func(t *testing.T) *journey.Catalog {
			cat, err := newCatalog(t, journey.Config{}).SaveDraft(drip)
			require.NoError(t, err)
			return cat
		}, "drip", "manual entry: journey is not live (draft)"},
		{"closed", func(t *testing.T) *journey.Catalog {
			cat, err := newCatalog(t, journey.Config{}, drip).Close("drip")
			require.NoError(t, err)
			return cat
		}, "drip", "manual entry: journey is not live (closed)"},
		{"past its end date", func(t *testing.T) *journey.Catalog { return newCatalog(t, journey.Config{}, ended) }, "drip",
			"manual entry: journey is not live (it ended at 2025-03-03T09:00:00Z)"},
		{"already in it", func(t *testing.T) *journey.Catalog {
			return newCatalog(t, journey.Config{}, dripJourney("drip", journey.Days(1), 2))
		}, "drip",
			"manual entry: already in the journey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := tt.cat(t)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: append(manual(tt.entry, day0), manual(tt.entry, day0)...)})
			got := decisions(res.Trace, journey.DecisionNoEntry)
			require.NotEmpty(t, got)
			require.Equal(t, tt.want, got[len(got)-1].Reason)
		})
	}
}

// TestCompletionAfterTheGoal holds the completion rule: an instance that
// reached its journey's completion goal counts as completed however it
// ends afterwards (a go-to, taken or refused, an exit criterion, finish,
// abort or the end date); otherwise an instance is completed at a
// completion end node (any end node when the journey names none), by a
// goal with ExitOnGoal, or, in a journey that names no completion end
// node and no completion goal, by a go-to that handed the account over.
func TestCompletionAfterTheGoal(t *testing.T) {
	t.Parallel()
	// j waits a day, then ends at "done" when the stage is Closed and
	// otherwise goes to journey "other".
	base := func(c journey.Completion) journey.Journey {
		return journey.Journey{ID: "j",
			Nodes: []journey.Node{
				wait("w", journey.Days(1), "s"),
				{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{
					Paths: []journey.Path{{Name: "closed", When: `group.stage == "Closed"`, Next: "done"}}, Else: "go"}},
				{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "other"}},
				end("done", "done"),
			},
			Exits:      []journey.Exit{{Reason: "lost", When: `group.stage == "Lost"`}},
			Goals:      []journey.Goal{{Name: "won", When: `group.score >= 100`}},
			Completion: c,
		}
	}
	other := linear("other", wait("ow", journey.Days(30), "oe"), end("oe", ""))
	goal := journey.Completion{Goal: "won"}
	goalOrEnd := journey.Completion{Goal: "won", EndNodes: []journey.NodeID{"done"}}
	endOnly := journey.Completion{EndNodes: []journey.NodeID{"done"}}
	plain := journey.Completion{}
	// how the instance ends on the second day
	const (
		byGoTo    = "go to journey other"
		byRefusal = "go to journey other: journey is not live (closed)"
		byExit    = "lost"
		byFinish  = "journey finished"
		byAbort   = "journey aborted"
		byEndDate = "journey ended"
		byEndNode = "completed"
	)
	tests := []struct {
		name       string
		completion journey.Completion
		goal       bool // the goal held as the account entered
		end        string
		want       bool
		reason     string
	}{
		{"goal, then go-to", goal, true, byGoTo, true, "the goal was reached before the hand-over"},
		{"goal, then go-to refused", goal, true, byRefusal, true, "the goal was reached before the refusal"},
		{"goal, then exit criterion", goal, true, byExit, true, ""},
		{"goal, then finish", goal, true, byFinish, true, ""},
		{"goal, then abort", goal, true, byAbort, true, ""},
		{"goal, then end date", goal, true, byEndDate, true, ""},
		{"goal, then end node", goal, true, byEndNode, true, ""},
		{"no goal, go-to", goal, false, byGoTo, false, "the journey counts its goal, which was not reached"},
		{"no goal, exit criterion", goal, false, byExit, false, ""},
		{"no goal, finish", goal, false, byFinish, false, ""},
		{"no goal, end node", goal, false, byEndNode, false, "with a completion goal and no end nodes, only the goal counts"},
		{"goal or end node: goal, then go-to", goalOrEnd, true, byGoTo, true, ""},
		{"goal or end node: goal, then finish", goalOrEnd, true, byFinish, true, ""},
		{"goal or end node: no goal, go-to", goalOrEnd, false, byGoTo, false, ""},
		{"goal or end node: no goal, end node", goalOrEnd, false, byEndNode, true, ""},
		{"end nodes only: goal, then go-to", endOnly, true, byGoTo, false, "the goal is not the journey's completion goal"},
		{"end nodes only: end node", endOnly, false, byEndNode, true, ""},
		{"plain: go-to", plain, true, byGoTo, true, "a hand-over completes a journey that names no completion"},
		{"plain: go-to refused", plain, true, byRefusal, false, "nothing was handed over"},
		{"plain: finish", plain, true, byFinish, false, "no completion goal: a goal reached does not count"},
		{"plain: end node", plain, false, byEndNode, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := base(tt.completion)
			if tt.end == byEndDate {
				j.EndAt = day0.Add(days(1))
			}
			cat := newCatalog(t, journey.Config{}, other, j)
			view := acmeView()
			if tt.goal {
				view.Groups[0].Score = 150
			}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("j", day0)})
			require.Empty(t, res.Ended)
			require.Len(t, st.Instances, 1)
			require.Equal(t, tt.goal, len(st.Instances[0].Goals) == 1, "goal reached as it entered")

			view = acmeView() // the goal no longer holds: it was reached before
			view.Revision = 2
			var err error
			switch tt.end {
			case byRefusal:
				cat, err = cat.Close("other")
			case byExit:
				view.Groups[0].Stage = "Lost"
			case byFinish:
				if cat, err = cat.Close("j"); err == nil {
					cat, err = cat.Finish("j")
				}
			case byAbort:
				cat, err = cat.Abort("j")
			case byEndNode:
				view.Groups[0].Stage = "Closed"
			}
			require.NoError(t, err)
			res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(1))})
			var got []journey.Ended
			for _, e := range res.Ended {
				if e.Journey == "j" {
					got = append(got, e)
				}
			}
			outcome := ""
			if tt.end == byEndNode {
				outcome = "done"
			}
			reason := tt.end
			if tt.end == byEndNode && !tt.want {
				reason = "ended" // at an end node, not one the journey completes at
			}
			want := []journey.Ended{{Journey: "j", Version: 1, Entry: 1, At: day0.Add(days(1)), Reason: reason, Outcome: outcome, Completed: tt.want}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ended (-want +got):\n%s\n%s", diff, tt.reason)
			}
		})
	}
}
