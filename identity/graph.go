package identity

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Sentinel errors of the graph.
var (
	// ErrUnknownPerson is returned for a person ID the graph does not hold.
	ErrUnknownPerson = errors.New("unknown person")
	// ErrUnknownAccount is returned for an account ID the graph does not hold.
	ErrUnknownAccount = errors.New("unknown account")
	// ErrCycle is matched by a [*CycleError].
	ErrCycle = errors.New("account hierarchy cycle")
)

// A CycleError reports an account whose parent would make the hierarchy a
// cycle. Path lists the accounts from the account back to itself.
type CycleError struct {
	Path []b2b.AccountID
}

func (e *CycleError) Error() string {
	s := "account hierarchy cycle: "
	for i, a := range e.Path {
		if i > 0 {
			s += " -> "
		}
		s += string(a)
	}
	return s
}

// Is reports whether target is ErrCycle.
func (e *CycleError) Is(target error) bool { return target == ErrCycle }

// Outcome says what adding a record did.
type Outcome string

// The outcomes of adding a record.
const (
	// Created: the record made a new golden record.
	Created Outcome = "created"
	// Joined: the record joined an existing golden record.
	Joined Outcome = "joined"
	// Updated: a newer version of a known record replaced the old one.
	Updated Outcome = "updated"
	// Duplicate: the same version of a known record arrived again; nothing
	// changed.
	Duplicate Outcome = "duplicate"
	// Stale: an older version of a known record arrived; nothing changed.
	Stale Outcome = "stale"
)

// A RecordRef names a source record.
type RecordRef struct {
	Source   b2b.Source `json:"source"`
	RecordID string     `json:"recordId"`
}

func (r RecordRef) String() string { return r.Source + ":" + r.RecordID }

// Provenance says where a golden field's value came from.
type Provenance struct {
	Source   b2b.Source `json:"source"`
	RecordID string     `json:"recordId"`
	Time     time.Time  `json:"time"`
	// Rule is the merge rule that chose it ("most recent",
	// "source priority salesforce > dynamics, then most recent"). For
	// the email and the phone the rule chooses among the records that
	// give a real value, placeholders coming after them (see
	// [MergePolicy]).
	Rule string `json:"rule"`
	// Reason, set for consent when more than one record states it for
	// the channel, says why the record's statement won over each of the
	// others ("opt-out at 2026-03-02T08:00:00Z wins over opt-in of
	// marketo:L-1 at 2026-02-02T09:00:00Z (older)").
	Reason string `json:"reason,omitempty"`
}

func (p Provenance) String() string {
	s := fmt.Sprintf("%s:%s @ %s (%s)", p.Source, p.RecordID, p.Time.UTC().Format(time.RFC3339), p.Rule)
	if p.Reason != "" {
		s += ": " + p.Reason
	}
	return s
}

// Stats counts what the graph has seen; every rejected record and every
// conflict is counted by its reason.
type Stats struct {
	PersonRecords  int // person records held
	AccountRecords int // account records held
	Persons        int // golden persons
	Accounts       int // golden accounts
	Outcomes       map[Outcome]int
	// Rejected counts rejected records by the path of their first problem
	// ("person.email", "identifiers[1]", "time", "account.parentId", ...).
	Rejected map[string]int
	// Normalized counts the values of accepted records that
	// normalisation changed: identifiers, emails, domains, account IDs
	// and references (case, surrounding space, 18-character Salesforce
	// IDs, "www."), and text fields (names, title, company, ...) that
	// lost surrounding space or bytes that were not UTF-8.
	Normalized int
	Conflicts  map[ConflictKind]int
	Erased     int // persons erased
}

// nsInfo is a declared namespace with its indexes: value -> the record
// that first held it.
type nsInfo struct {
	spec     NamespaceSpec
	idx      uint16 // in Graph.nsList
	persons  *recIndex
	accounts *strIndex
}

// identKey is a normalised identifier.
type identKey struct {
	ns  *nsInfo
	val string
}

func (k identKey) id() Identifier { return Identifier{k.ns.spec.Name, k.val} }

// slab stores values in fixed-size chunks, so that growing it never copies
// (or moves) the values already held: a pointer to an element stays valid.
type slab[T any] struct {
	chunks [][]T
	n      int32
}

const slabBits = 12

func (s *slab[T]) at(i int32) *T {
	return &s.chunks[i>>slabBits][i&(1<<slabBits-1)]
}

func (s *slab[T]) len() int32 { return s.n }

// add appends a zero value and returns its index.
func (s *slab[T]) add() int32 {
	if s.n&(1<<slabBits-1) == 0 {
		s.chunks = append(s.chunks, make([]T, 1<<slabBits))
	}
	s.n++
	return s.n - 1
}

