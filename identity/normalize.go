package identity

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"
)

// Sentinel errors of the normalisers; every returned error wraps one of them.
var (
	// ErrInvalidEmail is matched by every error of [NormalizeEmail].
	ErrInvalidEmail = errors.New("invalid email")
	// ErrInvalidDomain is matched by every error of [NormalizeDomain].
	ErrInvalidDomain = errors.New("invalid domain")
)

// NormalizeEmail returns the canonical form of an email address: surrounding
// space, with the invisible characters that exports leave around a value
// (a byte-order mark, a zero-width space, a direction mark), and a
// "mailto:" prefix removed, lower case (every letter, "Ä" as well as "A";
// bytes that are not UTF-8 are kept as they are). The domain
// is the mail host, checked as a DNS name as [NormalizeDomain] checks one
// (at least one dot, a trailing dot removed, a name written in Unicode
// converted to its ASCII form, "bücher.de" to "xn--bcher-kva.de", a label
// in punycode checked as the label it encodes) but
// otherwise kept: unlike a web domain it keeps a leading "www." and may be
// a public suffix such as "co.uk". The local part keeps its Unicode
// letters, in lower case; a space, control or invisible character in it
// (a no-break space, a zero-width space) is refused, as an ASCII space
// is. The local part is in Unicode normal form NFC, as RFC 6532 asks: an
// accent written as a combining mark after its letter ("jo\u0308rg", as
// macOS and some exports write it) is the accented letter ("jörg"). It
// does not strip plus tags or dots (those make
// a different mailbox on most corporate servers). The result holds at most
// 254 bytes, 64 of them before the @; the limits hold for the result,
// which lower case and the ASCII form of the domain can make longer or
// shorter than s. A result normalises to itself.
//
//	NormalizeEmail("  Ann.Lee@ACME.com ") = "ann.lee@acme.com", nil
//	NormalizeEmail("ann@WWW.Acme.com")   = "ann@www.acme.com", nil
//	NormalizeEmail("Jörg@Bücher.de")     = "jörg@xn--bcher-kva.de", nil
//	NormalizeEmail("ann@")               -> error: invalid email "ann@": no domain
//	NormalizeEmail("ann@1.2.3.4")        -> error: invalid email "ann@1.2.3.4": domain "1.2.3.4" is an IP address, ...
//
// A host that no company's mail goes to is refused, so that no address
// there becomes an identifier linking whoever typed it: a name without
// a dot ("ann@localhost", "ann@intranet"), an IP address, bare
// ("ann@1.2.3.4", also written in hexadecimal, "0x7f.0x1", or in
// full-width digits) or as an address literal ("ann@[1.2.3.4]",
// "ann@[IPv6:2001:db8::1]"), and a name whose last label is a number,
// which no top-level domain is (RFC 3696: "acme.123"). A number is
// another label of a name ("ann@123.com", "ann@1.2.3.4.nip.io").
func NormalizeEmail(s string) (string, error) { return normalizeEmail(s, false) }

