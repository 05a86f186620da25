package scenarios_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/examples/internal/story"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// The program file of each scenario.
const (
	fileS1 = "s1-solution-qualification.yaml"
	fileS2 = "s2-pipeline-acceleration.yaml"
	fileS3 = "s3-completeness-campaign.yaml"
	fileS4 = "s4-shared-contact.yaml"
	fileS5 = "s5-cross-sell.yaml"
	fileS6 = "s6-stalled-deal.yaml"
	fileS7 = "s7-sales-alignment-view.yaml"
	fileS8 = "s8-multi-region.yaml"
	fileS9 = "s9-bad-input.yaml"
)

// scenarioFiles are the files the scenario tests run, in order.
var scenarioFiles = []string{fileS1, fileS2, fileS3, fileS4, fileS5, fileS6, fileS7, fileS8, fileS9}

// compileFile compiles a program file exactly as "quorum validate FILE"
// does (cmd/quorum/validate.go): read the file, programfile.Compile with
// the file's name and default options.
func compileFile(t *testing.T, file string) *program.Program {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	prog, err := programfile.Compile(file, data, program.Options{})
	require.NoError(t, err, "quorum validate %s", file)
	return prog
}

// day0 is the first day of every scenario: Monday 2026-03-02, 09:00 UTC.
var day0 = story.Day0

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

type bundle struct {
	ctx   context.Context
	eng   *engine.Engine
	store store.Store
	clock *clock.Manual
}

// setup runs the program of a scenario file on an engine with an in-memory
// store and a manual clock at day 0.
func setup(t *testing.T, file string, opts ...func(*engine.Config)) *bundle {
	t.Helper()
	// Every scenario also checks that no committed state changed after its
	// commit (the memory store shares them with the engine).
	st := storetest.NewFreezeCheck(memory.New())
	t.Cleanup(func() { require.Empty(t, st.Changed(), "committed states changed after their commit") })
	c := clock.NewManual(day0)
	cfg := engine.Config{Store: st, Program: compileFile(t, file), Clock: c, UnsubscribeURL: sim.UnsubscribeURL}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	require.NoError(t, err)
	return &bundle{ctx: context.Background(), eng: eng, store: st, clock: c}
}

func acmeRecord() identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
		Employees: 2000, Industry: "Software", Owner: "olivia@quorum.example", Territory: "NA"}, Time: day0.Add(-24 * time.Hour)}
}

// The records and activities of the scenarios are the example stories'
// own: a marketing lead opted in to email, a CRM contact of an account, a
// marketing activity.
var (
	lead     = story.Lead
	contact  = story.Contact
	activity = story.Act
)

// acmeCommittee is Acme's committee of S1: a CFO from two sources, a VP of
// Engineering, a data engineer, a marketing coordinator and a gmail.com
// analyst who works at "ACME Inc.".
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

// setupAcme loads Acme and its committee in one batch.
func setupAcme(t *testing.T, b *bundle) {
	t.Helper()
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: acmeCommittee()})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
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

// rolesOf maps each member's title to their roles.
func rolesOf(v engine.AccountView, g engine.GroupView) map[string][]string {
	titles := map[b2b.PersonID]string{}
	for _, p := range v.Persons {
		titles[p.Person.ID] = p.Person.Title
	}
	out := map[string][]string{}
	for _, m := range g.Group.Members {
		out[titles[m.Person]] = append(out[titles[m.Person]], m.Role)
	}
	return out
}

// claimAll claims every due outbox message and marks it delivered.
func claimAll(t *testing.T, b *bundle, now time.Time) []channel.Message {
	t.Helper()
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: now, Limit: 1000, Lease: time.Minute})
	require.NoError(t, err)
	var out []channel.Message
	for _, en := range got {
		out = append(out, en.Message)
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: now,
			Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "test-" + en.ID, At: now}}))
	}
	return out
}
