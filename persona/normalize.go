package persona

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTitleBytes bounds the work done on one title; longer input is cut (at a
// rune boundary) before it is read. Real job titles are far shorter.
const maxTitleBytes = 512

// tokenize turns a free-text title into lower-case, accent-free words.
//
//   - The title is read in Unicode normal form NFKC, so that its
//     composed and decomposed forms (the decomposed form is what macOS and
//     some CRM exports write) read alike, and a compatibility form reads
//     as its letters ("ﬁ", a ligature of PDF exports, as "fi").
//   - Full-width ASCII letters, digits and punctuation ("ＣＥＯ", "／")
//     read as ASCII, and the ideographic space as a space.
//   - Letters are lower-cased and Latin accents removed ("Directeur
//     Général" -> directeur general, "Președinte" -> presedinte, "ß" ->
//     ss), whether an accent is part of its letter or a combining mark
//     after it. Letters of other scripts keep their marks, in both forms
//     ("й" stays "й", "ή" "ή").
//   - In a word that mixes Latin letters with Cyrillic or Greek letters
//     that look like Latin ones ("Сhief" with a Cyrillic С, "Οfficer"
//     with a Greek Ο), the look-alikes read as their Latin letters
//     ([foldLookAlikes]); a word wholly in Cyrillic or Greek keeps its
//     letters.
//   - Invisible format characters (a soft hyphen, a zero-width joiner, a
//     byte-order mark, a direction mark) are nothing: "Mar\u00adketing"
//     is marketing. A zero-width space separates words, as a space does.
//   - Any character other than a letter, a digit, '&', '+', '#' or '.'
//     separates words, so "Co-Founder", "VP/GM" and "(CISO)" split.
//   - Dotted single letters join ("C.E.O." -> ceo, "V.P." -> vp, also in
//     "V.P.Sales" -> vp sales); other dots separate ("Sr." -> sr,
//     "Dir.Marketing" -> dir marketing).
//   - '&' stays inside short abbreviations ("R&D", "FP&A", "L&D") and
//     otherwise separates ("Sales&Marketing" -> sales marketing).
func tokenize(title string, dst []string) []string {
	if len(title) > maxTitleBytes {
		cut := maxTitleBytes
		for cut > 0 && !utf8.RuneStart(title[cut]) {
			cut--
		}
		title = title[:cut]
	}
	if !asciiOnly(title) { // ASCII is in NFKC and has no look-alikes: neither is asked, which costs
		if !norm.NFKC.IsNormalString(title) {
			title = norm.NFKC.String(title)
		}
		title = foldLookAlikes(title)
	}
	var b strings.Builder
	b.Grow(len(title))
	flush := func() {
		if b.Len() == 0 {
			return
		}
		dst = appendWord(dst, b.String())
		b.Reset()
	}
	for _, r := range title {
		r = foldWidth(r)
		switch {
		case r == '&' || r == '+' || r == '#' || r == '.':
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			foldRune(&b, r)
		case r >= 0x300 && r <= 0x36f:
			// A combining diacritical mark: the accent of the letter
			// before it, removed as accentFold removes it from a
			// precomposed letter (a separator would split the word).
		case unicode.IsMark(r):
			b.WriteRune(r)
		case r >= 0xad && r != 0x200b && unicode.Is(unicode.Cf, r):
			// An invisible format character inside a word: nothing.
		default:
			flush()
		}
	}
	flush()
	return dst
}

// foldWidth maps the full-width forms of ASCII (U+FF01..U+FF5E) to ASCII
// and the ideographic space U+3000 to a space: Japanese and other CJK
// systems store "ＣＥＯ" or "Ｃｈｉｅｆ　Ｆｉｎａｎｃｉａｌ　Ｏｆｆｉｃｅｒ" for the
// titles their users typed, and these must read as "CEO" and "Chief
// Financial Officer".
func foldWidth(r rune) rune {
	switch {
	case r >= 0xff01 && r <= 0xff5e:
		return r - 0xff01 + '!'
	case r == 0x3000:
		return ' '
	}
	return r
}

// appendWord appends the words of one raw chunk (letters, digits and the
// punctuation kept by tokenize).
func appendWord(dst []string, w string) []string {
	if strings.IndexByte(w, '.') < 0 {
		return appendAmp(dst, w)
	}
	if joined, ok := dottedLetters(w); ok {
		return append(dst, joined)
	}
	// Other dots separate words, but a run of dotted single letters
	// still joins: "V.P.Sales" -> vp sales, "Mgr.I.T." -> mgr it.
	run, letters := 0, 0 // w[run:] starts a run of that many letters
	for i := 0; i <= len(w); {
		end := strings.IndexByte(w[i:], '.')
		if end < 0 {
			end = len(w)
		} else {
			end += i
		}
		part := w[i:end]
		if utf8.RuneCountInString(part) == 1 && (end < len(w) || letters > 0) {
			if letters == 0 {
				run = i
			}
			letters++
		} else {
			dst = appendRun(dst, w[run:i], letters)
			letters = 0
			if part != "" {
				dst = appendAmp(dst, part)
			}
		}
		i = end + 1
	}
	return appendRun(dst, w[run:], letters)
}

// appendRun appends a run of n dotted single letters ("v.p."): joined when
// there are several, as the letter itself when there is one.
func appendRun(dst []string, run string, n int) []string {
	switch {
	case n == 0:
		return dst
	case n == 1:
		return appendAmp(dst, strings.TrimSuffix(run, "."))
	}
	joined, _ := dottedLetters(run)
	return append(dst, joined)
}

// dottedLetters joins "c.e.o." or "v.p" into "ceo" / "vp".
func dottedLetters(w string) (string, bool) {
	parts := strings.Split(strings.TrimSuffix(w, "."), ".")
	if len(parts) < 2 {
		return "", false
	}
	var b strings.Builder
	for _, p := range parts {
		if utf8.RuneCountInString(p) != 1 {
			return "", false
		}
		b.WriteString(p)
	}
	return b.String(), true
}

// appendAmp keeps '&' inside short abbreviations (each side at most two
// characters: r&d, fp&a, p&l) and splits on it otherwise. A lone "&", "+" or
// "#" is dropped.
func appendAmp(dst []string, w string) []string {
	if strings.IndexByte(w, '&') < 0 {
		if strings.Trim(w, "+#") == "" {
			return dst
		}
		return append(dst, w)
	}
	parts := strings.Split(w, "&")
	short := len(parts) == 2
	for _, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			short = false
		}
	}
	if short {
		return append(dst, w)
	}
	for _, p := range parts {
		if strings.Trim(p, "+#") != "" {
			dst = append(dst, p)
		}
	}
	return dst
}

