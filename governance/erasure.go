package governance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/identity"
)

// An ErasureRequest asks to forget a person (a data subject's request).
// Emails and Phones add identifiers to look for besides the person's own,
// so that duplicates not yet merged are found too. Person may be empty
// when only an address is known: the request then finds the persons with
// that address, and never the records that name no person (a sales alert
// has none).
type ErasureRequest struct {
	Person b2b.PersonID
	Emails []string
	Phones []string
}

// Inventory is the data to search: what every store holds. The caller loads
// it (or the part of it that concerns the person's accounts).
type Inventory struct {
	Persons       []b2b.Person
	Activities    []b2b.Activity
	Opportunities []b2b.Opportunity
	Outbox        []channel.Entry
	Consent       []Statement
}

// ContactRoleRef is one contact role on an opportunity.
type ContactRoleRef struct {
	Opportunity b2b.OpportunityID
	Index       int
	Role        string
}

// OutboxRef is one outbox entry to delete, and why it concerns the person.
type OutboxRef struct {
	ID     string
	Key    string
	Status channel.Status
	Reason string
}

// An ErasureReport lists what to remove from every store, and what to keep
// so the person is not contacted again. Applying it is the stores' job.
type ErasureReport struct {
	// Persons are the person records to delete: the person and any
	// duplicate with one of its emails or phones (a phone of fewer than 7
	// digits, a placeholder such as 000, identifies nobody, nor does one
	// such as 000-000-0000 or 123-456-7890, nor a placeholder address
	// such as noreply@acme.com).
	Persons      []b2b.PersonID
	Activities   []b2b.ActivityID
	ContactRoles []ContactRoleRef
	Outbox       []OutboxRef
	ConsentCount int // consent statements to delete
	// Suppression holds SHA-256 hashes of the normalised emails and phones
	// (of 7 digits or more), but placeholders.
	// Keep them in a suppression list: a later import of the same address
	// must not be contacted, and a hash does not keep the address itself.
	Suppression []string
}

// Empty reports whether nothing was found.
func (r *ErasureReport) Empty() bool {
	return len(r.Persons) == 0 && len(r.Activities) == 0 && len(r.ContactRoles) == 0 && len(r.Outbox) == 0 && r.ConsentCount == 0
}

