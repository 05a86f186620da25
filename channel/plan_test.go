package channel_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program/programfile"
)

// planSet exercises what a plan does and where it must decline: the
// escapers of text, quoted attributes and URLs, contexts a plan leaves to
// html/template (<title>, <script>, style=, an unquoted attribute),
// fragments in and out of their default context, fields that are not
// plain strings.
func planSet() channel.TemplateSet {
	return channel.TemplateSet{
		Fragments: map[string]channel.Fragment{
			"footer": {HTML: `<p>{{.Brand.Address}} <a href="{{.UnsubscribeURL}}">Unsubscribe</a></p>`, Text: "{{.Brand.Address}}\n{{.UnsubscribeURL}}"},
			"name":   {HTML: `{{.Person.FirstName | default "friend"}}`, Text: `{{.Person.FirstName | default "friend"}}`},
			"nested": {HTML: `<b>{{template "name" .}}</b>`, Text: `*{{template "name" .}}*`},
		},
		Themes: []channel.Theme{{Name: "t", Brand: channel.Brand{Name: `V<&>"'+`, Address: "1 Main St", SenderName: "Dana"}}},
		Emails: []channel.EmailTemplate{
			{Name: "plain", Theme: "t", Marketing: true,
				Subject: `{{.Interest.Name}} for {{.Account.Name}}`,
				HTML:    `<p>Hi {{.Person.FirstName | default "there"}},</p><p>{{.Group.Name}} ({{.Group.Role}}) {{.Brand.Name}}</p>{{template "footer" .}}`,
				Text:    "Hi {{.Person.FirstName | default \"there\"}},\n{{.Group.Name}} {{.Brand.Name}}\n{{template \"footer\" .}}"},
			{Name: "attributes", Theme: "t",
				Subject: `{{.Person.LastName}}`,
				HTML: `<a href="{{.Interest.URL}}" title="{{.Account.Name}}">x</a><a href="https://x.example/?u={{.Person.Email}}&a={{.Account.Name}}">y</a>` +
					`<a href='{{.Person.Email}}'>z</a><p>{{.Person.FirstName}}</p>`,
				Text: `{{.Interest.URL}} {{.Person.Email}}`},
			{Name: "query", Theme: "t",
				Subject: `x`,
				HTML:    `<a href="https://x.example/?u={{.Person.Email}}&a={{.Account.Name | default "-"}}">y</a>{{template "nested" .}}`,
				Text:    `{{template "nested" .}}`},
			{Name: "contexts",
				Subject: `{{.Person.ID}} {{.Account.ID}}`,
				HTML: `<title>{{.Account.Name}}</title><script>var a = {{.Account.Name}};</script><p style="color: {{.Group.Stage}}">{{.Group.Score}}</p>` +
					`<img alt={{.Person.FirstName}}>`,
				Text: `{{.Group.Score}} {{.Account.Employees}}`},
			{Name: "fragment-in-attribute",
				Subject: `{{.Person.Title}}`,
				HTML:    `<a title="{{template "name" .}}">x</a>`,
				Text:    `{{if .Person.FirstName}}{{.Person.FirstName}}{{end}}`},
		},
		SMS: []channel.SMSTemplate{
			{Name: "sms", Theme: "t", Text: `{{.Person.FirstName | default "Hi"}}: {{.Interest.Name}} at {{.Brand.Name}}. STOP to opt out.`},
			{Name: "sms-range", Text: `{{range .Group.MissingRoles}}{{.}} {{end}}`},
		},
	}
}

