package programfile

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
)

// maxVisits bounds the work of decoding one file, so that a few aliases of
// aliases (a "billion laughs" file) cannot expand into an enormous value.
const maxVisits = 1 << 20

var (
	durationType        = reflect.TypeFor[time.Duration]()
	journeyDurationType = reflect.TypeFor[journey.Duration]()
	timeType            = reflect.TypeFor[time.Time]()
	weekdayType         = reflect.TypeFor[time.Weekday]()
	modelPtrType        = reflect.TypeFor[*qualify.Model]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	readinessType       = reflect.TypeFor[program.Readiness]()
	// journeyType reads itself from JSON only to say at which path a
	// value does not read: a file reads it field by field, each problem
	// at its place.
	journeyType = reflect.TypeFor[journey.Journey]()
	// definitionsType, a whole program, likewise.
	definitionsType = reflect.TypeFor[program.Definitions]()
)

// decoder reads a YAML syntax tree into a Go value, following the types'
// json tags, and records every problem with its position and path instead
// of stopping at the first.
type decoder struct {
	file string
	// kind names what the file holds, for the messages about the file
	// as a whole: "program" (the default) or "model".
	kind     string
	src      string // the file's text
	problems []Problem
	anchors  *anchors
	visits   int
	// readModel reads a readiness model file named in the program, and
	// gives the path it read it at (relative to the program's directory);
	// nil when the program has no directory to read from.
	readModel func(ref string) (string, []byte, error)
	// read holds the paths of the files readModel read, once each, in
	// the order read.
	read []string
	// partial is set when the document could not be read as a whole: it
	// is too large, or not a mapping of a program's sections.
	partial bool
	// hereLine and hereCol are the position of the nearest node being
	// decoded that has one, for problems of nodes without (an empty
	// value).
	hereLine, hereCol int
	// unread holds, for each problem found, the value it left unread, so
	// that [parsed.compileError] can leave out the compile problems that
	// only follow from it.
	unread []unread
	// merging holds the mappings whose merge keys are being expanded, so
	// that a mapping that merges itself (p: &p {<<: *p}) is reported
	// instead of expanded without end.
	merging map[ast.Node]bool
	// through holds the aliases (*name, <<: *name) the value being
	// decoded was reached through, the outermost first: its problems are
	// placed at the outermost, where the value is used.
	through []*ast.AliasNode
}

// unread is a value of the file that a reading problem kept out of the
// definitions.
type unread struct {
	// path is the value's path: the problem's, or, for an unknown field
	// with a suggestion, the path of the field suggested (the field the
	// value was meant for, left unset).
	path string
	// node is the value as written, for the names written in it.
	node ast.Node
}

// addf records a problem at n and path: the value n at path is not read.
func (d *decoder) addf(n ast.Node, path, format string, args ...any) {
	d.skipf(n, path, unread{path: path, node: n}, format, args...)
}

// skipf records a problem at n and path whose consequence is that u is
// not read.
func (d *decoder) skipf(n ast.Node, path string, u unread, format string, args ...any) {
	line, col := nodePos(n)
	if line == 0 {
		line, col = max(d.hereLine, 1), max(d.hereCol, 1)
	}
	msg := fmt.Sprintf(format, args...)
	if len(d.through) > 0 {
		line, col, msg = d.placeAtAlias(d.through[0], line, col, msg)
	}
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Column: col, Path: path, Message: msg})
	d.unread = append(d.unread, u)
}

