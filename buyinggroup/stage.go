package buyinggroup

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// StageEnv is what an automatic transition rule sees.
//
//	group.completeness >= 0.6 && group.score >= 150
//	opportunity.status == "won"
//	group.velocity > 20 && group.daysInStage > 14
type StageEnv struct {
	Group       GroupFacts       `expr:"group"`
	Opportunity OpportunityFacts `expr:"opportunity"`
	Now         time.Time        `expr:"now"`
}

// GroupFacts is the view of a buying group that stage rules read.
type GroupFacts struct {
	Account              string   `expr:"accountId"`
	Interest             string   `expr:"interest"`
	Stage                string   `expr:"stage"`
	Status               string   `expr:"status"`
	Completeness         float64  `expr:"completeness"`
	WeightedCompleteness float64  `expr:"weightedCompleteness"`
	Members              int      `expr:"members"`
	MissingRoles         []string `expr:"missingRoles"`
	// Score and Velocity come from the scoring package (handed in by the
	// engine as [Signals]).
	Score    float64 `expr:"score"`
	Velocity float64 `expr:"velocity"`
	// DaysInStage is the time since the group entered its stage, in days.
	DaysInStage float64 `expr:"daysInStage"`
	// StageSince is when the group entered its stage.
	StageSince time.Time `expr:"stageSince"`
}

// OpportunityFacts is the view of the group's CRM opportunity that stage
// rules read. Exists is false (and the rest empty) when there is none.
type OpportunityFacts struct {
	Exists bool    `expr:"exists"`
	ID     string  `expr:"id"`
	Stage  string  `expr:"stage"`
	Status string  `expr:"status"` // "open", "won", "lost"
	Amount float64 `expr:"amount"`
	// ChangedAt is when the CRM last changed the opportunity (its
	// UpdatedAt), or created it when that is later or UpdatedAt is empty.
	ChangedAt time.Time `expr:"changedAt"`
}

// Signals are the inputs of automatic stage transitions that other
// packages compute: the group's engagement score and velocity (package
// scoring) and its CRM opportunity, if any: which of the account's deals
// for the interest that is, the caller decides (package engine hands in
// an open one while any is open, else a won one, else a lost one).
type Signals struct {
	Score       float64
	Velocity    float64
	Opportunity *b2b.Opportunity
}

// A StageModel is the life cycle of a buying group: its stages, which of
// them a group may start in, the one success stage, the failure stages,
// and the transitions allowed between them. Several models may coexist;
// each solution interest names its own.
type StageModel struct {
	ID          string       `json:"id"`
	Name        string       `json:"name,omitempty"`
	Stages      []Stage      `json:"stages"`
	Transitions []Transition `json:"transitions"`
}

// A Stage is one step of a [StageModel].
type Stage struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Entry stages are where a new group may start; the first entry stage
	// is the default.
	Entry bool `json:"entry,omitempty"`
	// Success marks the one stage that means the deal is won.
	Success bool `json:"success,omitempty"`
	// Failure marks stages that mean the deal is lost or abandoned.
	Failure bool `json:"failure,omitempty"`
}

// A Transition allows moving a group From one stage To another. When When
// has a source, the transition is also automatic: [Catalog.Advance] takes
// it as soon as the rule (a boolean over [StageEnv]) holds. From "*" means
// every stage except the success and failure stages.
type Transition struct {
	From string     `json:"from"`
	To   string     `json:"to"`
	When rules.Rule `json:"when,omitzero"`
}

// DefaultStageModelID is the ID of [DefaultStageModel].
const DefaultStageModelID = "default"

// The stages of the default model.
const (
	StageAwareness     = "Awareness"
	StageConsideration = "Consideration"
	StageDecision      = "Decision"
	StageSalesReady    = "Sales Ready"
	StageClosedWon     = "Closed Won"
	StageClosedLost    = "Closed Lost"
)

// DefaultStageModel returns the stage model used by interests that name
// none: Awareness -> Consideration -> Decision -> Sales Ready -> Closed Won,
// with Closed Won and Closed Lost both reachable from every open stage (a
// deal won or lost early), Sales Ready also from Awareness and
// Consideration (a group handed to sales early, by a marketer or a
// journey), and one step back allowed from each open stage but
// Awareness. A lost group goes back to Awareness when an open opportunity
// was created or changed after it closed (a new deal, or the lost one
// reopened in the CRM), or by hand, and to Closed Won when a won one was
// (a new deal opened and won between two syncs of the CRM); no transition
// leaves Closed Won.
// Automatic rules:
//
//	Awareness -> Consideration   group.completeness >= 0.3 || group.score >= 50
//	Consideration -> Decision    group.completeness >= 0.6 && group.score >= 100
//	Decision -> Sales Ready      group.completeness >= 0.6 && group.score >= 150
//	* -> Closed Won              opportunity.status == "won"
//	* -> Closed Lost             opportunity.status == "lost"
//	Closed Lost -> Awareness     opportunity.status == "open" && opportunity.changedAt > group.stageSince
//	Closed Lost -> Closed Won    opportunity.status == "won" && opportunity.changedAt > group.stageSince
//
// A deal won no later than the group closed lost (the CRM's last change
// to it is not after the close) leaves the group closed lost.
func DefaultStageModel() StageModel {
	return StageModel{
		ID:   DefaultStageModelID,
		Name: "Default buying stages",
		Stages: []Stage{
			{Name: StageAwareness, Entry: true, Description: "The account shows first interest."},
			{Name: StageConsideration, Description: "The committee is evaluating options."},
			{Name: StageDecision, Description: "The committee is choosing."},
			{Name: StageSalesReady, Description: "Marketing hands the group to sales."},
			{Name: StageClosedWon, Success: true},
			{Name: StageClosedLost, Failure: true},
		},
		Transitions: []Transition{
			{From: "*", To: StageClosedWon, When: rules.Rule{Name: "opportunity won", Source: `opportunity.status == "won"`}},
			{From: "*", To: StageClosedLost, When: rules.Rule{Name: "opportunity lost", Source: `opportunity.status == "lost"`}},
			{From: StageAwareness, To: StageConsideration, When: rules.Rule{Name: "first engagement", Source: `group.completeness >= 0.3 || group.score >= 50`}},
			{From: StageConsideration, To: StageDecision, When: rules.Rule{Name: "committee engaged", Source: `group.completeness >= 0.6 && group.score >= 100`}},
			{From: StageDecision, To: StageSalesReady, When: rules.Rule{Name: "sales ready", Source: `group.completeness >= 0.6 && group.score >= 150`}},
			{From: StageConsideration, To: StageAwareness},
			{From: StageDecision, To: StageConsideration},
			{From: StageSalesReady, To: StageDecision},
			{From: StageAwareness, To: StageSalesReady},
			{From: StageConsideration, To: StageSalesReady},
			{From: StageClosedLost, To: StageAwareness, When: rules.Rule{Name: "opportunity reopened", Source: `opportunity.status == "open" && opportunity.changedAt > group.stageSince`}},
			{From: StageClosedLost, To: StageClosedWon, When: rules.Rule{Name: "opportunity won after the close", Source: `opportunity.status == "won" && opportunity.changedAt > group.stageSince`}},
		},
	}
}
