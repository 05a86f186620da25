package persona_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/persona"
)

// TestClassifyOtherFormsOfKnownTitles: a title the classifier knows in one
// form is known in its other forms: the feminine ("Presidenta" as
// "Presidente", "Einkäuferin" as "Einkäufer", "Juristin" as "Jurist"), the
// German word beside its known compound ("Präsident" as "Vizepräsident"),
// and the ASCII spelling of an umlaut ("Einkaeufer" as "Einkäufer").
func TestClassifyOtherFormsOfKnownTitles(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Presidente", cl, b2b.DepartmentExecutive},
		{"Presidenta", cl, b2b.DepartmentExecutive},
		{"Presidenta y Consejera Delegada", cl, b2b.DepartmentExecutive},
		{"Vicepresidente de Ventas", vp, b2b.DepartmentSales},
		{"Vicepresidenta de Ventas", vp, b2b.DepartmentSales},
		{"Vice Presidenta, Finanzas", vp, b2b.DepartmentFinance},
		{"Präsident", cl, b2b.DepartmentExecutive},
		{"Präsidentin", cl, b2b.DepartmentExecutive},
		{"Praesidentin", cl, b2b.DepartmentExecutive},
		{"Vizepräsident Vertrieb", vp, b2b.DepartmentSales},
		{"Vizepräsidentin Vertrieb", vp, b2b.DepartmentSales},
		{"Vizepraesidentin Vertrieb", vp, b2b.DepartmentSales},
		{"Einkäufer", ic, b2b.DepartmentProcurement},
		{"Einkäuferin", ic, b2b.DepartmentProcurement},
		{"Einkaeuferin", ic, b2b.DepartmentProcurement},
		{"Jurist", ic, b2b.DepartmentLegal},
		{"Juristin", ic, b2b.DepartmentLegal},
	}
	requireClassified(t, tests)
}

// TestClassifyHRPartners: a partner named by an HR function ("HR
// Partner", "Talent Acquisition Partner", "Recruiting Partner") is the
// business partner an "HR Business Partner" or a "People Partner" is, an
// individual contributor in HR, not a firm's partner; a firm's partner
// stays one.
func TestClassifyHRPartners(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"HR Business Partner", ic, b2b.DepartmentHR},
		{"People Partner", ic, b2b.DepartmentHR},
		{"HR Partner", ic, b2b.DepartmentHR},
		{"Senior HR Partner", ic, b2b.DepartmentHR},
		{"Talent Acquisition Partner", ic, b2b.DepartmentHR},
		{"Talent Partner", ic, b2b.DepartmentHR},
		{"Recruiting Partner", ic, b2b.DepartmentHR},
		{"Recruitment Partner", ic, b2b.DepartmentHR},
		{"Partner", cl, b2b.DepartmentExecutive},
		{"Tax Partner", cl, b2b.DepartmentFinance},
		{"Senior Partner", cl, b2b.DepartmentExecutive},
	}
	requireClassified(t, tests)
}

// TestClassifyInformationSecurityInOtherLanguages: information or IT
// security is Security in every language the vocabulary knows, as "IT
// Security" and "sicurezza informatica" are: in French, Spanish and
// Portuguese the function word "informatique" or "systèmes d'information"
// comes after "sécurité", where the head noun of an English title comes
// last, and must not win the tie.
func TestClassifyInformationSecurityInOtherLanguages(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"IT Security Manager", mgr, b2b.DepartmentSecurity},
		{"Responsabile Sicurezza Informatica", mgr, b2b.DepartmentSecurity},
		{"Responsable Sécurité Informatique", mgr, b2b.DepartmentSecurity},
		{"Ingénieur Sécurité des Systèmes d'Information", ic, b2b.DepartmentSecurity},
		{"Jefe de Seguridad Informática", mgr, b2b.DepartmentSecurity},
		{"Analista de Seguridad de la Información", ic, b2b.DepartmentSecurity},
		{"Gerente de Segurança da Informação", mgr, b2b.DepartmentSecurity},
		{"Analista de Segurança Informática", ic, b2b.DepartmentSecurity},
		// The information systems alone stay IT.
		{"Directeur des Systèmes d'Information", dir, b2b.DepartmentIT},
		{"Responsable Informatique", mgr, b2b.DepartmentIT},
	}
	requireClassified(t, tests)
}

