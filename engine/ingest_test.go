package engine_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store/memory"
)

// TestRedeliveryPastTheRetention: an activity older than the account's
// activity retention when it arrives is rejected as too late, however
// often it comes (the account no longer knows whether it applied it);
// one within the retention, which follows a longer scoring horizon,
// counts once.
func TestRedeliveryPastTheRetention(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		horizon time.Duration
		age     time.Duration
		applied bool
	}{
		{"default horizon, an hour past 30 days", 0, 30*24*time.Hour + time.Hour, false},
		{"default horizon, within 30 days", 0, 29 * 24 * time.Hour, true},
		{"90-day horizon, 60 days old", 90 * 24 * time.Hour, 60 * 24 * time.Hour, true},
		{"90-day horizon, 91 days old", 90 * 24 * time.Hour, 91 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prog, err := program.Compile(pipelineProgram(), program.Options{Scoring: scoring.Config{Horizon: tt.horizon}})
			require.NoError(t, err)
			c := clock.NewManual(day0)
			st := memory.New()
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
			require.NoError(t, err)
			b := &bundle{ctx: context.Background(), eng: eng, store: st, clock: c}
			setupAcme(t, b)
			old := activity("old-demo", b2b.ActivityRequestDemo, "L-2", day0.Add(-tt.age), nil)
			for i := range 3 {
				rep, err := b.eng.Ingest(b.ctx, old)
				require.NoError(t, err)
				switch {
				case !tt.applied:
					require.Zero(t, rep.Applied)
					require.Len(t, rep.Rejected, 1)
					require.Equal(t, "too_late", rep.Rejected[0].Reason)
					require.Contains(t, rep.Rejected[0].Detail, "older than the activity retention")
				case i == 0:
					require.Equal(t, 1, rep.Applied)
				default:
					require.Zero(t, rep.Applied, "delivery %d", i+1)
					require.Equal(t, 1, rep.Duplicates, "delivery %d", i+1)
				}
			}
			want := 0
			if tt.applied {
				want = 1
			}
			require.Equal(t, want, countEvents(t, b, "acme", "activity.applied"))
			require.Equal(t, int64(want), b.eng.Counters().Ingested)
		})
	}
}

// TestActivityOfAnUnknownAccount: an activity that names an account no
// record made is rejected with its reason, and the call's other
// activities stand.
func TestActivityOfAnUnknownAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	bad := activity("bad", b2b.ActivityClickLink, "L-2", day0, nil)
	bad.Account = "typo-account"
	rep, err := b.eng.Ingest(b.ctx, activity("good", b2b.ActivityClickLink, "L-2", day0, nil), bad)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, []engine.Rejection{{Kind: engine.KindActivity, Index: 1, Activity: "bad", Account: "typo-account",
		Reason: "unknown_account", Detail: `no account "typo-account" has been upserted`}}, rep.Rejected)
	require.Equal(t, map[string]int64{"unknown_account": 1}, b.eng.Counters().Rejected)
	_, err = b.eng.Enter(b.ctx, "typo-account", "pipeline-acceleration")
	require.ErrorIs(t, err, engine.ErrUnknownAccount, "a call on one account still fails")
}

