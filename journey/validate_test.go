package journey_test

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/rules"
)

// problems returns "path: message" for each problem (first line only).
func problems(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, journey.ErrInvalidJourney)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, strings.SplitN(p.Error(), "\n", 2)[0])
	}
	return out
}

func TestValidateValid(t *testing.T) {
	t.Parallel()
	require.NoError(t, journey.Validate(pipelineAcceleration(), journey.Config{Roles: standardRoles}))
}

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	knownEvents := "audience_entered, audience_exited, group_created, group_stage_changed, group_status_changed, " +
		"group_completeness_changed, group_score_changed, member_added, member_removed, activity, interesting_moment, " +
		"attribute_changed, opportunity_created, manual_entry, external_result"
	cfg := journey.Config{Roles: standardRoles}
	tests := []struct {
		name   string
		edit   func(j *journey.Journey)
		want   []string
		reason string
	}{
		{
			name: "unknown node reference",
			edit: func(j *journey.Journey) { j.Nodes[1].Wait.Next = "redy?" },
			want: []string{
				`nodes["wait-5d"].wait.next: unknown node "redy?"`,
			},
		},
		{
			name: "unreachable node",
			edit: func(j *journey.Journey) { j.Nodes = append(j.Nodes, end("orphan", "")) },
			want: []string{`nodes["orphan"]: unreachable from the start node "intro"`},
		},
		{
			name:   "a node without an ID",
			edit:   func(j *journey.Journey) { j.Nodes = append(j.Nodes, end("", "")) },
			want:   []string{`nodes[9].id: is required`, `nodes[9]: unreachable from the start node "intro"`},
			reason: "the node is named by its index, as its id's problem is",
		},
		{
			name: "dead end",
			edit: func(j *journey.Journey) { j.Nodes[4].Action.Next = "" },
			want: []string{
				`nodes["sales-ready"].action.next: dead end: a next node is required (end the path with an end node)`,
			},
			reason: "reachability is checked once references are sound, so the dead end is not repeated as unreachable nodes",
		},
		{
			name: "cycle without a wait",
			edit: func(j *journey.Journey) { j.Nodes[6].Action.Next = "ready?" },
			want: []string{
				`nodes["wait-7d"]: unreachable from the start node "intro"`,
				`nodes["ready?"]: cycle without a wait: ready? -> nurture -> ready?`,
			},
		},
		{
			name: "split without else",
			edit: func(j *journey.Journey) { j.Nodes[2].Split.Else = "" },
			want: []string{
				`nodes["ready?"].else: a split needs an else path`,
			},
		},
		{
			name: "unknown role",
			edit: func(j *journey.Journey) {
				j.Nodes[0].Action.Recipients = &journey.Recipients{Roles: []string{"Champion", "Champoin"}}
			},
			want: []string{`nodes["intro"].action.recipients.roles[1]: unknown role "Champoin" (known: Economic Buyer, Technical Evaluator, Champion, End User, Decision Maker)`},
		},
		{
			name: "expression fails to compile",
			edit: func(j *journey.Journey) { j.Nodes[2].Split.Paths[0].When = "grup.score >= 150" },
			want: []string{`nodes["ready?"].paths[0].when: rule "ready? engaged" 1:1: unknown name grup`},
		},
		{
			name: "person condition of the wrong type",
			edit: func(j *journey.Journey) { j.Nodes[6].Action.Recipients.When = "score + 1" },
			want: []string{`nodes["nurture"].action.recipients.when: rule "nurture recipients" 1:7: expected bool, got float64`},
		},
		{
			name: "many problems at once",
			edit: func(j *journey.Journey) {
				j.ID = ""
				j.Nodes[0].Action.Template = ""
				j.Nodes[1].Wait.For = 0
				j.Nodes[3].Kind = "teleport"
				j.Exits = append(j.Exits, journey.Exit{When: "true"})
			},
			want: []string{
				`id: is required`,
				`nodes["intro"].action.template: is required for an email action`,
				`nodes["wait-5d"].wait: a wait needs a duration (for) or a date (until)`,
				`nodes["alert"].kind: unknown node kind "teleport" (known: action, wait, listen, external, split, people_split, variant, parallel, merge, goto, end)`,
				`exits[1].reason: is required`,
			},
		},
		{
			name: "duplicate node and mismatched config",
			edit: func(j *journey.Journey) {
				j.Nodes = append(j.Nodes, journey.Node{ID: "intro", Kind: journey.KindEnd, Wait: &journey.Wait{}})
			},
			want: []string{
				`nodes[9].id: duplicate node ID "intro" (also nodes[0])`,
				`nodes[9]: an end node needs exactly its "end" config (has "wait")`,
			},
			reason: "the second node of an ID is named by its index: nodes[\"intro\"] is the first, the node references to intro lead to",
		},
		{
			name: "duplicate goal",
			edit: func(j *journey.Journey) {
				j.Goals = []journey.Goal{{Name: "demo", When: "true"}, {Name: "won", When: "true"}, {Name: "demo", When: "false"}}
			},
			want:   []string{`goals[2].name: duplicate goal "demo" (also goals[0])`},
			reason: "the second goal of a name says which is the first",
		},
		{
			name: "problems of two nodes of an ID",
			edit: func(j *journey.Journey) {
				j.Nodes = append(j.Nodes, wait("ready?", 0, "typo"), wait("ready?", journey.Days(2), "nowhere"))
			},
			want: []string{
				`nodes[9].id: duplicate node ID "ready?" (also nodes[2])`,
				`nodes[10].id: duplicate node ID "ready?" (also nodes[2])`,
				`nodes[9].wait: a wait needs a duration (for) or a date (until)`,
				`nodes[9].wait.next: unknown node "typo"`,
				`nodes[10].wait.next: unknown node "nowhere"`,
			},
			reason: "each node's problems are named by its own path, not mixed under the shared ID",
		},
		{
			name: "variant percentages",
			edit: func(j *journey.Journey) {
				j.Nodes[5] = journey.Node{ID: "alerted", Kind: journey.KindVariant, Variant: &journey.Variant{Paths: []journey.VariantPath{
					{Name: "a", Percent: 50, Next: "not-engaged"}, {Name: "b", Percent: 40, Next: "not-engaged"}}}}
			},
			want: []string{`nodes["alerted"].variant.paths: percentages add up to 90, want 100`},
		},
		{
			name: "bad wait window, listen and external",
			edit: func(j *journey.Journey) {
				j.Nodes[1].Wait.Window = &journey.Window{From: "17:00", To: "9am"}
				j.Nodes[5] = journey.Node{ID: "alerted", Kind: journey.KindListen, Listen: &journey.Listen{Next: "not-engaged", OnTimeout: "nowhere"}}
				j.Nodes[8] = journey.Node{ID: "not-engaged", Kind: journey.KindExternal, External: &journey.External{Timeout: journey.Days(1), OnSuccess: "alerted", OnError: "alerted", OnTimeout: "alerted"}}
			},
			want: []string{
				`nodes["wait-5d"].wait.window.to: want a time of day like "09:00", got "9am"`,
				`nodes["alerted"].listen.events: at least one event is required`,
				`nodes["alerted"].listen.timeout: must be positive`,
				`nodes["alerted"].listen.onTimeout: unknown node "nowhere"`,
				`nodes["not-engaged"].external.call: is required`,
			},
		},
		{
			name: "a window whose end is no time of day",
			edit: func(j *journey.Journey) {
				j.Nodes[1].Wait.Window = &journey.Window{From: "09:00", To: "5pm"}
				j.Nodes[7].Wait.Window = &journey.Window{From: "nine", To: "00:00"}
			},
			want: []string{
				`nodes["wait-5d"].wait.window.to: want a time of day like "09:00", got "5pm"`,
				`nodes["wait-7d"].wait.window.from: want a time of day like "09:00", got "nine"`,
			},
			reason: "a time that does not parse is the problem; the window's order is checked once both parse, not against midnight",
		},
		{
			name: "a score adjustment by no number",
			edit: func(j *journey.Journey) {
				j.Nodes[4].Action = &journey.Action{Type: journey.ActionAdjustScore, Delta: math.NaN(), Next: "alerted"}
				j.Nodes[6].Action = &journey.Action{Type: journey.ActionAdjustScore, Delta: math.Inf(1), Next: "wait-7d"}
			},
			want: []string{
				`nodes["sales-ready"].action.delta: must be a finite number, got NaN`,
				`nodes["nurture"].action.delta: must be a finite number, got +Inf`,
			},
			reason: "a delta that is no number would make every score it touches no number; it is a problem of the definition, with its path",
		},
		{
			name: "dates outside the years JSON can hold",
			edit: func(j *journey.Journey) {
				j.Nodes[1].Wait.Until = time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC)
				j.Nodes[7].Wait.Until = time.Date(2026, time.March, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))
				j.EndAt = time.Date(-1, time.December, 31, 0, 0, 0, 0, time.UTC)
			},
			want: []string{
				`endAt: year -1 is outside the years a definition's JSON can hold (0 to 9999)`,
				`nodes["wait-5d"].wait.until: year 10000 is outside the years a definition's JSON can hold (0 to 9999)`,
				`nodes["wait-7d"].wait.until: time zone offset +24:00 is outside what a definition's JSON can hold (under 24 hours)`,
			},
			reason: "the definition is kept and fingerprinted as JSON, so a date it cannot encode is a problem of the definition, with its path, not a bare encoding error from Compile",
		},
		{
			name: "triggers, re-entry, goals and completion",
			edit: func(j *journey.Journey) {
				j.Triggers = append(j.Triggers, journey.Trigger{Type: journey.TriggerAudience}, journey.Trigger{Type: "sometimes"}, journey.Trigger{})
				j.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax}
				j.Goals = []journey.Goal{{Name: "won", When: `any(opportunities, .status == "won")`}}
				j.Completion = journey.Completion{EndNodes: []journey.NodeID{"alert"}, Goal: "lost"}
			},
			want: []string{
				`triggers[1].audience: is required`,
				`triggers[2].type: unknown trigger type "sometimes" (known: audience_entered, account_list, group_created, attribute_changed, manual)`,
				`triggers[3].type: is required (one of audience_entered, account_list, group_created, attribute_changed, manual)`,
				`reEntry.max: must be at least 1`,
				`completion.endNodes[0]: node "alert" is an action node, want an end node`,
				`completion.goal: unknown goal "lost"`,
			},
		},
		{
			name: "action settings that the type does not read",
			edit: func(j *journey.Journey) {
				for i := range j.Nodes {
					switch a := j.Nodes[i].Action; j.Nodes[i].ID {
					case "alert":
						// meant for the Champion, sent to the owner
						a.Recipients = &journey.Recipients{Roles: []string{"Champion"}}
						a.Stage = "Decision"
					case "sales-ready":
						a.Template, a.AlertTo, a.Delta = "ready", "sam@seller.example", 10
					case "intro":
						a.List, a.Role, a.Target, a.Attribute, a.Value = "vip", "Champion", "person", "tier", "a"
					}
				}
			},
			want: []string{
				`nodes["intro"].action.target: is read only by set_attribute and adjust_score actions (this one is email)`,
				`nodes["intro"].action.attribute: is read only by set_attribute actions (this one is email)`,
				`nodes["intro"].action.value: is read only by set_attribute actions (this one is email)`,
				`nodes["intro"].action.list: is read only by add_to_list and remove_from_list actions (this one is email)`,
				`nodes["intro"].action.role: is read only by assign_role actions (this one is email)`,
				`nodes["alert"].action.recipients: is read only by email, sms, change_stage, adjust_score and assign_role actions (this one is sales_alert)`,
				`nodes["alert"].action.stage: is read only by change_stage actions (this one is sales_alert)`,
				`nodes["sales-ready"].action.template: is read only by email, sms and sales_alert actions (this one is change_stage)`,
				`nodes["sales-ready"].action.alertTo: is read only by sales_alert actions (this one is change_stage)`,
				`nodes["sales-ready"].action.delta: is read only by adjust_score actions (this one is change_stage)`,
			},
			reason: "a setting the action does not read sends to, or changes, what its author did not mean, without a word",
		},
		{
			name: "recipients of a group's score",
			edit: func(j *journey.Journey) {
				j.Nodes[4].Action = &journey.Action{Type: journey.ActionAdjustScore, Delta: 5, Next: "alerted",
					Recipients: &journey.Recipients{Roles: []string{"Champion"}}}
			},
			want: []string{`nodes["sales-ready"].action.recipients: an adjust_score action reads recipients only with target person (this one adjusts the group's score)`},
		},
		{
			name: "recipients of a stage change beyond its interest",
			edit: func(j *journey.Journey) {
				j.Nodes[4].Action = &journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Ready", Next: "alerted",
					Recipients: &journey.Recipients{Roles: []string{"Champion"}, SolutionInterest: "Data Platform", When: "score > 50"}}
			},
			want: []string{
				`nodes["sales-ready"].action.recipients.roles: a change_stage action reads only the solutionInterest of its recipients (the buying group it moves), not which persons`,
				`nodes["sales-ready"].action.recipients.when: a change_stage action reads only the solutionInterest of its recipients (the buying group it moves), not which persons`,
			},
			reason: "the stage moves whoever the roles and condition would choose: they would read as a condition that is never checked",
		},
		{
			name: "trigger settings that the type does not read",
			edit: func(j *journey.Journey) {
				j.Triggers = []journey.Trigger{
					{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform", Audience: "enterprise"},
					{Type: journey.TriggerAudience, Audience: "enterprise", List: "vip", To: "Decision"},
					{Type: journey.TriggerList, List: "vip", Attribute: "group.stage"},
					{Type: journey.TriggerManual, When: "group.score > 10"},
				}
			},
			want: []string{
				`triggers[0].audience: is read only by audience_entered triggers (this one is group_created)`,
				`triggers[1].list: is read only by account_list triggers (this one is audience_entered)`,
				`triggers[1].to: is read only by attribute_changed triggers (this one is audience_entered)`,
				`triggers[2].attribute: is read only by attribute_changed triggers (this one is account_list)`,
				`triggers[3].when: a manual entry is taken whatever the account (as the re-entry policy allows): no condition is checked`,
			},
			reason: "a setting the trigger does not read lets in accounts its author meant to keep out (every group created, not only the enterprise audience's)",
		},
		{
			name: "re-entry settings that the mode does not read",
			edit: func(j *journey.Journey) {
				j.ReEntry = journey.ReEntry{Max: 3, After: journey.Days(30), FromExit: true}
			},
			want: []string{
				`reEntry.after: is read only with mode after (the mode is never)`,
				`reEntry.fromExit: is read only with mode after (the mode is never)`,
				`reEntry.max: is read only with mode max (the mode is never)`,
			},
			reason: "a policy written without its mode, or with another, would refuse every re-entry without a word",
		},
		{
			name: "re-entry after, with a max",
			edit: func(j *journey.Journey) {
				j.ReEntry = journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(30), Max: 2}
			},
			want: []string{`reEntry.max: is read only with mode max (the mode is after)`},
		},
		{
			name: "re-entry max, from the exit",
			edit: func(j *journey.Journey) {
				j.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax, Max: 2, FromExit: true}
			},
			want: []string{`reEntry.fromExit: is read only with mode after (the mode is max)`},
		},
		{
			name: "action types missing and unknown",
			edit: func(j *journey.Journey) {
				for i := range j.Nodes {
					switch j.Nodes[i].ID {
					case "intro":
						j.Nodes[i].Action.Type = ""
					case "nurture":
						j.Nodes[i].Action.Type = "mail"
					}
				}
			},
			want: []string{
				`nodes["intro"].action.type: is required (one of email, sms, sales_alert, change_stage, set_attribute, add_to_list, remove_from_list, adjust_score, assign_role)`,
				`nodes["nurture"].action.type: unknown action type "mail" (known: email, sms, sales_alert, change_stage, set_attribute, add_to_list, remove_from_list, adjust_score, assign_role)`,
			},
		},
		{
			name: "unknown event types of an exit and a listen node",
			edit: func(j *journey.Journey) {
				j.Exits = append(j.Exits, journey.Exit{Reason: "opportunity created", Event: "opportunity_create"})
				j.Nodes[5] = journey.Node{ID: "alerted", Kind: journey.KindListen, Listen: &journey.Listen{
					Events:  []journey.EventMatch{{Type: journey.EventStageChanged}, {Type: "stage_changed"}},
					Timeout: journey.Days(7), Next: "not-engaged", OnTimeout: "not-engaged"}}
			},
			want: []string{
				`nodes["alerted"].listen.events[1].type: unknown event type "stage_changed" (known: ` + knownEvents + `)`,
				`exits[1].event: unknown event type "opportunity_create" (known: ` + knownEvents + `)`,
			},
		},
		{
			name: "no nodes beside other problems",
			edit: func(j *journey.Journey) {
				j.Nodes = []journey.Node{}
				j.Triggers = []journey.Trigger{{Type: "group_creatd"}}
				j.Exits = []journey.Exit{{Event: journey.EventOpportunity}}
				j.Goals = []journey.Goal{{Name: "scored", When: "group.scor >= 100"}}
			},
			want: []string{
				`nodes: a journey needs at least one node`,
				`triggers[0].type: unknown trigger type "group_creatd" (known: audience_entered, account_list, group_created, attribute_changed, manual)`,
				`exits[0].reason: is required`,
				`goals[0].when: rule "goal scored" 1:7: type journey.GroupView has no field scor`,
			},
			reason: "every problem is reported at once: a journey without nodes still has its triggers, exits and goals checked",
		},
		{
			name: "split with role count of an unknown role",
			edit: func(j *journey.Journey) {
				j.Nodes[2].Split.Paths = append(j.Nodes[2].Split.Paths, journey.Path{RoleAtLeast: &journey.RoleCount{Role: "Decision Makers", Count: 3}, Next: "alert"})
			},
			want: []string{`nodes["ready?"].paths[1].roleAtLeast.role: unknown role "Decision Makers" (known: Economic Buyer, Technical Evaluator, Champion, End User, Decision Maker)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := pipelineAcceleration()
			tt.edit(&j)
			got := problems(t, journey.Validate(j, cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%s", diff, tt.reason)
			}
		})
	}
}

func TestValidateCompileErrorKeepsPosition(t *testing.T) {
	t.Parallel()
	j := pipelineAcceleration()
	j.Nodes[2].Split.Paths[0].When = "group.completeness >= 0.6 && grup.score >= 150"
	err := journey.Validate(j, journey.Config{})
	var ce *rules.CompileError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, 1, ce.Line)
	require.Equal(t, 30, ce.Column)
	require.Contains(t, err.Error(), `nodes["ready?"].paths[0].when: rule "ready? engaged" 1:30: unknown name grup`)
}

func TestValidateWithoutRoleVocabulary(t *testing.T) {
	t.Parallel()
	j := pipelineAcceleration()
	j.Nodes[0].Action.Recipients = &journey.Recipients{Roles: []string{"Anything"}}
	require.NoError(t, journey.Validate(j, journey.Config{}), "an empty vocabulary does not check roles")
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	// A maxDefer on a cap that names no policy bounds nothing: the cap,
	// meant to defer its messages, skips them by default. One that names
	// skip says what it does.
	cfg := journey.Config{Caps: []journey.Cap{{Name: "a", Max: 0, Per: 0, Channel: "fax", Policy: "later"}, {Name: "a", Max: 1, Per: journey.Days(1)},
		{Name: "b", Max: 1, Per: journey.Days(1), MaxDefer: journey.Days(3)},
		{Name: "c", Max: 1, Per: journey.Days(1), Policy: journey.CapSkip, MaxDefer: journey.Days(3)},
		{Name: "d", Max: 1, Per: journey.Days(1), Policy: journey.CapDefer, MaxDefer: journey.Days(3)}},
		Consent: journey.ConsentPolicy{RequireOptIn: []b2b.Channel{"pigeon"}}}
	got := problems2(t, cfg.Validate())
	want := []string{
		`caps[0].max: must be at least 1, got 0`,
		`caps[0].per: must be positive`,
		`caps[0].channel: unknown message channel "fax" (known: email, sms)`,
		`caps[0].policy: unknown policy "later" (want skip or defer)`,
		`caps[1].name: duplicate cap "a" (also caps[0])`,
		`caps[2].maxDefer: is read only with policy defer; the policy is left out, so the cap skips its messages (name the policy: defer or skip)`,
		`consent.requireOptIn[0]: unknown channel "pigeon" (known: email, sms, phone)`,
	}
	require.Empty(t, cmp.Diff(want, got))
	_, err := journey.NewCatalog(cfg)
	require.ErrorIs(t, err, b2b.ErrInvalid)
}

func problems2(t *testing.T, err error) []string {
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Error())
	}
	return out
}

func TestDurationText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"5d": "5d", "36h": "36h0m0s", "1d12h": "36h0m0s", "90m": "1h30m0s", "14d": "14d"} {
		d, err := journey.ParseDuration(in)
		require.NoError(t, err, in)
		require.Equal(t, want, d.String(), in)
	}
	// A sign belongs at the start of a Go duration only: after the days
	// it would count them down ("5d-3h" read as 4d21h, "1d-48h" as
	// negative).
	for _, bad := range []string{"", "d", "5x", "-1d", "1d-", "5d-3h", "1d-48h", "5d+3h", "1d 2h"} {
		_, err := journey.ParseDuration(bad)
		require.Error(t, err, bad)
		require.NotErrorIs(t, err, journey.ErrDurationTooLong, bad)
	}
	// Well formed, but longer than a duration can be: said so, and never
	// read as a negative duration.
	for _, long := range []string{"100001d", "99999999999999999999d", "100000d2562047h"} {
		d, err := journey.ParseDuration(long)
		require.ErrorIs(t, err, journey.ErrDurationTooLong, "%s: %v", long, d)
		require.ErrorContains(t, err, "at most 100000 days")
	}
	d, err := journey.ParseDuration("100000d23h")
	require.NoError(t, err)
	require.Equal(t, journey.Days(100000)+journey.Duration(23*60*60*1e9), d)
}

// TestValidateCyclesThroughNodesThatDoNotHold: a cycle is safe only if it
// passes a node that holds the track every time: a wait for a duration, a
// listen or an external node. A wait only until a date is over at once
// after the date, and a visit limit leaves even a waiting node at once.
func TestValidateCyclesThroughNodesThatDoNotHold(t *testing.T) {
	t.Parallel()
	until := day0.Add(days(1))
	tests := []struct {
		name  string
		nodes []journey.Node
		want  []string // nil: valid
	}{
		{
			name: "a wait until a date",
			nodes: []journey.Node{
				email("mail", "hello", "w", nil),
				{ID: "w", Kind: journey.KindWait, Wait: &journey.Wait{Until: until, Next: "mail"}},
			},
			want: []string{`nodes["mail"]: cycle without a wait: mail -> w -> mail (wait "w" only waits until a date, which passes)`},
		},
		{
			name: "a wait until a date, in a window",
			nodes: []journey.Node{
				email("mail", "hello", "w", nil),
				{ID: "w", Kind: journey.KindWait, Wait: &journey.Wait{Until: until, Window: &journey.Window{From: "09:00", To: "17:00"}, Next: "mail"}},
			},
			want: []string{`nodes["mail"]: cycle without a wait: mail -> w -> mail (wait "w" only waits until a date, which passes)`},
		},
		{
			name: "a wait whose visit limit leads back into the cycle",
			nodes: []journey.Node{
				email("mail", "hello", "w", nil),
				{ID: "w", Kind: journey.KindWait, Limit: &journey.VisitLimit{Max: 1, Then: "mail"}, Wait: &journey.Wait{For: journey.Days(1), Next: "mail"}},
			},
			want: []string{`nodes["mail"]: cycle without a wait: mail -> w -> mail (the visit limit of "w" leads on at once)`},
		},
		{
			name: "a listen whose visit limit leads back into the cycle",
			nodes: []journey.Node{
				email("mail", "hello", "l", nil),
				{ID: "l", Kind: journey.KindListen, Limit: &journey.VisitLimit{Max: 2, Then: "mail"}, Listen: &journey.Listen{
					Events: []journey.EventMatch{{Type: journey.EventStageChanged}}, Timeout: journey.Days(3), Next: "mail", OnTimeout: "end"}},
				end("end", ""),
			},
			want: []string{`nodes["mail"]: cycle without a wait: mail -> l -> mail (the visit limit of "l" leads on at once)`},
		},
		{
			name: "a parallel node's merge, skipped without an active interest",
			nodes: []journey.Node{
				email("mail", "hello", "fan", nil),
				{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "w", Merge: "join"}},
				wait("w", journey.Days(1), "join"),
				{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "mail"}},
			},
			want: []string{`nodes["mail"]: cycle without a wait: mail -> fan -> mail (parallel "fan" goes on to "mail" at once when the account has no active solution interest)`},
		},
		{
			name: "a wait for a duration and until a date",
			nodes: []journey.Node{
				email("mail", "hello", "w", &journey.Recipients{}),
				{ID: "w", Kind: journey.KindWait, Limit: &journey.VisitLimit{Max: 3, Then: "end"}, Wait: &journey.Wait{For: journey.Days(1), Until: until, Next: "mail"}},
				end("end", ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := journey.Validate(journey.Journey{ID: "loop", Nodes: tt.nodes}, journey.Config{})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			require.ErrorContains(t, err, `journey "loop"`)
		})
	}
}

// TestValidatePeopleSplitActions: the actions of a people split are
// checked like those of action nodes, with the persons from the path.
func TestValidatePeopleSplitActions(t *testing.T) {
	t.Parallel()
	everyone := &journey.Recipients{}
	tests := []struct {
		name    string
		actions []journey.Action
		els     []journey.Action
		want    []string // nil: valid
	}{
		{
			name: "person actions",
			actions: []journey.Action{
				{Type: journey.ActionAdjustScore, Target: "person", Delta: 5},
				{Type: journey.ActionAssignRole, Role: "Champion"},
				{Type: journey.ActionEmail, Template: "roi"},
			},
			els: []journey.Action{{Type: journey.ActionSMS, Template: "nudge"}},
		},
		{
			name:    "adjust_score with a zero delta",
			actions: []journey.Action{{Type: journey.ActionAdjustScore, Target: "person"}},
			els:     []journey.Action{{Type: journey.ActionAdjustScore, Target: "person"}},
			want: []string{
				`nodes["ps"].peopleSplit.paths[0].actions[0].delta: must not be zero`,
				`nodes["ps"].peopleSplit.else[0].delta: must not be zero`,
			},
		},
		{
			name: "recipients on any action",
			actions: []journey.Action{
				{Type: journey.ActionAdjustScore, Target: "person", Delta: 5, Recipients: everyone},
				{Type: journey.ActionAssignRole, Role: "Champion", Recipients: everyone},
				{Type: journey.ActionEmail, Template: "roi", Recipients: everyone},
			},
			want: []string{
				`nodes["ps"].peopleSplit.paths[0].actions[0].recipients: inside a people split the persons come from the path`,
				`nodes["ps"].peopleSplit.paths[0].actions[1].recipients: inside a people split the persons come from the path`,
				`nodes["ps"].peopleSplit.paths[0].actions[2].recipients: inside a people split the persons come from the path`,
			},
		},
		{
			name: "next nodes, missing fields and actions that are not for persons",
			actions: []journey.Action{
				{Type: journey.ActionEmail, Next: "end"},
				{Type: journey.ActionAssignRole, Role: "Champoin"},
				{Type: journey.ActionSalesAlert, Template: "hot"},
				{Type: journey.ActionAdjustScore, Delta: 5},
			},
			want: []string{
				`nodes["ps"].peopleSplit.paths[0].actions[0].next: actions inside a people split take no next node (the split merges back)`,
				`nodes["ps"].peopleSplit.paths[0].actions[0].template: is required for an email action`,
				`nodes["ps"].peopleSplit.paths[0].actions[1].role: unknown role "Champoin" (known: Economic Buyer, Technical Evaluator, Champion, End User, Decision Maker)`,
				`nodes["ps"].peopleSplit.paths[0].actions[2].type: a people split runs person actions (email, sms, adjust_score on person, assign_role), got "sales_alert"`,
				`nodes["ps"].peopleSplit.paths[0].actions[3].type: a people split runs person actions (email, sms, adjust_score on person, assign_role), got "adjust_score"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := linear("ps", journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: []journey.PeoplePath{{Name: "all", Match: everyone, Actions: tt.actions}},
				Else:  tt.els, Next: "end"}}, end("end", ""))
			err := journey.Validate(j, journey.Config{Roles: standardRoles})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// A people split whose paths split by percent sends every person down a
