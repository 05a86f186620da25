package buyinggroup

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// AccountEnv is what a solution interest's applicability rule sees.
//
//	account.employees >= 500 && account.industry in ["Software", "Fintech"]
type AccountEnv struct {
	Account b2b.Account `expr:"account"`
	// Opportunities are the account's CRM deals, for cross-sell rules:
	// any(opportunities, .solutionInterest == "data-platform" && .status == "won").
	Opportunities []b2b.Opportunity `expr:"opportunities"`
	// Audiences are the audiences the account is in, by name:
	// "enterprise ICP" in audiences.
	Audiences []string  `expr:"audiences"`
	Now       time.Time `expr:"now"`
}

// A SolutionInterest is something sold to a buying committee: a product, a
// solution category or a use case (the granularity is the user's choice).
// Each account the interest applies to gets one buying group for it.
type SolutionInterest struct {
	ID              string `json:"id"`
	Name            string `json:"name,omitempty"`
	Description     string `json:"description,omitempty"`
	BusinessOutcome string `json:"businessOutcome,omitempty"`
	// URL is the interest's page (a product or solution page), for
	// messages to link to ({{.Interest.URL}}): an absolute http or https
	// URL, or empty.
	URL string `json:"url,omitempty"`
	// CRMProduct is the CRM product or opportunity type the interest maps
	// to (b2b.Opportunity.Product), so deals find their buying group.
	CRMProduct string `json:"crmProduct,omitempty"`
	// Applies is an optional boolean rule over [AccountEnv]: which accounts
	// get a buying group for the interest. An empty source means every
	// account. Its Name defaults to "<id> applies".
	Applies rules.Rule `json:"applies,omitzero"`
	// Template is the ID of the interest's [RoleTemplate].
	Template string `json:"template"`
	// StageModel is the ID of the interest's [StageModel]; empty means
	// [DefaultStageModelID].
	StageModel string `json:"stageModel,omitempty"`
}

// GroupID returns the ID of the buying group of an account for an interest:
// "<account>/<interest>".
func GroupID(account b2b.AccountID, interest string) string {
	return string(account) + "/" + interest
}
