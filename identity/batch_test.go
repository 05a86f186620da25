package identity_test

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// mixedPersons returns person records with every case AddPerson handles:
// merges by email and across sources, subdomains, free mail with and
// without a company, ambiguous and unknown company names, unknown account
// references, conflicts, case variants, duplicates, updates, stale versions
// and rejected records.
func mixedPersons(n int) []identity.PersonRecord {
	var out []identity.PersonRecord
	for k := range n {
		acct := "a" + strconv.Itoa(k%7)
		id := "0035e" + pad(k, 10)
		switch k % 12 {
		case 0, 1:
			r := sfContact(id, "p"+strconv.Itoa(k)+"@d"+strconv.Itoa(k%7)+".com", b2b.AccountID(acct))
			r.Time = at(k)
			out = append(out, r)
		case 2: // the email of the contact before, in capitals
			r := mktoLead("m"+strconv.Itoa(k), "P"+strconv.Itoa(k-1)+"@D"+strconv.Itoa((k-1)%7)+".COM")
			r.Time, r.Person.Title = at(k), "VP Sales"
			out = append(out, r)
		case 3: // a subdomain, or a domain two accounts share
			r := mktoLead("m"+strconv.Itoa(k), "x"+strconv.Itoa(k)+"@eu.d"+strconv.Itoa(k%9)+".com")
			r.Time = at(k)
			out = append(out, r)
		case 4: // free mail with a company name (unique, ambiguous, unknown)
			r := mktoLead("m"+strconv.Itoa(k), "x"+strconv.Itoa(k)+"@gmail.com")
			r.Time = at(k)
			r.Person.Company = []string{"Delta 2 GmbH", "Twin Corp", "Nowhere Ltd", ""}[k/12%4]
			out = append(out, r)
		case 5: // an account that arrives later, or never
			r := sfContact(id, "", b2b.AccountID("late"+strconv.Itoa(k%3)))
			r.Time = at(k)
			out = append(out, r)
		case 6: // the same email under a contact of another account: a conflict
			r := sfContact(id, "p"+strconv.Itoa(k-6)+"@d"+strconv.Itoa((k-6)%7)+".com", b2b.AccountID("a"+strconv.Itoa((k+1)%7)))
			r.Time = at(k)
			out = append(out, r)
		case 7: // a duplicate of the record before
			out = append(out, out[len(out)-1])
		case 8: // a newer version of an earlier lead, with a new email
			r := mktoLead("m"+strconv.Itoa(k-6), "new"+strconv.Itoa(k)+"@d"+strconv.Itoa(k%7)+".com")
			r.Time = at(k + 100)
			out = append(out, r)
		case 9: // a stale version of the same lead
			r := mktoLead("m"+strconv.Itoa(k-7), "old@d1.com")
			r.Time = at(0)
			out = append(out, r)
		case 10: // rejected
			r := mktoLead("m"+strconv.Itoa(k), []string{"ann@", "", "a@b@c.com"}[k/12%3])
			if k/12%3 == 1 {
				r.Time = at(k) // no problem but the missing record ID
				r.RecordID = " "
			}
			out = append(out, r)
		case 11: // two identifiers of a unique namespace, or a lead of a contact
			r := mktoLead("m"+strconv.Itoa(k), "")
			r.Time = at(k)
			r.Identifiers = append(r.Identifiers, identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: "0035e" + pad(k-11, 10)})
			if k/12%2 == 1 {
				r.Identifiers = append(r.Identifiers, identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: "0035e" + pad(k-10, 10)})
			}
			out = append(out, r)
		}
	}
	return out
}

func mixedAccounts(t *testing.T, g *identity.Graph) {
	t.Helper()
	for a := range 7 {
		n := strconv.Itoa(a)
		addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: b2b.AccountID("a" + n), Name: "Delta " + n + " Inc", Domains: []string{"d" + n + ".com"}})
	}
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "t1", Name: "Twin Corp", Domains: []string{"d7.com"}})
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "t2", Name: "Twin Corporation", Domains: []string{"eu.d7.com", "d7.com"}})
}

