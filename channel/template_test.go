package channel_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

func sampleSet() channel.TemplateSet {
	return channel.TemplateSet{
		Fragments: map[string]channel.Fragment{
			"signature": {HTML: `<p>— {{.Brand.SenderName | default "The team"}}</p>`, Text: `-- {{.Brand.SenderName | default "The team"}}`},
			"footer": {
				HTML: `<p class="footer">{{.Brand.Address}} · <a href="{{.UnsubscribeURL}}">Unsubscribe</a></p>`,
				Text: "{{.Brand.Address}}\nUnsubscribe: {{.UnsubscribeURL}}",
			},
		},
		Themes: []channel.Theme{{
			Name:  "vendor",
			Brand: channel.Brand{Name: "Vendor", PrimaryColor: "#0a66c2", Address: "1 Main St, Springfield", SenderName: "Dana from Vendor"},
			Fragments: map[string]channel.Fragment{
				"header": {HTML: `<h1 style="color: {{.Brand.PrimaryColor}}">{{.Brand.Name}}</h1>`, Text: "{{.Brand.Name}}"},
			},
		}},
		Emails: []channel.EmailTemplate{{
			Name: "intro", Theme: "vendor", Marketing: true,
			Subject: `{{.Person.FirstName | default "Hello"}}, {{.Interest.Name}} for
  {{.Account.Name}}`,
			HTML: `{{template "header" .}}<p>Hi {{.Person.FirstName | default "there"}},</p>` +
				`<p>{{.Account.Name}} is {{.Group.Completeness | percent}} of the way to a complete {{.Interest.Name}} team` +
				`{{with .Group.MissingRoles}} (missing: {{join ", " .}}){{end}}.</p>` +
				`<ul>{{range .Group.Members}}<li>{{.Name}} ({{.Role}}), score {{.Score | number}}</li>{{end}}</ul>` +
				`{{template "signature" .}}{{template "footer" .}}`,
			Text: "{{template \"header\" .}}\nHi {{or .Person.FirstName \"there\"}},\n{{.Account.Name}}: {{.Group.Completeness | percent}}" +
				"{{range .Group.Members}}\n- {{.Name}} ({{.Role}}){{end}}\n{{template \"signature\" .}}\n{{template \"footer\" .}}",
		}},
		SMS: []channel.SMSTemplate{{Name: "reminder", Text: `{{.Person.FirstName | default "Hi"}}: the {{.Interest.Name}} webinar starts in 1h. Reply STOP to opt out.`}},
	}
}

func sampleContext() *channel.RenderContext {
	return &channel.RenderContext{
		Account: b2b.Account{ID: "acme", Name: `Acme <script>alert("x")</script> & Co`},
		Person:  b2b.Person{ID: "p-1", FirstName: "Ann"},
		Group: channel.GroupView{Completeness: 2.0 / 3, Score: 142.4, MissingRoles: []string{"Champion"},
			Members: []channel.MemberView{{Name: "Ann Lee", Role: "Economic Buyer", Score: 80.6}, {Name: "Bo <b>Chen</b>", Role: "Technical Evaluator", Score: 61.8}}},
		Interest:       channel.SolutionInterest{Name: "Data Platform"},
		UnsubscribeURL: "https://vendor.example/u/p-1?t=abc&x=1",
	}
}

func TestRenderEmail(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(sampleSet())
	require.NoError(t, err)
	got, err := ts.RenderEmail("intro", sampleContext())
	require.NoError(t, err)
	want := channel.RenderedEmail{
		Subject: `Ann, Data Platform for Acme <script>alert("x")</script> & Co`,
		HTML: `<h1 style="color: #0a66c2">Vendor</h1><p>Hi Ann,</p>` +
			`<p>Acme &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co is 67% of the way to a complete Data Platform team (missing: Champion).</p>` +
			`<ul><li>Ann Lee (Economic Buyer), score 81</li><li>Bo &lt;b&gt;Chen&lt;/b&gt; (Technical Evaluator), score 62</li></ul>` +
			`<p>— Dana from Vendor</p><p class="footer">1 Main St, Springfield · <a href="https://vendor.example/u/p-1?t=abc&amp;x=1">Unsubscribe</a></p>`,
		Text: "Vendor\nHi Ann,\nAcme <script>alert(\"x\")</script> & Co: 67%\n- Ann Lee (Economic Buyer)\n- Bo <b>Chen</b> (Technical Evaluator)\n" +
			"-- Dana from Vendor\n1 Main St, Springfield\nUnsubscribe: https://vendor.example/u/p-1?t=abc&x=1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rendered (-want +got):\n%s", d)
	}
}

func TestRenderFallbacksAndRequiredTokens(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(sampleSet())
	require.NoError(t, err)

	rc := sampleContext()
	rc.Person.FirstName = ""
	got, err := ts.RenderEmail("intro", rc)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(got.Subject, "Hello, "), got.Subject)
	require.Contains(t, got.HTML, "<p>Hi there,</p>")
	require.Contains(t, got.Text, "Hi there,")

	rc.Person.FirstName = " \t" // default treats blank as empty (Go's or does not)
	sms, err := ts.RenderSMS("reminder", rc)
	require.NoError(t, err)
	require.Equal(t, "Hi: the Data Platform webinar starts in 1h. Reply STOP to opt out.", sms)

	rc = sampleContext()
	rc.Account.Name = ""
	_, err = ts.RenderEmail("intro", rc)
	require.ErrorIs(t, err, channel.ErrEmptyToken)
	require.EqualError(t, err, `template "intro" (subject) for person "p-1": required token .Account.Name is empty (give it a fallback: {{.Account.Name | default "..."}})`)
	var re *channel.RenderError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "subject", re.Part)

	rc = sampleContext()
	rc.UnsubscribeURL = ""
	_, err = ts.RenderEmail("intro", rc)
	require.EqualError(t, err, `template "intro" (html) for person "p-1": required token .UnsubscribeURL is empty (give it a fallback: {{.UnsubscribeURL | default "..."}})`)

	_, err = ts.RenderEmail("nope", rc)
	require.EqualError(t, err, `render: unknown email template "nope"`)
}

