package channel_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

// smsProblems compiles src as the text of an SMS template and returns its
// problems ("sms[0].text: line:col: ..."); nil when it compiles.
func smsProblems(t *testing.T, src string) []string {
	t.Helper()
	_, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "s", Text: src}}})
	if err == nil {
		return nil
	}
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Error())
	}
	return got
}

// TestPrintingAStructOrAListIsRefused: a struct, a map or a list (other
// than text, which default joins) handed to a function that prints it
// (print, printf, println, html, js, urlquery, default), or printed as
// one side of an or, would print Go syntax
// (a field chain placed at its last field, as the parser places it) ("{Name:...}", "[a b]",
// "map[...]") in a message to a person: it is refused where it stands,
// with what to write instead.
func TestPrintingAStructOrAListIsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{`Hi {{print .Person}}`, `sms[0].text: 1:12: .Person is b2b.Person and cannot be printed (print one of its fields)`},
		{`{{print .Group.MissingRoles}}`, `sms[0].text: 1:15: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
		{`{{.Group.Members | default "none"}}`, `sms[0].text: 1:3: .Group.Members is a list ([]channel.MemberView) and cannot be printed (print its elements with {{range ...}} ... {{end}})`},
		{`{{default "none" .Account.Attributes}}`, `sms[0].text: 1:26: .Account.Attributes is a map (map[string]interface {}) and cannot be printed (read an entry: {{attr "key" "default" ...}})`},
		{`{{or .Group.MissingRoles "none"}}`, `sms[0].text: 1:12: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
		{`{{or .Person.FirstName .Group}}`, `sms[0].text: 1:24: .Group is channel.GroupView and cannot be printed (print one of its fields)`},
		{`{{html .Group.Members}}`, `sms[0].text: 1:14: .Group.Members is a list ([]channel.MemberView) and cannot be printed (print its elements with {{range ...}} ... {{end}})`},
		{`{{printf "%v" .Group}}`, `sms[0].text: 1:15: .Group is channel.GroupView and cannot be printed (print one of its fields)`},
		{`{{.Now | println}}`, `sms[0].text: 1:3: .Now is time.Time and cannot be printed (format it: {{date "2 Jan 2006" ...}})`},
		{`{{$g := .Group}}{{urlquery $g}}`, `sms[0].text: 1:28: $g is channel.GroupView and cannot be printed (print one of its fields)`},
		{`{{js .}}`, `sms[0].text: 1:6: . is channel.RenderContext and cannot be printed (print one of its fields)`},
		{`{{print (or .Person.FirstName .Group.MissingRoles)}}`, `sms[0].text: 1:37: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
	} {
		require.Equal(t, []string{tc.want}, smsProblems(t, tc.src), tc.src)
	}
	// What prints as a reader reads it stays allowed: text, numbers, a
	// list of text through default (joined), a time through default (RFC
	// 3339), an or that is only tested.
	for _, src := range []string{
		`{{print .Group.Score}} {{.Group.MissingRoles | default "none"}} {{.Now | default "never"}} {{if or .Group.MissingRoles .Group.Members}}x{{end}} {{printf "%s" .Person.Email | html}}`,
	} {
		require.Nil(t, smsProblems(t, src), src)
	}
}

// TestAttributeValuesPrintAsText: an attribute's value, whose type is
// known only at run time, prints as attr and default print it (a list
// joined with ", ", a decimal in decimal notation, a map as its entries),
// never in Go syntax.
func TestAttributeValuesPrintAsText(t *testing.T) {
	t.Parallel()
	src := `{{range $k, $v := .Account.Attributes}}{{$k}}={{$v}}; {{end}}|{{range .Account.Attributes}}{{print .}};{{end}}|{{range .Account.Attributes}}{{or . "none"}};{{end}}`
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "s", Text: src}}})
	require.NoError(t, err)
	rc := &channel.RenderContext{Account: b2b.Account{Attributes: map[string]any{
		"langs":   []any{"de", "fr"},
		"revenue": 25000000.0,
		"seats":   []int{3, 4},
		"where":   map[string]any{"city": "Berlin", "zip": "10115"},
	}}}
	got, err := ts.RenderSMS("s", rc)
	require.NoError(t, err)
	want := "langs=de, fr; revenue=25000000; seats=3, 4; where=city: Berlin, zip: 10115; |" +
		"de, fr;25000000;3, 4;city: Berlin, zip: 10115;|" +
		"de, fr;25000000;3, 4;city: Berlin, zip: 10115;"
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rendered (-want +got):\n%s", d)
	}

	// In HTML, escaped as any text is.
	html := `<p>{{range .Account.Attributes}}{{.}};{{end}}</p><a title="{{range .Account.Attributes}}{{printf "%v" .}}{{end}}">x</a>`
	ts, err = channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "e", Subject: "s", HTML: html, Text: "t"}}})
	require.NoError(t, err)
	rc.Account.Attributes = map[string]any{"tags": []any{"<b>", 1e9}}
	email, err := ts.RenderEmail("e", rc)
	require.NoError(t, err)
	require.Equal(t, `<p>&lt;b&gt;, 1000000000;</p><a title="&lt;b&gt;, 1000000000">x</a>`, email.HTML)
}

// TestPrintfVerbsMatchTheirArguments: a printf whose verbs do not fit its
// arguments printed fmt's complaint ("%!d(string=Ann)", "%!s(MISSING)")
// in the message; it is refused, at the argument or at printf.
func TestPrintfVerbsMatchTheirArguments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{`Hi {{printf "%d" .Person.FirstName}}`, `sms[0].text: 1:25: printf "%d": %d prints a whole number, and .Person.FirstName is string (print it with %s)`},
		{`{{printf "%s pts" .Group.Score}}`, `sms[0].text: 1:25: printf "%s pts": %s prints text, and .Group.Score is float64 (print it with %v, or through number)`},
		{`{{printf "%.1f" 3}}`, `sms[0].text: 1:17: printf "%.1f": %f prints a decimal number, and 3 is int (write it 3.0)`},
		{`{{printf "%t" .Account.Employees}}`, `sms[0].text: 1:23: printf "%t": %t prints true or false, and .Account.Employees is int (print it with %d)`},
		{`{{printf "%x" .Group.Qualified}}`, `sms[0].text: 1:21: printf "%x": %x prints text or a number in hexadecimal, and .Group.Qualified is bool (print it with %t)`},
		{`{{printf "%s and %s" .Person.FirstName}}`, `sms[0].text: 1:3: printf "%s and %s": the format prints 2 values and is given 1`},
		{`{{.Person.LastName | printf "%s"  .Person.FirstName}}`, `sms[0].text: 1:22: printf "%s": the format prints 1 value and is given 2`},
		{`{{printf "%#v" .Person.FirstName}}`, `sms[0].text: 1:3: printf "%#v": %#v prints Go syntax; print the value with %v`},
		{`{{printf "%T" .Person.FirstName}}`, `sms[0].text: 1:3: printf "%T": %T prints a Go type, not a value`},
		{`{{printf "%z" .Person.FirstName}}`, `sms[0].text: 1:3: printf "%z": unknown verb %z`},
		{`{{printf "100%"}}`, `sms[0].text: 1:3: printf "100%": the format ends in a lone %; write %% for a percent sign`},
		{`{{printf "%*d" .Person.FirstName 3}}`, `sms[0].text: 1:23: printf "%*d": the width * is .Person.FirstName, which is string; it must be a whole number`},
		{`{{printf "%[3]s" .Person.FirstName}}`, `sms[0].text: 1:3: printf "%[3]s": the format prints argument 3 and is given 1`},
		{`{{printf .Person.FirstName}}`, `sms[0].text: 1:3: argument 1 of printf: the format must be text written in the template ({{printf "Hi %s" ...}}): a % in .Person.FirstName would print as "%!"`},
		// A value that cannot be printed is told once, with what to
		// write instead: no verb prints it.
		{`{{printf "%s" .Group.MissingRoles}}`, `sms[0].text: 1:21: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
		{`{{printf "%q" .Group.Members}}`, `sms[0].text: 1:21: .Group.Members is a list ([]channel.MemberView) and cannot be printed (print its elements with {{range ...}} ... {{end}})`},
		{`{{printf "%s" .Now}}`, `sms[0].text: 1:15: .Now is time.Time and cannot be printed (format it: {{date "2 Jan 2006" ...}})`},
		{`{{printf "%d" (or .Person.FirstName .Group.MissingRoles)}}`, `sms[0].text: 1:43: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
		{`{{range .Account.Attributes}}{{printf "%d" .}}{{end}}`, `sms[0].text: 1:44: printf "%d": %d prints a whole number, and . is of a type known only at run time (an attribute's value may be text, a number, a list...: read it as text with {{attr "key" "" .Account.Attributes}})`},
	} {
		require.Equal(t, []string{tc.want}, smsProblems(t, tc.src), tc.src)
	}
	src := `{{printf "%s|%d|%v|%5.1f%%|%x|%q|%t|%*d|%-4s|%[1]s" .Person.ID 9223372036854775807 1e30 .Group.Score .Person.FirstName .Person.FirstName .Group.Qualified 3 7 "ab"}}` +
		`{{range .Account.Attributes}}{{printf "(%v %s)" . .}}{{end}}`
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "s", Text: src}}})
	require.NoError(t, err)
	got, err := ts.RenderSMS("s", &channel.RenderContext{
		Person:  b2b.Person{ID: "p-1", FirstName: "Ann"},
		Group:   channel.GroupView{Score: 42.25},
		Account: b2b.Account{Attributes: map[string]any{"tags": []any{"a", 2.5e7}}},
	})
	require.NoError(t, err)
	require.Equal(t, `p-1|9223372036854775807|1e+30| 42.2%|416e6e|"Ann"|false|  7|ab  |p-1(a, 25000000 a, 25000000)`, got)
}

