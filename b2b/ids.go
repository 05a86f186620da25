package b2b

// Typed IDs keep an account ID from being passed where a person ID is
// expected. In rules they read as text: account.id == "acme",
// account.id in ["acme", "globex"].
type (
	// AccountID identifies an account (a company): 1 to 255 bytes
	// without whitespace, control characters or invisible format
	// characters (a zero-width space, a byte-order mark, a soft hyphen,
	// a direction mark), as identity looks accounts up by it: package
	// identity refuses an account record with another, and a person
	// record whose account reference holds an invisible character.
	// [Account.Validate] checks only that an account has one.
	AccountID string
	// PersonID identifies a golden person (a lead or contact).
	PersonID string
	// ActivityID identifies an activity; it is unique across all sources,
	// so an activity delivered twice counts once.
	ActivityID string
	// OpportunityID identifies a CRM opportunity.
	OpportunityID string
)

// Source names the system a record or activity came from.
type Source = string

// Well-known sources. Any other non-empty name is accepted.
const (
	SourceMarketo    Source = "marketo"
	SourceSalesforce Source = "salesforce"
	SourceDynamics   Source = "dynamics"
	SourceManual     Source = "manual"
	SourceQuorum     Source = "quorum" // decisions and messages of Quorum itself
)
