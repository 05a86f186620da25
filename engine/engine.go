package engine

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/store"
)

// Config wires an engine. Store and Program are required; every other
// field documents its zero value.
type Config struct {
	// Store persists account states, the event log and the outbox.
	Store store.Store
	// Tenant scopes everything the engine stores; "" means "default".
	Tenant store.Tenant
	// Program is the definitions the engine runs (see [Engine.Install]).
	Program *program.Program
	// History are the programs installed before Program, oldest first,
	// for an engine that starts on a store whose journey instances they
	// started (a process restarted with a durable store, which also
	// calls [Engine.Recover]): they are
	// installed in order before Program, so that their journeys'
	// versions get their numbers again and a running instance goes on
	// with the version it entered. An instance whose version the engine
	// does not have as it entered it (History left out or incomplete) is
	// ended with why at its next step, never run on another definition
	// (but for instances stored before their versions' fingerprints
	// were recorded, which the engine cannot check).
	History []*program.Program
	// Identity configures identity resolution (namespaces, merge
	// policies, free-mail domains); the zero value is the default.
	Identity identity.Config
	// Clock tells the time of ingestion; nil means the system clock.
	// Simulations pass a manual clock.
	Clock clock.Clock
	// Logger receives structured records of what the engine does; nil
	// means none.
	Logger *slog.Logger
	// Workers is how many accounts are processed at once; zero means
	// GOMAXPROCS.
	Workers int
	// FutureTolerance is how far past the clock an activity's time may be;
	// zero means 5 minutes. Later activities are rejected. One dated
	// ahead within it counts in scores from its time: its account is due
	// then, for the next Advance to decide what its score changes.
	FutureTolerance time.Duration
	// RefreshInterval is how often Advance recomputes an account's
	// time-dependent state (decayed scores, audiences with time windows,
	// readiness) when nothing else happens to it; zero means 24 hours.
	// An Advance that covers many intervals runs a pass on a quiet account
	// for each of them.
	RefreshInterval time.Duration
	// ActivityRetention is how long an account keeps its activities for
	// audience aggregates, alerts and duplicate detection; zero means the
	// longest window the program needs: 30 days, or the scoring horizon
	// (how late an activity may arrive to be scored) or the longest
	// activity window of its audience rules if longer. An activity older
	// than the retention when it arrives is rejected as too late: it could
	// not be told from one applied before and forgotten since. The time
	// of each person's last activity is kept past it, for readiness's
	// days since a group's last activity.
	ActivityRetention time.Duration
	// Rollup makes a parent account's persons include those of its
	// subsidiaries, so its buying groups span regions.
	Rollup bool
	// MaxRetries bounds how often one account's change is retried after a
	// version conflict; zero means 20.
	MaxRetries int
	// StateCache is how many accounts' decoded states the engine keeps in
	// memory between passes, so that an account whose stored version has
	// not changed is not decoded again; zero means 100,000, negative turns
	// the cache off. Cached states are committed ones; a pass works on a
	// copy. A store that keeps values ([store.ValueKeeper], the memory
	// store) needs no cache: the engine commits its states as they are.
	StateCache int
	// ActivityConsent maps the activity types that state a person's
	// consent to the statement each makes; nil means
	// governance.DefaultActivityConsent (an email unsubscribe is an email
	// opt-out, an SMS unsubscribe an SMS opt-out), an empty map none.
	// Activities of type governance.ConsentChangedType (attributes
	// "channel" and "status") state consent whatever the map says. Each
	// such activity becomes a consent statement kept with the person in
	// every account of theirs, which decides their consent from then on
	// with the sources' records (see "Consent" in the package
	// documentation).
	ActivityConsent governance.ActivityConsent
	// ConsentRules say how a person's consent statements combine (the
	// zero value: the strictest statement within 24 hours of the latest
	// wins; see governance.Resolve).
	ConsentRules governance.ConsentRules
	// UnsubscribeURL returns the one-click unsubscribe link of a
	// recipient: the host's endpoint, which records the opt-out (a
	// governance.Statement) and usually carries a signed token. It is
	// required when a program (Program or one of History, or one
	// installed later) has a template that reads {{.UnsubscribeURL}}, as
	// every marketing e-mail does: Validate (and so New) and Install
	// refuse such a program without it, since no default link could
	// unsubscribe anyone.
	UnsubscribeURL func(account b2b.AccountID, person b2b.PersonID) string
}

