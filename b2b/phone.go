package b2b

import "strings"

// NormalizePhone is how a phone number identifies a person: its digits
// after a '+' ("+15550100" for "+1 (555) 0100" and "1 555 0100"), "" without
// digits; whatever stands between the digits is ignored. A number whose
// digits start with 00 and that has no '+' before them is written with
// the international call prefix of most of the world instead of its '+':
// "0044 20 7946 0000" is "+442079460000", as "+44 20 7946 0000" is. No
// country code starts with 0, so 00 starts no number in international
// format, and no national number either (0 is the trunk prefix, and no
// area code starts with 0 after it). Other exit codes are not read so
// (011 from North America, 010 from Japan): each is also how national
// numbers start somewhere (011 is Delhi's and Johannesburg's area code
// after the trunk prefix, 010 Beijing's), so "011 2345 6789" stays
// "+01123456789". It reads a number as [PlaceholderPhone] does, and
// [E164Phone] gives the same number where it gives one.
func NormalizePhone(s string) string {
	n, plus, zeros := 0, false, 0 // digits, a '+' before the first, leading zeros (up to 2)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if c == '0' && zeros == n && n < 2 {
				zeros++
			}
			n++
		case c == '+' && n == 0:
			plus = true
		}
	}
	skip := 0 // the 00 of the international call prefix
	if !plus && zeros == 2 {
		skip = 2
	}
	if n == skip {
		return ""
	}
	var b strings.Builder
	b.Grow(1 + n - skip)
	b.WriteByte('+')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			if skip > 0 {
				skip--
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// E164Phone returns the phone number s in E.164 form, the form an SMS is
// addressed to: "+442079460958" for "+44 20 7946 0958", for
// "0044 20 7946 0958" and for "(0044) 20-7946-0958". s must be written in
// international format: a '+' or the international call prefix 00 before
// the digits of the country code and the number (read as
// [NormalizePhone] reads them), with nothing but spaces, hyphens, dots,
// slashes and brackets around and between them; the number has 7 to 15
// digits, the first not 0 (the shortest numbers in use have 7: Niue's and
// Tokelau's, a three-digit country code and four digits). ok is false
// otherwise: a number in national format ("020 7946 0958", "(415)
// 555-0100") does not say its country, one with letters ("ext. 12", "+1
// 800 FLOWERS") is not only a number, and a trunk prefix in brackets
// after the country code ("+44 (0)20 7946 0958") is dialled at home only,
// so which digits make the number is not sure. A number already in E.164
// is returned as it is, without allocating.
func E164Phone(s string) (e164 string, ok bool) {
	plus, same := false, true // a '+' before the digits; s is already in E.164
	digits, first2 := 0, 0    // digits, and the first two of them as a number
	open, inside, zeros := false, 0, true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits < 2 {
				first2 = first2*10 + int(c-'0')
			}
			digits++
			if open {
				inside++
				zeros = zeros && c == '0'
			}
		case c == '+':
			if plus || digits > 0 {
				return "", false
			}
			plus, same = true, same && i == 0
		case c == '(':
			if open {
				return "", false
			}
			open, inside, zeros, same = true, 0, true, false
		case c == ')':
			// Zeros in brackets after other digits are a trunk prefix
			// ("+44 (0)20"); before them, the call prefix ("(00) 44").
			if !open || inside > 0 && zeros && digits > inside {
				return "", false
			}
			open, same = false, false
		case c == ' ' || c == '-' || c == '.' || c == '/':
			same = false
		default:
			return "", false
		}
	}
	if open || !plus && (digits < 2 || first2 != 0) {
		return "", false // an unclosed bracket; neither + nor 00
	}
	if same && plus {
		e164 = s
	} else {
		e164 = NormalizePhone(s)
	}
	if n := len(e164) - 1; n < 7 || n > 15 || e164[1] == '0' {
		return "", false
	}
	return e164, true
}
