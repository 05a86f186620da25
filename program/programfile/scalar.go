package programfile

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// A placed rune is a character of a scalar's value with the file position
// it was written at.
type placed struct {
	r         rune
	line, col int
}

// scalarPosition returns the file position of the character at line:col
// (1-based, in characters) of the value of scalar n, as the rules engine
// reports positions inside an expression. ok is false when n is not a
// scalar whose characters could be traced back to the file; callers then
// point at the scalar as a whole.
func scalarPosition(src string, n ast.Node, line, col int) (fline, fcol int, ok bool) {
	var chars []placed
	value, ok := scalarValue(n)
	switch x := n.(type) {
	case *ast.StringNode:
		chars, ok = flowScalar(src, x)
	case *ast.LiteralNode:
		chars, ok = blockScalar(x)
	}
	if !ok {
		return 0, 0, false
	}
	// The traced characters must spell the value (a trailing comment or
	// chomping may leave more of them).
	vr := []rune(value)
	if len(chars) < len(vr) {
		return 0, 0, false
	}
	for i, r := range vr {
		if chars[i].r != r {
			return 0, 0, false
		}
	}
	// line:col in the value -> character offset.
	off, l, c := 0, 1, 1
	for _, r := range vr {
		if l == line && c == col {
			break
		}
		if r == '\n' {
			l, c = l+1, 1
		} else {
			c++
		}
		off++
	}
	switch {
	case off < len(vr):
		return chars[off].line, chars[off].col, true
	case len(vr) > 0:
		last := chars[len(vr)-1]
		if last.r == '\n' {
			return last.line, last.col, true
		}
		return last.line, last.col + 1, true
	}
	return 0, 0, false
}

// scalarValue returns the value of scalar n as the program reads it;
// false when n is not a scalar whose characters can be traced.
func scalarValue(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return stringValue(x), true
	case *ast.LiteralNode:
		if x.Value != nil {
			return x.Value.Value, true
		}
	}
	return "", false
}

// textPosition is scalarPosition for a place whose column counts bytes,
// as Go's template parser gives it (0 when only the line is known: the
// line's first character); the column is turned into characters of the
// value's line first.
func textPosition(src string, n ast.Node, line, byteCol int) (int, int, bool) {
	value, ok := scalarValue(n)
	lines := strings.Split(value, "\n")
	if !ok || line < 1 || line > len(lines) {
		return 0, 0, false
	}
	text := lines[line-1]
	col := 1 + utf8.RuneCountInString(text[:min(max(byteCol-1, 0), len(text))])
	return scalarPosition(src, n, line, col)
}

// flowScalar traces the characters of a plain, single-quoted or
// double-quoted scalar, on one line or folded over several.
func flowScalar(src string, n *ast.StringNode) ([]placed, bool) {
	t := n.Token
	if t == nil || t.Position == nil {
		return nil, false
	}
	raw := strings.TrimLeft(t.Origin, " \t\r\n")
	if raw == "" {
		return nil, false
	}
	line, col := t.Position.Line, t.Position.Column
	if raw[0] == '"' {
		// The parser's copy of a double-quoted scalar drops the digits of
		// \x and \u escapes: read the file itself from the quote on.
		if raw = fromPosition(src, line, col); !strings.HasPrefix(raw, `"`) {
			return nil, false
		}
	}
	quote := rune(0)
	if raw[0] == '"' || raw[0] == '\'' {
		quote = rune(raw[0])
		raw = raw[1:]
		col++
	}
	var (
		out     []placed
		pending []placed // spaces kept only if the line goes on
	)
	rs := []rune(raw)
	advance := func(r rune) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0 && r == quote:
			if quote == '\'' && i+1 < len(rs) && rs[i+1] == '\'' {
				out = append(out, pending...)
				pending = nil
				out = append(out, placed{'\'', line, col})
				advance(r)
				advance(r)
				i++
				continue
			}
			return append(out, pending...), true
		case r == ' ' || r == '\t':
			pending = append(pending, placed{r, line, col})
			advance(r)
		case r == '\r':
			advance(r)
		case r == '\n':
			// Fold: drop trailing spaces, count empty lines, skip the
			// next line's indentation.
			pending = nil
			at := placed{' ', line, col}
			breaks := 0
			for i < len(rs) && (rs[i] == '\n' || rs[i] == ' ' || rs[i] == '\t' || rs[i] == '\r') {
				if rs[i] == '\n' {
					breaks++
				}
				advance(rs[i])
				i++
			}
			i--
			if i == len(rs)-1 && quote == 0 {
				return out, true // the end of a plain scalar
			}
			if breaks == 1 {
				out = append(out, at)
			} else {
				for range breaks - 1 {
					out = append(out, placed{'\n', at.line, at.col})
				}
			}
		case quote == '"' && r == '\\':
			out = append(out, pending...)
			pending = nil
			at := placed{0, line, col}
			n, width, ok := unescape(rs[i+1:])
			if !ok {
				return nil, false
			}
			for k := 0; k <= width; k++ {
				advance(rs[i+k])
			}
			i += width
			if n < 0 { // an escaped line break joins the lines
				for i+1 < len(rs) && (rs[i+1] == ' ' || rs[i+1] == '\t') {
					advance(rs[i+1])
					i++
				}
				continue
			}
			at.r = n
			out = append(out, at)
		default:
			if quote == 0 && r == '#' && len(pending) > 0 {
				return out, true // a comment ends a plain scalar
			}
			out = append(out, pending...)
			pending = nil
			out = append(out, placed{r, line, col})
			advance(r)
		}
	}
	return out, quote == 0
}

