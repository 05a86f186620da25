package persona

import "github.com/quorumhq/quorum/b2b"

// senGroup lists words and phrases that set one seniority level.
type senGroup struct {
	level b2b.Seniority
	words string
}

// builtinSeniorities is the shipped seniority vocabulary. The highest level
// found in a title wins ("Senior Manager, Sales Engineering" is Manager,
// "Founder & Head of Product" is C-Level); titles with no seniority word are
// Individual Contributor.
var builtinSeniorities = []senGroup{
	{b2b.SeniorityCLevel, `ceo, cfo, coo, cto, cio, ciso, cso, cmo, cro, cpo, chro, cho, cdo, clo, cco, cao, cgo, cno,
		cxo, chief executive, chief exec, chief technology officer, chief technical officer, chief exec officer, chief tech officer, chief info officer, chief info sec officer,
		chief info security officer, chief infosec officer, chief fin officer, president, presidente, presidenta, presidentessa, prasident, prasidentin, praesident, praesidentin, founder,
		founders, cofounder, co founder, owner, owners, co owner, coowner, owner operator, managing principal, proprietor, entrepreneur, chairman,
		chairwoman, chairperson, chair, co chair, cochair, executive chair, non executive chair, nonexecutive chair, chair of the board, board chair, vice chairman, vice chair, board member,
		member of the board, board director, board of directors, non executive director, nonexecutive director,
		managing director, managing dir, mng dir, man dir, managing partner,
		general counsel, director general, dir gen, directeur general, directrice generale, directora general,
		gerente general, pdg, dg, geschaftsfuhrer, geschaftsfuhrerin, geschaeftsfuehrer, geschaeftsfuehrerin,
		vorstand, vorstandsvorsitzender, inhaber, inhaberin, grunder, grunderin, gruender, gruenderin, fondateur,
		fondatrice, fundador, fundadora, cofondateur, cofondatrice, fondatore, cofondatore, cofundador, cofundadora, mitgrunder, mitgrunderin, mitgruender,
		mitgruenderin, mitbegrunder, mitbegrunderin, mitbegruender, mitbegruenderin, direttore generale, direttrice generale, amministratore delegato,
		diretor geral, diretora geral, consejero delegado, consejera delegada, vorstandsvorsitzende, vorstandsmitglied, mitglied des vorstands,
		vorsitzender der geschaftsfuhrung, vorsitzende der geschaftsfuhrung, vorsitzender der geschaeftsfuehrung,
		vorsitzende der geschaeftsfuehrung, geschaftsfuhrender gesellschafter, geschaftsfuhrende gesellschafterin,
		geschaeftsfuehrender gesellschafter, geschaeftsfuehrende gesellschafterin, amministratrice delegata,
		consigliere delegato, consigliera delegata, amministratore unico, amministratrice unica, finanzvorstand, finanzvorstandin,
		` + generalOffices},
	{b2b.SeniorityVP, `vice president, vice presidents, vice presidente, vice presidenta, vicepresident, vicepresidente, vicepresidenta, vice pres,
		vizeprasident, vizeprasidentin, vizepraesident, vizepraesidentin, vp, vps, svp, evp, avp, gvp, rvp, cvp, deputy general counsel,
		dga`},
	{b2b.SeniorityDirector, `director, directors, dir, directeur, directrice, directora, diretor, diretora, direttore,
		direttrice, direktor, direktorin, subdirector, subdirectora, vicedirector, vicedirectora, subdiretor, subdiretora,
		vicedirettore, vicedirettrice, head, head of, leiter, leiterin, leitung, abteilungsleiter,
		abteilungsleiterin, abteilungsleitung, bereichsleiter, bereichsleiterin, bereichsleitung, hauptabteilungsleiter,
		hauptabteilungsleitung, chief of staff,
		executive director, exec director, executive dir, exec dir, general manager, general mgr, gen manager,
		gen mgr, gm, hod, art director, creative director, department chair, associate general counsel,
		assistant general counsel, daf, dsi, drh, hd of, director ejecutivo, directora ejecutiva, diretor executivo, diretora executiva, directeur executif,
		directrice executive, direttore esecutivo, direttrice esecutiva`},
	{b2b.SeniorityManager, `manager, managers, managerin, mgr, mngr, manger, team lead, team leader, tech lead,
		technical lead, lead, leader, supervisor, supervisors, supv, superintendent, foreman, forewoman,
		shift lead, shift supervisor, teamleiter, teamleiterin, teamleitung, schichtleiter, schichtleiterin, schichtleitung,
		projektleiter, projektleiterin, projektleitung, gruppenleiter, gruppenleiterin, gruppenleitung, gerente, gestor,
		gestora, jefe, jefa, responsable, encargado, encargada, responsabile, chef de, chef des, chef du, chef d, account manager, product manager, project manager,
		program manager, programme manager, office manager, store manager, category manager, case manager,
		relationship manager, commodity manager, managing editor, rssi, kam, bdm, pmm, gerant de, gerante de, gerant du, gerante du,
		gerant des, gerante des, gerant d, gerante d`},
	{b2b.SeniorityIndividual, `engineer, engineers, developer, programmer, analyst, analysts, specialist, specialists,
		consultant, consultants, associate, associates, assoc, assistant, asst, coordinator, representative, rep,
		administrator, technician, technologist, accountant, clerk, intern, internship, trainee, apprentice,
		student, scientist, researcher, designer, architect, tester, officer, agent, executive, exec, writer,
		editor, recruiter, buyer, planner, counsel, attorney, lawyer, paralegal, generalist, auditor, nurse,
		teacher, professor, lecturer, fellow, contributor, staff, principal, account executive,
		executive assistant, exec assistant, executive asst, exec asst, product owner, process owner, service owner, data owner, system owner,
		application owner, business process owner, risk owner, control owner, account owner, business partner,
		channel partner, alliance partner, hr business partner, people partner, hr partner, talent partner, talent acquisition partner,
		recruiting partner, recruitment partner, client partner, founding engineer,
		sous chef, chef de cuisine, chef de partie, lead generation, lead gen, head hunter, headhunter, specialiste, especialista,
		analista, asistente, asesor, berater, beraterin, sachbearbeiter, referent, referentin, mitarbeiter,
		mitarbeiterin, stagiaire, practicante, becario, ingenieur, ingenieurin, ingeniero, ingeniera,
		engenheiro, entwickler, entwicklerin, comptable, assistente, ingegnere, sviluppatore, sviluppatrice, assistante,
		assistant de direction, assistante de direction, beauftragter, beauftragte, sachbearbeiterin,
		begleiter, begleiterin, assistent, assistentin, assistenz, sekretar, sekretarin, sekretaer, sekretaerin`},
}