// TestPlans checks which template parts get a plan: the option-B
// journey emails, all of them; what a plan cannot do, none.
func TestPlans(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(planSet())
	require.NoError(t, err)
	want := map[string][]bool{
		"plain":                 {true, true, true},
		"attributes":            {true, true, true},
		"query":                 {true, true, true},
		"contexts":              {true, false, false}, // <title>, <script>, style=, an unquoted alt=; a float and an int
		"fragment-in-attribute": {true, false, false}, // a fragment escaped for an attribute; if
		"sms":                   {true},
		"sms-range":             {false},
	}
	for name, w := range want {
		require.Equal(t, w, ts.Plans(name), name)
	}

	defs, err := programfile.LoadFS(programs.FS, "option-b.yaml")
	require.NoError(t, err)
	tb, err := channel.CompileTemplates(defs.Templates)
	require.NoError(t, err)
	for _, e := range defs.Templates.Emails {
		require.Equal(t, []bool{true, true, true}, tb.Plans(e.Name), e.Name)
	}
}

// planPieces are what the random render contexts are made of: markup,
// entities, quotes, NUL, invalid UTF-8, escapes valid and not, schemes
// safe and not.
var planPieces = []string{
	"", " ", "\t\n", "Ann", "Zoë", "李", "<b>", "</p>", "&amp;", "&", `"`, "'", "+", "\x00", "%2F", "%zz", "%", "%4",
	"javascript:alert(1)", "JavaScript:", "https://x.example/u?a=1&b=2#f", "mailto:a@b.example", "HTTP://X", "/rel/path:x",
	"tel:+1", "\xff\xfe", "\u2028", "{{.}}", "a b", "!#$*,;=?@[]", "-._~", "ZgotmplZ",
}

func randomPiece(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(4) {
		b.WriteString(planPieces[r.IntN(len(planPieces))])
	}
	return b.String()
}

func randomContext(r *rand.Rand) *channel.RenderContext {
	s := func() string { return randomPiece(r) }
	return &channel.RenderContext{
		Account: b2b.Account{ID: b2b.AccountID(s()), Name: s(), Employees: r.IntN(100)},
		Person:  b2b.Person{ID: b2b.PersonID(s()), FirstName: s(), LastName: s(), Email: s(), Title: s()},
		Group: channel.GroupView{Name: s(), Role: s(), Stage: s(), Score: r.Float64() * 100,
			MissingRoles: []string{s()}},
		Interest:       channel.SolutionInterest{Name: s(), URL: s()},
		UnsubscribeURL: s(),
	}
}

// renderBoth renders every template of ts for rc with and without plans
// and fails if the two differ in the least.
func renderBoth(t *testing.T, ts *channel.Templates, set channel.TemplateSet, rc *channel.RenderContext) {
	t.Helper()
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	for _, e := range set.Emails {
		got, gotErr := ts.RenderEmail(e.Name, rc)
		want, wantErr := ts.RenderEmailWithoutPlans(e.Name, rc)
		if d := cmp.Diff(want, got); d != "" || errText(gotErr) != errText(wantErr) {
			t.Fatalf("email %s for %+v: plan and template differ (-template +plan):\n%s\nerrors: %v / %v", e.Name, rc, d, wantErr, gotErr)
		}
	}
	for _, m := range set.SMS {
		got, gotErr := ts.RenderSMS(m.Name, rc)
		want, wantErr := ts.RenderSMSWithoutPlan(m.Name, rc)
		if got != want || errText(gotErr) != errText(wantErr) {
			t.Fatalf("sms %s for %+v: plan %q, template %q; errors: %v / %v", m.Name, rc, got, want, gotErr, wantErr)
		}
	}
}

// TestPlansRenderLikeTemplates renders every template of the test set and
// of the example programs for random contexts, with and without plans.
func TestPlansRenderLikeTemplates(t *testing.T) {
	t.Parallel()
	sets := map[string]channel.TemplateSet{"plans": planSet(), "sample": sampleSet()}
	for _, name := range []string{"option-a.yaml", "option-b.yaml", "option-c.yaml"} {
		defs, err := programfile.LoadFS(programs.FS, name)
		require.NoError(t, err)
		sets[name] = defs.Templates
	}
	for name, set := range sets {
		ts, err := channel.CompileTemplates(set)
		require.NoError(t, err, name)
		r := rand.New(rand.NewPCG(1, uint64(len(name))))
		for range 2000 {
			renderBoth(t, ts, set, randomContext(r))
		}
	}
}