// path by its stable bucket alone: a match on such a path, and the
// split's else actions, are never read. Set, they would address persons
// their author meant to leave out (every member instead of the
// Champions), or never run, without a word: they are validation
// problems.
func TestValidatePeopleSplitByPercentReadsNoMatchNorElse(t *testing.T) {
	t.Parallel()
	hi := []journey.Action{{Type: journey.ActionEmail, Template: "hi"}}
	champions := &journey.Recipients{Roles: []string{"Champion"}}
	tests := []struct {
		name  string
		paths []journey.PeoplePath
		els   []journey.Action
		want  []string // nil: valid
	}{
		{
			name:  "by percent",
			paths: []journey.PeoplePath{{Name: "a", Percent: 50, Actions: hi}, {Name: "b", Percent: 50, Actions: hi}},
		},
		{
			name:  "by match, with else",
			paths: []journey.PeoplePath{{Name: "a", Match: champions, Actions: hi}},
			els:   hi,
		},
		{
			name:  "by percent with a match",
			paths: []journey.PeoplePath{{Name: "a", Percent: 50, Match: champions, Actions: hi}, {Name: "b", Percent: 50, Actions: hi}},
			want: []string{
				`nodes["ps"].peopleSplit.paths[0].match: is not read when the paths split by percent (every person chosen by among goes down a path by its stable bucket): choose the persons in the split's among`,
			},
		},
		{
			name:  "by percent with else actions",
			paths: []journey.PeoplePath{{Name: "a", Percent: 50, Actions: hi}, {Name: "b", Percent: 50, Actions: hi}},
			els:   hi,
			want: []string{
				`nodes["ps"].peopleSplit.else: is not read when the paths split by percent (every person goes down one of them)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := linear("ps", journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: tt.paths, Else: tt.els, Next: "end"}}, end("end", ""))
			err := journey.Validate(j, journey.Config{Roles: standardRoles})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateArticles checks that messages naming a node kind or an
// action type read as English: "an end node", "a wait node", and that a
// node's config is named by its field ("peopleSplit", not the kind
// people_split, a field that is not read), what it has in words, not as
// a Go list ("has []").
func TestValidateArticles(t *testing.T) {
	t.Parallel()
	cfg := journey.Config{Roles: standardRoles}
	tests := []struct {
		kind journey.NodeKind
		want string
	}{
		{journey.KindAction, `nodes["odd"]: an action node needs exactly its "action" config (has none)`},
		{journey.KindWait, `nodes["odd"]: a wait node needs exactly its "wait" config (has none)`},
		{journey.KindListen, `nodes["odd"]: a listen node needs exactly its "listen" config (has none)`},
		{journey.KindExternal, `nodes["odd"]: an external node needs exactly its "external" config (has none)`},
		{journey.KindSplit, `nodes["odd"]: a split node needs exactly its "split" config (has none)`},
		{journey.KindPeopleSplit, `nodes["odd"]: a people_split node needs exactly its "peopleSplit" config (has none)`},
		{journey.KindVariant, `nodes["odd"]: a variant node needs exactly its "variant" config (has none)`},
		{journey.KindParallel, `nodes["odd"]: a parallel node needs exactly its "parallel" config (has none)`},
		{journey.KindMerge, `nodes["odd"]: a merge node needs exactly its "merge" config (has none)`},
		{journey.KindGoTo, `nodes["odd"]: a goto node needs exactly its "goto" config (has none)`},
		{journey.KindEnd, `nodes["odd"]: an end node needs exactly its "end" config (has none)`},
	}
	require.Len(t, tests, len(journey.NodeKinds), "a row for every node kind")
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			j := pipelineAcceleration()
			j.Nodes = append(j.Nodes, journey.Node{ID: "odd", Kind: tt.kind})
			got := problems(t, journey.Validate(j, cfg))
			require.Contains(t, got, tt.want)
		})
	}

	t.Run("referenced kinds and action types", func(t *testing.T) {
		t.Parallel()
		j := pipelineAcceleration()
		j.Nodes[0].Action.Template = ""
		j.Nodes[6].Action.Type = journey.ActionSMS
		j.Nodes[6].Action.Template = ""
		j.Completion = journey.Completion{EndNodes: []journey.NodeID{"intro"}}
		want := []string{
			`nodes["intro"].action.template: is required for an email action`,
			`nodes["nurture"].action.template: is required for an sms action`,
			`completion.endNodes[0]: node "intro" is an action node, want an end node`,
		}
		if diff := cmp.Diff(want, problems(t, journey.Validate(j, cfg))); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestValidateGroupActionOfSeveralInterests: in a program with several
// solution interests, a change_stage action must be able to tell whose
// stage it changes: the action names the interest, the journey is bound
// to one (every trigger names it), or the action runs in a parallel
// branch, on its track's group. Otherwise it would move the account's
// first group, whichever that is.
func TestValidateGroupActionOfSeveralInterests(t *testing.T) {
	t.Parallel()
	interests := []string{"Data Platform", "Security"}
	stage := func(r *journey.Recipients) journey.Node {
		return journey.Node{ID: "stage", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionChangeStage, Stage: "Consideration", Recipients: r, Next: "end"}}
	}
	plain := []journey.Node{stage(nil), end("end", "")}
	audience := journey.Trigger{Type: journey.TriggerAudience, Audience: "ICP"}
	created := func(interest string) journey.Trigger {
		return journey.Trigger{Type: journey.TriggerGroupCreated, SolutionInterest: interest}
	}
	const problem = `nodes["stage"].action.recipients.solutionInterest: a change_stage action needs the solution interest of the buying group it moves: ` +
		`an account may have a group for each of Data Platform, Security, and the journey is bound to none ` +
		`(name the interest here, give every trigger the same solutionInterest, or run the action in a parallel branch)`
	tests := []struct {
		name      string
		interests []string
		triggers  []journey.Trigger
		nodes     []journey.Node
		want      []string // nil: valid
	}{
		{name: "an audience trigger", interests: interests, triggers: []journey.Trigger{audience}, nodes: plain, want: []string{problem}},
		{name: "manual entries only", interests: interests, nodes: plain, want: []string{problem}},
		{name: "a group created for any interest", interests: interests, triggers: []journey.Trigger{created("")}, nodes: plain, want: []string{problem}},
		{name: "triggers of different interests", interests: interests, triggers: []journey.Trigger{created("Data Platform"), created("Security")}, nodes: plain, want: []string{problem}},
		{name: "a trigger of no interest beside one of an interest", interests: interests,
			triggers: []journey.Trigger{created("Security"), {Type: journey.TriggerManual}}, nodes: plain, want: []string{problem}},
		{name: "a journey bound to an interest", interests: interests, triggers: []journey.Trigger{created("Security")}, nodes: plain},
		{name: "every trigger names the same interest", interests: interests,
			triggers: []journey.Trigger{created("Security"), {Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security"}}, nodes: plain},
		{name: "the action names its interest", interests: interests, triggers: []journey.Trigger{audience},
			nodes: []journey.Node{stage(&journey.Recipients{SolutionInterest: "Security"}), end("end", "")}},
		{name: "in a parallel branch", interests: interests, triggers: []journey.Trigger{audience}, nodes: []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "stage", Merge: "end"}},
			stage(nil),
			{ID: "end", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "done"}},
			end("done", ""),
		}},
		{name: "in a parallel branch without a merge", interests: interests, triggers: []journey.Trigger{audience}, nodes: []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "stage"}},
			stage(nil), end("end", ""),
		}},
		{name: "after a parallel node's merge", interests: interests, triggers: []journey.Trigger{audience}, nodes: []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "mail", Merge: "join"}},
			email("mail", "hello", "join", nil),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "stage"}},
			stage(nil), end("end", ""),
		}, want: []string{problem}},
		{name: "on a path the main track takes into a branch", interests: interests, triggers: []journey.Trigger{audience}, nodes: []journey.Node{
			{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "stage"}}, Else: "fan"}},
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "stage"}},
			stage(nil), end("end", ""),
		}, want: []string{problem}},
		{name: "a program of one interest", interests: interests[:1], triggers: []journey.Trigger{audience}, nodes: plain},
		{name: "interests not checked", triggers: []journey.Trigger{audience}, nodes: plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := journey.Journey{ID: "j", Triggers: tt.triggers, Nodes: tt.nodes}
			err := journey.Validate(j, journey.Config{Roles: standardRoles, SolutionInterests: tt.interests})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the pipeline acceleration journey, bound to its interest", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, journey.Validate(pipelineAcceleration(), journey.Config{Roles: standardRoles, SolutionInterests: interests}))
	})
}

// TestValidateActionsOnTheTracksGroupOfSeveralInterests: a sales alert, a
// set_attribute on the group and an adjust_score on the group act on the
// track's buying group; in a program with several solution interests, a
// journey bound to none cannot tell which that is on its main track (it
// was the account's first group). Bound, or in a parallel branch, it can;
// the account's attributes and persons' scores are no group's.
func TestValidateActionsOnTheTracksGroupOfSeveralInterests(t *testing.T) {
	t.Parallel()
	const groups = `an account may have a group for each of Data Platform, Security, and the journey is bound to none ` +
		`(give every trigger the same solutionInterest, or run the action in a parallel branch)`
	tests := []struct {
		name   string
		action journey.Action
		want   string // "": valid
	}{
		{"sales alert", journey.Action{Type: journey.ActionSalesAlert, Template: "hot"},
			`nodes["act"].action: a sales alert is about one buying group: ` + groups},
		{"set_attribute on the group", journey.Action{Type: journey.ActionSetAttribute, Target: "group", Attribute: "owner", Value: "sam"},
			`nodes["act"].action.target: a set_attribute action on the group sets one buying group's attribute: ` + groups},
		{"adjust_score on the group", journey.Action{Type: journey.ActionAdjustScore, Target: "group", Delta: 10},
			`nodes["act"].action.target: an adjust_score action on the group adjusts one buying group's score: ` + groups},
		{"adjust_score on the group by default", journey.Action{Type: journey.ActionAdjustScore, Delta: 10},
			`nodes["act"].action.target: an adjust_score action on the group adjusts one buying group's score: ` + groups},
		{"set_attribute on the account", journey.Action{Type: journey.ActionSetAttribute, Target: "account", Attribute: "tier", Value: "a"}, ""},
		{"adjust_score on persons", journey.Action{Type: journey.ActionAdjustScore, Target: "person", Delta: 10}, ""},
		{"email", journey.Action{Type: journey.ActionEmail, Template: "hello"}, ""},
	}
	cfg := journey.Config{Roles: standardRoles, SolutionInterests: []string{"Data Platform", "Security"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := tt.action
			a.Next = "end"
			act := journey.Node{ID: "act", Kind: journey.KindAction, Action: &a}
			audience := []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP"}}
			unbound := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{act, end("end", "")}}
			err := journey.Validate(unbound, cfg)
			if tt.want == "" {
				require.NoError(t, err)
			} else if diff := cmp.Diff([]string{tt.want}, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}

			bound := unbound
			bound.Triggers = []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security"}}
			require.NoError(t, journey.Validate(bound, cfg), "bound to an interest")
			branch := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{
				{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "act"}}, act, end("end", "")}}
			require.NoError(t, journey.Validate(branch, cfg), "in a parallel branch")
		})
	}
}

