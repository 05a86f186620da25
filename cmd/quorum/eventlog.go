package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// An event log file is JSON Lines: one store.Event per line, in the
// log's order (increasing seq), each with the tenant it belongs to:
//
//	{"seq":1,"tenant":"default","account":"acc-000001","time":"2025-01-06T00:00:00Z","type":"buyinggroup.group_created","data":{...}}
//
// seq (a whole number, however JSON writes it: 1e3 is 1000), tenant,
// account, time (RFC 3339) and type are required; person is
// there when the event concerns one; data is the event's own JSON
// encoding, as the engine logged it, left out when the event has none.
// One file holds one tenant's log. Blank lines are skipped, and so is a
// UTF-8 byte-order mark before the first line; no other field is allowed.
// simulate --events writes such a file and report reads it.
type logLine struct {
	Seq     logSeq          `json:"seq"`
	Tenant  store.Tenant    `json:"tenant"`
	Account b2b.AccountID   `json:"account"`
	Person  b2b.PersonID    `json:"person,omitempty"`
	Time    time.Time       `json:"time"`
	Type    string          `json:"type"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// A logSeq is a line's seq: a JSON number that is whole, however it is
// written (1000, 1e3, 1000.0), within int64's range. Go's decoder takes
// only the digits of an integer into an int64, where JSON knows no
// integers apart from other numbers.
type logSeq int64

// UnmarshalJSON reads a whole number; anything else is an
// *json.UnmarshalTypeError, as the decoder's own for an int64 field.
func (s *logSeq) UnmarshalJSON(b []byte) error {
	var kind string
	switch b[0] {
	case 'n':
		return nil // null, as for an int64: no seq
	case '"':
		kind = "string"
	case 't', 'f':
		kind = "bool"
	case '{':
		kind = "object"
	case '[':
		kind = "array"
	default:
		// Every line of a log has one: the digits alone, as the engine
		// writes a seq, are read without the general case's work.
		if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			*s = logSeq(v)
			return nil
		}
		if v, ok := wholeNumber(string(b)); ok {
			*s = logSeq(v)
			return nil
		}
		kind = "number " + string(b)
	}
	return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[int64]()}
}

// wholeNumber returns the value of a JSON number literal when it is a
// whole number within int64's range. It works on the digits, not
// through a float64 (which holds no int64 past 2^53 exactly) nor a
// big number (an exponent of a billion digits would take the memory).
func wholeNumber(lit string) (int64, bool) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp, _ := strings.Cut(strings.ToLower(lit), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, true // 0, 0.0, 0e9: whatever the exponent
	}
	e := -len(frac)
	expNeg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
	switch {
	case len(exp) > 18: // no line holds the digits that would bring it back
		return 0, false
	case exp != "":
		n, err := strconv.Atoi(exp)
		if err != nil {
			return 0, false
		}
		if expNeg {
			n = -n
		}
		e += n
	}
	trimmed := strings.TrimRight(digits, "0")
	e += len(digits) - len(trimmed)
	if e < 0 || len(trimmed)+e > 19 {
		return 0, false
	}
	text := trimmed + strings.Repeat("0", e)
	if neg {
		text = "-" + text
	}
	v, err := strconv.ParseInt(text, 10, 64)
	return v, err == nil
}

// simTenant is the tenant a simulation runs in, and names in its log.
const simTenant store.Tenant = "default"

// maxLogProblems is how many problems of an event log are listed before
// the rest are only counted.
const maxLogProblems = 20

// writeEvents writes a tenant's events to w as an event log file; ctx's
// cancellation stops it with ctx's error.
func writeEvents(ctx context.Context, w io.Writer, tenant store.Tenant, events []store.Event) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // the data stays the bytes the engine logged
	for i, ev := range events {
		if i%1024 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if len(ev.Data) > 0 && !json.Valid(ev.Data) {
			return fmt.Errorf("event %d (%s): its data is not JSON", ev.Seq, ev.Type)
		}
		l := logLine{Seq: logSeq(ev.Seq), Tenant: tenant, Account: ev.Account, Person: ev.Person, Time: ev.Time, Type: ev.Type, Data: ev.Data}
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("event %d (%s): %w", ev.Seq, ev.Type, err)
		}
	}
	return bw.Flush()
}

// logError lists the problems of an event log, each as "file:line: what".
type logError struct {
	problems []string
	more     int // problems found past maxLogProblems
}

func (e *logError) add(format string, args ...any) {
	if len(e.problems) < maxLogProblems {
		e.problems = append(e.problems, fmt.Sprintf(format, args...))
	} else {
		e.more++
	}
}

func (e *logError) Error() string {
	s := strings.Join(e.problems, "\n")
	if e.more > 0 {
		s += fmt.Sprintf("\n(and %d more problems)", e.more)
	}
	return s
}

func (e *logError) errOrNil() error {
	if len(e.problems) == 0 {
		return nil
	}
	return e
}

// readEvents reads an event log file (name is for the messages) and
// returns its tenant and its events, with the number of the line each
// came from. check, unless nil, is given each well-formed event in turn
// (an analytics.Collector's Add): its error is a problem of the event's
// line, told with those of the other lines. A log with problems returns
// every one (up to maxLogProblems), in the order of the lines, as a
// *logError, each with its file and line; a log without events returns a
// tenant of "" and no error.
func readEvents(name string, r io.Reader, check func(store.Event) error) (store.Tenant, []store.Event, []int, error) {
	var (
		events []store.Event
		lines  []int
	)
	tenant, err := scanEvents(name, r, func(ev store.Event, line int) error {
		events = append(events, ev)
		lines = append(lines, line)
		if check != nil {
			return check(ev)
		}
		return nil
	})
	if err != nil {
		return "", nil, nil, err
	}
	return tenant, events, lines, nil
}

// scanEvents reads an event log file (name is for the messages) line by
// line, and gives each well-formed event in turn, with its line, to each
// as soon as its line is read, keeping none: a log of any length takes
// the memory of one line. each's error is a problem of the event's line,
// told with those of the other lines. It returns the log's tenant ("" for
// a log without events) or, for a log with problems, every one (up to
// maxLogProblems), in the order of the lines, as a *logError, each with
// its file and line; each has then been given the well-formed events of
// the log, which the caller drops.
func scanEvents(name string, r io.Reader, each func(ev store.Event, line int) error) (store.Tenant, error) {
	var (
		tenant    store.Tenant
		problems  logError
		firstLine int   // the line that gave the tenant
		lastSeq   int64 // and the seq of the latest good line
		lastLine  int
	)
	br := bufio.NewReader(r)
	// A byte-order mark (editors and tools on Windows write one) is no
	// part of the first event, as for program files and persona's input.
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		if _, err := br.Discard(3); err != nil {
			return "", fmt.Errorf("%s:1: %w", name, err)
		}
	}
	for n := 1; ; n++ {
		raw, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("%s:%d: %w", name, n, err)
		}
		// The blanks before the event count in its columns, as an
		// editor shows the line.
		lead := raw[:len(raw)-len(bytes.TrimLeftFunc(raw, unicode.IsSpace))]
		if line := bytes.TrimRightFunc(raw[len(lead):], unicode.IsSpace); len(line) > 0 {
			l, msg := decodeLine(line, lead)
			switch {
			case msg != "":
				problems.add("%s:%d: %s", name, n, msg)
			case tenant != "" && l.Tenant != tenant:
				problems.add("%s:%d: tenant %q, but line %d has tenant %q: a log holds one tenant's events", name, n, l.Tenant, firstLine, tenant)
			case int64(l.Seq) <= lastSeq:
				problems.add("%s:%d: seq %d does not follow seq %d (line %d): the events must be in the log's order", name, n, l.Seq, lastSeq, lastLine)
			default:
				if tenant == "" {
					tenant, firstLine = l.Tenant, n
				}
				lastSeq, lastLine = int64(l.Seq), n
				var data []byte
				if len(l.Data) > 0 && string(l.Data) != "null" {
					var buf bytes.Buffer
					_ = json.Compact(&buf, l.Data) // valid: the decoder checked it
					data = buf.Bytes()
				}
				ev := store.Event{Seq: int64(l.Seq), Account: l.Account, Person: l.Person, Time: l.Time, Type: l.Type, Data: data}
				if err := each(ev, n); err != nil {
					problems.add("%s:%d: %v", name, n, err)
				}
			}
		}
		if err != nil { // io.EOF
			break
		}
	}
	if err := problems.errOrNil(); err != nil {
		return "", err
	}
	return tenant, nil
}

// decodeLine decodes one line of an event log (without the blanks
// around it; lead are those before it), or says what is wrong with it.
func decodeLine(line, lead []byte) (logLine, string) {
	var l logLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return l, fmt.Sprintf("not a JSON object: %s (column %d)", strings.TrimPrefix(syn.Error(), "json: "), column(line, lead, syn.Offset))
		case errors.As(err, &typ) && typ.Field == "seq" && strings.HasPrefix(typ.Value, "number "):
			return l, fmt.Sprintf("seq: %s is not a whole number (from 1 to %d)", strings.TrimPrefix(typ.Value, "number "), int64(math.MaxInt64))
		case errors.As(err, &typ) && typ.Field != "":
			return l, fmt.Sprintf("%s: a JSON %s, not a %s", typ.Field, typ.Value, jsonKind(typ.Type.Kind().String()))
		case errors.As(err, &typ):
			return l, fmt.Sprintf("a JSON %s, not an event object", typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return l, "not a JSON object: it ends too early"
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if strings.HasPrefix(msg, "parsing time") || strings.HasPrefix(msg, "Time.") {
			// The time's own words name Go's layout: say what the line
			// holds and what is wanted instead.
			var raw struct {
				Time json.RawMessage `json:"time"`
			}
			if json.Unmarshal(line, &raw) == nil && len(raw.Time) > 0 {
				return l, fmt.Sprintf("time: %s is not an RFC 3339 time (such as %q)", raw.Time, "2026-01-05T09:30:00Z")
			}
			msg = "time: " + msg
		}
		return l, msg
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return l, "more than one JSON value on the line"
	}
	var problems []string
	switch {
	case l.Seq < 0:
		problems = append(problems, fmt.Sprintf("seq: %d is not positive", l.Seq))
	case l.Seq == 0:
		problems = append(problems, "no seq (a positive number)")
	}
	for _, f := range []struct {
		name    string
		missing bool
	}{{"tenant", l.Tenant == ""}, {"account", l.Account == ""}, {"time", l.Time.IsZero()}, {"type", l.Type == ""}} {
		if f.missing {
			problems = append(problems, "no "+f.name)
		}
	}
	return l, strings.Join(problems, ", ")
}

// column is the column, in characters from 1 as an editor counts them,
// of the character at which a syntax error was found after reading
// offset bytes of the line (which lead preceded in the file).
func column(line, lead []byte, offset int64) int {
	at := min(max(int(offset)-1, 0), len(line))
	return utf8.RuneCount(lead) + utf8.RuneCount(line[:at]) + 1
}

// jsonKind names a Go kind as the JSON it decodes from.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "struct":
		return "string" // time
	}
	return kind
}