// TestClassifyFrenchChefContracted: "chef de" is a French manager's title
// also where "de" contracts with the article that follows ("Chef des
// Ventes", "Chef du Service Informatique", "Chef d'équipe"), not the
// cook a "chef" alone is.
func TestClassifyFrenchChefContracted(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Chef de Service Achats", mgr, b2b.DepartmentProcurement},
		{"Chef des Ventes", mgr, b2b.DepartmentSales},
		{"Chef des Achats", mgr, b2b.DepartmentProcurement},
		{"Chef du Service Informatique", mgr, b2b.DepartmentIT},
		{"Chef d'équipe Commerciale", mgr, b2b.DepartmentSales},
		{"Chef d’Équipe Logistique", mgr, b2b.DepartmentOperations},
		// A cook stays one.
		{"Chef", ic, b2b.DepartmentOther},
		{"Chef de Cuisine", ic, b2b.DepartmentOther},
		{"Chef de Partie", ic, b2b.DepartmentOther},
	}
	requireClassified(t, tests)
}

// titleCase is a title and the seniority and department the standard
// vocabulary gives it.
type titleCase struct {
	title     string
	seniority b2b.Seniority
	dept      b2b.Department
}

// requireClassified checks each title's seniority and department under
// the standard vocabulary, one subtest a title.
func requireClassified(t *testing.T, tests []titleCase) {
	t.Helper()
	c := persona.Standard()
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			p := c.Classify(tt.title)
			require.Equal(t, tt.seniority, p.Seniority, "%v", p.Reasons)
			require.Equal(t, tt.dept, p.Department, "%v", p.Reasons)
		})
	}
}

// TestClassifyGermanCompoundOfUnknownFunction: a German compound that ends
// in a role word keeps the role word's level when the function glued to
// it is not in the vocabulary ("Werksleiter", "Qualitätsmanager"): the
// department stays unknown and the function is named as unrecognised,
// but the head of a plant is not an individual contributor. Compounds
// whose level is not their role word's are listed as English has them:
// "Schichtleiter" is a shift lead, "Projektleiter" a project manager.
func TestClassifyGermanCompoundOfUnknownFunction(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Werksleiter", dir, ""},
		{"Filialleiterin", dir, ""},
		{"Qualitätsmanager", mgr, ""},
		{"Schichtleiter", mgr, ""}, // as "Shift Lead"
		{"Projektleiter", mgr, b2b.DepartmentOperations},
		{"Projektleiterin", mgr, b2b.DepartmentOperations},
		// A known function still gives its department.
		{"Vertriebsleiter", dir, b2b.DepartmentSales},
		{"Softwareentwickler", ic, b2b.DepartmentEngineering},
		// A word that ends in a role word without being one: a
		// Begleiter accompanies, a Zugbegleiter is a train attendant.
		{"Zugbegleiter", ic, ""},
		{"Reisebegleiterin", ic, ""},
		// "Leitung", the gender-neutral form German job ads use, reads
		// as "Leiter" does, alone or in a compound.
		{"Teamleitung Vertrieb", mgr, b2b.DepartmentSales},
		{"Abteilungsleitung IT", dir, b2b.DepartmentIT},
		{"Bereichsleitung Finanzen", dir, b2b.DepartmentFinance},
		{"Vertriebsleitung", dir, b2b.DepartmentSales},
		{"Werksleitung", dir, ""},
		{"Projektleitung", mgr, b2b.DepartmentOperations},
		{"Schichtleitung", mgr, ""},
		{"Gruppenleitung Einkauf", mgr, b2b.DepartmentProcurement},
		{"Leitung Marketing", dir, b2b.DepartmentMarketing},
		// The Geschäftsleitung, the Geschäftsleiter and their members run
		// the company, as a Geschäftsführer does; their assistants,
		// secretaries and staff ("Assistenz der Geschäftsleitung") do
		// not, nor does the assistant of any other head.
		{"Geschäftsleitung", cl, b2b.DepartmentExecutive},
		{"Geschäftsleiter", cl, b2b.DepartmentExecutive},
		{"Geschäftsleiterin", cl, b2b.DepartmentExecutive},
		{"Mitglied der Geschäftsleitung", cl, b2b.DepartmentExecutive},
		{"Mitglied der Geschäftsführung", cl, b2b.DepartmentExecutive},
		{"Stellvertretende Geschäftsleitung", vp, b2b.DepartmentExecutive},
		{"Kaufmännische Geschäftsleitung", cl, b2b.DepartmentFinance},
		{"Technischer Geschäftsleiter", cl, b2b.DepartmentEngineering},
		{"Assistenz der Geschäftsleitung", ic, ""},
		{"Assistentin der Geschäftsführung", ic, ""},
		{"Assistent Geschäftsleitung", ic, ""},
		{"Sekretärin der Geschäftsleitung", ic, b2b.DepartmentOperations},
		{"Referentin der Geschäftsleitung", ic, ""},
		{"Assistenz der Abteilungsleitung", ic, ""},
		{"Assistent der Vertriebsleitung", ic, ""},
		{"Assistenz Vertrieb", ic, b2b.DepartmentSales},
		// A Schulbegleitung accompanies a pupil; a Rohrleitung is a pipe.
		{"Schulbegleitung", ic, ""},
		{"Monteur Rohrleitung", ic, ""},
		// "Leiter" is also a conductor and a ladder: a Halbleiter is a
		// semiconductor, a Blitzableiter a lightning rod, a Feuerleiter
		// a fire escape; they lead nothing.
		{"Vertriebsingenieur Halbleiter", ic, b2b.DepartmentSales},
		{"Halbleiter", ic, ""},
		{"Blitzableiter", ic, ""},
		{"Überspannungsableiter", ic, ""},
		{"Supraleiter", ic, ""},
		{"Monteur Lichtwellenleiter", ic, ""},
		{"Lichtleiter", ic, ""},
		{"Wärmeleiter", ic, ""},
		{"Feuerleiter", ic, ""},
		// ... but a compound of a function and "leiter" still leads.
		{"Bauleiter", dir, ""},
		{"Feuerwehrleiter", dir, ""},
		{"Marketingleiter", dir, b2b.DepartmentMarketing},
	}
	requireClassified(t, tests)
	p := persona.Standard().Classify("Werksleiter")
	require.Equal(t, []string{`seniority Director: "leiter"`, `department unknown: no known function word (unrecognised "werks")`}, p.Reasons)
}

