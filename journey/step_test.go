package journey_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

func dripJourney(id string, gap journey.Duration, n int) journey.Journey {
	j := journey.Journey{ID: id}
	for i := 0; i < n; i++ {
		mail, w := journey.NodeID("mail-"+itoa(i)), journey.NodeID("wait-"+itoa(i))
		next := journey.NodeID("mail-" + itoa(i+1))
		if i == n-1 {
			next = "end"
		}
		j.Nodes = append(j.Nodes, email(mail, id+"-"+itoa(i), w, &journey.Recipients{Roles: []string{"Technical Evaluator"}}), wait(w, gap, next))
	}
	j.Nodes = append(j.Nodes, end("end", "done"))
	return j
}

func TestIdleStepIsFree(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("pipeline-acceleration", day0)})
	require.False(t, res.Idle)
	before := st.Clone()
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(2))})
	require.True(t, res.Idle)
	require.Equal(t, day0.Add(days(5)), res.Due)
	require.Empty(t, cmp.Diff(before, st))
	view.Revision++
	res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(2))})
	require.False(t, res.Idle, "a new view revision is looked at")
}

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	var st journey.State
	in := journey.Input{View: view, Now: day0, Events: manual("pipeline-acceleration", day0)}
	saved := st.Clone()
	a := cat.Step(&st, in)
	b := cat.Step(&saved, in)
	require.Empty(t, cmp.Diff(a, b), "the same state and input give the same result")
	seen := map[string]bool{}
	for res := a; !res.Due.IsZero(); {
		for _, e := range res.Outbox {
			require.False(t, seen[e.Key], "key %s reused", e.Key)
			seen[e.Key] = true
		}
		res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
	}
	require.Len(t, seen, 3+3*3, "intro to 3, then 3 nurtures to the 3 members under 20 points")
}

func TestReEntry(t *testing.T) {
	t.Parallel()
	short := func(r journey.ReEntry) journey.Journey {
		j := linear("re", wait("w", journey.Days(1), "end"), end("end", ""))
		j.ReEntry = r
		return j
	}
	tests := []struct {
		name    string
		policy  journey.ReEntry
		entries []int // day of each manual entry attempt
		want    int   // entries that happened
	}{
		{"never", journey.ReEntry{}, []int{0, 5, 30}, 1},
		{"at most 2", journey.ReEntry{Mode: journey.ReEntryMax, Max: 2}, []int{0, 5, 10, 15}, 2},
		{"after 7 days from entry", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(7)}, []int{0, 5, 7, 13, 14}, 3},
		{"after 7 days from exit", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(7), FromExit: true}, []int{0, 7, 8, 15, 16}, 3},
	}
	t.Run("never twice at once", func(t *testing.T) {
		cat := newCatalog(t, journey.Config{}, short(journey.ReEntry{Mode: journey.ReEntryMax, Max: 5}))
		var st journey.State
		res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: append(manual("re", day0), manual("re", day0)...)})
		require.Len(t, decisions(res.Trace, journey.DecisionEnter), 1)
		require.Equal(t, "manual entry: already in the journey", decisions(res.Trace, journey.DecisionNoEntry)[0].Reason)
		res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(time.Hour), Events: manual("re", day0)})
		require.Len(t, decisions(res.Trace, journey.DecisionNoEntry), 1, "still running")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := newCatalog(t, journey.Config{}, short(tt.policy))
			var st journey.State
			entered := 0
			for _, d := range tt.entries {
				now := day0.Add(days(d))
				res := cat.Step(&st, journey.Input{View: acmeView(), Now: now, Events: manual("re", now)})
				entered += len(decisions(res.Trace, journey.DecisionEnter))
				if len(decisions(res.Trace, journey.DecisionEnter)) == 0 {
					require.NotEmpty(t, decisions(res.Trace, journey.DecisionNoEntry), "a refusal is traced")
				}
				if !res.Due.IsZero() {
					cat.Step(&st, journey.Input{View: acmeView(), Now: res.Due})
				}
			}
			require.Equal(t, tt.want, entered)
		})
	}
}

// An account in the list of a journey that it may enter again after a
// while is due for a step when that time comes: nothing else may change
// in a quiet account, and the list trigger is checked only in a step
// that is not idle.
// TestListReEntryIsDue: an account in a list trigger's list enters again
// as soon as the re-entry policy lets it: at the time a ReEntryAfter
// policy names, which the account is due for, or, when the policy lets it
// in as its instance ends, in the step where it ended, not at whatever
// step some other change brings.
func TestListReEntryIsDue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		policy journey.ReEntry
		again  time.Time // zero: never again; day0 + 2 days: as the first instance ends
	}{
		{"after 30 days from entry", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(30)}, day0.Add(days(30))},
		{"after 30 days from exit", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(30), FromExit: true}, day0.Add(days(32))},
		{"after a day from entry, before the instance ends", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(1)}, day0.Add(days(2))},
		{"never", journey.ReEntry{}, time.Time{}},
		{"at most 2", journey.ReEntry{Mode: journey.ReEntryMax, Max: 2}, day0.Add(days(2))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := linear("monthly", email("mail", "news", "w", nil), wait("w", journey.Days(2), "end"), end("end", ""))
			j.Triggers = []journey.Trigger{{Type: journey.TriggerList, List: "tier-1"}}
			j.ReEntry = tc.policy
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Lists = []string{"tier-1"}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0})
			require.Len(t, decisions(res.Trace, journey.DecisionEnter), 1)
			res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
			require.Len(t, res.Ended, 1)
			if !tc.again.Equal(day0.Add(days(2))) {
				require.Empty(t, decisions(res.Trace, journey.DecisionEnter))
				require.True(t, tc.again.Equal(res.Due), "due %v, want %v", res.Due, tc.again)
				if tc.again.IsZero() {
					return
				}
				res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
			}
			enter := decisions(res.Trace, journey.DecisionEnter)
			require.Len(t, enter, 1, "entered again")
			require.Equal(t, tc.again, enter[0].At)
			require.Equal(t, 2, st.Instances[0].Entry)
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), 3, "the new instance ran")
		})
	}
}

// An account enters a list trigger's journey again in the step its
// instance ended at most once: an instance that ends as soon as it
// enters, of a journey that lets it in again and again, does not loop.
func TestListReEntryOncePerStep(t *testing.T) {
	t.Parallel()
	j := linear("instant", email("mail", "news", "end", nil), end("end", ""))
	j.Triggers = []journey.Trigger{{Type: journey.TriggerList, List: "tier-1"}}
	j.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax, Max: 1000}
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Lists = []string{"tier-1"}
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0})
	require.Len(t, decisions(res.Trace, journey.DecisionEnter), 2)
	require.Len(t, res.Ended, 2)
	require.Empty(t, st.Instances)
	require.Equal(t, 2, recordOf(st, "instant").Entries)
}

