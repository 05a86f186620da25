package buyinggroup

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Definitions are a buying-group program: solution interests, the role
// templates they use and their stage models. [Compile] validates them.
type Definitions struct {
	Interests []SolutionInterest `json:"interests"`
	// Templates may omit the standard template: an interest that names
	// [StandardTemplateID] gets [StandardTemplate] unless one is defined.
	Templates []RoleTemplate `json:"templates,omitempty"`
	// StageModels may omit the default model likewise.
	StageModels []StageModel `json:"stageModels,omitempty"`
}

// Config is how definitions are compiled. The zero value is ready to use.
type Config struct {
	// Engine compiles the rules; nil means rules.New(). Share one engine
	// across a program so compiled rules are shared.
	Engine rules.Engine
}

// MaxRequiredRoles is the number of required roles above which a template
// gets a warning: over-specified templates never complete.
const MaxRequiredRoles = 5

// A Warning is something legal but probably wrong in the definitions.
type Warning struct {
	Path string
	Msg  string
}

func (w Warning) String() string { return w.Path + ": " + w.Msg }

// Catalog is a compiled, validated set of [Definitions]. It is immutable
// and safe for concurrent use; its methods are pure functions of their
// arguments (group state in, new state and events out).
type Catalog struct {
	engine    rules.Engine
	interests []*Interest
	templates []*Template
	models    []*Model
	warnings  []Warning
}

// Interest is a compiled [SolutionInterest].
type Interest struct {
	SolutionInterest
	applies  *rules.Expr[AccountEnv, bool] // nil: applies to every account
	template *Template
	model    *Model
}

// RoleTemplate returns the interest's compiled role template: the
// catalog's own, to read only.
func (i *Interest) RoleTemplate() *Template { return i.template }

// Model returns the interest's compiled stage model: the catalog's own,
// to read only.
func (i *Interest) Model() *Model { return i.model }

// Template is a compiled [RoleTemplate].
type Template struct {
	RoleTemplate
	rules      []*rules.Expr[RoleEnv, bool] // per role
	byName     map[string]int
	byCRM      map[string]int // CRM contact role -> role index
	thresholds []float64
}

// RoleIndex returns the index of the role named name (compared
// case-insensitively, spaces around either name ignored), or -1.
func (t *Template) RoleIndex(name string) int {
	// Most callers pass a role's own name: finding it among the few roles
	// costs no lowercased copy of the name.
	for i := range t.Roles {
		if t.Roles[i].Name == name {
			return i
		}
	}
	if i, ok := t.byName[strings.ToLower(strings.TrimSpace(name))]; ok {
		return i
	}
	return -1
}

// RoleRule returns the compiled qualification rule of role i.
func (t *Template) RoleRule(i int) *rules.Expr[RoleEnv, bool] { return t.rules[i] }

// RoleForContactRole returns the index of the role that a CRM contact role
// fills, or -1 when none does.
func (t *Template) RoleForContactRole(crmRole string) int {
	if i, ok := t.byCRM[strings.ToLower(strings.TrimSpace(crmRole))]; ok {
		return i
	}
	return -1
}

// MaxRolesPerPerson returns the effective number of roles one person may
// hold in a group of this template.
func (t *Template) MaxRolesPerPerson() int { return t.maxRolesPerPerson() }

// Model is a compiled [StageModel].
type Model struct {
	StageModel
	index  map[string]int
	allow  map[[2]int]bool
	auto   []autoTransition
	entry  []int
	succes int
}

type autoTransition struct {
	from, to int // from -1: any open stage
	when     *rules.Expr[StageEnv, bool]
}

