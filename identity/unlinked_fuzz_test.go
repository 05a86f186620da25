package identity_test

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// The universe of FuzzUnlinked: a few accounts in three sources (each
// source with IDs of its own, so that two golden accounts never share an
// ID), four domains (one a subdomain of another, one a placeholder,
// which identifies no account), persons from two sources with emails on
// those domains and on free mail.
var (
	fzAcctSources = []b2b.Source{"salesforce", "marketo", "hubspot"}
	fzAcctIDs     = [][]b2b.AccountID{{"A", "B", "C", "D"}, {"m1", "m2"}, {"h1"}}
	fzAllAccts    = []b2b.AccountID{"A", "B", "C", "D", "m1", "m2", "h1"}
	fzNames       = []string{"", "Acme", "Acme Inc", "Globex", "Initech"}
	fzDomains     = []string{"acme.com", "eu.acme.com", "globex.com", "example.com"}
	fzRefs        = []b2b.AccountID{"", "A", "B", "C", "D", "m1", "zz"} // parents and person references; zz is never loaded
	fzIdentRefs   = []b2b.AccountID{"", "A", "B", "C", "D", "m1", "m2", "h1"}
	fzAcctRecs    = []string{"", "co-1", "co-2"} // "": the account ID

	fzPersonSources = []b2b.Source{"salesforce", "marketo"}
	fzPersonRecs    = []string{"1", "2", "3"}
	fzEmails        = []string{"", "ann@acme.com", "bob@acme.com", "cy@eu.acme.com", "dee@globex.com",
		"eve@gmail.com", "fay@mail.eu.acme.com", "not an email", "gus@example.com"}
	fzCompanies = []string{"", "Acme", "Globex Inc", "Initech"}
)

// fzAllPersons are the IDs persons can have: the source and record ID of
// their oldest record.
var fzAllPersons = func() []b2b.PersonID {
	var out []b2b.PersonID
	for _, s := range fzPersonSources {
		for _, r := range fzPersonRecs {
			out = append(out, b2b.PersonID(s+":"+r))
		}
	}
	return out
}()

const fzOpLen = 9 // bytes an operation takes

// fzOp is one decoded operation; its fields index the universe above.
type fzOp struct {
	account bool
	// account: src, id, name, domains (bit mask), parent (fzRefs), ident (fzIdentRefs),
	// record (fzAcctRecs: a record ID of its own, so that a version may change the ID)
	// person: src, rec, email, company, acct (fzRefs), other (fzRefs), ident (fzEmails)
	a, b, c, d, e, f, g int
	// time: 0 an older time than the last, 1 the last time again, else a new later time
	time int
}

func (o fzOp) bytes() []byte {
	k := byte(0)
	if o.account {
		k = 1
	}
	return []byte{k, byte(o.a), byte(o.b), byte(o.c), byte(o.d), byte(o.e), byte(o.f), byte(o.g), byte(o.time)}
}

func fzEncode(ops ...fzOp) []byte {
	var out []byte
	for _, o := range ops {
		out = append(out, o.bytes()...)
	}
	return out
}

func fzDecode(data []byte) []fzOp {
	var ops []fzOp
	for len(data) >= fzOpLen && len(ops) < 40 {
		b := data[:fzOpLen]
		data = data[fzOpLen:]
		ops = append(ops, fzOp{account: b[0]%2 == 1, a: int(b[1]), b: int(b[2]), c: int(b[3]), d: int(b[4]),
			e: int(b[5]), f: int(b[6]), g: int(b[7]), time: int(b[8] % 8)})
	}
	return ops
}

// Seed helpers: an account or person record, at a later time.
func fzAcct(src, id, name, domains, parent, ident int) fzOp {
	return fzOp{account: true, a: src, b: id, c: name, d: domains, e: parent, f: ident, time: 2}
}

// rec gives an account operation a record ID of its own (fzAcctRecs).
func (o fzOp) rec(r int) fzOp {
	o.g = r
	return o
}

func fzPerson(src, rec, email, company, acct, other, ident int) fzOp {
	return fzOp{a: src, b: rec, c: email, d: company, e: acct, f: other, g: ident, time: 2}
}