// TestClassifyFrenchAcronyms: the acronyms French titles are written with
// read as the titles they stand for: DAF (Directeur Administratif et
// Financier), DSI (Directeur des Systèmes d'Information), DRH (Directeur
// des Ressources Humaines), DG (Directeur Général), DGA (Directeur
// Général Adjoint) and RSSI (Responsable de la Sécurité des Systèmes
// d'Information). An acronym is a whole word, never part of one, and
// besides another role word DAF, DSI, DRH, DG and DGA name something
// else (a company, the European Commission's directorates-general) and
// say nothing.
func TestClassifyFrenchAcronyms(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"DAF", dir, b2b.DepartmentFinance},
		{"Directeur Administratif et Financier", dir, b2b.DepartmentFinance},
		{"DAF Groupe", dir, b2b.DepartmentFinance},
		{"DAF adjoint", dir, b2b.DepartmentFinance},
		{"DSI", dir, b2b.DepartmentIT},
		{"Directeur des Systèmes d'Information", dir, b2b.DepartmentIT},
		{"D.S.I.", dir, b2b.DepartmentIT},
		{"DRH", dir, b2b.DepartmentHR},
		{"DRH France", dir, b2b.DepartmentHR},
		{"Directeur des Ressources Humaines", dir, b2b.DepartmentHR},
		{"DG", cl, b2b.DepartmentExecutive},
		{"DG & Fondateur", cl, b2b.DepartmentExecutive},
		{"DG adjoint", vp, b2b.DepartmentExecutive},
		{"DGA", vp, b2b.DepartmentExecutive},
		{"Directeur Général Adjoint", vp, b2b.DepartmentExecutive},
		{"RSSI", mgr, b2b.DepartmentSecurity},
		{"Responsable de la Sécurité des Systèmes d'Information", mgr, b2b.DepartmentSecurity},
		{"PDG", cl, b2b.DepartmentExecutive},
		// Beside another role word the acronym is something else.
		{"Sales Manager, DAF Trucks", mgr, b2b.DepartmentSales},
		{"Policy Officer, DG Trade", ic, ""},
		{"Head of Unit, DG GROW", dir, ""},
		// Not inside other words.
		{"Dafne", ic, ""},
		{"DSIR Analyst", ic, ""},
		{"Edge Developer", ic, b2b.DepartmentEngineering},
	}
	requireClassified(t, tests)
}