// normalizeEmail is NormalizeEmail; with stored set the address is one of
// a saved state, which holds what was accepted when it was saved: an
// address at an IP address or a numeric top-level label, once taken, is
// taken.
func normalizeEmail(s string, stored bool) (string, error) {
	t := trimInvisible(s)
	if len(t) >= 7 && strings.EqualFold(t[:7], "mailto:") {
		t = trimInvisible(t[7:])
	}
	if t == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidEmail)
	}
	// Longer than the longest address that normalises within the limits: a
	// local part that is 64 bytes in lower case, which is at least a third
	// as long (U+212A KELVIN SIGN, 3 bytes, is "k"), the @, the longest host
	// converted (maxUnicodeHost) and a trailing dot.
	if len(t) > 3*64+1+maxUnicodeHost+1 {
		return "", fmt.Errorf("%w %q: longer than 254 bytes", ErrInvalidEmail, truncate(t))
	}
	at := strings.IndexByte(t, '@')
	if at < 0 {
		return "", fmt.Errorf("%w %q: no @", ErrInvalidEmail, t)
	}
	if strings.IndexByte(t[at+1:], '@') >= 0 {
		return "", fmt.Errorf("%w %q: more than one @", ErrInvalidEmail, t)
	}
	local, host := t[:at], t[at+1:]
	if local == "" {
		return "", fmt.Errorf("%w %q: nothing before @", ErrInvalidEmail, t)
	}
	if host == "" {
		return "", fmt.Errorf("%w %q: no domain", ErrInvalidEmail, t)
	}
	if len(local) > 3*64 {
		return "", fmt.Errorf("%w %q: local part longer than 64 bytes", ErrInvalidEmail, truncate(t))
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", fmt.Errorf("%w %q: misplaced dot before @", ErrInvalidEmail, t)
	}
	for i := 0; i < len(local); {
		c := local[i]
		if c < utf8.RuneSelf {
			if !localByte(c) {
				return "", fmt.Errorf("%w %q: character %q not allowed before @", ErrInvalidEmail, t, rune(c))
			}
			i++
			continue
		}
		// Beyond ASCII, letters and the like are kept, but not a
		// space, a control or an invisible character ("ann\u00a0lee",
		// a zero-width space), which is no part of a mailbox's name
		// and would make another address of the same one.
		r, w := utf8.DecodeRuneInString(local[i:])
		if w > 1 && invisible(r) {
			return "", fmt.Errorf("%w %q: character %q not allowed before @", ErrInvalidEmail, t, r)
		}
		i += w
	}
	// The limits hold for the result, which lower case can make longer
	// (U+023A is 2 bytes, U+2C65 3) or shorter (U+0130 is 2 bytes, "i" 1).
	l := lower(local)
	if !isASCII(l) && utf8.ValidString(l) && !norm.NFC.IsNormalString(l) {
		// Composed (RFC 6532): "jo\u0308rg", as macOS writes it, is
		// "jörg".
		l = norm.NFC.String(l)
	}
	if len(l) > 64 {
		return "", fmt.Errorf("%w %q: local part longer than 64 bytes", ErrInvalidEmail, truncate(t))
	}
	if host[0] == '[' {
		return "", fmt.Errorf("%w %q: %q is an address literal, which names a machine, not a mail domain", ErrInvalidEmail, t, host)
	}
	d, err := normalizeHost(host)
	if err != nil {
		return "", fmt.Errorf("%w %q: %w", ErrInvalidEmail, t, err)
	}
	if !stored {
		if err := numericHost(d, "mail domain"); err != nil {
			return "", fmt.Errorf("%w %q: %w", ErrInvalidEmail, t, err)
		}
	}
	if len(l)+1+len(d) > 254 {
		return "", fmt.Errorf("%w %q: longer than 254 bytes", ErrInvalidEmail, truncate(t))
	}
	if d == host && l == local {
		return t, nil // already canonical: no allocation
	}
	return l + "@" + d, nil
}

// numericHost reports, for a normalised host name, an IP address ("1.2.3.4",
// "0x7f.0x1", as URL parsers read them: every label a number) or a last
// label that is a number, which no top-level domain is; what names the
// domain the host should have been ("mail domain", "company domain").
func numericHost(d, what string) error {
	last := d[strings.LastIndexByte(d, '.')+1:]
	if !numericLabel(last) {
		return nil
	}
	for label := range strings.SplitSeq(d, ".") {
		if !numericLabel(label) {
			return fmt.Errorf("top-level label %q is a number, which no %s has", last, what)
		}
	}
	return fmt.Errorf("domain %q is an IP address, which names a machine, not a %s", d, what)
}

