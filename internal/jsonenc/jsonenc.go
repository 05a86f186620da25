// Package jsonenc appends JSON values exactly as encoding/json encodes
// them, for the few types encoded so often (an event, a payload and a
// receipt for every message) that encoding/json's reflection shows in
// the profile. Each type's encoder is held to encoding/json by a
// differential test next to the type.
package jsonenc

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// String appends s quoted as encoding/json quotes it: invalid UTF-8 as
// U+FFFD, U+2028 and U+2029 escaped, and with escapeHTML (as
// json.Marshal does) <, > and & escaped too.
func String(buf []byte, s string, escapeHTML bool) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// Time appends t as encoding/json encodes a time.Time, and reports true;
// or reports false, having appended part of it, for a time it leaves to
// encoding/json: one not in UTC, or of a year outside 0-9999 (which
// encoding/json refuses).
func Time(buf []byte, t time.Time) ([]byte, bool) {
	if _, off := t.Zone(); off != 0 || t.Year() < 0 || t.Year() > 9999 {
		return buf, false
	}
	buf = append(buf, '"')
	buf = t.AppendFormat(buf, time.RFC3339Nano)
	return append(buf, '"'), true
}

// Int appends an integer.
func Int(buf []byte, n int) []byte { return strconv.AppendInt(buf, int64(n), 10) }
