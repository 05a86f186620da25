package identity_test

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/internal/cputime"
)

const benchAccounts = 100_000

// benchAccountRecords builds the accounts of the benchmark.
func benchAccountRecords() []identity.AccountRecord {
	accts := make([]identity.AccountRecord, benchAccounts)
	for a := range accts {
		n := strconv.Itoa(a)
		domains := []string{"c" + n + ".com"}
		if a%10 == 0 {
			domains = append(domains, "c"+n+".io")
		}
		accts[a] = identity.AccountRecord{
			Source: b2b.SourceSalesforce,
			Account: b2b.Account{ID: benchAccountID(a), Name: "Company " + n + " Inc",
				Domains: domains, Employees: 100 + a%5000},
			Time: benchT0,
		}
	}
	return accts
}

var benchT0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func benchAccountID(a int) b2b.AccountID { return b2b.AccountID("001" + pad(a, 12)) }

func benchContactEmail(k int) string {
	return "p" + strconv.Itoa(k) + "@c" + strconv.Itoa(k%benchAccounts) + ".com"
}

// benchPerson returns person record k, deterministically. Records come from
// two sources: 60% Salesforce contacts with an explicit account reference,
// 40% Marketo leads, of which half share the email of the latest contact
// (they merge), a quarter have a company email (one in four on a regional
// subdomain), and an eighth a gmail address (half of those with a company
// name, half with nothing that resolves).
func benchPerson(k int) identity.PersonRecord {
	at := benchT0.Add(time.Duration(k) * time.Second)
	if k%10 < 6 {
		id := "003" + pad(k, 12)
		return identity.PersonRecord{
			Source: b2b.SourceSalesforce, RecordID: id,
			Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: id}},
			Person: b2b.Person{Email: benchContactEmail(k), FirstName: "F" + strconv.Itoa(k), LastName: "L",
				Title: "Engineer", AccountID: benchAccountID(k % benchAccounts)},
			Time: at,
		}
	}
	id := strconv.Itoa(k)
	r := identity.PersonRecord{
		Source: b2b.SourceMarketo, RecordID: id,
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: id}},
		Person:      b2b.Person{Title: "Director of IT"},
		Time:        at,
	}
	a := strconv.Itoa((k * 7) % benchAccounts)
	switch k % 8 {
	case 0, 1, 2, 3: // same email as the latest contact
		r.Person.Email = benchContactEmail(k - k%10 + 5)
	case 4: // regional subdomain
		r.Person.Email = "m" + id + "@eu.c" + a + ".com"
	case 5, 6: // company email
		r.Person.Email = "m" + id + "@c" + a + ".com"
	case 7:
		r.Person.Email = "m" + id + "@gmail.com"
		if k%16 == 7 {
			r.Person.Company = "COMPANY " + a + ", Inc."
		}
	}
	return r
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkResolve links and resolves person records from two sources
// against 100,000 accounts. The records are generated in batches of 10,000
// with the timer stopped (as an importer streams them) and added with
// AddPersons, the batch entry point. persons/s counts person records per
// second of AddPersons; bytes/person is the graph's heap growth per person
// record.
func BenchmarkResolve(b *testing.B) {
	accts := benchAccountRecords()
	for _, n := range []int{100_000, 1_000_000} {
		b.Run("persons="+strconv.Itoa(n), func(b *testing.B) {
			var elapsed, cpu time.Duration
			var perPerson, rate float64
			batch := make([]identity.PersonRecord, 10_000)
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				g, err := identity.New(identity.Config{})
				if err != nil {
					b.Fatal(err)
				}
				for _, a := range accts {
					if _, err := g.AddAccount(a); err != nil {
						b.Fatal(err)
					}
				}
				before := heapAlloc()
				for k0 := 0; k0 < n; k0 += len(batch) {
					b.StopTimer()
					for j := range batch {
						batch[j] = benchPerson(k0 + j)
					}
					b.StartTimer()
					start, startCPU := time.Now(), cputime.Process()
					if res := g.AddPersons(batch); len(res.Rejected) > 0 {
						b.Fatal(res.Rejected[0].Err)
					}
					elapsed += time.Since(start)
					cpu += cputime.Process() - startCPU
				}
				b.StopTimer()
				if i == 0 {
					clear(batch)
					perPerson = float64(heapAlloc()-before) / float64(n)
					rate = g.MatchRate().Rate
				}
				runtime.KeepAlive(g)
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "persons/s")
			if cpu > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "persons/cpu-s")
			}
			b.ReportMetric(perPerson, "bytes/person")
			b.ReportMetric(100*rate, "match%")
		})
	}
}

var benchNormSink string

// BenchmarkNormalizeDomain measures the domain normaliser on the names
// account records carry: ASCII ones, canonical or written as a URL, which
// must cost no allocation beyond the result, and internationalised ones,
// which are converted to their ASCII form.
func BenchmarkNormalizeDomain(b *testing.B) {
	for _, s := range []string{"acme.com", "eu.acme.co.uk", "https://www.Acme.com/about", "bücher.de", "例え.jp"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d, err := identity.NormalizeDomain(s)
				if err != nil {
					b.Fatal(err)
				}
				benchNormSink = d
			}
		})
	}
}

// BenchmarkNormalizeEmail measures the email normaliser on ASCII addresses,
// canonical or not, and on one whose domain is internationalised.
func BenchmarkNormalizeEmail(b *testing.B) {
	for _, s := range []string{"ann.lee@acme.com", " Ann.Lee@EU.Acme.com", "jörg@bücher.de"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e, err := identity.NormalizeEmail(s)
				if err != nil {
					b.Fatal(err)
				}
				benchNormSink = e
			}
		})
	}
}

// BenchmarkReplaceAndErase measures the two calls that take identifiers
// away from a person, in a graph of 100,000 accounts and 100,000
// persons: a new version of a contact record that gives another email
// (its old one leaves the index), and Erase. Neither may cost a pass over
// the graph's records where no other person gives the identifiers.
func BenchmarkReplaceAndErase(b *testing.B) {
	const persons = 100_000
	build := func(b *testing.B) *identity.Graph {
		g, err := identity.New(identity.Config{})
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range benchAccountRecords() {
			if _, err := g.AddAccount(a); err != nil {
				b.Fatal(err)
			}
		}
		batch := make([]identity.PersonRecord, persons)
		for k := range batch {
			batch[k] = benchPerson(k)
		}
		if res := g.AddPersons(batch); len(res.Rejected) > 0 {
			b.Fatal(res.Rejected[0].Err)
		}
		return g
	}
	// contacts are the Salesforce contacts among the persons (k%10 < 6).
	contact := func(i int) int { return i/6*10 + i%6 }
	b.Run("replace-email", func(b *testing.B) {
		g := build(b)
		i := 0
		for b.Loop() {
			rec := benchPerson(contact(i % (persons / 10 * 6)))
			rec.Person.Email = "new" + strconv.Itoa(i) + "-" + rec.Person.Email
			rec.Time = benchT0.Add(time.Duration(persons+i) * time.Second)
			if _, err := g.AddPerson(rec); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("erase", func(b *testing.B) {
		g := build(b)
		i := 0
		for b.Loop() {
			if i == persons/10*6 {
				b.StopTimer()
				g, i = build(b), 0
				b.StartTimer()
			}
			rec := benchPerson(contact(i))
			id, ok := g.Lookup(identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: rec.RecordID})
			if !ok {
				b.Fatalf("contact %s not found", rec.RecordID)
			}
			if _, err := g.Erase(id); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
