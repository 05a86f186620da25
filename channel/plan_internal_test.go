package channel

import (
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/stretchr/testify/require"
)

type stringerName string

func (s stringerName) String() string { return "called" }

type methodHolder struct{ Name string }

func (methodHolder) Title() string { return "method" }

type fieldsRoot struct {
	Plain  string
	Safe   htmltemplate.HTML
	Named  stringerName
	Number int
	Ptr    *methodHolder
	Holder methodHolder
	Shadow shadowed
	Promo  promoted
	//lint:ignore U1000 looked up by name, through reflection
	private string
	*Embedded
}

type Embedded struct{ Promoted string }

// shadowed has a method and a promoted field of one name: text/template
// calls the method.
type shadowed struct{ inner }

type inner struct{ Title string }

func (shadowed) Title() string { return "method" }

type promoted struct{ inner }

// TestStringField: a plan reads a field only when text/template would
// print the plain string it holds.
func TestStringField(t *testing.T) {
	t.Parallel()
	root := reflect.TypeFor[fieldsRoot]()
	for _, tc := range []struct {
		chain []string
		ok    bool
	}{
		{[]string{"Plain"}, true},
		{[]string{"Holder", "Name"}, true},
		{[]string{"Safe"}, false},            // html/template would not escape it
		{[]string{"Named"}, false},           // fmt would call String
		{[]string{"Number"}, false},          // not a string
		{[]string{"Ptr", "Name"}, false},     // may be nil
		{[]string{"Holder", "Title"}, false}, // a method, which text/template calls
		{[]string{"Shadow", "Title"}, false}, // a method before a promoted field of its name
		{[]string{"Promo", "Title"}, true},   // promoted through a struct held by value
		{[]string{"private"}, false},
		{[]string{"Promoted"}, false}, // through an embedded pointer
		{[]string{"Missing"}, false},
		{[]string{"Plain", "Len"}, false},
	} {
		_, ok := stringField(root, tc.chain)
		require.Equal(t, tc.ok, ok, "%v", tc.chain)
	}
	index, ok := stringField(root, []string{"Holder", "Name"})
	require.True(t, ok)
	require.Equal(t, []int{5, 0}, index)
}

// TestPlanOfRecursiveFragment: a fragment that calls itself has no plan
// (text/template fails it at its depth limit; a plan stops at its limit of
// fragment calls).
func TestPlanOfRecursiveFragment(t *testing.T) {
	t.Parallel()
	tt := texttemplate.Must(texttemplate.New("root").Parse(`a{{template "loop" .}}`))
	texttemplate.Must(tt.New("loop").Parse(`b{{template "loop" .}}`))
	require.Nil(t, textPlan(tt))
	tt = texttemplate.Must(texttemplate.New("root").Parse(`a{{template "f" .}}`))
	texttemplate.Must(tt.New("f").Parse(`b{{.UnsubscribeURL}}`))
	p := textPlan(tt)
	require.NotNil(t, p)
	require.Len(t, p.ops, 3)
}

// TestPlanOfFragmentBomb: fragments calling the next one eight times each
// would copy the last one 8^7 times; the plan gives up early instead.
func TestPlanOfFragmentBomb(t *testing.T) {
	t.Parallel()
	for _, leaf := range []string{"x", ""} {
		tt := texttemplate.Must(texttemplate.New("root").Parse(`{{template "f1" .}}`))
		for i := 1; i < 8; i++ {
			call := fmt.Sprintf(`{{template "f%d" .}}`, i+1)
			texttemplate.Must(tt.New(fmt.Sprintf("f%d", i)).Parse(strings.Repeat(call, 8)))
		}
		texttemplate.Must(tt.New("f8").Parse(leaf))
		require.Nil(t, textPlan(tt), "leaf %q", leaf)
	}
	// Too many tokens, too much text.
	tt := texttemplate.Must(texttemplate.New("root").Parse(strings.Repeat(`{{.UnsubscribeURL}}`, maxPlanOps+1)))
	require.Nil(t, textPlan(tt))
	tt = texttemplate.Must(texttemplate.New("root").Parse(strings.Repeat(`{{.UnsubscribeURL}}`, maxPlanOps)))
	require.NotNil(t, textPlan(tt))
	tt = texttemplate.Must(texttemplate.New("root").Parse(`{{template "big" .}}{{template "big" .}}`))
	texttemplate.Must(tt.New("big").Parse(strings.Repeat("x", maxPlanBytes/2+1)))
	require.Nil(t, textPlan(tt))
	tt = texttemplate.Must(texttemplate.New("root").Parse(`{{template "big" .}}`))
	texttemplate.Must(tt.New("big").Parse(strings.Repeat("x", maxPlanBytes)))
	require.NotNil(t, textPlan(tt))

	// Within the limits, the bomb's shape has a plan.
	tt = texttemplate.Must(texttemplate.New("root").Parse(`{{template "f1" .}}`))
	texttemplate.Must(tt.New("f1").Parse(strings.Repeat(`{{template "f2" .}}`, 8)))
	texttemplate.Must(tt.New("f2").Parse(`x{{.UnsubscribeURL}}`))
	p := textPlan(tt)
	require.NotNil(t, p)
	require.Len(t, p.ops, 16)
	require.Equal(t, 8, p.size)
}
