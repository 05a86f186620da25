package persona

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/quorumhq/quorum/b2b"
)

func TestBuiltinLexicon(t *testing.T) {
	t.Parallel()
	lx, err := builtinLexicon()
	require.NoError(t, err, "the built-in tables must not contradict themselves")
	for p, tm := range lx.terms {
		require.LessOrEqual(t, len(tm.words), maxPhraseWords, "%q is too long", p)
		if tm.dept != "" {
			require.Contains(t, b2b.Departments, tm.dept, p)
			require.Contains(t, []int{1, 2, 3}, tm.weight, p)
		}
		if tm.level != "" {
			require.Contains(t, b2b.Seniorities, tm.level, p)
		}
		norm, _ := normalizePhrase(p)
		require.Equal(t, norm, p, "keys are normalised")
	}
	// Phrases inherit the level of their words unless they list one.
	require.Equal(t, b2b.SeniorityManager, lx.terms["account manager"].level)
	require.Equal(t, b2b.SeniorityIndividual, lx.terms["data scientist"].level)
	require.Equal(t, b2b.SeniorityIndividual, lx.terms["head hunter"].level, "listed, not inherited from head")
	require.Empty(t, lx.terms["security operations"].level)
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"SVP, Global IT Infrastructure", []string{"svp", "global", "it", "infrastructure"}},
		{"C.E.O.", []string{"ceo"}},
		{"Sr. Mgr.", []string{"sr", "mgr"}},
		{"Dir.Marketing", []string{"dir", "marketing"}},
		// Dotted single letters join also when a word follows or
		// precedes them without a space.
		{"V.P.Sales", []string{"vp", "sales"}},
		{"I.T.Manager", []string{"it", "manager"}},
		{"Sales.V.P", []string{"sales", "vp"}},
		{"Mgr.I.T.", []string{"mgr", "it"}},
		{"A.Smith", []string{"a", "smith"}},
		{"Sr.V.P.Sales.Ops", []string{"sr", "vp", "sales", "ops"}},
		{"Co-Founder / CTO", []string{"co", "founder", "cto"}},
		{"R&D and FP&A, Sales&Marketing", []string{"r&d", "and", "fp&a", "sales", "marketing"}},
		{"Directeur Général", []string{"directeur", "general"}},
		{"GESCHÄFTSFÜHRER", []string{"geschaftsfuhrer"}},
		{"Straße", []string{"strasse"}},
		{"C++ / C# Developer", []string{"c++", "c#", "developer"}},
		{"& + # . ...", nil},
		{"Engineer (II)", []string{"engineer", "ii"}},
		// Accents written as a letter and a combining mark (decomposed,
		// as macOS and some CRM exports write them) fold like the
		// precomposed letters: the mark does not split the word.
		{"Directeur Ge\u0301ne\u0301ral", []string{"directeur", "general"}},
		{"GESCHA\u0308FTSFU\u0308HRER", []string{"geschaftsfuhrer"}},
		{"Jefe de Tecnologi\u0301a", []string{"jefe", "de", "tecnologia"}},
		// Full-width Latin letters, digits and punctuation and the
		// ideographic space, as Japanese systems store titles, read as
		// their ASCII forms.
		{"ＣＥＯ", []string{"ceo"}},
		{"Ｃｈｉｅｆ\u3000Ｆｉｎａｎｃｉａｌ\u3000Ｏｆｆｉｃｅｒ", []string{"chief", "financial", "officer"}},
		{"ＶＰ／ＧＭ，Ｒ＆Ｄ", []string{"vp", "gm", "r&d"}},
		{"Ｃ．Ｅ．Ｏ．", []string{"ceo"}},
		{"Ｅｎｇｉｎｅｅｒ（ＩＩ）２", []string{"engineer", "ii", "2"}},
		// Marks of other scripts stay inside their word.
		{"\u092a\u094d\u0930\u092c\u0902\u0927\u0915 IT", []string{"\u092a\u094d\u0930\u092c\u0902\u0927\u0915", "it"}},
	}
	for _, tt := range tests {
		got := tokenize(tt.in, nil)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("tokenize(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestTokenizeLookAlikes: a Cyrillic or Greek letter that looks like a
// Latin one, typed or pasted inside a Latin word, reads as that Latin
// letter; a word wholly in Cyrillic or Greek is a word of that language and
// keeps its letters, as does a word with letters that look like no Latin
// letter.
func TestTokenizeLookAlikes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"\u0421hief Technology Officer", []string{"chief", "technology", "officer"}}, // Cyrillic С
		{"\u0421EO", []string{"ceo"}}, // Cyrillic С
		{"CE\u041e", []string{"ceo"}}, // Cyrillic О
		{"Dir\u0435ct\u043er of S\u0430l\u0435s", []string{"director", "of", "sales"}}, // Cyrillic е, о, а
		{"V\u0420 \u0422\u0435\u0441hnology", []string{"vp", "technology"}},            // Cyrillic Р, Т, е, с
		{"\u0456T Manager", []string{"it", "manager"}},                                 // Cyrillic і
		{"\u0425-ray Te\u0441h", []string{"\u0445", "ray", "tech"}},                    // a lone Cyrillic Х is Cyrillic; с in a Latin word
		{"Se\u0441urit\u0443", []string{"security"}},                                   // Cyrillic с, у
		{"\u039fffi\u0441er", []string{"officer"}},                                     // Greek Ο, Cyrillic с
		{"\u0391\u0395 \u039canager", []string{"αε", "manager"}},                       // Greek Α, Ε alone: Greek
		{"\u0421.E.\u041e.", []string{"ceo"}},                                          // dotted letters join
		{"\u0421\u0415\u041e", []string{"\u0441\u0435\u043e"}},                         // wholly Cyrillic
		{"Главный бухгалтер", []string{"главный", "бухгалтер"}},                        // Russian
		{"Διευθυντής Πωλήσεων", []string{"διευθυντής", "πωλήσεων"}},                    // Greek
		{"Sr.Менеджер", []string{"sr", "менеджер"}},                                    // a Russian word after a Latin one
		{"Mен\u0435джer", []string{"mенеджer"}},                                        // letters that look like no Latin letter
		{"\u0421hief\u00adOfficer", []string{"chiefofficer"}},                          // with a soft hyphen
	}
	for _, tt := range tests {
		for _, f := range []norm.Form{norm.NFC, norm.NFD} {
			in := f.String(tt.in)
			if diff := cmp.Diff(tt.want, tokenize(in, nil)); diff != "" {
				t.Errorf("tokenize(%+q) (-want +got):\n%s", in, diff)
			}
		}
	}
}