func TestTriggers(t *testing.T) {
	t.Parallel()
	mk := func(tr journey.Trigger) journey.Journey {
		j := linear("t", end("end", ""))
		j.Triggers = []journey.Trigger{tr}
		return j
	}
	tests := []struct {
		name    string
		trigger journey.Trigger
		edit    func(v *journey.AccountView)
		events  []journey.Event
		enter   bool
	}{
		{"audience", journey.Trigger{Type: journey.TriggerAudience, Audience: "missing EB"}, nil,
			[]journey.Event{{Type: journey.EventAudienceEntered, Audience: "missing EB"}}, true},
		{"other audience", journey.Trigger{Type: journey.TriggerAudience, Audience: "missing EB"}, nil,
			[]journey.Event{{Type: journey.EventAudienceEntered, Audience: "other"}}, false},
		{"group created for any interest", journey.Trigger{Type: journey.TriggerGroupCreated}, nil,
			[]journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Security"}}, true},
		{"group created for another interest", journey.Trigger{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}, nil,
			[]journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Security"}}, false},
		// An event about a buying group may name only the group: it is
		// of that group's interest, as for every other event.
		{"group created, named by its group only, for the trigger's interest", journey.Trigger{Type: journey.TriggerGroupCreated, SolutionInterest: "Security"},
			withSecurityGroup, []journey.Event{{Type: journey.EventGroupCreated, Group: "g-acme-sec"}}, true},
		{"group created, named by its group only, for another interest", journey.Trigger{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"},
			withSecurityGroup, []journey.Event{{Type: journey.EventGroupCreated, Group: "g-acme-sec"}}, false},
		{"group created, named by its group only: the condition reads the created group", journey.Trigger{Type: journey.TriggerGroupCreated, When: `group.solutionInterest == "Security"`},
			withSecurityGroup, []journey.Event{{Type: journey.EventGroupCreated, Group: "g-acme-sec"}}, true},
		{"attribute changed to", journey.Trigger{Type: journey.TriggerAttributeChanged, Attribute: "account.intentTier", To: "high"}, nil,
			[]journey.Event{{Type: journey.EventAttributeChanged, Attribute: "account.intentTier", From: "low", To: "high"}}, true},
		{"attribute changed to something else", journey.Trigger{Type: journey.TriggerAttributeChanged, Attribute: "account.intentTier", To: "high"}, nil,
			[]journey.Event{{Type: journey.EventAttributeChanged, Attribute: "account.intentTier", To: "medium"}}, false},
		{"trigger condition", journey.Trigger{Type: journey.TriggerAudience, Audience: "a", When: "account.employees > 5000"}, nil,
			[]journey.Event{{Type: journey.EventAudienceEntered, Audience: "a"}}, false},
		{"static list", journey.Trigger{Type: journey.TriggerList, List: "tier-1"},
			func(v *journey.AccountView) { v.Lists = []string{"tier-1"} }, nil, true},
		{"not in the static list", journey.Trigger{Type: journey.TriggerList, List: "tier-1"}, nil, nil, false},
		{"dynamic list", journey.Trigger{Type: journey.TriggerList, When: `account.industry == "Software" && "ICP" in audiences`},
			func(v *journey.AccountView) { v.Audiences = []string{"ICP"} }, nil, true},
		{"manual trigger only enters manually", journey.Trigger{Type: journey.TriggerManual}, nil,
			[]journey.Event{{Type: journey.EventAudienceEntered, Audience: "a"}}, false},
		// The condition's group is the one the instance's track gets: the
		// created group, or the trigger's interest's, not the account's first.
		{"group created: the condition reads the created group", journey.Trigger{Type: journey.TriggerGroupCreated, When: "group.completeness >= 0.5"},
			withSecurityGroup, []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Security"}}, false},
		{"group created: the condition reads the created group, which holds", journey.Trigger{Type: journey.TriggerGroupCreated, When: `group.solutionInterest == "Security"`},
			withSecurityGroup, []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Security"}}, true},
		{"audience for an interest: the condition reads its group", journey.Trigger{Type: journey.TriggerAudience, Audience: "a", SolutionInterest: "Security", When: "group.completeness >= 0.5"},
			withSecurityGroup, []journey.Event{{Type: journey.EventAudienceEntered, Audience: "a"}}, false},
		{"dynamic list for an interest: the condition reads its group", journey.Trigger{Type: journey.TriggerList, SolutionInterest: "Security", When: "group.completeness >= 0.5"},
			withSecurityGroup, nil, false},
		{"group attribute changed in another interest's group", journey.Trigger{Type: journey.TriggerAttributeChanged, Attribute: "group.readinessTier", SolutionInterest: "Data Platform"},
			withSecurityGroup, []journey.Event{{Type: journey.EventAttributeChanged, Attribute: "group.readinessTier", SolutionInterest: "Security", Group: "g-acme-sec", To: "high"}}, false},
		{"group attribute changed in the trigger's interest's group", journey.Trigger{Type: journey.TriggerAttributeChanged, Attribute: "group.readinessTier", SolutionInterest: "Security"},
			withSecurityGroup, []journey.Event{{Type: journey.EventAttributeChanged, Attribute: "group.readinessTier", SolutionInterest: "Security", Group: "g-acme-sec", To: "high"}}, true},
		{"group attribute changed: the condition reads the changed group", journey.Trigger{Type: journey.TriggerAttributeChanged, Attribute: "group.readinessTier", When: `group.solutionInterest == "Security"`},
			withSecurityGroup, []journey.Event{{Type: journey.EventAttributeChanged, Attribute: "group.readinessTier", SolutionInterest: "Security", Group: "g-acme-sec", To: "high"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := newCatalog(t, journey.Config{}, mk(tt.trigger))
			view := acmeView()
			if tt.edit != nil {
				tt.edit(view)
			}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: tt.events})
			require.Equal(t, tt.enter, len(decisions(res.Trace, journey.DecisionEnter)) == 1, "%v", res.Trace)
		})
	}
}

// An instance that a group's attribute change let in addresses that
// group, as one that a group's creation let in addresses the new group:
// its splits and messages are about the group that changed.
func TestGroupAttributeTriggerAddressesTheChangedGroup(t *testing.T) {
	t.Parallel()
	j := linear("fast-track",
		journey.Node{ID: "tier?", Kind: journey.KindSplit, Split: &journey.Split{
			Paths: []journey.Path{{Name: "high", When: `group.readinessTier == "high"`, Next: "mail"}}, Else: "slow"}},
		email("mail", "fast", "fast", nil),
		end("fast", "fast"), end("slow", "slow"))
	j.Triggers = []journey.Trigger{{Type: journey.TriggerAttributeChanged, Attribute: "group.readinessTier", To: "high"}}
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	withSecurityGroup(view)
	view.Groups[0].ReadinessTier = "low"
	view.Groups[1].ReadinessTier = "high"
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: []journey.Event{{Type: journey.EventAttributeChanged, At: day0,
		Attribute: "group.readinessTier", SolutionInterest: "Security", Group: "g-acme-sec", From: "low", To: "high"}}})
	require.Len(t, res.Ended, 1, "%v", res.Trace)
	require.Equal(t, "fast", res.Ended[0].Outcome)
	mails := ofType(res.Outbox, journey.ActionEmail)
	require.Equal(t, []b2b.PersonID{"p-vpe"}, persons(mails), "the members of the group that changed")
	require.Equal(t, "g-acme-sec", mails[0].Group)
}

// An instance of a journey bound to a solution interest (every trigger
// names it) addresses that interest's group however it enters: by hand
// or by a go-to that names no interest, not the account's first group nor
// every group. The journey is written for that group, so it takes no
// entry for another interest: a manual entry naming one is refused, and
// so is a go-to from a track of one, whose instance exits with why, as
// at a go-to to a journey that is not live, instead of handing over to an
// instance that would move and message the other interest's group.
func TestBoundJourneyAddressesItsInterestHoweverEntered(t *testing.T) {
	t.Parallel()
	bound := linear("security",
		journey.Node{ID: "stage", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Consideration", Next: "mail"}},
		email("mail", "intro", "end", nil),
		end("end", ""))
	bound.Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Security"}}
	router := linear("router", journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "security"}})
	cat := newCatalog(t, journey.Config{}, bound, router)
	const notDP = "journey is bound to solution interest Security, not Data Platform"
	manualEntry := func(id, interest string) journey.Event {
		return journey.Event{Type: journey.EventManualEntry, Journey: id, SolutionInterest: interest}
	}
	for _, tc := range []struct {
		name   string
		event  journey.Event
		group  string // "": the journey took no entry
		mailed []b2b.PersonID
		told   []told // the entries, refusals and exits
		ended  []journey.Ended
	}{
		{name: "manual entry", event: manualEntry("security", ""), group: "g-acme-sec", mailed: []b2b.PersonID{"p-vpe"}},
		{name: "manual entry naming its interest", event: manualEntry("security", "Security"), group: "g-acme-sec", mailed: []b2b.PersonID{"p-vpe"}},
		{name: "go-to from a journey without an interest", event: manualEntry("router", ""), group: "g-acme-sec", mailed: []b2b.PersonID{"p-vpe"}},
		{name: "go-to from a track of its interest", event: manualEntry("router", "Security"), group: "g-acme-sec", mailed: []b2b.PersonID{"p-vpe"}},
		{name: "manual entry naming another interest", event: manualEntry("security", "Data Platform"),
			told: []told{{journey.DecisionNoEntry, "security", 0, "", "", "manual entry: " + notDP}}},
		{name: "go-to from a track of another interest", event: manualEntry("router", "Data Platform"),
			told: []told{
				{journey.DecisionEnter, "router", 1, "go", "", "manual entry"},
				{journey.DecisionExit, "router", 1, "", "", "go to journey security: " + notDP},
				{journey.DecisionNoEntry, "security", 0, "", "", "go to from router: " + notDP},
			},
			ended: []journey.Ended{{Journey: "router", Version: 1, Entry: 1, At: day0, Reason: "go to journey security: " + notDP}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			withSecurityGroup(view)
			ev := tc.event
			ev.At = day0
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: []journey.Event{ev}})
			stages := ofType(res.Outbox, journey.ActionChangeStage)
			if tc.group == "" {
				require.Empty(t, res.Outbox)
				if diff := cmp.Diff(tc.told, tell(res.Trace, journey.DecisionEnter, journey.DecisionNoEntry, journey.DecisionExit)); diff != "" {
					t.Errorf("decisions (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.ended, res.Ended); diff != "" {
					t.Errorf("ended (-want +got):\n%s", diff)
				}
				require.Zero(t, recordOf(st, "security").Entries)
				return
			}
			require.Len(t, stages, 1, "%v", res.Trace)
			require.Equal(t, tc.group, stages[0].Group)
			require.Equal(t, tc.mailed, persons(ofType(res.Outbox, journey.ActionEmail)))
		})
	}
}

