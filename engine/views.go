package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store"
)

// AccountView is everything a CRM panel shows about one account: its
// buying groups with members, roles and how each was assigned, scores with
// their breakdown, completeness, missing roles, stage history, readiness,
// journey positions, and the latest decisions with their reasons.
type AccountView struct {
	Account b2b.Account
	// MergedInto is the account this one was merged into, which holds its
	// records and persons and decides for them: this view is its history.
	MergedInto b2b.AccountID
	// Absorbed are the accounts merged into this one.
	Absorbed  []b2b.AccountID
	Version   int64
	At        time.Time
	Persons   []PersonView
	Groups    []GroupView
	Audiences []string
	Lists     []string
	Journeys  []JourneyPosition
	// Decisions are the account's latest events (newest last).
	Decisions []store.Event
}

// PersonView is a person of the account with their score and its
// breakdown.
type PersonView struct {
	Person b2b.Person
	Link   identity.Link
	// Classified says what the persona classifier filled in, and why.
	Classified []string
	// Score is the person's score under the program's group scoring
	// model as of the view's time; Breakdown is the model's explanation
	// of it, and Adjustment the part of Score that journeys'
	// adjust_score actions on the person added, which the model does not
	// explain: Score is Breakdown.Score plus Adjustment.
	Score      float64
	Adjustment float64
	Breakdown  scoring.Explanation
	// LastActivity is the time of the person's latest activity the
	// account applied (zero when none), kept past the activity retention:
	// readiness's days since a group's last activity reads its members'.
	LastActivity time.Time
}

// GroupView is one buying group in full.
type GroupView struct {
	Group buyinggroup.Group
	Name  string
	// Score is the group's score with its members' parts; Adjustment is
	// the part of Score.Score that journeys' adjust_score actions added
	// (no member's), as the engine's decisions count it.
	Score      scoring.GroupScore
	Adjustment float64
	// Velocity is the change of the group score over the program's
	// velocity window before the view's time (journeys' adjustments
	// aside), as the engine's decisions measure it.
	Velocity     float64
	MissingRoles []buyinggroup.MissingRole
	// Problem says what the view cannot tell of the group, and why: a
	// group whose solution interest the installed program no longer has
	// has no template to say which roles it misses ("" when none).
	Problem   string
	Readiness *qualify.ReadinessVerdict
	// Members explain, one line each, who holds which role and why.
	Members []string
}

// JourneyPosition is where an account stands in one journey.
type JourneyPosition struct {
	Journey   string
	Version   int
	EnteredAt time.Time
	// Trigger is how the account entered ("buying group created for
	// data-platform").
	Trigger string
	// Nodes are the current nodes of the instance's active tracks (a
	// parallel node's branches each have one); Interests, index for index,
	// the solution interest whose buying group each track addresses (""
	// for none): a parallel node's tracks start at the same node, one per
	// interest; Reasons why each track took its last split's path (""
	// before any split).
	Nodes     []string
	Interests []string
	Reasons   []string
	// Due is when the instance next needs time to pass: the end of a
	// track's wait or timeout, or the journey's end date (which ends the
	// instance), whichever comes first.
	Due time.Time
}