// TestActivityOfSeveralAccountsIsOneInput: an activity that reaches two
// accounts (a subsidiary's, with rollup) is one applied input, one
// duplicate when it comes again, and one rejection.
func TestActivityOfSeveralAccountsIsOneInput(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup = true })
	_, err := b.eng.UpsertAccounts(b.ctx,
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.example"}}},
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.example"}, ParentID: "holding"}})
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-9", "vic@globex.example", "Vic", "Kim", "VP of Engineering", "Globex"))
	require.NoError(t, err)

	rep, err := b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, 2, rep.Accounts, "both accounts took it")
	require.Equal(t, 1, countEvents(t, b, "holding", "activity.applied"))
	require.Equal(t, 1, countEvents(t, b, "globex", "activity.applied"))

	rep, err = b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Zero(t, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)

	rep, err = b.eng.Ingest(b.ctx, activity("late", b2b.ActivityRequestDemo, "L-9", day0.AddDate(0, 0, -40), nil))
	require.NoError(t, err)
	require.Len(t, rep.Rejected, 1)
	require.Equal(t, b2b.AccountID("globex"), rep.Rejected[0].Account, "of two accounts refusing it alike, the first by ID")

	// 31 days on, the holding's record changes (its pass prunes the
	// record of "one"); globex has no pass. Sent again, "one" is a
	// duplicate to globex and too late to the holding: one duplicate.
	b.clock.Set(day(31))
	_, err = b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day(31),
		Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.example"}, Employees: 5000}})
	require.NoError(t, err)
	rep, err = b.eng.Ingest(b.ctx, activity("one", b2b.ActivityRequestDemo, "L-9", day0, nil))
	require.NoError(t, err)
	require.Zero(t, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)
	require.Empty(t, rep.Rejected)

	c := b.eng.Counters()
	require.Equal(t, int64(1), c.Ingested)
	require.Equal(t, int64(2), c.Duplicates)
	require.Equal(t, map[string]int64{"too_late": 1}, c.Rejected)
}

