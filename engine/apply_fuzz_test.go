package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// FuzzApply: whatever a host hands the engine (records with empty, very
// long, invalid UTF-8 or control-character fields, NaN or infinite
// numbers, times at zero, far past or far ahead, duplicate IDs, activities
// of unknown persons or accounts, persons and opportunities moving between
// accounts, merges) and whatever it calls in whatever order (Apply,
// Ingest, Advance forward and back, deliveries, erasures, journey
// entries and external results), the engine
//
//   - never panics;
//   - refuses with an error or with a rejection that has a kind, a reason
//     and a detail, at an index the call had;
//   - accounts for every input once: applied, duplicate or rejected;
//   - keeps counters that add up to what its reports said;
//   - leaves the caller's inputs as they were;
//   - decides the same on two fresh engines given the same calls: the
//     same reports, event logs and account views.
//
// The calls run on the memory store and on one that keeps states encoded,
// as a durable store does. The fuzz bytes are decoded by fuzzOps into up
// to 12 calls (an op byte, a length byte, the op's arguments) on a world
// of three accounts (acme, globex, initech) and a handful of person
// records, under the option B program. The seeds under
// testdata/fuzz/FuzzApply are hand-written sequences (the world loaded,
// odd records, duplicates and unknown persons, moves with the clock gone
// back, consent and erasure, merges) and inputs that found bugs; fuzz
// with -fuzzminimizetime of a few seconds (an input takes milliseconds,
// and minimizing one for the default minute stalls a short run).
func FuzzApply(f *testing.F) {
	prog := optionBProgram(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ops := fuzzOps(data)
		logOpsOnFailure(t, ops)
		a := runFuzzOps(t, prog, ops, memory.New())
		b := runFuzzOps(t, prog, ops, memory.New())
		// A store that keeps states encoded, as a durable one does: the
		// same checks, but views and logs may differ from the values'
		// (attribute values come back as JSON has them).
		runFuzzOps(t, prog, ops, bytesOnly{memory.New()})
		// reflect.DeepEqual first: cmp's reflection costs more than the
		// calls (NaN is never equal to itself, hence cmp after).
		if !reflect.DeepEqual(a, b) {
			if d := cmp.Diff(a, b, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); d != "" {
				t.Fatalf("two engines given the same calls differ (-first +second):\n%s", d)
			}
		}
	})
}

// The operations a fuzz input is made of: each is one byte, followed by
// its arguments (a byte each; a missing byte reads as 0).
const (
	opWorld    = iota // the three accounts and the committee, as a host's first sync
	opApply           // a batch: n accounts, n persons, n opportunities, n activities
	opIngest          // n activities
	opAccounts        // UpsertAccounts of n records
	opPersons         // UpsertPersons of n records
	opOpps            // UpsertOpportunities of n records
	opAdvance         // move the clock, then Advance to a time near it
	opClock           // move the clock only
	opDeliver         // a dispatcher delivers what is due
	opErase           // ErasePerson
	opEnter           // Enter
	opExternal        // ExternalResult
	opSuppress        // Suppress
	opCount
)

// fuzzOp is one decoded call; run makes its inputs from the clock's time
// on the engine it runs on, so that two engines get the same inputs.
type fuzzOp struct {
	name string
	run  func(fe *fuzzEngine) fuzzResult
}

// fuzzResult is what a call returned, for the comparison of two engines.
type fuzzResult struct {
	Op       string
	Report   engine.Report
	Dispatch channel.DispatchReport
	Erasure  engine.Erasure
	Err      string
}

// fuzzRun is what one engine did with a sequence of calls.
type fuzzRun struct {
	Results  []fuzzResult
	Events   map[b2b.AccountID][]store.Event
	Views    map[b2b.AccountID]engine.AccountView
	Counters engine.Counters
	Sent     []channel.Message
}

// fuzzEngine is an engine under fuzzing with what its calls reported so
// far, to check its counters against.
type fuzzEngine struct {
	t     *testing.T
	ctx   context.Context
	eng   *engine.Engine
	clock *clock.Manual
	rec   *channeltest.Recorder
	// sums of the reports
	ingested, duplicates, records, steps, messages int64
	rejected                                       map[string]int64
	delivered                                      int64
}

// bytesIn reads a fuzz input a byte at a time; past its end it reads 0.
type bytesIn struct {
	b []byte
	i int
}

