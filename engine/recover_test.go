package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/internal/cputime"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// setupOn is setup on the store st.
func setupOn(t *testing.T, defs program.Definitions, st store.Store, opts ...func(*engine.Config)) *bundle {
	t.Helper()
	b := setup(t, defs, append([]func(*engine.Config){func(c *engine.Config) { c.Store = st }}, opts...)...)
	b.store = st
	return b
}

// restart starts a second engine on b's store, as a host does after a
// restart with a durable store.
func restart(t *testing.T, b *bundle, opts ...func(*engine.Config)) *engine.Engine {
	t.Helper()
	cfg := engine.Config{UnsubscribeURL: unsubscribeURL, Store: b.store, Program: b.eng.Program(), Clock: b.clock}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	require.NoError(t, err)
	return eng
}

// recovered is restart, then Recover, which must find nothing amiss.
func recovered(t *testing.T, b *bundle, opts ...func(*engine.Config)) (*engine.Engine, engine.RecoverReport) {
	t.Helper()
	eng := restart(t, b, opts...)
	rep, err := eng.Recover(b.ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Problems)
	require.Empty(t, rep.Relinked)
	require.Empty(t, rep.WithoutOrigin)
	return eng, rep
}

// requireSameIdentity requires the identity graph of got to be that of
// want: every source record of a person linked to an account, and every
// account record, resolves to the same golden record, with the same
// values, provenance, records, identifiers and links, and each identifier
// finds the same account, and the same person (or no one). The graphs' records
// keep only what they gave their golden records (see Limits), so their
// snapshots are compared record by record for where each one belongs.
func requireSameIdentity(t *testing.T, want, got *engine.Engine) {
	t.Helper()
	ws, gs := engine.IdentitySnapshot(want), engine.IdentitySnapshot(got)
	type belongs struct {
		Record identity.RecordRef
		To     string
	}
	var wantAccounts, gotAccounts, wantPersons, gotPersons []belongs
	for _, a := range ws.Accounts {
		wantAccounts = append(wantAccounts, belongs{identity.RecordRef{Source: a.Record.Source, RecordID: cmpOr(a.Record.RecordID, string(a.Record.Account.ID))}, string(a.Account)})
		ga, err := engine.GoldenAccount(want, a.Account)
		require.NoError(t, err)
		gb, err := engine.GoldenAccount(got, a.Account)
		require.NoError(t, err, "account %s", a.Account)
		if !cmp.Equal(ga, gb) {
			require.Empty(t, cmp.Diff(ga, gb), "account %s (-want +got)", a.Account)
		}
		// An identifier two accounts carry finds the one that held it
		// first.
		for _, x := range ga.Identifiers {
			wantID, wantOK := engine.LookupAccount(want, x)
			gotID, gotOK := engine.LookupAccount(got, x)
			require.Equal(t, []any{wantID, wantOK}, []any{gotID, gotOK}, "identifier %s of account %s", x, a.Account)
		}
	}
	for _, a := range gs.Accounts {
		gotAccounts = append(gotAccounts, belongs{identity.RecordRef{Source: a.Record.Source, RecordID: cmpOr(a.Record.RecordID, string(a.Record.Account.ID))}, string(a.Account)})
	}
	for _, p := range ws.Persons {
		gp, err := want.Identity(p.Person)
		require.NoError(t, err)
		if len(gp.Links) == 0 {
			continue // in no account's state: see Limits
		}
		wantPersons = append(wantPersons, belongs{identity.RecordRef{Source: p.Record.Source, RecordID: p.Record.RecordID}, string(p.Person)})
		id, ok := got.PersonOfRecord(p.Record.Source, p.Record.RecordID)
		require.True(t, ok, "record %s:%s", p.Record.Source, p.Record.RecordID)
		require.Equal(t, p.Person, id)
		back, err := got.Identity(id)
		require.NoError(t, err)
		// The statements a consent lost are not in the states, so the
		// reason naming them is not rebuilt (see Limits): the winner, its
		// source and time are.
		noReason := cmpopts.IgnoreFields(identity.Provenance{}, "Reason")
		// A consent the person's own statements (an unsubscribe) decided
		// is rebuilt as decided, not as the records had it (see Limits).
		for ch, c := range back.Person.Consent {
			if c.Source == b2b.SourceQuorum {
				require.Equal(t, b2b.ConsentOptOut, c.Status, "person %s, %s", id, ch)
				forgetConsent(&gp, &back, ch)
			}
		}
		// So is one that statements of another source decided (a
		// consent.changed activity from the CRM): it is rebuilt as the
		// account states have it, the consent the engine acts on.
		for ch, c := range back.Person.Consent {
			if w, ok := gp.Person.Consent[ch]; ok && cmp.Equal(w, c) {
				continue
			}
			for _, l := range gp.Links {
				v, err := want.Account(context.Background(), l.Account, engine.Now(want))
				require.NoError(t, err)
				if slices.ContainsFunc(v.Persons, func(pv engine.PersonView) bool {
					d, ok := pv.Person.Consent[ch]
					return pv.Person.ID == id && ok && cmp.Equal(d, c)
				}) {
					forgetConsent(&gp, &back, ch)
					break
				}
			}
		}
		if !cmp.Equal(gp, back, noReason) {
			require.Empty(t, cmp.Diff(gp, back, noReason), "person %s (-want +got)", id)
		}
		// An identifier two persons carry finds the one that held it
		// first, or no one when that one was erased.
		for _, x := range gp.Identifiers {
			wantID, wantOK := engine.LookupPerson(want, x)
			gotID, gotOK := engine.LookupPerson(got, x)
			require.Equal(t, []any{wantID, wantOK}, []any{gotID, gotOK}, "identifier %s of person %s", x, id)
		}
	}
	for _, p := range gs.Persons {
		gotPersons = append(gotPersons, belongs{identity.RecordRef{Source: p.Record.Source, RecordID: p.Record.RecordID}, string(p.Person)})
	}
	byRecord := func(a, b belongs) int { return strings.Compare(a.Record.String(), b.Record.String()) }
	for _, l := range [][]belongs{wantAccounts, gotAccounts, wantPersons, gotPersons} {
		slices.SortFunc(l, byRecord)
	}
	require.Empty(t, cmp.Diff(wantAccounts, gotAccounts), "account records (-want +got)")
	require.Empty(t, cmp.Diff(wantPersons, gotPersons), "person records (-want +got)")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestRecoverRestart: an engine started again on the store of another
// knows nobody until it recovers; then it applies a known person's
// activity, resolves every record as the first engine did, and an upsert
// of the records again changes nothing.
func TestRecoverRestart(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) {
			t.Parallel()
			b := setupOn(t, pipelineProgram(), ss.store())
			setupAcme(t, b)
			b.clock.Set(day(3))
			demo := activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(3), nil)

			plain := restart(t, b)
			rep, err := plain.Ingest(b.ctx, demo)
			require.NoError(t, err)
			require.Equal(t, "unknown_person", rep.Rejected[0].Reason, "what Recover is for")

			eng, rec := recovered(t, b)
			require.Equal(t, engine.RecoverReport{Accounts: 1, AccountRecords: 1, Persons: 5, PersonRecords: 6}, rec)
			requireSameIdentity(t, b.eng, eng)
			before, err := eng.Account(b.ctx, "acme", day(3))
			require.NoError(t, err)

			rep, err = eng.Ingest(b.ctx, demo)
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			require.Equal(t, 1, rep.Applied)
			v, err := eng.Account(b.ctx, "acme", day(3))
			require.NoError(t, err)
			victor, ok := eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.True(t, ok)
			var score float64
			for _, p := range v.Persons {
				if p.Person.ID == victor {
					score = p.Score
				}
			}
			require.Positive(t, score, "the demo request counts")

			// The sources send their records again: nothing changes.
			rep, err = eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: acmeCommittee()})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			requireSameIdentity(t, b.eng, eng)
			after, err := eng.Account(b.ctx, "acme", day(3))
			require.NoError(t, err)
			require.Len(t, after.Persons, len(before.Persons))
			require.Len(t, after.Groups, len(before.Groups))
			require.Equal(t, len(v.Groups[0].Group.Members), len(after.Groups[0].Group.Members))
		})
	}
}

