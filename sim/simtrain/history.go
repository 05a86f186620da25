package simtrain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store/memory"
)

// Sentinel errors.
var (
	// ErrConfig is matched by every error of an invalid [Config].
	ErrConfig = errors.New("invalid simtrain config")
	// ErrNoHistory: the history has too few snapshots for what was asked.
	ErrNoHistory = errors.New("not enough history")
)

// Config says how to record a world's history.
type Config struct {
	// Program is the program the world runs while its history is
	// recorded. Required.
	Program *program.Program
	// Outcome labels each snapshot: whether the group's account created an
	// opportunity for the group's solution interest (or won one) within
	// Outcome.Days days after the snapshot. Zero Days means 30.
	Outcome qualify.ModelOutcome
	// FirstDay is the day of the first snapshot (taken at the end of that
	// day); Every the days between snapshots. Zero means 14 and 7.
	FirstDay int
	Every    int
	// Workers is the engine's parallelism; zero means GOMAXPROCS.
	Workers int
}

// WithDefaults returns the config with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.Outcome.Days = cmp.Or(c.Outcome.Days, 30)
	c.FirstDay = cmp.Or(c.FirstDay, 14)
	c.Every = cmp.Or(c.Every, 7)
	return c
}

// Validate reports every problem with the config at once.
func (c Config) Validate() error {
	var ps b2b.Problems
	if c.Program == nil {
		ps.Addf("program", "is required")
	}
	if c.Outcome.Days < 0 {
		ps.Addf("outcome.days", "must not be negative, got %d", c.Outcome.Days)
	}
	if c.FirstDay < 0 {
		ps.Addf("firstDay", "must not be negative, got %d", c.FirstDay)
	}
	if c.Every < 0 {
		ps.Addf("every", "must not be negative, got %d", c.Every)
	}
	if err := ps.Err("simtrain config"); err != nil {
		return errors.Join(ErrConfig, err)
	}
	return nil
}

// A Snapshot is one buying group at the end of one simulated day: what
// readiness would have seen, and what happened next.
type Snapshot struct {
	Day      int
	At       time.Time
	Account  b2b.AccountID
	Group    string
	Interest string
	Features qualify.Features
	// HadOpportunity says an opportunity of the group's interest already
	// existed at At: the group is past the question "ready for sales?".
	HadOpportunity bool
	// Labelled says the outcome window (At, At+Outcome.Days] lies within
	// the world's period, so Outcome is known; Outcome says whether it
	// happened.
	Labelled bool
	Outcome  bool
	// InMarket is the world's truth: the account really buys the interest
	// in the period. Buying says, further, that its buying window had
	// opened by At: the group was truly ready for sales then.
	InMarket bool
	Buying   bool
}

// History is a finished run with its snapshots.
type History struct {
	Result    *sim.Result
	Outcome   qualify.ModelOutcome
	Snapshots []Snapshot
}

// Collect runs cfg.Program on w (see [sim.Run]) and takes a snapshot of
// every buying group at the end of days FirstDay, FirstDay+Every, ...
// From each snapshot it reads the engine's view of the account
// ([engine.Engine.Account]) and builds the [qualify.Features] readiness
// sees, then labels it from the world's truth.
func Collect(ctx context.Context, w *sim.World, cfg Config) (*History, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	st := memory.New()
	// A second engine on the same store reads the views: Account reads the
	// stored state and the program only, and the run is between days when
	// the progress callback runs.
	viewer, err := engine.New(engine.Config{Store: st, Program: cfg.Program, Workers: 1, UnsubscribeURL: sim.UnsubscribeURL})
	if err != nil {
		return nil, err
	}
	opps := map[b2b.AccountID][]b2b.Opportunity{}
	for _, o := range w.Truth.Opportunities {
		opps[o.Account] = append(opps[o.Account], o)
	}
	h := &History{Outcome: cfg.Outcome}
	var snapErr error
	progress := func(day, days int) {
		if snapErr != nil || day < cfg.FirstDay || (day-cfg.FirstDay)%cfg.Every != 0 {
			return
		}
		snapErr = h.snapshot(ctx, viewer, w, opps, day)
	}
	res, err := sim.Run(ctx, w, sim.RunConfig{Program: cfg.Program, Store: st, Workers: cfg.Workers, Progress: progress})
	if err != nil {
		return nil, err
	}
	if snapErr != nil {
		return nil, snapErr
	}
	h.Result = res
	return h, nil
}

