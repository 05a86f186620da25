package programfile

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every [*Error]: the file could
// not be read into a program, or the program it holds does not compile.
var ErrInvalid = errors.New("invalid program file")

// A Problem is one thing wrong with a program file, where it is and what.
type Problem struct {
	// File is the name the file was loaded or parsed under.
	File string
	// Line and Column are 1-based and count characters; for a rule that
	// does not compile they point inside the expression, at the spot the
	// rules engine names.
	Line, Column int
	// Path is the field path inside the program, as in
	// "journeys[0].nodes[3].when" (lists by position, maps by key); empty
	// for a problem of the file as a whole (YAML syntax).
	Path string
	// Message says what is wrong. A rule compile error keeps the rules
	// engine's text, with the expression and a caret on the lines below.
	Message string
	// Err is the underlying error when there is one (a *rules.CompileError,
	// a validation problem of a domain package), for errors.As.
	Err error
}

// String formats the problem as "file:line:column: path: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(strings.ReplaceAll(p.Message, "\n", "\n    "))
	return b.String()
}

// A Warning is something legal but probably wrong in a program file,
// where it is and what, as [CompileWarnings] gives it. Its fields mean
// what a [Problem]'s do.
type Warning struct {
	File         string
	Line, Column int
	Path         string
	Message      string
}

// String formats the warning as "file:line:column: warning: path:
// message": a problem's form, which editors and tools read for the place,
// with the word that tells it apart.
func (w Warning) String() string {
	p := Problem{File: w.File, Line: w.Line, Column: w.Column, Message: w.Message}
	if w.Path != "" {
		p.Message = w.Path + ": " + w.Message
	}
	p.Message = "warning: " + p.Message
	return p.String()
}

// Error is everything wrong with one program file, in file order. It is
// returned by [Parse], [Load] and [Compile].
//
// Problems found while reading the file (YAML syntax, unknown fields, wrong
// types) and problems found by [program.Compile] come in the same form, and
// together. When it holds problems of program.Compile, the error also
// unwraps to that compile error, so errors.Is(err, program.ErrInvalid) and
// errors.Is(err, b2b.ErrInvalid) hold, and errors.As finds a
// *rules.CompileError.
type Error struct {
	Problems []Problem
	// compile is the error of program.Compile, nil when no problem of it
	// is among Problems.
	compile error
}

// Error prints one problem per line, continuation lines (an expression and
// its caret) indented below it.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the compile error of program.Compile (when the program did
// not compile) and the underlying error of every problem.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.compile != nil {
		errs = append(errs, e.compile)
	}
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}
