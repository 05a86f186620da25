package engine

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/scoring"
)

// A person's consent and frequency caps are theirs, whichever account
// holds them: what an account knows of a person (the statements of their
// unsubscribes, the messages its journeys sent them) goes with the person
// when identity moves them.
//
//   - A person who leaves accounts for others (a CRM contact moved to
//     another company, a lead merged with a contact of another account)
//     joins each account they are in now with the statements the accounts
//     they left keep of them, and, for as long as a frequency cap counts
//     back, those accounts' messages to them count in their caps (the
//     person's entry remembers them: personEntry.Left), and so do those
//     of the accounts they had left before (an account remembers, for
//     the caps' reach, where the persons who left it had been:
//     accountState.Departed). The accounts they left keep what they
//     knew, for when the person comes back.
//   - A person into whom identity merged others (their records found to
//     be one person's, in one merge or a chain of them in one call) takes,
//     in each of their accounts, what those accounts kept under the merged
//     persons' IDs: statements, scores, activity records, claims on
//     roles (a role a marketer or a journey gave them), CRM contact
//     roles, recent messages, messages held back by a cap (a step's
//     message is the person's once: one held back for a record is
//     dropped when another record had it, or had it held back too; see
//     journey.Step), and the accounts the merged persons had left; other
//     accounts of theirs that have not done the same yet are read under
//     those IDs too.
//   - An account merged into another hands over what it knew of the
//     persons the other account takes (under their IDs or those of the
//     persons identity merged them into): statements, recent messages,
//     scores, adjustments, activity records (see handOver); with rollup,
//     its parents take the statements.
//   - A person who comes back to an account they left, under another ID
//     than they had there (a person merged into them since), takes what
//     it kept under that ID as above: any of their records' IDs may have
//     been theirs.
//   - With rollup, the parents of the accounts a person joins and leaves
//     join and leave with them, and a subsidiary given a new parent takes
//     its persons out of the former one.
//
// Identity says what a call changed (PersonResult.Unlinked and Merged,
// AccountResult.Relinked and Unlinked); the call's passes of the accounts
// the person is in now read the accounts they left. A person who existed
// before and is linked to an account anew, leaving none in the call (one
// linked to no account for a while, a lead between jobs), or into whom
// identity merged such a person, may have left accounts in earlier calls:
// the pass that takes them in reads, as accounts they left, those whose
// event logs name them (see lookUpLeft).

// joining is what a call's identity changes tell the passes of a
// person's accounts: the accounts the person left (from) and the IDs of
// the persons merged into them (aliases). When lookup is set, the person
// was someone before the call linked them to the account, maybe in
// accounts they had left in earlier calls (to be linked to none in
// between): the pass that takes them in looks those up (see lookUpLeft).
type joining struct {
	from    []b2b.AccountID
	aliases []b2b.PersonID
	lookup  bool
}

// A leftAccount is an account a person left, and when: its recent
// messages to the person count in their caps until the longest cap no
// longer reaches back to then. IDs are the person's other IDs there (the
// persons merged into them), when they had others.
type leftAccount struct {
	Account b2b.AccountID  `json:"account"`
	At      time.Time      `json:"at"`
	IDs     []b2b.PersonID `json:"ids,omitempty"`
}

// A departedPerson is a person who left the account, and the accounts
// they had left before it within the caps' reach (see
// accountState.Departed).
type departedPerson struct {
	Person b2b.PersonID  `json:"person"`
	Left   []leftAccount `json:"left"`
}

// leftBy returns the accounts the person id had left before the state's
// account, as the state knows them: from their entry while they are a
// person of it, else from the record of their departure.
func (st *accountState) leftBy(id b2b.PersonID) []leftAccount {
	if pe := st.person(id); pe != nil {
		return pe.Left
	}
	for i := range st.Departed {
		if st.Departed[i].Person == id {
			return st.Departed[i].Left
		}
	}
	return nil
}

// markJoined tells the passes of the accounts p is in now (and, with
// rollup, their parents) that p left the accounts from and took the
// persons aliases in. Callers hold idMu.
func (e *Engine) markJoined(works map[b2b.AccountID]*work, p b2b.PersonID, from []b2b.AccountID, aliases []b2b.PersonID) {
	e.markJoining(works, p, from, aliases, false)
}

// markReturning tells the passes of the accounts p is in now that p, who
// existed before the call, was linked to new accounts without leaving
// any in the call: those of the accounts that take p in look up where p
// was before (see lookUpLeft). Callers hold idMu.
func (e *Engine) markReturning(works map[b2b.AccountID]*work, p b2b.PersonID) {
	e.markJoining(works, p, nil, nil, true)
}

