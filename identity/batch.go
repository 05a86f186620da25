package identity

import "strings"

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
	first  [batchGroup]int // the index in probes of each record's first probe
	// the index reads of the group: the person indexes' slots, then the
	// account reference and domain indexes'
	probes []probe
	keyed  []probe
	hashes []uint32 // the hashes of probes, which adding the records uses
}

// probe is the slot of a key in a table: a person index (recs) or a string
// index (strs) of account references (domain false) or of domains.
type probe struct {
	recs   *recIndex
	strs   *strIndex
	hash   uint32
	domain bool
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
	var outcomes [nOutcomes]int
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
		s.probes, s.keyed = s.probes[:0], s.keyed[:0]
		for j := range n {
			p := &s.recs[j]
			*p = recs[start+j]
			idents, extra, err := g.preparePerson(p, s.bufs[j][:0], false)
			if err != nil {
				s.ok[j] = false
				out.Rejected = append(out.Rejected, BatchError{start + j, g.reject(err)})
				continue
			}
			s.ok[j], s.idents[j], s.extra[j] = true, idents, extra
			t := g.pkeyMap(g.sources.intern(p.Source))
			s.first[j] = len(s.probes)
			s.probes = append(s.probes, probe{recs: t, hash: t.hash(p.RecordID)})
			for _, k := range idents {
				s.probes = append(s.probes, probe{recs: k.ns.persons, hash: k.ns.persons.hash(k.val)})
			}
			if ref := p.Person.AccountID; ref != "" {
				t := g.nsAcctID.accounts
				s.keyed = append(s.keyed, probe{strs: t, hash: t.hash(string(ref))})
			} else if host := EmailDomain(p.Person.Email); host != "" {
				// The host and its parent, without asking the Public
				// Suffix List as resolution does (parentDomain): a
				// probe of "co.uk" for "acme.co.uk" finds nothing, and
				// costs less than the question.
				t := g.domains.keys
				s.keyed = append(s.keyed, probe{strs: t, hash: t.hash(host), domain: true})
				if i := strings.IndexByte(host, '.'); i >= 0 && strings.IndexByte(host[i+1:], '.') >= 0 {
					s.keyed = append(s.keyed, probe{strs: t, hash: t.hash(host[i+1:]), domain: true})
				}
			}
		}
		sink += g.prefetch(s)
		s.hashes = s.hashes[:0]
		for _, pr := range s.probes {
			s.hashes = append(s.hashes, pr.hash)
		}
		for j := range n {
			if !s.ok[j] {
				continue
			}
			hs := s.hashes[s.first[j] : s.first[j]+1+len(s.idents[j])]
			res, merged := g.addPrepared(&s.recs[j], s.idents[j], s.extra[j], false, hs)
			for o, x := range outcomeList {
				if x == res.Outcome {
					outcomes[o]++
					break
				}
			}
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
	for o, n := range outcomes {
		if n > 0 {
			out.Outcomes[outcomeList[o]] = n
		}
	}
	return out
}

// prefetch reads the memory that adding the group will read, in rounds
// that each read what the round before found: the index slots, then the
// records and accounts the slots name, then what those point to. The reads
// of a round are independent of one another, so the processor overlaps
// their misses instead of waiting for each in turn while adding. It
// changes nothing but the tables' sizes (it grows the person indexes the
// group adds to first, so that the slots it reads are the ones used), and
// returns a value to be thrown away.
func (g *Graph) prefetch(s *batchScratch) int32 {
	var sink int32
	for _, pr := range s.probes {
		pr.recs.reserve(len(s.probes))
	}
	// Round 1: the slots, and the cache line after the home slot's, into
	// which a probe run (of a key not yet held, mostly) often goes on.
	for _, pr := range s.probes {
		slots := pr.recs.slots
		mask := uint32(len(slots) - 1)
		i := pr.hash & mask
		sink += slots[i].val + slots[(i|7+1)&mask].val
	}
	for _, pr := range s.keyed {
		if len(pr.strs.slots) > 0 {
			sink += pr.strs.slots[pr.hash&uint32(len(pr.strs.slots)-1)].val
		}
	}
	// Round 2: the records a slot names (compared with the key, then
	// merged), the account a reference names and its key, the entry of a
	// domain.
	for _, pr := range s.probes {
		if sl := pr.recs.slots[pr.hash&uint32(len(pr.recs.slots)-1)]; sl.val >= 0 && sl.hash == pr.hash {
			r := g.precs.at(sl.val)
			sink += int32(r.ends[nText-1]) + r.parent
		}
	}
	for _, pr := range s.keyed {
		if sl := g.keyedSlot(pr); sl != nil {
			if sl.key.pos&longFlag == 0 {
				sink += int32(pr.strs.keys.bytes(sl.key)[0])
			}
			if pr.domain {
				sink += int32(g.domains.ents[sl.val].wait.len())
			} else if int(sl.val) < len(g.arecs) {
				sink += g.aparent[sl.val] + int32(g.acctMembers[sl.val].len())
			}
		}
	}
	// Round 3: the text and golden person of those records, the end of an
	// account's member list and of a domain's waiting list.
	for _, pr := range s.probes {
		if sl := pr.recs.slots[pr.hash&uint32(len(pr.recs.slots)-1)]; sl.val >= 0 && sl.hash == pr.hash {
			r := g.precs.at(sl.val)
			if !r.long && r.ends[nText-1] > 0 {
				sink += int32(g.text.chunks[r.tc][r.to])
			}
			if root := g.precs.at(r.parent); root.gold != 0 {
				sink += g.goldens.at(root.gold - 1).win[pfEmail]
			}
		}
	}
	for _, pr := range s.keyed {
		if sl := g.keyedSlot(pr); sl != nil {
			var l []int32
			if pr.domain {
				l = g.lists.items(g.domains.ents[sl.val].wait)
			} else if int(sl.val) < len(g.acctMembers) {
				l = g.lists.items(g.acctMembers[sl.val])
			}
			if len(l) > 0 {
				sink += l[len(l)-1]
			}
			if pr.domain {
				if a := g.lists.items(g.domains.ents[sl.val].accts); len(a) > 0 {
					sink += a[0]
				}
			}
		}
	}
	// Round 4: the member list of the (root) account a domain names, which
	// the person then joins.
	for _, pr := range s.keyed {
		if sl := g.keyedSlot(pr); sl != nil && pr.domain {
			if a := g.lists.items(g.domains.ents[sl.val].accts); len(a) > 0 {
				if l := g.lists.items(g.acctMembers[a[0]]); len(l) > 0 {
					sink += l[len(l)-1]
				}
			}
		}
	}
	return sink
}

// keyedSlot returns the home slot of a string index probe if it holds the
// probe's hash, or nil.
func (g *Graph) keyedSlot(pr probe) *strSlot {
	if len(pr.strs.slots) == 0 {
		return nil
	}
	sl := &pr.strs.slots[pr.hash&uint32(len(pr.strs.slots)-1)]
	if sl.val < 0 || sl.hash != pr.hash {
		return nil
	}
	return sl
}
