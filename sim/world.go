package sim

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Config describes a synthetic world. Zero fields take the defaults of
// [Config.WithDefaults]; a share (or ActivityScale) of [None] is zero:
// none of what it is a share of.
type Config struct {
	// Seed makes the world reproducible: the same config gives the same
	// world, byte for byte.
	Seed uint64
	// Accounts is the number of accounts. Default 1000.
	Accounts int
	// Start is the first simulated day: a midnight, whose location's
	// calendar days are the world's days (a day of a change to or from
	// daylight saving time has 23 or 25 hours). Default 2026-01-05 in
	// UTC. Each day's activities and deal changes fall within it, from
	// its midnight to the next, that one not included ([World.Date]), in
	// the working hours of each account's zone (see the package doc).
	Start time.Time
	// Days is the simulated period. Default 90.
	Days int
	// SolutionInterests are the IDs of the solution interests accounts may
	// be in market for. Default "data-platform" and "security-suite".
	SolutionInterests []string
	// PersonsPerAccount is the mean number of persons an account has; the
	// actual number grows with the account's size. Default 10.
	PersonsPerAccount int
	// InMarketShare is the share of (account, interest) pairs with a real
	// buying intent. Default 0.25; [None]: no account is in market (and
	// none opens a deal).
	InMarketShare float64
	// ActivityScale multiplies every person's activity rate. Default 1
	// (about 0.05 activities per person per day on average, several times
	// more for the buying committee of an in-market account); [None]: the
	// world has no activities of its own ([Run]'s e-mails still have
	// theirs, and sales reps still follow up alerts).
	ActivityScale float64
	// CRMShare is the share of persons that also exist as CRM contacts
	// (duplicates across sources). Default 0.6; [None]: none.
	CRMShare float64
	// FreeMailShare is the share of persons who use a free-mail address
	// and give their company by name. Default 0.05; [None]: none.
	FreeMailShare float64
	// MissingTitleShare is the share of marketing leads without a title.
	// Default 0.05; [None]: none.
	MissingTitleShare float64
	// SubsidiaryShare is the share of accounts that are subsidiaries of
	// another account. Default 0.1; [None]: none.
	SubsidiaryShare float64
}

// None, as a share of a [Config] (or its ActivityScale, or
// [RunConfig.SalesFollowUp]), asks for zero: a zero field takes its
// default. The world draws the same numbers as with any other share, so
// that everything else stays as it was: only what the share decides
// never happens.
const None = -1.0

// WithDefaults returns the config with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.Accounts = cmp.Or(c.Accounts, 1000)
	if c.Start.IsZero() {
		c.Start = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	}
	c.Days = cmp.Or(c.Days, 90)
	if len(c.SolutionInterests) == 0 {
		c.SolutionInterests = []string{"data-platform", "security-suite"}
	}
	c.PersonsPerAccount = cmp.Or(c.PersonsPerAccount, 10)
	c.InMarketShare = cmp.Or(c.InMarketShare, 0.25)
	c.ActivityScale = cmp.Or(c.ActivityScale, 1)
	c.CRMShare = cmp.Or(c.CRMShare, 0.6)
	c.FreeMailShare = cmp.Or(c.FreeMailShare, 0.05)
	c.MissingTitleShare = cmp.Or(c.MissingTitleShare, 0.05)
	c.SubsidiaryShare = cmp.Or(c.SubsidiaryShare, 0.1)
	return c
}

