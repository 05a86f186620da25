package analytics

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// EventError is an event that [Collector.Add] refused: malformed
// ([ErrMalformed]) or out of order ([ErrOutOfOrder]). The collector is
// unchanged by it.
type EventError struct {
	Seq     int64
	Type    string
	Account b2b.AccountID
	Err     error
}

func (e *EventError) Error() string {
	return fmt.Sprintf("event %d (%s, account %q): %v", e.Seq, e.Type, e.Account, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// Collector accumulates an event log into the state the KPIs need. Feed it
// events in Seq order with [Collector.Add] and ask for a [Report] at any
// time; one collector can report on any period and as-of time up to the
// latest event it holds. It keeps a compact history (each group's
// snapshots, each alert, journey instance and e-mail key), not the events.
//
// A Collector is not safe for concurrent use: one goroutine feeds it and
// reports from it, or the host serialises the calls.
type Collector struct {
	cfg Config
	// products is cfg.ProductInterests by productKey.
	products map[string]string
	lastSeq  int64
	latest   time.Time
	counts   Counts

	accounts     map[b2b.AccountID]time.Time // first seen
	accountOrder []b2b.AccountID
	// merged holds when each account merged into another (account.merged).
	merged map[b2b.AccountID]time.Time

	groups     map[groupKey]*group
	groupOrder []*group

	rates     map[b2b.AccountID]*[]rateAt
	rateOrder []b2b.AccountID

	opps         map[oppKey]oppAt // each opportunity an account holds
	oppTimes     map[interestKey][]time.Time
	unattributed map[oppKey]time.Time // created, no interest known

	alerts     map[alertKey]*alert
	alertOrder []*alert
	// orphans are the responses of alerts not seen raised, by alert: a
	// raise the log holds later takes them; the follow-ups (acts) of
	// those never raised are unmatched.
	orphans map[alertKey]*alert

	journeys   map[string]*journeyStats
	journeyIDs []string

	emailQueued   map[string]time.Time // keys queued on the e-mail channel, at the earliest
	otherQueued   map[string]bool      // keys queued on other channels
	emailResults  map[string]*emailResult
	unknownResult []time.Time    // results for keys never queued
	unmatched     []engagementAt // opens and clicks tied to no e-mail queued
}

// Counts says what happened to the events fed to a collector.
type Counts struct {
	// Read: events a KPI reads. Ignored: well-formed events of types no KPI
	// reads (person.linked, audience.entered, ...). Malformed and
	// OutOfOrder: events Add refused.
	Read       int `json:"read"`
	Ignored    int `json:"ignored"`
	Malformed  int `json:"malformed"`
	OutOfOrder int `json:"outOfOrder"`
}

type groupKey struct {
	account b2b.AccountID
	group   string
}

type interestKey struct {
	account  b2b.AccountID
	interest string
}

type oppKey struct {
	account b2b.AccountID
	id      b2b.OpportunityID
}

// oppAt is the interest an opportunity counts for ("": none yet) and its
// creation time.
type oppAt struct {
	interest string
	at       time.Time
}

type alertKey struct {
	account b2b.AccountID
	id      string
}

type group struct {
	key       groupKey
	interest  string
	created   time.Time // the earliest time an event names the group (group_created)
	snaps     []snapshot
	stages    []stageAt // each change of its stage, in log order
	stage     string
	level     string
	qualified bool
	reaches   []time.Time // each time the group became qualified
}

type snapshot struct {
	at           time.Time
	stage        string
	completeness float64
	score        float64
}

type stageAt struct {
	at    time.Time
	stage string
}

type rateAt struct {
	at                 time.Time
	persons, qualified int
}

// alert is an alert's earliest raise and the times of its responses
// that can be its first (see keepResponse), sorted.
type alert struct {
	raised     time.Time
	acks, acts []time.Time
}

type instKey struct {
	account        b2b.AccountID
	version, entry int
}

type instance struct {
	account   b2b.AccountID
	entered   time.Time
	ended     time.Time // zero: running
	completed bool
}

type journeyStats struct {
	instances map[instKey]*instance
	order     []*instance
	orphanEnd []journey.Ended // ended without a known entry
	nodes     map[journey.NodeID]*nodeStats
	nodeIDs   []journey.NodeID
	at        map[trackKey]journey.NodeID // each track's latest node
	steps     map[instKey]int             // each instance's arrivals so far
	// deferred holds the keys of messages a cap deferred and not yet sent
	// or skipped: the decisions of their later attempts name the node
	// that queued them, where the track no longer is.
	deferred map[string]bool
}

type trackKey struct {
	inst  instKey
	track int
}

type nodeStats struct{ arrivals []arrival }

type arrival struct {
	at   time.Time
	inst instKey
	step int // the arrival's place in its instance's path, from 0
}

// compare orders arrivals by time, then instance, then place in the path.
func (a arrival) compare(b arrival) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.inst.account, b.inst.account), cmp.Compare(a.inst.version, b.inst.version),
		cmp.Compare(a.inst.entry, b.inst.entry), cmp.Compare(a.step, b.step))
}

