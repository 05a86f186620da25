package journey

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A valueRef is a field an expression reads ("group.score"), resolved to a
// path of struct fields so that a trace can show the values a rule saw.
type valueRef struct {
	name  string
	index []int
}

// refPattern matches a name of the environment and the field of it read,
// by a dot or by optional chaining (group?.score), spaces allowed around
// them as expr allows.
var refPattern = regexp.MustCompile(`\b([a-z][A-Za-z0-9_]*)(?:\s*\??\.\s*([A-Za-z_][A-Za-z0-9_]*))?`)

// findRefs lists the scalar fields of env that src mentions, in order of
// first mention, without duplicates. Text inside string literals is skipped.
func findRefs(src string, env reflect.Type) []valueRef {
	var refs []valueRef
	seen := map[string]bool{}
	code := stripStrings(src)
	for _, m := range refPattern.FindAllStringSubmatchIndex(code, -1) {
		if m[0] > 0 && code[m[0]-1] == '.' {
			continue // a member of something else (".role" inside count())
		}
		top := code[m[2]:m[3]]
		sub := ""
		if m[4] >= 0 {
			sub = code[m[4]:m[5]]
		}
		idx, name, ok := resolveRef(env, top, sub)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		refs = append(refs, valueRef{name: name, index: idx})
	}
	return refs
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
	for _, m := range refPattern.FindAllStringSubmatchIndex(code, -1) {
		if (m[0] == 0 || code[m[0]-1] != '.') && slices.Contains(names, code[m[2]:m[3]]) {
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

func resolveRef(env reflect.Type, top, sub string) ([]int, string, bool) {
	f, ok := fieldByTag(env, top)
	if !ok {
		return nil, "", false
	}
	if scalar(f.Type) {
		return f.Index, top, true
	}
	if sub == "" {
		return nil, "", false
	}
	g, ok := fieldByTag(f.Type, sub)
	if !ok || !scalar(g.Type) {
		return nil, "", false
	}
	return []int{f.Index[0], g.Index[0]}, top + "." + sub, true
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

// values reads the referenced fields from env (a pointer to a struct).
func values(refs []valueRef, env any) []Value {
	if len(refs) == 0 {
		return nil
	}
	root := reflect.ValueOf(env).Elem()
	out := make([]Value, 0, len(refs))
	for _, r := range refs {
		v := root
		ok := true
		for _, i := range r.index {
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					ok = false
					break
				}
				v = v.Elem()
			}
			if !ok {
				break
			}
			v = v.Field(i)
		}
		if !ok {
			continue
		}
		out = append(out, Value{Name: r.name, Value: format(v)})
	}
	return out
}

func format(v reflect.Value) string {
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
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = strconv.Quote(v.Index(i).String())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.String()
}