func (r *bytesIn) next() byte {
	if r.i >= len(r.b) {
		r.i++
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

// pick returns one of n choices.
func (r *bytesIn) pick(n int) int { return int(r.next()) % n }

// count returns how many items (0 to max) a batch has.
func (r *bytesIn) count(max int) int { return r.pick(max + 1) }

const (
	fuzzMaxOps   = 12
	fuzzMaxBatch = 4
)

// Pools of values, the usual and the odd.
var (
	fuzzLong      = strings.Repeat("x", 5000)
	fuzzOddString = []string{"", " ", "\x00", "\xff\xfe", fuzzLong, "a\nb\tc\r", "\u202eevil", "{{.Person.Email}}", "Ünïcödé", "<script>x</script>", "%s%d%!"}
	fuzzAccountID = []b2b.AccountID{"acme", "globex", "initech", "", "ACME", "\xff", b2b.AccountID(fuzzLong), "nobody"}
	fuzzDomain    = []string{"acme.com", "globex.com", "initech.com", "ACME.COM", "", "gmail.com", "http://acme.com/", "\xff.com", "a..b"}
	fuzzEmployees = []int{0, 50, 300, 2000, -5, math.MaxInt, math.MinInt}
	fuzzMoney     = []float64{0, 1e6, math.NaN(), math.Inf(1), math.Inf(-1), -1, 1e308}
	fuzzTimeZone  = []string{"", "Europe/Berlin", "Mars/Phobos", "Local", "UTC", "America/New_York", "\xff"}
	fuzzSource    = []b2b.Source{b2b.SourceSalesforce, b2b.SourceMarketo, b2b.SourceDynamics, "", "weird\xff"}
	fuzzRecordID  = []string{"003A", "003B", "L-1", "L-2", "L-3", "", "\xff", fuzzLong}
	fuzzEmail     = []string{"carla@acme.com", "victor@acme.com", "gina@globex.com", "sam@gmail.com", "", "not an email", "CARLA@ACME.COM", "ian@initech.com", "\xff@acme.com", "a@b"}
	fuzzTitle     = []string{"Chief Technology Officer", "CFO", "VP of Engineering", "Director of IT", "Data Engineer", "Marketing Coordinator", "", "\xff\xfe", fuzzLong}
	fuzzFirstName = []string{"Carla", "Victor", "", "{{.Account.Name}}", "\xff", fuzzLong, "a\x00b"}
	fuzzPhone     = []string{"", "+14155550100", "not a phone", "\xff", "0"}
	fuzzCompany   = []string{"Acme", "Globex", "", "ACME Inc.", "\xff"}
	fuzzSeniority = []b2b.Seniority{"", b2b.SeniorityCLevel, b2b.SeniorityVP, "Emperor"}
	fuzzDept      = []b2b.Department{"", "IT", "Finance", "Engineering", "\xff"}
	fuzzChannel   = []b2b.Channel{b2b.ChannelEmail, b2b.ChannelSMS, b2b.ChannelPhone, "fax", ""}
	fuzzConsent   = []b2b.ConsentStatus{b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.ConsentUnknown, "maybe", ""}
	fuzzOppID     = []b2b.OpportunityID{"opp1", "opp2", "", "\xff", b2b.OpportunityID(fuzzLong)}
	fuzzInterest  = []string{"", "data-platform", "security-suite", "nope"}
	fuzzProduct   = []string{"Data Platform", "Security Suite", "", "\xff"}
	fuzzOppStatus = []b2b.OpportunityStatus{b2b.OpportunityOpen, b2b.OpportunityWon, b2b.OpportunityLost, "", "weird"}
	fuzzRole      = []string{"Economic Buyer", "Evaluator", "Business User", "", "\xff"}
	fuzzActID     = []b2b.ActivityID{"a1", "a2", "a3", "a4", "a5", "a6", "", "\xff", b2b.ActivityID(fuzzLong)}
	fuzzActType   = []b2b.ActivityType{b2b.ActivityRequestDemo, b2b.ActivityAttendEvent, b2b.ActivityFillOutForm, b2b.ActivityVisitWebPage,
		b2b.ActivityOpenEmail, b2b.ActivityClickEmail, b2b.ActivityUnsubscribeEmail, b2b.ActivityUnsubscribeSMS,
		b2b.ActivityInterestingMoment, b2b.ActivityRegisterForEvent, b2b.ActivityEmailBounced, b2b.ActivitySendAlert,
		"", governance.ConsentChangedType, "weird_type", "\xff"}
	fuzzJourney = []string{"data-platform-acceleration", "security-suite-acceleration", "", "nope"}
	fuzzOutcome = []string{"success", "error", "Success", ""}
)

// fuzzTime is a time of the choice k, relative to now.
func fuzzTime(k int, now time.Time) time.Time {
	switch k % 16 {
	case 0:
		return now
	case 1:
		return now.Add(-time.Hour)
	case 2:
		return now.Add(-3 * 24 * time.Hour)
	case 3:
		return now.Add(-40 * 24 * time.Hour)
	case 4:
		return now.Add(time.Minute)
	case 5:
		return now.Add(time.Hour)
	case 6:
		return time.Time{}
	case 7:
		return time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
	case 8:
		return time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)
	case 9:
		return time.Unix(0, 0).UTC()
	case 10:
		return now.Add(-time.Hour).In(time.FixedZone("X", 5*3600+1800))
	case 11:
		return time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
	case 12:
		return time.Date(-500, 1, 1, 0, 0, 0, 0, time.UTC)
	case 13:
		return now.Add(-2 * 24 * time.Hour).In(time.FixedZone("far", 25*3600))
	case 14:
		return now.AddDate(-10, 0, 0)
	default:
		return now.Add(-24 * time.Hour)
	}
}

// fuzzAttrs is an attribute map of the choice k.
func fuzzAttrs(k int) map[string]any {
	switch k % 14 {
	case 0:
		return nil
	case 1:
		return map[string]any{"solution": "security-suite"}
	case 2:
		return map[string]any{"form": "Demo Request"}
	case 3:
		return map[string]any{"url": "/pricing", "solution": "data-platform"}
	case 4:
		return map[string]any{"channel": "email", "status": "opt-out"}
	case 5:
		return map[string]any{"channel": "sms", "status": "opt-in"}
	case 6:
		return map[string]any{"channel": "fax", "status": "maybe"}
	case 7:
		return map[string]any{"x": math.NaN(), "y": math.Inf(1)}
	case 8:
		return map[string]any{"\xff": "\xff", "": ""}
	case 9:
		return map[string]any{"nested": map[string]any{"a": []any{1, "b", nil}}, "t": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	case 12:
		return map[string]any{"t": time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), "solution": "data-platform"}
	case 13:
		return map[string]any{"t": time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("far", -25*3600)), "n": int64(math.MinInt64), "l": []string{"\xff", ""}}
	case 10:
		return map[string]any{b2b.AttrMessageKey: "k1", "solution": 42}
	default:
		return map[string]any{"channel": "email", "status": "opt-in", "solution": fuzzLong}
	}
}