// TestRequiredTokenThroughFunction: a token without fallback is required
// also when a function that keeps its text (upper, printf, html, ...)
// prints it; a fallback anywhere in the action, or a function that does
// not print the token's text, leaves it optional.
func TestRequiredTokenThroughFunction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		html, text string
		want       string // rendered for Ann; for an empty first name, "" means ErrEmptyToken
		empty      string
	}{
		{html: "<p>Hi {{.Person.FirstName | upper}}</p>", text: "Hi {{.Person.FirstName | upper}}", want: "Hi ANN"},
		{html: "<p>Hi {{upper .Person.FirstName}}</p>", text: "Hi {{lower .Person.FirstName}}", want: "Hi ann"},
		{html: `<p>{{printf "Hi %s!" .Person.FirstName}}</p>`, text: `{{printf "Hi %s!" .Person.FirstName | upper}}`, want: "HI ANN!"},
		{html: "<p>Hi {{.Person.FirstName | html}}</p>", text: "Hi {{(.Person.FirstName | upper)}}", want: "Hi ANN"},
		{html: "<p>Hi {{$p := .Person}}{{$p.FirstName | upper}}</p>", text: "Hi {{.Person.FirstName | urlquery}}", want: "Hi Ann"},
		// Through a variable that holds the token: it printed "Hi " for
		// an empty name.
		{html: "<p>{{$n := .Person.FirstName}}Hi {{$n}}</p>", text: "{{$n := .Person.FirstName}}{{$m := $n}}Hi {{$m | upper}}", want: "Hi ANN"},
		{html: `<p>{{$n := ""}}{{$n = .Person.FirstName}}Hi {{printf "%s" $n}}</p>`, text: "{{$n := .Person.FirstName}}Hi {{$n}}", want: "Hi Ann"},
		// A fallback, and functions that do not print the token's text.
		{html: `<p>Hi {{.Person.FirstName | upper | default "there"}}</p>`, text: `Hi {{upper (or .Person.FirstName "there")}}`, want: "Hi ANN", empty: "Hi THERE"},
		{html: `<p>Hi {{printf "%s" .Person.FirstName | default "you"}}</p>`, text: `Hi {{len .Person.FirstName}}`, want: "Hi 3", empty: "Hi 0"},
		{html: `<p>{{$n := .Person.FirstName | default "there"}}Hi {{$n}}</p>`, text: `{{$n := .Person.FirstName}}Hi {{$n | default "there"}}`, want: "Hi Ann", empty: "Hi there"},
	} {
		ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "hi", Subject: "Hello", HTML: tc.html, Text: tc.text}}})
		require.NoError(t, err, tc.html)
		rc := &channel.RenderContext{Account: b2b.Account{Name: "Acme"}, Person: b2b.Person{ID: "p-1", FirstName: "Ann"}}
		got, err := ts.RenderEmail("hi", rc)
		require.NoError(t, err, tc.html)
		require.Equal(t, tc.want, got.Text, tc.text)
		rc.Person.FirstName = ""
		got, err = ts.RenderEmail("hi", rc)
		if tc.empty == "" {
			require.ErrorIs(t, err, channel.ErrEmptyToken, "%s rendered %q", tc.html, got.HTML)
			require.ErrorContains(t, err, `template "hi" (html) for person "p-1": required token .Person.FirstName is empty`)
			continue
		}
		require.NoError(t, err, tc.html)
		require.Equal(t, tc.empty, got.Text, tc.text)
	}
}

func TestRenderURLFiltering(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(sampleSet())
	require.NoError(t, err)
	rc := sampleContext()
	rc.UnsubscribeURL = `javascript:alert(1)`
	got, err := ts.RenderEmail("intro", rc)
	require.NoError(t, err)
	require.Contains(t, got.HTML, `<a href="#ZgotmplZ">`, "html/template refuses a javascript: URL")
}

