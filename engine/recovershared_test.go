package engine_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestRecoverSharedIdentifier: an identifier that two persons' records
// carry, which a conflict left with the person that held it first (or,
// its holder erased, with the person of the next record that gives it),
// stays so after Recover: a record that
// arrives after the restart with it joins the person it joins in an
// engine that did not restart. The first holder's ID sorts after the
// other's, so that ID order is not the order of arrival.
func TestRecoverSharedIdentifier(t *testing.T) {
	t.Parallel()
	sfContact := func(id, contactID, email string, at time.Time) identity.PersonRecord {
		rec := contact(id, email, "Pat", "Moss", "VP of Engineering", "acme")
		rec.Time = at
		rec.Identifiers = []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: contactID}}
		return rec
	}
	atAccount := func(rec identity.PersonRecord, acc b2b.AccountID, at time.Time) identity.PersonRecord {
		rec.Person.AccountID, rec.Time = acc, at
		return rec
	}
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	tests := []struct {
		name string
		// batches are applied in turn before the restart.
		batches []engine.Batch
		// erase are the records whose persons are erased before it.
		erase []identity.RecordRef
		// then arrives after it, from Marketo.
		then identity.PersonRecord
		// want is the person then joins, "" for a person of its own.
		want b2b.PersonID
	}{
		{name: "a unique namespace kept two contacts apart",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{sfContact("003Z", "0035e00000CoNtZ", "pat@acme.com", day0)}},
				{Persons: []identity.PersonRecord{sfContact("003A", "0035e00000CoNtA", "Pat@Acme.com", day0.Add(time.Hour))}},
			},
			then: lead("L-9", "pat@acme.com", "Pat", "Moss", "VP Engineering", "Acme"),
			want: "salesforce:003Z"},
		{name: "explicit accounts kept two leads apart",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{acmeRecord(), globex}, Persons: []identity.PersonRecord{
					atAccount(lead("L-Z", "pat@acme.com", "Pat", "Moss", "CTO", "Acme"), "acme", day0)}},
				{Persons: []identity.PersonRecord{atAccount(lead("L-A", "pat@acme.com", "Pat", "Moss", "Advisor", "Globex"), "globex", day0.Add(time.Hour))}},
			},
			then: lead("L-9", "pat@acme.com", "Pat", "Moss", "CTO", "Acme"),
			want: "marketo:L-Z"},
		{name: "its holder was erased",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{acmeRecord(), globex}, Persons: []identity.PersonRecord{
					sfContact("003Z", "0035e00000CoNtZ", "pat@acme.com", day0)}},
				{Persons: []identity.PersonRecord{atAccount(sfContact("003A", "0035e00000CoNtA", "pat@acme.com", day0.Add(time.Hour)), "globex", day0.Add(time.Hour))}},
			},
			erase: []identity.RecordRef{{Source: b2b.SourceSalesforce, RecordID: "003Z"}},
			then:  lead("L-9", "pat@acme.com", "Pat", "Moss", "VP Engineering", "Acme"),
			want:  "salesforce:003A"},
	}
	for _, tt := range tests {
		for _, ss := range stateStores {
			t.Run(tt.name+"/"+ss.name, func(t *testing.T) {
				t.Parallel()
				// stay never restarts; b restarts before then arrives.
				stay, b := setupOn(t, dataPlatform(), ss.store()), setupOn(t, dataPlatform(), ss.store())
				for _, x := range []*bundle{stay, b} {
					applyBatches(t, x, tt.batches)
					for _, r := range tt.erase {
						id, ok := x.eng.PersonOfRecord(r.Source, r.RecordID)
						require.True(t, ok, "record %s", r)
						_, err := x.eng.ErasePerson(x.ctx, id)
						require.NoError(t, err)
					}
				}
				eng, _ := recovered(t, b)
				requireSameIdentity(t, b.eng, eng)

				joined := map[string]b2b.PersonID{}
				for name, e := range map[string]*engine.Engine{"without restart": stay.eng, "after restart": eng} {
					rep, err := e.Apply(stay.ctx, engine.Batch{Persons: []identity.PersonRecord{tt.then}})
					require.NoError(t, err)
					require.Empty(t, rep.Rejected)
					id, ok := e.PersonOfRecord(tt.then.Source, tt.then.RecordID)
					require.True(t, ok, name)
					joined[name] = id
				}
				want := tt.want
				if want == "" {
					want = b2b.PersonID(tt.then.Source + ":" + tt.then.RecordID)
				}
				require.Equal(t, map[string]b2b.PersonID{"without restart": want, "after restart": want}, joined)
			})
		}
	}
}

