package engine

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testPass is a pass of account "acme" at t0 under a program with the
// given caps and consent policy, on store st.
func testPass(t *testing.T, st store.Store, caps []journey.Cap, policy journey.ConsentPolicy) *pass {
	t.Helper()
	prog, err := program.Compile(program.Definitions{Name: "p", Caps: caps, Consent: policy,
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Name: "Data Platform", Template: buyinggroup.StandardTemplateID}}}, program.Options{})
	require.NoError(t, err)
	e, err := New(Config{Store: st, Program: prog})
	require.NoError(t, err)
	return &pass{e: e, p: e.prog.Load(), st: newAccountState(b2b.Account{ID: "acme"}), now: t0, id: "acme"}
}

// TestConsentAtClaim: what the claim of a queued journey message decides
// from its recipient's consent, under the program's consent policy (as
// journeys apply it when they decide the message).
func TestConsentAtClaim(t *testing.T) {
	t.Parallel()
	optOut := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: t0}
	optIn := b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceSalesforce, At: t0}
	tests := []struct {
		name    string
		policy  journey.ConsentPolicy
		channel b2b.Channel
		consent *b2b.Consent // nil: none recorded
		want    string
	}{
		{"opted in to email", journey.ConsentPolicy{}, b2b.ChannelEmail, &optIn, ""},
		{"opted out of email", journey.ConsentPolicy{}, b2b.ChannelEmail, &optOut, "email consent is opt-out (source marketo, 2026-03-02T09:00:00Z)"},
		{"unknown email consent, allowed by default", journey.ConsentPolicy{}, b2b.ChannelEmail, nil, ""},
		{"unknown SMS consent, refused by default", journey.ConsentPolicy{}, b2b.ChannelSMS, nil,
			"sms consent is unknown and the policy requires an opt-in for sms"},
		{"opted out of SMS", journey.ConsentPolicy{}, b2b.ChannelSMS, &optOut, "sms consent is opt-out (source marketo, 2026-03-02T09:00:00Z)"},
		{"unknown email consent where email needs an opt-in", journey.ConsentPolicy{RequireOptIn: []b2b.Channel{b2b.ChannelEmail}}, b2b.ChannelEmail, nil,
			"email consent is unknown and the policy requires an opt-in for email"},
		{"unknown SMS consent where SMS needs none", journey.ConsentPolicy{RequireOptIn: []b2b.Channel{}}, b2b.ChannelSMS, nil, ""},
		{"opted out where nothing needs an opt-in", journey.ConsentPolicy{RequireOptIn: []b2b.Channel{}}, b2b.ChannelEmail, &optOut,
			"email consent is opt-out (source marketo, 2026-03-02T09:00:00Z)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := testPass(t, memory.New(), nil, tt.policy)
			p := &b2b.Person{ID: "p1"}
			if tt.consent != nil {
				p.Consent = map[b2b.Channel]b2b.Consent{tt.channel: *tt.consent}
			}
			require.Equal(t, tt.want, ps.consentForbids(p, tt.channel))
		})
	}
}

