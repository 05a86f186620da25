package journey_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// waitThenListen waits a day, then listens a week for a stage change.
func waitThenListen() journey.Journey {
	return linear("late",
		wait("wait", journey.Days(1), "listen"),
		journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
			Events:  []journey.EventMatch{{Type: journey.EventStageChanged}},
			Timeout: journey.Days(7), Next: "heard", OnTimeout: "silence"}},
		end("heard", "heard"), end("silence", "silence"))
}

// A step that runs late decides as the steps at each due time would have:
// the track arrived at the listen node when its wait ended (day 1), so it
// heard the stage change of day 2, and without it times out on day 8.
func TestLateStepArrivesWhenTheWaitEnded(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, waitThenListen())
	view := acmeView()

	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("late", day0)})
	require.Equal(t, day0.Add(days(1)), res.Due)
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(3)),
		Events: []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(days(2))}}})
	require.Len(t, res.Ended, 1)
	require.Equal(t, "heard", res.Ended[0].Outcome)

	st = journey.State{}
	cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("late", day0)})
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(3))})
	require.Equal(t, day0.Add(days(8)), res.Due)
	require.Equal(t, day0.Add(days(1)), st.Instances[0].Tracks[0].Since)
}

// stepped is what a run of steps decided, without the times the steps
// ran at: a late step records its decisions at its own time.
type stepped struct {
	Outbox []journey.OutboxEntry
	Trace  []journey.Decision
	Ended  []journey.Ended
}

func (s *stepped) add(res journey.Result) {
	s.Outbox = append(s.Outbox, res.Outbox...)
	s.Trace = append(s.Trace, res.Trace...)
	s.Ended = append(s.Ended, res.Ended...)
}

var ignoreStepTimes = cmp.Options{
	cmpopts.IgnoreFields(journey.OutboxEntry{}, "At"),
	cmpopts.IgnoreFields(journey.Decision{}, "At"),
	cmpopts.IgnoreFields(journey.Ended{}, "At"),
	cmpopts.EquateEmpty(),
}

// stepOnTime steps st at every time it is due and at every event's time
// (with the events of that time) until until, then at until: the steps a
// runner that is never late makes.
func stepOnTime(cat *journey.Catalog, st *journey.State, view func(time.Time) *journey.AccountView, events []journey.Event, until time.Time) stepped {
	var out stepped
	for {
		next := st.Due
		if len(events) > 0 && (next.IsZero() || events[0].At.Before(next)) {
			next = events[0].At
		}
		if next.IsZero() || !next.Before(until) {
			break
		}
		k := 0
		for k < len(events) && !events[k].At.After(next) {
			k++
		}
		out.add(cat.Step(st, journey.Input{View: view(next), Now: next, Events: events[:k]}))
		events = events[k:]
	}
	out.add(cat.Step(st, journey.Input{View: view(until), Now: until, Events: events}))
	return out
}

// twoGroups is acmeView with a second, Security, buying group.
func twoGroups(time.Time) *journey.AccountView {
	v := acmeView()
	v.Groups = append(v.Groups, journey.GroupView{ID: "g-acme-sec", SolutionInterest: "Security", Stage: "Awareness",
		Members: []journey.Member{{Person: "p-vpe", Role: "Technical Evaluator"}}})
	return v
}

func stageChange(at time.Time) journey.Event {
	return journey.Event{Type: journey.EventStageChanged, At: at}
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }

// TestLateStepDecidesAsStepsOnTime steps each journey once late, and
// again at every due and event time, and wants the same decisions, the
// same messages, the same ends and the same tracks, waiting since and
// until the same times, whatever the lateness.
func TestLateStepDecidesAsStepsOnTime(t *testing.T) {
	t.Parallel()
	listen := func(id, next, timeout journey.NodeID, d journey.Duration) journey.Node {
		return journey.Node{ID: id, Kind: journey.KindListen, Listen: &journey.Listen{
			Events: []journey.EventMatch{{Type: journey.EventStageChanged}}, Timeout: d, Next: next, OnTimeout: timeout}}
	}
	constant := func(time.Time) *journey.AccountView { return acmeView() }
	// decided is the view of an account whose Data Platform group moved
	// to Decision on day 2.
	decided := func(at time.Time) *journey.AccountView {
		v := acmeView()
		if !at.Before(day0.Add(days(2))) {
			v.Groups[0].Stage, v.Revision = "Decision", 2
		}
		return v
	}
	chain := linear("late",
		wait("wait-1", journey.Days(1), "mail"),
		email("mail", "hello", "wait-2", nil),
		wait("wait-2", journey.Days(2), "listen"),
		listen("listen", "heard", "silence", journey.Days(7)),
		end("heard", "heard"), end("silence", "silence"))
	heardThenWait := linear("late",
		listen("listen", "wait", "silence", journey.Days(7)),
		wait("wait", journey.Days(1), "mail"),
		email("mail", "hello", "heard", nil),
		end("heard", "heard"), end("silence", "silence"))
	later := waitThenListen()
	later.ID = "later"
	later.Nodes[0] = wait("wait", journey.Days(3), "listen")
	parallel := journey.Journey{ID: "late", Nodes: []journey.Node{
		{ID: "each", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "wait"}},
		wait("wait", journey.Days(1), "listen"),
		listen("listen", "heard", "silence", journey.Days(7)),
		end("heard", "heard"), end("silence", "silence")}}
	joined := journey.Journey{ID: "late", Nodes: []journey.Node{
		{ID: "each", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "wait", Merge: "join"}},
		wait("wait", journey.Days(1), "listen"),
		listen("listen", "join", "join", journey.Days(7)),
		{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "after"}},
		wait("after", journey.Days(1), "mail"),
		email("mail", "hello", "done", nil),
		end("done", "done")}}
	mailing := linear("late",
		wait("wait-1", journey.Days(1), "mail"),
		email("mail", "hello", "wait-2", nil),
		wait("wait-2", journey.Days(7), "done"),
		end("done", "done"))
	exiting := mailing
	exiting.Exits = []journey.Exit{{Reason: "opportunity created", Event: journey.EventOpportunity}}
	goal := mailing
	goal.Goals = []journey.Goal{{Name: "decided", When: `group.stage == "Decision"`, ExitOnGoal: true}}

	tests := []struct {
		name     string
		journeys []journey.Journey
		view     func(time.Time) *journey.AccountView
		events   []journey.Event
		at       time.Time
		// The late step's: the outcomes (else the reasons) of the
		// instances that ended, the paths its listen nodes took
		// ("track:path"), the emails it sent and the next due time.
		ended []string
		paths []string
		sent  int
		due   time.Time
	}{
		{name: "an event after the wait ended is heard", journeys: []journey.Journey{waitThenListen()}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(2)))}, at: day0.Add(days(3)),
			ended: []string{"heard"}, paths: []string{"0:event"}},
		{name: "the timeout counts from the wait's end", journeys: []journey.Journey{waitThenListen()}, view: constant,
			at: day0.Add(days(3)), due: day0.Add(days(8))},
		{name: "the timeout passed in the late step", journeys: []journey.Journey{waitThenListen()}, view: constant,
			at: day0.Add(days(9)), ended: []string{"silence"}, paths: []string{"0:timeout"}},
		{name: "an event before the track arrived is not heard", journeys: []journey.Journey{waitThenListen()}, view: constant,
			events: []journey.Event{stageChange(day0.Add(hours(12)))}, at: day0.Add(days(3)), due: day0.Add(days(8))},
		{name: "an event as the wait ends is heard", journeys: []journey.Journey{waitThenListen()}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(1)))}, at: day0.Add(days(3)),
			ended: []string{"heard"}, paths: []string{"0:event"}},
		{name: "an event at the timeout is heard", journeys: []journey.Journey{waitThenListen()}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(8)))}, at: day0.Add(days(9)),
			ended: []string{"heard"}, paths: []string{"0:event"}},
		{name: "an event after the timeout is not", journeys: []journey.Journey{waitThenListen()}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(8) + hours(1)))}, at: day0.Add(days(9)),
			ended: []string{"silence"}, paths: []string{"0:timeout"}},
		{name: "a chain of waits: the listen begins as the second wait ends", journeys: []journey.Journey{chain}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(4)))}, at: day0.Add(days(5)),
			ended: []string{"heard"}, paths: []string{"0:event"}, sent: 3},
		{name: "a chain of waits: an event during the second wait is not heard", journeys: []journey.Journey{chain}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(2)))}, at: day0.Add(days(5)), sent: 3, due: day0.Add(days(10))},
		{name: "a track that heard an event waits from the event's time", journeys: []journey.Journey{heardThenWait}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(2)))}, at: day0.Add(days(5)),
			ended: []string{"heard"}, paths: []string{"0:event"}, sent: 3},
		{name: "several instances each hear what came after they arrived", journeys: []journey.Journey{waitThenListen(), later}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(2))), stageChange(day0.Add(days(4)))}, at: day0.Add(days(5)),
			ended: []string{"heard", "heard"}, paths: []string{"0:event", "0:event"}},
		{name: "several instances: the later one arrives after the event", journeys: []journey.Journey{waitThenListen(), later}, view: constant,
			events: []journey.Event{stageChange(day0.Add(days(2)))}, at: day0.Add(days(5)),
			ended: []string{"heard"}, paths: []string{"0:event"}, due: day0.Add(days(10))},
		{name: "parallel tracks hear their own group's events after they arrived", journeys: []journey.Journey{parallel}, view: twoGroups,
			events: []journey.Event{
				{Type: journey.EventStageChanged, SolutionInterest: "Security", At: day0.Add(hours(12))},
				{Type: journey.EventStageChanged, SolutionInterest: "Data Platform", At: day0.Add(days(2))},
			}, at: day0.Add(days(9)), ended: []string{"completed"}, paths: []string{"1:event", "2:timeout"}},
		{name: "parallel tracks join when the last one is done, and go on from then", journeys: []journey.Journey{joined}, view: twoGroups,
			events: []journey.Event{{Type: journey.EventStageChanged, SolutionInterest: "Data Platform", At: day0.Add(days(2))}},
			at:     day0.Add(days(10)), ended: []string{"done"}, paths: []string{"1:event", "2:timeout"}, sent: 3},
		{name: "parallel tracks joined: the last one's timeout is not yet", journeys: []journey.Journey{joined}, view: twoGroups,
			events: []journey.Event{{Type: journey.EventStageChanged, SolutionInterest: "Data Platform", At: day0.Add(days(2))}},
			at:     day0.Add(days(8) + hours(12)), paths: []string{"1:event", "2:timeout"}, due: day0.Add(days(9))},
		{name: "the message due before an exit event goes out", journeys: []journey.Journey{exiting}, view: constant,
			events: []journey.Event{{Type: journey.EventOpportunity, At: day0.Add(days(2))}}, at: day0.Add(days(3)),
			ended: []string{"opportunity created"}, sent: 3},
		{name: "no message after an exit event", journeys: []journey.Journey{exiting}, view: constant,
			events: []journey.Event{{Type: journey.EventOpportunity, At: day0.Add(hours(12))}}, at: day0.Add(days(3)),
			ended: []string{"opportunity created"}},
		{name: "the message due before the goal was reached goes out", journeys: []journey.Journey{goal}, view: decided,
			events: []journey.Event{stageChange(day0.Add(days(2)))}, at: day0.Add(days(3)),
			ended: []string{"goal decided reached"}, sent: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, tt.journeys...)
			enter := func(st *journey.State) stepped {
				var entries []journey.Event
				for _, j := range tt.journeys {
					entries = append(entries, manual(j.ID, day0)...)
				}
				var out stepped
				out.add(cat.Step(st, journey.Input{View: tt.view(day0), Now: day0, Events: entries}))
				return out
			}
			var late journey.State
			lateRun := enter(&late)
			res := cat.Step(&late, journey.Input{View: tt.view(tt.at), Now: tt.at, Events: tt.events})
			lateRun.add(res)
			var ended []string
			for _, e := range res.Ended {
				ended = append(ended, e.Reason)
				if e.Outcome != "" {
					ended[len(ended)-1] = e.Outcome
				}
			}
			var paths []string
			for _, d := range res.Trace {
				if d.Kind == journey.DecisionPath && d.Node == "listen" {
					paths = append(paths, fmt.Sprintf("%d:%s", d.Track, d.Path))
				}
			}
			require.Equal(t, tt.ended, ended)
			require.Equal(t, tt.paths, paths)
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), tt.sent)
			require.Equal(t, tt.due, res.Due)

			var onTime journey.State
			onTimeRun := enter(&onTime)
			more := stepOnTime(cat, &onTime, tt.view, tt.events, tt.at)
			onTimeRun.Outbox = append(onTimeRun.Outbox, more.Outbox...)
			onTimeRun.Trace = append(onTimeRun.Trace, more.Trace...)
			onTimeRun.Ended = append(onTimeRun.Ended, more.Ended...)
			if diff := cmp.Diff(onTimeRun, lateRun, ignoreStepTimes); diff != "" {
				t.Errorf("a late step decided otherwise than steps on time (-on time +late):\n%s", diff)
			}
			if diff := cmp.Diff(onTime.Instances, late.Instances, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("a late step left the tracks otherwise than steps on time (-on time +late):\n%s", diff)
			}
		})
	}
}

