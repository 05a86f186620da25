package engine

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// rebuild turns account states into an identity state.
type rebuild struct {
	cfg identity.Config
	rep *RecoverReport
	// accountGroups and personGroups are the golden records to restore,
	// each its records with its own first, in ID order.
	accountGroups []accountGroup
	personGroups  []personGroup
	merged        map[b2b.AccountID]bool
}

type accountGroup struct {
	id      b2b.AccountID
	records []identity.AccountRecord
	// unindexed are the account's identifiers that find another account
	// or none: none of its records holds them in the index.
	unindexed []identity.Identifier
}

type personGroup struct {
	id      b2b.PersonID
	account b2b.AccountID // whose state it was rebuilt from
	records []identity.PersonRecord
	// unindexed are the person's identifiers that find another person
	// or no one: none of its records holds them in the index.
	unindexed []identity.Identifier
}

// accounts rebuilds each state's account records. A state whose own
// record another state's account holds is that of an account since
// merged into it.
func (rb *rebuild) accounts(states []storedState) {
	type cand struct {
		s       *storedState
		records []identity.AccountRecord
		o       *origin
	}
	var cands []cand
	for i := range states {
		s := &states[i]
		recs, o, err := accountRecords(s.id, s.st)
		if err != nil {
			rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: s.id, Err: err})
			continue
		}
		if len(s.st.Origin) == 0 {
			rb.rep.WithoutOrigin = append(rb.rep.WithoutOrigin, s.id)
		}
		cands = append(cands, cand{s, recs, o})
	}
	// The account that holds the most records, then the latest, claims
	// them first.
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Or(-cmp.Compare(len(a.records), len(b.records)),
			b.s.st.Account.UpdatedAt.Compare(a.s.st.Account.UpdatedAt), cmp.Compare(a.s.id, b.s.id))
	})
	claimed := map[identity.RecordRef]b2b.AccountID{}
	rb.merged = map[b2b.AccountID]bool{}
	for _, c := range cands {
		if _, ok := claimed[accountRef(&c.records[0])]; ok {
			rb.merged[c.s.id] = true
			rb.rep.MergedAccounts = append(rb.rep.MergedAccounts, c.s.id)
			continue
		}
		grp := accountGroup{id: c.s.id}
		for i := range c.records {
			ref := accountRef(&c.records[i])
			if other, ok := claimed[ref]; ok {
				rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: c.s.id,
					Err: fmt.Errorf("account record %s is account %q's too: left with it", ref, other)})
				continue
			}
			claimed[ref] = c.s.id
			grp.records = append(grp.records, c.records[i])
		}
		grp.unindexed = rb.accountUnindexed(c.s.id, c.o, grp.records)
		rb.accountGroups = append(rb.accountGroups, grp)
	}
	slices.Sort(rb.rep.MergedAccounts)
	slices.SortFunc(rb.accountGroups, func(a, b accountGroup) int { return cmp.Compare(a.id, b.id) })
}

// accountUnindexed returns the identifiers an account's origin keeps as
// unindexed that its rebuilt records carry, and reports the others (a
// damaged state's), which would find no one anyway, and the account's
// own ID, which must find it.
func (rb *rebuild) accountUnindexed(id b2b.AccountID, o *origin, recs []identity.AccountRecord) []identity.Identifier {
	if o == nil {
		return nil
	}
	var out []identity.Identifier
	for j, x := range o.Unindexed {
		var err error
		switch {
		case x == identity.Identifier{Namespace: identity.NSAccountID, Value: string(id)}:
			err = fmt.Errorf("origin: unindexed[%d]: %s is the account's own ID, which finds it: left out", j, x)
		case !slices.ContainsFunc(recs, func(r identity.AccountRecord) bool { return accountCarries(&r, x) }):
			err = fmt.Errorf("origin: unindexed[%d]: %s is none of the account's identifiers: left out", j, x)
		default:
			out = append(out, x)
			continue
		}
		rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: id, Err: err})
	}
	return out
}

// accountCarries reports whether a rebuilt account record carries an
// identifier: its ID, one of its domains or one of its identifiers.
func accountCarries(r *identity.AccountRecord, x identity.Identifier) bool {
	switch x.Namespace {
	case identity.NSAccountID:
		if x.Value == string(r.Account.ID) {
			return true
		}
	case identity.NSAccountDomain:
		if slices.Contains(r.Account.Domains, x.Value) {
			return true
		}
	}
	return slices.Contains(r.Identifiers, x)
}

func accountRef(r *identity.AccountRecord) identity.RecordRef {
	return identity.RecordRef{Source: r.Source, RecordID: r.RecordID}
}

