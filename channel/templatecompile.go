package channel

import (
	"cmp"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/quorumhq/quorum/b2b"
)

// templatePosition matches the place a problem's text starts with:
// "line:column: " or "line: ".
var templatePosition = regexp.MustCompile(`^([1-9][0-9]*)(?::([1-9][0-9]*))?: `)

// problem records msg at path; a msg that starts with its place in the
// template ("2:10: ...") is recorded as a *TemplateError.
func (c *compiler) problem(path, msg string) {
	m := templatePosition.FindStringSubmatch(msg)
	if m == nil {
		c.ps.Addf(path, "%s", msg)
		return
	}
	line, err1 := strconv.Atoi(m[1])
	col, err2 := strconv.Atoi(cmp.Or(m[2], "0"))
	if err1 != nil || err2 != nil {
		c.ps.Addf(path, "%s", msg)
		return
	}
	c.ps.Add(path, &TemplateError{Line: line, Column: col, Message: msg[len(m[0]):]})
}

// fragmentPath is the path of fragment name under prefix: a field
// ("fragments.footer"), or a key in brackets when the name holds a dot
// (fragments["mail.footer"]), which a dotted path would split.
func fragmentPath(prefix, name string) string {
	if strings.Contains(name, ".") {
		return prefix + "[" + strconv.Quote(name) + "]"
	}
	return prefix + "." + name
}

