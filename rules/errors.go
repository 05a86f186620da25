package rules

import (
	"fmt"
	"strings"
)

// CompileError is a rule that does not compile: what is wrong, where (line
// and column, 1-based, counted in characters), and the source line with a
// caret under the spot.
//
//	rule "economic buyer" 1:42: unknown name persn
//	  | person.seniority in ["C-Level", "VP"] && persn.department == "Finance"
//	  |                                          ^
type CompileError struct {
	Rule   string
	Source string
	Line   int // 0 when the problem concerns the whole rule
	Column int
	Msg    string
}

func (e *CompileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule %q", e.Rule)
	if e.Line > 0 {
		fmt.Fprintf(&b, " %d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Line > 0 {
		lines := strings.Split(e.Source, "\n")
		if e.Line <= len(lines) {
			text := strings.ReplaceAll(lines[e.Line-1], "\t", " ")
			b.WriteString("\n  | ")
			b.WriteString(text)
			b.WriteString("\n  | ")
			b.WriteString(strings.Repeat(" ", max(e.Column-1, 0)))
			b.WriteString("^")
		}
	}
	return b.String()
}

// Is reports whether target is [ErrCompile].
func (e *CompileError) Is(target error) bool { return target == ErrCompile }

// EvalError is a compiled rule that failed at run time.
type EvalError struct {
	Rule Rule
	Err  error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("rule %q: %v", e.Rule.Name, e.Err)
}

// Is reports whether target is [ErrEval].
func (e *EvalError) Is(target error) bool { return target == ErrEval }

func (e *EvalError) Unwrap() error { return e.Err }

// Errors is a list of rule errors reported together.
type Errors []error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors, so errors.Is and errors.As see each of them.
func (es Errors) Unwrap() []error { return es }

// Err returns nil for an empty list and the list otherwise.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// position converts a character offset into a 1-based line and column.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i++
	}
	return line, col
}
