package programfile

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// field is a struct field as a program file names it.
type field struct {
	name  string
	index []int
}

type fieldSet struct {
	byName map[string]field
	names  []string // canonical names, in declaration order
}

var fieldCache sync.Map // reflect.Type -> *fieldSet

// fieldsOf lists the fields of a struct type under their names in program
// files: the json tag's name, or, for a field without one, its Go name
// with a lower-case first letter ("requireOptIn", "logoURL"); the exact Go
// name is accepted too, as encoding/json writes it.
func fieldsOf(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{byName: map[string]field{}}
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Tag.Get("json") == "" {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		f := field{name: tag, index: sf.Index}
		if f.name == "" {
			f.name = lowerFirst(sf.Name)
			fs.byName[sf.Name] = f
		}
		fs.byName[f.name] = f
		fs.names = append(fs.names, f.name)
	}
	fieldCache.Store(t, fs)
	return fs
}

// suggest returns the field a misspelt name was meant to be, or "" when
// no field is near enough.
func (fs *fieldSet) suggest(key string) string {
	best, dist := "", 3
	for _, n := range fs.names {
		if d := editDistance(strings.ToLower(key), strings.ToLower(n)); d < dist {
			best, dist = n, d
		}
	}
	return best
}

// hint suggests the field a misspelt name was meant to be, or lists the
// fields when there are few.
func (fs *fieldSet) hint(key string) string {
	if best := fs.suggest(key); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (known fields: " + strings.Join(fs.names, ", ") + ")"
}

func lowerFirst(s string) string {
	// An initialism stays together: "URL" -> "url", "LogoURL" -> "logoURL".
	rs := []rune(s)
	i := 0
	for i < len(rs) && unicode.IsUpper(rs[i]) {
		i++
	}
	if i > 1 && i < len(rs) {
		i-- // "HTMLBody" -> "htmlBody"
	}
	for k := 0; k < max(i, 1) && k < len(rs); k++ {
		rs[k] = unicode.ToLower(rs[k])
	}
	return string(rs)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// integer is a YAML integer with its sign apart, so that the whole range
// of int64 and uint64 can be checked.
type integerValue struct {
	neg bool
	u   uint64
}

func (i integerValue) int64() int64 {
	if i.neg {
		return -int64(i.u-1) - 1
	}
	return int64(i.u)
}

func integer(n ast.Node) (integerValue, bool) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		// A whole number the parser left as text: after a verbatim tag
		// (!<tag:yaml.org,2002:int> 3), or too large for 64 bits (not
		// read).
		s, ok := plainNumber(n)
		if !ok || !wholeSyntax(s) {
			return integerValue{}, false
		}
		sign, digits := cutSign(s)
		u, err := strconv.ParseUint(digits, 10, 64)
		if err != nil {
			return integerValue{}, false
		}
		return integerValue{neg: sign == "-" && u != 0, u: u}, true
	}
	switch x := in.Value.(type) {
	case int64:
		if x < 0 {
			return integerValue{neg: true, u: uint64(-(x + 1)) + 1}, true
		}
		return integerValue{u: uint64(x)}, true
	case uint64:
		return integerValue{u: x}, true
	}
	return integerValue{}, false
}

// numberSyntax is a number of YAML 1.2's core schema, and of JSON.
var numberSyntax = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// plainNumber returns the text of an unquoted scalar that is a number but
// that the parser leaves as text: one with an exponent and no decimal
// point (1e-07, 1e+21, as encoding/json writes small and large floats),
// or a whole number too large for 64 bits.
func plainNumber(n ast.Node) (string, bool) {
	s, ok := n.(*ast.StringNode)
	if !ok || s.Token == nil || s.Token.Type != token.StringType || !numberSyntax.MatchString(s.Value) {
		return "", false
	}
	return s.Value, true
}

// wholeSyntax reports whether a number is written as a whole number.
func wholeSyntax(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

func number(n ast.Node) (float64, bool) {
	if s, ok := plainNumber(n); ok {
		// Too large a number is infinite, and refused as such.
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil || errors.Is(err, strconv.ErrRange)
	}
	switch x := n.(type) {
	case *ast.FloatNode:
		return x.Value, true
	case *ast.InfinityNode:
		return x.Value, true
	case *ast.NanNode:
		return math.NaN(), true
	case *ast.IntegerNode:
		i, ok := integer(n)
		if !ok {
			return 0, false
		}
		if i.neg {
			return -float64(i.u), true
		}
		return float64(i.u), true
	}
	return 0, false
}

// scalarText returns the text of a scalar: a string's value, a block's
// content, or a number's or boolean's text as written.
func scalarText(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return stringValue(x), true
	case *ast.LiteralNode:
		if x.Value == nil {
			return "", true
		}
		return x.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if t := n.GetToken(); t != nil {
			return t.Value, true
		}
	}
	return "", false
}

