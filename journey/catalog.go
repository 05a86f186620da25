package journey

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Status is where a journey is in its lifecycle:
//
//	draft -> live -> closed -> finished
//	           \        \
//	            +--------+--> aborted
//
// A live journey takes new entries; a closed one takes none but its
// running instances go on; finished and aborted journeys end every running
// instance at the next step (reason "journey finished" or "journey
// aborted"), which drops the messages a cap deferred for it. An aborted
// journey also drops those of its instances that had ended (see
// [Catalog.Abort]). Publishing a live journey again creates a new version: new
// entries get it, running instances keep theirs.
type Status string

// The lifecycle statuses.
const (
	StatusDraft    Status = "draft"
	StatusLive     Status = "live"
	StatusClosed   Status = "closed"
	StatusFinished Status = "finished"
	StatusAborted  Status = "aborted"
)

// ErrLifecycle is matched by errors of a lifecycle transition that the
// journey's status does not allow (publishing a closed journey, closing a
// draft, ...).
var ErrLifecycle = errors.New("lifecycle transition not allowed")

// ErrUnknownJourney is matched by errors naming a journey the catalog does
// not hold.
var ErrUnknownJourney = errors.New("unknown journey")

// A Catalog holds the journeys of a program: every published version, the
// lifecycle status of each journey, and the shared configuration (rules
// engine, role vocabulary, caps, consent policy). It is immutable: the
// methods that change it return a new catalog and leave the receiver as it
// was, so a catalog is safe for concurrent use and a step always sees one
// consistent set of definitions.
type Catalog struct {
	cfg      Config
	gen      uint64
	journeys map[string]*entry
	ids      []string // sorted, for deterministic iteration
}

type entry struct {
	status   Status
	draft    *Journey
	versions []*Version
}

// NewCatalog returns an empty catalog with the given configuration.
func NewCatalog(cfg Config) (*Catalog, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Catalog{cfg: cfg, gen: configGeneration(cfg), journeys: map[string]*entry{}}, nil
}

// configGeneration is the generation of an empty catalog of cfg: a hash
// of the configuration, its rules engine by its type.
func configGeneration(cfg Config) uint64 {
	b, err := json.Marshal(struct {
		Rules             string
		Roles             []string
		SolutionInterests []string
		Caps              []Cap
		Consent           ConsentPolicy
		MaxTransitions    int
	}{fmt.Sprintf("%T", cfg.Rules), cfg.Roles, cfg.SolutionInterests, cfg.Caps, cfg.Consent, cfg.MaxTransitions})
	h := fnv.New64a()
	h.Write([]byte("journey catalog\x00"))
	if err != nil {
		// Not expected of plain data; the configuration is then told
		// apart by the error, as well as it can be.
		b = []byte(err.Error())
	}
	h.Write(b)
	return nonZero(h.Sum64())
}

// nextGeneration is the generation of the catalog that c becomes when
// journey id becomes e: a hash of c's generation and of what e is now
// (status, versions, draft). Chained change by change, it tells apart
// catalogs that hold other journeys, versions or statuses, or another
// configuration, whatever number of changes made them.
func (c *Catalog) nextGeneration(id string, e *entry) uint64 {
	h := fnv.New64a()
	var n [8]byte
	num := func(x uint64) {
		binary.LittleEndian.PutUint64(n[:], x)
		h.Write(n[:])
	}
	str := func(s string) {
		num(uint64(len(s)))
		h.Write([]byte(s))
	}
	num(c.gen)
	str(id)
	str(string(e.status))
	num(uint64(len(e.versions)))
	if k := len(e.versions); k > 0 {
		v := e.versions[k-1]
		num(uint64(v.number))
		num(v.fingerprint)
	}
	if e.draft != nil {
		b, err := json.Marshal(e.draft)
		if err != nil {
			b = []byte(err.Error())
		}
		str(string(b))
	}
	return nonZero(h.Sum64())
}

// nonZero keeps a generation from being zero, which a state that has
// seen no step holds.
func nonZero(g uint64) uint64 {
	if g == 0 {
		return 1
	}
	return g
}

// Config returns the catalog's configuration (with defaults filled in).
func (c *Catalog) Config() Config { return c.cfg }

