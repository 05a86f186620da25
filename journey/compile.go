package journey

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// ErrInvalidJourney is matched (with errors.Is) by every error of
// [Validate], [Compile] and [Catalog.Publish] for a journey that does not
// pass validation (the error is a *b2b.ValidationError listing every
// problem, so it matches b2b.ErrInvalid too).
var ErrInvalidJourney = errors.New("invalid journey")

type invalidJourney struct{ *b2b.ValidationError }

func (e invalidJourney) Is(target error) bool {
	return target == ErrInvalidJourney || target == b2b.ErrInvalid
}
func (e invalidJourney) Unwrap() error { return e.ValidationError }

// A Version is a validated, compiled journey version: immutable, safe for
// concurrent use, and what running instances refer to.
type Version struct {
	def      Journey
	number   int
	nodes    []cnode
	index    map[NodeID]int
	start    int
	triggers []ctrigger
	exits    []cexit
	goals    []cgoal
	// completion
	endNodes map[int]bool // nil: any end node
	goalDone int          // index into goals, -1 when none
	category string
	// interest is the solution interest the journey is bound to
	// (Journey.SolutionInterest), "" when none.
	interest string
	// tracks tells, for each node, which tracks can reach it; the
	// catalog checks the go-tos by it.
	tracks []NodeTracks
	// stateRules: some exit or goal must be checked on view changes.
	stateRules bool
	// fingerprint identifies the definition (see Fingerprint).
	fingerprint uint64
}

// Definition returns a copy of the definition the version was compiled from.
func (v *Version) Definition() Journey { return cloneJourney(v.def) }

// ID returns the journey ID.
func (v *Version) ID() string { return v.def.ID }

// Number returns the version number (1 for the first published version; 0
// for a version compiled outside a catalog).
func (v *Version) Number() int { return v.number }

// Fingerprint is a 64-bit hash of the version's definition (its JSON). An
// instance records the fingerprint of the version it entered
// (Instance.Fingerprint): a catalog rebuilt with another definition under
// that number (a process that started without the history of what was
// installed before) does not run the instance on it, but ends it with why.
func (v *Version) Fingerprint() uint64 { return v.fingerprint }

// A cond is a compiled account condition: refs are the fields it reads
// and nums the numbers it is written with, against which the reasons
// write the values it read (rules.FormatValueAgainst).
type cond struct {
	x    *rules.Expr[AccountEnv, bool]
	refs []valueRef
	nums []float64
}

// A pcond is a compiled person condition, as a cond.
type pcond struct {
	x    *rules.Expr[PersonEnv, bool]
	refs []valueRef
	nums []float64
}

type crecip struct {
	roles    []string
	interest string
	when     *pcond
}

// numbers returns the numbers c is written with; none for no condition.
func (c *cond) numbers() []float64 {
	if c == nil {
		return nil
	}
	return c.nums
}

// numbers returns the numbers r's person condition is written with; none
// for no condition.
func (r *crecip) numbers() []float64 {
	if r == nil || r.when == nil {
		return nil
	}
	return r.when.nums
}

type caction struct {
	Action
	recip *crecip
	// sent is the reason of the decision that sends an email or SMS
	// (sendReason), made once rather than for each message.
	sent string
}

type cmatch struct {
	EventMatch
	when *cond
}

type cpath struct {
	name string
	when *cond
	role *RoleCount
	next int
}

type cppath struct {
	name    string
	match   *crecip
	percent int
	actions []caction
}

type cvpath struct {
	name    string
	percent int
	next    int
}

type cnode struct {
	id        NodeID
	kind      NodeKind
	limit     int
	limitThen int
	next      int

	action *caction
	wait   *Wait
	window *cwindow

	events    []cmatch
	timeout   time.Duration
	onTimeout int

	external *External
	onOK     int
	onError  int

	paths []cpath
	els   int

	among  *crecip
	ppaths []cppath
	pelse  []caction
	byHash bool

	variant []cvpath

	interests []string
	branch    int
	merge     int

	gotoJourney string
	outcome     string
}

type ctrigger struct {
	Trigger
	when *cond
}

