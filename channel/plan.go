package channel

import (
	htmltemplate "html/template"
	"reflect"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

// A plan is a template compiled once more, after text/template has parsed
// it (and html/template has escaped it), for the shape most message
// templates have: literal text, and tokens that read one string field of
// the render context, optionally through default, required and the
// escapers html/template adds in text, in quoted attributes and in URLs:
//
//	<p>Hi {{.Person.FirstName | default "there"}},</p> <a href="{{.UnsubscribeURL}}">
//
// text/template evaluates each token by looking fields up by name and
// calling functions through reflection, about 2 µs a token; a plan reads
// the field by its index and calls the functions directly, which makes a
// journey email more than ten times cheaper to render. A template with any
// other node (if, range, with, a variable, another function, a field that
// is not a string, a fragment html/template escaped in another context)
// has no plan and always runs on text/template. A plan gives the same
// bytes as the template it comes from (a differential test and a fuzz
// test hold it to that); when a required token is empty it declines, and
// the template runs to report the error as it always has.
type plan struct {
	ops   []planOp
	size  int // the literal text's length, to size the first buffer
	calls int // fragment calls inlined, while compiling
}

// A plan copies a fragment's content at each call, so fragments calling
// fragments several times each multiply it; past these sizes (in ops,
// fragment calls, literal bytes) the template has no plan and renders on
// text/template, which calls fragments instead of copying them.
const (
	maxPlanOps   = 4096
	maxPlanBytes = 1 << 20
)

// A planOp writes literal text, or the token read at field (an index path
// into RenderContext) passed through fns.
type planOp struct {
	text  string
	field []int
	fns   []planFn
}

type planFn struct {
	kind planFnKind
	arg  string // default's fallback, or required's token name
}

type planFnKind uint8

const (
	fnDefault      planFnKind = iota // default "fallback"
	fnRequired                       // required "token" (added by markRequired)
	fnHTMLEscape                     // html/template: text between tags
	fnAttrEscape                     // html/template: a quoted attribute value
	fnURLFilter                      // html/template: a URL attribute's scheme check
	fnURLNormalize                   // html/template: a URL attribute's normalization
	fnURLEscape                      // html/template: a value in a URL's query
)

// planFuncs are the functions a plan can call, by the name a template
// (or html/template's escaper) gives them, with the number of literal
// string arguments each takes before the piped value.
var planFuncs = map[string]struct {
	kind planFnKind
	args int
}{
	"default":                      {fnDefault, 1},
	"required":                     {fnRequired, 1},
	"_html_template_htmlescaper":   {fnHTMLEscape, 0},
	"_html_template_attrescaper":   {fnAttrEscape, 0},
	"_html_template_urlfilter":     {fnURLFilter, 0},
	"_html_template_urlnormalizer": {fnURLNormalize, 0},
	"_html_template_urlescaper":    {fnURLEscape, 0},
}

// compilePlan compiles the tree of a template, whose fragments lookup
// finds, into a plan; nil when some node is outside what a plan does.
func compilePlan(tree *parse.Tree, lookup func(name string) *parse.Tree) *plan {
	if tree == nil || tree.Root == nil {
		return nil
	}
	p := &plan{}
	if !p.add(tree.Root, lookup) || p.full() {
		return nil
	}
	return p
}

// full reports whether the plan has grown past its limits.
func (p *plan) full() bool {
	return len(p.ops) > maxPlanOps || p.size > maxPlanBytes || p.calls > maxPlanOps
}

func (p *plan) add(n parse.Node, lookup func(string) *parse.Tree) bool {
	if p.full() {
		return false
	}
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			if !p.add(c, lookup) {
				return false
			}
		}
		return true
	case *parse.TextNode:
		if len(n.Text) > 0 {
			p.ops = append(p.ops, planOp{text: string(n.Text)})
			p.size += len(n.Text)
		}
		return true
	case *parse.CommentNode:
		return true
	case *parse.ActionNode:
		op, ok := planToken(n.Pipe)
		if ok {
			p.ops = append(p.ops, op)
		}
		return ok
	case *parse.TemplateNode:
		// Only {{template "name" .}}: the fragment sees the same dot. (A
		// fragment that calls itself, which CompileTemplates refuses
		// anyway, ends at the limit of calls.)
		if n.Pipe == nil || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 ||
			len(n.Pipe.Cmds[0].Args) != 1 || n.Pipe.Cmds[0].Args[0].Type() != parse.NodeDot {
			return false
		}
		t := lookup(n.Name)
		if t == nil || t.Root == nil {
			return false
		}
		p.calls++
		return p.add(t.Root, lookup)
	}
	return false
}