func fuzzAccountRecord(r *bytesIn, now time.Time) identity.AccountRecord {
	rec := identity.AccountRecord{
		Source: fuzzSource[r.pick(len(fuzzSource))],
		Account: b2b.Account{
			ID:            fuzzAccountID[r.pick(len(fuzzAccountID))],
			Name:          fuzzOddString[r.pick(len(fuzzOddString))],
			Domains:       []string{fuzzDomain[r.pick(len(fuzzDomain))]},
			Employees:     fuzzEmployees[r.pick(len(fuzzEmployees))],
			AnnualRevenue: fuzzMoney[r.pick(len(fuzzMoney))],
			TimeZone:      fuzzTimeZone[r.pick(len(fuzzTimeZone))],
			Owner:         []string{"olivia@quorum.example", "", "\xff", "not an email"}[r.pick(4)],
			Territory:     []string{"NA", "EMEA", "", "\xff"}[r.pick(4)],
			ParentID:      []b2b.AccountID{"", "", "acme", "globex", "initech", "nobody"}[r.pick(6)],
			Attributes:    fuzzAttrs(r.pick(14)),
		},
		Time: fuzzTime(r.pick(16), now),
	}
	switch r.pick(4) {
	case 1:
		rec.RecordID = "MKT-" + string(rec.Account.ID)
		rec.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: string(fuzzAccountID[r.pick(len(fuzzAccountID))])}}
	case 2:
		rec.Account.Domains = append(rec.Account.Domains, fuzzDomain[r.pick(len(fuzzDomain))])
	case 3:
		rec.Account.Domains = nil
	}
	return rec
}

