package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// TestErasePerson erases Victor, a member of Acme's committee who
// requested a demo, is a contact role of a deal, received emails and was
// named in a sales alert: nothing of him is left in the engine, and the
// rest of the account stands, recomputed without him.
func TestErasePerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		st   func() store.Store
	}{
		{"values", func() store.Store { return storetest.NewFreezeCheck(memory.New()) }},
		{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.st()
			defs := pipelineProgram()
			// A cap makes the journeys remember whom they emailed.
			defs.Caps = []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 3, Per: journey.Days(7)}}
			b := setup(t, defs, func(c *engine.Config) { c.Store = st })
			setupAcme(t, b)
			victor, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.True(t, ok)
			carla, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
			require.True(t, ok)
			_, err := b.eng.UpsertOpportunities(b.ctx, b2b.Opportunity{ID: "o1", Account: "acme", Name: "Acme data platform", Product: "Data Platform",
				Status: b2b.OpportunityOpen, Stage: "Discovery", Amount: 50000, CreatedAt: day0,
				ContactRoles: []b2b.ContactRole{{Person: victor, Role: b2b.ContactRoleTechnicalBuyer}, {Person: carla, Role: b2b.ContactRoleEconomicBuyer, Primary: true}}})
			require.NoError(t, err)
			engageUntilTheAlert(t, b)
			var alerted bool
			for _, m := range claimAll(t, b, day(5)) {
				alerted = alerted || m.Channel == channel.ChannelSalesAlert && strings.Contains(m.Text, "Victor Kim")
			}
			require.True(t, alerted, "the sales alert named Victor")
			before, err := b.eng.Account(b.ctx, "acme", day(5))
			require.NoError(t, err)

			er, err := b.eng.ErasePerson(b.ctx, victor)
			require.NoError(t, err)
			require.Equal(t, victor, er.Person)
			require.Equal(t, []b2b.PersonID{victor}, er.IDs)
			require.Equal(t, []identity.RecordRef{{Source: b2b.SourceMarketo, RecordID: "L-2"}}, er.Records)
			require.Equal(t, []b2b.AccountID{"acme"}, er.Accounts)
			require.Equal(t, 2, er.Redacted, "the alert and the opportunity named him")
			require.Positive(t, er.Events)
			require.Equal(t, 1, er.Outbox, "his intro email")

			// Nothing anywhere names him.
			_, err = b.eng.Identity(victor)
			require.ErrorIs(t, err, engine.ErrUnknownPerson)
			_, ok = b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.False(t, ok)
			after, err := b.eng.Account(b.ctx, "acme", day(5))
			require.NoError(t, err)
			view, err := json.Marshal(after)
			require.NoError(t, err)
			evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
			require.NoError(t, err)
			var log strings.Builder // what the log holds, data decoded
			for _, ev := range evs {
				log.WriteString(string(ev.Person) + " " + ev.Type + " " + string(ev.Data) + "\n")
			}
			all := log.String()
			rec, err := st.LoadAccount(b.ctx, "default", "acme")
			require.NoError(t, err)
			state := engine.StateJSON(rec)
			require.True(t, strings.Contains(state, "carla.cfo@acme.com"))
			for _, needle := range []string{string(victor), "L-2", "victor@acme.com", "Victor Kim", "Victor"} {
				require.False(t, strings.Contains(state, needle), "the account's state names %q", needle)
				require.False(t, strings.Contains(string(view), needle), "the account view names %q", needle)
				require.False(t, strings.Contains(all, needle), "the event log names %q", needle)
			}
			accs, err := st.PersonAccounts(b.ctx, "default", victor)
			require.NoError(t, err)
			require.Empty(t, accs)

			// The erasure is in the log, naming no one, and the rest stands.
			var erased []store.Event
			for _, ev := range evs {
				if ev.Type == "person.erased" {
					erased = append(erased, ev)
				}
				require.NotEqual(t, victor, ev.Person)
			}
			require.Len(t, erased, 1)
			require.JSONEq(t, `{"removed":{"activities":1,"contactRoles":1,"groups":1,"journeyRecords":1,"lastActivity":1,"ledgers":1,"persons":1}}`, string(erased[0].Data))
			require.True(t, strings.Contains(all, `"Name":"Carla Diaz"`), "the alert still names Carla")
			require.Len(t, after.Groups, 1)
			g, g0 := after.Groups[0], before.Groups[0]
			require.Len(t, g.Group.Members, len(g0.Group.Members)-1)
			for _, m := range g.Group.Members {
				require.NotEqual(t, victor, m.Person)
			}
			require.Less(t, g.Score.Score, g0.Score.Score, "his demo request no longer counts")
			require.Contains(t, string(view), "Carla")

			// He is gone: again is an error, and his record's activities
			// are refused until the record arrives again.
			_, err = b.eng.ErasePerson(b.ctx, victor)
			require.ErrorIs(t, err, engine.ErrUnknownPerson)
			require.Equal(t, int64(1), b.eng.Counters().Erased, "the failed second call does not count")
			rep, err := b.eng.Ingest(b.ctx, activity("d2", b2b.ActivityRequestDemo, "L-2", day(5), nil))
			require.NoError(t, err)
			require.Len(t, rep.Rejected, 1)
			require.Equal(t, "unknown_person", rep.Rejected[0].Reason)
			if fc, ok := st.(*storetest.FreezeCheck); ok {
				require.Empty(t, fc.Changed(), "the erasure rewrote no committed state in place")
			}
		})
	}
}