// Compile validates and compiles definitions. It reports every problem at
// once as a [*b2b.ValidationError] whose paths locate each problem
// ("templates[1].roles[2].rule", "interests[0].template"); rule compile
// errors keep their line, column and caret. Warnings (legal but probably
// wrong: more than [MaxRequiredRoles] required roles, a template with no
// required role, an unknown CRM contact role, an unreachable stage, two
// interests with one CRM product) are on the returned catalog, see
// [Catalog.Warnings].
func Compile(defs Definitions, cfg Config) (*Catalog, error) {
	eng := cfg.Engine
	if eng == nil {
		eng = rules.New()
	}
	c := &Catalog{engine: eng}
	var ps b2b.Problems

	templates := defs.Templates
	if !slices.ContainsFunc(templates, func(t RoleTemplate) bool { return t.ID == StandardTemplateID }) {
		templates = append(slices.Clip(templates), StandardTemplate())
	}
	models := defs.StageModels
	if !slices.ContainsFunc(models, func(m StageModel) bool { return m.ID == DefaultStageModelID }) {
		models = append(slices.Clip(models), DefaultStageModel())
	}

	tByID, tFirst := map[string]*Template{}, map[string]int{}
	for i, t := range templates {
		path := fmt.Sprintf("templates[%d]", i)
		ct := compileTemplate(eng, t, path, &ps, &c.warnings)
		if t.ID != "" {
			if j, dup := tFirst[t.ID]; dup {
				ps.Addf(path+".id", "duplicate template ID %q (also templates[%d])", t.ID, j)
			} else {
				tFirst[t.ID] = i
			}
			tByID[t.ID] = ct
		}
		c.templates = append(c.templates, ct)
	}
	mByID, mFirst := map[string]*Model{}, map[string]int{}
	for i, m := range models {
		path := fmt.Sprintf("stageModels[%d]", i)
		cm := compileModel(eng, m, path, &ps, &c.warnings)
		if m.ID != "" {
			if j, dup := mFirst[m.ID]; dup {
				ps.Addf(path+".id", "duplicate stage model ID %q (also stageModels[%d])", m.ID, j)
			} else {
				mFirst[m.ID] = i
			}
			mByID[m.ID] = cm
		}
		c.models = append(c.models, cm)
	}
	if len(defs.Interests) == 0 {
		ps.Addf("interests", "at least one solution interest is required")
	}
	seen := map[string]int{}
	// The interests' CRM products, blanks around them removed, by the
	// first interest of each: compared with strings.EqualFold, as
	// MatchesOpportunity compares them (lowercasing folds fewer pairs:
	// "ΠΟΛΙΣ" and "πολις" match one opportunity, yet lowercase apart).
	type product struct {
		name     string
		interest int
	}
	var products []product
	for i, si := range defs.Interests {
		path := fmt.Sprintf("interests[%d]", i)
		ci := &Interest{SolutionInterest: si}
		if p := strings.TrimSpace(si.CRMProduct); p != "" {
			if j := slices.IndexFunc(products, func(q product) bool { return strings.EqualFold(q.name, p) }); j >= 0 {
				c.warnings = append(c.warnings, Warning{path + ".crmProduct", fmt.Sprintf("%q is also the CRM product of interests[%d], which takes every opportunity of that product that names no solution interest: this interest's groups get none of them (name the solution interest on such opportunities)", si.CRMProduct, products[j].interest)})
			} else {
				products = append(products, product{p, i})
			}
		}
		switch {
		case strings.TrimSpace(si.ID) == "":
			ps.Addf(path+".id", "is required")
		case strings.Contains(si.ID, "/"):
			ps.Addf(path+".id", "%q must not contain '/'", si.ID)
		default:
			if j, dup := seen[si.ID]; dup {
				ps.Addf(path+".id", "duplicate solution interest ID %q (also interests[%d])", si.ID, j)
			}
			seen[si.ID] = i
		}
		if ci.Name == "" {
			ci.Name = si.ID
		}
		if si.URL != "" {
			if err := checkPageURL(si.URL); err != nil {
				ps.Addf(path+".url", "%q: %v", si.URL, err)
			}
		}
		if si.Template == "" {
			ps.Addf(path+".template", "is required (use %q for the standard template)", StandardTemplateID)
		} else if ci.template = tByID[si.Template]; ci.template == nil {
			ps.Addf(path+".template", "unknown role template %q", si.Template)
		}
		modelID := cmpOr(si.StageModel, DefaultStageModelID)
		ci.StageModel = modelID
		if ci.model = mByID[modelID]; ci.model == nil {
			ps.Addf(path+".stageModel", "unknown stage model %q", modelID)
		}
		if strings.TrimSpace(si.Applies.Source) != "" {
			r := si.Applies
			r.Name = cmpOr(r.Name, si.ID+" applies")
			ci.Applies = r
			x, err := rules.Compile[AccountEnv, bool](eng, r)
			ps.Add(path+".applies", err)
			ci.applies = x
		}
		c.interests = append(c.interests, ci)
	}
	if err := ps.Err("buying-group definitions"); err != nil {
		return nil, err
	}
	return c, nil
}