// withSecurityGroup adds a second buying group, for "Security", after the
// Data Platform group of acmeView.
func withSecurityGroup(v *journey.AccountView) {
	v.Groups = append(v.Groups, journey.GroupView{ID: "g-acme-sec", SolutionInterest: "Security", Stage: "Awareness", Completeness: 0.2,
		Members: []journey.Member{{Person: "p-vpe", Role: "Technical Evaluator"}}})
}

// TestTriggerRuleErrorNamesJourney: a trigger condition that fails on data
// is traced as a rule_error that names its journey, version and time.
func TestTriggerRuleErrorNamesJourney(t *testing.T) {
	t.Parallel()
	failing := `len(0..1000000) > 10` // more than expr's memory budget
	tests := []struct {
		name    string
		trigger journey.Trigger
		events  []journey.Event
	}{
		{"dynamic list", journey.Trigger{Type: journey.TriggerList, When: failing}, nil},
		{"event trigger", journey.Trigger{Type: journey.TriggerAudience, Audience: "a", When: failing},
			[]journey.Event{{Type: journey.EventAudienceEntered, Audience: "a", At: day0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := linear("dyn", end("end", ""))
			j.Triggers = []journey.Trigger{tt.trigger}
			cat := newCatalog(t, journey.Config{}, j)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: tt.events})
			errs := decisions(res.Trace, journey.DecisionRuleError)
			require.Len(t, errs, 1, "%v", res.Trace)
			got := errs[0]
			require.Contains(t, got.Reason, "(treated as false)")
			got.Reason = ""
			want := journey.Decision{At: day0, Kind: journey.DecisionRuleError, Journey: "dyn", Version: 1, Rule: "trigger 0", Expr: failing}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("rule error (-want +got):\n%s", diff)
			}
			require.Empty(t, st.Instances)
		})
	}
}

func TestVersions(t *testing.T) {
	t.Parallel()
	v1 := dripJourney("drip", journey.Days(3), 2)
	cat := newCatalog(t, journey.Config{}, v1)
	view := acmeView()
	var old journey.State
	res := cat.Step(&old, journey.Input{View: view, Now: day0, Events: manual("drip", day0)})
	require.Equal(t, "drip-0", res.Outbox[0].Template)
	require.Equal(t, 1, res.Outbox[0].Version)

	// Editing the live journey publishes version 2.
	v2 := dripJourney("drip", journey.Days(3), 2)
	v2.Nodes[2].Action.Template = "drip-1-new"
	cat, ver, err := cat.Publish(v2)
	require.NoError(t, err)
	require.Equal(t, 2, ver.Number())

	// The running instance keeps version 1.
	res = cat.Step(&old, journey.Input{View: view, Now: day0.Add(days(3))})
	require.Equal(t, "drip-1", res.Outbox[0].Template)
	require.Equal(t, 1, res.Outbox[0].Version)

	// A new entry gets version 2.
	var fresh journey.State
	view2 := acmeView()
	view2.Account.ID = "globex"
	cat.Step(&fresh, journey.Input{View: view2, Now: day0, Events: manual("drip", day0)})
	res = cat.Step(&fresh, journey.Input{View: view2, Now: day0.Add(days(3))})
	require.Equal(t, "drip-1-new", res.Outbox[0].Template)
	require.Equal(t, 2, res.Outbox[0].Version)
	first, ok := cat.Version("drip", 1)
	require.True(t, ok)
	require.Equal(t, "drip-1", first.Definition().Nodes[2].Action.Template)
}

// TestVersionFingerprints: a catalog built anew with another definition
// under the number an instance runs (a process started without the
// history of what was installed) ends the instance with why instead of
// running it on a definition it did not enter; the same definition goes
// on.
func TestVersionFingerprints(t *testing.T) {
	t.Parallel()
	v1 := dripJourney("drip", journey.Days(3), 2)
	cat := newCatalog(t, journey.Config{}, v1)
	var st journey.State
	cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	require.Len(t, st.Instances, 1)
	ver, ok := cat.Version("drip", 1)
	require.True(t, ok)
	require.Equal(t, uint64(0xdda6b29e9019399a), ver.Fingerprint(),
		"a definition's fingerprint is stored in running instances: a change to how journeys encode (a field added without omitempty) ends them all")
	require.Equal(t, ver.Fingerprint(), st.Instances[0].Fingerprint)

	same := st.Clone()
	res := newCatalog(t, journey.Config{}, dripJourney("drip", journey.Days(3), 2)).Step(&same, journey.Input{View: acmeView(), Now: day0.Add(days(3))})
	require.Equal(t, "drip-1", res.Outbox[0].Template, "the same definition, rebuilt, goes on")

	edited := dripJourney("drip", journey.Days(3), 2)
	edited.Nodes[2].Action.Template = "drip-1-new"
	other := newCatalog(t, journey.Config{}, edited)
	res = other.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(3))})
	require.Empty(t, res.Outbox, "nothing sent from a definition the instance did not enter")
	require.Len(t, res.Ended, 1)
	require.Contains(t, res.Ended[0].Reason, "is not the one the instance entered")
	require.Empty(t, st.Instances)
}

