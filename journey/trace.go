package journey

import (
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// DecisionKind is what a decision was about.
type DecisionKind string

// The decision kinds of a trace.
const (
	DecisionEnter        DecisionKind = "enter"         // the account entered a journey
	DecisionNoEntry      DecisionKind = "no_entry"      // a trigger matched but the account may not enter
	DecisionNode         DecisionKind = "node"          // a track arrived at a node
	DecisionWait         DecisionKind = "wait"          // a wait, listen or external node set its due time
	DecisionPath         DecisionKind = "path"          // a split, variant, listen or external chose a path
	DecisionSend         DecisionKind = "send"          // an outbox entry was produced
	DecisionSkip         DecisionKind = "skip"          // a message was not produced (consent, cap, no recipient)
	DecisionDefer        DecisionKind = "defer"         // a message was deferred by a cap
	DecisionNotSelected  DecisionKind = "not_selected"  // a person did not meet a recipient condition (dry run)
	DecisionParallel     DecisionKind = "parallel"      // tracks were started
	DecisionMerge        DecisionKind = "merge"         // tracks joined
	DecisionGoal         DecisionKind = "goal"          // a goal was reached
	DecisionExit         DecisionKind = "exit"          // the instance ended before its end: an exit criterion or event, a go-to, the lifecycle
	DecisionComplete     DecisionKind = "complete"      // the instance completed: every track ended, one at a completion end node (see [Ended])
	DecisionEnd          DecisionKind = "end"           // every track ended at an end node, none at one the journey completes at
	DecisionRuleError    DecisionKind = "rule_error"    // a rule failed on data (treated as false)
	DecisionLimitReached DecisionKind = "limit_reached" // a visit limit redirected the track
)

// DecisionKinds returns every kind of decision, in the order of their
// declaration: what a host that logs or reads decisions by kind handles.
func DecisionKinds() []DecisionKind {
	return []DecisionKind{DecisionEnter, DecisionNoEntry, DecisionNode, DecisionWait, DecisionPath, DecisionSend,
		DecisionSkip, DecisionDefer, DecisionNotSelected, DecisionParallel, DecisionMerge, DecisionGoal, DecisionExit,
		DecisionComplete, DecisionEnd, DecisionRuleError, DecisionLimitReached}
}

// A Decision is one thing a step decided and why: the rule (name and
// expression) and the values it saw, or a plain reason.
type Decision struct {
	// At is when the step decided it: in a step that runs late, the time
	// the track came due or the event happened, not the step's time.
	At      time.Time    `json:"at"`
	Kind    DecisionKind `json:"kind"`
	Journey string       `json:"journey,omitempty"`
	Version int          `json:"version,omitempty"`
	Entry   int          `json:"entry,omitempty"`
	Track   int          `json:"track,omitempty"`
	Node    NodeID       `json:"node,omitempty"`
	// Path is the chosen path's name, Next the node it leads to.
	Path   string       `json:"path,omitempty"`
	Next   NodeID       `json:"next,omitempty"`
	Person b2b.PersonID `json:"person,omitempty"`
	Rule   string       `json:"rule,omitempty"`
	Expr   string       `json:"expr,omitempty"`
	Values []Value      `json:"values,omitempty"`
	// Tried lists, on the else path of a split, the paths that did not
	// hold, in definition order: what each checked and the values it
	// read. The reason says the same in words.
	Tried  []TriedPath `json:"tried,omitempty"`
	Reason string      `json:"reason,omitempty"`
	// Key is the idempotency key of the outbox entry concerned.
	Key string `json:"key,omitempty"`
	// Until is when a wait, listen or external node will be due.
	Until time.Time `json:"until,omitzero"`
}

// A TriedPath is a path of a split that did not hold, as the decision of
// the else path records it: Reason is a condition checked without a rule
// ("at least 3 Decision Maker"; for a people split "role Champion, not
// one of Economic Buyer, Decision Maker"), Rule and Expr the rule that
// ran, and Values what they read. A path whose role condition failed did
// not run its rule: it has no Rule. The values of different paths are
// kept apart, so the same field read by two paths appears in each.
type TriedPath struct {
	Path   string  `json:"path"`
	Reason string  `json:"reason,omitempty"`
	Rule   string  `json:"rule,omitempty"`
	Expr   string  `json:"expr,omitempty"`
	Values []Value `json:"values,omitempty"`
}

// A Value is a field a rule read and what it held, exactly: the reasons
// and traces written for people round a number with a fraction (see
// [rules.FormatNumber]), but never onto or across a number the rule is
// written with (see [rules.FormatValueAgainst]): a score of 49.996 that
// keeps an account off the path "group.score >= 50" reads 49.996.
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// String renders a decision on one line.
func (d Decision) String() string {
	var b strings.Builder
	b.WriteString(d.At.UTC().Format("2006-01-02 15:04"))
	b.WriteString(" ")
	b.WriteString(string(d.Kind))
	if d.Journey != "" {
		b.WriteString(" " + d.Journey)
	}
	if d.Node != "" {
		b.WriteString(" [" + string(d.Node) + "]")
	}
	if d.Person != "" {
		b.WriteString(" person=" + string(d.Person))
	}
	if d.Path != "" {
		b.WriteString(" path=" + d.Path)
	}
	if d.Next != "" {
		b.WriteString(" -> " + string(d.Next))
	}
	if d.Rule != "" {
		b.WriteString(" rule " + `"` + d.Rule + `"`)
	}
	if d.Expr != "" {
		b.WriteString(" (" + d.Expr + ")")
	}
	if len(d.Values) > 0 {
		b.WriteString(" with ")
		var nums []float64
		parsed := false
		for i, v := range d.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			text := rules.FormatValue(v.Value)
			if text != v.Value {
				if !parsed {
					nums, parsed = rules.Numbers(d.Expr), true
				}
				text = rules.FormatValueAgainst(v.Value, nums)
			}
			b.WriteString(v.Name + "=" + text)
		}
	}
	if d.Reason != "" {
		b.WriteString(": " + d.Reason)
	}
	if !d.Until.IsZero() {
		b.WriteString(" until " + d.Until.UTC().Format("2006-01-02 15:04"))
	}
	return b.String()
}
