package persona_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/persona"
)

var fuzzSeeds = []string{
	"", " ", "CFO", "SVP, Global IT Infrastructure", "Chief Revenue Officer", "Sr. Data Engineer",
	"Head of Procurement", "C.E.O.", "v.p.", "R&D", "&&&", "....", "Executive Assistant to the CEO",
	"to", "assistant to", "Geschäftsführer", "Vertriebsleiter", "chef de", "\xff\xfe", "日本語 マネージャー",
	"Ａ Ｂ", "manager manager manager", "chief chief officer", "partner partner", "ⅱ", "ǅ",
	"Deputy CEO", "Vice Chief Financial Officer", "Assistant of the CEO", "Exec. Asst., CEO",
	"Directeur Général Adjoint", "adjoint", "deputy", "ＣＥＯ", "Ｃｈｉｅｆ\u3000Ｏｆｆｉｃｅｒ",
	"\u0421hief Technology Officer", "\u0421.E.\u041e.", "\u0421\u0415\u041e", "Sr.Менеджер", "\u039f\u0301fficer",
}

// FuzzClassify checks that any title gives a taxonomy value or "", a
// confidence in [0, 1], reasons, and the same answer twice.
func FuzzClassify(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	c := persona.Standard()
	f.Fuzz(func(t *testing.T, title string) {
		got := c.Classify(title)
		if got.Seniority != "" && !slices.Contains(b2b.Seniorities, got.Seniority) {
			t.Fatalf("Classify(%q): seniority %q is not in the taxonomy", title, got.Seniority)
		}
		if got.Department != "" && !slices.Contains(b2b.Departments, got.Department) {
			t.Fatalf("Classify(%q): department %q is not in the taxonomy", title, got.Department)
		}
		if got.Confidence < 0 || got.Confidence > 1 {
			t.Fatalf("Classify(%q): confidence %v", title, got.Confidence)
		}
		if len(got.Reasons) == 0 {
			t.Fatalf("Classify(%q): no reasons", title)
		}
		if got.Seniority == "" && got.Department != "" {
			t.Fatalf("Classify(%q): a department without a seniority: %+v", title, got)
		}
		if diff := cmp.Diff(got, c.Classify(title)); diff != "" {
			t.Fatalf("Classify(%q) is not deterministic (-first +second):\n%s", title, diff)
		}
	})
}

// FuzzConfigKeyword checks that any custom keyword is either rejected by
// validation or, once accepted, decides the department of a title made of it.
func FuzzConfigKeyword(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, keyword string) {
		c, err := persona.New(persona.Config{
			Departments: map[string]b2b.Department{keyword: b2b.DepartmentProcurement},
			Seniorities: map[string]b2b.Seniority{keyword: b2b.SeniorityVP},
		})
		if err != nil {
			return
		}
		got := c.Classify(keyword)
		if got.Department != b2b.DepartmentProcurement || got.Seniority != b2b.SeniorityVP {
			t.Fatalf("custom keyword %q: got %s/%s, reasons %q", keyword, got.Seniority, got.Department, got.Reasons)
		}
	})
}
