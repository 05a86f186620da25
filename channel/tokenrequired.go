package channel

import (
	"reflect"
	"slices"
	"strconv"
	"text/template/parse"
)

// requiredToken is a string token whose text is printed, to be marked
// required: the first command of pipe, or argument arg of cmd.
type requiredToken struct {
	pipe *parse.PipeNode
	cmd  *parse.CommandNode
	arg  int
	tree *parse.Tree
	path string
}

// passThrough are the functions whose result holds their arguments' text:
// a token handed to one of them is printed.
var passThrough = map[string]bool{
	"upper": true, "lower": true, "print": true, "printf": true, "println": true,
	"html": true, "js": true, "urlquery": true,
}

// fallbacks are the functions that give a fallback for an empty value.
var fallbacks = map[string]bool{"default": true, "or": true}

// requirePrinted marks the string tokens whose text the pipeline of an
// action prints, unless the pipeline has a fallback: a token in the first
// command, and the tokens handed to a function that keeps their text
// (passThrough), when every later command keeps the text too.
func (c *checker) requirePrinted(p *parse.PipeNode) {
	for _, cmd := range p.Cmds {
		if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && fallbacks[id.Ident] {
			return
		}
	}
	for i, cmd := range p.Cmds {
		printed := true
		for _, next := range p.Cmds[i+1:] {
			if id, ok := next.Args[0].(*parse.IdentifierNode); !ok || !passThrough[id.Ident] {
				printed = false
			}
		}
		if !printed {
			continue
		}
		args := cmd.Args
		if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
			if !passThrough[id.Ident] {
				continue
			}
		} else if i > 0 || len(args) != 1 {
			continue // not a function, and refused as such
		}
		for j, a := range args {
			if t, ok := c.tokens[a]; ok && t.t.Kind() == reflect.String {
				r := requiredToken{cmd: cmd, arg: j, tree: c.tree, path: t.path}
				if i == 0 && len(args) == 1 {
					r = requiredToken{pipe: p, tree: c.tree, path: t.path}
				}
				c.required = append(c.required, r)
			} else if sub, ok := a.(*parse.PipeNode); ok && len(sub.Decl) == 0 {
				c.requirePrinted(sub)
			}
		}
	}
}

// recordPrinted records in c.printed the tokens whose text the pipeline
// of an action prints: a token in the first command, a token handed to a
// function that keeps its text (passThrough) or gives it back unless it
// is empty (fallbacks), when every later command is such a function too;
// "." and a variable name the token they hold ({{with .UnsubscribeURL}}
// {{.}}{{end}}, {{$u}}). A token only tested, counted or compared
// ({{if .X}}, {{len .X}}, {{eq .X "y"}}) is read, not printed.
func (c *checker) recordPrinted(p *parse.PipeNode, sc scope) {
	keeps := func(n parse.Node) bool {
		id, ok := n.(*parse.IdentifierNode)
		return ok && (passThrough[id.Ident] || fallbacks[id.Ident])
	}
	for i, cmd := range p.Cmds {
		if !slices.ContainsFunc(p.Cmds[i+1:], func(next *parse.CommandNode) bool { return !keeps(next.Args[0]) }) {
			args := cmd.Args
			if _, ok := args[0].(*parse.IdentifierNode); ok {
				if !keeps(args[0]) {
					continue
				}
				args = args[1:]
			} else if i > 0 || len(args) != 1 {
				continue
			}
			for _, a := range args {
				if sub, ok := a.(*parse.PipeNode); ok && len(sub.Decl) == 0 {
					c.recordPrinted(sub, sc)
				} else if path := c.tokenPath(a, sc); path != "" {
					c.printed[path] = true
				}
			}
		}
	}
}

