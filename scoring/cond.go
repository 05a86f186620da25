package scoring

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// condKind says what a rule's condition reads, and so how often it must be
// evaluated. Conditions are pure (the rules package has no side effects and
// no clock: now is an input), so a result can be reused wherever the inputs
// it reads are the same; the answer is the same as evaluating again.
type condKind uint8

const (
	// condActivity: reads the activity beyond one attribute, or now, or
	// something the analysis does not know (a host function, a variable):
	// evaluated for every activity.
	condActivity condKind = iota
	// condPerson: reads only the person and the account (and constants):
	// evaluated once per person per [Applier.ApplyPerson] call.
	condPerson
	// condAttr: reads only one activity attribute, by attr() with a
	// constant key and string defaults: memoized by the attribute's value
	// when it is a string (a missing or non-string value is evaluated, so
	// the rules package still counts missing attributes).
	condAttr
)

// condInfo is what analyze found in a condition.
type condInfo struct {
	kind condKind
	attr string // the attribute key of a condAttr condition
}

// libPure are the rules library's functions that read nothing but their
// arguments (daysSince and hoursSince also read now; they are handled
// apart).
var libPure = map[string]bool{
	"icontains": true, "istartsWith": true, "iendsWith": true, "iequals": true, "match": true,
	"domain": true, "between": true, "inList": true, "attr": true,
}

// analyze classifies a condition (source of the default expression engine)
// by the inputs it reads. Anything it does not recognise makes the
// condition condActivity, which is always correct.
func analyze(src string) condInfo {
	tree, err := parser.Parse(src)
	if err != nil {
		return condInfo{}
	}
	v := &condVisitor{idents: map[string]int{}, keys: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	if v.opaque || v.idents["now"]+v.idents["daysSince"]+v.idents["hoursSince"] > 0 {
		return condInfo{}
	}
	for name := range v.idents {
		switch {
		case name == "activity" || name == "person" || name == "account" || libPure[name]:
		default:
			return condInfo{} // a variable or a host function: unknown
		}
	}
	// Each attr call on activity.attributes holds one "activity": any other
	// use of the activity reads more than attributes.
	if v.idents["activity"] != v.attrCalls {
		return condInfo{}
	}
	switch {
	case v.attrCalls == 0:
		return condInfo{kind: condPerson}
	case len(v.keys) == 1 && v.idents["person"] == 0 && v.idents["account"] == 0:
		for k := range v.keys {
			return condInfo{kind: condAttr, attr: k}
		}
	}
	return condInfo{kind: condActivity}
}

type condVisitor struct {
	idents    map[string]int
	keys      map[string]bool
	attrCalls int // attr(activity.attributes, "const", "const") calls
	opaque    bool
}

func (v *condVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.idents[n.Value]++
	case *ast.VariableDeclaratorNode:
		v.opaque = true
	case *ast.MemberNode:
		if n.Method {
			v.opaque = true
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "attr" && len(n.Arguments) == 3 && isActivityAttributes(n.Arguments[0]) {
			key, ok1 := n.Arguments[1].(*ast.StringNode)
			_, ok2 := n.Arguments[2].(*ast.StringNode)
			if ok1 && ok2 {
				v.attrCalls++
				v.keys[key.Value] = true
			}
		}
	}
}

func isActivityAttributes(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Optional {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	prop, ok2 := m.Property.(*ast.StringNode)
	return ok && ok2 && id.Value == "activity" && prop.Value == "attributes"
}