func pick[T any](xs []T, i int) T { return xs[i%len(xs)] }

// fzRecord builds the record of an operation.
func (o fzOp) record(clock int) (identity.AccountRecord, identity.PersonRecord) {
	t := at(clock)
	if o.account {
		src := o.a % len(fzAcctSources)
		rec := identity.AccountRecord{Source: fzAcctSources[src], RecordID: pick(fzAcctRecs, o.g), Time: t, Account: b2b.Account{
			ID:       pick(fzAcctIDs[src], o.b),
			Name:     pick(fzNames, o.c),
			ParentID: pick(fzRefs, o.e),
		}}
		for i, d := range fzDomains {
			if o.d&(1<<i) != 0 {
				rec.Account.Domains = append(rec.Account.Domains, d)
			}
		}
		if ref := pick(fzIdentRefs, o.f); ref != "" {
			rec.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: string(ref)}}
		}
		return rec, identity.PersonRecord{}
	}
	rec := identity.PersonRecord{Source: pick(fzPersonSources, o.a), RecordID: pick(fzPersonRecs, o.b), Time: t,
		Person: b2b.Person{Email: pick(fzEmails, o.c), Company: pick(fzCompanies, o.d), AccountID: pick(fzRefs, o.e)}}
	if ref := pick(fzRefs, o.f); ref != "" {
		rec.OtherAccounts = []b2b.AccountID{ref}
	}
	if e := pick(fzEmails, o.g); e != "" {
		rec.Identifiers = []identity.Identifier{{Namespace: identity.NSEmail, Value: e}}
	}
	return identity.AccountRecord{}, rec
}

// fzSnap is what the checks read of the graph, by the IDs of the universe.
type fzSnap struct {
	gold   map[b2b.AccountID]b2b.AccountID   // known account ID -> golden ID
	direct map[b2b.AccountID][]b2b.PersonID  // Persons(id, false)
	rollup map[b2b.AccountID][]b2b.PersonID  // Persons(id, true)
	anc    map[b2b.AccountID][]b2b.AccountID // Ancestors(id)
	pgold  map[b2b.PersonID]b2b.PersonID     // known person ID -> golden ID
	links  map[b2b.PersonID][]b2b.AccountID  // the accounts of Links(id)
	full   map[b2b.PersonID][]identity.Link  // Links(id)
}

func fzSnapshot(t *testing.T, g *identity.Graph) fzSnap {
	t.Helper()
	s := fzSnap{gold: map[b2b.AccountID]b2b.AccountID{}, direct: map[b2b.AccountID][]b2b.PersonID{},
		rollup: map[b2b.AccountID][]b2b.PersonID{}, anc: map[b2b.AccountID][]b2b.AccountID{},
		pgold: map[b2b.PersonID]b2b.PersonID{}, links: map[b2b.PersonID][]b2b.AccountID{},
		full: map[b2b.PersonID][]identity.Link{}}
	for _, id := range fzAllAccts {
		a, err := g.Account(id)
		if err != nil {
			continue
		}
		s.gold[id] = a.ID
		if s.direct[id], err = g.Persons(id, false); err != nil {
			t.Fatalf("Persons(%s, false): %v", id, err)
		}
		if s.rollup[id], err = g.Persons(id, true); err != nil {
			t.Fatalf("Persons(%s, true): %v", id, err)
		}
		s.anc[id], _ = g.Ancestors(id) // a cycle gives its path and an error
	}
	for _, id := range fzAllPersons {
		p, err := g.Person(id)
		if err != nil {
			continue
		}
		s.pgold[id] = p.ID
		s.full[id] = p.Links
		for _, l := range p.Links {
			s.links[id] = append(s.links[id], l.Account)
		}
	}
	return s
}

type fzSet map[b2b.AccountID]bool

func (s fzSet) sorted() []b2b.AccountID { return slices.Sorted(maps.Keys(s)) }