// TestClassifyCommonTitlesInOtherLanguages: ordinary German, French,
// Spanish, Portuguese and Italian titles are read as their English
// equivalents: the salesperson ("Verkäuferin", "Vendeur", "Vendedora"),
// the lawyer ("Rechtsanwältin", "Avocate", "Avvocato"), the information
// security or data protection officer ("IT-Sicherheitsbeauftragter",
// "Datenschutzbeauftragte"), the finance heads of German and Italian
// firms ("Kaufmännischer Leiter", "Finanzvorstand", "Responsabile AFC"),
// the recruiter, the technical director, and the assistant of an
// executive, who is not the executive ("Assistante du PDG").
func TestClassifyCommonTitlesInOtherLanguages(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"IT-Sicherheitsbeauftragter", ic, b2b.DepartmentSecurity},
		{"IT-Sicherheitsbeauftragte", ic, b2b.DepartmentSecurity},
		{"Informationssicherheitsbeauftragter", ic, b2b.DepartmentSecurity},
		{"Datenschutzbeauftragte", ic, b2b.DepartmentLegal},
		{"Verkäufer", ic, b2b.DepartmentSales},
		{"Verkäuferin", ic, b2b.DepartmentSales},
		{"Verkaeuferin", ic, b2b.DepartmentSales},
		{"Außendienstmitarbeiter", ic, b2b.DepartmentSales},
		{"Rechtsanwalt", ic, b2b.DepartmentLegal},
		{"Rechtsanwältin", ic, b2b.DepartmentLegal},
		{"Rechtsanwaeltin", ic, b2b.DepartmentLegal},
		{"Steuerberater", ic, b2b.DepartmentFinance},
		{"Wirtschaftsprüferin", ic, b2b.DepartmentFinance},
		{"Finanzbuchhalterin", ic, b2b.DepartmentFinance},
		{"Personalsachbearbeiterin", ic, b2b.DepartmentHR},
		{"Fachinformatiker", ic, b2b.DepartmentIT},
		{"Kaufmännischer Leiter", dir, b2b.DepartmentFinance},
		{"Kaufmännische Geschäftsführerin", cl, b2b.DepartmentFinance},
		{"Finanzvorstand", cl, b2b.DepartmentFinance},
		{"Technischer Leiter", dir, b2b.DepartmentEngineering},
		{"Technischer Geschäftsführer", cl, b2b.DepartmentEngineering},
		{"Vendeur", ic, b2b.DepartmentSales},
		{"Vendeuse", ic, b2b.DepartmentSales},
		{"Chargé d'affaires", ic, b2b.DepartmentSales},
		{"Avocate", ic, b2b.DepartmentLegal},
		{"Juriste", ic, b2b.DepartmentLegal},
		{"Chargée de Recrutement", ic, b2b.DepartmentHR},
		{"Responsable Recrutement", mgr, b2b.DepartmentHR},
		{"Directeur Technique", dir, b2b.DepartmentIT},
		{"Assistante du PDG", ic, ""},
		{"Assistante de Direction", ic, b2b.DepartmentOperations},
		{"Vendedor", ic, b2b.DepartmentSales},
		{"Vendedora", ic, b2b.DepartmentSales},
		{"Reclutadora", ic, b2b.DepartmentHR},
		{"Director Técnico", dir, b2b.DepartmentIT},
		{"Director Económico", dir, b2b.DepartmentFinance},
		{"Advogada", ic, b2b.DepartmentLegal},
		{"Venditrice", ic, b2b.DepartmentSales},
		{"Avvocato", ic, b2b.DepartmentLegal},
		{"Responsabile AFC", mgr, b2b.DepartmentFinance},
		{"Direttore Amministrativo", dir, b2b.DepartmentFinance},
		{"Consigliere Delegato", cl, b2b.DepartmentExecutive},
		{"Amministratore Unico", cl, b2b.DepartmentExecutive},
	}
	requireClassified(t, tests)
}