// TestCarry: a version carried from another catalog keeps its definition
// and fingerprint, runs its instances on, and is not validated against the
// new catalog's configuration (which no longer has a role it names).
func TestCarry(t *testing.T) {
	t.Parallel()
	j := dripJourney("drip", journey.Days(3), 2)
	j.Nodes[0].Action.Recipients = &journey.Recipients{Roles: []string{"Technical Evaluator"}}
	old := newCatalog(t, journey.Config{Roles: []string{"Technical Evaluator", "Champion"}}, j)
	var st journey.State
	res := old.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	require.Len(t, res.Outbox, 1)
	v1, ok := old.Version("drip", 1)
	require.True(t, ok)

	next, err := journey.NewCatalog(journey.Config{Roles: []string{"Champion"}})
	require.NoError(t, err)
	_, _, err = next.Publish(v1.Definition())
	require.ErrorContains(t, err, `unknown role "Technical Evaluator"`, "publishing validates against the new roles")
	next, err = next.Carry(v1)
	require.NoError(t, err)
	carried, ok := next.Version("drip", 1)
	require.True(t, ok)
	require.Equal(t, v1.Fingerprint(), carried.Fingerprint())
	require.Equal(t, 1, carried.Number())
	status, _ := next.Status("drip")
	require.Equal(t, journey.StatusLive, status)
	res = next.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(3))})
	require.Empty(t, res.Ended)
	require.Len(t, res.Outbox, 1, "the instance goes on on the version it entered")
	require.Equal(t, "drip-1", res.Outbox[0].Template)

	_, err = next.Carry(v1)
	require.ErrorContains(t, err, "the next version here is 2")
	_, err = next.Carry(nil)
	require.Error(t, err)
	closed, err := next.Close("drip")
	require.NoError(t, err)
	v2, _, err := old.Publish(dripJourney("drip", journey.Days(3), 3))
	require.NoError(t, err)
	v2v, _ := v2.Version("drip", 2)
	_, err = closed.Carry(v2v)
	require.ErrorIs(t, err, journey.ErrLifecycle)
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{})
	j := dripJourney("drip", journey.Days(3), 3)
	cat, err := cat.SaveDraft(j)
	require.NoError(t, err)
	st, _ := cat.Status("drip")
	require.Equal(t, journey.StatusDraft, st)
	var s journey.State
	res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	require.Empty(t, decisions(res.Trace, journey.DecisionEnter), "a draft takes no entries")

	_, err = cat.Close("drip")
	require.ErrorIs(t, err, journey.ErrLifecycle)
	cat, _, err = cat.Publish(j)
	require.NoError(t, err)
	res = cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	require.Len(t, decisions(res.Trace, journey.DecisionEnter), 1)

	closed, err := cat.Close("drip")
	require.NoError(t, err)
	_, _, err = closed.Publish(j)
	require.ErrorIs(t, err, journey.ErrLifecycle)
	var other journey.State
	view := acmeView()
	view.Account.ID = "other"
	res = closed.Step(&other, journey.Input{View: view, Now: day0, Events: manual("drip", day0)})
	require.Empty(t, decisions(res.Trace, journey.DecisionEnter), "closed to new entries")
	res = closed.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(3))})
	require.Len(t, res.Outbox, 1, "running instances go on")

	aborted, err := closed.Abort("drip")
	require.NoError(t, err)
	res = aborted.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(4))})
	require.Equal(t, []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: day0.Add(days(4)), Reason: "journey aborted"}}, res.Ended)
	_, err = aborted.Finish("drip")
	require.ErrorIs(t, err, journey.ErrLifecycle)
	_, err = cat.Abort("nope")
	require.ErrorIs(t, err, journey.ErrUnknownJourney)

	finished, err := closed.Finish("drip")
	require.NoError(t, err)
	s2 := journey.State{}
	cat.Step(&s2, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	res = finished.Step(&s2, journey.Input{View: acmeView(), Now: day0.Add(days(1))})
	require.Equal(t, "journey finished", res.Ended[0].Reason)
}

func TestEndDate(t *testing.T) {
	t.Parallel()
	j := dripJourney("drip", journey.Days(3), 3)
	j.EndAt = day0.Add(days(4))
	cat := newCatalog(t, journey.Config{}, j)
	var s journey.State
	cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("drip", day0)})
	res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(3))})
	require.Len(t, res.Outbox, 1)
	res = cat.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(6))})
	require.Empty(t, res.Outbox)
	require.Equal(t, "journey ended", res.Ended[0].Reason)
	var late journey.State
	res = cat.Step(&late, journey.Input{View: acmeView(), Now: day0.Add(days(5)), Events: manual("drip", day0)})
	require.Empty(t, decisions(res.Trace, journey.DecisionEnter))
}

// TestEndDateIsDue: a runner that sleeps until Result.Due ends an instance
// at its journey's end date, not at the end of a longer wait.
func TestEndDateIsDue(t *testing.T) {
	t.Parallel()
	j := linear("e", wait("w", journey.Days(14), "end"), end("end", ""))
	j.EndAt = day0.Add(days(3))
	cat := newCatalog(t, journey.Config{}, j)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("e", day0)})
	require.Equal(t, j.EndAt, res.Due, "the end date comes before the wait's end")
	res = cat.Step(&st, journey.Input{View: acmeView(), Now: res.Due})
	require.Equal(t, []journey.Ended{{Journey: "e", Version: 1, Entry: 1, At: j.EndAt, Reason: "journey ended"}}, res.Ended)
	require.True(t, res.Due.IsZero())
}

func TestExitsAndGoals(t *testing.T) {
	t.Parallel()
	j := dripJourney("drip", journey.Days(3), 5)
	j.Exits = []journey.Exit{
		{Reason: "opportunity created", Event: journey.EventOpportunity},
		{Reason: "sales ready", When: `group.stage == "Sales Ready"`},
		{Reason: "opted out", When: `all(persons, .person.consent.email.status == "opt-out")`},
	}
	j.Goals = []journey.Goal{{Name: "demo", When: `any(persons, .score >= 50)`}, {Name: "won", When: `any(opportunities, .status == "won")`, ExitOnGoal: true}}
	j.Completion = journey.Completion{Goal: "demo"}
	cat := newCatalog(t, journey.Config{}, j)
	start := func() (*journey.State, *journey.AccountView) {
		var s journey.State
		v := acmeView()
		cat.Step(&s, journey.Input{View: v, Now: day0, Events: manual("drip", day0)})
		return &s, v
	}
	t.Run("event exit", func(t *testing.T) {
		s, v := start()
		res := cat.Step(s, journey.Input{View: v, Now: day0.Add(days(1)), Events: []journey.Event{{Type: journey.EventOpportunity, At: day0.Add(days(1))}}})
		require.Equal(t, "opportunity created", res.Ended[0].Reason)
		require.Empty(t, s.Instances)
	})
	t.Run("state exit on change", func(t *testing.T) {
		s, v := start()
		v.Groups[0].Stage = "Sales Ready"
		v.Revision++
		res := cat.Step(s, journey.Input{View: v, Now: day0.Add(days(1))})
		require.Equal(t, "sales ready", res.Ended[0].Reason)
		require.False(t, res.Ended[0].Completed)
		ex := decisions(res.Trace, journey.DecisionExit)
		require.Equal(t, []journey.Value{{Name: "group.stage", Value: `"Sales Ready"`}}, ex[0].Values)
	})
	t.Run("everyone opted out", func(t *testing.T) {
		s, v := start()
		for i := range v.Persons {
			v.Persons[i].Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut}}
		}
		v.Revision++
		res := cat.Step(s, journey.Input{View: v, Now: day0.Add(days(1))})
		require.Equal(t, "opted out", res.Ended[0].Reason)
	})
	t.Run("goals, completion by goal, exit on goal", func(t *testing.T) {
		s, v := start()
		setScore(v, "p-vpe", 60)
		res := cat.Step(s, journey.Input{View: v, Now: day0.Add(days(1))})
		require.Equal(t, []journey.GoalHit{{Goal: "demo", At: day0.Add(days(1))}}, s.Instances[0].Goals)
		require.Len(t, decisions(res.Trace, journey.DecisionGoal), 1)
		v.Opportunities = []b2b.Opportunity{{ID: "o1", Status: b2b.OpportunityWon}}
		v.Revision++
		res = cat.Step(s, journey.Input{View: v, Now: day0.Add(days(2))})
		require.Equal(t, "goal won reached", res.Ended[0].Reason)
		require.True(t, res.Ended[0].Completed, "the completion goal was reached")
	})
	t.Run("exit on a goal that is not the completion goal", func(t *testing.T) {
		s, v := start()
		v.Opportunities = []b2b.Opportunity{{ID: "o1", Status: b2b.OpportunityWon}}
		v.Revision++
		res := cat.Step(s, journey.Input{View: v, Now: day0.Add(days(1))})
		require.Equal(t, []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: day0.Add(days(1)), Reason: "goal won reached", Completed: true}}, res.Ended,
			"ExitOnGoal ends the instance as completed")
	})
}

// A goal with ExitOnGoal that ends an instance is traced as an exit (the
// kind a host reads to learn why an instance stopped) with the goal's
// rule and values, and its reason names the goal, not an exit criterion
// that the journey does not have.
func TestExitOnGoalIsTracedAsAnExit(t *testing.T) {
	t.Parallel()
	j := dripJourney("drip", journey.Days(3), 5)
	j.Goals = []journey.Goal{{Name: "won", When: `any(opportunities, .status == "won")`, ExitOnGoal: true}}
	cat := newCatalog(t, journey.Config{}, j)
	var s journey.State
	v := acmeView()
	cat.Step(&s, journey.Input{View: v, Now: day0, Events: manual("drip", day0)})
	v.Opportunities = []b2b.Opportunity{{ID: "o1", Status: b2b.OpportunityWon}}
	v.Revision++
	res := cat.Step(&s, journey.Input{View: v, Now: day0.Add(days(1))})
	goals := decisions(res.Trace, journey.DecisionGoal)
	require.Len(t, goals, 1, "one goal decision: the goal was reached")
	require.Equal(t, "goal reached: won", goals[0].Reason)
	exits := decisions(res.Trace, journey.DecisionExit)
	require.Len(t, exits, 1, "the end of the instance is an exit decision")
	require.Equal(t, "goal won reached", exits[0].Reason)
	require.Equal(t, "goal won", exits[0].Rule)
	require.Equal(t, res.Ended[0].Reason, exits[0].Reason)
}