// acmeCommittee are setupAcme's person records.
func acmeCommittee() []identity.PersonRecord {
	return []identity.PersonRecord{
		contact("003CFO", "carla.cfo@acme.com", "Carla", "Diaz", "Chief Financial Officer", "acme"),
		lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
		lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
		lead("L-3", "dev@acme.com", "Dev", "Patel", "Sr. Data Engineer", "Acme"),
		lead("L-4", "maya@acme.com", "Maya", "Rossi", "Marketing Coordinator", "Acme"),
		lead("L-5", "sam.jones@gmail.com", "Sam", "Jones", "Analyst", "ACME Inc."),
	}
}

// TestRecoverShapes: identity graphs of every shape come back as they
// were, whether the store keeps states as values or encoded.
func TestRecoverShapes(t *testing.T) {
	t.Parallel()
	acc := func(source b2b.Source, id, name, domain, parent string, at time.Time) identity.AccountRecord {
		a := b2b.Account{ID: b2b.AccountID(id), Name: name, ParentID: b2b.AccountID(parent)}
		if domain != "" {
			a.Domains = []string{domain}
		}
		return identity.AccountRecord{Source: source, Account: a, Time: at}
	}
	tests := []struct {
		name   string
		rollup bool
		batch  engine.Batch
		// then is a second batch, applied after the first.
		then engine.Batch
		// merged are the accounts whose states are those of accounts
		// merged into another since.
		merged []b2b.AccountID
	}{
		{name: "one record each", batch: engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: acmeCommittee()}},
		{name: "an account of two sources", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acmeRecord(), {Source: b2b.SourceMarketo, RecordID: "co-77", Time: day0,
				Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acme"}},
				Account: b2b.Account{ID: "mkto-co-77", Name: "ACME Corporation", Industry: "Manufacturing", Employees: 2100, Country: "US",
					Domains: []string{"acme.io"}, Attributes: map[string]any{"tier": "gold", "tags": []string{"a", "b"}}}}},
			Persons: acmeCommittee()}},
		{name: "a converted lead", batch: engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
			lead("L-9", "ann@acme.com", "Ann", "Lee", "Head of Data", "Acme"),
			{Source: b2b.SourceSalesforce, RecordID: "00Q5e00000LeAd1", Time: day0, Person: b2b.Person{Email: "ann@acme.com", Phone: "+1 555 0100 200"}},
			{Source: b2b.SourceSalesforce, RecordID: "0035e00000CoNt1", Time: day0.Add(time.Hour),
				Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceLeadID, Value: "00Q5e00000LeAd1"}, {Namespace: identity.NSEmail, Value: "ann.lee@acme.com"}},
				Person:      b2b.Person{FirstName: "Ann", LastName: "Lee-Smith", AccountID: "acme", Attributes: map[string]any{"langs": []string{"en", "fr"}}}},
		}}},
		{name: "persons of two accounts", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acmeRecord(), acc(b2b.SourceSalesforce, "globex", "Globex", "globex.com", "", day0)},
			Persons: []identity.PersonRecord{
				{Source: b2b.SourceSalesforce, RecordID: "003X", Time: day0, OtherAccounts: []b2b.AccountID{"globex"},
					Person: b2b.Person{Email: "xi@acme.com", FirstName: "Xi", Title: "CTO", AccountID: "acme"}},
				{Source: b2b.SourceSalesforce, RecordID: "003Y", Time: day0, OtherAccounts: []b2b.AccountID{"globex", "acme"},
					Person: b2b.Person{Email: "yu@gmail.com", FirstName: "Yu", Title: "Advisor"}},
				lead("L-7", "zoe@globex.com", "Zoe", "Ng", "VP Finance", "Globex"),
				lead("L-8", "bo@initech.com", "Bo", "Chan", "Analyst", "Globex"),
			}}},
		{name: "a hierarchy rolled up", rollup: true, batch: engine.Batch{
			Accounts: []identity.AccountRecord{acc(b2b.SourceSalesforce, "gx", "Globex", "globex.com", "", day0),
				acc(b2b.SourceSalesforce, "gx-de", "Globex DE", "globex.de", "gx", day0)},
			Persons: []identity.PersonRecord{lead("L-1", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "Globex DE"),
				lead("L-2", "cfo@globex.com", "Carl", "Berg", "CFO", "Globex")}}},
		{name: "accounts merged after their persons came", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acmeRecord(), acc(b2b.SourceMarketo, "mk-1", "Acme Marketing Co", "acme-mktg.com", "", day0)},
			Persons:  []identity.PersonRecord{lead("L-1", "ann@acme-mktg.com", "Ann", "Lee", "CMO", "Acme Marketing Co")}},
			then: engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceMarketo, RecordID: "mk-1", Time: day(1),
				Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acme"}},
				Account:     b2b.Account{ID: "mk-1", Name: "Acme Marketing Co", Domains: []string{"acme-mktg.com"}}}}},
			merged: []b2b.AccountID{"mk-1"}},
		{name: "an account merged by a record no newer than its own", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acc(b2b.SourceSalesforce, "zeta", "Zeta", "zeta.com", "", day(-1)),
				acc(b2b.SourceMarketo, "alpha", "Zeta Marketing", "zeta-mktg.com", "", day0)},
			Persons: []identity.PersonRecord{lead("L-1", "ann@zeta.com", "Ann", "Lee", "CMO", "Zeta")}},
			then: engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceMarketo, RecordID: "alpha", Time: day0,
				Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "zeta"}},
				Account:     b2b.Account{ID: "alpha", Name: "Zeta Marketing", Domains: []string{"zeta-mktg.com"}}}}},
			merged: []b2b.AccountID{"alpha"}},
		{name: "an account merged in the batch that made it", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acc(b2b.SourceSalesforce, "zeta", "Zeta", "zeta.com", "", day(-1)),
				acc(b2b.SourceMarketo, "alpha", "Zeta Marketing", "zeta-mktg.com", "", day0),
				{Source: b2b.SourceMarketo, RecordID: "alpha", Time: day0.Add(time.Hour),
					Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "zeta"}},
					Account:     b2b.Account{ID: "alpha", Name: "Zeta Marketing", Domains: []string{"zeta-mktg.com"}}}},
			Persons: []identity.PersonRecord{lead("L-1", "ann@zeta.com", "Ann", "Lee", "CMO", "Zeta")}}},
		{name: "placeholders beside real addresses", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acmeRecord(), acc(b2b.SourceSalesforce, "globex", "Globex", "globex.com", "", day0)},
			Persons: []identity.PersonRecord{
				{Source: b2b.SourceMarketo, RecordID: "L-9", Time: day0,
					Person: b2b.Person{Email: "ann@acme.com", FirstName: "Ann", LastName: "Lee", Title: "Head of Data", Company: "Acme", Phone: "0044 20 7946 0958"}},
				{Source: b2b.SourceSalesforce, RecordID: "003Z", Time: day0.Add(time.Hour),
					Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@acme.com"}},
					Person:      b2b.Person{Email: "noreply@acme.com", Phone: "000-000-0000", AccountID: "acme"}},
				lead("L-10", "unknown@unknown.com", "Bo", "Chan", "CFO", "Acme"),
				lead("L-11", "unknown@unknown.com", "Cy", "Diaz", "CTO", "Globex"),
			}}},
		{name: "accounts whose domain is reserved for examples", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acc(b2b.SourceSalesforce, "alpha", "Alpha", "example.com", "", day0),
				acc(b2b.SourceMarketo, "beta", "Beta", "example.com", "", day0)},
			Persons: []identity.PersonRecord{lead("L-1", "ann@example.com", "Ann", "Lee", "CMO", "Alpha"),
				lead("L-2", "bo@example.com", "Bo", "Chan", "CFO", "")}}},
		{name: "persons merged after they came", batch: engine.Batch{
			Accounts: []identity.AccountRecord{acmeRecord()},
			Persons: []identity.PersonRecord{lead("L-1", "ann@acme.com", "Ann", "Lee", "CMO", "Acme"),
				lead("L-2", "a.lee@acme.com", "Ann", "Lee", "Chief Marketing Officer", "Acme")}},
			then: engine.Batch{Persons: []identity.PersonRecord{{Source: b2b.SourceSalesforce, RecordID: "003A", Time: day(1),
				Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "a.lee@acme.com"}},
				Person:      b2b.Person{Email: "ann@acme.com", Title: "CMO", Department: b2b.DepartmentMarketing, AccountID: "acme"}}}}},
	}
	for _, tt := range tests {
		for _, ss := range stateStores {
			t.Run(tt.name+"/"+ss.name, func(t *testing.T) {
				t.Parallel()
				b := setupOn(t, dataPlatform(), ss.store(), func(c *engine.Config) { c.Rollup = tt.rollup })
				rep, err := b.eng.Apply(b.ctx, tt.batch)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
				b.clock.Set(day(1))
				rep, err = b.eng.Apply(b.ctx, tt.then)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
				eng := restart(t, b, func(c *engine.Config) { c.Rollup = tt.rollup })
				got, err := eng.Recover(b.ctx)
				require.NoError(t, err)
				require.Empty(t, got.Problems)
				require.Empty(t, got.Relinked)
				require.Equal(t, tt.merged, got.MergedAccounts)
				requireSameIdentity(t, b.eng, eng)
			})
		}
	}
}

