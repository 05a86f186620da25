package programfile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
)

// Load reads the program file at path. A readiness model given as a file
// name is read relative to the program file's directory.
func Load(path string) (program.Definitions, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return program.Definitions{}, err
	}
	return Parse(path, data)
}

// LoadFS reads the program file at name in fsys (an embedded directory of
// programs, say); a readiness model file is read from fsys too.
func LoadFS(fsys fs.FS, name string) (program.Definitions, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return program.Definitions{}, err
	}
	p := parse(name, data, fsReader(fsys, path.Dir(name)))
	return p.defs, p.err()
}

// Parse reads a program from data, YAML or JSON. name is the file's name
// in messages; a readiness model given as a file name is read from the
// operating system's file system, relative to name's directory.
//
// Every problem of the file is reported at once in an [*Error]: YAML
// syntax (only the first, as the parser stops there), fields the program
// does not have, values of the wrong type.
func Parse(name string, data []byte) (program.Definitions, error) {
	p := parse(name, data, osReader(filepath.Dir(name)))
	return p.defs, p.err()
}

// Compile parses data like [Parse] and compiles the program with
// [program.Compile]. Every problem is reported at once in an [*Error],
// each at its place in the file; a rule that does not compile is placed at
// the very character the rules engine points at.
//
// Problems found while reading (a misspelt field, a value of the wrong
// type) do not hide the program's: once the file could be read as a
// whole, what was read is compiled too, and both kinds come together. A
// compile problem that only follows from a reading problem is left out
// (the package documentation states the rule): one at, under or above the
// path of the value left unread, which for an unknown field with a
// suggestion is the field suggested ("caps[0].per: must be positive" when
// per could not be read or was written pr); a rule's own problem counts as
// one of its expression; and a name reported unknown is left out when it
// is written inside a value that could not be read (id: [mine]). Only a
// YAML syntax error, a file that is not a mapping of sections, or one too
// large once its aliases are expanded, stops at the reading problems.
func Compile(name string, data []byte, opts program.Options) (*program.Program, error) {
	prog, _, err := compile(name, data, opts)
	return prog, err
}

// CompileFiles is [Compile], and also gives the paths of the other files
// the program read: the readiness model file, when readiness.model names
// one, at the path it was opened at (joined to the directory of name,
// unless absolute). It gives them whether or not the program compiles, so
// that a tool that writes files (quorum simulate --events) can refuse to
// overwrite one that the program is made of. A file named but not read
// (missing, unreadable) is not among them.
func CompileFiles(name string, data []byte, opts program.Options) (*program.Program, []string, error) {
	prog, p, err := compile(name, data, opts)
	return prog, slices.Clone(p.dec.read), err
}

// CompileWarnings is [Compile], and also gives the warnings of the
// program compiled: definitions that are legal but probably wrong
// (buyinggroup.Catalog.Warnings: two interests of one CRM product, a role
// template with no required role, a stage no entry stage reaches). Each
// is placed in the file as a problem is, at the node its path names, in
// file order. A file that does not compile has its problems and no
// warnings.
func CompileWarnings(name string, data []byte, opts program.Options) (*program.Program, []Warning, error) {
	prog, p, err := compile(name, data, opts)
	if err != nil {
		return nil, nil, err
	}
	var ws []Warning
	for _, w := range prog.Groups.Warnings() {
		pr, _ := p.place(w.Path, errors.New(w.Msg))
		ws = append(ws, Warning{File: pr.File, Line: pr.Line, Column: pr.Column, Path: pr.Path, Message: pr.Message})
	}
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return prog, ws, nil
}

// compile is Compile, and gives the file read, to place the warnings of
// the program in it.
func compile(name string, data []byte, opts program.Options) (*program.Program, *parsed, error) {
	p := parse(name, data, osReader(filepath.Dir(name)))
	read := p.err()
	if read != nil && (p.root == nil || p.dec.partial) {
		return nil, p, read
	}
	prog, err := program.Compile(p.defs, opts)
	if err != nil {
		return nil, p, p.compileError(err)
	}
	if read != nil {
		return nil, p, read
	}
	return prog, p, nil
}