// Generation identifies the catalog: a hash of its configuration (its
// rules engine by its type) and of each change that made it, in order,
// with what the journey it changed became (status, the fingerprint of
// its latest version, its draft). Every change gives another generation,
// and two catalogs have one generation only when they were built alike,
// whatever catalog built them (a host that restarts and builds its
// catalog again as before finds its accounts' states steady, and one
// that builds another does not). A step with the catalog of the last
// step's generation (State.Generation) may be idle.
func (c *Catalog) Generation() uint64 { return c.gen }

// Journeys returns the IDs of all journeys, sorted.
func (c *Catalog) Journeys() []string { return slices.Clone(c.ids) }

// Status returns a journey's lifecycle status.
func (c *Catalog) Status(id string) (Status, bool) {
	e, ok := c.journeys[id]
	if !ok {
		return "", false
	}
	return e.status, true
}

// Latest returns the newest published version of a journey.
func (c *Catalog) Latest(id string) (*Version, bool) {
	e, ok := c.journeys[id]
	if !ok || len(e.versions) == 0 {
		return nil, false
	}
	return e.versions[len(e.versions)-1], true
}

// Version returns version n of a journey.
func (c *Catalog) Version(id string, n int) (*Version, bool) {
	e, ok := c.journeys[id]
	if !ok || n < 1 || n > len(e.versions) {
		return nil, false
	}
	return e.versions[n-1], true
}

// Draft returns the saved draft of a journey.
func (c *Catalog) Draft(id string) (Journey, bool) {
	e, ok := c.journeys[id]
	if !ok || e.draft == nil {
		return Journey{}, false
	}
	return cloneJourney(*e.draft), true
}

func (c *Catalog) with(id string, f func(e *entry)) *Catalog {
	out := *c
	out.journeys = maps.Clone(c.journeys)
	var e entry
	if old, ok := c.journeys[id]; ok {
		e = *old
		e.versions = slices.Clone(old.versions)
	} else {
		e.status = StatusDraft
		out.ids = append(slices.Clone(c.ids), id)
		slices.Sort(out.ids)
	}
	f(&e)
	out.journeys[id] = &e
	out.gen = c.nextGeneration(id, &e)
	return &out
}

// SaveDraft stores a draft (a new journey, or the next edit of a published
// one) without publishing it. The draft is stored even when it has
// problems; they are returned so that an editor can show them.
func (c *Catalog) SaveDraft(j Journey) (*Catalog, error) {
	if j.ID == "" {
		return c, fmt.Errorf("save draft: journey ID is required: %w", ErrInvalidJourney)
	}
	if e, ok := c.journeys[j.ID]; ok && (e.status == StatusFinished || e.status == StatusAborted) {
		return c, fmt.Errorf("journey %q is %s: %w", j.ID, e.status, ErrLifecycle)
	}
	d := cloneJourney(j)
	out := c.with(j.ID, func(e *entry) { e.draft = &d })
	return out, c.validate(j)
}

func (c *Catalog) validate(j Journey) error {
	_, err := c.compile(j, nil)
	return err
}

// compile validates and compiles j for the catalog. batch, when not nil,
// holds the solution interests the journeys published with j are bound
// to, by ID: j's go-tos to them read those bindings, and their go-tos to
// j are theirs to check (see [Catalog.PublishAll]).
func (c *Catalog) compile(j Journey, batch map[string]string) (*Version, error) {
	v, tracks, err := compileJourney(j, c.cfg)
	var ve invalidJourney
	if err != nil && !errors.As(err, &ve) {
		return nil, err
	}
	// GoTo targets must be journeys of this catalog, and a go-to must not
	// go to a journey bound to a solution interest that no track
	// reaching it addresses (see stuckGoTo): that journey would take no
	// entry from it.
	var extra b2b.Problems
	bound := j.SolutionInterest()
	for i, n := range j.Nodes {
		if n.Kind != KindGoTo || n.GoTo == nil || n.GoTo.Journey == "" || n.GoTo.Journey == j.ID {
			continue
		}
		// The node by its index when it has no ID or another node has
		// its ID (a duplicate, reported by Compile), as Compile names it.
		p := nodePathOf(j.Nodes, i)
		target := n.GoTo.Journey
		if _, ok := c.journeys[target]; !ok && !hasKey(batch, target) {
			extra.Addf(p+".goto.journey", "unknown journey %q", target)
			continue
		}
		if i >= len(tracks) {
			continue
		}
		to, ok := batch[target]
		if !ok {
			to = c.boundTo(target)
		}
		switch main, interests, stuck := stuckGoTo(tracks[i], bound, to); {
		case !stuck:
		case main:
			extra.Addf(p+".goto.journey", "journey %q is bound to solution interest %s and takes no entry for %s, the interest this journey is bound to "+
				"(go to a journey bound to %s or to none)", target, to, bound, bound)
		default:
			extra.Addf(p+".goto.journey", "journey %q is bound to solution interest %s and takes no entry for %s, %s of the parallel tracks that reach this go-to "+
				"(go to a journey bound to %s or to none)", target, to, strings.Join(interests, ", "), theInterests(interests), oneOf(interests))
		}
	}
	c.referrers(&extra, j.ID, j.SolutionInterest(), batch)
	if v != nil && batch == nil {
		// PublishAll checks its journeys' cycles once all are compiled.
		c.goToCycles(&extra, v, map[string]*Version{j.ID: v})
	}
	if extra.Len() == 0 {
		return v, err
	}
	var ps b2b.Problems
	if err != nil {
		for _, p := range ve.Problems {
			ps.Add(p.Path, p.Err)
		}
	}
	for _, p := range extra.List() {
		ps.Add(p.Path, p.Err)
	}
	return nil, invalidJourney{ps.Err("journey %q", j.ID).(*b2b.ValidationError)}
}