// TestAppliedActivitiesNameTheirMessages: the activity.applied event of a
// pass lists, by type, the message key of each applied activity that
// names one (b2b.AttrMessageKey), so that the e-mail rates count each
// message once; activities not applied (duplicates, refused) are not in
// it, and a pass whose activities name no message logs no list.
func TestAppliedActivitiesNameTheirMessages(t *testing.T) {
	t.Parallel()
	about := func(key any) map[string]any { return map[string]any{b2b.AttrMessageKey: key, "template": "intro"} }
	type payload struct {
		Count    int                 `json:"count"`
		ByType   map[string]int      `json:"byType"`
		Messages map[string][]string `json:"messages"`
	}
	tests := []struct {
		name    string
		batches [][]b2b.Activity
		want    []payload // each activity.applied, in order
	}{{
		name: "no message named: no list",
		batches: [][]b2b.Activity{{
			activity("v", b2b.ActivityVisitWebPage, "L-2", day0, map[string]any{"url": "/pricing"}),
			activity("o", b2b.ActivityOpenEmail, "L-2", day0, nil),
			activity("e", b2b.ActivityOpenEmail, "L-3", day0, about("")),
		}},
		want: []payload{{Count: 3, ByType: map[string]int{"visit_web_page": 1, "open_email": 2}}},
	}, {
		name: "keys by type in the order applied (by time), a repeated open kept",
		batches: [][]b2b.Activity{{
			activity("d1", b2b.ActivityEmailDelivered, "L-2", day0.Add(-3*time.Hour), about("k1")),
			activity("o1", b2b.ActivityOpenEmail, "L-2", day0.Add(-2*time.Hour), about("k1")),
			activity("o2", b2b.ActivityOpenEmail, "L-2", day0.Add(-time.Hour), about("k1")),
			activity("o3", b2b.ActivityOpenEmail, "L-3", day0.Add(-2*time.Hour), about("k2")),
			activity("c1", b2b.ActivityClickEmail, "L-2", day0.Add(-2*time.Hour), about("k1")),
			activity("o4", b2b.ActivityOpenEmail, "L-3", day0, nil),
		}},
		want: []payload{{Count: 6, ByType: map[string]int{"email_delivered": 1, "open_email": 4, "click_email": 1},
			Messages: map[string][]string{"email_delivered": {"k1"}, "open_email": {"k1", "k2", "k1"}, "click_email": {"k1"}}}},
	}, {
		name: "duplicates, unknown persons and invalid keys are not applied, nor listed",
		batches: [][]b2b.Activity{{
			activity("o1", b2b.ActivityOpenEmail, "L-2", day0, about("k1")),
		}, {
			activity("o1", b2b.ActivityOpenEmail, "L-2", day0, about("k1")),
			activity("o2", b2b.ActivityOpenEmail, "nobody", day0, about("k2")),
			activity("o3", b2b.ActivityOpenEmail, "L-2", day0, about(7)),
			activity("c1", b2b.ActivityClickEmail, "L-2", day0, about("k1")),
		}},
		want: []payload{
			{Count: 1, ByType: map[string]int{"open_email": 1}, Messages: map[string][]string{"open_email": {"k1"}}},
			{Count: 1, ByType: map[string]int{"click_email": 1}, Messages: map[string][]string{"click_email": {"k1"}}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			setupAcme(t, b)
			for _, batch := range tt.batches {
				_, err := b.eng.Ingest(b.ctx, batch...)
				require.NoError(t, err)
			}
			evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
			require.NoError(t, err)
			var got []payload
			for _, e := range evs {
				if e.Type == "activity.applied" {
					var p payload
					require.NoError(t, json.Unmarshal(e.Data, &p), "%s", e.Data)
					got = append(got, p)
				}
			}
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
		})
	}
}

// TestMergeThatDropsAnAccount: a record that joins a person and links them
// elsewhere (a CRM contact of Acme with the address of a Globex lead)
// takes them out of the account they were linked to before; that
// account's state no longer lists them, and nothing of theirs stays there.
func TestMergeThatDropsAnAccount(t *testing.T) {
	t.Parallel()
	for _, joinedFirst := range []bool{false, true} {
		b := setup(t, pipelineProgram())
		setupAcme(t, b)
		setupGlobex(t, b)
		gina, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-9")
		require.True(t, ok)
		b.clock.Set(day(1))
		_, err := b.eng.Ingest(b.ctx, activity("g1", b2b.ActivityRequestDemo, "L-9", day(1), nil))
		require.NoError(t, err)
		listed := func(acc b2b.AccountID) []b2b.PersonID { return personsOf(t, b, acc) }
		require.Contains(t, listed("globex"), gina)

		crm := contact("003GINA", "gina@globex.com", "Gina", "Ross", "CTO", "acme")
		crm.Time = day(1)
		if joinedFirst {
			// The contact exists first under another address; its new
			// version carries Gina's, merging the two persons.
			first := contact("003GINA", "g.ross@acme.com", "Gina", "Ross", "CTO", "acme")
			_, err = b.eng.UpsertPersons(b.ctx, first)
			require.NoError(t, err)
		}
		_, err = b.eng.UpsertPersons(b.ctx, crm)
		require.NoError(t, err)
		now, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-9")
		require.Contains(t, listed("acme"), now)
		require.NotContains(t, listed("globex"), gina, "Globex still lists the person who left it")
		require.NotContains(t, listed("globex"), now)
	}
}

// TestNewAccountTakesAPersonOver: an account for a subdomain takes over
// the persons its parent held by that domain; the parent's state no
// longer lists them.
func TestNewAccountTakesAPersonOver(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	_, err := b.eng.UpsertPersons(b.ctx, lead("L-8", "eve@eu.acme.com", "Eve", "Laurent", "CTO", ""))
	require.NoError(t, err)
	eve, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	listed := func(acc b2b.AccountID) []b2b.PersonID { return personsOf(t, b, acc) }
	require.Contains(t, listed("acme"), eve)
	_, err = b.eng.UpsertAccounts(b.ctx, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
		Account: b2b.Account{ID: "acme-eu", Name: "Acme Europe", Domains: []string{"eu.acme.com"}, ParentID: "acme"}})
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{eve}, listed("acme-eu"))
	require.NotContains(t, listed("acme"), eve)
}

