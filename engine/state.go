package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/internal/deepcopy"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store"
)

// stateVersion is the encoding version of accountState; a store holding
// another version is refused with a clear error rather than misread.
const stateVersion = 1

// accountState is everything the engine keeps about one account: the unit
// of consistency, committed as a whole with a version check.
type accountState struct {
	V       int         `json:"v"`
	Account b2b.Account `json:"account"`
	// Persons are the account's own view of its persons (golden records,
	// with seniority and department filled by the persona classifier when
	// the sources left them empty), sorted by ID. A pass never modifies
	// the list in place, it replaces it whole (setPersons): so the copy a
	// pass works on shares it with the committed state.
	Persons       []personEntry     `json:"persons,omitempty" deepcopy:"shared"`
	Opportunities []b2b.Opportunity `json:"opportunities,omitempty"`
	// Groups are replaced, never modified through what they refer to:
	// package buyinggroup returns a changed copy of a group (copy on
	// write), and the engine stores it in the list. So the copy a pass
	// works on has a list of its own whose groups share their members,
	// claims and histories with the committed state.
	Groups []buyinggroup.Group `json:"groups,omitempty" deepcopy:"shallow"`
	// Scores holds one ledger per scoring model, by model name.
	Scores map[string]*scoring.Ledger `json:"scores,omitempty"`
	// GroupScores are the last computed group scores and threshold states.
	GroupScores map[string]*groupScoreState `json:"groupScores,omitempty"`
	// Adjustments are score changes made by journeys (adjust_score), per
	// group ID or person ID; they do not decay.
	Adjustments map[string]float64 `json:"adjustments,omitempty"`
	// Activities are the account's recent activities (within the activity
	// retention), for audiences, alerts and duplicate detection. A pass
	// appends and prunes records but never modifies one: so the copy a
	// pass works on has a list of its own.
	Activities []activityRecord `json:"activities,omitempty" deepcopy:"shallow"`
	// LastActivity is the time of each person's latest activity the
	// account applied, by person: kept past the activity retention (and
	// through the pruning of Activities), for readiness's days since a
	// group's last activity; forgotten when the person is erased, taken
	// by the person into whom identity merges them and by the account
	// an account merged into takes them. A person of the account who
	// left it keeps theirs, as their records. A state written before the
	// field existed is given, when decoded, the latest of each person's
	// activity records and score credits it holds (see
	// restoreLastActivity): a person whose activities all fell out of
	// both reads as never active, as before.
	LastActivity map[b2b.PersonID]time.Time           `json:"lastActivity,omitempty"`
	Audiences    audience.Membership                  `json:"audiences,omitempty"`
	Readiness    map[string]*qualify.ReadinessVerdict `json:"readiness,omitempty"`
	Alerts       map[string]channel.AlertState        `json:"alerts,omitempty"`
	// Raised are the sales alerts of the last weeks, whose responses are
	// tracked from CRM activities; Responded holds the responses seen.
	Raised    []channel.Alert                  `json:"raised,omitempty"`
	Responded map[string]channel.AlertResponse `json:"responded,omitempty"`
	// Shown is the last logged snapshot of each group (see group.updated).
	Shown      map[string]groupSnapshot `json:"shown,omitempty"`
	Journeys   journey.State            `json:"journeys"`
	Lists      []string                 `json:"lists,omitempty"`
	Attributes map[string]string        `json:"attributes,omitempty"`
	// Consent holds the consent statements the persons' activities made
	// (an unsubscribe, a preference center's change), by person: with the
	// sources' record of a person, they decide the person's consent at
	// each pass (see pass.consent), so that a CRM sync that had not seen
	// an unsubscribe does not undo it. A statement dated ahead is kept
	// until its time comes (ConsentDue is the earliest); one that can no
	// longer decide anything is forgotten. The lists are replaced, never
	// modified in place: the copy a pass works on shares them.
	Consent    map[b2b.PersonID][]governance.Statement `json:"consent,omitempty" deepcopy:"shallow"`
	ConsentDue time.Time                               `json:"consentDue,omitzero"`
	// ActivityDue is the earliest time of an applied activity dated after
	// the pass that applied it (within Config.FutureTolerance): scores
	// count an activity from its time, so the account is due then.
	ActivityDue time.Time `json:"activityDue,omitzero"`
	// Requalify asks the next pass, at once, to qualify the account again:
	// its audiences changed, and interests' applicability rules may read
	// them.
	Requalify bool `json:"requalify,omitempty"`
	// Rederive asks the next pass, at once, to derive the account's state
	// anew: its journeys' actions changed what that reads (a group's
	// stage or roles, its lists, attributes or score adjustments), which
	// audiences, readiness and alert rules see then.
	Rederive bool `json:"rederive,omitempty"`
	// Rate is the last logged qualification rate.
	Rate qualify.Rate `json:"rate"`
	// Revision increases whenever anything a journey could read changes.
	Revision uint64 `json:"revision"`
	// Refreshed is when the time-dependent state (decayed scores,
	// audiences, readiness) was last recomputed: the time of the
	// account's last committed pass, before which Advance runs none
	// (see passTime).
	Refreshed time.Time `json:"refreshed,omitzero"`
	// Program is the version of the program that made the last decision.
	Program string `json:"program,omitempty"`
	// Origin is the account's source records as identity resolution
	// holds them (an origin, encoded: one pointer for the collector), and
	// Suppressed the suppression hashes of the persons erased from the
	// account: what Recover rebuilds the engine's memory from.
	Origin     json.RawMessage `json:"origin,omitempty"`
	Suppressed []string        `json:"suppressed,omitempty"`
	// MergedInto is the account this one was merged into (a Marketo
	// company found to be a Salesforce account): its state is then its
	// history, which passes change no more but for an erasure, an
	// opportunity the CRM moves away and the end of activity records past
	// the retention (see pass.retire and pass.merged).
	MergedInto b2b.AccountID `json:"mergedInto,omitempty"`
	// Absorbed are the accounts merged into this one, in ID order, whose
	// recent messages and opportunities it took over (see pass.takeOver).
	Absorbed []b2b.AccountID `json:"absorbed,omitempty"`
	// Departed are the persons who left the account lately, with the
	// accounts they had left before it (their entry's Left), by person:
	// the account they joined reads them, so that the recent messages of
	// every account a person passed through count in their caps. Kept
	// only when the program has caps.
	Departed []departedPerson `json:"departed,omitempty"`
}