// TestValidateAssignRoleOfSeveralInterests: an assign_role action gives
// the role in one buying group; a person chosen among the members of
// every group gets it in the first group it is found in. In a program with
// several solution interests, the persons of an assign_role on the main
// track of a journey bound to none must come from one interest's group:
// the action's recipients, or a people split's among or path, name it.
func TestValidateAssignRoleOfSeveralInterests(t *testing.T) {
	t.Parallel()
	const groups = `an assign_role action gives the role in one buying group, and a person may be in several: ` +
		`an account may have a group for each of Data Platform, Security, and the journey is bound to none `
	champion := journey.Action{Type: journey.ActionAssignRole, Role: "Champion"}
	assign := func(r *journey.Recipients) journey.Node {
		a := champion
		a.Recipients, a.Next = r, "end"
		return journey.Node{ID: "assign", Kind: journey.KindAction, Action: &a}
	}
	split := func(among, match *journey.Recipients) journey.Node {
		return journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Among: among,
			Paths: []journey.PeoplePath{{Name: "engaged", Match: match, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "hi"}, champion}}},
			Else:  []journey.Action{champion}, Next: "end"}}
	}
	engaged := &journey.Recipients{When: "score >= 50"}
	tests := []struct {
		name string
		node journey.Node
		want []string // nil: valid
	}{
		{"recipients of any group", assign(engaged), []string{
			`nodes["assign"].action.recipients.solutionInterest: ` + groups +
				`(name the interest here, give every trigger the same solutionInterest, or run the action in a parallel branch)`}},
		{"recipients of an interest", assign(&journey.Recipients{SolutionInterest: "Security", When: "score >= 50"}), nil},
		{"a people split among every group", split(nil, engaged), []string{
			`nodes["ps"].peopleSplit.paths[0].actions[1]: ` + groups +
				`(name the interest in the split's among or the path's match, give every trigger the same solutionInterest, or run the split in a parallel branch)`,
			`nodes["ps"].peopleSplit.else[0]: ` + groups +
				`(name the interest in the split's among, give every trigger the same solutionInterest, or run the split in a parallel branch)`}},
		{"a people split path of an interest", split(nil, &journey.Recipients{SolutionInterest: "Security", When: "score >= 50"}), []string{
			`nodes["ps"].peopleSplit.paths[0].match: a people split's path that matches by role, solution interest or group judges a person by one buying group, ` +
				`and a person may be in several: an account may have a group for each of Data Platform, Security, and the journey is bound to none ` +
				`(name the interest in the split's among, give every trigger the same solutionInterest, or run the split in a parallel branch)`,
			`nodes["ps"].peopleSplit.else[0]: ` + groups +
				`(name the interest in the split's among, give every trigger the same solutionInterest, or run the split in a parallel branch)`}},
		{"a people split among an interest's group", split(&journey.Recipients{SolutionInterest: "Security"}, engaged), nil},
	}
	cfg := journey.Config{Roles: standardRoles, SolutionInterests: []string{"Data Platform", "Security"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			audience := []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP"}}
			unbound := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{tt.node, end("end", "")}}
			err := journey.Validate(unbound, cfg)
			if tt.want == nil {
				require.NoError(t, err)
			} else if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}

			bound := unbound
			bound.Triggers = []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security"}}
			require.NoError(t, journey.Validate(bound, cfg), "bound to an interest")
			branch := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{
				{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: tt.node.ID}}, tt.node, end("end", "")}}
			require.NoError(t, journey.Validate(branch, cfg), "in a parallel branch")
		})
	}
}