// WithDefaults returns the config with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.Tenant = cmp.Or(c.Tenant, "default")
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Workers = cmp.Or(c.Workers, runtime.GOMAXPROCS(0))
	c.FutureTolerance = cmp.Or(c.FutureTolerance, 5*time.Minute)
	c.RefreshInterval = cmp.Or(c.RefreshInterval, 24*time.Hour)
	c.MaxRetries = cmp.Or(c.MaxRetries, 20)
	c.StateCache = cmp.Or(c.StateCache, 100_000)
	if c.ActivityConsent == nil {
		c.ActivityConsent = governance.DefaultActivityConsent
	}
	return c
}

// Validate reports every problem with the config at once.
func (c Config) Validate() error {
	var ps b2b.Problems
	if c.Store == nil {
		ps.Addf("store", "is required")
	}
	if c.Program == nil {
		ps.Addf("program", "is required")
	}
	for i, p := range c.History {
		if p == nil {
			ps.Addf(fmt.Sprintf("history[%d]", i), "is nil")
		}
	}
	if c.Workers < 0 {
		ps.Addf("workers", "must not be negative")
	}
	if c.MaxRetries < 0 {
		ps.Addf("maxRetries", "must not be negative")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"futureTolerance", c.FutureTolerance}, {"refreshInterval", c.RefreshInterval}, {"activityRetention", c.ActivityRetention}} {
		if d.v < 0 {
			ps.Addf(d.name, "must not be negative")
		}
	}
	ps.Add("identity", c.Identity.Validate())
	ps.Add("activityConsent", c.ActivityConsent.Validate())
	if c.ConsentRules.Window < 0 {
		ps.Addf("consentRules.window", "must not be negative")
	}
	if c.UnsubscribeURL == nil {
		// New would refuse to install such a program (see Install).
		for i, p := range c.History {
			if p != nil {
				if err := needsUnsubscribeURL(p); err != nil {
					ps.Add("unsubscribeURL", fmt.Errorf("history[%d]: %w", i, err))
				}
			}
		}
		if c.Program != nil {
			ps.Add("unsubscribeURL", needsUnsubscribeURL(c.Program))
		}
	}
	return ps.Err("engine config")
}

// Sentinel errors.
var (
	// ErrUnknownAccount: the account has no state (never upserted).
	ErrUnknownAccount = errors.New("unknown account")
	// ErrTooManyConflicts: an account's change lost the version race more
	// than Config.MaxRetries times.
	ErrTooManyConflicts = errors.New("too many version conflicts")
	// ErrMergedAccount: the account was merged into another, which holds
	// its records and persons now and decides for them: a host's Enter
	// and ExternalResult name that account instead (AccountView.MergedInto).
	ErrMergedAccount = errors.New("account merged into another")
	// ErrNoUnsubscribeURL: a program has templates that read
	// {{.UnsubscribeURL}} (every marketing e-mail does) and the config
	// has no Config.UnsubscribeURL to fill it in.
	ErrNoUnsubscribeURL = errors.New("no unsubscribe link: Config.UnsubscribeURL is required")
)

// Engine runs a program on a store: every input (records, activities, the
// passing of time) flows through the whole chain for each affected
// account, and each account's new state, events and outbox entries are
// committed together. An Engine is safe for concurrent use.
type Engine struct {
	cfg Config

	prog atomic.Pointer[program.Program]
	ret  atomic.Pointer[retentionOf] // the last program's retention
	// installMu serialises installs: each builds on the one before.
	installMu sync.Mutex

	// idMu serialises identity resolution, the one global step, and the
	// reads of the graph by passes (identityOf).
	idMu  sync.Mutex
	graph *identity.Graph
	// opportunities is the account each opportunity was last upserted
	// on, under idMu: an upsert on another account moves it from there.
	opportunities map[b2b.OpportunityID]b2b.AccountID
	// calls counts the calls that resolve identity, from the resolution
	// to their commits, so that an erasure can wait for those that
	// resolved a person before identity forgot them.
	calls callGate
	// suppression holds the hashes of erased addresses (Suppress).
	suppression suppressions
	// shared are the locks of persons of several accounts, which passes
	// take in turns (see sharedContacts).
	shared sharedLocks

	evalPool sync.Pool // *qualify.Evaluator of the current program

	locations sync.Map // time zone name -> *time.Location
	// names keeps one copy of each activity type and persona reason that
	// states hold.
	names nameTable

	cacheMu sync.Mutex
	cache   map[b2b.AccountID]cachedState
	// values is set when the store keeps committed states as values.
	values bool

	counters counters
}

