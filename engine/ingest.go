package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
)

// Report says what one call did. Every input is accounted for: applied,
// duplicate, or rejected with its reason.
type Report struct {
	// Applied counts activities applied (to at least one account) or
	// records upserted.
	Applied int
	// Duplicates counts activities that had already been applied (their
	// ID was applied before): they change nothing. DuplicateIndexes are
	// their positions among the call's activities, in order, so that a
	// caller sees which of its inputs were the same as earlier ones.
	Duplicates       int
	DuplicateIndexes []int
	// Rejected lists the inputs that were refused, with why. Activities
	// of unknown persons are here too ("unknown_person"): resubmit them
	// once the person's record has been upserted.
	Rejected []Rejection
	// Conflicts are identity conflicts that resolution refused (see
	// package identity), for a data steward to look at.
	Conflicts []identity.Conflict
	// Accounts counts the accounts the call changed; Steps the journey
	// steps that had something to do; Messages the outbox entries queued
	// (journeys' emails, SMS and sales alerts, and alert rules' alerts).
	Accounts int
	Steps    int
	Messages int
}

// A Rejection is an input that was not applied.
type Rejection struct {
	// Kind is the kind of input (account, person, opportunity, activity,
	// external_result) and Index its position among the inputs of that
	// kind.
	Kind     string
	Index    int
	Activity b2b.ActivityID `json:",omitempty"`
	Account  b2b.AccountID  `json:",omitempty"`
	// Reason is a stable name: invalid, future, too_late (older than the
	// scoring horizon's floor or the activity retention, see
	// Config.ActivityRetention), unknown_person, unknown_account, and
	// not_waiting for an external result no journey waits for.
	Reason string
	// Detail says what exactly was wrong.
	Detail string `json:",omitempty"`
}

func (r Rejection) String() string {
	id := string(r.Activity)
	if id == "" {
		id = fmt.Sprintf("%s %d", r.Kind, r.Index)
	}
	if r.Detail != "" {
		return fmt.Sprintf("%s: %s: %s", id, r.Reason, r.Detail)
	}
	return id + ": " + r.Reason
}

// apply runs an input's work on one account at now, after the decisions
// the account was due for before now (see catchUpBefore). What the
// catch-up committed counts even when the pass after it fails, as in
// Advance.
func (e *Engine) apply(ctx context.Context, id b2b.AccountID, in *work, now time.Time) (outcome, error) {
	out, w, err := e.catchUpBefore(ctx, id, in, now)
	if err == nil {
		var main outcome
		if main, err = e.process(ctx, id, w, now); err == nil {
			out.add(&main)
		}
	}
	return out, err
}

// run processes each account's work in parallel and merges the outcomes
// into rep and the counters. It returns the accounts whose pass decided
// nothing (outcome.idle).
//
// An activity routed to several accounts (a person linked to two, a
// subsidiary's with rollup) is one input: it counts as applied when any
// account applied it, else as a duplicate when any found it one, else as
// rejected once (the first reason in alphabetical order, then the first
// account, when they differ).
func (e *Engine) run(ctx context.Context, works map[b2b.AccountID]*work, now time.Time, rep *Report) ([]b2b.AccountID, error) {
	ids := slices.Sorted(maps.Keys(works))
	// Accounts merged into others first: an account that absorbs them
	// waits for their hand-over before it decides.
	slices.SortStableFunc(ids, func(a, b b2b.AccountID) int {
		switch x, y := works[a].mergedAway, works[b].mergedAway; {
		case x && !y:
			return -1
		case y && !x:
			return 1
		}
		return 0
	})
	var mu sync.Mutex
	var idle []b2b.AccountID
	var applied, duplicates []int
	var rejected []Rejection
	changed := map[b2b.AccountID]bool{}
	err := e.forEachAccount(ctx, ids, func(ctx context.Context, id b2b.AccountID) error {
		if err := waitBefore(ctx, id, works[id].absorbs); err != nil {
			return err
		}
		out, err := e.apply(ctx, id, works[id], now)
		mu.Lock()
		applied = append(applied, out.appliedIdx...)
		duplicates = append(duplicates, out.duplicateIdx...)
		rejected = append(rejected, out.rejected...)
		if out.idle {
			idle = append(idle, id)
		} else {
			rep.Steps += out.steps
			rep.Messages += out.messages
			changed[id] = true
		}
		for _, a := range out.handedTo {
			changed[a] = true
		}
		mu.Unlock()
		return err
	})
	rep.Accounts += len(changed)
	slices.Sort(applied)
	applied = slices.Compact(applied)
	slices.Sort(duplicates)
	duplicates = slices.Compact(duplicates)
	duplicates = slices.DeleteFunc(duplicates, func(i int) bool { _, found := slices.BinarySearch(applied, i); return found })
	rep.Applied += len(applied)
	rep.Duplicates += len(duplicates)
	rep.DuplicateIndexes = append(rep.DuplicateIndexes, duplicates...)
	e.counters.ingested.Add(int64(len(applied)))
	e.counters.duplicates.Add(int64(len(duplicates)))
	// Every account's refusal is logged; an input counts as rejected once,
	// and only when no account applied it or found it a duplicate (one
	// account may refuse what another had: a record it already pruned).
	slices.SortFunc(rejected, compareRejections)
	for _, r := range rejected {
		e.logRejection(r)
	}
	rejected = slices.CompactFunc(rejected, func(a, b Rejection) bool { return a.Kind == b.Kind && a.Index == b.Index })
	rejected = slices.DeleteFunc(rejected, func(r Rejection) bool {
		_, ok := slices.BinarySearch(applied, r.Index)
		_, dup := slices.BinarySearch(duplicates, r.Index)
		return r.Kind == KindActivity && (ok || dup)
	})
	for _, r := range rejected {
		e.counters.reject(r.Reason, 1)
	}
	rep.Rejected = append(rep.Rejected, rejected...)
	slices.SortStableFunc(rep.Rejected, compareRejections)
	slices.Sort(idle)
	return idle, err
}