// Validate reports every problem with the config at once.
func (c Config) Validate() error {
	var ps b2b.Problems
	if c.Accounts < 1 || c.Accounts > 10_000_000 {
		ps.Addf("accounts", "must be between 1 and 10,000,000, got %d", c.Accounts)
	}
	if c.Days < 1 || c.Days > 3660 {
		ps.Addf("days", "must be between 1 and 3660, got %d", c.Days)
	}
	if h, m, sec := c.Start.Clock(); h != 0 || m != 0 || sec != 0 || c.Start.Nanosecond() != 0 {
		ps.Addf("start", "must be a midnight (the start of a day in its location), got %s", c.Start.Format(time.RFC3339Nano))
	}
	if c.PersonsPerAccount < 1 || c.PersonsPerAccount > 1000 {
		ps.Addf("personsPerAccount", "must be between 1 and 1000, got %d", c.PersonsPerAccount)
	}
	// A share of None is below every draw (r.Float64() < None never
	// holds): none of its kind, with the draws of any other share.
	seen := map[string]bool{}
	for i, si := range c.SolutionInterests {
		if si == "" || seen[si] {
			ps.Addf(fmt.Sprintf("solutionInterests[%d]", i), "must be a non-empty, unique ID, got %q", si)
		}
		seen[si] = true
	}
	for _, share := range []struct {
		name string
		v    float64
	}{{"inMarketShare", c.InMarketShare}, {"crmShare", c.CRMShare}, {"freeMailShare", c.FreeMailShare},
		{"missingTitleShare", c.MissingTitleShare}, {"subsidiaryShare", c.SubsidiaryShare}} {
		if !(share.v >= 0 && share.v <= 1) && share.v != None {
			ps.Addf(share.name, "must be a share between 0 and 1, or -1 (sim.None) for none, got %v", share.v)
		}
	}
	if !(c.ActivityScale > 0 && c.ActivityScale <= 100) && c.ActivityScale != None {
		ps.Addf("activityScale", "must be in (0, 100], or -1 (sim.None) for none, got %v", c.ActivityScale)
	}
	return ps.Err("sim config")
}

// World is a synthetic B2B market with its ground truth. Accounts, person
// records and the truth are materialised; activities and opportunity
// changes are generated on demand, day by day, so a world of millions of
// activities costs little memory.
type World struct {
	Config   Config
	Accounts []b2b.Account
	// Persons are the person records as sources deliver them: a marketing
	// lead for every person (IDs "mkto-N"), and for many also a CRM contact
	// ("sfdc-N") with the same email: duplicates that identity resolution
	// must merge.
	Persons []b2b.Person
	Truth   Truth

	zones     []*time.Location // account index -> its zone
	workdays  map[*time.Location][]workday
	people    []truePerson // golden persons, by account
	byAccount [][]int      // account index -> indexes into people
	intents   [][]intent   // account index -> per interest
}

// Truth is what really holds in the world: what a perfect system would
// find. Reports compare Quorum's decisions with it.
type Truth struct {
	// Golden maps each person record ID to the ID of the real person.
	Golden map[b2b.PersonID]b2b.PersonID
	// Account maps each real person to the account they work for.
	Account map[b2b.PersonID]b2b.AccountID
	// Role is each real person's part in a buying committee ("" if none).
	Role map[b2b.PersonID]string
	// Seniority and Department are each real person's true labels.
	Seniority  map[b2b.PersonID]string
	Department map[b2b.PersonID]string
	// Intent is each account's latent buying intent per solution interest,
	// in [0, 1]; InMarket marks the pairs that really buy in the period,
	// from BuyingStart on.
	Intent      map[b2b.AccountID]map[string]float64
	InMarket    map[b2b.AccountID]map[string]bool
	BuyingStart map[b2b.AccountID]map[string]time.Time
	// Opportunities are the deals the world creates, with their outcome
	// (a deal still open at the end has status open).
	Opportunities []b2b.Opportunity
}

type truePerson struct {
	id      b2b.PersonID
	account int
	persona *persona
	// records are the indexes of the person's records in World.Persons;
	// the first is the marketing lead that activities reference.
	records []int
	// activity is the person's own propensity to engage, around 1.
	activity float64
}

type intent struct {
	level    float64
	inMarket bool
	start    int // day the buying window opens
	oppDay   int // day an opportunity is created; -1 for none
	closeDay int // day it closes; -1 while open at the end
	won      bool
}

// ErrConfig is matched by every error of an invalid [Config] or
// [RunConfig].
var ErrConfig = errors.New("invalid sim config")