type cexit struct {
	Exit
	when *cond
}

type cgoal struct {
	Goal
	when *cond
}

type cwindow struct {
	days     [7]bool
	from, to int // minutes after midnight
}

var (
	accountEnvType = reflect.TypeFor[AccountEnv]()
	personEnvType  = reflect.TypeFor[PersonEnv]()
)

// Validate reports every problem with a journey at once (see [Compile]).
func Validate(j Journey, cfg Config) error {
	_, err := Compile(j, cfg)
	return err
}

// Compile validates a journey and compiles its conditions. Every problem is
// reported at once in a *b2b.ValidationError (matching ErrInvalidJourney),
// each with the path of the node field at fault, for example
//
//	nodes["split-1"].paths[0].when: rule "split-1 path 0" 1:7: unknown name grup
//	nodes["email-2"]: unreachable from the start node
//	nodes["wait-3"].next: unknown node "wiat-4"
//	nodes["split-1"]: cycle without a wait: split-1 -> email-2 -> split-1
//
// GoTo targets are checked by [Catalog.Publish], which knows the journeys.
func Compile(j Journey, cfg Config) (*Version, error) {
	v, _, err := compileJourney(j, cfg)
	return v, err
}

// compileJourney is Compile, which also returns which tracks can reach
// each of j.Nodes ([compiler.tracks]; nil when the start node is
// unknown), problems or not, for the checks of a catalog.
func compileJourney(j Journey, cfg Config) (*Version, []NodeTracks, error) {
	cfg = cfg.withDefaults()
	c := compiler{cfg: cfg, j: j, v: &Version{def: cloneJourney(j), index: map[NodeID]int{}, goalDone: -1}}
	c.roles = map[string]bool{}
	for _, r := range cfg.Roles {
		c.roles[r] = true
	}
	c.compile()
	if c.ps.Len() > 0 {
		return nil, c.v.tracks, invalidJourney{c.ps.Err("journey %q", j.ID).(*b2b.ValidationError)}
	}
	// The fingerprint is the definition's JSON, the program files' own
	// schema: a field added to the journey types must leave a definition
	// that does not use it encoded as before (omitempty), or the
	// instances running when a program is installed again would no
	// longer match their versions.
	def, err := json.Marshal(j)
	if err != nil {
		return nil, c.v.tracks, fmt.Errorf("journey %q: %w", j.ID, err)
	}
	h := fnv.New64a()
	h.Write(def)
	c.v.fingerprint = h.Sum64()
	return c.v, c.v.tracks, nil
}

type compiler struct {
	cfg   Config
	j     Journey
	v     *Version
	ps    b2b.Problems
	roles map[string]bool
	// badRefs: some reference or node is broken, so reachability would
	// only repeat the same problem; it is checked once they are fixed.
	badRefs bool
	// main marks the nodes the main track can reach (see tracks); nil
	// when the start node is unknown.
	main []bool
}

func nodePath(id NodeID) string { return fmt.Sprintf("nodes[%q]", string(id)) }

// nodePath is the path of node i: by its ID, or by its index when it has
// none or is a duplicate (an earlier node has its ID). nodes["a"] is then
// the first node of ID a, the one references to a lead to, and the
// problems of each node of that ID are named by a path of its own.
func (c *compiler) nodePath(i int) string {
	id := c.j.Nodes[i].ID
	if k, ok := c.v.index[id]; id == "" || ok && k != i {
		return fmt.Sprintf("nodes[%d]", i)
	}
	return nodePath(id)
}

// nodePathOf is [compiler.nodePath] for node i of nodes, outside a
// compiler.
func nodePathOf(nodes []Node, i int) string {
	id := nodes[i].ID
	if id == "" || slices.ContainsFunc(nodes[:i], func(n Node) bool { return n.ID == id }) {
		return fmt.Sprintf("nodes[%d]", i)
	}
	return nodePath(id)
}

// article returns a node kind or an action type with its indefinite
// article, for messages: "an end", "a wait", "an sms" (said letter by
// letter).
func article[T ~string](word T) string {
	w := string(word)
	if w != "" && (strings.ContainsRune("aeiou", rune(w[0])) || strings.HasPrefix(w, "sms")) {
		return "an " + w
	}
	return "a " + w
}

