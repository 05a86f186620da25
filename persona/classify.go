package persona

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// hit is a keyword found in a title, at word position pos.
type hit struct {
	t   *term
	pos int
	// mod is the deputy or assistant word that qualifies an office ("deputy"
	// in "Deputy CEO"), or nil.
	mod *term
}

// level is the seniority the hit gives its holder: a deputy or an assistant
// of a C-Level office ranks below it.
func (h hit) level() b2b.Seniority {
	if h.mod != nil && h.t.level == b2b.SeniorityCLevel {
		return modLevel(h.mod)
	}
	return h.t.level
}

// modLevel is the level of a deputy (VP) or an assistant or associate
// (Director) of a C-Level office, as the built-in vocabulary has it for the
// general counsel.
func modLevel(mod *term) b2b.Seniority {
	if mod.flags&flagAssistant != 0 {
		return b2b.SeniorityDirector
	}
	return b2b.SeniorityVP
}

// modReason says why a modified office ranks below C-Level.
func modReason(mod *term) string {
	if mod.flags&flagAssistant != 0 {
		return fmt.Sprintf(" after %s (an assistant or associate of a C-Level is Director)", quotedSen(mod))
	}
	return fmt.Sprintf(" after %s (a deputy of a C-Level is VP)", quotedSen(mod))
}

// cutBefore are the words after which "to" ends the part of a title that
// describes its holder: "Executive Assistant to the CEO" is an assistant.
// "Deputy" is not one of them: the deputy to the CEO is the CEO's deputy.
var cutBefore = map[string]bool{
	"assistant": true, "assistants": true, "asst": true, "secretary": true, "advisor": true, "adviser": true,
	"aide": true, "staff": true, "reporting": true, "reports": true, "ea": true, "pa": true,
}

// cutBeforeGenitive are the German words of an assistant, a secretary or
// staff after which "der" or "des" ends the part of a title that
// describes its holder, as "to" does after "assistant": "Assistenz der
// Geschäftsleitung" assists the management.
var cutBeforeGenitive = map[string]bool{
	"assistent": true, "assistentin": true, "assistenz": true, "sekretar": true, "sekretarin": true,
	"sekretaer": true, "sekretaerin": true, "referent": true, "referentin": true,
}

// linksToOther reports whether the words of a title at i begin a phrase
// that only links its holder to somebody else ("reporting to", "reports
// to"). Unlike "assistant to" or "staff to", whose first word is the
// holder's role, no word of such a phrase describes the holder: "reporting"
// there is no clue of the IT department, as in "Reporting Analyst".
func linksToOther(words []string, i int) bool {
	switch words[i] {
	case "reporting", "reports":
		return i+1 < len(words) && words[i+1] == "to"
	}
	return false
}

// andWords join two roles of one holder ("Associate and Co-Founder"): no
// deputy or assistant word reaches over them.
var andWords = map[string]bool{"and": true, "und": true, "et": true}

// qualifyOffice looks at the last hit of hits. When it is a C-Level office
// (or "chief") with a deputy or assistant word before it, or a deputy word
// after an office, it records that word as the office's mod. When the
// office turns out to be somebody else's ("Executive Assistant - CEO",
// "Assistant of the CEO") it returns how many hits describe the holder;
// otherwise it returns -1.
func qualifyOffice(hits []hit) int {
	n := len(hits)
	last := &hits[n-1]
	if last.t.flags&flagDeputyAfter != 0 && n >= 2 {
		prev := &hits[n-2]
		if prev.mod == nil && prev.pos+len(prev.t.words) == last.pos && isOffice(prev.t) {
			prev.mod = last.t
		}
		return -1
	}
	// Founders, owners and the board have no deputies or assistants of
	// their own ("Deputy Chairman" is a board member), but an assistant
	// with words before them ("Associate to the Founder") or a support
	// word is somebody else's, as an office's is.
	office := isOffice(last.t)
	if !office && last.t.level != b2b.SeniorityCLevel {
		return -1
	}
	next := last.pos
	for j := n - 2; j >= 0; j-- {
		q := hits[j]
		if q.pos+len(q.t.words) != next {
			return -1 // an unknown word between them
		}
		switch f := q.t.flags; {
		case f&flagSupport != 0, f&flagAssistant != 0 && j < n-2:
			// An assistant is an office's own ("Assistant CFO") only
			// right before it: "Assistant of the CEO", "Assistant,
			// Group CEO" name the office of somebody else.
			return j + 1
		case f&(flagDeputy|flagAssistant) != 0:
			if office {
				last.mod = q.t
			}
			return -1
		case f != 0 || q.t.level != "" || q.t.dept != "" || andWords[q.t.phrase]:
			return -1
		}
		next = q.pos
	}
	return -1
}