func compileTemplate(eng rules.Engine, t RoleTemplate, path string, ps *b2b.Problems, ws *[]Warning) *Template {
	ct := &Template{RoleTemplate: t, byName: map[string]int{}, byCRM: map[string]int{}}
	// The catalog keeps lists of its own: it is immutable, whatever the
	// caller does with its definitions afterwards.
	ct.Roles = slices.Clone(t.Roles)
	for i := range ct.Roles {
		ct.Roles[i].ContactRoles = slices.Clone(ct.Roles[i].ContactRoles)
	}
	ct.CompletenessThresholds = slices.Clone(t.CompletenessThresholds)
	if strings.TrimSpace(t.ID) == "" {
		ps.Addf(path+".id", "is required")
	}
	if ct.Name == "" {
		ct.Name = t.ID
	}
	if len(t.Roles) == 0 {
		ps.Addf(path+".roles", "a template needs at least one role")
	}
	if t.MaxRolesPerPerson < 0 {
		ps.Addf(path+".maxRolesPerPerson", "must not be negative, got %d", t.MaxRolesPerPerson)
	}
	required := 0
	ct.rules = make([]*rules.Expr[RoleEnv, bool], len(t.Roles))
	for i := range ct.Roles {
		r := &ct.Roles[i]
		rp := fmt.Sprintf("%s.roles[%d]", path, i)
		key := strings.ToLower(strings.TrimSpace(r.Name))
		if key == "" {
			ps.Addf(rp+".name", "is required")
		} else if j, dup := ct.byName[key]; dup {
			ps.Addf(rp+".name", "duplicate role name %q (also roles[%d])", r.Name, j)
		} else {
			ct.byName[key] = i
		}
		if r.Required {
			required++
		}
		if r.MinMembers < 0 {
			ps.Addf(rp+".minMembers", "must not be negative, got %d", r.MinMembers)
		}
		if r.MaxMembers < 0 {
			ps.Addf(rp+".maxMembers", "must not be negative, got %d", r.MaxMembers)
		} else if r.MaxMembers > 0 && r.MaxMembers < r.min() {
			ps.Addf(rp+".maxMembers", "unsatisfiable: at most %d members but at least %d required", r.MaxMembers, r.min())
		}
		if math.IsNaN(r.Weight) || math.IsInf(r.Weight, 0) || r.Weight < 0 {
			ps.Addf(rp+".weight", "must be a finite non-negative number, got %v", r.Weight)
		} else if r.Weight > MaxRoleWeight {
			ps.Addf(rp+".weight", "%v is beyond %v", r.Weight, float64(MaxRoleWeight))
		}
		for k, cr := range r.ContactRoles {
			ck := strings.ToLower(strings.TrimSpace(cr))
			cp := fmt.Sprintf("%s.contactRoles[%d]", rp, k)
			if ck == "" {
				ps.Addf(cp, "is empty")
				continue
			}
			if j, dup := ct.byCRM[ck]; dup {
				ps.Addf(cp, "CRM contact role %q already fills roles[%d]", cr, j)
				continue
			}
			ct.byCRM[ck] = i
			if !slices.ContainsFunc(standardContactRoles, func(s string) bool { return strings.EqualFold(s, ck) }) {
				*ws = append(*ws, Warning{cp, fmt.Sprintf("%q is not a standard CRM contact role (%s); fine if your CRM defines it", cr, strings.Join(standardContactRoles, ", "))})
			}
		}
		if strings.TrimSpace(r.Rule.Source) == "" {
			ps.Addf(rp+".rule", "is required (a boolean expression over person and account)")
			continue
		}
		r.Rule.Name = cmpOr(r.Rule.Name, r.Name)
		x, err := rules.Compile[RoleEnv, bool](eng, r.Rule)
		ps.Add(rp+".rule", err)
		ct.rules[i] = x
	}
	if len(t.Roles) > 0 && required == 0 {
		*ws = append(*ws, Warning{path + ".roles", "no role is required: completeness is always 1"})
	}
	if required > MaxRequiredRoles {
		*ws = append(*ws, Warning{path + ".roles", fmt.Sprintf("%d required roles: templates with more than %d required roles rarely complete; start with 3-5 essential roles", required, MaxRequiredRoles)})
	}
	ct.thresholds = ct.CompletenessThresholds
	if ct.thresholds == nil {
		// A copy: a host that changes the package's defaults later
		// changes no catalog compiled before.
		ct.thresholds = slices.Clone(DefaultCompletenessThresholds)
	}
	for i, th := range ct.thresholds {
		if math.IsNaN(th) || th <= 0 || th > 1 {
			ps.Addf(fmt.Sprintf("%s.completenessThresholds[%d]", path, i), "must be in (0, 1], got %v", th)
		} else if i > 0 && th <= ct.thresholds[i-1] {
			ps.Addf(fmt.Sprintf("%s.completenessThresholds[%d]", path, i), "thresholds must ascend: %v follows %v", th, ct.thresholds[i-1])
		}
	}
	return ct
}

