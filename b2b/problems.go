package b2b

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every [*ValidationError].
var ErrInvalid = errors.New("invalid")

// A Problem is one thing wrong with a value, at a path inside it (such as
// "domains[1]" or "roles[2].rule"). Err may wrap a richer error, such as a
// rule compile error with its line and column.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string {
	if p.Path == "" {
		return p.Err.Error()
	}
	return p.Path + ": " + p.Err.Error()
}

func (p Problem) Unwrap() error { return p.Err }

// ValidationError lists every problem found in one value. Subject names the
// value ("person \"p-1\"", "template \"standard\"").
type ValidationError struct {
	Subject  string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Subject != "" {
		b.WriteString(e.Subject)
		b.WriteString(": ")
	}
	if len(e.Problems) == 1 {
		b.WriteString(indentTail(e.Problems[0].Error()))
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(indentTail(p.Error()))
	}
	return b.String()
}

// indentTail indents the continuation lines of a multi-line message (such as
// a rule error with its source and caret) so that it reads as one item.
func indentTail(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the problems, so errors.As finds an error wrapped in any of
// them.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Problems collects validation problems; its zero value is ready to use.
//
//	var ps b2b.Problems
//	if a.Name == "" {
//		ps.Addf("name", "is required")
//	}
//	return ps.Err("account %q", a.ID)
type Problems struct {
	list []Problem
}

// Addf records a problem at path with a formatted message.
func (ps *Problems) Addf(path, format string, args ...any) {
	ps.list = append(ps.list, Problem{Path: path, Err: fmt.Errorf(format, args...)})
}

// Add records err at path. A nil err is ignored. A [*ValidationError] is
// flattened: its problems are added under path; so is an error that wraps
// one and says nothing more (a type that gives it a kind for errors.Is).
// An error that says more, such as one that wraps a validation error with
// context or joins it with other errors, is one problem, whose text keeps
// all it says.
func (ps *Problems) Add(path string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if errors.As(err, &ve) && (err == error(ve) || err.Error() == ve.Error()) {
		for _, p := range ve.Problems {
			ps.list = append(ps.list, Problem{Path: JoinPath(path, p.Path), Err: p.Err})
		}
		return
	}
	ps.list = append(ps.list, Problem{Path: path, Err: err})
}

// Len returns the number of problems recorded.
func (ps *Problems) Len() int { return len(ps.list) }

// List returns the problems recorded so far.
func (ps *Problems) List() []Problem { return ps.list }

// Err returns nil when no problem was recorded, and otherwise a
// [*ValidationError] whose subject is the formatted text.
func (ps *Problems) Err(subjectFormat string, args ...any) error {
	if len(ps.list) == 0 {
		return nil
	}
	subject := subjectFormat
	if len(args) > 0 {
		subject = fmt.Sprintf(subjectFormat, args...)
	}
	return &ValidationError{Subject: subject, Problems: append([]Problem(nil), ps.list...)}
}

// JoinPath joins two field paths: JoinPath("roles[1]", "rule") is
// "roles[1].rule"; an index path joins without a dot.
func JoinPath(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}
