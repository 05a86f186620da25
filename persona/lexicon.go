package persona

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// maxPhraseWords is the longest keyword, in words, that a vocabulary holds.
const maxPhraseWords = 5

// customWeight is the department weight of a keyword from [Config]: more
// than any built-in keyword. A custom keyword decides when it is present
// because decideDepartment ranks the totals of custom keywords first.
const customWeight = 4

type flag uint16

const (
	// flagChief: "chief" makes a title C-Level only together with "officer"
	// ("Chief Revenue Officer"); alone it is a craft title ("Chief Engineer").
	flagChief flag = 1 << iota
	// flagOfficer: see flagChief.
	flagOfficer
	// flagPartner: "partner" is C-Level only when no other seniority or role
	// word is present ("Partner" vs "Partner Marketing Manager"), and only
	// then general management.
	flagPartner
	// flagGeneral: general management; the department is Executive when the
	// title names no function ("Founder", but "Founder & CTO" is Engineering).
	flagGeneral
	// flagOffice: a C-Level office that has deputies and assistants (CEO,
	// CFO, Managing Director), unlike the board and ownership titles
	// ("Deputy Chairman" is a board member, as "Vice Chairman" is).
	flagOffice
	// flagDeputy: before an office ("Deputy CEO", "Vice CEO",
	// "Deputy to the CEO"), the holder is the officer's deputy: VP.
	flagDeputy
	// flagDeputyAfter: flagDeputy written after the office
	// ("Directeur Général Adjoint").
	flagDeputyAfter
	// flagAssistant: right before an office ("Assistant CFO", "Associate
	// CIO"), the holder is Director; with words between them ("Assistant
	// of the CEO", "Assistant, Group CEO") the office is somebody else's.
	flagAssistant
	// flagSupport: before an office, the office is always somebody else's
	// ("Executive Assistant - CEO").
	flagSupport
	// flagAlone: an acronym that is a title only where the title names
	// no other role ("DAF", "DG"): beside a role word it names something
	// else ("Sales Manager, DAF Trucks", "Policy Officer, DG Trade") and
	// says nothing.
	flagAlone
)

// seniorityFlags are the special rules of a keyword for seniority; a custom
// level replaces them.
const seniorityFlags = flagChief | flagOfficer | flagPartner | flagOffice | flagDeputy | flagDeputyAfter |
	flagAssistant | flagSupport | flagAlone

// term is what one keyword means.
type term struct {
	phrase    string
	words     []string
	seniority b2b.Seniority // as listed; "" = says nothing about seniority
	// level is the seniority the classifier uses: seniority, or for a
	// phrase that lists none, the highest level of its words ("data
	// scientist" is Individual Contributor because "scientist" is).
	level     b2b.Seniority
	dept      b2b.Department
	weight    int // department weight, 0 when dept == ""
	flags     flag
	customSen bool
	customDep bool
	// customVia is the custom keyword inside a longer built-in phrase
	// that gave the phrase its department ("security" in "information
	// security"), or "".
	customVia string
}

// lexicon maps keywords to terms. It is immutable once built, so a
// classifier is safe for concurrent use.
type lexicon struct {
	terms map[string]*term
	// byFirst indexes multi-word and single-word terms by their first word,
	// longest first, for greedy longest-match segmentation.
	byFirst map[string][]*term
}

func newLexicon() *lexicon {
	return &lexicon{terms: make(map[string]*term), byFirst: make(map[string][]*term)}
}

func (lx *lexicon) get(phrase string) *term {
	t, ok := lx.terms[phrase]
	if !ok {
		t = &term{phrase: phrase, words: strings.Fields(phrase)}
		lx.terms[phrase] = t
	}
	return t
}

// splitList splits a comma-separated vocabulary literal into normalised
// phrases.
func splitList(list string) []string {
	var out []string
	for raw := range strings.SplitSeq(list, ",") {
		p, n := normalizePhrase(raw)
		if n > 0 {
			out = append(out, p)
		}
	}
	return out
}

