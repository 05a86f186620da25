package programfile

import (
	"cmp"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/quorumhq/quorum/journey"
)

// renames translate the path prefixes of program.Compile's problems that
// differ from the file's layout: the packages a program compiles with name
// their own parts (buyinggroup's "templates" are the file's roleTemplates;
// the journey catalog's config holds caps and consent).
var renames = []struct{ from, to string }{
	{"templates[", "roleTemplates["},
	{"caps.caps[", "caps["},
	{"caps.consent.", "consent."},
}

func translate(path string) string {
	for _, r := range renames {
		if strings.HasPrefix(path, r.from) {
			return r.to + path[len(r.from):]
		}
	}
	return path
}

// segment is one step of a field path: a field name, a list index or a
// key in brackets (a map key, or the ID of a list element).
type segment struct {
	field string
	index int
	key   string
	kind  byte // '.', '[' (index) or '"' (key)
}

func (s segment) String() string {
	switch s.kind {
	case '[':
		return fmt.Sprintf("[%d]", s.index)
	case '"':
		return fmt.Sprintf("[%q]", s.key)
	}
	return s.field
}

// parsePath splits "journeys[0].nodes[\"split\"].paths[0].when"; what
// follows a malformed part is returned as one field.
func parsePath(p string) []segment {
	var out []segment
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if strings.HasPrefix(p, `["`) {
				q, err := strconv.QuotedPrefix(p[1:])
				if err == nil && strings.HasPrefix(p[1+len(q):], "]") {
					k, _ := strconv.Unquote(q)
					out = append(out, segment{key: k, kind: '"'})
					p = p[2+len(q):]
					continue
				}
			} else if end > 0 {
				if i, err := strconv.Atoi(p[1:end]); err == nil {
					out = append(out, segment{index: i, kind: '['})
					p = p[end+1:]
					continue
				}
			}
			return append(out, segment{field: p, kind: '.'})
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			out = append(out, segment{field: p[:end], kind: '.'})
			p = p[end:]
		}
	}
	return out
}

// located is where a program path leads in the file.
type located struct {
	node  ast.Node // the node found, or the nearest ancestor
	exact bool     // node is the one the path names
	path  string   // the path as the file is laid out (list indexes)
	// key is the key of node in its mapping, when the path's last part
	// is a key in brackets (groupScore.models["dp"]).
	key ast.Node
	// through is the outermost alias (*name, <<: *name) the path goes
	// through, nil when none: node is then inside the alias's anchor, and
	// the problem is placed at the alias.
	through *ast.AliasNode
}