func TestCompileTemplatesReportsEveryProblem(t *testing.T) {
	t.Parallel()
	email := func(name, html string) channel.EmailTemplate {
		return channel.EmailTemplate{Name: name, Subject: "Hi", HTML: html, Text: "Hi"}
	}
	for _, tc := range []struct {
		name string
		set  channel.TemplateSet
		want []string
	}{
		{
			name: "unknown token, with its line and column",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", "<p>Hi\n{{.Person.FristName}}</p>")}},
			want: []string{"emails[0].html: 2:10: unknown token .Person.FristName: b2b.Person has no field FristName (it has ID, Email, FirstName, LastName, Title, Department, Seniority, Phone, Company, AccountID, Consent, Attributes, Source, UpdatedAt)"},
		},
		{
			name: "unknown top-level token",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a", Subject: "{{.Firstname}}", HTML: "x", Text: "x"}}},
			want: []string{"emails[0].subject: 1:3: unknown token .Firstname: channel.RenderContext has no field Firstname (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)"},
		},
		{
			name: "unknown field inside range",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", "{{range .Group.Members}}{{.Nmae}}{{end}}")}},
			want: []string{"emails[0].html: 1:27: unknown token .Group.Members[].Nmae: channel.MemberView has no field Nmae (it has Person, Name, Title, Email, Role, Persona, Score, Reason)"},
		},
		{
			name: "unknown function, at its line and column",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{
				email("a", "<p>\n{{.Person.FirstName | shout}}</p>"),
				{Name: "b", Subject: "s", HTML: "h", Text: `{{define "x"}}{{shout 1}}{{end}}{{.Account.Name | shout}}`},
			}},
			want: []string{`emails[0].html: 2:23: function "shout" not defined`, `emails[1].text: 1:17: function "shout" not defined`},
		},
		{
			name: "syntax errors, at the start of their action",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"footer": {HTML: "<p>{{.Brand.Name}} {{end}}</p>", Text: "x"}},
				Emails: []channel.EmailTemplate{
					// A name may contain ':', which text/template's message does not escape.
					{Name: "news:intro", Subject: "s", HTML: "<p>ok</p>", Text: "Hi\n  {{.Account.Name"},
					email("b", "{{if .Group.Qualified}}\n<p>x</p>"),
					email("c", `{{template "footer" .}}`),
				},
			},
			want: []string{
				"emails[0].text: 2:3: unclosed action",
				"fragments.footer.html: 1:20: unexpected {{end}}",
				"emails[1].html: 2:9: unexpected EOF (an {{if}}, {{range}}, {{with}}, {{define}} or {{block}} without its {{end}})",
			},
		},
		{
			// text/template keeps the definition parsed last: the
			// template's own footer printed the shared one, a fragment's
			// {{define}} replaced another fragment in every template, and
			// one of the template's name hid its text from the checks.
			name: "a {{define}} or {{block}} under a name taken, at its action",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{
					"footer": {HTML: "<p>shared</p>", Text: "shared"},
					"sig":    {HTML: `<p>sig</p>{{define "footer"}}<p>sig's footer</p>{{end}}`, Text: "sig"},
					"x":      {HTML: "x", Text: `x {{define "c"}}{{.Person.FristName}}{{end}}`},
				},
				Emails: []channel.EmailTemplate{
					{Name: "a", Subject: "s", HTML: "<p>Hi</p>\n{{define \"footer\"}}<p>mine</p>{{end}}{{template \"footer\" .}}", Text: `{{block "footer" .}}mine{{end}}`},
					email("b", `<p>Hi</p>{{template "sig" .}}`),
					{Name: "c", Subject: "s", HTML: "h", Text: `{{template "x" .}} {{.Account.Name}}`},
				},
			},
			want: []string{
				`emails[0].text: 1:1: {{block "footer"}} has the name of the fragment fragments.footer, and only one of the two would be used; give one of them another name`,
				`emails[0].html: 2:1: {{define "footer"}} has the name of the fragment fragments.footer, and only one of the two would be used; give one of them another name`,
				`fragments.sig.html: 1:11: {{define "footer"}} has the name of the fragment fragments.footer, and only one of the two would be used; give one of them another name`,
				`fragments.x.text: 1:3: {{define "c"}} has the name of the template "c", and only one of the two would be used; give one of them another name`,
			},
		},
		{
			name: "escaping problems, at their place",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"cta": {HTML: "<p>\n{{if .Group.Qualified}}<a href=\"{{else}}<b>{{end}}</p>", Text: "x"}},
				Emails: []channel.EmailTemplate{
					email("a", "<p>Hi</p>\n<a href=\"{{.UnsubscribeURL}}"),
					email("b", "<p>Hi</p>\n<p a=b<c>"),
					email("c", `<p>Hi</p>{{template "cta" .}}`),
				},
			},
			want: []string{
				"emails[0].html: 2:29: ends in a non-text context",
				`emails[1].html: 2:6: "<" in unquoted attr: "b<c"`,
				`emails[2].html: 2:6: in fragment "cta": {{if}} branches end in different contexts`,
			},
		},
		{
			name: "index, slice and call are refused",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a", Subject: `Your {{index .Account.Attributes "tier"}} plan`, HTML: `{{slice .Account.Name 0 3}}`, Text: `{{call .Account.Name}}`}}},
			want: []string{
				`emails[0].subject: 1:8: index is not allowed: a missing map entry prints "<no value>" and a list index out of range fails; read a map entry with {{attr "key" "default" ...}}, a list with {{range ...}} or {{join ", " ...}}`,
				`emails[0].text: 1:3: call is not allowed: templates have no functions to call`,
				`emails[0].html: 1:3: slice is not allowed: it fails for a value shorter than its indexes`,
			},
		},
		{
			name: "wrong argument types of functions and builtins",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a",
				Subject: `{{.Account.Name | percent}} {{number .Person.Email}}`,
				HTML:    `{{if gt .Group.Score 100}}hot{{end}} {{if eq .Group.Members .Group.Members}}x{{end}} {{if lt .Group.Qualified true}}y{{end}}`,
				Text:    `{{len .Group.Score}} {{printf .Group.Score}} {{eq .Account.Name}} {{if gt .Group.Score 100.0}}ok{{end}} {{eq .Account.Employees 3}}`,
			}}},
			want: []string{
				`emails[0].subject: 1:19: argument 1 of percent: .Account.Name is string, want a number`,
				`emails[0].subject: 1:31: argument 1 of number: .Person.Email is string, want a number`,
				`emails[0].text: 1:3: len of .Group.Score: float64 has no length (only text, lists and maps have one)`,
				`emails[0].text: 1:24: argument 1 of printf: .Group.Score is float64, want a format (text)`,
				`emails[0].text: 1:48: eq needs at least 2 arguments, got 1`,
				`emails[0].html: 1:6: gt cannot compare .Group.Score (float64) with 100 (int) (write a whole number as 100.0 to compare it with a decimal one)`,
				`emails[0].html: 1:43: eq cannot compare .Group.Members (a list ([]channel.MemberView)) with .Group.Members (a list ([]channel.MemberView))`,
				`emails[0].html: 1:91: lt cannot order .Group.Qualified, which is bool (it orders numbers and text)`,
			},
		},
		{
			name: "a format of another string type, a whole number too large",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a",
				Subject: `{{printf .Person.ID}}`,
				HTML:    `{{printf "%d" 18446744073709551615}}`,
				Text:    `{{if eq .Account.Employees 0xFFFFFFFFFFFFFFFF}}x{{end}} {{9223372036854775807}}`,
			}}},
			want: []string{
				`emails[0].subject: 1:3: argument 1 of printf: .Person.ID is b2b.PersonID, want a format (text) (print it with {{printf "%s" .Person.ID}})`,
				`emails[0].text: 1:28: 0xFFFFFFFFFFFFFFFF is too large: whole numbers go up to 9223372036854775807`,
				`emails[0].html: 1:15: 18446744073709551615 is too large: whole numbers go up to 9223372036854775807`,
			},
		},
		{
			name: "a list printed bare",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", `{{.Group.MissingRoles}}`)}},
			want: []string{`emails[0].html: 1:3: .Group.MissingRoles is a list ([]string) and cannot be printed (join it: {{join ", " ...}})`},
		},
		{
			name: "a map read as a struct",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", `{{.Account.Attributes.tier}}`)}},
			want: []string{`emails[0].html: 1:11: unknown token .Account.Attributes.tier: .Account.Attributes is a map; read an entry with {{attr "tier" "default" .Account.Attributes}}`},
		},
		{
			name: "wrong argument type",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", `{{join ", " .Account.Name}}`)}},
			want: []string{`emails[0].html: 1:3: argument 2 of join: .Account.Name is string, want a list ([]string)`},
		},
		{
			name: "unknown fragment and theme",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{
				email("a", `{{template "footr" .}}`),
				{Name: "b", Theme: "nope", Subject: "s", HTML: "h", Text: "t"},
			}},
			want: []string{`emails[0].html: 1:12: unknown fragment "footr"`, `emails[1].theme: unknown theme "nope" (themes: )`},
		},
		{
			name: "a fragment's problem is reported once, at the fragment",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"footer": {HTML: "{{.Brand.Adress}}", Text: "x"}},
				Emails:    []channel.EmailTemplate{email("a", `{{template "footer" .}}`), email("b", `{{template "footer" .}}`)},
			},
			want: []string{`fragments.footer.html: 1:9: unknown token .Brand.Adress: channel.Brand has no field Adress (it has Name, LogoURL, PrimaryColor, WebsiteURL, Address, SenderName)`},
		},
		{
			name: "marketing email without unsubscribe link",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "m", Marketing: true, Subject: "s", HTML: "<p>h</p>", Text: "t {{.UnsubscribeURL}}"}}},
			want: []string{"emails[0].html: the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email"},
		},
		{
			name: "missing parts, bad and duplicate names",
			set: channel.TemplateSet{
				Emails: []channel.EmailTemplate{{Name: "x"}, email("a", "h"), email("a", "h"), email("1bad", "h")},
				SMS:    []channel.SMSTemplate{{Name: "s"}},
			},
			want: []string{
				"emails[0].subject: is required", "emails[0].html: is required", "emails[0].text: is required",
				`emails[2].name: duplicate template "a"`,
				`emails[3].name: "1bad" is not a valid name (a letter, then letters, digits, _ . : -)`,
				"sms[0].text: is required",
			},
		},
		{
			name: "a missing part hides none of the other parts' problems",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{
				{Name: "a", Text: "Hi {{.Person.Frist}}"},
				{Name: "m", Marketing: true, Subject: "{{.Nope}}", HTML: "<p>{{.UnsubscribeURL}}</p>", Text: "no link"},
			}},
			want: []string{
				"emails[0].subject: is required",
				"emails[0].html: is required",
				"emails[0].text: 1:13: unknown token .Person.Frist: b2b.Person has no field Frist (it has ID, Email, FirstName, LastName, Title, Department, Seniority, Phone, Company, AccountID, Consent, Attributes, Source, UpdatedAt)",
				"emails[1].subject: 1:3: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)",
				"emails[1].text: the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email",
			},
		},
		{
			name: "the function the loader adds for required tokens is not the templates' to call",
			set: channel.TemplateSet{
				Emails: []channel.EmailTemplate{email("a", `<p>{{required "name" .Person.FirstName}}</p>`)},
				SMS:    []channel.SMSTemplate{{Name: "s", Text: "Hi\n{{.Person.FirstName | required \"x\"}}"}},
			},
			want: []string{
				`emails[0].html: 1:6: function "required" not defined`,
				`sms[0].text: 2:23: function "required" not defined`,
			},
		},
		{
			name: "a fragment called from a part it has no version for",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{
					"sig":    {Text: "-- Dana"},
					"logo":   {HTML: `<img src="https://vendor.example/logo.png">`},
					"footer": {HTML: `<p>{{template "sig" .}}</p>`, Text: `{{template "logo" .}}`},
				},
				Emails: []channel.EmailTemplate{
					email("a", `<p>Hi</p>{{template "sig" .}}`),
					{Name: "b", Subject: "s", HTML: `{{template "footer" .}}`, Text: `{{template "footer" .}}`},
				},
				SMS: []channel.SMSTemplate{{Name: "s", Text: `Hi {{template "logo" .}}`}},
			},
			want: []string{
				`emails[0].html: 1:21: fragment "sig" has no html version, so it would print nothing`,
				`fragments.footer.text: 1:12: fragment "logo" has no text version, so it would print nothing`,
				`fragments.footer.html: 1:15: fragment "sig" has no html version, so it would print nothing`,
				`sms[0].text: 1:15: fragment "logo" has no text version, so it would print nothing`,
			},
		},
		{
			name: "a template with a bad or duplicate name is checked all the same, and one that does not compile still takes its name",
			set: channel.TemplateSet{
				Emails: []channel.EmailTemplate{email("a", "<p>Hi</p>"), email("a", "<p>{{.Nope}}</p>"), email("1bad", "<p>{{.Nope}}</p>"),
					email("b", "<p>{{.Nope}}</p>"), email("b", "<p>Hi</p>")},
				SMS: []channel.SMSTemplate{{Name: "", Text: "{{.Nope}}"}},
			},
			want: []string{
				`emails[1].name: duplicate template "a"`,
				"emails[1].html: 1:6: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)",
				`emails[2].name: "1bad" is not a valid name (a letter, then letters, digits, _ . : -)`,
				"emails[2].html: 1:6: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)",
				"emails[3].html: 1:6: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)",
				`emails[4].name: duplicate template "b"`,
				`sms[0].name: "" is not a valid name (a letter, then letters, digits, _ . : -)`,
				"sms[0].text: 1:3: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)",
			},
		},
		{
			name: "html escaping ambiguity found at load time",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", `{{if .Group.Qualified}}<a href="{{else}}<b>{{end}}x`)}},
			want: []string{`emails[0].html: 1:6: {{if}} branches end in different contexts`},
		},
		{
			name: "recursion is refused",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"a": {HTML: `{{template "b" .}}`, Text: "x"}, "b": {HTML: `{{template "a" .}}`, Text: "x"}},
				Emails:    []channel.EmailTemplate{email("a1", `{{template "a" .}}`)},
			},
			want: []string{`fragments.b.html: 1:12: template "a" calls itself (directly or through other fragments); recursion is not allowed`},
		},
		{
			name: "a template named as a fragment it sees",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"footer": {HTML: "x", Text: "x"}},
				Themes:    []channel.Theme{{Name: "t", Fragments: map[string]channel.Fragment{"header": {HTML: "h", Text: "h"}}}},
				Emails:    []channel.EmailTemplate{email("footer", "h"), {Name: "header", Theme: "t", Subject: "s", HTML: "h", Text: "t"}, email("plain", `{{template "footer" .}}`)},
				// Without the theme, a template may have the name of the theme's fragment.
				SMS: []channel.SMSTemplate{{Name: "footer", Text: "x"}, {Name: "header", Text: "x"}},
			},
			want: []string{
				`emails[0].name: "footer" is also the name of the fragment fragments.footer; a template and a fragment need different names`,
				`emails[1].name: "header" is also the name of the fragment themes[0].fragments.header; a template and a fragment need different names`,
				`sms[0].name: "footer" is also the name of the fragment fragments.footer; a template and a fragment need different names`,
			},
		},
		{
			// text/template parses nil as a command and fails on it at
			// every rendering: "nil is not a command".
			name: "nil as a command",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{
				email("a", `<p>{{nil}}</p>{{if nil}}x{{end}}{{print nil}}`),
				{Name: "b", Subject: "s", HTML: "h", Text: `{{with nil}}x{{end}}{{$x := nil}}`},
			}},
			want: []string{
				`emails[0].html: 1:6: nil is not a command: it is a value to hand to a function ({{eq .X nil}}), and fails at every rendering`,
				`emails[0].html: 1:20: nil is not a command: it is a value to hand to a function ({{eq .X nil}}), and fails at every rendering`,
				`emails[1].text: 1:8: nil is not a command: it is a value to hand to a function ({{eq .X nil}}), and fails at every rendering`,
				`emails[1].text: 1:29: nil is not a command: it is a value to hand to a function ({{eq .X nil}}), and fails at every rendering`,
			},
		},
		{
			// text/template compares values of one kind only, and an
			// attribute's value (any) or an or of a text and a number is of
			// a kind known only at run time: these rendered for some
			// accounts and failed for others ("incompatible types for
			// comparison", "len of type float64", printf's "wrong type").
			name: "a value of a type known only at run time where a type is needed",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{
				email("a", `{{range .Account.Attributes}}{{if eq . "gold"}}G{{end}}{{len .}}{{end}}`),
				{Name: "b", Subject: "s", HTML: "h",
					Text: `{{range $k, $v := .Account.Attributes}}{{if lt $v 10.0}}{{$k}}{{end}}{{printf $v}}{{end}}{{if eq (or .Person.Title .Group.Score) "CTO"}}y{{end}}{{upper (or .Person.Title .Group.Score)}}`},
			}},
			want: []string{
				`emails[0].html: 1:35: eq cannot compare ., whose type is known only at run time, with "gold": it fails for the recipients whose value is of another kind (an attribute's value may be text, a number, a list...: read it as text with {{attr "key" "" .Account.Attributes}})`,
				`emails[0].html: 1:58: len of .: its type is known only at run time, and a number or a true/false has no length (an attribute's value may be text, a number, a list...: read it as text with {{attr "key" "" .Account.Attributes}})`,
				`emails[1].text: 1:45: lt cannot compare $v, whose type is known only at run time, with 10.0: it fails for the recipients whose value is of another kind (an attribute's value may be text, a number, a list...: read it as text with {{attr "key" "" .Account.Attributes}})`,
				`emails[1].text: 1:72: argument 1 of printf: $v is of a type known only at run time, and fails for the recipients whose value is not text; give a format (text): {{printf "%v" $v}}`,
				`emails[1].text: 1:95: eq cannot compare or .Person.Title .Group.Score, whose type is known only at run time, with "CTO": it fails for the recipients whose value is of another kind (values of different types)`,
				`emails[1].text: 1:147: argument 1 of upper: or .Person.Title .Group.Score is of a type known only at run time (values of different types), and fails for the recipients whose value is not string`,
			},
		},
		{
			name: "assignment to an undeclared variable",
			set:  channel.TemplateSet{Emails: []channel.EmailTemplate{email("a", `{{$n = .Account.Name}}{{$n}}`)}},
			want: []string{`emails[0].html: 1:3: undefined variable $n: declare it with :=`, `emails[0].html: 1:25: undefined variable $n`},
		},
		{
			// Typed once for its scope, $x would pass eq $x 1 and fail at
			// run time when the {{if}} ran.
			name: "assignment that changes a variable's type",
			set: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a",
				Subject: `{{$x := 1}}{{if .Group.Qualified}}{{$x = 2.5}}{{end}}{{if eq $x 1}}one{{end}}`,
				HTML:    `{{$r := 0}}{{range $r = .Group.MissingRoles}}{{end}}{{range $u = .Group.MissingRoles}}{{end}}`,
				Text:    `{{$s := .Person.FirstName}}{{with $s = or .Account.Employees .Person.LastName}}{{end}}{{$s = .Nope}}`,
			}}},
			want: []string{
				`emails[0].subject: 1:37: $x holds int: assigning float64 to it changes its type; declare another variable with :=`,
				`emails[0].text: 1:35: $s holds string: assigning a value of unknown type to it changes its type; declare another variable with :=`,
				`emails[0].text: 1:94: unknown token .Nope: channel.RenderContext has no field Nope (it has Account, Person, Group, Interest, Brand, Alert, UnsubscribeURL, Now)`,
				`emails[0].html: 1:20: $r holds int: assigning string to it changes its type; declare another variable with :=`,
				`emails[0].html: 1:61: undefined variable $u: declare it with :=`,
			},
		},
		{
			name: "fragment called without the context",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"footer": {HTML: `<p>{{.Brand.Name | default "Vendor"}}</p>`, Text: `{{.Brand.Name | default "Vendor"}}`}},
				Emails:    []channel.EmailTemplate{email("a", `<p>Hi</p>{{template "footer"}}`)},
			},
			want: []string{`emails[0].html: 1:21: fragment "footer" reads tokens and must be called with the whole context: {{template "footer" .}} at the top level or {{template "footer" $}}`},
		},
		{
			name: "fragment called with another dot",
			set:  channel.TemplateSet{Fragments: map[string]channel.Fragment{"f": {HTML: "{{.Brand.Name}}", Text: "x"}}, Emails: []channel.EmailTemplate{email("a", `{{range .Group.Members}}{{template "f" .}}{{end}}`)}},
			want: []string{`emails[0].html: 1:36: fragment "f" reads tokens and must be called with the whole context: {{template "f" .}} at the top level or {{template "f" $}}`},
		},
		{
			name: "fragment that hands the context on, called without it",
			set: channel.TemplateSet{
				Fragments: map[string]channel.Fragment{"outer": {HTML: `<div>{{template "inner" $}}</div>`, Text: "x"}, "inner": {HTML: `{{with "s"}}{{.}}{{end}}`, Text: "x"}},
				Emails:    []channel.EmailTemplate{email("a", `{{template "outer"}}`)},
			},
			want: []string{`emails[0].html: 1:12: fragment "outer" reads tokens and must be called with the whole context: {{template "outer" .}} at the top level or {{template "outer" $}}`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := channel.CompileTemplates(tc.set)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			var ve *b2b.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("problems (-want +got):\n%s", d)
			}
		})
	}
}