// numericLabel reports whether a lower-case label is a number as an IPv4
// address is written: decimal digits, or "0x" and hexadecimal digits.
func numericLabel(l string) bool {
	if strings.HasPrefix(l, "0x") {
		for i := 2; i < len(l); i++ {
			if c := l[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(l); i++ {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return l != ""
}

// EmailDomain returns the domain of a normalised email ("acme.com" for
// "ann@acme.com"), or "" when there is no @.
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return email[at+1:]
}

// NormalizeDomain returns the canonical form of a web domain: lower case,
// without scheme, "www.", port, path, query or trailing dot, in ASCII. A
// website written without its scheme, with or without the slashes that
// precede the host ("acme.com/x", "//acme.com/x"), names its host as
// with one, and so does one whose scheme http or https lacks its slashes
// or one of them ("http:acme.com", "https:/acme.com"), as browsers read
// it. A port that is not a number up to 65535, the highest TCP
// port ("acme.com:abc", "acme.com:99999"), is refused, as net/url
// refuses one that is not a number: the value may be no website at all.
// Surrounding space goes, with the invisible characters that exports
// leave around a value (a byte-order mark, a zero-width space, a
// direction mark), around the whole and around the host name and the
// port of a URL ("acme.com: 80" is acme.com; "acme.com:8 0" is refused),
// as [NormalizeEmail] removes them; inside the name, one that UTS #46
// ignores (a soft hyphen, a zero-width space) is dropped and another (a
// direction mark, a zero-width joiner) is refused (see below).
//
//	NormalizeDomain("https://www.Acme.com/about") = "acme.com", nil
//	NormalizeDomain("Bücher.de")                  = "xn--bcher-kva.de", nil
//	NormalizeDomain("acme")                       -> error: invalid domain "acme": needs at least one dot
//
// A name written in Unicode (an internationalised domain name, as CRM and
// marketing exports carry them) is converted to its ASCII form by the
// UTS #46 lookup mapping of IDNA2008, non-transitional, as browsers do:
// letters lower-cased, full-width forms and the ideographic full stop "。"
// mapped ("ＡＣＭＥ。com" is "acme.com"), "ß" kept ("faß.de" is
// "xn--fa-hia.de"), and each label that is not ASCII then written in
// punycode ("xn--..."). So "bücher.de" and "xn--bcher-kva.de" are one
// domain. A name that UTS #46 refuses (a character no host name has, a
// label that mixes right-to-left and left-to-right letters, bytes that are
// not UTF-8) is an error. A name written in ASCII with a label in punycode
// is checked as the name it encodes, so that its two spellings are one
// domain or both refused: a label that is no punycode ("xn--zz99999"), or
// that decodes to a label UTS #46 refuses ("xn--a", U+0080), or to one
// that is not in the form the mapping gives a Unicode spelling ("a" and a
// combining accent, not "á"; a capital), is an error naming the label;
// and the other labels of such a name are checked as in its Unicode
// spelling (an ASCII label "ab--cd", which UTS #46 reserves, is refused
// in "ab--cd.xn--bcher-kva.de" as in "ab--cd.bücher.de", and accepted in
// "ab--cd.de"). A name in ASCII without punycode is checked by its bytes
// alone. A name of more than 1012 bytes that is not all ASCII is refused
// before conversion.
//
// A host that is no company's domain is refused, as [NormalizeEmail]
// refuses it as a mail host, so that accounts hosted at one address are
// not one account: an IP address, bare ("1.2.3.4", "http://1.2.3.4:8080/",
// also written in hexadecimal, "0x7f.0x1", or in full-width digits, and
// an IPv6 address, "2001:db8::1") or as an address literal ("[1.2.3.4]",
// "https://[2001:db8::1]/"), and a name whose last label is a number,
// which no top-level domain is ("acme.123"). A number is another label
// of a name ("123.com", "1.2.3.4.nip.io").
//
// A domain that is one public suffix managed by ICANN ("co.uk", "com.au",
// "公司.cn"), by the Public Suffix List (golang.org/x/net/publicsuffix), is
// refused: nobody's company, it would take every company under it. One of
// the list's private suffixes, under which a company gives its customers
// names ("github.io", "blogspot.com"), is accepted: it is that company's
// own domain, and a customer's name under it ("acme.github.io") is
// another company's domain, which resolution of an email domain never
// climbs out of (see the package doc, Person-to-account resolution).
func NormalizeDomain(s string) (string, error) { return normalizeDomain(s, false) }

// normalizeDomain is NormalizeDomain; with stored set the domain is one
// of a saved state, which holds what was accepted when it was saved: an IP
// address or a name with a numeric top-level label, once taken, is taken.
func normalizeDomain(s string, stored bool) (string, error) {
	t := trimInvisible(s)
	// A scheme comes before the path, query and fragment: a URL among
	// them (acme.com/login?next=https://...) is not the host's.
	if i := strings.Index(t, "://"); i >= 0 && !strings.ContainsAny(t[:i], "/?#") {
		t = t[i+3:]
	} else if rest, ok := cutWebScheme(t); ok {
		t = rest // "http:acme.com", "https:/acme.com", as browsers read them
	} else {
		t = strings.TrimPrefix(t, "//") // a URL without its scheme
	}
	if i := strings.IndexAny(t, "/?#"); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, '@'); i >= 0 { // user@host in a URL
		t = t[i+1:]
	}
	if h := trimInvisible(t); strings.HasPrefix(h, "[") {
		// An address literal, with or without a port ("[::1]:443").
		if i := strings.IndexByte(h, ']'); i >= 0 {
			h = h[:i+1]
		}
		return "", fmt.Errorf("%w %q: %q is an address literal, which names a machine, not a company domain", ErrInvalidDomain, truncate(s), truncate(h))
	} else if strings.Count(h, ":") > 1 {
		if _, err := netip.ParseAddr(h); err == nil { // no port: it would be bracketed
			return "", fmt.Errorf("%w %q: %q is an IP address, which names a machine, not a company domain", ErrInvalidDomain, truncate(s), h)
		}
	}
	if i := strings.LastIndexByte(t, ':'); i >= 0 { // port
		if err := checkPort(trimInvisible(t[i+1:])); err != nil {
			return "", fmt.Errorf("%w %q: %w", ErrInvalidDomain, truncate(s), err)
		}
		t = t[:i]
	}
	d, err := normalizeHost(trimInvisible(t))
	if err != nil {
		return "", fmt.Errorf("%w %q: %w", ErrInvalidDomain, truncate(s), err)
	}
	if !stored {
		if err := numericHost(d, "company domain"); err != nil {
			return "", fmt.Errorf("%w %q: %w", ErrInvalidDomain, truncate(s), err)
		}
	}
	// Every leading "www." goes ("www.www.acme.com" is acme.com), so that
	// a normalised domain normalises to itself.
	for strings.HasPrefix(d, "www.") && strings.IndexByte(d[4:], '.') > 0 {
		d = d[4:]
	}
	if ps, icann := publicsuffix.PublicSuffix(d); ps == d && icann {
		return "", fmt.Errorf("%w %q: %q is a public suffix, not a company domain", ErrInvalidDomain, truncate(s), d)
	}
	return d, nil
}

// cutWebScheme returns what follows the scheme http or https (in any
// case) written without its two slashes, or with one ("http:acme.com",
// "https:/acme.com"), as browsers read such a URL: the host comes next.
func cutWebScheme(t string) (string, bool) {
	for _, scheme := range [...]string{"http:", "https:"} {
		if len(t) >= len(scheme) && strings.EqualFold(t[:len(scheme)], scheme) {
			return strings.TrimPrefix(t[len(scheme):], "/"), true
		}
	}
	return "", false
}

// checkPort checks the port after a URL's host: decimal digits, as
// net/url takes them, of a number up to 65535, the highest TCP port. An
// empty one ("acme.com:") is no port, as net/url reads it.
func checkPort(p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return fmt.Errorf("invalid port %q after host", ":"+truncate(p))
		}
	}
	if n, err := strconv.Atoi(p); p != "" && (err != nil || n > 65535) {
		return fmt.Errorf("invalid port %q after host: greater than 65535", ":"+truncate(p))
	}
	return nil
}

