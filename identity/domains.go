package identity

// domainIndex holds, for each web domain, the accounts that own it and the
// persons whose email domain is it or under it (waiting: a later account
// with the domain re-resolves them). Resolution reads both for the same
// domain, so they share one entry and one lookup; the keys live in a
// strIndex, which the garbage collector does not scan. The index of
// company name keys (Graph.names) is one too: the accounts of a name and
// the persons waiting for it.
type domainIndex struct {
	keys *strIndex
	ents []domainEntry
}

type domainEntry struct {
	accts list   // account roots
	wait  list   // person roots
	key   keyRef // the domain, in keys
}

// name returns the domain of entry i.
func (x *domainIndex) name(i int32) string { return x.keys.keys.str(x.ents[i].key) }

// entryIndex returns the index of a domain's entry, creating it.
func (x *domainIndex) entryIndex(d string) int32 {
	i, found, ref := x.keys.getOrPutKey(d, int32(len(x.ents)))
	if !found {
		x.ents = append(x.ents, domainEntry{key: ref})
	}
	return i
}

func newDomainIndex() domainIndex { return domainIndex{keys: newStrIndex()} }

// get returns the entry of a domain, or nil.
func (x *domainIndex) get(d string) *domainEntry {
	if i, ok := x.keys.get(d); ok {
		return &x.ents[i]
	}
	return nil
}

// entry returns the entry of a domain, creating it.
func (x *domainIndex) entry(d string) *domainEntry {
	return &x.ents[x.entryIndex(d)]
}

// lookup returns the entry of a domain, created when create is set, or
// nil.
func (x *domainIndex) lookup(d string, create bool) *domainEntry {
	if create {
		return x.entry(d)
	}
	return x.get(d)
}