// An external call made in a late step counts its deadline from when the
// wait before it ended: the call the step asks for is already overdue
// when that deadline passed, and an answer in time is heard.
func TestLateStepExternalDeadline(t *testing.T) {
	t.Parallel()
	j := linear("ext",
		wait("wait", journey.Days(1), "crm"),
		journey.Node{ID: "crm", Kind: journey.KindExternal, External: &journey.External{Call: "crm.create_task",
			Timeout: journey.Days(2), OnSuccess: "ok", OnError: "failed", OnTimeout: "late"}},
		end("ok", "ok"), end("failed", "failed"), end("late", "late"))
	cat := newCatalog(t, journey.Config{}, j)
	tests := []struct {
		name    string
		answer  time.Duration // after the late step's call; 0: none
		outcome string
	}{
		{"answered before the deadline", hours(12), "ok"},
		{"answered at the deadline", hours(24), "ok"},
		{"answered after the deadline", hours(25), "late"},
		{"not answered", 0, "late"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var st journey.State
			view := acmeView()
			cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("ext", day0)})
			res := cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(2))})
			calls := ofType(res.Outbox, journey.ActionExternal)
			require.Len(t, calls, 1)
			require.Equal(t, day0.Add(days(3)), calls[0].Deadline)
			require.Equal(t, day0.Add(days(3)), res.Due)
			var events []journey.Event
			if tt.answer > 0 {
				events = []journey.Event{{Type: journey.EventExternalResult, Key: calls[0].Key, Outcome: "success", At: day0.Add(days(2) + tt.answer)}}
			}
			res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(4)), Events: events})
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.outcome, res.Ended[0].Outcome)
		})
	}
}