// personsOf lists the persons of an account's view.
func personsOf(t *testing.T, b *bundle, acc b2b.AccountID) []b2b.PersonID {
	t.Helper()
	v, err := b.eng.Account(b.ctx, acc, b.clock.Now())
	require.NoError(t, err)
	var ids []b2b.PersonID
	for _, p := range v.Persons {
		ids = append(ids, p.Person.ID)
	}
	return ids
}

// TestMergedAccountLetsItsPersonsGo: an account merged into another (a
// Marketo company found to be a Salesforce account) keeps no persons:
// they are the surviving account's, whose state lists them, and the
// merged account's journeys no longer reach them.
func TestMergedAccountLetsItsPersonsGo(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Acme Corp", Domains: []string{"acme.net"}}}
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk},
		Persons: []identity.PersonRecord{lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", "")}})
	require.NoError(t, err)
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Equal(t, []b2b.PersonID{ann}, personsOf(t, b, "mk-7"))

	mk.Time = day0.Add(time.Hour)
	mk.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acme"}}
	_, err = b.eng.UpsertAccounts(b.ctx, mk)
	require.NoError(t, err)
	require.Contains(t, personsOf(t, b, "acme"), ann)
	require.Empty(t, personsOf(t, b, "mk-7"), "the merged account still lists the person")
}

// TestRollupParentChange: with rollup, a subsidiary that changes parent
// takes its persons from the old parent's state to the new one's.
func TestRollupParentChange(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup = true })
	setupAcme(t, b)
	eu := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
		Account: b2b.Account{ID: "acme-eu", Name: "Acme Europe", Domains: []string{"acme.eu"}, ParentID: "acme"}}
	_, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{eu, {Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
		Persons: []identity.PersonRecord{lead("L-8", "eve@acme.eu", "Eve", "Laurent", "CTO", "")}})
	require.NoError(t, err)
	eve, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Contains(t, personsOf(t, b, "acme"), eve)
	require.NotContains(t, personsOf(t, b, "globex"), eve)

	eu.Time = day0.Add(time.Hour)
	eu.Account.ParentID = "globex"
	_, err = b.eng.UpsertAccounts(b.ctx, eu)
	require.NoError(t, err)
	require.Contains(t, personsOf(t, b, "globex"), eve)
	require.NotContains(t, personsOf(t, b, "acme"), eve, "the old parent still rolls up the person")
}

// TestRollupMergedAccountLeavesItsParents: with rollup, an account merged
// into one with another parent (by the surviving account's record, which
// took its domain) leaves its former parent and grandparent: their states
// no longer roll up its persons.
func TestRollupMergedAccountLeavesItsParents(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Rollup = true })
	acme := acmeRecord()
	acme.Account.ParentID = "globex"
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{
		{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}},
		{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "group", Name: "Group", Domains: []string{"group.com"}}},
		{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "holding", Name: "Holding", Domains: []string{"holding.com"}, ParentID: "group"}},
		acme,
		{Source: b2b.SourceMarketo, Time: day0, Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}, ParentID: "holding"}},
	}, Persons: []identity.PersonRecord{lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", "")}})
	require.NoError(t, err)
	ann, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-8")
	require.Contains(t, personsOf(t, b, "holding"), ann)
	require.Contains(t, personsOf(t, b, "group"), ann)
	require.NotContains(t, personsOf(t, b, "globex"), ann)

	acme.Time = day0.Add(time.Hour)
	acme.Account.Domains = []string{"acme.com", "acme.net"}
	_, err = b.eng.UpsertAccounts(b.ctx, acme)
	require.NoError(t, err)
	require.Contains(t, personsOf(t, b, "acme"), ann)
	require.Contains(t, personsOf(t, b, "globex"), ann)
	require.Empty(t, personsOf(t, b, "mk-7"))
	require.NotContains(t, personsOf(t, b, "holding"), ann, "the merged account's former parent still rolls up the person")
	require.NotContains(t, personsOf(t, b, "group"), ann, "the merged account's former grandparent still rolls up the person")
}
