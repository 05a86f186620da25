package persona_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/persona"
)

const (
	cl  = b2b.SeniorityCLevel
	vp  = b2b.SeniorityVP
	dir = b2b.SeniorityDirector
	mgr = b2b.SeniorityManager
	ic  = b2b.SeniorityIndividual
)

func TestClassifyTitles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title     string
		seniority b2b.Seniority
		dept      b2b.Department
		reason    string // why the row is there, when not obvious
	}{
		{"SVP, Global IT Infrastructure", vp, b2b.DepartmentIT, ""},
		{"Chief Revenue Officer", cl, b2b.DepartmentSales, "chief … officer"},
		{"Sr. Data Engineer", ic, b2b.DepartmentEngineering, "phrase data engineer"},
		{"Head of Procurement", dir, b2b.DepartmentProcurement, "Head of X is Director"},
		{"CFO", cl, b2b.DepartmentFinance, ""},
		{"CISO", cl, b2b.DepartmentSecurity, ""},
		{"c.t.o.", cl, b2b.DepartmentEngineering, "dotted letters join"},
		{"V.P.Sales", vp, b2b.DepartmentSales, "dotted letters join before a word"},
		{"VP Eng", vp, b2b.DepartmentEngineering, ""},
		{"Dir. Marketing", dir, b2b.DepartmentMarketing, ""},
		{"Mgr, Inside Sales", mgr, b2b.DepartmentSales, ""},
		{"EVP Finance", vp, b2b.DepartmentFinance, ""},
		{"AVP - Cyber Security", vp, b2b.DepartmentSecurity, ""},
		{"vice-president OF sales", vp, b2b.DepartmentSales, "case and hyphen"},
		{"Founder & CEO", cl, b2b.DepartmentExecutive, "general management without a function"},
		{"CTO & Co-Founder", cl, b2b.DepartmentEngineering, "a function beats general management"},
		{"Owner", cl, b2b.DepartmentExecutive, ""},
		{"Managing Director", cl, b2b.DepartmentExecutive, "managing directors are C-Level"},
		{"President, EMEA", cl, b2b.DepartmentExecutive, ""},
		{"Team Lead, Customer Support", mgr, b2b.DepartmentOperations, "team lead is Manager"},
		{"Chief Design Engineer", ic, b2b.DepartmentEngineering, "chief without officer is a craft title"},
		{"Chief Tech Officer", cl, b2b.DepartmentEngineering, "abbreviated: the CTO"},
		{"Chief Info Officer", cl, b2b.DepartmentIT, "abbreviated: the CIO"},
		{"Chief Info Sec Officer", cl, b2b.DepartmentSecurity, "abbreviated: the CISO"},
		{"Chief Exec Officer", cl, b2b.DepartmentExecutive, "abbreviated: the CEO"},
		{"Chief Exec", cl, b2b.DepartmentExecutive, "abbreviated: the chief executive"},
		{"Chief Exec, Acme Group", cl, b2b.DepartmentExecutive, ""},
		{"Deputy Chief Exec", vp, b2b.DepartmentExecutive, "the chief executive's deputy"},
		{"Chief Exec Assistant", ic, "", "not the chief executive"},
		{"Chief Fin. Officer", cl, b2b.DepartmentFinance, "abbreviated: the CFO"},
		{"Deputy Chief Tech Officer", vp, b2b.DepartmentEngineering, "the CTO's deputy"},
		{"Chief of Staff", dir, b2b.DepartmentExecutive, ""},
		{"Director of Security Engineering", dir, b2b.DepartmentSecurity, "security (3) beats engineering (2)"},
		{"IT Security Manager", mgr, b2b.DepartmentSecurity, "a tie goes to the head noun"},
		{"Network Engineer", ic, b2b.DepartmentIT, ""},
		{"Sales Engineer", ic, b2b.DepartmentSales, ""},
		{"Marketing Operations Analyst", ic, b2b.DepartmentMarketing, "operations is a weak clue"},
		{"Executive Assistant to the CEO", ic, b2b.DepartmentOperations, "the CEO is somebody else"},
		{"Deputy CEO", vp, b2b.DepartmentExecutive, "a deputy of a C-Level is VP"},
		{"Vice CEO", vp, b2b.DepartmentExecutive, "vice before a C-Level office is a deputy"},
		{"Vice-CEO", vp, b2b.DepartmentExecutive, ""},
		{"Deputy Chief Financial Officer", vp, b2b.DepartmentFinance, "a deputy of a chief … officer"},
		{"Deputy Chief Executive Officer", vp, b2b.DepartmentExecutive, ""},
		{"Deputy Group CFO", vp, b2b.DepartmentFinance, "a neutral word between deputy and the office"},
		{"Deputy to the CEO", vp, b2b.DepartmentExecutive, "the deputy to the CEO is the CEO's deputy"},
		{"Deputy Managing Director", vp, b2b.DepartmentExecutive, ""},
		{"Stellvertretender Geschäftsführer", vp, b2b.DepartmentExecutive, "German deputy"},
		{"Directeur Général Adjoint", vp, b2b.DepartmentExecutive, "French deputy, after the office"},
		{"Director General Adjunto", vp, b2b.DepartmentExecutive, "Spanish deputy, after the office"},
		{"Deputy General Counsel", vp, b2b.DepartmentLegal, "the model the deputies follow"},
		{"Assistant CFO", dir, b2b.DepartmentFinance, "an assistant CFO is Director, as an assistant general counsel"},
		{"Associate Chief Information Officer", dir, b2b.DepartmentIT, ""},
		{"Assistant General Counsel", dir, b2b.DepartmentLegal, ""},
		{"Deputy Director of Finance", dir, b2b.DepartmentFinance, "a deputy keeps a level below C-Level"},
		{"Deputy Chairman", cl, b2b.DepartmentExecutive, "a board role, as Vice Chairman"},
		{"Deputy Chief Engineer", ic, b2b.DepartmentEngineering, "chief without officer stays a craft title"},
		{"Assistant to the CEO", ic, "", "the CEO is somebody else"},
		{"Asst. to the President", ic, "", "the president is somebody else"},
		{"Exec. Asst. to CEO", ic, b2b.DepartmentOperations, "the CEO is somebody else"},
		{"Assistant of the CEO", ic, "", "the CEO is somebody else"},
		{"Assistant du PDG", ic, "", "French: the PDG is somebody else"},
		{"Assistant, Group CEO", ic, "", "an assistant right before an office only is that office's assistant"},
		{"Executive Assistant to the CFO", ic, b2b.DepartmentOperations, "the CFO is somebody else"},
		{"Executive Assistant - CEO", ic, b2b.DepartmentOperations, "an executive assistant is never the executive"},
		{"Exec. Asst., CEO", ic, b2b.DepartmentOperations, "an executive assistant is never the executive"},
		{"Chief of Staff to the CEO", dir, b2b.DepartmentExecutive, "the chief of staff is Director"},
		{"CEO Assistant", ic, "", "the assistant of the CEO is not the CEO"},
		{"CFO Assistant", ic, "", "the assistant of the CFO is not the CFO"},
		{"CEO's Assistant", ic, "", "possessive"},
		{"Chief Executive Assistant", ic, "", "not the chief executive"},
		{"CEO Executive Assistant", ic, b2b.DepartmentOperations, ""},
		{"Chief Financial Officer Assistant", ic, "", ""},
		{"Deputy CEO Assistant", ic, "", "the assistant of the deputy"},
		{"CEO Assistant to the Board", ic, "", ""},
		{"President & Assistant Treasurer", cl, b2b.DepartmentFinance, "two offices: a role noun follows the assistant"},
		{"Founder's Assistant", ic, "", "founders have no deputies, but their assistants are not founders either"},
		{"Founder's Associate", ic, "", "a founder's associate works for the founder"},
		{"Founders Associate", ic, "", ""},
		{"Owner's Assistant", ic, "", ""},
		{"Chairman Assistant", ic, "", ""},
		{"Associate to the Founder", ic, "", "the founder is somebody else"},
		{"Assistant of the Chairman", ic, "", "the chairman is somebody else"},
		{"Executive Assistant - Founder", ic, b2b.DepartmentOperations, "an executive assistant is never the executive"},
		{"Associate and Co-Founder", cl, b2b.DepartmentExecutive, "two roles of one holder"},
		{"Deputy Chairman", cl, b2b.DepartmentExecutive, "the board has no deputies of the office kind"},
		{"Chair", cl, b2b.DepartmentExecutive, "a chair is C-Level, as a chairman"},
		{"Executive Chair", cl, b2b.DepartmentExecutive, ""},
		{"Non-Executive Chair", cl, b2b.DepartmentExecutive, ""},
		{"Co-Chair", cl, b2b.DepartmentExecutive, ""},
		{"Deputy Chair", cl, b2b.DepartmentExecutive, "as Deputy Chairman"},
		{"Chair of the Audit Committee", cl, b2b.DepartmentFinance, ""},
		{"Department Chair", dir, "", "an academic department's head, not the board's chair"},
		{"CFO / Asst. Treasurer", cl, b2b.DepartmentFinance, "two offices"},
		{"Corporate Secretary & CFO", cl, b2b.DepartmentFinance, "two offices held by one person"},
		{"Dy. CEO", vp, b2b.DepartmentExecutive, "Dy. is deputy, as Indian firms abbreviate it"},
		{"Dpty CFO", vp, b2b.DepartmentFinance, ""},
		{"Dep. Managing Director", vp, b2b.DepartmentExecutive, ""},
		{"Gen. Mgr.", dir, b2b.DepartmentExecutive, "general manager abbreviated"},
		{"General Mgr, EMEA", dir, b2b.DepartmentExecutive, ""},
		{"Exec. Dir.", dir, b2b.DepartmentExecutive, "executive director abbreviated"},
		{"Mng. Dir.", cl, b2b.DepartmentExecutive, "managing director abbreviated"},
		{"Man. Dir.", cl, b2b.DepartmentExecutive, ""},
		{"Managing Dir., Acme GmbH", cl, b2b.DepartmentExecutive, ""},
		{"Dir. Gen.", cl, b2b.DepartmentExecutive, "director general abbreviated"},
		{"HOD Finance", dir, b2b.DepartmentFinance, "head of department"},
		{"Vorstandsvorsitzende", cl, b2b.DepartmentExecutive, "German, female form of Vorstandsvorsitzender"},
		{"Vorstandsmitglied", cl, b2b.DepartmentExecutive, "German board member, as Vorstand"},
		{"Mitglied des Vorstands", cl, b2b.DepartmentExecutive, ""},
		{"Vorsitzender der Geschäftsführung", cl, b2b.DepartmentExecutive, "German CEO"},
		{"Vorsitzende der Geschaeftsfuehrung", cl, b2b.DepartmentExecutive, "written without umlauts"},
		{"Stellvertretender Vorsitzender der Geschäftsführung", vp, b2b.DepartmentExecutive, "the CEO's deputy"},
		{"Geschäftsführende Gesellschafterin", cl, b2b.DepartmentExecutive, "German managing partner"},
		{"Amministratrice Delegata", cl, b2b.DepartmentExecutive, "Italian CEO, female form"},
		{"Direttore Generale", cl, b2b.DepartmentExecutive, "Italian general manager (CEO)"},
		{"Amministratore Delegato", cl, b2b.DepartmentExecutive, "Italian CEO"},
		{"Consejero Delegado", cl, b2b.DepartmentExecutive, "Spanish CEO"},
		{"Diretor Geral", cl, b2b.DepartmentExecutive, "Portuguese general manager (CEO)"},
		{"Cofundador", cl, b2b.DepartmentExecutive, "Spanish and Portuguese co-founder"},
		{"Fondatore", cl, b2b.DepartmentExecutive, "Italian founder"},
		{"Cofondatrice", cl, b2b.DepartmentExecutive, "Italian and French co-founder, female form"},
		{"Cofondateur", cl, b2b.DepartmentExecutive, "French co-founder in one word"},
		{"Mitgründer", cl, b2b.DepartmentExecutive, "German co-founder"},
		{"Mitbegründerin", cl, b2b.DepartmentExecutive, "German co-founder, female form"},
		{"Program Manager, Office of the CTO", mgr, b2b.DepartmentEngineering, "the CTO is somebody else; the office tells the department"},
		{"Executive Assistant, Office of the CFO", ic, b2b.DepartmentOperations, "the CFO is somebody else"},
		{"Senior Engineer, CTO Office", ic, b2b.DepartmentEngineering, "the CTO is somebody else"},
		{"CTO, Office Depot", cl, b2b.DepartmentEngineering, "a title names its holder first"},
		{"Analyst, Office of Information Technology", ic, b2b.DepartmentIT, "the office names the department"},
		{"Chief of Staff, Office of the CEO", dir, b2b.DepartmentExecutive, "the CEO's office is general management, not Operations"},
		{"Senior Vice President, Office of the CEO", vp, b2b.DepartmentExecutive, "the CEO's office is general management"},
		{"Chief of Staff, CEO Office", dir, b2b.DepartmentExecutive, "the CEO's office is general management"},
		{"Director, Office of the President", dir, b2b.DepartmentExecutive, "the president's office is general management"},
		{"Executive Assistant, Office of the CEO", ic, b2b.DepartmentOperations, "a function word still decides"},
		{"Office Manager", mgr, b2b.DepartmentOperations, "an office that is nobody's"},
		{"Partner", cl, b2b.DepartmentExecutive, "a firm's partner"},
		{"Partner Marketing Manager", mgr, b2b.DepartmentMarketing, "partner is not a level here"},
		{"Senior Partner", cl, b2b.DepartmentExecutive, "a firm's senior partner"},
		{"Socio", cl, b2b.DepartmentExecutive, "Spanish and Italian partner"},
		{"Sócio", cl, b2b.DepartmentExecutive, "Portuguese partner"},
		{"Associé", cl, b2b.DepartmentExecutive, "French partner"},
		{"Associée, Audit", cl, b2b.DepartmentFinance, ""},
		{"Teilhaber", cl, b2b.DepartmentExecutive, "German partner"},
		{"Gesellschafterin", cl, b2b.DepartmentExecutive, ""},
		{"Directeur Associé", dir, "", "partner is no level beside another role word"},
		{"Equity Partner", cl, b2b.DepartmentExecutive, ""},
		{"Founding Partner", cl, b2b.DepartmentExecutive, ""},
		{"Senior Partner, Audit", cl, b2b.DepartmentFinance, "a firm's partner with a function"},
		{"Senior Partner Account Manager", mgr, b2b.DepartmentSales, "a senior partner account manager, not a senior partner"},
		{"Senior Partner Engineer", ic, b2b.DepartmentEngineering, "partner is not a level beside another role word"},
		{"Founding Partner Manager", mgr, "", "partner is not a level beside another role word"},
		{"Partner Manager", mgr, "", "a partner who is not the firm's is no general management"},
		{"Sr. Partner Manager", mgr, "", "as Senior Partner Manager"},
		{"Senior Partner Manager", mgr, "", "as Sr. Partner Manager"},
		{"HR Business Partner", ic, b2b.DepartmentHR, ""},
		{"Product Owner", ic, b2b.DepartmentProduct, "not an owner of the company"},
		{"Lead Generation Specialist", ic, b2b.DepartmentMarketing, "lead generation is not a lead"},
		{"Lead Software Engineer", mgr, b2b.DepartmentEngineering, "lead is Manager"},
		{"Founder, Head of Product", cl, b2b.DepartmentProduct, "highest level wins"},
		{"General Counsel", cl, b2b.DepartmentLegal, ""},
		{"Associate General Counsel", dir, b2b.DepartmentLegal, ""},
		{"Registered Nurse", ic, b2b.DepartmentOther, ""},
		{"Leiter Vertrieb", dir, b2b.DepartmentSales, "German"},
		{"Vertriebsleiter", dir, b2b.DepartmentSales, "German compound"},
		{"Softwareentwickler", ic, b2b.DepartmentEngineering, "German compound"},
		{"Vertriebsmitarbeiter", ic, b2b.DepartmentSales, "German compound with Mitarbeiter"},
		{"Marketingmitarbeiterin", ic, b2b.DepartmentMarketing, ""},
		{"Leiter Personal", dir, b2b.DepartmentHR, "German: as Personalleiter"},
		{"Leiter Technik", dir, b2b.DepartmentEngineering, "German: Technik is engineering"},
		{"Directeur Financier", dir, b2b.DepartmentFinance, "French"},
		{"Directeur Général", cl, b2b.DepartmentExecutive, "French, accent folded"},
		{"Geschäftsführer", cl, b2b.DepartmentExecutive, ""},
		{"Gescha\u0308ftsfu\u0308hrer", cl, b2b.DepartmentExecutive, "decomposed umlauts fold as the precomposed ones"},
		{"Directeur Ge\u0301ne\u0301ral", cl, b2b.DepartmentExecutive, "decomposed accents fold as the precomposed ones"},
		{"Chief Financial Of\ufb01cer", cl, b2b.DepartmentFinance, "a ligature (PDF exports) reads as its letters"},
		{"Mar\u00adketing Manager", mgr, b2b.DepartmentMarketing, "a soft hyphen does not split the word"},
		{"C\u200dF\u200cO", cl, b2b.DepartmentFinance, "joiners do not split the word"},
		{"\u200eHead of\u200bSales\u200f", dir, b2b.DepartmentSales, "direction marks are nothing, a zero-width space separates"},
		{"Gerente de Ventas", mgr, b2b.DepartmentSales, "Spanish"},
		{"Gerente de TI", mgr, b2b.DepartmentIT, "Spanish: TI is IT"},
		{"Diretor de TI", dir, b2b.DepartmentIT, "Portuguese: TI is IT"},
		{"Directeur TI", dir, b2b.DepartmentIT, "French (Canada): TI is IT"},
		{"Direttore Vendite", dir, b2b.DepartmentSales, "Italian"},
		{"Subdirector de TI", dir, b2b.DepartmentIT, "Spanish deputy director: a deputy below C-Level keeps the level"},
		{"Subdirectora Financiera", dir, b2b.DepartmentFinance, ""},
		{"Vicedirettore Commerciale", dir, b2b.DepartmentSales, "Italian deputy director"},
		{"Subdiretor de TI", dir, b2b.DepartmentIT, "Portuguese deputy director"},
		{"Encargado de Compras", mgr, b2b.DepartmentProcurement, "Spanish: the person in charge"},
		{"Responsabile Acquisti", mgr, b2b.DepartmentProcurement, "Italian: responsabile is a manager, as the French responsable"},
		{"Direttore Finanziario", dir, b2b.DepartmentFinance, "Italian"},
		{"Responsabile Amministrazione e Finanza", mgr, b2b.DepartmentFinance, ""},
		{"Responsabile Risorse Umane", mgr, b2b.DepartmentHR, ""},
		{"Responsabile Sistemi Informativi", mgr, b2b.DepartmentIT, ""},
		{"Responsabile Sicurezza Informatica", mgr, b2b.DepartmentSecurity, ""},
		{"Responsabile Ufficio Legale", mgr, b2b.DepartmentLegal, ""},
		{"Ingegnere del Software", ic, b2b.DepartmentEngineering, ""},
		{"Sviluppatore", ic, b2b.DepartmentEngineering, ""},
		{"Responsabile Ricerca e Sviluppo", mgr, b2b.DepartmentEngineering, ""},
		{"Responsabile Produzione", mgr, b2b.DepartmentOperations, ""},
		{"ＣＥＯ", cl, b2b.DepartmentExecutive, "full-width letters, as Japanese systems store them"},
		{"Ｃｈｉｅｆ\u3000Ｆｉｎａｎｃｉａｌ\u3000Ｏｆｆｉｃｅｒ", cl, b2b.DepartmentFinance, "full-width letters and ideographic spaces"},
		{"ＳＶＰ／ＧＭ　Ｓａｌｅｓ", vp, b2b.DepartmentSales, "full-width slash"},
		{"Ｒ＆Ｄ　Ｍａｎａｇｅｒ", mgr, b2b.DepartmentEngineering, "full-width ampersand inside an abbreviation"},
		{"\u0421hief Technology Officer", cl, b2b.DepartmentEngineering, "a Cyrillic С that looks like C inside a Latin word"},
		{"\u0421EO", cl, b2b.DepartmentExecutive, "a Cyrillic С"},
		{"VP \u0456T \u0456nfr\u0430structure", vp, b2b.DepartmentIT, "Cyrillic і and а"},
		{"\u0397e\u0430d \u03bff Se\u0441urit\u0443", dir, b2b.DepartmentSecurity, "Greek Η and ο, Cyrillic а, с and у"},
		{"R&D Engineer", ic, b2b.DepartmentEngineering, "& inside an abbreviation"},
		{"Sales&Marketing Coordinator", ic, b2b.DepartmentMarketing, "& between words splits; tie to the last"},
		{"Senior Vice President", vp, "", "no function word"},
		{"Studio Manager", mgr, "", "unknown words leave the department unknown"},
		{"Consultant", ic, "", ""},
	}
	c := persona.Standard()
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			t.Parallel()
			got := c.Classify(tt.title)
			want := struct{ Seniority, Department string }{tt.seniority, tt.dept}
			have := struct{ Seniority, Department string }{got.Seniority, got.Department}
			if diff := cmp.Diff(want, have); diff != "" {
				t.Errorf("Classify(%q) (-want +got):\n%s\nreasons: %s\n(%s)", tt.title, diff, strings.Join(got.Reasons, "; "), tt.reason)
			}
			require.Len(t, got.Reasons, 2)
			require.InDelta(t, 0.5, got.Confidence, 0.5)
		})
	}
}

func TestClassifyReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title string
		want  persona.Persona
	}{
		{"Director of Security Engineering", persona.Persona{
			Seniority: dir, Department: b2b.DepartmentSecurity,
			Reasons: []string{
				`seniority Director: "director"`,
				`department Security: "security" 3 (over Engineering: "engineering" 2)`,
			},
		}},
		{"Chief Information Security Officer", persona.Persona{
			Seniority: cl, Department: b2b.DepartmentSecurity,
			Reasons: []string{
				`seniority C-Level: "chief … officer"`,
				`department Security: "information security" 3`,
			},
		}},
		{"Founder & Head of Product", persona.Persona{
			Seniority: cl, Department: b2b.DepartmentProduct,
			Reasons: []string{
				`seniority C-Level: "founder" (outranks Director: "head of")`,
				`department Product: "product" 2`,
			},
		}},
		{"Chief Architect", persona.Persona{
			Seniority: ic, Department: b2b.DepartmentEngineering,
			Reasons: []string{
				`seniority Individual Contributor: "architect"; "chief" without "officer" is a craft title, not C-Level`,
				`department Engineering: "architect" 2`,
			},
		}},
		{"Deputy CEO", persona.Persona{
			Seniority: vp, Department: b2b.DepartmentExecutive,
			Reasons: []string{
				`seniority VP: "ceo" after "deputy" (a deputy of a C-Level is VP)`,
				`department Executive: general management ("ceo") and no function word`,
			},
		}},
		{"Deputy Chief Financial Officer", persona.Persona{
			Seniority: vp, Department: b2b.DepartmentFinance,
			Reasons: []string{
				`seniority VP: "chief … officer" after "deputy" (a deputy of a C-Level is VP)`,
				`department Finance: "financial" 3`,
			},
		}},
		// The runner-up is named whether the office is spelled out
		// or abbreviated ("CRO and VP of Sales").
		{"Chief Revenue Officer and VP of Sales", persona.Persona{
			Seniority: cl, Department: b2b.DepartmentSales,
			Reasons: []string{
				`seniority C-Level: "chief … officer" (outranks VP: "vp")`,
				`department Sales: "revenue" 2 + "sales" 3`,
			},
		}},
		{"Deputy Chief Financial Officer, Director of Finance", persona.Persona{
			Seniority: vp, Department: b2b.DepartmentFinance,
			Reasons: []string{
				`seniority VP: "chief … officer" after "deputy" (a deputy of a C-Level is VP) (outranks Director: "director")`,
				`department Finance: "financial" 3 + "finance" 3`,
			},
		}},
		{"Assistant CFO", persona.Persona{
			Seniority: dir, Department: b2b.DepartmentFinance,
			Reasons: []string{
				`seniority Director: "cfo" after "assistant" (an assistant or associate of a C-Level is Director)`,
				`department Finance: "cfo" 3`,
			},
		}},
		{"Founder", persona.Persona{
			Seniority: cl, Department: b2b.DepartmentExecutive,
			Reasons: []string{
				`seniority C-Level: "founder"`,
				`department Executive: general management ("founder") and no function word`,
			},
		}},
		{"Barista", persona.Persona{
			Seniority: ic, Department: b2b.DepartmentOther,
			Reasons: []string{
				"seniority Individual Contributor: no seniority word (default)",
				`department Other: "barista" 3`,
			},
		}},
		{"Studio Manager", persona.Persona{
			Seniority: mgr,
			Reasons: []string{
				`seniority Manager: "manager"`,
				`department unknown: no known function word (unrecognised "studio")`,
			},
		}},
		{"", persona.Persona{Reasons: []string{"empty title: seniority and department unknown"}}},
		{"  \t ", persona.Persona{Reasons: []string{"empty title: seniority and department unknown"}}},
		{"--- / ???", persona.Persona{Reasons: []string{"no words in title: seniority and department unknown"}}},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			t.Parallel()
			got := persona.Standard().Classify(tt.title)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(persona.Persona{}, "Confidence")); diff != "" {
				t.Errorf("Classify(%q) (-want +got):\n%s", tt.title, diff)
			}
		})
	}
}

