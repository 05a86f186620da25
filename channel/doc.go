// Package channel renders and delivers what journeys and alerts want to say:
// email, SMS and sales alerts, with personalization templates, consent
// checks at send time, an outbox with idempotency keys and a dispatcher with
// bounded retries. It also decides when to alert sales about a buying group,
// routes each alert, and tracks whether sales responded.
//
// channel reads no store and no buying group itself: the engine fills plain
// views ([RenderContext], [GroupView], [Observation]) from its state.
//
// # Define
//
// Templates are Go templates over a [RenderContext]. Tokens name its fields:
//
//	{{.Person.FirstName | default "there"}}     a token with a fallback
//	{{.Account.Name}}                           a required token
//	{{.Group.Completeness | percent}}           "67%"
//	{{.Group.Score | number}}                   "142"
//	{{join ", " .Group.MissingRoles}}           "Champion, End User"
//	{{range .Group.Members}}{{.Name}} ({{.Role}}){{end}}
//	{{.Account.Attributes | attr "tier" "standard"}}
//	{{.Now | date "2 Jan 2006"}}                "10 Jan 2026"
//	{{template "footer" .}}                     a shared fragment
//
// default gives its fallback for an empty value: "" or blank text, an
// empty list, a zero number, false, a zero time. attr gives its fallback
// for a missing attribute (absent, nil, blank, an empty list, a zero
// time), not for 0 or false. Both print a value as it reads: a decimal
// in decimal notation ("25000000"), a list joined with ", " ("de, fr"),
// a map as its entries by key ("city: Berlin, zip: 10115"), a time in
// RFC 3339 in its own zone ("2026-01-10T09:30:00-05:00"). An attribute's
// value printed otherwise ({{range $k, $v := .Account.Attributes}}{{$v}}
// {{end}}, {{printf "%v" $v}}) prints the same way, never in Go syntax,
// and so does a decimal printed as it is or through print, println,
// html, js or urlquery ({{.Account.AnnualRevenue}} is "25000000", not
// "2.5e+07"; printf prints it as its verb says).
// date formats a time with a Go layout, in the time's own zone, and a
// zero time, which means unknown (never updated), as "", so that
// {{.Person.UpdatedAt | date "2 Jan 2006" | default "never"}} says never
// rather than 1 Jan 0001.
//
// A [TemplateSet] holds shared [Fragment]s (header, footer, signature, each
// with an HTML and a text version), [Theme]s (a [Brand] and fragments that
// override the shared ones), [EmailTemplate]s (subject, HTML, text) and
// [SMSTemplate]s. HTML parts use html/template, so every token is escaped
// for where it stands (text, attribute, URL: a javascript: link becomes
// "#ZgotmplZ").
//
// Sales alerts are [AlertRule]s, one strategy each, optionally for one
// solution interest:
//
//   - [StrategyMilestone]: once per group, the first time a condition holds
//     ([MilestoneQualified], [MilestoneComplete], [MilestoneHighEngagement]
//     or any expression over [AlertEnv]).
//   - [StrategyThreshold]: when the score (or completeness) reaches a
//     threshold; then not again until it has fallen below threshold minus
//     hysteresis (default 10% of the threshold). A score wavering around the
//     threshold alerts once, not at every wobble.
//   - [StrategyStage]: when the group's stage changes (optionally from and to
//     given stages). The first observation of a group is its baseline.
//
// A threshold or stage rule may have a condition too (When, an expression
// over [AlertEnv], type-checked as a milestone's is): it then alerts only
// about the groups it holds for when the rule would fire ("hot EMEA
// groups": account.region == "EMEA"), and its alerts' reasons say so. A
// threshold reached while the condition does not hold leaves the rule
// armed: it alerts once the condition holds with the metric still at the
// threshold. A stage change while it does not hold is not alerted.
//
// A Cooldown holds back a second alert of a rule for a group; a held-back
// threshold or milestone alert comes once the cooldown is over if its
// condition still holds (a held-back stage change is dropped).
//
// [Routing] sends each alert to the first [RouteRule] whose condition (an
// expression over [AlertEnv]) holds and whose target resolves: the account
// owner, the territory's team, the solution interest's specialist, the queue
// or an address. Without rules: owner, territory, specialist. Whatever
// resolves nowhere goes to the fallback queue. Conditions and routing
// rules see now in the account's time zone ([Observation.Location], else
// the account's TimeZone; UTC without one): hourOf(now) >= 18 holds after
// six in the evening where the account is, weekdayOf(now) in ["Saturday",
// "Sunday"] on its weekend.
//
// # Validate
//
// [CompileTemplates] type-checks every token against [RenderContext] at load
// time and reports every problem at once with its path and line:column, so an
// unknown token is an error for the author, never a blank in an inbox:
//
//	templates: 2 problems:
//	  emails[0].html: 1:16: unknown token .Person.FristName: b2b.Person has no field FristName (it has ID, Email, FirstName, ...)
//	  emails[0].html: 1:38: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})
//
// It also refuses unknown functions and fragments, wrong argument types
// (text handed to percent or number, a decimal compared with a whole number:
// {{gt .Group.Score 100}} fails where {{gt .Group.Score 100.0}} does not; a
// printf format that is not text written in the template, a verb that
// does not fit its value ({{printf "%d" .Person.FirstName}} would print
// "%!d(string=Ann)"), %#v and %T, which print Go syntax, more or fewer
// values than the format prints; a value
// of a type known only at run time, an attribute's value in a {{range}}
// or an or of a text and a number, compared, measured with len, used as
// a format or handed to a function that wants one type: it would fail
// for the recipients whose value is of another kind), a whole
// number too large for an int, an assignment ({{$x = ...}}) to a variable
// not declared or of a value of another type than the variable's (a
// variable has one type in its scope: {{$x = 2.5}} in an {{if}} would reach
// past its {{end}}), the builtins that fail or print "<no value>" for some
// recipients (index, slice, call: a map entry is read with attr, which has
// a default), nil as a command ({{nil}}, {{if nil}}: text/template parses
// it and fails on it at every rendering), a fragment that reads tokens
// called without the context
// ({{template "footer"}}; one that reads no token, a static signature, may
// be), a fragment called from a part it has no version for (a signature
// with only a text version, in an HTML part, would print nothing),
// printing a map, a struct or a list (directly, through print, printf,
// println, html, js, urlquery or default, or as one side of an or; a
// list of text goes through join, or default, which joins it), HTML
// the escaper finds ambiguous, a
// template named as a fragment it sees, a {{define}} or {{block}} named
// as the template, a fragment it sees or another text's {{define}} (one
// of the two would silently replace the other), and a marketing email
// that does not print {{.UnsubscribeURL}} in both parts for every recipient
// (one that only tests it, {{if .UnsubscribeURL}}, has no link; one that
// prints it only in a branch of another condition, {{if
// .Person.FirstName}}, or in a {{range}}, has none for some recipients;
// {{if .UnsubscribeURL}} or {{if ne .UnsubscribeURL ""}} around it, or
// it in the else of {{if not .UnsubscribeURL}}, leaves it out only when
// it is empty).
// A syntax error is placed at the start
// of its action ({{), an undefined function at its name, an HTML part that
// ends inside a tag at its end; a problem with a place holds it as a
// [*TemplateError].
// [NewAlerter] compiles every condition and routing rule the same way and
// checks the directory addresses.
//
// # Run
//
// A token of the brand ({{.Brand.Address}}) is the template's theme's
// whatever the recipient: [CompileTemplates] refuses a template of text
// and plain tokens that requires one its brand leaves blank (or that has
// no theme), whose every rendering would fail.
//
// A token without fallback is required: [Templates.RenderEmail] fails with
// a [*RenderError] matching [ErrEmptyToken] when it is empty for a recipient
// ("required token .Account.Name is empty (give it a fallback: ...)"), so the
// message is not sent half-written. That holds for a token printed through
// a function that keeps its text ({{.Person.FirstName | upper}},
// {{printf "Hi %s" .Person.FirstName}}: upper, lower, print, printf,
// println, html, js, urlquery), for one printed through a variable
// that holds it ({{$n := .Account.Name}} ... {{$n}}, and one an {{if}}
// or a {{with}} declares: {{with $n := .Person.FirstName}}), for the
// dot of a {{with}} that holds it ({{with .Person.FirstName}}Hi
// {{.}}{{end}}: a blank name passes with's test), for a field of a
// list's element that a {{range}} prints ({{range
// .Group.Members}}{{.Name}}{{end}}) and for an element of a list of text
// it prints ({{range .Group.MissingRoles}}{{.}}{{end}}; the error names
// the list: "required token .Group.MissingRoles[] is empty for an
// element of .Group.MissingRoles ..."); an action with
// default or or has a fallback, and a token handed to another function ({{len ...}},
// {{eq ...}}) is not printed. [Templates.Reads] tells what a template
// may read (through its fragments, erring on the side of reading), so that
// a renderer builds only that: the engine builds a buying group's view
// (members, scores, missing roles) only for a template that reads .Group.
//
// An SMS is measured as providers and handsets count it ([SMSSegments]):
// in GSM-7 when every character is in its default alphabet (its
// extension table's € [ ] { } ~ ^ \ | take two septets), 160 septets in
// one SMS and 153 in each part of a longer one; else the whole text is
// UCS-2 (one emoji, one curly quote or one ç is enough), 70 UTF-16 code
// units in one SMS and 67 a part, an emoji taking two. A longer text is
// billed as that many SMS, and a provider refuses one past its own
// limit, so [Templates.RenderSMS] refuses a text that takes more parts
// than its template's MaxSegments, else the set's SMSMaxSegments, else
// [DefaultSMSMaxSegments] (3): a [*RenderError] matching [ErrSMSTooLong]
// that holds an [*SMSLengthError] ("template "reminder" (sms) for person
// "p-1": the text is 71 UCS-2 code units, 2 SMS parts; at most 1 (the
// template's maxSegments); "ж" is not in the GSM-7 alphabet, ...").
// [CompileTemplates] refuses a template of text and plain tokens whose
// fixed text alone (without its tokens) is over its limit: every
// rendering would be refused.
// An SMS whose text the host wrote itself (a [Message] without a
// Template) is held to [DefaultSMSMaxSegments]: [Message.Validate], which
// an outbox runs on every message it takes, refuses a longer one with
// the same [*SMSLengthError] (matching [ErrSMSTooLong]) under the
// message's key. A longer text is rendered from a template that allows
// it.
//
// Most message templates are text and plain tokens ({{.Account.Name}},
// {{.Person.FirstName | default "there"}}, fragments, links). Such a part
// (for an HTML part, once html/template has escaped it) is compiled a
// second time into a list of literal text and reads of fields by their
// index, through default, required and the escapers of text, quoted
// attributes and URLs called directly: no lookups by name, no calls
// through reflection, the same bytes as the template (more than ten times
// faster for a journey email). A part with if, range, with, another
// function, a value that is not a string, a token inside <script>,
// <style> or <title> or an unquoted attribute, or a fragment escaped for
// another context renders on text/template and html/template as written.
//
// [Alerter.Evaluate] takes a group's [AlertState] and an [Observation] and
// returns the new state and the [Alert]s that fired, each with its reason,
// its [Route] and its content ([AlertView]: status, engaged personas by
// score, missing roles, recent activities, readiness reasons and a
// recommended next action). [Templates.AlertMessage] renders an alert
// (see [DefaultAlertTemplate]) into a [Message] for the outbox, its times
// (.Now, the recent activities') in the account's time zone: an activity
// at 20:00 UTC on March 4 is one of March 5 for an account in Tokyo.
//
// Messages go into an [Outbox] ([MemoryOutbox] in memory; the engine's store
// implements the same interface). Each [Message] has an idempotency key: the
// outbox stores a key once however often a step is replayed. An SMS is
// addressed to a phone number in international format, as a CRM may hold
// it ("0044 20 7946 0958", "+44 20 7946 0958"; see b2b.E164Phone), and its
// sender gets it in E.164 ("+442079460958"); a number in national format
// ("020 7946 0958") does not say its country and is refused. A [Dispatcher]
// claims due entries under a lease, checks consent again ([ConsentLookup],
// [ConsentPolicy]), delivers through the [EmailSender], [SMSSender] and
// [AlertSender], and records the outcome: delivered, failed (a permanent
// error such as [ErrPermanent], or out of attempts), suppressed (consent),
// or retried later with backoff ([DefaultBackoff]: 1, 2, 4 ... minutes, at
// most an hour, plus up to 20% deterministic jitter, or the provider's
// Retry-After). A panic while delivering one entry (in its sender, its
// consent lookup, the backoff) fails that entry for good, with the panic
// and a short stack in its error, and the dispatcher goes on: a message
// that panics never blocks the others, nor is it sent again. Nor does a
// send that hangs: it is cut when the claim's lease ends (a temporary
// failure), and the entries of the batch whose turn comes after that are
// left to the next claim, which another dispatcher may have made.
// The key goes to the sender, so a dispatcher that crashes between a send
// and its record never sends twice to a sender that honours the key: the
// entry's lease expires, it is claimed and sent again with the same key, and
// the sender answers with the first receipt.
//
// Senders live in subpackages so that their dependencies stay out of this
// one: channel/smtp (SMTP, multipart text and HTML, List-Unsubscribe, a
// Message-ID derived from the key), channel/smshttp (an SMS provider's REST
// API) and channel/channeltest (a recording sender that simulates opens,
// clicks, bounces and unsubscribes from a seeded model, and the Outbox
// conformance suite).
//
// # Inspect
//
// Every outcome says why: a [DispatchReport] lists each entry's [Outcome]
// with its reason ("email consent is opt-out (source marketo, ...)",
// "temporary failure, attempt 2 of 5, next in 2m6s: ..."); an [Alert] says
// why it fired ("score 101 reached the threshold 100 (it alerts again only
// after falling below 90)") and why it went where it went ("rule "owner"
// (always) matched: account owner 005-jdoe is jane.doe@vendor.example").
// [TrackResponses] matches CRM activities to alerts (acknowledged, acted
// on) and [ResponseRateOf] computes the sales alert response rate KPI as
// package analytics does: of the alerts whose response window has closed,
// those acted on within the window. An alert whose window is still open
// is not in the rate, answered or not (counting early answers before the
// late ones can come would flatter the rate); an acknowledgement alone is
// no response.
package channel