// TestNoTypeErrorAfterValidation: templates that used to pass validation
// and then fail every rendering with a type error are refused, and their
// valid neighbours render.
func TestNoTypeErrorAfterValidation(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`{{printf .Person.ID}}`,                // the format is a b2b.PersonID, not a string
		`{{printf "%d" 18446744073709551615}}`, // a constant that overflows int
		`{{if eq .Account.Employees 18446744073709551615}}x{{end}}`,
		`{{18446744073709551615 | number}}`,
	} {
		_, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "f", Subject: "s", HTML: src, Text: src}}})
		require.ErrorIs(t, err, b2b.ErrInvalid, "%s", src)
	}
	src := `{{printf "%s|%d|%v" .Person.ID 9223372036854775807 1e30}}`
	ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "f", Subject: "s", HTML: src, Text: src}}})
	require.NoError(t, err)
	got, err := ts.RenderEmail("f", sampleContext())
	require.NoError(t, err)
	require.Equal(t, "p-1|9223372036854775807|1e+30", got.Text)
}

// TestAssignmentKeepsType: an assignment of a value of the variable's
// type passes, in an {{if}} or a {{range}}, and its value reaches past the
// {{end}}.
func TestAssignmentKeepsType(t *testing.T) {
	t.Parallel()
	src := `{{$x := 1}}{{if .Group.Qualified}}{{$x = 2}}{{end}}{{if eq $x 1}}one{{end}}` +
		`{{$r := ""}}{{range $r = .Group.MissingRoles}}{{end}} {{$r}}`
	ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "a", Subject: "s", HTML: src, Text: src}}})
	require.NoError(t, err)
	rc := sampleContext()
	got, err := ts.RenderEmail("a", rc)
	require.NoError(t, err)
	require.Equal(t, "one Champion", got.Text)
	rc.Group.Qualified = true
	got, err = ts.RenderEmail("a", rc)
	require.NoError(t, err)
	require.Equal(t, " Champion", got.Text)
}

