package journey

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// An OutboxEntry is something a step wants done: a message to send, a sales
// alert, or an instruction for the host (change a stage, set an attribute,
// add to a list, adjust a score, assign a role, call an external function).
// The host writes entries to its outbox in the same commit as the new
// state; a dispatcher delivers each once, keyed by Key.
type OutboxEntry struct {
	// Key is the idempotency key: a hash of (journey, version, account,
	// entry, track, node, visit, person, action), so that rerunning a step
	// from the same state produces the same keys.
	Key     string        `json:"key"`
	Type    ActionType    `json:"type"`
	Account b2b.AccountID `json:"account"`
	Journey string        `json:"journey"`
	Version int           `json:"version"`
	Entry   int           `json:"entry"`
	Track   int           `json:"track"`
	Node    NodeID        `json:"node"`
	// At is when the track ran the node, or when a message that a cap
	// deferred was retried, which in a step that runs late may be before
	// the step's time (see the package documentation).
	At time.Time `json:"at"`
	// Channel and Category apply to messages (email, sms).
	Channel  b2b.Channel  `json:"channel,omitempty"`
	Category string       `json:"category,omitempty"`
	Person   b2b.PersonID `json:"person,omitempty"`
	// Role is the recipient's role, or the role to assign.
	Role             string `json:"role,omitempty"`
	Group            string `json:"group,omitempty"`
	SolutionInterest string `json:"solutionInterest,omitempty"`
	Template         string `json:"template,omitempty"`
	// To is the sales user a sales alert goes to: the action's AlertTo,
	// else the account's owner; empty when neither is set, for the host
	// to route (by territory, to a queue).
	To        string            `json:"to,omitempty"`
	Alert     *Alert            `json:"alert,omitempty"`
	Stage     string            `json:"stage,omitempty"`
	Target    string            `json:"target,omitempty"`
	Attribute string            `json:"attribute,omitempty"`
	Value     string            `json:"value,omitempty"`
	List      string            `json:"list,omitempty"`
	Delta     float64           `json:"delta,omitempty"`
	Call      string            `json:"call,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	// Deadline is when an external action's result stops being awaited.
	Deadline time.Time `json:"deadline,omitzero"`
}

// Alert is the content of a sales alert: the buying group, who is engaged
// (persons with a positive score, highest first), the missing roles, and
// the reason the journey decided to alert: the last decision that chose
// the track's path to the alert (the path a split took, the event a
// listen heard, a listen's timeout, an external call's answer); empty
// when none did.
type Alert struct {
	Group            string          `json:"group"`
	SolutionInterest string          `json:"solutionInterest"`
	Stage            string          `json:"stage"`
	Score            float64         `json:"score"`
	Completeness     float64         `json:"completeness"`
	Engaged          []PersonSummary `json:"engaged"`
	MissingRoles     []string        `json:"missingRoles,omitempty"`
	Reason           string          `json:"reason"`
}

// PersonSummary names an engaged member in a sales alert, once however
// many roles they hold in the group.
type PersonSummary struct {
	Person b2b.PersonID `json:"person"`
	Name   string       `json:"name"`
	Title  string       `json:"title,omitempty"`
	// Role is the person's role in the group; the roles, in the group's
	// order and joined by ", ", of one who holds several ("Technical
	// Evaluator, Champion").
	Role  string  `json:"role"`
	Score float64 `json:"score"`
}

// key computes an idempotency key from its parts.
func key(parts ...string) string {
	var buf [256]byte
	b := buf[:0]
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	sum := sha256.Sum256(b)
	var out [32]byte
	hex.Encode(out[:], sum[:16])
	return string(out[:])
}

func itoa(n int) string { return strconv.Itoa(n) }

// bucket maps (journey, node, subject) to 0..99, stably.
func bucket(journey string, node NodeID, subject string) int {
	h := fnv.New64a()
	h.Write([]byte(journey))
	h.Write([]byte{0})
	h.Write([]byte(node))
	h.Write([]byte{0})
	h.Write([]byte(subject))
	return int(h.Sum64() % 100)
}
