package persona

import "github.com/quorumhq/quorum/b2b"

// deptGroup lists words and phrases that point to one department with one
// weight. Weights:
//
//	3  a function noun that names the department (sales, payroll, network)
//	2  a role noun or a medium clue (engineer, buyer, people, revenue)
//	1  a weak clue that loses to any stronger one (operations, data, office)
//
// Phrases are written in their normalised form (lower case, no accents,
// words separated by single spaces), comma-separated.
type deptGroup struct {
	dept   b2b.Department
	weight int
	words  string
}

// builtinDepartments is the shipped department vocabulary. It was written
// from general knowledge of job titles and checked against the function words
// of the IPOD gazetteer (CC BY 4.0, see testdata/SOURCE.md).
var builtinDepartments = []deptGroup{
	// The function of C-suite and other titles whose words alone would not say it.
	{b2b.DepartmentFinance, 3, `cfo, chief fin officer, daf`},
	{b2b.DepartmentSecurity, 3, `ciso, cso, chief info sec officer, chief info security officer, chief infosec officer`},
	{b2b.DepartmentEngineering, 3, `cto, chief technology officer, chief technical officer, chief tech officer`},
	{b2b.DepartmentIT, 3, `cio, cdo, chief info officer, dsi`},
	{b2b.DepartmentMarketing, 3, `cmo, cgo, art director, creative director`},
	{b2b.DepartmentSales, 3, `cro`},
	{b2b.DepartmentProduct, 3, `cpo`},
	{b2b.DepartmentHR, 3, `chro, cho, drh`},
	{b2b.DepartmentLegal, 3, `clo, general counsel, associate general counsel, assistant general counsel,
		deputy general counsel`},
	{b2b.DepartmentOperations, 3, `coo`},
	{b2b.DepartmentOther, 3, `cno`},

	{b2b.DepartmentFinance, 3, `finance, finances, financial, fiscal, accounting, accountant, accountants,
		accounts payable, accounts receivable, accounts receivables, payable, payables, receivable, receivables,
		general ledger, ledger, fp&a, fpa, financial planning, treasury, treasurer, tax, taxes, taxation,
		audit, auditing, auditor, auditors, internal audit, controller, comptroller, controllership, controlling,
		bookkeeper, bookkeeping, billing, invoicing, actuary, actuarial, credit, collections, investor relations,
		investment, investments, banker, banking, underwriter, underwriting, lending, loan, loans, mortgage, wealth,
		asset management, valuation, m&a, mergers and acquisitions, budget, budgeting, reconciliation, p&l, cash,
		payroll, revenue accounting, revenue accountant, private equity, venture capital, trading, trader,
		derivatives, securities, fund accountant, corporate finance, costing,
		comptabilite, comptable, contabilidad, contable, contador, contadora, contabilidade, finanzas, finanzen,
		finanz, buchhaltung, buchhalter, buchhalterin, rechnungswesen, tresorerie, tesoreria, financeiro,
		financeira, financiero, financiera, financier, financiere, controleur, controleuse,
		controleur de gestion, controle de gestion, finanza, finanziario, finanziaria, contabilita,
		amministrazione e finanza, amministrazione finanza e controllo`},
	{b2b.DepartmentFinance, 2, `payment, payments, cost, costs, pricing, risk, fraud, claims, insurance, fund, funds`},

	{b2b.DepartmentIT, 3, `it, information technology, information systems, infrastructure, network, networks,
		networking, sysadmin, system administrator, systems administrator, system admin, systems admin, helpdesk,
		help desk, service desk, desktop, desktop support, it support, technical support, tech support, database,
		databases, dba, database administrator, erp, sap, salesforce, servicenow, business intelligence, bi,
		data warehouse, data warehousing, etl, cloud, aws, azure, gcp, telecom, telecoms, telecommunications, voip,
		unix, linux, active directory, vmware, citrix, end user computing, enterprise architect,
		enterprise architecture, itsm, itil, ict, mis, it operations, data analyst, informatique, informatica,
		informatik, systemes, tecnologia, tecnologias, technologie, ti, sistemi informativi`},
	{b2b.DepartmentIT, 2, `systems, system, technology, technologies, computer, computers, computing, information,
		data analytics, data management, data governance, master data, service management, information management,
		server, servers, storage, backup, end user, digital transformation, crm, sistemas, sql`},
	{b2b.DepartmentIT, 1, `data, analytics, reporting, technical, tech, technician, technicians, technologist,
		integration, implementation, application, applications`},

	{b2b.DepartmentEngineering, 3, `software, software development, devops, site reliability,
		sre, qa, quality assurance, sdet, test automation, frontend, front end, backend, back end, fullstack,
		full stack, ios, android, firmware, embedded, hardware, electrical, electronics, electronic, mechanical,
		civil, structural, aerospace, circuit, circuits, analog, asic, fpga, rf, silicon, semiconductor, vlsi,
		machine learning, ml, ai, artificial intelligence, deep learning, computer vision, nlp, data science,
		data scientist, data scientists, data engineer, data engineering, analytics engineer, mlops,
		platform engineering, r&d, research and development, research development, java, javascript, python,
		golang, c++, c#, react, nodejs, ruby, php, scala, kotlin, solutions architect, solution architect,
		software architect, technical architect, founding engineer, technical writer, technical writing,
		scrum, scrum master, agile coach, release engineering, release manager, build engineer, ingenieria, ingenierie, logiciel, genie, ingegneria, ricerca e sviluppo`},
	{b2b.DepartmentEngineering, 2, `agile, release, releases, engineering, eng, engr, engg, developer, developers, dev, devs, programmer, programmers, programming, coder,
		coding, engineer, engineers, architect, architects, tester, testers, testing, test, mobile, web, platform,
		chemical, manufacturing engineer, ingenieur, ingenieurin, ingeniero, ingeniera, engenheiro, entwickler,
		entwicklerin, entwicklung, technik, desarrollador, desarrolladora, developpeur, developpeuse, programador, ingegnere, sviluppatore, sviluppatrice`},
	{b2b.DepartmentEngineering, 1, `development, architecture, automation, desarrollo, developpement, sviluppo`},

	{b2b.DepartmentSecurity, 3, `security, cybersecurity, cyber, infosec, information security, it security,
		network security, application security, appsec, cloud security, secops, devsecops, soc,
		security operations, penetration tester, penetration testing, pentester, pentest, ethical hacker, hacker,
		threat, threats, vulnerability, vulnerabilities, incident response, iam,
		identity and access management, red team, blue team, malware, security architect, securite, seguridad,
		sicherheit, ciberseguridad, cybersecurite, sicurezza informatica, securite informatique,
		securite des systemes d information, securite du systeme d information, securite de l information,
		securite de linformation, rssi, seguridad informatica, seguridad de la informacion, seguridad de informacion,
		seguranca informatica, seguranca da informacao, seguranca de informacao, ciberseguranca`},
	{b2b.DepartmentSecurity, 2, `identity, grc, forensics, trust and safety`},

	{b2b.DepartmentMarketing, 3, `marketing, marketer, marketeer, mktg, mkt, brand, branding, brands, demand generation,
		demand gen, lead generation, lead gen, growth marketing, corporate communications, pr, public relations,
		media relations, advertising, seo, sem, ppc, paid media, paid search, social media, digital marketing,
		copywriter, copywriting, copy writer, graphic, graphic designer, graphic design, product marketing,
		field marketing, abm, account based marketing, customer marketing, partner marketing, market research,
		marketing automation, marketing operations, influencer, brand ambassador, media planner, media buyer,
		analyst relations, web content, mercadeo, mercadotecnia`},
	{b2b.DepartmentMarketing, 2, `content, communications, communication, comms, public affairs, media, social,
		growth, campaign, campaigns, events, event, creative, graphics, market intelligence, community,
		sponsorship, sponsorships, customer advocacy, go to market, gtm, kommunikation, comunicacion`},
	{b2b.DepartmentMarketing, 1, `digital, writer, editor, editorial`},

	{b2b.DepartmentSales, 3, `sales, account executive, account manager, account management, account director,
		key account, key accounts, strategic accounts, enterprise accounts, named accounts, sdr, bdr,
		business development, bizdev, biz dev, revenue operations, revops, inside sales, field sales,
		channel sales, customer success, client success, presales, pre sales, sales engineer, salesperson,
		salesman, saleswoman, sales development, new business, business developer, ventes, vente, ventas,
		vendas, vertrieb, verkauf, vendite, vendita`},
	{b2b.DepartmentSales, 2, `account, accounts, revenue, channel, channels, partnerships, partnership, alliances,
		alliance, commercial, comercial, commerciale, commerciali, store manager, relationship manager, client relationship,
		client partner, territory, solutions consultant, solution consultant, bd, seller, selling`},
	{b2b.DepartmentSales, 1, `retail, store, client, clients, customer, customers, representative, rep, reps`},

	{b2b.DepartmentOperations, 3, `supply chain, data entry, practice manager, logistics, logistic, warehouse, warehousing, fulfillment, fulfilment,
		facilities, facility, facilities management, office manager, executive assistant, exec assistant, executive asst, exec asst, administrative assistant,
		receptionist, safety, ehs, hse, health and safety, customer service, customer support, customer care,
		client services, customer operations, call center, contact center, field service, inventory, shipping,
		transportation, fleet, freight, demand planning, demand planner, operaciones, logistique, logistica,
		logistik, produktion, produccion, kundenservice, produzione`},
	{b2b.DepartmentOperations, 2, `operating, distribution, manufacturing, production, plant, factory, assembly,
		maintenance, administrative, personal assistant, secretary, front desk, project manager, projektleiter, projektleiterin,
		project management, pmo, program manager, program management, programme manager, business operations,
		bizops, quality control, qc, service delivery, receiving, transport, dispatch, dispatcher,
		process improvement, continuous improvement, operational excellence, lean, six sigma, business process,
		real estate, workplace, field operations, service operations, customer experience`},
	{b2b.DepartmentOperations, 1, `operations, operation, ops, operational, office, administration, admin, project,
		projects, projet, proyecto, proyectos, program, programs, programme, quality, planner, planning, scheduler, scheduling, process,
		operator`},

	{b2b.DepartmentHR, 3, `hr, human resources, human resource, human capital, people operations, people and culture,
		people culture, talent, talent acquisition, talent management, recruiting, recruiter, recruiters,
		recruitment, sourcer, staffing, hris, compensation, benefits, total rewards, learning and development,
		learning development, l&d, organizational development, organisational development, employee relations,
		employee experience, labor relations, labour relations, dei, hr business partner, hrbp, personnel,
		headhunter, head hunter, people partner, hr partner, talent partner, talent acquisition partner,
		recruiting partner, recruitment partner, ressources humaines, recursos humanos, rh, rrhh, personalwesen,
		personalabteilung, risorse umane, leiter personal, leiterin personal, leitung personal`},
	{b2b.DepartmentHR, 2, `people, rewards, learning, training, trainer, workforce, onboarding, diversity, inclusion`},
	{b2b.DepartmentHR, 1, `culture, employee`},

	{b2b.DepartmentLegal, 3, `legal, counsel, corporate counsel, attorney, attorneys, lawyer, lawyers, paralegal,
		paralegals, solicitor, barrister, jurist, juristin, notary, litigation, litigator, regulatory affairs,
		data protection, dpo, intellectual property, patent, patents, trademark, company secretary,
		corporate secretary, juridique, juridico, juridica, justiziar, avocat, abogado, abogada, advogado, ufficio legale, affari legali`},
	{b2b.DepartmentLegal, 2, `compliance, regulatory, privacy, contracts, contract, contract management, ethics, recht`},
	{b2b.DepartmentLegal, 1, `governance, regulation`},

	{b2b.DepartmentProcurement, 3, `procurement, purchasing, purchaser, sourcing, strategic sourcing, vendor management,
		supplier management, supply management, commodity manager, procure to pay, achats, achat, compras,
		einkauf, beschaffung, acquisti, ufficio acquisti, approvvigionamenti`},
	{b2b.DepartmentProcurement, 2, `purchase, buyer, buyers, vendor, vendors, supplier, suppliers, category manager,
		category management, commodity, spend, acheteur, acheteuse, comprador, compradora, einkaufer, einkauferin, einkaeufer, einkaeuferin`},

	{b2b.DepartmentProduct, 3, `product manager, product management, product owner, product design, product designer,
		product analyst, product operations, product strategy, ux, ui, user experience, user interface,
		user research, interaction design, interaction designer`},
	{b2b.DepartmentProduct, 2, `product, products, produit, produits, producto, productos, produkt`},
	{b2b.DepartmentProduct, 1, `designer, design`},

	{b2b.DepartmentOther, 3, `clinical, clinic, clinician, nurse, nurses, nursing, physician, doctor, surgeon, surgery,
		medicine, patient, hospital, hospitalist, pharmacist, pharmacy, therapist, therapy, physiotherapist,
		dentist, dental, hygienist, veterinarian, veterinary, psychologist, psychiatrist, counselor, counsellor,
		social worker, caseworker, paramedic, emt, radiology, radiologic, radiographer, sonographer,
		phlebotomist, biostatistician, biologist, chemist, physicist, geologist, geophysicist, microbiologist,
		biochemist, epidemiologist, professor, lecturer, teacher, tutor, educator, faculty, dean, academic,
		graduate student, librarian, chef, cook, sous chef, chef de cuisine, chef de partie, waiter, waitress,
		bartender, barista, electrician, plumber, carpenter, welder, journalist, reporter, translator,
		interpreter, pastor, priest, clergy, firefighter, soldier, realtor, nanny, caregiver, janitor,
		custodian, fitness, yoga, athlete, postdoctoral, postdoc`},
	{b2b.DepartmentOther, 2, `medical, healthcare, pharmaceutical, laboratory, lab, statistician, economist, scientist,
		scientists, researcher, researchers, teaching, instructor, student, phd, school, university, college,
		library, cashier, driver, pilot, mechanic, artist, musician, photographer, military, army, navy,
		sergeant, lieutenant, housekeeper, housekeeping, agriculture, coach, case manager, flight attendant`},
	{b2b.DepartmentOther, 1, `research, health, scientific`},
}