// TestErasedPersonGetsNothing: a message queued for a person who is erased
// before it is sent is never sent.
func TestErasedPersonGetsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	carla, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.True(t, ok)
	er, err := b.eng.ErasePerson(b.ctx, carla)
	require.NoError(t, err)
	require.Equal(t, 1, er.Outbox)
	require.ElementsMatch(t, []identity.RecordRef{{Source: b2b.SourceSalesforce, RecordID: "003CFO"}, {Source: b2b.SourceMarketo, RecordID: "L-1"}}, er.Records,
		"both records of the merged person")
	msgs := claimAll(t, b, day0)
	require.NotEmpty(t, msgs)
	for _, m := range msgs {
		require.NotEqual(t, "carla.cfo@acme.com", m.To)
	}
}

func TestErasePersonErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	_, err := b.eng.ErasePerson(b.ctx, "")
	require.ErrorIs(t, err, b2b.ErrInvalid, "a blank ID is invalid input, as Enter's and ExternalResult's are")
	require.EqualError(t, err, "erase: person: is required")
	require.Zero(t, b.eng.Counters().Erased)
	_, err = b.eng.ErasePerson(b.ctx, "nobody")
	require.ErrorIs(t, err, engine.ErrUnknownPerson)
	require.NotErrorIs(t, err, b2b.ErrInvalid)
}