// New builds a world from cfg (defaults applied).
func New(cfg Config) (*World, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, errors.Join(ErrConfig, err)
	}
	w := &World{Config: cfg, Truth: Truth{
		Golden: map[b2b.PersonID]b2b.PersonID{}, Account: map[b2b.PersonID]b2b.AccountID{},
		Role: map[b2b.PersonID]string{}, Seniority: map[b2b.PersonID]string{}, Department: map[b2b.PersonID]string{},
		Intent: map[b2b.AccountID]map[string]float64{}, InMarket: map[b2b.AccountID]map[string]bool{},
		BuyingStart: map[b2b.AccountID]map[string]time.Time{},
	}}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5157))
	w.buildAccounts(r)
	w.buildPersons(r)
	w.buildIntents(r)
	return w, nil
}

func (w *World) buildAccounts(r *rand.Rand) {
	cfg := w.Config
	w.Accounts = make([]b2b.Account, cfg.Accounts)
	used := map[string]int{}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		a.ID = b2b.AccountID(fmt.Sprintf("acc-%06d", i+1))
		if i > 0 && r.Float64() < cfg.SubsidiaryShare {
			parent := &w.Accounts[r.IntN(i)]
			for parent.ParentID != "" { // subsidiaries hang off a top-level account
				parent = &w.Accounts[accountIndex(parent.ParentID)]
			}
			reg := regions[r.IntN(len(regions))]
			// A parent's second subsidiary in a country is another
			// company: its own name and domain ("Globex US 2",
			// us2.globex.com), so that its persons' e-mails and company
			// names tell it from the first, as the truth does. No draw is
			// added: the rest of the world stays as it was.
			name, sub := parent.Name+" "+reg.country, strings.ToLower(reg.country)
			used[name]++
			if n := used[name]; n > 1 {
				name, sub = fmt.Sprintf("%s %d", name, n), fmt.Sprintf("%s%d", sub, n)
			}
			a.Name = name
			a.Domains = []string{sub + "." + parent.Domains[0]}
			a.Industry = parent.Industry
			a.Employees = max(50, parent.Employees/(2+r.IntN(8)))
			a.Country, a.Region, a.TimeZone = reg.country, reg.region, reg.tz
			a.ParentID = parent.ID
		} else {
			stem := nameStems[r.IntN(len(nameStems))] + nameTails[r.IntN(len(nameTails))]
			used[stem]++
			name := stem
			if n := used[stem]; n > 1 {
				name = fmt.Sprintf("%s %d", stem, n)
			}
			a.Name = name
			a.Domains = []string{domainOf(name)}
			a.Industry = pickIndustry(r)
			// Company sizes are heavy-tailed: many small, few very large.
			a.Employees = int(50 * math.Exp(r.ExpFloat64()*1.6))
			reg := regions[r.IntN(len(regions))]
			a.Country, a.Region, a.TimeZone = reg.country, reg.region, reg.tz
		}
		a.AnnualRevenue = float64(a.Employees) * (150_000 + float64(r.IntN(150_000)))
		a.Owner = owners[r.IntN(len(owners))]
		a.Territory = a.Region
		a.Source = b2b.SourceSalesforce
		a.UpdatedAt = cfg.Start
	}
	// The world's accounts share a few zones: their working days are
	// worked out once for the period (the days around it, which only
	// deals reach, as they are asked for).
	w.zones = make([]*time.Location, len(w.Accounts))
	w.workdays = map[*time.Location][]workday{}
	byName := map[string]*time.Location{}
	for i := range w.Accounts {
		loc, ok := byName[w.Accounts[i].TimeZone]
		if !ok {
			loc = w.Accounts[i].Location()
			byName[w.Accounts[i].TimeZone] = loc
			days := make([]workday, cfg.Days)
			for d := range days {
				days[d] = w.workdayOf(d, loc)
			}
			w.workdays[loc] = days
		}
		w.zones[i] = loc
	}
}