func (e *Engine) markJoining(works map[b2b.AccountID]*work, p b2b.PersonID, from []b2b.AccountID, aliases []b2b.PersonID, lookup bool) {
	if len(from) == 0 && len(aliases) == 0 && !lookup {
		return
	}
	if len(from) > 0 {
		// The accounts p joins may be some they were in before, under
		// the ID of a person merged into them since they left.
		aliases = sortedUnion(aliases, e.formerIDs(p))
	}
	accounts, _ := e.graph.AppendLinkedAccounts(nil, p)
	if e.cfg.Rollup {
		// The parents hold the person too: they join and leave with the
		// subsidiaries.
		accounts = e.withAncestors(accounts)
		from = e.withAncestors(from)
	}
	// What the call marked before for p, or for a person merged into p
	// (a chain of merges, a merge and a move, in one batch), is on the
	// accounts they were in then: those p is in now or has left since.
	// It is handed on: the accounts they left and the persons merged
	// into them, whose IDs the states may still use.
	for _, a := range sortedUnion(accounts, from) {
		w := works[a]
		if w == nil {
			continue
		}
		for _, q := range aliases {
			if j := w.joined[q]; j != nil {
				from = sortedUnion(from, j.from)
				aliases = sortedUnion(aliases, j.aliases)
				lookup = lookup || j.lookup
				delete(w.joined, q)
			}
		}
		if j := w.joined[p]; j != nil {
			from = sortedUnion(from, j.from)
			aliases = sortedUnion(aliases, j.aliases)
			lookup = lookup || j.lookup
		}
	}
	for _, a := range accounts {
		w := workFor(works, a)
		if w.joined == nil {
			w.joined = map[b2b.PersonID]*joining{}
		}
		j := w.joined[p]
		if j == nil {
			j = &joining{}
			w.joined[p] = j
		}
		j.from = sortedUnion(j.from, from)
		j.aliases = sortedUnion(j.aliases, aliases)
		j.lookup = j.lookup || lookup
	}
}

// lookUpLeft gives the persons new to the account whom the call linked to
// it without saying where they had been (joining.lookup) the accounts
// that knew them, their event logs say (store.PersonAccounts), as
// accounts they left: a person linked to no account for a while (a
// contact whose company the CRM cleared, a lead between jobs) takes their
// statements and, within the caps' reach, their messages along.
//
// The same holds for the persons merged into a person of the account: the
// accounts that knew them are read as accounts the person left.
func (ps *pass) lookUpLeft(ctx context.Context, list []personEntry, joined map[b2b.PersonID]*joining) {
	for i := range list {
		pe := &list[i]
		j := joined[pe.Person.ID]
		if j == nil || !j.lookup {
			continue
		}
		var ids []b2b.PersonID
		if ps.st.person(pe.Person.ID) == nil {
			ids = append(ids, pe.Person.ID)
		}
		ids = append(ids, j.aliases...)
		for _, id := range ids {
			accs, err := ps.e.cfg.Store.PersonAccounts(ctx, ps.e.cfg.Tenant, id)
			if err != nil {
				ps.fail(fmt.Errorf("the accounts person %q was in: %w", id, err))
				return
			}
			accs = slices.DeleteFunc(accs, func(a b2b.AccountID) bool { return a == ps.id || slices.Contains(pe.Others, a) })
			j.from = sortedUnion(j.from, accs)
		}
		j.lookup = false
	}
}

// formerIDs returns the IDs a person may have had: those of their
// records (a person's ID is their first record's, and each person merged
// into them brought theirs), but their own. Callers hold idMu.
func (e *Engine) formerIDs(p b2b.PersonID) []b2b.PersonID {
	gp, err := e.graph.Person(p)
	if err != nil {
		return nil
	}
	var out []b2b.PersonID
	for _, r := range gp.Records {
		if id := b2b.PersonID(r.String()); id != p {
			out = append(out, id)
		}
	}
	return out
}