// TestValidatePeopleSplitMatchOfSeveralInterests: a people split whose
// among names no interest takes each person once, with the role and group
// of the first group it is found in. In a program with several solution
// interests, on the main track of a journey bound to none, a path that
// matches by role, by solution interest or by a condition reading role or
// group judges a person in several groups by that first group alone (a
// member of Security's group found in Data Platform's first does not
// match a Security path), like the assign_role of
// TestValidateAssignRoleOfSeveralInterests. Paths by percent, or by what
// the person is whatever its group, do not depend on it.
func TestValidatePeopleSplitMatchOfSeveralInterests(t *testing.T) {
	t.Parallel()
	const problem = `: a people split's path that matches by role, solution interest or group judges a person by one buying group, and a person may be in several: ` +
		`an account may have a group for each of Data Platform, Security, and the journey is bound to none ` +
		`(name the interest in the split's among, give every trigger the same solutionInterest, or run the split in a parallel branch)`
	hi := []journey.Action{{Type: journey.ActionEmail, Template: "hi"}}
	split := func(among *journey.Recipients, paths ...journey.PeoplePath) journey.Node {
		return journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Among: among, Paths: paths, Else: hi, Next: "end"}}
	}
	paths := 0 // paths of one split have names of their own
	match := func(r journey.Recipients) journey.PeoplePath {
		paths++
		return journey.PeoplePath{Name: "p" + strconv.Itoa(paths), Match: &r, Actions: hi}
	}
	tests := []struct {
		name string
		node journey.Node
		want []string // nil: valid
	}{
		{"by role", split(nil, match(journey.Recipients{Roles: []string{"Champion"}})), []string{`nodes["ps"].peopleSplit.paths[0].match` + problem}},
		{"by solution interest", split(nil, match(journey.Recipients{SolutionInterest: "Security"}), match(journey.Recipients{SolutionInterest: "Data Platform"})),
			[]string{`nodes["ps"].peopleSplit.paths[0].match` + problem, `nodes["ps"].peopleSplit.paths[1].match` + problem}},
		{"by a condition on the role", split(nil, match(journey.Recipients{When: "score > 10"}), match(journey.Recipients{When: `role == "Champion"`})),
			[]string{`nodes["ps"].peopleSplit.paths[1].match` + problem}},
		{"by a condition on the group", split(nil, match(journey.Recipients{When: `group.stage == "Decision"`})), []string{`nodes["ps"].peopleSplit.paths[0].match` + problem}},
		{"among the members of some roles", split(&journey.Recipients{Roles: []string{"Champion", "Decision Maker"}}, match(journey.Recipients{Roles: []string{"Champion"}})),
			[]string{`nodes["ps"].peopleSplit.paths[0].match` + problem}},
		{"by conditions on the person", split(nil, match(journey.Recipients{When: `score > 10 && person.title != "role"`})), nil},
		{"by percent", journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Paths: []journey.PeoplePath{
			{Name: "a", Percent: 50, Actions: hi}, {Name: "b", Percent: 50, Actions: hi}},
			Among: &journey.Recipients{Roles: []string{"Champion"}}, Next: "end"}}, nil},
		{"among an interest's group", split(&journey.Recipients{SolutionInterest: "Security"}, match(journey.Recipients{Roles: []string{"Champion"}})), nil},
	}
	cfg := journey.Config{Roles: standardRoles, SolutionInterests: []string{"Data Platform", "Security"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			audience := []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP"}}
			unbound := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{tt.node, end("end", "")}}
			err := journey.Validate(unbound, cfg)
			if tt.want == nil {
				require.NoError(t, err)
			} else if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}

			bound := unbound
			bound.Triggers = []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security"}}
			require.NoError(t, journey.Validate(bound, cfg), "bound to an interest")
			branch := journey.Journey{ID: "j", Triggers: audience, Nodes: []journey.Node{
				{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: tt.node.ID}}, tt.node, end("end", "")}}
			require.NoError(t, journey.Validate(branch, cfg), "in a parallel branch")
			require.NoError(t, journey.Validate(unbound, journey.Config{Roles: standardRoles, SolutionInterests: cfg.SolutionInterests[:1]}), "one interest")
		})
	}
}