// goToCycles reports the go-tos of v, the version a publish of its
// journey would make, that close a cycle of go-tos without a wait: v's
// go-to enters a journey that enters another at once, and so on, back
// into v's journey, which goes to the first at once again. A go-to is
// entered at once when a track reaches it from the journey's start in
// the moment it entered ([cnode.instant]): no wait for a duration, listen
// or external node holds it on the way, on some path. An account would
// go round such a cycle within one moment, sending its messages each
// time round, as often as the re-entry policies let it in. The journeys
// gone to are those live in the catalog (their latest versions) and
// those of batch (a journey published with v; nil for one that does not
// compile), which take the place of theirs.
func (c *Catalog) goToCycles(ps *b2b.Problems, v *Version, batch map[string]*Version) {
	id := v.def.ID
	type hop struct {
		from string
		path []int // the nodes of from's version, from its start to the go-to
	}
	for _, p := range instantGoTos(v) {
		first := v.nodes[p[len(p)-1]].gotoJourney
		if first == id {
			continue // a journey cannot go to itself: a problem of Compile
		}
		// The shortest way back to id, journey by journey.
		prev := map[string]hop{first: {id, p}}
		queue := []string{first}
		for len(queue) > 0 && !hasKey(prev, id) {
			at := queue[0]
			queue = queue[1:]
			w := c.entered(at, batch)
			if w == nil {
				continue
			}
			for _, q := range instantGoTos(w) {
				to := w.nodes[q[len(q)-1]].gotoJourney
				if _, seen := prev[to]; !seen {
					prev[to] = hop{at, q}
					queue = append(queue, to)
				}
			}
		}
		back, ok := prev[id]
		if !ok {
			continue
		}
		var hops []hop
		for h := back; ; h = prev[h.from] {
			hops = append(hops, h)
			if h.from == id {
				break
			}
		}
		slices.Reverse(hops)
		var b strings.Builder
		b.WriteString("cycle of go-tos without a wait: ")
		for _, h := range hops {
			w := c.entered(h.from, batch)
			names := make([]string, len(h.path))
			for k, n := range h.path {
				names[k] = cmpOr(string(w.nodes[n].id), fmt.Sprintf("nodes[%d]", n))
			}
			fmt.Fprintf(&b, "journey %q (%s) -> ", h.from, strings.Join(names, " -> "))
		}
		fmt.Fprintf(&b, "journey %q (each enters the next at once: a wait for a duration, a listen or an external node "+
			"between a journey's start and its go-to ends the cycle)", id)
		ps.Addf(nodePathOf(v.def.Nodes, p[len(p)-1]), "%s", b.String())
	}
}

// entered is the version a go-to to journey id would enter: that of
// batch, if id is one of it (nil for one that does not compile), else
// the latest version of a live journey of the catalog; nil for a journey
// that takes no entry from a go-to.
func (c *Catalog) entered(id string, batch map[string]*Version) *Version {
	if v, ok := batch[id]; ok {
		return v
	}
	e, ok := c.journeys[id]
	if !ok || e.status != StatusLive || len(e.versions) == 0 {
		return nil
	}
	return e.versions[len(e.versions)-1]
}

