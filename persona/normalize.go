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
	if !asciiOnly(title) && !norm.NFKC.IsNormalString(title) { // ASCII is in NFKC: not asked, which allocates
		title = norm.NFKC.String(title)
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
