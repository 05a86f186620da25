package buyinggroup

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// RoleEnv is what a role's qualification rule sees: the person, the account
// the person is evaluated for, and the time of the evaluation.
//
//	person.seniority in ["C-Level", "VP"] && person.department == "Finance"
//	icontains(person.title, "data") && account.employees >= 500
type RoleEnv struct {
	Person  b2b.Person  `expr:"person"`
	Account b2b.Account `expr:"account"`
	Now     time.Time   `expr:"now"`
}

// A RoleTemplate lists the roles a buying committee needs for a solution
// interest. Several interests may share a template.
type RoleTemplate struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Roles       []Role `json:"roles"`
	// MaxRolesPerPerson is how many roles one person may hold in one group
	// of this template. Zero means 1: one role per person per group.
	MaxRolesPerPerson int `json:"maxRolesPerPerson,omitempty"`
	// CompletenessThresholds are the completeness values whose crossing (up
	// or down) emits [EventCompletenessCrossed]; each in (0, 1], ascending.
	// Nil means [DefaultCompletenessThresholds]; an empty list that is not
	// nil means none: no crossing emits the event. JSON keeps the two
	// apart: nil is left out, and an empty list is written as [] and
	// read back as one.
	CompletenessThresholds []float64 `json:"completenessThresholds,omitzero"`
}

// MaxRoleWeight bounds a role's Weight. Weights are relative; one beyond
// this is a typing mistake, and weighted completeness (or a group score
// weighted by role) with it could be beyond a float64: NaN, which a group
// cannot be stored with.
const MaxRoleWeight = 1e6

// DefaultCompletenessThresholds are the thresholds of a template that sets
// none: 60% (the guide's recommended starting point) and complete. A
// template takes them as they are when it is compiled: changing them
// changes no compiled catalog.
var DefaultCompletenessThresholds = []float64{0.6, 1}

// A Role is one seat of the buying committee.
type Role struct {
	// Name is unique within the template (compared case-insensitively).
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Rule decides who qualifies, as a boolean expression over
	// [RoleEnv]. Its Name defaults to the role's name.
	Rule rules.Rule `json:"rule"`
	// Required roles count towards completeness; optional roles never
	// change it (see the package documentation).
	Required bool `json:"required,omitempty"`
	// MinMembers is how many members fill the role; zero means 1.
	MinMembers int `json:"minMembers,omitempty"`
	// MaxMembers caps the members that rules and journeys may add; zero
	// means no cap. Manual and CRM members are never refused by the cap.
	MaxMembers int `json:"maxMembers,omitempty"`
	// Weight is the role's weight in weighted completeness; zero means 1,
	// at most [MaxRoleWeight].
	Weight float64 `json:"weight,omitempty"`
	// Priority breaks ties when a person's rules match several roles: the
	// higher wins; then the more specific rule (see package qualify).
	Priority int `json:"priority,omitempty"`
	// ContactRoles are the CRM opportunity contact roles (b2b.ContactRole*
	// names) that fill this role when the CRM records them.
	ContactRoles []string `json:"contactRoles,omitempty"`
}

func (r *Role) min() int {
	if r.MinMembers <= 0 {
		return 1
	}
	return r.MinMembers
}

func (r *Role) weight() float64 {
	if r.Weight == 0 {
		return 1
	}
	return r.Weight
}

func (t *RoleTemplate) maxRolesPerPerson() int {
	if t.MaxRolesPerPerson <= 0 {
		return 1
	}
	return t.MaxRolesPerPerson
}

// StandardTemplateID is the ID of [StandardTemplate].
const StandardTemplateID = "standard"

// StandardTemplate returns the role template shipped with the library: the
// eight roles of a typical B2B buying committee. Economic Buyer, Technical
// Evaluator and Champion are required; the others are optional. The rules
// read person.seniority and person.department (the persona taxonomy of
// package b2b). Use it as is or copy and change it.
//
//	role                 required  priority  weight  CRM contact roles
//	Economic Buyer       yes       100       3       Economic Buyer, Economic Decision Maker
//	Technical Evaluator  yes       90        2       Evaluator, Technical Buyer
//	Champion             yes       80        2       -
//	Executive Sponsor    no        75        1       Executive Sponsor
//	Decision Maker       no        70        1       Decision Maker
//	Procurement          no        60        1       -
//	Influencer           no        40        1       Influencer
//	End User             no        20        1       Business User
func StandardTemplate() RoleTemplate {
	return RoleTemplate{
		ID:          StandardTemplateID,
		Name:        "Standard buying committee",
		Description: "The roles of a typical B2B buying committee.",
		Roles: []Role{
			{
				Name: "Economic Buyer", Description: "Owns the budget and signs off the spend.",
				Rule:     rules.Rule{Source: `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`},
				Required: true, Weight: 3, Priority: 100,
				ContactRoles: []string{b2b.ContactRoleEconomicBuyer, b2b.ContactRoleEconomicDecisionMaker},
			},
			{
				Name: "Decision Maker", Description: "A business leader who decides for the function that buys.",
				Rule:     rules.Rule{Source: `person.seniority == "VP" && person.department not in ["Finance", "Executive", "Procurement"]`},
				Priority: 70, ContactRoles: []string{b2b.ContactRoleDecisionMaker},
			},
			{
				Name: "Technical Evaluator", Description: "Judges fit with the architecture, security and integration.",
				Rule:     rules.Rule{Source: `person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering", "Security"]`},
				Required: true, Weight: 2, Priority: 90,
				ContactRoles: []string{b2b.ContactRoleEvaluator, b2b.ContactRoleTechnicalBuyer},
			},
			{
				Name: "Champion", Description: "Sells the solution inside the account.",
				Rule:     rules.Rule{Source: `person.seniority in ["Director", "Manager"] && person.department in ["Marketing", "Sales", "Operations", "Product", "IT", "Engineering"]`},
				Required: true, Weight: 2, Priority: 80,
			},
			{
				Name: "Influencer", Description: "Shapes the opinion of the committee.",
				Rule:     rules.Rule{Source: `person.seniority in ["Director", "Manager"]`},
				Priority: 40, ContactRoles: []string{b2b.ContactRoleInfluencer},
			},
			{
				Name: "End User", Description: "Will use the solution every day.",
				Rule:     rules.Rule{Source: `person.seniority == "Individual Contributor" && person.department in ["IT", "Engineering", "Product", "Operations", "Security"]`},
				Priority: 20, ContactRoles: []string{b2b.ContactRoleBusinessUser},
			},
			{
				Name: "Executive Sponsor", Description: "A C-level sponsor of the initiative.",
				Rule:     rules.Rule{Source: `person.seniority == "C-Level" && person.department != "Finance"`},
				Priority: 75, ContactRoles: []string{b2b.ContactRoleExecutiveSponsor},
			},
			{
				Name: "Procurement", Description: "Runs the purchasing process.",
				Rule:     rules.Rule{Source: `person.department == "Procurement"`},
				Priority: 60,
			},
		},
	}
}