// planToken compiles {{.A.B | f "x" | g}}: a field chain of string fields
// of RenderContext, then functions of planFuncs.
func planToken(pipe *parse.PipeNode) (planOp, bool) {
	if pipe == nil || len(pipe.Decl) > 0 || pipe.IsAssign || len(pipe.Cmds) == 0 || len(pipe.Cmds[0].Args) != 1 {
		return planOp{}, false
	}
	f, ok := pipe.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok {
		return planOp{}, false
	}
	index, ok := stringField(renderContextType, f.Ident)
	if !ok {
		return planOp{}, false
	}
	op := planOp{field: index}
	for _, cmd := range pipe.Cmds[1:] {
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok {
			return planOp{}, false
		}
		fn, ok := planFuncs[id.Ident]
		if !ok || len(cmd.Args) != 1+fn.args {
			return planOp{}, false
		}
		pf := planFn{kind: fn.kind}
		if fn.args == 1 {
			s, ok := cmd.Args[1].(*parse.StringNode)
			if !ok {
				return planOp{}, false
			}
			pf.arg = s.Text
		}
		op.fns = append(op.fns, pf)
	}
	return op, true
}

// stringField resolves a field chain from a *root (RenderContext) the way
// text/template does (a method of the name first, then a field, promoted
// fields included) and returns its index path if every step is a field of
// a struct held by value and the last is a plain string: no methods (which
// fmt would call), nothing from html/template (whose string types mean
// "already safe" to its escapers).
func stringField(root reflect.Type, chain []string) ([]int, bool) {
	t := root
	var index []int
	for _, name := range chain {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		if _, isMethod := reflect.PointerTo(t).MethodByName(name); isMethod {
			return nil, false
		}
		sf, ok := t.FieldByName(name)
		if !ok || !sf.IsExported() {
			return nil, false
		}
		// A promoted field reached through an embedded pointer may be nil.
		for i := 1; i < len(sf.Index); i++ {
			if t.FieldByIndex(sf.Index[:i]).Type.Kind() == reflect.Pointer {
				return nil, false
			}
		}
		index = append(index, sf.Index...)
		t = sf.Type
	}
	ok := t.Kind() == reflect.String && reflect.PointerTo(t).NumMethod() == 0 &&
		t.PkgPath() != "html/template"
	return index, ok
}

// render writes the plan for rc, its Brand replaced by brand, into b. It
// returns false, having written part of it, when a required token is
// empty.
func (p *plan) render(b *strings.Builder, rc *RenderContext, brand *Brand) bool {
	v := reflect.ValueOf(rc).Elem()
	bv := reflect.ValueOf(brand).Elem()
	for i := range p.ops {
		op := &p.ops[i]
		if op.field == nil {
			b.WriteString(op.text)
			continue
		}
		var s string
		if op.field[0] == brandField {
			s = bv.FieldByIndex(op.field[1:]).String()
		} else {
			s = v.FieldByIndex(op.field).String()
		}
		for _, fn := range op.fns {
			switch fn.kind {
			case fnDefault:
				if strings.TrimSpace(s) == "" {
					s = fn.arg
				}
			case fnRequired:
				if strings.TrimSpace(s) == "" {
					return false
				}
			case fnHTMLEscape, fnAttrEscape:
				s = escapeHTML(s)
			case fnURLFilter:
				if !isSafeURL(s) {
					s = "#ZgotmplZ"
				}
			case fnURLNormalize:
				s = processURL(s, true)
			case fnURLEscape:
				s = processURL(s, false)
			}
		}
		b.WriteString(s)
	}
	return true
}