// TestValidateConditionsReadingTheGroupOfSeveralInterests: "group" in an
// account condition is the track's buying group, the account's first
// when the track addresses no interest. In a program with several
// solution interests, a condition that reads it on the main track of a
// journey bound to none, in its exits and goals, or in a trigger that
// gives the instance no group, cannot tell which group it reads.
func TestValidateConditionsReadingTheGroupOfSeveralInterests(t *testing.T) {
	t.Parallel()
	const groups = `the condition reads group, one buying group: an account may have a group for each of Data Platform, Security, `
	split := func(when string) journey.Node {
		return journey.Node{ID: "hot?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{Name: "hot", When: when, Next: "end"}}, Else: "end"}}
	}
	listen := journey.Node{ID: "hear", Kind: journey.KindListen, Listen: &journey.Listen{Events: []journey.EventMatch{
		{Type: journey.EventActivity, When: `event.activityType == "request_demo" && group.score > 10`}}, Timeout: journey.Days(7), Next: "end", OnTimeout: "end"}}
	audience := journey.Trigger{Type: journey.TriggerAudience, Audience: "ICP"}
	tests := []struct {
		name     string
		triggers []journey.Trigger
		nodes    []journey.Node
		exits    []journey.Exit
		goals    []journey.Goal
		want     []string // nil: valid
	}{
		{name: "a split reading the group", triggers: []journey.Trigger{audience}, nodes: []journey.Node{split("group.score >= 150"), end("end", "")},
			want: []string{`nodes["hot?"].paths[0].when: ` + groups +
				`and the journey is bound to none (read groups, give every trigger the same solutionInterest, or run the split in a parallel branch)`}},
		{name: "a listen node reading the group", triggers: []journey.Trigger{audience}, nodes: []journey.Node{listen, end("end", "")},
			want: []string{`nodes["hear"].listen.events[0].when: ` + groups +
				`and the journey is bound to none (read groups, give every trigger the same solutionInterest, or run the listen node in a parallel branch)`}},
		{name: "exits and goals reading the group", triggers: []journey.Trigger{audience}, nodes: []journey.Node{end("end", "")},
			exits: []journey.Exit{{Reason: "sales ready", When: `group.stage == "Sales Ready"`}, {Reason: "won", When: `any(opportunities, .status == "won")`}},
			goals: []journey.Goal{{Name: "engaged", When: "group.score >= 100"}},
			want: []string{
				`exits[0].when: ` + groups + `and the journey is bound to none (read groups, or give every trigger the same solutionInterest)`,
				`goals[0].when: ` + groups + `and the journey is bound to none (read groups, or give every trigger the same solutionInterest)`,
			}},
		{name: "triggers reading the group", nodes: []journey.Node{end("end", "")}, triggers: []journey.Trigger{
			{Type: journey.TriggerAudience, Audience: "ICP", When: "group.score > 10"},
			{Type: journey.TriggerList, When: "group.completeness < 0.5"},
			{Type: journey.TriggerAttributeChanged, Attribute: "account.tier", When: "group.score > 10"},
			{Type: journey.TriggerGroupCreated, When: "group.score > 10"},
			{Type: journey.TriggerAttributeChanged, Attribute: "group.readinessTier", When: "group.score > 10"},
			{Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security", When: "group.score > 10"},
		}, want: []string{
			`triggers[0].when: ` + groups + `and the trigger names none (read groups, or name the trigger's solutionInterest)`,
			`triggers[1].when: ` + groups + `and the trigger names none (read groups, or name the trigger's solutionInterest)`,
			`triggers[2].when: ` + groups + `and the trigger names none (read groups, or name the trigger's solutionInterest)`,
		}},
		{name: "conditions that read other things", triggers: []journey.Trigger{{Type: journey.TriggerList, When: `account.industry == "group"`}},
			nodes: []journey.Node{split(`any(groups, .score >= 150) && journey.visits < 3`), end("end", "")},
			exits: []journey.Exit{{Reason: "about a group", Event: journey.EventActivity, When: `event.group != ""`}}},
		// Comments are no code, and a raw string takes a backslash as it
		// is: a quote in a comment, or a raw string that ends in a
		// backslash, hid the group read after it, and a comment naming
		// group read as reading it.
		{name: "the group read after a comment with a quote", triggers: []journey.Trigger{audience},
			nodes: []journey.Node{split("/* don't mail */ group.score >= 150"), end("end", "")},
			want: []string{`nodes["hot?"].paths[0].when: ` + groups +
				`and the journey is bound to none (read groups, give every trigger the same solutionInterest, or run the split in a parallel branch)`}},
		{name: "the group read after a raw string ending in a backslash", triggers: []journey.Trigger{audience},
			nodes: []journey.Node{split("account.name != `C:\\` && group.score >= 150"), end("end", "")},
			want: []string{`nodes["hot?"].paths[0].when: ` + groups +
				`and the journey is bound to none (read groups, give every trigger the same solutionInterest, or run the split in a parallel branch)`}},
		{name: "group named in comments only", triggers: []journey.Trigger{{Type: journey.TriggerList, When: "account.employees > 5 // not group.score"}},
			nodes: []journey.Node{split("/* any group */ any(groups, .score >= 150)"), end("end", "")}},
		{name: "a journey bound to an interest", triggers: []journey.Trigger{{Type: journey.TriggerAudience, Audience: "ICP", SolutionInterest: "Security", When: "group.score > 10"}},
			nodes: []journey.Node{split("group.score >= 150"), end("end", "")},
			exits: []journey.Exit{{Reason: "sales ready", When: `group.stage == "Sales Ready"`}}, goals: []journey.Goal{{Name: "engaged", When: "group.score >= 100"}}},
		{name: "a listen node of a journey bound to an interest", triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Security"}},
			nodes: []journey.Node{listen, end("end", "")}},
		{name: "in a parallel branch", triggers: []journey.Trigger{audience}, nodes: []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "hot?"}}, split("group.score >= 150"), end("end", "")}},
	}
	cfg := journey.Config{Roles: standardRoles, SolutionInterests: []string{"Data Platform", "Security"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := journey.Journey{ID: "j", Triggers: tt.triggers, Nodes: tt.nodes, Exits: tt.exits, Goals: tt.goals}
			err := journey.Validate(j, cfg)
			if tt.want == nil {
				require.NoError(t, err)
			} else if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			require.NoError(t, journey.Validate(j, journey.Config{Roles: standardRoles, SolutionInterests: cfg.SolutionInterests[:1]}), "one interest")
		})
	}
}

