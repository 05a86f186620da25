package engine_test

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// twoEmails is a program whose journey sends "first", waits 5 days and
// sends second.
func twoEmails(second string) program.Definitions {
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

// TestInstallKeepsRunningVersions installs a new program whose journey
// changed: the account already in the journey finishes on the version it
// started with, a new account enters the new version.
func TestInstallKeepsRunningVersions(t *testing.T) {
	t.Parallel()
	defs := twoEmails
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

// TestRestartKeepsRunningVersions: an engine started on a store whose
// journey instances an earlier program started runs each on the version
// it entered when it is given the history of the programs; without it,
// such an instance ends with why, never runs on the new definition.
func TestRestartKeepsRunningVersions(t *testing.T) {
	t.Parallel()
	v1, err := program.Compile(twoEmails("second-v1"), program.Options{})
	require.NoError(t, err)
	v2, err := program.Compile(twoEmails("second-v2"), program.Options{})
	require.NoError(t, err)
	for _, tt := range []struct {
		name    string
		history []*program.Program
		want    []string
		ended   string
	}{
		{"with the history", []*program.Program{v1}, []string{"second-v1"}, ""},
		{"without it", nil, nil, "is not the one the instance entered"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first := setup(t, twoEmails("second-v1"))
			_, err := first.eng.Apply(first.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
				Persons: []identity.PersonRecord{lead("L-1", "carla@acme.com", "Carla", "Diaz", "CFO", "")}})
			require.NoError(t, err)
			require.Len(t, claimAll(t, first, day0), 1)

			// A new process on the same store, with the edited program.
			b := setup(t, twoEmails("second-v2"), func(c *engine.Config) {
				c.Store, c.Clock, c.History = first.store, first.clock, tt.history
			})
			b.store, b.clock = first.store, first.clock
			// Its identity graph is built again from the records.
			_, err = b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
				Persons: []identity.PersonRecord{lead("L-1", "carla@acme.com", "Carla", "Diaz", "CFO", "")}})
			require.NoError(t, err)
			b.clock.Set(day(7))
			_, err = b.eng.Advance(b.ctx, day(7))
			require.NoError(t, err)
			var got []string
			for _, m := range claimAll(t, b, day(7)) {
				got = append(got, m.Template)
			}
			require.Equal(t, tt.want, got)
			evs, err := b.eng.Events(b.ctx, "acme", 0, 1000)
			require.NoError(t, err)
			ended := ""
			for _, e := range evs {
				if e.Type == "journey.ended" {
					ended = string(e.Data)
				}
			}
			if tt.ended == "" {
				require.Contains(t, ended, `"completed":true`)
			} else {
				require.Contains(t, ended, tt.ended)
			}
		})
	}
	_, err = engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: memory.New(), Program: v2, History: []*program.Program{v1, nil}})
	require.ErrorContains(t, err, "history[1]: is nil")
}

// Earlier journey versions are carried as they were compiled: a new
// program that renamed a role they name (and dropped the journey) installs.
func TestInstallAfterARoleRename(t *testing.T) {
	tpl := func(role string) buyinggroup.RoleTemplate {
		std := buyinggroup.StandardTemplate()
		std.ID = "custom"
		for i := range std.Roles {
			if std.Roles[i].Name == "Champion" {
				std.Roles[i].Name = role
			}
		}
		return std
	}
	defs := dataPlatform()
	defs.RoleTemplates = []buyinggroup.RoleTemplate{tpl("Sponsor")}
	defs.Interests[0].Template = "custom"
	defs.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "hi", Subject: "Hi", Text: "Hi", HTML: "<p>Hi</p>"}}}
	defs.Journeys = []journey.Journey{{ID: "sponsors", Name: "Sponsors",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated}},
		Nodes: []journey.Node{
			{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "hi",
				Recipients: &journey.Recipients{Roles: []string{"Sponsor"}}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		}}}
	b := setup(t, defs)

	// Program 2: "Sponsor" is now "Advocate"; the journey is gone.
	defs2 := dataPlatform()
	defs2.Version = "2"
	defs2.RoleTemplates = []buyinggroup.RoleTemplate{tpl("Advocate")}
	defs2.Interests[0].Template = "custom"
	p2, err := program.Compile(defs2, program.Options{})
	require.NoError(t, err, "program 2 is valid on its own")
	require.NoError(t, b.eng.Install(p2), "installing program 2 fails on a journey it does not have")
}