// Account returns the account's view as of now (scores decayed to now).
// It reads the stored state and changes nothing.
//
// The view's persons, groups, readiness and journeys are as the account's
// last pass left them, whatever now is; its scores and velocities are as
// of now, which may be before that pass (a score then, before an activity
// the state holds, counts none of it). The states tell a scored person's
// score back to the scoring horizon (scoring.Config.Horizon before their
// latest activity, at the start of that UTC day): a view as of an earlier
// time is refused with an error matching scoring.ErrBeyondHorizon. A
// view of no account or as of no time (a zero time.Time) is refused with
// every problem at once (a *b2b.ValidationError, matching
// b2b.ErrInvalid); one of an account never upserted with
// [ErrUnknownAccount].
func (e *Engine) Account(ctx context.Context, id b2b.AccountID, now time.Time) (AccountView, error) {
	var bad b2b.Problems
	if id == "" {
		bad.Addf("account", "is required")
	}
	if now.IsZero() {
		bad.Addf("now", "is required")
	}
	if err := bad.Err("account view"); err != nil {
		return AccountView{}, err
	}
	rec, err := e.cfg.Store.LoadAccount(ctx, e.cfg.Tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		return AccountView{}, fmt.Errorf("account %q: %w", id, ErrUnknownAccount)
	}
	if err != nil {
		return AccountView{}, err
	}
	committed, err := e.readState(&rec)
	if err != nil {
		return AccountView{}, err
	}
	st := cloneState(committed)
	// The view is the caller's to keep and change: nothing in it may be
	// shared with the committed state.
	st.Groups, st.Persons = *copyGroups(&st.Groups), *copyPersons(&st.Persons)
	p := e.prog.Load()
	ps := &pass{e: e, p: p, st: st, now: now, id: id}
	if err := ps.scoresKnown(); err != nil {
		return AccountView{}, fmt.Errorf("account view %q: %s is before the scores the state keeps: %w", id, now.Format(time.RFC3339), err)
	}
	v := AccountView{Account: st.Account, MergedInto: st.MergedInto, Absorbed: slices.Clone(st.Absorbed), Version: rec.Version, At: now, Audiences: st.Audiences.Names(), Lists: st.Lists}
	for _, pe := range st.Persons {
		pv := PersonView{Person: pe.Person, Link: pe.Link, Classified: pe.Classified, Score: ps.personScore(pe.Person.ID),
			Adjustment: st.Adjustments["person/"+string(pe.Person.ID)], LastActivity: st.LastActivity[pe.Person.ID]}
		if l := st.Scores[p.GroupScorer.Name()]; l != nil {
			if pst := l.Persons[pe.Person.ID]; pst != nil {
				if x, err := p.GroupScorer.Explain(pe.Person.ID, pst, now); err == nil {
					ids := make([]b2b.ActivityID, 0, len(st.Activities))
					for _, r := range st.Activities {
						if r.Person == pe.Person.ID {
							ids = append(ids, r.id())
						}
					}
					x.NameActivities(ids...)
					pv.Breakdown = x
				}
			}
		}
		v.Persons = append(v.Persons, pv)
	}
	for i := range st.Groups {
		g := st.Groups[i]
		gv := GroupView{Group: g, Name: ps.channelGroup(&g).Name, Readiness: st.Readiness[g.ID]}
		sg := ps.scoringGroup(&g)
		gv.Score = sg.Aggregate(func(id b2b.PersonID) float64 { return ps.personScoreIn(g.Interest, id) }, now)
		gv.Adjustment = st.Adjustments["group/"+g.ID]
		gv.Score.Score += gv.Adjustment
		// As of now, as the score: the change the last pass measured
		// would put a group that cooled down since as warming up.
		scorer := p.ScorerFor(g.Interest)
		if l := st.Scores[scorer.Name()]; l != nil {
			if change, err := scorer.GroupChange(sg, l, now, p.VelocityWindow()); err == nil {
				gv.Velocity = change
			}
		}
		if gv.MissingRoles, err = p.Groups.MissingRoles(g); err != nil {
			gv.Problem = "missing roles unknown: " + err.Error()
		}
		for _, m := range g.Members {
			gv.Members = append(gv.Members, m.Explain())
		}
		v.Groups = append(v.Groups, gv)
	}
	for _, in := range st.Journeys.Instances {
		jp := positionOf(in)
		if p.Journeys != nil {
			// The journey's end date ends the instance then, whatever
			// its tracks wait for (journey.Journey.EndAt).
			if jv, ok := p.Journeys.Latest(in.Journey); ok {
				jp.Due = earliest(jp.Due, jv.Definition().EndAt)
			}
		}
		v.Journeys = append(v.Journeys, jp)
	}
	v.Decisions, err = e.latestEvents(ctx, id, viewDecisions)
	return v, err
}