// decisiveDue is when the committed state is next due for a decision
// besides its refresh: a qualification asked for again (at once, at the
// time of the pass that asked for it, as pass.decisiveDue), a journey
// wait's end or a deferred message (Journeys.Due), a consent statement
// or an activity dated ahead (ConsentDue, ActivityDue); zero when none. dueAt is the account's stored
// due time: a time before it is past, run by a pass that decided nothing
// and so committed only the account's next due time, not the state it
// left (see Engine.reschedule).
func (st *accountState) decisiveDue(dueAt time.Time) time.Time {
	if st.MergedInto != "" {
		return time.Time{}
	}
	if st.Requalify || st.Rederive {
		return st.Refreshed
	}
	var next time.Time
	for _, d := range [...]time.Time{st.Journeys.Due, st.ConsentDue, st.ActivityDue} {
		if !d.Before(dueAt) {
			next = earliest(next, d)
		}
	}
	return next
}

// earliest returns the earlier of two times, a zero one counting as none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

type personEntry struct {
	Person b2b.Person `json:"person"`
	// Link is how identity resolution tied the person to this account.
	Link identity.Link `json:"link"`
	// Classified names what the persona classifier filled in, with its
	// reasons; Filled the fields it filled.
	Classified []string     `json:"classified,omitempty"`
	Filled     filledFields `json:"filled,omitempty"`
	// Others are the person's other accounts whose states hold them too
	// (the accounts they are linked to and, with rollup, the parents of
	// those), as identity had them when the list was last read: the
	// accounts whose recent messages to the person frequency caps count
	// with the account's own. Empty for a person of one account.
	Others []b2b.AccountID `json:"others,omitempty"`
	// Left are the accounts the person left lately (see leftAccount):
	// their recent messages to the person count in the person's caps
	// too. Kept only when the program has caps.
	Left []leftAccount `json:"left,omitempty"`
	// Origin is the person's source records (an origin, encoded), for
	// Recover, when the golden record does not tell them: nil for a
	// person of one record, named by the person's ID, with no identifier
	// but the email, which finds them.
	Origin json.RawMessage `json:"origin,omitempty"`
}