// dropAssistedOffice removes from hits an office or another C-Level title
// that an assistant word ending the title follows ("CEO Assistant", "CFO's
// Assistant", "Chief Financial Officer Assistant", "Chief Executive
// Assistant", "Founder's Associate"): the title is the assistant's, the
// office somebody else's. A role word after the
// assistant word ("President & Assistant Treasurer") makes it two roles of
// one holder, which keeps the office, and so does a secretary in a title
// that lists its roles ("President/Secretary", "CFO & Secretary", the
// officers of a corporation): only "CEO Secretary" is the CEO's.
func dropAssistedOffice(hits []hit, words []string, title string) []hit {
	n := len(hits)
	if n < 2 || hits[n-1].t.flags&(flagSupport|flagAssistant) == 0 {
		return hits
	}
	if secretaryWords[hits[n-1].t.phrase] && listedSecretary(title) {
		return hits
	}
	last, prev := hits[n-1], hits[n-2]
	end := prev.pos + len(prev.t.words)
	if end != last.pos && (end+1 != last.pos || words[end] != "s") { // "CEO's Assistant"
		return hits
	}
	switch {
	case prev.t.flags&flagChief == 0 && prev.t.level == b2b.SeniorityCLevel:
		hits[n-2] = last
		return hits[:n-1]
	case prev.t.flags&flagOfficer != 0:
		for k := n - 3; k >= 0; k-- {
			if hits[k].t.flags&flagChief != 0 {
				hits[k] = last
				return hits[:k+1]
			}
		}
	}
	return hits
}

// isOffice reports whether t is a C-Level office that has deputies, or the
// "chief" of "chief … officer".
func isOffice(t *term) bool {
	return t.flags&flagChief != 0 || (t.flags&flagOffice != 0 && t.level == b2b.SeniorityCLevel)
}

// compoundSuffixes are role words that German and Dutch glue to a function
// ("Vertriebsleiter", "Vertriebsleitung", "Softwareentwickler",
// "Datenschutzbeauftragter"); one
// that ends another comes after it ("leiter" after "begleiter", so that a
// Zugbegleiter, a train attendant, leads nothing).
var compoundSuffixes = []string{
	"mitarbeiterin", "entwicklerin", "ingenieurin", "mitarbeiter", "managerin", "direktorin", "referentin",
	"beraterin", "begleiterin", "leiterin", "entwickler", "ingenieur", "direktor", "referent", "manager", "berater",
	"begleiter", "leiter", "leitung", "sachbearbeiterin", "sachbearbeiter", "beauftragter", "beauftragte", "buchhalterin", "buchhalter",
}

// notLeading are the ends of the words before "leiter" or "leitung" in a
// compound where "Leiter" is a conductor or a ladder and "Leitung" a line
// or a pipe, not a head: a Halbleiter is a semiconductor, a Blitzableiter
// a lightning rod, a Lichtwellenleiter an optical fibre, a Feuerleiter a
// fire escape, a Rohrleitung a pipe, and a Schulbegleitung accompanies a
// pupil. Such a word leads nothing (a Feuerwehrleiter, the head of a fire
// brigade, does).
var notLeading = []string{"halb", "supra", "ab", "licht", "wellen", "hohl", "strom", "nicht", "warme", "waerme",
	"feuer", "dreh", "steh", "tritt", "anlege", "schiebe", "sprossen", "strick", "klapp",
	"beg", "rohr", "wasser", "gas", "daten", "kabel"}

// compoundAlias maps function stems that only occur inside compounds.
var compoundAlias = map[string]string{"personal": "personalwesen", "finanz": "finanz", "vertrieb": "vertrieb"}