// TestJourneyMainTrack: the nodes an instance's main track can reach are
// all from the start but those only a parallel node's branch runs; the
// main track goes on at its merge node's next. A journey whose start is
// unknown reaches none.
func TestJourneyMainTrack(t *testing.T) {
	t.Parallel()
	fan := func(merge journey.NodeID) journey.Node {
		return journey.Node{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "mail", Merge: merge}}
	}
	tests := []struct {
		name  string
		start journey.NodeID
		nodes []journey.Node
		want  []bool
	}{
		{"linear", "", []journey.Node{email("mail", "hi", "end", nil), end("end", "")}, []bool{true, true}},
		{"a parallel branch and its merge", "", []journey.Node{fan("join"), email("mail", "hi", "join", nil),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}}, end("end", "")}, []bool{true, false, false, true}},
		{"a parallel branch without a merge", "", []journey.Node{fan(""), email("mail", "hi", "end", nil), end("end", "")}, []bool{true, false, false}},
		{"a node of the branch the main track reaches too", "", []journey.Node{
			{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "mail"}}, Else: "fan"}},
			fan(""), email("mail", "hi", "end", nil), end("end", "")}, []bool{true, true, true, true}},
		{"a broken reference", "", []journey.Node{email("mail", "hi", "ned", nil), end("end", "")}, []bool{true, false}},
		{"an unknown start", "nope", []journey.Node{email("mail", "hi", "end", nil), end("end", "")}, []bool{false, false}},
		{"no nodes", "", nil, []bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := journey.Journey{ID: "j", Start: tt.start, Nodes: tt.nodes}
			require.Equal(t, tt.want, j.MainTrack())
		})
	}
}