// builtinLexicon builds the shipped vocabulary. It returns an error when
// the tables contradict themselves (a phrase given two departments or two
// levels); a unit test keeps that from happening.
func builtinLexicon() (*lexicon, error) {
	lx := newLexicon()
	var errs []string
	for _, g := range builtinDepartments {
		for _, p := range splitList(g.words) {
			t := lx.get(p)
			if t.dept != "" {
				errs = append(errs, fmt.Sprintf("department keyword %q listed twice (%s/%d and %s/%d)", p, t.dept, t.weight, g.dept, g.weight))
				continue
			}
			t.dept, t.weight = g.dept, g.weight
		}
	}
	for _, g := range builtinSeniorities {
		for _, p := range splitList(g.words) {
			t := lx.get(p)
			if t.seniority != "" {
				errs = append(errs, fmt.Sprintf("seniority keyword %q listed twice (%s and %s)", p, t.seniority, g.level))
				continue
			}
			t.seniority = g.level
		}
	}
	for _, p := range splitList(builtinNeutral) {
		lx.get(p)
	}
	for _, p := range splitList(generalManagement) {
		lx.get(p).flags |= flagGeneral
	}
	for _, g := range []struct {
		f     flag
		words string
	}{
		{flagOffice, executiveOffices},
		{flagDeputy, `deputy, dy, dep, dpty, vice, vize, stellvertretender, stellvertretende, stellvertreter,
			stellvertreterin, stellv`},
		{flagDeputyAfter, `adjoint, adjointe, adjunto, adjunta, delegue, deleguee`},
		{flagAssistant, `assistant, assistante, asst, associate, assoc`},
		{flagAlone, aloneAcronyms},
		{flagSupport, `executive assistant, exec assistant, executive asst, exec asst, personal assistant,
			administrative assistant, assistente, asistente, assistant de direction, assistante de direction,
			assistent, assistentin, assistenz, sekretar, sekretarin, sekretaer, sekretaerin, referent, referentin, secretary,
			secretaire, secretaria, secretario, segretaria, segretario`},
	} {
		for _, p := range splitList(g.words) {
			lx.get(p).flags |= g.f
		}
	}
	lx.get("chief").flags |= flagChief
	lx.get("officer").flags |= flagOfficer
	lx.get("officers").flags |= flagOfficer
	// A firm's partners, who are C-Level only when no other role word is
	// present: "Senior Partner", but "Senior Partner Account Manager" is
	// a manager of partner accounts. The managing partner is an office.
	for _, p := range splitList(partnerTitles) {
		lx.get(p).flags |= flagPartner | flagGeneral
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("persona: built-in vocabulary: %s", strings.Join(errs, "; "))
	}
	lx.index()
	return lx, nil
}

// generalOffices are the offices of general management in other forms
// and languages (Gérant, the secretary general, the boards, Leitung)
// that are both C-Level and of the Executive department: the C-Level
// seniority and generalManagement each hold them.
const generalOffices = `gerant, gerante, cogerant, cogerante, co gerant, co gerante, secretary general, general secretary,
	secretaire general, secretaire generale, secretario general, secretaria general, segretario generale, segretaria generale,
	secretario geral, secretaria geral, generalsekretar, generalsekretarin, generalsekretaer, generalsekretaerin,
	geschaftsleiter, geschaftsleiterin, geschaeftsleiter, geschaeftsleiterin, geschaftsleitung, geschaeftsleitung,
	geschaftsfuhrung, geschaeftsfuehrung,
	mitglied der geschaftsleitung, mitglied der geschaeftsleitung, mitglied der geschaftsfuhrung, mitglied der geschaeftsfuehrung,
	conseil d administration, consejo de administracion, consiglio di amministrazione, conselho de administracao,
	directoire, conseil de surveillance, aufsichtsrat, aufsichtsrate, aufsichtsratin, aufsichtsratsvorsitzender,
	aufsichtsratsvorsitzende, vorsitzender des aufsichtsrats, vorsitzende des aufsichtsrats, mitglied des aufsichtsrats,
	aufsichtsratsmitglied, gerente geral, socio gerente, socia gerente, socio director, socia directora, socio diretor, socia diretora,
	geschaftsfuhrender direktor, geschaftsfuhrende direktorin, geschaeftsfuehrender direktor, geschaeftsfuehrende direktorin`

