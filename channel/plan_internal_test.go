package channel

import (
	htmltemplate "html/template"
	"reflect"
	"testing"
	texttemplate "text/template"

	"github.com/stretchr/testify/require"
)

type stringerName string

func (s stringerName) String() string { return "called" }

type methodHolder struct{ Name string }

func (methodHolder) Title() string { return "method" }

type fieldsRoot struct {
	Plain   string
	Safe    htmltemplate.HTML
	Named   stringerName
	Number  int
	Ptr     *methodHolder
	Holder  methodHolder
	private string
	*Embedded
}

type Embedded struct{ Promoted string }

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
// (text/template fails it at its depth limit).
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
