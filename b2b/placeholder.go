package b2b

import "strings"

// PlaceholderEmail reports whether addr is an address that forms and
// imports fill in for a person who gave none (noreply@acme.com,
// unknown@unknown.com, test@example.com): one whose local part, in any
// letter case and with the blanks around the address ignored, is one of
// noreply, no-reply, no_reply, no.reply, donotreply, do-not-reply,
// do_not_reply, do.not.reply, nobody, none, null, unknown, noemail,
// no-email, no_email, nomail, no-mail, test or invalid. Persons who are
// not the same share such an address, so it identifies none of them:
// identity links no records by it, and an erasure (governance.PlanErasure,
// the engine's suppression list) takes it for nobody's. A value without @
// is no address, and no placeholder either.
func PlaceholderEmail(addr string) bool {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at > maxPlaceholderLocal {
		return false
	}
	var buf [maxPlaceholderLocal]byte
	for i := range at {
		c := addr[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return placeholderLocals[string(buf[:at])]
}

// placeholderLocals are the local parts of placeholder addresses, in
// lower case.
var placeholderLocals = map[string]bool{
	"noreply": true, "no-reply": true, "no_reply": true, "no.reply": true,
	"donotreply": true, "do-not-reply": true, "do_not_reply": true, "do.not.reply": true,
	"nobody": true, "none": true, "null": true, "unknown": true,
	"noemail": true, "no-email": true, "no_email": true, "nomail": true, "no-mail": true,
	"test": true, "invalid": true,
}

// maxPlaceholderLocal is the length of the longest of placeholderLocals.
const maxPlaceholderLocal = len("do.not.reply")

// MinPhoneDigits is the fewest digits of a phone number that identifies a
// person: fewer is a placeholder ("0", "000", "n/a"), shared by persons
// who are not the same, or digits more often a year or an amount than a
// number anyone dials.
const MinPhoneDigits = 7

// PlaceholderPhone reports whether the phone number s identifies nobody:
// it has fewer than [MinPhoneDigits] digits (none at all included), or
// its digits are what a form or an import fills in for a number nobody
// gave, one digit repeated (000-000-0000, 999 999 9999) or digits
// counting up (123-456-7890, 0123456789). The digits are read as
// governance reads a number: whatever stands between them is ignored,
// and a leading 00 with no + before it is the international call prefix,
// not part of the number ("0044 20 7946 0000" is +44 20 7946 0000, and
// "00 1234567" is 1234567, counting up).
func PlaceholderPhone(s string) bool {
	start, plus := 0, false
	for ; start < len(s); start++ {
		if c := s[start]; c >= '0' && c <= '9' {
			break
		} else if c == '+' {
			plus = true
		}
	}
	// The 00 of the international call prefix, when no + comes first.
	skip := 0
	if !plus {
		for i := start; i < len(s) && skip < 2; i++ {
			if c := s[i]; c == '0' {
				skip++
			} else if c >= '1' && c <= '9' {
				break
			}
		}
	}
	if skip < 2 {
		skip = 0
	}
	n, same, up := 0, true, true
	var first, prev byte
	for i := start; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if n == 0 {
			first = c
		} else {
			same = same && c == first
			up = up && c == '0'+(prev-'0'+1)%10
		}
		prev = c
		n++
	}
	return n < MinPhoneDigits || same || up
}
