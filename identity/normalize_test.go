package identity_test

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/idna"

	"github.com/quorumhq/quorum/identity"
)

// host189 is a mail host of 189 bytes: with a local part of 64 bytes and
// the @, an address of the longest length allowed, 254 bytes.
var host189 = strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 61)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "ann@acme.com", want: "ann@acme.com"},
		{in: "  Ann.Lee@ACME.com ", want: "ann.lee@acme.com"},
		{in: "mailto:bob@Eu.Acme.CO.UK", want: "bob@eu.acme.co.uk"},
		{in: "o'neil+news@acme.com.", want: "o'neil+news@acme.com"},
		{in: "", err: "invalid email: empty"},
		{in: "   ", err: "invalid email: empty"},
		{in: "ann", err: `invalid email "ann": no @`},
		{in: "ann@", err: `invalid email "ann@": no domain`},
		{in: "@acme.com", err: `invalid email "@acme.com": nothing before @`},
		{in: "a@b@acme.com", err: `invalid email "a@b@acme.com": more than one @`},
		{in: "ann@acme", err: `invalid email "ann@acme": needs at least one dot`},
		{in: "ann lee@acme.com", err: `invalid email "ann lee@acme.com": character ' ' not allowed before @`},
		{in: "ann..lee@acme.com", err: `invalid email "ann..lee@acme.com": misplaced dot before @`},
		{in: "ann@acme..com", err: `invalid email "ann@acme..com": empty label`},
		{in: "ann@-acme.com", err: `invalid email "ann@-acme.com": label "-acme" starts or ends with '-'`},
		{in: "Ann <ann@acme.com>", err: `invalid email "Ann <ann@acme.com>": character ' ' not allowed before @`},
		// Invisible characters that CSV exports and copy and paste leave
		// around a value (a byte-order mark, a zero-width space, a
		// direction mark) go like surrounding space, as they go from the
		// domain; inside the local part, a space, control or invisible
		// character is refused as an ASCII space is.
		{in: "\ufeffAnn@acme.com", want: "ann@acme.com"},
		{in: "\u200bann@acme.com\u200e", want: "ann@acme.com"},
		{in: "\ufeff mailto:ann@acme.com", want: "ann@acme.com"},
		{in: "ann\u00a0lee@acme.com", err: `invalid email "ann\u00a0lee@acme.com": character '\u00a0' not allowed before @`},
		{in: "ann\u200b@acme.com", err: `invalid email "ann\u200b@acme.com": character '\u200b' not allowed before @`},
		{in: "ann\u0085@acme.com", err: `invalid email "ann\u0085@acme.com": character '\u0085' not allowed before @`},
		// DEL is a control character as NUL is, at either end alone
		// as after a space.
		{in: "ann@acme.com\x7f", want: "ann@acme.com"},
		{in: "\x7fann@acme.com", want: "ann@acme.com"},
		{in: " ann@acme.com\x7f", want: "ann@acme.com"},
		{in: "ann@acme.com\x00", want: "ann@acme.com"},
		{in: "ann\x7f@acme.com", err: `invalid email "ann\x7f@acme.com": character '\x7f' not allowed before @`},
		// A domain written in Unicode is converted to its ASCII form; the
		// local part keeps its letters, in lower case.
		{in: "ann@bücher.de", want: "ann@xn--bcher-kva.de"},
		{in: "Jörg@Bücher.DE", want: "jörg@xn--bcher-kva.de"},
		{in: "jörg@xn--bcher-kva.de", want: "jörg@xn--bcher-kva.de"},
		{in: "mailto:Ann@例え。JP", want: "ann@xn--r8jz45g.jp"},
		{in: "Иван@Пример.РФ", want: "иван@xn--e1afmkfd.xn--p1ai"},
		{in: "ann@bü_cher.de", err: `invalid email "ann@bü_cher.de": not a valid internationalised domain name: disallowed rune U+005F`},
		{in: "ann@bücher..de", err: `invalid email "ann@bücher..de": empty label (ASCII form "xn--bcher-kva..de")`},
		{in: "ann@\xffbücher.de", err: `invalid email "ann@\xffbücher.de": not valid UTF-8`},
		// The limits hold for the ASCII form: a host of 189 full-width
		// letters (567 bytes) is 189 bytes.
		{in: strings.Repeat("x", 64) + "@" + fullWidth(host189), want: strings.Repeat("x", 64) + "@" + host189},
		{in: strings.Repeat("x", 64) + "@z." + fullWidth(host189), err: `invalid email "` + strings.Repeat("x", 64) + "@z." + fullWidth(host189)[:4*3] + `...": longer than 254 bytes`},
		// Lower case is lower case beyond ASCII, whatever else the address holds.
		{in: "ä@acme.com", want: "ä@acme.com"},
		{in: "Ä@acme.com", want: "ä@acme.com"},
		{in: "ÄB@acme.com", want: "äb@acme.com"},
		{in: "Äb@acme.com", want: "äb@acme.com"},
		{in: "Élodie.Ñúñez@ACME.com", want: "élodie.ñúñez@acme.com"},
		{in: "\u212Aim@acme.com", want: "kim@acme.com"}, // KELVIN SIGN
		// Bytes that are not UTF-8 are kept, so two such addresses stay two.
		{in: "\xffA@acme.com", want: "\xffa@acme.com"},
		{in: "\xfeA@acme.com", want: "\xfea@acme.com"},
		// Lower case can take more bytes: the limit holds for the result.
		{in: strings.Repeat("\u023a", 32) + "@acme.com", err: `invalid email "` + strings.Repeat("\u023a", 32) + `@acme.com": local part longer than 64 bytes`},
		// ... or fewer (U+0130 is 2 bytes, "i" 1; U+212A KELVIN SIGN 3, "k" 1).
		{in: strings.Repeat("\u0130", 33) + "@acme.com", want: strings.Repeat("i", 33) + "@acme.com"},
		{in: strings.Repeat("\u212a", 64) + "@acme.com", want: strings.Repeat("k", 64) + "@acme.com"},
		{in: strings.Repeat("\u212a", 65) + "@acme.com", err: `invalid email "` + strings.Repeat("\u212a", 26) + `...": local part longer than 64 bytes`},
		{in: strings.Repeat("\u0130", 64) + "@" + host189, want: strings.Repeat("i", 64) + "@" + host189}, // 318 bytes, 254 in lower case
		{in: strings.Repeat("x", 64) + "@" + host189, want: strings.Repeat("x", 64) + "@" + host189},
		{in: strings.Repeat("x", 64) + "@" + host189 + ".", want: strings.Repeat("x", 64) + "@" + host189}, // the trailing dot does not count
		{in: strings.Repeat("x", 64) + "@z." + host189, err: `invalid email "` + strings.Repeat("x", 64) + "@z." + strings.Repeat("a", 13) + `...": longer than 254 bytes`},
		// A host no mail to a person's company goes to is refused: an
		// address there would be an identifier linking whoever typed it.
		// An IP address, bare or as an address literal, names a machine;
		// a top-level label that is a number (RFC 3696), as in an IP
		// address written in decimal or hexadecimal, names no domain.
		{in: "ann@1.2.3.4", err: `invalid email "ann@1.2.3.4": domain "1.2.3.4" is an IP address, which names a machine, not a mail domain`},
		{in: "ann@1.2.3.4.", err: `invalid email "ann@1.2.3.4.": domain "1.2.3.4" is an IP address, which names a machine, not a mail domain`},
		{in: "ann@１.２.３.４", err: `invalid email "ann@１.２.３.４": domain "1.2.3.4" is an IP address, which names a machine, not a mail domain`},
		{in: "ann@0x7F.0x1", err: `invalid email "ann@0x7F.0x1": domain "0x7f.0x1" is an IP address, which names a machine, not a mail domain`},
		{in: "ann@acme.123", err: `invalid email "ann@acme.123": top-level label "123" is a number, which no mail domain has`},
		{in: "ann@[1.2.3.4]", err: `invalid email "ann@[1.2.3.4]": "[1.2.3.4]" is an address literal, which names a machine, not a mail domain`},
		{in: "ann@[IPv6:2001:db8::1]", err: `invalid email "ann@[IPv6:2001:db8::1]": "[IPv6:2001:db8::1]" is an address literal, which names a machine, not a mail domain`},
		{in: "ann@localhost", err: `invalid email "ann@localhost": needs at least one dot`},
		{in: "ann@intranet.", err: `invalid email "ann@intranet.": needs at least one dot`},
		{in: "ann@acme.com-", err: `invalid email "ann@acme.com-": label "com-" starts or ends with '-'`},
		{in: "ann@" + strings.Repeat("a", 64) + ".com", err: `invalid email "ann@` + strings.Repeat("a", 64) + `.com": label longer than 63 bytes`},
		{in: "ann@" + strings.Repeat("a", 63) + ".com", want: "ann@" + strings.Repeat("a", 63) + ".com"},
		// A number is a domain's label but its last: a domain, not an
		// address.
		{in: "ann@123.com", want: "ann@123.com"},
		{in: "ann@1.2.3.4.nip.io", want: "ann@1.2.3.4.nip.io"},
		{in: "ann@acme.c0m", want: "ann@acme.c0m"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := identity.NormalizeEmail(tt.in)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				require.ErrorIs(t, err, identity.ErrInvalidEmail)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestNormalizeEmailKeepsTheMailHost: an email's domain is its mail host,
// checked and lower-cased like a web domain, but neither stripped of
// "www." nor refused as a public suffix, as NormalizeDomain does.
func TestNormalizeEmailKeepsTheMailHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email, want string
		domain      string // NormalizeDomain of the host: "" for an error
	}{
		{"ann@WWW.Acme.com", "ann@www.acme.com", "acme.com"},
		{"ann@www.acme.com", "ann@www.acme.com", "acme.com"},
		{"ann@co.uk", "ann@co.uk", ""},
		{"ann@Mail.Acme.CO.UK.", "ann@mail.acme.co.uk", "mail.acme.co.uk"},
		{"ann@WWW.Bücher.de", "ann@www.xn--bcher-kva.de", "xn--bcher-kva.de"},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			got, err := identity.NormalizeEmail(tt.email)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.want[strings.IndexByte(tt.want, '@')+1:], identity.EmailDomain(got))
			d, err := identity.NormalizeDomain(tt.email[strings.IndexByte(tt.email, '@')+1:])
			if tt.domain == "" {
				require.ErrorIs(t, err, identity.ErrInvalidDomain)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.domain, d)
		})
	}
}

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "acme.com", want: "acme.com"},
		{in: "https://www.Acme.com/about?x=1", want: "acme.com"},
		{in: "http://user@eu.acme.com:8080/", want: "eu.acme.com"},
		{in: "www.com", want: "www.com"},
		{in: "www.www.acme.com", want: "acme.com"},
		{in: "www.www.com", want: "www.com"},
		{in: "ACME.CO.UK.", want: "acme.co.uk"},
		// A website written without its scheme but with the slashes
		// (a scheme-relative URL, as in HTML) names its host too.
		{in: "//acme.com/x", want: "acme.com"},
		{in: " //www.Acme.com:8080?x=1", want: "acme.com"},
		{in: "///acme.com", err: `invalid domain "///acme.com": empty`},
		// A web scheme written without its slashes, or with one, is read
		// as browsers read it: the host follows it.
		{in: "http:acme.com", want: "acme.com"},
		{in: "HTTPS:www.acme.com/about", want: "acme.com"},
		{in: "https:/acme.com:8443/x", want: "acme.com"},
		{in: "http:acme.com:abc", err: `invalid domain "http:acme.com:abc": invalid port ":abc" after host`},
		{in: "http:", err: `invalid domain "http:": empty`},
		// Space around the port goes, as around the host name.
		{in: "acme.com: 80", want: "acme.com"},
		{in: "acme.com :80 /about", want: "acme.com"},
		{in: "acme.com:8 0", err: `invalid domain "acme.com:8 0": invalid port ":8 0" after host`},
		// A URL in the path or query is not the website's scheme.
		{in: "acme.com/login?next=https://evil.io/", want: "acme.com"},
		{in: "//acme.com/r?u=http://evil.io", want: "acme.com"},
		{in: "acme.com#http://evil.io", want: "acme.com"},
		// A port is a number up to 65535, the highest TCP port; one that
		// is not is refused, as net/url refuses one that is not a number,
		// not dropped: the value may be no website at all. An empty one
		// is no port.
		{in: "acme.com:443", want: "acme.com"},
		{in: "https://acme.com:65535/x", want: "acme.com"},
		{in: "acme.com:", want: "acme.com"},
		{in: "acme.com:abc", err: `invalid domain "acme.com:abc": invalid port ":abc" after host`},
		{in: "http://acme.com:-1/", err: `invalid domain "http://acme.com:-1/": invalid port ":-1" after host`},
		{in: "https://acme.com:99999/x", err: `invalid domain "https://acme.com:99999/x": invalid port ":99999" after host: greater than 65535`},
		{in: "acme.com:99999999999999999999", err: `invalid domain "acme.com:99999999999999999999": invalid port ":99999999999999999999" after host: greater than 65535`},
		{in: "acme", err: `invalid domain "acme": needs at least one dot`},
		{in: "co.uk", err: `invalid domain "co.uk": "co.uk" is a public suffix, not a company domain`},
		{in: "acme_corp.com", err: `invalid domain "acme_corp.com": character '_' not allowed in a domain`},
		{in: "", err: `invalid domain "": empty`},
		// Invisible characters that exports and copy and paste leave
		// around a value go, as around an email; inside the name, UTS
		// #46 drops those it ignores and refuses the others.
		{in: "\u200eacme.com\u200f", want: "acme.com"},
		{in: "\ufeff https://www.Acme.com\u200e/about", want: "acme.com"},
		{in: "ac\u00adme\u200b.com", want: "acme.com"},
		{in: "ac\u200eme.com", err: `invalid domain "ac\u200eme.com": not a valid internationalised domain name: disallowed rune U+200E`},
		{in: "\u200e", err: `invalid domain "\u200e": empty`},
		{in: "acme.com\x7f", want: "acme.com"},
		// A host that is no company's domain, as NormalizeEmail refuses
		// it as a mail host: accounts hosted at one address are not one.
		{in: "1.2.3.4", err: `invalid domain "1.2.3.4": domain "1.2.3.4" is an IP address, which names a machine, not a company domain`},
		{in: "http://1.2.3.4:8080/about", err: `invalid domain "http://1.2.3.4:8080/about": domain "1.2.3.4" is an IP address, which names a machine, not a company domain`},
		{in: "１.２.３.４", err: `invalid domain "１.２.３.４": domain "1.2.3.4" is an IP address, which names a machine, not a company domain`},
		{in: "0x7f.0x1", err: `invalid domain "0x7f.0x1": domain "0x7f.0x1" is an IP address, which names a machine, not a company domain`},
		{in: "acme.123", err: `invalid domain "acme.123": top-level label "123" is a number, which no company domain has`},
		{in: "[1.2.3.4]", err: `invalid domain "[1.2.3.4]": "[1.2.3.4]" is an address literal, which names a machine, not a company domain`},
		{in: "https://[2001:db8::1]:8443/x", err: `invalid domain "https://[2001:db8::1]:8443/x": "[2001:db8::1]" is an address literal, which names a machine, not a company domain`},
		{in: "2001:db8::1", err: `invalid domain "2001:db8::1": "2001:db8::1" is an IP address, which names a machine, not a company domain`},
		{in: "123.com", want: "123.com"},
		{in: "1.2.3.4.nip.io", want: "1.2.3.4.nip.io"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := identity.NormalizeDomain(tt.in)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				require.ErrorIs(t, err, identity.ErrInvalidDomain)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestNormalizeDomainUnicode: an internationalised domain name is
// converted to its ASCII form (UTS #46, IDNA2008), so that the name as a
// CRM export writes it and its punycode form are one domain; a name that
// UTS #46 refuses is an error naming it.
func TestNormalizeDomainUnicode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "bücher.de", want: "xn--bcher-kva.de"},
		{in: "xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{in: "BÜCHER.De", want: "xn--bcher-kva.de"},
		{in: "https://www.Bücher.de:8443/über?q=1", want: "xn--bcher-kva.de"},
		{in: "www.bücher.de.", want: "xn--bcher-kva.de"},
		{in: "münchen.de", want: "xn--mnchen-3ya.de"},
		{in: "faß.de", want: "xn--fa-hia.de"}, // non-transitional: "ß" is not "ss"
		{in: "例え.jp", want: "xn--r8jz45g.jp"},
		{in: "例え。テスト", want: "xn--r8jz45g.xn--zckzah"}, // the ideographic full stop is a dot
		{in: "bücher。de", want: "xn--bcher-kva.de"},
		{in: "bücher.de。", want: "xn--bcher-kva.de"},
		{in: "bücher．de", want: "xn--bcher-kva.de"}, // FULLWIDTH FULL STOP
		{in: "пример.рф", want: "xn--e1afmkfd.xn--p1ai"},
		{in: "ПРИМЕР.РФ", want: "xn--e1afmkfd.xn--p1ai"},
		{in: "Пример.xn--p1ai", want: "xn--e1afmkfd.xn--p1ai"},
		{in: "ＡＣＭＥ．ｃｏｍ", want: "acme.com"}, // full-width letters are ASCII ones
		{in: "ｗｗｗ．acme.com", want: "acme.com"},
		{in: fullWidth(host189), want: host189}, // 567 bytes, 189 in ASCII
		{in: "bücher", err: `invalid domain "bücher": needs at least one dot (ASCII form "xn--bcher-kva")`},
		{in: "bücher..de", err: `invalid domain "bücher..de": empty label (ASCII form "xn--bcher-kva..de")`},
		{in: "bücher.de..", err: `invalid domain "bücher.de..": empty label (ASCII form "xn--bcher-kva.de..")`},
		{in: "bücher.de。.", err: `invalid domain "bücher.de。.": empty label (ASCII form "xn--bcher-kva.de..")`},
		{in: "-bücher.de", err: `invalid domain "-bücher.de": not a valid internationalised domain name: invalid label "-bücher"`},
		{in: "bü_cher.de", err: `invalid domain "bü_cher.de": not a valid internationalised domain name: disallowed rune U+005F`},
		{in: "bücher\u200d.de", err: `invalid domain "bücher\u200d.de": not a valid internationalised domain name: invalid label "bücher\u200d"`},
		{in: "אבגa.com", err: `invalid domain "אבגa.com": not a valid internationalised domain name: invalid label "אבגa.com"`}, // right-to-left and left-to-right letters in one label
		{in: "bü cher.de", err: `invalid domain "bü cher.de": not a valid internationalised domain name: disallowed rune U+0020`},
		{in: "\xffbücher.de", err: `invalid domain "\xffbücher.de": not valid UTF-8`},
		{in: "\ufffd.de", err: "invalid domain \"\ufffd.de\": not a valid internationalised domain name: disallowed rune U+FFFD"},
		{in: "ｃｏ．ｕｋ", err: `invalid domain "ｃｏ．ｕｋ": "co.uk" is a public suffix, not a company domain`},
		{in: strings.Repeat("ü", 60) + ".de", err: `invalid domain "` + strings.Repeat("ü", 40) + `...": label longer than 63 bytes (ASCII form "xn--td` + strings.Repeat("a", 60) + `.de")`},
		{in: strings.Repeat("ü", 507), err: `invalid domain "` + strings.Repeat("ü", 40) + `...": longer than 1012 bytes`},
		{in: strings.Repeat("x", 254), err: `invalid domain "` + strings.Repeat("x", 80) + `...": longer than 253 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := identity.NormalizeDomain(tt.in)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				require.ErrorIs(t, err, identity.ErrInvalidDomain)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			again, err := identity.NormalizeDomain(got)
			require.NoError(t, err)
			require.Equal(t, got, again)
		})
	}
}

// TestNormalizeDomainPunycode: a name with a label written in punycode
// ("xn--...") is checked as the name it encodes, so that its two
// spellings are one domain or both refused: a label that is no punycode,
// or that decodes to a label UTS #46 refuses, is an error naming it, in a
// domain and in an email's domain alike.
func TestNormalizeDomainPunycode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		unicode string // the same name written in Unicode, if any
		want    string
		err     string // of NormalizeDomain(in)
	}{
		{in: "xn--bcher-kva.de", unicode: "bücher.de", want: "xn--bcher-kva.de"},
		{in: "XN--BCHER-KVA.DE", unicode: "BÜCHER.DE", want: "xn--bcher-kva.de"},
		{in: "www.Xn--Bcher-Kva.de.", unicode: "www.bücher.de.", want: "xn--bcher-kva.de"},
		{in: "xn--e1afmkfd.xn--p1ai", unicode: "пример.рф", want: "xn--e1afmkfd.xn--p1ai"},
		{in: "xn--fa-hia.de", unicode: "faß.de", want: "xn--fa-hia.de"},
		// Valid punycode, though it looks otherwise: Canadian syllabics.
		{in: "xn--zzzz-invalid.com", unicode: "zzᓷᓸzᓵᓵᓸz.com", want: "xn--zzzz-invalid.com"},
		{in: "xn--", err: `invalid domain "xn--": label "xn--" starts or ends with '-'`},
		{in: "xn--.com", err: `invalid domain "xn--.com": label "xn--" starts or ends with '-'`},
		{in: "xn--zz99999999999.com", err: `invalid domain "xn--zz99999999999.com": punycode label "xn--zz99999999999" is not a valid internationalised label: invalid label "zz99999999999"`},
		{in: "xn--a.com", unicode: "\u0080.com", err: `invalid domain "xn--a.com": punycode label "xn--a" is not a valid internationalised label: invalid label "\u0080"`},
		{in: "xn--a-ecp.ru", err: `invalid domain "xn--a-ecp.ru": punycode label "xn--a-ecp" is not a valid internationalised label: invalid label "a⒈"`},
		// Not in the form UTS #46 maps a Unicode spelling to: a capital,
		// a decomposed accent.
		{in: "xn--bcher-2pa.de", err: `invalid domain "xn--bcher-2pa.de": punycode label "xn--bcher-2pa" is not a valid internationalised label: invalid label "bÜcher"`},
		{in: "xn--a-xbb.com", err: `invalid domain "xn--a-xbb.com": punycode label "xn--a-xbb" is not a valid internationalised label: invalid label "a` + "\u0301" + `"`},
		// Refused in Unicode, refused in punycode.
		{in: "xn--a-zhcde.com", unicode: "אבגa.com", err: `invalid domain "xn--a-zhcde.com": punycode label "xn--a-zhcde" is not a valid internationalised label: invalid label "xn--a-zhcde"`},
		{in: "xn--bcher-kva9876c.de", unicode: "bücher\u200d.de", err: `invalid domain "xn--bcher-kva9876c.de": punycode label "xn--bcher-kva9876c" is not a valid internationalised label: invalid label "bücher\u200d"`},
		{in: "xn--4dbcd.1a.com", unicode: "אבג.1a.com", err: `invalid domain "xn--4dbcd.1a.com": not a valid internationalised domain name: invalid label "xn--4dbcd.1a.com"`},
		{in: "ab--cd.xn--bcher-kva.de", unicode: "ab--cd.bücher.de", err: `invalid domain "ab--cd.xn--bcher-kva.de": not a valid internationalised domain name: invalid label "ab--cd"`},
		{in: "xn--55qx5d.cn", unicode: "公司.cn", err: `invalid domain "xn--55qx5d.cn": "xn--55qx5d.cn" is a public suffix, not a company domain`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := identity.NormalizeDomain(tt.in)
			email, emailErr := identity.NormalizeEmail("ann@" + tt.in)
			if tt.unicode != "" {
				u, uerr := identity.NormalizeDomain(tt.unicode)
				require.Equal(t, got, u, "the Unicode spelling %q", tt.unicode)
				require.Equal(t, err != nil, uerr != nil, "the Unicode spelling %q: %v", tt.unicode, uerr)
			}
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				require.ErrorIs(t, err, identity.ErrInvalidDomain)
				if !strings.Contains(tt.err, "public suffix") {
					require.ErrorIs(t, emailErr, identity.ErrInvalidEmail, "email: %q", email)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.NoError(t, emailErr)
			require.Equal(t, tt.want, strings.TrimPrefix(identity.EmailDomain(email), "www."))
		})
	}
}

// TestNormalizeDomainPublicSuffixes: a domain that is one public suffix
// managed by ICANN, by the Public Suffix List, is refused (it is nobody's
// company, and would match every company under it); one of the list's
// private suffixes is its owner's domain, and a name under it another
// company's.
func TestNormalizeDomainPublicSuffixes(t *testing.T) {
	t.Parallel()
	for _, d := range []string{
		// As a hand-written table of the package had them ...
		"co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk",
		"com.au", "net.au", "org.au", "edu.au", "gov.au",
		"co.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr", "or.kr",
		"com.cn", "net.cn", "org.cn", "com.hk", "com.tw", "com.sg", "com.my",
		"co.in", "net.in", "org.in", "com.br", "net.br", "org.br", "com.mx", "com.ar",
		"co.za", "org.za", "com.tr", "com.pl", "co.il", "co.id", "co.th", "com.vn",
		"com.ph", "com.pk", "com.eg", "com.sa", "com.ua", "co.at", "or.at",
		"gv.at", "com.es", "com.pt", "com.gr", "com.co", "com.pe",
		// ... and as it lacked them.
		"co.ke", "com.ng", "ac.in", "gob.mx", "nom.fr", "edu.sg", "co.tz",
		"foo.kawasaki.jp", // under a wildcard rule (*.kawasaki.jp)
		"foo.sch.uk",      // *.sch.uk
	} {
		_, err := identity.NormalizeDomain(d)
		require.EqualError(t, err, `invalid domain "`+d+`": "`+d+`" is a public suffix, not a company domain`, d)
	}
	_, err := identity.NormalizeDomain("公司.cn")
	require.EqualError(t, err, `invalid domain "公司.cn": "xn--55qx5d.cn" is a public suffix, not a company domain`)
	for _, d := range []string{
		"github.io", "blogspot.com", "co.com", // private suffixes: their owners' domains
		"acme.github.io", "acme.blogspot.com", "acme.co.ke",
		"city.kawasaki.jp", // an exception to *.kawasaki.jp
		"kawasaki.jp", "sch.uk",
		"com.cl", // the table had it; Chile registers names under "cl" itself
	} {
		got, err := identity.NormalizeDomain(d)
		require.NoError(t, err, d)
		require.Equal(t, d, got)
	}
}

// fullWidth writes the ASCII letters and dots of s in their full-width
// forms (U+FF41 for "a", U+FF0E for "."), 3 bytes each.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			r += 0xFF41 - 'a'
		case r == '.':
			r = 0xFF0E
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestNormalizeSalesforceID(t *testing.T) {
	t.Parallel()
	// 0015e00000AbCdE: the 18-character form carries the case in "GAA"-like
	// suffixes; lower-casing the whole ID must not lose it.
	const id15 = "0035e00000AbCdE"
	want18 := id15 + sfSuffix(id15)
	for _, in := range []string{id15, want18, strings.ToLower(want18), strings.ToUpper(want18), " " + want18 + " "} {
		got, err := identity.NormalizeSalesforceID(in)
		require.NoError(t, err, in)
		require.Equal(t, id15, got, in)
	}
	_, err := identity.NormalizeSalesforceID("003abc")
	require.EqualError(t, err, `salesforce ID "003abc": has 6 characters, want 15 or 18`)
	_, err = identity.NormalizeSalesforceID("3")
	require.EqualError(t, err, `salesforce ID "3": has 1 character, want 15 or 18`)
	_, err = identity.NormalizeSalesforceID("0035e00000AbCdE-x")
	require.EqualError(t, err, `salesforce ID "0035e00000AbCdE-x": character '-' not allowed`)
	// The character named is the one in the ID, not its first byte.
	_, err = identity.NormalizeSalesforceID("0035é0000AbCdE")
	require.EqualError(t, err, `salesforce ID "0035é0000AbCdE": character 'é' not allowed`)
}

// sfSuffix computes Salesforce's case-checksum suffix independently of the
// package, as Salesforce documents it.
func sfSuffix(id string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var out []byte
	for chunk := range 3 {
		bits := 0
		for i := range 5 {
			if c := id[chunk*5+i]; c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		out = append(out, alphabet[bits])
	}
	return string(out)
}

func TestNormalizeCompanyName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ACME, Inc.", "acme"},
		{"Acme Incorporated", "acme"},
		{"The Coca-Cola Company", "cocacola"},
		{"Nestlé S.A.", "nestle"},
		{"Nestle S. A.", "nestle"},
		{"JPMorgan Chase & Co.", "jpmorgan chase"},
		{"Procter and Gamble Co.", "procter and gamble"},
		{"Amazon.com, Inc.", "amazon"},
		// A website in the name field names the company as its name does.
		{"www.Amazon.com", "amazon"},
		{"WWW.Very.co.uk", "very"},
		{"www.acme.de", "acme"},
		{"Www.Acme", "acme"},
		{"WWW Corp", "www"},
		{"www.com", "www"},
		{"McDonald's Corporation", "mcdonalds"},
		{"Wal-Mart Inc", "walmart"},
		{"Volkswagen Aktiengesellschaft", "volkswagen"},
		{"Globex GmbH & Co. KG", "globex"},
		{"Globex UK Ltd", "globex uk"},
		// Legal forms of several words, or with words between their parts.
		{"Globex S.A. de C.V.", "globex"},
		{"Globex, S.A.B. de C.V.", "globex"},
		{"Globex S. de R.L. de C.V.", "globex"},
		{"Globex sp. z o.o.", "globex"},
		{"Globex Sp. z o. o.", "globex"},
		{"Globex S.à r.l.", "globex"},
		{"Globex Pvt. Ltd.", "globex"},
		{"Globex Private Limited", "globex"},
		{"Globex Limited Liability Company", "globex"},
		{"Globex GmbH & Co. KGaA", "globex"},
		{"Globex e.K.", "globex"},
		{"Globex AB (publ)", "globex"},
		{"Globex UAB", "globex"},
		{"Globex SIA", "globex"},
		{"Globex OÜ", "globex"},
		{"S.A. de C.V.", ""},
		// ... but not words that merely look like parts of one.
		{"Banco de Chile", "banco de chile"},
		{"Private Equity Partners", "private equity partners"},
		{"Alibaba Group Holding Limited", "alibaba"},
		{"삼성전자주식회사", "삼성전자"},
		{"トヨタ自動車株式会社", "トヨタ自動車"},
		// A CJK legal form written apart from the name, before or after
		// it, as Korean names often are.
		{"삼성전자 주식회사", "삼성전자"},
		{"주식회사 카카오", "카카오"},
		{"トヨタ自動車 株式会社", "トヨタ自動車"},
		{"株式会社 ソニー", "ソニー"},
		{"华为技术 有限公司", "华为技术"},
		// An abbreviated legal form in parentheses, before or after the
		// name, in ASCII or full-width parentheses or as one symbol.
		{"삼성전자(주)", "삼성전자"},
		{"(주)카카오", "카카오"},
		{"(주) 카카오", "카카오"},
		{"㈜카카오", "카카오"},
		{"ソニー(株)", "ソニー"},
		{"（株）ソニー", "ソニー"},
		{"ソニー㈱", "ソニー"},
		{"トヨタ自動車（有）", "トヨタ自動車"},
		{"Globex (Asia) Ltd", "globex asia"},
		// Letters that fold to two: a name as its own country writes it
		// and as an ASCII system stores it have one key.
		{"Großhandel Straße AG", "grosshandel strasse"},
		{"GROSSHANDEL STRASSE AG", "grosshandel strasse"},
		{"Ærø Færgen ApS", "aero faergen"},
		{"Œuvre Lyonnaise SA", "oeuvre lyonnaise"},
		// Greek written in capitals, which drop the accents, and in
		// small letters, with a final sigma; Russian with ё or е.
		{"ΩΜΕΓΑ ΤΕΧΝΙΚΗ Α.Ε.", "ωμεγα τεχνικη"},
		{"Ωμέγα Τεχνική Α.Ε.", "ωμεγα τεχνικη"},
		{"Ωμέγα Τεχνική ΑΕ", "ωμεγα τεχνικη"},
		{"ΑΛΦΑΣ Ε.Π.Ε.", "αλφασ"},
		{"Άλφας ΙΚΕ", "αλφασ"},
		{"Ёлка ООО", "елка"},
		{"Елка", "елка"},
		// Vietnamese, with its tones and its legal forms written before
		// the name.
		{"Công ty Cổ phần Sữa Việt Nam", "sua viet nam"},
		{"CÔNG TY TNHH SỮA VIỆT NAM", "sua viet nam"},
		{"Sữa Việt Nam JSC", "sua viet nam"},
		{"Sua Viet Nam", "sua viet nam"},
		// A web name under a country's second-level domain.
		{"Very.co.uk Ltd", "very"},
		{"Acme.com.au Pty Ltd", "acme"},
		{"Safaricom.co.ke PLC", "safaricom"},
		{"Jumia.com.ng", "jumia"},
		{"Inc.", ""},
		{"", ""},
		{"  ", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, identity.NormalizeCompanyName(tt.in), tt.in)
	}
}

// TestNormalizeCompanyNameLegalForms: a name with the legal form of its
// country, abbreviated or written out, has the key of the name alone, so
// that a lead's "Globex Kft." finds the account "Globex".
func TestNormalizeCompanyNameLegalForms(t *testing.T) {
	t.Parallel()
	tests := []struct{ country, name string }{
		{"Hungary", "Globex Kft."},
		{"Hungary", "Globex Zrt."},
		{"Hungary", "Globex Nyrt."},
		{"Croatia, Slovenia, Serbia", "Globex d.o.o."},
		{"Croatia, Slovenia", "Globex d.d."},
		{"Czechia", "Globex spol. s r.o."},
		{"Iceland", "Globex ehf."},
		{"Malaysia", "Globex Berhad"},
		{"Malaysia", "Globex Sendirian Berhad"},
		{"Japan", "Globex Kabushiki Kaisha"},
		{"Japan", "Globex Godo Kaisha"},
		{"Germany", "Globex Gesellschaft mit beschränkter Haftung"},
		{"Germany", "Globex UG (haftungsbeschränkt)"},
		{"Germany", "Globex gGmbH"},
		{"Italy", "Globex Società per Azioni"},
		{"Italy", "Globex Società a responsabilità limitata"},
		{"Italy", "Globex S.n.c."},
		{"Spain", "Globex Sociedad Anónima"},
		{"Spain", "Globex Sociedad Limitada"},
		{"Latin America", "Globex Sociedad de Responsabilidad Limitada"},
		{"Portugal", "Globex Sociedade Anónima"},
		{"Brazil", "Globex Sociedade Anônima"},
		{"Brazil", "Globex EIRELI"},
		{"France", "Globex Société Anonyme"},
		{"France", "Globex Société par actions simplifiée"},
		{"France", "Globex Société à responsabilité limitée"},
		{"France", "Globex EURL"},
		{"Netherlands", "Globex Naamloze Vennootschap"},
		{"Netherlands", "Globex Besloten Vennootschap"},
		{"Belgium", "Globex BVBA"},
		{"Belgium", "Globex SPRL"},
		{"Sweden", "Globex Aktiebolag"},
		{"Denmark", "Globex Aktieselskab"},
		{"Denmark", "Globex Anpartsselskab"},
		{"Norway", "Globex Aksjeselskap"},
		{"Finland", "Globex Osakeyhtiö"},
		{"Turkey", "Globex Anonim Şirketi"},
		{"Turkey", "Globex Ltd. Şti."},
		{"Turkey", "Globex Limited Şirketi"},
		{"Ireland", "Globex Teoranta"},
		{"United Kingdom", "Globex Public Limited Company"},
		{"Thailand", "Globex Public Company Limited"},
		{"United States", "Globex LLLP"},
		{"Portugal", "Globex, Lda."},
		{"Portugal", "Globex Unipessoal Lda"},
		{"Brazil", "Globex Ltda. ME"},
		{"Brazil", "Globex Ltda EPP"},
		{"Spain", "Globex S.A.U."},
		{"Peru", "Globex S.A.C."},
		{"Chile, Peru", "Globex EIRL"},
		{"Austria", "Globex GesmbH"},
		{"Austria", "Globex Ges.m.b.H."},
		{"Germany", "Globex Kommanditgesellschaft"},
		{"Italy", "Globex S.r.l.s."},
		{"South Africa", "Globex Proprietary Limited"},
		// Legal forms written before the name, as Russian ones are.
		{"Russia", "OOO Globex"},
		{"Russia", "ZAO «Globex»"},
		{"Russia", "PJSC Globex"},
		{"Russia", "JSC Globex"},
	}
	for _, tt := range tests {
		require.Equal(t, "globex", identity.NormalizeCompanyName(tt.name), "%s (%s)", tt.name, tt.country)
	}
	// The same in Cyrillic, before or after the name.
	for _, name := range []string{"ООО «Яндекс»", "ПАО Яндекс", "АО \"Яндекс\"", "Яндекс ООО", "ЗАО Яндекс", "ОАО Яндекс"} {
		require.Equal(t, "яндекс", identity.NormalizeCompanyName(name), name)
	}
}

// TestNormalizeCompanyNamePairs measures the normaliser on the labelled
// pairs in testdata: two names match when their keys are equal. No
// different-company pair may match; every same-company pair must match
// except the known limits (tickers, acronyms, renames, other scripts,
// dropped words), which are listed so that an improvement shows up here.
func TestNormalizeCompanyNamePairs(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/company-name-pairs.csv")
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	knownLimits := map[[2]string]bool{}
	for _, p := range [][2]string{
		{"Apple Inc", "AAPL"}, {"Microsoft Corporation", "MSFT"},
		{"Meta Platforms Inc", "Facebook Inc"}, {"International Business Machines", "IBM"},
		{"International Business Machines Corp.", "IBM Corporation"}, {"General Electric Company", "GE"},
		{"Procter & Gamble", "P&G"}, {"삼성전자주식회사", "Samsung Electronics"},
		{"삼성전자주식회사", "Samsung Electronics Co., Ltd."}, {"삼성전자", "Samsung Electronics"},
		{"トヨタ自動車株式会社", "Toyota Motor Corporation"}, {"BMW AG", "Bayerische Motoren Werke AG"},
		{"British Petroleum", "BP plc"}, {"British Petroleum", "BP"},
		{"华为技术有限公司", "Huawei Technologies Co., Ltd."}, {"华为技术有限公司", "Huawei Technologies"},
		{"华为", "Huawei"}, {"阿里巴巴集团控股有限公司", "Alibaba Group Holding Limited"},
		{"阿里巴巴集团控股有限公司", "Alibaba Group"}, {"阿里巴巴", "Alibaba"},
		{"腾讯控股有限公司", "Tencent Holdings Ltd"}, {"腾讯控股有限公司", "Tencent Holdings Limited"},
		{"腾讯", "Tencent"}, {"百度在线网络技术（北京）公司", "Baidu, Inc."}, {"百度", "Baidu Inc"},
		{"ソニーグループ株式会社", "Sony Group Corporation"}, {"ソニー", "Sony"},
		{"アディダスジャパン株式会社", "Adidas Japan"}, {"スターバックスコーヒージャパン", "Starbucks Coffee Japan"},
		{"Amazon Web Services", "AWS"}, {"Deloitte Touche Tohmatsu Limited", "Deloitte"},
		{"PricewaterhouseCoopers", "PwC"}, {"Ernst & Young", "EY"},
	} {
		knownLimits[p] = true
	}
	var tp, fp, tn, fn int
	var gotLimits, unexpectedMiss, falseMatch []string
	for _, r := range rows[1:] {
		x, y, same := r[0], r[1], r[2] == "1"
		match := identity.NormalizeCompanyName(x) == identity.NormalizeCompanyName(y)
		switch {
		case same && match:
			tp++
			require.False(t, knownLimits[[2]string{x, y}], "%q ~ %q now matches: remove it from knownLimits", x, y)
		case same && !match:
			fn++
			if knownLimits[[2]string{x, y}] {
				gotLimits = append(gotLimits, x+" ~ "+y)
			} else {
				unexpectedMiss = append(unexpectedMiss, x+" ~ "+y)
			}
		case !same && match:
			fp++
			falseMatch = append(falseMatch, x+" ~ "+y)
		default:
			tn++
		}
	}
	require.Empty(t, unexpectedMiss, "same-company pairs that should match")
	require.Empty(t, falseMatch, "different companies that match")
	require.Equal(t, len(knownLimits), len(gotLimits))
	total := tp + fp + tn + fn
	t.Logf("pairs %d: accuracy %.1f%%, precision %.1f%%, recall %.1f%% (%d of %d same-company pairs; %d known limits)",
		total, 100*float64(tp+tn)/float64(total), 100*float64(tp)/float64(tp+fp), 100*float64(tp)/float64(tp+fn), tp, tp+fn, fn)
	require.Equal(t, 127, total)
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"ann@acme.com", " Ann@ACME.com ", "mailto:x@y.z", "a@b@c", "@", "ann@acme..com", "ä@ü.de", "a@b.c.",
		"Jörg@Bücher.DE", "ann@例え。jp", "Иван@Пример.РФ", "ann@ＡＣＭＥ．com", "ann@bü_cher.de", "ann@bücher.de。.",
		"ann@1.2.3.4", "ann@[1.2.3.4]", "ann@0x7f.1", "ann@acme.123", "ann@localhost"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.NormalizeEmail(s)
		if err != nil {
			if !errors.Is(err, identity.ErrInvalidEmail) {
				t.Fatalf("error %v does not match ErrInvalidEmail", err)
			}
			return
		}
		again, err := identity.NormalizeEmail(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		d := identity.EmailDomain(got)
		if d == "" {
			t.Fatalf("%q has no domain", got)
		}
		// No mail host is a number, as an IP address is.
		if last := d[strings.LastIndexByte(d, '.')+1:]; strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
			t.Fatalf("%q -> %q, whose top-level label is a number", s, got)
		}
	})
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"acme.com", "https://www.Acme.com/x", "co.uk", "a..b", "x:80", "-a.com", "ü.de",
		"https://www.Bücher.DE:80/x", "例え。テスト", "ПРИМЕР.РФ", "ｗｗｗ．acme.com", "faß.de", "bücher.de。.", "xn--bcher-kva.de", "ｃｏ．ｕｋ", "-bücher.de",
		"XN--BCHER-KVA.DE", "xn--a.com", "xn--a-xbb.com", "xn--4dbcd.1a.com", "ab--cd.xn--bcher-kva.de", "xn--zzzz-invalid.com",
		"\u200eacme.com\u200f", "https://acme.com\u200e:80/x", "1.2.3.4", "[::1]:80", "2001:db8::1", "0x7f.1", "acme.123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.NormalizeDomain(s)
		if err != nil {
			if !errors.Is(err, identity.ErrInvalidDomain) {
				t.Fatalf("error %v does not match ErrInvalidDomain", err)
			}
			return
		}
		again, err := identity.NormalizeDomain(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		// No company domain is a number, as an IP address is.
		if last := got[strings.LastIndexByte(got, '.')+1:]; strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
			t.Fatalf("%q -> %q, whose top-level label is a number", s, got)
		}
		if !strings.HasPrefix(got, "xn--") && !strings.Contains(got, ".xn--") {
			return // no label in punycode ("ab--xn--c.de" has none)
		}
		// The name written in Unicode is the same domain.
		u, err := idna.Lookup.ToUnicode(got)
		if err != nil {
			t.Fatalf("%q -> %q, which UTS #46 refuses: %v", s, got, err)
		}
		if again, err := identity.NormalizeDomain(u); err != nil || again != got {
			t.Fatalf("%q -> %q, written in Unicode %q -> %q, %v", s, got, u, again, err)
		}
	})
}

func FuzzNormalizeCompanyName(f *testing.F) {
	for _, s := range []string{"ACME, Inc.", "Nestlé S.A.", "S. A.", "the", "Amazon.com", "株式会社", "a.b.c.d", "\xff\xfe", "S.A. de C.V.", "sp. z o. o.", "x de c.v."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := identity.NormalizeCompanyName(s)
		if !utf8.ValidString(got) {
			t.Fatalf("%q -> invalid UTF-8 %q", s, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") || strings.ContainsRune(got, 0) {
			t.Fatalf("%q -> badly spaced key %q", s, got)
		}
		if diff := cmp.Diff(strings.ToLower(got), got); diff != "" && isASCII(got) {
			t.Fatalf("%q -> key not lower case (-want +got):\n%s", s, diff)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