// An instance that addresses one buying group (it entered for the group
// of a solution interest) is not ended by an event about another
// interest's group: an opportunity for the Security Suite does not stop
// the Data Platform journey (option B: each group advances on its own).
// An event about the account, or about its own group, ends it.
func TestEventExitsOfAnInterest(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	for _, tc := range []struct {
		name  string
		event journey.Event
		exits bool
	}{
		{name: "opportunity for the instance's interest", event: journey.Event{Type: journey.EventOpportunity, SolutionInterest: "Data Platform"}, exits: true},
		{name: "opportunity for the account", event: journey.Event{Type: journey.EventOpportunity}, exits: true},
		{name: "opportunity for another interest", event: journey.Event{Type: journey.EventOpportunity, SolutionInterest: "Security"}},
		{name: "event naming another interest's group", event: journey.Event{Type: journey.EventOpportunity, Group: "g-acme-sec"}},
		{name: "event naming the instance's group", event: journey.Event{Type: journey.EventOpportunity, Group: "g-acme-dp"}, exits: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			view, st := enteredForDataPlatform(t, cat)
			ev := tc.event
			ev.At = day0.Add(days(1))
			res := cat.Step(&st, journey.Input{View: view, Now: ev.At, Events: []journey.Event{ev}})
			if !tc.exits {
				require.Empty(t, res.Ended, "%v", res.Trace)
				require.Len(t, st.Instances, 1)
				return
			}
			require.Len(t, res.Ended, 1)
			require.Equal(t, "opportunity created", res.Ended[0].Reason)
		})
	}
}

// TestConditionExitsOnEveryChange: condition exits are checked in every
// step that is not idle (new events, a new view revision, or time that
// made something due) and as an instance enters, however it enters,
// before it runs.
func TestConditionExitsOnEveryChange(t *testing.T) {
	t.Parallel()
	drip := func(exit journey.Exit, triggers ...journey.Trigger) journey.Journey {
		j := dripJourney("drip", journey.Days(3), 2)
		j.Exits, j.Triggers = []journey.Exit{exit}, triggers
		return j
	}
	salesReady := journey.Exit{Reason: "sales ready", When: `group.stage == "Sales Ready"`}
	readyView := func() *journey.AccountView {
		v := acmeView()
		v.Groups[0].Stage = "Sales Ready"
		return v
	}
	later := day0.Add(time.Hour)
	tests := []struct {
		name     string
		journeys []journey.Journey
		steps    func(cat *journey.Catalog, st *journey.State) journey.Result
		want     []journey.Ended
	}{
		{
			name:     "an event enters the account while an exit holds, same view revision",
			journeys: []journey.Journey{drip(salesReady)},
			steps: func(cat *journey.Catalog, st *journey.State) journey.Result {
				v := readyView()
				cat.Step(st, journey.Input{View: v, Now: day0})
				return cat.Step(st, journey.Input{View: v, Now: later, Events: manual("drip", later)})
			},
			want: []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: later, Reason: "sales ready"}},
		},
		{
			name:     "a list trigger enters the account while an exit holds",
			journeys: []journey.Journey{drip(salesReady, journey.Trigger{Type: journey.TriggerList, List: "focus"})},
			steps: func(cat *journey.Catalog, st *journey.State) journey.Result {
				v := readyView()
				v.Lists = []string{"focus"}
				return cat.Step(st, journey.Input{View: v, Now: day0})
			},
			want: []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: day0, Reason: "sales ready"}},
		},
		{
			name: "a go-to enters the account while an exit holds",
			journeys: []journey.Journey{drip(salesReady),
				linear("router", journey.Node{ID: "to-drip", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "drip"}})},
			steps: func(cat *journey.Catalog, st *journey.State) journey.Result {
				return cat.Step(st, journey.Input{View: readyView(), Now: day0, Events: manual("router", day0)})
			},
			want: []journey.Ended{
				{Journey: "router", Version: 1, Entry: 1, At: day0, Reason: "go to journey drip", Completed: true},
				{Journey: "drip", Version: 1, Entry: 1, At: day0, Reason: "sales ready"},
			},
		},
		{
			name:     "an event re-checks a running instance, same view revision",
			journeys: []journey.Journey{drip(journey.Exit{Reason: "stale", When: `daysSince(journey.enteredAt) >= 2`})},
			steps: func(cat *journey.Catalog, st *journey.State) journey.Result {
				v := acmeView()
				res := cat.Step(st, journey.Input{View: v, Now: day0, Events: manual("drip", day0)})
				require.Len(t, res.Outbox, 1)
				at := day0.Add(days(2))
				return cat.Step(st, journey.Input{View: v, Now: at, Events: []journey.Event{{Type: journey.EventActivity, ActivityType: b2b.ActivityVisitWebPage, Person: "p-vpe", At: at}}})
			},
			want: []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: day0.Add(days(2)), Reason: "stale"}},
		},
		{
			name:     "a wait ends, no event, same view revision: time alone re-checks it",
			journeys: []journey.Journey{drip(journey.Exit{Reason: "stale", When: `daysSince(journey.enteredAt) >= 2`})},
			steps: func(cat *journey.Catalog, st *journey.State) journey.Result {
				v := acmeView()
				res := cat.Step(st, journey.Input{View: v, Now: day0, Events: manual("drip", day0)})
				require.Len(t, res.Outbox, 1)
				return cat.Step(st, journey.Input{View: v, Now: res.Due})
			},
			want: []journey.Ended{{Journey: "drip", Version: 1, Entry: 1, At: day0.Add(days(3)), Reason: "stale"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var st journey.State
			res := tt.steps(newCatalog(t, journey.Config{}, tt.journeys...), &st)
			require.Empty(t, res.Outbox, "the exit holds: nothing is sent")
			if diff := cmp.Diff(tt.want, res.Ended); diff != "" {
				t.Errorf("ended (-want +got):\n%s", diff)
			}
			require.Empty(t, st.Instances)
		})
	}
}

func TestParallelTracks(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "multi", Nodes: []journey.Node{
		{ID: "fan-out", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "intro", Merge: "join"}},
		email("intro", "intro", "wait", &journey.Recipients{Roles: []string{"Technical Evaluator"}}),
		wait("wait", journey.Days(3), "engaged?"),
		{ID: "engaged?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{Name: "hot", When: "group.score >= 100", Next: "alert"}}, Else: "join"}},
		{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "hot", Next: "join"}},
		{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "wrap-up"}},
		{ID: "wrap-up", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAddToList, List: "nurtured", Next: "end"}},
		end("end", "done"),
	}}
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	// A second solution interest sharing the Technical Evaluator, and an
	// inactive third one.
	view.Groups = append(view.Groups,
		journey.GroupView{ID: "g-sec", SolutionInterest: "Security Suite", Score: 120, Members: []journey.Member{{Person: "p-vpe", Role: "Technical Evaluator"}, {Person: "p-mc", Role: "Champion"}}},
		journey.GroupView{ID: "g-old", SolutionInterest: "Legacy", Status: "closed_won", Members: []journey.Member{{Person: "p-vpe", Role: "Technical Evaluator"}}})
	var s journey.State
	res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("multi", day0)})
	mails := ofType(res.Outbox, journey.ActionEmail)
	require.Len(t, mails, 2, "one intro per active interest")
	require.Equal(t, []string{"Data Platform", "Security Suite"}, []string{mails[0].SolutionInterest, mails[1].SolutionInterest})
	require.NotEqual(t, mails[0].Key, mails[1].Key)
	require.Len(t, s.Instances[0].Tracks, 3)
	require.Equal(t, journey.TrackJoining, s.Instances[0].Tracks[0].Status)

	res = cat.Step(&s, journey.Input{View: view, Now: day0.Add(days(3))})
	alerts := ofType(res.Outbox, journey.ActionSalesAlert)
	require.Len(t, alerts, 1, "only the Security Suite group is hot")
	require.Equal(t, "g-sec", alerts[0].Group)
	require.Len(t, ofType(res.Outbox, journey.ActionAddToList), 1, "the parent continues once after the merge")
	require.Len(t, decisions(res.Trace, journey.DecisionMerge), 3)
	require.Equal(t, []journey.Ended{{Journey: "multi", Version: 1, Entry: 1, At: day0.Add(days(3)), Reason: "completed", Outcome: "done", Completed: true}}, res.Ended)
}