// TestStaticFragmentWithoutContext: a fragment (shared, or a {{define}})
// that reads no token renders the same with any data, so it may be called
// without the context, or from inside a range.
func TestStaticFragmentWithoutContext(t *testing.T) {
	t.Parallel()
	fragments := map[string]channel.Fragment{
		"sig":   {HTML: "<p>The Acme team</p>", Text: "-- The Acme team"},
		"outer": {HTML: `<div>{{template "sig" .}}{{$x := "!"}}{{$x}}</div>`, Text: `{{template "sig" $}}!`},
	}
	for _, tc := range []struct{ name, html, text, wantHTML, wantText string }{
		{"shared fragment", `<p>Hi</p>{{template "sig"}}`, `Hi {{template "sig"}}`,
			"<p>Hi</p><p>The Acme team</p>", "Hi -- The Acme team"},
		{"local define", `{{define "x"}}<p>Thanks</p>{{end}}<p>Hi</p>{{template "x"}}`, `{{define "y"}}Thanks{{end}}Hi {{template "y"}}`,
			"<p>Hi</p><p>Thanks</p>", "Hi Thanks"},
		{"a fragment handing on its data to a static one", `{{template "outer"}}`, `{{template "outer" "x"}}`,
			"<div><p>The Acme team</p>!</div>", "-- The Acme team!"},
		{"inside a range", `{{range .Group.Members}}{{template "sig" .}}{{end}}`, `{{range .Group.Members}}{{template "sig"}}{{end}}`,
			"<p>The Acme team</p><p>The Acme team</p>", "-- The Acme team-- The Acme team"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, err := channel.CompileTemplates(channel.TemplateSet{
				Fragments: fragments,
				Emails:    []channel.EmailTemplate{{Name: "t", Subject: "Hello", HTML: tc.html, Text: tc.text}},
			})
			require.NoError(t, err)
			rc := sampleContext()
			got, err := ts.RenderEmail("t", rc)
			require.NoError(t, err)
			require.Equal(t, channel.RenderedEmail{Subject: "Hello", HTML: tc.wantHTML, Text: tc.wantText}, got)
			without, err := ts.RenderEmailWithoutPlans("t", rc)
			require.NoError(t, err)
			require.Equal(t, got, without)
		})
	}
}

func TestCompileTemplatesAcceptsFallbackForms(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{
		Name: "forms", Subject: `{{or .Person.FirstName .Person.Email "there"}}`,
		HTML: `{{.Account.Attributes | attr "tier" "standard"}} {{.Now | date "2 Jan 2006"}} {{len .Group.Members}} {{$g := .Group}}{{$g.Stage | default "new"}} {{range $i, $m := .Group.Members}}{{$i}}:{{$m.Name}}{{$.Account.Name}}{{end}}`,
		Text: `{{if .Group.Qualified}}ready{{else}}not yet{{end}} {{.Account.Employees}} {{printf "%.1f" .Group.Score}}`,
	}}})
	require.NoError(t, err)
	got, err := ts.RenderEmail("forms", &channel.RenderContext{Person: b2b.Person{Email: "ann@acme.com"}, Group: channel.GroupView{Score: 12.34}})
	require.NoError(t, err)
	// The context has no Now: date prints a zero time as "", not 1 Jan 0001.
	require.Equal(t, channel.RenderedEmail{Subject: "ann@acme.com", HTML: "standard  0 new ", Text: "not yet 0 12.3"}, got)
}