// TestRecoverWorld: a simulated world of 200 accounts run for three weeks
// (records, activities, opportunities, deliveries, unsubscribes) comes
// back whole: the same graph, opportunities where they were.
func TestRecoverWorld(t *testing.T) {
	t.Parallel()
	defs, err := programfile.LoadFS(programs.FS, programs.Default)
	require.NoError(t, err)
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	w, err := sim.New(sim.Config{Seed: 5, Accounts: 200, Days: 21})
	require.NoError(t, err)
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			res, err := sim.Run(ctx, w, sim.RunConfig{Program: prog, Store: ss.store()})
			require.NoError(t, err)
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: res.Store, Program: prog})
			require.NoError(t, err)
			rep, err := eng.Recover(ctx)
			require.NoError(t, err)
			require.Empty(t, rep.Problems)
			require.Empty(t, rep.Relinked)
			require.Empty(t, rep.MergedAccounts)
			require.Empty(t, rep.Contested)
			require.Equal(t, 200, rep.Accounts)
			requireSameIdentity(t, res.Engine, eng)

			var opps int
			for _, a := range w.Accounts {
				rec, err := res.Store.LoadAccount(ctx, "default", a.ID)
				require.NoError(t, err)
				for _, id := range opportunityIDs(engine.StateJSON(rec)) {
					opps++
					require.Equal(t, engine.OpportunityHolder(res.Engine, id), engine.OpportunityHolder(eng, id), id)
				}
			}
			require.Positive(t, opps)
			require.Equal(t, opps, rep.Opportunities)

			// Persons that identity links to no account are in no state:
			// Recover cannot know them (see Limits).
			mr, unresolved := res.Engine.MatchRate()
			got, _ := eng.MatchRate()
			require.Equal(t, mr.Persons-len(unresolved), got.Persons)
			require.Equal(t, rep.Persons, got.Persons)
		})
	}
}