// A parallel node starts no track for a group in a closed stage (won or
// lost, as the host's stage model says), whatever its status.
func TestParallelSkipsClosedGroups(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "multi", Nodes: []journey.Node{
		{ID: "fan-out", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "intro", Merge: "join"}},
		email("intro", "intro", "join", &journey.Recipients{Roles: []string{"Technical Evaluator"}}),
		{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}},
		end("end", "done"),
	}}
	cat := newCatalog(t, journey.Config{}, j)
	for _, tt := range []struct {
		name   string
		status string
		closed bool
		want   string
	}{
		{"open", "", false, "tracks for Data Platform, Security Suite"},
		{"open and active", "active", false, "tracks for Data Platform, Security Suite"},
		{"closed", "", true, "tracks for Data Platform"},
		{"closed and active", "active", true, "tracks for Data Platform"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			view.Groups = append(view.Groups, journey.GroupView{ID: "g-sec", SolutionInterest: "Security Suite", Stage: "Closed Lost",
				Status: tt.status, Closed: tt.closed, Members: []journey.Member{{Person: "p-vpe", Role: "Technical Evaluator"}}})
			var s journey.State
			res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("multi", day0)})
			par := decisions(res.Trace, journey.DecisionParallel)
			require.Len(t, par, 1)
			require.Equal(t, tt.want, par[0].Reason)
		})
	}
}

func TestParallelWithoutMergeAndWithoutGroups(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "fan", Nodes: []journey.Node{
		{ID: "fan-out", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "intro", SolutionInterests: []string{"Data Platform"}}},
		email("intro", "intro", "end", nil),
		end("end", "done"),
	}}
	cat := newCatalog(t, journey.Config{}, j)
	var s journey.State
	res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("fan", day0)})
	require.Len(t, res.Outbox, 3)
	require.True(t, res.Ended[0].Completed)
	view := acmeView()
	view.Groups = nil
	s = journey.State{}
	res = cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("fan", day0)})
	require.Empty(t, res.Outbox)
	require.Equal(t, "no active solution interest: no track started", decisions(res.Trace, journey.DecisionParallel)[0].Reason)
	require.Len(t, res.Ended, 1)
}

func TestGoTo(t *testing.T) {
	t.Parallel()
	sub := linear("sub", email("hello", "sub-hello", "end", nil), end("end", "sub done"))
	router := linear("router",
		journey.Node{ID: "route", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "to-sub"}}, Else: "stop"}},
		journey.Node{ID: "to-sub", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "sub"}},
		end("stop", ""))
	cat := newCatalog(t, journey.Config{}, sub, router)
	var s journey.State
	res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("router", day0)})
	require.Len(t, res.Outbox, 3)
	require.Equal(t, "sub", res.Outbox[0].Journey)
	require.Equal(t, []string{"go to journey sub", "completed"}, []string{res.Ended[0].Reason, res.Ended[1].Reason})

	// publishing a journey that goes to an unknown journey fails
	bad := router
	bad.Nodes = append([]journey.Node(nil), router.Nodes...)
	bad.Nodes[1] = journey.Node{ID: "to-sub", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "nowhere"}}
	_, _, err := cat.Publish(bad)
	require.ErrorContains(t, err, `nodes["to-sub"].goto.journey: unknown journey "nowhere"`)
}

func TestActionsProduceInstructions(t *testing.T) {
	t.Parallel()
	j := linear("ops",
		journey.Node{ID: "attr", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSetAttribute, Target: "account", Attribute: "nurtureTrack", Value: "B", Next: "grp-attr"}},
		journey.Node{ID: "grp-attr", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSetAttribute, Target: "group", Attribute: "owner", Value: "sam", Next: "add"}},
		journey.Node{ID: "add", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAddToList, List: "linkedin-audience", Next: "remove"}},
		journey.Node{ID: "remove", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionRemoveFromList, List: "cold", Next: "score"}},
		journey.Node{ID: "score", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Delta: 10, Next: "pscore"}},
		journey.Node{ID: "pscore", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAdjustScore, Target: "person", Delta: -5, Recipients: &journey.Recipients{Roles: []string{"End User"}}, Next: "assign"}},
		journey.Node{ID: "assign", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAssignRole, Role: "Champion", Recipients: &journey.Recipients{When: `person.title == "VP of Engineering"`}, Next: "stage"}},
		journey.Node{ID: "stage", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Consideration", Next: "sms"}},
		journey.Node{ID: "sms", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSMS, Template: "text", Next: "end"}},
		end("end", ""))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Persons[0].Person.Phone = "+15550100"
	view.Persons[0].Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptIn}}
	view.Persons[1].Person.Phone = "+15550101" // no SMS opt-in
	var s journey.State
	res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("ops", day0)})
	type instr struct {
		Type                                  journey.ActionType
		Person                                b2b.PersonID
		Target, Attribute, Value, List, Stage string
		Role, Group                           string
		Delta                                 float64
	}
	var got []instr
	for _, e := range res.Outbox {
		got = append(got, instr{e.Type, e.Person, e.Target, e.Attribute, e.Value, e.List, e.Stage, e.Role, e.Group, e.Delta})
	}
	want := []instr{
		{Type: journey.ActionSetAttribute, Target: "account", Attribute: "nurtureTrack", Value: "B"},
		{Type: journey.ActionSetAttribute, Target: "group", Attribute: "owner", Value: "sam", Group: "g-acme-dp"},
		{Type: journey.ActionAddToList, List: "linkedin-audience"},
		{Type: journey.ActionRemoveFromList, List: "cold"},
		{Type: journey.ActionAdjustScore, Target: "group", Group: "g-acme-dp", Delta: 10},
		{Type: journey.ActionAdjustScore, Person: "p-de", Target: "person", Role: "End User", Group: "g-acme-dp", Delta: -5},
		{Type: journey.ActionAssignRole, Person: "p-vpe", Role: "Champion", Group: "g-acme-dp"},
		{Type: journey.ActionChangeStage, Stage: "Consideration", Group: "g-acme-dp"},
		{Type: journey.ActionSMS, Person: "p-cfo", Role: "Economic Buyer", Group: "g-acme-dp"},
	}
	require.Empty(t, cmp.Diff(want, got))
	skips := decisions(res.Trace, journey.DecisionSkip)
	require.Len(t, skips, 2)
	require.Equal(t, "consent: sms needs an opt-in, consent is unknown", skips[0].Reason)
	require.Equal(t, "no phone number", skips[1].Reason)
}

func TestConsent(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, linear("c", email("mail", "hi", "end", nil), end("end", "")))
	view := acmeView()
	view.Persons[0].Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: "marketo", At: day0}}
	view.Persons[2].Person.Email = ""
	var s journey.State
	res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("c", day0)})
	require.Equal(t, []b2b.PersonID{"p-vpe"}, persons(res.Outbox))
	skips := decisions(res.Trace, journey.DecisionSkip)
	require.Equal(t, `consent: opted out of email (source "marketo", 2025-03-03)`, skips[0].Reason)
	require.Equal(t, b2b.PersonID("p-cfo"), skips[0].Person)
	require.Equal(t, "no email address", skips[1].Reason)

	strict := newCatalog(t, journey.Config{Consent: journey.ConsentPolicy{RequireOptIn: []b2b.Channel{b2b.ChannelEmail}}},
		linear("c", email("mail", "hi", "end", nil), end("end", "")))
	s = journey.State{}
	res = strict.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("c", day0)})
	require.Empty(t, res.Outbox, "nobody opted in")
}

