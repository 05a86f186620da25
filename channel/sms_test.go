package channel_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

func TestSMSSegments(t *testing.T) {
	t.Parallel()
	gsm := func(units, segments int) channel.SMSLength {
		return channel.SMSLength{Encoding: channel.EncodingGSM7, Units: units, Segments: segments}
	}
	ucs := func(units, segments int) channel.SMSLength {
		return channel.SMSLength{Encoding: channel.EncodingUCS2, Units: units, Segments: segments}
	}
	tests := []struct {
		name string
		text string
		want channel.SMSLength
	}{
		{"empty", "", gsm(0, 0)},
		{"one char", "a", gsm(1, 1)},
		{"basic table", "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà", gsm(87, 1)},
		{"160 GSM chars", strings.Repeat("a", 160), gsm(160, 1)},
		{"161 GSM chars", strings.Repeat("a", 161), gsm(161, 2)},
		{"306 GSM chars", strings.Repeat("a", 306), gsm(306, 2)},
		{"307 GSM chars", strings.Repeat("a", 307), gsm(307, 3)},
		{"euro counts two", "€", gsm(2, 1)},
		{"every extension char counts two", "€[]{}~^\\|\f", gsm(20, 1)},
		{"80 euros fill one", strings.Repeat("€", 80), gsm(160, 1)},
		{"159 chars and a euro", strings.Repeat("a", 159) + "€", gsm(161, 2)},
		// An escape and its character are never split between parts: the
		// 153rd septet of a part cannot start one.
		{"escape not split", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 7), gsm(161, 2)},
		{"escape pushed to the next part", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), gsm(306, 3)},
		{"lower c cedilla is not GSM", "ç", ucs(1, 1)},
		{"70 UCS-2 chars", "Привет" + strings.Repeat("ж", 64), ucs(70, 1)},
		{"71 UCS-2 chars", strings.Repeat("ж", 71), ucs(71, 2)},
		{"134 UCS-2 chars", strings.Repeat("ж", 134), ucs(134, 2)},
		{"135 UCS-2 chars", strings.Repeat("ж", 135), ucs(135, 3)},
		{"one non-GSM char makes it all UCS-2", strings.Repeat("a", 69) + "ö" + "ś", ucs(71, 2)},
		{"emoji is two code units", "Hi 👋", ucs(5, 1)},
		{"35 emoji fill one", strings.Repeat("👋", 35), ucs(70, 1)},
		{"36 emoji", strings.Repeat("👋", 36), ucs(72, 2)},
		// A surrogate pair is never split between parts.
		{"surrogate pair not split", strings.Repeat("ж", 66) + "👋" + strings.Repeat("ж", 3), ucs(71, 2)},
		{"surrogate pair pushed to the next part", strings.Repeat("ж", 66) + "👋" + strings.Repeat("ж", 66), ucs(134, 3)},
		{"extension chars in UCS-2 count one", "€ж", ucs(2, 1)},
		{"invalid UTF-8 is a replacement character", "a\xffb", ucs(3, 1)},
		// A sender replaces a run of invalid bytes by one U+FFFD (Latin-1
		// "Müß" imported as it was): the text measured is the one sent.
		{"a run of invalid bytes is one replacement character", "M\xfc\xdf", ucs(2, 1)},
		{"70 code units with a run of invalid bytes", strings.Repeat("ж", 69) + "\xfc\xdf\xe9", ucs(70, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, cmp.Diff(tt.want, channel.SMSSegments(tt.text)))
		})
	}
}

