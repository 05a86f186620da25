package channel

import (
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// RenderContext is everything a template or an alert can say about its
// recipient and subject. The engine fills it from its state: channel does not
// read buying groups or journeys itself. Templates name its fields with Go
// template syntax, {{.Person.FirstName}}, {{.Group.Completeness | percent}}.
type RenderContext struct {
	Account b2b.Account
	// Person is the recipient; zero in a sales alert.
	Person b2b.Person
	// Group is the buying group the message is about.
	Group GroupView
	// Interest is the group's solution interest.
	Interest SolutionInterest
	// Brand is set from the template's theme when rendering.
	Brand Brand
	// Alert is set in sales alerts.
	Alert AlertView
	// UnsubscribeURL is the recipient's one-click unsubscribe link; marketing
	// email templates must use it.
	UnsubscribeURL string
	// Now is the time of rendering (for dates in the content), in the
	// zone its readers read it in: the engine gives it in the account's
	// (b2b.Account.Location), as it does the times of an alert's recent
	// activities, since date formats a time in its own zone.
	Now time.Time
}

// GroupView is a buying group as templates and alerts see it.
type GroupView struct {
	ID               string `expr:"id"`
	SolutionInterest string `expr:"solutionInterest"` // the solution interest's ID
	Name             string `expr:"name"`             // e.g. "Data Platform for Acme"
	// Role is the recipient's role in the group ("" when the recipient is
	// not a member, as in a sales alert).
	Role string `expr:"role"`
	// Completeness is the share of required roles filled, 0 to 1.
	Completeness float64 `expr:"completeness"`
	Score        float64 `expr:"score"`
	Stage        string  `expr:"stage"`
	// Qualified is the readiness verdict (the group is ready for sales).
	Qualified    bool         `expr:"qualified"`
	MissingRoles []string     `expr:"missingRoles"`
	Members      []MemberView `expr:"members"`
}

// MemberView is one member of a buying group.
type MemberView struct {
	Person  b2b.PersonID `expr:"personId"`
	Name    string       `expr:"name"`
	Title   string       `expr:"title"`
	Email   string       `expr:"email"`
	Role    string       `expr:"role"`    // the buying-group role, e.g. "Economic Buyer"
	Persona string       `expr:"persona"` // seniority and department, e.g. "C-Level, Finance"
	Score   float64      `expr:"score"`   // the person's engagement score in this group
	// Reason tells how the role was assigned (the rule that matched).
	Reason string `expr:"reason"`
}

// SolutionInterest is a product or solution sold to a committee.
type SolutionInterest struct {
	ID          string `expr:"id"`
	Name        string `expr:"name"`
	Description string `expr:"description"`
	// URL is the interest's page, as the program gives it
	// (buyinggroup.SolutionInterest.URL); empty when it gives none.
	URL string `expr:"url"`
}

// Brand is the look and voice of a theme, for templates to use:
// {{.Brand.Name}}, style="color: {{.Brand.PrimaryColor}}".
type Brand struct {
	Name         string
	LogoURL      string
	PrimaryColor string
	WebsiteURL   string
	Address      string // the postal address anti-spam laws require in marketing email
	SenderName   string
}

// ActivityView is one activity as an alert lists it.
type ActivityView struct {
	// Time is when the activity happened; an alert's view has it in the
	// account's time zone (see Observation.Location).
	Time        time.Time
	Person      string // the person's name
	Role        string
	Type        string // the activity type, e.g. "request_demo"
	Description string // e.g. "Filled out form Demo Request"
}

// AlertView is the content of a sales alert.
type AlertView struct {
	ID       string
	Rule     string // the alert rule's name
	Strategy string // milestone, threshold or stage
	// Reason says in words why the alert fired.
	Reason string
	// Recipient is who the alert was routed to and RouteReason why.
	Recipient   string
	RouteReason string
	// EngagedMembers are the members with a positive score, highest first.
	EngagedMembers   []MemberView
	RecentActivities []ActivityView
	ReadinessReasons []string
	NextAction       string
}