// opportunityIDs reads the IDs of the opportunities in a state's JSON.
func opportunityIDs(state string) []b2b.OpportunityID {
	var st struct {
		Opportunities []b2b.Opportunity `json:"opportunities"`
	}
	if err := json.Unmarshal([]byte(state), &st); err != nil {
		panic(err)
	}
	var out []b2b.OpportunityID
	for _, o := range st.Opportunities {
		out = append(out, o.ID)
	}
	return out
}

// TestRecoverOpportunityMoves: an opportunity the CRM moves to another
// account after a restart leaves the account it was on before.
func TestRecoverOpportunityMoves(t *testing.T) {
	t.Parallel()
	b := threeAccounts(t)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0}
	_, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)

	eng, rep := recovered(t, b)
	require.Equal(t, 1, rep.Opportunities)
	moved := opp
	moved.Account = "globex"
	_, err = eng.UpsertOpportunities(b.ctx, moved)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"globex"}, oppHolders(t, b, "o1", "acme", "globex", "initech"))
	evs, err := eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(evs, func(e store.Event) bool { return e.Type == "opportunity.moved" }))
}

// TestRecoverKeepsSuppression: a person erased before a restart stays on
// the suppression list of the engine started again: a source that sends
// their record again does not get them a journey message.
func TestRecoverKeepsSuppression(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) {
			t.Parallel()
			b := setupOn(t, pipelineProgram(), ss.store())
			setupAcme(t, b)
			require.NotEmpty(t, claimAll(t, b, day0), "the intro emails")
			victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			er, err := b.eng.ErasePerson(b.ctx, victor)
			require.NoError(t, err)

			eng, rep := recovered(t, b)
			require.Equal(t, len(er.Suppression), rep.Suppressed)
			_, known := eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.False(t, known, "erased")

			b.eng = eng
			b.clock.Set(day(1))
			again := lead("L-2", "Victor@Acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
			again.Time = day(1)
			_, err = eng.UpsertPersons(b.ctx, again)
			require.NoError(t, err)
			b.clock.Set(day(5))
			_, err = eng.Advance(b.ctx, day(5))
			require.NoError(t, err)
			var to []string
			for _, m := range claimAll(t, b, day(5)) {
				to = append(to, strings.ToLower(m.To))
			}
			require.NotEmpty(t, to, "the others are nurtured")
			require.NotContains(t, to, "victor@acme.com")
		})
	}
}

