package governance

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// A Label marks data with how it may be used.
type Label = string

// Common labels. Any other non-empty label is accepted. Labels are
// compared exactly, case included ("No-Export" is another label than
// "no-export"); one with blanks around it is refused by [NewGovernor].
const (
	// LabelPersonal is personal data of a business contact (name, email,
	// phone, title).
	LabelPersonal Label = "personal"
	// LabelContact is a direct contact identifier (email address, phone).
	LabelContact Label = "contact"
	// LabelSensitiveCompany is sensitive company data (revenue, deal
	// amounts, internal scores).
	LabelSensitiveCompany Label = "sensitive-company"
	// LabelNoExport is data that must not leave the company's systems.
	LabelNoExport Label = "no-export"
)

// A Use is what a destination does with data.
type Use = string

// Common uses. Any other non-empty use is accepted, compared exactly like
// labels; one with blanks around it is refused by [NewGovernor] and
// [Governor.Check].
const (
	UseAdvertising    Use = "advertising"     // ad platforms (LinkedIn, display)
	UseThirdParty     Use = "third-party"     // any system outside the company
	UseEmailMarketing Use = "email-marketing" // marketing email and SMS
	UseAnalytics      Use = "analytics"
	UseCRM            Use = "crm" // the company's own CRM
)

// A Dataset is a set of fields with labels. Labels on the dataset apply to
// every field; labels on a field add to them.
type Dataset struct {
	Name   string             `json:"name" yaml:"name"`
	Labels []Label            `json:"labels" yaml:"labels"`
	Fields map[string][]Label `json:"fields" yaml:"fields"`
}

// A Policy forbids data with a label for some uses: "no-export may not go
// to advertising or third parties".
// Its label must be carried by a dataset or field of the Governor; a
// policy for a label none carries is refused by [NewGovernor].
type Policy struct {
	Name   string `json:"name" yaml:"name"`
	Forbid Label  `json:"forbid" yaml:"forbid"`
	For    []Use  `json:"for" yaml:"for"`
}

// A Destination is where an activation sends data, with its uses.
type Destination struct {
	Name string `json:"name" yaml:"name"`
	Uses []Use  `json:"uses" yaml:"uses"`
}

// An Activation sends fields of a dataset to a destination (an audience to
// an ad platform, a list to a partner).
type Activation struct {
	Name        string
	Dataset     string
	Fields      []string
	Destination Destination
}

// ErrRefused is matched by every *Refusal.
var ErrRefused = errors.New("activation refused by data-usage policy")

// A Violation is one labelled field that a policy forbids for one use.
type Violation struct {
	Policy  string
	Label   Label
	Dataset string
	Field   string
	Use     Use
	// OnDataset is true when the label comes from the dataset, not the field.
	OnDataset bool
}

func (v Violation) String() string {
	from := "field"
	if v.OnDataset {
		from = "dataset"
	}
	return fmt.Sprintf("field %q of dataset %q is labelled %q (on the %s); policy %q forbids %q for %s",
		v.Field, v.Dataset, v.Label, from, v.Policy, v.Label, v.Use)
}

// A Refusal is an activation that violates policies, with every violation.
type Refusal struct {
	Activation  string
	Destination string
	Violations  []Violation
}