// TestTokenHeldByWithOrIf: a token held by a variable an {{if}} or a
// {{with}} declares, or by the dot of a {{with}}, is required where it
// is printed, as one held by a plain variable is: the {{else}} of a
// with printed it empty, and a blank name passes with's test.
func TestTokenHeldByWithOrIf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src          string
		ann          string // rendered for Ann
		empty, blank bool   // whether an empty, a blank first name fail
		emptyText    string // rendered for an empty name that does not fail
	}{
		{src: `{{with $n := .Person.FirstName}}Hi {{$n}}{{else}}Hi {{$n}}{{end}}`, ann: "Hi Ann", empty: true, blank: true},
		{src: `{{if $n := .Person.FirstName}}Hi {{$n | upper}}{{end}}`, ann: "Hi ANN", blank: true},
		{src: `{{with .Person.FirstName}}Hi {{.}}{{end}}`, ann: "Hi Ann", blank: true},
		{src: `{{with .Person.FirstName}}{{with .}}Hi {{printf "%s" .}}{{end}}{{end}}`, ann: "Hi Ann", blank: true},
		{src: `{{with $n := .Person.FirstName}}Hi {{$n}}{{else}}Hi there{{end}}`, ann: "Hi Ann", emptyText: "Hi there", blank: true},
		{src: `{{with .Person.FirstName}}Hi {{.}}{{else}}Hi {{.Account.Name}}{{end}}`, ann: "Hi Ann", emptyText: "Hi Acme", blank: true},
		// A fallback, or a test only.
		{src: `{{with $n := .Person.FirstName}}Hi {{$n | default "you"}}{{end}}`, ann: "Hi Ann"},
		{src: `{{if $n := .Person.FirstName}}Hi{{end}}`, ann: "Hi", emptyText: ""},
	} {
		ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "s", Text: tc.src}}})
		require.NoError(t, err, tc.src)
		rc := &channel.RenderContext{Account: b2b.Account{Name: "Acme"}, Person: b2b.Person{ID: "p-1", FirstName: "Ann"}}
		got, err := ts.RenderSMS("s", rc)
		require.NoError(t, err, tc.src)
		require.Equal(t, tc.ann, got, tc.src)
		for _, name := range []string{"", " \t"} {
			rc.Person.FirstName = name
			got, err = ts.RenderSMS("s", rc)
			if fail := name == "" && tc.empty || name != "" && tc.blank; fail {
				require.ErrorIs(t, err, channel.ErrEmptyToken, "%s for %q rendered %q", tc.src, name, got)
				require.ErrorContains(t, err, `required token .Person.FirstName is empty`)
				continue
			}
			require.NoError(t, err, "%s for %q", tc.src, name)
			if name == "" {
				require.Equal(t, tc.emptyText, got, tc.src)
			}
		}
	}
}

