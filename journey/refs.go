package journey

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
)

// A valueRef is a field an expression reads ("group.score"), or an element
// of a map it reads ("account.attributes.tier", "person.consent.email.status"),
// resolved to a path of struct fields and map keys so that a trace can show
// the values a rule saw.
type valueRef struct {
	name string
	path []refStep
}

// A refStep is one step of a valueRef's path: the struct field of index
// field, or, when field is -1, the map element under key.
type refStep struct {
	field int
	key   string
}

// refPattern matches a name of the environment, not a member of something
// else: what findRefs follows with the fields, keys and indexes read of it.
var refPattern = regexp.MustCompile(`\b[a-z][A-Za-z0-9_]*`)

// accessorPattern matches a custom attribute read through a function,
// up to its map argument: attr(m, "key", default) and get(m, "key").
var accessorPattern = regexp.MustCompile(`\b(?:attr|get)\s*\(\s*$`)

// findRefs lists the scalar fields of env that src mentions, and the
// elements of its maps that src reads by key (m.key, m["key"], m?.key,
// attr(m, "key", default), get(m, "key")), in order of first mention,
// without duplicates. Text inside string literals is skipped.
func findRefs(src string, env reflect.Type) []valueRef {
	var refs []valueRef
	seen := map[string]bool{}
	code := stripStrings(src)
	read := 0 // where the last name's chain of members ends
	for _, m := range refPattern.FindAllStringIndex(code, -1) {
		if m[0] < read || m[0] > 0 && (code[m[0]-1] == '.' || code[m[0]-1] == '#') {
			continue // a member of something else (".role" inside count())
		}
		steps, end := chain(src, code, m[1])
		read = end
		r, ok := resolveRef(env, code[m[0]:m[1]], steps)
		if !ok {
			r, ok = accessorRef(env, src, code, m[0], end, code[m[0]:m[1]], steps)
		}
		if !ok || seen[r.name] {
			continue
		}
		seen[r.name] = true
		refs = append(refs, r)
	}
	return refs
}

// A chainStep is one member access that follows a name in an expression:
// a field or key by dot (name) or by index with a string literal (key).
type chainStep struct {
	text  string
	index bool // written as ["text"]
}

// chain reads the member accesses that follow a name ending at i in code
// (src with its strings blanked out, see stripStrings): .a, ?.a, ["a"],
// ?.["a"], spaces allowed around them as expr allows. It returns them and
// where they end. An index that is not a string literal ends the chain.
func chain(src, code string, i int) ([]chainStep, int) {
	var steps []chainStep
	skip := func(j int) int {
		for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n' || code[j] == '\r') {
			j++
		}
		return j
	}
	for {
		j := skip(i)
		if strings.HasPrefix(code[j:], "?.") {
			j = skip(j + 2)
		} else if j < len(code) && code[j] == '.' {
			j = skip(j + 1)
		} else if j >= len(code) || code[j] != '[' {
			return steps, i
		}
		if j < len(code) && code[j] == '[' {
			key, k, ok := literal(src, code, skip(j+1))
			if !ok {
				return steps, i
			}
			if k = skip(k); k >= len(code) || code[k] != ']' {
				return steps, i
			}
			steps = append(steps, chainStep{text: key, index: true})
			i = k + 1
			continue
		}
		k := j
		for k < len(code) && (code[k] == '_' || code[k] >= 'a' && code[k] <= 'z' || code[k] >= 'A' && code[k] <= 'Z' || k > j && code[k] >= '0' && code[k] <= '9') {
			k++
		}
		if k == j {
			return steps, i
		}
		steps = append(steps, chainStep{text: code[j:k]})
		i = k
	}
}

// literal reads the string literal that starts at j in code, its text
// taken from src (code has it blanked out) and read as the rules read it
// (their escapes are not all Go's: \u{e9}), and returns it and where it
// ends.
func literal(src, code string, j int) (string, int, bool) {
	if j >= len(code) || code[j] != '"' && code[j] != '\'' && code[j] != '`' {
		return "", j, false
	}
	k := strings.IndexByte(code[j+1:], code[j])
	if k < 0 {
		return "", j, false
	}
	k += j + 1
	tokens, err := lexer.Lex(file.NewSource(src[j : k+1]))
	if err != nil || len(tokens) == 0 || tokens[0].Kind != lexer.String {
		return "", j, false
	}
	return tokens[0].Value, k + 1, true
}

// accessorRef resolves a map that attr or get reads by a key written in
// the rule: the name ends at end, its steps lead to a map, and the call's
// next argument is a string literal.
func accessorRef(env reflect.Type, src, code string, from, end int, top string, steps []chainStep) (valueRef, bool) {
	if !accessorPattern.MatchString(code[:from]) {
		return valueRef{}, false
	}
	j := end
	for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n' || code[j] == '\r') {
		j++
	}
	if j >= len(code) || code[j] != ',' {
		return valueRef{}, false
	}
	j++
	for j < len(code) && (code[j] == ' ' || code[j] == '\t' || code[j] == '\n' || code[j] == '\r') {
		j++
	}
	key, _, ok := literal(src, code, j)
	if !ok {
		return valueRef{}, false
	}
	r, ok := resolveRef(env, top, append(slices.Clip(steps), chainStep{text: key, index: true}))
	if !ok || len(r.path) == 0 || r.path[len(r.path)-1].field >= 0 {
		return valueRef{}, false // attr and get read a map's element
	}
	return r, true
}