// compareRejections orders rejections by kind and position in the call,
// then (for an input several accounts refused) by reason and account, so
// that which one a report keeps does not depend on timing.
func compareRejections(a, b Rejection) int {
	return cmp.Or(strings.Compare(a.Kind, b.Kind), cmp.Compare(a.Index, b.Index),
		strings.Compare(a.Reason, b.Reason), strings.Compare(string(a.Account), string(b.Account)))
}

// Batch is a set of inputs applied together: every account they touch
// runs through the chain once, with all of its inputs.
type Batch struct {
	Accounts      []identity.AccountRecord
	Persons       []identity.PersonRecord
	Opportunities []b2b.Opportunity
	Activities    []b2b.Activity
}

// Input kinds, as rejections name them.
const (
	KindAccount     = "account"
	KindPerson      = "person"
	KindOpportunity = "opportunity"
	KindActivity    = "activity"
	// KindExternalResult is a host's answer to a journey's external
	// action ([Engine.ExternalResult]).
	KindExternalResult = "external_result"
)

// Apply applies a batch: account and person records first (identity
// resolution merges records of the same person or account and links
// persons to accounts), then opportunities, then activities. Each account
// the batch touches is processed once: its persons re-qualified when they
// changed, its activities scored, its derived state recomputed, its
// journeys stepped, and the result committed with its events and outbox
// entries. Every input is accounted for in the report.
//
// The batch's passes run at the clock's time, or, for an account whose
// last pass ran after it (a clock gone back, an Advance run ahead of it),
// at that pass's time: time never goes back for an account. An account
// due before it for a decision (a journey wait that ended, a deferred
// message that came free, a consent statement dated ahead, a
// qualification its last pass asked for again) that no Advance has run
// since first runs a pass at
// each such time, in order, and each of those takes the batch's
// activities and consent statements dated by its time: a split at the
// end of a wait sees what the account did before it, and an unsubscribe
// before it, however late the batch comes; the rest of the batch goes to
// the pass at the clock's time. (Refreshes alone are not caught up: that
// pass refreshes the account.) The report counts the steps and messages
// of every pass.
//
// A call whose context is done before it starts (a request whose client
// went away, a deadline passed) returns the context's error and changes
// nothing, identity resolution included: made again, it decides as it
// would have. One that fails part way (see Limits in the package
// documentation) reports what it did up to there.
func (e *Engine) Apply(ctx context.Context, b Batch) (Report, error) {
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	now := e.cfg.Clock.Now()
	var rep Report
	works := map[b2b.AccountID]*work{}
	invalid := e.validateActivities(b.Activities) // before the lock: it needs none
	consent := e.consentOf(b.Activities, invalid)
	defer e.calls.exit(e.calls.enter())
	e.idMu.Lock()
	e.applyAccounts(works, b.Accounts, &rep)
	e.applyPersons(works, b.Persons, &rep)
	e.applyOpportunities(works, b.Opportunities, &rep)
	e.applyActivities(works, b.Activities, invalid, consent, now, &rep)
	e.idMu.Unlock()
	_, err := e.run(ctx, works, now, &rep)
	return rep, err
}

