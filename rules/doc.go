// Package rules is Quorum's pluggable rules engine. Every rule a marketer
// writes (who is an Economic Buyer, which activity earns points, which
// accounts enter an audience, which path a journey takes) is an expression,
// compiled once against a typed environment and evaluated many times.
//
// # Define
//
// A consumer package chooses the environment: a struct whose `expr`-tagged
// fields are what its rules see.
//
//	type RoleEnv struct {
//		Person  b2b.Person  `expr:"person"`
//		Account b2b.Account `expr:"account"`
//		Now     time.Time   `expr:"now"`
//	}
//
// A [Rule] is a name and a source:
//
//	rules.Rule{Name: "economic buyer",
//		Source: `person.seniority in ["C-Level", "VP"] && person.department == "Finance"`}
//
// A field of a named string type, such as the typed IDs b2b.AccountID and
// b2b.PersonID, reads as text wherever a rule uses it as text: compared
// with a string (account.id == "acme", person.id != "", person.id <
// "q"), tested with in against a list or the keys of a map of strings
// (account.id in ["acme", "globex"]), with matches, startsWith, endsWith
// and contains, given a default (person?.id ?? "none"), given to a
// function that takes a string (icontains(account.id, "ac"),
// lower(account.id), a host function whose signature takes one), used as
// the key of a map of strings, put in a list or computed by a predicate
// (map(persons, .id)). Compared with a value of its own type
// (activity.accountId == account.id), tested against a list or a map of
// its type, or given to a host function that takes that type, it is used
// as it is; compared with an ID of another type (person.id == account.id)
// it is a compile error, as in Go, and so is it tested with in against
// a list of such IDs (account.id in ids), while text is in a list of IDs
// where it is one's text ("p1" in ids), and in a map keyed by IDs where
// it is one key's text ("p1" in byId), whose element under that key it
// reads (byId["p1"], byId.p1, get(byId, person.title); an ID of another
// type as the key, byId[account.id], is a compile error). Compared with a value of no type
// before the rule runs (an attribute: person.id ==
// person.attributes["ref"]), it equals the value where the value is its
// text, and differs from a number, a list or a missing attribute; such a
// value is in a list of IDs (person.attributes["ref"] in ids) where it
// is one's text. A value of no type that holds an ID (a host function's,
// or an attribute a host set to one) compares as the ID's text wherever it is
// compared: it equals that text (ref() == "p1", ref() == person.title,
// ref() == person.attributes.ref), is in a list of strings, of IDs or of
// values of no type where the list holds the text or the ID (ref() in
// ["p1", "p2"], ref() in account.domains, "p1" in refs()), and a list or
// a map holding it equals one holding its text; attr with a text default
// reads an attribute that holds an ID as its text, and inList finds an
// ID of a list of values of no type by its text, and takes a list of IDs
// as their texts (inList(s, ids)). A
// comparison with "" is not refused:
// an ID is "" where an activity names no account, or where an optional
// chain stops at a nil pointer (person?.id == "" where there is no
// person).
//
// # Validate
//
// [Compile] type-checks the rule against the environment and its wanted
// result (bool, float64 or string) when it is loaded, not when it runs:
//
//	eb, err := rules.Compile[RoleEnv, bool](eng, rule)
//
// A rule that does not compile returns a [*CompileError] that names the rule,
// gives line:column and shows the source with a caret:
//
//	rule "economic buyer" 1:42: unknown name persn
//	  | person.seniority in ["C-Level", "VP"] && persn.department == "Finance"
//	  |                                          ^
//
// and a rule of the wrong type says what was expected:
//
//	rule "points" 1:19: expected bool, got int
//	  | account.employees * 2
//	  |                   ^
//
// [CompileAll] compiles a list and reports every error at once ([Errors]).
// Limits ([Limits]) bound the source length (4096 bytes) and the syntax tree
// (1000 nodes); expr has no unbounded loops, and rules may call only the
// functions below (method calls on environment values are refused).
//
// # Run
//
// [Expr.Eval] takes a pointer to the environment and returns the typed
// result. Programs are safe for concurrent use and are cached by the engine,
// keyed by (environment type, result kind, source).
//
// Decisions explain themselves with the rule and the values it read;
// [FormatNumber] and [FormatValue] write those values for people (185.8
// rather than 185.8038812696166), as the reasons of Quorum's decisions do,
// while the values recorded for machines stay exact.
//
// # The function library
//
// Besides expr's operators (==, in, matches, &&, ?:, ...) and builtins
// (len, lower, upper, trim, count, any, all, filter, map, sum, ...), rules
// may call:
//
//	icontains(s, sub)        case-insensitive contains:  icontains(person.title, "engineer")
//	istartsWith(s, prefix)   case-insensitive prefix:    istartsWith(person.title, "vp")
//	iendsWith(s, suffix)     case-insensitive suffix:    iendsWith(person.email, "@acme.com")
//	iequals(a, b)            case- and space-insensitive equality: iequals(account.region, "emea")
//	match(s, pattern)        regular expression, a quoted string checked and
//	                         compiled when the rule is loaded:
//	                         match(person.title, "(?i)^(chief|head of) .*data")
//	domain(email)            lower-case domain of an address: domain(person.email) in account.domains
//	daysSince(t)             days from t to the environment's now (fractional);
//	hoursSince(t)            hours likewise. A zero time (never) is +Inf, so
//	                         daysSince(lastVisit) > 30 holds for "never visited".
//	hourOf(t)                the hour of t (0 to 23) on the clock of t's zone;
//	weekdayOf(t)             its day of the week ("Monday" to "Sunday"). A
//	                         zero time (never) has hour -1 and weekday "".
//	                         A sales alert's routing rules and conditions see
//	                         now in the account's zone: hourOf(now) >= 18 is
//	                         after six in the evening there.
//	between(x, lo, hi)       lo <= x <= hi: between(account.employees, 500, 5000)
//	inList(s, list)          case-insensitive membership: inList(account.industry, ["software", "fintech"])
//	attr(m, key, default)    a custom attribute of the default's type:
//	                         attr(person.attributes, "tier", "") == "gold"
//	                         attr(account.attributes, "seats", 0) >= 50
//
// The expression operator `s matches "re"` also works, with a quoted
// pattern too. Of expr's builtins, now is disabled (time is an input), and
// so are fromJSON, toJSON, fromBase64, fromPairs, repeat and reduce: they
// parse or build data a rule has no use for, and fail at run time on data
// they cannot handle.
//
// Collections of persons use expr's builtins with a predicate, where '.'
// names a field of the current element:
//
//	count(persons, .department == "IT") >= 2
//	any(persons, .seniority == "C-Level")
//	all(persons, .consent.email.status != "opt-out")
//	len(filter(persons, icontains(.title, "data"))) > 3
//
// # Missing data
//
// A custom attribute that is missing, or holds a value of another type than
// the default, evaluates to the default given to attr. A number of any of
// Go's kinds (int32, uint, float32, ...) or a json.Number is read as a
// number default's type: as an int where it is a whole number an int
// holds, and as a float64 (a float32 as its shortest decimal, 0.1).
// Text in RFC 3339 ("2026-05-29T12:00:00Z", as encoding/json writes a
// time, so an attribute that was a time reads as one once its record is
// read from JSON) is read as a time default's time, in the offset it
// names; other text (a date alone, a time with no offset) is not a time.
//
// An element that is not there reads as the zero value of its type (an
// empty person, "", 0, the zero time, which daysSince counts as never): an
// index past either end of a list (persons[0] of an account without
// persons), first and last of an empty list, find and findLast with no
// match, get of a missing key, max and min of an empty list, an optional
// chain that stops at a nil part (account?.name where the account is a
// nil pointer), get of a value of no known type that has no element
// under the key because it is of another shape
// (get(person.attributes.prefs, "color") where prefs holds a string or
// a list, not a map, and get(person.attributes.tier, 0) where tier holds
// text, which has no elements in a rule; such a get takes a key written
// in the rule).
// Compared with nil, or given a default with ??, it is
// still nil, so first(persons) == nil tells an empty list. So is a
// default that is such an element (person?.title ?? account?.name ??
// "none" is "none" where there is neither a person nor an account), a
// condition's branch that is one ((c ? person?.title : "x") ?? "none" is
// "none" where c holds and there is no person), and an optional chain
// read from one with ?. (first(persons)?.title ?? "none" is "none" for
// no persons; a map's missing element keeps its fields, see below). A
// variable bound with let reads as the value it is bound to written out
// in its place: after let p = first(persons), p == nil tells an empty list too,
// and p.title reads "", counted at each use as first(persons).title is.
// An index written as a negative number counts from the end
// (persons[-1] is the last person), and so does one written as integer
// arithmetic on numbers (persons[0 - 1], persons[-(1 + 1)]): its value
// is known when the rule is loaded, as a number written is. One computed
// when the rule runs that is negative is past the start: an element that
// is not there. So is one from data or arithmetic on data
// (persons[len(persons) - 4] of three persons), a variable (let i = -1; persons[i]) and findIndex and
// findLastIndex, which give -1 where nothing matches:
// persons[findIndex(persons, p)], get(persons, i) and, after let i =
// findIndex(persons, p), persons[i] read as find(persons, p) does. A
// bound of a slice computed negative is the start of the list
// (persons[i:] is every person, person.title[i:] the whole title, where
// i is -1), where one written negative counts from the end too
// (persons[-1:] and persons[0 - 1:] hold the last person only).
//
// A map's element type may say what an element the map does not hold
// reads as instead of its zero value, with a method Missing() of its own
// type ([MissingElement]). A person's consent is such a map: a channel
// without a statement reads as the status "unknown", as
// b2b.(*Person).ConsentFor gives it (its source is "" and its time the
// zero time), whether the rule writes person.consent.email.status,
// person.consent["email"].status, get(person.consent, "email").status or
// person.consent?.email?.status, and in predicates over persons:
//
//	person.consent.sms.status == "unknown"             no statement about SMS
//	any(persons, .consent.email.status == "unknown")   someone with none about email
//
// Compared with nil such an element is still nil (person.consent.email
// == nil tells a channel without a statement, and so does let c =
// person.consent.email; c == nil, while c.status reads "unknown"). An
// optional chain that stops at a nil pointer before the map reads the
// zero value, as any optional chain does: in an environment whose person
// is a pointer, person?.consent.email.status is "" where the person is
// nil, and "unknown" where the person has no statement about email; a
// variable bound to the chain (let c = person?.consent.email; c.status)
// reads the same, and is counted the same: where the person is nil,
// c.status ?? "" takes its default, uncounted, and c.status == nil
// holds, as for the chain written out. An index ends expr's optional chain, though:
// person?.consent["email"].status reads as
// (person?.consent)["email"].status, as get(person?.consent,
// "email").status does, "unknown" where the person is nil too (a nil map
// holds no channel); likewise account?.domains[0] reads as
// (account?.domains)[0], "" where the account is nil or has no domains
// (both counted), nil compared with nil. The values that explain a decision read a missing
// element the same way: unknown. A missing key of any other map
// (m.key, m["key"]) reads as the zero value of its element type.
//
// Each use of a default, a zero value or a map's missing element is
// counted for the compiled rule that used it ([Expr.MissingAttributes];
// rules with the same source share a compilation, not a count), so a host
// can see data gaps.
//
// Time is an input: expr's now() is disabled, and daysSince and hoursSince
// read the environment's now field (an environment without one cannot use
// them: that is a compile error).
//
// # Checked when the rule is loaded
//
// Besides expr's type checker, [Compile] refuses what that checker lets
// through but would fail at run time on ordinary data, with the rule's
// line:column and what to write instead:
//
//   - a value of unknown type used where a type is needed: a custom
//     attribute read by index (account.attributes["seats"] > 3, or .seats,
//     or get(m, "seats")) may hold any value, or none, so it may only be
//     compared with == or != (or be an element tested with in, which
//     holds as == would for one of the list's elements: a number, or a
//     missing attribute, is in no list of strings, or be given to iequals,
//     icontains, istartsWith or iendsWith, or to contains, startsWith and
//     endsWith, to inList as the value looked for or to match and matches
//     as the text matched, which read it as == and in do: text, or an
//     ID, as text, and any other value as no text, equal to, containing,
//     starting or ending with no text, in no text and matching no
//     pattern, so inList(account.attributes.plan, ["pro"]),
//     icontains(account.attributes.plan, "pro") and
//     account.attributes.plan startsWith "pro" hold only where plan is
//     text); read it with attr(account.attributes, "seats", 0),
//     whose default gives the type (text, a number, a bool or a time: an
//     attribute that holds a list or a map may only be compared, with ==
//     or !=). Likewise an element of a list of mixed values, or a
//     variable bound to such a value.
//   - a value that is nil where the rule's nil literal is taken (c ? x :
//     nil, x ?? nil) used where a value of a type is needed ((c ? "a" :
//     nil) + "b", len, lower, a field read from it), or as the rule's
//     value: give it a default with ??. It may be compared with == and
//     != (where c is false, (c ? "a" : nil) == "x" is false and == nil
//     holds), be a branch of ?: or be given a default.
//   - findLast and findLastIndex (and last(filter(l, p)), which expr
//     makes findLast) where the rule holds another value to use with
//     their result (icontains(s, findLast(l, p)), "a" + findLast(l, p)):
//     expr's evaluation mixes that value up with what its backward
//     search leaves behind. A comparison is evaluated with the search
//     first, so x == findLast(l, p) is right; otherwise bind the search
//     with let at the start of the rule (let f = findLast(l, p); ...).
//   - a regular expression that is not a quoted string (match(s, p),
//     s matches p): a pattern taken from data may be invalid. Compare with
//     data using ==, icontains or istartsWith.
//   - % by anything but a number written in the rule (or integer
//     arithmetic on such numbers), other than 0: a divisor from data may
//     be 0. Counts and the bounds of a range below are written likewise.
//   - int, float, date, duration and timezone of a string that is not
//     written in the rule (a written one is parsed when the rule is
//     loaded, so one that does not parse is a compile error), and date of
//     anything but text (date(person.updatedAt): a time is one already;
//     date(s, layout, timezone("Asia/Tokyo")): the zone goes by its
//     name, date(s, layout, "Asia/Tokyo")).
//   - the time zone "Local" (timezone("Local"), date(s, layout, "Local")):
//     it is the zone of the machine the rule runs on, so the rule would
//     answer differently on another; name the zone ("Europe/Berlin").
//     Likewise a path to a file of the machine's zone database ("./UTC",
//     "Europe//Berlin") and the "right/" copy of the database, which
//     counts leap seconds: only some machines have those files, as
//     package b2b refuses them for an account. Likewise "localtime" (the
//     machine's zone too), "posixrules" (a file only some machines have,
//     holding the zone their POSIX rules default to) and "Factory" (no
//     zone: it stands for one not set yet). The "posix/" copy is the
//     zone itself: "posix/Europe/Berlin" reads as "Europe/Berlin".
//     Likewise a zone abbreviation other than UTC and GMT in a date with
//     no zone named (date("01 Jun 26 09:00 CEST")): it is read in the
//     machine's zone, with an offset of 0 where that zone has none; write
//     the offset or name the zone. With a zone named, an abbreviation
//     that zone never uses (date("2026-06-01 09:00 EST", "2006-01-02
//     15:04 MST", "Europe/Berlin")) would read as an offset of 0 too.
//   - a count from data where a negative one fails (take, bitshl, bitshr,
//     bitushr), the bounds of a range (..) from data (a range too large
//     to build fails), an order other than "asc" or "desc" for sort and
//     sortBy, and sort, sortBy, max, min, mean, median, sum and join of
//     elements of the wrong or of no known type (max, min, mean and
//     median take numbers and lists of numbers: max(l, person.title) is
//     refused too).
//   - groupBy by a key that a map cannot hold (a map, a list, or a
//     struct holding one, such as a whole person: groupBy(persons,
//     .consent) fails on any person) or of no known type (an attribute
//     read by index: group by attr(.attributes, "tier", "")).
//   - a key of a map written in the rule that is computed, in
//     parentheses, and is not a string ({(account.employees): "x"}) or
//     is of no known type ({(person.attributes["tier"]): 1}): a map
//     written in a rule holds string keys.
//   - count of a list of anything but bools (count(list) counts the
//     elements that are true: count(persons, ...) takes a predicate), and
//     a function named without being called (first != nil).
//   - a duration taken for a number where evaluation does not take it: a
//     duration times a fraction (duration("24h") * 1.5 is no duration
//     when the rule runs; multiply by a whole number), abs, ceil, floor,
//     round, float and sum of durations, max or min of a duration and a
//     number, and max or min of a list of durations
//     (max(map(persons, now - .updatedAt)); of durations not in a list,
//     max and min are right).
//
// It also refuses a comparison that is always false: a string field (of
// a named string type too) that a map's missing element sets compared
// with "" (see "Missing data").
// person.consent.email.status == "" never holds, as a channel without a
// statement reads "unknown" and a statement has a status; the error says
// to compare with "unknown". So are (person.consent.email.status ?? "")
// == "" (the field is never nil, so its default is never taken) and
// person.consent.email.status in [""]. A list with other members than ""
// (in ["opt-in", ""]) is not refused: it holds for those members, and
// whether its "" was written for a channel without a statement, which it
// never matches (write "unknown" for those), or only to be safe cannot
// be told from the rule. A field the missing element leaves ""
// (person.consent.email.source == "") and other comparisons (!= "",
// not in [""], == "unknown") are not refused, nor one whose optional
// chain may stop at a nil pointer before the map
// (person?.consent.email.status == "", or in [""], or ?? "", in an
// environment whose person is a pointer: nil reads ""), written out or
// bound to a variable (let c = person?.consent.email; c.status == "").
//
// Arithmetic on data is defined: / always gives a float64, and so do mean
// and median, of a list or of numbers (mean(a, b) % 2 is a compile
// error); a division by zero gives +Inf, -Inf or NaN as in Go (10 /
// account.employees > 1 holds for an account without employees; a
// comparison with NaN never holds); integer +, - and * wrap around on
// overflow, as in Go. Two lists are equal where they hold equal elements
// in the same order, whatever their types: persons == [] holds for an
// account without persons, and a list of IDs equals the list of their
// texts. Lists and maps inside lists and maps are compared the same way,
// a map equal to another where they hold equal elements under the same
// keys ([ids] == [["p1", "p2"]], {"a": ids} == {"a": ["p1", "p2"]}),
// and so is a value of no type that holds a list or a map (an attribute
// read from JSON: person.attributes.sizes == [1, 2],
// person.attributes.prefs == {"seats": 5}; a missing attribute is no
// list: it equals nil only); two maps of different types compared with
// each other are refused, as in Go. Positions in text count characters, as len does:
// person.title[0:3] is its first three characters ("Soc" of "Société"
// and "Acm" of "Acmé" alike), and indexOf and lastIndexOf give the
// character where a text starts, so person.title[:len(person.title) -
// 1] and person.title[indexOf(person.title, " "):] take whole
// characters. keys, values and toPairs list a map's elements in the
// order of its keys (numbers by value, then text, then false and true),
// so first(keys(m)) is its first key; a pair is a list of two
// (toPairs(m)[0] == ["a", 2]).
//
// # What can fail at run time
//
// A compiled rule fails at run time only
//
//   - when a number rule's result is NaN or infinite (daysSince of a zero
//     time, a division by zero), which is no number a consumer can use;
//   - when int is given a number that no int holds: NaN or an infinity
//     (int(10 / account.employees) for an account without employees) or
//     one beyond the range of an int (int(2 ** 63));
//   - when a function registered with [WithFunction] returns an error;
//   - when an evaluation builds more than expr's memory budget allows (a
//     million list elements, as len(0..1000000) or maps nested over long
//     lists do);
//   - when the environment holds a nil pointer where the rule reads a
//     field: the environments of Quorum's packages never do;
//   - when [Expr.Eval] is given a nil environment, or [Program.Eval]
//     nil, a nil pointer or an environment of another type than the
//     rule was compiled for, whatever the rule reads.
//
// Eval then returns an [*EvalError] that names the rule and matches
// [ErrEval]; evaluation never panics. In Quorum's packages a rule that
// failed decides nothing new, and the error is reported (the engine logs
// it as an event, such as audience.rule_error): an audience keeps the
// account's membership, a role rule the claim it gave the person before,
// a group stays in its stage, a scoring rule gives no points, an alert
// rule raises no alert.
//
// # Plugging in another engine
//
// [Engine] and [Program] are the plug point. [New] returns the default
// engine, [ExprEngine]; [WithFunction] registers host functions and
// [WithLimits] sets limits.
package rules
