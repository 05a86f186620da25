package engine

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/internal/jsonenc"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/scoring"
)

// ingest applies new activities: duplicates are dropped (counted), the
// rest scored by every model and kept for audiences and alerts.
func (ps *pass) ingest(w *work, out *outcome) {
	st := ps.st
	// seen holds the batch's IDs (a map of the few new activities, not
	// of the account's weeks of records): idApplied once applied, before
	// or in this pass; idQueued while one of them waits to be scored.
	seen := make(map[b2b.ActivityID]idState, len(w.activities))
	for i := range w.activities {
		seen[w.activities[i].ID] = idNew
	}
	for i := range st.Activities {
		if id := st.Activities[i].id(); seen[id] != idApplied {
			if _, ok := seen[id]; ok {
				seen[id] = idApplied
			}
		}
	}
	persons := make(map[b2b.PersonID]*b2b.Person, len(st.Persons))
	for i := range st.Persons {
		persons[st.Persons[i].Person.ID] = &st.Persons[i].Person
	}
	retention := ps.e.retention(ps.p)
	cut := ps.now.Add(-retention)
	tally := appliedTally{ByType: map[string]int{}}
	// A batch's repeats of one ID wait for the first to be scored: a
	// repeat of an applied activity is a duplicate, one of a refused
	// activity is scored in its turn (it may be the good copy).
	pending := make([]int, len(w.activities))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		var repeats []int
		fresh := make([]b2b.Activity, 0, len(pending))
		freshIdx := make([]int, 0, len(pending))
		for _, i := range pending {
			a := w.activities[i]
			switch seen[a.ID] {
			case idApplied:
				out.duplicateIdx = append(out.duplicateIdx, w.index[i])
				continue
			case idQueued:
				repeats = append(repeats, i)
				continue
			}
			if a.Time.Before(cut) {
				// Its record would be pruned at once (pruneActivities), and
				// one applied before may have been: applying it could count
				// it twice.
				out.rejected = append(out.rejected, Rejection{Kind: KindActivity, Index: w.index[i], Activity: a.ID, Account: ps.id, Reason: "too_late",
					Detail: fmt.Sprintf("%s is older than the activity retention (%s before %s): it cannot be told from an activity applied before",
						a.Time.UTC().Format(time.RFC3339), retention, ps.now.UTC().Format(time.RFC3339))})
				continue
			}
			seen[a.ID] = idQueued
			if p := persons[a.Person]; p != nil {
				// The state's own string: the resolved one was made for this
				// activity, and what the state keeps of it (its record, the
				// score ledger's entry of a new person) stays for weeks.
				a.Person = p.ID
			}
			fresh = append(fresh, a)
			freshIdx = append(freshIdx, w.index[i])
		}
		ps.score(fresh, freshIdx, persons, seen, &tally, out)
		pending = repeats
	}
	slices.SortStableFunc(st.Activities, func(a, b activityRecord) int { return a.Time.Compare(b.Time) })
	if applied := len(out.appliedIdx); applied > 0 {
		ps.changed = true
		tally.Count = applied
		ps.logRaw("activity.applied", "", ps.now, tally.appendJSON(make([]byte, 0, 128)), nil)
	}
}

// appliedTally is the payload of a pass's activity.applied event: how
// many activities it applied, how many of each type, and, by type, the
// key of the message each one names (b2b.AttrMessageKey), if any names
// one, in the order applied: a key repeats when several activities name
// its message.
type appliedTally struct {
	Count    int                 `json:"count"`
	ByType   map[string]int      `json:"byType"`
	Messages map[string][]string `json:"messages,omitempty"`
}

// add counts an applied activity.
func (t *appliedTally) add(a *b2b.Activity) {
	t.ByType[a.Type]++
	if len(a.Attributes) == 0 {
		return
	}
	if k := a.Attr(b2b.AttrMessageKey); k != "" {
		if t.Messages == nil {
			t.Messages = map[string][]string{}
		}
		t.Messages[a.Type] = append(t.Messages[a.Type], k)
	}
}