// PlanErasure finds everything that concerns the person in inv: person
// records (by ID, email or phone: a phone of fewer than 7 digits is a
// placeholder, such as 000, that persons who are not the same share, and
// identifies nobody, and so do a number of one digit repeated or of
// digits counting up, 000-000-0000 or 123-456-7890, and an address that
// forms and imports fill in for persons who gave none, noreply@acme.com,
// unknown@unknown.com, test@example.com: their persons' records,
// messages and hashes are not planned by them), their activities, their
// contact roles, every outbox entry addressed to them (pending or sent,
// since a sent entry keeps their address and content) or naming them, and
// their consent statements. It is a pure function: it changes nothing.
//
// Emails are compared as identity normalises them (see [SuppressionHash]):
// a request for "Jörg@Bücher.de" finds the person whose record holds
// "jörg@xn--bcher-kva.de", and "mailto:ann@acme.com." finds ann@acme.com.
//
// An entry is addressed to the person when its person is theirs, or its
// address is one of their emails (in any case, in any of those
// spellings) or, when it is no email address, one of their phones
// (written any way: +1 (555) 010-0199 is 1-555-010-0199, and +44 20 7946
// 0000 is 0044 20 7946 0000, 00 being the international call prefix; see
// [SuppressionHash]). An entry names the person when its subject, text or
// HTML (as written and as read, its entities unescaped) contains one of
// their emails (as a whole address, in any case: not inside a longer one,
// d'ann@acme.com, x#ann@acme.com and x&ann@acme.com being other addresses
// than ann@acme.com, while ?email=ann@, /users/ann@ and mailto:ann@
// introduce it; in a link's query percent-encoded too, ann%40acme.com; an
// internationalised domain in Unicode or in ASCII, bücher.de or
// xn--bcher-kva.de), one of their phones of 7 digits or more (as a
// whole number, written any way, with its +, with 00 for it or without
// either), or their name (first and last, as b2b.Person.Name gives it) as
// whole words, not inside a longer word nor a hyphenated one (Mary Smith
// is not in Mary Smith-Jones; a word of a script written without spaces
// right next to it, Bo Chen様, is another word): a name of two words or
// more in any message and in any case (STRAUSS for Strauß, ΠΑΠΑΔΌΠΟΥΛΟΣ
// for Παπαδόπουλος, IŞIK for Işık), a name of one word (a first name
// alone) as written in a sales alert, which lists the group's members by
// name. A full name in Chinese, Japanese or Korean (first and last name
// each in Han, Hiragana, Katakana or Hangul) is found anywhere in the
// text, family name first or given name first, run together or apart by
// a space or a middle dot (山田太郎様, 山田 太郎, ジョン・スミス, 김민준님
// for first name 太郎, 민준, last name 山田, 김): those scripts put no space
// between words, nor between a name and its honorific. Such a name may so
// be found inside a longer name (山田太郎 in 小山田太郎) or, short, across
// two words (王伟 in 国王伟大). Names and messages are compared in
// Unicode's composed form (NFC), so an accent written as one character or
// as a letter and a combining mark is the same. A name is
// found as the message reads, too: its words apart by any blanks (a line
// break, a no-break space) or by an HTML tag (<b>Bo</b> Chen). A common
// first name may so plan another person's alert of the same name, and a
// full name another person's whose name has more words around it (Ann Lee
// in Mary Ann Lee): the report is for review, and missing personal data
// would be worse. An entry that contains several of the person's emails or
// phones is explained by the first email in sorted order, else the first
// phone.
func PlanErasure(req ErasureRequest, inv Inventory) ErasureReport {
	emails, phones := map[string]bool{}, map[string]bool{}
	for _, e := range req.Emails {
		if n := emailID(e); n != "" {
			emails[n] = true
		}
	}
	for _, p := range req.Phones {
		if n := phoneID(p); n != "" {
			phones[n] = true
		}
	}
	// An empty ID names no person: records without one (a sales alert,
	// a record whose person is missing) are nobody's.
	ids := map[b2b.PersonID]bool{}
	if req.Person != "" {
		ids[req.Person] = true
	}
	var names []personName
	// A person's identifiers find duplicates, whose identifiers find more.
	for changed := true; changed; {
		changed = false
		for i := range inv.Persons {
			p := &inv.Persons[i]
			match := ids[p.ID] || emails[emailID(p.Email)] || phones[phoneID(p.Phone)]
			if !match {
				continue
			}
			if p.ID != "" && !ids[p.ID] {
				ids[p.ID], changed = true, true
			}
			if e := emailID(p.Email); e != "" && !emails[e] {
				emails[e], changed = true, true
			}
			if phoneID(p.Phone) != "" && !phones[phoneID(p.Phone)] {
				phones[phoneID(p.Phone)], changed = true, true
			}
		}
	}
	var r ErasureReport
	for i := range inv.Persons {
		p := &inv.Persons[i]
		if ids[p.ID] {
			r.Persons = append(r.Persons, p.ID)
			if n := strings.TrimSpace(p.FirstName + " " + p.LastName); n != "" {
				names = append(names, personName{name: readable(n), runTogether: RunTogetherForms(p.FirstName, p.LastName)})
			}
		}
	}
	if !slices.Contains(r.Persons, req.Person) && req.Person != "" {
		r.Persons = append([]b2b.PersonID{req.Person}, r.Persons...)
	}
	for _, a := range inv.Activities {
		if ids[a.Person] {
			r.Activities = append(r.Activities, a.ID)
		}
	}
	for _, o := range inv.Opportunities {
		for i, cr := range o.ContactRoles {
			if ids[cr.Person] {
				r.ContactRoles = append(r.ContactRoles, ContactRoleRef{Opportunity: o.ID, Index: i, Role: cr.Role})
			}
		}
	}
	// Sorted, so that a message with two of the person's addresses is
	// always explained by the same one.
	var sortedEmails []emailForms
	for _, e := range slices.Sorted(maps.Keys(emails)) {
		sortedEmails = append(sortedEmails, emailForms{e, writtenForms(e)})
	}
	sortedPhones := slices.Sorted(maps.Keys(phones))
	for _, e := range inv.Outbox {
		if reason := outboxReason(&e.Message, ids, emails, phones, sortedEmails, sortedPhones, names); reason != "" {
			r.Outbox = append(r.Outbox, OutboxRef{ID: e.ID, Key: e.Message.Key, Status: e.Status, Reason: reason})
		}
	}
	for _, s := range inv.Consent {
		if ids[s.Person] {
			r.ConsentCount++
		}
	}
	for e := range emails {
		r.Suppression = append(r.Suppression, SuppressionHash(e))
	}
	for p := range phones {
		r.Suppression = append(r.Suppression, SuppressionHash(p))
	}
	slices.Sort(r.Suppression)
	return r
}