// persons rebuilds the persons of the states: each from the latest of
// its entries, with the explicit links of all of them.
func (rb *rebuild) persons(states []storedState) {
	type cand struct {
		entry
		// explicit are the account references of the person's
		// explicit links (the account's ID, or the other ID of it that
		// made the link: Link.Reference), its primary one (if explicit)
		// first.
		explicit []b2b.AccountID
		primary  bool
		// primaryRef is the reference of the primary link, when that is
		// explicit.
		primaryRef b2b.AccountID
	}
	byID := map[b2b.PersonID]*cand{}
	for i := range states {
		s := &states[i]
		for j := range s.st.Persons {
			pe := &s.st.Persons[j]
			o, err := decodeOrigin(pe.Origin)
			if err != nil {
				rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: s.id, Person: pe.Person.ID, Err: err})
				continue
			}
			e := entry{s, pe, o}
			c := byID[pe.Person.ID]
			if c == nil {
				c = &cand{entry: e}
				byID[pe.Person.ID] = c
			} else if e.later(&c.entry) {
				c.entry = e
			}
			if l := pe.Link; l.Method == identity.MethodExplicit {
				ref := cmp.Or(l.Reference, l.Account)
				if !slices.Contains(c.explicit, ref) {
					c.explicit = append(c.explicit, ref)
				}
				if l.Primary && l.Account == pe.Person.AccountID {
					c.primaryRef = ref
				}
			}
		}
	}
	cands := slices.Collect(maps.Values(byID))
	for _, c := range cands {
		// The primary link is to the golden record's account.
		slices.Sort(c.explicit)
		if i := slices.Index(c.explicit, cmp.Or(c.primaryRef, c.pe.Person.AccountID)); i >= 0 {
			ref := c.explicit[i]
			c.explicit = slices.Insert(slices.Delete(c.explicit, i, i+1), 0, ref)
			c.primary = true
		}
	}
	slices.SortFunc(cands, func(a, b *cand) int {
		return cmp.Or(-cmp.Compare(a.records(), b.records()), b.pe.Person.UpdatedAt.Compare(a.pe.Person.UpdatedAt),
			b.s.committed.Compare(a.s.committed), cmp.Compare(a.pe.Person.ID, b.pe.Person.ID))
	})
	claimed := map[identity.RecordRef]b2b.PersonID{}
	for _, c := range cands {
		recs, err := personRecords(c.pe, c.o, c.explicit, c.primary)
		if err != nil {
			rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: c.s.id, Person: c.pe.Person.ID, Err: err})
			continue
		}
		if _, ok := claimed[personRef(&recs[0])]; ok {
			rb.rep.MergedPersons++
			continue
		}
		grp := personGroup{id: c.pe.Person.ID, account: c.s.id}
		for i := range recs {
			ref := personRef(&recs[i])
			if other, ok := claimed[ref]; ok {
				rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: c.s.id, Person: c.pe.Person.ID,
					Err: fmt.Errorf("person record %s is person %q's too: left with them", ref, other)})
				continue
			}
			claimed[ref] = grp.id
			grp.records = append(grp.records, recs[i])
		}
		grp.unindexed = rb.unindexed(&c.entry, grp.records)
		rb.personGroups = append(rb.personGroups, grp)
	}
	slices.SortFunc(rb.personGroups, func(a, b personGroup) int { return cmp.Compare(a.id, b.id) })
}

// unindexed returns the identifiers the entry's origin keeps as
// unindexed that the person's rebuilt records carry, and reports the
// others (a damaged state's), which would find no one anyway.
func (rb *rebuild) unindexed(x *entry, recs []identity.PersonRecord) []identity.Identifier {
	if x.o == nil {
		return nil
	}
	var out []identity.Identifier
	for j, id := range x.o.Unindexed {
		carried := slices.ContainsFunc(recs, func(r identity.PersonRecord) bool {
			return id.Namespace == identity.NSEmail && id.Value == r.Person.Email || slices.Contains(r.Identifiers, id)
		})
		if !carried {
			rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: x.s.id, Person: x.pe.Person.ID,
				Err: fmt.Errorf("origin: unindexed[%d]: %s is none of the person's identifiers: left out", j, id)})
			continue
		}
		out = append(out, id)
	}
	return out
}

// An entry is a person's entry in an account's state, with its origin.
type entry struct {
	s  *storedState
	pe *personEntry
	o  *origin
}

// later reports whether x is a later view of its person than y: more
// records, then a later golden record, then a later commit, then the
// account first in ID order.
func (x *entry) later(y *entry) bool {
	return cmp.Or(cmp.Compare(x.records(), y.records()), x.pe.Person.UpdatedAt.Compare(y.pe.Person.UpdatedAt),
		x.s.committed.Compare(y.s.committed), cmp.Compare(y.s.id, x.s.id)) > 0
}

func (x *entry) records() int {
	if x.o == nil {
		return 1
	}
	return len(x.o.Records)
}

func personRef(r *identity.PersonRecord) identity.RecordRef {
	return identity.RecordRef{Source: r.Source, RecordID: r.RecordID}
}