// appendJSON appends the tally as encoding/json encodes it (a test holds
// it to encoding/json): one event for every pass that applies activities,
// whose maps encoding/json's reflection encoded with a dozen allocations.
func (t *appliedTally) appendJSON(buf []byte) []byte {
	buf = append(buf, `{"count":`...)
	buf = jsonenc.Int(buf, t.Count)
	buf = append(buf, `,"byType":`...)
	if t.ByType == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '{')
		for i, k := range sortedKeys(t.ByType) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(jsonenc.String(buf, k, true), ':')
			buf = jsonenc.Int(buf, t.ByType[k])
		}
		buf = append(buf, '}')
	}
	if len(t.Messages) > 0 {
		buf = append(buf, `,"messages":{`...)
		for i, k := range sortedKeys(t.Messages) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(jsonenc.String(buf, k, true), ':')
			if t.Messages[k] == nil {
				buf = append(buf, "null"...)
				continue
			}
			buf = append(buf, '[')
			for j, m := range t.Messages[k] {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = jsonenc.String(buf, m, true)
			}
			buf = append(buf, ']')
		}
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

// sortedKeys returns a map's keys in the order encoding/json writes them.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// idState is where an activity ID of a batch stands in a pass.
type idState uint8

const (
	idNew     idState = iota // not applied
	idQueued                 // one activity with the ID waits to be scored
	idApplied                // applied, before or in this pass
)

// score scores fresh activities (of distinct IDs, none applied before)
// by every model and keeps those no model refused: their records, their
// journey events, their tally; seen marks them applied.
func (ps *pass) score(fresh []b2b.Activity, freshIdx []int, persons map[b2b.PersonID]*b2b.Person, seen map[b2b.ActivityID]idState, tally *appliedTally, out *outcome) {
	if len(fresh) == 0 {
		return
	}
	st := ps.st
	if st.Scores == nil {
		st.Scores = map[string]*scoring.Ledger{}
	}
	refused := ps.ingestAll(fresh, persons)
	st.Activities = slices.Grow(st.Activities, len(fresh))
	ps.jevents = slices.Grow(ps.jevents, len(fresh))
	for i, a := range fresh {
		if r, bad := refused[a.ID]; bad {
			out.rejected = append(out.rejected, Rejection{Kind: KindActivity, Index: freshIdx[i], Activity: a.ID, Account: ps.id, Reason: r.reason, Detail: r.detail})
			seen[a.ID] = idNew // a repeat of it is scored in its turn
			continue
		}
		seen[a.ID] = idApplied
		if a.Time.After(ps.now) {
			st.ActivityDue = earliest(st.ActivityDue, a.Time)
		}
		out.appliedIdx = append(out.appliedIdx, freshIdx[i])
		tally.add(&fresh[i])
		st.Activities = append(st.Activities, newActivityRecord(a.ID, ps.e.names.intern(a.Type), a.Person, a.Time, a.Attributes))
		st.noteActivity(a.Person, a.Time)
		ev := journey.Event{Type: journey.EventActivity, At: a.Time, Person: a.Person, ActivityType: a.Type}
		ps.jevents = append(ps.jevents, ev)
		if a.Type == b2b.ActivityInterestingMoment {
			ev.Type = journey.EventInterestingMoment
			ps.jevents = append(ps.jevents, ev)
		}
	}
}

// ingestAll scores fresh activities by every model and returns those a
// model refused, with why. An activity counts in all models or in none:
// each model refuses by its own state (a person's floor under one model
// can be later than under another: a state kept from a program with a
// shorter horizon, or handed over by an account whose passes ran ahead),
// and an activity a model refuses is not applied, so no other model may
// keep its credit. Where the models' floors of a person of the batch
// differ (see oneFloor), each model scores into copies of the states of
// the batch's persons, which replace the ledgers' only once no model
// refuses anything the others took; else the copies are made again and
// what was not refused is scored again.
func (ps *pass) ingestAll(fresh []b2b.Activity, persons map[b2b.PersonID]*b2b.Person) map[b2b.ActivityID]refusal {
	st := ps.st
	refused := map[b2b.ActivityID]refusal{}
	if len(ps.p.Scorers) == 1 || ps.oneFloor(fresh) {
		for _, s := range ps.p.Scorers {
			rep := s.Ingest(ps.ledger(s.Name()), scoring.Batch{Account: &st.Account, Persons: persons, Activities: fresh}, ps.now)
			ps.refusals(s.Name(), &rep, refused)
			ps.logRuleErrors(s.Name(), &rep)
		}
		return refused
	}
	batch := fresh
	scratch := make([]scoring.Ledger, len(ps.p.Scorers))
	reps := make([]scoring.Report, len(ps.p.Scorers))
	for {
		for k, s := range ps.p.Scorers {
			l := &scratch[k]
			l.Persons = make(map[b2b.PersonID]*scoring.PersonState, len(persons))
			if kept := st.Scores[s.Name()]; kept != nil {
				for i := range batch {
					id := batch[i].Person
					if pst := kept.Persons[id]; pst != nil && l.Persons[id] == nil {
						l.Persons[id] = &scoring.PersonState{Floor: pst.Floor, Past: slices.Clone(pst.Past), Credits: slices.Clone(pst.Credits)}
					}
				}
			}
			reps[k] = s.Ingest(l, scoring.Batch{Account: &st.Account, Persons: persons, Activities: batch}, ps.now)
		}
		round := map[b2b.ActivityID]refusal{}
		for k := range reps {
			ps.refusals(ps.p.Scorers[k].Name(), &reps[k], round)
		}
		if !slices.ContainsFunc(reps, func(r scoring.Report) bool { return len(r.Refused)+len(r.UnknownPersons) < len(round) }) {
			// Every model refused what any refused (often none): what
			// they scored stands.
			maps.Copy(refused, round)
			break
		}
		maps.Copy(refused, round)
		batch = slices.DeleteFunc(slices.Clone(batch), func(a b2b.Activity) bool { _, bad := refused[a.ID]; return bad })
	}
	for k, s := range ps.p.Scorers {
		l := ps.ledger(s.Name())
		for id, pst := range scratch[k].Persons {
			l.Persons[id] = pst
		}
		ps.logRuleErrors(s.Name(), &reps[k])
	}
	return refused
}