// TestRecoverTenants: recovering one tenant's engine sees nothing of
// another tenant's on the same store.
func TestRecoverTenants(t *testing.T) {
	t.Parallel()
	st := memory.New()
	a := setupOn(t, dataPlatform(), st, func(c *engine.Config) { c.Tenant = "a" })
	setupAcme(t, a)
	bb := setupOn(t, dataPlatform(), st, func(c *engine.Config) { c.Tenant = "b" })
	_, err := bb.eng.Apply(bb.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
		Persons:  []identity.PersonRecord{lead("L-77", "zoe@globex.com", "Zoe", "Ng", "VP Finance", "Globex")}})
	require.NoError(t, err)

	eng, rep := recovered(t, a, func(c *engine.Config) { c.Tenant = "a" })
	require.Equal(t, 1, rep.Accounts)
	requireSameIdentity(t, a.eng, eng)
	_, ok := eng.PersonOfRecord(b2b.SourceMarketo, "L-77")
	require.False(t, ok, "tenant b's")

	other, rep := recovered(t, bb, func(c *engine.Config) { c.Tenant = "b" })
	require.Equal(t, engine.RecoverReport{Accounts: 1, AccountRecords: 1, Persons: 1, PersonRecords: 1}, rep)
	requireSameIdentity(t, bb.eng, other)
	_, ok = other.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.False(t, ok, "tenant a's")
}

// TestRecoverOnlyOnce: Recover refuses an engine that resolved records,
// its own recovery's included, and changes nothing.
func TestRecoverOnlyOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	_, err := b.eng.Recover(b.ctx)
	require.ErrorContains(t, err, "the engine has resolved records already")
	eng, _ := recovered(t, b)
	_, err = eng.Recover(b.ctx)
	require.ErrorContains(t, err, "the engine has resolved records already")
	requireSameIdentity(t, b.eng, eng)
}

// TestRecoverReportsUnreadableStates: a state the engine cannot read is
// reported, with its account, and the others are recovered.
func TestRecoverReportsUnreadableStates(t *testing.T) {
	t.Parallel()
	st := bytesOnly{memory.New()}
	b2 := setupOn(t, dataPlatform(), st)
	_, err := b2.eng.Apply(b2.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(),
		{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
		Persons: []identity.PersonRecord{lead("L-1", "ann@acme.com", "Ann", "Lee", "CMO", "Acme"), lead("L-2", "zoe@globex.com", "Zoe", "Ng", "CFO", "Globex")}})
	require.NoError(t, err)
	rec, err := st.LoadAccount(b2.ctx, "default", "globex")
	require.NoError(t, err)
	_, err = st.Commit(b2.ctx, &store.CommitParams{Tenant: "default", Account: "globex", ExpectedVersion: rec.Version,
		State: []byte(`{"v":99}`), DueAt: rec.DueAt, Now: day0})
	require.NoError(t, err)

	eng := restart(t, b2)
	rep, err := eng.Recover(b2.ctx)
	require.ErrorIs(t, err, engine.ErrIncompleteRecovery)
	require.ErrorContains(t, err, `account "globex": state not read`)
	require.Len(t, rep.Problems, 1)
	require.Equal(t, b2b.AccountID("globex"), rep.Problems[0].Account)
	require.Equal(t, 1, rep.Accounts)
	_, ok := eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.True(t, ok, "the readable account's person")
	_, ok = eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.False(t, ok, "the unreadable account's person")
}

// gatedStore holds LoadAccount back until its gate opens.
type gatedStore struct {
	store.Store
	loading chan struct{}
	gate    chan struct{}
	once    sync.Once
}

