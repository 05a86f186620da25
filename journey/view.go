package journey

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// AccountView is what a step sees of one account: the account, its persons
// with their scores, its buying groups, and the audiences and lists it is
// in. The engine fills it from the buying-group, scoring and readiness
// packages; journey declares it so that it depends on none of them.
type AccountView struct {
	Account b2b.Account
	// Revision changes whenever anything in the view changes. A step with
	// the revision of the last step, no events and nothing due is idle: it
	// evaluates nothing (0 means unknown: never idle).
	Revision      uint64
	Persons       []PersonView
	Groups        []GroupView
	Audiences     []string
	Lists         []string
	Opportunities []b2b.Opportunity
	// Test marks a test account: its steps run as dry runs.
	Test bool
	// Location is the account's time zone for wait windows and the
	// calendar days of waits, listens and frequency caps; nil means
	// Account.Location() (which loads the zone by name, at every step
	// that needs it).
	Location *time.Location
}

// PersonView is a person of the account with its engagement score.
type PersonView struct {
	Person b2b.Person `expr:"person"`
	Score  float64    `expr:"score"`
}

// GroupView is a buying group of the account (one solution interest).
type GroupView struct {
	ID               string `expr:"id"`
	SolutionInterest string `expr:"solutionInterest"`
	Stage            string `expr:"stage"`
	Status           string `expr:"status"` // "active" or empty counts as active, unless Closed
	// Closed says that the group's stage is a closed stage of its stage
	// model (its success or a failure stage: the deal is won or lost).
	// The host fills it from the stage model, as the stage's name alone
	// does not tell; a closed group is not active, whatever its status.
	Closed       bool    `expr:"closed"`
	Completeness float64 `expr:"completeness"`
	Score        float64 `expr:"score"`
	// Engagement is an engagement tier or label ("low", "high"), if the
	// host computes one.
	Engagement string `expr:"engagement"`
	// ReadinessTier is the group's readiness tier, if the host computes
	// one: the engine copies qualify's ("fast-track to sales",
	// "intensified nurture", "long-term awareness").
	ReadinessTier string         `expr:"readinessTier"`
	MissingRoles  []string       `expr:"missingRoles"`
	Members       []Member       `expr:"members"`
	Attributes    map[string]any `expr:"attributes"`
}

// Active reports whether the group counts for parallel tracks: it is not
// closed, and its status is "active" or empty.
func (g *GroupView) Active() bool { return !g.Closed && (g.Status == "" || g.Status == "active") }

// CountRole returns how many members hold role.
func (g *GroupView) CountRole(role string) int {
	n := 0
	for i := range g.Members {
		if g.Members[i].Role == role {
			n++
		}
	}
	return n
}

// A Member is a person holding a role in a buying group.
type Member struct {
	Person b2b.PersonID `expr:"personId"`
	Role   string       `expr:"role"`
}

func (v *AccountView) person(id b2b.PersonID) *PersonView {
	for i := range v.Persons {
		if v.Persons[i].Person.ID == id {
			return &v.Persons[i]
		}
	}
	return nil
}

func (v *AccountView) group(interest string) *GroupView {
	for i := range v.Groups {
		if v.Groups[i].SolutionInterest == interest {
			return &v.Groups[i]
		}
	}
	return nil
}

// EventType names something that happened to an account.
type EventType string

// The event types a journey reacts to.
const (
	EventAudienceEntered   EventType = "audience_entered"
	EventAudienceExited    EventType = "audience_exited"
	EventGroupCreated      EventType = "group_created"
	EventStageChanged      EventType = "group_stage_changed"
	EventStatusChanged     EventType = "group_status_changed"
	EventCompletenessChged EventType = "group_completeness_changed"
	EventScoreChanged      EventType = "group_score_changed"
	EventMemberAdded       EventType = "member_added"
	EventMemberRemoved     EventType = "member_removed"
	EventActivity          EventType = "activity"
	EventInterestingMoment EventType = "interesting_moment"
	EventAttributeChanged  EventType = "attribute_changed"
	EventOpportunity       EventType = "opportunity_created"
	EventManualEntry       EventType = "manual_entry"
	EventExternalResult    EventType = "external_result"
)