// A personName is a name to look for in messages.
type personName struct {
	// name is the first and last name, apart by one space.
	name string
	// runTogether are, for a name written in Chinese, Japanese or Korean,
	// the ways it is written in a text, found anywhere in it: family and
	// given name in either order, with nothing, a space or a middle dot
	// between them. Nil for a name in another script, found as whole
	// words.
	runTogether []string
}

// RunTogetherForms returns the ways a full name in Chinese, Japanese or
// Korean (each of its two parts in Han, Hiragana, Katakana or Hangul) is
// written in a text, or nil for another name: family name and given name
// in either order, with nothing, a space, a Katakana middle dot (・) or a
// middle dot (·) between them, in Unicode's composed form (NFC), each
// part's blanks made single spaces. Chinese and Japanese put no space
// between words (山田太郎様), nor Korean between a name and its suffix
// (김민준님), so such a name is to be looked for anywhere in a text, as
// [PlanErasure] does (and so may be found inside a longer name, or across
// two words); family name first as the languages write it, or given name
// first as a form (and b2b.Person.Name) does. A name in a script written
// with spaces is never looked for so: PlanErasure finds it as whole
// words.
func RunTogetherForms(first, last string) []string {
	f, l := readable(norm.NFC.String(first)), readable(norm.NFC.String(last))
	if !cjkName(f) || !cjkName(l) {
		return nil
	}
	var forms []string
	for _, sep := range []string{"", " ", "・", "·"} {
		forms = append(forms, l+sep+f, f+sep+l)
	}
	return forms
}

// cjkName reports whether s is a name written in Chinese, Japanese or
// Korean: its letters Han, Hiragana, Katakana or Hangul (or the Katakana
// long vowel mark, U+30FC), maybe apart by spaces or middle dots.
func cjkName(s string) bool {
	if s == "" {
		return false
	}
	letters := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '・' || r == '·':
		case isCJK(r):
			letters = true
		default:
			return false
		}
	}
	return letters
}

