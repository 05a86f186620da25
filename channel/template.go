package channel

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	texttemplate "text/template"
)

// A Fragment is a piece shared by templates (a header, a footer, a
// signature), with an HTML version for HTML parts and a text version for
// text parts and SMS. Templates call it by name: {{template "footer" .}}.
type Fragment struct {
	HTML string `json:"html" yaml:"html"`
	Text string `json:"text" yaml:"text"`
}

// A Theme is a brand and the fragments that go with it; a theme's fragments
// override the shared ones of the same name.
type Theme struct {
	Name      string              `json:"name" yaml:"name"`
	Brand     Brand               `json:"brand" yaml:"brand"`
	Fragments map[string]Fragment `json:"fragments" yaml:"fragments"`
}

// An EmailTemplate renders a subject, an HTML part and a text part.
type EmailTemplate struct {
	Name  string `json:"name" yaml:"name"`
	Theme string `json:"theme" yaml:"theme"` // optional
	// Marketing email must print the unsubscribe link
	// ({{.UnsubscribeURL}}) in both parts, directly or through a fragment,
	// for every recipient (a part that only tests it, {{if
	// .UnsubscribeURL}}, has none, nor one that prints it only under
	// another condition or in a {{range}}, for some recipients).
	Marketing bool   `json:"marketing" yaml:"marketing"`
	Subject   string `json:"subject" yaml:"subject"`
	HTML      string `json:"html" yaml:"html"`
	Text      string `json:"text" yaml:"text"`
}

// An SMSTemplate renders a text message.
type SMSTemplate struct {
	Name  string `json:"name" yaml:"name"`
	Theme string `json:"theme" yaml:"theme"` // optional
	Text  string `json:"text" yaml:"text"`
	// MaxSegments is the most SMS parts a rendering may take (see
	// SMSSegments); 0 is the set's SMSMaxSegments.
	MaxSegments int `json:"maxSegments,omitempty" yaml:"maxSegments,omitempty"`
}

// TemplateSet is the definition of all templates: shared fragments, themes,
// email and SMS templates. CompileTemplates validates and compiles it.
type TemplateSet struct {
	Fragments map[string]Fragment `json:"fragments" yaml:"fragments"`
	Themes    []Theme             `json:"themes" yaml:"themes"`
	Emails    []EmailTemplate     `json:"emails" yaml:"emails"`
	SMS       []SMSTemplate       `json:"sms" yaml:"sms"`
	// SMSMaxSegments is the most SMS parts a rendering of an SMS
	// template without its own MaxSegments may take; 0 is
	// DefaultSMSMaxSegments.
	SMSMaxSegments int `json:"smsMaxSegments,omitempty" yaml:"smsMaxSegments,omitempty"`
}

// Templates is a compiled TemplateSet. It is safe for concurrent use.
type Templates struct {
	emails map[string]*compiledEmail
	sms    map[string]*compiledSMS
}

type compiledEmail struct {
	def     EmailTemplate
	brand   Brand
	reads   map[string]bool // what the three parts read (see checker.used)
	subject *texttemplate.Template
	html    *htmltemplate.Template
	text    *texttemplate.Template
	// plans render the subject, the HTML and the text without
	// text/template when their templates are simple enough (see plan).
	plans [3]*plan
	// size is the length of the last rendering of the subject, the HTML
	// and the text: the next rendering starts with a buffer that large
	// instead of growing one (and copying the text) several times.
	size [3]atomic.Int32
}

// execute renders one part into a buffer of the part's last size, with
// the part's plan if it has one and plan is true (and the plan does not
// decline), else with its template.
func (ce *compiledEmail) execute(part int, t interface {
	Execute(io.Writer, any) error
}, d *renderData, plan bool) (string, error) {
	hint := int(ce.size[part].Load())
	if p := ce.plans[part]; plan && p != nil {
		// A builder of its own: the one handed to Execute as an
		// io.Writer lives on the heap.
		var pb strings.Builder
		pb.Grow(max(hint, p.size))
		if p.render(&pb, d.rc, d.brand) {
			ce.size[part].Store(int32(min(pb.Len(), 1<<20)))
			return pb.String(), nil
		}
	}
	var b strings.Builder
	b.Grow(hint)
	if err := t.Execute(&b, d.data()); err != nil {
		return "", err
	}
	ce.size[part].Store(int32(min(b.Len(), 1<<20)))
	return b.String(), nil
}

// renderData is what a message is rendered from: the caller's context
// and the template's brand, which plans read apart, and, made on first
// use, the copy of the context with the brand in it that templates read.
type renderData struct {
	rc        *RenderContext
	brand     *Brand
	withBrand *RenderContext
}

func (d *renderData) data() *RenderContext {
	if d.withBrand == nil {
		c := *d.rc
		c.Brand = *d.brand
		d.withBrand = &c
	}
	return d.withBrand
}

type compiledSMS struct {
	def   SMSTemplate
	brand Brand
	reads map[string]bool
	text  *texttemplate.Template
	plan  *plan
	// maxSegments is the most SMS parts a rendering may take, and limit
	// says where it comes from.
	maxSegments int
	limit       string
}

// RenderedEmail is an email template rendered for one recipient.
type RenderedEmail struct {
	Subject, HTML, Text string
}

