// Package identity unifies persons and accounts that arrive from several
// source systems (Salesforce, Dynamics, Marketo, forms, ...) into golden
// records, and links every person to the accounts it belongs to. It is the
// B2B data foundation that buying groups trust: a person linked to the wrong
// account, or to none, is a buying-group member that never shows up.
//
// # Concepts
//
//   - A source record ([PersonRecord], [AccountRecord]) is one system's
//     version of a person or an account, named by its source and record ID.
//     A later record with the same name is a new version of it.
//   - An identifier ([Identifier]) is a value in a [Namespace]: an email, a
//     Marketo person ID, a Salesforce lead or contact ID, a Dynamics contact
//     ID, an account ID, an account domain (of account records only: a
//     person names its account by reference; one an account record gives
//     among its identifiers is a domain of the account, as if its
//     Account.Domains listed it, and links persons by email domain too),
//     or a custom namespace
//     declared in [Config]. Values are normalised per namespace ([Kind])
//     before they are compared, so " Ann@ACME.com" and "ann@acme.com" are
//     one identifier, a domain written in Unicode is its ASCII form
//     ("Bücher.de" is "xn--bcher-kva.de", [NormalizeDomain]; a domain or
//     an email's domain in punycode is checked as the name it encodes, and
//     refused as that name would be), and a lower-cased 18-character
//     Salesforce ID is its 15-character original. An ID that holds an
//     invisible character (a zero-width space, a byte-order mark, a soft
//     hyphen, a direction mark), which would make another ID of the one
//     it shows, is refused with a problem naming it, and so are an
//     account ID and an account reference holding one ([Kind]).
//   - Records that share an identifier are the same person (or account),
//     transitively: a Marketo lead, the Salesforce lead with its email, and
//     the contact the lead was converted to (carrying the lead ID) become one
//     golden person. Linking is a union-find over records: near-linear, and
//     each record touches only the records it links to.
//   - An address that forms and imports fill in for a person who gave none
//     (noreply@acme.com, unknown@unknown.com, test@example.com:
//     b2b.PlaceholderEmail) is no identifier: persons who are not the same
//     share it. It stays the record's email, and is the golden person's
//     only when none of its records gives a real one; it links no records,
//     is no identifier of the golden person (Lookup finds nobody by it), is
//     dropped when a record, a person's or an account's, gives it among
//     its identifiers (in a namespace of [KindEmail]), and is not kept as
//     a former email when a later version replaces it. A record whose only
//     identifier it is stays a person of its own, named by its source
//     record ID. Its domain still resolves the person's account as any
//     email's does (noreply@acme.com names Acme's domain), unless the
//     domain is filled in too (test@example.com, unknown@unknown.com:
//     [ReasonPlaceholderEmail]; see the next item). Persons are not
//     linked by phone at all; a phone number that identifies nobody
//     (000-000-0000, 123-456-7890, "n/a": b2b.PlaceholderPhone) is the
//     golden person's, like a placeholder email, only when no record
//     gives a real one.
//   - A domain that forms and imports fill in for a company that gave
//     none identifies no account either: one reserved for examples and
//     tests by RFC 2606 and RFC 6761 (example.com, example.net,
//     example.org, and every domain under .example, .test, .invalid or
//     .localhost). A CRM or marketing-automation import that fills in a
//     missing website gives it to accounts that are not the same. A
//     domain merely named like a placeholder (unknown.com, none.com) is
//     not read so, as real companies hold such domains (test.de,
//     test.io): accounts that share one merge as by any domain.
//     It stays the record's domain and the golden account's, after every
//     real one (so never its main domain): the golden account still
//     shows what its sources gave, and a record that gives a name-less
//     account only such a domain stays valid. But it is not added to
//     [NSAccountDomain]: it merges no accounts (nor keeps two apart in
//     a conflict), LookupAccount finds none by it, it is no identifier
//     of the golden account, and an account record that gives it among
//     its identifiers (in a namespace of [KindDomain]) drops it. Nor
//     does it link any person by email domain: an address there
//     (ann@example.com) is a test address, which names no company
//     ([ReasonPlaceholderDomain]); an explicit account reference or the
//     company name still links its person. A free-mail domain
//     ([Config].FreeMailDomains, subdomains included) among an
//     account's domains is read the same way: an import that fills in a
//     missing website from a lead's address gives gmail.com to accounts
//     that are not the same, so it merges none, finds none, and comes
//     after the account's real domains. The default list holds the
//     mail services of companies too (yahoo.com, zoho.com, proton.me):
//     such a company's own account is then found by its IDs and name
//     only, and its persons by their records; a host whose customers
//     include one passes a FreeMailDomains without its domain.
//   - A golden record ([GoldenPerson], [GoldenAccount]) takes each field from
//     one record, chosen by a [MergePolicy]: per-field source priority, then
//     the most recent, then the later arrival; for a person's email and
//     phone, a record that gives a real one comes before every record
//     that gives a placeholder, whatever the policy (a CRM contact's
//     noreply@acme.com does not hide the address its Marketo lead gives,
//     and the account is resolved from the real address's domain). Every
//     field keeps its [Provenance] (source, record, time, rule). The
//     defaults: the CRM wins for names, title, department, seniority,
//     phone, company and account reference; the most recent record wins
//     for the rest but consent.
//   - Consent is decided for each channel on its own, from the records'
//     statements, by the rule governance applies: the strictest recent
//     statement wins (b2b.CompareConsent). The later statement wins, but of
//     two made within a day of each other ([Config].ConsentWindow) the
//     stricter does: a CRM opt-out recorded an hour ago wins over a
//     month-old Marketo opt-in, and is not undone by a Marketo sync an hour
//     later that had not seen it. A statement of unknown states nothing; an
//     undated opt-out counts at its record's time, an undated opt-in before
//     every dated statement; the golden person's consent holds the winning
//     statement with the time it counted at (an undated opt-out dated at
//     its record's time), so that governance, applying statements to the
//     golden person, counts it at the same time. A host that wants a
//     source to win for consent says so in the policy's rule for consent
//     (its Default rule does not apply to consent); among that source's
//     records the statements decide. The provenance of each channel says
//     why its statement won over the others ([Provenance].Reason).
//   - A golden person's ID is "source:recordID" of its first record: the
//     first of its records the graph took, by order of arrival, not by the
//     records' times ("salesforce:0035e00000AbCdE"); a golden account's ID
//     is its first record's account ID (a new version of that record with
//     another ID renames the account: [AccountResult].Merged). When a record
//     merges two golden records, the ID of the one whose first record
//     arrived first survives, and the other keeps resolving to it. A record
//     that arrives later never takes the ID over, not even one its source
//     created or changed earlier (a backfill, a late sync): callers keep
//     state under these IDs, so an ID once given stays. The same records in
//     the same order give the same IDs, and [Restore] keeps them.
//
// The consent of a golden person explains itself, in its provenance:
//
//	consent.email <- salesforce:003CFO @ 2026-03-02T08:00:00Z (strictest recent statement, within 24h0m0s of the latest):
//	  opt-out at 2026-03-02T08:00:00Z wins over opt-in of marketo:L-1 at 2026-02-02T09:00:00Z (older)
//
// # Conflicts
//
// Some links must not be made. A unique namespace ([NamespaceSpec].Unique;
// by default Salesforce and Dynamics contact IDs) holds at most one value
// per golden record, so one email on two CRM contacts does not merge them,
// and a record that gives two values of one (two DUNS numbers on one
// account) is refused with a problem naming the second;
// persons whose explicit account references name different accounts are not
// merged (references to accounts not loaded yet are told apart by their
// IDs; when the accounts arrive and turn out to be one, the persons are
// merged then, as if the accounts had come first:
// [AccountResult].MergedPersons); and accounts that each hold a record of the same source (two CRM
// accounts sharing a domain, as subsidiaries often do) are not merged. The
// identifier then stays with the golden record that held it first, and the
// refusal comes back as a [Conflict] in the result of the call (never
// logged) and is counted in [Stats]. See [Conflict] for the exact policy.
// An account record whose own account ID finds an account it cannot join
// (a second CRM account under one ID) is refused with a
// *b2b.ValidationError at "account.id" instead: kept apart, the two
// would be two golden accounts known by one ID.
//
// A new version of a record that gives another value of a unique
// namespace than the record held (a Marketo lead re-synced to another
// Salesforce contact, an account whose DUNS number is corrected) is
// taken, and its value replaces the old one: the old value leaves the
// record and, unless another record of the golden record still gives it,
// the golden record too. Lookup (LookupAccount) no longer finds it, it
// is not among the golden record's identifiers, and a later record that
// gives it becomes or joins another golden record without a conflict
// with this one. A value that a record of another golden record gives
// too (a conflict kept it with this one) goes to that golden record, as
// an erased person's identifiers go (see [Graph.Erase]): to the first
// such record by arrival whose golden record gives no other value of
// the namespace. The new value links as any record's does (a contact ID
// that another person holds merges the two, as a new record would). A
// version that gives no value of the namespace keeps the record's. While
// another record of the golden record gives a value of the namespace
// that finds it (the old value, or one the record never gave), the
// golden record keeps that value, as an identifier belongs to the golden
// record that held it first (a later record that gives it joins), and
// the version's value, which would be its second, is refused: it finds
// no golden record (or the one that held it before, whose link is
// refused as any such link is), though it is listed among the golden
// record's identifiers, which are what its records give, and the refusal
// is a [Conflict] whose Kept and Other both name the golden record. Once
// the other record's own new version gives the new value too, the old
// one leaves and the new one is the golden record's. An account's ID and
// domains are no such values, even in a namespace declared unique: a
// former account ID keeps naming the account, and domains accumulate. A
// state saved before new versions replaced values, in which a record
// holds the values of several of its versions, restores as it was (each
// finds the golden record); the record's next version that gives one
// replaces the others.
//
// # Person-to-account resolution
//
// Each golden person is resolved in this order, and the first step that
// finds an account decides:
//
//  1. explicit references (the winning Person.AccountID, then every
//     record's OtherAccounts, the records in order of arrival):
//     [MethodExplicit], confidence 1.0;
//  2. the email domain, then its parent domains ("eu.acme.com" under
//     "acme.com") down to its registrable domain by the Public Suffix
//     List, never a public suffix (not "co.uk" from "acme.co.uk", nor
//     "github.io" from "acme.github.io"), against every account's
//     domains, unless the domain is filled in for a company that gave
//     none (reserved for examples and tests, ann@example.com:
//     [ReasonPlaceholderDomain]; a placeholder at a domain so reserved or
//     named like one, unknown@unknown.com: [ReasonPlaceholderEmail]), or free
//     mail ([DefaultFreeMailDomains], replaceable in [Config]):
//     [MethodEmailDomain], 0.9 (0.8 through a parent domain);
//  3. the company name, normalised by [NormalizeCompanyName] (case, accents,
//     punctuation, legal forms such as Inc, LLC, Ltd, GmbH, S.A., plc),
//     equal to exactly one account's normalised name: [MethodCompanyName],
//     0.6.
//
// A person may be linked to several accounts (several explicit references,
// or a domain that several accounts hold); one [Link] is primary: the
// first explicit reference, or of the accounts that hold the email's
// domain the one whose main domain (its first real one) it is, ties
// going to the lowest account ID, whatever order the accounts came in.
// Persons
// without a link are listed by [Graph.Unresolved] with the reason of every
// step that failed, for example
//
//	account reference "x-1" matches no account; email domain "umbrella.org"
//	matches no account domain; company "Umbrella" (key "umbrella") matches
//	no account name
//
// and [Graph.MatchRate] gives the lead-to-account match rate. Resolution is
// incremental both ways: a person is resolved when one of its records
// arrives, and an account that arrives or changes later re-resolves exactly
// the persons waiting for its ID, its domains or its name
// ([AccountResult].Relinked). Each call also names the accounts it took a
// person out of ([PersonResult].Unlinked, [AccountResult].Unlinked), the
// golden records it merged into its own ([PersonResult].Merged,
// [AccountResult].Merged, which also holds the former ID of an account
// that a new version of its first record renamed) and, for an account
// record, the ancestors the accounts it changed had before
// ([AccountResult].FormerAncestors), so that a caller keeping state per
// account knows every account whose persons changed.
//
// # Account hierarchies
//
// Accounts point to their parent (Account.ParentID, any ID of the parent).
// [Graph.Parent], [Graph.Ancestors], [Graph.UltimateParent] and
// [Graph.Descendants] walk the hierarchy; [Graph.Persons] with subsidiaries
// rolls up the persons of an account and all its descendants (one buying
// group for a multi-region account). A record whose parent would close a
// cycle is rejected with a [*CycleError]:
//
//	account hierarchy cycle: gx -> gx-de-muc -> gx-de -> gx
//
// The account a record belongs to is the one it joins: a CRM subsidiary
// that holds its group's domain as well as its own is kept apart from the
// group (a same_source conflict), so it may name the group as its parent,
// whichever of the two arrives first. Accounts that a record merges (a
// Marketo company holding the domains of two) whose parents then loop are
// reported as a parent_cycle conflict instead: nothing is refused, the
// accounts are one. An account merged so with its parent, whose parent
// reference then names itself, is such a cycle too, and reads as an
// account without a parent.
//
// and [ValidateHierarchy] checks a whole set of accounts before loading.
//
// # Define, validate, run, inspect
//
//	g, err := identity.New(identity.Config{})     // Config.Validate lists every problem
//	res, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: acct, Time: t})
//	pr, err := g.AddPerson(identity.PersonRecord{Source: "marketo", RecordID: "4711", Person: p, Time: t})
//	golden, err := g.Person(pr.Person)           // fields, provenance, records, identifiers, links
//	links, err := g.Links(pr.Person)
//	accts, err := g.AppendLinkedAccounts(nil, pr.Person) // the links' accounts only, for routing
//	id, ok := g.Lookup(identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: "4711"})
//	acc, ok := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "acme.com"})
//	report, err := g.Erase(pr.Person)            // right to be forgotten
//
// The graph keeps copies of the consent and attributes a record gives
// (list attributes included), and hands out copies in golden records
// and snapshots: a caller may change the maps it gave or got, and the
// graph stays as it was.
//
// A record with problems is rejected, unchanged graph, with a
// *b2b.ValidationError that lists every problem with its path and is
// counted in Stats.Rejected under the first path:
//
//	person record marketo:1: person.email: invalid email "ann@": no domain
//	person record marketo:1: identifiers[0]: sfdc_id: unknown namespace "sfdc_id" (declare it in Config.Namespaces)
//
// The same version of a record arriving twice is a [Duplicate], an older
// version is [Stale]; neither changes anything. Identifiers accumulate over
// versions (an old email keeps finding the person, an account's former ID
// the account and its subsidiaries, and both are listed among the golden
// record's identifiers); only [Graph.Erase] removes them, but for a value
// of a unique namespace, which a new version's other value replaces (see
// Conflicts; an email too, when [NSEmail] is declared unique). An
// identifier of an erased person that another person's record gives too
// (a conflict kept it with the erased person, which held it first) goes
// to the person of the first of those records by arrival, as if the
// erased person had never been: Lookup finds that person by it, a later
// record that gives it joins that person, and [Restore] keeps it so. A
// person whose records give another value of the identifier's unique
// namespace too, which would have refused it, does not take it; with no
// other person to take it, it finds no one. Erase merges no persons: two that both
// give the identifier stay apart, though without the erased person
// they might have been one (erase and add their records again to decide
// their links anew).
//
// # Persistence
//
// The graph's state is plain data: [Graph.Snapshot] returns every source
// record with the golden record it belongs to and the identifiers it holds
// that find another (a conflict kept them with the record that held them
// first), and [Restore] rebuilds the graph from it without deciding any
// link again (golden values, links and indexes are derived), but for
// records whose identifiers the version that saved the state read as two
// values and this one reads as one (an email with an accent written as a
// combining mark, before the local part was in NFC): they link as the
// same records added again would, unless a conflict keeps them apart.
//
// So Restore cannot undo a link either. A state saved by a version that
// still linked persons by a placeholder email may hold persons who are
// not the same as one golden person, merged by that address alone; they
// stay one after Restore. Restore does not split them because a state
// does not say what linked a person's records: it names each record's
// golden person, and need not give a record the identifiers that linked
// it (the engine's recovery rebuilds a person's records with the
// identifiers on one of them), so records that share no identifier but
// a placeholder are no sign that the placeholder merged them. The
// placeholder itself is dropped from the records' identifiers: Lookup
// finds nobody by it, no later record joins the person by it, and the
// golden email is a real one when one of the records gives one. To
// split such a person, [Graph.Erase] it and add its records again, which
// decides their links anew. Accounts that such a state holds as one,
// merged by a placeholder domain alone (example.com), stay one too, for
// the same reason; the domain is no identifier of theirs, and links no
// person to them.
//
// A state saved before addresses at an IP address or a numeric top-level
// domain were refused ([NormalizeEmail]: ann@1.2.3.4) may hold one: it
// restores as it was, the record's email and an identifier that finds
// its person, while a record that gives one to AddPerson is refused. So
// does an account domain that is an IP address or ends in a number
// ([NormalizeDomain]: 1.2.3.4, acme.123), saved before such domains were
// refused: it is the account's domain, finds the account and links the
// persons whose email is there, while a record that gives one to
// AddAccount, among its domains or its identifiers, is refused. So does
// a person's account reference that no account can have as its ID ("acme
// corp", with a space; see [PersonRecord].OtherAccounts), saved before
// such references were refused: the person waits for it, unresolved.
//
// # Memory and speed
//
// Person records and golden persons hold no pointers, so that the garbage
// collector neither scans nor marks them: a record's text (its fields,
// record ID and first identifier) is copied into large byte chunks, a
// record is 64 bytes naming its text, time and golden person by offset and
// index, and golden persons refer to the text instead of holding strings;
// the rare parts (consent, attributes, more identifiers) are kept aside.
// The record and identifier indexes are open-addressing tables without
// pointers (8 bytes a slot; keys are compared with the values the records
// hold), and the lists of an account's persons and of a domain's accounts
// and waiting persons share pointer-free chunks. Golden accounts, the
// index of company names (its accounts and waiting persons) and the index
// of account records hold no pointers either; an account record keeps its
// domains as entries of the domain index. Text once written is never
// changed (strings read from it may be kept anywhere): Erase removes a
// person's index entries and clears its records, and the bytes of their
// text stay in the chunks, referred to by nothing, until the graph is
// dropped. [Graph.AddPersons] loads many
// records faster than AddPerson one at a time, with the same result: it
// reads the index entries of a group of records together, so that their
// memory misses overlap, and reports totals instead of one result per
// record. BenchmarkResolve measures person records linked and resolved per
// second.
//
// A Graph is not safe for concurrent use; it is the one global step of the
// engine, which serialises calls to it.
package identity
