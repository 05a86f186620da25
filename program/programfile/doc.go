// Package programfile reads a whole Quorum program from one YAML (or JSON)
// file into [program.Definitions], and reports every problem of the file at
// once, each at its line and column.
//
// # Define
//
// A program file is the YAML form of [program.Definitions]: its sections
// are name, version, interests, roleTemplates, stageModels, scoring,
// groupScore, audiences, readiness, journeys, caps, consent, persona,
// templates, alerts and routing, and inside them the fields have the names
// of the packages' json tags (a field without one takes its Go name with a
// lower-case first letter: consent.requireOptIn, persona.departments, a
// theme's brand.logoURL). JSON is YAML, so a program written with
// encoding/json reads back as it was. A minimal program:
//
//	name: option-a
//	interests:
//	  - id: data-platform
//	    name: Data Platform
//	    template: standard          # the built-in buying committee
//	journeys:
//	  - id: pipeline-acceleration
//	    triggers:
//	      - {type: group_created, solutionInterest: data-platform}
//	    nodes:
//	      - id: intro
//	        kind: action
//	        action: {type: email, template: intro, next: wait}
//	      - id: wait
//	        kind: wait
//	        wait: {for: 5d, next: done}
//	      - {id: done, kind: end, end: {}}
//
// Values that need a word:
//
//   - Durations (wait.for, listen.timeout, external.timeout,
//     reEntry.after, caps[].per and maxDefer, groupScore.velocityWindow,
//     scoring[].halfLife, alerts[].cooldown) are text: "5d", "36h", "90m",
//     "1d12h". A bare number is nanoseconds, as encoding/json writes them,
//     and is held to the rule of numbers below (for: 010 is refused). No
//     duration has a use below a second, so a bare number below one
//     (1000000000) is refused as meant in another unit: "wait.for: 5 is 5
//     nanoseconds: write a duration with its unit, such as 5d, 5h or 5m".
//     Zero, bare or "0", is zero (for most fields: not set), and a
//     negative duration is refused when the program is compiled.
//   - A number is read only when YAML 1.1 and YAML 1.2 (its core schema)
//     read it as the same number, or when it is written as JSON writes
//     numbers; any other is refused with what to write, since the file
//     would mean one thing to one tool and another to the next. Form by
//     form: decimal whole numbers (150, -3, +12, and 00 to 07),
//     hexadecimal (0x1F) and numbers with a point (.5, 1., 010.5,
//     1.5e+3, 5.e-3) read alike, and are read. JSON's numbers (1e3,
//     1e-07, 1.5e3, as encoding/json writes small and large floats) are
//     read as YAML 1.2 and JSON read them, though YAML 1.1 takes an
//     exponent with no point or no sign for text. Refused: a leading zero
//     (010 is octal 8 to YAML 1.1 and 10 to YAML 1.2; 08 and 01e3 are
//     text to YAML 1.1), underscores (1_000, 0x1_F, 1_000.5), binary
//     (0b11) and a sign before a base (-0x1F, +0x1F), all numbers to
//     YAML 1.1 and text to YAML 1.2; octal with 0o (0o17), a number to
//     YAML 1.2 and text to YAML 1.1; and, when not JSON's, an exponent
//     with no point or no sign (+1e3, .5e3, 5.e3), text to YAML 1.1.
//     The same holds for weekdays written as numbers. A value quoted
//     ("10") or tagged !!str (!!str 10, !!str true) is text, not a number
//     or a boolean; a text field takes a number as it is written
//     (version: 010 is "010"). A tag of YAML's own types is read where
//     it names the value's type (!!int 3, !!map); any other tag is
//     refused, as the value would be read as written and not as the tag
//     means: a local tag (!env NAME, for a tool that substitutes values),
//     !!binary, a type's tag on a value of another type (!!int "3").
//   - Times (journeys[].endAt, wait.until) are RFC 3339 ("2026-03-02T09:00:00Z")
//     or a date ("2026-12-31", midnight UTC); weekdays (wait.window.days)
//     are names ("Monday", "mon") or numbers (0 is Sunday).
//   - Rules: a rules.Rule (interests[].applies, stage transitions' when,
//     role rules, alerts[].when, routing rules' when) is a mapping
//     {name, expr}; the other conditions (a split path's when, audiences'
//     rule, scoring rules' when) are plain text. A long expression reads
//     best as a block scalar (| keeps the lines, > folds them).
//   - A readiness threshold (readiness.readyScore, nurtureScore,
//     readyCompleteness, nurtureCompleteness, readyProbability,
//     nurtureProbability) is above 0: the program reads 0 as not written
//     and takes the default in its place (see program.Readiness), so a
//     threshold written as 0 (or 0.0) is refused, with the default it
//     would take: "readiness.readyCompleteness: 0 takes the default 0.6,
//     as leaving it out does: write a readyCompleteness above 0, or leave
//     it out for the default". To let nearly every group through, write a
//     small threshold, such as 0.01. Left empty (readyScore:, or null),
//     a threshold is not written, as one left out. The other settings
//     that the program reads as not written when they are 0, taking a
//     default other than 0, are refused as 0 in the same way:
//     groupScore.engagedScore (default 10) and velocityWindow (14d), a
//     role's minMembers and weight (1), a role template's
//     maxRolesPerPerson (1) and a cap's maxDefer (its per); "weight: 0"
//     would weigh the role 1. One such setting is not refused: an alert's
//     hysteresis (alerts[].hysteresis), which a program's own JSON writes
//     as 0, takes 10% of its threshold when 0 (a threshold of 100 re-arms
//     below 90), as left out; for next to no margin, write a small one,
//     such as 0.001.
//   - An empty list ([]) is a list with nothing in it, not a list left
//     out, where the two differ: roleTemplates[].completenessThresholds:
//     [] sets no thresholds (no completeness_crossed event), while
//     leaving it out, or null, takes the defaults (0.6 and 1). A
//     program's JSON writes the empty list as [], so it reads back the
//     same.
//   - readiness.model, for the model strategy, is either the model inline
//     (the fields of qualify.Model) or the name of a JSON file saved with
//     json.Marshal of a qualify.Model, relative to the program file's
//     directory ([LoadFS]: inside the same file system). The file is read
//     as an inline model is: its problems, of reading and as a model (an
//     unknown feature, a scale of 0), are told under the program's
//     readiness.model, every one at its line and column in that file,
//     named by the path it was read at (dir/model.json for a program
//     dir/program.yaml).
//   - Anchors, aliases and merge keys (<<: *base) work as in YAML. A
//     problem of a value reached through an alias, reading or compiling,
//     is placed where the value is used, at the alias (for a merge key,
//     its alias; through an alias inside an aliased value, the outermost),
//     and says where the value is written and under which anchor, as in
//     "caps[1].max: expected a whole number, got the number 2.5 (through
//     *c: written at line 8, column 39, under &c at line 8, column 5)".
//     The anchor's own place has its own problem.
//   - A program file holds one YAML document.
//
// # Validate
//
// [Parse] and [Load] read a file into definitions; [Compile] also compiles
// them with [program.Compile]. Every problem comes at once in an [*Error],
// one per line, as file:line:column: path: message. Reading is strict: a
// field the program does not have, a value of the wrong type, a key given
// twice are errors:
//
//	option-a.yaml:4:5: interests[0].templte: unknown field "templte" (did you mean "template"?)
//	option-a.yaml:7:19: groupScore.velocityWindow: invalid duration "5 days" (write it like 5d, 36h, 90m or 1d12h)
//	option-a.yaml:9:15: caps[0].max: expected a whole number, got the number 2.5
//
// A name or ID given twice (two journeys of one ID, two templates of one
// name) is told at the second, with the line and column of the first:
//
//	option-a.yaml:40:9: journeys[1].id: duplicate journey ID "j" (also journeys[0], on line 12, column 9)
//	option-a.yaml:61:14: templates.emails[1].name: duplicate template "hi" (also emails[0], on line 58, column 14)
//
// A YAML syntax error stops the parser, so it comes alone (so do a file
// that is not a mapping of sections and one too large once its aliases are
// expanded). Otherwise [Compile] compiles what it read, so that a misspelt
// field does not hide the rules' problems: the problems of reading and of
// compiling come together, in file order, and a compile problem that only
// follows from a reading problem is left out. The rule:
//
//   - A reading problem leaves one value unread: the value at its path or,
//     for an unknown field with a suggestion, the field suggested
//     (caps[0].pr leaves caps[0].per unset; a field name that is not text
//     leaves its whole part unread).
//   - A compile problem at that value's path, under it or above it (about a
//     part that holds it) is left out: for caps[0].pr, "caps[0].per: must
//     be positive" is not reported, nor, for wait.fro, "a wait needs a
//     duration".
//   - A rule's own problem (one of the rules engine) is about its
//     expression: in a rule written as {name, expr}, its path for this rule
//     is the expr field's, so a misspelt name beside the expression
//     (applies.nme) does not hide its type error.
//   - A problem that a name is unknown (unknown role template "mine",
//     unknown node "done") is left out when that name is written, as a key
//     or a value, inside a value that could not be read: roleTemplates[0]
//     with id: [mine] or iid: mine was meant to be the template "mine".
//     A name not written in any value that could not be read is still
//     reported unknown.
//
// Every problem [program.Compile] finds is placed at the node its path
// names; journeys' nodes, a list in the file, are found by their id
// (program.Compile's nodes["ready?"] is the file's nodes[2]); a name
// unknown as a key (an interest of groupScore.models) is placed at the key,
// not at its value. A problem about something missing is placed at the
// nearest part that exists, under the path the file would have it at (a
// split's missing else is nodes[2].split.else, at the node's split
// settings). A rule that does not compile is placed at the very character
// the rules engine points at, inside the expression (on one line, quoted
// with escapes, folded over lines, or in a | or > block), with the engine's
// caret below:
//
//	option-a.yaml:78:50: journeys[0].nodes[2].split.paths[0].when: rule "ready? engaged" 1:30: unknown name grup
//	      | group.completeness >= 0.6 && grup.score >= 150
//	      |                              ^
//
// A template's problem is placed the same way, at the character of the
// line and column it names inside the template (a channel.TemplateError).
//
// [CompileWarnings] is Compile, and also gives the program's warnings
// (legal but probably wrong, buyinggroup.Catalog.Warnings), each placed as
// a problem is, as a [Warning] that prints as
// file:line:column: warning: path: message:
//
//	program.yaml:12:38: warning: interests[1].crmProduct: "lakehouse" is also the CRM product of interests[0]: ...
//
// [CompileFiles] is Compile, and also names the other files the program
// read (its readiness model file), as they were opened, so that a tool
// writing files can refuse to overwrite one of them.
//
// errors.Is(err, [ErrInvalid]) holds for every such error; when the error
// holds problems of [program.Compile], errors.Is(err, program.ErrInvalid)
// and b2b.ErrInvalid hold too, and errors.As finds the *rules.CompileError.
//
// # Run and inspect
//
// The [*program.Program] that [Compile] returns is what the engine runs;
// its Definitions method gives back the definitions read from the file.
// Three commented programs ship in examples/programs (embedded as
// programs.FS, github.com/quorumhq/quorum/examples/programs): option-a.yaml
// (one solution interest, a pipeline-acceleration journey), option-b.yaml
// (two interests sharing a committee role, a journey each, a shared cap)
// and option-c.yaml (readiness by a trained model, readiness-model.json,
// three tracks). This package's testdata holds full.yaml, a fixture that
// uses every section, and the fuzzer's seeds.
package programfile