// isCJK reports whether r is a letter of a script written without spaces
// between words: Han, Hiragana, Katakana (with its long vowel marks and
// half-width sound marks, which Unicode gives no script) or Hangul.
func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch r {
	case 'ー', 'ｰ', 'ﾞ', 'ﾟ':
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// emailForms is a normalised address and the forms of it to look for in
// a message's content (writtenForms).
type emailForms struct {
	email string
	forms []string
}

func outboxReason(m *channel.Message, ids map[b2b.PersonID]bool, emails, phones map[string]bool, sortedEmails []emailForms, sortedPhones []string, names []personName) string {
	switch {
	case ids[m.Person]:
		return fmt.Sprintf("addressed to person %q", m.Person)
	case emails[normEmail(m.To)]:
		return "addressed to " + m.To
	case !strings.Contains(m.To, "@") && phones[phoneID(m.To)]:
		// An email address is no phone number, whatever digits it
		// holds (john15550100@...).
		return "addressed to " + m.To
	}
	body := m.Subject + "\n" + m.Text + "\n" + m.HTML
	if strings.ContainsRune(m.HTML, '&') {
		// The HTML as its reader sees it: html/template writes O'Brien
		// as O&#39;Brien, and an HTML part may be all there is.
		body += "\n" + html.UnescapeString(m.HTML)
	}
	lower := strings.ToLower(body)
	if strings.ContainsRune(lower, '%') {
		// A link's query writes the address percent-encoded
		// (?email=ann%40acme.com).
		lower += "\n" + strings.ToLower(percentDecode(lower))
	}
	for _, e := range sortedEmails {
		for _, f := range e.forms {
			if containsEmail(lower, f) {
				return "its content contains " + e.email
			}
		}
	}
	for _, p := range sortedPhones {
		if containsPhone(body, p[1:]) {
			return "its content contains " + p
		}
	}
	// A name is searched in the message as it reads: a name's words
	// apart by a line break (a plain-text part wrapped at its line
	// length), a no-break space or a tag around one of them (<b>Bo</b>
	// Chen) are still its name. Name and message are compared composed
	// (NFC): an accent is one character or a letter and a combining mark
	// as the writer's system had it.
	body = norm.NFC.String(body)
	read := norm.NFC.String(readable(m.Subject) + "\n" + readable(m.Text) + "\n" + readable(html.UnescapeString(stripTags(m.HTML))))
	var foldBody, foldRead string
	for _, pn := range names {
		name := pn.name
		if pn.runTogether != nil {
			for _, f := range pn.runTogether {
				if strings.Contains(body, f) || strings.Contains(read, f) {
					return fmt.Sprintf("its content names %s", name)
				}
			}
			continue
		}
		n := norm.NFC.String(name)
		switch {
		case strings.Contains(n, " "):
			// A full name is the person's in any case (BO CHEN, a
			// template's upper; STRAUSS for Strauß).
			if foldBody == "" {
				foldBody, foldRead = foldCase(body), foldCase(read)
			}
			f := foldCase(n)
			if containsWord(foldBody, f) || containsWord(foldRead, f) {
				return fmt.Sprintf("its content names %s", name)
			}
		case m.Channel == channel.ChannelSalesAlert:
			// A name of one word (a first name alone) is common enough
			// to be searched only where persons are named, in sales
			// alerts, and as written: in lower case it is more often a
			// word (will, grace) than a name.
			if containsWord(body, n) || containsWord(read, n) {
				return fmt.Sprintf("its content names %s", name)
			}
		}
	}
	return ""
}

// foldCase is s in lower case with the letters whose capitals do not
// lower back to them folded too: ß as ss (STRAUSS is Strauß), the final
// sigma ς as σ (ΝΊΚΟΣ is Νίκος), the Turkish dotless ı as i (IŞIK is Işık,
// whose I lowers to i outside Turkish).
func foldCase(s string) string {
	s = strings.ToLower(s)
	if !strings.ContainsAny(s, "ßςı") {
		return s
	}
	return strings.NewReplacer("ß", "ss", "ς", "σ", "ı", "i").Replace(s)
}

// percentDecode is s with each %XX (two hex digits) made the byte it
// encodes; any other '%' stays.
func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// readable is s with each run of blanks (spaces, line breaks, tabs,
// no-break spaces) made one space.
func readable(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// stripTags replaces each tag of an HTML text (<b>, </td>, <!-- -->) by a
// space, for the words it separates or surrounds; a '<' that starts no
// tag stays.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			break
		}
		if c := s[i+1]; c != '/' && c != '!' && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// containsWord reports whether s contains w as whole words: not inside a
// longer word (no letter or digit right before or after it), nor a
// hyphenated one (Smith-Jones is not Smith, Anne-Marie not Marie). A
// letter of a script written without spaces (Han, Kana, Hangul) next to
// one of another script starts another word: Chen in "Bo Chen様" is a
// whole word.
func containsWord(s, w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	last, _ := utf8.DecodeLastRuneInString(w)
	for i := 0; i+len(w) <= len(s); {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, bsize := utf8.DecodeLastRuneInString(s[:start])
		after, asize := utf8.DecodeRuneInString(s[end:])
		if isHyphen(before) {
			before, _ = utf8.DecodeLastRuneInString(s[:start-bsize])
		}
		if isHyphen(after) {
			after, _ = utf8.DecodeRuneInString(s[end+asize:])
		}
		if !continuesWord(before, first) && !continuesWord(after, last) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		i = start + size
	}
	return false
}

// continuesWord reports whether r, next to a word's letter e, makes the
// word part of a longer one: r is a letter or digit, and not of a script
// written without spaces next to a letter of another script.
func continuesWord(r, e rune) bool {
	return isWordRune(r) && (!isCJK(r) || isCJK(e))
}

// containsEmail reports whether s contains the address e whole: not the
// end of a longer local part (joann@ for ann@) nor the start of a longer
// domain (acme.com.au, acme.community for acme.com), so that erasing one
// person does not plan the deletion of another's messages. A dot after it
// that does not go on with a letter or digit ends a sentence. A local
// part goes on before it (see continuesLocal) with a letter, a digit, one
// of . _ % + -, or the other characters a local part may hold (RFC 5322's
// atext: ! # $ & ' * ? ^ ` { } ~) after a letter or digit: d'ann@,
// x#ann@, x&ann@ (x&amp;ann@ in HTML) are other addresses; 'ann@ in
// quotes, #ann@ after a space are not. = / and | are not read so, and :
// is no atext: they introduce the address (?email=ann@, /users/ann@,
// Lee|ann@, mailto:ann@).
func containsEmail(s, e string) bool {
	for i := 0; i+len(e) <= len(s); {
		j := strings.Index(s[i:], e)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(e)
		after, _ := utf8.DecodeRuneInString(s[end:])
		if after == '.' {
			after, _ = utf8.DecodeRuneInString(s[end+1:])
		}
		if !continuesLocal(s[:start]) && !isWordRune(after) && after != '-' && after != '_' {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		i = start + size
	}
	return false
}

// localSpecials are the characters other than letters, digits and
// . _ % + - that RFC 5322 allows in a local part (its atext), but = and /,
// which more often introduce an address (?email=ann@, /users/ann@) than
// belong to one, and |, which more often separates fields (Ann
// Lee|ann@acme.com): an erasure had better plan the deletion of a message
// that names the person than miss it.
const localSpecials = "!#$&'*?^`{}~"

// continuesLocal reports whether s, the text before an address found in
// it, ends with the start of a longer local part: a letter or digit, one
// of . _ % + -, or a run of localSpecials right after a letter or digit
// (d'ann@, x#ann@, x!#ann@). A character reference that ends s (&amp;,
// &#39;) is read as the character it stands for (the raw HTML of a
// message is searched too).
func continuesLocal(s string) bool {
	r, size := lastChar(s)
	switch {
	case isWordRune(r) || strings.ContainsRune("._%+-", r):
		return true
	case r == utf8.RuneError || !strings.ContainsRune(localSpecials, r):
		return false
	}
	for {
		s = s[:len(s)-size]
		if r, size = lastChar(s); r == utf8.RuneError || !strings.ContainsRune(localSpecials, r) {
			return isWordRune(r)
		}
	}
}

// lastChar returns the last character of s and its length in s: a
// character reference at the end of s (&amp;, &#39;, &#x27;) is the
// character it stands for; utf8.RuneError when s is empty.
func lastChar(s string) (rune, int) {
	if strings.HasSuffix(s, ";") {
		// The longest reference read so is &#x10ffff; (10 bytes).
		if amp := strings.LastIndexByte(s[max(0, len(s)-10):], '&'); amp >= 0 {
			ref := s[max(0, len(s)-10)+amp:]
			if u := html.UnescapeString(ref); u != ref && utf8.RuneCountInString(u) == 1 {
				r, _ := utf8.DecodeRuneInString(u)
				return r, len(ref)
			}
		}
	}
	return utf8.DecodeLastRuneInString(s)
}

// phoneID is b2b.NormalizePhone(s) when it identifies a person in an
// erasure, "" (no phone) otherwise: a number of fewer than b2b.MinPhoneDigits digits,
// or of one digit repeated or digits counting up, is a placeholder
// (b2b.PlaceholderPhone).
func phoneID(s string) string {
	n := b2b.NormalizePhone(s)
	if b2b.PlaceholderPhone(n) {
		return ""
	}
	return n
}

// containsPhone reports whether s contains the phone number of the given
// digits (its country code's included) written any way: its digits in
// order, apart by spaces, hyphens, dots, slashes or brackets, with a '+'
// before them, or the international call prefix 00 (as
// b2b.NormalizePhone reads it), or neither; not inside a longer number or word (no letter or digit
// right before its first digit, or before its 00, or after its last).
func containsPhone(s, digits string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != digits[0] {
			continue
		}
		if before, _ := utf8.DecodeLastRuneInString(s[:i]); isWordRune(before) {
			// 0044 20 7946 0000 is +44 20 7946 0000, but not when
			// the 00 itself follows a digit or letter (100442079460000).
			if i < 2 || s[i-2:i] != "00" {
				continue
			}
			if before, _ := utf8.DecodeLastRuneInString(s[:i-2]); isWordRune(before) || before == '+' {
				continue
			}
		}
		j, k := i, 0
		for j < len(s) && k < len(digits) {
			c := s[j]
			switch {
			case c == digits[k]:
				k++
			case k > 0 && strings.IndexByte(" -.()/", c) >= 0:
			default:
				k = -1
			}
			if k < 0 {
				break
			}
			j++
		}
		if k == len(digits) {
			if after, _ := utf8.DecodeRuneInString(s[j:]); !isWordRune(after) {
				return true
			}
		}
	}
	return false
}

// isHyphen reports whether r joins two words into one name: a hyphen-minus,
// a hyphen or a non-breaking hyphen.
func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// SuppressionHash is the hash kept for an erased email or phone: hex
// SHA-256 of the normalised identifier (an email as identity.NormalizeEmail
// gives it, the address messages are sent to: lower case, a Unicode domain
// in its ASCII form, without a trailing dot, a "mailto:" or invisible
// characters around it, so that "Jörg@Bücher.de" has the hash of
// "jörg@xn--bcher-kva.de"; an address identity refuses, in lower case;
// phone digits with a leading +, whether or not the number was written
// with one, and a leading 00 read as the + it stands for: "0044 20 7946
// 0000" has the hash of "+442079460000"). The hash of an address already
// so written (in lower case, its domain in ASCII) is the hash of the
// address as it is, as it always was. Before 00 was read so, the hash of
// a number written with 00 was that of "+0044..." (no message is
// addressed so: an SMS goes to an E.164 number); a hash kept then stays as
// it was, and does not suppress the number with its +.
func SuppressionHash(id string) string {
	n := normEmail(id)
	if !strings.Contains(n, "@") {
		n = b2b.NormalizePhone(id)
	}
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:])
}

