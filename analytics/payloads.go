package analytics

// The payload of each event type a KPI reads, validated before any state
// changes.

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// group returns the group, creating it as seen at the time. The group
// exists from the earliest time an event names it: the log's order is not
// its times', and a change dated before the group's first logged event
// (its qualification, say) is still the group's own.
func (c *Collector) group(account b2b.AccountID, id, interest string, at time.Time) *group {
	k := groupKey{account, id}
	g := c.groups[k]
	if g == nil {
		g = &group{key: k, created: at}
		c.groups[k] = g
		c.groupOrder = append(c.groupOrder, g)
	} else if at.Before(g.created) {
		g.created = at
	}
	if g.interest == "" {
		g.interest = interest
	}
	return g
}

// setStage moves the group to the stage; a change is kept in its stage
// history (the velocity clocks read its stage at To).
//
// A move to the stage the group is in already, dated before the move
// that put it there (a log whose order is not its times' can hold a late
// snapshot), dates that move earlier: the group was in the stage from the
// earliest time the log says so, if after its previous change.
func (g *group) setStage(stage string, at time.Time) {
	if stage != g.stage {
		g.stages = append(g.stages, stageAt{at, stage})
	} else if n := len(g.stages); n > 0 && at.Before(g.stages[n-1].at) && (n == 1 || at.After(g.stages[n-2].at)) {
		g.stages[n-1].at = at
	}
	g.stage = stage
}

// stageBy is the group's latest stage (in log order) set by the time; ""
// if none.
func (g *group) stageBy(by func(time.Time) bool) string {
	for i := len(g.stages) - 1; i >= 0; i-- {
		if by(g.stages[i].at) {
			return g.stages[i].stage
		}
	}
	return ""
}