// Classify derives the seniority and department of a job title. It never
// fails: an empty title gives an empty Persona with a reason.
func (c *TitleClassifier) Classify(title string) Persona {
	if strings.TrimSpace(title) == "" {
		return Persona{Reasons: []string{"empty title: seniority and department unknown"}}
	}
	var wordBuf [32]string
	words := tokenize(title, wordBuf[:0])
	if len(words) == 0 {
		return Persona{Reasons: []string{"no words in title: seniority and department unknown"}}
	}
	var hitBuf [16]hit
	hits := hitBuf[:0]
	var unknown []string
	// [officeFrom, officeTo) are the words that name somebody else's
	// office ("Office of the CTO": the rest of the title; "CTO Office":
	// the executive): they say the person's department, not their
	// seniority.
	officeFrom, officeTo := len(words), len(words)
	officeWord := -1 // the position of "office" in that construct
	for i := 0; i < len(words); {
		w := words[i]
		if (w == "to" && i > 0 && cutBefore[words[i-1]]) || linksToOther(words, i) ||
			((w == "der" || w == "des") && i > 0 && cutBeforeGenitive[words[i-1]]) {
			break // the rest describes somebody else
		}
		if officeFrom == len(words) {
			if w == "office" && i+1 < len(words) && words[i+1] == "of" {
				officeFrom, officeWord = i, i
			} else if i > 0 && i+1 < len(words) && words[i+1] == "office" && c.namesExecutive(w) {
				// Not at the start, where the title names its holder
				// ("CEO, Office Depot").
				officeFrom, officeTo, officeWord = i, i+1, i+1
			}
		}
		if t := c.lx.match(words, i); t != nil {
			hits = append(hits, hit{t: t, pos: i})
			if keep := qualifyOffice(hits); keep >= 0 {
				hits = hits[:keep]
				break // the rest describes somebody else
			}
			i += len(t.words)
			continue
		}
		if parts, stem := c.splitCompound(w); parts != nil {
			for _, t := range parts {
				hits = append(hits, hit{t: t, pos: i})
			}
			if stem != "" {
				unknown = append(unknown, stem)
			}
		} else if isWordy(w) {
			unknown = append(unknown, w)
		}
		i++
	}
	hits = dropAssistedOffice(hits, words, title)
	hits = dropAloneAcronyms(hits)
	var p Persona
	own, dept := hits, hits
	if officeFrom < len(words) {
		own = make([]hit, 0, len(hits))
		general := false
		for _, h := range hits {
			if h.pos < officeFrom || h.pos >= officeTo {
				own = append(own, h)
			} else if h.t.flags&flagGeneral != 0 {
				general = true
			}
		}
		if general {
			// The office of general management ("Office of the CEO")
			// tells Executive: the word "office" is no clue of
			// Operations there.
			dept = make([]hit, 0, len(hits))
			for _, h := range hits {
				if h.pos != officeWord || h.t.phrase != "office" {
					dept = append(dept, h)
				}
			}
		}
	}
	dept = dropSpelledAcronyms(dept, words)
	senConf, senReason := decideSeniority(own, &p)
	depConf, depReason := decideDepartment(dept, unknown, &p)
	p.Confidence = (senConf + depConf) / 2
	p.Reasons = []string{senReason, depReason}
	return p
}

// dropSpelledAcronyms removes from the department's hits the acronym of
// a "chief … officer" title that the title also spells out ("Chief People
// Officer (CPO)"): the acronym stands for the words spelled out, which
// tell the department, not for the office it most often means (CPO for
// product). An acronym of another office ("CFO & Chief Strategy
// Officer") and a custom keyword stay. hits is not modified.
func dropSpelledAcronyms(hits []hit, words []string) []hit {
	var spelled []string
	for i, h := range hits {
		if h.t.flags&flagChief == 0 || len(h.t.words) != 1 {
			continue
		}
		k := slices.IndexFunc(hits[i+1:], func(o hit) bool { return o.t.flags&flagOfficer != 0 })
		if k < 0 || hits[i+1+k].pos <= h.pos+1 {
			continue
		}
		o := hits[i+1+k]
		b := []byte{'c'}
		for _, w := range words[h.pos+1 : o.pos] {
			b = append(b, w[0])
		}
		spelled = append(spelled, string(append(b, 'o')))
	}
	if len(spelled) == 0 {
		return hits
	}
	drop := func(h hit) bool {
		return h.t.dept != "" && !h.t.customDep && len(h.t.words) == 1 && slices.Contains(spelled, h.t.phrase)
	}
	if !slices.ContainsFunc(hits, drop) {
		return hits
	}
	return slices.DeleteFunc(slices.Clone(hits), drop)
}

// dropAloneAcronyms removes from hits the acronyms that are titles only
// alone (flagAlone, "DAF", "DG") when another keyword names a role: the
// acronym names something else ("Sales Manager, DAF Trucks").
func dropAloneAcronyms(hits []hit) []hit {
	alone, role := false, false
	for _, h := range hits {
		if h.t.flags&flagAlone != 0 {
			alone = true
		} else if h.t.level != "" {
			role = true
		}
	}
	if !alone || !role {
		return hits
	}
	return slices.DeleteFunc(hits, func(h hit) bool { return h.t.flags&flagAlone != 0 })
}