// A changed journey may go to a journey new in the same program, whatever
// their order in it.
func TestInstallChangedJourneyGoesToNewJourney(t *testing.T) {
	mail := channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "hi", Subject: "Hi", Text: "Hi", HTML: "<p>Hi</p>"}}}
	defs := dataPlatform()
	defs.Templates = mail
	defs.Journeys = []journey.Journey{{ID: "a", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated}},
		Nodes: []journey.Node{{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}}
	b := setup(t, defs)
	defs2 := dataPlatform()
	defs2.Version = "2"
	defs2.Templates = mail
	defs2.Journeys = []journey.Journey{
		{ID: "a", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated}},
			Nodes: []journey.Node{{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "z-sub"}}}},
		{ID: "z-sub", Nodes: []journey.Node{{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}},
		{ID: "y-sub", Nodes: []journey.Node{{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "z-sub"}}}},
	}
	p2, err := program.Compile(defs2, program.Options{})
	require.NoError(t, err, "program 2 is valid on its own")
	require.NoError(t, b.eng.Install(p2))
}

// TestInstallMovesJourneysToAnotherInterestTogether: a journey and the
// one it goes to, both bound to Data Platform, move to Security in a new
// program, in either order of the program's list, and so does the one
// gone to when the other stops going to it: each is a valid program, and
// installs.
func TestInstallMovesJourneysToAnotherInterestTogether(t *testing.T) {
	t.Parallel()
	mail := channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "hi", Subject: "Hi", Text: "Hi", HTML: "<p>Hi</p>"}}}
	bound := func(interest string) []journey.Trigger {
		return []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}
	}
	router := func(interest string, to string) journey.Journey {
		j := journey.Journey{ID: "a-router", Triggers: bound(interest),
			Nodes: []journey.Node{{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}
		if to != "" {
			j.Nodes = []journey.Node{{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: to}}}
		}
		return j
	}
	sub := func(interest string) journey.Journey {
		return journey.Journey{ID: "b-sub", Triggers: bound(interest), Nodes: []journey.Node{{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}
	}
	defs := func(version string, js ...journey.Journey) program.Definitions {
		d := dataPlatform()
		d.Version = version
		d.Interests = append(d.Interests, buyinggroup.SolutionInterest{ID: "security", Name: "Security", CRMProduct: "Security",
			Template: buyinggroup.StandardTemplateID})
		d.Templates = mail
		d.Journeys = js
		return d
	}
	for _, tc := range []struct {
		name   string
		before []journey.Journey
		after  []journey.Journey
	}{
		{"both move, the one gone to listed first", []journey.Journey{sub("data-platform"), router("data-platform", "b-sub")},
			[]journey.Journey{sub("security"), router("security", "b-sub")}},
		{"both move, the one that goes listed first", []journey.Journey{router("data-platform", "b-sub"), sub("data-platform")},
			[]journey.Journey{router("security", "b-sub"), sub("security")}},
		{"the one gone to moves, the other stops going to it", []journey.Journey{sub("data-platform"), router("data-platform", "b-sub")},
			[]journey.Journey{sub("security"), router("data-platform", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs("1", tc.before...))
			p2, err := program.Compile(defs("2", tc.after...), program.Options{})
			require.NoError(t, err, "program 2 is valid on its own")
			require.NoError(t, b.eng.Install(p2))
		})
	}
}

// A journey a host aborted or finished stays so when a program is
// installed again; one the new program aborts is aborted; one the new
// program dropped is closed.
func TestInstallKeepsJourneyStatuses(t *testing.T) {
	for _, again := range []bool{false, true} {
		p, err := program.Compile(twoEmails("second-v1"), program.Options{})
		require.NoError(t, err)
		p.Journeys, err = p.Journeys.Abort("two-emails")
		require.NoError(t, err)
		b := setup(t, twoEmails("second-v1"), func(c *engine.Config) { c.Program = p })
		if again {
			require.NoError(t, b.eng.Install(p)) // the same program, installed again
		}
		_, err = b.eng.UpsertAccounts(b.ctx, acmeRecord())
		require.NoError(t, err)
		_, err = b.eng.UpsertPersons(b.ctx, lead("L-1", "carla@acme.com", "Carla", "Diaz", "CFO", ""))
		require.NoError(t, err)
		require.Zero(t, countEvents(t, b, "acme", "journey.enter"), "installed again: %v: an aborted journey takes no entry", again)

		p2, err := program.Compile(twoEmails("second-v2"), program.Options{})
		require.NoError(t, err)
		require.ErrorContains(t, b.eng.Install(p2), `journey "two-emails" is aborted: it takes no new version`)
	}

	b := setup(t, twoEmails("second-v1"))
	p, err := program.Compile(twoEmails("second-v1"), program.Options{})
	require.NoError(t, err)
	p.Journeys, err = p.Journeys.Close("two-emails")
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(p))
	_, err = b.eng.UpsertAccounts(b.ctx, acmeRecord())
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-1", "carla@acme.com", "Carla", "Diaz", "CFO", ""))
	require.NoError(t, err)
	require.Zero(t, countEvents(t, b, "acme", "journey.enter"), "the new program closed the journey")
}

// TestInstallDroppingAStage: a program whose stage model no longer has
// the stage a group is in warns at its installation, and the group's next
// pass places it again, with the reason in its stage history.
func TestInstallDroppingAStage(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	b := setup(t, dataPlatform(), func(c *engine.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	was := v.Groups[0].Group.Stage

	defs := dataPlatform()
	sm := buyinggroup.DefaultStageModel()
	sm.ID = "no-" + strings.ToLower(was)
	sm.Stages = slices.DeleteFunc(sm.Stages, func(s buyinggroup.Stage) bool { return s.Name == was })
	sm.Transitions = slices.DeleteFunc(sm.Transitions, func(tr buyinggroup.Transition) bool { return tr.From == was || tr.To == was })
	defs.StageModels = []buyinggroup.StageModel{sm}
	defs.Interests[0].StageModel = sm.ID
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(prog))
	require.Contains(t, logs.String(), `"msg":"stage dropped"`)
	require.Contains(t, logs.String(), `"stage":"`+was+`"`)

	b.clock.Set(day(1))
	_, err = b.eng.Advance(b.ctx, day(1))
	require.NoError(t, err)
	v, err = b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	g := v.Groups[0].Group
	require.NotEqual(t, was, g.Stage)
	last := g.StageHistory[len(g.StageHistory)-1]
	require.Equal(t, was, last.From)
	require.Equal(t, g.Stage, last.To)
	require.Contains(t, last.Reason, `has no stage "`+was+`" any more`)
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Type == "buyinggroup.stage_changed" && strings.Contains(string(e.Data), "any more")
	}), "the placement is logged once")
}

