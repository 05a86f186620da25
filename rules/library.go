package rules

import (
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// libFunc is one function of the library: the implementation and the
// signatures the type checker accepts.
type libFunc struct {
	name  string
	fn    func(params ...any) (any, error)
	types []any
}

// library returns the function library. attr's last argument, added by
// attrPatcher, is the counter of the rule's attribute defaults.
func (e *ExprEngine) library() []libFunc {
	fold := func(name string, f func(s, sub string) bool) libFunc {
		return libFunc{name, func(p ...any) (any, error) {
			s, okS := textOf(p[0])
			sub, okSub := textOf(p[1])
			return okS && okSub && f(strings.ToLower(s), strings.ToLower(sub)), nil
		}, []any{new(func(string, string) bool)}}
	}
	lib := []libFunc{
		fold("icontains", strings.Contains),
		fold("istartsWith", strings.HasPrefix),
		fold("iendsWith", strings.HasSuffix),
		{"iequals", func(p ...any) (any, error) {
			a, okA := textOf(p[0])
			b, okB := textOf(p[1])
			return okA && okB && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)), nil
		}, []any{new(func(string, string) bool)}},
		{"match", func(p ...any) (any, error) {
			re, err := e.regexps.get(p[1].(string))
			if err != nil {
				return false, err
			}
			s, ok := textOf(p[0])
			return ok && re.MatchString(s), nil
		}, []any{new(func(string, string) bool)}},
		{"domain", func(p ...any) (any, error) { return Domain(p[0].(string)), nil },
			[]any{new(func(string) string)}},
		{"daysSince", func(p ...any) (any, error) { return since(p[0].(time.Time), p[1].(time.Time), 24*time.Hour), nil },
			[]any{new(func(time.Time, time.Time) float64)}},
		{"hoursSince", func(p ...any) (any, error) { return since(p[0].(time.Time), p[1].(time.Time), time.Hour), nil },
			[]any{new(func(time.Time, time.Time) float64)}},
		{"hourOf", func(p ...any) (any, error) {
			if t := p[0].(time.Time); !t.IsZero() {
				return t.Hour(), nil
			}
			return -1, nil
		}, []any{new(func(time.Time) int)}},
		{"weekdayOf", func(p ...any) (any, error) {
			if t := p[0].(time.Time); !t.IsZero() {
				return t.Weekday().String(), nil
			}
			return "", nil
		}, []any{new(func(time.Time) string)}},
		{"between", func(p ...any) (any, error) {
			x, lo, hi := num(p[0]), num(p[1]), num(p[2])
			return x >= lo && x <= hi, nil
		}, []any{new(func(float64, float64, float64) bool)}},
		{"inList", func(p ...any) (any, error) {
			s, ok := textOf(p[0])
			if !ok {
				return false, nil // a number, a list, nil: in no list, as in says
			}
			s = strings.TrimSpace(s)
			switch list := p[1].(type) {
			case []string:
				for _, x := range list {
					if strings.EqualFold(s, strings.TrimSpace(x)) {
						return true, nil
					}
				}
			case []any:
				for _, x := range list {
					x, _ = toString(x) // an ID as its text, as == reads it
					if xs, ok := x.(string); ok && strings.EqualFold(s, strings.TrimSpace(xs)) {
						return true, nil
					}
				}
			}
			return false, nil
		}, []any{new(func(string, []string) bool), new(func(string, []any) bool)}},
		{"attr", func(p ...any) (any, error) {
			m, _ := p[0].(map[string]any)
			v, ok := m[p[1].(string)]
			if ok {
				if got, ok := coerce(v, p[2]); ok {
					return got, nil
				}
			}
			p[3].(*atomic.Uint64).Add(1)
			return p[2], nil
		}, []any{
			new(func(map[string]any, string, string, *atomic.Uint64) string),
			new(func(map[string]any, string, int, *atomic.Uint64) int), // before float64: an int default picks it
			new(func(map[string]any, string, float64, *atomic.Uint64) float64),
			new(func(map[string]any, string, bool, *atomic.Uint64) bool),
			new(func(map[string]any, string, time.Time, *atomic.Uint64) time.Time),
		}},
	}
	for _, h := range e.hostFuncs {
		lib = append(lib, libFunc(h))
	}
	return lib
}

