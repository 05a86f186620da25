package programfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// FuzzParse feeds arbitrary files to Compile (which parses first): it
// never panics, and every failure is an *Error whose problems all have a
// place in the file. Its seeds are whole example programs of several
// kilobytes, which the fuzzer minimises byte by byte for a minute by
// default before it fuzzes on: run it with -fuzzminimizetime of a few
// seconds.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "programs", "*.yaml"))
	files = append(files, examples...)
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "---\n", "name: x\n", "[1, 2]", "name: &a x\nversion: *a\n", "a: &a [*a]\n",
		"name: x\ninterests:\n  - <<: {id: dp}\n    template: standard\n",
		"name: x\ninterests: [{id: dp, template: standard, applies: {name: a, expr: \"account.x >\"}}]\n",
		"name: x\naudiences:\n  - name: a\n    rule: >\n      account.name ==\n      1 +\n",
		"name: x\naudiences:\n  - name: a\n    rule: \"\\u00e9 && \\\n   x\"\n",
		"groupScore: {velocityWindow: -5d, thresholds: [{level: .nan}]}\n",
		"journeys: [{id: j, nodes: [{id: a, kind: wait, wait: {for: 99999999999999999999d, until: 2026-02-30}}]}]\n",
		"readiness: {strategy: model, model: no-such-model.json}\n",
		"name: !!str 12\nversion: !!int x\n",
		"name: x\n---\nname: y\n",
		"caps: [{name: c, max: 18446744073709551616, per: 1}]\n",
		"name: x\npersona: &p\n  <<: *p\n",
		"groupScore: &g {thresholds: [{<<: [*g]}]}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := programfile.Compile("fuzz.yaml", data, program.Options{})
		if err == nil {
			return
		}
		var fe *programfile.Error
		if !errors.As(err, &fe) {
			t.Fatalf("not a *programfile.Error: %T %v", err, err)
		}
		if len(fe.Problems) == 0 || fe.Error() == "" {
			t.Fatalf("an error without problems: %#v", fe)
		}
		for _, p := range fe.Problems {
			if p.File != "fuzz.yaml" || p.Line < 1 || p.Column < 0 || p.Message == "" {
				t.Fatalf("problem without a place or a message: %+v", p)
			}
		}
	})
}