// RenderEmail renders the email template name for rc. It fails with a
// *RenderError when a required token is empty (matching ErrEmptyToken); the
// subject is collapsed to one line (its line breaks and runs of blanks
// become one space; other spaces, such as a no-break space, stay).
func (t *Templates) RenderEmail(name string, rc *RenderContext) (RenderedEmail, error) {
	return t.renderEmail(name, rc, true)
}

// renderEmail is RenderEmail, with the parts' plans or without them (to
// hold the plans to what the templates render).
func (t *Templates) renderEmail(name string, rc *RenderContext, plans bool) (RenderedEmail, error) {
	ce, ok := t.emails[name]
	if !ok {
		return RenderedEmail{}, fmt.Errorf("render: unknown email template %q", name)
	}
	var out RenderedEmail
	d := &renderData{rc: rc, brand: &ce.brand}
	subject, err := ce.execute(0, ce.subject, d, plans)
	if err != nil {
		return out, &RenderError{Template: name, Part: "subject", Person: rc.Person.ID, Err: err}
	}
	out.Subject = oneLine(subject)
	if out.HTML, err = ce.execute(1, ce.html, d, plans); err != nil {
		return out, &RenderError{Template: name, Part: "html", Person: rc.Person.ID, Err: err}
	}
	if out.Text, err = ce.execute(2, ce.text, d, plans); err != nil {
		return out, &RenderError{Template: name, Part: "text", Person: rc.Person.ID, Err: err}
	}
	return out, nil
}

// RenderSMS renders the SMS template name for rc, trimmed of surrounding
// space. It fails with a *RenderError when a required token is empty
// (matching ErrEmptyToken), or when the text takes more SMS parts than
// the template allows (matching ErrSMSTooLong, holding an
// *SMSLengthError; see SMSSegments and SMSTemplate.MaxSegments).
func (t *Templates) RenderSMS(name string, rc *RenderContext) (string, error) {
	return t.renderSMS(name, rc, true)
}

func (t *Templates) renderSMS(name string, rc *RenderContext, plan bool) (string, error) {
	cs, ok := t.sms[name]
	if !ok {
		return "", fmt.Errorf("render: unknown sms template %q", name)
	}
	text, err := cs.render(rc, plan)
	if err == nil {
		err = checkSMSLength(text, cs.maxSegments, cs.limit)
	}
	if err != nil {
		return "", &RenderError{Template: name, Part: "sms", Person: rc.Person.ID, Err: err}
	}
	return text, nil
}

// render renders the template for rc, trimmed of surrounding space.
func (cs *compiledSMS) render(rc *RenderContext, plan bool) (string, error) {
	if p := cs.plan; plan && p != nil {
		var pb strings.Builder // not the heap-bound one Execute gets
		pb.Grow(p.size)
		if p.render(&pb, rc, &cs.brand) {
			return strings.TrimSpace(pb.String()), nil
		}
	}
	var b strings.Builder
	d := renderData{rc: rc, brand: &cs.brand}
	if err := cs.text.Execute(&b, d.data()); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// HasEmail reports whether an email template of that name exists.
func (t *Templates) HasEmail(name string) bool { return t.emails[name] != nil }

// HasSMS reports whether an SMS template of that name exists.
func (t *Templates) HasSMS(name string) bool { return t.sms[name] != nil }

// Reads reports whether the email or SMS template name may read the
// token path (for example "Group", or "Group.Members"): whether it reads
// the path, something below it, or a value above it (which it may hand on
// whole to a function, as {{if and . .Group}} does with everything). It
// errs on the side of reading: a renderer may leave out only what a
// template does not read. Unknown templates read everything.
func (t *Templates) Reads(name, path string) bool {
	var reads map[string]bool
	if ce := t.emails[name]; ce != nil {
		reads = ce.reads
	} else if cs := t.sms[name]; cs != nil {
		reads = cs.reads
	} else {
		return true
	}
	if reads["*"] {
		return true
	}
	for k := range reads {
		// The path or something below it is read; or a value above it,
		// which may have been handed on whole ({{if and .Group .Account}}).
		above := strings.TrimSuffix(k, ".*")
		if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(path, above+".") {
			return true
		}
	}
	return false
}

// Reading returns the names of the email and SMS templates that may read
// the token path (as [Templates.Reads] answers for each), sorted: what a
// host must be able to fill in before such a template is sent (the
// engine asks it for "UnsubscribeURL").
func (t *Templates) Reading(path string) []string {
	var out []string
	for name := range t.emails {
		if t.Reads(name, path) {
			out = append(out, name)
		}
	}
	for name := range t.sms {
		if t.Reads(name, path) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Marketing reports whether the email template name is marketing email
// (which needs consent and an unsubscribe link).
func (t *Templates) Marketing(name string) bool {
	ce := t.emails[name]
	return ce != nil && ce.def.Marketing
}

// oneLine collapses a subject to one line: its line breaks and runs of
// blanks become one space, and it is trimmed. Only blanks and line
// breaks are: strings.Fields would also turn the spaces that are part of
// the text (a no-break space, an ideographic space) into ASCII spaces. A
// subject that is one line already, the usual case, is returned as it is.
func oneLine(s string) string {
	if singleLine(s) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, blank), " ")
}

// singleLine reports whether s has no blank but single spaces between
// words.
func singleLine(s string) bool {
	prev := true // a blank at the start is to be trimmed
	for _, r := range s {
		b := blank(r)
		if b && (prev || r != ' ') {
			return false
		}
		prev = b
	}
	return !prev || s == ""
}

// blank reports whether r is a blank or a line break.
func blank(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}