func (s *gatedStore) LoadAccount(ctx context.Context, tenant store.Tenant, id b2b.AccountID) (store.Account, error) {
	s.once.Do(func() { close(s.loading) })
	<-s.gate
	return s.Store.LoadAccount(ctx, tenant, id)
}

// TestRecoverHoldsCallsBack: an activity that arrives while the engine
// recovers waits for it, and is applied.
func TestRecoverHoldsCallsBack(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	gs := &gatedStore{Store: b.store, loading: make(chan struct{}), gate: make(chan struct{})}
	eng := restart(t, b, func(c *engine.Config) { c.Store = gs })
	done := make(chan error)
	go func() { _, err := eng.Recover(b.ctx); done <- err }()
	<-gs.loading
	ingested := make(chan engine.Report)
	go func() {
		rep, err := eng.Ingest(b.ctx, activity("a-demo", b2b.ActivityRequestDemo, "L-2", day0, nil))
		if err != nil {
			rep.Rejected = append(rep.Rejected, engine.Rejection{Reason: err.Error()})
		}
		ingested <- rep
	}()
	select {
	case rep := <-ingested:
		t.Fatalf("ingested during the recovery: %+v", rep)
	case <-time.After(50 * time.Millisecond):
	}
	close(gs.gate)
	require.NoError(t, <-done)
	rep := <-ingested
	require.Empty(t, rep.Rejected)
	require.Equal(t, 1, rep.Applied)
}

// TestRecoverStoreFailure: a store that fails while Recover reads it
// fails the recovery, which changes nothing and may be called again.
func TestRecoverStoreFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	fs := &failingStore{Store: b.store, fail: true}
	eng := restart(t, b, func(c *engine.Config) { c.Store = fs })
	_, err := eng.Recover(b.ctx)
	require.ErrorIs(t, err, errStoreDown)
	_, ok := eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.False(t, ok)
	fs.fail = false
	_, err = eng.Recover(b.ctx)
	require.NoError(t, err)
	requireSameIdentity(t, b.eng, eng)
}

var errStoreDown = errors.New("store down")

type failingStore struct {
	store.Store
	fail bool
}

func (s *failingStore) LoadAccount(ctx context.Context, tenant store.Tenant, id b2b.AccountID) (store.Account, error) {
	if s.fail {
		return store.Account{}, errStoreDown
	}
	return s.Store.LoadAccount(ctx, tenant, id)
}

// BenchmarkRecover measures Engine.Recover against what it recovers: an
// engine applies a simulated world's account and person records (the
// option B program, about 9 persons an account, leads and CRM contacts
// merged), then a second engine on the same store recovers. It reports
// the time of each (upsert-s, recover-s), the ratio of the two
// (recover/upsert) and the accounts recovered per second, and the same
// in CPU time (the process's, all threads: a shared machine stretches
// the wall-clock time more than the CPU time), for a store
// that keeps states as values and for one that keeps them encoded (whose
// states Recover decodes). QUORUM_BENCH_RECOVER_ACCOUNTS sets the
// world's accounts (default 2,000; BENCHMARKS.md also has 20,000).
func BenchmarkRecover(b *testing.B) {
	accounts := 2000
	if v, err := strconv.Atoi(os.Getenv("QUORUM_BENCH_RECOVER_ACCOUNTS")); err == nil && v > 0 {
		accounts = v
	}
	prog, w := optionBWorld(b, accounts)
	records := worldRecords(w)
	ctx := context.Background()
	for _, ss := range stateStores {
		b.Run(ss.name, func(b *testing.B) {
			var upsert, recovery, upsertCPU, recoveryCPU time.Duration
			for b.Loop() {
				b.StopTimer()
				st := ss.store()
				c := clock.NewManual(w.Config.Start)
				first, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				start, startCPU := time.Now(), cputime.Process()
				if _, err := first.Apply(ctx, records); err != nil {
					b.Fatal(err)
				}
				upsert, upsertCPU = upsert+time.Since(start), upsertCPU+cputime.Process()-startCPU
				second, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				start, startCPU = time.Now(), cputime.Process()
				rep, err := second.Recover(ctx)
				recovery, recoveryCPU = recovery+time.Since(start), recoveryCPU+cputime.Process()-startCPU
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if rep.Accounts != accounts || len(rep.Relinked) > 0 {
					b.Fatalf("recovered %d accounts of %d, %d relinked", rep.Accounts, accounts, len(rep.Relinked))
				}
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(upsert.Seconds()/n, "upsert-s")
			b.ReportMetric(recovery.Seconds()/n, "recover-s")
			b.ReportMetric(recovery.Seconds()/upsert.Seconds(), "recover/upsert")
			b.ReportMetric(float64(accounts)*n/recovery.Seconds(), "accounts/s")
			if upsertCPU > 0 {
				b.ReportMetric(upsertCPU.Seconds()/n, "upsert-cpu-s")
				b.ReportMetric(recoveryCPU.Seconds()/n, "recover-cpu-s")
				b.ReportMetric(recoveryCPU.Seconds()/upsertCPU.Seconds(), "recover/upsert-cpu")
			}
		})
	}
}

// TestRecoverStatesWithoutOrigin: a state committed before states kept
// their records' origin is recovered from its golden records alone, and
// reported: each person under their own record, the account as one
// record of source "quorum".
func TestRecoverStatesWithoutOrigin(t *testing.T) {
	t.Parallel()
	st := bytesOnly{memory.New()}
	b := setupOn(t, dataPlatform(), st)
	setupAcme(t, b)
	rec, err := st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, json.Unmarshal(rec.State, &state))
	delete(state, "origin")
	for _, p := range state["persons"].([]any) {
		delete(p.(map[string]any), "origin")
	}
	old, err := json.Marshal(state)
	require.NoError(t, err)
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "acme", ExpectedVersion: rec.Version, State: old, DueAt: rec.DueAt, Now: day0})
	require.NoError(t, err)

	eng := restart(t, b)
	rep, err := eng.Recover(b.ctx)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, rep.WithoutOrigin)
	require.Empty(t, rep.Relinked)
	for _, r := range []string{"L-2", "L-3", "L-4", "L-5"} {
		want, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, r)
		got, ok := eng.PersonOfRecord(b2b.SourceMarketo, r)
		require.True(t, ok, r)
		require.Equal(t, want, got)
	}
	carla, ok := eng.PersonOfRecord(b2b.SourceSalesforce, "003CFO")
	require.True(t, ok)
	_, ok = eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.False(t, ok, "Carla's marketing record was in no origin")
	ga, err := engine.GoldenAccount(eng, "acme")
	require.NoError(t, err)
	require.Equal(t, []identity.RecordRef{{Source: b2b.SourceQuorum, RecordID: "acme"}}, ga.Records)
	want, err := b.eng.Identity(carla)
	require.NoError(t, err)
	got, err := eng.Identity(carla)
	require.NoError(t, err)
	require.Equal(t, want.Person, got.Person, "the golden values")
	require.Equal(t, want.Links, got.Links)
}