// unescape reads the escape after a backslash in a double-quoted scalar:
// the character it stands for (-1 for an escaped line break) and how many
// characters it takes after the backslash (a pair of \u escapes of UTF-16
// surrogates is one character).
func unescape(rs []rune) (rune, int, bool) {
	if len(rs) == 0 {
		return 0, 0, false
	}
	simple := map[rune]rune{'0': 0, 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f',
		'r': '\r', 'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85, '_': 0xa0, 'L': 0x2028, 'P': 0x2029}
	if r, ok := simple[rs[0]]; ok {
		return r, 1, true
	}
	if rs[0] == '\n' {
		return -1, 1, true
	}
	digits := map[rune]int{'x': 2, 'u': 4, 'U': 8}[rs[0]]
	if digits == 0 || len(rs) < 1+digits {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(string(rs[1:1+digits]), 16, 32)
	if err != nil {
		return 0, 0, false
	}
	if r := rune(v); digits == 4 && utf16.IsSurrogate(r) && len(rs) >= 11 && rs[5] == '\\' && rs[6] == 'u' {
		// A character beyond 16 bits as JSON writes it escaped: a pair of
		// UTF-16 surrogates, \ud83d\ude00, one character of the value.
		if low, err := strconv.ParseUint(string(rs[7:11]), 16, 32); err == nil {
			if pair := utf16.DecodeRune(r, rune(low)); pair != utf8.RuneError {
				return pair, 11, true
			}
		}
	}
	if !utf8.ValidRune(rune(v)) {
		return 0, 0, false
	}
	return rune(v), 1 + digits, true
}

// blockScalar traces the characters of a literal (|) or folded (>) block
// scalar: its content starts on the line after the header, indented.
func blockScalar(n *ast.LiteralNode) ([]placed, bool) {
	h := n.Start
	if h == nil || h.Position == nil || n.Value.Token == nil {
		return nil, false
	}
	folded := strings.HasPrefix(strings.TrimSpace(h.Value), ">")
	lines := strings.Split(n.Value.Token.Origin, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			indent = len(l) - len(strings.TrimLeft(l, " "))
			break
		}
	}
	if indent < 0 {
		return nil, false
	}
	// With an indentation indicator (|2) the first line may be indented
	// more than the block: the value keeps the spaces beyond the block's.
	for l := range strings.SplitSeq(n.Value.Value, "\n") {
		if strings.TrimSpace(l) != "" {
			indent -= len(l) - len(strings.TrimLeft(l, " "))
			break
		}
	}
	if indent < 0 {
		return nil, false
	}
	var (
		out      []placed
		seen     bool // a text line came before
		prevMore bool // it was more indented than the block
		prevEnd  placed
		empties  int
	)
	for k, l := range lines {
		fl := h.Position.Line + 1 + k
		if strings.TrimSpace(l) == "" {
			if !folded {
				out = append(out, placed{'\n', fl, utf8.RuneCountInString(l) + 1})
			}
			empties++
			continue
		}
		if len(l) < indent || strings.TrimLeft(l[:indent], " ") != "" {
			return nil, false
		}
		body := l[indent:]
		more := body[0] == ' ' || body[0] == '\t'
		if folded {
			// Folding: a line break between two lines of text is a space;
			// each empty line, and any break next to a more-indented
			// line, is kept.
			breaks := empties
			switch {
			case !seen:
			case !prevMore && !more && empties == 0:
				out = append(out, placed{' ', prevEnd.line, prevEnd.col})
			case prevMore || more:
				breaks++
			}
			for range breaks {
				out = append(out, placed{'\n', prevEnd.line, prevEnd.col})
			}
		}
		col := indent + 1
		for _, r := range body {
			out = append(out, placed{r, fl, col})
			col++
		}
		prevEnd = placed{'\n', fl, col}
		if !folded {
			out = append(out, prevEnd)
		}
		seen, prevMore, empties = true, more, 0
	}
	if folded && seen {
		out = append(out, prevEnd)
	}
	return out, true
}

// fromPosition returns the text of src from line:col (1-based, in
// characters) to the end.
func fromPosition(src string, line, col int) string {
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			return ""
		}
		src = src[i+1:]
	}
	for c := 1; c < col && src != ""; c++ {
		_, size := utf8.DecodeRuneInString(src)
		src = src[size:]
	}
	return src
}