// TestDecimalsPrintInDecimalNotation: a decimal printed as it is, or
// through print, println, html, js or urlquery, is written in decimal
// notation as default writes it: fmt wrote a revenue of 25000000
// "2.5e+07".
func TestDecimalsPrintInDecimalNotation(t *testing.T) {
	t.Parallel()
	src := `{{.Account.AnnualRevenue}}|{{print .Account.AnnualRevenue}}|{{.Group.Score | html}}|{{$r := .Account.AnnualRevenue}}{{$r}}|{{printf "%.0f" .Account.AnnualRevenue}}|{{.Group.Completeness}}`
	ts, err := channel.CompileTemplates(channel.TemplateSet{
		SMS:    []channel.SMSTemplate{{Name: "s", Text: src}},
		Emails: []channel.EmailTemplate{{Name: "e", Subject: "{{.Account.AnnualRevenue}}", HTML: "<p>" + src + "</p>", Text: src}},
	})
	require.NoError(t, err)
	rc := &channel.RenderContext{Account: b2b.Account{AnnualRevenue: 25e6}, Group: channel.GroupView{Score: 1234567.5, Completeness: 0.00001}}
	got, err := ts.RenderSMS("s", rc)
	require.NoError(t, err)
	want := "25000000|25000000|1234567.5|25000000|25000000|0.00001"
	require.Equal(t, want, got)
	email, err := ts.RenderEmail("e", rc)
	require.NoError(t, err)
	require.Equal(t, channel.RenderedEmail{Subject: "25000000", HTML: "<p>" + want + "</p>", Text: want}, email)
}