// MaxTransitions bounds the nodes a track passes in one step, a step that
// runs late included: a loop with a short wait stepped long after does
// not run without bound.
func TestLateStepMaxTransitions(t *testing.T) {
	t.Parallel()
	j := linear("loop",
		wait("wait", journey.Duration(time.Hour), "bump"),
		journey.Node{ID: "bump", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Target: "group", Delta: 1, Next: "wait"}})
	cat := newCatalog(t, journey.Config{MaxTransitions: 100}, j)
	view := acmeView()
	var st journey.State
	cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("loop", day0)})
	res := cat.Step(&st, journey.Input{View: view, Now: day0.Add(hours(20))})
	require.Empty(t, res.Ended)
	require.Len(t, res.Outbox, 20)
	require.Equal(t, day0.Add(hours(21)), res.Due)
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(30))})
	require.Len(t, res.Ended, 1)
	require.Equal(t, "track 0 passed 100 nodes in one step", res.Ended[0].Reason)
	require.Len(t, res.Outbox, 50)
}

// A message a cap deferred to a time before an exit event goes out in a
// step that runs late, as the step at its time would have sent it,
// before the exit drops what the instance still holds back.
func TestLateStepSendsDeferredMessagesDueBeforeAnExit(t *testing.T) {
	t.Parallel()
	j := linear("defer",
		email("first", "first", "wait", nil),
		wait("wait", journey.Duration(time.Hour), "second"),
		email("second", "second", "wait-7d", nil),
		wait("wait-7d", journey.Days(7), "end"),
		end("end", "done"))
	j.Exits = []journey.Exit{{Reason: "opportunity created", Event: journey.EventOpportunity}}
	cfg := journey.Config{Caps: []journey.Cap{{Name: "email", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(1), Policy: journey.CapDefer}}}
	cat := newCatalog(t, cfg, j)
	view := acmeView()
	tests := []struct {
		name string
		opp  time.Time
		sent int
	}{
		{"an exit after the message's time", day0.Add(days(1) + 15*time.Minute), 3},
		{"an exit at the message's time", day0.Add(days(1)), 0},
		{"an exit before it", day0.Add(days(1) - time.Minute), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("defer", day0)})
			require.Len(t, res.Outbox, 3)
			res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(time.Hour)})
			require.Empty(t, res.Outbox)
			require.Len(t, st.Deferred, 3)
			require.Equal(t, day0.Add(days(1)), res.Due)
			res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(1) + 30*time.Minute),
				Events: []journey.Event{{Type: journey.EventOpportunity, At: tt.opp}}})
			require.Len(t, res.Outbox, tt.sent)
			require.Len(t, decisions(res.Trace, journey.DecisionSkip), 3-tt.sent)
			require.Len(t, res.Ended, 1)
			require.Empty(t, st.Deferred)
		})
	}
}