func accountIndex(id b2b.AccountID) int {
	var n int
	fmt.Sscanf(string(id), "acc-%d", &n)
	return n - 1
}

func domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String() + ".com"
}

func pickIndustry(r *rand.Rand) string {
	total := 0
	for _, ind := range industries {
		total += ind.weight
	}
	n := r.IntN(total)
	for _, ind := range industries {
		if n < ind.weight {
			return ind.name
		}
		n -= ind.weight
	}
	return industries[0].name
}

func pickPersona(r *rand.Rand) *persona {
	total := 0
	for i := range personas {
		total += personas[i].weight
	}
	n := r.IntN(total)
	for i := range personas {
		if n < personas[i].weight {
			return &personas[i]
		}
		n -= personas[i].weight
	}
	return &personas[0]
}

func (w *World) buildPersons(r *rand.Rand) {
	cfg := w.Config
	w.byAccount = make([][]int, len(w.Accounts))
	for ai := range w.Accounts {
		a := &w.Accounts[ai]
		// Bigger companies have more known people, up to 3x the mean.
		size := math.Min(3, math.Max(0.3, math.Log10(float64(a.Employees))/2.5))
		n := max(2, int(float64(cfg.PersonsPerAccount)*size*(0.6+0.8*r.Float64())))
		for range n {
			pi := len(w.people)
			tp := truePerson{id: b2b.PersonID(fmt.Sprintf("person-%07d", pi+1)), account: ai, persona: pickPersona(r), activity: 0.4 + 1.2*r.Float64()}
			first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
			title := tp.persona.titles[r.IntN(len(tp.persona.titles))]
			email := fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), pi+1, a.Domains[0])
			company := a.Name
			freeMail := r.Float64() < cfg.FreeMailShare
			if freeMail {
				email = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), pi+1, freeMailDomains[r.IntN(len(freeMailDomains))])
				company = strings.ToUpper(a.Name) + " " + legalSuffixes[r.IntN(len(legalSuffixes))]
			}
			leadTitle := title
			if r.Float64() < cfg.MissingTitleShare {
				leadTitle = ""
			}
			lead := b2b.Person{
				ID: b2b.PersonID(fmt.Sprintf("mkto-%07d", pi+1)), Email: email, FirstName: first, LastName: last,
				Title: leadTitle, Company: company, Source: b2b.SourceMarketo, UpdatedAt: cfg.Start,
				Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: cfg.Start}},
			}
			if r.Float64() < 0.04 { // some people opted out of email long ago
				lead.Consent[b2b.ChannelEmail] = b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: cfg.Start.AddDate(0, -3, 0)}
			}
			if r.Float64() < 0.3 {
				lead.Phone = fmt.Sprintf("+1555%07d", pi+1)
				lead.Consent[b2b.ChannelSMS] = b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: cfg.Start}
			}
			tp.records = append(tp.records, len(w.Persons))
			w.Persons = append(w.Persons, lead)
			if !freeMail && r.Float64() < cfg.CRMShare {
				contact := b2b.Person{
					ID: b2b.PersonID(fmt.Sprintf("sfdc-%07d", pi+1)), Email: email, FirstName: first, LastName: last,
					Title: title, Company: a.Name, AccountID: a.ID, Source: b2b.SourceSalesforce,
					UpdatedAt: cfg.Start.Add(time.Hour),
				}
				tp.records = append(tp.records, len(w.Persons))
				w.Persons = append(w.Persons, contact)
			}
			for _, ri := range tp.records {
				w.Truth.Golden[w.Persons[ri].ID] = tp.id
			}
			w.Truth.Account[tp.id] = a.ID
			w.Truth.Role[tp.id] = tp.persona.role
			w.Truth.Seniority[tp.id] = tp.persona.seniority
			w.Truth.Department[tp.id] = tp.persona.department
			w.byAccount[ai] = append(w.byAccount[ai], pi)
			w.people = append(w.people, tp)
		}
	}
}

