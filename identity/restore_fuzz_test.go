package identity_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/quorumhq/quorum/identity"
)

// fzContacts are the Salesforce contact IDs of FuzzRestoreMidway's persons.
var fzContacts = []string{"0035e00000AAAAA", "0035e00000BBBBB", "0035e00000CCCCC"}

// FuzzRestoreMidway: a graph restored from its snapshot after any of the
// operations of FuzzUnlinked's universe (with erasures and Salesforce
// contacts) goes on as the graph: each record that arrives next gives
// both the same result, and at the end both have the same snapshot,
// golden records (their identifiers, records and domains in order),
// hierarchy, unresolved persons and person for each email.
func FuzzRestoreMidway(f *testing.F) {
	const (
		sf, mk   = 0, 1
		none     = 0
		acme, eu = 1, 2
		iA       = 1 // in fzIdentRefs
	)
	seeds := []struct {
		cut int
		ops []fzOp
	}{
		// A record's identifier made its email, then another email.
		{2, []fzOp{fzPerson(0, 0, 1, 0, 0, 0, 2), fzPerson(0, 0, 2, 0, 0, 0, 0), fzPerson(0, 0, 3, 0, 0, 0, 0)}},
		// Accounts merged out of order, then a new version's domains.
		{3, []fzOp{
			fzAcct(mk, 0, 1, eu, none, none),
			fzAcct(sf, 0, 1, acme, none, none),
			fzAcct(mk, 0, 1, eu, none, iA),
			fzAcct(sf, 0, 1, eu|acme, none, none),
			fzPerson(1, 0, 3, 0, 0, 0, 0),
		}},
		// Two contacts with one email (a conflict keeps them apart, the
		// first holds it), then the first erased: the email goes to the
		// second, in the restored graph as in the graph.
		{2, []fzOp{
			{a: sf, b: 0, c: 1, d: 0, time: 6},
			{a: sf, b: 1, c: 1, d: 1, time: 6},
			{b: 0, time: 7},
		}},
	}
	for _, s := range seeds {
		f.Add(uint8(s.cut), fzEncode(s.ops...))
	}
	for _, ops := range fzSeeds() {
		for _, cut := range []int{len(ops) / 3, len(ops) / 2, len(ops) - 1} {
			f.Add(uint8(cut), fzEncode(ops...))
		}
	}
	f.Fuzz(func(t *testing.T, cut uint8, data []byte) {
		ops := fzDecode(data)
		g, err := identity.New(identity.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var h *identity.Graph
		clock := 1
		var trace []string
		for n, op := range ops {
			if n == int(cut) {
				if h, err = identity.Restore(identity.Config{}, g.Snapshot()); err != nil {
					t.Fatalf("Restore: %v\noperations:\n  %s", err, strings.Join(trace, "\n  "))
				}
				trace = append(trace, "Restore")
			}
			if op.time > 1 {
				clock++
			}
			tm := clock
			if op.time == 0 {
				tm = clock - 2
			}
			arec, prec := op.record(tm)
			// A person operation at the last time of all erases a person;
			// at the one before, its record names a Salesforce contact
			// too, so that two persons' contacts may clash.
			erase := !op.account && op.time == 7
			if !op.account && op.time == 6 {
				prec.Identifiers = append(prec.Identifiers, identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: pick(fzContacts, op.d)})
			}
			apply := func(g *identity.Graph) (any, string) {
				var res any
				var err error
				switch {
				case erase:
					res, err = g.Erase(pick(fzAllPersons, op.b))
				case op.account:
					res, err = g.AddAccount(arec)
				default:
					res, err = g.AddPerson(prec)
				}
				return res, fmt.Sprint(err)
			}
			switch {
			case erase:
				trace = append(trace, fmt.Sprintf("Erase(%s)", pick(fzAllPersons, op.b)))
			case op.account:
				trace = append(trace, fmt.Sprintf("AddAccount(%+v)", arec))
			default:
				trace = append(trace, fmt.Sprintf("AddPerson(%+v)", prec))
			}
			want, werr := apply(g)
			if h == nil {
				continue
			}
			if got, gerr := apply(h); !reflect.DeepEqual(want, got) || werr != gerr {
				t.Fatalf("restored graph: %+v, %s\nwant %+v, %s\noperations:\n  %s", got, gerr, want, werr, strings.Join(trace, "\n  "))
			}
		}
		if h == nil {
			return
		}
		fail := func(what string, want, got any) {
			t.Helper()
			t.Fatalf("restored graph: %s:\n%+v\nwant:\n%+v\noperations:\n  %s", what, got, want, strings.Join(trace, "\n  "))
		}
		st := g.Snapshot()
		if got := h.Snapshot(); !reflect.DeepEqual(st, got) {
			fail("snapshot", st, got)
		}
		for _, s := range st.Persons {
			want, werr := g.Person(s.Person)
			got, gerr := h.Person(s.Person)
			if !reflect.DeepEqual(want, got) || fmt.Sprint(werr) != fmt.Sprint(gerr) {
				fail("person "+string(s.Person), want, got)
			}
		}
		for _, s := range st.Accounts {
			want, werr := g.Account(s.Account)
			got, gerr := h.Account(s.Account)
			if !reflect.DeepEqual(want, got) || fmt.Sprint(werr) != fmt.Sprint(gerr) {
				fail("account "+string(s.Account), want, got)
			}
		}
		if want, got := g.Unresolved(), h.Unresolved(); !reflect.DeepEqual(want, got) {
			fail("unresolved", want, got)
		}
		if want, got := fzSnapshot(t, g), fzSnapshot(t, h); !reflect.DeepEqual(want, got) {
			fail("hierarchy and links", want, got)
		}
		for _, e := range fzEmails {
			id := identity.Identifier{Namespace: identity.NSEmail, Value: e}
			want, wok := g.Lookup(id)
			if got, gok := h.Lookup(id); got != want || gok != wok {
				fail("Lookup("+e+")", want, got)
			}
		}
	})
}