// TestPruneStatements: a person's statements that can no longer decide
// anything are forgotten; those dated ahead are kept, the earliest of
// them the account's next consent time.
func TestPruneStatements(t *testing.T) {
	t.Parallel()
	s := func(ref string, status b2b.ConsentStatus, at time.Time) governance.Statement {
		return governance.Statement{Person: "p1", Channel: b2b.ChannelEmail, Status: status, Source: b2b.SourceMarketo, At: at, Ref: ref}
	}
	tests := []struct {
		name    string
		stmts   []governance.Statement
		want    []governance.Statement
		wantDue time.Time
	}{
		{"one", []governance.Statement{s("a", b2b.ConsentOptOut, t0)}, []governance.Statement{s("a", b2b.ConsentOptOut, t0)}, time.Time{}},
		{
			"within the window of the latest",
			[]governance.Statement{s("a", b2b.ConsentOptOut, t0.Add(-23*time.Hour)), s("b", b2b.ConsentOptIn, t0)},
			[]governance.Statement{s("a", b2b.ConsentOptOut, t0.Add(-23*time.Hour)), s("b", b2b.ConsentOptIn, t0)},
			time.Time{},
		},
		{
			"older than the window of the latest",
			[]governance.Statement{s("a", b2b.ConsentOptOut, t0.Add(-25*time.Hour)), s("b", b2b.ConsentOptIn, t0)},
			[]governance.Statement{s("b", b2b.ConsentOptIn, t0)},
			time.Time{},
		},
		{
			"dated ahead: kept, and not the latest yet",
			[]governance.Statement{s("a", b2b.ConsentOptOut, t0.Add(-48*time.Hour)), s("b", b2b.ConsentOptIn, t0.Add(time.Hour)), s("c", b2b.ConsentOptIn, t0.Add(time.Minute))},
			[]governance.Statement{s("a", b2b.ConsentOptOut, t0.Add(-48*time.Hour)), s("b", b2b.ConsentOptIn, t0.Add(time.Hour)), s("c", b2b.ConsentOptIn, t0.Add(time.Minute))},
			t0.Add(time.Minute),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := testPass(t, memory.New(), nil, journey.ConsentPolicy{})
			committed := map[b2b.PersonID][]governance.Statement{"p1": tt.stmts}
			ps.st.Consent = map[b2b.PersonID][]governance.Statement{"p1": tt.stmts}
			ps.pruneStatements()
			if diff := cmp.Diff(tt.want, ps.st.Consent["p1"]); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			require.Equal(t, tt.wantDue, ps.st.ConsentDue)
			require.Equal(t, committed["p1"], tt.stmts, "the list the committed state shares is not modified")
		})
	}
}

// TestSharedContactsOfOneAccount: a pass whose persons are all the
// account's own reads no other account and takes no lock; one with a
// person of another account reads that account's recent messages to them.
func TestSharedContactsOfOneAccount(t *testing.T) {
	t.Parallel()
	caps := []journey.Cap{{Name: "weekly", Max: 2, Per: journey.Days(7)}}
	st := &loads{Store: memory.New()}
	ps := testPass(t, st, caps, journey.ConsentPolicy{})
	ps.st.Persons = []personEntry{{Person: b2b.Person{ID: "p1"}}, {Person: b2b.Person{ID: "p2"}}}
	require.Nil(t, ps.sharedContacts(context.Background()))
	require.Nil(t, ps.locked)
	require.Zero(t, st.n, "no account loaded")

	other := newAccountState(b2b.Account{ID: "initech"})
	other.Journeys.Contacts = []journey.Contact{
		{Person: "p2", Channel: b2b.ChannelEmail, Category: "marketing", Journey: "j", At: t0.Add(-time.Hour)},
		{Person: "p2", Channel: b2b.ChannelEmail, Category: "marketing", Journey: "j", At: t0.Add(-8 * 24 * time.Hour)}, // out of every cap's window
		{Person: "p9", Channel: b2b.ChannelEmail, Category: "marketing", Journey: "j", At: t0.Add(-time.Hour)},          // not a person of acme
	}
	_, err := st.Commit(context.Background(), &store.CommitParams{Tenant: "default", Account: "initech", Value: other, Now: t0})
	require.NoError(t, err)
	ps.st.Persons[1].Others = []b2b.AccountID{"initech"}
	got := ps.sharedContacts(context.Background())
	require.NoError(t, ps.err)
	require.Equal(t, other.Journeys.Contacts[:1], got)
	require.Equal(t, 1, st.n)
	require.Len(t, ps.locked, 1, "p2's lock, held until the commit")
	ps.unlockShared()
	require.Nil(t, ps.locked)
}

// loads counts the accounts a store loads.
type loads struct {
	store.Store
	n int
}

func (s *loads) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	s.n++
	return s.Store.LoadAccount(ctx, t, id)
}

func (s *loads) KeepsValues() bool { return store.KeepsValues(s.Store) }