// instantGoTos lists the go-to nodes of v that a track reaches from the
// start node in the moment it entered, in the order of the nodes, each
// as the nodes of a shortest such way from the start to it.
func instantGoTos(v *Version) [][]int {
	nodes := v.nodes
	if v.start < 0 || v.start >= len(nodes) {
		return nil
	}
	const unseen = -2
	prev := make([]int, len(nodes))
	for i := range prev {
		prev[i] = unseen
	}
	prev[v.start] = -1
	queue := []int{v.start}
	var found []int
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if nodes[i].kind == KindGoTo {
			found = append(found, i)
			continue
		}
		for _, n := range nodes[i].instant(nodes) {
			if n >= 0 && prev[n] == unseen {
				prev[n] = i
				queue = append(queue, n)
			}
		}
	}
	slices.Sort(found)
	out := make([][]int, len(found))
	for k, g := range found {
		for i := g; i >= 0; i = prev[i] {
			out[k] = append(out[k], i)
		}
		slices.Reverse(out[k])
	}
	return out
}

// referrers reports the go-tos to journey id, bound to solution interest
// bound, that could not hand over: those of the latest version of every
// other journey that is live or closed (its instances run on) where no
// track reaching the go-to addresses bound (see stuckGoTo). Publishing a
// journey bound to one interest would otherwise leave the journeys that
// go to it, published when it was bound to none or to that of their
// tracks, with go-tos that every account they run for is refused at
// (the run time still refuses them, with why, for instances of earlier
// versions). A journey that has only a draft is checked when it is
// published.
func (c *Catalog) referrers(ps *b2b.Problems, id, bound string, batch map[string]string) {
	if bound == "" {
		return
	}
	for _, from := range c.ids {
		e := c.journeys[from]
		if from == id || hasKey(batch, from) || len(e.versions) == 0 || e.status != StatusLive && e.status != StatusClosed {
			continue
		}
		v := e.versions[len(e.versions)-1]
		for k := range v.nodes {
			cn := &v.nodes[k]
			if cn.kind != KindGoTo || cn.gotoJourney != id || k >= len(v.tracks) {
				continue
			}
			switch main, interests, stuck := stuckGoTo(v.tracks[k], v.interest, bound); {
			case !stuck:
			case main:
				ps.Addf("triggers", "journey %q (version %d, %s), bound to solution interest %s, goes to this journey at %s on its main track: "+
					"bound to %s, this journey would take no entry from it (bind this journey to %s or to none, or first publish %q without that go-to)",
					from, v.number, e.status, v.interest, nodePath(cn.id), bound, v.interest, from)
			default:
				ps.Addf("triggers", "journey %q (version %d, %s) goes to this journey at %s, which only its parallel tracks of %s reach: "+
					"bound to %s, this journey would take no entry from them (bind this journey to %s or to none, or first publish %q without that go-to)",
					from, v.number, e.status, nodePath(cn.id), strings.Join(interests, ", "), bound, oneOf(interests), from)
			}
		}
	}
}

// stuckGoTo reports whether no track that reaches a go-to node (t, of a
// journey bound to solution interest bound, "" for none) could hand the
// account over to a journey bound to interest to ("" for none, which
// takes every entry): the main track of a journey bound to another
// interest reaches it (main), or every track that reaches it addresses
// an interest that the definition tells, none of them to (interests, the
// interests of the parallel tracks that reach it). A track whose
// interest the definition does not tell (the main track of a journey
// bound to none, the track of a parallel node that names no interests)
// may hand over, and a split may keep the tracks of other interests
// from the go-to: such a go-to is left to the run time, which refuses a
// track of another interest with why.
func stuckGoTo(t NodeTracks, bound, to string) (main bool, interests []string, stuck bool) {
	switch {
	case to == "":
		return false, nil, false
	case t.Main && bound != "" && bound != to:
		return true, nil, true
	case t.AnyInterest || len(t.Interests) == 0 || slices.Contains(t.Interests, to):
		return false, nil, false
	}
	return false, t.Interests, true
}

// theInterests is "the solution interest" or "the solution interests",
// for a list of interests.
func theInterests(interests []string) string {
	if len(interests) == 1 {
		return "the solution interest"
	}
	return "the solution interests"
}

// oneOf is an interest, or "one of A, B" for several.
func oneOf(interests []string) string {
	if len(interests) == 1 {
		return interests[0]
	}
	return "one of " + strings.Join(interests, ", ")
}