// maxUnicodeHost bounds a host name that is not all ASCII before its
// conversion: a label of 63 bytes in ASCII holds at most 59 characters in
// punycode, 4 bytes each in UTF-8 (a full-width letter, 3 bytes, is one
// ASCII letter), so a longer name is too long in ASCII but for characters
// that UTS #46 drops (soft hyphens).
const maxUnicodeHost = 4 * 253

// normalizeHost lower-cases and checks a DNS name, converting one written
// in Unicode to its ASCII form and checking one with a label in punycode
// ("xn--...") as the name it encodes; it returns h itself when h is
// already canonical. An ASCII name without punycode costs one pass over
// its bytes.
func normalizeHost(h string) (string, error) { return checkHost(h, true) }

// checkHost is normalizeHost; with idn false, a name in ASCII is not
// checked as an internationalised name (it is the ASCII form of one, just
// checked by UTS #46).
func checkHost(h string, idn bool) (string, error) {
	orig := h
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return "", errors.New("empty")
	}
	if len(h) > 253 {
		if len(orig) <= maxUnicodeHost && !isASCII(orig) {
			return unicodeHost(orig)
		}
		if !isASCII(orig) {
			return "", fmt.Errorf("longer than %d bytes", maxUnicodeHost)
		}
		return "", errors.New("longer than 253 bytes")
	}
	upper, ace := false, false
	dots := 0
	labelStart := 0
	for i := 0; i <= len(h); i++ {
		if i == len(h) || h[i] == '.' {
			label := h[labelStart:i]
			switch {
			case label == "":
				return "", errors.New("empty label")
			case len(label) > 63:
				return "", errors.New("label longer than 63 bytes")
			case label[0] == '-' || label[len(label)-1] == '-':
				return "", fmt.Errorf("label %q starts or ends with '-'", label)
			}
			if i < len(h) {
				dots++
			}
			labelStart = i + 1
			continue
		}
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			// A label in punycode: "xn--" in any case.
			if i == labelStart+3 && h[i-1] == '-' && isACELabel(h[labelStart:]) {
				ace = true
			}
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= utf8.RuneSelf:
			return unicodeHost(orig)
		default:
			return "", fmt.Errorf("character %q not allowed in a domain", rune(c))
		}
	}
	if dots == 0 {
		return "", errors.New("needs at least one dot")
	}
	if upper {
		h = strings.ToLower(h)
	}
	if ace && idn {
		return punycodeHost(h)
	}
	return h, nil
}