func fuzzPersonRecord(r *bytesIn, now time.Time) identity.PersonRecord {
	rec := identity.PersonRecord{
		Source:   fuzzSource[r.pick(len(fuzzSource))],
		RecordID: fuzzRecordID[r.pick(len(fuzzRecordID))],
		Person: b2b.Person{
			Email:      fuzzEmail[r.pick(len(fuzzEmail))],
			FirstName:  fuzzFirstName[r.pick(len(fuzzFirstName))],
			LastName:   fuzzOddString[r.pick(len(fuzzOddString))],
			Title:      fuzzTitle[r.pick(len(fuzzTitle))],
			Phone:      fuzzPhone[r.pick(len(fuzzPhone))],
			Company:    fuzzCompany[r.pick(len(fuzzCompany))],
			AccountID:  fuzzAccountID[r.pick(len(fuzzAccountID))],
			Seniority:  fuzzSeniority[r.pick(len(fuzzSeniority))],
			Department: fuzzDept[r.pick(len(fuzzDept))],
		},
		Time: fuzzTime(r.pick(16), now),
	}
	switch r.pick(6) {
	case 1:
		rec.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: rec.Source, At: now.AddDate(0, -1, 0)}}
	case 2:
		rec.Person.Consent = map[b2b.Channel]b2b.Consent{
			fuzzChannel[r.pick(len(fuzzChannel))]: {Status: fuzzConsent[r.pick(len(fuzzConsent))], Source: fuzzSource[r.pick(len(fuzzSource))], At: fuzzTime(r.pick(16), now)}}
	case 3:
		rec.OtherAccounts = []b2b.AccountID{fuzzAccountID[r.pick(len(fuzzAccountID))]}
	case 4:
		rec.Identifiers = []identity.Identifier{{Namespace: []identity.Namespace{identity.NSMarketoPersonID, identity.NSSalesforceContactID, identity.NSAccountDomain, "nope", ""}[r.pick(5)],
			Value: fuzzRecordID[r.pick(len(fuzzRecordID))]}}
	case 5:
		rec.Person.Attributes = fuzzAttrs(r.pick(14))
	}
	return rec
}

func fuzzOpportunity(r *bytesIn, now time.Time) b2b.Opportunity {
	o := b2b.Opportunity{
		ID:               fuzzOppID[r.pick(len(fuzzOppID))],
		Account:          fuzzAccountID[r.pick(len(fuzzAccountID))],
		SolutionInterest: fuzzInterest[r.pick(len(fuzzInterest))],
		Product:          fuzzProduct[r.pick(len(fuzzProduct))],
		Name:             fuzzOddString[r.pick(len(fuzzOddString))],
		Stage:            []string{"Prospecting", "Closed Won", "", "\xff"}[r.pick(4)],
		Amount:           fuzzMoney[r.pick(len(fuzzMoney))],
		Status:           fuzzOppStatus[r.pick(len(fuzzOppStatus))],
		CreatedAt:        fuzzTime(r.pick(16), now),
		Source:           fuzzSource[r.pick(len(fuzzSource))],
		UpdatedAt:        fuzzTime(r.pick(16), now),
	}
	if r.pick(3) == 1 {
		o.ClosedAt = fuzzTime(r.pick(16), now)
	}
	for range r.count(2) {
		o.ContactRoles = append(o.ContactRoles, b2b.ContactRole{Person: b2b.PersonID(fuzzRecordID[r.pick(len(fuzzRecordID))]),
			Role: fuzzRole[r.pick(len(fuzzRole))], Primary: r.pick(2) == 1})
	}
	return o
}

func fuzzActivity(r *bytesIn, now time.Time) b2b.Activity {
	return b2b.Activity{
		ID:         fuzzActID[r.pick(len(fuzzActID))],
		Type:       fuzzActType[r.pick(len(fuzzActType))],
		Person:     b2b.PersonID(fuzzRecordID[r.pick(len(fuzzRecordID))]),
		Source:     fuzzSource[r.pick(len(fuzzSource))],
		Account:    []b2b.AccountID{"", "", "", "acme", "globex", "initech", "nobody", "\xff"}[r.pick(8)],
		Time:       fuzzTime(r.pick(16), now),
		Attributes: fuzzAttrs(r.pick(14)),
	}
}