func TestCapsAcrossJourneys(t *testing.T) {
	t.Parallel()
	a := dripJourney("a", journey.Days(1), 3)
	b := dripJourney("b", journey.Days(1), 3)
	alerts := linear("alerts", journey.Node{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "x", Next: "end"}}, end("end", ""))
	run := func(t *testing.T, policy journey.CapPolicy) ([]journey.OutboxEntry, []journey.Decision) {
		cfg := journey.Config{Caps: []journey.Cap{{Name: "marketing email", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7), Policy: policy, MaxDefer: journey.Days(14)}}}
		cat := newCatalog(t, cfg, a, b, alerts)
		var s journey.State
		view := acmeView()
		var out []journey.OutboxEntry
		var trace []journey.Decision
		res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: append(append(manual("a", day0), manual("b", day0)...), manual("alerts", day0)...)})
		for {
			out = append(out, res.Outbox...)
			trace = append(trace, res.Trace...)
			if res.Due.IsZero() {
				return out, trace
			}
			res = cat.Step(&s, journey.Input{View: view, Now: res.Due})
		}
	}
	t.Run("skip", func(t *testing.T) {
		out, trace := run(t, journey.CapSkip)
		mails := ofType(out, journey.ActionEmail)
		require.Len(t, mails, 2, "2 of the 6 emails to the Technical Evaluator within 7 days")
		require.Len(t, ofType(out, journey.ActionSalesAlert), 1, "alerts are not capped")
		skips := decisions(trace, journey.DecisionSkip)
		require.Len(t, skips, 4)
		require.Equal(t, `frequency cap "marketing email" (2 email in 7d)`, skips[0].Reason)
	})
	t.Run("defer", func(t *testing.T) {
		out, trace := run(t, journey.CapDefer)
		mails := ofType(out, journey.ActionEmail)
		require.Len(t, mails, 6, "all six go out, none over the cap")
		for i := range mails {
			n := 0
			for _, m := range mails {
				if !m.At.After(mails[i].At) && m.At.After(mails[i].At.Add(-days(7))) {
					n++
				}
			}
			require.LessOrEqual(t, n, 2, "window ending at %v", mails[i].At)
		}
		defers := decisions(trace, journey.DecisionDefer)
		require.Len(t, defers, 6, "two messages were deferred twice")
		require.Equal(t, `frequency cap "marketing email" (2 email in 7d): deferred to 2025-03-10T09:00:00Z`, defers[0].Reason)
	})
	t.Run("contacts from other accounts count", func(t *testing.T) {
		cfg := journey.Config{Caps: []journey.Cap{{Name: "email", Max: 1, Per: journey.Days(7)}}}
		cat := newCatalog(t, cfg, linear("c", email("mail", "hi", "end", nil), end("end", "")))
		var s journey.State
		res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual("c", day0),
			Contacts: []journey.Contact{{Person: "p-cfo", Channel: b2b.ChannelEmail, Category: "marketing", Journey: "elsewhere", At: day0.Add(-days(1))}}})
		require.Equal(t, []b2b.PersonID{"p-vpe", "p-de"}, persons(res.Outbox))
	})
}

// A message a cap deferred is dropped, with a skip decision, when its
// instance exits before it goes out (an exit criterion, an abort: sending
// no longer fits); an instance that reaches its end node still sends it.
func TestDeferredMessagesOfAnInstanceThatExits(t *testing.T) {
	t.Parallel()
	cfg := journey.Config{Caps: []journey.Cap{{Name: "c", Max: 1, Per: journey.Days(7), Policy: journey.CapDefer, MaxDefer: journey.Days(14)}}}
	earlier := []journey.Contact{}
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		earlier = append(earlier, journey.Contact{Person: p, Channel: b2b.ChannelEmail, Category: "marketing", Journey: "elsewhere", At: day0.Add(-days(1))})
	}
	stoppable := linear("stoppable", email("mail", "hi", "w", nil), wait("w", journey.Days(30), "end"), end("end", ""))
	stoppable.Exits = []journey.Exit{{Reason: "stage changed", Event: journey.EventStageChanged}}
	plain := linear("plain", email("mail", "hi", "end", nil), end("end", ""))
	// Each runs alone, so that one's deferred messages do not hold the
	// other's behind the cap.
	run := func(t *testing.T, j journey.Journey, second []journey.Event, abort bool) (sent []journey.OutboxEntry, skips []journey.Decision) {
		cat := newCatalog(t, cfg, j)
		var s journey.State
		res := cat.Step(&s, journey.Input{View: acmeView(), Now: day0, Events: manual(j.ID, day0), Contacts: earlier})
		require.Empty(t, res.Outbox)
		require.Len(t, decisions(res.Trace, journey.DecisionDefer), 3)
		require.Len(t, s.Deferred, 3)
		if abort {
			var err error
			cat, err = cat.Abort(j.ID)
			require.NoError(t, err)
		}
		res = cat.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(1)), Events: second})
		skips = decisions(res.Trace, journey.DecisionSkip)
		res = cat.Step(&s, journey.Input{View: acmeView(), Now: day0.Add(days(7))})
		return res.Outbox, append(skips, decisions(res.Trace, journey.DecisionSkip)...)
	}
	t.Run("exit", func(t *testing.T) {
		sent, skips := run(t, stoppable, []journey.Event{{Type: journey.EventStageChanged, At: day0.Add(days(1))}}, false)
		require.Empty(t, sent)
		require.Len(t, skips, 3)
		for _, d := range skips {
			require.Equal(t, "deferred message dropped: the instance exited (stage changed)", d.Reason)
			require.Equal(t, journey.NodeID("mail"), d.Node)
			require.NotEmpty(t, d.Key)
		}
	})
	t.Run("abort", func(t *testing.T) {
		sent, skips := run(t, stoppable, nil, true)
		require.Empty(t, sent)
		require.Len(t, skips, 3)
		require.Equal(t, "deferred message dropped: the instance exited (journey aborted)", skips[0].Reason)
	})
	t.Run("no exit", func(t *testing.T) {
		sent, skips := run(t, stoppable, nil, false)
		require.Len(t, sent, 3)
		require.Empty(t, skips)
	})
	t.Run("end node", func(t *testing.T) {
		sent, skips := run(t, plain, nil, false)
		require.Len(t, sent, 3, "an instance that ended at its end node still sends what the cap deferred")
		require.Empty(t, skips)
	})
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	view := acmeView()
	view.Test = true
	var s journey.State
	res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("pipeline-acceleration", day0)})
	require.True(t, res.DryRun)
	require.Empty(t, res.Outbox)
	sends := decisions(res.Trace, journey.DecisionSend)
	require.Len(t, sends, 3)
	require.Equal(t, `email "intro" (dry run: not sent)`, sends[0].Reason)
	require.NotEmpty(t, sends[0].Key)
	// person conditions that fail are traced in a dry run
	res = cat.Step(&s, journey.Input{View: view, Now: day0.Add(days(5)), DryRun: true})
	setScore(view, "p-vpe", 50)
	require.Empty(t, res.Outbox)
	require.NotEmpty(t, decisions(res.Trace, journey.DecisionSend))
}

func TestStateIsJSON(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{Caps: []journey.Cap{{Name: "c", Max: 1, Per: journey.Days(7), Policy: journey.CapDefer}}}, pipelineAcceleration())
	var s journey.State
	view := acmeView()
	cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("pipeline-acceleration", day0)})
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back journey.State
	require.NoError(t, json.Unmarshal(b, &back))
	require.Empty(t, cmp.Diff(s, back))
	// stepping the decoded state gives the same result as the original
	r1 := cat.Step(&s, journey.Input{View: view, Now: day0.Add(days(5))})
	r2 := cat.Step(&back, journey.Input{View: view, Now: day0.Add(days(5))})
	require.Empty(t, cmp.Diff(r1, r2))

	jb, err := json.Marshal(pipelineAcceleration())
	require.NoError(t, err)
	var j journey.Journey
	require.NoError(t, json.Unmarshal(jb, &j))
	require.Empty(t, cmp.Diff(pipelineAcceleration(), j))
	require.Contains(t, string(jb), `"for":"5d"`)
}