// setQualified re-evaluates whether the group is qualified (a sales-ready
// stage of its interest, or a ready level) and records the moment it
// becomes so (the earliest time the log dates it). A group in a closed
// stage (its deal won or lost) is not qualified, whatever its readiness:
// the engine keeps scoring a closed
// group, and its ready verdicts are no new sales-ready moment. Moved out
// of the closed stage (reopened), it can qualify again.
func (c *Collector) setQualified(g *group, at time.Time) {
	stages, ok := c.cfg.SalesReadyByInterest[g.interest]
	if !ok {
		stages = c.cfg.SalesReadyStages
	}
	q := !c.cfg.ReadinessOnly && contains(stages, g.stage) || !c.cfg.StagesOnly && contains(c.cfg.ReadyLevels, g.level)
	q = q && !contains(c.cfg.ClosedStages, g.stage)
	switch n := len(g.reaches); {
	case q && !g.qualified:
		g.reaches = append(g.reaches, at)
	case q && n > 0 && at.Before(g.reaches[n-1]) && (n == 1 || at.After(g.reaches[n-2])):
		// Qualified already, by an event the log dates before the
		// qualification (its order is not its times'): the group was
		// qualified from then, if after its previous qualification.
		g.reaches[n-1] = at
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
	stage := p.Stage
	if stage == "" {
		// A snapshot that names no stage tells none: the group is still
		// in the stage it was in at the snapshot's time.
		stage = g.stageBy(func(t time.Time) bool { return !t.After(ev.Time) })
	} else {
		g.setStage(stage, ev.Time)
	}
	g.snaps = append(g.snaps, snapshot{at: ev.Time, stage: stage, completeness: *p.Completeness, score: *p.Score})
	g.level = p.Readiness
	c.setQualified(g, ev.Time)
	return nil
}

// maxScore bounds a group score, so that sums stay finite.
const maxScore = 1e15

// maxCount bounds the counts of one event, so that sums cannot overflow.
const maxCount = 1 << 32

// epsilon absorbs float rounding in completeness (3 of 3 roles is 1).
const epsilon = 1e-9

// groupEventPayload is the part of a buyinggroup.Event the KPIs read.
type groupEventPayload struct {
	Type     buyinggroup.EventType `json:"type"`
	Group    string                `json:"group"`
	Interest string                `json:"interest"`
	To       string                `json:"to"`
}

func (c *Collector) groupEvent(ev store.Event) error {
	var p groupEventPayload
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
		// The stage the group starts in (to), unless the log told its
		// stage before.
		if p.To != "" && len(g.stages) == 0 {
			g.setStage(p.To, ev.Time)
			c.setQualified(g, ev.Time)
		}
	case buyinggroup.EventStageChanged:
		if p.To == "" {
			return errors.New("stage change without a stage (to)")
		}
		g := c.group(ev.Account, p.Group, p.Interest, ev.Time)
		g.setStage(p.To, ev.Time)
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

// accountMerged reads account.merged: the account merged into another
// ({into}) and is no account of its own from then on (from the earliest
// merge the log dates).
func (c *Collector) accountMerged(ev store.Event) error {
	var p struct {
		Into b2b.AccountID `json:"into"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.Into == "" {
		return errors.New("into is required")
	}
	// An account merged at the earliest time the log dates its merge: a
	// log whose order is not its times' can hold it twice.
	if t, ok := c.merged[ev.Account]; !ok || ev.Time.Before(t) {
		c.merged[ev.Account] = ev.Time
	}
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
		// Unchanged: the earlier entry holds, from the earliest time the
		// log dates it (its order is not always its times'), if after
		// the rate before it, which held until the change.
		if last := &(*list)[n-1]; ev.Time.Before(last.at) && (n == 1 || ev.Time.After((*list)[n-2].at)) {
			last.at = ev.Time
		}
		return nil
	}
	*list = append(*list, rateAt{at: ev.Time, persons: *p.Persons, qualified: *p.Qualified})
	return nil
}

func (c *Collector) journey(id string) *journeyStats {
	j := c.journeys[id]
	if j == nil {
		j = &journeyStats{instances: map[instKey]*instance{}, nodes: map[journey.NodeID]*nodeStats{}, at: map[trackKey]journey.NodeID{}, steps: map[instKey]int{},
			deferred: map[string]bool{}}
		c.journeys[id] = j
		c.journeyIDs = append(c.journeyIDs, id)
	}
	return j
}

// decisionPayload is the part of a journey.Decision the KPIs read.
type decisionPayload struct {
	Kind    journey.DecisionKind `json:"kind"`
	Journey string               `json:"journey"`
	Version int                  `json:"version"`
	Entry   int                  `json:"entry"`
	Track   int                  `json:"track"`
	Node    journey.NodeID       `json:"node"`
	Key     string               `json:"key"`
}

func (c *Collector) decision(ev store.Event) error {
	var d decisionPayload
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
	if d.Kind == journey.DecisionEnter {
		// An instance entered at the earliest time the log dates its
		// entry: a log whose order is not its times' can hold it twice.
		if in := j.instances[k]; in == nil {
			in = &instance{account: ev.Account, entered: ev.Time}
			j.instances[k] = in
			j.order = append(j.order, in)
		} else if ev.Time.Before(in.entered) {
			in.entered = ev.Time
		}
	}
	if d.Node == "" {
		return nil
	}
	// A message a cap deferred is sent (or skipped, or deferred again)
	// later, by a decision naming the node that queued it: the track has
	// moved on by then, so that is no arrival.
	if d.Key != "" && (d.Kind == journey.DecisionSend || d.Kind == journey.DecisionSkip || d.Kind == journey.DecisionDefer) {
		if j.deferred[d.Key] {
			if d.Kind != journey.DecisionDefer {
				delete(j.deferred, d.Key)
			}
			return nil
		}
		if d.Kind == journey.DecisionDefer {
			j.deferred[d.Key] = true
		}
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
	n.arrivals = append(n.arrivals, arrival{at: ev.Time, inst: k, step: j.steps[k]})
	j.steps[k]++
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
	// An instance ended at the earliest time the log dates an end, and
	// as that end says (completed or not): a log whose order is not its
	// times' can hold a later end first.
	if in.ended.IsZero() || ev.Time.Before(in.ended) {
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
	if t, ok := c.emailQueued[p.Key]; !ok || ev.Time.Before(t) {
		c.emailQueued[p.Key] = ev.Time
	}
	return nil
}

// earliest keeps in *at the earliest of its time and t (zero: none yet):
// the log's order is not its times' (a late batch logs, after an open of
// Wednesday, one of Tuesday), and what happened to an e-mail happened at
// the earliest time the log dates it.
func earliest(at *time.Time, t time.Time) {
	if at.IsZero() || t.Before(*at) {
		*at = t
	}
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
	earliest(at, ev.Time)
	return nil
}

// activities reads an activity.applied event: its opens, clicks and
// bounces tie to the program's e-mails by the message keys it lists (an
// event written before the engine listed them ties none). An e-mail's
// earliest open, click and bounce are kept; opens and clicks
// that name no message, or one not queued on the e-mail channel, are
// counted apart (bounces of other e-mails are no concern of the rates).
func (c *Collector) activities(ev store.Event) error {
	var p struct {
		ByType   map[string]int      `json:"byType"`
		Messages map[string][]string `json:"messages"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	for _, typ := range slices.Sorted(maps.Keys(p.ByType)) {
		if n := p.ByType[typ]; n < 0 || n > maxCount {
			return fmt.Errorf("byType[%q] is %d, outside [0, %d]", typ, n, maxCount)
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(p.Messages)) {
		keys := p.Messages[typ]
		if len(keys) > p.ByType[typ] {
			return fmt.Errorf("messages[%q]: %d keys, more than byType's %d", typ, len(keys), p.ByType[typ])
		}
		if i := slices.Index(keys, ""); i >= 0 {
			return fmt.Errorf("messages[%q][%d] is empty", typ, i)
		}
	}
	for _, typ := range c.cfg.BounceTypes {
		for _, k := range p.Messages[typ] {
			if _, ok := c.emailQueued[k]; !ok {
				continue
			}
			r := c.emailResults[k]
			if r == nil {
				r = &emailResult{}
				c.emailResults[k] = r
			}
			earliest(&r.bounced, ev.Time)
		}
	}
	var e engagementAt
	for typ, n := range p.ByType {
		open, click := contains(c.cfg.OpenTypes, typ), contains(c.cfg.ClickTypes, typ)
		if !open && !click {
			continue
		}
		tied := 0
		for _, k := range p.Messages[typ] {
			if _, ok := c.emailQueued[k]; !ok {
				continue
			}
			tied++
			r := c.emailResults[k]
			if r == nil {
				r = &emailResult{}
				c.emailResults[k] = r
			}
			if open {
				earliest(&r.opened, ev.Time)
			}
			if click {
				earliest(&r.clicked, ev.Time)
			}
		}
		if open {
			e.opens += n - tied
		}
		if click {
			e.clicks += n - tied
		}
	}
	if e.opens > 0 || e.clicks > 0 {
		e.at = ev.Time
		c.unmatched = append(c.unmatched, e)
	}
	return nil
}