var standardContactRoles = []string{
	b2b.ContactRoleBusinessUser, b2b.ContactRoleDecisionMaker, b2b.ContactRoleEconomicBuyer,
	b2b.ContactRoleEconomicDecisionMaker, b2b.ContactRoleEvaluator, b2b.ContactRoleExecutiveSponsor,
	b2b.ContactRoleInfluencer, b2b.ContactRoleTechnicalBuyer, b2b.ContactRoleOther,
}

func compileModel(eng rules.Engine, m StageModel, path string, ps *b2b.Problems, ws *[]Warning) *Model {
	cm := &Model{StageModel: m, index: map[string]int{}, allow: map[[2]int]bool{}, succes: -1}
	// Lists of its own: a transition's default rule name is written into
	// them, never into the caller's definitions (see compileTemplate).
	cm.Stages = slices.Clone(m.Stages)
	cm.Transitions = slices.Clone(m.Transitions)
	if strings.TrimSpace(m.ID) == "" {
		ps.Addf(path+".id", "is required")
	}
	if len(m.Stages) == 0 {
		ps.Addf(path+".stages", "a stage model needs at least one stage")
	}
	for i, s := range m.Stages {
		sp := fmt.Sprintf("%s.stages[%d]", path, i)
		switch {
		case strings.TrimSpace(s.Name) == "":
			ps.Addf(sp+".name", "is required")
		case s.Name == "*":
			ps.Addf(sp+".name", `"*" is reserved (it means every open stage in transitions)`)
		default:
			if j, dup := cm.index[s.Name]; dup {
				ps.Addf(sp+".name", "duplicate stage %q (also stages[%d])", s.Name, j)
			} else {
				cm.index[s.Name] = i
			}
		}
		if s.Success && s.Failure {
			ps.Addf(sp, "stage %q cannot be both the success stage and a failure stage", s.Name)
		}
		if s.Entry && (s.Success || s.Failure) {
			ps.Addf(sp+".entry", "a closed stage (%q) cannot be an entry stage", s.Name)
		}
		if s.Entry {
			cm.entry = append(cm.entry, i)
		}
		if s.Success {
			if cm.succes >= 0 {
				ps.Addf(sp+".success", "only one success stage is allowed (also stages[%d])", cm.succes)
			} else {
				cm.succes = i
			}
		}
	}
	if len(m.Stages) > 0 {
		if len(cm.entry) == 0 {
			ps.Addf(path+".stages", "no entry stage: mark at least one stage Entry")
		}
		if cm.succes < 0 {
			ps.Addf(path+".stages", "no success stage: mark exactly one stage Success")
		}
	}
	seen := map[[2]string]int{}
	for i, tr := range m.Transitions {
		tp := fmt.Sprintf("%s.transitions[%d]", path, i)
		from, fromOK := cm.index[tr.From]
		if tr.From == "*" {
			from, fromOK = -1, true
		} else if !fromOK {
			ps.Addf(tp+".from", "unknown stage %q", tr.From)
		}
		to, toOK := cm.index[tr.To]
		if !toOK {
			ps.Addf(tp+".to", "unknown stage %q", tr.To)
		}
		if tr.From == tr.To && fromOK {
			ps.Addf(tp, "a transition from %q to itself is not a transition", tr.From)
		}
		k := [2]string{tr.From, tr.To}
		if j, dup := seen[k]; dup {
			ps.Addf(tp, "duplicate transition %q -> %q (also transitions[%d])", tr.From, tr.To, j)
		}
		seen[k] = i
		if fromOK && toOK {
			for _, f := range cm.froms(from) {
				if f != to {
					cm.allow[[2]int{f, to}] = true
				}
			}
		}
		if strings.TrimSpace(tr.When.Source) != "" {
			r := tr.When
			r.Name = cmpOr(r.Name, tr.From+" -> "+tr.To)
			cm.Transitions[i].When = r
			x, err := rules.Compile[StageEnv, bool](eng, r)
			ps.Add(tp+".when", err)
			if x != nil && fromOK && toOK {
				cm.auto = append(cm.auto, autoTransition{from: from, to: to, when: x})
			}
		}
	}
	if len(cm.entry) > 0 {
		reach := map[int]bool{}
		queue := slices.Clone(cm.entry)
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			if reach[s] {
				continue
			}
			reach[s] = true
			for to := range m.Stages {
				if cm.allow[[2]int{s, to}] {
					queue = append(queue, to)
				}
			}
		}
		for i, s := range m.Stages {
			if !reach[i] && s.Name != "" {
				*ws = append(*ws, Warning{fmt.Sprintf("%s.stages[%d]", path, i), fmt.Sprintf("stage %q is not reachable from an entry stage", s.Name)})
			}
		}
	}
	return cm
}