// TestProgramsThatReadTheUnsubscribeLinkNeedOne: a program whose
// templates read {{.UnsubscribeURL}} (every marketing e-mail does, an SMS
// may) is refused, at New (Config.Validate) and at Install, by an engine with no
// Config.UnsubscribeURL, naming the templates; the program installed
// before stays. A program that reads none needs none, and its messages
// carry no link.
func TestProgramsThatReadTheUnsubscribeLinkNeedOne(t *testing.T) {
	t.Parallel()
	plain := twoEmails("second-v1")
	marketing := twoEmails("second-v2")
	for i, e := range marketing.Templates.Emails {
		if e.Name == "second-v2" {
			e.Marketing = true
			e.HTML += `<a href="{{.UnsubscribeURL}}">Unsubscribe</a>`
			e.Text += " Unsubscribe: {{.UnsubscribeURL}}"
			marketing.Templates.Emails[i] = e
		}
	}
	textOptOut := twoEmails("second-v1")
	textOptOut.Templates.SMS = []channel.SMSTemplate{{Name: "reminder", Text: "Reply STOP or visit {{.UnsubscribeURL}}"}}
	both := marketing
	both.Templates.SMS = textOptOut.Templates.SMS
	compile := func(d program.Definitions) *program.Program {
		p, err := program.Compile(d, program.Options{})
		require.NoError(t, err)
		return p
	}
	for _, tc := range []struct {
		name    string
		defs    program.Definitions
		refused string
	}{
		{"no template reads it", plain, ""},
		{"a marketing e-mail", marketing, `install program "option-a": template second-v2 reads {{.UnsubscribeURL}}: no unsubscribe link: Config.UnsubscribeURL is required`},
		{"an SMS", textOptOut, `install program "option-a": template reminder reads {{.UnsubscribeURL}}: no unsubscribe link: Config.UnsubscribeURL is required`},
		{"both", both, `install program "option-a": templates reminder, second-v2 read {{.UnsubscribeURL}}: no unsubscribe link: Config.UnsubscribeURL is required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.New(engine.Config{Store: memory.New(), Program: compile(tc.defs)})
			if tc.refused == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, engine.ErrNoUnsubscribeURL)
			require.EqualError(t, err, "engine config: unsubscribeURL: "+strings.TrimPrefix(tc.refused, "install "), "a config problem")
			_, err = engine.New(engine.Config{Store: memory.New(), Program: compile(tc.defs), UnsubscribeURL: unsubscribeURL})
			require.NoError(t, err, "with the host's link")

			eng, err := engine.New(engine.Config{Store: memory.New(), Program: compile(plain)})
			require.NoError(t, err)
			was := eng.Program()
			err = eng.Install(compile(tc.defs))
			require.EqualError(t, err, tc.refused)
			require.Same(t, was, eng.Program(), "the program installed before stays")
		})
	}
}
