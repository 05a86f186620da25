package journey

// TriggerType is how accounts enter a journey.
type TriggerType string

// The trigger types.
const (
	// TriggerAudience: an EventAudienceEntered for Audience.
	TriggerAudience TriggerType = "audience_entered"
	// TriggerList: the account is in List (static list membership from
	// AccountView.Lists), or, with When and no List, a dynamic list: the
	// accounts for which When holds. It is checked in every step that is
	// not idle; an account that a ReEntryAfter policy lets in again is
	// due for a step then (Result.Due), and one that its policy lets in
	// again as its instance ends (ReEntryMax, or ReEntryAfter counted
	// from an entry long enough ago) is checked again in the step where
	// the instance ended, once its instances ran, and enters at once (once
	// a step: an instance that ends as it enters waits for the next).
	TriggerList TriggerType = "account_list"
	// TriggerGroupCreated: an EventGroupCreated (for SolutionInterest if
	// set: an event that names only the group is of that group's
	// interest); the instance addresses the group created.
	TriggerGroupCreated TriggerType = "group_created"
	// TriggerAttributeChanged: an EventAttributeChanged of Attribute
	// ("group.stage", "account.intentTier"), to the value To if set. A
	// buying group's attribute changes in a group of SolutionInterest if
	// set, and the instance addresses the group that changed.
	TriggerAttributeChanged TriggerType = "attribute_changed"
	// TriggerManual: only manual/API entry (always allowed anyway).
	TriggerManual TriggerType = "manual"
)

// TriggerTypes lists the trigger types a journey may use.
var TriggerTypes = []TriggerType{TriggerAudience, TriggerList, TriggerGroupCreated, TriggerAttributeChanged, TriggerManual}

// A Trigger lets accounts in. When is an extra condition on [AccountEnv]
// (with the triggering event in "event", and as "group" the buying group
// the instance will address: the one a group_created event created or
// whose attribute changed, else that of SolutionInterest). A manual
// trigger takes no When (a manual entry is taken whatever the account),
// and each of Audience, List, Attribute and To belongs to the type of
// its name: set on a trigger of another type, it is a validation problem
// rather than a setting that does nothing.
type Trigger struct {
	Type             TriggerType `json:"type"`
	Audience         string      `json:"audience,omitempty"`
	List             string      `json:"list,omitempty"`
	SolutionInterest string      `json:"solutionInterest,omitempty"`
	Attribute        string      `json:"attribute,omitempty"`
	To               string      `json:"to,omitempty"`
	When             string      `json:"when,omitempty"`
}

// ReEntryMode is whether an account may enter a journey again.
type ReEntryMode string

// The re-entry modes. Whatever the mode, an account has at most one running
// instance of a journey.
const (
	ReEntryNever ReEntryMode = "never" // default
	ReEntryAfter ReEntryMode = "after" // After has passed since the last entry (or exit)
	ReEntryMax   ReEntryMode = "max"   // at most Max entries in all
)

// ReEntry is the re-entry policy. After and FromExit are read with mode
// after, Max with mode max: set with another mode (or none, which is
// never), they are validation problems rather than settings that do
// nothing.
type ReEntry struct {
	Mode ReEntryMode `json:"mode,omitempty"`
	// After is elapsed time, days too ("90d" is 90 times 24 hours).
	After Duration `json:"after,omitempty"`
	// FromExit counts After from the last exit instead of the last entry.
	FromExit bool `json:"fromExit,omitempty"`
	Max      int  `json:"max,omitempty"`
}

// An Exit ends an instance when it holds, with a named reason ("opportunity
// created", "sales ready", "opted out"). With Event set it fires on events
// of that type (When, if given, sees the event); an instance that
// addresses the buying group of a solution interest (it entered for that
// interest) does not take it from an event about another interest's
// group. Otherwise When is checked against the account view in every step
// that is not idle and as an instance enters. A condition that comes true with time alone
// (daysSince(journey.enteredAt) >= 14) takes effect at the account's next
// step that is not idle: when new data comes or a track is due; nothing
// wakes the account for it. To act at a time, use a wait.
type Exit struct {
	Reason string    `json:"reason"`
	Event  EventType `json:"event,omitempty"`
	When   string    `json:"when,omitempty"`
}

// A Goal is a condition recorded when it first holds. ExitOnGoal ends the
// instance (as completed) when reached.
type Goal struct {
	Name       string `json:"name"`
	When       string `json:"when"`
	ExitOnGoal bool   `json:"exitOnGoal,omitempty"`
}

// Completion says which ended instances count as completed: those that
// reached Goal (if set), however they ended afterwards (a go-to, an exit
// criterion, finish, abort or the end date: the goal is what the journey
// was for, and it was reached); those whose tracks ended at one of
// EndNodes (empty: any end node, unless Goal is set); and those that a
// goal with ExitOnGoal ended. With neither EndNodes nor Goal, a go-to that
// hands the account over to another journey completes the instance too.
type Completion struct {
	EndNodes []NodeID `json:"endNodes,omitempty"`
	Goal     string   `json:"goal,omitempty"`
}
