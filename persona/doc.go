// Package persona derives a person's seniority and department from a
// free-text job title, and says which words decided.
//
// Buying-group roles are usually written as rules over seniority and
// department ("a VP or C-Level in Finance is the Economic Buyer"), but CRM
// and form data mostly hold a free-text title: "SVP, Global IT
// Infrastructure", "Sr. Data Engineer", "Dir. Mktg Ops", "CISO". The
// classifier turns such titles into the taxonomy of package b2b.
//
// # The taxonomy
//
// Seniority is one of C-Level, VP, Director, Manager, Individual Contributor
// ([b2b.Seniorities]):
//
//   - C-Level: "Chief … Officer" and its abbreviations (CEO, CFO, CISO, ...,
//     "Chief Tech Officer", "Chief Info Sec Officer", "Chief Exec", with
//     their function),
//     founders, owners, presidents, chairs ("Chair", "Executive Chair",
//     "Co-Chair"), the board and its members ("Board Member", "Membre du
//     Conseil d'Administration", "Aufsichtsrat"), managing directors, managing partners, the general
//     counsel, a firm's "Partner", the secretary general ("Secretary
//     General", "General Secretary"), and their equivalents in German,
//     French, Spanish, Italian and Portuguese, masculine and feminine
//     ("Geschäftsführer", "Geschäftsleitung", "Präsidentin", "PDG", the
//     "Gérant" or "Gérante"
//     of a French company, "Secrétaire Générale", "Presidenta", "Consejero
//     Delegado", "Amministratore Delegato", "Diretor Geral", "Mitgründer",
//     "Cofundador", "Fondatore", and for a partner "Socio", "Associé",
//     "Teilhaber").
//   - VP: vice presidents of any kind (SVP, EVP, AVP, RVP, "Vice-President"),
//     and the deputy of a C-Level office: "Deputy CEO", "Vice CEO",
//     "Deputy Chief Financial Officer", "Deputy to the CEO",
//     "Stellvertretender Geschäftsführer", "Directeur Général Adjoint", as
//     "Deputy General Counsel". The deputy runs the office under its
//     holder, as a VP runs a function.
//   - Director: directors, "Head of X", "Leiter" or "Leitung",
//     "Directeur", the chief of staff, the general manager, an academic "Department Chair", and an
//     assistant or associate of a C-Level office ("Assistant CFO",
//     "Associate Chief Information Officer"), as "Assistant General
//     Counsel". An assistant *to* an executive ("Assistant to the CEO",
//     "Assistant of the CEO", "Executive Assistant - CEO", and "CEO
//     Assistant" or "CFO's Assistant" when the assistant word ends the
//     title) is not the executive: the title says nothing of the executive's
//     level. Nor is the assistant or associate of a founder, an owner or a
//     chair ("Founder's Associate", "Owner's Assistant", "Associate to the
//     Founder"). Offices are the chief officers, presidents, managing
//     directors and their equivalents in other languages; the board and the
//     owners have no deputies of this kind ("Deputy Chairman" is C-Level, as
//     "Vice Chairman"), and below C-Level a deputy keeps the level ("Deputy
//     Director", "Subdirector" and "Vicedirettore" are Director).
//   - Manager: managers, supervisors, "Team Lead", "Tech Lead", "Lead X",
//     "Jefe de X", "Responsable X", and "Chef de X" with "de" contracted
//     or not ("Chef des Ventes", "Chef du Service", "Chef d'équipe"; a
//     "Chef" alone or a "Chef de Cuisine" is a cook), and "Gérant de X"
//     ("Gérant de magasin", "Gérante d'agence"), who runs a shop or an
//     agency, not the company.
//   - Individual Contributor: everything else, including craft titles that
//     say "chief" without "officer" ("Chief Engineer", "Chief Architect"),
//     and "Product Owner", "Account Executive", "HR Business Partner" (as
//     "HR Partner", "People Partner", "Talent Acquisition Partner" and
//     "Recruiting Partner", partners of a function, not of a firm).
//
// Department is one of Finance, IT, Engineering, Security, Marketing, Sales,
// Operations, HR, Legal, Procurement, Product, Executive, Other
// ([b2b.Departments]). Executive is general management with no function
// (CEO, President, Founder); Other is a function outside a typical B2B
// buying committee (clinical, academic, trades, ...).
//
// # How a title is read
//
//  1. The title is normalised: read in Unicode normal form NFKC (its
//     composed and decomposed forms alike, a ligature such as "ﬁ" as its
//     letters), lower case, Latin accents removed ("Général" -> general,
//     "Președinte" -> presedinte, also when the accent is a combining mark
//     after its letter; letters of other scripts keep theirs), Cyrillic
//     and Greek letters that look like Latin ones read as those letters in
//     a word that mixes them with Latin letters ("Сhief" with a Cyrillic
//     С is chief, "Οfficer" with a Greek Ο officer; a word wholly in
//     Cyrillic or Greek, or with a letter that looks like no Latin one,
//     keeps its letters: "СЕО" in Cyrillic stays Cyrillic), invisible
//     format characters dropped ("Mar\u00adketing", with a soft hyphen, is
//     marketing), full-width Latin letters, digits and punctuation
//     read as ASCII and the ideographic space as a space ("ＣＥＯ" -> ceo,
//     as Japanese systems store titles), punctuation separates words ("Co-Founder",
//     "VP/GM"), dotted letters join ("C.E.O."), short "&" abbreviations stay
//     whole ("R&D", "FP&A"). After "assistant to", "reporting to" and the
//     like, the rest of the title describes somebody else and is ignored,
//     as is an executive office after an executive assistant or a
//     secretary ("CEO Secretary", "Secrétaire du PDG"), or after an
//     assistant with words between them ("Assistant du PDG", "Assistant,
//     Group CEO"), and after a German assistant, secretary or staff word
//     and "der" or "des" ("Assistenz der Geschäftsleitung", "Referentin
//     der Geschäftsführung"). "Reporting to" and "reports to" say nothing of the
//     holder either: "reporting" there is no clue of IT, as it is in
//     "Reporting Analyst" ("Chief of Staff reporting to the CEO" is
//     Executive, as "Chief of Staff").
//     The office of somebody else ("Program Manager, Office of the CTO",
//     "Senior Engineer, CTO Office") tells the department, not the
//     seniority: its words do not make the person C-Level. The office of
//     general management ("Chief of Staff, Office of the CEO") tells
//     Executive, unless a function word says otherwise.
//  2. Keywords are found greedily, longest first, so "Product Owner" is not
//     an owner, "Lead Generation" is not a lead and "Vice President" is not
//     a president. German compounds ending in a role word are split
//     ("Vertriebsleiter" -> Vertrieb + Leiter, "Vertriebsleitung" ->
//     Vertrieb + Leitung); of one whose function is
//     not known ("Werksleiter") the role word still counts, but not
//     where "Leiter" is a conductor or a ladder ("Halbleiter", a
//     semiconductor, "Blitzableiter", "Lichtwellenleiter",
//     "Feuerleiter"): such a word names no role.
//  3. Seniority: the highest level named wins ("Founder & Head of Product"
//     is C-Level). "Chief" makes C-Level only with "Officer". "Partner"
//     (and "Senior", "Equity", "Founding" or "General Partner") is C-Level,
//     and general management, only when no other role word is present:
//     "Senior Partner Account Manager" is a Manager, "Partner Manager" has
//     no department. The French acronyms read as the titles they stand
//     for: DAF, DSI and DRH are Director (of Finance, IT, HR), DG is
//     C-Level and DGA VP (general management), RSSI a Manager in
//     Security; DAF, DSI, DRH, DG and DGA only where no other role word
//     is present, since beside one they name something else ("Sales
//     Manager, DAF Trucks", "Policy Officer, DG Trade"). A title without
//     a seniority word is Individual Contributor by default.
//  4. Department: each keyword has a weight (3 for a word that names the
//     function, such as "security" or "payroll"; 2 for a role noun or medium
//     clue, such as "engineer" or "revenue"; 1 for a weak clue, such as
//     "operations" or "data"). The department with the highest total wins
//     (keywords from the [Config] are counted first: the department of the
//     custom keywords wins, whatever the built-in ones add up to), and a
//     tie goes to the department named last, the head noun in English
//     ("IT Security" is Security, "Systems Engineer" is Engineering). The
//     common functions are known in German, French, Spanish, Portuguese and
//     Italian too ("Vertrieb", "Achats", "Compras", "Vendite"), and
//     information security as a phrase ("Sécurité Informatique",
//     "Seguridad Informática", "Segurança da Informação", "Sicurezza
//     Informatica" are Security, as "IT Security" is, though their last
//     word names IT). If no
//     function word is present, general management (CEO, Founder, Managing
//     Director) gives Executive; otherwise the department stays unknown ("")
//     and the reason lists the words that were not recognised.
//
// Every [Persona] carries two Reasons, one for seniority and one for the
// department, naming the keywords that decided and the runner-up:
//
//	seniority Director: "director"
//	department Security: "security" 3 (over Engineering: "engineering" 2)
//
// Confidence is the mean of the two parts' confidences, lower when
// departments compete, when seniority is only the default, and 0 for an
// unknown part. An empty title gives an empty Persona with the reason
// "empty title: seniority and department unknown".
//
// A title is read up to its 512th byte (cut at a character boundary, so
// that the work done on one title is bounded): the words after that, and
// the part of a word cut there, say nothing. Real job titles are far
// shorter; a longer value is usually something else pasted into the
// title field.
//
// # Define, validate, run, inspect
//
// [Standard] returns the shipped classifier; it is immutable, shared and safe
// for concurrent use. To extend or override its vocabulary, give [New] a
// [Config]: keywords (up to five words, normalised like titles) mapped to a
// department or a seniority. A custom keyword replaces the built-in meaning
// of the same keyword, "" removes that meaning, and a custom department
// keyword outweighs every built-in one, also where its words are part of a
// longer built-in phrase ("security" mapped to IT makes "Information
// Security Manager" IT, with the reason naming "information security"
// (custom "security")):
//
//	c, err := persona.New(persona.Config{
//		Departments: map[string]b2b.Department{"studio": b2b.DepartmentOperations, "operations": ""},
//		Seniorities: map[string]b2b.Seniority{"principal": b2b.SeniorityCLevel},
//	})
//
// [Config.Validate] (called by New) reports every problem at once as a
// [*b2b.ValidationError] that matches [b2b.ErrInvalid]:
//
//	persona config: 2 problems:
//	  departments["growth hacking"]: unknown department "Growth" (want one of Finance, IT, ...)
//	  departments["vp-eng"]: same keyword as "VP Eng" once normalised ("vp eng")
//
// Other problems are "keyword has no words" and "keyword has 6 words (at
// most 5)". [Apply] fills the empty Seniority and Department of a
// [b2b.Person] from its title, never overwriting values already set. Any
// other classifier (a model, a lookup table) can stand in through the
// [Classifier] interface or [ClassifierFunc].
//
// # Accuracy
//
// The tests measure the shipped classifier on two labelled sets in
// testdata: labelled-titles.csv (143 titles from public CRM sample data and
// typical buying-committee titles) and heldout-titles.csv (342 titles kept
// out of the vocabulary's tuning). The vocabulary was written from general
// knowledge of job titles and checked against the function and seniority
// words of the IPOD gazetteer (CC BY 4.0; see testdata/SOURCE.md). Known
// limits: titles naming two functions ("Director of Sales and Marketing")
// get one; ambiguous abbreviations take their most common B2B meaning (CSO
// is security, CPO is product, CRO is revenue), unless the title spells
// the office out beside its acronym ("Chief People Officer (CPO)" is HR,
// "Chief Strategy Officer (CSO)" Executive); words outside the vocabulary
// leave the department unknown rather than guessing.
package persona
