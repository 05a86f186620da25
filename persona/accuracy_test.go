package persona_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/persona"
)

type labelled struct {
	title, seniority, department string
}

func readLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"title", "seniority", "department"}, rows[0], "%s: header", path)
	out := make([]labelled, 0, len(rows)-1)
	for i, r := range rows[1:] {
		require.Contains(t, b2b.Seniorities, r[1], "%s line %d: seniority", path, i+2)
		require.Contains(t, b2b.Departments, r[2], "%s line %d: department", path, i+2)
		out = append(out, labelled{r[0], r[1], r[2]})
	}
	return out
}

// accuracy classifies every row and returns the share of correct seniorities
// and departments, logging the misses and a confusion summary.
func accuracy(t *testing.T, c persona.Classifier, rows []labelled) (sen, dep float64) {
	t.Helper()
	senOK, depOK := 0, 0
	senConf := map[[2]string]int{}
	depConf := map[[2]string]int{}
	var misses []string
	for _, r := range rows {
		got := c.Classify(r.title)
		if got.Seniority == r.seniority {
			senOK++
		} else {
			senConf[[2]string{r.seniority, got.Seniority}]++
		}
		if got.Department == r.department {
			depOK++
		} else {
			depConf[[2]string{r.department, got.Department}]++
		}
		if got.Seniority != r.seniority || got.Department != r.department {
			misses = append(misses, fmt.Sprintf("  %-45q want %s/%s got %s/%s\n      %s",
				r.title, r.seniority, r.department, got.Seniority, got.Department, strings.Join(got.Reasons, "\n      ")))
		}
	}
	sen = float64(senOK) / float64(len(rows))
	dep = float64(depOK) / float64(len(rows))
	t.Logf("seniority %d/%d = %.1f%%, department %d/%d = %.1f%%",
		senOK, len(rows), 100*sen, depOK, len(rows), 100*dep)
	if testing.Verbose() {
		t.Logf("seniority confusions (want -> got): %s", confusion(senConf))
		t.Logf("department confusions (want -> got): %s", confusion(depConf))
		t.Logf("misclassified:\n%s", strings.Join(misses, "\n"))
	}
	return sen, dep
}

func confusion(m map[[2]string]int) string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if d := m[b] - m[a]; d != 0 {
			return d
		}
		return strings.Compare(a[0]+a[1], b[0]+b[1])
	})
	var b strings.Builder
	for _, k := range keys {
		got := k[1]
		if got == "" {
			got = "(unknown)"
		}
		fmt.Fprintf(&b, "\n  %s -> %s: %d", k[0], got, m[k])
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

func TestAccuracyLabelledTitles(t *testing.T) {
	t.Parallel()
	rows := readLabelled(t, "testdata/labelled-titles.csv")
	require.Len(t, rows, 143)
	sen, dep := accuracy(t, persona.Standard(), rows)
	require.GreaterOrEqual(t, sen, 0.95, "seniority accuracy")
	require.GreaterOrEqual(t, dep, 0.95, "department accuracy")
}

func TestAccuracyHeldOutTitles(t *testing.T) {
	t.Parallel()
	rows := readLabelled(t, "testdata/heldout-titles.csv")
	require.GreaterOrEqual(t, len(rows), 150)
	sen, dep := accuracy(t, persona.Standard(), rows)
	require.GreaterOrEqual(t, sen, 0.97, "seniority accuracy")
	require.GreaterOrEqual(t, dep, 0.97, "department accuracy")
}