// New returns an engine.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if err := errors.Join(errCloneState, errCopyGroups, errCopyPersons); err != nil {
		return nil, err
	}
	g, err := identity.New(cfg.Identity)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	e := &Engine{cfg: cfg, graph: g, opportunities: map[b2b.OpportunityID]b2b.AccountID{}, cache: map[b2b.AccountID]cachedState{}, values: store.KeepsValues(cfg.Store)}
	for i, p := range cfg.History {
		if err := e.Install(p); err != nil {
			return nil, fmt.Errorf("history[%d]: %w", i, err)
		}
	}
	if err := e.Install(cfg.Program); err != nil {
		return nil, err
	}
	return e, nil
}

// retention is how long accounts keep their activities under program p:
// a figure of the program, computed once for the installed one (passes
// ask for it twice each).
func (e *Engine) retention(p *program.Program) time.Duration {
	if e.cfg.ActivityRetention > 0 {
		return e.cfg.ActivityRetention
	}
	if r := e.ret.Load(); r != nil && r.prog == p {
		return r.d
	}
	d := programRetention(p)
	e.ret.Store(&retentionOf{prog: p, d: d})
	return d
}

// retentionOf is a program's activity retention.
type retentionOf struct {
	prog *program.Program
	d    time.Duration
}

// programRetention is the longest window program p needs (see
// Config.ActivityRetention).
func programRetention(p *program.Program) time.Duration {
	d := 30 * 24 * time.Hour
	for _, s := range p.Scorers {
		d = max(d, s.Horizon())
	}
	if p.Audiences != nil {
		for _, a := range p.Audiences.Aggregates() {
			d = max(d, time.Duration(a.Days*24*float64(time.Hour)))
		}
	}
	return d
}

// Program returns the installed program.
func (e *Engine) Program() *program.Program { return e.prog.Load() }

func (e *Engine) evaluator(p *program.Program) *qualify.Evaluator {
	if v, ok := e.evalPool.Get().(*pooledEvaluator); ok && v.prog == p {
		return v.eval
	}
	return p.Qualifier.NewEvaluator()
}

func (e *Engine) releaseEvaluator(p *program.Program, ev *qualify.Evaluator) {
	e.evalPool.Put(&pooledEvaluator{prog: p, eval: ev})
}

type pooledEvaluator struct {
	prog *program.Program
	eval *qualify.Evaluator
}

// cachedState is a decoded account state and the stored version it is.
// A cached state is committed, so nobody modifies it: a pass works on a
// copy.
type cachedState struct {
	version int64
	st      *accountState
}

// cached returns the cached state of an account if it is the given stored
// version.
func (e *Engine) cached(id b2b.AccountID, version int64) *accountState {
	if e.cfg.StateCache < 0 {
		return nil
	}
	e.cacheMu.Lock()
	defer e.cacheMu.Unlock()
	c, ok := e.cache[id]
	if !ok || c.version != version {
		return nil
	}
	return c.st
}

// putCached keeps a committed state.
func (e *Engine) putCached(id b2b.AccountID, version int64, st *accountState) {
	if e.cfg.StateCache < 0 {
		return
	}
	e.cacheMu.Lock()
	defer e.cacheMu.Unlock()
	if c, ok := e.cache[id]; ok && c.version > version {
		// A reader that decoded an older version comes late: keep the
		// newer state (an erasure's, say), not the one it replaced.
		return
	}
	if len(e.cache) >= e.cfg.StateCache {
		for k := range e.cache { // evict one at random
			delete(e.cache, k)
			break
		}
	}
	e.cache[id] = cachedState{version: version, st: st}
}