// sortedUnion returns the sorted union of two lists without repeats.
func sortedUnion[T ~string](a, b []T) []T {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// takeAliases moves what the state keeps under the IDs of persons merged
// into a person of the account to the person's ID: consent statements,
// scores (merged, see scoring.Scorer.Merge) and journeys' score
// adjustments, activity records, claims on roles, CRM contact roles,
// recent messages (which their caps count), messages held back by a cap.
// It returns the persons whose consent must be decided again.
func (ps *pass) takeAliases(joined map[b2b.PersonID]*joining) []b2b.PersonID {
	var touched []b2b.PersonID
	st := ps.st
	for _, p := range slices.Sorted(maps.Keys(joined)) {
		j := joined[p]
		if len(j.aliases) == 0 || st.person(p) == nil {
			continue
		}
		if ps.aliases == nil {
			ps.aliases = map[b2b.PersonID][]b2b.PersonID{}
		}
		ps.aliases[p] = j.aliases
		for _, q := range j.aliases {
			if q == p {
				continue
			}
			if ss, ok := st.Consent[q]; ok {
				for _, s := range ss {
					s.Person = p
					ps.keepStatement(s)
				}
				delete(st.Consent, q)
				touched = append(touched, p)
				ps.changed = true
			}
			ps.mergeScores(p, q)
			ps.takeClaims(p, q)
			for i := range st.Opportunities {
				for k := range st.Opportunities[i].ContactRoles {
					if cr := &st.Opportunities[i].ContactRoles[k]; cr.Person == q {
						cr.Person, ps.changed = p, true
					}
				}
			}
			js := &st.Journeys
			for i := range js.Contacts {
				if js.Contacts[i].Person == q {
					js.Contacts[i].Person, ps.changed = p, true
				}
			}
			ps.takeDeferred(p, q)
		}
	}
	slices.Sort(touched)
	return slices.Compact(touched)
}

// takeClaims makes the claims on roles of q, a person merged into p,
// p's in every buying group (a role a marketer or a journey gave them is
// kept: the qualification that follows would withdraw it from an ID that
// is no longer a person of the account); a claim p has already is kept
// once. The memberships follow at the qualification.
func (ps *pass) takeClaims(p, q b2b.PersonID) {
	st := ps.st
	for i := range st.Groups {
		g := st.Groups[i]
		if !slices.ContainsFunc(g.Claims, func(c buyinggroup.Claim) bool { return c.Person == q }) {
			continue
		}
		// Groups share their claims with the committed state: a new list.
		claims := make([]buyinggroup.Claim, 0, len(g.Claims))
		for _, c := range g.Claims {
			if c.Person == q {
				c.Person = p
				if slices.ContainsFunc(claims, func(x buyinggroup.Claim) bool {
					return x.Person == p && x.Role == c.Role && x.Method == c.Method && x.Exclude == c.Exclude
				}) || slices.ContainsFunc(g.Claims, func(x buyinggroup.Claim) bool {
					return x.Person == p && x.Role == c.Role && x.Method == c.Method && x.Exclude == c.Exclude
				}) {
					continue
				}
			}
			claims = append(claims, c)
		}
		g.Claims = claims
		st.Groups[i] = g
		ps.changed = true
	}
}

// takeDeferred makes the messages held back by a cap for q, a person
// merged into p, p's. A step's message is the person's once: one held
// back for either record is dropped, with why, when the other had the
// step's message (a recent message, already renamed p's) or has it held
// back too.
func (ps *pass) takeDeferred(p, q b2b.PersonID) {
	js := &ps.st.Journeys
	if !slices.ContainsFunc(js.Deferred, func(d journey.DeferredMessage) bool { return d.Entry.Person == q || d.Entry.Person == p }) {
		return
	}
	sameStep := func(a, b *journey.DeferredMessage) bool {
		x, y := &a.Entry, &b.Entry
		// A state written before visits were recorded has none: the node
		// then stands for its visit.
		return x.Journey == y.Journey && x.Channel == y.Channel && x.Type == y.Type &&
			(a.Step() == b.Step() || (a.Visit == 0 || b.Visit == 0) && x.Version == y.Version && x.Entry == y.Entry && x.Track == y.Track && x.Node == y.Node)
	}
	sent := func(d *journey.DeferredMessage) bool {
		step := d.Step()
		return d.Visit > 0 && slices.ContainsFunc(js.Contacts, func(c journey.Contact) bool {
			return c.Person == p && c.Journey == d.Entry.Journey && c.Channel == d.Entry.Channel && c.Step == step
		})
	}
	var kept []journey.DeferredMessage
	for _, d := range js.Deferred {
		if d.Entry.Person != p && d.Entry.Person != q {
			kept = append(kept, d)
			continue
		}
		was := d.Entry.Person
		d.Entry.Person = p
		switch {
		case sent(&d):
			ps.skip(p, d.Entry.Key, fmt.Sprintf("held back for %s, who had the step's message already as another record: the records of %s and %s merged", was, p, q))
		case slices.ContainsFunc(kept, func(x journey.DeferredMessage) bool { return x.Entry.Person == p && sameStep(&x, &d) }):
			ps.skip(p, d.Entry.Key, fmt.Sprintf("held back for %s already as another record: the records of %s and %s merged", p, p, q))
		default:
			kept = append(kept, d)
			if was == p {
				continue
			}
		}
		ps.changed = true
	}
	js.Deferred = kept
}

// mergeScores makes the scores of q, a person merged into p, p's: under
// each model, the two persons' states merged; a journey's adjustments of
// q's score added to p's; q's activity records and last activity p's.
func (ps *pass) mergeScores(p, q b2b.PersonID) {
	st := ps.st
	for _, name := range slices.Sorted(maps.Keys(st.Scores)) {
		l := st.Scores[name]
		if qs := l.Persons[q]; qs != nil && ps.addScore(name, p, qs) {
			delete(l.Persons, q)
		}
	}
	if v, ok := st.Adjustments["person/"+string(q)]; ok {
		st.Adjustments["person/"+string(p)] += v
		delete(st.Adjustments, "person/"+string(q))
		ps.changed = true
	}
	if at, ok := st.LastActivity[q]; ok {
		st.noteActivity(p, at)
		delete(st.LastActivity, q)
		ps.changed = true
	}
	if slices.ContainsFunc(st.Activities, func(r activityRecord) bool { return r.Person == q }) {
		st.Activities = slices.Clone(st.Activities) // records are shared with the committed state
		for i := range st.Activities {
			if st.Activities[i].Person == q {
				st.Activities[i].Person = p
			}
		}
		ps.changed = true
	}
}

// addScore merges a score state of another record of the person id (a
// person merged into them, or theirs in an account merged into this one)
// into their state under the scoring model name (see
// scoring.Scorer.Merge). Under a model the program no longer has, the
// state is taken only when the person has none there. It reports whether
// it took it.
func (ps *pass) addScore(name string, id b2b.PersonID, qs *scoring.PersonState) bool {
	st := ps.st
	if st.Scores == nil {
		st.Scores = map[string]*scoring.Ledger{}
	}
	l := st.Scores[name]
	if l == nil {
		l = &scoring.Ledger{}
		st.Scores[name] = l
	}
	if l.Persons == nil {
		l.Persons = map[b2b.PersonID]*scoring.PersonState{}
	}
	merged := *qs
	if s := ps.scorer(name); s != nil {
		merged = s.Merge(l.Persons[id], qs)
	} else if l.Persons[id] != nil {
		return false
	}
	l.Persons[id] = &merged
	ps.changed = true
	return true
}

// keepStatement adds a statement to the state's, unless it holds it
// already; it reports whether it added it. The lists are shared with the
// committed state: it makes a new one.
func (ps *pass) keepStatement(s governance.Statement) bool {
	st := ps.st
	if slices.ContainsFunc(st.Consent[s.Person], func(x governance.Statement) bool { return sameStatement(&x, &s) }) {
		return false
	}
	if st.Consent == nil {
		st.Consent = map[b2b.PersonID][]governance.Statement{}
	}
	st.Consent[s.Person] = append(slices.Clip(st.Consent[s.Person]), s)
	return true
}

// capWindow is how far back the program's frequency caps count from the
// pass, in the account's zone (journey.Config.ContactWindow); zero
// without caps.
func (ps *pass) capWindow() time.Duration {
	cfg := ps.p.Journeys.Config()
	return cfg.ContactWindow(ps.location())
}

// carryLeft gives the entries of a new person list the accounts their
// persons left (personEntry.Left): those the state's entries remembered,
// still within the caps' reach, those the call's identity changes report
// (joined), as of the pass's time, and those the accounts they left had
// left before (read from those accounts' states: a person who passes
// through several accounts within a week takes them all). It remembers
// the persons who leave (see keepDeparted). Without caps, it remembers
// none.
//
// What it keeps reaches the caps' window before from, the earliest time
// the pass's journeys may decide at (see earliestDecision): a pass that
// runs late checks its caps at those earlier times, and reads the
// accounts a person left as far back (see sharedContacts).
func (ps *pass) carryLeft(ctx context.Context, list []personEntry, joined map[b2b.PersonID]*joining, from time.Time) {
	window := ps.capWindow()
	if window == 0 {
		if ps.st.Departed != nil {
			ps.st.Departed, ps.changed = nil, true
		}
		return
	}
	after := from.Add(-window)
	var read map[b2b.AccountID]*accountState
	for i := range list {
		pe := &list[i]
		var left []leftAccount
		if old := ps.st.person(pe.Person.ID); old != nil {
			left = old.Left
		}
		if j := joined[pe.Person.ID]; j != nil {
			for _, q := range j.aliases {
				if old := ps.st.person(q); old != nil {
					// The accounts a person merged into this one left
					// recorded their messages under the person's ID.
					for _, l := range old.Left {
						l.IDs = sortedUnion(l.IDs, []b2b.PersonID{q})
						left = append(slices.Clip(left), l)
					}
				}
			}
			for _, a := range j.from {
				left = append(slices.Clip(left), leftAccount{Account: a, At: ps.now, IDs: j.aliases})
				if a == ps.id {
					continue
				}
				ost, ok := read[a]
				if !ok {
					if ost, ok = ps.otherState(ctx, a, "the accounts a person left"); !ok {
						return
					}
					if read == nil {
						read = map[b2b.AccountID]*accountState{}
					}
					read[a] = ost
				}
				if ost == nil {
					continue
				}
				for k, id := range append([]b2b.PersonID{pe.Person.ID}, j.aliases...) {
					for _, l := range ost.leftBy(id) {
						if k > 0 {
							l.IDs = sortedUnion(l.IDs, []b2b.PersonID{id})
						}
						left = append(slices.Clip(left), l)
					}
				}
			}
		}
		left = slices.DeleteFunc(slices.Clone(left), func(l leftAccount) bool {
			return !l.At.After(after) || l.Account == ps.id || slices.Contains(pe.Others, l.Account)
		})
		if len(left) == 0 {
			continue
		}
		// One entry an account: the latest time, every ID.
		slices.SortFunc(left, func(a, b leftAccount) int {
			return cmp.Or(cmp.Compare(a.Account, b.Account), b.At.Compare(a.At))
		})
		out := left[:1]
		for _, l := range left[1:] {
			if last := &out[len(out)-1]; last.Account == l.Account {
				last.IDs = sortedUnion(last.IDs, l.IDs)
			} else {
				out = append(out, l)
			}
		}
		pe.Left = out
	}
	ps.keepDeparted(list, joined, after)
}

// earliestDecision is the earliest time the pass's journeys may decide
// at: the pass's time, or before it the time they came due (a wait's
// end, a deferred message) or an activity or event of w happened (a late
// batch's, heard as it happened). It is the time journey.Config's
// ContactsAfter counts back from, known before the pass's journey events
// are.
func (ps *pass) earliestDecision(w *work) time.Time {
	from := ps.now
	if due := ps.st.Journeys.Due; !due.IsZero() && due.Before(from) {
		from = due
	}
	for i := range w.activities {
		if t := w.activities[i].Time; !t.IsZero() && t.Before(from) {
			from = t
		}
	}
	for i := range w.events {
		if t := w.events[i].At; !t.IsZero() && t.Before(from) {
			from = t
		}
	}
	return from
}

// keepDeparted records, for the persons of the state who are not in the
// new list, the accounts they had left before (accountState.Departed),
// for the account they join to read. It forgets what is past the caps'
// reach, persons back in the list, and persons merged into one of the
// list (their entry's accounts are the list's person's now).
func (ps *pass) keepDeparted(list []personEntry, joined map[b2b.PersonID]*joining, after time.Time) {
	st := ps.st
	if len(st.Departed) == 0 && !slices.ContainsFunc(st.Persons, func(pe personEntry) bool { return len(pe.Left) > 0 }) {
		return
	}
	stays := make(map[b2b.PersonID]bool, len(list))
	for i := range list {
		id := list[i].Person.ID
		stays[id] = true
		if j := joined[id]; j != nil {
			for _, q := range j.aliases {
				stays[q] = true
			}
		}
	}
	var out []departedPerson
	add := func(id b2b.PersonID, left []leftAccount) {
		left = slices.DeleteFunc(slices.Clone(left), func(l leftAccount) bool { return !l.At.After(after) })
		if len(left) > 0 && !stays[id] && !slices.ContainsFunc(out, func(d departedPerson) bool { return d.Person == id }) {
			out = append(out, departedPerson{Person: id, Left: left})
		}
	}
	for i := range st.Persons {
		add(st.Persons[i].Person.ID, st.Persons[i].Left)
	}
	for _, d := range st.Departed {
		add(d.Person, d.Left)
	}
	slices.SortFunc(out, func(a, b departedPerson) int { return cmp.Compare(a.Person, b.Person) })
	if !slices.EqualFunc(out, st.Departed, func(a, b departedPerson) bool {
		return a.Person == b.Person && slices.EqualFunc(a.Left, b.Left, func(x, y leftAccount) bool {
			return x.Account == y.Account && x.At.Equal(y.At) && slices.Equal(x.IDs, y.IDs)
		})
	}) {
		st.Departed, ps.changed = out, true
	}
}