// UpsertAccounts applies account records (a CRM account, a marketing
// automation company); see [Engine.Apply].
func (e *Engine) UpsertAccounts(ctx context.Context, recs ...identity.AccountRecord) (Report, error) {
	return e.Apply(ctx, Batch{Accounts: recs})
}

// UpsertPersons applies person records (a CRM contact or lead, a marketing
// lead); see [Engine.Apply].
func (e *Engine) UpsertPersons(ctx context.Context, recs ...identity.PersonRecord) (Report, error) {
	return e.Apply(ctx, Batch{Persons: recs})
}

// UpsertOpportunities applies CRM opportunities: contact roles fill
// buying-group roles (a role naming a contact whose record has not
// arrived yet fills it once the record does), a won or lost deal moves
// its group's stage; see [Engine.Apply].
func (e *Engine) UpsertOpportunities(ctx context.Context, opps ...b2b.Opportunity) (Report, error) {
	return e.Apply(ctx, Batch{Opportunities: opps})
}

// Ingest applies activities. Each is validated (a time more than
// Config.FutureTolerance past the clock is rejected), resolved to its
// golden person, and applied to every account the person belongs to (or
// to its own account when it names one). An account takes a batch's
// activities in time order (by the clock's reading: a monotonic one a
// time may carry is dropped), those of one time in the batch's order.
// Activities count once, however often they are delivered; see
// [Engine.Apply].
func (e *Engine) Ingest(ctx context.Context, acts ...b2b.Activity) (Report, error) {
	return e.Apply(ctx, Batch{Activities: acts})
}

func (e *Engine) reject(rep *Report, r Rejection) {
	rep.Rejected = append(rep.Rejected, r)
	e.counters.reject(r.Reason, 1)
	e.logRejection(r)
}

// rejectPerson refuses a person record as invalid: the report says what
// exactly was wrong, quoting the record's values, the log only which
// fields: what it holds no erasure of the person reaches.
func (e *Engine) rejectPerson(rep *Report, index int, err error) {
	r := Rejection{Kind: KindPerson, Index: index, Reason: "invalid", Detail: err.Error()}
	rep.Rejected = append(rep.Rejected, r)
	e.counters.reject(r.Reason, 1)
	var fields []string
	var ve *b2b.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if p.Path != "" && !slices.Contains(fields, p.Path) {
				fields = append(fields, p.Path)
			}
		}
	}
	switch len(fields) {
	case 0:
		r.Detail = "invalid record"
	case 1:
		r.Detail = "invalid field: " + fields[0]
	default:
		r.Detail = "invalid fields: " + strings.Join(fields, ", ")
	}
	e.logRejection(r)
}

// logRejection records a refused input at Info level with stable keys.
// An unknown person's detail, which only names the person (whom no
// erasure reaches in the log), is left out: the reason says it.
func (e *Engine) logRejection(r Rejection) {
	detail := r.Detail
	if r.Reason == "unknown_person" {
		detail = ""
	}
	e.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "input rejected",
		slog.String("kind", r.Kind), slog.Int("index", r.Index), slog.String("activity", string(r.Activity)),
		slog.String("account", string(r.Account)), slog.String("reason", r.Reason), slog.String("detail", detail))
}