// fuzzWorld is a host's first sync: the three accounts (initech a
// subsidiary of acme) and a committee of contacts and leads.
func fuzzWorld(now time.Time) engine.Batch {
	optIn := map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: now.AddDate(0, -1, 0)}}
	return engine.Batch{
		Accounts: []identity.AccountRecord{
			{Source: b2b.SourceSalesforce, Time: now.Add(-24 * time.Hour), Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
				Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}},
			{Source: b2b.SourceSalesforce, Time: now.Add(-24 * time.Hour), Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"},
				Employees: 300, Territory: "EMEA", TimeZone: "Europe/Berlin"}},
			{Source: b2b.SourceSalesforce, Time: now.Add(-24 * time.Hour), Account: b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com"},
				Employees: 50, ParentID: "acme"}},
		},
		Persons: []identity.PersonRecord{
			{Source: b2b.SourceSalesforce, RecordID: "003A", Time: now.Add(-2 * time.Hour), Person: b2b.Person{Email: "carla@acme.com",
				FirstName: "Carla", LastName: "Diaz", Title: "Chief Financial Officer", AccountID: "acme", Consent: optIn}},
			{Source: b2b.SourceSalesforce, RecordID: "003B", Time: now.Add(-2 * time.Hour), Person: b2b.Person{Email: "gina@globex.com",
				FirstName: "Gina", LastName: "Ross", Title: "Chief Technology Officer", AccountID: "globex", Phone: "+14155550100", Consent: optIn}},
			{Source: b2b.SourceMarketo, RecordID: "L-1", Time: now.Add(-time.Hour), Person: b2b.Person{Email: "victor@acme.com",
				FirstName: "Victor", LastName: "Kim", Title: "VP of Engineering", Company: "Acme", Consent: optIn}},
			{Source: b2b.SourceMarketo, RecordID: "L-2", Time: now.Add(-time.Hour), Person: b2b.Person{Email: "dev@acme.com",
				FirstName: "Dev", LastName: "Patel", Title: "Director of IT", Company: "Acme", Consent: optIn}},
			{Source: b2b.SourceMarketo, RecordID: "L-3", Time: now.Add(-time.Hour), Person: b2b.Person{Email: "ian@initech.com",
				FirstName: "Ian", Title: "Data Engineer", Company: "Initech", Consent: optIn}},
		},
	}
}

// fuzzOps decodes a fuzz input into calls: each is an op byte, a length
// byte n and n bytes of arguments (fewer at the input's end), which the op
// reads one at a time, as 0 past their end.
func fuzzOps(data []byte) []fuzzOp {
	var ops []fuzzOp
	for i := 0; i < len(data) && len(ops) < fuzzMaxOps; {
		op := int(data[i]) % opCount
		n := 0
		if i+1 < len(data) {
			n = int(data[i+1])
		}
		start := min(i+2, len(data))
		end := min(start+n, len(data))
		ops = append(ops, makeFuzzOp(op, data[start:end]))
		i = end
	}
	return ops
}

// fuzzCall is a decoded call's inputs.
type fuzzCall struct {
	batch    engine.Batch
	clockBy  time.Duration
	advance  time.Time
	account  b2b.AccountID
	person   string
	source   b2b.Source
	journey  string
	key      string
	outcome  string
	hash     string
	dispatch bool
}

// decodeFuzzOp reads one op's arguments at now.
func decodeFuzzOp(op int, r *bytesIn, now time.Time) fuzzCall {
	var c fuzzCall
	switch op {
	case opWorld:
		c.batch = fuzzWorld(now)
	case opApply:
		for range r.count(2) {
			c.batch.Accounts = append(c.batch.Accounts, fuzzAccountRecord(r, now))
		}
		for range r.count(3) {
			c.batch.Persons = append(c.batch.Persons, fuzzPersonRecord(r, now))
		}
		for range r.count(2) {
			c.batch.Opportunities = append(c.batch.Opportunities, fuzzOpportunity(r, now))
		}
		for range r.count(fuzzMaxBatch) {
			c.batch.Activities = append(c.batch.Activities, fuzzActivity(r, now))
		}
	case opIngest:
		for range 1 + r.count(fuzzMaxBatch-1) {
			c.batch.Activities = append(c.batch.Activities, fuzzActivity(r, now))
		}
	case opAccounts:
		for range 1 + r.count(1) {
			c.batch.Accounts = append(c.batch.Accounts, fuzzAccountRecord(r, now))
		}
	case opPersons:
		for range 1 + r.count(2) {
			c.batch.Persons = append(c.batch.Persons, fuzzPersonRecord(r, now))
		}
	case opOpps:
		for range 1 + r.count(1) {
			c.batch.Opportunities = append(c.batch.Opportunities, fuzzOpportunity(r, now))
		}
	case opAdvance, opClock:
		c.clockBy = []time.Duration{0, time.Hour, 24 * time.Hour, 5 * 24 * time.Hour, 8 * 24 * time.Hour, -3 * 24 * time.Hour,
			-time.Hour, 40 * 24 * time.Hour}[r.pick(8)]
		if op == opAdvance {
			// Advance to the clock's time, behind it, ahead of it, or to a
			// time far off (the zero time, the far future).
			switch r.pick(4) {
			case 1:
				c.advance = now.Add(c.clockBy - 2*24*time.Hour)
			case 2:
				// Far back, or well ahead: a far future would cost 1,000
				// passes an account (Advance's bound).
				at := now.Add(c.clockBy)
				c.advance = []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Unix(0, 0).UTC(), at.AddDate(-10, 0, 0),
					time.Date(-500, 1, 1, 0, 0, 0, 0, time.UTC), at.AddDate(0, 0, 60), at.Add(time.Nanosecond), at.Add(-time.Nanosecond)}[r.pick(8)]
			case 3:
				c.advance = now.Add(c.clockBy + 24*time.Hour)
			default:
				c.advance = now.Add(c.clockBy)
			}
		}
	case opDeliver:
		c.dispatch = true
	case opErase:
		c.person = fuzzRecordID[r.pick(len(fuzzRecordID))]
		c.source = fuzzSource[r.pick(len(fuzzSource))]
	case opEnter:
		c.account = fuzzAccountID[r.pick(len(fuzzAccountID))]
		c.journey = fuzzJourney[r.pick(len(fuzzJourney))]
	case opExternal:
		c.account = fuzzAccountID[r.pick(len(fuzzAccountID))]
		c.key = []string{"k1", "", "\xff"}[r.pick(3)]
		c.outcome = fuzzOutcome[r.pick(len(fuzzOutcome))]
	case opSuppress:
		c.hash = []string{governance.SuppressionHash(fuzzEmail[r.pick(len(fuzzEmail))]), "nothex", ""}[r.pick(3)]
	}
	return c
}