// TestPlanEscapes pins the escapers on values html/template treats
// specially, so that a change in either shows here by name.
func TestPlanEscapes(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(planSet())
	require.NoError(t, err)
	require.Equal(t, []bool{true, true, true}, ts.Plans("attributes"))
	rc := &channel.RenderContext{
		Account:  b2b.Account{Name: `<A&B> "x" 'y' +1`},
		Person:   b2b.Person{FirstName: "\x00Ann", LastName: "Lee", Email: "a b/ü%2F%zz"},
		Interest: channel.SolutionInterest{URL: "JavaScript:alert(1)"},
	}
	got, err := ts.RenderEmail("attributes", rc)
	require.NoError(t, err)
	want, err := ts.RenderEmailWithoutPlans("attributes", rc)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Contains(t, got.HTML, `href="#ZgotmplZ" title="&lt;A&amp;B&gt; &#34;x&#34; &#39;y&#39; &#43;1"`)
	require.Contains(t, got.HTML, `?u=a%20b%2f%c3%bc%252F%25zz&a=%3cA%26B%3e%20%22x%22%20%27y%27%20%2b1`)

	rc.Interest.URL = "https://x.example/a b?q=%2F%zz"
	got, err = ts.RenderEmail("attributes", rc)
	require.NoError(t, err)
	require.Contains(t, got.HTML, `href="https://x.example/a%20b?q=%2F%25zz"`)
}

// TestPlanDeclinesOnEmptyRequiredToken: the error is the template's own.
func TestPlanDeclinesOnEmptyRequiredToken(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(planSet())
	require.NoError(t, err)
	rc := &channel.RenderContext{Account: b2b.Account{Name: "Acme"}, Interest: channel.SolutionInterest{Name: " "}}
	_, err = ts.RenderEmail("plain", rc)
	require.ErrorIs(t, err, channel.ErrEmptyToken)
	_, want := ts.RenderEmailWithoutPlans("plain", rc)
	require.EqualError(t, err, want.Error())
}

// FuzzPlans holds plans to their templates on any values of the fields
// the test templates read most.
func FuzzPlans(f *testing.F) {
	for _, p := range planPieces {
		f.Add(p, "Acme "+p, p+"x", "https://u.example/"+p)
	}
	f.Add("", "", "", "")
	f.Add("\x00", "%", "javascript:", "%2")
	set := planSet()
	ts, err := channel.CompileTemplates(set)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, first, account, interest, url string) {
		rc := &channel.RenderContext{
			Account:        b2b.Account{ID: b2b.AccountID(account), Name: account},
			Person:         b2b.Person{ID: b2b.PersonID(first), FirstName: first, LastName: url, Email: interest + first, Title: account},
			Group:          channel.GroupView{Name: interest, Role: first, Stage: url},
			Interest:       channel.SolutionInterest{Name: interest, URL: url},
			UnsubscribeURL: url,
		}
		renderBoth(t, ts, set, rc)
	})
}

func BenchmarkRenderJourneyEmail(b *testing.B) {
	defs, err := programfile.LoadFS(programs.FS, "option-b.yaml")
	if err != nil {
		b.Fatal(err)
	}
	ts, err := channel.CompileTemplates(defs.Templates)
	if err != nil {
		b.Fatal(err)
	}
	name := defs.Templates.Emails[0].Name
	rc := &channel.RenderContext{
		Account:        b2b.Account{ID: "acme", Name: "Acme & Co"},
		Person:         b2b.Person{ID: "p-1", FirstName: "Ann"},
		Interest:       channel.SolutionInterest{Name: "Data Platform"},
		UnsubscribeURL: "https://vendor.example/u/p-1?t=abc&x=1",
	}
	for _, v := range []struct {
		name   string
		render func(string, *channel.RenderContext) (channel.RenderedEmail, error)
	}{{"template", ts.RenderEmailWithoutPlans}, {"plan", ts.RenderEmail}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.render(name, rc); err != nil {
					b.Fatal(fmt.Sprint(err))
				}
			}
		})
	}
}
