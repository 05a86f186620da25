package programfile_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

// problems formats an error's problems as "line:col: path: message", the
// message cut at its first line (the caret lines are tested apart).
func problems(t *testing.T, err error) []string {
	t.Helper()
	var fe *programfile.Error
	require.ErrorAs(t, err, &fe)
	out := make([]string, len(fe.Problems))
	for i, p := range fe.Problems {
		require.Equal(t, "broken.yaml", p.File)
		msg, _, _ := strings.Cut(p.Message, "\n")
		out[i] = fmt.Sprintf("%d:%d: %s: %s", p.Line, p.Column, p.Path, msg)
	}
	return out
}

func TestExampleFilesCompile(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"option-a.yaml", "option-b.yaml", "option-c.yaml", "full.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := fixture(name)
			defs, err := programfile.Load(path)
			require.NoError(t, err)
			_, err = program.Compile(defs, program.Options{})
			require.NoError(t, err)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			p, err := programfile.Compile(path, data, program.Options{})
			require.NoError(t, err)
			require.Equal(t, strings.TrimSuffix(name, ".yaml"), p.Name)
		})
	}
}

// TestFullFileUsesEverySection guards the fixture: every section of a
// program is given in full.yaml, so every section is read from a file.
func TestFullFileUsesEverySection(t *testing.T) {
	t.Parallel()
	defs, err := programfile.Load(filepath.Join("testdata", "full.yaml"))
	require.NoError(t, err)
	v := reflect.ValueOf(defs)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "section %s is missing from full.yaml", v.Type().Field(i).Name)
	}
	// A few values that need care in YAML.
	require.Equal(t, "14d", defs.GroupScore.VelocityWindow.String())
	require.Equal(t, "720h0m0s", defs.Scoring[0].HalfLife.String())
	require.Equal(t, "72h0m0s", defs.Alerts[0].Cooldown.String())
	require.Equal(t, "2027-12-31T00:00:00Z", defs.Journeys[0].EndAt.Format("2006-01-02T15:04:05Z07:00"))
	require.Equal(t, "[Monday Tuesday Wednesday]", strings.Join([]string{"[" + defs.Journeys[0].Nodes[2].Wait.Window.Days[0].String(),
		defs.Journeys[0].Nodes[2].Wait.Window.Days[1].String(), defs.Journeys[0].Nodes[2].Wait.Window.Days[2].String() + "]"}, " "))
	require.Equal(t, "IT", string(defs.Persona.Departments["data office"]))
	require.Equal(t, "https://quorum.example/logo.png", defs.Templates.Themes[0].Brand.LogoURL)
	require.Equal(t, "https://quorum.example/data-platform", defs.Interests[0].URL)
	// The merge key: the evaluator inherits the buyer's required flag and
	// overrides the rest.
	te := defs.RoleTemplates[0].Roles[1]
	require.True(t, te.Required)
	require.Equal(t, 1, te.MinMembers)
	require.Equal(t, []string{"Evaluator"}, te.ContactRoles)
	require.Equal(t, "person.seniority in [\"VP\", \"Director\"]\n  && person.department in [\"IT\", \"Engineering\"]\n", te.Rule.Source)
}

// TestJSONRoundTrip: a program written with encoding/json reads back the
// same, since JSON is YAML and fields go by their json names.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"full.yaml", "option-b.yaml", "option-c.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			defs, err := programfile.Load(fixture(name))
			require.NoError(t, err)
			data, err := json.MarshalIndent(defs, "", "  ")
			require.NoError(t, err)
			back, err := programfile.Parse("program.json", data)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(defs, back), "(-want +got)")
		})
	}
}

// TestEmptyListRoundTrip: completenessThresholds: [] (no thresholds)
// reads as an empty list, and a program's JSON keeps it one; it was
// written as nothing and read back as left out, the default thresholds.
// Left out or null, it is nil (the defaults) both ways.
func TestEmptyListRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value string
		want  []float64
	}{{"[]", []float64{}}, {"~", nil}, {"[0.5]", []float64{0.5}}} {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			src := "name: p\ninterests: [{id: dp, template: t}]\nroleTemplates:\n  - id: t\n    completenessThresholds: " + tt.value + `
    roles: [{name: Buyer, rule: {name: b, expr: "true"}, required: true}]
`
			defs, err := programfile.Parse("p.yaml", []byte(src))
			require.NoError(t, err)
			require.Equal(t, tt.want, defs.RoleTemplates[0].CompletenessThresholds)
			data, err := json.Marshal(defs)
			require.NoError(t, err)
			back, err := programfile.Parse("p.json", data)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(defs, back), "(-want +got)")
			require.Equal(t, tt.want, back.RoleTemplates[0].CompletenessThresholds)
		})
	}
}