// fzSeeds are the seeds of the fuzz tests of the universe: each a
// sequence of operations.
func fzSeeds() [][]fzOp {
	const (
		sf, mk, hs          = 0, 1, 2
		none                = 0
		acme, eu, globex    = 1, 2, 4
		example             = 8             // a placeholder domain
		pA, pB, pC, pD, pM1 = 1, 2, 3, 4, 5 // in fzRefs
		iA, iB, iH1         = 1, 2, 7       // in fzIdentRefs
	)
	return [][]fzOp{
		// Two persons with one email whose references name a CRM account
		// and a Marketo company not loaded yet (a conflict keeps them
		// apart); the two arrive and merge, and so do the persons.
		{
			fzPerson(0, 0, 1, 0, pA, 0, 0),
			fzPerson(1, 0, 1, 0, pM1, 0, 0),
			fzAcct(sf, 0, 1, acme, none, none),
			fzAcct(mk, 0, 1, acme, none, none),
		},
		// Accounts of two sources that both give the placeholder domain,
		// one besides its real one, and a person with an address there.
		{
			fzAcct(sf, 0, 1, acme|example, none, none),
			fzAcct(mk, 0, 3, example, none, none),
			fzPerson(1, 0, 9, 0, 0, 0, 0),
			fzPerson(1, 1, 1, 0, 0, 0, 0),
		},
		// A person of Acme by domain; a subsidiary with the subdomain takes
		// a person over; a Marketo company merges into Acme.
		{
			fzAcct(sf, 0, 1, acme, none, none),
			fzPerson(1, 0, 1, 0, 0, 0, 0),
			fzPerson(1, 1, 6, 0, 0, 0, 0),
			fzAcct(sf, 1, 0, eu, pA, none),
			fzAcct(mk, 0, 3, globex, pC, iA),
			fzPerson(0, 0, 4, 0, 0, 0, 0),
		},
		// Persons merged by a record carrying both addresses, one of them
		// with an explicit reference elsewhere.
		{
			fzAcct(sf, 0, 1, acme, none, none),
			fzAcct(sf, 2, 3, globex, none, none),
			fzPerson(1, 0, 1, 0, 0, 0, 0),
			fzPerson(1, 1, 4, 0, 0, 0, 0),
			fzPerson(0, 0, 4, 0, pC, 0, 1),
			fzPerson(0, 0, 2, 0, pA, pB, 1),
		},
		// A parent change: C moves from A to B; then a Marketo company
		// under D merges into C by a shared domain.
		{
			fzAcct(sf, 0, 1, acme, none, none),
			fzAcct(sf, 1, 3, none, none, none),
			fzAcct(sf, 2, 4, eu, pA, none),
			fzPerson(1, 0, 3, 0, 0, 0, 0),
			fzAcct(sf, 3, 3, globex, pB, none),
			fzAcct(sf, 2, 4, eu, pB, none),
			fzAcct(mk, 1, 4, eu, pD, none),
			fzPerson(1, 1, 6, 3, 0, 0, 0),
		},
		// Company names: a second account with the same name makes the
		// name ambiguous; a renamed account lets its persons go.
		{
			fzAcct(sf, 0, 1, none, none, none),
			fzPerson(1, 0, 5, 1, 0, 0, 0),
			fzAcct(hs, 0, 2, none, none, none),
			fzAcct(sf, 0, 3, none, none, none),
			fzPerson(0, 1, 0, 1, pM1, pA, 0),
			fzAcct(mk, 0, 1, globex, none, iB),
		},
		// A person waiting for its account; accounts merged by two
		// Marketo companies; a cycle refused; a stale record.
		{
			fzPerson(0, 0, 5, 0, pD, 0, 0),
			fzAcct(sf, 3, 1, acme, pA, none),
			fzAcct(sf, 0, 3, globex, pD, none),
			fzAcct(mk, 0, 0, acme|eu, none, iH1),
			fzAcct(mk, 1, 4, none, pB, iA),
			{account: true, a: sf, b: 3, c: 2, d: acme, time: 0},
			fzPerson(1, 2, 2, 0, 0, pD, 3),
		},
		// A Marketo company whose record changes its account ID, then
		// merges into a CRM account, renamed again; a Salesforce record
		// renamed to the ID of another.
		{
			fzAcct(sf, 0, 1, acme, none, none),
			fzAcct(mk, 0, 3, globex, none, none).rec(1),
			fzPerson(1, 0, 4, 0, pM1, 0, 0),
			fzPerson(1, 1, 0, 2, 0, 0, 0),
			fzAcct(mk, 1, 3, globex, none, none).rec(1),
			fzAcct(mk, 0, 3, globex, none, iA).rec(1),
			fzAcct(sf, 2, 4, eu, none, none).rec(2),
			fzPerson(0, 0, 2, 0, pC, 0, 0),
			fzAcct(sf, 3, 4, eu, none, none).rec(2),
		},
	}
}