func osReader(dir string) func(string) (string, []byte, error) {
	return func(ref string) (string, []byte, error) {
		if !filepath.IsAbs(ref) {
			ref = filepath.Join(dir, filepath.FromSlash(ref))
		}
		data, err := os.ReadFile(ref)
		return ref, data, err
	}
}

func fsReader(fsys fs.FS, dir string) func(string) (string, []byte, error) {
	return func(ref string) (string, []byte, error) {
		name := path.Join(dir, ref)
		data, err := fs.ReadFile(fsys, name)
		return name, data, err
	}
}

// parsed is a program file read: its definitions, its syntax tree (to
// place compile problems) and the problems found.
type parsed struct {
	dec  *decoder
	root ast.Node
	defs program.Definitions
}

func (p *parsed) err() error {
	if len(p.dec.problems) == 0 {
		return nil
	}
	return &Error{Problems: sorted(p.dec.problems)}
}

func parse(name string, data []byte, readModel func(string) (string, []byte, error)) *parsed {
	d := &decoder{file: name, readModel: readModel}
	p := &parsed{dec: d}
	p.root = d.document(data, reflect.ValueOf(&p.defs).Elem())
	return p
}

// document reads data, one YAML (or JSON) document, into v (settable),
// recording every problem in d, and returns the document's syntax tree
// (nil when it has none or does not parse).
func (d *decoder) document(data []byte, v reflect.Value) ast.Node {
	name := d.file
	// A line break is a line break, LF or CRLF (a file saved on Windows):
	// the parser folds a quoted value over CRLF lines into a newline, not
	// a space, and block scalars keep their CRs apart from the value.
	// Lines and columns stay the same.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	// A byte order mark (editors on Windows write one) is no part of the
	// first key, as YAML has it; columns count from after it, as editors
	// show them.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	d.src = string(data)
	file, err := parseYAML(data)
	if err != nil {
		pr := Problem{File: name, Line: 1, Column: 1, Message: "YAML: " + err.Error(), Err: err}
		var se interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if errors.As(err, &se) {
			pr.Message = "YAML: " + se.GetMessage()
			if t := se.GetToken(); t != nil && t.Position != nil {
				pr.Line, pr.Column = t.Position.Line, t.Position.Column
				pr.Line, pr.Column = misplacedKey(t, se.GetMessage(), pr.Line, pr.Column)
			}
		}
		d.problems = append(d.problems, pr)
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		// A directive (%YAML 1.2) belongs to the document after it, which
		// the parser keeps apart.
		if _, directive := doc.Body.(*ast.DirectiveNode); directive {
			continue
		}
		docs = append(docs, doc)
	}
	if len(docs) > 1 {
		d.addf(docs[1].Body, "", "a %s file holds one YAML document, this is a second one", cmp.Or(d.kind, "program"))
	}
	if len(docs) == 0 {
		d.anchors = collectAnchors(nil)
		return nil
	}
	root := docs[0].Body
	d.anchors = collectAnchors(root)
	d.decode(root, v, "")
	return root
}

// misplacedKey places the parser's "mapping value is not allowed" at the
// key that is indented too far, rather than at the value above it: the
// parser reads that key as a second line of the value (name: x, then
// "  version: 2" is the value "x version" followed by a colon), and names
// where that value starts.
func misplacedKey(t *token.Token, msg string, line, col int) (int, int) {
	if msg != "mapping value is not allowed in this context" {
		return line, col
	}
	text := strings.Trim(t.Origin, " \t\n")
	i := strings.LastIndexByte(text, '\n')
	if i < 0 {
		return line, col
	}
	last := text[i+1:]
	indent := len(last) - len(strings.TrimLeft(last, " \t"))
	return line + strings.Count(text, "\n"), indent + 1
}

// parseYAML parses data into a syntax tree. The parser is not ours: a
// panic inside it on strange input becomes an error, not a crash.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this file: %v", r)
		}
	}()
	// Duplicate keys are left to the decoder, which reports them with
	// their path and goes on.
	return parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
}