// normEmail is identity.NormalizeEmail(s), the form of the address a
// message is sent to (the golden person's email): lower case, a domain in
// Unicode in its ASCII form (jörg@xn--bcher-kva.de), without a trailing
// dot, a "mailto:" or the invisible characters around it. An address that
// identity refuses (ann@localhost) is in lower case, without the blanks
// around it, as every address was before: for an address already so
// written, both are the same, and so is its hash.
func normEmail(s string) string {
	if n, err := identity.NormalizeEmail(s); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// writtenForms returns the forms of a normalised address to look for in
// a message's lower-cased content: itself and, when its domain is an
// internationalised one (xn--), the address with its domain in Unicode as
// people write it (jörg@bücher.de for jörg@xn--bcher-kva.de).
func writtenForms(e string) []string {
	at := strings.LastIndexByte(e, '@')
	if at < 0 || !strings.Contains(e[at+1:], "xn--") {
		return []string{e}
	}
	u, err := idna.Lookup.ToUnicode(e[at+1:])
	if err != nil || u == e[at+1:] {
		return []string{e}
	}
	return []string{e, e[:at+1] + strings.ToLower(u)}
}

// emailID is normEmail(s) when it identifies a person in an erasure, ""
// (no address) otherwise: an address that forms and imports fill in for
// persons who gave none (noreply@, no-reply@, donotreply@, nobody@,
// none@, null@, unknown@, noemail@, test@, ...: b2b.PlaceholderEmail) is
// shared by persons who are not the same, as a placeholder phone is, and
// reaches none of them.
func emailID(s string) string {
	n := normEmail(s)
	if !strings.Contains(n, "@") || b2b.PlaceholderEmail(n) {
		return ""
	}
	return n
}