// TestRecoverAccountWhoseRecordsGaveABlankName: Acme's Salesforce record
// comes again without a name, and a Marketo record with a blank one. The
// blank name won the golden account's name, and Recover, which rebuilds
// each record from the fields it gave, rebuilt the Marketo record with a
// blank name and no domain, which identity refuses: the account was left
// out. A blank name is no name; the restarted engine has Acme as it was.
func TestRecoverAccountWhoseRecordsGaveABlankName(t *testing.T) {
	t.Parallel()
	for _, encoded := range []bool{false, true} {
		b := setup(t, pipelineProgram(), func(c *engine.Config) {
			if encoded {
				c.Store = bytesOnly{c.Store}
			}
		})
		setupAcme(t, b)
		for _, r := range []identity.AccountRecord{
			{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "acme", Domains: []string{"acme.com"}, Owner: "olivia@quorum.example"}},
			{Source: b2b.SourceMarketo, Time: day0, Account: b2b.Account{ID: "acme", Name: " ", Domains: []string{"acme.com"}, Employees: 2000, TimeZone: "Europe/Berlin"}},
		} {
			rep, err := b.eng.UpsertAccounts(b.ctx, r)
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
		}
		before, err := b.eng.Account(b.ctx, "acme", day0)
		require.NoError(t, err)
		require.Empty(t, strings.TrimSpace(before.Account.Name), "no record gives Acme a name now")
		eng, _ := recovered(t, b)
		after, err := eng.Account(b.ctx, "acme", day0)
		require.NoError(t, err)
		require.Equal(t, before.Account, after.Account, "encoded %v", encoded)
	}
}

