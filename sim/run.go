package sim

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// RunConfig says how to run a program on a world.
type RunConfig struct {
	// Program is the compiled program to run. Required.
	Program *program.Program
	// Store keeps the engine's state; nil means a fresh memory store.
	Store store.Store
	// Workers is the engine's parallelism; zero means GOMAXPROCS.
	Workers int
	// Email is how recipients engage with what is sent; nil means
	// channeltest.TypicalB2BEmail.
	Email *channeltest.EngagementModel
	// SalesFollowUp is the probability that the sales rep who receives an
	// alert logs a follow-up in the CRM (within three days); default 0.7;
	// [None]: no rep follows up.
	SalesFollowUp float64
	// Rollup makes a parent account's persons include those of its
	// subsidiaries (engine.Config.Rollup), so that its buying groups span
	// the group's companies; off by default: each account stands alone.
	Rollup bool
	// Progress, when set, is called after each simulated day.
	Progress func(day, days int)
}

// Validate reports every problem with the run config at once, each with
// its field's path.
func (c RunConfig) Validate() error {
	var ps b2b.Problems
	if c.Program == nil {
		ps.Addf("program", "is required")
	}
	if c.Workers < 0 {
		ps.Addf("workers", "must not be negative (0: GOMAXPROCS), got %d", c.Workers)
	}
	if !(c.SalesFollowUp >= 0 && c.SalesFollowUp <= 1) && c.SalesFollowUp != None {
		ps.Addf("salesFollowUp", "must be a probability between 0 and 1, or -1 (sim.None) for none, got %v", c.SalesFollowUp)
	}
	return ps.Err("sim run config")
}

// UnsubscribeURL is the one-click unsubscribe link of the simulated
// world's e-mails (engine.Config.UnsubscribeURL), on the reserved domain
// of the world's vendor, as its sales owners' addresses are: the world's
// persons are not real, and opt-outs come back as activities.
func UnsubscribeURL(_ b2b.AccountID, p b2b.PersonID) string {
	return "https://quorum.example/unsubscribe?p=" + url.QueryEscape(string(p))
}

// Result is a finished run: the engine (to query accounts), its store (with
// the event log the KPIs read) and what the run did.
type Result struct {
	World  *World
	Engine *engine.Engine
	Store  store.Store
	// End is the simulated time the run stopped at.
	End time.Time
	// Ingest totals what the engine applied, rejected and skipped.
	Ingest engine.Report
	// Delivery totals what the dispatcher delivered.
	Delivery channel.DispatchReport
	// FollowUps counts the alerts sales followed up by End: the follow-ups
	// the CRM logged and the run ingested. A rep's call due after End has
	// not happened, and is not counted.
	FollowUps int
}