// generalManagement are the keywords of general management: the department
// is Executive when nothing in the title names a function.
const generalManagement = `ceo, chief executive, chief exec, chief exec officer, president, presidente, presidenta, presidentessa, prasident, prasidentin, praesident, praesidentin, founder, founders, cofounder, co founder,
	owner, owners, co owner, coowner, owner operator, managing principal, proprietor, entrepreneur, chairman, chairwoman, chairperson,
	chair, co chair, cochair, executive chair, non executive chair, nonexecutive chair,
	chair of the board, board chair, vice chairman, vice chair, board member, member of the board,
	board director, board of directors, non executive director, nonexecutive director, managing director,
	managing dir, mng dir, man dir, managing partner, general partner, founding partner, senior partner,
	equity partner, general manager, general mgr, gen manager, gen mgr, gm, director general, dir gen,
	directeur general, directrice generale, directora general, gerente general, pdg, dg, dga,
	geschaftsfuhrer, geschaftsfuhrerin, geschaeftsfuehrer, geschaeftsfuehrerin, vorstand, vorstandsvorsitzender,
	inhaber, inhaberin, grunder, grunderin, gruender, gruenderin, fondateur, fondatrice, fundador, fundadora,
	cofondateur, cofondatrice, fondatore, cofondatore, cofundador, cofundadora, mitgrunder, mitgrunderin, mitgruender,
	mitgruenderin, mitbegrunder, mitbegrunderin, mitbegruender, mitbegruenderin,
	direttore generale, direttrice generale, amministratore delegato, diretor geral, diretora geral,
	consejero delegado, consejera delegada, vorstandsvorsitzende, vorstandsmitglied, mitglied des vorstands,
	vorsitzender der geschaftsfuhrung, vorsitzende der geschaftsfuhrung, vorsitzender der geschaeftsfuehrung,
	vorsitzende der geschaeftsfuehrung, geschaftsfuhrender gesellschafter, geschaftsfuhrende gesellschafterin,
	geschaeftsfuehrender gesellschafter, geschaeftsfuehrende gesellschafterin, amministratrice delegata,
	consigliere delegato, consigliera delegata, amministratore unico, amministratrice unica, strategy, corporate strategy, corporate development, chief of staff,
	executive director, exec director, executive dir, exec dir, ` + generalOffices + `,
	director ejecutivo, directora ejecutiva, diretor executivo, diretora executiva, directeur executif,
	directrice executive, direttore esecutivo, direttrice esecutiva`

// aloneAcronyms are the acronyms of titles that are titles only where
// the title names no other role (see flagAlone): the French DAF, DSI,
// DRH, DG and DGA.
const aloneAcronyms = `daf, dsi, drh, dg, dga`

// partnerTitles are the keywords of a firm's partners (see flagPartner),
// also in Spanish, Italian, Portuguese, French and German.
const partnerTitles = `partner, partners, senior partner, equity partner, founding partner, general partner,
	socio, socia, associe, associee, teilhaber, teilhaberin, gesellschafter, gesellschafterin`

// executiveOffices are the C-Level offices that have deputies ("Deputy
// CEO" is VP) and assistants ("Assistant CFO" is Director), as the general
// counsel has ("Deputy General Counsel", "Assistant General Counsel").
// Founders, owners, partners and board members are not offices of this
// kind. A deputy or assistant of "chief … officer" follows the same rule.
const executiveOffices = `ceo, cfo, coo, cto, cio, ciso, cso, cmo, cro, cpo, chro, cho, cdo, clo, cco, cao, cgo, cno,
	cxo, chief executive, chief exec, chief technology officer, chief technical officer, chief exec officer, chief tech officer, chief info officer, chief info sec officer,
	chief info security officer, chief infosec officer, chief fin officer, president, presidente, presidenta, presidentessa,
	prasident, prasidentin, praesident, praesidentin, managing director, managing dir, mng dir, man dir, managing partner, general counsel, director general,
	dir gen, directeur general, directrice generale, directora general, gerente general, pdg, dg, geschaftsfuhrer, geschaftsfuhrerin,
	geschaeftsfuehrer, geschaeftsfuehrerin, direttore generale, direttrice generale, amministratore delegato,
	diretor geral, diretora geral, consejero delegado, consejera delegada, vorsitzender der geschaftsfuhrung,
	vorsitzende der geschaftsfuhrung, vorsitzender der geschaeftsfuehrung, vorsitzende der geschaeftsfuehrung,
	geschaftsfuhrender gesellschafter, geschaftsfuhrende gesellschafterin, geschaeftsfuehrender gesellschafter,
	geschaeftsfuehrende gesellschafterin, amministratrice delegata, consigliere delegato, consigliera delegata,
	amministratore unico, amministratrice unica, gerant, gerante, cogerant, cogerante, co gerant, co gerante, secretary general, general secretary,
	secretaire general, secretaire generale, secretario general, secretaria general, segretario generale, segretaria generale,
	secretario geral, secretaria geral, generalsekretar, generalsekretarin, generalsekretaer, generalsekretaerin,
	geschaftsleiter, geschaftsleiterin, geschaeftsleiter, geschaeftsleiterin, geschaftsleitung, geschaeftsleitung,
	geschaftsfuhrung, geschaeftsfuehrung, gerente geral, socio gerente, socia gerente, socio director, socia directora, socio diretor, socia diretora,
	geschaftsfuhrender direktor, geschaftsfuhrende direktorin, geschaeftsfuehrender direktor, geschaeftsfuehrende direktorin`