// condToken is the path of the token a condition tests alone, and
// whether the body, rather than the else, is what runs when the token is
// empty: {{if .UnsubscribeURL}}, {{with $u := .UnsubscribeURL}} and {{if
// ne .UnsubscribeURL ""}} run the else then, {{if not .UnsubscribeURL}}
// and {{if eq .UnsubscribeURL ""}} the body. "" for another condition.
func (c *checker) condToken(p *parse.PipeNode, sc scope) (path string, emptyInBody bool) {
	if p == nil || len(p.Cmds) != 1 {
		return "", false
	}
	args := p.Cmds[0].Args
	if len(args) == 1 {
		return c.tokenPath(args[0], sc), false
	}
	fn, ok := args[0].(*parse.IdentifierNode)
	if !ok {
		return "", false
	}
	switch {
	case fn.Ident == "not" && len(args) == 2:
		return c.tokenPath(args[1], sc), true
	case (fn.Ident == "eq" || fn.Ident == "ne") && len(args) == 3:
		tok := args[1]
		if s, ok := tok.(*parse.StringNode); ok && s.Text == "" {
			tok = args[2]
		} else if s, ok := args[2].(*parse.StringNode); !ok || s.Text != "" {
			return "", false
		}
		return c.tokenPath(tok, sc), fn.Ident == "eq"
	}
	return "", false
}

// tokenPath is the path of the token an argument holds: a field chain's,
// the token "." or a variable stands for; "" for anything else.
func (c *checker) tokenPath(n parse.Node, sc scope) string {
	switch n := n.(type) {
	case *parse.DotNode:
		return sc.dotPath
	case *parse.VariableNode:
		if len(n.Ident) == 1 {
			return sc.vars[n.Ident[0]].path
		}
	}
	return c.tokens[n].path
}

// A textSpot is a value of a type known only at run time, or a
// decimal, that is printed: the value command after gives in pipe, or the argument arg
// of cmd.
type textSpot struct {
	tree  *parse.Tree
	pipe  *parse.PipeNode
	after *parse.CommandNode
	cmd   *parse.CommandNode
	arg   parse.Node
}

// markText passes each value of a type known only at run time (an
// attribute's), and each decimal, that is printed through text, which
// writes it as attr does: {{$v}} becomes {{$v | text}}, {{print $v}}
// {{print ($v | text)}}. fmt would write a list "[de fr]", a map
// "map[...]" and a decimal "2.5e+07".
func (c *checker) markText() {
	for _, s := range c.asText {
		pos := s.tree.Root.Position()
		if s.after != nil {
			pos = s.after.Position()
		} else if s.arg != nil {
			pos = s.arg.Position()
		}
		id := parse.NewIdentifier("text").SetTree(s.tree).SetPos(pos)
		text := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id}}
		if s.pipe != nil {
			if i := slices.Index(s.pipe.Cmds, s.after); i >= 0 {
				s.pipe.Cmds = slices.Insert(s.pipe.Cmds, i+1, text)
			}
			continue
		}
		if j := slices.Index(s.cmd.Args, s.arg); j >= 0 {
			value := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{s.arg}}
			s.cmd.Args[j] = &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Cmds: []*parse.CommandNode{value, text}}
		}
	}
	c.asText = nil
}

// markRequired passes each printed string token through required "path"
// right after it is read, so that an empty value fails the rendering with
// the token's name: {{.A | upper}} becomes {{.A | required ".A" | upper}},
// {{printf "%s" .A}} becomes {{printf "%s" (.A | required ".A")}}.
func (c *checker) markRequired() {
	c.markText()
	for _, r := range c.required {
		path := tokenName(r.path)
		var pos parse.Pos
		if r.pipe != nil {
			pos = r.pipe.Cmds[0].Pos
		} else {
			pos = r.cmd.Args[r.arg].Position()
		}
		id := parse.NewIdentifier("required").SetTree(r.tree).SetPos(pos)
		str := &parse.StringNode{NodeType: parse.NodeString, Pos: pos, Quoted: strconv.Quote(path), Text: path}
		req := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id, str}}
		if r.pipe != nil {
			r.pipe.Cmds = slices.Insert(r.pipe.Cmds, 1, req)
			continue
		}
		token := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{r.cmd.Args[r.arg]}}
		r.cmd.Args[r.arg] = &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Cmds: []*parse.CommandNode{token, req}}
	}
	c.required = nil
}
