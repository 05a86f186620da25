package journey

import (
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// NodeID names a node inside one journey ("email-intro", "split-1").
type NodeID string

// A Journey is the definition of an account journey: a graph of nodes that
// runs once per account (and per solution-interest track), with its entry
// triggers, re-entry policy, exit criteria and goals. It is plain data, so it
// can be written in Go or loaded from JSON/YAML; [Validate] checks it and
// [Catalog.Publish] makes a version of it live.
type Journey struct {
	// ID is stable across versions ("pipeline-acceleration").
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Start is the first node; empty means the first node of Nodes.
	Start NodeID `json:"start,omitempty"`
	Nodes []Node `json:"nodes"`
	// Triggers say how accounts enter; Manual entries (an EventManualEntry
	// naming the journey, or a GoTo node) are accepted while live, as the
	// re-entry policy allows, whatever the triggers. When every trigger
	// names the same solution interest, the journey is bound to it (see
	// [Journey.SolutionInterest]) and takes no entry for another interest.
	Triggers []Trigger `json:"triggers,omitempty"`
	ReEntry  ReEntry   `json:"reEntry,omitzero"`
	// Exits are evaluated in every step that is not idle (new events, a
	// new view revision, or something due) and as an instance enters; the
	// first that holds ends the instance with its reason.
	Exits []Exit `json:"exits,omitempty"`
	// Goals are conditions recorded (once each) when they first hold.
	Goals []Goal `json:"goals,omitempty"`
	// Completion defines which ended instances count as completed for the
	// journey-completion-rate KPI.
	Completion Completion `json:"completion,omitzero"`
	// EndAt, when set, ends the journey: from then on nobody enters and
	// running instances exit with reason "journey ended" (in the first
	// step at or after EndAt, which is an account's Result.Due at the
	// latest), dropping their deferred messages; an instance that had
	// ended still sends what a cap deferred for it (an abort drops that).
	EndAt time.Time `json:"endAt,omitzero"`
	// Category is the message category of its emails and SMS for frequency
	// caps; empty means DefaultCategory.
	Category string `json:"category,omitempty"`
}

// DefaultCategory is the message category of a journey that names none.
const DefaultCategory = "marketing"

// SolutionInterest returns the solution interest the journey is bound to:
// the one every trigger names, when it has triggers and they all name the
// same one (a manual trigger too); "" otherwise. An instance of a bound
// journey addresses that interest's buying group however it enters: by
// a trigger, or by a manual entry or a go-to that names no interest. A
// bound journey is written for that group (its stages are that
// interest's, its conditions read that group), so a manual entry that
// names another interest, or a go-to from a track of another interest,
// is refused with why ("journey is bound to solution interest Security,
// not Data Platform") rather than run on a group it was not made for.
func (j *Journey) SolutionInterest() string {
	if len(j.Triggers) == 0 {
		return ""
	}
	id := j.Triggers[0].SolutionInterest
	for _, t := range j.Triggers[1:] {
		if t.SolutionInterest != id {
			return ""
		}
	}
	return id
}

// NodePath returns the path problems of node i of j.Nodes are placed at,
// as [Compile] names it: nodes["id"] by its ID, or nodes[i] by its index
// when it has no ID or an earlier node has the same ID (nodes["id"] is
// then the first node of that ID, the one references to it lead to). A
// program checking more of a node than Compile does places its problems
// with it, so that each of two nodes of one ID is told apart.
func (j *Journey) NodePath(i int) string { return nodePathOf(j.Nodes, i) }

// MainTrack reports, for each of j.Nodes in order, whether an instance's
// main track can reach it: from the start node, every node but those that
// only the tracks of a parallel node's branch run (the main track goes on
// at the merge node's next). The main track of a bound journey addresses
// the group of its interest ([Journey.SolutionInterest]); a parallel
// track addresses its own. A node reached through a reference that does
// not resolve is not reached; when the start node is unknown, none is.
// It is the Main of [Journey.Tracks].
func (j *Journey) MainTrack() []bool {
	ts := j.Tracks()
	main := make([]bool, len(ts))
	for i := range ts {
		main[i] = ts[i].Main
	}
	return main
}

// Tracks reports, for each of j.Nodes in order, which tracks of an
// instance can reach it, and the solution interests whose buying groups
// they address there, so that what a node does to "the track's group"
// (a change_stage's stage, a go-to's journey) can be checked against the
// interests it may run for rather than every interest of the program. A
// node reached through a reference that does not resolve is not reached;
// when the start node is unknown, none is.
func (j *Journey) Tracks() []NodeTracks {
	_, ts, _ := compileJourney(*j, Config{})
	if ts == nil {
		return make([]NodeTracks, len(j.Nodes))
	}
	return ts
}

// NodeTracks tells which tracks of an instance can reach a node
// ([Journey.Tracks]) and which solution interests they address there.
type NodeTracks struct {
	// Main: the main track can reach the node (see [Journey.MainTrack]).
	Main bool
	// Interests lists, sorted, the solution interests the definition
	// tells of the tracks that can reach the node: the one the journey
	// is bound to, for its main track ([Journey.SolutionInterest]), and
	// those a parallel node that names its SolutionInterests starts its
	// tracks for.
	Interests []string
	// AnyInterest: a track whose interest the definition does not tell
	// can reach the node: the main track of a journey bound to none
	// (it addresses the interest it entered for, if any), or a track of
	// a parallel node that names no SolutionInterests (one for each
	// active interest of the account).
	AnyInterest bool
}

// NodeKind is what a node does.
type NodeKind string

// The node kinds. Each kind reads the config field of the same name on
// [Node]; exactly that one must be set.
const (
	KindAction      NodeKind = "action"       // Node.Action
	KindWait        NodeKind = "wait"         // Node.Wait
	KindListen      NodeKind = "listen"       // Node.Listen
	KindExternal    NodeKind = "external"     // Node.External
	KindSplit       NodeKind = "split"        // Node.Split: account split
	KindPeopleSplit NodeKind = "people_split" // Node.PeopleSplit
	KindVariant     NodeKind = "variant"      // Node.Variant: A/B/n by stable hash
	KindParallel    NodeKind = "parallel"     // Node.Parallel: a track per solution interest
	KindMerge       NodeKind = "merge"        // Node.Merge: joins parallel tracks
	KindGoTo        NodeKind = "goto"         // Node.GoTo: another journey
	KindEnd         NodeKind = "end"          // Node.End
)

// NodeKinds lists every node kind.
var NodeKinds = []NodeKind{KindAction, KindWait, KindListen, KindExternal, KindSplit,
	KindPeopleSplit, KindVariant, KindParallel, KindMerge, KindGoTo, KindEnd}

// A Node is one step of a journey. Kind selects which config field applies.
type Node struct {
	ID   NodeID   `json:"id"`
	Kind NodeKind `json:"kind"`
	// Name is a label for people ("Intro email").
	Name string `json:"name,omitempty"`
	// Limit guards loops: on the visit after Limit.Max visits of this node
	// by the same track, the track goes to Limit.Then instead, at once
	// (even from a wait, listen or external node: the limit is checked on
	// arrival), so a cycle through Limit.Then needs a wait of its own.
	Limit *VisitLimit `json:"limit,omitempty"`

	Action      *Action      `json:"action,omitempty"`
	Wait        *Wait        `json:"wait,omitempty"`
	Listen      *Listen      `json:"listen,omitempty"`
	External    *External    `json:"external,omitempty"`
	Split       *Split       `json:"split,omitempty"`
	PeopleSplit *PeopleSplit `json:"peopleSplit,omitempty"`
	Variant     *Variant     `json:"variant,omitempty"`
	Parallel    *Parallel    `json:"parallel,omitempty"`
	Merge       *Merge       `json:"merge,omitempty"`
	GoTo        *GoTo        `json:"goto,omitempty"`
	End         *End         `json:"end,omitempty"`
}

// VisitLimit bounds how often one track may pass a node ("back to the split
// at most 3 times").
type VisitLimit struct {
	Max  int    `json:"max"`
	Then NodeID `json:"then"`
}

// ActionType is what an action node does.
type ActionType string

// The action types. Email and SMS go to persons of the account's buying
// groups (chosen by Recipients) and respect consent and frequency caps; a
// sales alert goes to a sales user (the account owner by default); the
// others are instructions for the host to apply to its records.
const (
	ActionEmail          ActionType = "email"
	ActionSMS            ActionType = "sms"
	ActionSalesAlert     ActionType = "sales_alert"
	ActionChangeStage    ActionType = "change_stage"
	ActionSetAttribute   ActionType = "set_attribute"
	ActionAddToList      ActionType = "add_to_list"
	ActionRemoveFromList ActionType = "remove_from_list"
	ActionAdjustScore    ActionType = "adjust_score"
	ActionAssignRole     ActionType = "assign_role"
	// ActionExternal is the outbox entry of an External node.
	ActionExternal ActionType = "external"
)

// ActionTypes lists the action types an Action node may use.
var ActionTypes = []ActionType{ActionEmail, ActionSMS, ActionSalesAlert, ActionChangeStage,
	ActionSetAttribute, ActionAddToList, ActionRemoveFromList, ActionAdjustScore, ActionAssignRole}

// An Action is something the journey does. Which fields apply depends on
// Type:
//
//	email, sms         Template, Recipients
//	sales_alert        Template, AlertTo (default: the account owner)
//	change_stage       Stage (of the track's buying group, or of the group
//	                   of Recipients.SolutionInterest; their Roles and
//	                   When are not read)
//	set_attribute      Target ("account" or "group"), Attribute, Value
//	add_to_list,
//	remove_from_list   List
//	adjust_score       Delta; Target "group" or "person" (then Recipients)
//	assign_role        Role; Recipients choose the persons
//
// A field set on an action of a type that does not read it (recipients on
// a sales alert, a stage on an email) is a validation problem.
//
// An action on the track's buying group needs the account to have that
// group, which a journey entered from an audience, a list or by hand may
// find missing: change_stage, and set_attribute and adjust_score on the
// group, are then skipped with why ("change_stage to \"Sales Ready\": the
// account has no buying group for Data Platform"), and a sales alert
// goes about the account, with no group, its decision saying so. An
// action on persons (email, sms, assign_role, adjust_score of persons)
// that finds no recipient is skipped with "no recipient matched".
//
// The track's buying group is that of the solution interest the track
// addresses: a parallel track's, or the main track's, which is the
// interest the instance entered for (see [Journey.SolutionInterest]). In
// a program with several solution interests ([Config].SolutionInterests),
// an action on one buying group (change_stage, sales_alert, set_attribute
// or adjust_score on the group, assign_role) that the main track of a
// journey bound to no interest can reach is a validation problem, unless
// it names its interest (change_stage and assign_role in
// Recipients.SolutionInterest; an assign_role of a people split in its
// Among or its path's Match): the account's groups are several, and which
// one it means cannot be told.
type Action struct {
	Type       ActionType  `json:"type"`
	Template   string      `json:"template,omitempty"`
	Recipients *Recipients `json:"recipients,omitempty"`
	AlertTo    string      `json:"alertTo,omitempty"`
	Stage      string      `json:"stage,omitempty"`
	Target     string      `json:"target,omitempty"`
	Attribute  string      `json:"attribute,omitempty"`
	Value      string      `json:"value,omitempty"`
	List       string      `json:"list,omitempty"`
	Delta      float64     `json:"delta,omitempty"`
	Role       string      `json:"role,omitempty"`
	// Next is the node after the action (none inside a people split).
	Next NodeID `json:"next,omitempty"`
}

// Recipients choose persons among the members of the account's buying
// groups. All given filters must hold; a person in several groups is
// addressed once per action.
type Recipients struct {
	// Roles keep members holding one of these roles; empty means any role.
	Roles []string `json:"roles,omitempty"`
	// SolutionInterest keeps members of that interest's group. Empty means
	// the group of the interest the track addresses (a parallel track's,
	// or the one the instance entered for), and every group when it
	// addresses none.
	SolutionInterest string `json:"solutionInterest,omitempty"`
	// When is a person condition (environment [PersonEnv]), for example
	// "score < 20" for under-engaged members.
	When string `json:"when,omitempty"`
}

// A Wait holds the track until a time: For after arrival, or Until (a fixed
// date), whichever is given (both: the later). Window, when set, moves the
// end forward to the next moment inside the window, in the account's time
// zone; the wait's decision then says so ("moved into window Mon-Fri
// 09:00-17:00 Europe/Berlin"). A wait with Until and no For is over at once after the date, so it
// is not the wait a cycle needs (validation reports such a cycle).
//
// For counts calendar days in the account's time zone ([AccountView].Location):
// each whole 24 hours of it is a day, and a wait of N days ends at the
// clock time it began, N days later, even across a change to or from
// daylight saving time (23 or 25 hours for that day); what is left of For
// after the whole days ("1d12h": 12 hours) is then added as elapsed time,
// and a For under a day is elapsed time. Since a [Duration] does not keep
// its unit, "24h" counts as "1d". When the arrival day skips the clock
// time (clocks go forward from 02:00 to 03:00, the wait began at 02:30)
// or shows it twice (they go back from 03:00 to 02:00), the clock time is
// read with the UTC offset in force before the change: the skipped 02:30
// is 03:30, and the repeated 02:30 the first one. In UTC, or a zone that
// does not change its offset, a day is 24 hours.
type Wait struct {
	For    Duration  `json:"for,omitempty"`
	Until  time.Time `json:"until,omitzero"`
	Window *Window   `json:"window,omitempty"`
	Next   NodeID    `json:"next"`
}

// A Window is when a wait may end: on the given weekdays (empty: every day)
// between From and To ("09:00" to "17:00", local time of the account). A
// wait that ends outside it goes on to the first moment whose clock, in
// the account's zone, reads an allowed day from From to before To, so
// what it lets go is always inside the window on the account's clock.
//
// A From after To runs over midnight: "22:00" to "06:00" opens at 22:00
// on each allowed day and closes at 06:00 the next morning (with Days
// Monday to Friday, Friday night runs into Saturday, and Monday's small
// hours, Sunday night's, are closed), and "22:00" to "00:00" closes at
// midnight. Quiet hours from 20:00 to 08:00 are the window "08:00" to
// "20:00". From and To may not be the same time.
//
// On a day whose clocks skip an hour (DST), a window that starts in it
// opens when the clock jumps, one that ends in it closes then, and one
// wholly inside it does not open that day. On a day whose clocks go
// back, the window is open whenever the clock reads inside it, in both
// passes of the repeated hour: a window of 01:00-02:30, the night clocks
// go back from 03:00 to 02:00, is open from 01:00 to the first 02:30 and
// again from the second 02:00 to the second 02:30, so a wait ending at
// the first 02:40 goes on at the second 02:00.
type Window struct {
	Days []time.Weekday `json:"days,omitempty"`
	From string         `json:"from"`
	To   string         `json:"to"`
}

// A Listen node waits for an event that matches Events (any of them). When
// one arrives the track goes to Next; after Timeout it goes to OnTimeout.
// Timeout counts calendar days in the account's time zone, as a [Wait]'s
// For does ("7d" ends at the clock time the track arrived, a week later).
// Event times decide, not step times: an event dated after the timeout
// is not heard, even in a step that runs late, nor one dated before the
// track arrived at the node, even if it is reported only afterwards. A
// track arrives when the node before it let it go (a wait's end), even in
// a step that runs late, and its timeout counts from then.
type Listen struct {
	Events    []EventMatch `json:"events"`
	Timeout   Duration     `json:"timeout"`
	Next      NodeID       `json:"next"`
	OnTimeout NodeID       `json:"onTimeout"`
}

// EventMatch selects events by type and optional filters; When is a
// condition on [AccountEnv] with the event in "event". An event about a
// buying group (naming its solution interest, or only the group) is of
// that group's interest: SolutionInterest selects it by that, and a match
// that names none hears, on a track that addresses one interest's group,
// only the events of that interest and those about the account.
type EventMatch struct {
	Type             EventType `json:"type"`
	SolutionInterest string    `json:"solutionInterest,omitempty"`
	ActivityType     string    `json:"activityType,omitempty"`
	Role             string    `json:"role,omitempty"`
	When             string    `json:"when,omitempty"`
}

// An External node asks the host to call a function or webhook (an outbox
// entry of type "external" whose Key is the correlation key) and waits for
// an EventExternalResult with that key: success goes to OnSuccess, an error
// to OnError, no answer within Timeout to OnTimeout (an answer dated after
// the timeout counts as none). Timeout is elapsed time, days too ("1d" is
// 24 hours, the entry's Deadline): it is how long a host's call is given,
// not a time of the account's day.
type External struct {
	// Call names the host function or webhook ("crm.create_task").
	Call      string            `json:"call"`
	Params    map[string]string `json:"params,omitempty"`
	Timeout   Duration          `json:"timeout"`
	OnSuccess NodeID            `json:"onSuccess"`
	OnError   NodeID            `json:"onError"`
	OnTimeout NodeID            `json:"onTimeout"`
}

// A Split is an account split: the first path whose conditions all hold
// wins; otherwise Else. Nest splits by pointing a path at another split.
type Split struct {
	Paths []Path `json:"paths"`
	Else  NodeID `json:"else"`
}

// A Path of a split. When (environment [AccountEnv]) covers conditions on
// stage, completeness, score, readiness tier or anything else; RoleAtLeast
// is the structured "at least N people in a role" check. At least one must
// be given; both must hold when both are.
type Path struct {
	Name        string     `json:"name,omitempty"`
	When        string     `json:"when,omitempty"`
	RoleAtLeast *RoleCount `json:"roleAtLeast,omitempty"`
	Next        NodeID     `json:"next"`
}

// RoleCount is "at least Count members in Role" in the track's buying
// group (or in the group of SolutionInterest, or in any group).
type RoleCount struct {
	Role             string `json:"role"`
	Count            int    `json:"count"`
	SolutionInterest string `json:"solutionInterest,omitempty"`
}

// A PeopleSplit gives different persons different actions in one account
// step and then merges back to Next: each member chosen by Among goes down
// the first path it matches (by Recipients, or by its stable variant bucket
// when the paths carry Percent), else down Else. When Among chooses nobody
// (the account has no buying group yet, or no member holds its roles), the
// split records a skip ("people split: no recipient matched") and merges
// back.
//
// A person in several of the groups Among chooses from is taken once,
// with the role and group of the first it is found in, and paths match it
// by those. In a program with several solution interests
// ([Config].SolutionInterests), on the main track of a journey bound to
// no interest, a path that matches by role, by solution interest or by a
// condition reading role or group is therefore a validation problem
// unless Among names the interest (a split by Percent is not).
type PeopleSplit struct {
	// Among chooses the persons considered (default: every member of the
	// track's group, or of every group).
	Among *Recipients  `json:"among,omitempty"`
	Paths []PeoplePath `json:"paths"`
	Else  []Action     `json:"else,omitempty"`
	Next  NodeID       `json:"next"`
}

// A PeoplePath holds the actions for the persons that match it: by Match
// (roles, interest, condition) or, when Percent is set on every path, by a
// stable hash of (journey, node, person); then every person the split's
// Among chooses goes down one of the paths, so a path's Match and the
// split's Else, which would not be read, are validation problems. The actions (and a split's Else)
// are person actions (email, sms, adjust_score on "person", assign_role)
// with neither Next nor Recipients, the persons coming from the path; they
// are otherwise validated like an action node's. A person who holds
// several roles in the group matches a path by any of them (its Roles
// hold one, and its When holds with role as that one) and gets the
// path's actions in that role.
type PeoplePath struct {
	Name    string      `json:"name"`
	Match   *Recipients `json:"match,omitempty"`
	Percent int         `json:"percent,omitempty"`
	Actions []Action    `json:"actions"`
}

// A Variant split sends the account down one of its paths, chosen by a
// stable hash of (journey, node, account) against the percentages, so
// reruns and simulations are reproducible.
type Variant struct {
	Paths []VariantPath `json:"paths"`
}

// A VariantPath is one arm of an A/B/n test.
type VariantPath struct {
	Name    string `json:"name"`
	Percent int    `json:"percent"`
	Next    NodeID `json:"next"`
}

// A Parallel node starts one track per active solution interest of the
// account (optionally only those in SolutionInterests): one whose buying
// group is not in a closed stage (won or lost, [GroupView].Closed) and
// has the status "active" or none. Each starts at Branch with its own
// position and its buying group as "group". When Merge names a merge
// node, the parent track waits there until every child reached it or
// ended, then continues from the merge node's Next (at once when no
// interest is active: a cycle back to the parallel node needs a wait
// outside the branch); otherwise the parent ends and the tracks run on
// their own.
type Parallel struct {
	SolutionInterests []string `json:"solutionInterests,omitempty"`
	Branch            NodeID   `json:"branch"`
	Merge             NodeID   `json:"merge,omitempty"`
}

// A Merge node ends a parallel track; once all tracks arrived the parent
// continues at Next.
type Merge struct {
	Next NodeID `json:"next"`
}

// GoTo ends this instance and enters the account into another journey (its
// latest live version), subject to that journey's re-entry policy; the
// instance there addresses the solution interest of the track that went
// (if it addressed none, the interest that journey is bound to). The
// hand-over ends the instance with reason "go to journey <id>", counted
// as completed when [Completion] names no end node and no goal, or when
// the instance reached the completion goal before, and the messages a cap
// deferred for it are still sent. A target that takes no entry (it is not
// live, its end date has passed, it is bound to another solution interest
// than the track's, the account is in it already or its re-entry policy
// refuses the account) leaves nothing to hand over to: the
// instance exits with why ("go to journey nurture: journey is not live
// (closed)"), not completed unless it reached the completion goal before,
// and its deferred messages are dropped, as at any exit.
//
// A go-to on a track of a parallel branch ends the whole instance too,
// its other tracks with it: the tracks of a branch step in the order of
// their solution interests, so the first to reach a go-to decides for
// all. To hand each interest's group over on its own, give each interest
// a journey of its own, or merge the tracks before the go-to.
//
// A go-to to a journey bound to a solution interest that no track
// reaching it addresses (see [Journey.Tracks]) is a validation problem
// ([Catalog.Publish]): where the main track of a journey bound to another
// interest goes, or where only parallel tracks of other interests go (a
// parallel node that names its SolutionInterests), that journey would
// take no entry. Publishing a journey bound to an interest is checked
// the same way against the go-tos to it of the latest version of every
// live or closed journey, with the problem at its triggers naming that
// journey and node: a binding that would leave them go-tos that cannot
// hand over is refused. A track whose interest the definition does not
// tell (of a journey bound to none, or of a parallel node that names no
// interests), or one of several interests that a split may route, is
// left to the run time, as are the instances of earlier versions.
//
// Journeys that go to each other must wait somewhere on the way: a
// go-to that a track reaches from its journey's start in the moment it
// entered (no wait for a duration, listen or external node on some path
// to it), into a journey that does the same, and so on back into the
// first, would hand an account round within one moment, sending each
// journey's messages every time round. Publishing the journey that
// closes such a cycle is refused ([Catalog.Publish]), the problem at its
// go-to naming the journeys of the cycle and, for each, the nodes from
// its start to its go-to (cycle of go-tos without a wait: journey "a"
// (mail -> go) -> journey "b" (go) -> journey "a" ...); the journeys gone
// to are the live ones and those published with it. A step hands an account over at
// most [Config].MaxTransitions times at one moment (a cycle of versions
// that no publish checked, carried from other catalogs): the instance
// whose go-to would go on exits instead, with why ("go to journey a: 1000
// go-tos at one moment in one step (...)").
type GoTo struct {
	Journey string `json:"journey"`
}

// An End node ends the track. Outcome is a label for reports ("alerted").
type End struct {
	Outcome string `json:"outcome,omitempty"`
}

// joinNames lists names for a problem: "a, b, c".
func joinNames[T ~string](names []T) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return strings.Join(out, ", ")
}