// TestFoldLookAlikesAllocs: a title with nothing to fold costs no
// allocation, whether it has no look-alikes or has them only in Cyrillic
// words.
func TestFoldLookAlikesAllocs(t *testing.T) {
	for _, title := range []string{"Geschäftsführer", "Главный бухгалтер", "Sr.Менеджер"} {
		require.Equal(t, title, foldLookAlikes(title))
		require.Zero(t, testing.AllocsPerRun(100, func() { _ = foldLookAlikes(title) }), title)
	}
}

func TestTokenizeLongTitleIsCut(t *testing.T) {
	t.Parallel()
	long := ""
	for len(long) < 4*maxTitleBytes {
		long += "é Manager "
	}
	words := tokenize(long, nil)
	require.Less(t, len(words), maxTitleBytes/2)
	require.True(t, slices.Contains(words, "manager"))
}

// TestTokenizeNormalForms: a title reads the same in each Unicode
// normal form, composed (as most systems store text) or decomposed (as
// macOS and some CRM exports write it), and with compatibility forms
// (ligatures) or their letters: a Latin letter loses its accents whatever
// they are, and a letter of another script keeps its marks in both forms.
func TestTokenizeNormalForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"Președinte Vânzări", []string{"presedinte", "vanzari"}},
		{"Ředitel Obchodu", []string{"reditel", "obchodu"}},
		{"Vezérigazgató", []string{"vezerigazgato"}},
		{"Главный бухгалтер", []string{"главный", "бухгалтер"}},
		{"Γενικός Διευθυντής", []string{"γενικός", "διευθυντής"}},
		{"영업 이사", []string{"영업", "이사"}},
		{"Chief Financial Ofﬁcer", []string{"chief", "financial", "officer"}},
		{"Directeur Général", []string{"directeur", "general"}},
	}
	for _, tt := range tests {
		for _, f := range []norm.Form{norm.NFC, norm.NFD, norm.NFKC, norm.NFKD} {
			in := f.String(tt.in)
			if diff := cmp.Diff(tt.want, tokenize(in, nil)); diff != "" {
				t.Errorf("tokenize(%+q) (-want +got):\n%s", in, diff)
			}
		}
	}
	// A custom keyword in one form finds a title in another.
	c, err := New(Config{Departments: map[string]b2b.Department{norm.NFC.String("главный бухгалтер"): b2b.DepartmentFinance}})
	require.NoError(t, err)
	require.Equal(t, b2b.DepartmentFinance, c.Classify(norm.NFD.String("Главный Бухгалтер")).Department)
	// A title cut at its limit in the middle of a decomposed letter
	// reads the letter without its accent.
	long := strings.Repeat("x", maxTitleBytes-1) + "e\u0301"
	require.Equal(t, []string{strings.Repeat("x", maxTitleBytes-1) + "e"}, tokenize(long, nil))
}
