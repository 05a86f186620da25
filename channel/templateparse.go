package channel

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
)

// parseMessage turns text/template's "template: NAME:LINE: msg" for the
// template name parsed from src into "line:column: msg". text/template
// tells only the line; the column is found again from src (see
// parsePosition).
func parseMessage(err error, name, src string) string {
	full := err.Error()
	rest, ok := strings.CutPrefix(full, "template: "+name+":")
	if !ok {
		return full
	}
	line, msg, ok := strings.Cut(rest, ": ")
	if _, err := strconv.Atoi(line); !ok || err != nil {
		return full
	}
	if msg == "unexpected EOF" {
		msg += ` (an {{if}}, {{range}}, {{with}}, {{define}} or {{block}} without its {{end}})`
	}
	return parsePosition(name, src, msg) + ": " + msg
}

// parsePosition finds the line:column of the parse error msg in src.
//
// An undefined function is found exactly: src parses without the check of
// function names, and the first use of the name is the place. Any other
// error is placed at the start ("{{") of the action it is in: the last
// action start such that the text before it parses, or fails only for
// lack of an {{end}} (each action before the faulty one is whole, and
// each text that includes the faulty one fails). An unexpected end of the
// text is placed at its end.
func parsePosition(name, src, msg string) string {
	if fn, ok := undefinedFunction(msg); ok {
		var found *parse.IdentifierNode
		var in *parse.Tree
		for _, tr := range parseNoFuncCheck(name, src) {
			walkNodes(tr.Root, func(n parse.Node) {
				if id, ok := n.(*parse.IdentifierNode); ok && id.Ident == fn && (found == nil || id.Pos < found.Pos) {
					found, in = id, tr
				}
			})
		}
		if found != nil {
			return position(in, found)
		}
	}
	at := len(src)
	if !strings.HasPrefix(msg, "unexpected EOF") {
		var starts []int
		for i := 0; ; {
			j := strings.Index(src[i:], "{{")
			if j < 0 {
				break
			}
			starts = append(starts, i+j)
			i += j + 2
		}
		// starts[0] always parses: plain text before it. The faulty
		// action is the last one whose preceding text parses.
		k := sort.Search(len(starts), func(k int) bool { return !parsesUpTo(name, src[:starts[k]]) })
		if k > 0 {
			at = starts[k-1]
		}
	}
	return offsetPosition(src, at)
}

// undefinedFunction returns the name in text/template's "function "NAME"
// not defined".
func undefinedFunction(msg string) (string, bool) {
	q, ok := strings.CutPrefix(msg, "function ")
	if !ok {
		return "", false
	}
	q, ok = strings.CutSuffix(q, " not defined")
	if !ok {
		return "", false
	}
	name, err := strconv.Unquote(q)
	return name, err == nil
}

// parseNoFuncCheck parses src without checking function names, and
// returns its trees (its {{define}}s have their own); none if it does not
// parse.
func parseNoFuncCheck(name, src string) map[string]*parse.Tree {
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(src, "", "", trees); err != nil {
		return nil
	}
	return trees
}

// parsesUpTo reports whether text (the start of a template) parses, or
// fails only because it ends before an {{end}}.
func parsesUpTo(name, text string) bool {
	_, err := parse.New(name).Parse(text, "", "", map[string]*parse.Tree{}, parseFuncs)
	return err == nil || strings.HasSuffix(err.Error(), ": unexpected EOF")
}

// parseFuncs are the names of the functions templates know, as the parser
// wants them (non-nil values): text/template's builtins and templateFuncs.
var parseFuncs = func() map[string]any {
	m := map[string]any{}
	for name := range builtinResult {
		m[name] = true
	}
	for name := range templateFuncs {
		m[name] = true
	}
	return m
}()

// walkNodes calls f for n and every node under it.
func walkNodes(n parse.Node, f func(parse.Node)) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	f(n)
	switch n := n.(type) {
	case *parse.ListNode:
		for _, x := range n.Nodes {
			walkNodes(x, f)
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, f)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walkNodes(c, f)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkNodes(a, f)
		}
	case *parse.ChainNode:
		walkNodes(n.Node, f)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, f)
	}
}

// walkBranch walks an if, range or with node's pipeline and lists.
func walkBranch(b *parse.BranchNode, f func(parse.Node)) {
	walkNodes(b.Pipe, f)
	walkNodes(b.List, f)
	walkNodes(b.ElseList, f)
}