func FuzzCompileTemplates(f *testing.F) {
	f.Add(`{{.Person.FirstName | default "there"}}`, `{{range .Group.Members}}{{.Name}}{{end}}`)
	f.Add(`{{.Nope}}`, `{{template "x" .}}`)
	f.Add(`<a href="{{.UnsubscribeURL}}">`, `{{with .Group}}{{.Stage}}{{end}}{{$x := 1}}{{$x}}`)
	f.Add(`{{if .Group.Qualified}}<a href="{{else}}<b>{{end}}`, `{{range $k, $v := .Account.Attributes}}{{$k}}{{end}}`)
	f.Add(`{{(.Group).Score}}`, `{{.Group.Members | len}}{{index .Group.MissingRoles 0}}`)
	f.Add(`{{$x := 1}}{{if .Group.Qualified}}{{$x = 2.5}}{{end}}{{if eq $x 1}}one{{end}}`, `{{$r := 0}}{{range $r = .Group.Members}}{{end}}`)
	f.Add(`{{printf .Person.ID}}`, `{{printf "%d" 18446744073709551615}}`)
	f.Add(`{{define "x"}}<p>{{.Person.FirstName}}</p>{{end}}{{template "x"}}`, `{{define "y"}}s{{with "t"}}{{.}}{{end}}{{end}}{{template "y" 1}}`)
	f.Add(`{{printf "%d|%s" .Account.Employees .Person.FirstName}}`, `{{printf "%s %v" .Group.Score}}`)
	f.Add(`{{range $k, $v := .Account.Attributes}}{{$v}}{{end}}`, `{{print .Group.MissingRoles}}{{or .Person.Title .Group}}`)
	f.Fuzz(func(t *testing.T, html, text string) {
		ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "f", Subject: "s", HTML: html, Text: text}}})
		if err != nil {
			if !errors.Is(err, b2b.ErrInvalid) {
				t.Fatalf("compile error is not a validation error: %v", err)
			}
			return
		}
		// A compiled template renders, or fails with a RenderError for an
		// empty required token: nothing that passed validation fails for
		// another reason at run time. It never panics.
		got, err := ts.RenderEmail("f", sampleContext())
		var re *channel.RenderError
		if err != nil && (!errors.As(err, &re) || !errors.Is(err, channel.ErrEmptyToken)) {
			t.Fatalf("html %q, text %q passed validation, then failed: %v", html, text, err)
		}
		// Nor does it print fmt's complaints ("%!d(string=Ann)") or
		// text/template's "<no value>", where neither the template nor
		// the context holds a "!" or "no value" to print.
		for _, bad := range []struct{ out, src string }{{"%!", "!"}, {"<no value>", "no value"}} {
			if strings.Contains(got.HTML+got.Text, bad.out) && !strings.Contains(html+text, bad.src) {
				t.Fatalf("html %q, text %q rendered %q: %+v", html, text, bad.out, got)
			}
		}
	})
}

// TestTemplateReads: what a template may read, through its fragments too,
// so that a renderer can leave out what none of its parts reads.
func TestTemplateReads(t *testing.T) {
	t.Parallel()
	email := func(name, html string) channel.EmailTemplate {
		return channel.EmailTemplate{Name: name, Subject: "For {{.Account.Name}}", HTML: html, Text: `Hi {{.Person.FirstName | default "there"}} {{template "footer" .}}`}
	}
	ts, err := channel.CompileTemplates(channel.TemplateSet{
		Fragments: map[string]channel.Fragment{"footer": {HTML: `<p>{{.Interest.Name}}</p>`, Text: `{{.Interest.Name}}`}},
		Emails: []channel.EmailTemplate{
			email("plain", `<p>Hi {{.Person.FirstName}}</p>{{template "footer" .}}`),
			email("score", `<p>{{.Group.Score}}</p>`),
			email("printed", `<p>{{if and .Group .Account}}x{{end}}</p>`),
			email("whole", `<p>{{if and . .Group}}x{{end}}</p>`),
			email("within", `{{with .Group}}<p>{{.Name}}</p>{{end}}`),
			email("variable", `{{$c := .}}<p>{{$c.Account.Name}}</p>`),
		},
		SMS: []channel.SMSTemplate{{Name: "sms", Text: "Hi {{.Person.FirstName}}, {{.Interest.Name}}"}},
	})
	require.NoError(t, err)
	for _, tc := range []struct {
		template, path string
		reads          bool
	}{
		{"plain", "Group", false},
		{"plain", "Person", true},
		{"plain", "Person.FirstName", true},
		{"plain", "Interest.Name", true}, // through the fragment
		{"plain", "Account", true},       // in the subject
		{"score", "Group", true},
		{"score", "Group.Score", true},
		{"score", "Person.Email", true}, // below Person, which is read: it may be handed on whole
		{"score", "Brand", false},
		{"printed", "Group.Members", true}, // and hands on .Group whole, members and all
		{"whole", "Group", true},
		{"whole", "Group.Members", true},
		{"within", "Group", true},
		{"variable", "Group", true}, // $c holds everything
		{"sms", "Group", false},
		{"sms", "Person.FirstName", true},
		{"unknown", "Group", true},
	} {
		require.Equal(t, tc.reads, ts.Reads(tc.template, tc.path), "%s reads %s", tc.template, tc.path)
	}
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"Group", []string{"printed", "score", "variable", "whole", "within"}},
		{"Interest.Name", []string{"plain", "printed", "score", "sms", "variable", "whole", "within"}},
		{"UnsubscribeURL", []string{"variable", "whole"}},
	} {
		require.Equal(t, tc.want, ts.Reading(tc.path), "templates reading %s", tc.path)
	}
}

// A problem with a place in a template's text holds it as a
// *channel.TemplateError (for a program file to place it in the file);
// one without a place has none. A fragment whose name holds a dot is
// named by its key in brackets, which a dotted path would split.
func TestCompileTemplatesProblemPlaces(t *testing.T) {
	t.Parallel()
	_, err := channel.CompileTemplates(channel.TemplateSet{
		Fragments: map[string]channel.Fragment{"mail.footer": {HTML: "<p>\n{{.Brand.Nme}}</p>", Text: "x"}},
		Emails: []channel.EmailTemplate{
			{Name: "a", Subject: "Hi", HTML: `{{template "mail.footer" .}}`, Text: "Hi {{.Person.Frist}}"},
			{Name: "b", Subject: "Hi", HTML: "<p>Hi</p>\n<a href=\"{{.UnsubscribeURL}}", Text: "Hi"},
			{Name: "c", Subject: "Hi", HTML: "<p>Hi</p>", Text: "Hi", Marketing: true},
		},
	})
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	type place struct {
		Path         string
		Line, Column int
		Message      string
	}
	var got []place
	for _, p := range ve.Problems {
		pl := place{Path: p.Path, Message: p.Err.Error()}
		var te *channel.TemplateError
		if errors.As(p.Err, &te) {
			pl.Line, pl.Column, pl.Message = te.Line, te.Column, te.Message
			require.Equal(t, p.Err.Error(), fmt.Sprintf("%d:%d: %s", te.Line, te.Column, te.Message), "the text is as before")
		}
		got = append(got, pl)
	}
	want := []place{
		{Path: "emails[0].text", Line: 1, Column: 13, Message: "unknown token .Person.Frist: b2b.Person has no field Frist (it has ID, Email, FirstName, LastName, Title, Department, Seniority, Phone, Company, AccountID, Consent, Attributes, Source, UpdatedAt)"},
		{Path: `fragments["mail.footer"].html`, Line: 2, Column: 9, Message: "unknown token .Brand.Nme: channel.Brand has no field Nme (it has Name, LogoURL, PrimaryColor, WebsiteURL, Address, SenderName)"},
		{Path: "emails[1].html", Line: 2, Column: 29, Message: "ends in a non-text context"},
		{Path: "emails[2].html", Message: "the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email"},
		{Path: "emails[2].text", Message: "the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestRenderSubjectOnOneLine: a subject is collapsed to one line: its
// line breaks and runs of blanks become one space, and it is trimmed. A
// space that is not a blank between words, the no-break space of French
// typography ("Bonjour !") or the ideographic space of a Japanese subject,
// is kept as written, where it became an ASCII space.
func TestRenderSubjectOnOneLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, subject, want string }{
		{"lines and blanks", "  Hello\r\n\tAnn,  welcome \n", "Hello Ann, welcome"},
		{"line separators", "Hello\u2028Ann\u2029and\u0085Bo", "Hello Ann and Bo"},
		{"no-break spaces", "Bonjour\u00a0! Prix\u202f: 10\u00a0€", "Bonjour\u00a0! Prix\u202f: 10\u00a0€"},
		{"ideographic space", "お知らせ\u3000新製品", "お知らせ\u3000新製品"},
		{"one line already", "Hello Ann", "Hello Ann"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "e", Subject: "{{.Account.Name}}", HTML: "<p>x</p>", Text: "x"}}})
			require.NoError(t, err)
			rc := &channel.RenderContext{Account: b2b.Account{Name: tc.subject}}
			got, err := ts.RenderEmail("e", rc)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.Subject)
			got, err = ts.RenderEmailWithoutPlans("e", rc)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.Subject)
		})
	}
}

