package journey

import (
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// State is one account's journey state: its running instances, its entry
// history per journey, its recent messages (for frequency caps) and its
// deferred messages. It is plain, JSON-serialisable data that a store
// persists with the account; [Catalog.Step] advances it in place.
type State struct {
	Account   b2b.AccountID     `json:"account"`
	Instances []Instance        `json:"instances,omitempty"`
	Records   []Record          `json:"records,omitempty"`
	Contacts  []Contact         `json:"contacts,omitempty"`
	Deferred  []DeferredMessage `json:"deferred,omitempty"`
	// Revision is the view revision seen by the last step; Generation the
	// generation of its catalog ([Catalog.Generation], which tells
	// catalogs apart by what they hold). Together with Due they let a
	// step that has nothing to do return at once.
	Revision   uint64    `json:"revision,omitempty"`
	Generation uint64    `json:"generation,omitempty"`
	Due        time.Time `json:"due,omitzero"`
}

// Clone returns a deep copy of the state.
func (s *State) Clone() State {
	out := *s
	out.Instances = make([]Instance, len(s.Instances))
	for i, in := range s.Instances {
		out.Instances[i] = in.clone()
	}
	out.Records = slices.Clone(s.Records)
	out.Contacts = slices.Clone(s.Contacts)
	out.Deferred = slices.Clone(s.Deferred)
	return out
}

// ForgetPerson removes what the state remembers of a person (right to be
// forgotten): the messages sent to the person, kept for frequency caps,
// the messages held back for the person by a cap, and the event of theirs
// that a listen heard, kept as a track's reason for a later sales alert
// (which then reads "a listen heard an event of a person who was
// forgotten"). It returns how many records it removed or rewrote.
// Instances keep no other person.
func (s *State) ForgetPerson(p b2b.PersonID) int {
	n := len(s.Contacts) + len(s.Deferred)
	s.Contacts = slices.DeleteFunc(s.Contacts, func(c Contact) bool { return c.Person == p })
	s.Deferred = slices.DeleteFunc(s.Deferred, func(d DeferredMessage) bool { return d.Entry.Person == p })
	n -= len(s.Contacts) + len(s.Deferred)
	if p == "" {
		return n
	}
	for i := range s.Instances {
		for t := range s.Instances[i].Tracks {
			if tr := &s.Instances[i].Tracks[t]; tr.ReasonPerson == p {
				// The reason names the person, and the values its
				// condition read may too (event.personId): none of it
				// is kept.
				tr.Reason, tr.ReasonPerson = forgottenReason, ""
				n++
			}
		}
	}
	return n
}

// forgottenReason is a track's reason, for a later sales alert, once the
// person whose event a listen heard was forgotten.
const forgottenReason = "a listen heard an event of a person who was forgotten"

// A Record is the entry history of one journey for the account, for
// re-entry policies.
type Record struct {
	Journey   string    `json:"journey"`
	Entries   int       `json:"entries"`
	LastEntry time.Time `json:"lastEntry,omitzero"`
	LastExit  time.Time `json:"lastExit,omitzero"`
}

// An Instance is an account's run through one journey version. Entry is
// its number among the account's entries into the journey (1, 2, ...).
type Instance struct {
	Journey string `json:"journey"`
	Version int    `json:"version"`
	// Fingerprint is that of the version's definition when the instance
	// entered ([Version.Fingerprint]); 0 in states older than it.
	Fingerprint uint64    `json:"fingerprint,omitempty"`
	Entry       int       `json:"entry"`
	EnteredAt   time.Time `json:"enteredAt"`
	// Trigger says how the account entered ("buying group created for
	// data-platform").
	Trigger string    `json:"trigger,omitempty"`
	Tracks  []Track   `json:"tracks"`
	Goals   []GoalHit `json:"goals,omitempty"`
}

func (in Instance) clone() Instance {
	out := in
	out.Tracks = make([]Track, len(in.Tracks))
	for i, t := range in.Tracks {
		t.Visits = slices.Clone(t.Visits)
		out.Tracks[i] = t
	}
	out.Goals = slices.Clone(in.Goals)
	return out
}

// A GoalHit records when a goal first held.
type GoalHit struct {
	Goal string    `json:"goal"`
	At   time.Time `json:"at"`
}

// TrackStatus is where a track is in its life.
type TrackStatus string

// The track statuses.
const (
	TrackActive  TrackStatus = "active"  // at Node; due at Due (zero: now)
	TrackJoining TrackStatus = "joining" // a parent waiting for its tracks at a merge
	TrackMerged  TrackStatus = "merged"  // a child that reached the merge node
	TrackDone    TrackStatus = "done"    // ended (end node, or parent without merge)
)

// A Track is one position in a journey. An instance has one main track
// (ID 0) and one per solution interest after a parallel node.
type Track struct {
	ID     int    `json:"id"`
	Parent int    `json:"parent"` // -1 for the main track
	Group  string `json:"group,omitempty"`
	// SolutionInterest is the track's interest; its group is "group" in
	// rules and the default recipients.
	SolutionInterest string      `json:"solutionInterest,omitempty"`
	Node             NodeID      `json:"node"`
	Status           TrackStatus `json:"status"`
	// Since is when the track arrived at Node: when the wait or timeout
	// before it ended or the event it heard happened, even in a step
	// that ran later.
	Since time.Time `json:"since"`
	// Due is when the track's node wants to run again (end of a wait, a
	// listen or external timeout); zero means as soon as possible.
	Due time.Time `json:"due,omitzero"`
	// Waiting is set while the track waits at a wait, listen or external
	// node that it has already entered.
	Waiting bool `json:"waiting,omitempty"`
	// Key is the correlation key of a pending external action.
	Key string `json:"key,omitempty"`
	// Outcome is the end node's outcome, for a done track.
	Outcome string `json:"outcome,omitempty"`
	// Reason is the reason of the last decision that chose the track's
	// path (a split's path, the event a listen or external node heard,
	// its timeout), given to sales alerts. A track that a parallel node
	// started begins with its parent's.
	Reason string `json:"reason,omitempty"`
	// ReasonPerson is the person whose event Reason tells of (a listen
	// heard it: "by Victor Eng"), so that [State.ForgetPerson] forgets
	// them there too; empty when Reason names no one.
	ReasonPerson b2b.PersonID `json:"reasonPerson,omitempty"`
	Visits       []NodeVisits `json:"visits,omitempty"`
}

// NodeVisits counts a track's arrivals at a node.
type NodeVisits struct {
	Node  NodeID `json:"node"`
	Count int    `json:"count"`
}

func (t *Track) visit(id NodeID) int {
	for i := range t.Visits {
		if t.Visits[i].Node == id {
			t.Visits[i].Count++
			return t.Visits[i].Count
		}
	}
	t.Visits = append(t.Visits, NodeVisits{Node: id, Count: 1})
	return 1
}

func (t *Track) visits(id NodeID) int {
	for i := range t.Visits {
		if t.Visits[i].Node == id {
			return t.Visits[i].Count
		}
	}
	return 0
}

// A Contact is a message sent to a person, remembered for frequency caps.
type Contact struct {
	Person   b2b.PersonID `json:"person"`
	Channel  b2b.Channel  `json:"channel"`
	Category string       `json:"category"`
	Journey  string       `json:"journey"`
	// At is the message's OutboxEntry.At: when it was sent, which in a
	// step that runs late may be before the step's time.
	At time.Time `json:"at"`
	// Step is the step of Journey that sent the message (zero in a state
	// written before steps were recorded).
	Step Step `json:"step,omitzero"`
}

// A Step is one visit of a node by a journey instance's track: what sends
// one message to each of its recipients. When two persons turn out to be
// one (their records merged), a message of a step one of them had and one
// the step held back for the other (a DeferredMessage) are one message
// of the step: a host merging two persons' journey states drops the
// second (see DeferredMessage.Step).
type Step struct {
	Version int    `json:"version"`
	Entry   int    `json:"entry"`
	Track   int    `json:"track"`
	Node    NodeID `json:"node"`
	Visit   int    `json:"visit"`
}

// A DeferredMessage is a message held back by a cap with the defer policy;
// it is retried at Due (consent and caps are checked again) until Expires.
// When its instance exits before (an exit criterion, a goal with
// ExitOnGoal, a go-to whose journey took no entry, the journey's end date,
// finish or abort), it is dropped with a skip decision; an instance that
// reaches an end node or hands the account over to another journey keeps
// its deferred messages, unless its journey is aborted later: an abort
// drops every deferred message of the journey (Entry.Journey), whatever
// its instance and version ([Catalog.Abort]).
type DeferredMessage struct {
	Entry   OutboxEntry `json:"entry"`
	Due     time.Time   `json:"due"`
	Expires time.Time   `json:"expires"`
	// Visit is the visit of Entry.Node that sent the message (zero in a
	// state written before visits were recorded).
	Visit int `json:"visit,omitempty"`
}

// Step returns the step that held the message back.
func (d *DeferredMessage) Step() Step {
	return Step{Version: d.Entry.Version, Entry: d.Entry.Entry, Track: d.Entry.Track, Node: d.Entry.Node, Visit: d.Visit}
}

func (s *State) record(journey string) *Record {
	for i := range s.Records {
		if s.Records[i].Journey == journey {
			return &s.Records[i]
		}
	}
	s.Records = append(s.Records, Record{Journey: journey})
	return &s.Records[len(s.Records)-1]
}

func (s *State) running(journey string) bool {
	for i := range s.Instances {
		if s.Instances[i].Journey == journey {
			return true
		}
	}
	return false
}