// TestRecoverRecordKeysNotUTF8: a record whose source, record ID, email
// or identifier is not UTF-8 was taken, but the state keeps its records'
// origin and identifiers as JSON, which writes such bytes as U+FFFD:
// Recover rebuilt the record under another key (the record sent again
// was a second record of its golden account or person), or the person or
// account with another identifier (found no more by it: another record
// with the same email became a second person). Such a record is refused
// as invalid, naming the field; the restarted engine has the identity of
// the first.
func TestRecoverRecordKeysNotUTF8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		batch engine.Batch
		kind  string
		field string
	}{
		{"person source", engine.Batch{Persons: []identity.PersonRecord{
			{Source: "web\xff", RecordID: "W-1", Time: day0, Person: b2b.Person{Email: "nina@acme.com", FirstName: "Nina", AccountID: "acme"}}}},
			engine.KindPerson, "source"},
		{"person record ID", engine.Batch{Persons: []identity.PersonRecord{
			{Source: b2b.SourceMarketo, RecordID: "L-\xfe9", Time: day0, Person: b2b.Person{Email: "nina@acme.com", FirstName: "Nina", Company: "Acme"}}}},
			engine.KindPerson, "recordId"},
		{"account source", engine.Batch{Accounts: []identity.AccountRecord{
			{Source: "weird\xff", Time: day0, Account: b2b.Account{ID: "acme", Domains: []string{"acme.com"}, Territory: "EMEA"}}}},
			engine.KindAccount, "source"},
		{"account record ID", engine.Batch{Accounts: []identity.AccountRecord{
			{Source: b2b.SourceMarketo, RecordID: "MKT-\xff", Time: day0, Account: b2b.Account{ID: "acme", Domains: []string{"acme.com"}, Territory: "EMEA"}}}},
			engine.KindAccount, "recordId"},
		{"person email", engine.Batch{Persons: []identity.PersonRecord{{Source: b2b.SourceSalesforce, RecordID: "003X", Time: day0,
			Person: b2b.Person{Email: "n\xffna@acme.com", FirstName: "Nina", AccountID: "acme"}}}},
			engine.KindPerson, "person.email"},
		{"person identifier", engine.Batch{Persons: []identity.PersonRecord{{Source: b2b.SourceSalesforce, RecordID: "003X", Time: day0,
			Person:      b2b.Person{Email: "nina@acme.com", FirstName: "Nina", AccountID: "acme"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "L-\xff"}}}}},
			engine.KindPerson, "identifiers[0].value"},
		{"account identifier", engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceMarketo, RecordID: "MKT-1", Time: day0,
			Account:     b2b.Account{ID: "acme", Domains: []string{"acme.com"}, Territory: "EMEA"},
			Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "ac\xffme"}}}}},
			engine.KindAccount, "identifiers[0].value"},
	}
	for _, ss := range stateStores {
		for _, tt := range tests {
			t.Run(ss.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				b := setupOn(t, pipelineProgram(), ss.store())
				setupAcme(t, b)
				rep, err := b.eng.Apply(b.ctx, tt.batch)
				require.NoError(t, err)
				require.Len(t, rep.Rejected, 1)
				require.Equal(t, tt.kind, rep.Rejected[0].Kind)
				require.Equal(t, "invalid", rep.Rejected[0].Reason)
				require.Contains(t, rep.Rejected[0].Detail, tt.field)
				require.Contains(t, rep.Rejected[0].Detail, "UTF-8")
				eng, _ := recovered(t, b)
				requireSameIdentity(t, b.eng, eng)
			})
		}
	}
}

// TestRecoverActivityIDNotUTF8: an activity whose ID is not UTF-8 was
// applied, but a state kept as JSON writes its ID with U+FFFD: once the
// state was read back (an engine started again), the same activity sent
// again was not found a duplicate and counted twice. It is refused as
// invalid, naming the field, before and after a restart.
func TestRecoverActivityIDNotUTF8(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) {
			t.Parallel()
			b := setupOn(t, pipelineProgram(), ss.store())
			setupAcme(t, b)
			demo := activity("demo-\xff", b2b.ActivityRequestDemo, "L-2", day0, nil)
			for i, eng := range []*engine.Engine{b.eng, nil} {
				if eng == nil {
					eng, _ = recovered(t, b)
				}
				rep, err := eng.Ingest(b.ctx, demo)
				require.NoError(t, err)
				require.Zero(t, rep.Applied, "call %d", i)
				require.Len(t, rep.Rejected, 1, "call %d", i)
				require.Equal(t, "invalid", rep.Rejected[0].Reason)
				require.Contains(t, rep.Rejected[0].Detail, "id")
				require.Contains(t, rep.Rejected[0].Detail, "UTF-8")
			}
		})
	}
}

// TestRecoverOpportunityIDNotUTF8: an opportunity whose ID is not UTF-8
// was taken, but a state kept as JSON writes the ID with U+FFFD: the
// recovered engine knew no account holding it, and its move to another
// account left it on the first too. It is refused as invalid, naming the
// field.
func TestRecoverOpportunityIDNotUTF8(t *testing.T) {
	t.Parallel()
	for _, ss := range stateStores {
		t.Run(ss.name, func(t *testing.T) {
			t.Parallel()
			b := setupOn(t, pipelineProgram(), ss.store())
			setupAcme(t, b)
			o := b2b.Opportunity{ID: "opp-\xff", Account: "acme", Name: "Acme deal", Stage: "Prospecting", Status: b2b.OpportunityOpen,
				Source: b2b.SourceSalesforce, CreatedAt: day0, UpdatedAt: day0}
			rep, err := b.eng.UpsertOpportunities(b.ctx, o)
			require.NoError(t, err)
			require.Zero(t, rep.Applied)
			require.Len(t, rep.Rejected, 1)
			require.Equal(t, "invalid", rep.Rejected[0].Reason)
			require.Contains(t, rep.Rejected[0].Detail, "UTF-8")
			eng, _ := recovered(t, b)
			require.Equal(t, engine.OpportunityHolder(b.eng, o.ID), engine.OpportunityHolder(eng, o.ID))
		})
	}
}

// forgetConsent leaves a channel's consent, and where it came from, out of
// the comparison of a golden person with the one recovery rebuilt: one
// that the person's statements decided is rebuilt as the states have it
// (see Limits), with the person's record as its provenance.
func forgetConsent(want, got *identity.GoldenPerson, ch b2b.Channel) {
	for _, gp := range []*identity.GoldenPerson{want, got} {
		delete(gp.Person.Consent, ch)
		delete(gp.Provenance, "consent."+string(ch))
		if len(gp.Person.Consent) == 0 {
			gp.Person.Consent = nil // as one that never had any
		}
	}
}