type groupScoreState struct {
	Score      float64                            `json:"score"`
	Velocity   float64                            `json:"velocity"`
	At         time.Time                          `json:"at"`
	Thresholds map[string]*scoring.ThresholdState `json:"thresholds,omitempty"`
}

// groupSnapshot is what the event log reports of a group whenever one of
// these values changes: what the KPIs read.
type groupSnapshot struct {
	Group                string  `json:"group"`
	Interest             string  `json:"interest"`
	Stage                string  `json:"stage"`
	Completeness         float64 `json:"completeness"`
	WeightedCompleteness float64 `json:"weightedCompleteness"`
	Score                float64 `json:"score"`
	Velocity             float64 `json:"velocity"`
	Members              int     `json:"members"`
	Readiness            string  `json:"readiness,omitempty"`
	Tier                 string  `json:"tier,omitempty"`
}

func newAccountState(a b2b.Account) *accountState {
	return &accountState{V: stateVersion, Account: a}
}

// cloneState deep-copies a state: a pass works on a copy of the committed
// state that a value-keeping store holds, which stays unchanged for readers
// and for the pass's retry if the commit fails.
var cloneState, errCloneState = deepcopy.For[accountState]()

// copyGroups and copyPersons copy whole what a state's copy shares with
// the committed state (the records of its groups, its persons), for what
// a view hands out.
var (
	copyGroups, errCopyGroups   = deepcopy.For[[]buyinggroup.Group]()
	copyPersons, errCopyPersons = deepcopy.For[[]personEntry]()
)

// readState returns the committed state of a stored account for reading
// only: the stored value itself, the cached decoded state, or a newly
// decoded one. The caller must not modify it; a pass works on
// cloneState's copy of it (whose persons and the records of its groups
// are shared with the committed state: a pass replaces them, never
// modifies them in place).
func (e *Engine) readState(rec *store.Account) (*accountState, error) {
	if rec.Value != nil {
		st, ok := rec.Value.(*accountState)
		if !ok {
			return nil, fmt.Errorf("account %q: the stored value is a %T, not an account state", rec.ID, rec.Value)
		}
		return st, nil
	}
	if st := e.cached(rec.ID, rec.Version); st != nil {
		return st, nil
	}
	st, err := decodeState(rec.ID, rec.State)
	if err != nil {
		return nil, err
	}
	e.putCached(rec.ID, rec.Version, st)
	return st, nil
}

func decodeState(id b2b.AccountID, data []byte) (*accountState, error) {
	st := &accountState{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("account %q: decode state: %w", id, err)
	}
	if st.V != stateVersion {
		return nil, fmt.Errorf("account %q: state version %d, this engine reads version %d", id, st.V, stateVersion)
	}
	if p := nullIn(st); p != "" {
		return nil, fmt.Errorf("account %q: decode state: %s: null where a value is needed", id, p)
	}
	if st.LastActivity == nil {
		st.restoreLastActivity()
	}
	return st, nil
}