// EventTypes lists the event types; exits and listen nodes naming another
// type are validation problems.
var EventTypes = []EventType{EventAudienceEntered, EventAudienceExited, EventGroupCreated, EventStageChanged,
	EventStatusChanged, EventCompletenessChged, EventScoreChanged, EventMemberAdded, EventMemberRemoved,
	EventActivity, EventInterestingMoment, EventAttributeChanged, EventOpportunity, EventManualEntry,
	EventExternalResult}

// An Event is something that happened to the account since the last step.
// Fields apply by type; rules see it as "event".
type Event struct {
	Type EventType `expr:"type" json:"type"`
	// At is when it happened; zero means at the step's time
	// ([Input].Now): a step that runs late takes it after everything due
	// before then. Rules see it as it is (zero).
	At               time.Time    `expr:"at" json:"at"`
	Audience         string       `expr:"audience" json:"audience,omitempty"`
	SolutionInterest string       `expr:"solutionInterest" json:"solutionInterest,omitempty"`
	Group            string       `expr:"group" json:"group,omitempty"`
	Person           b2b.PersonID `expr:"personId" json:"person,omitempty"`
	Role             string       `expr:"role" json:"role,omitempty"`
	ActivityType     string       `expr:"activityType" json:"activityType,omitempty"`
	Attribute        string       `expr:"attribute" json:"attribute,omitempty"`
	From             string       `expr:"from" json:"from,omitempty"`
	To               string       `expr:"to" json:"to,omitempty"`
	// Journey names the journey of a manual entry.
	Journey string `expr:"journey" json:"journey,omitempty"`
	// Key and Outcome ("success" or "error") answer an external action.
	Key     string `expr:"key" json:"key,omitempty"`
	Outcome string `expr:"outcome" json:"outcome,omitempty"`
	Detail  string `expr:"detail" json:"detail,omitempty"`
}

// AccountEnv is the environment of account-level rules: split paths,
// triggers, exits, goals and event conditions.
//
//	group.completeness >= 0.6 && group.score >= 150
//	group.readinessTier == "fast-track to sales" || count(group.members, .role == "Decision Maker") >= 3
//	any(opportunities, .status == "open")
//	journey.visits > 2
//
// all holds for an empty list, as none does: all(persons, ...) holds for
// an account with no persons, and all(group.members, ...) for a group
// with no members (the empty group of an account with none, too), so an
// exit such as all(persons, .person.consent.email.status == "opt-out")
// ends at once the instances of an account whose persons are not known
// yet. Where that is not meant, ask for someone first:
// len(persons) > 0 && all(persons, ...).
type AccountEnv struct {
	Account *b2b.Account `expr:"account"`
	// Group is the track's buying group, or the account's first group (an
	// empty group when it has none). In a trigger's condition it is the
	// group the entering instance's track gets: the group created, or whose
	// attribute changed, else the trigger's solution interest's. In a
	// program with several solution interests ([Config].SolutionInterests)
	// a condition that reads group where the track addresses no interest
	// (on the main track of a journey bound to none, in its exits and
	// goals, or in a trigger of none) is a validation problem: which of
	// the account's groups it means cannot be told.
	Group         *GroupView        `expr:"group"`
	Groups        []GroupView       `expr:"groups"`
	Persons       []PersonView      `expr:"persons"`
	Audiences     []string          `expr:"audiences"`
	Lists         []string          `expr:"lists"`
	Opportunities []b2b.Opportunity `expr:"opportunities"`
	// Event is the event being matched (empty outside event rules).
	Event   *Event      `expr:"event"`
	Journey JourneyInfo `expr:"journey"`
	Now     time.Time   `expr:"now"`
}

// JourneyInfo is what account rules see of the instance.
type JourneyInfo struct {
	ID        string    `expr:"id"`
	Version   int       `expr:"version"`
	EnteredAt time.Time `expr:"enteredAt"`
	// Entries is how many times the account entered the journey.
	Entries int `expr:"entries"`
	// Visits is how many times the track arrived at the current node.
	Visits int `expr:"visits"`
}

// PersonEnv is the environment of person conditions (recipients and people
// splits): "score < 20", `role == "Champion"`, `person.seniority == "VP"`.
type PersonEnv struct {
	Person  *b2b.Person  `expr:"person"`
	Score   float64      `expr:"score"`
	Role    string       `expr:"role"`
	Group   *GroupView   `expr:"group"`
	Account *b2b.Account `expr:"account"`
	Now     time.Time    `expr:"now"`
}
