package engine

import (
	"encoding/json"
	"slices"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/persona"
)

// resolvePerson maps a person reference from a source (a record ID such as
// a Marketo lead ID) or a golden ID to the golden person. Callers hold idMu.
func (e *Engine) resolvePerson(source b2b.Source, ref b2b.PersonID) (b2b.PersonID, bool) {
	if id, ok := e.graph.PersonOfRecord(source, string(ref)); ok {
		return id, true
	}
	if gp, err := e.graph.Person(ref); err == nil {
		return gp.ID, true
	}
	return "", false
}

// resolveAccount maps an account reference to its golden ID (itself when
// unknown to identity). Callers hold idMu.
func (e *Engine) resolveAccount(ref b2b.AccountID) b2b.AccountID {
	if ga, err := e.graph.Account(ref); err == nil {
		return ga.ID
	}
	return ref
}

// markPersons marks an account (and, with rollup, its ancestors) as
// needing its person list recomputed. Callers hold idMu.
func (e *Engine) markPersons(works map[b2b.AccountID]*work, acc b2b.AccountID) {
	accs := []b2b.AccountID{acc}
	if e.cfg.Rollup {
		accs = e.withAncestors(accs)
	}
	for _, a := range accs {
		if _, err := e.graph.Account(a); err != nil {
			continue // an account identity does not know has no state to update
		}
		w := workFor(works, a)
		w.create, w.persons = true, true
	}
}

// markAccountsOf marks every account a person is linked to.
func (e *Engine) markAccountsOf(works map[b2b.AccountID]*work, p b2b.PersonID) {
	accounts, _ := e.graph.AppendLinkedAccounts(nil, p)
	for _, a := range accounts {
		e.markPersons(works, a)
	}
}

func (e *Engine) withAncestors(accs []b2b.AccountID) []b2b.AccountID {
	out := slices.Clone(accs)
	for _, a := range accs {
		anc, _ := e.graph.Ancestors(a)
		out = append(out, anc...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// identityOf returns an account's golden record and, when persons is set,
// its person list (classified by classifier), as the identity graph has
// them now; false when the graph does not know the account. It takes idMu
// while it reads the graph.
func (e *Engine) identityOf(acc b2b.AccountID, persons bool, classifier persona.Classifier) (b2b.Account, json.RawMessage, []personEntry, b2b.AccountID, bool) {
	a, from, list, into, ok := e.graphEntries(acc, persons)
	if !ok || !persons || into != "" {
		return a, from, nil, into, ok
	}
	evidence := map[string]string{}
	for i := range list {
		pe := &list[i]
		// The persons of an account mostly share their link's
		// explanation (its domain, say): the state keeps one copy.
		if ev, ok := evidence[pe.Link.Evidence]; ok {
			pe.Link.Evidence = ev
		} else {
			evidence[pe.Link.Evidence] = pe.Link.Evidence
		}
		if pe.Person.Seniority == "" || pe.Person.Department == "" {
			filled, found := persona.Apply(classifier, pe.Person)
			if filled.Seniority != pe.Person.Seniority || filled.Department != pe.Person.Department {
				// A classifier's reasons are mostly phrases of its
				// lexicon's words, shared by many persons. The list is
				// the engine's own: a classifier may keep the one it
				// returned.
				pe.Classified = make([]string, len(found.Reasons))
				for i, r := range found.Reasons {
					pe.Classified[i] = e.names.intern(r)
				}
				pe.Filled = filledOf(&pe.Person, &filled)
			}
			pe.Person = filled
		}
	}
	return a, from, list, "", true
}

// graphEntries reads an account's golden record and its origin (see
// Recover) and, when persons is set, its persons with their links to it,
// under idMu. For an account merged into another it gives no origin (its
// state keeps its own) and no persons, and into, the account it was
// merged into.
func (e *Engine) graphEntries(acc b2b.AccountID, persons bool) (a b2b.Account, from json.RawMessage, list []personEntry, into b2b.AccountID, ok bool) {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	golden, err := e.graph.Account(acc)
	if err != nil {
		return b2b.Account{}, nil, nil, "", false
	}
	a = golden.Account
	a.ID = acc
	if golden.ID != acc {
		// acc was merged into golden.ID: its records and persons are that
		// account's now, and its state lets the persons go.
		return a, nil, nil, golden.ID, true
	}
	from = accountOrigin(&golden, e.accountUnindexed(&golden))
	if !persons {
		return a, from, nil, "", true
	}
	ids, err := e.graph.Persons(acc, e.cfg.Rollup)
	if err != nil {
		return b2b.Account{}, nil, nil, "", false
	}
	list = make([]personEntry, 0, len(ids))
	var ancestors map[b2b.AccountID][]b2b.AccountID // with rollup, of each account once
	for _, id := range ids {
		gp, err := e.graph.Person(id)
		if err != nil {
			continue
		}
		pe := personEntry{Person: gp.Person, Origin: personOrigin(&gp, e.unindexed(&gp))}
		pe.Link = identity.Link{Account: acc, Method: "rollup", Evidence: "a person of a subsidiary"}
		for _, l := range gp.Links {
			if l.Account == acc {
				pe.Link = l
			}
		}
		if len(gp.Links) > 1 || e.cfg.Rollup {
			pe.Others = e.otherAccounts(acc, gp.Links, &ancestors)
		}
		list = append(list, pe)
	}
	return a, from, list, "", true
}

// unindexed lists a golden person's identifiers that the graph's index
// gives to another person (a conflict kept them with the one that held
// them first) or to no one (their holder was erased, and no other person
// may take them, its records giving another value of the namespace):
// Recover needs them, the records not telling which held an identifier
// first. Nil for most
// persons. Callers hold idMu.
func (e *Engine) unindexed(gp *identity.GoldenPerson) []identity.Identifier {
	var out []identity.Identifier
	for _, id := range gp.Identifiers {
		if p, ok := e.graph.Lookup(id); !ok || p != gp.ID {
			out = append(out, id)
		}
	}
	return out
}

// accountUnindexed lists a golden account's identifiers (IDs, domains
// and the others its records carry) that the graph's index gives to
// another account, which held them first and from which a conflict kept
// this one apart (a domain two CRM accounts share): Recover needs them,
// the records not telling which held an identifier first. Nil for most
// accounts. Callers hold idMu.
func (e *Engine) accountUnindexed(ga *identity.GoldenAccount) []identity.Identifier {
	var out []identity.Identifier
	for _, id := range ga.Identifiers {
		if a, ok := e.graph.LookupAccount(id); !ok || a != ga.ID {
			out = append(out, id)
		}
	}
	return out
}

// otherAccounts lists the accounts other than acc whose states hold a
// person linked to links: the linked accounts and, with rollup, their
// parents, in ID order. ancestors caches each account's parents. Callers
// hold idMu.
func (e *Engine) otherAccounts(acc b2b.AccountID, links []identity.Link, ancestors *map[b2b.AccountID][]b2b.AccountID) []b2b.AccountID {
	var out []b2b.AccountID
	for _, l := range links {
		out = append(out, l.Account)
		if !e.cfg.Rollup {
			continue
		}
		anc, ok := (*ancestors)[l.Account]
		if !ok {
			anc, _ = e.graph.Ancestors(l.Account)
			if *ancestors == nil {
				*ancestors = map[b2b.AccountID][]b2b.AccountID{}
			}
			(*ancestors)[l.Account] = anc
		}
		out = append(out, anc...)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	out = slices.DeleteFunc(out, func(a b2b.AccountID) bool { return a == acc })
	if len(out) == 0 {
		return nil
	}
	return out
}
