package analytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
	cfg     Config
	lastSeq int64
	latest  time.Time
	counts  Counts

	accounts     map[b2b.AccountID]time.Time // first seen
	accountOrder []b2b.AccountID

	groups     map[groupKey]*group
	groupOrder []*group

	rates     map[b2b.AccountID]*[]rateAt
	rateOrder []b2b.AccountID

	opps         map[oppKey]bool
	oppTimes     map[interestKey][]time.Time
	unattributed []time.Time

	alerts     map[alertKey]*alert
	alertOrder []*alert
	orphans    []time.Time // responses to alerts not seen raised

	journeys   map[string]*journeyStats
	journeyIDs []string

	emailQueued   map[string]time.Time // keys queued on the e-mail channel
	otherQueued   map[string]bool      // keys queued on other channels
	emailResults  map[string]*emailResult
	unknownResult []time.Time // results for keys never queued
	engagement    []engagementAt
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

type alertKey struct {
	account b2b.AccountID
	id      string
}

type group struct {
	key       groupKey
	interest  string
	created   time.Time // group_created, or the first event naming the group
	snaps     []snapshot
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

type rateAt struct {
	at                 time.Time
	persons, qualified int
}

type alert struct {
	raised     time.Time
	ack, acted time.Time // zero: none
}

type instKey struct {
	account        b2b.AccountID
	version, entry int
}

type instance struct {
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
}

type trackKey struct {
	inst  instKey
	track int
}

type nodeStats struct{ arrivals []arrival }

type arrival struct {
	at   time.Time
	inst instKey
}

type emailResult struct {
	delivered, failed, suppressed time.Time
}

type engagementAt struct {
	at            time.Time
	opens, clicks int
}

// New returns an empty collector, or the configuration's problems.
func New(cfg Config) (*Collector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Collector{cfg: cfg.withDefaults(),
		accounts: map[b2b.AccountID]time.Time{}, groups: map[groupKey]*group{}, rates: map[b2b.AccountID]*[]rateAt{},
		opps: map[oppKey]bool{}, oppTimes: map[interestKey][]time.Time{}, alerts: map[alertKey]*alert{},
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
	case typ == "opportunity.created":
		return true, c.opportunity(ev)
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
	}
	return false, nil
}

// read reports whether a KPI reads events of the type.
func read(typ string) bool {
	switch typ {
	case "group.updated", "readiness.changed", "qualify.rate", "opportunity.created",
		"alert.raised", "alert.acknowledged", "alert.acted_on", "journey.ended",
		"message.queued", "message.delivered", "message.failed", "message.suppressed", "activity.applied",
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
	switch journey.DecisionKind(kind) {
	case journey.DecisionEnter, journey.DecisionNoEntry, journey.DecisionNode, journey.DecisionWait, journey.DecisionPath,
		journey.DecisionSend, journey.DecisionSkip, journey.DecisionDefer, journey.DecisionNotSelected, journey.DecisionParallel,
		journey.DecisionMerge, journey.DecisionGoal, journey.DecisionExit, journey.DecisionRuleError, journey.DecisionLimitReached:
		return true
	}
	return false
}

func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	return nil
}

// group returns the group, creating it as first seen at the time.
func (c *Collector) group(account b2b.AccountID, id, interest string, at time.Time) *group {
	k := groupKey{account, id}
	g := c.groups[k]
	if g == nil {
		g = &group{key: k, created: at}
		c.groups[k] = g
		c.groupOrder = append(c.groupOrder, g)
	}
	if g.interest == "" {
		g.interest = interest
	}
	return g
}

// setQualified re-evaluates whether the group is qualified (sales-ready
// stage or ready level) and records the moment it becomes so.
func (c *Collector) setQualified(g *group, at time.Time) {
	q := contains(c.cfg.SalesReadyStages, g.stage) || contains(c.cfg.ReadyLevels, g.level)
	if q && !g.qualified {
		g.reaches = append(g.reaches, at)
	}
	g.qualified = q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type groupUpdated struct {
	Group        string   `json:"group"`
	Interest     string   `json:"interest"`
	Stage        string   `json:"stage"`
	Completeness *float64 `json:"completeness"`
	Score        *float64 `json:"score"`
	Readiness    string   `json:"readiness"`
}

func (c *Collector) groupUpdated(ev store.Event) error {
	var p groupUpdated
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	switch {
	case p.Group == "":
		return errors.New("no group")
	case p.Completeness == nil:
		return errors.New("no completeness")
	case *p.Completeness < 0 || *p.Completeness > 1+epsilon:
		return fmt.Errorf("completeness %v outside [0, 1]", *p.Completeness)
	case p.Score == nil:
		return errors.New("no score")
	case math.Abs(*p.Score) > maxScore:
		return fmt.Errorf("score %v beyond ±%g", *p.Score, maxScore)
	}
	g := c.group(ev.Account, p.Group, p.Interest, ev.Time)
	g.snaps = append(g.snaps, snapshot{at: ev.Time, stage: p.Stage, completeness: *p.Completeness, score: *p.Score})
	g.stage, g.level = p.Stage, p.Readiness
	c.setQualified(g, ev.Time)
	return nil
}

// maxScore bounds a group score, so that sums stay finite.
const maxScore = 1e15

// maxCount bounds the counts of one event, so that sums cannot overflow.
const maxCount = 1 << 32

// epsilon absorbs float rounding in completeness (3 of 3 roles is 1).
const epsilon = 1e-9

func (c *Collector) groupEvent(ev store.Event) error {
	var p buyinggroup.Event
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.Group == "" {
		return errors.New("no group")
	}
	if "buyinggroup."+string(p.Type) != ev.Type {
		return fmt.Errorf("payload type %q does not match the event type", p.Type)
	}
	switch p.Type {
	case buyinggroup.EventGroupCreated:
		g := c.group(ev.Account, p.Group, p.Interest, ev.Time)
		if ev.Time.Before(g.created) {
			g.created = ev.Time
		}
	case buyinggroup.EventStageChanged:
		if p.To == "" {
			return errors.New("stage change without a stage (to)")
		}
		g := c.group(ev.Account, p.Group, p.Interest, ev.Time)
		g.stage = p.To
		c.setQualified(g, ev.Time)
	}
	return nil
}

func (c *Collector) readiness(ev store.Event) error {
	var p struct {
		Group    string `json:"group"`
		Interest string `json:"interest"`
		Level    string `json:"level"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.Group == "" || p.Level == "" {
		return errors.New("group and level are required")
	}
	g := c.group(ev.Account, p.Group, p.Interest, ev.Time)
	g.level = p.Level
	c.setQualified(g, ev.Time)
	return nil
}

func (c *Collector) qualifyRate(ev store.Event) error {
	var p struct {
		Persons   *int `json:"persons"`
		Qualified *int `json:"qualified"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	switch {
	case p.Persons == nil || p.Qualified == nil:
		return errors.New("persons and qualified are required")
	case *p.Persons > maxCount:
		return fmt.Errorf("persons %d beyond %d", *p.Persons, maxCount)
	case *p.Persons < 0 || *p.Qualified < 0 || *p.Qualified > *p.Persons:
		return fmt.Errorf("qualified %d of %d persons", *p.Qualified, *p.Persons)
	}
	list := c.rates[ev.Account]
	if list == nil {
		list = &[]rateAt{}
		c.rates[ev.Account] = list
		c.rateOrder = append(c.rateOrder, ev.Account)
	}
	if n := len(*list); n > 0 && (*list)[n-1].persons == *p.Persons && (*list)[n-1].qualified == *p.Qualified {
		return nil // unchanged: the earlier entry holds
	}
	*list = append(*list, rateAt{at: ev.Time, persons: *p.Persons, qualified: *p.Qualified})
	return nil
}

func (c *Collector) opportunity(ev store.Event) error {
	var o b2b.Opportunity
	if err := decode(ev.Data, &o); err != nil {
		return err
	}
	if o.ID == "" {
		return errors.New("opportunity without ID")
	}
	k := oppKey{ev.Account, o.ID}
	if c.opps[k] {
		return nil
	}
	c.opps[k] = true
	at := o.CreatedAt
	if at.IsZero() {
		at = ev.Time
	}
	interest := o.SolutionInterest
	if interest == "" {
		interest = c.cfg.ProductInterests[o.Product]
	}
	if interest == "" {
		c.unattributed = append(c.unattributed, at)
		return nil
	}
	ik := interestKey{ev.Account, interest}
	c.oppTimes[ik] = append(c.oppTimes[ik], at)
	return nil
}

func (c *Collector) alert(ev store.Event) error {
	var p struct {
		ID string `json:"id"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.ID == "" {
		return errors.New("alert without id")
	}
	k := alertKey{ev.Account, p.ID}
	a := c.alerts[k]
	switch ev.Type {
	case "alert.raised":
		if a == nil {
			a = &alert{raised: ev.Time}
			c.alerts[k] = a
			c.alertOrder = append(c.alertOrder, a)
		}
	case "alert.acknowledged":
		if a == nil {
			c.orphans = append(c.orphans, ev.Time)
		} else if a.ack.IsZero() || ev.Time.Before(a.ack) {
			a.ack = ev.Time
		}
	default:
		if a == nil {
			c.orphans = append(c.orphans, ev.Time)
		} else if a.acted.IsZero() || ev.Time.Before(a.acted) {
			a.acted = ev.Time
		}
	}
	return nil
}

func (c *Collector) journey(id string) *journeyStats {
	j := c.journeys[id]
	if j == nil {
		j = &journeyStats{instances: map[instKey]*instance{}, nodes: map[journey.NodeID]*nodeStats{}, at: map[trackKey]journey.NodeID{}}
		c.journeys[id] = j
		c.journeyIDs = append(c.journeyIDs, id)
	}
	return j
}

func (c *Collector) decision(ev store.Event) error {
	var d journey.Decision
	if err := decode(ev.Data, &d); err != nil {
		return err
	}
	if d.Journey == "" {
		return errors.New("decision without journey")
	}
	if "journey."+string(d.Kind) != ev.Type {
		return fmt.Errorf("decision kind %q does not match the event type", d.Kind)
	}
	if d.Kind == journey.DecisionNode && d.Node == "" {
		return errors.New("node decision without node")
	}
	j := c.journey(d.Journey)
	k := instKey{ev.Account, d.Version, d.Entry}
	if d.Kind == journey.DecisionEnter && j.instances[k] == nil {
		in := &instance{entered: ev.Time}
		j.instances[k] = in
		j.order = append(j.order, in)
	}
	if d.Node == "" {
		return nil
	}
	// A track arrives at a node when a decision names another node than
	// its previous decision did (an action's several sends, a wait and its
	// end are one arrival).
	tk := trackKey{k, d.Track}
	if j.at[tk] == d.Node {
		return nil
	}
	j.at[tk] = d.Node
	n := j.nodes[d.Node]
	if n == nil {
		n = &nodeStats{}
		j.nodes[d.Node] = n
		j.nodeIDs = append(j.nodeIDs, d.Node)
	}
	n.arrivals = append(n.arrivals, arrival{at: ev.Time, inst: k})
	return nil
}

func (c *Collector) ended(ev store.Event) error {
	var e journey.Ended
	if err := decode(ev.Data, &e); err != nil {
		return err
	}
	if e.Journey == "" {
		return errors.New("ended without journey")
	}
	j := c.journey(e.Journey)
	in := j.instances[instKey{ev.Account, e.Version, e.Entry}]
	if in == nil {
		e.At = ev.Time
		j.orphanEnd = append(j.orphanEnd, e)
		return nil
	}
	if in.ended.IsZero() {
		in.ended, in.completed = ev.Time, e.Completed
	}
	return nil
}

func (c *Collector) queued(ev store.Event) error {
	var p struct {
		Key     string `json:"key"`
		Channel string `json:"channel"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.Key == "" || p.Channel == "" {
		return errors.New("key and channel are required")
	}
	if p.Channel != c.cfg.EmailChannel {
		c.otherQueued[p.Key] = true
		return nil
	}
	if _, ok := c.emailQueued[p.Key]; !ok {
		c.emailQueued[p.Key] = ev.Time
	}
	return nil
}

func (c *Collector) result(ev store.Event) error {
	var p struct {
		Key string `json:"key"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.Key == "" {
		return errors.New("no key")
	}
	if _, ok := c.emailQueued[p.Key]; !ok {
		if !c.otherQueued[p.Key] {
			c.unknownResult = append(c.unknownResult, ev.Time)
		}
		return nil
	}
	r := c.emailResults[p.Key]
	if r == nil {
		r = &emailResult{}
		c.emailResults[p.Key] = r
	}
	var at *time.Time
	switch ev.Type {
	case "message.delivered":
		at = &r.delivered
	case "message.failed":
		at = &r.failed
	default:
		at = &r.suppressed
	}
	if at.IsZero() {
		*at = ev.Time
	}
	return nil
}

func (c *Collector) activities(ev store.Event) error {
	var p struct {
		ByType map[string]int `json:"byType"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	var e engagementAt
	for typ, n := range p.ByType {
		if n < 0 || n > maxCount {
			return fmt.Errorf("byType[%q] is %d, outside [0, %d]", typ, n, maxCount)
		}
		if contains(c.cfg.OpenTypes, typ) {
			e.opens += n
		}
		if contains(c.cfg.ClickTypes, typ) {
			e.clicks += n
		}
	}
	if e.opens > 0 || e.clicks > 0 {
		e.at = ev.Time
		c.engagement = append(c.engagement, e)
	}
	return nil
}