// Run runs the program on the world over its days with a manual clock:
// each day, the CRM's opportunity changes and the day's activities go in,
// time advances (journeys wait, scores decay), the outbox is delivered to a
// recording sender whose simulated opens, clicks, bounces and
// unsubscribes come back as activities, and sales reps follow up some of
// the alerts they receive.
func Run(ctx context.Context, w *World, cfg RunConfig) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, errors.Join(ErrConfig, err)
	}
	st := cfg.Store
	if st == nil {
		st = memory.New()
	}
	model := cfg.Email
	if model == nil {
		m := channeltest.TypicalB2BEmail
		model = &m
	}
	followUp := cmp.Or(cfg.SalesFollowUp, 0.7)
	clk := clock.NewManual(w.Config.Start)
	eng, err := engine.New(engine.Config{Store: st, Tenant: Tenant, Program: cfg.Program, Clock: clk, Workers: cfg.Workers, Rollup: cfg.Rollup,
		UnsubscribeURL: UnsubscribeURL})
	if err != nil {
		return nil, err
	}
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk, Model: model, Seed: w.Config.Seed})
	disp, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: eng.Outbox(), Email: rec, SMS: rec, Alert: rec, Clock: clk, BatchSize: 1000})
	if err != nil {
		return nil, err
	}
	res := &Result{World: w, Engine: eng, Store: st}
	add := func(r engine.Report) {
		res.Ingest.Applied += r.Applied
		res.Ingest.Duplicates += r.Duplicates
		res.Ingest.Rejected = append(res.Ingest.Rejected, r.Rejected...)
		res.Ingest.Steps += r.Steps
		res.Ingest.Messages += r.Messages
	}

	rep, err := eng.Apply(ctx, w.records())
	if err != nil {
		return nil, fmt.Errorf("sim: load records: %w", err)
	}
	add(rep)

	var pending []b2b.Activity // sales follow-ups not yet due
	alerted := 0
	for d := range w.Config.Days {
		end := w.Date(d + 1)
		clk.Set(end)
		if opps := w.OpportunityChanges(d); len(opps) > 0 {
			r, err := eng.UpsertOpportunities(ctx, opps...)
			if err != nil {
				return nil, fmt.Errorf("sim: day %d: opportunities: %w", d, err)
			}
			add(r)
		}
		acts := w.Day(d)
		// What recipients did with the messages sent so far comes back as
		// activities, as a provider's webhooks report it, day by day.
		acts = append(acts, rec.ActivitiesBetween(w.Date(d), end)...)
		var later []b2b.Activity
		for _, a := range pending {
			if a.Time.After(end) {
				later = append(later, a)
			} else {
				acts = append(acts, a)
				res.FollowUps++
			}
		}
		pending = later
		r, err := eng.Ingest(ctx, acts...)
		if err != nil {
			return nil, fmt.Errorf("sim: day %d: ingest: %w", d, err)
		}
		add(r)
		r, err = eng.Advance(ctx, end)
		if err != nil {
			return nil, fmt.Errorf("sim: day %d: advance: %w", d, err)
		}
		add(r)
		for {
			dr, err := disp.Dispatch(ctx)
			if err != nil {
				return nil, fmt.Errorf("sim: day %d: dispatch: %w", d, err)
			}
			addDelivery(&res.Delivery, dr)
			if dr.Claimed == 0 {
				break
			}
		}

		// Sales reps follow up on some of the alerts they received.
		// Only the day's messages: the recorder copies what it returns.
		sent := rec.SentSince(alerted)
		for _, m := range sent {
			if m.Channel != channel.ChannelSalesAlert {
				continue
			}
			if fu, ok := w.followUp(&m, end, followUp); ok {
				pending = append(pending, fu)
			}
		}
		alerted += len(sent)
		if cfg.Progress != nil {
			cfg.Progress(d+1, w.Config.Days)
		}
	}
	res.End = w.Date(w.Config.Days)
	return res, nil
}

// Tenant is the tenant a run's engine works in: the tenant of its
// store's event log.
const Tenant store.Tenant = "default"

// Events returns the run's event log in an order that is the same for
// every run of the same world and program, whatever the engine's workers
// did in parallel, with Seq renumbered from 1 in that order.
//
// The store's own log ([store.Store.Events]) is in commit order: each
// account's events in the order they happened to it, but the accounts'
// commits of one engine call interleaved as the workers were scheduled,
// which differs from run to run. Events keeps each account's events in
// that account's order and merges the accounts: at each step it takes,
// of the accounts' next events, the one of the earliest Time, ties by
// account ID (the tenant's events of no account first). An account's
// event stamped earlier than one before it in its own log (an alert
// acknowledged by an activity of the day before) stays after it.
func (r *Result) Events(ctx context.Context) ([]store.Event, error) {
	evs, err := r.Store.Events(ctx, &store.EventsParams{Tenant: Tenant, Limit: math.MaxInt})
	if err != nil {
		return nil, err
	}
	return orderLog(evs), nil
}

