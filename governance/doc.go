// Package governance decides what Quorum may do with data: consent per
// person and channel, data-usage labels and the policies that forbid a label
// for a use, retention of activities, and erasure of a person. It is pure:
// functions over values and a time, except [Ledger], a small in-memory
// consent store.
//
// # Consent
//
// A person's consent for a channel comes from [Statement]s (a form's opt-in,
// a CRM sync, an unsubscribe click), each with its source and time.
// [Resolve] applies one rule, "the strictest recent statement wins":
//
//  1. statements after now and statements of status unknown (or any
//     status but opt-in and opt-out) are ignored;
//  2. the recent statements are those within [ConsentRules].Window (default
//     24 hours) of the latest one;
//  3. among them opt-out beats opt-in; then the latest; then the source
//     that sorts first (then the Ref, then the zone the time is written
//     in: the order of the statements never changes the decision).
//
// So an unsubscribe is not undone by a CRM sync an hour later that had not
// seen it, yet a person who opts in again a week later is opted in. The
// rule itself is b2b.CompareConsent, which identity also applies when it
// merges the consent of a person's source records into the golden person,
// so that the two agree; a statement without a time (a CRM flag) counts
// as identity counts it: an opt-out at its person record's time (the
// golden person carries it so dated), an opt-in before every dated
// statement (see [PersonStatements]). Each
// [ConsentDecision] carries the winning statement and its reason:
//
//	opt-out from marketo at 2026-03-02T09:00:00Z wins as the strictest statement
//	within 24h0m0s of the latest (over opt-in from salesforce at 2026-03-02T12:00:00Z)
//
// [ConsentFromActivities] turns unsubscribe activities (email and SMS, or
// the types of an [ActivityConsent] map) and explicit "consent_changed"
// activities into statements, reporting malformed ones instead of
// guessing; [ApplyConsent] updates a b2b.Person's Consent (a statement
// dated ahead of now does not count yet, except an opt-out, which
// restricts at once; the others are in the decision's Pending, for the
// caller to keep and pass again later); a [Ledger] keeps every statement
// and answers the dispatcher's consent lookups at send time, by the same
// rule (an opt-out dated ahead restricts at once).
//
// The engine (package engine) does all of this for the activities and
// records it receives: each consent-bearing activity (engine.Config's
// ActivityConsent, DefaultActivityConsent by default) becomes a statement
// kept with the person in every account of theirs, applied with
// ApplyConsent at each pass (pending ones kept until their time), and
// its outbox checks the person's consent again when a message is claimed.
// A Ledger serves a host that delivers messages of its own.
//
// # Data-usage labels and policies
//
// [Dataset]s label fields ([LabelPersonal], [LabelContact],
// [LabelSensitiveCompany], [LabelNoExport] or any label); a dataset's labels
// apply to all its fields. A [Policy] forbids a label for uses
// ([UseAdvertising], [UseThirdParty], ...). [NewGovernor] validates both, and
// [Governor.Check] refuses an [Activation] (fields of a dataset sent to a
// [Destination] with uses) that a policy forbids, with a [*Refusal] naming
// every label, field and policy:
//
//	activation "abm" to "LinkedIn Matched Audiences" refused: field "annualRevenue" of dataset
//	"accounts" is labelled "no-export" (on the field); policy "no export" forbids "no-export" for advertising
//
// An unknown dataset or field, or a blank label or use (a policy for a
// blank use forbids nothing), is a validation error, never let through;
// so is a label or use with blanks around it (" no-export"), which would
// match nothing, and a policy that forbids a label no dataset or field
// carries (a misspelt "no_export" or "No-Export": the datasets are fixed
// when the Governor is built, so the policy would forbid nothing; the
// error names the policy and the label). Labels and uses are otherwise
// compared exactly, case included.
//
// # Retention and erasure
//
// A [RetentionPolicy] lists rules by activity type with a maximum age; the
// first rule that covers an activity decides, and [RetentionPolicy.Expire]
// splits activities into kept and expired (each [Expiry] names its rule).
//
// [PlanErasure] finds everything that concerns a person in an [Inventory]
// of every store: person records (and duplicates sharing an email that is
// no placeholder such as noreply@, or a phone of 7 digits or more that is
// no placeholder such as 000-000-0000: the rule is b2b.PlaceholderEmail
// and b2b.PlaceholderPhone, which identity and the engine apply too),
// activities, opportunity contact
// roles, outbox entries addressed to them or naming them (their email as
// a whole address, not the end of a longer one such as d'ann@acme.com or
// x#ann@acme.com, percent-encoded in a link too, their phone as a whole
// number written any way, 0044 for +44 too, or their name as whole words,
// not part of a hyphenated name: a full name in any message and any case,
// ß as ss, a name of one word as written in a sales alert; composed or
// decomposed accents alike; in HTML as well as it reads, entities
// unescaped; a name's words apart by any blanks or a tag still its name;
// a full name in Chinese, Japanese or Korean anywhere in the text, run
// together or not, family name first or not: 山田太郎様, the forms
// [RunTogetherForms] gives, by which the engine redacts them too), and
// consent statements. The [ErasureReport] also lists suppression hashes to keep,
// so an erased address imported again is not contacted. Emails are
// compared, and hashed, as identity normalises them
// (identity.NormalizeEmail: "Jörg@Bücher.de" is jörg@xn--bcher-kva.de,
// "mailto:ann@acme.com." is ann@acme.com), the form messages are sent to;
// an address already in that form keeps the hash it always had. Applying
// the report is each store's job.
//
// A phone number is its digits after a +; a number written with the
// international call prefix 00 instead ("0044 20 7946 0000") is the
// number with its + ("+442079460000"), in matching and in
// [SuppressionHash] alike (a hash kept before 00 was read so stays the
// hash of "+0044..."). The exit codes that also start national numbers
// somewhere (011 from North America is Delhi's area code after the trunk
// prefix) are not read so.
package governance