// TestRecoverSharedAccountIdentifier: an account identifier that two
// CRM accounts carry, which a conflict left with the account that held it
// first, stays so after Recover: an account record that arrives after the
// restart with it joins the account it joins in an engine that did not
// restart. The first holder's ID sorts after the other's, so that ID
// order is not the order of arrival.
func TestRecoverSharedAccountIdentifier(t *testing.T) {
	t.Parallel()
	sfAccount := func(id b2b.AccountID, domain string, at time.Time, ids ...identity.Identifier) identity.AccountRecord {
		return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: at, Identifiers: ids,
			Account: b2b.Account{ID: id, Name: "Acme " + string(id), Domains: []string{domain}}}
	}
	legacy := identity.Identifier{Namespace: identity.NSAccountID, Value: "legacy-7"}
	at := day0.Add(-24 * time.Hour)
	tests := []struct {
		name string
		// batches are applied in turn before the restart.
		batches []engine.Batch
		// then arrives after it, from Marketo.
		then identity.AccountRecord
		// want is the account then joins.
		want b2b.AccountID
	}{
		{name: "a domain two accounts carry",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{sfAccount("acme", "acme.com", at)}},
				{Accounts: []identity.AccountRecord{sfAccount("aacme", "acme.com", at.Add(time.Hour))}},
			},
			then: identity.AccountRecord{Source: b2b.SourceMarketo, Time: at.Add(2 * time.Hour),
				Account: b2b.Account{ID: "mk-1", Name: "Acme", Domains: []string{"acme.com"}}},
			want: "acme"},
		{name: "an account ID two accounts carry",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{sfAccount("acme", "acme.com", at, legacy)}},
				{Accounts: []identity.AccountRecord{sfAccount("aacme", "aacme.com", at.Add(time.Hour), legacy)}},
			},
			then: identity.AccountRecord{Source: b2b.SourceMarketo, Time: at.Add(2 * time.Hour), Identifiers: []identity.Identifier{legacy},
				Account: b2b.Account{ID: "mk-1", Name: "Acme Legacy"}},
			want: "acme"},
		{name: "both accounts in one batch",
			batches: []engine.Batch{
				{Accounts: []identity.AccountRecord{sfAccount("acme", "acme.com", at), sfAccount("aacme", "acme.com", at.Add(time.Hour))}},
			},
			then: identity.AccountRecord{Source: b2b.SourceMarketo, Time: at.Add(2 * time.Hour),
				Account: b2b.Account{ID: "mk-1", Name: "Acme", Domains: []string{"acme.com"}}},
			want: "acme"},
	}
	for _, tt := range tests {
		for _, ss := range stateStores {
			t.Run(tt.name+"/"+ss.name, func(t *testing.T) {
				t.Parallel()
				// stay never restarts; b restarts before then arrives.
				stay, b := setupOn(t, dataPlatform(), ss.store()), setupOn(t, dataPlatform(), ss.store())
				for _, x := range []*bundle{stay, b} {
					applyBatches(t, x, tt.batches)
				}
				eng, _ := recovered(t, b)
				requireSameIdentity(t, b.eng, eng)

				joined := map[string]b2b.AccountID{}
				for name, e := range map[string]*engine.Engine{"without restart": stay.eng, "after restart": eng} {
					rep, err := e.Apply(stay.ctx, engine.Batch{Accounts: []identity.AccountRecord{tt.then}})
					require.NoError(t, err)
					require.Empty(t, rep.Rejected)
					ga, err := engine.GoldenAccount(e, tt.then.Account.ID)
					require.NoError(t, err, name)
					joined[name] = ga.ID
				}
				require.Equal(t, map[string]b2b.AccountID{"without restart": tt.want, "after restart": tt.want}, joined)
			})
		}
	}
}