var fuzzOpNames = [...]string{"world", "apply", "ingest", "accounts", "persons", "opportunities", "advance", "clock", "deliver", "erase", "enter", "external", "suppress"}

func makeFuzzOp(op int, args []byte) fuzzOp {
	return fuzzOp{name: fmt.Sprintf("%s %v", fuzzOpNames[op], args), run: func(fe *fuzzEngine) fuzzResult {
		now := fe.clock.Now()
		c := decodeFuzzOp(op, &bytesIn{b: args}, now)
		res := fuzzResult{Op: fuzzOpNames[op]}
		var err error
		switch op {
		case opWorld, opApply, opIngest, opAccounts, opPersons, opOpps:
			switch op {
			case opIngest:
				res.Report, err = fe.eng.Ingest(fe.ctx, c.batch.Activities...)
			case opAccounts:
				res.Report, err = fe.eng.UpsertAccounts(fe.ctx, c.batch.Accounts...)
			case opPersons:
				res.Report, err = fe.eng.UpsertPersons(fe.ctx, c.batch.Persons...)
			case opOpps:
				res.Report, err = fe.eng.UpsertOpportunities(fe.ctx, c.batch.Opportunities...)
			default:
				res.Report, err = fe.eng.Apply(fe.ctx, c.batch)
			}
			if err != nil {
				fe.t.Fatalf("%s: %v", fuzzOpNames[op], err)
			}
			// The caller's inputs are its own: the call changed none.
			if d := cmp.Diff(decodeFuzzOp(op, &bytesIn{b: args}, now).batch, c.batch, cmpopts.EquateNaNs()); d != "" {
				fe.t.Fatalf("%s changed its inputs (-before +after):\n%s", fuzzOpNames[op], d)
			}
			fe.checkBatchReport(c.batch, res.Report)
		case opAdvance:
			fe.clock.Set(now.Add(c.clockBy))
			res.Report, err = fe.eng.Advance(fe.ctx, c.advance)
			if c.advance.IsZero() {
				// No time at all: refused, as a host's mistake.
				if !errors.Is(err, b2b.ErrInvalid) || !cmp.Equal(res.Report, engine.Report{}) {
					fe.t.Fatalf("advance to the zero time: %v, %+v; want it refused", err, res.Report)
				}
				err = nil
			} else if err != nil {
				fe.t.Fatalf("advance to %s: %v", c.advance, err)
			}
			fe.checkCallReport("advance", res.Report, 0)
		case opClock:
			fe.clock.Set(now.Add(c.clockBy))
		case opDeliver:
			d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: fe.eng.Outbox(), Email: fe.rec, SMS: fe.rec, Alert: fe.rec, Clock: fe.clock})
			if err != nil {
				fe.t.Fatal(err)
			}
			res.Dispatch, err = d.Dispatch(fe.ctx)
			if err != nil {
				fe.t.Fatalf("dispatch: %v", err)
			}
			res.Dispatch.Outcomes = nil // their order is the outbox's
			fe.delivered += int64(res.Dispatch.Delivered)
		case opErase:
			id := b2b.PersonID(c.person)
			if p, ok := fe.eng.PersonOfRecord(c.source, c.person); ok {
				id = p
			}
			res.Erasure, err = fe.eng.ErasePerson(fe.ctx, id)
			if err != nil && !errors.Is(err, engine.ErrUnknownPerson) && id != "" {
				fe.t.Fatalf("erase %q: %v", id, err)
			}
			fe.checkCallReport("erase", res.Erasure.Report, 0)
		case opEnter:
			res.Report, err = fe.eng.Enter(fe.ctx, c.account, c.journey)
			fe.checkHostError("enter", err)
			fe.checkCallReport("enter", res.Report, 0)
		case opExternal:
			res.Report, err = fe.eng.ExternalResult(fe.ctx, c.account, c.key, c.outcome, "detail")
			fe.checkHostError("external result", err)
			fe.checkCallReport("external result", res.Report, 1)
		case opSuppress:
			err = fe.eng.Suppress(c.hash)
		}
		if err != nil {
			res.Err = err.Error()
			if res.Err == "" {
				fe.t.Fatalf("%s: an error without a message", fuzzOpNames[op])
			}
		}
		fe.checkCounters(res.Op)
		return res
	}}
}