// namesExecutive reports whether w alone is a C-Level title ("cto",
// "ceo"), whose office a title may name.
func (c *TitleClassifier) namesExecutive(w string) bool {
	t, ok := c.lx.terms[w]
	return ok && len(t.words) == 1 && t.level == b2b.SeniorityCLevel
}

// splitCompound splits an unknown word such as "vertriebsleiter" into known
// terms (vertrieb + leiter). When the function before the role word is
// not known ("werksleiter"), the role word alone is returned, with the
// function as stem, which says nothing of the department but is not a
// word to drop. It returns nil for a word that ends in no role word.
func (c *TitleClassifier) splitCompound(w string) (parts []*term, stem string) {
	if len(w) < 7 {
		return nil, ""
	}
	for _, suf := range compoundSuffixes {
		stem, ok := strings.CutSuffix(w, suf)
		if !ok || len(stem) < 2 {
			continue
		}
		st, ok := c.lx.terms[suf]
		if !ok {
			return nil, ""
		}
		if (suf == "leiter" || suf == "leitung") && slices.ContainsFunc(notLeading, func(e string) bool { return strings.HasSuffix(stem, e) }) {
			return nil, ""
		}
		for _, cand := range []string{stem, strings.TrimSuffix(stem, "s"), compoundAlias[stem], compoundAlias[strings.TrimSuffix(stem, "s")]} {
			if cand == "" {
				continue
			}
			if pt, ok := c.lx.terms[cand]; ok && len(pt.words) == 1 {
				return []*term{pt, st}, ""
			}
		}
		return []*term{st}, stem
	}
	return nil, ""
}

// isWordy reports whether an unrecognised word counts as evidence of an
// unlisted function: at least two characters, not a number.
func isWordy(w string) bool {
	if len(w) < 2 {
		return false
	}
	_, err := strconv.Atoi(w)
	return err != nil
}

func rankOf(level b2b.Seniority) int { return slices.Index(b2b.Seniorities, level) }

// quotedSen quotes a keyword in a reason for seniority, marked custom when
// its seniority comes from the Config.
func quotedSen(t *term) string { return quoted(t, t.customSen) }

// quotedDep quotes a keyword in a reason for the department, marked custom
// when its department comes from the Config, with the custom keyword
// inside it that gave it ("information security" (custom "security")).
func quotedDep(t *term) string {
	if t.customVia != "" {
		return strconv.Quote(t.phrase) + " (custom " + strconv.Quote(t.customVia) + ")"
	}
	return quoted(t, t.customDep)
}

func quoted(t *term, custom bool) string {
	if custom {
		return strconv.Quote(t.phrase) + " (custom)"
	}
	return strconv.Quote(t.phrase)
}

// decideSeniority picks the highest level named in the title.
func decideSeniority(hits []hit, p *Persona) (float64, string) {
	var (
		best, second        hit
		bestRank, secRank   = len(b2b.Seniorities), len(b2b.Seniorities)
		chief, chiefOfficer bool
		chiefMod            *term // a deputy or assistant of "chief … officer"
		partner             *term
	)
	for _, h := range hits {
		t := h.t
		if t.flags&flagChief != 0 {
			chief = true
			if chiefMod == nil {
				chiefMod = h.mod
			}
		}
		if t.flags&flagOfficer != 0 && chief {
			chiefOfficer = true
			if chiefMod == nil {
				chiefMod = h.mod
			}
		}
		if t.flags&flagPartner != 0 && partner == nil {
			partner = t
		}
		level := h.level()
		if level == "" {
			continue
		}
		r := rankOf(level)
		switch {
		case r < bestRank:
			if best.t != nil && best.level() != level {
				second, secRank = best, bestRank
			}
			best, bestRank = h, r
		case r > bestRank && r < secRank:
			second, secRank = h, r
		}
	}
	// outranks names best as the runner-up of "chief … officer", as the
	// runner-up of any other keyword is named below.
	outranks := func(conf float64, reason string) (float64, string) {
		if best.t != nil && best.level() != b2b.SeniorityIndividual {
			return 0.85, reason + fmt.Sprintf(" (outranks %s: %s)", best.level(), quotedSen(best.t))
		}
		return conf, reason
	}
	if chiefOfficer {
		if chiefMod == nil && bestRank > 0 {
			p.Seniority = b2b.SeniorityCLevel
			return outranks(0.95, `seniority C-Level: "chief … officer"`)
		}
		if chiefMod != nil && rankOf(modLevel(chiefMod)) < bestRank {
			p.Seniority = modLevel(chiefMod)
			return outranks(0.9, fmt.Sprintf("seniority %s: \"chief … officer\"%s", p.Seniority, modReason(chiefMod)))
		}
	}
	if best.t == nil {
		if partner != nil {
			p.Seniority = b2b.SeniorityCLevel
			return 0.7, fmt.Sprintf("seniority C-Level: %s with no other role word (a firm's partner)", quotedSen(partner))
		}
		p.Seniority = b2b.SeniorityIndividual
		if chief {
			return 0.5, `seniority Individual Contributor: "chief" without "officer" is a craft title, not C-Level`
		}
		return 0.6, "seniority Individual Contributor: no seniority word (default)"
	}
	p.Seniority = best.level()
	reason := fmt.Sprintf("seniority %s: %s", p.Seniority, quotedSen(best.t))
	conf := 0.95
	if best.level() == b2b.SeniorityIndividual {
		conf = 0.85
	}
	if best.level() != best.t.level {
		reason += modReason(best.mod)
		conf = 0.9
	}
	if second.t != nil && second.level() != b2b.SeniorityIndividual {
		reason += fmt.Sprintf(" (outranks %s: %s)", second.level(), quotedSen(second.t))
		conf = 0.85
	}
	if chief && !chiefOfficer && bestRank > 0 {
		reason += `; "chief" without "officer" is a craft title, not C-Level`
	}
	return conf, reason
}