// stringValue returns the value of a string scalar. The parser drops a
// tab between the words of a plain (unquoted) scalar, where YAML keeps it
// ("5\tand\tx" read as "5andx"): the value is then read again from the
// characters as written, which differ from the parser's by those tabs
// only.
func stringValue(n *ast.StringNode) string {
	t := n.Token
	if t == nil || !strings.Contains(t.Origin, "\t") {
		return n.Value
	}
	raw := strings.TrimLeft(t.Origin, " \t\r\n")
	if raw == "" || raw[0] == '"' || raw[0] == '\'' {
		return n.Value
	}
	chars, ok := flowScalar("", n)
	if !ok {
		return n.Value
	}
	rs := make([]rune, len(chars))
	for i, c := range chars {
		rs[i] = c.r
	}
	v := string(rs)
	if v == n.Value || strings.ReplaceAll(v, "\t", "") != strings.ReplaceAll(n.Value, "\t", "") {
		return n.Value
	}
	return v
}

// writes reports whether name is written in n: n is that text, or a key
// or a value inside it is. Aliases are followed, within a bound.
func (d *decoder) writes(n ast.Node, name string) bool {
	budget := 1 << 12
	var walk func(n ast.Node, depth int) bool
	walk = func(n ast.Node, depth int) bool {
		budget--
		if budget < 0 || depth > 64 {
			return false
		}
		switch x := d.anchors.resolve(n).(type) {
		case nil:
			return false
		case *ast.MappingNode:
			return slices.ContainsFunc(x.Values, func(v *ast.MappingValueNode) bool { return walk(v, depth+1) })
		case *ast.MappingValueNode:
			return walk(x.Key, depth+1) || walk(x.Value, depth+1)
		case *ast.MappingKeyNode:
			return walk(x.Value, depth+1)
		case *ast.SequenceNode:
			return slices.ContainsFunc(x.Values, func(v ast.Node) bool { return walk(v, depth+1) })
		default:
			s, ok := scalarText(x)
			return ok && s == name
		}
	}
	return walk(n, 0)
}

func isMapping(n ast.Node) bool {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

func isNull(n ast.Node) bool {
	_, null := n.(*ast.NullNode)
	return n == nil || null
}

// describe names a node's kind and value for messages.
func describe(n ast.Node) string {
	switch x := n.(type) {
	case nil, *ast.NullNode:
		return "nothing (null)"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.BoolNode:
		return fmt.Sprint(x.Value)
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		s, _ := scalarText(n)
		return "the number " + s
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.StringNode:
		if s, ok := plainNumber(x); ok {
			return "the number " + s
		}
		s := x.Value
		if utf8.RuneCountInString(s) > 40 {
			s = string([]rune(s)[:40]) + "..."
		}
		return fmt.Sprintf("the text %q", s)
	}
	return "a " + strings.ToLower(strings.TrimSuffix(n.Type().String(), "Type"))
}

// nodePos is where a node starts in the file (1-based; 0, 0 when unknown).
func nodePos(n ast.Node) (int, int) {
	switch x := n.(type) {
	case nil:
		return 0, 0
	case *ast.MappingNode:
		if x.IsFlowStyle && x.Start != nil && x.Start.Position != nil {
			return x.Start.Position.Line, x.Start.Position.Column
		}
		if len(x.Values) > 0 {
			return nodePos(x.Values[0])
		}
	case *ast.MappingValueNode:
		return nodePos(x.Key)
	case *ast.MappingKeyNode:
		if x.Value != nil {
			return nodePos(x.Value)
		}
	}
	t := n.GetToken()
	if t == nil || t.Position == nil {
		return 0, 0
	}
	return t.Position.Line, t.Position.Column
}

// anchors resolves aliases to the nodes they name: the last anchor of that
// name before the alias, as YAML says.
type anchors struct {
	byName map[string][]*ast.AnchorNode
}

func collectAnchors(root ast.Node) *anchors {
	a := &anchors{byName: map[string][]*ast.AnchorNode{}}
	if root == nil {
		return a
	}
	ast.Walk(visitorFunc(func(n ast.Node) {
		if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil {
			name := an.Name.GetToken().Value
			a.byName[name] = append(a.byName[name], an)
		}
	}), root)
	for _, list := range a.byName {
		slices.SortStableFunc(list, func(x, y *ast.AnchorNode) int { return offset(x) - offset(y) })
	}
	return a
}

type visitorFunc func(ast.Node)

func (f visitorFunc) Visit(n ast.Node) ast.Visitor {
	f(n)
	return f
}

func offset(n ast.Node) int {
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Offset
	}
	return 0
}

// dangling reports whether n is, or leads to, an alias whose anchor is
// not defined before it.
func (a *anchors) dangling(n ast.Node) bool {
	x := aliasOf(n)
	return x != nil && a.resolve(x) == nil
}