func TestConfidence(t *testing.T) {
	t.Parallel()
	c := persona.Standard()
	clear := c.Classify("Chief Financial Officer")
	mixed := c.Classify("Director of Security Engineering")
	unknownDept := c.Classify("Senior Vice President")
	empty := c.Classify("")
	require.Greater(t, clear.Confidence, mixed.Confidence, "competing departments lower confidence")
	require.Greater(t, mixed.Confidence, unknownDept.Confidence, "an unknown department counts as 0")
	require.Zero(t, empty.Confidence)
	require.LessOrEqual(t, clear.Confidence, 1.0)
	// A title that names two levels is as sure of its seniority whether
	// its office is spelled out or abbreviated.
	for _, pair := range [][2]string{
		{"Chief Revenue Officer and VP of Sales", "CRO and VP of Sales"},
		{"Deputy Chief Financial Officer, Director of Finance", "Deputy CFO, Director of Finance"},
	} {
		require.InDelta(t, c.Classify(pair[1]).Confidence, c.Classify(pair[0]).Confidence, 1e-9, pair[0])
	}
}

func TestNewOverridesAndExtends(t *testing.T) {
	t.Parallel()
	c, err := persona.New(persona.Config{
		Departments: map[string]b2b.Department{
			"Studio":     b2b.DepartmentOperations, // extend: a new keyword
			"growth":     b2b.DepartmentSales,      // override: built-in Marketing
			"operations": "",                       // remove: no longer a clue
			"founder":    "",                       // remove: no longer general management
		},
		Seniorities: map[string]b2b.Seniority{
			"Principal":    b2b.SeniorityCLevel,     // a firm's principal
			"Tech Lead":    b2b.SeniorityIndividual, // override a phrase
			"Staff Member": b2b.SeniorityIndividual, // a new phrase
		},
	})
	require.NoError(t, err)
	tests := []struct {
		title     string
		seniority b2b.Seniority
		dept      b2b.Department
	}{
		{"Studio Manager", mgr, b2b.DepartmentOperations},
		{"Head of Growth", dir, b2b.DepartmentSales},
		{"Director of Operations", dir, ""},
		{"Principal", cl, ""},
		{"Tech Lead", ic, ""},
		{"Security Analyst", ic, b2b.DepartmentSecurity}, // untouched built-ins still work
		{"Founder", cl, ""},                              // its level stays, its department went
		{"Founder & CEO", cl, b2b.DepartmentExecutive},   // the CEO is still general management
		// A custom keyword decides whenever it is present, also over
		// built-in keywords of one department that add up to more.
		{"Studio Finance & Accounting Lead", mgr, b2b.DepartmentOperations},
		{"Security Studio Cybersecurity", ic, b2b.DepartmentOperations},
	}
	for _, tt := range tests {
		got := c.Classify(tt.title)
		want := [2]string{tt.seniority, tt.dept}
		if diff := cmp.Diff(want, [2]string{got.Seniority, got.Department}); diff != "" {
			t.Errorf("Classify(%q) (-want +got):\n%s\nreasons: %q", tt.title, diff, got.Reasons)
		}
	}
	require.Equal(t, []string{`seniority Manager: "manager"`, `department Operations: "studio" (custom) 4`},
		c.Classify("Studio Manager").Reasons)
	require.Equal(t, []string{`seniority Manager: "lead"`,
		`department Operations: "studio" (custom) 4 (over Finance: "finance" 3 + "accounting" 3)`},
		c.Classify("Studio Finance & Accounting Lead").Reasons)
	// A keyword is marked custom in the reason of the part the Config
	// changed: the founder's level is still the built-in one.
	require.Equal(t, []string{`seniority C-Level: "founder"`, `department unknown: no function word`},
		c.Classify("Founder").Reasons)

	// The shared standard classifier is not changed by New.
	std := persona.Standard().Classify("Head of Growth")
	require.Equal(t, b2b.DepartmentMarketing, std.Department)
	require.Equal(t, b2b.DepartmentOperations, persona.Standard().Classify("Director of Operations").Department)
	require.Equal(t, b2b.DepartmentExecutive, persona.Standard().Classify("Founder").Department)
}