// TestCompileTemplatesBadFragmentNamesInOrder: fragments are a map, and
// bad fragment names were reported in the map's order, so one set gave a
// different error from one compile to the next. They come sorted.
func TestCompileTemplatesBadFragmentNamesInOrder(t *testing.T) {
	t.Parallel()
	frags := map[string]channel.Fragment{}
	themeFrags := map[string]channel.Fragment{}
	for _, n := range []string{"9a", "-b", "_c", "d e", "ü", "1f", "2g", "3h"} {
		frags[n] = channel.Fragment{HTML: "x", Text: "x"}
		themeFrags["0"+n] = channel.Fragment{HTML: "x", Text: "x"}
	}
	set := channel.TemplateSet{Fragments: frags, Themes: []channel.Theme{{Name: "th", Fragments: themeFrags}}}
	want := `templates: 16 problems:
  themes[0].fragments: "0-b" is not a valid fragment name
  themes[0].fragments: "01f" is not a valid fragment name
  themes[0].fragments: "02g" is not a valid fragment name
  themes[0].fragments: "03h" is not a valid fragment name
  themes[0].fragments: "09a" is not a valid fragment name
  themes[0].fragments: "0_c" is not a valid fragment name
  themes[0].fragments: "0d e" is not a valid fragment name
  themes[0].fragments: "0ü" is not a valid fragment name
  fragments: "-b" is not a valid fragment name
  fragments: "1f" is not a valid fragment name
  fragments: "2g" is not a valid fragment name
  fragments: "3h" is not a valid fragment name
  fragments: "9a" is not a valid fragment name
  fragments: "_c" is not a valid fragment name
  fragments: "d e" is not a valid fragment name
  fragments: "ü" is not a valid fragment name`
	for range 20 {
		_, err := channel.CompileTemplates(set)
		require.EqualError(t, err, want)
	}
}

// TestMarketingEmailPrintsTheUnsubscribeLink: a marketing email must
// print its unsubscribe link in both parts; a part that only read it (to
// test it, to count it, to compare it) was taken as containing it, and
// went out without a link.
func TestMarketingEmailPrintsTheUnsubscribeLink(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		part   string
		prints bool
	}{
		{`<a href="{{.UnsubscribeURL}}">Unsubscribe</a>`, true},
		{`{{.UnsubscribeURL | default "https://vendor.example/u"}}`, true},
		{`{{default "https://vendor.example/u" .UnsubscribeURL}}`, true},
		{`{{printf "Unsubscribe: %s" .UnsubscribeURL}}`, true},
		{`{{.UnsubscribeURL | printf "%s" | lower}}`, true},
		{`{{or .UnsubscribeURL "https://vendor.example/u"}}`, true},
		{`{{with .UnsubscribeURL}}<a href="{{.}}">Unsubscribe</a>{{end}}`, true},
		{`{{$u := .UnsubscribeURL}}<a href="{{$u}}">Unsubscribe</a>`, true},
		{`{{if .Group.Qualified}}{{.UnsubscribeURL}}{{else}}{{template "footer" .}}{{end}}`, true},
		{`{{template "footer" .}}`, true},
		{`{{if .UnsubscribeURL}}Reply STOP to unsubscribe{{end}}`, false},
		{`{{len .UnsubscribeURL}}`, false},
		{`{{if eq .UnsubscribeURL ""}}x{{end}}`, false},
		{`{{$u := .UnsubscribeURL}}no link`, false},
		{`{{with .UnsubscribeURL}}Unsubscribe below{{end}}`, false},
		{`{{template "reads" .}}`, false},
		// Printed only for some recipients: under another condition, in
		// a range (an empty list prints nothing) or in a with.
		{`{{if .Person.FirstName}}<a href="{{.UnsubscribeURL}}">Unsubscribe</a>{{end}}`, false},
		{`{{range .Group.Members}}{{$.UnsubscribeURL}}{{end}}`, false},
		{`{{with .Group.MissingRoles}}{{$.UnsubscribeURL}}{{end}}`, false},
		{`{{if false}}{{.UnsubscribeURL}}{{end}}`, false},
		{`{{if .Person.FirstName}}{{template "footer" .}}{{end}}`, false},
		{`{{if .Group.Qualified}}{{.UnsubscribeURL}}{{else if .Person.FirstName}}{{.UnsubscribeURL}}{{end}}`, false},
		// Printed whatever the recipient: a condition on the link alone
		// leaves it out only when it is empty.
		{`{{if .UnsubscribeURL}}<a href="{{.UnsubscribeURL}}">Unsubscribe</a>{{end}}`, true},
		{`{{if $u := .UnsubscribeURL}}<a href="{{$u}}">Unsubscribe</a>{{end}}`, true},
		{`{{range .Group.Members}}{{$.UnsubscribeURL}}{{else}}{{.UnsubscribeURL}}{{end}}`, true},
		{`{{if .Person.FirstName}}{{template "footer" .}}{{end}}{{template "footer" .}}`, true},
		{`{{if .Person.FirstName}}Hi{{end}}{{template "footer" .}}`, true},
		// A condition on the link alone, written as a comparison with
		// no text or negated: the branch that runs when it is empty
		// needs no link.
		{`{{if ne .UnsubscribeURL ""}}<a href="{{.UnsubscribeURL}}">Unsubscribe</a>{{end}}`, true},
		{`{{if not .UnsubscribeURL}}{{else}}{{.UnsubscribeURL}}{{end}}`, true},
		{`{{if eq .UnsubscribeURL ""}}{{else}}{{.UnsubscribeURL}}{{end}}`, true},
		{`{{if eq "" .UnsubscribeURL}}no link{{else}}{{.UnsubscribeURL}}{{end}}`, true},
		{`{{if not .UnsubscribeURL}}{{.UnsubscribeURL}}{{end}}`, false},
		{`{{if ne .UnsubscribeURL "x"}}{{.UnsubscribeURL}}{{end}}`, false},
		{`{{if ne .UnsubscribeURL .Person.FirstName}}{{.UnsubscribeURL}}{{end}}`, false},
	} {
		t.Run(tc.part, func(t *testing.T) {
			t.Parallel()
			_, err := channel.CompileTemplates(channel.TemplateSet{
				Fragments: map[string]channel.Fragment{
					"footer": {HTML: `<a href="{{.UnsubscribeURL}}">Unsubscribe</a>`, Text: `Unsubscribe: {{.UnsubscribeURL}}`},
					"reads":  {HTML: `{{if .UnsubscribeURL}}x{{end}}`, Text: `{{if .UnsubscribeURL}}x{{end}}`},
				},
				Emails: []channel.EmailTemplate{{Name: "m", Marketing: true, Subject: "s", HTML: tc.part, Text: tc.part}},
			})
			if tc.prints {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, `templates: 2 problems:
  emails[0].html: the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email
  emails[0].text: the unsubscribe link {{.UnsubscribeURL}} is missing from a marketing email`)
		})
	}
}