// TestClassifyGerantAndSecretaryGeneral: the gérant of a French company
// (a SARL) is its managing director, C-Level in general management, as
// a "Geschäftsführer" is; the gérant of a shop, an agency or a
// restaurant runs it, as a store manager does. A secretary general
// heads an organisation's administration, in English as in French,
// Spanish, Italian, Portuguese and German: C-Level, and its deputy VP.
func TestClassifyGerantAndSecretaryGeneral(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Gérant", cl, b2b.DepartmentExecutive},
		{"Gérante", cl, b2b.DepartmentExecutive},
		{"Co-gérant", cl, b2b.DepartmentExecutive},
		{"Cogérante", cl, b2b.DepartmentExecutive},
		{"Gérant associé", cl, b2b.DepartmentExecutive},
		{"Gérant et Fondateur", cl, b2b.DepartmentExecutive},
		{"Gérant de magasin", mgr, ""},
		{"Gérante d'agence", mgr, ""},
		{"Secrétaire Général", cl, b2b.DepartmentExecutive},
		{"Secrétaire Générale", cl, b2b.DepartmentExecutive},
		{"Secrétaire Général(e)", cl, b2b.DepartmentExecutive},
		{"Secrétaire Général Adjoint", vp, b2b.DepartmentExecutive},
		{"Secretary General", cl, b2b.DepartmentExecutive},
		{"General Secretary", cl, b2b.DepartmentExecutive},
		{"Deputy Secretary General", vp, b2b.DepartmentExecutive},
		{"Secretaria General", cl, b2b.DepartmentExecutive},
		{"Segretario Generale", cl, b2b.DepartmentExecutive},
		{"Secretário Geral", cl, b2b.DepartmentExecutive},
		{"Generalsekretärin", cl, b2b.DepartmentExecutive},
		// The company secretary and a secretary are other jobs.
		{"Company Secretary", ic, b2b.DepartmentLegal},
		{"Secrétaire", ic, b2b.DepartmentOperations},
	}
	requireClassified(t, tests)
}

// TestClassifyBoardsInOtherLanguages: the board of directors is the
// board in French, Spanish, Italian and Portuguese ("Conseil
// d'administration"), and in German the supervisory board (Aufsichtsrat)
// and in French the executive board (Directoire) are boards too: their
// chairs and members are C-Level in general management, as "Chairman of
// the Board of Directors" and "Member of the Board" are. The
// "administration" of their names is no clue of Operations or Finance.
func TestClassifyBoardsInOtherLanguages(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Président du Conseil d'Administration", cl, b2b.DepartmentExecutive},
		{"Membre du Conseil d'Administration", cl, b2b.DepartmentExecutive},
		{"Presidente del Consejo de Administración", cl, b2b.DepartmentExecutive},
		{"Presidente del Consiglio di Amministrazione", cl, b2b.DepartmentExecutive},
		{"Membro do Conselho de Administração", cl, b2b.DepartmentExecutive},
		{"Membre du Directoire", cl, b2b.DepartmentExecutive},
		{"Membre du Conseil de Surveillance", cl, b2b.DepartmentExecutive},
		{"Aufsichtsratsvorsitzender", cl, b2b.DepartmentExecutive},
		{"Vorsitzende des Aufsichtsrats", cl, b2b.DepartmentExecutive},
		{"Mitglied des Aufsichtsrats", cl, b2b.DepartmentExecutive},
		{"Aufsichtsrat", cl, b2b.DepartmentExecutive},
		// The board's assistant is not the board.
		{"Assistante du Conseil d'Administration", ic, ""},
		// Administration without the board is what it was.
		{"Responsable Administration des Ventes", mgr, b2b.DepartmentSales},
		{"Amministrazione e Finanza", ic, b2b.DepartmentFinance},
	}
	requireClassified(t, tests)
}

