package channel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// A TemplateError is a problem of CompileTemplates at a place in the text
// of a template or fragment: Line and Column are 1-based, the column
// counting bytes (as Go's template parser does), 0 when only the line is
// known. Its text is "line:column: message" ("line: message"). The
// problems of a *b2b.ValidationError from CompileTemplates that have a
// place hold one, so that errors.As finds it: a program file places the
// problem at that character of the file.
type TemplateError struct {
	Line, Column int
	Message      string
}

func (e *TemplateError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("%d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
}

// ErrEmptyToken is matched by the render error of a required token that is
// empty for the recipient.
var ErrEmptyToken = errors.New("required token is empty")

// EmptyTokenError is a required token (one without a fallback) that is empty.
type EmptyTokenError struct {
	Token string // e.g. ".Person.FirstName"
}

func (e *EmptyTokenError) Error() string {
	if list, ok := strings.CutSuffix(e.Token, "[]"); ok {
		// An element of a list of text, printed in a range.
		return fmt.Sprintf("required token %s is empty for an element of %s (give it a fallback where the range prints it: {{. | default \"...\"}}, or {{$r | default \"...\"}} for a range variable $r)",
			e.Token, list)
	}
	if i := strings.LastIndex(e.Token, "[]."); i >= 0 {
		// A field of a list's element, printed in a range: its path
		// (.Group.Members[].Name) is no token a template can write.
		list, field := e.Token[:i], e.Token[i+len("[]."):]
		return fmt.Sprintf("required token %s is empty for an element of %s (give it a fallback where the range prints it: {{.%s | default \"...\"}}, or {{$m.%s | default \"...\"}} for a range variable $m)",
			e.Token, list, field, field)
	}
	return fmt.Sprintf("required token %s is empty (give it a fallback: {{%s | default \"...\"}})", e.Token, e.Token)
}

// Is reports whether target is ErrEmptyToken.
func (e *EmptyTokenError) Is(target error) bool { return target == ErrEmptyToken }

// RenderError is a template that could not be rendered for one recipient.
type RenderError struct {
	Template string
	Part     string // subject, html, text or sms
	Person   b2b.PersonID
	Err      error
}

func (e *RenderError) Error() string {
	var ete *EmptyTokenError
	msg := e.Err.Error()
	if errors.As(e.Err, &ete) {
		msg = ete.Error()
	}
	who := ""
	if e.Person != "" {
		who = fmt.Sprintf(" for person %q", e.Person)
	}
	return fmt.Sprintf("template %q (%s)%s: %s", e.Template, e.Part, who, msg)
}

func (e *RenderError) Unwrap() error { return e.Err }