// A Graph holds source records of persons and accounts, links them into
// golden records, and resolves persons to accounts. It grows one record at a
// time: each AddPerson or AddAccount touches only the records and accounts it
// links to.
//
// A Graph is not safe for concurrent use; the caller serialises calls (the
// identity step is the one global step of the engine).
type Graph struct {
	ns       map[Namespace]*nsInfo
	nsList   []*nsInfo // by nsInfo.idx
	nsEmail  *nsInfo
	nsAcctID *nsInfo
	nsDomain *nsInfo
	sources  sourceTable
	pRules   []*rankedRule // by person field index (pfEmail ... pfAttributes)
	aRules   []*rankedRule // by account field index
	freeMail map[string]bool
	// fmFirst and fmLens filter free-mail lookups: the first bytes and the
	// lengths (up to 63; longer always pass) of the free-mail domains.
	fmFirst [256]bool
	fmLens  uint64
	// consentWindow is Config.ConsentWindow or its default.
	consentWindow time.Duration

	pkeys   []*recIndex // by source id: record ID -> record
	nprecs  int         // person records held
	precs   slab[personRec]
	text    textStore          // the text of person records
	psides  slab[personSide]   // the rare parts of person records
	locs    []*time.Location   // the locations of record times; UTC first
	goldens slab[goldenPerson] // golden persons, named by their roots
	gfree   []int32            // golden persons to reuse (1 + index)
	gsides  slab[goldSide]     // the rare parts of golden persons

	akeys   []*strIndex // by source id: record ID -> account record
	arecs   []accountRec
	aparent []int32 // union-find parents of account records
	agolds  slab[goldenAccount]
	asides  slab[accountSide] // the rare parts of golden accounts

	// pShared and aShared hold the identifiers a record gave that the
	// index holds for another golden person or account (a conflict kept
	// the two apart, or a restored state held them so): the only ones
	// that may go to another holder when theirs leaves (Erase, a value
	// replaced), which takes a pass over the records, so that a call
	// that takes away identifiers no one else gives costs no such pass.
	// Entries stay when they are settled: one costs a pass, not a wrong
	// answer.
	pShared, aShared map[identKey]struct{}

	domains       domainIndex        // domain -> account roots and waiting persons
	lists         lists              // the lists below, and those of domains
	names         domainIndex        // company key -> account roots and waiting persons
	acctMembers   []list             // account root -> linked person roots
	waitRef       map[string][]int32 // unknown explicit account ref -> person roots
	childrenByRef map[string][]int32 // parent ref -> child account records

	persons, accounts int
	outcomes          [nOutcomes]int // in the order of outcomeList
	stats             Stats

	// unlinks collects the memberships setLinks takes away while a call
	// that reports them (AddPerson, AddAccount) runs; see unlinked.
	unlinks      []membership
	trackUnlinks bool

	batch *batchScratch // AddPersons' buffers, kept between calls
	sink  int32         // the slot reads of AddPersons end here, unused
}

var outcomeList = [...]Outcome{Created, Joined, Updated, Duplicate, Stale}

const nOutcomes = len(outcomeList)

// count counts an outcome.
func (g *Graph) count(o Outcome) {
	for i, x := range outcomeList {
		if x == o {
			g.outcomes[i]++
			return
		}
	}
}

// New returns an empty graph, or the configuration's validation error.
func New(cfg Config) (*Graph, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Graph{
		ns:            map[Namespace]*nsInfo{},
		sources:       sourceTable{ids: map[string]uint16{}},
		freeMail:      map[string]bool{},
		locs:          []*time.Location{time.UTC},
		domains:       newDomainIndex(),
		names:         newDomainIndex(),
		waitRef:       map[string][]int32{},
		childrenByRef: map[string][]int32{},
		stats: Stats{
			Rejected:  map[string]int{},
			Conflicts: map[ConflictKind]int{},
		},
	}
	builtIn := DefaultNamespaces()
	for _, s := range append(builtIn, cfg.Namespaces...) {
		if s.Kind == "" {
			s.Kind = KindExact
			// A built-in redeclared to make it unique normalises its
			// values as before.
			if i := slices.IndexFunc(builtIn, func(b NamespaceSpec) bool { return b.Name == s.Name }); i >= 0 {
				s.Kind = builtIn[i].Kind
			}
		}
		info := &nsInfo{spec: s, idx: uint16(len(g.nsList)), accounts: newStrIndex()}
		g.nsList = append(g.nsList, info)
		info.persons = newRecIndex(func(i int32, v string) bool { return g.holdsIdent(i, info, v) })
		g.ns[s.Name] = info
	}
	g.nsEmail, g.nsAcctID, g.nsDomain = g.ns[NSEmail], g.ns[NSAccountID], g.ns[NSAccountDomain]
	pm, am := cfg.PersonMerge, cfg.AccountMerge
	if pm == nil {
		pm = DefaultPersonMerge()
	}
	if am == nil {
		am = DefaultAccountMerge()
	}
	g.pRules = g.sources.compilePolicy(pm, PersonFields)
	g.aRules = g.sources.compilePolicy(am, AccountFields)
	// Consent takes no rule from Default: without its own rule, no source
	// ranks before another (see MergePolicy).
	if _, ok := pm.Fields["consent"]; !ok {
		g.pRules[pfConsent] = g.sources.compile(FieldRule{})
	}
	g.consentWindow = cmp.Or(cfg.ConsentWindow, b2b.DefaultConsentWindow)
	g.pRules[pfConsent].text = consentRuleText(g.pRules[pfConsent].rule, g.consentWindow)
	fm := cfg.FreeMailDomains
	if fm == nil {
		fm = defaultFreeMail
	}
	for _, d := range fm {
		n, _ := NormalizeDomain(d) // validated above
		g.freeMail[n] = true
		if n != "" {
			g.fmFirst[n[0]] = true
			g.fmLens |= 1 << min(len(n), 63)
		}
	}
	return g, nil
}

