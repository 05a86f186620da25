package sim

import "github.com/quorumhq/quorum/b2b"

// persona is a (seniority, department) pair with the titles that people of
// that kind carry and the buying-committee role they truly play.
type persona struct {
	seniority  b2b.Seniority
	department b2b.Department
	role       string // the true role; "" for persons outside the committee
	weight     int    // relative frequency in an account
	titles     []string
}

// True buying-committee roles of the ground truth.
const (
	RoleEconomicBuyer      = "Economic Buyer"
	RoleDecisionMaker      = "Decision Maker"
	RoleTechnicalEvaluator = "Technical Evaluator"
	RoleChampion           = "Champion"
	RoleInfluencer         = "Influencer"
	RoleEndUser            = "End User"
	RoleExecutiveSponsor   = "Executive Sponsor"
	RoleProcurement        = "Procurement"
)

// personas is the population a synthetic account draws from. Titles vary in
// wording and abbreviation as real CRM data does.
var personas = []persona{
	{b2b.SeniorityCLevel, b2b.DepartmentFinance, RoleEconomicBuyer, 3, []string{"Chief Financial Officer", "CFO", "Chief Financial Officer (CFO)", "CFO & Treasurer"}},
	{b2b.SeniorityCLevel, b2b.DepartmentExecutive, RoleExecutiveSponsor, 2, []string{"Chief Executive Officer", "CEO", "Founder & CEO", "President", "Managing Director"}},
	{b2b.SeniorityCLevel, b2b.DepartmentIT, RoleDecisionMaker, 3, []string{"Chief Information Officer", "CIO", "Chief Technology Officer", "CTO"}},
	{b2b.SeniorityCLevel, b2b.DepartmentSecurity, RoleDecisionMaker, 1, []string{"Chief Information Security Officer", "CISO"}},
	{b2b.SeniorityVP, b2b.DepartmentFinance, RoleEconomicBuyer, 2, []string{"VP Finance", "Vice President of Finance", "SVP, Finance & Accounting"}},
	{b2b.SeniorityVP, b2b.DepartmentEngineering, RoleTechnicalEvaluator, 4, []string{"VP of Engineering", "VP Engineering", "SVP, Platform Engineering", "Vice President, Software Engineering"}},
	{b2b.SeniorityVP, b2b.DepartmentIT, RoleTechnicalEvaluator, 3, []string{"VP of IT", "VP, IT Infrastructure", "SVP, Global IT Infrastructure"}},
	{b2b.SeniorityDirector, b2b.DepartmentIT, RoleTechnicalEvaluator, 4, []string{"Director of IT", "IT Director", "Head of IT Operations", "Director, Enterprise Architecture"}},
	{b2b.SeniorityDirector, b2b.DepartmentEngineering, RoleTechnicalEvaluator, 4, []string{"Director of Data Engineering", "Head of Data", "Engineering Director", "Head of Platform"}},
	{b2b.SeniorityDirector, b2b.DepartmentProcurement, RoleProcurement, 2, []string{"Director of Procurement", "Head of Procurement", "Procurement Director"}},
	{b2b.SeniorityManager, b2b.DepartmentEngineering, RoleChampion, 5, []string{"Data Engineering Manager", "Engineering Manager", "Analytics Manager", "Tech Lead, Data Platform"}},
	{b2b.SeniorityManager, b2b.DepartmentIT, RoleChampion, 4, []string{"IT Manager", "Infrastructure Manager", "Systems Manager"}},
	{b2b.SeniorityManager, b2b.DepartmentProcurement, RoleProcurement, 1, []string{"Procurement Manager", "Purchasing Manager", "Sourcing Manager"}},
	{b2b.SeniorityIndividual, b2b.DepartmentEngineering, RoleEndUser, 8, []string{"Sr. Data Engineer", "Data Engineer", "Software Engineer", "Senior Software Engineer", "Data Scientist", "Analytics Engineer"}},
	{b2b.SeniorityIndividual, b2b.DepartmentIT, RoleEndUser, 5, []string{"Systems Administrator", "DevOps Engineer", "Database Administrator", "Cloud Engineer"}},
	{b2b.SeniorityIndividual, b2b.DepartmentFinance, RoleInfluencer, 3, []string{"Financial Analyst", "Senior Accountant", "FP&A Analyst"}},
	{b2b.SeniorityDirector, b2b.DepartmentSecurity, RoleInfluencer, 2, []string{"Director of Security", "Head of Information Security", "Security Architect"}},
	{b2b.SeniorityIndividual, b2b.DepartmentMarketing, "", 4, []string{"Marketing Coordinator", "Marketing Specialist", "Content Manager", "Demand Generation Specialist"}},
	{b2b.SeniorityIndividual, b2b.DepartmentSales, "", 4, []string{"Account Executive", "Sales Development Representative", "Inside Sales Rep"}},
	{b2b.SeniorityManager, b2b.DepartmentHR, "", 2, []string{"HR Manager", "Talent Acquisition Manager", "People Operations Manager"}},
	{b2b.SeniorityIndividual, b2b.DepartmentOperations, "", 3, []string{"Operations Analyst", "Office Manager", "Customer Support Specialist"}},
}

var firstNames = []string{"Ann", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kara", "Luis", "Maya", "Nils", "Olga", "Priya", "Quinn", "Raj", "Sara", "Tom", "Uma", "Victor", "Wen", "Yusuf", "Zoe"}
var lastNames = []string{"Adams", "Berg", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Kim", "Lopez", "Muller", "Novak", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"}

var nameStems = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Massive", "Oscorp", "Wonka", "Gringotts", "Nakatomi", "Virtucon", "Monarch", "Dunder", "Pied", "Prestige", "Sterling", "Bluth", "Krusty", "Duff", "Ollivander", "Zorg", "Weyland", "Nimbus"}
var nameTails = []string{"", " Systems", " Labs", " Analytics", " Networks", " Health", " Logistics", " Energy", " Dynamics", " Partners"}
var legalSuffixes = []string{"Inc.", "LLC", "Ltd", "GmbH", "S.A.", "plc", "Corp."}

var industries = []struct {
	name   string
	weight int
}{{"Software", 5}, {"Financial Services", 3}, {"Healthcare", 2}, {"Manufacturing", 3}, {"Retail", 2}, {"Telecommunications", 1}, {"Education", 1}, {"Energy", 1}}

var regions = []struct{ country, region, tz string }{
	{"US", "NA", "America/New_York"}, {"US", "NA", "America/Los_Angeles"}, {"CA", "NA", "America/Toronto"},
	{"GB", "EMEA", "Europe/London"}, {"DE", "EMEA", "Europe/Berlin"}, {"FR", "EMEA", "Europe/Paris"},
	{"JP", "APAC", "Asia/Tokyo"}, {"AU", "APAC", "Australia/Sydney"},
}

var freeMailDomains = []string{"gmail.com", "outlook.com", "yahoo.com"}

var owners = []string{"alex.sales@quorum.example", "bianca.sales@quorum.example", "chris.sales@quorum.example", "dana.sales@quorum.example"}

var forms = []struct {
	name   string
	intent float64 // how strongly filling it signals buying intent
}{{"Newsletter Signup", 0.1}, {"Whitepaper Download", 0.4}, {"ROI Calculator", 0.7}, {"Contact Us", 0.8}, {"Demo Request", 1.0}}

var pages = []struct {
	url    string
	intent float64
}{{"/blog/data-mesh", 0.1}, {"/resources/guide", 0.3}, {"/product/overview", 0.5}, {"/customers", 0.5}, {"/docs/security", 0.6}, {"/pricing", 0.9}}