func (e *Engine) applyAccounts(works map[b2b.AccountID]*work, recs []identity.AccountRecord, rep *Report) {
	for i, rec := range recs {
		if err := storableAccountRecord(&rec); err != nil {
			e.reject(rep, Rejection{Kind: KindAccount, Index: i, Account: rec.Account.ID, Reason: "invalid", Detail: err.Error()})
			continue
		}
		res, err := e.graph.AddAccount(rec)
		if err != nil {
			e.reject(rep, Rejection{Kind: KindAccount, Index: i, Account: rec.Account.ID, Reason: "invalid", Detail: err.Error()})
			continue
		}
		if _, err := e.graph.Account(res.Account); err != nil {
			e.reject(rep, Rejection{Kind: KindAccount, Index: i, Account: rec.Account.ID, Reason: "invalid", Detail: err.Error()})
			continue
		}
		e.counters.records.Add(1)
		rep.Conflicts = append(rep.Conflicts, res.Conflicts...)
		w := workFor(works, res.Account)
		w.account, w.create = true, true
		e.markPersons(works, res.Account)
		for _, p := range res.Relinked {
			e.markAccountsOf(works, p)
			e.markJoined(works, p, res.Unlinked, nil)
			// Unlinked is the record's, not each person's: where each
			// had been is looked up.
			e.markReturning(works, p)
		}
		for _, a := range res.Unlinked {
			e.markPersons(works, a)
		}
		// Persons the record merged (their account references found one
		// account): what the state keeps under the merged persons' IDs
		// is the survivor's, as for a person record's merges.
		for _, m := range res.MergedPersons {
			e.markJoined(works, m.Person, nil, m.Merged)
		}
		if e.cfg.Rollup {
			// The parents the accounts had, those of the record's account
			// and of those merged into it, roll their persons up until a
			// new parent takes them.
			for _, a := range res.FormerAncestors {
				e.markPersons(works, a)
			}
			// The persons of the account and its subsidiaries left the
			// former parents that are not parents any more: their
			// messages still count in those persons' caps.
			if len(res.FormerAncestors) > 0 {
				now, _ := e.graph.Ancestors(res.Account)
				left := slices.DeleteFunc(slices.Clone(res.FormerAncestors), func(a b2b.AccountID) bool { return slices.Contains(now, a) })
				if len(left) > 0 {
					persons, _ := e.graph.Persons(res.Account, true)
					for _, p := range persons {
						e.markJoined(works, p, left, nil)
					}
				}
			}
		}
		// An account merged into res.Account lets its persons go, and
		// nothing else: its state, if it has one, keeps the rest of its
		// history, its own record and origin with it (the surviving
		// account's are not its: Recover tells the two apart by them). A
		// record of the batch that changed it before the merge makes no
		// state for it.
		for _, m := range res.Merged {
			w := workFor(works, m)
			w.persons, w.account, w.create, w.mergedAway = true, false, false, true
		}
		if len(res.Merged) > 0 {
			w := workFor(works, res.Account)
			w.absorbs = sortedUnion(w.absorbs, res.Merged)
		}
		rep.Applied++
	}
}

func (e *Engine) applyPersons(works map[b2b.AccountID]*work, recs []identity.PersonRecord, rep *Report) {
	for i, rec := range recs {
		if err := storablePersonRecord(&rec); err != nil {
			e.rejectPerson(rep, i, err)
			continue
		}
		res, err := e.graph.AddPerson(rec)
		if err != nil {
			e.rejectPerson(rep, i, err)
			continue
		}
		e.counters.records.Add(1)
		rep.Conflicts = append(rep.Conflicts, res.Conflicts...)
		// The accounts the person is linked to now, and those they (or
		// a person they merged) left.
		e.markAccountsOf(works, res.Person)
		e.markJoined(works, res.Person, res.Unlinked, res.Merged)
		// A person linked anew who left no account in the call was in
		// none before it: where they had been is looked up.
		if res.LinksChanged && res.Outcome != identity.Created && len(res.Unlinked) == 0 || len(res.Merged) > 0 {
			e.markReturning(works, res.Person)
		}
		for _, a := range res.Unlinked {
			e.markPersons(works, a)
		}
		rep.Applied++
	}
}

func (e *Engine) applyOpportunities(works map[b2b.AccountID]*work, opps []b2b.Opportunity, rep *Report) {
	for i := range opps {
		o := opps[i]
		o.ContactRoles = slices.Clone(o.ContactRoles)
		err := o.Validate()
		if err == nil {
			err = storableOpportunity(&o)
		}
		if err != nil {
			e.reject(rep, Rejection{Kind: KindOpportunity, Index: i, Account: o.Account, Reason: "invalid", Detail: err.Error()})
			continue
		}
		acc := e.resolveAccount(o.Account)
		if _, err := e.graph.Account(acc); err != nil {
			e.reject(rep, Rejection{Kind: KindOpportunity, Index: i, Account: o.Account, Reason: "unknown_account",
				Detail: fmt.Sprintf("opportunity %q names account %q, which has not been upserted", o.ID, o.Account)})
			continue
		}
		o.Account = acc
		for j, cr := range o.ContactRoles {
			if id, ok := e.resolvePerson(b2b.SourceSalesforce, cr.Person); ok {
				o.ContactRoles[j].Person = id
			}
		}
		// The CRM moved it from the account that held it: that one lets
		// it go (e.opportunities is the graph's, like identity: callers
		// hold idMu).
		if from, held := e.opportunities[o.ID]; held && from != acc {
			w := workFor(works, from)
			w.movedAway = append(w.movedAway, movedOpportunity{ID: o.ID, To: acc})
		}
		e.opportunities[o.ID] = acc
		w := workFor(works, acc)
		// Of one opportunity's records in a batch, the last wins: an
		// earlier one for another account is a move away from it there
		// (above), one for this account is replaced.
		w.opportunities = slices.DeleteFunc(w.opportunities, func(x b2b.Opportunity) bool { return x.ID == o.ID })
		w.opportunities = append(w.opportunities, o)
		e.counters.records.Add(1)
		rep.Applied++
	}
}