// emailResult is what became of an e-mail the program queued: the
// earliest of each delivery result, the earliest bounce its provider
// reported, and its earliest open and click (the times of the events that
// logged them, whatever their order in the log; zero: none).
type emailResult struct {
	delivered, failed, suppressed time.Time
	bounced                       time.Time
	opened, clicked               time.Time
}

// engagementAt counts the opens and clicks of one event that tie to no
// e-mail the program queued.
type engagementAt struct {
	at            time.Time
	opens, clicks int
}

// New returns an empty collector, or the configuration's problems.
func New(cfg Config) (*Collector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	products := make(map[string]string, len(cfg.ProductInterests))
	for p, in := range cfg.ProductInterests {
		products[productKey(p)] = in
	}
	return &Collector{cfg: cfg.withDefaults(), products: products,
		accounts: map[b2b.AccountID]time.Time{}, merged: map[b2b.AccountID]time.Time{}, groups: map[groupKey]*group{}, rates: map[b2b.AccountID]*[]rateAt{},
		opps: map[oppKey]oppAt{}, oppTimes: map[interestKey][]time.Time{}, unattributed: map[oppKey]time.Time{}, alerts: map[alertKey]*alert{}, orphans: map[alertKey]*alert{},
		journeys: map[string]*journeyStats{}, emailQueued: map[string]time.Time{}, otherQueued: map[string]bool{},
		emailResults: map[string]*emailResult{}}, nil
}

// Compute feeds a whole log (in Seq order) to a new collector and reports
// on the period. Malformed and out-of-order events are left out of the
// report (its Counts say how many) and returned, joined, as the error next
// to the report: the report is still complete for every other event. A
// configuration or period error returns no report.
func Compute(events []store.Event, cfg Config, p Period) (*Report, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ev := range events {
		if err := c.Add(ev); err != nil {
			errs = append(errs, err)
		}
	}
	r, err := c.Report(p)
	if err != nil {
		return nil, err
	}
	return r, errors.Join(errs...)
}

// Counts returns what happened to the events fed so far.
func (c *Collector) Counts() Counts { return c.counts }