// TestJourneyTracks: each node tells which tracks can reach it and the
// solution interests they address there: a bound journey's main track
// its interest, a parallel node's tracks those it names (or any, when it
// names none), a main track of a journey bound to none any. A parallel
// track ends at a merge node; the main track goes on there.
func TestJourneyTracks(t *testing.T) {
	t.Parallel()
	fan := func(id, branch, merge journey.NodeID, interests ...string) journey.Node {
		return journey.Node{ID: id, Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: interests, Branch: branch, Merge: merge}}
	}
	join := func(id, next journey.NodeID) journey.Node {
		return journey.Node{ID: id, Kind: journey.KindMerge, Merge: &journey.Merge{Next: next}}
	}
	main := func(interests ...string) journey.NodeTracks {
		return journey.NodeTracks{Main: true, Interests: interests, AnyInterest: len(interests) == 0}
	}
	branch := func(interests ...string) journey.NodeTracks {
		return journey.NodeTracks{Interests: interests, AnyInterest: len(interests) == 0}
	}
	tests := []struct {
		name     string
		interest string // the triggers'
		nodes    []journey.Node
		want     []journey.NodeTracks
	}{
		{"bound to none", "", []journey.Node{email("mail", "hi", "end", nil), end("end", "")}, []journey.NodeTracks{main(), main()}},
		{"bound", "Security", []journey.Node{email("mail", "hi", "end", nil), end("end", "")}, []journey.NodeTracks{main("Security"), main("Security")}},
		{"a branch for some interests, and its merge", "Security", []journey.Node{fan("fan", "mail", "join", "Data Platform", "Analytics"),
			email("mail", "hi", "join", nil), join("join", "end"), end("end", "")},
			[]journey.NodeTracks{main("Security"), branch("Analytics", "Data Platform"), branch("Analytics", "Data Platform"), main("Security")}},
		{"a branch for every interest", "Security", []journey.Node{fan("fan", "mail", ""), email("mail", "hi", "end", nil), end("end", "")},
			[]journey.NodeTracks{main("Security"), branch(), branch()}},
		{"nested branches", "", []journey.Node{fan("fan", "fan2", "", "Data Platform"), fan("fan2", "mail", "join", "Security"),
			email("mail", "hi", "join", nil), join("join", "end"), end("end", "")},
			[]journey.NodeTracks{main(), branch("Data Platform"), branch("Security"), branch("Security"), branch("Data Platform")}},
		{"a node both reach", "Security", []journey.Node{
			{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{{When: "account.employees > 1000", Next: "mail"}}, Else: "fan"}},
			fan("fan", "mail", "", "Data Platform"), email("mail", "hi", "end", nil), end("end", "")},
			[]journey.NodeTracks{main("Security"), main("Security"), main("Data Platform", "Security"), main("Data Platform", "Security")}},
		{"an unknown start", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := journey.Journey{ID: "j", Nodes: tt.nodes}
			if tt.interest != "" {
				j.Triggers = []journey.Trigger{{Type: journey.TriggerManual, SolutionInterest: tt.interest}}
			}
			if tt.nodes == nil {
				j.Start, j.Nodes = "nope", []journey.Node{end("end", "")}
				tt.want = []journey.NodeTracks{{}}
			}
			if diff := cmp.Diff(tt.want, j.Tracks()); diff != "" {
				t.Errorf("tracks (-want +got):\n%s", diff)
			}
		})
	}
}