// checkHostError: a host's journey call is refused for its arguments or
// its account, never for anything else.
func (fe *fuzzEngine) checkHostError(call string, err error) {
	var verr *b2b.ValidationError
	if err == nil || errors.As(err, &verr) || errors.Is(err, engine.ErrUnknownAccount) || errors.Is(err, engine.ErrMergedAccount) {
		return
	}
	fe.t.Fatalf("%s: %v", call, err)
}

// checkBatchReport checks that every input of the batch is accounted for
// once, and sums the report for checkCounters.
func (fe *fuzzEngine) checkBatchReport(b engine.Batch, rep engine.Report) {
	t := fe.t
	t.Helper()
	n := map[string]int{engine.KindAccount: len(b.Accounts), engine.KindPerson: len(b.Persons),
		engine.KindOpportunity: len(b.Opportunities), engine.KindActivity: len(b.Activities)}
	fe.checkRejections(rep, n)
	records := len(b.Accounts) + len(b.Persons) + len(b.Opportunities)
	actRejected := 0
	for _, r := range rep.Rejected {
		if r.Kind == engine.KindActivity {
			actRejected++
		} else {
			records--
		}
	}
	for _, i := range rep.DuplicateIndexes {
		if i < 0 || i >= len(b.Activities) {
			t.Fatalf("duplicate index %d of %d activities", i, len(b.Activities))
		}
		if slices.ContainsFunc(rep.Rejected, func(r engine.Rejection) bool { return r.Kind == engine.KindActivity && r.Index == i }) {
			t.Fatalf("activity %d is both a duplicate and rejected: %+v", i, rep)
		}
	}
	if !slices.IsSorted(rep.DuplicateIndexes) || len(slices.Compact(slices.Clone(rep.DuplicateIndexes))) != len(rep.DuplicateIndexes) {
		t.Fatalf("duplicate indexes %v: not one each, in order", rep.DuplicateIndexes)
	}
	if rep.Duplicates != len(rep.DuplicateIndexes) {
		t.Fatalf("%d duplicates, %d duplicate indexes", rep.Duplicates, len(rep.DuplicateIndexes))
	}
	applied := rep.Applied - records
	if applied < 0 || applied+rep.Duplicates+actRejected != len(b.Activities) {
		t.Fatalf("%d activities: %d applied, %d duplicates, %d rejected (and %d records applied of %d): %+v",
			len(b.Activities), applied, rep.Duplicates, actRejected, records, len(b.Accounts)+len(b.Persons)+len(b.Opportunities), rep.Rejected)
	}
	fe.ingested += int64(applied)
	fe.duplicates += int64(rep.Duplicates)
	fe.records += int64(records)
	fe.steps += int64(rep.Steps)
	fe.messages += int64(rep.Messages)
}

// checkCallReport checks the report of a call that takes no batch: it
// applies nothing, and refuses at most maxRejected inputs.
func (fe *fuzzEngine) checkCallReport(call string, rep engine.Report, maxRejected int) {
	t := fe.t
	t.Helper()
	if rep.Applied != 0 || rep.Duplicates != 0 || len(rep.Rejected) > maxRejected {
		t.Fatalf("%s: %+v", call, rep)
	}
	fe.checkRejections(rep, map[string]int{engine.KindExternalResult: maxRejected})
	fe.steps += int64(rep.Steps)
	fe.messages += int64(rep.Messages)
}