// decideDepartment sums the weights of the department keywords; the highest
// total wins and a tie goes to the department named last (the head noun in
// English: "IT Security" is Security, "Systems Engineer" is Engineering).
// Keywords from the Config come first: the department with the highest
// total of custom keywords wins whatever the built-in ones add up to.
func decideDepartment(hits []hit, unknown []string, p *Persona) (float64, string) {
	n := len(b2b.Departments)
	var scoreBuf, lastBuf, customBuf [16]int
	score, last, custom := scoreBuf[:n], lastBuf[:n], customBuf[:n]
	// better reports whether department d ranks before department e.
	better := func(d, e int) bool {
		if custom[d] != custom[e] {
			return custom[d] > custom[e]
		}
		if score[d] != score[e] {
			return score[d] > score[e]
		}
		return last[d] > last[e]
	}
	// A partner is general management only when the title names no other
	// role, as it is C-Level only then (see decideSeniority): the partner
	// of "Partner Manager" is somebody else.
	roleWord := slices.ContainsFunc(hits, func(h hit) bool { return h.level() != "" })
	var general *term
	total := 0
	for _, h := range hits {
		t := h.t
		if t.flags&flagGeneral != 0 && general == nil && (t.flags&flagPartner == 0 || !roleWord) {
			general = t
		}
		if t.dept == "" || t.weight == 0 {
			continue
		}
		d := slices.Index(b2b.Departments, t.dept)
		score[d] += t.weight
		if t.customDep {
			custom[d] += t.weight
		}
		last[d] = max(last[d], h.pos+1)
		total += t.weight
	}
	best, second := -1, -1
	for d := range n {
		if score[d] == 0 {
			continue
		}
		switch {
		case best < 0 || better(d, best):
			second, best = best, d
		case second < 0 || better(d, second):
			second = d
		}
	}
	if best >= 0 {
		p.Department = b2b.Departments[best]
		reason := fmt.Sprintf("department %s: %s", p.Department, deptWords(hits, p.Department))
		if second >= 0 {
			reason += fmt.Sprintf(" (over %s: %s)", b2b.Departments[second], deptWords(hits, b2b.Departments[second]))
		}
		return 0.5 + 0.45*float64(score[best])/float64(total), reason
	}
	if general != nil {
		p.Department = b2b.DepartmentExecutive
		return 0.8, fmt.Sprintf("department Executive: general management (%s) and no function word", quotedDep(general))
	}
	if len(unknown) > 0 {
		return 0, fmt.Sprintf("department unknown: no known function word (unrecognised %q)", strings.Join(unknown, " "))
	}
	return 0, "department unknown: no function word"
}

// deptWords lists the keywords of dept in the title with their weights:
// `"security" 3 + "operations" 1`.
func deptWords(hits []hit, dept b2b.Department) string {
	var b strings.Builder
	for _, h := range hits {
		if h.t.dept != dept || h.t.weight == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" + ")
		}
		b.WriteString(quotedDep(h.t))
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(h.t.weight))
	}
	return b.String()
}