// compileError places every problem of a program.Compile error in the
// file, and adds the problems found while reading it. A compile problem
// that follows from a reading problem is left out (see [Compile]).
func (p *parsed) compileError(err error) error {
	read := slices.Clone(p.dec.problems)
	var ve *b2b.ValidationError
	if !errors.As(err, &ve) {
		return &Error{Problems: sorted(append(read, Problem{File: p.dec.file, Message: err.Error(), Err: err})), compile: err}
	}
	keep, skipped := len(p.dec.problems), slices.Clone(p.dec.unread)
	var out []Problem
	for _, vp := range ve.Problems {
		pr, about := p.place(vp.Path, vp.Err)
		isRule := errors.As(vp.Err, new(*rules.CompileError))
		name, unknown := unknownName(vp.Err)
		if slices.ContainsFunc(skipped, func(u unread) bool {
			return related(u.path, about) || !isRule && unknown && p.dec.writes(u.node, name)
		}) {
			continue
		}
		out = append(out, pr)
	}
	p.dec.problems, p.dec.unread = p.dec.problems[:keep], p.dec.unread[:len(skipped)]
	e := &Error{Problems: sorted(append(read, out...))}
	if len(out) > 0 {
		e.compile = err
	}
	return e
}

// place places the problem err of a program.Compile path in the file,
// and says what it is about: a rule's own problem is about its
// expression, which a rule written as {name, expr} keeps apart.
func (p *parsed) place(path string, err error) (Problem, string) {
	loc := p.dec.locate(p.root, path)
	about := loc.path
	var ce *rules.CompileError
	isRule := errors.As(err, &ce)
	n := p.dec.anchors.resolve(loc.node)
	// at is the node the problem is placed at, when no character inside
	// it can be named: the expression of a rule written as {name, expr}
	// (one written as a number, read as its text, has no characters to
	// trace), else the node of the path.
	at := loc.node
	if isRule && loc.exact && isMapping(n) {
		about = joinField(loc.path, "expr")
		if e, via, ok := p.dec.lookupVia(n, "expr"); ok {
			n = p.dec.anchors.resolve(e)
			at = n
			loc.through = cmp.Or(loc.through, via)
		}
	}
	pr := Problem{File: p.dec.file, Path: loc.path, Message: err.Error(), Err: err}
	pr.Line, pr.Column = nodePos(at)
	if name, unknown := unknownName(err); unknown && loc.key != nil {
		// A name unknown as a key (an interest in groupScore.models)
		// is the key's problem, not its value's.
		if k, _ := p.dec.key(loc.key); k == name {
			if v, _ := scalarText(p.dec.anchors.resolve(loc.node)); v != name {
				pr.Line, pr.Column = nodePos(loc.key)
			}
		}
	}
	if isRule && loc.exact && ce.Line > 0 {
		if l, c, ok := scalarPosition(p.dec.src, n, ce.Line, ce.Column); ok {
			pr.Line, pr.Column = l, c
		}
	}
	// A template's problem is placed, as a rule's, at the character
	// it names inside the template.
	var te *channel.TemplateError
	if loc.exact && errors.As(err, &te) && te.Line > 0 {
		if l, c, ok := textPosition(p.dec.src, n, te.Line, te.Column); ok {
			pr.Line, pr.Column = l, c
		}
	}
	if pr.Line == 0 {
		pr.Line, pr.Column = 1, 1
	}
	if !isRule && te == nil {
		pr.Message = p.firstPlaced(path, pr.Message)
	}
	if loc.through != nil {
		// A value reached through an alias is placed where it is used.
		pr.Line, pr.Column, pr.Message = p.dec.placeAtAlias(loc.through, pr.Line, pr.Column, pr.Message)
	}
	return pr, about
}

// siblingRef is a problem's reference to an element of a list, at the end
// of its message or of a parenthesis: "(also nodes[0])", "is already the
// name of audiences[0]".
var siblingRef = regexp.MustCompile(`\b([A-Za-z]+)\[(\d+)\](\)|$)`)