func (w *World) buildIntents(r *rand.Rand) {
	cfg := w.Config
	w.intents = make([][]intent, len(w.Accounts))
	for ai := range w.Accounts {
		a := &w.Accounts[ai]
		w.Truth.Intent[a.ID] = map[string]float64{}
		w.Truth.InMarket[a.ID] = map[string]bool{}
		w.Truth.BuyingStart[a.ID] = map[string]time.Time{}
		w.intents[ai] = make([]intent, len(cfg.SolutionInterests))
		for si, interest := range cfg.SolutionInterests {
			it := intent{oppDay: -1, closeDay: -1}
			if r.Float64() < cfg.InMarketShare {
				it.inMarket = true
				it.level = 0.55 + 0.45*r.Float64()
				it.start = r.IntN(max(1, cfg.Days*2/3))
				// Deals open two to six weeks into the buying window, sooner
				// with stronger intent; not every in-market account buys.
				if r.Float64() < 0.35+0.5*it.level {
					it.oppDay = it.start + 14 + int(float64(28)*(1-it.level)) + r.IntN(14)
					it.closeDay = it.oppDay + 30 + r.IntN(40)
					it.won = r.Float64() < 0.2+0.5*it.level
				}
			} else {
				it.level = 0.35 * r.Float64() * r.Float64()
				it.start = cfg.Days + 1 // never opens within the period
			}
			w.intents[ai][si] = it
			w.Truth.Intent[a.ID][interest] = it.level
			w.Truth.InMarket[a.ID][interest] = it.inMarket
			if it.inMarket {
				w.Truth.BuyingStart[a.ID][interest] = cfg.Start.AddDate(0, 0, it.start)
			}
			if it.oppDay >= 0 && it.oppDay < cfg.Days {
				w.Truth.Opportunities = append(w.Truth.Opportunities, w.opportunity(ai, si, cfg.Days))
			}
		}
	}
}

// opportunity returns the state of an (account, interest) deal as of the
// start of day `asOf`.
func (w *World) opportunity(ai, si, asOf int) b2b.Opportunity {
	cfg := w.Config
	it := w.intents[ai][si]
	a := &w.Accounts[ai]
	interest := cfg.SolutionInterests[si]
	o := b2b.Opportunity{
		ID: b2b.OpportunityID(fmt.Sprintf("opp-%s-%s", a.ID, interest)), Account: a.ID,
		SolutionInterest: interest, Product: interest, Name: a.Name + " " + interest,
		Stage: "Qualification", Amount: float64(a.Employees) * 120, Status: b2b.OpportunityOpen,
		CreatedAt: w.workday(ai, it.oppDay).at(2 * time.Hour), Source: b2b.SourceSalesforce,
	}
	o.UpdatedAt = o.CreatedAt
	if it.closeDay >= 0 && it.closeDay < asOf {
		o.ClosedAt = w.workday(ai, it.closeDay).at(8 * time.Hour)
		o.UpdatedAt = o.ClosedAt
		if it.won {
			o.Status, o.Stage = b2b.OpportunityWon, "Closed Won"
		} else {
			o.Status, o.Stage = b2b.OpportunityLost, "Closed Lost"
		}
	}
	// The CRM knows some of the committee as contact roles.
	for _, pi := range w.byAccount[ai] {
		tp := &w.people[pi]
		if crm := crmRole(tp.persona.role); crm != "" && len(tp.records) > 1 && len(o.ContactRoles) < 3 {
			o.ContactRoles = append(o.ContactRoles, b2b.ContactRole{Person: w.Persons[tp.records[1]].ID, Role: crm, Primary: len(o.ContactRoles) == 0})
		}
	}
	return o
}

func crmRole(role string) string {
	switch role {
	case RoleEconomicBuyer:
		return b2b.ContactRoleEconomicBuyer
	case RoleDecisionMaker:
		return b2b.ContactRoleDecisionMaker
	case RoleTechnicalEvaluator:
		return b2b.ContactRoleTechnicalBuyer
	case RoleExecutiveSponsor:
		return b2b.ContactRoleExecutiveSponsor
	}
	return ""
}