// An empty field of a list's element, printed in a range, names the
// list and suggests a fallback that parses (a path with [] does not).
func TestEmptyElementTokenSuggestsAFallbackThatParses(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{
		{Name: "dot", Text: "Team: {{range .Group.Members}}{{.Name}} {{end}}"},
		{Name: "var", Text: "Team: {{range $m := .Group.Members}}{{$m.Title}} {{end}}"},
	}})
	require.NoError(t, err)
	rc := &channel.RenderContext{Person: b2b.Person{ID: "p-1"}, Group: channel.GroupView{Members: []channel.MemberView{{Name: "Ann", Title: "CFO"}, {}}}}
	_, err = ts.RenderSMS("dot", rc)
	require.ErrorIs(t, err, channel.ErrEmptyToken)
	require.EqualError(t, err, `template "dot" (sms) for person "p-1": required token .Group.Members[].Name is empty for an element of .Group.Members (give it a fallback where the range prints it: {{.Name | default "..."}}, or {{$m.Name | default "..."}} for a range variable $m)`)
	_, err = ts.RenderSMS("var", rc)
	require.EqualError(t, err, `template "var" (sms) for person "p-1": required token .Group.Members[].Title is empty for an element of .Group.Members (give it a fallback where the range prints it: {{.Title | default "..."}}, or {{$m.Title | default "..."}} for a range variable $m)`)

	// The fallback it suggests is one.
	ts, err = channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{
		{Name: "dot", Text: `Team: {{range .Group.Members}}{{.Name | default "..."}} {{end}}`},
	}})
	require.NoError(t, err)
	got, err := ts.RenderSMS("dot", rc)
	require.NoError(t, err)
	require.Equal(t, "Team: Ann ...", got)
}

// An empty element of a list of text, printed in a range, is required
// as a field of an element is: it printed nothing ("Missing: Champion,
// ."), a message sent half-written.
func TestEmptyTextElementIsRequired(t *testing.T) {
	t.Parallel()
	const hint = `required token .Group.MissingRoles[] is empty for an element of .Group.MissingRoles (give it a fallback where the range prints it: {{. | default "..."}}, or {{$r | default "..."}} for a range variable $r)`
	for _, tc := range []struct {
		name, text string
		want       string // the error; "" renders
	}{
		{"dot", "Missing: {{range .Group.MissingRoles}}{{.}}, {{end}}", hint},
		{"range variable", "Missing: {{range $r := .Group.MissingRoles}}{{$r}}, {{end}}", hint},
		{"range variable with its index", "Missing: {{range $i, $r := .Group.MissingRoles}}{{$i}}. {{$r}} {{end}}", hint},
		{"through a function that keeps its text", "Missing: {{range .Group.MissingRoles}}{{. | upper}} {{end}}", hint},
		{"through printf", `Missing: {{range .Group.MissingRoles}}{{printf "%s, " .}}{{end}}`, hint},
		{"in a with over the list", "Missing: {{with .Group.MissingRoles}}{{range .}}{{.}}, {{end}}{{end}}", hint},
		{"another list", "Sites: {{range .Account.Domains}}{{.}} {{end}}",
			`required token .Account.Domains[] is empty for an element of .Account.Domains (give it a fallback where the range prints it: {{. | default "..."}}, or {{$r | default "..."}} for a range variable $r)`},
		{"with a fallback", `Missing: {{range .Group.MissingRoles}}{{. | default "?"}}, {{end}}`, ""},
		{"only tested", `Missing: {{range .Group.MissingRoles}}{{if eq . ""}}?{{end}}x {{end}}`, ""},
		{"counted", `Missing: {{range .Group.MissingRoles}}{{len .}} {{end}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "s", Text: tc.text}}})
			require.NoError(t, err)
			rc := &channel.RenderContext{Person: b2b.Person{ID: "p-1"}, Account: b2b.Account{Domains: []string{"acme.com", " "}},
				Group: channel.GroupView{MissingRoles: []string{"Champion", ""}}}
			for _, render := range []func(string, *channel.RenderContext) (string, error){ts.RenderSMS, ts.RenderSMSWithoutPlan} {
				_, err := render("s", rc)
				if tc.want == "" {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, channel.ErrEmptyToken)
				require.EqualError(t, err, `template "s" (sms) for person "p-1": `+tc.want)
			}
			// Every element there: nothing is refused.
			rc.Group.MissingRoles, rc.Account.Domains = []string{"Champion"}, []string{"acme.com"}
			_, err = ts.RenderSMS("s", rc)
			require.NoError(t, err)
		})
	}
}

// TestRequiredBrandTokenEmptyForEveryRecipient: the brand is the
// template's theme's whatever the recipient, so a required token of the
// brand that it leaves blank ({{.Brand.Address}} without an address, or
// without a theme) passed CompileTemplates and failed every rendering; a
// template of text and plain tokens, which prints each of them in every
// rendering, is refused so.
func TestRequiredBrandTokenEmptyForEveryRecipient(t *testing.T) {
	t.Parallel()
	themes := []channel.Theme{{Name: "vendor", Brand: channel.Brand{Name: "Vendor", Address: "1 Main St, Springfield"}}, {Name: "bare", Brand: channel.Brand{Name: "Vendor"}}}
	for _, tc := range []struct {
		name, theme, html, sms string
		want                   string // "" when valid
	}{
		{name: "set by the theme", theme: "vendor", html: `<p>{{.Brand.Name}}, {{.Brand.Address}}</p>`},
		{name: "with a fallback", html: `<p>{{.Brand.Address | default "Vendor Inc."}}</p>`},
		{name: "under a condition", html: `<p>{{if .Brand.Address}}{{.Brand.Address}}{{end}}</p>`},
		{name: "no theme", html: `<p>{{.Brand.Address}}</p>`,
			want: `templates: emails[0].html: required token .Brand.Address is empty for every recipient (the template has no theme to set it): every rendering would fail; set it, or give it a fallback: {{.Brand.Address | default "..."}}`},
		{name: "left blank by the theme", theme: "bare", html: `<p>{{.Brand.Name}}</p><p>{{.Brand.Address}}</p>`,
			want: `templates: emails[0].html: required token .Brand.Address is empty for every recipient (theme "bare"'s brand leaves it blank): every rendering would fail; set it, or give it a fallback: {{.Brand.Address | default "..."}}`},
		{name: "sms", sms: `{{.Brand.SenderName}}: your demo is at 3pm`,
			want: `templates: sms[0].text: required token .Brand.SenderName is empty for every recipient (the template has no theme to set it): every rendering would fail; set it, or give it a fallback: {{.Brand.SenderName | default "..."}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set := channel.TemplateSet{Themes: themes}
			if tc.sms != "" {
				set.SMS = []channel.SMSTemplate{{Name: "s", Theme: tc.theme, Text: tc.sms}}
			} else {
				set.Emails = []channel.EmailTemplate{{Name: "e", Theme: tc.theme, Subject: "Hi", HTML: tc.html, Text: "Hi"}}
			}
			ts, err := channel.CompileTemplates(set)
			if tc.want != "" {
				require.EqualError(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			_, err = ts.RenderEmail("e", &channel.RenderContext{Person: b2b.Person{ID: "p-1"}})
			require.NoError(t, err)
		})
	}
}
