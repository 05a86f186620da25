package programfile

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/qualify"
)

// duration decodes a time.Duration field: a duration written like 5d,
// 36h or 1d12h, or a whole number of nanoseconds as encoding/json reads
// it (one below a second is refused: it was meant in another unit).
func (d *decoder) duration(n ast.Node, v reflect.Value, path string) {
	if d.ambiguousNumber(n, path, true) {
		return
	}
	var dur time.Duration
	switch s := n.(type) {
	case *ast.IntegerNode:
		i, _ := integer(n)
		if i.neg && i.u > 1<<63 || !i.neg && i.u > math.MaxInt64 {
			d.addf(n, path, "%s is out of range", describe(n))
			return
		}
		dur = time.Duration(i.int64()) // nanoseconds, as encoding/json reads it
		if dur > 0 && dur < time.Second {
			// No duration field has a use below a second: a bare number
			// this small was meant in another unit (for: 5, five days).
			text, _ := numberText(n)
			text = cmp.Or(text, strconv.FormatInt(int64(dur), 10))
			d.addf(n, path, "%s is %s: write %s", text, nanoseconds(int64(dur)), withUnit(int64(dur)))
			return
		}
	case *ast.StringNode:
		jd, err := journey.ParseDuration(strings.TrimSpace(s.Value))
		switch {
		case errors.Is(err, journey.ErrDurationTooLong):
			d.addf(n, path, "duration %q is too long (at most 100000 days)", s.Value)
			return
		case err != nil:
			d.addf(n, path, "invalid duration %q (write it like 5d, 36h, 90m or 1d12h)", s.Value)
			return
		}
		dur = time.Duration(jd)
	default:
		d.addf(n, path, "expected a duration such as 5d or 36h, got %s", describe(n))
		return
	}
	v.SetInt(int64(dur))
}

func (d *decoder) time(n ast.Node, v reflect.Value, path string) {
	s, ok := n.(*ast.StringNode)
	if !ok {
		d.addf(n, path, "expected a time such as 2026-03-02T09:00:00Z, got %s", describe(n))
		return
	}
	t, err := time.Parse(time.RFC3339Nano, s.Value)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s.Value)
	}
	if err != nil {
		d.addf(n, path, "invalid time %q (write 2026-03-02T09:00:00Z, with a zone, or a date 2026-03-02 for midnight UTC)", s.Value)
		return
	}
	v.Set(reflect.ValueOf(t))
}

func (d *decoder) weekday(n ast.Node, v reflect.Value, path string) {
	if d.ambiguousNumber(n, path, false) {
		return
	}
	if i, ok := integer(n); ok {
		if i.neg || i.u > 6 {
			d.addf(n, path, "a weekday number goes from 0 (Sunday) to 6 (Saturday), got %s", describe(n))
			return
		}
		v.SetInt(int64(i.u))
		return
	}
	if s, ok := n.(*ast.StringNode); ok {
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if strings.EqualFold(s.Value, wd.String()) || strings.EqualFold(s.Value, wd.String()[:3]) {
				v.SetInt(int64(wd))
				return
			}
		}
	}
	d.addf(n, path, "expected a weekday (Monday or Mon, ...), got %s", describe(n))
}

// modelFile reads a readiness model saved as JSON (json.Marshal of a
// qualify.Model) from the file named by ref.
func (d *decoder) modelFile(n ast.Node, ref string, v reflect.Value, path string) {
	if strings.TrimSpace(ref) == "" {
		// Joined to the program's directory, it would name the directory.
		d.addf(n, path, "an empty file name: name the model's JSON file, or write the model in the program")
		return
	}
	if d.readModel == nil {
		d.addf(n, path, "cannot read model file %q: the program was not loaded from a directory", ref)
		return
	}
	file, data, err := d.readModel(ref)
	if err != nil {
		d.addf(n, path, "cannot read model file: %v", err)
		return
	}
	if !slices.Contains(d.read, file) {
		d.read = append(d.read, file)
	}
	// The file is read as an inline model is, so that every problem of
	// it is told at once, each at its line and column in the file, which
	// is named as it was read (beside the program), not as the program
	// names it: a position to open from where the tool ran.
	sub := &decoder{file: file, kind: "model"}
	var m qualify.Model
	root := sub.document(data, reflect.ValueOf(&m).Elem())
	if root != nil && !sub.partial {
		// What was read is checked as a model too, as an inline model is
		// when the program is compiled: each problem at its place in the
		// file, but one that only follows from a reading problem.
		sub.modelProblems(root, m.Validate())
	}
	if len(sub.problems) > 0 {
		lines := make([]string, len(sub.problems))
		for i, p := range sorted(sub.problems) {
			lines[i] = p.String()
		}
		d.addf(n, path, "model file %q:\n%s", ref, strings.Join(lines, "\n"))
		return
	}
	if err := m.Validate(); err != nil {
		d.addf(n, path, "model file %q: %v", ref, err)
		return
	}
	v.Set(reflect.ValueOf(&m))
}

// modelProblems adds the problems of a model file's model, err of
// qualify.Model.Validate, each placed at its path in the file read (root),
// but those at, under or above a value left unread (see [Compile]).
func (d *decoder) modelProblems(root ast.Node, err error) {
	if err == nil {
		return
	}
	var ve *b2b.ValidationError
	if !errors.As(err, &ve) {
		d.problems = append(d.problems, Problem{File: d.file, Line: 1, Column: 1, Message: err.Error(), Err: err})
		return
	}
	p := &parsed{dec: d, root: root}
	skipped := slices.Clone(d.unread)
	for _, vp := range ve.Problems {
		pr, about := p.place(vp.Path, vp.Err)
		if slices.ContainsFunc(skipped, func(u unread) bool { return related(u.path, about) }) {
			continue
		}
		d.problems = append(d.problems, pr)
	}
}

// viaJSON decodes a type that reads itself from JSON.
func (d *decoder) viaJSON(n ast.Node, v reflect.Value, path string) {
	x, err := d.plain(n, 0)
	if err == nil {
		var b []byte
		if b, err = json.Marshal(x); err == nil {
			err = v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(b)
		}
	}
	if err != nil {
		d.addf(n, path, "%v", err)
	}
}

// plain converts a node into plain Go values (maps, slices, scalars).
func (d *decoder) plain(n ast.Node, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("nested too deeply")
	}
	d.visits++
	if d.visits >= maxVisits {
		return nil, fmt.Errorf("the document is too large once its aliases are expanded")
	}
	n = d.anchors.resolve(n)
	switch n := n.(type) {
	case nil, *ast.NullNode:
		return nil, nil
	case *ast.BoolNode:
		return n.Value, nil
	case *ast.IntegerNode, *ast.FloatNode:
		if why, write, _, ok := readDifferently(n); ok {
			return nil, fmt.Errorf("%s: write %s", why, write)
		}
		if i, ok := n.(*ast.IntegerNode); ok {
			return i.Value, nil
		}
		return n.(*ast.FloatNode).Value, nil
	case *ast.SequenceNode:
		out := make([]any, len(n.Values))
		for i, e := range n.Values {
			x, err := d.plain(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case *ast.MappingNode, *ast.MappingValueNode:
		es, _ := d.entries(n, "")
		out := make(map[string]any, len(es))
		for _, e := range es {
			k, ok := d.key(e.Key)
			if !ok {
				return nil, fmt.Errorf("a key must be text, got %s", describe(e.Key))
			}
			x, err := d.plain(e.Value, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	}
	if s, ok := scalarText(n); ok {
		return s, nil
	}
	return nil, fmt.Errorf("unexpected %s", describe(n))
}