// fixedText is the literal text of the plan, without its tokens: what
// every rendering holds (a token only adds to it). false without a plan.
func (p *plan) fixedText() (string, bool) {
	if p == nil {
		return "", false
	}
	var b strings.Builder
	b.Grow(p.size)
	for i := range p.ops {
		b.WriteString(p.ops[i].text)
	}
	return b.String(), true
}

// emptyBrandToken returns the name of a required token of the brand
// that brand leaves blank: a plan prints each of its tokens in every
// rendering, and the brand is the template's whatever the recipient, so
// every rendering would fail on it. false without a plan or such a token.
func (p *plan) emptyBrandToken(brand *Brand) (string, bool) {
	if p == nil {
		return "", false
	}
	bv := reflect.ValueOf(brand).Elem()
	for i := range p.ops {
		op := &p.ops[i]
		if op.field == nil || op.field[0] != brandField {
			continue
		}
		s := bv.FieldByIndex(op.field[1:]).String()
		for _, fn := range op.fns {
			switch {
			case fn.kind == fnDefault && strings.TrimSpace(s) == "":
				s = fn.arg
			case fn.kind == fnRequired && strings.TrimSpace(s) == "":
				return fn.arg, true
			}
		}
	}
	return "", false
}

// brandField is the index of RenderContext.Brand, which RenderEmail and
// RenderSMS set from the template's theme.
var brandField = func() int {
	f, _ := renderContextType.FieldByName("Brand")
	return f.Index[0]
}()

// escapeHTML escapes a plain string as html/template does in text and in
// quoted attribute values: NUL becomes U+FFFD and " & ' + < > become
// character references. (Every byte it looks at is ASCII, which never
// occurs inside a multi-byte UTF-8 sequence, so a byte loop suffices.)
func escapeHTML(s string) string {
	return rewrite(s, func(i int) string { return htmlEscapes[s[i]] })
}

var htmlEscapes = [256]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"}

// isSafeURL reports whether html/template lets a URL through as it is: a
// relative URL, or one whose scheme is http, https or mailto.
func isSafeURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// processURL percent-encodes what html/template's URL normalizer (norm) or
// URL escaper encodes: everything but RFC 3986's unreserved characters,
// and, when normalizing, its reserved ones and valid %xx escapes.
func processURL(s string, norm bool) string {
	return rewrite(s, func(i int) string {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~", c) >= 0:
			return ""
		case norm && strings.IndexByte("!#$&*+,/:;=?@[]", c) >= 0:
			return ""
		case norm && c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			return ""
		}
		return percentEscapes[c]
	})
}

// percentEscapes are the bytes' %xx forms, in lower case as
// html/template writes them.
var percentEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for c := range t {
		t[c] = "%" + string(hex[c>>4]) + string(hex[c&15])
	}
	return t
}()

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// rewrite returns s with each byte at i for which repl(i) is not empty
// replaced by repl(i); s itself, without copying, if there is none.
func rewrite(s string, repl func(i int) string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		r := repl(i)
		if r == "" {
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteString(r)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// textPlan is the plan of a parsed text/template, nil if it has none.
func textPlan(t *texttemplate.Template) *plan { return compilePlan(t.Tree, textTrees(t)) }

// htmlPlan is the plan of an html/template that has been escaped (it has
// been executed once): its tree and the fragments' trees carry the
// escapers. A fragment the escaper copied for another context has a name
// Lookup does not know, and the template then has no plan.
func htmlPlan(t *htmltemplate.Template) *plan { return compilePlan(t.Tree, htmlTrees(t)) }