// nodeConfigs reports which config fields are set, for validation.
func (n *Node) configs() []NodeKind {
	var ks []NodeKind
	add := func(set bool, k NodeKind) {
		if set {
			ks = append(ks, k)
		}
	}
	add(n.Action != nil, KindAction)
	add(n.Wait != nil, KindWait)
	add(n.Listen != nil, KindListen)
	add(n.External != nil, KindExternal)
	add(n.Split != nil, KindSplit)
	add(n.PeopleSplit != nil, KindPeopleSplit)
	add(n.Variant != nil, KindVariant)
	add(n.Parallel != nil, KindParallel)
	add(n.Merge != nil, KindMerge)
	add(n.GoTo != nil, KindGoTo)
	add(n.End != nil, KindEnd)
	return ks
}

// configField is the name in JSON of the field of a Node that holds the
// config of a node of kind k: the kind's name, but peopleSplit for
// people_split.
func (k NodeKind) configField() string {
	if k == KindPeopleSplit {
		return "peopleSplit"
	}
	return string(k)
}

// personal reports whether an action type messages persons.
func (t ActionType) personal() bool { return t == ActionEmail || t == ActionSMS }

// channel returns the consent channel of a message action.
func (t ActionType) channel() b2b.Channel {
	switch t {
	case ActionEmail:
		return b2b.ChannelEmail
	case ActionSMS:
		return b2b.ChannelSMS
	}
	return ""
}