// checkRejections checks that each rejection names its kind, an index the
// call had, once, a reason and a detail.
func (fe *fuzzEngine) checkRejections(rep engine.Report, n map[string]int) {
	t := fe.t
	t.Helper()
	seen := map[string]bool{}
	for _, r := range rep.Rejected {
		if r.Index < 0 || r.Index >= n[r.Kind] {
			t.Fatalf("rejection %+v: index out of the call's %d inputs of kind %q", r, n[r.Kind], r.Kind)
		}
		if r.Reason == "" || strings.TrimSpace(r.Detail) == "" {
			t.Fatalf("rejection %+v: no reason or no detail", r)
		}
		k := fmt.Sprintf("%s/%d", r.Kind, r.Index)
		if seen[k] {
			t.Fatalf("input %s rejected twice: %+v", k, rep.Rejected)
		}
		seen[k] = true
		fe.rejected[r.Reason]++
	}
}

// checkCounters checks the engine's counters against the sums of the
// reports so far.
func (fe *fuzzEngine) checkCounters(after string) {
	t := fe.t
	t.Helper()
	c := fe.eng.Counters()
	queued := int64(0)
	for k, v := range c.Messages {
		if k != "skipped" && k != "unrenderable" {
			queued += v
		}
	}
	rejected := map[string]int64{}
	for k, v := range c.Rejected {
		if v != 0 {
			rejected[k] = v
		}
	}
	got := []any{c.Ingested, c.Duplicates, c.Records, c.Steps, queued, rejected, c.Deliveries["delivered"]}
	want := []any{fe.ingested, fe.duplicates, fe.records, fe.steps, fe.messages, fe.rejected, fe.delivered}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("after %s, counters (ingested, duplicates, records, steps, queued, rejected, delivered) disagree with the reports (-reports +counters):\n%s", after, d)
	}
}

// runFuzzOps runs the calls on a fresh engine and returns what it did.
func runFuzzOps(t *testing.T, prog *program.Program, ops []fuzzOp, st store.Store) fuzzRun {
	t.Helper()
	fe := newFuzzEngine(t, prog, st)
	var run fuzzRun
	for _, op := range ops {
		run.Results = append(run.Results, op.run(fe))
	}
	return fe.collect(run)
}

// newFuzzEngine starts a fresh engine on st, its clock at day0.
func newFuzzEngine(t *testing.T, prog *program.Program, st store.Store) *fuzzEngine {
	t.Helper()
	c := clock.NewManual(day0)
	eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	// A call that takes this long is stuck: it fails with its context's
	// error.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return &fuzzEngine{t: t, ctx: ctx, eng: eng, clock: c, rejected: map[string]int64{},
		rec: channeltest.NewRecorder(channeltest.RecorderConfig{Clock: c})}
}

// collect adds to run the engine's event logs and views of the accounts
// of the pools, its counters and the messages it sent.
func (fe *fuzzEngine) collect(run fuzzRun) fuzzRun {
	t, eng, c := fe.t, fe.eng, fe.clock
	t.Helper()
	run.Events = map[b2b.AccountID][]store.Event{}
	run.Views = map[b2b.AccountID]engine.AccountView{}
	for _, id := range fuzzAccountID {
		if id == "" {
			continue // Events reads every account's log for it, in the workers' commit order
		}
		evs, err := eng.Events(fe.ctx, id, 0, 1<<20)
		if err != nil {
			t.Fatalf("events of %q: %v", id, err)
		}
		for i := range evs {
			evs[i].Seq = 0 // the store's, across accounts: their order is the workers'
		}
		if len(evs) > 0 {
			run.Events[id] = evs
		}
		v, err := eng.Account(fe.ctx, id, c.Now())
		if errors.Is(err, engine.ErrUnknownAccount) {
			continue
		}
		if err != nil {
			t.Fatalf("view of %q: %v", id, err)
		}
		for i := range v.Decisions {
			v.Decisions[i].Seq = 0
		}
		run.Views[id] = v
	}
	run.Counters = eng.Counters()
	run.Sent = fe.rec.Sent()
	return run
}

// describeOps lists the calls, for a failure's message.
func describeOps(ops []fuzzOp) string {
	var b strings.Builder
	for _, op := range ops {
		b.WriteString("  " + op.name + "\n")
	}
	return b.String()
}

// optionBProgram is the option B program (examples/programs), compiled.
func optionBProgram(tb testing.TB) *program.Program {
	tb.Helper()
	defs, err := programfile.LoadFS(programs.FS, programs.Default)
	if err != nil {
		tb.Fatal(err)
	}
	prog, err := program.Compile(defs, program.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return prog
}

// logOpsOnFailure logs the decoded calls of a fuzz input when its test
// fails.
func logOpsOnFailure(t *testing.T, ops []fuzzOp) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("calls:\n%s", describeOps(ops))
		}
	})
}