// oneFloor reports whether each person of the batch has one horizon
// floor under every model (scoring.Scorer.Floor, which a person with no
// state under a model has too): the models of a program share their
// horizon and tolerance (program.Compile), so they then refuse the same
// activities, and may score into their ledgers directly. A floor is the
// one thing by which their refusals can differ (one kept from a program
// with a shorter horizon, or handed over by an account whose passes ran
// ahead), and rarely does.
func (ps *pass) oneFloor(batch []b2b.Activity) bool {
	scorers := ps.p.Scorers
	for i := range batch {
		id := batch[i].Person
		if i > 0 && id == batch[i-1].Person {
			continue
		}
		first := scorers[0].Floor(ps.personState(scorers[0].Name(), id), ps.now)
		for _, s := range scorers[1:] {
			if !s.Floor(ps.personState(s.Name(), id), ps.now).Equal(first) {
				return false
			}
		}
	}
	return true
}

// personState is a person's state under a model, nil when they have none.
func (ps *pass) personState(model string, id b2b.PersonID) *scoring.PersonState {
	if l := ps.st.Scores[model]; l != nil {
		return l.Persons[id]
	}
	return nil
}

// ledger returns the account's ledger of a model, made when it has none.
func (ps *pass) ledger(model string) *scoring.Ledger {
	l := ps.st.Scores[model]
	if l == nil {
		l = &scoring.Ledger{}
		ps.st.Scores[model] = l
	}
	if l.Persons == nil {
		l.Persons = map[b2b.PersonID]*scoring.PersonState{}
	}
	return l
}

// A refusal is why a model refused an activity: a reason, as rejections
// name them, and what exactly was wrong.
type refusal struct{ reason, detail string }

// refusals adds the activities a model's report refused to refused, with
// why. Of an activity several models refuse, the first model's refusal
// is kept (the models share their horizon: see oneFloor).
func (ps *pass) refusals(model string, rep *scoring.Report, refused map[b2b.ActivityID]refusal) {
	for _, r := range rep.Refused {
		if _, seen := refused[r.Activity.ID]; seen {
			continue
		}
		detail := r.Err.Error()
		if ae, ok := errors.AsType[*scoring.ActivityError](r.Err); ok && ae.Detail != "" {
			detail = ae.Detail
		}
		refused[r.Activity.ID] = refusal{reasonOf(r.Err), fmt.Sprintf("scoring model %q: %s", model, detail)}
	}
	for _, a := range rep.UnknownPersons {
		if _, seen := refused[a.ID]; !seen {
			refused[a.ID] = refusal{"unknown_person", fmt.Sprintf("person %q is not a person of account %q", a.Person, ps.id)}
		}
	}
}

func (ps *pass) logRuleErrors(model string, rep *scoring.Report) {
	for _, r := range rep.RuleErrors {
		ps.log("scoring.rule_error", r.Activity.Person, r.Activity.Time, map[string]string{"model": model, "activity": string(r.Activity.ID), "error": r.Err.Error()})
	}
}

func reasonOf(err error) string {
	switch {
	case errors.Is(err, scoring.ErrFuture):
		return "future"
	case errors.Is(err, scoring.ErrTooLate):
		return "too_late"
	case errors.Is(err, scoring.ErrUnknownPerson):
		return "unknown_person"
	}
	return "invalid"
}