// locate finds the node a program.Compile path names. A journey's nodes
// are a list in the file: nodes["split"] is the element whose id is
// "split"; a node's settings may be named without the kind's key
// (nodes["split"].paths[0] is the split.paths[0] of that node).
func (d *decoder) locate(root ast.Node, path string) located {
	segs := parsePath(translate(path))
	cur := d.anchors.resolve(root)
	var b strings.Builder
	write := func(s segment) {
		if s.kind == '.' && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	var through *ast.AliasNode
	pass := func(a *ast.AliasNode) {
		if through == nil {
			through = a
		}
	}
	for i, s := range segs {
		next, shown, via := d.step(cur, s, segs[i+1:])
		if next == nil {
			// A missing setting of a journey node's kind (a split's
			// else) is under the kind's key, when the node has one.
			if cfg, key, via := d.kindConfig(cur); cfg != nil && s.kind == '.' {
				if _, own := fieldsOf(nodeType).byName[s.field]; !own {
					write(segment{field: key, kind: '.'})
					cur = cfg
					pass(via)
				}
			}
			for _, rest := range segs[i:] {
				write(rest)
			}
			return located{node: cur, path: b.String(), through: through}
		}
		write(shown)
		pass(via)
		prev := cur
		cur = next
		if i == len(segs)-1 && shown.kind == '"' {
			return located{node: cur, exact: true, path: b.String(), key: d.keyNode(prev, s.key), through: through}
		}
	}
	return located{node: cur, exact: true, path: b.String(), through: through}
}

// step follows one segment from n, before the rest of the path; shown is
// the segment as the file has it, via the outermost alias the step goes
// through (nil when none). A nil node means the segment leads nowhere.
func (d *decoder) step(n ast.Node, s segment, rest []segment) (ast.Node, segment, *ast.AliasNode) {
	switch s.kind {
	case '.':
		if v, via, _ := d.lookupVia(n, s.field); v != nil {
			return v, s, via
		}
		// A journey node's settings live under its kind's key.
		if cfg, key, cvia := d.kindConfig(n); cfg != nil {
			if v, via, _ := d.lookupVia(cfg, s.field); v != nil {
				return v, segment{field: key + "." + s.field, kind: '.'}, cmp.Or(cvia, via)
			}
		}
	case '[':
		if seq, ok := d.anchors.resolve(n).(*ast.SequenceNode); ok && s.index >= 0 && s.index < len(seq.Values) {
			return seq.Values[s.index], s, aliasOf(seq.Values[s.index])
		}
	case '"':
		switch x := d.anchors.resolve(n).(type) {
		case *ast.SequenceNode:
			// The element of that id (or name); of several (a duplicate),
			// the first, which is the one the journey names by its ID (it
			// names the others, and reports the duplicate, by their
			// index), but for a problem of a part of it
			// (nodes["a"].action.template), the first that has that part:
			// the other is another kind of node.
			for _, idField := range []string{"id", "name"} {
				found, whole := -1, -1
				for i, e := range x.Values {
					if id, ok := d.lookup(e, idField); ok {
						if v, ok := scalarText(d.anchors.resolve(id)); ok && v == s.key {
							if found < 0 {
								found = i
							}
							if whole < 0 && d.reaches(e, rest) {
								whole = i
							}
						}
					}
				}
				if whole >= 0 {
					found = whole
				}
				if found >= 0 {
					return x.Values[found], segment{index: found, kind: '['}, aliasOf(x.Values[found])
				}
			}
		default:
			if v, via, _ := d.lookupVia(x, s.key); v != nil {
				return v, s, via
			}
		}
	}
	return nil, s, nil
}

// reaches reports whether every segment of path leads somewhere from n.
func (d *decoder) reaches(n ast.Node, path []segment) bool {
	for i, s := range path {
		if n, _, _ = d.step(n, s, path[i+1:]); n == nil {
			return false
		}
	}
	return true
}

// nodeType is a journey node, whose settings live under its kind's key.
var nodeType = reflect.TypeFor[journey.Node]()

// kindConfig returns the settings of journey node n, under the key of its
// kind (split: for kind split), that key and the alias the settings are
// reached through; nil when n has no kind or no such settings.
func (d *decoder) kindConfig(n ast.Node) (ast.Node, string, *ast.AliasNode) {
	kind, ok := d.lookup(n, "kind")
	if !ok {
		return nil, "", nil
	}
	k, ok := scalarText(d.anchors.resolve(kind))
	if !ok {
		return nil, "", nil
	}
	cfg, via, _ := d.lookupVia(n, kindKey(k))
	return cfg, kindKey(k), via
}

// lookup returns the value of key in mapping n; for a key given with no
// value it returns the key node, so that positions still point at it.
func (d *decoder) lookup(n ast.Node, key string) (ast.Node, bool) {
	v, _, ok := d.lookupVia(n, key)
	return v, ok
}

// lookupVia is lookup, and gives the alias the value is reached through:
// the merge key's (<<: *base) that brought the entry, or else the alias
// the value is (key: *name); nil when none.
func (d *decoder) lookupVia(n ast.Node, key string) (ast.Node, *ast.AliasNode, bool) {
	es, ok := d.entries(d.anchors.resolve(n), "")
	if !ok {
		return nil, nil, false
	}
	for _, e := range es {
		if k, ok := d.key(e.Key); ok && k == key {
			via := cmp.Or(e.via, aliasOf(e.Value))
			if isNull(d.anchors.resolve(e.Value)) {
				return e.Key, e.via, true
			}
			return e.Value, via, true
		}
	}
	return nil, nil, false
}

// keyNode returns the key node of key in mapping n, nil when there is none.
func (d *decoder) keyNode(n ast.Node, key string) ast.Node {
	es, _ := d.entries(d.anchors.resolve(n), "")
	for _, e := range es {
		if k, ok := d.key(e.Key); ok && k == key {
			return e.Key
		}
	}
	return nil
}

// kindKey is the key of a journey node kind's settings: "people_split" ->
// "peopleSplit".
func kindKey(kind string) string {
	parts := strings.Split(kind, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