func FuzzUnlinked(f *testing.F) {
	for _, s := range fzSeeds() {
		f.Add(fzEncode(s...))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fzRun(t, data) })
}

// fzRun applies the operations data decodes to and checks the results
// after each.
func fzRun(t *testing.T, data []byte) {
	g, err := identity.New(identity.Config{})
	if err != nil {
		t.Fatal(err)
	}
	clock := 1
	var trace []string
	for n, op := range fzDecode(data) {
		switch {
		case op.time == 0:
			// an older time than the last: stale for a record seen since
		case op.time == 1:
		default:
			clock++
		}
		tm := clock
		if op.time == 0 {
			tm = clock - 2
		}
		arec, prec := op.record(tm)
		before := fzSnapshot(t, g)
		var (
			desc     string
			unlinked []b2b.AccountID
			err      error
			ares     identity.AccountResult
			pres     identity.PersonResult
		)
		if op.account {
			a := arec.Account
			desc = fmt.Sprintf("AddAccount(%s:%s at %d: id %s name %q domains %v parent %q ids %v)", arec.Source, cmp.Or(arec.RecordID, string(a.ID)), tm,
				a.ID, a.Name, a.Domains, a.ParentID, arec.Identifiers)
			ares, err = g.AddAccount(arec)
			unlinked = ares.Unlinked
		} else {
			desc = fmt.Sprintf("AddPerson(%s:%s at %d: email %q company %q account %q other %v ids %v)", prec.Source, prec.RecordID, tm,
				prec.Person.Email, prec.Person.Company, prec.Person.AccountID, prec.OtherAccounts, prec.Identifiers)
			pres, err = g.AddPerson(prec)
			unlinked = pres.Unlinked
		}
		trace = append(trace, desc)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("operation %d %s: %s\nbefore: %+v\nafter:  %+v\noperations:\n  %s", n, desc, fmt.Sprintf(format, args...),
				before, fzSnapshot(t, g), strings.Join(trace, "\n  "))
		}
		after := fzSnapshot(t, g)
		if err != nil {
			var ve *b2b.ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, identity.ErrCycle) {
				fail("unexpected kind of error %v", err)
			}
			if !reflect.DeepEqual(before, after) {
				fail("rejected (%v), yet the graph changed", err)
			}
			continue
		}
		if op.account {
			// A new record whose ID names another golden account
			// already, one it cannot merge with (a conflict), makes a
			// golden account that its ID does not name: Account(ID)
			// and Persons(ID) read the other (so does a new version
			// that changes the ID to one of those). The checks read
			// accounts by ID, so they stop here.
			if a, err := g.Account(ares.Account); err != nil || a.ID != ares.Account ||
				!slices.Contains(a.Records, identity.RecordRef{Source: arec.Source, RecordID: cmp.Or(arec.RecordID, string(arec.Account.ID))}) {
				t.Logf("operation %d %s: golden account %s is not what its ID names (%v); checks stop", n, desc, ares.Account, err)
				return
			}
			if ares.Outcome == identity.Stale || ares.Outcome == identity.Duplicate {
				if !reflect.DeepEqual(before, after) {
					fail("outcome %s, yet the graph changed", ares.Outcome)
				}
			}
		} else if pres.Outcome == identity.Stale || pres.Outcome == identity.Duplicate {
			if !reflect.DeepEqual(before, after) {
				fail("outcome %s, yet the graph changed", pres.Outcome)
			}
		}
		if !slices.IsSorted(unlinked) || len(slices.Compact(slices.Clone(unlinked))) != len(unlinked) {
			fail("Unlinked %v is not sorted without repeats", unlinked)
		}
		fzCheckLinks(fail, g, after)

		acctNow := func(id b2b.AccountID) b2b.AccountID {
			a, err := g.Account(id)
			if err != nil {
				fail("account %s known before is unknown now: %v", id, err)
			}
			return a.ID
		}
		personNow := func(id b2b.PersonID) b2b.PersonID {
			p, err := g.Person(id)
			if err != nil {
				fail("person %s known before is unknown now: %v", id, err)
			}
			return p.ID
		}
		personsNow := func(a b2b.AccountID, subs bool) map[b2b.PersonID]bool {
			ps, err := g.Persons(a, subs)
			if err != nil {
				fail("Persons(%s): %v", a, err)
			}
			m := map[b2b.PersonID]bool{}
			for _, p := range ps {
				m[p] = true
			}
			return m
		}
		resolved := func(ps []b2b.PersonID) map[b2b.PersonID]bool {
			m := map[b2b.PersonID]bool{}
			for _, p := range ps {
				m[personNow(p)] = true
			}
			return m
		}

		// Unlinked: exactly the accounts that lost a person.
		lost := fzSet{}
		lostWho := map[b2b.AccountID][]string{}
		for id, ps := range before.direct {
			a := acctNow(id)
			cur := personsNow(a, false)
			for _, p := range ps {
				if pn := personNow(p); !cur[pn] {
					lost[a] = true
					lostWho[a] = append(lostWho[a], fmt.Sprintf("%s (now %s)", p, pn))
				}
			}
		}
		if got := fzSet(setOf(unlinked)); !maps.Equal(got, lost) {
			fail("Unlinked %v, but the accounts that lost a person are %v: %v", unlinked, lost.sorted(), lostWho)
		}

		// Merged: exactly the golden records before the call that are
		// part of the result's golden record now, sorted.
		if !slices.IsSorted(pres.Merged) || !slices.IsSorted(ares.Merged) || !slices.IsSorted(ares.Relinked) {
			fail("Merged %v %v or Relinked %v is not sorted", pres.Merged, ares.Merged, ares.Relinked)
		}
		if op.account {
			want := fzSet{}
			for id, gid := range before.gold {
				if id == gid && gid != ares.Account && acctNow(gid) == ares.Account {
					want[gid] = true
				}
			}
			if got := fzSet(setOf(ares.Merged)); !maps.Equal(got, want) {
				fail("Merged %v, but the golden accounts merged into %s are %v", ares.Merged, ares.Account, want.sorted())
			}
			// MergedPersons: exactly the golden persons before the call
			// that are part of another golden person now, under it.
			wantP := map[b2b.PersonID][]b2b.PersonID{}
			for id, gid := range before.pgold {
				if now := personNow(gid); id == gid && now != gid {
					wantP[now] = append(wantP[now], gid)
				}
			}
			gotP := map[b2b.PersonID][]b2b.PersonID{}
			for i, m := range ares.MergedPersons {
				if i > 0 && ares.MergedPersons[i-1].Person >= m.Person || !slices.IsSorted(m.Merged) {
					fail("MergedPersons %v is not sorted", ares.MergedPersons)
				}
				gotP[m.Person] = m.Merged
			}
			for p := range wantP {
				slices.Sort(wantP[p])
			}
			if !reflect.DeepEqual(gotP, wantP) {
				fail("MergedPersons %v, but the golden persons merged are %v", ares.MergedPersons, wantP)
			}
		} else {
			want := map[b2b.PersonID]bool{}
			for id, gid := range before.pgold {
				if id == gid && gid != pres.Person && personNow(gid) == pres.Person {
					want[gid] = true
				}
			}
			if got := setOf(pres.Merged); !maps.Equal(got, want) {
				fail("Merged %v, but the golden persons merged into %s are %v", pres.Merged, pres.Person, slices.Sorted(maps.Keys(want)))
			}
		}
		// Relinked: exactly the persons whose links changed, the
		// accounts of their links before read by their golden IDs now.
		if op.account {
			want := map[b2b.PersonID]bool{}
			for id, gid := range after.pgold {
				if id != gid {
					continue
				}
				was := slices.Clone(before.full[id])
				for i := range was {
					// An explicit link's reference is named apart when it
					// is not the account's ID, as it no longer is once the
					// account is known by another.
					ref := cmp.Or(was[i].Reference, was[i].Account)
					was[i].Account = acctNow(was[i].Account)
					if was[i].Method == identity.MethodExplicit {
						was[i].Reference = ""
						if ref != was[i].Account {
							was[i].Reference = ref
						}
					}
				}
				if !reflect.DeepEqual(was, after.full[id]) {
					want[id] = true
				}
			}
			// A person that took others in is relinked, whatever its
			// links.
			for _, m := range ares.MergedPersons {
				want[m.Person] = true
			}
			if got := setOf(ares.Relinked); !maps.Equal(got, want) {
				fail("Relinked %v, but the persons whose links changed are %v", ares.Relinked, slices.Sorted(maps.Keys(want)))
			}
		}

		// The accounts that gained a person: those the record's person
		// is linked to now (a person record), the record's account or
		// those of the persons it relinked (an account record).
		told := fzSet{}
		if op.account {
			told[ares.Account] = true
			for _, p := range ares.Relinked {
				gp, err := g.Person(p)
				if err != nil {
					fail("relinked person %s: %v", p, err)
				}
				for _, l := range gp.Links {
					told[l.Account] = true
				}
			}
		} else {
			gp, err := g.Person(pres.Person)
			if err != nil {
				fail("person %s of the result: %v", pres.Person, err)
			}
			for _, l := range gp.Links {
				told[l.Account] = true
			}
		}
		beforeOf := map[b2b.AccountID]map[b2b.PersonID]bool{} // golden now -> persons before, resolved
		beforeRollup := map[b2b.AccountID]map[b2b.PersonID]bool{}
		for id, ps := range before.direct {
			a := acctNow(id)
			if beforeOf[a] == nil {
				beforeOf[a], beforeRollup[a] = map[b2b.PersonID]bool{}, map[b2b.PersonID]bool{}
			}
			maps.Copy(beforeOf[a], resolved(ps))
			maps.Copy(beforeRollup[a], resolved(before.rollup[id]))
		}
		nowGold := fzSet{}
		for _, a := range after.gold {
			nowGold[a] = true
		}
		gained := fzSet{}
		for a := range nowGold {
			for p := range personsNow(a, false) {
				if !beforeOf[a][p] {
					gained[a] = true
				}
			}
		}
		for a := range gained {
			if !told[a] {
				fail("account %s gained a person (now %v, before %v), yet is none of the accounts the result names (%v)",
					a, slices.Sorted(maps.Keys(personsNow(a, false))), slices.Sorted(maps.Keys(beforeOf[a])), told.sorted())
			}
		}

		if !op.account {
			fzCheckRollup(fail, g, beforeRollup, nowGold, personsNow, told, fzSet(setOf(unlinked)), nil)
			continue
		}
		if ares.Outcome == identity.Stale || ares.Outcome == identity.Duplicate {
			continue
		}
		// FormerAncestors: the ancestors before the record of the golden
		// accounts it updated or merged, by their golden IDs now.
		if !slices.IsSorted(ares.FormerAncestors) || len(slices.Compact(slices.Clone(ares.FormerAncestors))) != len(ares.FormerAncestors) {
			fail("FormerAncestors %v is not sorted without repeats", ares.FormerAncestors)
		}
		want := fzSet{}
		var involved []b2b.AccountID
		for id, gid := range before.gold {
			if id != gid || acctNow(gid) != ares.Account {
				continue
			}
			involved = append(involved, gid)
			for _, x := range before.anc[gid] {
				if x != gid {
					want[acctNow(x)] = true
				}
			}
		}
		got := fzSet(setOf(ares.FormerAncestors))
		for a := range want {
			if !got[a] {
				fail("FormerAncestors %v lacks %s, a former ancestor of %v (before: %v)", ares.FormerAncestors, a, involved, before.anc)
			}
		}
		for a := range got {
			if !want[a] {
				fail("FormerAncestors %v holds %s, no former ancestor of %v (before: %v)", ares.FormerAncestors, a, involved, before.anc)
			}
		}
		fzCheckRollup(fail, g, beforeRollup, nowGold, personsNow, told, fzSet(setOf(unlinked)), got)
	}

	// A graph restored from its snapshot answers as the graph: the same
	// golden records, links and hierarchy, and the same person for each
	// email.
	h, err := identity.Restore(identity.Config{}, g.Snapshot())
	if err != nil {
		t.Fatalf("Restore: %v\noperations:\n  %s", err, strings.Join(trace, "\n  "))
	}
	if want, got := fzSnapshot(t, g), fzSnapshot(t, h); !reflect.DeepEqual(want, got) {
		t.Fatalf("restored graph:\n%+v\nwant:\n%+v\noperations:\n  %s", got, want, strings.Join(trace, "\n  "))
	}
	for _, e := range fzEmails {
		id := identity.Identifier{Namespace: identity.NSEmail, Value: e}
		want, wok := g.Lookup(id)
		if got, gok := h.Lookup(id); got != want || gok != wok {
			t.Fatalf("restored graph: Lookup(%s) = %q, %v, want %q, %v\noperations:\n  %s", e, got, gok, want, wok, strings.Join(trace, "\n  "))
		}
	}
}

