package identity

// BatchResult says what adding a batch of person records did.
type BatchResult struct {
	// Outcomes counts the accepted records by outcome.
	Outcomes map[Outcome]int
	// Rejected lists the rejected records in batch order.
	Rejected []BatchError
	// Conflicts lists the links that were refused, in order.
	Conflicts []Conflict
	// Merged counts the golden persons merged into others.
	Merged int
	// LinksChanged counts the records after which their person's account
	// links had changed.
	LinksChanged int
}

// A BatchError is a rejected record of a batch: its index in the batch and
// the error AddPerson would have returned for it.
type BatchError struct {
	Index int
	Err   error
}

// batchGroup is the number of records AddPersons prepares before it adds
// them.
const batchGroup = 64

// batchScratch holds a group of prepared records.
type batchScratch struct {
	recs   [batchGroup]PersonRecord
	bufs   [batchGroup][6]identKey
	idents [batchGroup][]identKey
	extra  [batchGroup][]identKey
	ok     [batchGroup]bool
}

// AddPersons adds person records in order and leaves the graph as calling
// AddPerson on each in turn would: the same golden persons, links, counters
// and rejections. It returns the outcomes in total instead of one
// PersonResult per record (no person IDs are built), and it works through
// the batch in groups, reading the index entries of a group's records
// together before adding them, so that the waits for memory overlap; it is
// the faster way to load many records. The records in recs are not
// modified.
func (g *Graph) AddPersons(recs []PersonRecord) BatchResult {
	out := BatchResult{Outcomes: map[Outcome]int{}}
	if g.batch == nil {
		g.batch = new(batchScratch)
	}
	s := g.batch
	var sink int32
	for start := 0; start < len(recs); start += batchGroup {
		n := min(batchGroup, len(recs)-start)
		// Prepare the group and touch the index slots its records will
		// read. Preparing reads only the configuration, so doing it ahead
		// of adding the earlier records of the group changes nothing.
		for j := range n {
			p := &s.recs[j]
			*p = recs[start+j]
			idents, extra, err := g.preparePerson(p, s.bufs[j][:0])
			if err != nil {
				s.ok[j] = false
				out.Rejected = append(out.Rejected, BatchError{start + j, g.reject(err)})
				continue
			}
			s.ok[j], s.idents[j], s.extra[j] = true, idents, extra
			sink += g.pkeyMap(g.sources.intern(p.Source)).touch(p.RecordID, n)
			for _, k := range idents {
				sink += k.ns.persons.touch(k.val, n*len(idents))
			}
			if ref := p.Person.AccountID; ref != "" {
				sink += g.nsAcctID.accounts.touch(string(ref))
			}
		}
		for j := range n {
			if !s.ok[j] {
				continue
			}
			res, merged := g.addPrepared(&s.recs[j], s.idents[j], s.extra[j], false)
			out.Outcomes[res.Outcome]++
			out.Conflicts = append(out.Conflicts, res.Conflicts...)
			out.Merged += merged
			if res.LinksChanged {
				out.LinksChanged++
			}
		}
		clear(s.recs[:n])
		clear(s.idents[:n])
		clear(s.extra[:n])
	}
	g.sink += sink
	return out
}