// text is resolve, but for a scalar tagged !!str, which YAML has for
// text whatever it looks like (!!str 10, !!str true): that is the text of
// the scalar as written, a string node that no number or boolean field
// takes.
func (a *anchors) text(n ast.Node) ast.Node {
	str := false
walk:
	for k, x := 0, n; k < 16; k++ {
		switch y := x.(type) {
		case *ast.AnchorNode:
			x = y.Value
		case *ast.TagNode:
			if y.Start != nil && (y.Start.Value == "!!str" || y.Start.Value == "!<tag:yaml.org,2002:str>") {
				str = true
			}
			x = y.Value
		case *ast.AliasNode:
			x = a.target(y)
		default:
			break walk
		}
	}
	r := a.resolve(n)
	if !str {
		return r
	}
	switch x := r.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if t := r.GetToken(); t != nil {
			return ast.String(t)
		}
	case *ast.StringNode:
		// A plain scalar that the parser already made a string (after a
		// verbatim tag) must not read as a number either: its token
		// becomes a quoted one's.
		if t := x.Token; t != nil && t.Type == token.StringType {
			q := *t
			q.Type = token.SingleQuoteType
			s := ast.String(&q)
			s.Value = x.Value
			return s
		}
	}
	return r
}

// unreadTag returns the first tag n is written with (under its anchors,
// through its aliases) that a program file does not read, and what is
// wrong with it; nil when there is none. A value is read as written: !!str
// makes it text (see [anchors.text]), and a tag of YAML's own types is
// read where it names the value's own type (!!int 3, !!map); any other
// tag (a local one such as !env, for a tool that substitutes the value;
// !!binary) or a type's tag on a value of another type (!!int "3") would
// be dropped and the value read as if it had none.
func (a *anchors) unreadTag(n ast.Node) (*ast.TagNode, string) {
	for k, x := 0, n; k < 16; k++ {
		switch y := x.(type) {
		case *ast.AnchorNode:
			x = y.Value
		case *ast.AliasNode:
			x = a.target(y)
		case *ast.TagNode:
			if y.Start == nil {
				return nil, ""
			}
			written := y.Start.Value
			name := written
			if core, ok := strings.CutPrefix(name, "!<tag:yaml.org,2002:"); ok && strings.HasSuffix(core, ">") {
				name = "!!" + strings.TrimSuffix(core, ">")
			}
			fits, known := coreTags[name]
			if !known {
				return y, fmt.Sprintf("the tag %s is not read: a program file takes the value as written (of the tags, only !!str and those of the value's own type, such as !!int 3)", written)
			}
			if v := a.resolve(y.Value); fits != nil && !fits(v) {
				return y, fmt.Sprintf("the tag %s does not fit %s: write the value without it", written, describe(v))
			}
			x = y.Value
		default:
			return nil, ""
		}
	}
	return nil, ""
}

// coreTags are the tags of YAML's own types that a program file reads,
// each with whether a value is of that type (nil: any is, for !!str,
// which makes it text).
var coreTags = map[string]func(ast.Node) bool{
	"!!str": nil,
	"!!int": func(n ast.Node) bool {
		if _, ok := n.(*ast.IntegerNode); ok {
			return true
		}
		// After a verbatim tag the parser leaves a number as text.
		s, ok := plainNumber(n)
		return ok && wholeSyntax(s)
	},
	"!!float": func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
			return true
		}
		_, ok := plainNumber(n)
		return ok
	},
	"!!bool": func(n ast.Node) bool { _, ok := n.(*ast.BoolNode); return ok },
	"!!null": isNull,
	"!!map":  isMapping,
	"!!seq":  func(n ast.Node) bool { _, ok := n.(*ast.SequenceNode); return ok },
	// A time field reads a date or a time as text.
	"!!timestamp": func(n ast.Node) bool { _, ok := n.(*ast.StringNode); return ok },
}

// aliasOf returns the alias n is, under its anchors and tags; nil when n
// is not one.
func aliasOf(n ast.Node) *ast.AliasNode {
	x, _ := bare(n).(*ast.AliasNode)
	return x
}

// bare returns n without its anchors and tags (nil past 16 of them).
func bare(n ast.Node) ast.Node {
	for range 16 {
		switch x := n.(type) {
		case *ast.AnchorNode:
			n = x.Value
		case *ast.TagNode:
			n = x.Value
		default:
			return n
		}
	}
	return nil
}

// anchorOf returns the anchor an alias names, nil when there is none.
func (a *anchors) anchorOf(x *ast.AliasNode) *ast.AnchorNode {
	if x.Value == nil {
		return nil
	}
	var anchor *ast.AnchorNode
	for _, an := range a.byName[x.Value.GetToken().Value] {
		if offset(an) < offset(x) {
			anchor = an
		}
	}
	return anchor
}

// target returns the node an alias names (its anchor's value, tags and
// all), nil when there is none.
func (a *anchors) target(x *ast.AliasNode) ast.Node {
	if an := a.anchorOf(x); an != nil {
		return an.Value
	}
	return nil
}

// resolve strips anchors and tags and follows aliases; an alias to no
// anchor resolves to nil.
func (a *anchors) resolve(n ast.Node) ast.Node {
	for range 16 {
		n = bare(n)
		x, ok := n.(*ast.AliasNode)
		if !ok {
			return n
		}
		n = a.target(x)
	}
	return nil
}
