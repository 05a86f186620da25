// Package b2b is the shared vocabulary of Quorum: the accounts, persons,
// activities and opportunities that every other package reads, with their
// typed IDs, consent, and validation.
//
// It imports nothing else of Quorum, so any package may import it (it plays
// the role that a leaf "types" package plays in other libraries).
//
// # The records
//
//   - [Account]: a company, with firmographics (domains, industry, employees,
//     revenue, region), ownership (owner, territory) and an optional parent,
//     so accounts form hierarchies.
//   - [Person]: a lead or contact, with title, department, seniority, phone,
//     per-channel [Consent], the company name the person gave, and an optional
//     explicit account reference from its source system.
//   - [Activity]: something a person did at a time, with a unique ID so that
//     it counts once however often it is delivered. Types follow Marketo's
//     well-known activity types ([ActivityVisitWebPage],
//     [ActivityFillOutForm], ...; see [ActivityTypeFromMarketoID]) and any
//     custom type is accepted. Attributes describe it ("form", "url",
//     "campaign", ...); [AttrMessageKey] names the e-mail or SMS that a
//     delivery, bounce, open, click or unsubscribe is about (the message's
//     key), by which analytics ties opens and clicks to the program's own
//     e-mails.
//   - [Opportunity]: a CRM deal on an account with its stage, amount, status
//     and [ContactRole]s.
//
// Fields that rules read carry `expr` struct tags with lower-camel names
// (person.seniority, account.employees, activity.type), so the rules engine
// can type-check expressions against these structs directly. Such fields are
// plain strings (the named types here such as [Seniority] are aliases), because
// an expression compares them with string literals. A channel missing from a
// person's Consent map is [ConsentUnknown] everywhere: [Person.ConsentFor]
// gives [Consent.Missing] for it, and a rule reads the same
// (person.consent.sms.status == "unknown" for a person with no statement
// about SMS).
//
// The records carry JSON tags, so that a host may take them as JSON. A
// list attribute, which encoding/json decodes as []any, is given back as
// the []string a record built in Go holds (a list of other values than
// strings is refused by Validate, saying what it holds); a number is a
// float64 and a time its RFC 3339 text, as JSON has them.
//
// # Placeholders
//
// [PlaceholderEmail] and [PlaceholderPhone] (with [MinPhoneDigits]) say
// which values of Person.Email and Person.Phone identify nobody: what
// forms and imports fill in for a person who gave none (noreply@acme.com,
// unknown@unknown.com, 000-000-0000, 123-456-7890, "n/a"), shared by
// persons who are not the same. They are one rule for every package:
// identity links no records by such an address, and an erasure
// (governance.PlanErasure, the engine's suppression list) takes such a
// value for nobody's. The values stay in the records as given.
//
// [NormalizePhone] is how a phone number identifies a person (its digits
// after a '+', a leading 00 read as the '+' it stands for: "0044 20 7946
// 0000" is "+442079460000"), and [E164Phone] the E.164 form an SMS is
// addressed to, of a number written in international format.
//
// # Validation
//
// Every record has a Validate method that reports all problems at once as a
// [*ValidationError], each problem with the path of the offending field:
//
//	err := person.Validate()
//	// person "p-1": 2 problems:
//	//   email: "ann@" is not a valid email address
//	//   consent.fax: unknown channel "fax" (want email, sms or phone)
//
// [Problems] is the small builder that other packages use to collect their
// own validation problems in the same shape, and [ErrInvalid] matches every
// validation error with [errors.Is].
package b2b