// orderLog merges the accounts' logs of evs (each in Seq order) by their
// next events' (Time, Account) and renumbers Seq from 1 in that order.
func orderLog(evs []store.Event) []store.Event {
	byAccount := map[b2b.AccountID][]int{}
	for i := range evs {
		byAccount[evs[i].Account] = append(byAccount[evs[i].Account], i)
	}
	// heads holds each account's log with its next event first; the
	// heap's top is the account whose next event comes first.
	heads := make(logHeap, 0, len(byAccount))
	for _, idx := range byAccount {
		heads = append(heads, logHead{evs: evs, idx: idx})
	}
	heap.Init(&heads)
	out := make([]store.Event, 0, len(evs))
	for len(heads) > 0 {
		h := &heads[0]
		ev := evs[h.idx[0]]
		ev.Seq = int64(len(out) + 1)
		out = append(out, ev)
		if h.idx = h.idx[1:]; len(h.idx) == 0 {
			heap.Pop(&heads)
		} else {
			heap.Fix(&heads, 0)
		}
	}
	return out
}

type logHead struct {
	evs []store.Event
	idx []int // the account's events not yet taken, in Seq order
}

type logHeap []logHead

func (h logHeap) Len() int { return len(h) }
func (h logHeap) Less(i, j int) bool {
	a, b := &h[i].evs[h[i].idx[0]], &h[j].evs[h[j].idx[0]]
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Account, b.Account)) < 0
}
func (h logHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *logHeap) Push(x any)   { *h = append(*h, x.(logHead)) }
func (h *logHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func addDelivery(t *channel.DispatchReport, r channel.DispatchReport) {
	t.Claimed += r.Claimed
	t.Delivered += r.Delivered
	t.Duplicates += r.Duplicates
	t.Retried += r.Retried
	t.Failed += r.Failed
	t.Suppressed += r.Suppressed
	t.LeaseLost += r.LeaseLost
}

// records are the world's account and person records as sources deliver
// them.
func (w *World) records() engine.Batch {
	var b engine.Batch
	for _, a := range w.Accounts {
		b.Accounts = append(b.Accounts, identity.AccountRecord{Source: a.Source, Account: a, Time: a.UpdatedAt})
	}
	for _, p := range w.Persons {
		rec := identity.PersonRecord{Source: p.Source, RecordID: string(p.ID), Person: p, Time: p.UpdatedAt}
		rec.Person.ID = ""
		b.Persons = append(b.Persons, rec)
	}
	return b
}

// followUp decides, from the alert's key, whether and when its rep logs a
// follow-up: a CRM activity on one of the account's persons that names the
// alert.
func (w *World) followUp(m *channel.Message, now time.Time, p float64) (b2b.Activity, bool) {
	h := fnv.New64a()
	h.Write([]byte(m.Key))
	x := h.Sum64()
	if float64(x%10000)/10000 >= p { // always, for a p of None
		return b2b.Activity{}, false
	}
	// The world's account IDs tell their place; a search of every
	// account for each alert would take a time in the square of a large
	// world's accounts.
	ai := accountIndex(m.Account)
	if ai < 0 || ai >= len(w.Accounts) || w.Accounts[ai].ID != m.Account {
		ai = slices.IndexFunc(w.Accounts, func(a b2b.Account) bool { return a.ID == m.Account })
	}
	if ai < 0 || len(w.byAccount[ai]) == 0 {
		return b2b.Activity{}, false
	}
	tp := &w.people[w.byAccount[ai][0]]
	lead := w.Persons[tp.records[0]]
	delay := time.Duration(1+(x>>20)%72) * time.Hour
	return b2b.Activity{ID: b2b.ActivityID("followup-" + m.Key), Type: "sfdc_activity", Person: lead.ID, Source: lead.Source,
		Account: m.Account, Time: now.Add(delay), Attributes: map[string]any{"alertId": m.Key, "subject": "Called about the alert"}}, true
}