// TestAddPersonsMatchesAddPerson adds the same records one by one and in
// batches of several sizes, with accounts arriving between batches, and
// requires the same graph and the same totals.
func TestAddPersonsMatchesAddPerson(t *testing.T) {
	t.Parallel()
	recs := mixedPersons(600)
	for _, size := range []int{1, 7, 64, 65, 250, 600} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			t.Parallel()
			one := newGraph(t, identity.Config{})
			many := newGraph(t, identity.Config{})
			mixedAccounts(t, one)
			mixedAccounts(t, many)
			for start := 0; start < len(recs); start += size {
				end := min(start+size, len(recs))
				want := identity.BatchResult{Outcomes: map[identity.Outcome]int{}}
				for i, r := range recs[start:end] {
					res, err := one.AddPerson(r)
					if err != nil {
						want.Rejected = append(want.Rejected, identity.BatchError{Index: i, Err: err})
						continue
					}
					want.Outcomes[res.Outcome]++
					want.Conflicts = append(want.Conflicts, res.Conflicts...)
					want.Merged += len(res.Merged)
					if res.LinksChanged {
						want.LinksChanged++
					}
				}
				batch := append([]identity.PersonRecord(nil), recs[start:end]...)
				got := many.AddPersons(batch)
				require.Equal(t, recs[start:end], batch, "the records are not modified")
				require.Equal(t, want.Outcomes, got.Outcomes)
				require.Equal(t, want.Conflicts, got.Conflicts)
				require.Equal(t, want.Merged, got.Merged)
				require.Equal(t, want.LinksChanged, got.LinksChanged)
				require.Equal(t, len(want.Rejected), len(got.Rejected))
				for i := range want.Rejected {
					require.Equal(t, want.Rejected[i].Index, got.Rejected[i].Index)
					require.EqualError(t, got.Rejected[i].Err, want.Rejected[i].Err.Error())
				}
				if start/size%3 == 1 { // an account the waiting persons name
					n := strconv.Itoa(start / size % 3)
					a := b2b.Account{ID: b2b.AccountID("late" + n), Name: "Nowhere Ltd", Domains: []string{"d" + n + ".io"}}
					addAccount(t, one, b2b.SourceSalesforce, a)
					addAccount(t, many, b2b.SourceSalesforce, a)
				}
			}
			requireSameGraph(t, one, many)
		})
	}
}

func requireSameGraph(t *testing.T, want, got *identity.Graph) {
	t.Helper()
	st := want.Snapshot()
	require.NotEmpty(t, st.Persons)
	require.Empty(t, cmp.Diff(st, got.Snapshot()))
	require.Equal(t, want.Stats(), got.Stats())
	require.Equal(t, want.MatchRate(), got.MatchRate())
	require.Empty(t, cmp.Diff(want.Unresolved(), got.Unresolved()))
	for _, ps := range st.Persons {
		w, err := want.Person(ps.Person)
		require.NoError(t, err)
		g, err := got.Person(ps.Person)
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(w, g), ps.Person)
	}
	for _, as := range st.Accounts {
		w, err := want.Persons(as.Account, true)
		require.NoError(t, err)
		g, err := got.Persons(as.Account, true)
		require.NoError(t, err)
		require.Equal(t, w, g, as.Account)
	}
}

// TestAppendLinkedAccountsMatchesLinks requires, for every person of a
// graph with merges, many-to-many links, free mail, waiting and unlinked
// persons, the accounts of Links in their order, appended after what dst
// holds; and Links' error for an ID the graph does not know or no longer
// knows (an erased person).
func TestAppendLinkedAccountsMatchesLinks(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	mixedAccounts(t, g)
	recs := mixedPersons(600)
	several := sfContact("0035e9999999999", "multi@d2.com", "a2")
	several.OtherAccounts = []b2b.AccountID{"a5", "a2", "t1", "mk-9"}
	addAccount(t, g, b2b.SourceMarketo, b2b.Account{ID: "mk-9", Name: "Nine", Domains: []string{"nine.com"}})
	shared := mktoLead("shared", "s@d7.com") // d7.com: t1's and t2's
	several.Time, shared.Time = at(1), at(2)
	recs = append(recs, several, shared)
	g.AddPersons(recs)
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "late1", Name: "Nowhere Ltd", Domains: []string{"d1.io"}})
	// mk-9 merges into the older t2 after the links were made.
	addAccount(t, g, b2b.SourceMarketo, b2b.Account{ID: "mk-9", Name: "Nine", Domains: []string{"nine.com"}, UpdatedAt: at(3)},
		identity.Identifier{Namespace: identity.NSAccountID, Value: "t2"})
	merged, err := g.Account("mk-9")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("t2"), merged.ID)
	erased, ok := g.PersonOfRecord(recs[0].Source, recs[0].RecordID)
	require.True(t, ok)
	_, err = g.Erase(erased)
	require.NoError(t, err)
	seen, linked, many := 0, 0, 0
	for _, r := range recs {
		id, ok := g.PersonOfRecord(r.Source, r.RecordID)
		if !ok {
			continue
		}
		seen++
		links, err := g.Links(id)
		require.NoError(t, err)
		want := []b2b.AccountID{"before"}
		for _, l := range links {
			want = append(want, l.Account)
		}
		got, err := g.AppendLinkedAccounts([]b2b.AccountID{"before"}, id)
		require.NoError(t, err)
		require.Equal(t, want, got, "person %s", id)
		if len(links) > 0 {
			linked++
		}
		if len(links) > 1 {
			many++
		}
	}
	require.Greater(t, seen, linked, "some persons are not linked")
	require.GreaterOrEqual(t, many, 2, "some persons are linked to several accounts")
	for _, id := range []b2b.PersonID{"no-colon", "marketo:nobody", "", erased} {
		_, want := g.Links(id)
		require.ErrorIs(t, want, identity.ErrUnknownPerson)
		got, err := g.AppendLinkedAccounts([]b2b.AccountID{"kept"}, id)
		require.EqualError(t, err, want.Error())
		require.Equal(t, []b2b.AccountID{"kept"}, got)
	}
}