// A step that runs late enters, sends and ends at the times they happened:
// a go-to reached as a wait ended on day 3 enters its journey on day 3,
// whose wait then ends on day 5, not 2 days after the step; an audience
// entry of day 4 enters then; a list lets the account in again as its
// instance ends, or as its re-entry policy's wait ends; a message a cap
// deferred goes out, and counts in the caps, at the time it was deferred
// to.
func TestLateStepEntersAndSendsWhenItHappened(t *testing.T) {
	t.Parallel()
	target := linear("target",
		wait("wait", journey.Days(2), "mail"),
		email("mail", "hello", "done", &journey.Recipients{Roles: []string{"Economic Buyer"}}),
		end("done", "done"))
	router := linear("router",
		wait("wait", journey.Days(3), "go"),
		journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "target"}})
	audience := target
	audience.ID, audience.Triggers = "audience", []journey.Trigger{{Type: journey.TriggerAudience, Audience: "a"}}
	twice := linear("twice",
		email("first", "first", "wait", &journey.Recipients{Roles: []string{"Economic Buyer"}}),
		wait("wait", journey.Duration(time.Hour), "second"),
		email("second", "second", "done", &journey.Recipients{Roles: []string{"Economic Buyer"}}),
		end("done", "done"))
	listed := func(r journey.ReEntry) journey.Journey {
		j := linear("listed", wait("wait", journey.Days(2), "done"), end("done", "done"))
		j.Triggers, j.ReEntry = []journey.Trigger{{Type: journey.TriggerList, List: "vip"}}, r
		return j
	}
	// the monthly cap keeps the messages of the month in the state
	capped := journey.Config{Caps: []journey.Cap{{Name: "daily", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(1), Policy: journey.CapDefer},
		{Name: "monthly", Max: 100, Per: journey.Days(30)}}}
	type dated struct {
		What string
		At   time.Time
	}
	tests := []struct {
		name     string
		cfg      journey.Config
		journeys []journey.Journey
		enter    string
		lists    []string
		events   []journey.Event
		// the late step's entries ("enter <journey>"), messages ("send
		// <template>") and ends ("end <journey>"), and the messages the
		// caps count, each with its time
		want     []dated
		contacts []time.Time
	}{
		{name: "a go-to enters its journey when it was reached", cfg: capped, journeys: []journey.Journey{target, router}, enter: "router",
			want: []dated{{"end router", day0.Add(days(3))}, {"enter target", day0.Add(days(3))},
				{"send hello", day0.Add(days(5))}, {"end target", day0.Add(days(5))}},
			contacts: []time.Time{day0.Add(days(5))}},
		{name: "an audience entry enters when it happened", cfg: capped, journeys: []journey.Journey{audience},
			events:   []journey.Event{{Type: journey.EventAudienceEntered, Audience: "a", At: day0.Add(days(4))}},
			want:     []dated{{"enter audience", day0.Add(days(4))}, {"send hello", day0.Add(days(6))}, {"end audience", day0.Add(days(6))}},
			contacts: []time.Time{day0.Add(days(6))}},
		{name: "a list lets the account in again as its instance ends", journeys: []journey.Journey{listed(journey.ReEntry{Mode: journey.ReEntryMax, Max: 4})},
			lists: []string{"vip"}, want: []dated{{"end listed", day0.Add(days(2))}, {"enter listed", day0.Add(days(2))},
				{"end listed", day0.Add(days(4))}, {"enter listed", day0.Add(days(4))}, {"end listed", day0.Add(days(6))},
				{"enter listed", day0.Add(days(6))}, {"end listed", day0.Add(days(8))}}},
		{name: "a list lets the account in again as its policy's wait ends", journeys: []journey.Journey{listed(journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(3), FromExit: true})},
			lists: []string{"vip"}, want: []dated{{"end listed", day0.Add(days(2))}, {"enter listed", day0.Add(days(5))}, {"end listed", day0.Add(days(7))}}},
		{name: "a deferred message goes out at the time it was deferred to", cfg: capped, journeys: []journey.Journey{twice}, enter: "twice",
			want:     []dated{{"send second", day0.Add(days(1))}},
			contacts: []time.Time{day0, day0.Add(days(1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, tt.cfg, tt.journeys...)
			view := acmeView()
			view.Lists = tt.lists
			var st journey.State
			if tt.enter != "" || tt.lists != nil {
				var entries []journey.Event
				if tt.enter != "" {
					entries = manual(tt.enter, day0)
				}
				cat.Step(&st, journey.Input{View: view, Now: day0, Events: entries})
				cat.Step(&st, journey.Input{View: view, Now: day0.Add(time.Hour)})
			}
			res := cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(9)), Events: tt.events})
			var got []dated
			for _, d := range res.Trace {
				switch d.Kind {
				case journey.DecisionEnter:
					got = append(got, dated{"enter " + d.Journey, d.At})
				case journey.DecisionSend:
					got = append(got, dated{"send " + ofKey(res.Outbox, d.Key).Template, d.At})
					require.Equal(t, d.At, ofKey(res.Outbox, d.Key).At, "the message's time")
				case journey.DecisionExit, journey.DecisionComplete:
					got = append(got, dated{"end " + d.Journey, d.At})
				}
			}
			require.Equal(t, tt.want, got)
			var contacts []time.Time
			for _, c := range st.Contacts {
				contacts = append(contacts, c.At)
			}
			require.Equal(t, tt.contacts, contacts)
		})
	}
}

