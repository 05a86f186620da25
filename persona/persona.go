package persona

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/quorumhq/quorum/b2b"
)

// A Persona is what a job title says about its holder.
type Persona struct {
	// Seniority is one of [b2b.Seniorities], or "" when the title is empty or
	// has no words.
	Seniority b2b.Seniority
	// Department is one of [b2b.Departments], or "" when the title names no
	// function and no general management ("Senior Vice President").
	Department b2b.Department
	// Confidence, in [0, 1], is the mean of the confidence in the seniority
	// and in the department; an unknown part counts as 0.
	Confidence float64
	// Reasons say which words decided the seniority and the department, in
	// that order, and why others lost.
	Reasons []string
}

// A Classifier derives a [Persona] from a free-text job title.
// Implementations must be safe for concurrent use and deterministic.
type Classifier interface {
	Classify(title string) Persona
}

// ClassifierFunc adapts a function to a [Classifier].
type ClassifierFunc func(title string) Persona

// Classify calls f(title).
func (f ClassifierFunc) Classify(title string) Persona { return f(title) }

// Config extends or overrides the vocabulary of the shipped classifier.
// Its zero value is the shipped classifier.
//
// Keywords are words or phrases of up to five words; they are matched after
// normalisation (case, accents and punctuation do not matter: "VP Eng",
// "vp-eng" and "Vp. Eng" are the same keyword). A keyword that the built-in
// vocabulary also holds replaces the built-in meaning; the empty value ""
// removes it. A custom department keyword weighs more than any built-in
// one, so it decides whenever its words are in a title, also inside a
// longer built-in phrase that holds them (a custom "security" decides
// the department of "Information Security Manager", whose built-in
// phrase "information security" takes its department). A custom
// seniority keyword changes that keyword only.
type Config struct {
	// Departments maps keywords to a department of [b2b.Departments], or to
	// "" to make a built-in keyword say nothing about the department (a
	// word of general management, such as "founder", then no longer makes
	// a title without a function Executive).
	Departments map[string]b2b.Department
	// Seniorities maps keywords to a level of [b2b.Seniorities], or to "" to
	// make a built-in keyword say nothing about seniority.
	Seniorities map[string]b2b.Seniority
}

// Validate reports every problem of c at once as a [*b2b.ValidationError]
// with the path of each bad keyword, such as
//
//	departments["growth hacking"]: unknown department "Growth" (want one of Finance, IT, ...)
func (c Config) Validate() error {
	_, err := c.build(nil)
	return err
}

// TitleClassifier is the shipped keyword classifier. Build one with
// [Standard] or [New]; it is immutable and safe for concurrent use.
type TitleClassifier struct {
	lx *lexicon
}

var _ Classifier = (*TitleClassifier)(nil)

var standard = sync.OnceValue(func() *TitleClassifier {
	lx, err := builtinLexicon()
	if err != nil {
		// The built-in tables are constants of this package; a test
		// guarantees that they build.
		panic(err)
	}
	return &TitleClassifier{lx: lx}
})

// Standard returns the shipped classifier with the built-in vocabulary.
// It is shared and safe for concurrent use.
func Standard() *TitleClassifier { return standard() }

// New returns a classifier with the built-in vocabulary extended and
// overridden by cfg, or the validation error of cfg.
func New(cfg Config) (*TitleClassifier, error) {
	lx, err := cfg.build(standard().lx)
	if err != nil {
		return nil, err
	}
	return &TitleClassifier{lx: lx}, nil
}

// build validates c and, when base is not nil, returns base extended by c.
func (c Config) build(base *lexicon) (*lexicon, error) {
	var ps b2b.Problems
	var lx *lexicon
	if base != nil {
		lx = base.clone()
	}
	seenDep := map[string]string{}
	var customDeps []*term // the custom keywords that name a department
	for _, key := range slices.Sorted(maps.Keys(c.Departments)) {
		dept := c.Departments[key]
		path := fmt.Sprintf("departments[%q]", key)
		phrase, ok := checkKeyword(&ps, path, key, seenDep)
		if dept != "" && !slices.Contains(b2b.Departments, dept) {
			ps.Addf(path, "unknown department %q (want one of %s)", dept, strings.Join(b2b.Departments, ", "))
			ok = false
		}
		if ok && lx != nil {
			t := lx.get(phrase)
			t.dept, t.weight, t.customDep = dept, customWeight, true
			if dept == "" {
				// Nothing about the department: not general
				// management either ("founder": "").
				t.weight = 0
				t.flags &^= flagGeneral
			} else {
				customDeps = append(customDeps, t)
			}
		}
	}
	if lx != nil {
		lx.spreadCustomDepartments(customDeps)
	}
	seenSen := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(c.Seniorities)) {
		level := c.Seniorities[key]
		path := fmt.Sprintf("seniorities[%q]", key)
		phrase, ok := checkKeyword(&ps, path, key, seenSen)
		if level != "" && !slices.Contains(b2b.Seniorities, level) {
			ps.Addf(path, "unknown seniority %q (want one of %s)", level, strings.Join(b2b.Seniorities, ", "))
			ok = false
		}
		if ok && lx != nil {
			t := lx.get(phrase)
			t.seniority, t.customSen = level, true
			// A custom level is the whole meaning of the keyword for
			// seniority: drop the special rules of chief/officer/partner
			// and of deputies and assistants.
			t.flags &^= seniorityFlags
		}
	}
	if err := ps.Err("persona config"); err != nil {
		return nil, err
	}
	if lx != nil {
		lx.index()
	}
	return lx, nil
}

// checkKeyword normalises key and reports an empty, too long or duplicate
// keyword.
func checkKeyword(ps *b2b.Problems, path, key string, seen map[string]string) (string, bool) {
	phrase, n := normalizePhrase(key)
	switch {
	case n == 0:
		ps.Addf(path, "keyword has no words")
		return "", false
	case n > maxPhraseWords:
		ps.Addf(path, "keyword has %d words (at most %d)", n, maxPhraseWords)
		return "", false
	}
	if prev, dup := seen[phrase]; dup {
		ps.Addf(path, "same keyword as %q once normalised (%q)", prev, phrase)
		return "", false
	}
	seen[phrase] = key
	return phrase, true
}

// Apply fills the empty Seniority and Department of p from its title with
// c, and returns the updated person and the persona found. Values already
// set on p are kept, never overwritten.
func Apply(c Classifier, p b2b.Person) (b2b.Person, Persona) {
	if p.Seniority != "" && p.Department != "" {
		return p, Persona{Seniority: p.Seniority, Department: p.Department, Confidence: 1,
			Reasons: []string{"seniority and department already set on the person"}}
	}
	got := c.Classify(p.Title)
	if p.Seniority == "" {
		p.Seniority = got.Seniority
	}
	if p.Department == "" {
		p.Department = got.Department
	}
	return p, got
}