// TestClassifyAbbreviatedTitles: the abbreviations CRM fields are written
// with read as the words they stand for: "Sys Admin" is a systems
// administrator (IT, not Operations), "Acct" an account, "Fin" finance,
// "Purch" purchasing, "Infra" infrastructure, "CX" customer experience,
// and KAM, BDM and PMM the key account, business development and product
// marketing managers.
func TestClassifyAbbreviatedTitles(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Sys Admin", ic, b2b.DepartmentIT},
		{"Sr. Sys Admin", ic, b2b.DepartmentIT},
		{"Acct Mgr", mgr, b2b.DepartmentSales},
		{"Sr. Acct Exec", ic, b2b.DepartmentSales},
		{"Key Acct Manager", mgr, b2b.DepartmentSales},
		{"Fin Dir", dir, b2b.DepartmentFinance},
		{"VP Fin", vp, b2b.DepartmentFinance},
		{"Purch Mgr", mgr, b2b.DepartmentProcurement},
		{"Head of Infra", dir, b2b.DepartmentIT},
		{"Head of CX", dir, b2b.DepartmentOperations},
		{"KAM", mgr, b2b.DepartmentSales},
		{"BDM", mgr, b2b.DepartmentSales},
		{"PMM", mgr, b2b.DepartmentMarketing},
		// Unchanged: the words in full, and "Chief Fin Officer".
		{"Chief Fin Officer", cl, b2b.DepartmentFinance},
		{"Office Admin", ic, b2b.DepartmentOperations},
	}
	requireClassified(t, tests)
}

// TestClassifyChiefOfficerWithItsAcronym: a chief officer's title spelled
// out and abbreviated ("Chief People Officer (CPO)") is read by the words
// spelled out: the acronym stands for them, not for the office it most
// often means (CPO for product, CSO for security). An acronym of another
// office is a second role of the holder and counts ("CFO & Chief
// Strategy Officer").
func TestClassifyChiefOfficerWithItsAcronym(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Chief People Officer (CPO)", cl, b2b.DepartmentHR},
		{"CPO - Chief People Officer", cl, b2b.DepartmentHR},
		{"Chief Procurement Officer (CPO)", cl, b2b.DepartmentProcurement},
		{"Chief Strategy Officer (CSO)", cl, b2b.DepartmentExecutive},
		{"Chief Sustainability Officer (CSO)", cl, ""},
		{"Chief Human Resources Officer (CHRO)", cl, b2b.DepartmentHR},
		{"Chief Information Security Officer (CISO)", cl, b2b.DepartmentSecurity},
		{"Chief Product Officer (CPO)", cl, b2b.DepartmentProduct},
		{"Chief Information Officer (CIO)", cl, b2b.DepartmentIT},
		{"CSO (Chief Sales Officer)", cl, b2b.DepartmentSales},
		// Another office's acronym is another role.
		{"CFO & Chief Strategy Officer", cl, b2b.DepartmentFinance},
		{"CPO", cl, b2b.DepartmentProduct},
	}
	requireClassified(t, tests)
}

// TestClassifyFunctionWordsOfB2BTitles: function words common in B2B
// titles name their department: marketing communications (MarCom) and
// marketing operations (MOps), the marketing automation systems
// (Marketo, HubSpot, Pardot, Eloqua: their admin is in Marketing, not
// Operations), SAP's ABAP (IT, as SAP is), financing (Finance), bids,
// proposals, tenders and the deal desk (Sales), and subcontracts
// (Procurement).
func TestClassifyFunctionWordsOfB2BTitles(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"MarCom Manager", mgr, b2b.DepartmentMarketing},
		{"Marcomms Specialist", ic, b2b.DepartmentMarketing},
		{"MOps Manager", mgr, b2b.DepartmentMarketing},
		{"Marketo Admin", ic, b2b.DepartmentMarketing},
		{"HubSpot Admin", ic, b2b.DepartmentMarketing},
		{"Pardot Specialist", ic, b2b.DepartmentMarketing},
		{"Eloqua Consultant", ic, b2b.DepartmentMarketing},
		{"ABAP Consultant", ic, b2b.DepartmentIT},
		{"Head of Financing", dir, b2b.DepartmentFinance},
		{"Bid Manager", mgr, b2b.DepartmentSales},
		{"Proposal Manager", mgr, b2b.DepartmentSales},
		{"Tender Manager", mgr, b2b.DepartmentSales},
		{"Deal Desk Analyst", ic, b2b.DepartmentSales},
		{"Subcontract Manager", mgr, b2b.DepartmentProcurement},
		{"Subcontracts Administrator", ic, b2b.DepartmentProcurement},
	}
	requireClassified(t, tests)
}