// restore restores the graph from the groups. A group that identity
// refuses is left out, as a problem, and the rest restored again.
func (rb *rebuild) restore() (*identity.Graph, error) {
	for {
		na, np := 0, 0
		for _, grp := range rb.accountGroups {
			na += len(grp.records)
		}
		for _, grp := range rb.personGroups {
			np += len(grp.records)
		}
		st := identity.State{Accounts: make([]identity.AccountState, 0, na), Persons: make([]identity.PersonState, 0, np)}
		accountAt, personAt := make([]int, 0, na), make([]int, 0, np) // state index -> group index
		for gi, grp := range rb.accountGroups {
			for _, r := range grp.records {
				// As a person's, each record of the account leaves out
				// the identifiers another account holds.
				st.Accounts = append(st.Accounts, identity.AccountState{Record: r, Account: grp.id, Unindexed: grp.unindexed})
				accountAt = append(accountAt, gi)
			}
		}
		for gi, grp := range rb.personGroups {
			for _, r := range grp.records {
				// The rebuilt records do not carry the identifiers as the
				// records did (the own record carries all but the
				// email): each record of the person leaves them out.
				st.Persons = append(st.Persons, identity.PersonState{Record: r, Person: grp.id, Unindexed: grp.unindexed})
				personAt = append(personAt, gi)
			}
		}
		g, err := identity.Restore(rb.cfg, st)
		if err == nil {
			return g, nil
		}
		var ve *b2b.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("recover: restore identity: %w", err)
		}
		badAccounts, badPersons := map[int]error{}, map[int]error{}
		for _, p := range ve.Problems {
			if i, ok := pathIndex(p.Path, "accounts"); ok && i < len(accountAt) {
				badAccounts[accountAt[i]] = errors.Join(badAccounts[accountAt[i]], p)
			} else if i, ok := pathIndex(p.Path, "persons"); ok && i < len(personAt) {
				badPersons[personAt[i]] = errors.Join(badPersons[personAt[i]], p)
			} else {
				return nil, fmt.Errorf("recover: restore identity: %w", err)
			}
		}
		for gi, err := range badAccounts {
			rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: rb.accountGroups[gi].id, Err: fmt.Errorf("account not rebuilt: %w", err)})
		}
		for gi, err := range badPersons {
			grp := rb.personGroups[gi]
			rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: grp.account, Person: grp.id, Err: fmt.Errorf("person not rebuilt: %w", err)})
		}
		rb.accountGroups = deleteIndexes(rb.accountGroups, badAccounts)
		rb.personGroups = deleteIndexes(rb.personGroups, badPersons)
	}
}

// pathIndex reads i from a problem's path "<list>[i]...".
func pathIndex(path, list string) (int, bool) {
	rest, ok := strings.CutPrefix(path, list+"[")
	if !ok {
		return 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, false
	}
	i, err := strconv.Atoi(rest[:end])
	return i, err == nil
}

func deleteIndexes[T any](s []T, drop map[int]error) []T {
	out := s[:0]
	for i := range s {
		if _, ok := drop[i]; !ok {
			out = append(out, s[i])
		}
	}
	return out
}

// opportunities returns the account each opportunity is held by.
func (rb *rebuild) opportunities(states []storedState) map[b2b.OpportunityID]b2b.AccountID {
	type holder struct {
		s       *storedState
		updated time.Time
	}
	best := map[b2b.OpportunityID]holder{}
	contested := map[b2b.OpportunityID]bool{}
	for i := range states {
		s := &states[i]
		for _, o := range s.st.Opportunities {
			h := holder{s, o.UpdatedAt}
			cur, ok := best[o.ID]
			if ok {
				contested[o.ID] = true
			}
			// States come in ID order: a later one takes the opportunity
			// only from an older record or commit.
			if !ok || cmp.Or(h.updated.Compare(cur.updated), s.committed.Compare(cur.s.committed)) > 0 {
				best[o.ID] = h
			}
		}
	}
	out := make(map[b2b.OpportunityID]b2b.AccountID, len(best))
	for id, h := range best {
		out[id] = h.s.id
	}
	rb.rep.Contested = slices.Sorted(maps.Keys(contested))
	return out
}

// suppressed returns the suppression hashes the states keep, sorted.
func (rb *rebuild) suppressed(states []storedState) []string {
	var out []string
	for _, s := range states {
		for _, h := range s.st.Suppressed {
			if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
				rb.rep.Problems = append(rb.rep.Problems, RecoverProblem{Account: s.id, Err: fmt.Errorf("suppression hash %q: not 64 hexadecimal digits", h)})
				continue
			}
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// check compares each account's persons and their links in its state
// with those of the restored graph, and reports the accounts where they
// differ.
func (rb *rebuild) check(g *identity.Graph, states []storedState) {
	for _, s := range states {
		if rb.merged[s.id] {
			continue
		}
		got, err := g.Persons(s.id, false)
		got = slices.Sorted(slices.Values(got))
		same := err == nil
		var want []b2b.PersonID
		for _, pe := range s.st.Persons {
			if pe.Link.Method == "rollup" {
				continue
			}
			want = append(want, pe.Person.ID)
			if same {
				links, err := g.Links(pe.Person.ID)
				same = err == nil && slices.Contains(links, pe.Link)
			}
		}
		if !same || !slices.Equal(want, got) {
			rb.rep.Relinked = append(rb.rep.Relinked, s.id)
		}
	}
}