func TestRedact(t *testing.T) {
	t.Parallel()
	persons := []b2b.PersonID{"marketo:1234", "salesforce:003A", "webform:ann@acme.com"}
	texts := []string{"ann@acme.com", "Ann Lee", "+14155550100", "Sean O'Brien", "sean.lee@x.io"}
	for _, tc := range []struct {
		name, in, want string
		changed        bool
	}{
		{"a list of IDs", `{"engaged":["marketo:1234","p2"]}`, `{"engaged":["p2"]}`, true},
		{"objects about the person", `{"engaged":[{"Person":"salesforce:003A","Name":"Ann Lee"},{"Person":"p2","Name":"Bo Chan"}]}`,
			`{"engaged":[{"Name":"Bo Chan","Person":"p2"}]}`, true},
		{"another person's entry stays, the name goes", `{"engaged":[{"Person":"p9","Name":"Ann Lee"}]}`,
			`{"engaged":[{"Person":"p9","Name":"(erased)"}]}`, true},
		{"a map keyed by the person", `{"byPerson":{"marketo:1234":3,"p2":1}}`, `{"byPerson":{"p2":1}}`, true},
		{"a field", `{"person":"marketo:1234","count":3}`, `{"count":3,"person":"(erased)"}`, true},
		{"words in a text", `{"reason":"Ann Lee (ANN@acme.com) called from +14155550100 about marketo:1234"}`,
			`{"reason":"(erased) ((erased)) called from (erased) about (erased)"}`, true},
		{"not inside longer words", `{"reason":"Ann Leeds and xann@acme.com and marketo:12345","activity":"1234"}`,
			`{"reason":"Ann Leeds and xann@acme.com and marketo:12345","activity":"1234"}`, false},
		{"not inside longer emails, names or IDs", `{"to":"dev.ann@acme.com","cc":"ann@acme.com.au","n":"Jo-Ann Lee","m":"Ann Lee-Smith","id":"marketo:1234-5"}`,
			`{"to":"dev.ann@acme.com","cc":"ann@acme.com.au","n":"Jo-Ann Lee","m":"Ann Lee-Smith","id":"marketo:1234-5"}`, false},
		{"at the end of a sentence", `{"r":"Write to ann@acme.com. Or call Ann Lee: soon"}`, `{"r":"Write to (erased). Or call (erased): soon"}`, true},
		{"in an HTML part", `{"html":"\u003ctd\u003eSean O\u0026#39;Brien\u003c/td\u003e\u003ctd\u003e\u0026#43;14155550100\u003c/td\u003e"}`,
			`{"html":"\u003ctd\u003e(erased)\u003c/td\u003e\u003ctd\u003e(erased)\u003c/td\u003e"}`, true},
		{"any letter case, any script", `{"a":"ANN LEE from İzmir","b":"ẞ ann lee Ⱥ","c":"Ann Lée","d":"ſean.lee@x.io"}`,
			`{"a":"(erased) from İzmir","b":"ẞ (erased) Ⱥ","c":"Ann Lée","d":"(erased)"}`, true},
		{"after a scheme or a label", `{"h":"\u003ca href=\"mailto:ann@acme.com\"\u003e","t":"tel:\u0026#43;14155550100","p":"Phone:+14155550100","m":"@Ann Lee"}`,
			`{"h":"\u003ca href=\"mailto:(erased)\"\u003e","t":"tel:(erased)","p":"Phone:(erased)","m":"@(erased)"}`, true},
		{"an ID that holds an email goes whole", `{"id":"webform:ann@acme.com"}`, `{"id":"(erased)"}`, true},
		{"nested lists", `{"a":[{"b":[{"personId":"marketo:1234"},{"personId":"p3"}]}]}`, `{"a":[{"b":[{"personId":"p3"}]}]}`, true},
		{"numbers kept exactly", `{"n":12345678901234567890,"x":"marketo:1234"}`, `{"n":12345678901234567890,"x":"(erased)"}`, true},
		{"non-ASCII around a name", `{"r":"für Ann Lee, né"}`, `{"r":"für (erased), né"}`, true},
		{"nothing", `{"group":"acme/dp"}`, `{"group":"acme/dp"}`, false},
	} {
		got, changed, err := engine.Redact([]byte(tc.in), persons, texts)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.changed, changed, tc.name)
		require.JSONEq(t, tc.want, string(got), tc.name)
	}
	_, _, err := engine.Redact([]byte(`{"broken`), persons, texts)
	require.Error(t, err)
	_, _, err = engine.Redact([]byte(`{} {}`), persons, texts)
	require.Error(t, err)
}

