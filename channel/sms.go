package channel

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The encodings an SMS text is sent in.
const (
	// EncodingGSM7 is the GSM 03.38 default alphabet, 7 bits a
	// character: 160 septets in one SMS, 153 in each part of a longer
	// one. A character of its extension table (€ [ ] { } ~ ^ \ | and form
	// feed) takes two septets, an escape and itself.
	EncodingGSM7 = "GSM-7"
	// EncodingUCS2 is UTF-16, which a text takes as a whole as soon as
	// one of its characters is not in GSM-7 (an emoji, a curly quote,
	// a Cyrillic letter, ç): 70 code units in one SMS, 67 in each part of
	// a longer one; a character outside the Basic Multilingual Plane (an
	// emoji) takes two.
	EncodingUCS2 = "UCS-2"
)

// DefaultSMSMaxSegments is the number of SMS parts a rendered SMS may
// take when neither its template (SMSTemplate.MaxSegments) nor the set
// (TemplateSet.SMSMaxSegments) says otherwise: 459 GSM-7 characters, or
// 201 UCS-2 code units.
const DefaultSMSMaxSegments = 3

// SMSLength is how long a text is as an SMS.
type SMSLength struct {
	Encoding string // EncodingGSM7 or EncodingUCS2
	// Units counts septets (GSM-7) or UTF-16 code units (UCS-2).
	Units int
	// Segments is the number of SMS the text is sent as: 1 up to 160
	// septets or 70 code units; beyond, concatenated parts of 153 septets
	// or 67 code units each (the rest of a part holds the header that
	// joins them), an extension character's escape never split from it
	// nor a surrogate pair. 0 for an empty text.
	Segments int
}

// SMSSegments measures text as an SMS, the way providers and handsets
// count it: in GSM-7 when every character is in its default alphabet or
// extension table, else in UCS-2 (see EncodingGSM7, EncodingUCS2). A
// run of invalid UTF-8 bytes counts as one replacement character U+FFFD,
// which the senders (channel/smshttp) put in its place.
func SMSSegments(text string) SMSLength {
	text = strings.ToValidUTF8(text, "\uFFFD")
	enc, single, part := EncodingGSM7, 160, 153
	if _, ok := firstNonGSM(text); ok {
		enc, single, part = EncodingUCS2, 70, 67
	}
	units := 0
	for _, r := range text {
		units += smsWidth(r, enc)
	}
	out := SMSLength{Encoding: enc, Units: units}
	switch {
	case units == 0:
	case units <= single:
		out.Segments = 1
	default:
		// Parts are filled in turn; a character that does not fit whole
		// in what is left of one starts the next.
		out.Segments = 1
		used := 0
		for _, r := range text {
			w := smsWidth(r, enc)
			if used+w > part {
				out.Segments++
				used = 0
			}
			used += w
		}
	}
	return out
}

// smsWidth is how many units r takes in enc.
func smsWidth(r rune, enc string) int {
	if enc == EncodingUCS2 {
		if r > 0xFFFF {
			return 2 // a surrogate pair
		}
		return 1
	}
	if gsmExtension(r) {
		return 2
	}
	return 1
}

// firstNonGSM returns the first character of text that GSM-7 cannot
// write (an invalid byte is U+FFFD).
func firstNonGSM(text string) (rune, bool) {
	for _, r := range text {
		if !gsmBasic(r) && !gsmExtension(r) {
			return r, true
		}
	}
	return 0, false
}

// gsmBasicNonASCII are the characters of the GSM 03.38 default alphabet
// outside ASCII.
const gsmBasicNonASCII = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"

// gsmBasic reports whether r is in the GSM 03.38 default alphabet.
func gsmBasic(r rune) bool {
	if r < utf8.RuneSelf {
		switch {
		case r == '\n' || r == '\r':
			return true
		case r < ' ' || r == 0x7F:
			return false
		}
		// Every printable ASCII character but those of the extension
		// table and `, which GSM-7 lacks.
		switch r {
		case '[', ']', '{', '}', '~', '^', '\\', '|', '`':
			return false
		}
		return true
	}
	for _, g := range gsmBasicNonASCII {
		if g == r {
			return true
		}
	}
	return false
}

// gsmExtension reports whether r is in the GSM 03.38 extension table,
// written as an escape and a septet.
func gsmExtension(r rune) bool {
	switch r {
	case '\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€':
		return true
	}
	return false
}

// ErrSMSTooLong is matched by the render error of an SMS whose text takes
// more parts than its template allows.
var ErrSMSTooLong = errors.New("sms text too long")

// SMSLengthError is a rendered SMS text that takes more parts than its
// template allows (see SMSTemplate.MaxSegments).
type SMSLengthError struct {
	Length SMSLength
	Max    int
	// Limit says where Max comes from.
	Limit string
	// NonGSM is, in a UCS-2 text, its first character GSM-7 cannot write.
	NonGSM rune
}

func (e *SMSLengthError) Error() string {
	unit := "septets"
	if e.Length.Encoding == EncodingUCS2 {
		unit = "code units"
	}
	msg := fmt.Sprintf("the text is %d %s %s, %d SMS parts; at most %d (%s)", e.Length.Units, e.Length.Encoding, unit, e.Length.Segments, e.Max, e.Limit)
	if e.Length.Encoding == EncodingUCS2 {
		msg += fmt.Sprintf("; %q is not in the GSM-7 alphabet, so the whole text is UCS-2: 70 code units in one SMS, 67 a part", string(e.NonGSM))
	}
	return msg
}

// Is reports whether target is ErrSMSTooLong.
func (e *SMSLengthError) Is(target error) bool { return target == ErrSMSTooLong }

// checkSMSLength returns an *SMSLengthError if text takes more than max
// parts.
func checkSMSLength(text string, maxParts int, limit string) error {
	l := SMSSegments(text)
	if l.Segments <= maxParts {
		return nil
	}
	e := &SMSLengthError{Length: l, Max: maxParts, Limit: limit}
	e.NonGSM, _ = firstNonGSM(text)
	return e
}
