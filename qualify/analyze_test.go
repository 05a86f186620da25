package qualify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestAnalyze(t *testing.T) {
	t.Parallel()
	type want struct {
		Conditions, Nodes         int
		Cacheable, Safe, Complete bool
		Inputs                    []string // the memo key: what the constraints leave to decide
		Constraints               []string
		Refs                      []string
	}
	tests := []struct {
		src  string
		want want
	}{
		{`person.seniority == "VP"`, want{1, 5, true, true, true, nil,
			[]string{`person.seniority in [VP]`}, []string{"person.seniority"}}},
		{`person.seniority in ["C-Level", "VP"] && person.department == "Finance"`, want{2, 13, true, true, true, nil,
			[]string{`person.seniority in [C-Level VP]`, `person.department in [Finance]`},
			[]string{"person.seniority", "person.department"}}},
		{`("IT" == person.department || person.department == "Security") && icontains(person.title, "cloud")`, want{3, 18, true, true, false,
			[]string{"person.title"},
			[]string{`person.department in [IT Security]`}, []string{"person.department", "person.title"}}},
		{`person.seniority == "VP" || person.department == "IT"`, want{2, 11, true, true, false,
			[]string{"person.department", "person.seniority"}, nil, []string{"person.seniority", "person.department"}}},
		{`person.seniority not in ["VP"] && account.employees > 500`, want{2, 13, true, true, false,
			[]string{"person.seniority", "account.employees"}, nil, []string{"person.seniority", "account.employees"}}},
		{`match(person.title, "(?i)^head of") && person.department == "IT"`, want{2, 12, true, true, false,
			[]string{"person.title"}, []string{`person.department in [IT]`}, []string{"person.title", "person.department"}}},
		{`person.title matches account.name`, want{1, 7, true, false, false, []string{"person.title", "account.name"}, nil, []string{"person.title", "account.name"}}},
		{`attr(person.attributes, "tier", "") == "gold" && person.seniority == "VP"`, want{2, 15, false, true, false, nil,
			[]string{`person.seniority in [VP]`}, []string{`attr(person.attributes, "tier")`, "person.seniority"}}},
		{`daysSince(person.updatedAt) < 90 && person.seniority == "Manager"`, want{2, 13, false, false, false, nil, nil,
			[]string{"now", "person.updatedAt", "person.seniority"}}},
		{`person.attributes["x"] > 3 && person.seniority == "VP"`, want{2, 13, false, false, false, nil, nil,
			[]string{"person.attributes.x", "person.seniority"}}},
		{`domain(person.email) in account.domains`, want{1, 9, false, false, false, nil, nil, []string{"person.email", "account.domains"}}},
		{`any(["cto", "cio"], lower(person.title) == #)`, want{2, 11, true, true, false, []string{"person.title"}, nil, []string{"person.title"}}},
		{`let s = person.seniority; s == "VP"`, want{1, 7, false, false, false, nil, nil, []string{"person.seniority", "s"}}},
		{`account.employees % 2 == 0 && person.seniority == "VP"`, want{2, 13, true, false, false, []string{"person.seniority", "account.employees"}, nil,
			[]string{"account.employees", "person.seniority"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			a := analyze(tt.src)
			require.True(t, a.parsed)
			got := want{Conditions: a.conditions, Nodes: a.nodes, Cacheable: a.cacheable, Safe: a.safe, Complete: a.complete}
			for _, f := range a.inputs {
				got.Inputs = append(got.Inputs, fields[f].path)
			}
			for _, c := range a.constraints {
				got.Constraints = append(got.Constraints, fields[c.field].path+" in ["+strings.Join(c.values, " ")+"]")
			}
			for _, r := range a.refs {
				got.Refs = append(got.Refs, r.name())
			}
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
		})
	}
	require.False(t, analyze(`person.seniority ==`).parsed)
}