func (c *compiler) compile() {
	j := c.j
	if j.ID == "" {
		c.ps.Addf("id", "is required")
	}
	c.date("endAt", j.EndAt)
	c.v.category = cmpOr(j.Category, DefaultCategory)
	c.v.interest = j.SolutionInterest()
	if len(j.Nodes) == 0 {
		// Not a reason to stop: the triggers, exits and goals are
		// checked all the same, so that every problem comes at once.
		c.ps.Addf("nodes", "a journey needs at least one node")
	}
	for i, n := range j.Nodes {
		first, dup := c.v.index[n.ID]
		switch {
		case n.ID == "":
			c.ps.Addf(fmt.Sprintf("nodes[%d].id", i), "is required")
		case dup:
			c.ps.Addf(fmt.Sprintf("nodes[%d].id", i), "duplicate node ID %q (also nodes[%d])", string(n.ID), first)
			c.badRefs = true
		default:
			c.v.index[n.ID] = i
		}
		c.v.nodes = append(c.v.nodes, cnode{id: n.ID, kind: n.Kind, next: -1, els: -1, onTimeout: -1, onOK: -1, onError: -1, branch: -1, merge: -1, limitThen: -1})
	}
	c.v.start = 0
	switch {
	case len(j.Nodes) == 0:
		// No start node: the graph has nothing to check, and a start
		// named would only repeat that there are no nodes.
		c.v.start = -1
	case j.Start != "":
		c.v.start = c.ref("start", j.Start)
	}
	for i := range j.Nodes {
		c.node(i)
	}
	c.entry()
	c.exitsAndGoals()
	if c.v.start >= 0 {
		c.graph()
		c.v.tracks = c.tracks()
		c.main = make([]bool, len(c.v.tracks))
		for i := range c.v.tracks {
			c.main[i] = c.v.tracks[i].Main
		}
		c.whichGroup()
	}
}

// date checks that a time of the definition can be written as JSON: the
// definition is kept, cloned and fingerprinted as its JSON, and a date
// outside the years 0 to 9999 or with a zone offset of a day or more has
// no JSON form, so it is a problem of the field rather than a failure of
// the encoding after validation.
func (c *compiler) date(path string, t time.Time) {
	if _, err := t.MarshalJSON(); err == nil {
		return
	}
	if y := t.Year(); y < 0 || y > 9999 {
		c.ps.Addf(path, "year %d is outside the years a definition's JSON can hold (0 to 9999)", y)
		return
	}
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	c.ps.Addf(path, "time zone offset %c%02d:%02d is outside what a definition's JSON can hold (under 24 hours)", sign, off/3600, off/60%60)
}

// ref resolves a node reference; a missing or unknown one is a problem.
func (c *compiler) ref(path string, id NodeID) int {
	if _, ok := c.v.index[id]; !ok {
		c.badRefs = true
	}
	if id == "" {
		c.ps.Addf(path, "dead end: a next node is required (end the path with an end node)")
		return -1
	}
	i, ok := c.v.index[id]
	if !ok {
		c.ps.Addf(path, "unknown node %q", string(id))
		return -1
	}
	return i
}

func (c *compiler) cond(path, name, src string) *cond {
	if strings.TrimSpace(src) == "" {
		c.ps.Addf(path, "condition is empty")
		return nil
	}
	x, err := rules.Compile[AccountEnv, bool](c.cfg.Rules, rules.Rule{Name: name, Source: src})
	if err != nil {
		c.ps.Add(path, err)
		return nil
	}
	return &cond{x: x, refs: findRefs(src, accountEnvType), nums: rules.Numbers(src)}
}

func (c *compiler) pcond(path, name, src string) *pcond {
	x, err := rules.Compile[PersonEnv, bool](c.cfg.Rules, rules.Rule{Name: name, Source: src})
	if err != nil {
		c.ps.Add(path, err)
		return nil
	}
	return &pcond{x: x, refs: findRefs(src, personEnvType), nums: rules.Numbers(src)}
}