var (
	renderContextType = reflect.TypeFor[RenderContext]()
	nameRE            = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:-]{0,63}$`)
)

// CompileTemplates validates every template, theme and fragment of set and
// compiles them. It reports all problems at once as a *b2b.ValidationError,
// each at its path with line:column (a [*TemplateError] holds them; a
// fragment is named by its key in brackets when its name holds a dot):
//
//	templates: 2 problems:
//	  emails[0].html: 1:12: unknown token .Person.FristName: b2b.Person has no field FristName (it has ID, Email, ...)
//	  emails[1].text: the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email
func CompileTemplates(set TemplateSet) (*Templates, error) {
	var ps b2b.Problems
	themes := map[string]Theme{}
	for i, th := range set.Themes {
		path := fmt.Sprintf("themes[%d]", i)
		switch {
		case !nameRE.MatchString(th.Name):
			ps.Addf(path+".name", "%q is not a valid name (a letter, then letters, digits, _ . : -)", th.Name)
		case themes[th.Name].Name != "":
			ps.Addf(path+".name", "duplicate theme %q", th.Name)
		}
		themes[th.Name] = th
		for _, name := range slices.Sorted(maps.Keys(th.Fragments)) {
			if !nameRE.MatchString(name) {
				ps.Addf(path+".fragments", "%q is not a valid fragment name", name)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(set.Fragments)) {
		if !nameRE.MatchString(name) {
			ps.Addf("fragments", "%q is not a valid fragment name", name)
		}
	}
	if set.SMSMaxSegments < 0 {
		ps.Addf("smsMaxSegments", "%d is negative (0 is the default, %d SMS parts)", set.SMSMaxSegments, DefaultSMSMaxSegments)
	}
	c := &compiler{set: set, themes: themes, ps: &ps, reported: map[string]bool{}}
	out := &Templates{emails: map[string]*compiledEmail{}, sms: map[string]*compiledSMS{}}
	// A template whose name is bad or taken is checked all the same, so
	// that its problems come with the name's; it is not kept.
	emails, sms := map[string]bool{}, map[string]bool{}
	for i, def := range set.Emails {
		path := fmt.Sprintf("emails[%d]", i)
		named := c.checkName(path, def.Name, emails[def.Name])
		emails[def.Name] = true
		if ce := c.email(path, def); ce != nil && named {
			out.emails[def.Name] = ce
		}
	}
	for i, def := range set.SMS {
		path := fmt.Sprintf("sms[%d]", i)
		named := c.checkName(path, def.Name, sms[def.Name])
		sms[def.Name] = true
		if cs := c.smsTemplate(path, def); cs != nil && named {
			out.sms[def.Name] = cs
		}
	}
	if err := ps.Err("templates"); err != nil {
		return nil, err
	}
	return out, nil
}

type compiler struct {
	set      TemplateSet
	themes   map[string]Theme
	ps       *b2b.Problems
	reported map[string]bool // fragment problems reported once
}

func (c *compiler) checkName(path, name string, dup bool) bool {
	switch {
	case !nameRE.MatchString(name):
		c.ps.Addf(path+".name", "%q is not a valid name (a letter, then letters, digits, _ . : -)", name)
		return false
	case dup:
		c.ps.Addf(path+".name", "duplicate template %q", name)
		return false
	}
	return true
}

// distinctFromFragments reports whether a template's name is not that
// of a fragment it sees: a fragment of the same name would take the
// template's place (text/template keeps one template per name).
func (c *compiler) distinctFromFragments(path, name string, where map[string]string) bool {
	if w, clash := where[name]; clash {
		c.ps.Addf(path+".name", "%q is also the name of the fragment %s; a template and a fragment need different names", name, w)
		return false
	}
	return true
}

// fragments returns the fragments a template of the theme sees, with the
// path each was defined at.
func (c *compiler) fragments(path, theme string) (map[string]Fragment, map[string]string, Brand, bool) {
	frags := maps.Clone(c.set.Fragments)
	if frags == nil {
		frags = map[string]Fragment{}
	}
	where := map[string]string{}
	for name := range frags {
		where[name] = fragmentPath("fragments", name)
	}
	if theme == "" {
		return frags, where, Brand{}, true
	}
	th, ok := c.themes[theme]
	if !ok {
		c.ps.Addf(path+".theme", "unknown theme %q (themes: %s)", theme, strings.Join(slices.Sorted(maps.Keys(c.themes)), ", "))
		return nil, nil, Brand{}, false
	}
	idx := slices.IndexFunc(c.set.Themes, func(t Theme) bool { return t.Name == theme })
	for name, f := range th.Fragments {
		frags[name] = f
		where[name] = fragmentPath(fmt.Sprintf("themes[%d].fragments", idx), name)
	}
	return frags, where, th.Brand, true
}

func (c *compiler) email(path string, def EmailTemplate) *compiledEmail {
	frags, where, brand, ok := c.fragments(path, def.Theme)
	if !ok || !c.distinctFromFragments(path, def.Name, where) {
		return nil
	}
	// A missing part is reported, and the parts given are checked all
	// the same: their problems come at once.
	given := func(src string) bool { return strings.TrimSpace(src) != "" }
	for _, p := range []struct{ part, src string }{{"subject", def.Subject}, {"html", def.HTML}, {"text", def.Text}} {
		if !given(p.src) {
			c.ps.Addf(path+"."+p.part, "is required")
		}
	}
	ce := &compiledEmail{def: def, brand: brand}
	var usedSubject, usedHTML, usedText, printedHTML, printedText map[string]bool
	if given(def.Subject) {
		ce.subject, usedSubject, _ = c.text(path+".subject", def.Name, def.Subject, nil, nil)
	}
	if given(def.Text) {
		ce.text, usedText, printedText = c.text(path+".text", def.Name, def.Text, frags, where)
	}
	if given(def.HTML) {
		ce.html, usedHTML, printedHTML = c.html(path+".html", def.Name, def.HTML, frags, where)
	}
	if def.Marketing {
		// Of a part that compiled: one that did not says what is wrong
		// with it, and what it prints is not known. A part that reads
		// the link without printing it ({{if .UnsubscribeURL}}) has none.
		if ce.html != nil && !printedHTML["UnsubscribeURL"] {
			c.ps.Addf(path+".html", "the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email")
		}
		if ce.text != nil && !printedText["UnsubscribeURL"] {
			c.ps.Addf(path+".text", "the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email")
		}
	}
	if ce.subject == nil || ce.text == nil || ce.html == nil {
		return nil
	}
	ce.plans = [3]*plan{textPlan(ce.subject), htmlPlan(ce.html), textPlan(ce.text)}
	if !c.brandTokens(path, def.Theme, &brand, []string{".subject", ".html", ".text"}, ce.plans[:]) {
		return nil
	}
	ce.reads = map[string]bool{}
	for _, u := range []map[string]bool{usedSubject, usedHTML, usedText} {
		maps.Copy(ce.reads, u)
	}
	return ce
}

func (c *compiler) smsTemplate(path string, def SMSTemplate) *compiledSMS {
	frags, where, brand, ok := c.fragments(path, def.Theme)
	if !ok || !c.distinctFromFragments(path, def.Name, where) {
		return nil
	}
	if strings.TrimSpace(def.Text) == "" {
		c.ps.Addf(path+".text", "is required")
		return nil
	}
	maxSegments, limit := def.MaxSegments, "the template's maxSegments"
	switch {
	case maxSegments < 0:
		c.ps.Addf(path+".maxSegments", "%d is negative (0 is the set's smsMaxSegments)", maxSegments)
		return nil
	case maxSegments == 0 && c.set.SMSMaxSegments > 0:
		maxSegments, limit = c.set.SMSMaxSegments, "the set's smsMaxSegments"
	case maxSegments == 0:
		maxSegments, limit = DefaultSMSMaxSegments, "the default; a template's maxSegments or the set's smsMaxSegments changes it"
	}
	t, reads, _ := c.text(path+".text", def.Name, def.Text, frags, where)
	if t == nil {
		return nil
	}
	cs := &compiledSMS{def: def, brand: brand, reads: reads, text: t, plan: textPlan(t), maxSegments: maxSegments, limit: limit}
	if !c.brandTokens(path, def.Theme, &brand, []string{".text"}, []*plan{cs.plan}) {
		return nil
	}
	if fixed, ok := cs.plan.fixedText(); ok {
		// Every rendering holds this text: over the limit, each would be
		// refused.
		if err := checkSMSLength(strings.TrimSpace(fixed), maxSegments, limit); err != nil {
			c.ps.Addf(path+".text", "its fixed text alone is %s: every rendering would be refused", strings.TrimPrefix(err.Error(), "the text is "))
			return nil
		}
	}
	return cs
}

// brandTokens reports, in the parts that have a plan (text and plain
// tokens, each printed in every rendering), a required token of the
// brand that the template's brand leaves blank: the brand is its
// theme's whatever the recipient, so every rendering would fail on it.
// It reports whether there was none.
func (c *compiler) brandTokens(path, theme string, brand *Brand, parts []string, plans []*plan) bool {
	ok := true
	for i, p := range plans {
		token, empty := p.emptyBrandToken(brand)
		if !empty {
			continue
		}
		why := "the template has no theme to set it"
		if theme != "" {
			why = fmt.Sprintf("theme %q's brand leaves it blank", theme)
		}
		c.ps.Addf(path+parts[i], "required token %s is empty for every recipient (%s): every rendering would fail; set it, or give it a fallback: {{%s | default \"...\"}}", token, why, token)
		ok = false
	}
	return ok
}

// parseChecked parses src into root and the fragments (their part, ".text"
// or ".html") into templates of their names, then type-checks the tokens
// and marks the required ones. It returns the token paths read and those
// whose text is printed (see checker.printed), or false after reporting
// the problems.
func parseChecked[T interface {
	New(name string) T
	Parse(text string) (T, error)
}](c *compiler, root T, lookup func(name string) *parse.Tree, path, part, name, src string, frags map[string]Fragment, where map[string]string) (used, printed map[string]bool, ok bool) {
	if _, err := root.Parse(src); err != nil {
		c.problem(path, parseMessage(err, name, src))
		return nil, nil, false
	}
	if c.redefinitions(path, part, name, src, frags, where) {
		return nil, nil, false
	}
	bad := false
	for _, fname := range slices.Sorted(maps.Keys(frags)) {
		fsrc := frags[fname].Text
		if part == ".html" {
			fsrc = frags[fname].HTML
		}
		if _, err := root.New(fname).Parse(fsrc); err != nil {
			c.fragmentProblem(where[fname]+part, parseMessage(err, fname, fsrc))
			bad = true
		}
	}
	if bad {
		return nil, nil, false
	}
	empty := c.emptyFragments(lookup, path, part, name, frags, where)
	ck := newChecker(renderContextType, templateFuncs, lookup)
	ck.check(name)
	if !c.tokenProblems(path, part, name, where, ck) || empty {
		return nil, nil, false
	}
	ck.markRequired()
	return ck.used, ck.printed, true
}

// redefinitions reports each {{define}} or {{block}}, of the template
// name (whose text is src) or of a fragment it sees, under a name that
// another of them has: the template's, a fragment's, or one that an
// earlier text defines. text/template keeps one template a name, the
// last parsed, and lets a later Parse replace an earlier definition
// without a word: the template's own {{define "footer"}} would print the
// shared fragment footer instead, a fragment defining another's name
// would replace that fragment in every template, and one defining the
// template's name would hide the template's text from the checks. It
// returns whether there was one.
func (c *compiler) redefinitions(path, part, name, src string, frags map[string]Fragment, where map[string]string) bool {
	owner := map[string]string{name: fmt.Sprintf("the template %q", name)}
	for fname := range frags {
		owner[fname] = "the fragment " + where[fname]
	}
	type text struct{ name, src, path string }
	texts := []text{{name, src, path}}
	for _, fname := range slices.Sorted(maps.Keys(frags)) {
		fsrc := frags[fname].Text
		if part == ".html" {
			fsrc = frags[fname].HTML
		}
		texts = append(texts, text{fname, fsrc, where[fname] + part})
	}
	found := false
	for _, t := range texts {
		// A text that does not parse has no definitions to speak of: its
		// syntax error is reported where it is parsed.
		trees := parseNoFuncCheck(t.name, t.src)
		for _, def := range slices.Sorted(maps.Keys(trees)) {
			if def == t.name {
				continue
			}
			if o, taken := owner[def]; taken {
				found = true
				pos, action := definitionAction(t.src, trees[def])
				msg := fmt.Sprintf("%s: {{%s %q}} has the name of %s, and only one of the two would be used; give one of them another name",
					pos, action, def, o)
				if t.name == name {
					c.problem(t.path, msg)
				} else {
					c.fragmentProblem(t.path, msg)
				}
				continue
			}
			owner[def] = fmt.Sprintf("a {{define}} of %s", strings.TrimSuffix(t.path, part))
			if t.name == name {
				owner[def] = fmt.Sprintf("a {{define}} of the template %q", name)
			}
		}
	}
	return found
}

// definitionAction returns the line:column in src of the action that
// starts the definition tr (the last action start before its body), and
// its keyword: "define", or "block".
func definitionAction(src string, tr *parse.Tree) (string, string) {
	at := min(int(tr.Root.Position()), len(src))
	if i := strings.LastIndex(src[:at], "{{"); i >= 0 {
		at = i
	}
	action := "define"
	if strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(src[at:], "{{"), "- \t\r\n"), "block") {
		action = "block"
	}
	return offsetPosition(src, at), action
}

// emptyFragments reports each call of a fragment whose version for the
// part (".html" or ".text") is empty, in the template name and in what it
// calls: a fragment written for the other part only would print nothing
// there (a signature left out of every HTML email), which is no
// rendering's error. It returns whether there was one.
func (c *compiler) emptyFragments(lookup func(string) *parse.Tree, path, part, name string, frags map[string]Fragment, where map[string]string) bool {
	found := false
	seen := map[string]bool{}
	var visit func(tmpl string)
	visit = func(tmpl string) {
		tr := lookup(tmpl)
		if seen[tmpl] || tr == nil {
			return
		}
		seen[tmpl] = true
		walkNodes(tr.Root, func(n parse.Node) {
			call, ok := n.(*parse.TemplateNode)
			if !ok {
				return
			}
			f, isFragment := frags[call.Name]
			src := f.Text
			if part == ".html" {
				src = f.HTML
			}
			if !isFragment || strings.TrimSpace(src) != "" {
				visit(call.Name)
				return
			}
			found = true
			_, pos := nodeLocation(tr, call)
			msg := fmt.Sprintf("%s: fragment %q has no %s version, so it would print nothing", pos, call.Name, part[1:])
			if _, inFragment := frags[tmpl]; inFragment {
				c.fragmentProblem(where[tmpl]+part, msg)
			} else {
				// The template, or a {{define}} of its own.
				c.problem(path, msg)
			}
		})
	}
	visit(name)
	return found
}

// text parses and checks a text/template with the fragments' text versions.
func (c *compiler) text(path, name, src string, frags map[string]Fragment, where map[string]string) (*texttemplate.Template, map[string]bool, map[string]bool) {
	root := texttemplate.New(name).Funcs(templateFuncs).Option("missingkey=error")
	used, printed, ok := parseChecked(c, root, textTrees(root), path, ".text", name, src, frags, where)
	if !ok {
		return nil, nil, nil
	}
	root.Funcs(loaderFuncs)
	return root, used, printed
}

// html parses and checks an html/template with the fragments' HTML versions,
// and runs html/template's contextual escaper once so that its errors (an
// ambiguous URL, a token inside a <script> it cannot escape) appear at load
// time.
func (c *compiler) html(path, name, src string, frags map[string]Fragment, where map[string]string) (*htmltemplate.Template, map[string]bool, map[string]bool) {
	root := htmltemplate.New(name).Funcs(templateFuncs).Option("missingkey=error")
	used, printed, ok := parseChecked(c, root, htmlTrees(root), path, ".html", name, src, frags, where)
	if !ok {
		return nil, nil, nil
	}
	root.Funcs(loaderFuncs)
	trees := map[string]*parse.Tree{} // the escaper drops the trees of a template it refuses
	for _, t := range root.Templates() {
		trees[t.Name()] = t.Tree
	}
	err := root.Execute(io.Discard, &RenderContext{})
	var he *htmltemplate.Error
	if errors.As(err, &he) {
		// The description ends with the escaper's internal contexts
		// (": {stateURL ...}"), which help nobody.
		desc, _, _ := strings.Cut(he.Description, ": {")
		// An error in a fragment (or in its copy escaped for another
		// context, "footer$htmltemplate_...") is placed in the fragment.
		in, _, _ := strings.Cut(he.Name, "$htmltemplate")
		pos := ""
		if tr := trees[he.Name]; tr != nil && he.Node != nil {
			in, pos = nodeLocation(tr, he.Node)
		} else {
			text := src
			if in != name {
				text = frags[in].HTML
			}
			pos = escaperPosition(he, text)
		}
		if in != name {
			desc = fmt.Sprintf("in fragment %q: %s", in, desc)
		}
		if pos != "" {
			desc = pos + ": " + desc
		}
		c.problem(path, desc)
		return nil, nil, nil
	}
	return root, used, printed
}

// escaperPosition returns the line:column in text of an html/template
// error without a node (in the template whose source text is): at the end
// of the text for a template that ends inside a tag or an attribute, else
// at the text its message quotes last (errors in HTML text); "" when
// neither tells.
func escaperPosition(he *htmltemplate.Error, text string) string {
	at := -1
	if he.ErrorCode == htmltemplate.ErrEndContext {
		at = len(text)
	} else if i := strings.LastIndex(he.Description, ": \""); i >= 0 {
		if quoted, err := strconv.Unquote(he.Description[i+2:]); err == nil && quoted != "" {
			at = strings.Index(text, quoted)
		}
	}
	if at < 0 {
		if he.Line > 0 {
			return strconv.Itoa(he.Line)
		}
		return ""
	}
	return offsetPosition(text, at)
}

// offsetPosition is the 1-based line:column (in bytes) of byte offset at
// in text.
func offsetPosition(text string, at int) string {
	line := 1 + strings.Count(text[:at], "\n")
	col := at - strings.LastIndex(text[:at], "\n")
	return strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

// textTrees and htmlTrees find the parse tree of a template associated
// with t (a fragment) by name; nil if there is none.
func textTrees(t *texttemplate.Template) func(name string) *parse.Tree {
	return func(name string) *parse.Tree {
		if f := t.Lookup(name); f != nil {
			return f.Tree
		}
		return nil
	}
}

func htmlTrees(t *htmltemplate.Template) func(name string) *parse.Tree {
	return func(name string) *parse.Tree {
		if f := t.Lookup(name); f != nil {
			return f.Tree
		}
		return nil
	}
}

// tokenProblems reports the checker's problems at the path of the template
// or fragment where each was found; it returns whether there were none.
func (c *compiler) tokenProblems(path, part, name string, where map[string]string, ck *checker) bool {
	for _, p := range ck.problems {
		if p.tmpl == name {
			c.problem(path, p.Error())
			continue
		}
		c.fragmentProblem(where[p.tmpl]+part, p.Error())
	}
	return len(ck.problems) == 0
}

func (c *compiler) fragmentProblem(path, msg string) {
	if c.reported[path+msg] {
		return
	}
	c.reported[path+msg] = true
	c.problem(path, msg)
}
