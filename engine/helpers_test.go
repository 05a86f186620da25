package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// day0 is the first day of every scenario: Monday 2026-03-02, 09:00 UTC.
var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

type bundle struct {
	ctx   context.Context
	eng   *engine.Engine
	store store.Store
	clock *clock.Manual
}

func setup(t *testing.T, defs program.Definitions, opts ...func(*engine.Config)) *bundle {
	t.Helper()
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	st := memory.New()
	c := clock.NewManual(day0)
	cfg := engine.Config{Store: st, Program: prog, Clock: c}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	require.NoError(t, err)
	return &bundle{ctx: context.Background(), eng: eng, store: st, clock: c}
}

// dataPlatform is a program with one solution interest on the standard
// template.
func dataPlatform() program.Definitions {
	return program.Definitions{
		Name: "option-a",
		Interests: []buyinggroup.SolutionInterest{{ID: "data-platform", Name: "Data Platform", CRMProduct: "Data Platform",
			Template: buyinggroup.StandardTemplateID}},
	}
}

func acmeRecord() identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
		Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}, Time: day0.Add(-24 * time.Hour)}
}

func lead(id, email, first, last, title, company string) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: day0.Add(-time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, Company: company,
			Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, -1, 0)}}}}
}

func contact(id, email, first, last, title string, account b2b.AccountID) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: id, Time: day0.Add(-2 * time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, AccountID: account}}
}

func activity(id string, typ b2b.ActivityType, person string, at time.Time, attrs map[string]any) b2b.Activity {
	return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: b2b.PersonID(person), Source: b2b.SourceMarketo, Time: at, Attributes: attrs}
}

func (b *bundle) view(t *testing.T, id b2b.AccountID) engine.AccountView {
	t.Helper()
	v, err := b.eng.Account(b.ctx, id, b.clock.Now())
	require.NoError(t, err)
	return v
}

func groupOf(t *testing.T, v engine.AccountView, interest string) engine.GroupView {
	t.Helper()
	for _, g := range v.Groups {
		if g.Group.Interest == interest {
			return g
		}
	}
	t.Fatalf("account %s has no %s group", v.Account.ID, interest)
	return engine.GroupView{}
}

// rolesOf maps each member's name to their roles.
func rolesOf(v engine.AccountView, g engine.GroupView) map[string][]string {
	names := map[b2b.PersonID]string{}
	for _, p := range v.Persons {
		names[p.Person.ID] = p.Person.Title
	}
	out := map[string][]string{}
	for _, m := range g.Group.Members {
		out[names[m.Person]] = append(out[names[m.Person]], m.Role)
	}
	return out
}