// textOf is v as text where it is a string or of a named string type
// (an ID, as == reads it), and false for any other value: inList,
// iequals, icontains, istartsWith, iendsWith and match take a value of
// no type before the rule runs (see comparesAny).
func textOf(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// coerce returns v as the type of def, converting between numbers: a
// number of any of Go's kinds, or a json.Number, is read as an int where
// that holds it exactly, and as a float64 (a float32 as its shortest
// decimal, 0.1 rather than 0.10000000149011612). Text in RFC 3339 is
// read as a time, as encoding/json writes one.
func coerce(v, def any) (any, bool) {
	switch def.(type) {
	case string:
		// An ID as its text, as == reads it.
		t, _ := toString(v)
		s, ok := t.(string)
		return s, ok
	case bool:
		b, ok := v.(bool)
		return b, ok
	case time.Time:
		switch x := v.(type) {
		case time.Time:
			return x, true
		case string:
			// A time as encoding/json writes it: an attribute that
			// was a time is text once its record is read from JSON.
			// The offset it holds makes it one instant on any
			// machine, and its zone is that offset (time.Parse would
			// take the machine's zone where that has the offset then).
			t, err := time.ParseInLocation(time.RFC3339Nano, x, time.UTC)
			return t, err == nil
		}
	case float64:
		switch x := v.(type) {
		case float64:
			return x, !math.IsNaN(x)
		case int:
			return float64(x), true
		case int64:
			return float64(x), true
		}
		if f, ok := numberOf(v); ok {
			return f, !math.IsNaN(f)
		}
	case int:
		switch x := v.(type) {
		case int:
			return x, true
		case int64:
			return int(x), true
		case float64:
			return wholeInt(x)
		}
		rv := reflect.ValueOf(v)
		switch {
		case rv.CanInt():
			if n := rv.Int(); n >= math.MinInt && n <= math.MaxInt {
				return int(n), true
			}
		case rv.CanUint():
			if n := rv.Uint(); n <= math.MaxInt {
				return int(n), true
			}
		default:
			if n, ok := v.(json.Number); ok {
				if i, err := strconv.ParseInt(string(n), 10, 0); err == nil {
					return int(i), true
				}
			}
			if f, ok := numberOf(v); ok {
				return wholeInt(f)
			}
		}
	}
	return nil, false
}

// wholeInt is x as an int where it is a whole number an int holds
// exactly.
func wholeInt(x float64) (any, bool) {
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return int(x), true
	}
	return nil, false
}

// numberOf is v as a float64 where it is a number of any of Go's kinds
// or a json.Number.
func numberOf(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Float32:
		f, _ := strconv.ParseFloat(strconv.FormatFloat(rv.Float(), 'g', -1, 32), 64)
		return f, true
	case rv.CanFloat():
		return rv.Float(), true
	case rv.CanInt():
		return float64(rv.Int()), true
	case rv.CanUint():
		return float64(rv.Uint()), true
	}
	return 0, false
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	f, _ := toFloat(v)
	x, _ := f.(float64)
	return x
}

// since returns the time from t to now in units; a zero t (never) is +Inf,
// so "daysSince(lastVisit) > 30" holds for a person who never visited.
func since(t, now time.Time, unit time.Duration) float64 {
	if t.IsZero() {
		return math.Inf(1)
	}
	d := now.Sub(t)
	if d == math.MaxInt64 || d == math.MinInt64 {
		// Sub saturates for times more than about 292 years apart (a
		// mistyped year): count their seconds instead.
		secs := float64(now.Unix()) - float64(t.Unix()) + float64(now.Nanosecond()-t.Nanosecond())/1e9
		return secs / unit.Seconds()
	}
	return float64(d) / float64(unit)
}

// Domain returns the lower-case domain of an email address ("Ann@Acme.COM"
// gives "acme.com"), without surrounding blanks or the final dot of a
// fully qualified name ("ann@acme.com. " gives "acme.com"), or "" when s
// has no '@' or nothing after it.
func Domain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(email[at+1:]), "."))
}

// regexpCache keeps compiled regular expressions for match(), so a pattern
// is compiled once however many times rules use it.
type regexpCache struct {
	mu   sync.RWMutex
	max  int
	byRE map[string]regexpEntry
}

type regexpEntry struct {
	re  *regexp.Regexp
	err error
}

func newRegexpCache(max int) *regexpCache {
	return &regexpCache{max: max, byRE: map[string]regexpEntry{}}
}

func (c *regexpCache) get(pattern string) (*regexp.Regexp, error) {
	c.mu.RLock()
	e, ok := c.byRE[pattern]
	c.mu.RUnlock()
	if ok {
		return e.re, e.err
	}
	re, err := regexp.Compile(pattern)
	c.mu.Lock()
	if len(c.byRE) >= c.max {
		c.byRE = map[string]regexpEntry{}
	}
	c.byRE[pattern] = regexpEntry{re, err}
	c.mu.Unlock()
	return re, err
}