// restoreLastActivity gives a state written before LastActivity existed
// (or one whose persons never did anything, which it leaves as it is)
// each person's latest activity that it still shows: the latest of their
// activity records (those within the retention) and of their score
// credits under every model (those within the scoring horizon, of the
// activities a rule counted). A person whose activities are past both
// stays without one: readiness reads them as never active, as the state
// could tell no more.
func (st *accountState) restoreLastActivity() {
	for i := range st.Activities {
		st.noteActivity(st.Activities[i].Person, st.Activities[i].Time)
	}
	for _, name := range slices.Sorted(maps.Keys(st.Scores)) {
		for id, ps := range st.Scores[name].Persons {
			for _, c := range ps.Credits {
				st.noteActivity(id, time.Unix(0, c.At).UTC())
			}
		}
	}
}

// noteActivity records an activity of a person at a time: their last
// activity when it is later than the one the state knows.
func (st *accountState) noteActivity(id b2b.PersonID, at time.Time) {
	if t, ok := st.LastActivity[id]; ok && !at.After(t) {
		return
	}
	if st.LastActivity == nil {
		st.LastActivity = map[b2b.PersonID]time.Time{}
	}
	st.LastActivity[id] = at
}

// encode writes the state as JSON, for a store that keeps bytes. The
// activities, much of an account's state, are written here rather
// than by encoding/json, which reads again (compacts) every byte a
// MarshalJSON method returns. They come as the object's last field, where
// encoding/json would have put them after "adjustments"; decoding reads
// fields in any order (BenchmarkEncodedStates measures what encoding
// costs the chain).
func (st *accountState) encode() ([]byte, error) {
	if len(st.Activities) == 0 {
		return json.Marshal(st)
	}
	rest := *st
	rest.Activities = nil
	buf := stateBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // an account of a rare size does not keep its room
			b := buf.Bytes()
			clear(b[:cap(b)]) // the room keeps nothing of the account's state
			buf.Reset()
			stateBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(&rest); err != nil {
		return nil, err
	}
	buf.Truncate(buf.Len() - 2) // Encode ends an object with "}\n"
	buf.WriteString(`,"activities":[`)
	for i := range st.Activities {
		if i > 0 {
			buf.WriteByte(',')
		}
		rec, err := st.Activities[i].appendJSON(buf.AvailableBuffer())
		if err != nil {
			return nil, fmt.Errorf("activity %q: %w", st.Activities[i].id(), err)
		}
		buf.Write(rec)
	}
	buf.WriteString("]}")
	return bytes.Clone(buf.Bytes()), nil
}

// stateBuffers hold the room states are encoded in before their copy of
// the exact size is made.
var stateBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (st *accountState) person(id b2b.PersonID) *personEntry {
	i, ok := slices.BinarySearchFunc(st.Persons, id, func(e personEntry, id b2b.PersonID) int {
		switch {
		case e.Person.ID < id:
			return -1
		case e.Person.ID > id:
			return 1
		}
		return 0
	})
	if !ok {
		return nil
	}
	return &st.Persons[i]
}

func (st *accountState) group(id string) *buyinggroup.Group {
	for i := range st.Groups {
		if st.Groups[i].ID == id {
			return &st.Groups[i]
		}
	}
	return nil
}

func (st *accountState) personList() []b2b.Person {
	out := make([]b2b.Person, len(st.Persons))
	for i := range st.Persons {
		out[i] = st.Persons[i].Person
	}
	return out
}

// pruneActivities drops activities older than the retention.
func (st *accountState) pruneActivities(now time.Time, retention time.Duration) {
	cut := now.Add(-retention)
	st.Activities = slices.DeleteFunc(st.Activities, func(r activityRecord) bool { return r.Time.Before(cut) })
}

func (st *accountState) addList(name string) bool {
	if slices.Contains(st.Lists, name) {
		return false
	}
	st.Lists = append(st.Lists, name)
	slices.Sort(st.Lists)
	return true
}

func (st *accountState) removeList(name string) bool {
	i := slices.Index(st.Lists, name)
	if i < 0 {
		return false
	}
	st.Lists = slices.Delete(st.Lists, i, i+1)
	return true
}