// froms expands a transition's source: -1 is every open stage.
func (m *Model) froms(from int) []int {
	if from >= 0 {
		return []int{from}
	}
	var out []int
	for i, s := range m.Stages {
		if !s.Success && !s.Failure {
			out = append(out, i)
		}
	}
	return out
}

// Allowed reports whether the model allows moving from one stage to
// another.
func (m *Model) Allowed(from, to string) bool {
	f, ok1 := m.index[from]
	t, ok2 := m.index[to]
	return ok1 && ok2 && m.allow[[2]int{f, t}]
}

// Next returns the stages the model allows moving to from a stage, in
// model order.
func (m *Model) Next(from string) []string {
	f, ok := m.index[from]
	if !ok {
		return nil
	}
	var out []string
	for t, s := range m.Stages {
		if m.allow[[2]int{f, t}] {
			out = append(out, s.Name)
		}
	}
	return out
}

// EntryStages returns the stages a new group may start in; the first is
// the default.
func (m *Model) EntryStages() []string {
	out := make([]string, len(m.entry))
	for i, e := range m.entry {
		out[i] = m.Stages[e].Name
	}
	return out
}

// SuccessStage returns the model's success stage.
func (m *Model) SuccessStage() string { return m.Stages[m.succes].Name }

// Closed reports whether stage is the success stage or a failure stage.
func (m *Model) Closed(stage string) bool {
	i, ok := m.index[stage]
	return ok && (m.Stages[i].Success || m.Stages[i].Failure)
}

// Warnings returns what is legal but probably wrong in the definitions.
func (c *Catalog) Warnings() []Warning { return slices.Clone(c.warnings) }

// Engine returns the rules engine the catalog was compiled with.
func (c *Catalog) Engine() rules.Engine { return c.engine }

// Interests returns the compiled solution interests in definition order,
// as copies (see [Catalog.Interest]).
func (c *Catalog) Interests() []*Interest {
	out := make([]*Interest, len(c.interests))
	for k, i := range c.interests {
		cp := *i
		out[k] = &cp
	}
	return out
}

// Interest returns the interest with the given ID. It is a copy: changing
// its fields changes nothing in the catalog. Its [Interest.RoleTemplate]
// and [Interest.Model] are the catalog's own, to read only.
func (c *Catalog) Interest(id string) (*Interest, bool) {
	i := c.interest(id)
	if i == nil {
		return nil, false
	}
	cp := *i
	return &cp, true
}

// interest returns the catalog's own interest with the given ID, or nil.
func (c *Catalog) interest(id string) *Interest {
	for _, i := range c.interests {
		if i.ID == id {
			return i
		}
	}
	return nil
}

// Templates returns the compiled role templates in definition order (the
// standard template last when it was not defined). They are the
// catalog's own, to read only.
func (c *Catalog) Templates() []*Template { return slices.Clone(c.templates) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkPageURL checks that s is a URL a message can link to: absolute,
// http or https, with a host, and nothing a link would not carry (spaces,
// control characters).
func checkPageURL(s string) error {
	if strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return errors.New("must not contain spaces or control characters")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an absolute http or https URL")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("must not carry a user name or password")
	}
	return nil
}