// TestRecoverReportsForeignUnindexed: a stored person whose origin keeps
// as unindexed an identifier none of their records carries (a damaged
// state) is rebuilt without it, and Recover says so.
func TestRecoverReportsForeignUnindexed(t *testing.T) {
	t.Parallel()
	st := bytesOnly{memory.New()}
	b := setupOn(t, dataPlatform(), st)
	contactID := func(v string) []identity.Identifier {
		return []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: v}}
	}
	first, second := contact("003Z", "pat@acme.com", "Pat", "Moss", "CTO", "acme"), contact("003A", "pat@acme.com", "Pat", "Moss", "CTO", "acme")
	first.Identifiers, second.Identifiers, second.Time = contactID("0035e00000CoNtZ"), contactID("0035e00000CoNtA"), first.Time.Add(time.Hour)
	for _, batch := range []engine.Batch{{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{first}},
		{Persons: []identity.PersonRecord{second}}} {
		rep, err := b.eng.Apply(b.ctx, batch)
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
	}

	a, err := st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, json.Unmarshal(a.State, &state))
	damaged := 0
	for _, p := range state["persons"].([]any) {
		o, ok := p.(map[string]any)["origin"].(map[string]any)
		if !ok || o["unindexed"] == nil {
			continue
		}
		require.Equal(t, []any{map[string]any{"namespace": "email", "value": "pat@acme.com"}}, o["unindexed"])
		o["unindexed"] = []any{map[string]any{"namespace": "email", "value": "nobody@acme.com"}}
		damaged++
	}
	require.Equal(t, 1, damaged, "the second contact's email finds the first")
	data, err := json.Marshal(state)
	require.NoError(t, err)
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "acme", ExpectedVersion: a.Version,
		State: data, DueAt: day0, Now: day0})
	require.NoError(t, err)

	eng := restart(t, b)
	rep, err := eng.Recover(b.ctx)
	require.ErrorIs(t, err, engine.ErrIncompleteRecovery)
	require.Len(t, rep.Problems, 1)
	require.Equal(t, engine.RecoverProblem{Account: "acme", Person: "salesforce:003A"},
		engine.RecoverProblem{Account: rep.Problems[0].Account, Person: rep.Problems[0].Person})
	require.EqualError(t, rep.Problems[0].Err, "origin: unindexed[0]: email:nobody@acme.com is none of the person's identifiers: left out")
	require.Empty(t, rep.Relinked)
	id, ok := eng.PersonOfRecord(b2b.SourceSalesforce, "003A")
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("salesforce:003A"), id)
}

// TestRecoverReportsForeignAccountUnindexed: a stored account whose
// origin keeps as unindexed an identifier none of its records carries,
// or its own ID (a damaged state), is rebuilt without it, and Recover
// says so; the identifiers it rightly keeps stay with the account that
// held them first.
func TestRecoverReportsForeignAccountUnindexed(t *testing.T) {
	t.Parallel()
	st := bytesOnly{memory.New()}
	b := setupOn(t, dataPlatform(), st)
	at := day0.Add(-24 * time.Hour)
	for _, id := range []b2b.AccountID{"acme", "aacme"} {
		rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: at,
			Account: b2b.Account{ID: id, Name: "Acme " + string(id), Domains: []string{"acme.com"}}}}})
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
		at = at.Add(time.Hour)
	}

	a, err := st.LoadAccount(b.ctx, "default", "aacme")
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, json.Unmarshal(a.State, &state))
	o := state["origin"].(map[string]any)
	require.Equal(t, []any{map[string]any{"namespace": "account_domain", "value": "acme.com"}}, o["unindexed"],
		"the shared domain finds acme, which held it first")
	o["unindexed"] = []any{
		map[string]any{"namespace": "account_domain", "value": "nobody.com"},
		map[string]any{"namespace": "account_domain", "value": "acme.com"},
		map[string]any{"namespace": "account_id", "value": "aacme"},
	}
	data, err := json.Marshal(state)
	require.NoError(t, err)
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "aacme", ExpectedVersion: a.Version,
		State: data, DueAt: day0, Now: day0})
	require.NoError(t, err)

	eng := restart(t, b)
	rep, err := eng.Recover(b.ctx)
	require.ErrorIs(t, err, engine.ErrIncompleteRecovery)
	var got []string
	for _, p := range rep.Problems {
		require.Equal(t, engine.RecoverProblem{Account: "aacme"}, engine.RecoverProblem{Account: p.Account, Person: p.Person})
		got = append(got, p.Err.Error())
	}
	require.Equal(t, []string{
		"origin: unindexed[0]: account_domain:nobody.com is none of the account's identifiers: left out",
		"origin: unindexed[2]: account_id:aacme is the account's own ID, which finds it: left out",
	}, got)
	require.Empty(t, rep.Relinked)
	for id, want := range map[identity.Identifier]b2b.AccountID{
		{Namespace: identity.NSAccountDomain, Value: "acme.com"}: "acme",
		{Namespace: identity.NSAccountID, Value: "aacme"}:        "aacme",
	} {
		got, ok := engine.LookupAccount(eng, id)
		require.True(t, ok, id)
		require.Equal(t, want, got, id)
	}
}

// applyBatches applies each batch in turn, every record accepted.
func applyBatches(t *testing.T, x *bundle, batches []engine.Batch) {
	t.Helper()
	for _, batch := range batches {
		rep, err := x.eng.Apply(x.ctx, batch)
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
	}
}
