package buyinggroup

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// EventType names what happened to a buying group.
type EventType string

// The events a group emits. Journeys, alerts and analytics consume them.
const (
	EventGroupCreated  EventType = "group_created"
	EventMemberAdded   EventType = "member_added"
	EventMemberRemoved EventType = "member_removed"
	// EventMemberChanged: the person keeps the role but its source changed
	// (a rule member confirmed in the CRM, say), or the source states it
	// otherwise: another rule, another CRM contact role that fills the
	// same role, a marketer's new note. From and To are the methods;
	// Reason is the membership's new explanation.
	EventMemberChanged EventType = "member_changed"
	// EventRoleFilled: the role reached its MinMembers, so it now counts as
	// filled; EventRoleEmptied: it fell below, so it no longer does.
	EventRoleFilled          EventType = "role_filled"
	EventRoleEmptied         EventType = "role_emptied"
	EventCompletenessCrossed EventType = "completeness_crossed"
	EventStageChanged        EventType = "stage_changed"
	EventStatusChanged       EventType = "status_changed"
	// EventContactRoleUnmapped: a CRM contact role that no role of the
	// template maps; the person did not join the group through it.
	EventContactRoleUnmapped EventType = "contact_role_unmapped"
	// EventMemberNotAdded and EventMemberNotRemoved: a group in a closed
	// stage kept its membership as at the close where its sources (rules,
	// the CRM, the account's persons) now say otherwise; the person would
	// have joined the role, or left it, were the group open. Reason says
	// why, and what the source said: "group closed: Closed Won on
	// 2026-03-22; membership kept as at close (left the account)".
	EventMemberNotAdded   EventType = "member_not_added"
	EventMemberNotRemoved EventType = "member_not_removed"
)

// An Event is one change of a buying group. Fields not relevant to the type
// are empty.
type Event struct {
	Type     EventType     `json:"type"`
	Group    string        `json:"group"`
	Account  b2b.AccountID `json:"accountId"`
	Interest string        `json:"interest"`
	At       time.Time     `json:"at"`

	Person b2b.PersonID `json:"personId,omitempty"`
	Role   string       `json:"role,omitempty"`
	Method Method       `json:"method,omitempty"`

	// From and To are stages (stage_changed), statuses (status_changed)
	// or methods (member_changed).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`

	// Threshold, Previous and Completeness describe a crossing; Up tells
	// its direction.
	Threshold    float64 `json:"threshold,omitempty"`
	Previous     float64 `json:"previous,omitempty"`
	Completeness float64 `json:"completeness,omitempty"`
	Up           bool    `json:"up,omitempty"`

	Reason string `json:"reason,omitempty"`
}

func (g *Group) event(t EventType, now time.Time) Event {
	return Event{Type: t, Group: g.ID, Account: g.Account, Interest: g.Interest, At: now}
}