func TestForgetPerson(t *testing.T) {
	t.Parallel()
	s := journey.State{
		Contacts: []journey.Contact{{Person: "p1", Channel: b2b.ChannelEmail, At: day0}, {Person: "p2", Channel: b2b.ChannelEmail, At: day0},
			{Person: "p1", Channel: b2b.ChannelSMS, At: day0}},
		Deferred: []journey.DeferredMessage{{Entry: journey.OutboxEntry{Key: "k1", Person: "p1"}, Due: day0}, {Entry: journey.OutboxEntry{Key: "k2", Person: "p2"}, Due: day0}},
	}
	require.Equal(t, 3, s.ForgetPerson("p1"))
	require.Empty(t, cmp.Diff([]journey.Contact{{Person: "p2", Channel: b2b.ChannelEmail, At: day0}}, s.Contacts))
	require.Empty(t, cmp.Diff([]journey.DeferredMessage{{Entry: journey.OutboxEntry{Key: "k2", Person: "p2"}, Due: day0}}, s.Deferred))
	require.Zero(t, s.ForgetPerson("p1"), "nothing left to forget")
}

// TestResultReset: a result emptied for reuse keeps its lists' room but
// nothing of what they held (keys, persons, reasons), and a step into it
// starts from nothing.
func TestResultReset(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, pipelineAcceleration())
	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("pipeline-acceleration", day0)})
	require.NotEmpty(t, res.Outbox)
	require.NotEmpty(t, res.Trace)
	outbox, trace := res.Outbox[:cap(res.Outbox)], res.Trace[:cap(res.Trace)]
	res.Reset()
	require.Empty(t, res.Outbox)
	require.Empty(t, res.Trace)
	require.Equal(t, cap(outbox), cap(res.Outbox), "the room is kept")
	require.Equal(t, make([]journey.OutboxEntry, len(outbox)), outbox, "the room holds no entry's data")
	require.Equal(t, make([]journey.Decision, len(trace)), trace, "the room holds no decision's data")

	// An idle step into a used result leaves nothing of the last one.
	res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("pipeline-acceleration", day0)})
	require.NotEmpty(t, res.Trace)
	var idle journey.State
	cat.StepInto(&res, &idle, journey.Input{View: &journey.AccountView{Revision: 1}, Now: day0})
	cat.StepInto(&res, &idle, journey.Input{View: &journey.AccountView{Revision: 1}, Now: day0})
	require.True(t, res.Idle)
	require.Empty(t, res.Outbox)
	require.Empty(t, res.Trace)
}

// enteredForDataPlatform steps a state into the catalog's journey for the
// Data Platform group of an account that has a Security group too: the
// instance addresses the Data Platform group.
func enteredForDataPlatform(t *testing.T, cat *journey.Catalog) (*journey.AccountView, journey.State) {
	t.Helper()
	view := acmeView()
	withSecurityGroup(view)
	var st journey.State
	cat.Step(&st, journey.Input{View: view, Now: day0,
		Events: []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: day0}}})
	require.Len(t, st.Instances, 1)
	return view, st
}

// The entry of a list trigger says what let the account in: the static
// list, its condition if it has one, or, for a dynamic list (a condition
// and no list), the condition. A static list with a condition is not a
// dynamic list.
func TestListTriggerEntryReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		trigger journey.Trigger
		want    string
	}{
		{"static list", journey.Trigger{Type: journey.TriggerList, List: "tier-1"}, "in list tier-1"},
		{"static list with a condition", journey.Trigger{Type: journey.TriggerList, List: "tier-1", When: "account.employees > 500"},
			"in list tier-1 where account.employees > 500"},
		{"dynamic list", journey.Trigger{Type: journey.TriggerList, When: "account.employees > 500"}, "dynamic list: account.employees > 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := linear("t", wait("w", journey.Days(1), "end"), end("end", ""))
			j.Triggers = []journey.Trigger{tt.trigger}
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Lists = []string{"tier-1"}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0})
			enters := decisions(res.Trace, journey.DecisionEnter)
			require.Len(t, enters, 1)
			require.Equal(t, tt.want, enters[0].Reason)
			require.Equal(t, tt.want, st.Instances[0].Trigger)
		})
	}
}

// The reason of an opt-out skip names the statement's source and date
// when it has them, and does not make up an empty source or the year 1
// when it does not (an opt-out imported without them).
func TestConsentOptOutReasonWithoutSourceOrDate(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, linear("c", email("mail", "hi", "end", nil), end("end", "")))
	tests := []struct {
		name    string
		consent b2b.Consent
		want    string
	}{
		{"source and date", b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo", At: day0}, `consent: opted out of email (source "marketo", 2025-03-03)`},
		{"source only", b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo"}, `consent: opted out of email (source "marketo")`},
		{"date only", b2b.Consent{Status: b2b.ConsentOptOut, At: day0}, `consent: opted out of email (2025-03-03)`},
		{"neither", b2b.Consent{Status: b2b.ConsentOptOut}, `consent: opted out of email`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			view.Persons[0].Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: tt.consent}
			var s journey.State
			res := cat.Step(&s, journey.Input{View: view, Now: day0, Events: manual("c", day0)})
			skips := decisions(res.Trace, journey.DecisionSkip)
			require.Len(t, skips, 1)
			require.Equal(t, tt.want, skips[0].Reason)
		})
	}
}

// A stored state whose instance lost its tracks (a state written by hand,
// or cut short) does not stop the step with a panic: the instance exits
// with why, and the account's other journeys go on.
func TestInstanceWithoutTracksExits(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, linear("x", wait("w", journey.Days(1), "end"), end("end", "")),
		linear("y", wait("w", journey.Days(1), "end"), end("end", "")))
	var st journey.State
	cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("y", day0)})
	st.Instances = append(st.Instances, journey.Instance{Journey: "x", Version: 1, Entry: 1, EnteredAt: day0})
	var res journey.Result
	require.NotPanics(t, func() { res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(2))}) })
	require.Len(t, res.Ended, 2)
	require.Equal(t, journey.Ended{Journey: "x", Version: 1, Entry: 1, At: day0.Add(days(2)), Reason: "the instance has no track"}, res.Ended[0])
	require.Equal(t, "y", res.Ended[1].Journey)
	require.True(t, res.Ended[1].Completed)
}

// A stored track at a node its version does not have (a state written by
// hand, or before versions were fingerprinted, for another definition)
// does not run from the journey's first node again, resending what it
// sent: the instance exits with why.
func TestTrackAtAnUnknownNodeExits(t *testing.T) {
	t.Parallel()
	cat := newCatalog(t, journey.Config{}, linear("x", email("mail", "hi", "w", nil), wait("w", journey.Days(1), "end"), end("end", "")))
	var st journey.State
	cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("x", day0)})
	require.Len(t, st.Instances, 1)
	st.Instances[0].Fingerprint = 0
	st.Instances[0].Tracks[0].Node = "gone"
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(2))})
	require.Empty(t, res.Outbox, "nothing is sent again")
	require.Len(t, res.Ended, 1)
	require.Equal(t, `track 0 is at node "gone", which version 1 does not have`, res.Ended[0].Reason)
}

// TestAllOfNoPersons: all holds over an empty list, as AccountEnv says:
// an exit when every person opted out ends at once the instance of an
// account with no persons, and one that asks for someone first does not.
func TestAllOfNoPersons(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		when  string
		ended bool
	}{
		{`all(persons, .person.consent.email.status == "opt-out")`, true},
		{`len(persons) > 0 && all(persons, .person.consent.email.status == "opt-out")`, false},
	} {
		j := dripJourney("drip", journey.Days(3), 2)
		j.Exits = []journey.Exit{{Reason: "opted out", When: tt.when}}
		cat := newCatalog(t, journey.Config{}, j)
		v := acmeView()
		v.Persons = nil
		var s journey.State
		res := cat.Step(&s, journey.Input{View: v, Now: day0, Events: manual("drip", day0)})
		require.Equal(t, tt.ended, len(res.Ended) == 1 && res.Ended[0].Reason == "opted out", "%s: %+v", tt.when, res.Ended)
		require.Equal(t, !tt.ended, len(s.Instances) == 1, tt.when)
	}
}
