package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// TestInstallKeepsRunningVersions installs a new program whose journey
// changed: the account already in the journey finishes on the version it
// started with, a new account enters the new version.
func TestInstallKeepsRunningVersions(t *testing.T) {
	t.Parallel()
	defs := func(second string) program.Definitions {
		d := dataPlatform()
		tpl := func(name string) channel.EmailTemplate {
			return channel.EmailTemplate{Name: name, Subject: name + " for {{.Account.Name}}", HTML: "<p>" + name + "</p>", Text: name}
		}
		d.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{tpl("first"), tpl("second-v1"), tpl("second-v2")}}
		d.Journeys = []journey.Journey{{ID: "two-emails", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated}},
			Nodes: []journey.Node{
				{ID: "one", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "first", Next: "wait"}},
				{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "two"}},
				{ID: "two", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: second, Next: "end"}},
				{ID: "end", Kind: journey.KindEnd, End: &journey.End{}},
			}}}
		return d
	}
	b := setup(t, defs("second-v1"))
	account := func(id, domain string) identity.AccountRecord {
		return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{domain}}}
	}
	_, err := b.eng.UpsertAccounts(b.ctx, account("old", "old.com"))
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-old", "cfo@old.com", "Ann", "Old", "CFO", ""))
	require.NoError(t, err)

	v2, err := program.Compile(defs("second-v2"), program.Options{})
	require.NoError(t, err)
	b.clock.Set(day(1))
	require.NoError(t, b.eng.Install(v2))
	_, err = b.eng.UpsertAccounts(b.ctx, account("new", "new.com"))
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-new", "cfo@new.com", "Bo", "New", "CFO", ""))
	require.NoError(t, err)
	claimAll(t, b, day(1))

	b.clock.Set(day(7))
	_, err = b.eng.Advance(b.ctx, day(7))
	require.NoError(t, err)
	got := map[b2b.AccountID]string{}
	for _, m := range claimAll(t, b, day(7)) {
		got[m.Account] = m.Template
	}
	require.Equal(t, map[b2b.AccountID]string{"old": "second-v1", "new": "second-v2"}, got)
}