func (r *Refusal) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "activation %q to %q refused: ", r.Activation, r.Destination)
	if len(r.Violations) == 1 {
		b.WriteString(r.Violations[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "%d violations:", len(r.Violations))
	for _, v := range r.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Is reports whether target is ErrRefused.
func (r *Refusal) Is(target error) bool { return target == ErrRefused }

// A Governor enforces data-usage policies on activations. It is immutable
// (it keeps copies of the datasets and policies it was built from) and safe
// for concurrent use.
type Governor struct {
	datasets map[string]Dataset
	policies []Policy
}

// NewGovernor validates datasets and policies and reports every problem.
func NewGovernor(datasets []Dataset, policies []Policy) (*Governor, error) {
	var ps b2b.Problems
	g := &Governor{datasets: map[string]Dataset{}}
	// Every label of a dataset or field; one with blanks around it as
	// trimmed: it is reported where it is, not again at the policy.
	carried := map[Label]bool{}
	for i, d := range datasets {
		path := fmt.Sprintf("datasets[%d]", i)
		switch {
		case strings.TrimSpace(d.Name) == "":
			ps.Addf(path+".name", "is required")
		case g.datasets[d.Name].Name != "":
			ps.Addf(path+".name", "duplicate dataset %q", d.Name)
		}
		for j, l := range d.Labels {
			checkName(&ps, fmt.Sprintf("%s.labels[%d]", path, j), l, "is empty", "policy's label")
			carried[strings.TrimSpace(l)] = true
		}
		for _, f := range sortedKeys(d.Fields) {
			for j, l := range d.Fields[f] {
				checkName(&ps, fmt.Sprintf("%s.fields.%s[%d]", path, f, j), l, "is empty", "policy's label")
				carried[strings.TrimSpace(l)] = true
			}
		}
		g.datasets[d.Name] = cloneDataset(d)
	}
	names := map[string]bool{}
	for i, p := range policies {
		path := fmt.Sprintf("policies[%d]", i)
		if strings.TrimSpace(p.Name) == "" {
			ps.Addf(path+".name", "is required")
		} else if names[p.Name] {
			ps.Addf(path+".name", "duplicate policy %q", p.Name)
		}
		names[p.Name] = true
		if !checkName(&ps, path+".forbid", p.Forbid, "is required (the label the policy forbids)", "dataset's label") {
			checkCarried(&ps, path+".forbid", p, carried)
		}
		if len(p.For) == 0 {
			ps.Addf(path+".for", "needs at least one use")
		}
		for j, u := range p.For {
			checkName(&ps, fmt.Sprintf("%s.for[%d]", path, j), u, "is empty", "destination's use")
		}
	}
	g.policies = make([]Policy, len(policies))
	for i, p := range policies {
		p.For = slices.Clone(p.For)
		g.policies[i] = p
	}
	if err := ps.Err("data governance"); err != nil {
		return nil, err
	}
	return g, nil
}

// Labels returns the labels of a field: the dataset's and the field's own.
func (g *Governor) Labels(dataset, field string) ([]Label, error) {
	d, ok := g.datasets[dataset]
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q", dataset)
	}
	fl, ok := d.Fields[field]
	if !ok {
		return nil, fmt.Errorf("dataset %q has no field %q", dataset, field)
	}
	return append(slices.Clone(d.Labels), fl...), nil
}

// Check allows or refuses an activation. It returns a *b2b.ValidationError,
// with every problem of the activation at once, when the activation names
// an unknown dataset or field (nothing unknown is let through), sends no
// field, or its destination declares no use or a blank one; a *Refusal
// (matching ErrRefused) listing every violation when a policy forbids a
// label of an activated field for a use of the destination; and nil when
// the activation is allowed.
func (g *Governor) Check(a Activation) error {
	var ps b2b.Problems
	// Every problem at once: an unknown dataset hides none of the others
	// (its fields alone cannot be checked).
	d, known := g.datasets[a.Dataset]
	if !known {
		ps.Addf("dataset", "unknown dataset %q", a.Dataset)
	}
	if len(a.Fields) == 0 {
		ps.Addf("fields", "an activation sends at least one field")
	}
	if len(a.Destination.Uses) == 0 {
		ps.Addf("destination.uses", "destination %q declares no use; policies cannot be checked", a.Destination.Name)
	}
	for i, u := range a.Destination.Uses {
		checkName(&ps, fmt.Sprintf("destination.uses[%d]", i), u, "is empty; policies cannot be checked", "policy's use")
	}
	for i, f := range a.Fields {
		if _, ok := d.Fields[f]; !ok && known {
			ps.Addf(fmt.Sprintf("fields[%d]", i), "dataset %q has no field %q", a.Dataset, f)
		}
	}
	if err := ps.Err("activation %q", a.Name); err != nil {
		return err
	}
	var vs []Violation
	for _, f := range a.Fields {
		for _, p := range g.policies {
			onField := slices.Contains(d.Fields[f], p.Forbid)
			if !onField && !slices.Contains(d.Labels, p.Forbid) {
				continue
			}
			for _, u := range a.Destination.Uses {
				if slices.Contains(p.For, u) {
					vs = append(vs, Violation{Policy: p.Name, Label: p.Forbid, Dataset: d.Name, Field: f, Use: u, OnDataset: !onField})
				}
			}
		}
	}
	if len(vs) > 0 {
		return &Refusal{Activation: a.Name, Destination: a.Destination.Name, Violations: vs}
	}
	return nil
}

// checkName reports a label or use that is blank (empty), or that has
// blanks around it: labels and uses match exactly, so " no-export" would
// match no policy's "no-export" (what, for the message) and let through
// what it forbids.
// It reports whether it found a problem.
func checkName(ps *b2b.Problems, path, s, empty, what string) bool {
	switch t := strings.TrimSpace(s); {
	case t == "":
		ps.Addf(path, "%s", empty)
	case t != s:
		ps.Addf(path, "%q has blanks around it: it would match no %s", s, what)
	default:
		return false
	}
	return true
}

// checkCarried reports a policy whose label no dataset or field carries.
// A Governor's datasets are fixed when it is built, so such a policy
// forbids nothing, ever: most likely its label is misspelt ("no_export",
// "No-Export"), and what it was written to keep in would go out. A label
// carried in another case is named, as labels are compared case included.
func checkCarried(ps *b2b.Problems, path string, p Policy, carried map[Label]bool) {
	if carried[p.Forbid] {
		return
	}
	hint := ""
	var cased []string
	for l := range carried {
		if strings.EqualFold(l, p.Forbid) {
			cased = append(cased, fmt.Sprintf("%q", l))
		}
	}
	if len(cased) > 0 {
		slices.Sort(cased)
		hint = fmt.Sprintf(" (labels are compared case included; a dataset or field carries %s)", strings.Join(cased, ", "))
	}
	ps.Addf(path, "policy %q forbids %q, which no dataset or field carries: it would forbid nothing%s", p.Name, p.Forbid, hint)
}

// cloneDataset copies d's labels and fields, deeply.
func cloneDataset(d Dataset) Dataset {
	d.Labels = slices.Clone(d.Labels)
	fields := make(map[string][]Label, len(d.Fields))
	for f, ls := range d.Fields {
		fields[f] = slices.Clone(ls)
	}
	d.Fields = fields
	return d
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