// boundTo returns the solution interest a journey of the catalog is bound
// to (see [Journey.SolutionInterest]): that of its latest version, which a
// go-to enters, or of its draft when it has none yet.
func (c *Catalog) boundTo(id string) string {
	e, ok := c.journeys[id]
	switch {
	case !ok:
		return ""
	case len(e.versions) > 0:
		return e.versions[len(e.versions)-1].interest
	case e.draft != nil:
		return e.draft.SolutionInterest()
	}
	return ""
}

// Publish validates j and makes it live. A journey seen for the first time
// (or a draft) becomes version 1; publishing a live journey again creates
// the next version, which new entries get while running instances keep
// theirs. Publishing a closed, finished or aborted journey is an
// ErrLifecycle error.
//
// Besides [Compile]'s checks, the go-tos are checked against the
// catalog: j's go-tos must name journeys of the catalog that would take
// an entry from them, and, when j is bound to a solution interest, so
// must the go-tos to j of the other journeys (see [GoTo]), and none of
// j's go-tos may close a cycle of journeys that go to each other without
// a wait (see [GoTo]). Journeys that go to each other and change their
// bindings together are published together ([Catalog.PublishAll]).
func (c *Catalog) Publish(j Journey) (*Catalog, *Version, error) {
	if e, ok := c.journeys[j.ID]; ok && e.status != StatusDraft && e.status != StatusLive {
		return c, nil, fmt.Errorf("publish journey %q: it is %s: %w", j.ID, e.status, ErrLifecycle)
	}
	v, err := c.compile(j, nil)
	if err != nil {
		return c, nil, err
	}
	return c.published(j.ID, v), v, nil
}

// published adds v, compiled for the catalog, as the next version of
// journey id, which is live from then on.
func (c *Catalog) published(id string, v *Version) *Catalog {
	return c.with(id, func(e *entry) {
		v.number = len(e.versions) + 1
		e.versions = append(e.versions, v)
		e.status = StatusLive
		e.draft = nil
	})
}

// PublishAll publishes js together: each as [Catalog.Publish] would,
// but the go-tos between them are checked against the bindings they are
// published with, whatever their order, so that journeys that go to each
// other can change their solution interests at once (a journey and the
// one it goes to, both moved from one interest to another, pass no
// check one at a time: the one that goes would go to a journey still
// bound to the old interest, or the other would be gone to by a version
// still bound to it). The go-tos to them of the other journeys of the
// catalog are checked as Publish checks them, and so are the cycles of
// go-tos, with js as they would be. It is all or none: when
// any of js has problems, none is published, and the error joins the
// error of each that has (each a *b2b.ValidationError matching
// ErrInvalidJourney, or an ErrLifecycle error). Two of js with one ID
// are an error. The versions are returned in the order of js.
func (c *Catalog) PublishAll(js ...Journey) (*Catalog, []*Version, error) {
	batch := make(map[string]string, len(js))
	var errs []error
	for _, j := range js {
		if _, dup := batch[j.ID]; dup {
			errs = append(errs, fmt.Errorf("publish journey %q: it is given twice", j.ID))
			continue
		}
		batch[j.ID] = j.SolutionInterest()
	}
	vs := make([]*Version, len(js))
	compiled := make(map[string]*Version, len(js))
	for i, j := range js {
		compiled[j.ID] = nil
		if e, ok := c.journeys[j.ID]; ok && e.status != StatusDraft && e.status != StatusLive {
			errs = append(errs, fmt.Errorf("publish journey %q: it is %s: %w", j.ID, e.status, ErrLifecycle))
			continue
		}
		v, err := c.compile(j, batch)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vs[i] = v
	}
	for i, j := range js {
		if vs[i] != nil && compiled[j.ID] == nil {
			compiled[j.ID] = vs[i]
		}
	}
	// The cycles of go-tos, with every journey of js as it would be.
	for i, j := range js {
		if vs[i] == nil {
			continue
		}
		var ps b2b.Problems
		c.goToCycles(&ps, vs[i], compiled)
		if ps.Len() > 0 {
			errs = append(errs, invalidJourney{ps.Err("journey %q", j.ID).(*b2b.ValidationError)})
		}
	}
	if len(errs) > 0 {
		return c, nil, errors.Join(errs...)
	}
	out := c
	for i, j := range js {
		out = out.published(j.ID, vs[i])
	}
	return out, vs, nil
}