// isACELabel reports whether a label of a name in ASCII is in punycode:
// it starts with "xn--", in any case.
func isACELabel(label string) bool {
	return len(label) >= 4 && label[2] == '-' && label[3] == '-' && label[0]|0x20 == 'x' && label[1]|0x20 == 'n'
}

// punycodeHost checks a lower-case name in ASCII with a label in punycode
// as unicodeHost checks the name it encodes (UTS #46 lookup, IDNA2008): a
// label that is not punycode, or that decodes to a label UTS #46 refuses
// (a character no host name has, one not in the form the Unicode
// spelling's mapping gives, such as a capital or a decomposed accent,
// letters of both directions), is an error, and so is the name when its
// Unicode spelling is (an ASCII label such as "ab--cd" beside it, which
// UTS #46 reserves). It returns the name's ASCII form, h itself.
func punycodeHost(h string) (string, error) {
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		// Name the label at fault, when it is one alone.
		for label := range strings.SplitSeq(h, ".") {
			if !isACELabel(label) {
				continue
			}
			if _, lerr := idna.Lookup.ToASCII(label); lerr != nil {
				return "", fmt.Errorf("punycode label %q is not a valid internationalised label: %s", label, strings.TrimPrefix(lerr.Error(), "idna: "))
			}
		}
		return "", fmt.Errorf("not a valid internationalised domain name: %s", strings.TrimPrefix(err.Error(), "idna: "))
	}
	if a != h { // not expected: the ASCII form of a valid name is itself
		return checkHost(a, false)
	}
	return h, nil
}

// unicodeHost converts a host name that is not all ASCII to its ASCII
// form (UTS #46 lookup, IDNA2008) and checks that as normalizeHost checks
// an ASCII name, trailing dot and all, so that "bücher.de." and
// "bücher.de。" lose their last dot and "bücher.de.." is an empty label as
// "acme.com.." is.
func unicodeHost(h string) (string, error) {
	if !utf8.ValidString(h) {
		return "", errors.New("not valid UTF-8")
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", fmt.Errorf("not a valid internationalised domain name: %s", strings.TrimPrefix(err.Error(), "idna: "))
	}
	if !isASCII(a) { // not expected of ToASCII; checked so that normalizeHost cannot come back here
		return "", fmt.Errorf("not a valid internationalised domain name: ASCII form %q", a)
	}
	d, err := checkHost(a, false)
	if err != nil {
		return "", fmt.Errorf("%w (ASCII form %q)", err, a)
	}
	return d, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// localByte reports whether c may appear in the local part of an address
// (RFC 5322 dot-atom characters, plus UTF-8 bytes for internationalised
// addresses).
func localByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= utf8.RuneSelf:
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0
}