// A node kind, a trigger type or an action type that is misspelt or
// missing is reported with the names it could be, as a role or an event
// type is.
func TestValidateUnknownNamesListTheKnown(t *testing.T) {
	t.Parallel()
	const (
		kinds    = "action, wait, listen, external, split, people_split, variant, parallel, merge, goto, end"
		triggers = "audience_entered, account_list, group_created, attribute_changed, manual"
		actions  = "email, sms, sales_alert, change_stage, set_attribute, add_to_list, remove_from_list, adjust_score, assign_role"
	)
	for _, tt := range []struct {
		name string
		edit func(j *journey.Journey)
		want string
	}{
		{"a misspelt node kind", func(j *journey.Journey) { j.Nodes[1].Kind = "wiat" },
			`nodes["wait-5d"].kind: unknown node kind "wiat" (known: ` + kinds + `)`},
		{"no node kind", func(j *journey.Journey) { j.Nodes[1].Kind = "" },
			`nodes["wait-5d"].kind: is required (one of ` + kinds + `)`},
		{"a misspelt trigger type", func(j *journey.Journey) { j.Triggers[0].Type = "group_creatd" },
			`triggers[0].type: unknown trigger type "group_creatd" (known: ` + triggers + `)`},
		{"no trigger type", func(j *journey.Journey) { j.Triggers[0] = journey.Trigger{} },
			`triggers[0].type: is required (one of ` + triggers + `)`},
		{"a misspelt action type", func(j *journey.Journey) { j.Nodes[0].Action.Type = "emial" },
			`nodes["intro"].action.type: unknown action type "emial" (known: ` + actions + `)`},
		{"no action type", func(j *journey.Journey) { j.Nodes[0].Action.Type = "" },
			`nodes["intro"].action.type: is required (one of ` + actions + `)`},
		{"a misspelt re-entry mode", func(j *journey.Journey) { j.ReEntry = journey.ReEntry{Mode: "once"} },
			`reEntry.mode: unknown re-entry mode "once" (known: never, after, max)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := pipelineAcceleration()
			tt.edit(&j)
			require.Equal(t, []string{tt.want}, problems(t, journey.Validate(j, journey.Config{Roles: standardRoles})))
		})
	}
}
