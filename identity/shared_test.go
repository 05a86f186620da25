package identity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// checkShared returns an error naming an identifier a record gives that
// the index holds for another golden record (or for none) and that
// pShared (aShared) does not list, though the golden record of the record
// could take it (its records give no other value of its unique
// namespace): an erasure or a replaced value would then leave it to no
// one where a pass over all the records would hand it over.
func (g *Graph) checkShared() error {
	for m := int32(0); m < g.precs.len(); m++ {
		r := g.precs.at(m)
		if r.dead {
			continue
		}
		root := g.pfind(m)
		var keys []identKey
		for k := range g.extras(r) {
			keys = append(keys, k)
		}
		if e := g.email(r); e != "" && !b2b.PlaceholderEmail(e) {
			keys = append(keys, identKey{g.nsEmail, e})
		}
		for _, k := range keys {
			if o, ok := k.ns.persons.get(k.val); ok && g.pfind(o) == root {
				continue
			}
			if _, s := g.pShared[k]; s {
				continue
			}
			if k.ns.spec.Unique && g.givesOther(root, k) {
				continue
			}
			return fmt.Errorf("person record %d gives %s:%s unmarked", m, k.ns.spec.Name, k.val)
		}
	}
	for m := range g.arecs {
		root := g.afind(int32(m))
		for _, k := range g.arecs[m].extra {
			if k.ns == g.nsAcctID || k.ns == g.nsDomain {
				continue
			}
			if o, ok := k.ns.accounts.get(k.val); ok && g.afind(o) == root {
				continue
			}
			if _, s := g.aShared[k]; s {
				continue
			}
			if k.ns.spec.Unique && g.accountGivesOther(root, k) {
				continue
			}
			return fmt.Errorf("account record %d gives %s:%s unmarked", m, k.ns.spec.Name, k.val)
		}
	}
	return nil
}

// TestSharedMarked adds random person and account records (one by one and
// in batches), erases persons and restores the graph from its snapshot,
// and after each call checks that every identifier a record gives that
// another golden record holds, or none, and that its own could take, is
// in pShared (aShared): those are the only ones an erasure or a replaced
// value hands to another holder.
func TestSharedMarked(t *testing.T) {
	cfgs := []Config{
		{Namespaces: []NamespaceSpec{{Name: "duns", Unique: true}}},
		{Namespaces: []NamespaceSpec{{Name: "duns", Unique: true}, {Name: NSEmail, Unique: true}}},
	}
	emails := []string{"ann@acme.com", "bob@acme.com", "ann@gmail.com", "noreply@acme.com", "cy@eu.acme.com", ""}
	contacts := []string{"", "", "0035e00000AAAAA", "0035e00000BBBBB", "0035e00000CCCCC"}
	leads := []string{"", "", "00Q5e00000AAAAA", "00Q5e00000BBBBB"}
	accts := []string{"", "001A", "001B", "001C"}
	duns := []string{"", "111", "222", "333"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		cfg := cfgs[seed%2]
		g, err := New(cfg)
		require.NoError(t, err)
		var trace []string
		clock := 0
		person := func() PersonRecord {
			clock++
			p := PersonRecord{Source: []string{"salesforce", "marketo", "hubspot"}[r.IntN(3)], RecordID: fmt.Sprint("p", r.IntN(5)),
				Time: t0.Add(time.Duration(clock-r.IntN(3)) * time.Hour)}
			p.Person.Email = emails[r.IntN(len(emails))]
			p.Person.AccountID = b2b.AccountID(accts[r.IntN(len(accts))])
			if c := contacts[r.IntN(len(contacts))]; c != "" {
				p.Identifiers = append(p.Identifiers, Identifier{Namespace: NSSalesforceContactID, Value: c})
			}
			if c := leads[r.IntN(len(leads))]; c != "" {
				p.Identifiers = append(p.Identifiers, Identifier{Namespace: NSSalesforceLeadID, Value: c})
			}
			if r.IntN(4) == 0 {
				p.Identifiers = append(p.Identifiers, Identifier{Namespace: NSEmail, Value: emails[r.IntN(3)]})
			}
			if p.Person.Email == "" && len(p.Identifiers) == 0 {
				p.Person.Email = emails[0]
			}
			return p
		}
		for range 25 {
			switch k := r.IntN(10); {
			case k < 5:
				p := person()
				trace = append(trace, fmt.Sprintf("AddPerson(%+v)", p))
				_, _ = g.AddPerson(p)
			case k < 6:
				ps := []PersonRecord{person(), person(), person()}
				trace = append(trace, fmt.Sprintf("AddPersons(%+v)", ps))
				g.AddPersons(ps)
			case k < 8:
				clock++
				a := AccountRecord{Source: []string{"salesforce", "hubspot"}[r.IntN(2)], RecordID: fmt.Sprint("a", r.IntN(3)),
					Time: t0.Add(time.Duration(clock-r.IntN(2)) * time.Hour)}
				a.Account.ID = b2b.AccountID(accts[1+r.IntN(3)])
				a.Account.Name = "Acme"
				a.Account.Domains = []string{[]string{"acme.com", "eu.acme.com"}[r.IntN(2)]}
				if d := duns[r.IntN(len(duns))]; d != "" {
					a.Identifiers = []Identifier{{Namespace: "duns", Value: d}}
				}
				trace = append(trace, fmt.Sprintf("AddAccount(%+v)", a))
				_, _ = g.AddAccount(a)
			case k < 9:
				id := Identifier{Namespace: NSEmail, Value: emails[r.IntN(3)]}
				if r.IntN(2) == 0 {
					id = Identifier{Namespace: NSSalesforceContactID, Value: contacts[2+r.IntN(3)]}
				}
				if p, ok := g.Lookup(id); ok {
					trace = append(trace, fmt.Sprintf("Erase(%s)", p))
					_, err := g.Erase(p)
					require.NoError(t, err)
				}
			default:
				trace = append(trace, "Restore")
				g, err = Restore(cfg, g.Snapshot())
				require.NoError(t, err)
			}
			require.NoError(t, g.checkShared(), "seed %d, operations:\n  %s", seed, strings.Join(trace, "\n  "))
		}
	}
}