// decode reads n into v (settable), recording problems under path.
func (d *decoder) decode(n ast.Node, v reflect.Value, path string) {
	if line, col := nodePos(n); line > 0 {
		defer func(l, c int) { d.hereLine, d.hereCol = l, c }(d.hereLine, d.hereCol)
		d.hereLine, d.hereCol = line, col
	}
	d.visits++
	if d.visits == maxVisits {
		d.addf(n, path, "the document is too large once its aliases are expanded")
		d.partial = true
	}
	if d.visits >= maxVisits {
		return
	}
	if d.anchors.dangling(n) {
		d.addf(n, path, "alias to no anchor")
		return
	}
	if a := aliasOf(n); a != nil {
		defer d.enter(a)()
	}
	if tag, why := d.anchors.unreadTag(n); tag != nil {
		d.addf(tag, path, "%s", why)
		return
	}
	n = d.anchors.text(n)
	if isNull(n) {
		v.SetZero()
		return
	}
	t := v.Type()
	switch t {
	case durationType, journeyDurationType:
		d.duration(n, v, path)
		return
	case timeType:
		d.time(n, v, path)
		return
	case weekdayType:
		d.weekday(n, v, path)
		return
	case modelPtrType:
		if s, ok := n.(*ast.StringNode); ok {
			d.modelFile(n, s.Value, v, path)
			return
		}
	}
	if t.Kind() != reflect.Pointer && t != journeyType && t != definitionsType && reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		d.viaJSON(n, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.addf(n, path, "expected a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(seq.Values), len(seq.Values))
		for i, e := range seq.Values {
			d.decode(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.String:
		s, ok := scalarText(n)
		if !ok {
			d.addf(n, path, "expected text, got %s", describe(n))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.addf(n, path, "expected true or false, got %s", describe(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if d.ambiguousNumber(n, path, false) {
			return
		}
		d.number(n, v, path)
	default:
		d.addf(n, path, "cannot be read from a program file (Go type %s)", t)
	}
}

// number reads a number into v, whose kind is an integer or a float.
func (d *decoder) number(n ast.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := integer(n)
		if !ok {
			d.wholeNumberf(n, path)
			return
		}
		if !i.neg && i.u > math.MaxInt64 || v.OverflowInt(i.int64()) {
			d.addf(n, path, "%s is out of range", describe(n))
			return
		}
		v.SetInt(i.int64())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := integer(n)
		if !ok {
			d.wholeNumberf(n, path)
			return
		}
		if i.neg || v.OverflowUint(i.u) {
			d.addf(n, path, "%s is out of range", describe(n))
			return
		}
		v.SetUint(i.u)
	case reflect.Float32, reflect.Float64:
		f, ok := number(n)
		if !ok {
			d.addf(n, path, "expected a number, got %s", describe(n))
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || v.OverflowFloat(f) {
			d.addf(n, path, "expected a finite number, got %s", describe(n))
			return
		}
		v.SetFloat(f)
	}
}

// wholeNumberf records that n, read for a whole number, is not one.
func (d *decoder) wholeNumberf(n ast.Node, path string) {
	if s, ok := plainNumber(n); ok && wholeSyntax(s) {
		d.addf(n, path, "%s is out of range", describe(n))
		return
	}
	d.addf(n, path, "expected a whole number, got %s", describe(n))
}

func (d *decoder) structure(n ast.Node, v reflect.Value, path string) {
	entries, ok := d.entries(n, path)
	if !ok {
		d.addf(n, path, "expected a mapping of fields, got %s", describe(n))
		d.partial = d.partial || path == ""
		return
	}
	fs := fieldsOf(v.Type())
	seen := map[string]ast.Node{}
	// The fields written, so that a misspelt one's suggestion is taken for
	// the field it left unread only when that field is not written too.
	written := map[string]bool{}
	for _, e := range entries {
		if key, ok := d.key(e.Key); ok {
			written[key] = true
		}
	}
	for _, e := range entries {
		leave := d.enter(e.via)
		d.field(fs, e, seen, written, v, path)
		leave()
	}
}

// field reads entry e of a mapping into its field of struct v; seen holds
// the fields read so far and written those the mapping has.
func (d *decoder) field(fs *fieldSet, e entry, seen map[string]ast.Node, written map[string]bool, v reflect.Value, path string) {
	key, ok := d.key(e.Key)
	if !ok {
		d.skipf(e.Key, path, unread{path: path, node: e.Value}, "a field name must be text, got %s", describe(e.Key))
		return
	}
	f, ok := fs.byName[key]
	if !ok {
		kpath := joinField(path, key)
		meant := kpath
		if s := fs.suggest(key); s != "" && !written[s] {
			meant = joinField(path, s)
		}
		d.skipf(e.Key, kpath, unread{path: meant, node: e.Value}, "unknown field %q%s", key, fs.hint(key))
		return
	}
	fpath := joinField(path, f.name)
	if prev, dup := seen[f.name]; dup && !e.merged {
		d.skipf(e.Key, fpath, unread{path: fpath, node: e.Value}, "field %q is given twice (also %s)", key, alsoAt(prev, e.Key))
		return
	}
	seen[f.name] = e.Key
	fv := v.FieldByIndex(f.index)
	before := len(d.problems)
	d.decode(e.Value, fv, fpath)
	if len(d.problems) == before {
		d.zeroDefault(e.Value, fv, v.Type(), f, fpath)
	}
}

// zeroDefault refuses a setting written as 0 that the program reads as
// not written, taking a default other than 0 in its place: a readiness
// threshold (program.Readiness), engagedScore and velocityWindow
// (program.GroupScore), a role's minMembers and weight, a role
// template's maxRolesPerPerson and a cap's maxDefer. Written as 0, such
// a setting would mean the default without saying so ("weight: 0" weighs
// the role 1, "engagedScore: 0" counts a member engaged from a score of
// 10). A setting left empty (null) is not written, and takes the default
// as the program says. Each of them is left out of a program's JSON when
// 0 (omitempty), so that json.Marshal of a program writes none of them
// as 0; an alert's hysteresis, which it writes as 0, is read as written.
func (d *decoder) zeroDefault(n ast.Node, fv reflect.Value, owner reflect.Type, f field, path string) {
	if !fv.IsValid() || !fv.IsZero() || isNull(d.anchors.text(n)) {
		return
	}
	var def string
	if owner == readinessType {
		v := reflect.ValueOf(program.Readiness{}.WithDefaults()).FieldByIndex(f.index)
		if v.Kind() != reflect.Float64 || v.Float() == 0 {
			return
		}
		def = fmt.Sprint("the default ", v.Float())
	} else if def = zeroDefaults[owner][f.name]; def == "" {
		return
	}
	if a := aliasOf(n); a != nil {
		defer d.enter(a)()
	}
	d.addf(d.anchors.text(n), path, "0 takes %s, as leaving it out does: write %s above 0, or leave it out for the default", def, withArticle(f.name))
}

// zeroDefaults are, by the type that holds them, the settings besides
// the readiness thresholds (whose defaults program.Readiness.WithDefaults
// gives) that take a default other than 0 when written as 0, with the
// default as their documentation tells it, after "0 takes".
var zeroDefaults = map[reflect.Type]map[string]string{
	reflect.TypeFor[program.GroupScore]():       {"engagedScore": "the default 10", "velocityWindow": "the default 14d"},
	reflect.TypeFor[buyinggroup.Role]():         {"minMembers": "the default 1", "weight": "the default 1"},
	reflect.TypeFor[buyinggroup.RoleTemplate](): {"maxRolesPerPerson": "the default 1"},
	reflect.TypeFor[journey.Cap]():              {"maxDefer": "the default, the cap's per"},
}

// withArticle returns a field's name with its indefinite article.
func withArticle(name string) string {
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// alsoAt says where the first of a key given twice is, seen from the
// second: its line, and its column when both are on one line (a flow
// mapping, JSON written on one line).
func alsoAt(first, second ast.Node) string {
	line, col := nodePos(first)
	if l, _ := nodePos(second); l == line {
		return fmt.Sprintf("on line %d, column %d", line, col)
	}
	return fmt.Sprintf("on line %d", line)
}

func (d *decoder) mapping(n ast.Node, v reflect.Value, path string) {
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		d.addf(n, path, "cannot be read from a program file (Go type %s)", t)
		return
	}
	entries, ok := d.entries(n, path)
	if !ok {
		d.addf(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	m := reflect.MakeMapWithSize(t, len(entries))
	seen := map[string]ast.Node{}
	for _, e := range entries {
		leave := d.enter(e.via)
		key, ok := d.key(e.Key)
		kpath := fmt.Sprintf("%s[%q]", path, key)
		prev, dup := seen[key]
		switch {
		case !ok:
			d.skipf(e.Key, path, unread{path: path, node: e.Value}, "a key must be text, got %s", describe(e.Key))
		case dup && !e.merged:
			d.skipf(e.Key, kpath, unread{path: kpath, node: e.Value}, "key %q is given twice (also %s)", key, alsoAt(prev, e.Key))
		default:
			seen[key] = e.Key
			elem := reflect.New(t.Elem()).Elem()
			d.decode(e.Value, elem, kpath)
			m.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
		}
		leave()
	}
	v.Set(m)
}

// entry is one key and value of a mapping; merged marks one that came from
// a merge key ("<<: *base") and yields to the mapping's own keys, via the
// alias it came through, if any.
type entry struct {
	Key, Value ast.Node
	merged     bool
	via        *ast.AliasNode
}

// entries lists the keys and values of a mapping node, merge keys
// expanded; ok is false when n is not a mapping.
func (d *decoder) entries(n ast.Node, path string) ([]entry, bool) {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		return nil, false
	}
	var own, merged []entry
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			if d.merging == nil {
				d.merging = map[ast.Node]bool{}
			}
			d.merging[n] = true
			merged = append(merged, d.merge(mv.Value, path, 0)...)
			delete(d.merging, n)
			continue
		}
		own = append(own, entry{Key: mv.Key, Value: mv.Value})
	}
	if len(merged) == 0 {
		return own, true
	}
	have := map[string]bool{}
	for _, e := range own {
		if k, ok := d.key(e.Key); ok {
			have[k] = true
		}
	}
	for _, e := range merged {
		k, ok := d.key(e.Key)
		if ok && have[k] {
			continue
		}
		have[k] = true
		e.merged = true
		own = append(own, e)
	}
	return own, true
}

// merge returns the entries a merge key brings: those of a mapping or of
// a list of mappings (earlier ones win).
func (d *decoder) merge(n ast.Node, path string, depth int) []entry {
	written := n
	d.visits++
	if d.visits == maxVisits {
		d.addf(written, path, "the document is too large once its aliases are expanded")
		d.partial = true
	}
	if d.visits >= maxVisits {
		return nil
	}
	if d.anchors.dangling(n) {
		d.addf(written, path, "alias to no anchor")
		return nil
	}
	n = d.anchors.resolve(n)
	if d.merging[n] {
		d.addf(written, path, "a merge key (<<) cannot merge the mapping it is in")
		return nil
	}
	var es []entry
	if seq, ok := n.(*ast.SequenceNode); ok && depth == 0 {
		for _, e := range seq.Values {
			es = append(es, d.merge(e, path, depth+1)...)
		}
	} else {
		var ok bool
		if es, ok = d.entries(n, path); !ok || depth > 8 {
			d.addf(n, path, "a merge key (<<) takes a mapping or a list of mappings, got %s", describe(n))
			return nil
		}
	}
	// The entries are used where the alias is (<<: *base), the outermost
	// alias of merges of merges.
	if a := aliasOf(written); a != nil {
		for i := range es {
			es[i].via = a
		}
	}
	return es
}

// enter records that what follows is reached through alias a (nothing
// when a is nil), until the function returned is called.
func (d *decoder) enter(a *ast.AliasNode) func() {
	if a == nil {
		return func() {}
	}
	d.through = append(d.through, a)
	return func() { d.through = d.through[:len(d.through)-1] }
}

// placeAtAlias places a problem written at line:col, inside the value
// that alias a names, at a instead, and says in msg (at the end of its
// first line) where the value is written and under which anchor.
func (d *decoder) placeAtAlias(a *ast.AliasNode, line, col int, msg string) (int, int, string) {
	aline, acol := nodePos(a)
	if aline == 0 || aline == line && acol == col {
		return line, col, msg
	}
	name := ""
	if a.Value != nil {
		if t := a.Value.GetToken(); t != nil {
			name = t.Value
		}
	}
	note := fmt.Sprintf(" (through *%s: written at line %d, column %d", name, line, col)
	if an := d.anchors.anchorOf(a); an != nil {
		if l, c := nodePos(an); l > 0 {
			note += fmt.Sprintf(", under &%s at line %d, column %d", name, l, c)
		}
	}
	note += ")"
	first, rest, multi := strings.Cut(msg, "\n")
	msg = first + note
	if multi {
		msg += "\n" + rest
	}
	return aline, acol, msg
}

// key returns the text of a mapping key.
func (d *decoder) key(n ast.Node) (string, bool) {
	if k, ok := n.(*ast.MappingKeyNode); ok {
		n = k.Value
	}
	n = d.anchors.resolve(n)
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, *ast.NullNode, nil:
		return "", false
	}
	return scalarText(n)
}
