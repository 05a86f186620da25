package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store/memory"
)

// BenchmarkMoveMany: one CRM sync moves n contacts, each to the next
// company, with the passes of both accounts of each. What a move costs
// per person (identity, the accounts' passes, and markJoined, which looks
// at the moved person's accounts only, under the engine's lock) does not
// grow with n: ns/person stays level from 1,000 to 16,000.
func BenchmarkMoveMany(b *testing.B) {
	prog, err := program.Compile(dataPlatform(), program.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var accs []identity.AccountRecord
			var persons, moved []identity.PersonRecord
			for i := range n {
				id := b2b.AccountID(fmt.Sprintf("a%d", i))
				accs = append(accs, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-48 * time.Hour),
					Account: b2b.Account{ID: id, Name: string(id), Domains: []string{fmt.Sprintf("a%d.example", i)}}})
				p := contact(fmt.Sprintf("003-%d", i), fmt.Sprintf("p%d@a%d.example", i, i), "P", fmt.Sprint(i), "CTO", id)
				persons = append(persons, p)
				p.Person.AccountID = b2b.AccountID(fmt.Sprintf("a%d", (i+1)%n))
				p.Time = day0
				moved = append(moved, p)
			}
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: memory.New(), Program: prog, Clock: clock.NewManual(day0)})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := eng.Apply(ctx, engine.Batch{Accounts: accs, Persons: persons}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := eng.UpsertPersons(ctx, moved...)
				if err != nil || len(rep.Rejected) > 0 {
					b.Fatal(err, rep.Rejected)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/person")
		})
	}
}