// lower returns s in lower case, as strings.ToLower does (unicode.ToLower
// on each rune), but keeping bytes that are not UTF-8 as they are, so that
// two different values never become one. It returns s itself, without
// allocating, when s is already lower case; an ASCII s costs one pass over
// its bytes.
func lower(s string) string {
	var b strings.Builder // empty until a rune changes; then s[:done] lowered
	done := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				if b.Cap() == 0 {
					b.Grow(len(s)) // lower case is as long, but for a few runes
				}
				b.WriteString(s[done:i])
				b.WriteByte(c + 'a' - 'A')
				done = i + 1
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		// An invalid byte decodes as utf8.RuneError, which has no lower case.
		if l := unicode.ToLower(r); l != r {
			if b.Cap() == 0 {
				b.Grow(len(s)) // lower case is as long, but for a few runes
			}
			b.WriteString(s[done:i])
			b.WriteRune(l)
			done = i + w
		}
		i += w
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func truncate(s string) string {
	if len(s) <= 80 {
		return s
	}
	// Cut on a rune boundary.
	n := 80
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// NormalizeCompanyName returns the matching key of a company name: read
// in Unicode normal form NFKC (full-width letters as ASCII, "ＡＣＭＥ" as
// ACME, an accent written as a combining mark as the accented letter, a
// ligature such as "ﬃ" as its letters), accents
// folded ("é" is "e", "ß" "ss", "æ" "ae", Greek "έ" "ε", Vietnamese "ữ"
// "u"), lower case, "&" read as "and", punctuation removed, a leading
// "The" or legal form ("株式会社 ソニー", "(주)카카오", "OOO Yandex", "ПАО
// Газпром", "Công ty TNHH") and trailing legal forms and generic words
// (Inc, LLC, Ltd, GmbH, AG, S.A., plc, Corp, Co, Group, Holdings,
// International, 株式会社, 有限公司, 주식회사, (株), Kft, d.o.o., ООО, Α.Ε.,
// ...; also those of several words or written out: S.A. de C.V., sp. z
// o.o., S.à r.l., Private Limited, Sociedad Anónima, Kabushiki Kaisha)
// dropped, and a web suffix such as ".com" or ".co.uk" removed, with the
// "www." of a website given as the name ("www.acme.com" is "acme"). Two names
// with the same key are taken to name the same company.
// The key is "" when nothing but legal words remains.
//
//	NormalizeCompanyName("ACME, Inc.")            = "acme"
//	NormalizeCompanyName("The Coca-Cola Company") = "cocacola"
//	NormalizeCompanyName("Nestlé S.A.")           = "nestle"
//	NormalizeCompanyName("JPMorgan Chase & Co.")  = "jpmorgan chase"
//	NormalizeCompanyName("Cemex, S.A.B. de C.V.") = "cemex"
//
// Tickers (AAPL), acronyms (IBM for International Business Machines),
// renames (Facebook, Meta) and names written in another script are not
// matched: those need a reference table, not a normaliser.
func NormalizeCompanyName(name string) string {
	// One name in the forms systems store it in: full-width letters, an
	// accent as a combining mark after its letter, a ligature.
	if !isASCII(name) && !norm.NFKC.IsNormalString(name) {
		name = norm.NFKC.String(name)
	}
	words := companyWords(name)
	// Drop a leading "the", a CJK legal form written apart ("주식회사
	// 카카오", "株式会社 ソニー") or a form written before the name ("OOO
	// Yandex", "Công ty TNHH").
	if n := leadingPhraseLen(words); n > 0 && n < len(words) {
		words = words[n:]
	} else if len(words) > 1 && (words[0] == "the" || isCJKForm(words[0]) || leadingForms[words[0]]) {
		words = words[1:]
	}
	// Drop trailing legal forms and generic words, keeping at least one word.
	for len(words) > 1 {
		if n := legalPhraseEnd(words); n == len(words) {
			return ""
		} else if n > 0 {
			words = words[:len(words)-n]
			continue
		}
		last := words[len(words)-1]
		if !legalWords[last] && last != "and" && !isCJKForm(last) {
			break
		}
		words = words[:len(words)-1]
	}
	if len(words) == 1 {
		if legalWords[words[0]] {
			return ""
		}
		words[0] = stripCJKForms(words[0])
	}
	for i, w := range words {
		words[i] = stripWebSuffix(w)
	}
	return strings.Join(words, " ")
}

// leadingPhraseLen returns the number of words of the legal form of
// several words that words start with, or 0.
func leadingPhraseLen(words []string) int {
	for _, p := range leadingPhrases {
		if len(p) <= len(words) && slices.Equal(words[:len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// cjkParenForm returns the length of the CJK legal form in parentheses
// that s starts with ("(주)", "（株）"), or 0.
func cjkParenForm(s string) int {
	for _, f := range cjkParenForms {
		if strings.HasPrefix(s, f) {
			return len(f)
		}
	}
	return 0
}

// isCJKForm reports whether w is a legal form written in Chinese,
// Japanese or Korean (never ASCII: most words are looked at no further).
func isCJKForm(w string) bool {
	return w != "" && w[0] >= utf8.RuneSelf && slices.Contains(cjkForms, w)
}

// legalPhraseEnd returns the number of words of the legal phrase that
// words end with, or 0.
func legalPhraseEnd(words []string) int {
	for _, p := range legalPhrases {
		if len(p) > len(words) {
			continue
		}
		tail := words[len(words)-len(p):]
		match := true
		// The last word first: most phrases end with another.
		for i := len(p) - 1; i >= 0; i-- {
			if !sameWord(tail[i], p[i]) {
				match = false
				break
			}
		}
		if match {
			return len(p)
		}
	}
	return 0
}

// sameWord reports whether a word of companyWords is p once its dot
// markers ('\x00') are dropped, without making the word anew.
func sameWord(w, p string) bool {
	if w == p {
		return true
	}
	if len(w) <= len(p) || strings.IndexByte(w, 0) < 0 {
		return false
	}
	j := 0
	for i := 0; i < len(w); i++ {
		if w[i] == 0 {
			continue
		}
		if j == len(p) || w[i] != p[j] {
			return false
		}
		j++
	}
	return j == len(p)
}

// companyWords splits a name into lower-case words with accents folded.
// Dots, apostrophes and hyphens join ("S.A." -> "sa", "Wal-Mart" ->
// "walmart", "McDonald's" -> "mcdonalds"); other punctuation separates;
// "&" and "+" become the word "and". A dot followed by a web TLD is kept as
// a marker so that "Amazon.com" can lose its ".com".
func companyWords(name string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	skip := 0 // the end of a legal form in parentheses, skipped
	for i, r := range name {
		if i < skip {
			continue
		}
		switch {
		case r == '.':
			// Keep ".com" style suffixes recognisable: a dot between two
			// letters becomes '\x00' and is resolved by stripWebSuffix.
			if b.Len() > 0 && i+1 < len(name) && isLetterByte(name[i+1]) {
				b.WriteByte(0)
			}
		case r == '\'' || r == '’' || r == '-' || r == '‐' || r == '`':
		case r == '&' || r == '+':
			flush()
			words = append(words, "and")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = foldRune(unicode.ToLower(r))
			if w := foldWide(r); w != "" {
				b.WriteString(w)
				continue
			}
			b.WriteRune(r)
		default: // space, comma, parentheses, slash, other punctuation and symbols
			if r == '(' || r == '（' {
				// "(주)", "(株)": a CJK legal form abbreviated, which
				// the parentheses would leave as a word of the name.
				skip = i + cjkParenForm(name[i:])
			}
			flush()
		}
	}
	flush()
	// Legal forms written with dots and spaces ("S. A.", "N. V.") become
	// separate one-letter words; join runs of single letters.
	out := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		if len(w) <= 2 && isInitials(w) {
			j := i + 1
			for j < len(words) && len(words[j]) <= 2 && isInitials(words[j]) && len(w)+len(words[j]) <= 4 {
				w += words[j]
				j++
			}
			if j > i+1 && legalWords[strings.ReplaceAll(w, "\x00", "")] {
				i = j - 1
			} else {
				w = words[i]
			}
		}
		out = append(out, w)
	}
	for i, w := range out {
		if k := strings.ReplaceAll(w, "\x00", ""); legalWords[k] {
			out[i] = k
		}
	}
	return out
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isInitials(w string) bool {
	for i := 0; i < len(w); i++ {
		if !(w[i] >= 'a' && w[i] <= 'z' || w[i] == 0) {
			return false
		}
	}
	return true
}

// stripWebSuffix removes a ".com"-style suffix marked by companyWords, or
// a ".co.uk"-style one, and a leading "www." ("www.amazon.com", a website
// in the name field), and joins any other dotted parts ("amazon\x00com"
// -> "amazon").
func stripWebSuffix(w string) string {
	if strings.IndexByte(w, 0) < 0 {
		return w
	}
	if rest, ok := strings.CutPrefix(w, "www\x00"); ok && !webTLDs[rest] { // "www.com" keeps its name
		w = rest
	}
	if i := strings.LastIndexByte(w, 0); i > 0 {
		// A public suffix of two labels that ICANN manages ("co.uk",
		// "com.au") goes whole.
		if j := strings.LastIndexByte(w[:i], 0); j > 0 && icannSuffix(w[j+1:i]+"."+w[i+1:]) {
			w = w[:j]
		} else if webTLDs[w[i+1:]] {
			w = w[:i]
		}
	}
	return strings.ReplaceAll(w, "\x00", "")
}

// icannSuffix reports whether d is a public suffix that ICANN manages,
// by the Public Suffix List.
func icannSuffix(d string) bool {
	ps, icann := publicsuffix.PublicSuffix(d)
	return ps == d && icann
}

// stripCJKForms removes legal forms written in Chinese, Japanese or Korean,
// which are not separated by spaces.
func stripCJKForms(w string) string {
	for _, f := range cjkForms {
		if t, ok := strings.CutSuffix(w, f); ok && t != "" {
			return t
		}
		if t, ok := strings.CutPrefix(w, f); ok && t != "" {
			return t
		}
	}
	return w
}

// foldWide returns the two letters that a Latin letter written as one
// folds to ("ß" is "ss", as a system without it stores "Straße"), or "".
func foldWide(r rune) string {
	switch r {
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'þ':
		return "th"
	}
	return ""
}

// foldRune maps accented Latin and Greek letters to their base letter
// (Greek capitals drop the accents, "ΩΜΕΓΑ" is "Ωμέγα"; Vietnamese tones
// go too), the Greek final sigma to sigma, and the Cyrillic ё to е, which
// Russian often writes for it.
func foldRune(r rune) rune {
	switch {
	case r < 0xC0:
		return r
	case r <= 0x17F:
		if f, ok := latinFold[r]; ok {
			return f
		}
	case r >= 0x386 && r <= 0x3CE:
		if f, ok := greekFold[r]; ok {
			return f
		}
	case r == 'ё':
		return 'е'
	case r == 'ơ':
		return 'o'
	case r == 'ư':
		return 'u'
	case r >= 0x1EA0 && r <= 0x1EF9:
		// Vietnamese: a letter with its tone, the block in runs by base
		// letter.
		switch {
		case r <= 0x1EB7:
			return 'a'
		case r <= 0x1EC7:
			return 'e'
		case r <= 0x1ECB:
			return 'i'
		case r <= 0x1EE3:
			return 'o'
		case r <= 0x1EF1:
			return 'u'
		}
		return 'y'
	}
	return r
}

// trimSpace is strings.TrimSpace with a fast path for the usual string
// that neither starts nor ends with space.
func trimSpace(s string) string {
	if n := len(s); n > 0 && notSpaceByte(s[0]) && notSpaceByte(s[n-1]) {
		return s
	}
	return strings.TrimSpace(s)
}

// trimInvisible is trimSpace that also removes the invisible format
// characters (Unicode category Cf: a byte-order mark, a zero-width space,
// a direction mark) that CSV exports and copy and paste leave around a
// value.
func trimInvisible(s string) string {
	if n := len(s); n > 0 && notSpaceByte(s[0]) && notSpaceByte(s[n-1]) {
		return s
	}
	return strings.TrimFunc(s, invisible)
}

// invisible reports whether r is a space, a control or an invisible
// format character (Unicode category Cf).
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// notSpaceByte reports whether c is an ASCII byte that is neither space
// nor a control character (and so not the start or end of any Unicode
// space, control or format character): DEL (0x7f) is a control, which
// trimInvisible removes.
func notSpaceByte(c byte) bool { return c > ' ' && c < 0x7f }

// validText returns s with each run of bytes that are not UTF-8 replaced
// by U+FFFD: the golden records' text is what a JSON encoding of it
// (an account state, an event) reads back, on every store alike.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// blank reports whether s is empty or only space.
func blank(s string) bool { return trimSpace(s) == "" }