func ofKey(out []journey.OutboxEntry, key string) journey.OutboxEntry {
	for _, e := range out {
		if e.Key == key {
			return e
		}
	}
	return journey.OutboxEntry{}
}

// An event without a time (At zero) happens at the step's time: after
// everything due before it, as an event dated then. A step that runs late
// used to take it first: an undated exit ended the instance before the
// email due days earlier went out, and a listen whose timeout had passed
// still heard an undated event.
func TestLateStepUndatedEventHappensAtTheStepsTime(t *testing.T) {
	t.Parallel()
	mail := linear("mail", wait("w", journey.Days(2), "mail"), email("mail", "second", "w2", nil),
		wait("w2", journey.Days(7), "done"), end("done", ""))
	mail.Exits = []journey.Exit{{Reason: "opportunity created", Event: journey.EventOpportunity}}
	listen := linear("listen",
		journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
			Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
			Timeout: journey.Days(7), Next: "heard", OnTimeout: "silence"}},
		end("heard", "heard"), end("silence", "silence"))
	demo := journey.Event{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, Person: "p-vpe"}
	tests := []struct {
		name    string
		j       journey.Journey
		step    time.Time
		event   journey.Event
		sent    int
		outcome string
		reason  string
	}{
		{"an exit after a message due before it", mail, day0.Add(days(5)), journey.Event{Type: journey.EventOpportunity}, 3, "", "opportunity created"},
		{"an event after a listen's timeout", listen, day0.Add(days(10)), demo, 0, "silence", "completed"},
		{"an event before a listen's timeout", listen, day0.Add(days(3)), demo, 0, "heard", "completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, tt.j)
			results := map[string]journey.Result{}
			for name, at := range map[string]time.Time{"dated": tt.step, "undated": {}} {
				var st journey.State
				cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual(tt.j.ID, day0)})
				ev := tt.event
				ev.At = at
				results[name] = cat.Step(&st, journey.Input{View: acmeView(), Now: tt.step, Events: []journey.Event{ev}})
			}
			res := results["undated"]
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), tt.sent)
			require.Len(t, res.Ended, 1)
			require.Equal(t, tt.outcome, res.Ended[0].Outcome)
			require.Equal(t, tt.reason, res.Ended[0].Reason)
			if diff := cmp.Diff(results["dated"], res); diff != "" {
				t.Errorf("undated event decides otherwise than one dated at the step's time (-dated +undated):\n%s", diff)
			}
		})
	}
}