// Add reads one event. Events must come in increasing Seq order (the
// store's commit order); one whose Seq does not follow the previous is
// refused with [ErrOutOfOrder]. A payload that cannot be read, or lacks
// what a KPI needs, is refused with [ErrMalformed]; either way the error
// is an [*EventError] naming the event, the collector is unchanged, and
// the refusal is counted. Types no KPI reads are accepted and counted as
// ignored; they still make their account known. Add never panics.
func (c *Collector) Add(ev store.Event) error {
	if ev.Seq <= c.lastSeq {
		c.counts.OutOfOrder++
		return &EventError{Seq: ev.Seq, Type: ev.Type, Account: ev.Account,
			Err: fmt.Errorf("%w: seq %d does not follow %d", ErrOutOfOrder, ev.Seq, c.lastSeq)}
	}
	read, err := c.apply(ev)
	if err != nil {
		c.counts.Malformed++
		return &EventError{Seq: ev.Seq, Type: ev.Type, Account: ev.Account, Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	}
	c.lastSeq = ev.Seq
	if read {
		c.counts.Read++
	} else {
		c.counts.Ignored++
	}
	if ev.Account != "" && !ev.Time.IsZero() {
		if _, ok := c.accounts[ev.Account]; !ok {
			c.accounts[ev.Account] = ev.Time
			c.accountOrder = append(c.accountOrder, ev.Account)
		} else if ev.Time.Before(c.accounts[ev.Account]) {
			c.accounts[ev.Account] = ev.Time
		}
	}
	if ev.Time.After(c.latest) {
		c.latest = ev.Time
	}
	return nil
}

// apply validates the event and, only if it is well formed, updates the
// state. It reports whether a KPI reads the type.
func (c *Collector) apply(ev store.Event) (bool, error) {
	typ := ev.Type
	if !read(typ) {
		return false, nil
	}
	if ev.Account == "" {
		return true, errors.New("no account")
	}
	if ev.Time.IsZero() {
		return true, errors.New("no time")
	}
	switch {
	case typ == "group.updated":
		return true, c.groupUpdated(ev)
	case strings.HasPrefix(typ, "buyinggroup."):
		return true, c.groupEvent(ev)
	case typ == "readiness.changed":
		return true, c.readiness(ev)
	case typ == "qualify.rate":
		return true, c.qualifyRate(ev)
	case typ == "opportunity.created", typ == "opportunity.changed":
		return true, c.opportunity(ev)
	case typ == "opportunity.moved":
		return true, c.opportunityMoved(ev)
	case typ == "alert.raised", typ == "alert.acknowledged", typ == "alert.acted_on":
		return true, c.alert(ev)
	case isDecision(typ):
		return true, c.decision(ev)
	case typ == "journey.ended":
		return true, c.ended(ev)
	case typ == "message.queued":
		return true, c.queued(ev)
	case typ == "message.delivered", typ == "message.failed", typ == "message.suppressed":
		return true, c.result(ev)
	case typ == "activity.applied":
		return true, c.activities(ev)
	case typ == "account.merged":
		return true, c.accountMerged(ev)
	}
	return false, nil
}

// read reports whether a KPI reads events of the type.
func read(typ string) bool {
	switch typ {
	case "group.updated", "readiness.changed", "qualify.rate", "opportunity.created", "opportunity.changed", "opportunity.moved",
		"alert.raised", "alert.acknowledged", "alert.acted_on", "journey.ended",
		"message.queued", "message.delivered", "message.failed", "message.suppressed", "activity.applied", "account.merged",
		"buyinggroup." + string(buyinggroup.EventGroupCreated), "buyinggroup." + string(buyinggroup.EventStageChanged):
		return true
	}
	return isDecision(typ)
}

// isDecision reports whether the type is a journey decision
// ("journey.<kind>", a journey.Decision).
func isDecision(typ string) bool {
	kind, ok := strings.CutPrefix(typ, "journey.")
	if !ok {
		return false
	}
	return decisionKinds[journey.DecisionKind(kind)]
}

// decisionKinds holds journey.DecisionKinds.
var decisionKinds = func() map[journey.DecisionKind]bool {
	m := map[journey.DecisionKind]bool{}
	for _, k := range journey.DecisionKinds() {
		m[k] = true
	}
	return m
}()

// decode reads an event's payload into v. A payload of the wrong shape
// is told in JSON's words, with the field's path: "payload: persons: a
// JSON string, not a number".
func decode(data []byte, v any) error {
	if len(data) == 0 {
		return errors.New("no payload")
	}
	err := json.Unmarshal(data, v)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Errorf("payload: %s: a JSON %s, not %s", typ.Field, typ.Value, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return fmt.Errorf("payload: a JSON %s, not %s", typ.Value, jsonKind(typ.Type))
	}
	return fmt.Errorf("payload: %w", err)
}

// jsonKind names the JSON a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "a time (RFC 3339)"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a " + t.String()
}