// readsGroup reports whether an account condition reads "group", the
// buying group of the track, outside string literals and members of
// something else.
func readsGroup(src string) bool { return reads(src, "group") }

// reads reports whether a condition reads one of the given names of its
// environment ("group", "role"), outside string literals and members of
// something else.
func reads(src string, names ...string) bool {
	code := stripStrings(src)
	for _, m := range refPattern.FindAllStringIndex(code, -1) {
		if (m[0] == 0 || code[m[0]-1] != '.') && slices.Contains(names, code[m[0]:m[1]]) {
			return true
		}
	}
	return false
}

// stripStrings blanks out string literals and comments so that words
// inside them are not taken for fields, as expr reads them: a backslash
// escapes the next character in a "double" or 'single' quoted string, not
// in a `raw` one (where a doubled backtick is one); a comment runs from //
// to the end of its line, or from /* to */, and may hold quotes.
func stripStrings(s string) string {
	b := []byte(s)
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0 && c == '\\' && quote != '`' && i+1 < len(b):
			b[i], b[i+1] = ' ', ' '
			i++
		case quote != 0 && c == quote:
			// A doubled backtick in a raw string stands for one: the
			// string goes on (blanked as the closing one is not).
			if quote == '`' && i+1 < len(b) && b[i+1] == '`' {
				b[i], b[i+1] = ' ', ' '
				i++
				continue
			}
			quote = 0
		case quote != 0:
			b[i] = ' '
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			b[i], b[i+1] = ' ', ' '
			for i += 2; i < len(b); i++ {
				if b[i] == '*' && i+1 < len(b) && b[i+1] == '/' {
					b[i], b[i+1] = ' ', ' '
					i++
					break
				}
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		}
	}
	return string(b)
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("expr") == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// resolveRef follows the steps read of the name top of env to a scalar
// field or an element of a map with string keys (in a map of structs, on
// to a scalar field of the element). Steps after the scalar are not
// followed: they are not the environment's.
func resolveRef(env reflect.Type, top string, steps []chainStep) (valueRef, bool) {
	f, ok := fieldByTag(env, top)
	if !ok {
		return valueRef{}, false
	}
	r := valueRef{name: top, path: []refStep{{field: f.Index[0]}}}
	t := f.Type
	for _, st := range steps {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if scalar(t) {
			return r, true
		}
		switch t.Kind() {
		case reflect.Struct:
			g, ok := fieldByTag(t, st.text)
			if !ok {
				return valueRef{}, false
			}
			r.name += "." + st.text
			r.path = append(r.path, refStep{field: g.Index[0]})
			t = g.Type
		case reflect.Map:
			if t.Key().Kind() != reflect.String {
				return valueRef{}, false
			}
			if identifier(st.text) {
				r.name += "." + st.text
			} else {
				r.name += "[" + strconv.Quote(st.text) + "]"
			}
			r.path = append(r.path, refStep{field: -1, key: st.text})
			t = t.Elem()
			if t.Kind() == reflect.Interface {
				return r, true // what it holds is known when it is read
			}
		default:
			return valueRef{}, false
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return r, scalar(t)
}

// identifier reports whether s can be written after a dot in a rule.
func identifier(s string) bool {
	for i, c := range s {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

var timeType = reflect.TypeFor[time.Time]()

func scalar(t reflect.Type) bool {
	if t == timeType {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64, reflect.Uint64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	}
	return false
}

// values reads the referenced fields from env (a pointer to a struct). An
// element a map does not hold reads "missing".
func values(refs []valueRef, env any) []Value {
	if len(refs) == 0 {
		return nil
	}
	root := reflect.ValueOf(env).Elem()
	out := make([]Value, 0, len(refs))
	for _, r := range refs {
		v := root
		ok, missing := true, false
		for _, st := range r.path {
			for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
				if v.IsNil() {
					ok = false
					break
				}
				v = v.Elem()
			}
			if !ok {
				break
			}
			if st.field >= 0 {
				v = v.Field(st.field)
				continue
			}
			v = v.MapIndex(reflect.ValueOf(st.key).Convert(v.Type().Key()))
			if !v.IsValid() {
				missing = true
				break
			}
		}
		switch {
		case missing:
			out = append(out, Value{Name: r.name, Value: "missing"})
		case ok:
			out = append(out, Value{Name: r.name, Value: format(v)})
		}
	}
	return out
}

func format(v reflect.Value) string {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "nil"
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	}
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = format(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := v.MapKeys()
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = format(k) + ": " + format(v.MapIndex(k))
		}
		slices.Sort(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v.Interface())
}