func setOf[T comparable](xs []T) map[T]bool {
	m := map[T]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// fzCheckLinks checks that the persons' links and the accounts' persons
// agree.
func fzCheckLinks(fail func(string, ...any), g *identity.Graph, s fzSnap) {
	for p, ls := range s.links {
		if s.pgold[p] != p {
			continue
		}
		for _, a := range ls {
			ps, err := g.Persons(a, false)
			if err != nil || !slices.Contains(ps, p) {
				fail("person %s is linked to %s, whose persons are %v (%v)", p, a, ps, err)
			}
		}
	}
	for id, ps := range s.direct {
		for _, p := range ps {
			if !slices.Contains(s.links[p], s.gold[id]) {
				fail("account %s (%s) lists person %s, whose links are %v", s.gold[id], id, p, s.links[p])
			}
		}
	}
	// The placeholder domain finds no account and links no person.
	if a, ok := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "example.com"}); ok {
		fail("LookupAccount(example.com) = %s, want none", a)
	}
	for p, ls := range s.full {
		for _, l := range ls {
			if l.Method == identity.MethodEmailDomain && strings.Contains(l.Evidence, "example.com") {
				fail("person %s is linked by a placeholder domain: %+v", p, l)
			}
		}
	}
}

// fzCheckRollup checks that the accounts whose persons with subsidiaries
// changed are among those a caller with roll-up updates: told and
// unlinked (the accounts whose own persons changed), former (the former
// ancestors), and the ancestors of all of them now.
func fzCheckRollup(fail func(string, ...any), g *identity.Graph, beforeRollup map[b2b.AccountID]map[b2b.PersonID]bool,
	nowGold fzSet, personsNow func(b2b.AccountID, bool) map[b2b.PersonID]bool, told, unlinked, former fzSet) {
	allowed := fzSet{}
	for _, s := range []fzSet{told, unlinked, former} {
		for a := range s {
			allowed[a] = true
			anc, _ := g.Ancestors(a)
			for _, x := range anc {
				allowed[x] = true
			}
		}
	}
	for a := range nowGold {
		now := personsNow(a, true)
		if maps.Equal(now, beforeRollup[a]) || allowed[a] {
			continue
		}
		fail("the persons with subsidiaries of %s changed (before %v, now %v), yet it is none of %v with their ancestors (told %v, unlinked %v, former %v)",
			a, slices.Sorted(maps.Keys(beforeRollup[a])), slices.Sorted(maps.Keys(now)), allowed.sorted(), told.sorted(), unlinked.sorted(), former.sorted())
	}
}