func hasKey[T any](m map[string]T, k string) bool {
	_, ok := m[k]
	return ok
}

// Carry adds v, a version of another catalog (an earlier program's), as
// the next version of its journey here, as it was compiled there: it is
// not validated again against this catalog's configuration, since the
// instances that entered it keep it whatever the program has become (a
// role it names may be gone: its recipients of that role then match
// nobody). Versions are carried in order: v's number must be the
// journey's next one here. Like Publish, it makes the journey live, and a
// closed, finished or aborted journey is an ErrLifecycle error.
func (c *Catalog) Carry(v *Version) (*Catalog, error) {
	if v == nil || v.number < 1 {
		return c, errors.New("carry: a version of a catalog is required")
	}
	id := v.def.ID
	e, ok := c.journeys[id]
	if ok && e.status != StatusDraft && e.status != StatusLive {
		return c, fmt.Errorf("carry journey %q: it is %s: %w", id, e.status, ErrLifecycle)
	}
	if next := 1 + c.versionCount(id); v.number != next {
		return c, fmt.Errorf("carry journey %q version %d: the next version here is %d", id, v.number, next)
	}
	cp := *v
	out := c.with(id, func(e *entry) {
		e.versions = append(e.versions, &cp)
		e.status = StatusLive
		e.draft = nil
	})
	return out, nil
}

func (c *Catalog) versionCount(id string) int {
	if e, ok := c.journeys[id]; ok {
		return len(e.versions)
	}
	return 0
}

func (c *Catalog) transition(id string, to Status, from ...Status) (*Catalog, error) {
	e, ok := c.journeys[id]
	if !ok {
		return c, fmt.Errorf("journey %q: %w", id, ErrUnknownJourney)
	}
	if !slices.Contains(from, e.status) {
		return c, fmt.Errorf("journey %q is %s, cannot become %s: %w", id, e.status, to, ErrLifecycle)
	}
	return c.with(id, func(e *entry) { e.status = to }), nil
}

// Close stops new entries into a live journey; running instances go on.
func (c *Catalog) Close(id string) (*Catalog, error) {
	return c.transition(id, StatusClosed, StatusLive)
}

// Finish marks a closed journey as finished: instances still running end
// at their next step with reason "journey finished", and the messages a
// cap deferred for them are dropped. A journey that finishes ran its
// course: an instance that had ended before (at an end node, or by going
// to another journey) finished its run, and what a cap deferred for it is
// still sent.
func (c *Catalog) Finish(id string) (*Catalog, error) {
	return c.transition(id, StatusFinished, StatusClosed)
}

// Abort stops a live or closed journey now: every running instance ends at
// its next step with reason "journey aborted", and the journey queues no
// more messages: at an account's next step the messages a cap deferred
// for any of its instances, of any version, running or ended before (at
// an end node, or by going to another journey), are dropped, each with a
// skip decision ("deferred message dropped: the instance exited (journey
// aborted)" for a running one, "deferred message dropped: the journey was
// aborted" for one that had ended).
func (c *Catalog) Abort(id string) (*Catalog, error) {
	return c.transition(id, StatusAborted, StatusLive, StatusClosed)
}

// accepting reports whether a journey takes new entries at now; when it
// does not, [Catalog.refusal] says why.
func (c *Catalog) accepting(id string, now time.Time) (*Version, bool) {
	e, ok := c.journeys[id]
	if !ok || e.status != StatusLive || len(e.versions) == 0 {
		return nil, false
	}
	v := e.versions[len(e.versions)-1]
	if !v.def.EndAt.IsZero() && !now.Before(v.def.EndAt) {
		return nil, false
	}
	return v, true
}

// refusal says why a journey takes no new entry at now: it is not in the
// catalog, it is not live (draft, closed, finished or aborted), or its end
// date has passed. It is "" for a journey that takes entries.
func (c *Catalog) refusal(id string, now time.Time) string {
	e, ok := c.journeys[id]
	switch {
	case !ok:
		return "journey is not in the catalog"
	case e.status != StatusLive || len(e.versions) == 0:
		return "journey is not live (" + string(e.status) + ")"
	}
	if end := e.versions[len(e.versions)-1].def.EndAt; !end.IsZero() && !now.Before(end) {
		return "journey is not live (it ended at " + end.UTC().Format(time.RFC3339) + ")"
	}
	return ""
}