// TestClassifyGeneralManagementInOtherLanguages: the Portuguese general
// manager ("Gerente Geral") is C-Level as the Spanish "Gerente General"
// is; a managing partner is one in Spanish and Portuguese too ("Socio
// Gerente", "Sócio-Diretor"), and a managing director in German
// ("Geschäftsführender Direktor"); the executive director of other
// languages ("Director Ejecutivo", "Diretor Executivo", "Directeur
// Exécutif") is the "Executive Director" of English: a Director in
// general management. "Hd of" is "Head of".
func TestClassifyGeneralManagementInOtherLanguages(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"Gerente Geral", cl, b2b.DepartmentExecutive},
		{"Socio Gerente", cl, b2b.DepartmentExecutive},
		{"Sócia-Gerente", cl, b2b.DepartmentExecutive},
		{"Sócio-Diretor", cl, b2b.DepartmentExecutive},
		{"Socio Director", cl, b2b.DepartmentExecutive},
		{"Geschäftsführender Direktor", cl, b2b.DepartmentExecutive},
		{"Director Ejecutivo", dir, b2b.DepartmentExecutive},
		{"Directora Ejecutiva", dir, b2b.DepartmentExecutive},
		{"Diretor Executivo", dir, b2b.DepartmentExecutive},
		{"Directeur Exécutif", dir, b2b.DepartmentExecutive},
		{"Direttore Esecutivo", dir, b2b.DepartmentExecutive},
		{"Hd of Sales", dir, b2b.DepartmentSales},
	}
	requireClassified(t, tests)
}

// TestClassifySecretaryOfAnExecutive: a secretary of an executive or of
// the board is the secretary, not the executive, as an assistant is
// ("CEO Assistant", "Assistante du PDG"): "CEO Secretary", "Secrétaire
// du PDG", "Secretary of the Board of Directors". The secretary general
// is an office of its own.
func TestClassifySecretaryOfAnExecutive(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"CEO Secretary", ic, b2b.DepartmentOperations},
		{"Secretary of the Board of Directors", ic, b2b.DepartmentOperations},
		{"Secrétaire du PDG", ic, b2b.DepartmentOperations},
		{"Secrétaire du Conseil d'Administration", ic, b2b.DepartmentOperations},
		{"Secretaria del Presidente", ic, b2b.DepartmentOperations},
		{"Segretaria dell'Amministratore Delegato", ic, b2b.DepartmentOperations},
		{"Assistente dell'Amministratore Delegato", ic, ""},
		{"Secretary General", cl, b2b.DepartmentExecutive},
		{"Secrétaire Générale", cl, b2b.DepartmentExecutive},
		{"Company Secretary", ic, b2b.DepartmentLegal},
	}
	requireClassified(t, tests)
}

// TestClassifyOfficeAndSecretary: an office and the secretary of the
// company written as a list ("President/Secretary", "CFO & Secretary",
// the officers of a small corporation) are two offices of one holder, as
// "Corporate Secretary & CFO" is; only a secretary written right after
// the office ("CEO Secretary") is the office's secretary.
func TestClassifyOfficeAndSecretary(t *testing.T) {
	t.Parallel()
	tests := []titleCase{
		{"President/Secretary", cl, b2b.DepartmentOperations},
		{"President, Secretary", cl, b2b.DepartmentOperations},
		{"President & Secretary", cl, b2b.DepartmentOperations},
		{"Owner/Secretary", cl, b2b.DepartmentOperations},
		{"CEO; Secretary", cl, b2b.DepartmentOperations},
		{"Chief Legal Officer & Secretary", cl, b2b.DepartmentLegal},
		{"VP, General Counsel & Secretary", cl, b2b.DepartmentLegal},
		{"CEO Secretary", ic, b2b.DepartmentOperations},
		{"CEO Secretary, Tokyo", ic, b2b.DepartmentOperations},
		{"CEO Secretary | Acme", ic, b2b.DepartmentOperations},
		{"Secretary to the CEO, Sales", ic, b2b.DepartmentOperations},
	}
	requireClassified(t, tests)
}