// foldRune writes the lower-case, accent-free form of r.
func foldRune(b *strings.Builder, r rune) {
	r = unicode.ToLower(r)
	if r < utf8.RuneSelf {
		b.WriteByte(byte(r))
		return
	}
	if s, ok := accentFold[r]; ok {
		b.WriteString(s)
		return
	}
	if r <= 0x24f || r >= 0x1e00 && r <= 0x1eff {
		// Another Latin letter with accents ("ș", "ř", "ő"): its
		// letter when it decomposes into an ASCII letter and marks.
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 1 && isASCIILetter(d[0]) {
			b.WriteByte(d[0])
			return
		}
	}
	b.WriteRune(r)
}

// asciiOnly reports whether s holds ASCII only.
func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// accentFold maps accented lower-case Latin letters to plain ones.
var accentFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
}

// normalizePhrase is the canonical form of a vocabulary key: its words
// joined by single spaces.
func normalizePhrase(s string) (string, int) {
	words := tokenize(s, nil)
	return strings.Join(words, " "), len(words)
}

// foldLookAlikes replaces, in each word that mixes Latin letters with
// Cyrillic or Greek letters that look like Latin ones, the look-alikes by
// their Latin letters: a title typed on a mixed keyboard or pasted from a
// document that substituted letters ("Сhief Technology Officer" with a
// Cyrillic С) must read as the title its reader sees. A word is what
// tokenize reads as one before splitting it at dots and ampersands, so
// that "С.E.O." with a Cyrillic С joins to ceo. The word is folded only
// when it has a Latin letter and every Cyrillic or Greek letter in it is a
// look-alike: a word wholly in Cyrillic or Greek ("СЕО", "Главный") is a
// word of that language, and one with a letter that looks like no Latin
// letter ("Sr.Менеджер") is not a Latin word in disguise. A title without
// look-alikes is returned as it is, without allocating.
func foldLookAlikes(s string) string {
	i := strings.IndexFunc(s, isLookAlike)
	if i < 0 {
		return s
	}
	// Start at the beginning of the word holding the first look-alike.
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !inWord(r) {
			break
		}
		i -= n
	}
	var b strings.Builder
	done := 0 // s[:done] is in b, or nothing has been written yet
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !inWord(r) {
			i += n
			continue
		}
		start, latin, foreign, alike := i, false, false, false
		for i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			if !inWord(r) {
				break
			}
			switch {
			case isLookAlike(r):
				alike = true
			case r < utf8.RuneSelf && isASCIILetter(byte(r)) || unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Greek, r):
				foreign = true
			}
			i += n
		}
		if !latin || !alike || foreign {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[done:start])
		for _, r := range s[start:i] {
			if l, ok := lookAlikes[r]; ok {
				b.WriteByte(l)
			} else {
				b.WriteRune(r)
			}
		}
		done = i
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// inWord reports whether tokenize keeps r inside a word (before splitting
// the word at dots and ampersands); it follows tokenize's cases.
func inWord(r rune) bool {
	r = foldWidth(r)
	return r == '&' || r == '+' || r == '#' || r == '.' ||
		unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) ||
		r >= 0xad && r != 0x200b && unicode.Is(unicode.Cf, r)
}

func isLookAlike(r rune) bool {
	if r < 0x370 || r > 0x52f { // outside Greek and Cyrillic: most runes stop here
		return false
	}
	_, ok := lookAlikes[r]
	return ok
}

// lookAlikes maps the Cyrillic and Greek letters whose glyphs match a Latin
// letter's in common fonts to that letter, lower case (tokenize lowers it
// anyway). It is the single-letter subset of Unicode's confusables.txt
// (UTS #39) for these scripts, keeping only letters that look the same:
// upper-case Greek Η is H, but lower-case η is not h and is not here.
var lookAlikes = map[rune]byte{
	// Cyrillic capitals.
	'А': 'a', 'В': 'b', 'С': 'c', 'Е': 'e', 'Н': 'h', 'І': 'i', 'Ј': 'j',
	'К': 'k', 'М': 'm', 'О': 'o', 'Р': 'p', 'Ѕ': 's', 'Т': 't', 'Х': 'x',
	'Ү': 'y', 'Һ': 'h', 'Ԛ': 'q', 'Ԝ': 'w',
	// Cyrillic small letters.
	'а': 'a', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j',
	'о': 'o', 'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'ԝ': 'w', 'х': 'x', 'у': 'y',
	'ү': 'y',
	// Greek capitals.
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k',
	'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	// Greek small letters.
	'ι': 'i', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
}