func (h *History) snapshot(ctx context.Context, viewer *engine.Engine, w *sim.World, opps map[b2b.AccountID][]b2b.Opportunity, day int) error {
	at := w.Date(day)
	labelled := day+h.Outcome.Days <= w.Config.Days
	for _, a := range w.Accounts {
		v, err := viewer.Account(ctx, a.ID, at)
		if errors.Is(err, engine.ErrUnknownAccount) {
			continue
		}
		if err != nil {
			return fmt.Errorf("simtrain: day %d: account %q: %w", day, a.ID, err)
		}
		for i := range v.Groups {
			g := &v.Groups[i]
			var own []b2b.Opportunity
			for _, o := range opps[a.ID] {
				if o.SolutionInterest == g.Group.Interest {
					own = append(own, o)
				}
			}
			s := Snapshot{
				Day: day, At: at, Account: a.ID, Group: g.Group.ID, Interest: g.Group.Interest,
				// The opportunity history is the account's, every interest's
				// deals, as the engine gives readiness; the outcome and
				// HadOpportunity are the group's own interest's.
				Features: Features(&v, g, viewer.Program(), opps[a.ID]),
				Labelled: labelled, InMarket: w.Truth.InMarket[a.ID][g.Group.Interest],
			}
			if start, ok := w.Truth.BuyingStart[a.ID][g.Group.Interest]; ok && s.InMarket {
				s.Buying = !start.After(at)
			}
			s.HadOpportunity = slices.ContainsFunc(own, func(o b2b.Opportunity) bool { return !o.CreatedAt.After(at) })
			if labelled {
				s.Outcome = h.Outcome.Label(at, own)
			}
			h.Snapshots = append(h.Snapshots, s)
		}
	}
	return nil
}

// Features builds what readiness sees of group g from the account's view
// at v.At: completeness, weighted completeness, score and velocity as the
// view holds them; engaged roles from the members' person scores (the
// view's scores are those of the program's group scoring model, which are
// the engine's when the program scores every interest with one model);
// days since the members' last activity (their PersonView.LastActivity,
// as the engine reads it; +Inf when none); the account's industry and
// employees; and the opportunity history of opps before v.At (the engine
// gives readiness the account's deals of every interest: pass them all,
// not only g's interest's).
func Features(v *engine.AccountView, g *engine.GroupView, p *program.Program, opps []b2b.Opportunity) qualify.Features {
	f := qualify.Features{
		Completeness: g.Group.Completeness, WeightedCompleteness: g.Group.WeightedCompleteness,
		Score: g.Score.Score, Velocity: g.Velocity, VelocityDays: p.VelocityWindow().Hours() / 24,
		Industry: v.Account.Industry, Employees: v.Account.Employees, DaysSinceLastActivity: math.Inf(1),
	}
	members := map[b2b.PersonID]bool{}
	for _, m := range g.Group.Members {
		members[m.Person] = true
	}
	engaged := map[string]bool{}
	var last time.Time
	for i := range v.Persons {
		pv := &v.Persons[i]
		if !members[pv.Person.ID] {
			continue
		}
		if pv.Score >= p.EngagedScore() {
			for _, m := range g.Group.Members {
				if m.Person == pv.Person.ID {
					engaged[m.Role] = true
				}
			}
		}
		if pv.LastActivity.After(last) {
			last = pv.LastActivity
		}
	}
	f.EngagedRoles = len(engaged)
	if !last.IsZero() {
		f.DaysSinceLastActivity = max(0, v.At.Sub(last).Hours()/24)
	}
	f.PriorOpportunities, f.PriorWon = qualify.FeaturesOpportunityHistory(v.At, opps)
	return f
}

// Label says what a training example's outcome is.
type Label int

const (
	// LabelOutcome labels each snapshot with Config.Outcome, what a CRM's
	// history gives: an opportunity created (or won) within so many days.
	// Only labelled snapshots of groups without an opportunity yet are
	// examples: the others are past the question.
	LabelOutcome Label = iota
	// LabelBuying labels each snapshot with the world's truth: the account
	// is in market for the group's interest and its buying window has
	// opened (Snapshot.Buying). Snapshots of groups that already have an
	// opportunity are left out too: a deal in the CRM would give the answer
	// away, and marketing qualification is about the groups sales has not
	// found yet.
	LabelBuying
)

// String names the label in words.
func (l Label) String() string {
	switch l {
	case LabelOutcome:
		return "outcome"
	case LabelBuying:
		return "in market with the buying window open (the simulation's truth)"
	}
	return fmt.Sprintf("Label(%d)", int(l))
}

// Examples returns the snapshots as training examples under label l.
func (h *History) Examples(l Label) []qualify.ReadinessExample {
	var out []qualify.ReadinessExample
	for _, s := range h.Snapshots {
		switch l {
		case LabelOutcome:
			if s.Labelled && !s.HadOpportunity {
				out = append(out, qualify.ReadinessExample{Features: s.Features, Outcome: s.Outcome})
			}
		case LabelBuying:
			if s.HadOpportunity {
				continue
			}
			out = append(out, qualify.ReadinessExample{Features: s.Features, Outcome: s.Buying})
		}
	}
	return out
}