// TestCustomKeywordInsideBuiltInPhrase: a custom department keyword
// decides whenever its words are in the title, also inside a longer
// built-in phrase that the greedy match reads whole ("information
// security").
func TestCustomKeywordInsideBuiltInPhrase(t *testing.T) {
	t.Parallel()
	c, err := persona.New(persona.Config{Departments: map[string]b2b.Department{"security": b2b.DepartmentIT}})
	require.NoError(t, err)
	tests := []struct {
		title     string
		seniority b2b.Seniority
		reasons   []string
	}{
		{"Security Engineer", ic, []string{`seniority Individual Contributor: "engineer"`,
			`department IT: "security" (custom) 4 (over Engineering: "engineer" 2)`}},
		{"Information Security Manager", mgr, []string{`seniority Manager: "manager"`,
			`department IT: "information security" (custom "security") 4`}},
		{"IT Security Analyst", ic, []string{`seniority Individual Contributor: "analyst"`,
			`department IT: "it security" (custom "security") 4`}},
	}
	for _, tt := range tests {
		got := c.Classify(tt.title)
		want := persona.Persona{Seniority: tt.seniority, Department: b2b.DepartmentIT, Reasons: tt.reasons}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(persona.Persona{}, "Confidence")); diff != "" {
			t.Errorf("Classify(%q) (-want +got):\n%s", tt.title, diff)
		}
	}
	// The built-in phrases are unchanged in the standard classifier.
	require.Equal(t, b2b.DepartmentSecurity, persona.Standard().Classify("Information Security Manager").Department)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, persona.Config{}.Validate())
	cfg := persona.Config{
		Departments: map[string]b2b.Department{
			"":                   b2b.DepartmentIT,
			"growth hacking":     "Growth",
			"VP  Eng":            b2b.DepartmentEngineering,
			"vp-eng":             b2b.DepartmentEngineering,
			"a b c d e f":        b2b.DepartmentIT,
			"revenue operations": b2b.DepartmentOperations,
		},
		Seniorities: map[string]b2b.Seniority{
			"!!!":       b2b.SeniorityVP,
			"principal": "Boss",
		},
	}
	err := cfg.Validate()
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		`departments[""]: keyword has no words`,
		`departments["a b c d e f"]: keyword has 6 words (at most 5)`,
		`departments["growth hacking"]: unknown department "Growth" (want one of Finance, IT, Engineering, Security, Marketing, Sales, Operations, HR, Legal, Procurement, Product, Executive, Other)`,
		`departments["vp-eng"]: same keyword as "VP  Eng" once normalised ("vp eng")`,
		`seniorities["!!!"]: keyword has no words`,
		`seniorities["principal"]: unknown seniority "Boss" (want one of C-Level, VP, Director, Manager, Individual Contributor)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	require.True(t, strings.HasPrefix(err.Error(), "persona config: 6 problems:"), err.Error())

	c, err := persona.New(cfg)
	require.Nil(t, c)
	require.Error(t, err)
}

func TestApply(t *testing.T) {
	t.Parallel()
	c := persona.Standard()
	p, got := persona.Apply(c, b2b.Person{ID: "p-1", Title: "VP, Information Security"})
	require.Equal(t, vp, p.Seniority)
	require.Equal(t, b2b.DepartmentSecurity, p.Department)
	require.Equal(t, p.Seniority, got.Seniority)

	// Values already on the person are kept.
	p, got = persona.Apply(c, b2b.Person{ID: "p-2", Title: "VP, Information Security", Department: b2b.DepartmentIT})
	require.Equal(t, vp, p.Seniority)
	require.Equal(t, b2b.DepartmentIT, p.Department)
	require.Equal(t, b2b.DepartmentSecurity, got.Department, "the persona still says what the title says")

	p, got = persona.Apply(c, b2b.Person{ID: "p-3", Title: "CEO", Seniority: vp, Department: b2b.DepartmentSales})
	require.Equal(t, vp, p.Seniority)
	require.Equal(t, b2b.DepartmentSales, p.Department)
	require.Equal(t, []string{"seniority and department already set on the person"}, got.Reasons)
}

func TestClassifierFunc(t *testing.T) {
	t.Parallel()
	var c persona.Classifier = persona.ClassifierFunc(func(title string) persona.Persona {
		if title == "Rainmaker" {
			return persona.Persona{Seniority: ic, Department: b2b.DepartmentSales, Confidence: 1, Reasons: []string{"house title"}}
		}
		return persona.Standard().Classify(title)
	})
	require.Equal(t, b2b.DepartmentSales, c.Classify("Rainmaker").Department)
	require.Equal(t, b2b.DepartmentFinance, c.Classify("CFO").Department)
}

func TestConcurrentAndDeterministic(t *testing.T) {
	t.Parallel()
	titles := []string{"CFO", "Sr. Data Engineer", "Head of Procurement", "Vertriebsleiter", "Studio Manager"}
	want := make([]persona.Persona, len(titles))
	for i, ti := range titles {
		want[i] = persona.Standard().Classify(ti)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for i, ti := range titles {
					if diff := cmp.Diff(want[i], persona.Standard().Classify(ti)); diff != "" {
						errs <- errors.New(diff)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestCutPhraseGivesNoDepartment: "reporting to" and "reports to" end the
// part of a title that describes its holder; the words of that phrase are
// no clue of the holder's department, while "reporting" elsewhere still is.
func TestCutPhraseGivesNoDepartment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title     string
		seniority b2b.Seniority
		dept      b2b.Department
	}{
		{"Chief of Staff", dir, b2b.DepartmentExecutive},
		{"Chief of Staff reporting to the CEO", dir, b2b.DepartmentExecutive},
		{"Chief of Staff, reports to the CEO", dir, b2b.DepartmentExecutive},
		{"Executive Assistant reporting to the CEO", ic, b2b.DepartmentOperations},
		{"Office Manager reporting to the Managing Director", mgr, b2b.DepartmentOperations},
		{"Project Manager reporting to the COO", mgr, b2b.DepartmentOperations},
		{"Reporting to the CEO: Finance Analyst", ic, ""},
		{"Analyst reporting to the CIO", ic, ""},
		{"Reporting Analyst", ic, b2b.DepartmentIT},
		{"BI Reporting Manager", mgr, b2b.DepartmentIT},
		{"Reporting Analyst reporting to the CFO", ic, b2b.DepartmentIT},
	}
	c := persona.Standard()
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			t.Parallel()
			got := c.Classify(tt.title)
			want := struct{ Seniority, Department string }{tt.seniority, tt.dept}
			have := struct{ Seniority, Department string }{got.Seniority, got.Department}
			require.Empty(t, cmp.Diff(want, have), "Classify(%q): %s", tt.title, strings.Join(got.Reasons, "; "))
			if !strings.HasPrefix(tt.title, "Reporting Analyst") && !strings.HasPrefix(tt.title, "BI ") {
				require.NotContains(t, got.Reasons[1], `"reporting"`, "Classify(%q)", tt.title)
			}
		})
	}

	// A custom keyword for the word of a cut phrase weighs where the word
	// is no cut phrase only.
	cc, err := persona.New(persona.Config{Departments: map[string]b2b.Department{"reporting": b2b.DepartmentFinance}})
	require.NoError(t, err)
	require.Equal(t, b2b.DepartmentFinance, cc.Classify("Reporting Specialist").Department)
	require.Equal(t, b2b.DepartmentOperations, cc.Classify("Office Manager reporting to the CFO").Department)
}