// The words below carry no department or level but are known, so a title
// made only of them and of seniority words ("Senior Vice President, EMEA")
// gets no department rather than Other.
const builtinNeutral = `senior, sr, snr, junior, jr, jnr, global, regional, region, national, international,
	worldwide, local, corporate, enterprise, business, group, division, divisional, district, area, country,
	north, south, east, west, central, northeast, northwest, southeast, southwest, northern, southern, eastern,
	western, america, americas, american, emea, apac, apj, latam, emear, europe, european, asia, pacific,
	africa, middle, na, noram, us, usa, uk, eu, dach, nordic, nordics, benelux, anz, india, china, japan, canada,
	germany, france, mexico, brazil, level, grade, band, ii, iii, iv, vi, vii, viii, ix, and, of, the, for, in,
	at, on, an, with, de, des, du, la, le, les, del, et, und, fur, der, die, das, el, los, las, da, do, dos, to,
	di, dell, della, dello, degli, delle, al, alla, allo,
	acting, interim, temporary, temp, freelance, freelancer, independent, part, time, full, fulltime,
	parttime, remote, hybrid, new, former, ex, retired, mid, market, smb, sme, midmarket, strategic, special,
	general, team, member, members, deputy, managing, founding, board, chief, consulting, advisory, advisor,
	adviser, expert, professional, practitioner, worker, employee, individual, solutions, solution, services,
	service, support, internal, external, key, principal, lead, head, vice, executive, exec, officer, vize,
	stellvertretender, stellvertretende, stellvertreter, stellvertreterin, stellv, adjoint, adjointe, adjunto,
	adjunta, delegue, deleguee, dy, dep, dpty`