func TestRenderSMSRefusesATextOverItsLimit(t *testing.T) {
	t.Parallel()
	set := channel.TemplateSet{SMS: []channel.SMSTemplate{
		{Name: "greet", Text: "Hi {{.Person.FirstName}}, " + strings.Repeat("x", 440)},
		{Name: "long", MaxSegments: 5, Text: "Hi {{.Person.FirstName}}, " + strings.Repeat("x", 440)},
		{Name: "short", MaxSegments: 1, Text: "{{.Person.FirstName}}"},
	}}
	ts, err := channel.CompileTemplates(set)
	require.NoError(t, err)

	rc := &channel.RenderContext{Person: b2b.Person{ID: "p-1", FirstName: "Ann"}}
	got, err := ts.RenderSMS("greet", rc) // 448 septets: 3 parts, the default limit
	require.NoError(t, err)
	require.Equal(t, 3, channel.SMSSegments(got).Segments)

	rc.Person.FirstName = "Annabelle-Marie" // 460 septets: 4 parts
	_, err = ts.RenderSMS("greet", rc)
	require.ErrorIs(t, err, channel.ErrSMSTooLong)
	require.EqualError(t, err, `template "greet" (sms) for person "p-1": the text is 460 GSM-7 septets, 4 SMS parts; at most 3 (the default; a template's maxSegments or the set's smsMaxSegments changes it)`)
	var le *channel.SMSLengthError
	require.ErrorAs(t, err, &le)
	require.Equal(t, channel.SMSLengthError{Length: channel.SMSLength{Encoding: channel.EncodingGSM7, Units: 460, Segments: 4}, Max: 3, Limit: "the default; a template's maxSegments or the set's smsMaxSegments changes it"}, *le)
	_, err = ts.RenderSMSWithoutPlan("greet", rc)
	require.ErrorIs(t, err, channel.ErrSMSTooLong)

	_, err = ts.RenderSMS("long", rc) // its own limit
	require.NoError(t, err)

	rc.Person.FirstName = strings.Repeat("ж", 71)
	_, err = ts.RenderSMS("short", rc)
	require.EqualError(t, err, `template "short" (sms) for person "p-1": the text is 71 UCS-2 code units, 2 SMS parts; at most 1 (the template's maxSegments); "ж" is not in the GSM-7 alphabet, so the whole text is UCS-2: 70 code units in one SMS, 67 a part`)

	// The set's limit applies to the templates without their own.
	set.SMSMaxSegments = 4
	ts, err = channel.CompileTemplates(set)
	require.NoError(t, err)
	rc.Person.FirstName = "Annabelle-Marie"
	_, err = ts.RenderSMS("greet", rc)
	require.NoError(t, err)
	rc.Person.FirstName = strings.Repeat("a", 170)
	_, err = ts.RenderSMS("greet", rc)
	require.EqualError(t, err, `template "greet" (sms) for person "p-1": the text is 615 GSM-7 septets, 5 SMS parts; at most 4 (the set's smsMaxSegments)`)
}

func TestCompileTemplatesRefusesANegativeSMSLimit(t *testing.T) {
	t.Parallel()
	_, err := channel.CompileTemplates(channel.TemplateSet{SMSMaxSegments: -1, SMS: []channel.SMSTemplate{{Name: "a", Text: "a", MaxSegments: -2}}})
	require.EqualError(t, err, "templates: 2 problems:\n  smsMaxSegments: -1 is negative (0 is the default, 3 SMS parts)\n  sms[0].maxSegments: -2 is negative (0 is the set's smsMaxSegments)")
}

// A template whose fixed text alone takes more parts than its limit
// would fail at every rendering: it is refused at load.
func TestCompileTemplatesRefusesAnSMSWhoseFixedTextIsOverItsLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 453)
	_, err := channel.CompileTemplates(channel.TemplateSet{
		Fragments: map[string]channel.Fragment{"stop": {Text: " Reply STOP to opt out."}},
		SMS: []channel.SMSTemplate{
			{Name: "ok", Text: "Hi {{.Person.FirstName}}, " + long}, // 458 septets and the name
			{Name: "fragment", Text: "Hi {{.Person.FirstName}}, " + long + `{{template "stop" .}}`},
			{Name: "unicode", MaxSegments: 1, Text: "Привет {{.Person.FirstName | default \"друг\"}}! " + strings.Repeat("ж", 70)},
			{Name: "branches", MaxSegments: 1, Text: "{{if .Person.FirstName}}" + strings.Repeat("y", 200) + "{{end}}"}, // not known at load
		},
	})
	require.EqualError(t, err, "templates: 2 problems:\n"+
		"  sms[1].text: its fixed text alone is 481 GSM-7 septets, 4 SMS parts; at most 3 (the default; a template's maxSegments or the set's smsMaxSegments changes it): every rendering would be refused\n"+
		`  sms[2].text: its fixed text alone is 79 UCS-2 code units, 2 SMS parts; at most 1 (the template's maxSegments); "П" is not in the GSM-7 alphabet, so the whole text is UCS-2: 70 code units in one SMS, 67 a part: every rendering would be refused`)
}