// index computes the effective levels and builds byFirst, longest phrases
// first, then alphabetical.
func (lx *lexicon) index() {
	clear(lx.byFirst)
	for _, t := range lx.terms {
		t.level = t.seniority
		if t.level == "" && !t.customSen && len(t.words) > 1 {
			t.level = lx.inheritedLevel(t)
		}
		lx.byFirst[t.words[0]] = append(lx.byFirst[t.words[0]], t)
	}
	for _, ts := range lx.byFirst {
		slices.SortFunc(ts, func(a, b *term) int {
			if d := len(b.words) - len(a.words); d != 0 {
				return d
			}
			return strings.Compare(a.phrase, b.phrase)
		})
	}
}

// inheritedLevel is the highest level among the single words of t that
// have one. Words with special rules (chief, officer, partner) do not pass
// their level on.
func (lx *lexicon) inheritedLevel(t *term) b2b.Seniority {
	best := ""
	for _, w := range t.words {
		wt, ok := lx.terms[w]
		if !ok || wt.seniority == "" || wt.flags&(flagChief|flagOfficer|flagPartner) != 0 {
			continue
		}
		if best == "" || slices.Index(b2b.Seniorities, wt.seniority) < slices.Index(b2b.Seniorities, best) {
			best = wt.seniority
		}
	}
	return best
}

// spreadCustomDepartments gives the department of a custom keyword to
// every built-in phrase of several words that holds its words ("security"
// in "information security"): the greedy match reads such a phrase whole,
// and the custom keyword must decide whenever its words are in a title.
// Of several custom keywords in one phrase, the one that starts last (the
// head noun in English) gives the department, the longer on a tie. A
// custom keyword mapped to "" changes no phrase.
func (lx *lexicon) spreadCustomDepartments(custom []*term) {
	if len(custom) == 0 {
		return
	}
	for _, t := range lx.terms {
		if t.customDep || len(t.words) < 2 {
			continue
		}
		var via *term
		viaPos := -1
		for _, k := range custom {
			if len(k.words) >= len(t.words) {
				continue
			}
			pos := wordsIndex(t.words, k.words)
			if pos >= 0 && (pos > viaPos || pos == viaPos && len(k.words) > len(via.words)) {
				via, viaPos = k, pos
			}
		}
		if via != nil {
			t.dept, t.weight, t.customDep, t.customVia = via.dept, customWeight, true, via.phrase
		}
	}
}

// wordsIndex returns the position of the words sub in words, or -1.
func wordsIndex(words, sub []string) int {
	for i := 0; i+len(sub) <= len(words); i++ {
		if slices.Equal(words[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// clone copies the lexicon so that custom keywords never change the shared
// built-in one.
func (lx *lexicon) clone() *lexicon {
	c := newLexicon()
	for p, t := range lx.terms {
		cp := *t
		c.terms[p] = &cp
	}
	return c
}

// match returns the longest term that starts at words[i], or nil.
func (lx *lexicon) match(words []string, i int) *term {
	for _, t := range lx.byFirst[words[i]] {
		if len(t.words) > len(words)-i {
			continue
		}
		ok := true
		for k := 1; k < len(t.words); k++ {
			if words[i+k] != t.words[k] {
				ok = false
				break
			}
		}
		if ok {
			return t
		}
	}
	return nil
}

// secretaryWords are the secretaries among the support words: after an
// office in a title that lists roles, the company's secretary, an office
// of the same holder (see dropAssistedOffice).
var secretaryWords = map[string]bool{
	"secretary": true, "secretaire": true, "secretaria": true, "secretario": true, "segretaria": true,
	"segretario": true, "sekretar": true, "sekretarin": true, "sekretaer": true, "sekretaerin": true,
}

// listedSecretary reports whether the last secretary word of a title
// follows a separator of roles ("President/Secretary", "CFO &
// Secretary"), not the office it serves ("CEO Secretary, Tokyo").
func listedSecretary(title string) bool {
	low := strings.ToLower(title)
	i := max(strings.LastIndex(low, "secr"), strings.LastIndex(low, "sekr"), strings.LastIndex(low, "segr"))
	if i <= 0 {
		return false
	}
	before := strings.TrimRight(low[:i], " \t")
	return before != "" && strings.ContainsRune(",/&;|", rune(before[len(before)-1]))
}