func (c *compiler) role(path, role string) {
	if role == "" {
		c.ps.Addf(path, "role is empty")
		return
	}
	if len(c.roles) > 0 && !c.roles[role] {
		c.ps.Addf(path, "unknown role %q (known: %s)", role, strings.Join(c.cfg.Roles, ", "))
	}
}

func (c *compiler) recipients(path, name string, r *Recipients) *crecip {
	if r == nil {
		return &crecip{}
	}
	cr := &crecip{roles: slices.Clone(r.Roles), interest: r.SolutionInterest}
	for i, role := range r.Roles {
		c.role(fmt.Sprintf("%s.roles[%d]", path, i), role)
	}
	if r.When != "" {
		cr.when = c.pcond(path+".when", name, r.When)
	}
	return cr
}

func (c *compiler) node(i int) {
	n := &c.j.Nodes[i]
	cn := &c.v.nodes[i]
	p := c.nodePath(i)
	if !slices.Contains(NodeKinds, n.Kind) {
		if n.Kind == "" {
			c.ps.Addf(p+".kind", "is required (one of %s)", joinNames(NodeKinds))
		} else {
			c.ps.Addf(p+".kind", "unknown node kind %q (known: %s)", n.Kind, joinNames(NodeKinds))
		}
		c.badRefs = true
		return
	}
	cfgs := n.configs()
	if len(cfgs) != 1 || cfgs[0] != n.Kind {
		// The configs by their fields' names (a people_split node's is
		// peopleSplit).
		has := "none"
		if len(cfgs) > 0 {
			names := make([]string, len(cfgs))
			for k, kind := range cfgs {
				names[k] = strconv.Quote(kind.configField())
			}
			has = strings.Join(names, ", ")
		}
		c.ps.Addf(p, "%s node needs exactly its %q config (has %s)", article(n.Kind), n.Kind.configField(), has)
		c.badRefs = true
		return
	}
	if n.Limit != nil {
		if n.Limit.Max < 1 {
			c.ps.Addf(p+".limit.max", "must be at least 1")
		}
		cn.limit = n.Limit.Max
		cn.limitThen = c.ref(p+".limit.then", n.Limit.Then)
	}
	name := string(n.ID)
	switch n.Kind {
	case KindAction:
		cn.action = c.action(p+".action", name, n.Action, false)
		cn.next = c.ref(p+".action.next", n.Action.Next)
	case KindWait:
		c.wait(p+".wait", cn, n.Wait)
		cn.next = c.ref(p+".wait.next", n.Wait.Next)
	case KindListen:
		l := n.Listen
		if len(l.Events) == 0 {
			c.ps.Addf(p+".listen.events", "at least one event is required")
		}
		for k, m := range l.Events {
			cn.events = append(cn.events, c.match(fmt.Sprintf("%s.listen.events[%d]", p, k), fmt.Sprintf("%s event %d", name, k), m))
		}
		if l.Timeout <= 0 {
			c.ps.Addf(p+".listen.timeout", "must be positive")
		} else if why := tooLong(l.Timeout); why != "" {
			c.ps.Addf(p+".listen.timeout", "%s", why)
		}
		cn.timeout = time.Duration(l.Timeout)
		cn.next = c.ref(p+".listen.next", l.Next)
		cn.onTimeout = c.ref(p+".listen.onTimeout", l.OnTimeout)
	case KindExternal:
		x := n.External
		if x.Call == "" {
			c.ps.Addf(p+".external.call", "is required")
		}
		if x.Timeout <= 0 {
			c.ps.Addf(p+".external.timeout", "must be positive")
		} else if why := tooLong(x.Timeout); why != "" {
			c.ps.Addf(p+".external.timeout", "%s", why)
		}
		// The version's own copy, as for every setting read at run
		// time: the caller may edit its definition after publishing.
		own := *x
		own.Params = maps.Clone(x.Params)
		cn.external = &own
		cn.timeout = time.Duration(x.Timeout)
		cn.onOK = c.ref(p+".external.onSuccess", x.OnSuccess)
		cn.onError = c.ref(p+".external.onError", x.OnError)
		cn.onTimeout = c.ref(p+".external.onTimeout", x.OnTimeout)
	case KindSplit:
		s := n.Split
		if len(s.Paths) == 0 {
			c.ps.Addf(p+".split.paths", "a split needs at least one path")
		}
		names := map[string]int{}
		for k, sp := range s.Paths {
			pp := fmt.Sprintf("%s.paths[%d]", p, k)
			c.pathName(pp, names, k, sp.Name, len(s.Paths), func(j int) string { return s.Paths[j].Name }, "path %d", true)
			cp := cpath{name: cmpOr(sp.Name, fmt.Sprintf("path %d", k)), next: c.ref(pp+".next", sp.Next)}
			if sp.When == "" && sp.RoleAtLeast == nil {
				c.ps.Addf(pp, "a path needs a condition (when or roleAtLeast)")
			}
			if sp.When != "" {
				cp.when = c.cond(pp+".when", fmt.Sprintf("%s %s", name, cp.name), sp.When)
			}
			if r := sp.RoleAtLeast; r != nil {
				c.role(pp+".roleAtLeast.role", r.Role)
				if r.Count < 1 {
					c.ps.Addf(pp+".roleAtLeast.count", "must be at least 1")
				}
				own := *r
				cp.role = &own
			}
			cn.paths = append(cn.paths, cp)
		}
		if s.Else == "" {
			c.badRefs = true
			c.ps.Addf(p+".else", "a split needs an else path")
		} else {
			cn.els = c.ref(p+".else", s.Else)
		}
	case KindPeopleSplit:
		c.peopleSplit(p, name, cn, n.PeopleSplit)
	case KindVariant:
		total := 0
		if len(n.Variant.Paths) < 2 {
			c.ps.Addf(p+".variant.paths", "a variant split needs at least two paths")
		}
		names := map[string]int{}
		for k, vp := range n.Variant.Paths {
			pp := fmt.Sprintf("%s.variant.paths[%d]", p, k)
			c.pathName(pp, names, k, vp.Name, len(n.Variant.Paths), func(j int) string { return n.Variant.Paths[j].Name }, "variant %d", false)
			if vp.Percent < 1 || vp.Percent > 100 {
				c.ps.Addf(pp+".percent", "must be between 1 and 100, got %d", vp.Percent)
			}
			total += vp.Percent
			cn.variant = append(cn.variant, cvpath{name: cmpOr(vp.Name, fmt.Sprintf("variant %d", k)), percent: vp.Percent, next: c.ref(pp+".next", vp.Next)})
		}
		if total != 100 && len(n.Variant.Paths) >= 2 {
			c.ps.Addf(p+".variant.paths", "percentages add up to %d, want 100", total)
		}
	case KindParallel:
		cn.interests = slices.Clone(n.Parallel.SolutionInterests)
		cn.branch = c.ref(p+".parallel.branch", n.Parallel.Branch)
		if n.Parallel.Merge != "" {
			cn.merge = c.ref(p+".parallel.merge", n.Parallel.Merge)
			if cn.merge >= 0 && c.j.Nodes[cn.merge].Kind != KindMerge {
				c.ps.Addf(p+".parallel.merge", "node %q is %s node, want a merge node", n.Parallel.Merge, article(c.j.Nodes[cn.merge].Kind))
				cn.merge = -1
			}
		}
	case KindMerge:
		cn.next = c.ref(p+".merge.next", n.Merge.Next)
	case KindGoTo:
		if n.GoTo.Journey == "" {
			c.ps.Addf(p+".goto.journey", "is required")
		} else if n.GoTo.Journey == c.j.ID {
			c.ps.Addf(p+".goto.journey", "a journey cannot go to itself")
		}
		cn.gotoJourney = n.GoTo.Journey
	case KindEnd:
		cn.outcome = n.End.Outcome
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cloneJourney deep-copies a definition (it is plain data) so that a
// compiled version never shares memory with its caller.
func cloneJourney(j Journey) Journey {
	b, err := json.Marshal(j)
	if err != nil {
		return j
	}
	var out Journey
	if err := json.Unmarshal(b, &out); err != nil {
		return j
	}
	return out
}