// FuzzRedact: redaction never panics and gives valid JSON; it leaves no ID
// of the person as a whole string or key and no text of theirs as a word;
// and a payload that does not mention the person comes back unchanged.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{`{"engaged":["p1","p2"]}`, `[{"Person":"p1"}]`, `"p1"`, `{"a":{"b":["x","p1",1,null,true]}}`, `12`,
		`{"reason":"Ann Lee"}`, `{"p1":{"n":1}}`, `"ann leeds"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		out, changed, err := engine.Redact([]byte(in), []b2b.PersonID{"p1"}, []string{"Ann Lee"})
		require.NoError(t, err, "a valid JSON value")
		require.True(t, json.Valid(out), "%s -> %s", in, out)
		if !changed {
			require.Equal(t, in, string(out))
		}
		if !strings.Contains(in, "p1") && !strings.Contains(strings.ToLower(in), "ann lee") {
			require.False(t, changed, "%s does not mention the person", in)
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(string(out)))
		dec.UseNumber() // a number past float64's range is still JSON
		require.NoError(t, dec.Decode(&v))
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				require.NotEqual(t, "p1", x)
				lower := strings.ToLower(x)
				if len(lower) != len(x) {
					return // offsets differ; TestRedact covers other scripts
				}
				for i := 0; ; i++ {
					j := strings.Index(lower[i:], "ann lee")
					if j < 0 {
						break
					}
					i += j
					// Left only inside a longer name, email or ID.
					word := func(r rune) bool {
						return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-+@%:", r)
					}
					before, _ := utf8.DecodeLastRuneInString(x[:i])
					after, _ := utf8.DecodeRuneInString(x[i+len("ann lee"):])
					require.True(t, i > 0 && word(before) || i+7 < len(x) && word(after), "%q", x)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					require.NotEqual(t, "p1", k)
					walk(e)
				}
			}
		}
		walk(v)
	})
}

// traces lists what the store still holds of any of the needles: lines of
// the accounts' states and of the whole event log.
func traces(t *testing.T, st store.Store, accounts []b2b.AccountID, needles ...string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	check := func(what, text string) {
		for _, n := range needles {
			if strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
				out = append(out, fmt.Sprintf("%s names %q", what, n))
			}
		}
	}
	for _, a := range accounts {
		rec, err := st.LoadAccount(ctx, "default", a)
		require.NoError(t, err)
		check("state of "+string(a), engine.StateJSON(rec))
	}
	evs, err := st.Events(ctx, &store.EventsParams{Tenant: "default", Limit: 1 << 20})
	require.NoError(t, err)
	for _, ev := range evs {
		check(fmt.Sprintf("event %d %s of %s (%s)", ev.Seq, ev.Type, ev.Account, ev.Person), string(ev.Person)+" "+string(ev.Data))
	}
	return out
}

// TestEraseMergedPerson: a person merged from two records is erased under
// both IDs, whichever of them names them, and the older ID's data (scores
// and events from before the merge) goes too.
func TestEraseMergedPerson(t *testing.T) {
	t.Parallel()
	for _, byAlias := range []bool{false, true} {
		b := setup(t, pipelineProgram())
		setupAcme(t, b)
		_, err := b.eng.UpsertPersons(b.ctx, lead("L-9", "v.kim@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"))
		require.NoError(t, err)
		first, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-9")
		b.clock.Set(day(1))
		_, err = b.eng.Ingest(b.ctx, activity("a9", b2b.ActivityRequestDemo, "L-9", day(1), nil))
		require.NoError(t, err)
		// L-9 now carries Victor's email: the two records are one person.
		r := lead("L-9", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
		r.Time = day(1)
		_, err = b.eng.UpsertPersons(b.ctx, r)
		require.NoError(t, err)
		survivor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-9")
		other, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
		require.Equal(t, survivor, other, "merged")
		alias := b2b.PersonID("marketo:L-9")
		if survivor == alias {
			alias = "marketo:L-2"
		}
		require.Contains(t, []b2b.PersonID{first, survivor}, alias)
		id := survivor
		if byAlias {
			id = alias
		}
		er, err := b.eng.ErasePerson(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, survivor, er.Person, "the surviving ID")
		require.ElementsMatch(t, []b2b.PersonID{survivor, alias}, er.IDs)
		require.Len(t, er.Records, 2)
		require.Empty(t, traces(t, b.store, []b2b.AccountID{"acme"}, "marketo:L-2", "marketo:L-9", "victor@acme.com", "v.kim@acme.com", "Victor Kim"))
		_, err = b.eng.ErasePerson(b.ctx, alias)
		require.ErrorIs(t, err, engine.ErrUnknownPerson)
	}
}

// TestEraseMovedPersonWithRollup: a person who moved from one account to
// another, with the parents of both rolling their persons up, is erased
// from every one of them.
func TestEraseMovedPersonWithRollup(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup = true })
	setupAcme(t, b)
	_, err := b.eng.UpsertAccounts(b.ctx,
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.com"}}},
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}, ParentID: "holding"}})
	require.NoError(t, err)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	b.clock.Set(day(1))
	_, err = b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	require.NoError(t, err)
	moved := lead("L-2", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "Globex")
	moved.Time = day(1)
	_, err = b.eng.UpsertPersons(b.ctx, moved)
	require.NoError(t, err)
	_, err = b.eng.Ingest(b.ctx, activity("d2", b2b.ActivityRequestDemo, "L-2", day(1).Add(time.Hour), nil))
	require.NoError(t, err)
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme", "globex", "holding"}, er.Accounts)
	require.Empty(t, traces(t, b.store, er.Accounts, string(victor), "victor@", "Victor Kim"))
}

// TestEraseAfterTheInterestWasDropped: groups of an interest the program
// no longer has still lose the person.
func TestEraseAfterTheInterestWasDropped(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	defs := pipelineProgram()
	defs.Interests[0].ID, defs.Interests[0].Name = "analytics", "Analytics"
	defs.Journeys = nil
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(prog))
	_, err = b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Empty(t, traces(t, b.store, []b2b.AccountID{"acme"}, string(victor), "victor@acme.com", "Victor Kim"))
}

// gateStore holds the first load of acme once armed, until released, and
// tells when an erasure's first commit is done.
type gateStore struct {
	store.Store
	armed            atomic.Bool
	entered, release chan struct{}
	erased           chan struct{}
	erasedOnce       sync.Once
}

func (g *gateStore) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	if id == "acme" && g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		<-g.release
	}
	return g.Store.LoadAccount(ctx, t, id)
}

func (g *gateStore) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	v, err := g.Store.Commit(ctx, p)
	if err == nil && slices.ContainsFunc(p.Events, func(e store.Event) bool { return e.Type == "person.erased" }) {
		g.erasedOnce.Do(func() { close(g.erased) })
	}
	return v, err
}

// TestEraseRacingAnUpsert: an upsert that resolved the person before the
// erasure, and whose pass runs after its first rewrite, does not bring
// them back (the pass reads the account's persons from identity, which
// forgot them).
func TestEraseRacingAnUpsert(t *testing.T) {
	t.Parallel()
	gs := &gateStore{Store: memory.New(), entered: make(chan struct{}), release: make(chan struct{}), erased: make(chan struct{})}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = gs })
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	gs.armed.Store(true)
	upserted := make(chan error)
	go func() {
		r := lead("L-2", "victor@acme.com", "Victor", "Kim", "CTO", "Acme") // a title change from a sync
		_, err := b.eng.UpsertPersons(b.ctx, r)
		upserted <- err
	}()
	<-gs.entered // the upsert resolved Victor and waits to load acme
	type result struct {
		er  engine.Erasure
		err error
	}
	erased := make(chan result)
	go func() {
		er, err := b.eng.ErasePerson(b.ctx, victor)
		erased <- result{er, err}
	}()
	<-gs.erased // acme is rewritten without Victor, and identity forgets him...
	require.Eventually(t, func() bool { _, known := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2"); return !known }, 10*time.Second, time.Millisecond)
	close(gs.release) // ...before the upsert's pass loads acme and reads its persons
	require.NoError(t, <-upserted)
	res := <-erased
	require.NoError(t, res.err)
	require.Equal(t, []b2b.AccountID{"acme"}, res.er.Accounts)
	require.Empty(t, traces(t, gs, []b2b.AccountID{"acme"}, string(victor), "victor@acme.com", "Victor Kim"))
	require.Equal(t, 1, countEvents(t, b, "acme", "person.erased"), "the upsert's pass wrote nothing of him back: nothing for the second round")
}

// TestEraseRacingAMove: a person who moves to another account while the
// erasure rewrites the first is erased from both.
func TestEraseRacingAMove(t *testing.T) {
	t.Parallel()
	gs := &gateStore{Store: memory.New(), entered: make(chan struct{}), release: make(chan struct{}), erased: make(chan struct{})}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = gs })
	setupAcme(t, b)
	_, err := b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}})
	require.NoError(t, err)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	gs.armed.Store(true)
	type result struct {
		er  engine.Erasure
		err error
	}
	erased := make(chan result)
	go func() {
		er, err := b.eng.ErasePerson(b.ctx, victor)
		erased <- result{er, err}
	}()
	<-gs.entered // the erasure waits to load acme
	moved := lead("L-2", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "Globex")
	moved.Time = day0.Add(time.Minute)
	_, err = b.eng.UpsertPersons(b.ctx, moved)
	require.NoError(t, err)
	close(gs.release)
	res := <-erased
	require.NoError(t, res.err)
	require.Equal(t, []b2b.AccountID{"acme", "globex"}, res.er.Accounts)
	require.Empty(t, traces(t, gs, res.er.Accounts, string(victor), "victor@", "Victor Kim"))
}

// failOnce fails the first commit of an erasure.
type failOnce struct {
	store.Store
	failed atomic.Bool
}

func (f *failOnce) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if slices.ContainsFunc(p.Events, func(e store.Event) bool { return e.Type == "person.erased" }) && f.failed.CompareAndSwap(false, true) {
		return 0, errors.New("disk full")
	}
	return f.Store.Commit(ctx, p)
}

// TestEraseAgainAfterAFailure: an erasure that fails part way leaves
// enough to finish the job when called again.
func TestEraseAgainAfterAFailure(t *testing.T) {
	t.Parallel()
	fs := &failOnce{Store: memory.New()}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = fs })
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	b.clock.Set(day(3))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil))
	require.NoError(t, err)
	_, err = b.eng.ErasePerson(b.ctx, victor)
	require.ErrorContains(t, err, "disk full")
	_, err = b.eng.Identity(victor)
	require.NoError(t, err, "identity forgets last")
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Equal(t, []identity.RecordRef{{Source: b2b.SourceMarketo, RecordID: "L-2"}}, er.Records)
	require.Empty(t, traces(t, fs, []b2b.AccountID{"acme"}, string(victor), "victor@acme.com", "Victor Kim"))
}

// TestEraseRedactsAQueuedAlert: a sales alert queued before the erasure,
// which names the person among the engaged members, goes out without
// them.
func TestEraseRedactsAQueuedAlert(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.NotEmpty(t, claimAll(t, b, day0), "the intro emails")
	engageUntilTheAlert(t, b)
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Positive(t, er.Redacted)
	msgs := claimAll(t, b, day(5))
	require.Len(t, msgs, 1)
	al := msgs[0]
	require.Equal(t, channel.ChannelSalesAlert, al.Channel)
	for _, part := range []string{al.Subject, al.Text, al.HTML} {
		require.NotContains(t, part, "Victor")
		require.NotContains(t, part, "victor@acme.com")
	}
	require.Contains(t, al.Text, "Carla Diaz", "the rest of the alert stands")
	require.Contains(t, al.Text, "(erased)")
}

// TestMentioned: the first look at a payload finds the person in every
// form the redaction would replace.
func TestMentioned(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		data, text string
		want       bool
	}{
		{`{"n":"ΝΊΚΟΣ ΠΑΠΠΆΣ"}`, "Νίκος Παππάς", true},
		{`{"e":"ſean.lee@x.io"}`, "sean.lee@x.io", true},
		{`{"h":"Sean O\u0026#39;Brien"}`, "Sean O'Brien", true}, // as encoding/json writes it
		{`{"h":"Sean O&#39;Brien"}`, "Sean O'Brien", true},      // as another encoder may
		{`{"n":"ANN LEE"}`, "Ann Lee", true},
		{`{"n":"Bo Chan"}`, "Ann Lee", false},
	} {
		require.Equal(t, tc.want, engine.Mentioned([]byte(tc.data), tc.text), "%s in %s", tc.text, tc.data)
	}
}

// TestErasedAddressIsSuppressed: a person erased, then imported again
// from a source that still has their record, is a new person whose
// address gets no journey message; the erasure returns the hashes that a
// host hands to a new engine.
func TestErasedAddressIsSuppressed(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	require.NotEmpty(t, claimAll(t, b, day0), "the intro emails")
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Equal(t, []string{governance.SuppressionHash("victor@acme.com")}, er.Suppression)

	// The marketing tool sends Victor's lead again.
	b.clock.Set(day(1))
	again := lead("L-2", "Victor@Acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	again.Time = day(1)
	_, err = b.eng.UpsertPersons(b.ctx, again)
	require.NoError(t, err)
	back, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok, "a new person")
	// Nobody engages: on day 5 the journey nurtures every member.
	b.clock.Set(day(5))
	_, err = b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
	var to []string
	for _, m := range claimAll(t, b, day(5)) {
		to = append(to, strings.ToLower(m.To))
	}
	require.NotEmpty(t, to, "the others are nurtured")
	require.NotContains(t, to, "victor@acme.com")
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var skipped []string
	for _, ev := range evs {
		if ev.Type == "message.skipped" && ev.Person == back {
			skipped = append(skipped, string(ev.Data))
		}
	}
	require.Len(t, skipped, 1)
	require.Contains(t, skipped[0], "the address was erased")

	// A new engine knows nothing of it until the host hands it the list.
	fresh := setup(t, pipelineProgram())
	require.NoError(t, fresh.eng.Suppress(er.Suppression...))
	setupAcme(t, fresh)
	var freshTo []string
	for _, m := range claimAll(t, fresh, day0) {
		freshTo = append(freshTo, strings.ToLower(m.To))
	}
	require.Contains(t, freshTo, "carla.cfo@acme.com")
	require.NotContains(t, freshTo, "victor@acme.com")
}

// TestSuppressAtTheClaim: a message queued before its address was
// suppressed is not delivered: it is suppressed when claimed. Only
// suppression hashes are accepted.
func TestSuppressAtTheClaim(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b) // the intro emails are queued
	require.NoError(t, b.eng.Suppress(governance.SuppressionHash("Victor@ACME.com")))
	var to []string
	for _, m := range claimAll(t, b, day0) {
		to = append(to, m.To)
	}
	require.ElementsMatch(t, []string{"carla.cfo@acme.com", "dev@acme.com"}, to)
	require.Equal(t, int64(1), b.eng.Counters().Deliveries["suppressed"])
	require.Equal(t, 1, countEvents(t, b, "acme", "message.suppressed"))

	err := b.eng.Suppress(governance.SuppressionHash("a@b.co"), "victor@acme.com", "abc")
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.ErrorContains(t, err, `hashes[1]: "victor@acme.com" is not a suppression hash (governance.SuppressionHash: 64 hexadecimal digits)`)
	require.ErrorContains(t, err, `hashes[2]: "abc" is not a suppression hash`)
}

func TestSuppressionHashes(t *testing.T) {
	t.Parallel()
	h := governance.SuppressionHash
	for _, tc := range []struct {
		emails []string
		phone  string
		want   []string
	}{
		{[]string{"ann@acme.com", "ANN@acme.com", ""}, "+1 (415) 555-0100", []string{h("ann@acme.com"), h("+14155550100")}},
		{[]string{"not an email"}, "n/a", nil},
		{nil, "555-01", nil}, // too short to be a phone number
	} {
		want := slices.Clone(tc.want)
		slices.Sort(want)
		require.Equal(t, want, engine.SuppressionHashes(tc.emails, tc.phone))
	}
}