// Stats returns the counters of the graph.
func (g *Graph) Stats() Stats {
	s := g.stats
	s.Outcomes = map[Outcome]int{}
	for i, n := range g.outcomes {
		if n > 0 {
			s.Outcomes[outcomeList[i]] = n
		}
	}
	s.Rejected = cloneMap(s.Rejected)
	s.Conflicts = cloneMap(s.Conflicts)
	s.PersonRecords = g.nprecs
	for _, t := range g.akeys {
		s.AccountRecords += t.len()
	}
	s.Persons = g.persons
	s.Accounts = g.accounts
	return s
}

func cloneMap[K comparable](m map[K]int) map[K]int {
	out := make(map[K]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// reject counts a rejected record under the path of its first problem.
func (g *Graph) reject(err error) error {
	var ve *b2b.ValidationError
	key := "record"
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		key = ve.Problems[0].Path
	}
	g.stats.Rejected[key]++
	return err
}

// normIdent normalises one identifier, reporting whether normalisation
// changed it.
func (g *Graph) normIdent(id Identifier, stored bool) (identKey, bool, error) {
	info, ok := g.namespace(id.Namespace)
	if !ok {
		return identKey{}, false, fmt.Errorf("unknown namespace %q (declare it in Config.Namespaces)", id.Namespace)
	}
	v, err := normalizeValue(info.spec.Kind, id.Value, stored)
	if err != nil {
		return identKey{}, false, err
	}
	return identKey{info, v}, v != id.Value, nil
}

// namespace returns a declared namespace. The few built-in and custom
// namespaces are found faster by comparing names than by hashing one; the
// last declared of a name is the one g.ns holds.
func (g *Graph) namespace(name Namespace) (*nsInfo, bool) {
	if len(g.nsList) > 16 {
		info, ok := g.ns[name]
		return info, ok
	}
	for i := len(g.nsList) - 1; i >= 0; i-- {
		if info := g.nsList[i]; info.spec.Name == name {
			return info, true
		}
	}
	return nil, false
}

// pkeyMap returns the record index of one source, creating it.
func (g *Graph) pkeyMap(src uint16) *recIndex {
	for len(g.pkeys) <= int(src) {
		g.pkeys = append(g.pkeys, newRecIndex(g.holdsRecordID))
	}
	return g.pkeys[src]
}

// akeyMap returns the account record index of one source, creating it.
func (g *Graph) akeyMap(src uint16) *strIndex {
	for len(g.akeys) <= int(src) {
		g.akeys = append(g.akeys, newStrIndex())
	}
	return g.akeys[src]
}

// holdsRecordID reports whether person record i has a record ID (the key
// of the record indexes).
func (g *Graph) holdsRecordID(i int32, id string) bool { return g.recordID(g.precs.at(i)) == id }

// holdsIdent reports whether person record i holds value v of a namespace
// (the key of the identifier indexes).
func (g *Graph) holdsIdent(i int32, ns *nsInfo, v string) bool {
	r := g.precs.at(i)
	if ns == g.nsEmail && g.email(r) == v {
		return true
	}
	for k := range g.extras(r) {
		if k.ns == ns && k.val == v {
			return true
		}
	}
	return false
}

// precByKey finds a person record by source and record ID.
func (g *Graph) precByKey(source, recordID string) (int32, bool) {
	src, ok := g.sources.ids[source]
	if !ok || int(src) >= len(g.pkeys) {
		return 0, false
	}
	return g.pkeys[src].get(recordID)
}

// sortedUnique returns the roots in xs, deduplicated, in ascending order.
func sortedUnique(xs []int32) []int32 {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// removeOne removes the first occurrence of v from s (order not kept).
func removeOne(s []int32, v int32) []int32 {
	for i, x := range s {
		if x == v {
			s[i] = s[len(s)-1]
			return s[:len(s)-1]
		}
	}
	return s
}
