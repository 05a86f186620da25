package b2b

import (
	"math"
	"strings"
	"time"
)

// OpportunityStatus is whether a deal is still open, won or lost.
type OpportunityStatus = string

// Opportunity statuses.
const (
	OpportunityOpen OpportunityStatus = "open"
	OpportunityWon  OpportunityStatus = "won"
	OpportunityLost OpportunityStatus = "lost"
)

// CRM opportunity contact roles: Salesforce's standard OpportunityContactRole
// picklist. Buying-group role templates map their roles to these names so
// that members confirmed in the CRM fill roles.
const (
	ContactRoleBusinessUser          = "Business User"
	ContactRoleDecisionMaker         = "Decision Maker"
	ContactRoleEconomicBuyer         = "Economic Buyer"
	ContactRoleEconomicDecisionMaker = "Economic Decision Maker"
	ContactRoleEvaluator             = "Evaluator"
	ContactRoleExecutiveSponsor      = "Executive Sponsor"
	ContactRoleInfluencer            = "Influencer"
	ContactRoleTechnicalBuyer        = "Technical Buyer"
	ContactRoleOther                 = "Other"
)

// A ContactRole is a person's role on an opportunity, as the CRM records it.
type ContactRole struct {
	Person  PersonID `expr:"personId" json:"personId,omitzero"`
	Role    string   `expr:"role" json:"role,omitzero"`
	Primary bool     `expr:"primary" json:"primary,omitzero"`
}

// An Opportunity is a CRM deal on an account.
type Opportunity struct {
	ID      OpportunityID `expr:"id" json:"id,omitzero"`
	Account AccountID     `expr:"accountId" json:"accountId,omitzero"`
	// SolutionInterest is the ID of the solution interest the deal is for,
	// when known; Product is the CRM's product or opportunity type, which a
	// solution interest maps from.
	SolutionInterest string            `expr:"solutionInterest" json:"solutionInterest,omitzero"`
	Product          string            `expr:"product" json:"product,omitzero"`
	Name             string            `expr:"name" json:"name,omitzero"`
	Stage            string            `expr:"stage" json:"stage,omitzero"` // the CRM's stage name
	Amount           float64           `expr:"amount" json:"amount,omitzero"`
	Status           OpportunityStatus `expr:"status" json:"status,omitzero"`
	CreatedAt        time.Time         `expr:"createdAt" json:"createdAt,omitzero"`
	// ClosedAt is zero while the deal is open. It may come before
	// CreatedAt: a CRM's close date is a date (midnight) for a deal
	// created later that day, and a deal entered after it closed (a
	// migration, a backfill) keeps its real close date.
	ClosedAt     time.Time     `expr:"closedAt" json:"closedAt,omitzero"`
	ContactRoles []ContactRole `expr:"contactRoles" json:"contactRoles,omitzero"`
	Source       Source        `expr:"source" json:"source,omitzero"`
	UpdatedAt    time.Time     `expr:"updatedAt" json:"updatedAt,omitzero"`
}

// Validate reports every problem with the opportunity at once.
func (o *Opportunity) Validate() error {
	var ps Problems
	if strings.TrimSpace(string(o.ID)) == "" {
		ps.Addf("id", "is required")
	}
	if strings.TrimSpace(string(o.Account)) == "" {
		ps.Addf("accountId", "is required")
	}
	if math.IsNaN(o.Amount) || math.IsInf(o.Amount, 0) || o.Amount < 0 {
		ps.Addf("amount", "must be a finite non-negative number, got %v", o.Amount)
	}
	switch o.Status {
	case OpportunityOpen:
		if !o.ClosedAt.IsZero() {
			ps.Addf("closedAt", "must be empty while the opportunity is open")
		}
	case OpportunityWon, OpportunityLost:
		if o.ClosedAt.IsZero() {
			ps.Addf("closedAt", "is required when the opportunity is %s", o.Status)
		}
	default:
		ps.Addf("status", "unknown status %q (want open, won or lost)", o.Status)
	}
	if o.CreatedAt.IsZero() {
		ps.Addf("createdAt", "is required")
	}
	seen := map[PersonID]bool{}
	for i, cr := range o.ContactRoles {
		path := indexPath("contactRoles", i)
		// An ID of blanks names nobody, as for the opportunity's own IDs.
		if strings.TrimSpace(string(cr.Person)) == "" {
			ps.Addf(path+".personId", "is required")
		} else if seen[cr.Person] {
			ps.Addf(path+".personId", "person %q appears twice", cr.Person)
		}
		seen[cr.Person] = true
		if strings.TrimSpace(cr.Role) == "" {
			ps.Addf(path+".role", "is required")
		}
	}
	return ps.Err("opportunity %q", o.ID)
}
