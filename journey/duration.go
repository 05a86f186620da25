package journey

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes as text in definitions:
// Go's form ("36h", "90m") or whole days ("5d", "14d"), the unit B2B journeys
// think in. A JSON number is taken as nanoseconds.
//
// A Duration does not keep the unit it was written in: "1d" and "24h" are
// the same Duration (and String writes both as "1d"). Where a journey
// counts calendar days (a wait's For, a listen's Timeout, a cap's Per and
// MaxDefer), every whole 24 hours of the Duration is a day, however it
// was written: "24h" is a day and "36h" a day and 12 hours. See [Wait].
type Duration time.Duration

// Days returns a Duration of n days (n times 24 hours); beyond the
// longest (or shortest) a Duration can be, that one, rather than a
// duration wrapped round to the other sign. Validation refuses a
// duration of 100,001 days or more (100,000 days and part of a day are
// taken).
func Days(n int) Duration {
	const day = 24 * time.Hour
	switch {
	case n > math.MaxInt64/int(day):
		return math.MaxInt64
	case n < math.MinInt64/int(day):
		return math.MinInt64
	}
	return Duration(time.Duration(n) * day)
}

// tooLong says why d, a duration of a definition, is too long to be one:
// it reads back as text only up to 100,000 days (see [ParseDuration]);
// "" when it is not.
func tooLong(d Duration) string {
	if time.Duration(d) < maxLength {
		return ""
	}
	return fmt.Sprintf("%s is too long (at most %d days)", d, maxDays)
}

// ParseDuration reads "5d", "36h", "1d12h" or any Go duration. Days are
// digits alone: a sign is taken only at the start of a Go duration
// ("-36h", "+36h"), neither before days ("+5d", "-0d") nor after them
// ("5d-3h"). "0d" is zero, as "0" and "0s" are. A duration of 100,001
// days or more ("100001d", "2400024h", "9999999999h"), either way, is
// refused with an error matching [ErrDurationTooLong].
func ParseDuration(s string) (Duration, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		if strings.TrimLeft(s[:i], "0123456789") != "" {
			// A sign ("+5d", "-0d"), a space, a fraction: days are
			// written in digits alone.
			return 0, fmt.Errorf("invalid duration %q: days are a whole number without a sign, such as 5d", in)
		}
		n, err := strconv.Atoi(s[:i])
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange), err == nil && n > maxDays:
			return 0, fmt.Errorf("%w: %q (at most %d days)", ErrDurationTooLong, in, maxDays)
		case err != nil:
			return 0, fmt.Errorf("invalid duration %q", in)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return Duration(days), nil
		}
		// Go's form takes a sign at its start; after the days it would
		// count them down ("5d-3h" as 4d21h).
		if s[0] == '-' || s[0] == '+' {
			return 0, fmt.Errorf("invalid duration %q", in)
		}
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil && goDuration(s):
		// Written as it should be: time.ParseDuration refuses it for
		// being longer than a time.Duration can be.
		return 0, fmt.Errorf("%w: %q (at most %d days)", ErrDurationTooLong, in, maxDays)
	case err != nil:
		return 0, fmt.Errorf("invalid duration %q", in)
	case d >= maxLength-days || d <= -maxLength:
		return 0, fmt.Errorf("%w: %q (at most %d days)", ErrDurationTooLong, in, maxDays)
	}
	return Duration(days + d), nil
}

// maxDays is the longest duration in days ParseDuration takes: 273
// years, well inside time.Duration's range. It takes what is left of a
// day after them ("100000d23h"), and no more in Go's form, so that
// every duration it takes writes as text it takes (2400024h would write
// as 100001d).
const maxDays = 100000

// maxLength is the first length ParseDuration refuses.
const maxLength = (maxDays + 1) * 24 * time.Hour

// goDuration reports whether s is written as time.ParseDuration reads a
// duration, whatever its size: an optional sign, then "0" or numbers
// (digits, with a fraction or not) each followed by a unit.
func goDuration(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "0" {
		return true
	}
	if s == "" {
		return false
	}
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
		if i < 0 {
			return false // a number without a unit
		}
		num := s[:i]
		if whole, frac, _ := strings.Cut(num, "."); strings.Count(num, ".") > 1 || whole == "" && frac == "" {
			return false
		}
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return r == '.' || r >= '0' && r <= '9' })
		if j < 0 {
			j = len(s)
		}
		switch s[:j] {
		case "ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h":
		default:
			return false
		}
		s = s[j:]
	}
	return true
}

// ErrDurationTooLong is matched by the error of a duration that is well
// formed but longer than a duration can be.
var ErrDurationTooLong = errors.New("duration too long")

// String writes whole days as "5d" and anything else in Go's form.
func (d Duration) String() string {
	var room [24]byte
	return string(d.appendText(room[:0]))
}

// appendText appends the duration as String writes it to b.
func (d Duration) appendText(b []byte) []byte {
	td := time.Duration(d)
	if td > 0 && td%(24*time.Hour) == 0 {
		return append(strconv.AppendInt(b, int64(td/(24*time.Hour)), 10), 'd')
	}
	return append(b, td.String()...)
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads text ("5d") or a whole number of nanoseconds
// (null is zero); a value of another type is refused with what it is.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	if string(b) == "null" {
		*d = 0 // null is no duration
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		// Not text, a number or null: say what it is, not which Go
		// type would not take it.
		got := "an object"
		switch {
		case len(b) > 0 && b[0] == '[':
			got = "a list"
		case string(b) == "true" || string(b) == "false":
			got = string(b)
		}
		return fmt.Errorf("expected a duration such as 5d or 36h, or a whole number of nanoseconds, got %s", got)
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(string(n), 64); errors.Is(err, strconv.ErrRange) || ferr != nil || math.Abs(f) >= 1<<63 {
			return fmt.Errorf("the number %s is out of range for a duration", n)
		}
		return fmt.Errorf("expected a duration such as 5d or 36h, or a whole number of nanoseconds, got the number %s", n)
	}
	*d = Duration(i)
	return nil
}