// firstPlaced says in msg, a problem of the program.Compile path, where
// the first of a duplicate is written. A problem that names another
// element of a list its path goes through ("duplicate node ID \"a\" (also
// nodes[0])") gets that element's line and column after the name:
// "(also nodes[0], on line 9, column 14)". A problem "duplicate ..." of
// the name or ID of a list element that names no other (a template, an
// alert rule) gets the first element of that list with the same name:
// "duplicate template \"hi\" (also emails[0], on line 8, column 14)".
// The first is placed as a problem is: at the alias it is reached
// through, if any.
func (p *parsed) firstPlaced(path, msg string) string {
	line, rest, multi := strings.Cut(msg, "\n")
	segs := parsePath(path)
	// list returns the index in segs of the last element of list name.
	list := func(name string) int {
		for k := len(segs) - 1; k > 0; k-- {
			if segs[k].kind == '[' && segs[k-1].kind == '.' && segs[k-1].field == name {
				return k
			}
		}
		return -1
	}
	// at places element index of the list at segs[k], at the field of
	// the problem's path when that is one field of the element (its
	// name), else at the element.
	at := func(k, index int) (string, string, bool) {
		first := slices.Clone(segs[:k+1])
		if k+2 == len(segs) && segs[k+1].kind == '.' {
			first = slices.Clone(segs)
		}
		first[k].index = index
		loc := p.dec.locate(p.root, joinSegments(first))
		if !loc.exact {
			return "", "", false
		}
		l, c := nodePos(loc.node)
		if loc.through != nil {
			l, c = nodePos(loc.through)
		}
		if l == 0 {
			return "", "", false
		}
		ref := joinSegments(segs[k-1 : k+1])
		if k == 1 {
			// A section of the file renamed (templates[0] is the
			// file's roleTemplates[0]).
			ref = translate(ref)
		}
		ref = strings.Replace(ref, fmt.Sprintf("[%d]", segs[k].index), fmt.Sprintf("[%d]", index), 1)
		return ref, fmt.Sprintf("on line %d, column %d", l, c), true
	}
	if m := siblingRef.FindStringSubmatchIndex(line); m != nil {
		k := list(line[m[2]:m[3]])
		j, err := strconv.Atoi(line[m[4]:m[5]])
		if k < 0 || err != nil || j == segs[k].index {
			return msg
		}
		ref, where, ok := at(k, j)
		if !ok {
			return msg
		}
		line = line[:m[0]] + ref + ", " + where + line[m[5]+1:]
	} else {
		// "duplicate template \"hi\"", of templates.emails[1].name.
		n := len(segs)
		q := strings.IndexByte(line, '"')
		if !strings.HasPrefix(line, "duplicate ") || q < 0 || n < 3 || segs[n-1].kind != '.' || segs[n-2].kind != '[' ||
			segs[n-1].field != "name" && segs[n-1].field != "id" {
			return msg
		}
		quoted, err := strconv.QuotedPrefix(line[q:])
		if err != nil {
			return msg
		}
		name := func(index int) (string, bool) {
			s := slices.Clone(segs)
			s[n-2].index = index
			loc := p.dec.locate(p.root, joinSegments(s))
			if !loc.exact {
				return "", false
			}
			return scalarText(p.dec.anchors.resolve(loc.node))
		}
		dup, ok := name(segs[n-2].index)
		if !ok {
			return msg
		}
		for j := range segs[n-2].index {
			if v, ok := name(j); ok && v == dup {
				ref, where, ok := at(n-2, j)
				if !ok {
					return msg
				}
				end := q + len(quoted)
				line = line[:end] + " (also " + ref + ", " + where + ")" + line[end:]
				break
			}
		}
	}
	if multi {
		line += "\n" + rest
	}
	return line
}

// joinSegments writes a path of segments: journeys[0].nodes["a"].id.
func joinSegments(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.kind == '.' && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// related reports whether two paths of a file name the same value, or one
// lies inside the other. A problem of the file as a whole (an empty path)
// is related to none.
func related(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	inside := func(x, y string) bool { // x inside y
		return strings.HasPrefix(x, y) && (len(x) == len(y) || x[len(y)] == '.' || x[len(y)] == '[')
	}
	return inside(a, b) || inside(b, a)
}

// unknownName returns the name in a problem that something named is
// unknown: "unknown role template \"mine\"" gives mine. The kind is words
// of letters, upper case too ("unknown SMS template").
func unknownName(err error) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "unknown ")
	kind, quoted, found := strings.Cut(rest, `"`)
	if !ok || !found || kind == "" || strings.Trim(kind, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ") != "" {
		return "", false
	}
	q, qerr := strconv.QuotedPrefix(`"` + quoted)
	if qerr != nil {
		return "", false
	}
	name, _ := strconv.Unquote(q)
	return name, name != ""
}

func sorted(ps []Problem) []Problem {
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return ps
}
