package engine

import (
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// resolveContactRoles gives the CRM contact roles that name no person of
// the account (a contact whose record had not arrived when the deal did,
// a person merged into another since) the person their reference
// resolves to now, when that is a person of the account: they fill
// buying-group roles from then on.
func (ps *pass) resolveContactRoles() {
	st := ps.st
	for i := range st.Opportunities {
		for k := range st.Opportunities[i].ContactRoles {
			cr := &st.Opportunities[i].ContactRoles[k]
			if st.person(cr.Person) != nil {
				continue
			}
			ps.e.idMu.Lock()
			id, ok := ps.e.resolvePerson(b2b.SourceSalesforce, cr.Person)
			ps.e.idMu.Unlock()
			if ok && id != cr.Person && st.person(id) != nil {
				cr.Person = id
				ps.requalify, ps.changed = true, true
			}
		}
	}
}

func (ps *pass) upsertOpportunity(o *b2b.Opportunity) {
	st := ps.st
	if o.SolutionInterest == "" {
		// Tie the deal to its solution interest through the CRM product.
		for _, in := range ps.p.Groups.Interests() {
			if in.MatchesOpportunity(o) {
				o.SolutionInterest = in.ID
				break
			}
		}
	}
	for i := range st.Opportunities {
		if st.Opportunities[i].ID == o.ID {
			if !sameOpportunity(&st.Opportunities[i], o) {
				st.Opportunities[i] = *o
				sortOpportunities(st.Opportunities) // its creation time may have changed
				ps.requalify, ps.changed = true, true
				ps.log("opportunity.changed", "", ps.now, o)
			}
			return
		}
	}
	st.Opportunities = append(st.Opportunities, *o)
	sortOpportunities(st.Opportunities)
	ps.requalify, ps.changed = true, true
	ps.log("opportunity.created", "", ps.now, o)
	ps.jevents = append(ps.jevents, journey.Event{Type: journey.EventOpportunity, At: ps.now, SolutionInterest: o.SolutionInterest})
}

// sortOpportunities puts an account's opportunities in the order its
// state keeps them: by creation time, those created at the same time by
// ID, so that the same deals are in the same order whatever order they
// arrived in.
func sortOpportunities(opps []b2b.Opportunity) {
	slices.SortFunc(opps, func(a, b b2b.Opportunity) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
}

// A movedOpportunity is an opportunity the CRM moved to another account.
type movedOpportunity struct {
	ID b2b.OpportunityID
	To b2b.AccountID
}

// opportunityHolder is the account an opportunity was last upserted on.
func (e *Engine) opportunityHolder(id b2b.OpportunityID) b2b.AccountID {
	e.idMu.Lock()
	defer e.idMu.Unlock()
	return e.opportunities[id]
}

// moveOpportunity removes an opportunity the CRM moved to another account:
// its CRM claims are withdrawn when the account is qualified again.
func (ps *pass) moveOpportunity(m movedOpportunity) {
	st := ps.st
	i := slices.IndexFunc(st.Opportunities, func(o b2b.Opportunity) bool { return o.ID == m.ID })
	if i < 0 {
		return
	}
	st.Opportunities = slices.Delete(st.Opportunities, i, i+1)
	if len(st.Opportunities) == 0 {
		st.Opportunities = nil
	}
	ps.requalify, ps.changed = true, true
	ps.log("opportunity.moved", "", ps.now, map[string]string{"id": string(m.ID), "to": string(m.To)})
}

// sameOpportunity reports whether an opportunity record says nothing new:
// any field that differs (an amount, a contact role's person, a time) is a
// change that rules may read and the state must keep.
func sameOpportunity(a, b *b2b.Opportunity) bool {
	return a.ID == b.ID && a.Account == b.Account && a.SolutionInterest == b.SolutionInterest &&
		a.Product == b.Product && a.Name == b.Name && a.Stage == b.Stage && a.Amount == b.Amount &&
		a.Status == b.Status && a.CreatedAt.Equal(b.CreatedAt) && a.ClosedAt.Equal(b.ClosedAt) &&
		slices.Equal(a.ContactRoles, b.ContactRoles) && a.Source == b.Source && a.UpdatedAt.Equal(b.UpdatedAt)
}