// scoresKnown returns why the pass's state cannot tell, at the pass's
// time, the score of one of its persons under a model a view shows (a
// *scoring.HorizonError): the time is before the horizon floor of their
// score's state, whose older credits are folded into one value.
func (ps *pass) scoresKnown() error {
	scorers := []*scoring.Scorer{ps.p.GroupScorer}
	for i := range ps.st.Groups {
		if s := ps.p.ScorerFor(ps.st.Groups[i].Interest); !slices.Contains(scorers, s) {
			scorers = append(scorers, s)
		}
	}
	for _, s := range scorers {
		l := ps.st.Scores[s.Name()]
		if l == nil {
			continue
		}
		for i := range ps.st.Persons {
			if _, err := s.Score(l, ps.st.Persons[i].Person.ID, ps.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// viewDecisions is how many of an account's latest events its view shows.
const viewDecisions = 50

// latestEvents returns the account's last n events, oldest first. The log
// is read in Seq order, the one order the store has, a page at a time:
// a busy account's log can hold millions of events, which one read would
// hold in memory at once (and one of a bounded size would stop short of
// the newest).
func (e *Engine) latestEvents(ctx context.Context, id b2b.AccountID, n int) ([]store.Event, error) {
	const page = 1000
	var last []store.Event
	var after int64
	for {
		evs, err := e.cfg.Store.Events(ctx, &store.EventsParams{Tenant: e.cfg.Tenant, Account: id, AfterSeq: after, Limit: page})
		if err != nil {
			return nil, err
		}
		if err := movesOn(evs, after); err != nil {
			return nil, fmt.Errorf("account %q: events: %w", id, err)
		}
		if len(evs) >= n {
			last = append(last[:0], evs[len(evs)-n:]...)
		} else {
			last = append(last, evs...)
			last = last[max(0, len(last)-n):]
		}
		if len(evs) < page {
			return slices.Clip(last), nil
		}
		after = evs[len(evs)-1].Seq
	}
}

func positionOf(in journey.Instance) JourneyPosition {
	jp := JourneyPosition{Journey: in.Journey, Version: in.Version, EnteredAt: in.EnteredAt, Trigger: in.Trigger}
	for _, t := range in.Tracks {
		if t.Status != journey.TrackActive {
			continue // done, or merged into its parent
		}
		jp.Nodes = append(jp.Nodes, string(t.Node))
		jp.Interests = append(jp.Interests, t.SolutionInterest)
		jp.Reasons = append(jp.Reasons, t.Reason)
		if !t.Due.IsZero() && (jp.Due.IsZero() || t.Due.Before(jp.Due)) {
			jp.Due = t.Due
		}
	}
	return jp
}

// Accounts lists the accounts whose index has key = value, such as
// ("stage/data-platform", "Sales Ready") or ("readiness/data-platform",
// "fast-track to sales") or ("audience/stalled", "in") or, for a list
// journeys add accounts to, ("list/webinar-invitees", "in"). A key of
// another kind (a missing or misspelt prefix, no name after it) or a
// blank value, which no account is indexed by, is refused with every
// problem at once (a *b2b.ValidationError, matching b2b.ErrInvalid); a
// name the program does not have is not checked (the states of groups of
// an interest the program dropped keep their index).
func (e *Engine) Accounts(ctx context.Context, key, value string) ([]b2b.AccountID, error) {
	var bad b2b.Problems
	if key == "" {
		bad.Addf("key", "is required")
	} else if kind, name, ok := strings.Cut(key, "/"); !ok || name == "" || !slices.Contains(indexKinds, kind) {
		bad.Addf("key", "%q is not a key accounts are indexed by (stage/<interest>, readiness/<interest>, audience/<audience>, list/<list>)", key)
	}
	if value == "" {
		bad.Addf("value", "is required")
	}
	if err := bad.Err("accounts"); err != nil {
		return nil, err
	}
	var out []b2b.AccountID
	var after b2b.AccountID
	for {
		page, err := e.cfg.Store.ListAccounts(ctx, &store.ListParams{Tenant: e.cfg.Tenant, Key: key, Value: value, After: after})
		if err != nil {
			return out, err
		}
		if len(page) > 0 && after != "" && page[0] <= after {
			// Not a next page: read on, and this would never end.
			return out, fmt.Errorf("accounts %s = %s: the store returned %q for the page after %q: it does not honour store.ListParams.After",
				key, value, page[0], after)
		}
		out = append(out, page...)
		if len(page) < 1000 {
			return out, nil
		}
		after = page[len(page)-1]
	}
}

// movesOn returns an error when a page of events read after Seq after
// does not start past it: the store does not honour
// store.EventsParams.AfterSeq, and a reader that reads on would never
// end.
func movesOn(page []store.Event, after int64) error {
	if len(page) > 0 && page[0].Seq <= after {
		return fmt.Errorf("the store returned event %d for the page after event %d: it does not honour store.EventsParams.AfterSeq",
			page[0].Seq, after)
	}
	return nil
}

// indexKinds are the kinds of the keys an account is indexed by (see
// pass.index), which precede a "/" and a name.
var indexKinds = []string{"stage", "readiness", "audience", "list"}

// Events returns the event log of one account ("" for all the tenant's
// accounts): up to limit events (limit <= 0: 1,000) whose Seq is after
// afterSeq (0 or less: from the first), in Seq order. To read on, call
// again with the last event's Seq as afterSeq, until a call returns none.
// An account never upserted has no events (not an error).
func (e *Engine) Events(ctx context.Context, account b2b.AccountID, afterSeq int64, limit int) ([]store.Event, error) {
	return e.cfg.Store.Events(ctx, &store.EventsParams{Tenant: e.cfg.Tenant, Account: account, AfterSeq: afterSeq, Limit: limit})
}

// Identity returns the golden person with provenance and links.
func (e *Engine) Identity(id b2b.PersonID) (identity.GoldenPerson, error) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.Person(id)
}

// PersonOfRecord returns the golden person a source record belongs to.
func (e *Engine) PersonOfRecord(source b2b.Source, recordID string) (b2b.PersonID, bool) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.PersonOfRecord(source, recordID)
}

// MatchRate is identity resolution's lead-to-account match rate, with the
// unresolved persons and why.
func (e *Engine) MatchRate() (identity.MatchRate, []identity.Unresolved) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.graph.MatchRate(), e.graph.Unresolved()
}