func TestLoadFS(t *testing.T) {
	t.Parallel()
	model, err := os.ReadFile(fixture("readiness-model.json"))
	require.NoError(t, err)
	prog, err := os.ReadFile(fixture("option-c.yaml"))
	require.NoError(t, err)
	fsys := fstest.MapFS{"programs/c.yaml": {Data: prog}, "programs/readiness-model.json": {Data: model}}
	defs, err := programfile.LoadFS(fsys, "programs/c.yaml")
	require.NoError(t, err)
	require.NotNil(t, defs.Readiness.Model)
	require.Equal(t, "opportunity created within 90 days", defs.Readiness.Model.Outcome)
	// The file reads to the very model encoding/json reads from it.
	saved, err := qualify.ModelFromJSON(model)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(saved, defs.Readiness.Model), "(-json +file)")

	delete(fsys, "programs/readiness-model.json")
	_, err = programfile.LoadFS(fsys, "programs/c.yaml")
	// The error points at the model's file name in the program.
	line := 2 + strings.Count(string(prog[:strings.Index(string(prog), "\n  model: readiness-model.json")]), "\n")
	require.ErrorContains(t, err, fmt.Sprintf("programs/c.yaml:%d:10: readiness.model: cannot read model file", line))

	_, err = programfile.Load(filepath.Join("testdata", "no-such-file.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestModelFileProblems: every problem of a readiness model file is told
// at once, each at its own line and column in that file, as an inline
// model's are in the program.
func TestModelFileProblems(t *testing.T) {
	t.Parallel()
	model := `{
  "version": 1,
  "intercept": "high",
  "terms": [{"feature": "score", "mean": 100, "scale": 50, "weight": 0.8}],
  "weights": {"score": 0.1}
}
`
	prog := "name: m\ninterests: [{id: dp, template: standard}]\nreadiness:\n  strategy: model\n  model: model.json\n"
	fsys := fstest.MapFS{"p/m.yaml": {Data: []byte(prog)}, "p/model.json": {Data: []byte(model)}}
	_, err := programfile.LoadFS(fsys, "p/m.yaml")
	// Each problem names the file where it was read, as a program file's
	// problems do: beside the program, whatever directory runs the tool.
	require.EqualError(t, err, `p/m.yaml:5:10: readiness.model: model file "model.json":
    p/model.json:3:16: intercept: expected a number, got the text "high"
    p/model.json:5:3: weights: unknown field "weights" (known fields: version, outcome, intercept, terms, training, evaluation)`)

	// A model file, as a program file, holds one document; the first is
	// still checked as a model, as a program's first is compiled.
	fsys["p/model.json"] = &fstest.MapFile{Data: []byte("{\"version\": 1}\n---\n{\"version\": 1}\n")}
	_, err = programfile.LoadFS(fsys, "p/m.yaml")
	require.EqualError(t, err, `p/m.yaml:5:10: readiness.model: model file "model.json":
    p/model.json:1:1: terms: a model needs at least one term
    p/model.json:3:1: a model file holds one YAML document, this is a second one`)

	// So does one read from the operating system's files, relative to the
	// program's directory.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "p"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p", "model.json"), []byte(model), 0o600))
	_, err = programfile.Compile(filepath.Join(dir, "p", "m.yaml"), []byte(prog), program.Options{})
	require.ErrorContains(t, err, `readiness.model: model file "model.json":
    `+filepath.Join(dir, "p", "model.json")+`:3:16: intercept: expected a number, got the text "high"`)

	// A model that reads but is not a valid model is told as the
	// reading problems are, each problem at its place in the file.
	fsys["p/model.json"] = &fstest.MapFile{Data: []byte(`{"version": 2, "terms": [{"feature": "score", "scale": 1}]}`)}
	_, err = programfile.LoadFS(fsys, "p/m.yaml")
	require.EqualError(t, err, `p/m.yaml:5:10: readiness.model: model file "model.json":
    p/model.json:1:13: version: unsupported version 2 (want 1)`)
}

// TestInlineModel: the readiness model may be written in the program.
func TestInlineModel(t *testing.T) {
	t.Parallel()
	src := `
name: inline
interests: [{id: dp, template: standard}]
readiness:
  strategy: model
  model:
    version: 1
    intercept: -1
    terms:
      - {feature: completeness, mean: 0.5, scale: 0.3, weight: 1.2}
      - {feature: score, mean: 100, scale: 50, weight: 0.8}
`
	p, err := programfile.Compile("inline.yaml", []byte(src), program.Options{})
	require.NoError(t, err)
	w, ok := p.Definitions().Readiness.Model.Weight("score")
	require.True(t, ok)
	require.InDelta(t, 0.8, w, 1e-12)
}

func TestErrorMatching(t *testing.T) {
	t.Parallel()
	src := "name: x\ninterests:\n  - id: dp\n    template: standard\n    applies: {name: big, expr: account.employes > 1}\n"
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.ErrorIs(t, err, programfile.ErrInvalid)
	require.ErrorIs(t, err, program.ErrInvalid)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var ce *rules.CompileError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "big", ce.Rule)

	// A file that does not parse is invalid, but no program was compiled;
	// nor is it when the only compile problem is a reading problem's
	// consequence (name could not be read, so it is missing).
	for _, src := range []string{"name: x\ninterests: [\n", "name: [x]\ninterests:\n  - id: dp\n    template: standard\n"} {
		_, err = programfile.Compile("broken.yaml", []byte(src), program.Options{})
		require.ErrorIs(t, err, programfile.ErrInvalid)
		require.False(t, errors.Is(err, program.ErrInvalid), "%v", err)
	}
}

// fixture is the path of a test file: the shipped example programs live in
// examples/programs, the other fixtures in testdata.
func fixture(name string) string {
	if strings.HasPrefix(name, "option-") || name == "readiness-model.json" {
		return filepath.Join("..", "..", "examples", "programs", name)
	}
	return filepath.Join("testdata", name)
}

// TestNumbersWithExponents: a number with an exponent and no decimal point
// (1e-07, 1e+21, as encoding/json writes small and large floats) or too
// large for 64 bits is a number, though the YAML parser leaves it as text.
func TestNumbersWithExponents(t *testing.T) {
	t.Parallel()
	t.Run("encoding/json round trip", func(t *testing.T) {
		t.Parallel()
		defs, err := programfile.Load(fixture("option-a.yaml"))
		require.NoError(t, err)
		defs.GroupScore.NonRoleWeight = 1e-7
		defs.Readiness.ReadyScore = 1e21
		data, err := json.Marshal(defs)
		require.NoError(t, err)
		require.Contains(t, string(data), `"nonRoleWeight":1e-7`)
		back, err := programfile.Parse("program.json", data)
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(defs, back), "(-want +got)")
	})
	tests := []struct {
		name, src string
		want      []string
	}{
		{"exponent", "readiness:\n  readyScore: 2e2\n  nurtureScore: 1E+1\n", nil},
		{"exponent for a whole number", "caps:\n  - {name: c, channel: email, max: 1e3, per: 7d}\n",
			[]string{`6:36: caps[0].max: expected a whole number, got the number 1e3`}},
		{"whole number too large", "caps:\n  - {name: c, channel: email, max: 99999999999999999999999, per: 7d}\n",
			[]string{`6:36: caps[0].max: the number 99999999999999999999999 is out of range`}},
		{"too large for a float", "readiness:\n  readyScore: 1e400\n",
			[]string{`6:15: readiness.readyScore: expected a finite number, got the number 1e400`}},
		{"quoted is text", "readiness:\n  readyScore: \"2e2\"\n",
			[]string{`6:15: readiness.readyScore: expected a number, got the text "2e2"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireCompileProblems(t, base+tt.src, tt.want)
		})
	}
}

// TestNumbersReadAlikeByYAML11And12: a number that a YAML 1.1 reader and a
// YAML 1.2 (core schema) reader take differently is refused, with what to
// write, rather than read as either: 010 is octal 8 to the first and 10 to
// the second, 08 text to the first and 8 to the second, 1_000 and 0b11
// numbers to the first and text to the second, 0o17 the other way round
// (1_000, 0b11 and 0o17 were read as 1000, 3 and 15, 010 as 8). A number
// both read alike (07, +12, 0x1F, .5, 1.5e+3) reads as it is, and so does
// one written as JSON writes numbers (1e3, 1e-07, 1.5e3), which YAML 1.2
// reads as JSON does.
func TestNumbersReadAlikeByYAML11And12(t *testing.T) {
	t.Parallel()
	const (
		whole = "caps:\n  - {name: c, channel: email, max: %s, per: 7d}\n" // the value at 6:36
		// A float whose 0 is a value of its own (a readiness threshold
		// written as 0 is refused).
		fraction = "groupScore:\n  nonRoleWeight: %s\n" // the value at 6:18
	)
	tests := []struct {
		field, value string
		want         string // the problem, without its place; "" when read
		read         float64
	}{
		{whole, "010", "YAML 1.1 reads 010 as the octal number 8, YAML 1.2 as the number 10: write 10, or 8 for octal", 0},
		{whole, "08", "YAML 1.1 reads 08 as text, YAML 1.2 as the number 8: write 8", 0},
		{fraction, "0150", "YAML 1.1 reads 0150 as the octal number 104, YAML 1.2 as the number 150: write 150, or 104 for octal", 0},
		{fraction, "-09", "YAML 1.1 reads -09 as text, YAML 1.2 as the number -9: write -9", 0},
		{whole, "1_000", "YAML 1.1 reads 1_000 as the number 1000, YAML 1.2 as text: write 1000", 0},
		{whole, "0_1", "YAML 1.1 reads 0_1 as the octal number 1, YAML 1.2 as text: write 1", 0},
		{fraction, "1_000.5", "YAML 1.1 reads 1_000.5 as the number 1000.5, YAML 1.2 as text: write 1000.5", 0},
		{whole, "0b11", "YAML 1.1 reads 0b11 as the binary number 3, YAML 1.2 as text: write 3", 0},
		{fraction, "-0b11", "YAML 1.1 reads -0b11 as the binary number -3, YAML 1.2 as text: write -3", 0},
		{whole, "0o17", "YAML 1.1 reads 0o17 as text, YAML 1.2 as the number 15: write 15", 0},
		{whole, "-0o17", "YAML 1.1 and 1.2 read -0o17 as text: write -15", 0},
		{whole, "+0x1F", "YAML 1.1 reads +0x1F as the hexadecimal number 31, YAML 1.2 as text: write 31", 0},
		{fraction, "-0x1F", "YAML 1.1 reads -0x1F as the hexadecimal number -31, YAML 1.2 as text: write -31", 0},
		{whole, "0x1_F", "YAML 1.1 reads 0x1_F as the hexadecimal number 31, YAML 1.2 as text: write 31", 0},
		{fraction, "+1e3", "YAML 1.1 reads +1e3 as text, YAML 1.2 as the number 1000: write 1000", 0},
		{fraction, ".5e3", "YAML 1.1 reads .5e3 as text, YAML 1.2 as the number 500: write 500", 0},
		{fraction, "5.e3", "YAML 1.1 reads 5.e3 as text, YAML 1.2 as the number 5000: write 5000", 0},
		{fraction, "01e3", "YAML 1.1 reads 01e3 as text, YAML 1.2 as the number 1000: write 1000", 0},
		{fraction, "+1.5e300", "YAML 1.1 reads +1.5e300 as text, YAML 1.2 as the number 1.5e+300: write 1.5e+300", 0},
		{fraction, "+1e300", "YAML 1.1 reads +1e300 as text, YAML 1.2 as the number 1.0e+300: write 1.0e+300", 0},
		// Both read it as the same number, too large for any field.
		{whole, "+" + strings.Repeat("1", 300), "the number +" + strings.Repeat("1", 300) + " is out of range", 0},

		{whole, "07", "", 7},
		{whole, "00", "", 0},
		{whole, "-0", "", 0},
		{whole, "+12", "", 12},
		{whole, "0x1F", "", 31},
		{whole, "0x10", "", 16},
		{fraction, ".5", "", 0.5},
		{fraction, "+.5", "", 0.5},
		{fraction, "1.", "", 1},
		{fraction, "010.5", "", 10.5},
		{fraction, "00.5", "", 0.5},
		{fraction, ".5e+3", "", 500},
		{fraction, "5.e-3", "", 0.005},
		{fraction, "+1.5e+3", "", 1500},
		{fraction, "1e3", "", 1000},
		{fraction, "1e-07", "", 1e-07},
		{fraction, "1.5e3", "", 1500},
		{fraction, "0e3", "", 0},
		{fraction, "-1E+2", "", -100},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			defs, err := programfile.Parse("broken.yaml", []byte(base+fmt.Sprintf(tt.field, tt.value)))
			if tt.want == "" {
				require.NoError(t, err)
				if tt.field == whole {
					require.Equal(t, int(tt.read), defs.Caps[0].Max)
				} else {
					require.Equal(t, tt.read, defs.GroupScore.NonRoleWeight)
				}
				return
			}
			require.Error(t, err)
			want := "6:36: caps[0].max: " + tt.want
			if tt.field == fraction {
				want = "6:18: groupScore.nonRoleWeight: " + tt.want
			}
			require.Equal(t, []string{want}, problems(t, err))
		})
	}
}

// TestNumbersReadAlikeInEveryField: weekdays and durations given as bare
// numbers are held to the same rule as numbers (wait.for: 010 was 8
// nanoseconds, and days: [0b1] Monday); a bare number of a second or
// more is still a duration in nanoseconds, as encoding/json writes one.
func TestNumbersReadAlikeInEveryField(t *testing.T) {
	t.Parallel()
	src := base + `groupScore:
  velocityWindow: 010
caps:
  - {name: c, channel: email, max: 1, per: 1_000}
journeys:
  - id: j
    triggers: [{type: group_created, solutionInterest: dp}]
    nodes:
      - {id: w, kind: wait, wait: {for: 0o17, window: {days: [0b1, 1]}, next: e}}
      - {id: e, kind: end, end: {}}
`
	_, err := programfile.Parse("broken.yaml", []byte(src))
	require.Error(t, err)
	require.Equal(t, []string{
		"6:19: groupScore.velocityWindow: YAML 1.1 reads 010 as the octal number 8, YAML 1.2 as the number 10: write a duration with its unit, such as 10d, 10h or 10m",
		"8:44: caps[0].per: YAML 1.1 reads 1_000 as the number 1000, YAML 1.2 as text: write a duration with its unit, such as 1000d, 1000h or 1000m",
		"13:41: journeys[0].nodes[0].wait.for: YAML 1.1 reads 0o17 as text, YAML 1.2 as the number 15: write a duration with its unit, such as 15d, 15h or 15m",
		"13:63: journeys[0].nodes[0].wait.window.days[0]: YAML 1.1 reads 0b1 as the binary number 1, YAML 1.2 as text: write 1",
	}, problems(t, err))

	ok := strings.NewReplacer("010", "7000000000", "1_000", "1000000000", "0o17", "0x3B9ACA00", "0b1, ", "").Replace(src)
	defs, err := programfile.Parse("ok.yaml", []byte(ok))
	require.NoError(t, err)
	require.Equal(t, journey.Duration(7*time.Second), defs.GroupScore.VelocityWindow)
	require.Equal(t, journey.Duration(time.Second), defs.Caps[0].Per)
	require.Equal(t, journey.Duration(time.Second), defs.Journeys[0].Nodes[0].Wait.For)
}

// TestStrTaggedScalars: a scalar tagged !!str is text, as YAML has it,
// also when it is written like a number or a boolean: it is refused for a
// number or a boolean, as a quoted one is ("10" is not a number), where
// the tag used to be dropped and the scalar read as what it looks like.
// Text fields take it as the text it is.
func TestStrTaggedScalars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"number", "readiness:\n  readyScore: !!str 150\n",
			[]string{`6:20: readiness.readyScore: expected a number, got the text "150"`}},
		{"whole number", "caps:\n  - {name: c, channel: email, max: !!str 3, per: 7d}\n",
			[]string{`6:41: caps[0].max: expected a whole number, got the text "3"`}},
		{"boolean", "stageModels:\n  - {id: m, name: M, stages: [{name: A, entry: !!str true}]}\n",
			[]string{`6:53: stageModels[0].stages[0].entry: expected true or false, got the text "true"`}},
		{"through an alias", "readiness:\n  readyScore: &n !<tag:yaml.org,2002:str> 150\n  nurtureScore: *n\n",
			[]string{ // the second where the alias is used
				`6:42: readiness.readyScore: expected a number, got the text "150"`,
				`7:17: readiness.nurtureScore: expected a number, got the text "150" (through *n: written at line 6, column 42, under &n at line 6, column 15)`,
			}},
		{"text", "version: !!str 10\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs, err := programfile.Parse("broken.yaml", []byte(base+tt.src))
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, "10", defs.Version)
				return
			}
			require.Error(t, err)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTagsThatAreNotRead: a value is read as written, so a tag that
// would make it another value (a local tag such as !env, meant for a tool
// that substitutes it; !!binary, whose text is not the value; !!int on
// quoted text) is refused where it was dropped, the value read as if it
// had none. YAML's own tag of the value's type (!!int 3, !!map) is read,
// as !!str is.
func TestTagsThatAreNotRead(t *testing.T) {
	t.Parallel()
	const notRead = "is not read: a program file takes the value as written (of the tags, only !!str and those of the value's own type, such as !!int 3)"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"local tag", "version: !env PROGRAM_VERSION\n",
			[]string{`5:10: version: the tag !env ` + notRead}},
		{"binary", "version: !!binary MjAyNg==\n",
			[]string{`5:10: version: the tag !!binary ` + notRead}},
		{"verbatim", "version: !<tag:example.com,2026:secret> v\n",
			[]string{`5:10: version: the tag !<tag:example.com,2026:secret> ` + notRead}},
		{"a type's tag on another type", "caps:\n  - {name: c, channel: email, max: !!int \"3\", per: 7d}\n",
			[]string{`6:36: caps[0].max: the tag !!int does not fit the text "3": write the value without it`}},
		{"a type's tag on text", "version: !!int x\n",
			[]string{`5:10: version: the tag !!int does not fit the text "x": write the value without it`}},
		{"through an alias", "readiness:\n  strategy: &s !env STRATEGY\n  model: *s\n",
			[]string{
				`6:16: readiness.strategy: the tag !env ` + notRead,
				`7:10: readiness.model: the tag !env ` + notRead + ` (through *s: written at line 6, column 16, under &s at line 6, column 13)`,
			}},
		{"the value's own type", "version: !!str 10\ncaps: !!seq\n  - !!map {name: c, channel: !!str email, max: !!int 3, per: 7d}\nreadiness:\n  readyScore: !<tag:yaml.org,2002:float> 150\n  nurtureScore: !!int 50\nconsent:\n  requireOptIn: !!null\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs, err := programfile.Parse("broken.yaml", []byte(base+tt.src))
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, "10", defs.Version)
				require.Equal(t, 3, defs.Caps[0].Max)
				require.Equal(t, 150.0, defs.Readiness.ReadyScore)
				require.Equal(t, 50.0, defs.Readiness.NurtureScore)
				return
			}
			require.Error(t, err)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerbatimIntTag: after a verbatim tag (!<tag:yaml.org,2002:int> 3)
// the parser leaves a whole number as text; it is read as the number it
// is, not refused as out of range.
func TestVerbatimIntTag(t *testing.T) {
	t.Parallel()
	defs, err := programfile.Parse("broken.yaml", []byte(base+"caps:\n  - name: c\n    max: !<tag:yaml.org,2002:int> 3\n    per: 1d\n"+
		"journeys:\n  - id: j\n    nodes:\n      - id: w\n        kind: wait\n        wait:\n          window:\n            days:\n              - !<tag:yaml.org,2002:int> 1\n"))
	require.NoError(t, err)
	require.Equal(t, 3, defs.Caps[0].Max)
	require.Equal(t, []time.Weekday{time.Monday}, defs.Journeys[0].Nodes[0].Wait.Window.Days)
	_, err = programfile.Parse("broken.yaml", []byte(base+"caps:\n  - name: c\n    max: !<tag:yaml.org,2002:int> 99999999999999999999\n    per: 1d\n"))
	require.Equal(t, []string{"7:34: caps[0].max: the number 99999999999999999999 is out of range"}, problems(t, err))
}

// TestBareNumberDurations: a duration written as a bare number is
// nanoseconds, as encoding/json writes a time.Duration, so for: 5 meant as
// five days was a wait of 5 nanoseconds. No duration field has a use
// below a second: a bare number below one is refused, in every duration
// field, with what to write; zero, a bare number of a second or more, and
// a duration written with its unit read as before.
func TestBareNumberDurations(t *testing.T) {
	t.Parallel()
	const (
		wait     = "    nodes:\n      - {id: w, kind: wait, wait: {for: %s, next: e}}\n      - {id: e, kind: end, end: {}}\n"
		listen   = "    nodes:\n      - {id: l, kind: listen, listen: {events: [{type: activity}], timeout: %s, next: e, onTimeout: e}}\n      - {id: e, kind: end, end: {}}\n"
		external = "    nodes:\n      - {id: x, kind: external, external: {call: crm.task, timeout: %s, onSuccess: e, onError: e, onTimeout: e}}\n      - {id: e, kind: end, end: {}}\n"
		reEntry  = "    reEntry: {mode: after, after: %s}\n    nodes: [{id: e, kind: end, end: {}}]\n"
	)
	inJourney := func(nodes string) string {
		return "journeys:\n  - id: j\n    triggers: [{type: group_created, solutionInterest: dp}]\n" + nodes
	}
	fields := []struct {
		name, src string
		// src holds the value at %s; path is its path.
		path string
		read func(program.Definitions) time.Duration
		// zero is the default a setting read as not written when 0
		// takes: 0 is refused, saying so.
		zero string
	}{
		{"wait.for", inJourney(wait), "journeys[0].nodes[0].wait.for",
			func(d program.Definitions) time.Duration { return time.Duration(d.Journeys[0].Nodes[0].Wait.For) }, ""},
		{"listen.timeout", inJourney(listen), "journeys[0].nodes[0].listen.timeout",
			func(d program.Definitions) time.Duration {
				return time.Duration(d.Journeys[0].Nodes[0].Listen.Timeout)
			}, ""},
		{"external.timeout", inJourney(external), "journeys[0].nodes[0].external.timeout",
			func(d program.Definitions) time.Duration {
				return time.Duration(d.Journeys[0].Nodes[0].External.Timeout)
			}, ""},
		{"reEntry.after", inJourney(reEntry), "journeys[0].reEntry.after",
			func(d program.Definitions) time.Duration { return time.Duration(d.Journeys[0].ReEntry.After) }, ""},
		{"caps.per", "caps:\n  - {name: c, channel: email, max: 1, per: %s}\n", "caps[0].per",
			func(d program.Definitions) time.Duration { return time.Duration(d.Caps[0].Per) }, ""},
		{"caps.maxDefer", "caps:\n  - {name: c, channel: email, max: 1, per: 7d, policy: defer, maxDefer: %s}\n", "caps[0].maxDefer",
			func(d program.Definitions) time.Duration { return time.Duration(d.Caps[0].MaxDefer) }, "the default, the cap's per"},
		{"groupScore.velocityWindow", "groupScore:\n  velocityWindow: %s\n", "groupScore.velocityWindow",
			func(d program.Definitions) time.Duration { return time.Duration(d.GroupScore.VelocityWindow) }, "the default 14d"},
		{"scoring.halfLife", "scoring:\n  - name: s\n    halfLife: %s\n    rules: [{name: r, types: [open_email]}]\n", "scoring[0].halfLife",
			func(d program.Definitions) time.Duration { return d.Scoring[0].HalfLife }, ""},
		{"alerts.cooldown", "alerts:\n  - {name: a, strategy: milestone, when: {name: q, expr: group.qualified}, template: t, cooldown: %s}\n", "alerts[0].cooldown",
			func(d program.Definitions) time.Duration { return d.Alerts[0].Cooldown }, ""},
	}
	refused := []struct{ value, want string }{
		{"5", "5 is 5 nanoseconds: write a duration with its unit, such as 5d, 5h or 5m"},
		{"1", "1 is 1 nanosecond: write a duration with its unit, such as 1d, 1h or 1m"},
		{"0x18", "0x18 is 24 nanoseconds: write a duration with its unit, such as 24d, 24h or 24m"},
		{"86400", "86400 is 86400 nanoseconds: write a duration with its unit, such as 86400d, 86400h or 86400m"},
		{"604800", "604800 is 604800 nanoseconds: write a duration with its unit, such as 604800h, 604800m or 604800s"},
		{"999999999", "999999999 is 999999999 nanoseconds: write a duration with its unit, such as 999999999s or 999999999ms"},
		// 010 is read differently by YAML 1.1 and 1.2; either is
		// nanoseconds, too few.
		{"010", "YAML 1.1 reads 010 as the octal number 8, YAML 1.2 as the number 10: write a duration with its unit, such as 10d, 10h or 10m"},
		// Nor is a number with a fraction nanoseconds to write.
		{"1_000.5", "YAML 1.1 reads 1_000.5 as the number 1000.5, YAML 1.2 as text: write a duration such as 5d or 36h"},
	}
	read := []struct {
		value string
		want  time.Duration
	}{
		{"0", 0},
		{"1000000000", time.Second},
		{"2592000000000000", 30 * 24 * time.Hour},
		{"5d", 5 * 24 * time.Hour},
		{"30s", 30 * time.Second},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range refused {
				src := base + fmt.Sprintf(f.src, r.value)
				_, err := programfile.Parse("broken.yaml", []byte(src))
				require.Error(t, err, r.value)
				before := (base + f.src)[:strings.Index(base+f.src, "%s")]
				line := 1 + strings.Count(before, "\n")
				col := len(before) - strings.LastIndex(before, "\n")
				want := fmt.Sprintf("%d:%d: %s: %s", line, col, f.path, r.want)
				require.Equal(t, []string{want}, problems(t, err), r.value)
			}
			for _, r := range read {
				if r.value == "0" && f.zero != "" {
					_, err := programfile.Parse("zero.yaml", []byte(base+fmt.Sprintf(f.src, r.value)))
					require.ErrorContains(t, err, fmt.Sprintf("%s: 0 takes %s, as leaving it out does", f.path, f.zero))
					continue
				}
				defs, err := programfile.Parse("ok.yaml", []byte(base+fmt.Sprintf(f.src, r.value)))
				require.NoError(t, err, r.value)
				require.Equal(t, r.want, f.read(defs), r.value)
			}
		})
	}
	// The value is left unread: the compile problem that follows from it
	// (a wait needs a duration) is left out.
	_, err := programfile.Compile("broken.yaml", []byte(base+fmt.Sprintf(inJourney(wait), "5")), program.Options{})
	require.Equal(t, []string{
		"9:41: journeys[0].nodes[0].wait.for: 5 is 5 nanoseconds: write a duration with its unit, such as 5d, 5h or 5m",
	}, problems(t, err))
}

// TestReadinessThresholdWrittenAsZero: a readiness threshold of 0 is one
// not written, which takes its default (program.Readiness), so a file
// that writes 0 got the default without a word (readyCompleteness: 0
// compiled to 0.6), or was told that the default contradicted the other
// threshold when it wrote one that did not. The file knows what was
// written: a 0 is refused at its place, with the default it would take;
// the compile problem that only follows from it is left out. A threshold
// left empty (null) is not written, as one left out.
func TestReadinessThresholdWrittenAsZero(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"completeness", "readiness:\n  readyCompleteness: 0\n", []string{
			`6:22: readiness.readyCompleteness: 0 takes the default 0.6, as leaving it out does: write a readyCompleteness above 0, or leave it out for the default`}},
		{"under a written ready threshold", "readiness:\n  strategy: score\n  readyScore: 40\n  nurtureScore: 0\n", []string{
			`8:17: readiness.nurtureScore: 0 takes the default 50, as leaving it out does: write a nurtureScore above 0, or leave it out for the default`}},
		{"probability, written as 0.0", "readiness:\n  strategy: model\n  model: {version: 1, terms: [{feature: score, scale: 100, weight: 1}]}\n  nurtureProbability: 0.0\n", []string{
			`8:23: readiness.nurtureProbability: 0 takes the default 0.3, as leaving it out does: write a nurtureProbability above 0, or leave it out for the default`}},
		{"through an alias", "readiness:\n  readyScore: &z 0\n  nurtureScore: *z\n", []string{
			`6:18: readiness.readyScore: 0 takes the default 150, as leaving it out does: write a readyScore above 0, or leave it out for the default`,
			`7:17: readiness.nurtureScore: 0 takes the default 50, as leaving it out does: write a nurtureScore above 0, or leave it out for the default (through *z: written at line 6, column 18, under &z at line 6, column 15)`}},
		{"negative, at its own field", "readiness:\n  strategy: score\n  readyScore: -5\n", []string{
			`7:15: readiness.readyScore: -5 is negative: write a readyScore above 0, or leave it out for the default 150`}},
		{"left empty", "readiness:\n  readyScore:\n  nurtureScore: null\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireCompileProblems(t, base+tt.src, tt.want)
		})
	}
	// Reading alone refuses it too: Load and Parse give no definitions
	// that mean another number than the file's.
	_, err := programfile.Parse("broken.yaml", []byte(base+"readiness:\n  readyCompleteness: 0\n"))
	require.ErrorIs(t, err, programfile.ErrInvalid)
	require.ErrorContains(t, err, "broken.yaml:6:22: readiness.readyCompleteness: 0 takes the default 0.6")
}

// TestCompileWarnings: the warnings of a program that compiles (legal but
// probably wrong, buyinggroup.Catalog.Warnings) come placed in the file as
// its problems are, at the node their path names (a role template's by
// its place among roleTemplates, through an alias at the alias), where
// they were only a path: "interests[1].crmProduct: ...".
func TestCompileWarnings(t *testing.T) {
	t.Parallel()
	src := `name: warned
interests:
  - {id: dp, template: duo, crmProduct: Lakehouse}
  - {id: sec, template: standard, crmProduct: &p lakehouse}
  - {id: ops, template: standard, crmProduct: *p}
roleTemplates:
  - id: duo
    roles:
      - {name: Buyer, rule: {name: b, expr: 'true'}, contactRoles: [Wizard]}
`
	p, warnings, err := programfile.CompileWarnings("warned.yaml", []byte(src), program.Options{})
	require.NoError(t, err)
	require.Equal(t, "warned", p.Name)
	var got []string
	for _, w := range warnings {
		got = append(got, w.String())
	}
	require.Empty(t, cmp.Diff([]string{
		`warned.yaml:4:47: warning: interests[1].crmProduct: "lakehouse" is also the CRM product of interests[0], which takes every opportunity of that product that names no solution interest: this interest's groups get none of them (name the solution interest on such opportunities)`,
		`warned.yaml:5:47: warning: interests[2].crmProduct: "lakehouse" is also the CRM product of interests[0], which takes every opportunity of that product that names no solution interest: this interest's groups get none of them (name the solution interest on such opportunities)`,
		`warned.yaml:9:7: warning: roleTemplates[0].roles: no role is required: completeness is always 1`,
		`warned.yaml:9:69: warning: roleTemplates[0].roles[0].contactRoles[0]: "Wizard" is not a standard CRM contact role (Business User, Decision Maker, Economic Buyer, Economic Decision Maker, Evaluator, Executive Sponsor, Influencer, Technical Buyer, Other); fine if your CRM defines it`,
	}, got), "(-want +got)")

	// A program that does not compile has its problems, as Compile gives them.
	_, warnings, err = programfile.CompileWarnings("warned.yaml", []byte(src+"colour: blue\n"), program.Options{})
	require.ErrorIs(t, err, programfile.ErrInvalid)
	require.Nil(t, warnings)
}

// requireCompileProblems compiles src as broken.yaml and requires its
// problems to be want, none when want is nil.
func requireCompileProblems(t *testing.T, src string, want []string) {
	t.Helper()
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	if want == nil {
		require.NoError(t, err)
		return
	}
	require.Error(t, err)
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