// validateActivities validates each activity, on Config.Workers
// goroutines for a large batch, and returns each one's error (nil when
// valid), by index.
func (e *Engine) validateActivities(acts []b2b.Activity) []error {
	out := make([]error, len(acts))
	const chunk = 4096
	if len(acts) <= chunk || e.cfg.Workers <= 1 {
		for i := range acts {
			out[i] = validateActivity(&acts[i])
		}
		return out
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(e.cfg.Workers, (len(acts)+chunk-1)/chunk) {
		wg.Go(func() {
			for lo := range next {
				for i := lo; i < min(lo+chunk, len(acts)); i++ {
					out[i] = validateActivity(&acts[i])
				}
			}
		})
	}
	for lo := 0; lo < len(acts); lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
	return out
}

// validateActivity returns what is wrong with an activity: what
// [b2b.Activity.Validate] finds, else a time JSON cannot write.
func validateActivity(a *b2b.Activity) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return storableActivity(a)
}

// applyActivities routes each valid activity to its person's accounts,
// and the consent statement it makes (consent, by index) to every account
// of the person.
func (e *Engine) applyActivities(works map[b2b.AccountID]*work, acts []b2b.Activity, invalid []error, consent map[int]governance.Statement, now time.Time, rep *Report) {
	var route []b2b.AccountID
	for _, k := range timeOrder(acts) {
		i := k.index
		a := acts[i]
		a.Time = a.Time.Round(0) // as timeOrder ordered it: by the clock's reading
		reject := func(reason, detail string) {
			e.reject(rep, Rejection{Kind: KindActivity, Index: i, Activity: a.ID, Account: a.Account, Reason: reason, Detail: detail})
		}
		if err := invalid[i]; err != nil {
			reject("invalid", err.Error())
			continue
		}
		if a.Time.After(now.Add(e.cfg.FutureTolerance)) {
			ahead := "more than 292 years" // further than a Duration reaches: Sub saturates
			if d := a.Time.Sub(now); d < math.MaxInt64 {
				ahead = d.Round(time.Second).String()
			}
			reject("future", fmt.Sprintf("%s is %s after now (tolerance %s)", a.Time.Format(time.RFC3339), ahead, e.cfg.FutureTolerance))
			continue
		}
		pid, ok := e.resolvePerson(a.Source, a.Person)
		if !ok {
			reject("unknown_person", fmt.Sprintf("no person record %q from %q has been upserted", a.Person, a.Source))
			continue
		}
		a.Person = pid
		accounts := route[:0] // reused: what is kept below is copied
		if a.Account != "" {
			accounts = append(accounts, e.resolveAccount(a.Account))
		} else {
			accounts, _ = e.graph.AppendLinkedAccounts(accounts, pid)
		}
		route = accounts
		if e.cfg.Rollup {
			accounts = e.withAncestors(accounts)
		}
		if len(accounts) == 0 {
			reject("unknown_account", fmt.Sprintf("person %q is linked to no account", pid))
			continue
		}
		for _, acc := range accounts {
			w := workFor(works, acc)
			w.activities = append(w.activities, a)
			w.index = append(w.index, i)
		}
		if s, ok := consent[i]; ok {
			s.Person = pid
			e.routeConsent(works, s, accounts)
		}
	}
}

// activityKey is where an activity comes in a batch's time order.
type activityKey struct {
	sec   int64
	nsec  int32
	index int
}

// timeOrder returns the activities' keys in time order, by the clock's
// reading (not a monotonic one a time may carry), those of one time in
// the batch's order. The keys are sorted, not the activities' indexes by
// their times: a batch can hold millions of activities, and a comparison
// that reads two of them can be two misses of the processor's caches.
func timeOrder(acts []b2b.Activity) []activityKey {
	keys := make([]activityKey, len(acts))
	for i := range acts {
		t := &acts[i].Time
		keys[i] = activityKey{sec: t.Unix(), nsec: int32(t.Nanosecond()), index: i}
	}
	slices.SortFunc(keys, func(x, y activityKey) int {
		return cmp.Or(cmp.Compare(x.sec, y.sec), cmp.Compare(x.nsec, y.nsec), cmp.Compare(x.index, y.index))
	})
	return keys
}

func workFor(works map[b2b.AccountID]*work, id b2b.AccountID) *work {
	w := works[id]
	if w == nil {
		w = &work{}
		works[id] = w
	}
	return w
}
