package qualify_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/qualify"
)

// TestFeaturesJSON: features of a group never active (DaysSinceLastActivity
// +Inf, as the engine fills them) are written as JSON, the infinity as
// "+Inf" as a model's contributions write theirs, and read back as they
// were, alone or in a readiness example, where encoding/json refused
// them ("unsupported value: +Inf") and a host could not log or store them.
// A number that is not finite elsewhere (features that Validate refuses,
// logged with the error) is written the same way.
func TestFeaturesJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		f       qualify.Features
		written string
	}{
		{"never active", qualify.Features{Completeness: 0.5, Score: 12, DaysSinceLastActivity: math.Inf(1), Industry: "Software", Employees: 40},
			`{"completeness":0.5,"weightedCompleteness":0,"score":12,"velocity":0,"velocityDays":0,"daysSinceLastActivity":"+Inf",` +
				`"engagedRoles":0,"industry":"Software","employees":40,"priorOpportunities":0,"priorWon":0}`},
		{"not finite elsewhere", qualify.Features{Score: math.NaN(), Velocity: math.Inf(-1), VelocityDays: 14, DaysSinceLastActivity: 3},
			`{"completeness":0,"weightedCompleteness":0,"score":"NaN","velocity":"-Inf","velocityDays":14,"daysSinceLastActivity":3,` +
				`"engagedRoles":0,"industry":"","employees":0,"priorOpportunities":0,"priorWon":0}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(tc.f)
			require.NoError(t, err)
			require.JSONEq(t, tc.written, string(data))
			var back qualify.Features
			require.NoError(t, json.Unmarshal(data, &back))
			if d := cmp.Diff(tc.f, back, cmpopts.EquateNaNs()); d != "" {
				t.Fatalf("read back (-want +got):\n%s", d)
			}

			ex := []qualify.ReadinessExample{{Features: tc.f, Outcome: true}}
			data, err = json.Marshal(ex)
			require.NoError(t, err)
			var exBack []qualify.ReadinessExample
			require.NoError(t, json.Unmarshal(data, &exBack))
			if d := cmp.Diff(ex, exBack, cmpopts.EquateNaNs()); d != "" {
				t.Fatalf("example read back (-want +got):\n%s", d)
			}
		})
	}
}

// TestFeaturesJSONFinite: finite features are written byte for byte as
// encoding/json writes the struct, and read as it reads it: a field the
// JSON does not hold keeps its value, a key matches its field whatever
// its case, and a value of the wrong kind is an error naming the field.
func TestFeaturesJSONFinite(t *testing.T) {
	t.Parallel()
	type plain qualify.Features // no methods: encoding/json's own way
	for _, f := range []qualify.Features{
		{},
		{Completeness: 2.0 / 3, WeightedCompleteness: 0.7142857142857143, Score: 1e21, Velocity: -45.5, VelocityDays: 14, EngagedRoles: 3,
			DaysSinceLastActivity: 5e-324, Industry: "R&D <\"labs\">", Employees: 1200, PriorOpportunities: 2, PriorWon: 1},
	} {
		want, err := json.Marshal(plain(f))
		require.NoError(t, err)
		got, err := json.Marshal(f)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}

	f := qualify.Features{Industry: "Software", Score: 7, DaysSinceLastActivity: 2}
	require.NoError(t, json.Unmarshal([]byte(`{"SCORE": 9, "daysSinceLastActivity": null, "employees": 40}`), &f))
	require.Equal(t, qualify.Features{Industry: "Software", Score: 9, DaysSinceLastActivity: 2, Employees: 40}, f)

}

// TestFeaturesJSONErrors: JSON that is not of features says, in the
// features' terms, which field is wrong, what it holds, and where it is:
// the line and column of the value's last character, counted in the
// features' JSON (the file's, when the features are the file; where they
// are part of a larger value, from their opening brace), as a model's
// JSON does, not the Go types that read it.
func TestFeaturesJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"text for a number", `{"daysSinceLastActivity": "never"}`,
			`features: daysSinceLastActivity: "never" is not a number, +Inf, -Inf or NaN (line 1, column 33 of the features)`},
		{"bool for a number", `{"score": true}`, `features: score: a JSON bool is not a number (line 1, column 14 of the features)`},
		{"text for an integer", `{"employees": "many"}`, `features: employees: a JSON string is not an integer (line 1, column 20 of the features)`},
		{"number for text", `{"industry": 5}`, `features: industry: a JSON number is not a string (line 1, column 14 of the features)`},
		{"fraction for an integer", `{"engagedRoles": 1.5}`, `features: engagedRoles: a JSON number 1.5 is not an integer (line 1, column 20 of the features)`},
		{"list on its own line", "{\n  \"score\": 1,\n  \"velocity\": [1]\n}",
			`features: velocity: a JSON array is not a number (line 3, column 15 of the features)`},
		{"number too large", `{"score": 1e999}`, `features: score: a JSON number 1e999 is not a number from -1.7976931348623157e+308 to 1.7976931348623157e+308 (line 1, column 15 of the features)`},
		{"names of any case", `{"SCORE": "lots"}`, `features: score: "lots" is not a number, +Inf, -Inf or NaN (line 1, column 16 of the features)`},
		{"the last of a key written twice", `{"score": "x", "score": "lots"}`,
			`features: score: "lots" is not a number, +Inf, -Inf or NaN (line 1, column 30 of the features)`},
		{"not an object", `[1]`, `features: a JSON array is not an object of features (line 1, column 1 of the features)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var f qualify.Features
			require.EqualError(t, json.Unmarshal([]byte(tt.data), &f), tt.want)
		})
	}

	// Features inside a larger value count from their opening brace.
	var ex []qualify.ReadinessExample
	err := json.Unmarshal([]byte("[\n  {\"features\": {\"score\": 1}, \"outcome\": true},\n  {\"features\": {\n    \"score\": \"lots\"}}\n]"), &ex)
	require.EqualError(t, err, `features: score: "lots" is not a number, +Inf, -Inf or NaN (line 2, column 19 of the features)`)
}

// FuzzFeaturesJSON reads arbitrary JSON as features: an error is in the
// features' terms and says where, and features read are written and read
// back as they were.
func FuzzFeaturesJSON(f *testing.F) {
	for _, s := range []string{
		`{"completeness":0.5,"daysSinceLastActivity":"+Inf","industry":"Software","employees":40}`,
		`{"score":"NaN","velocity":"-Inf","velocityDays":14}`,
		`{"SCORE": 9, "daysSinceLastActivity": null}`,
		`{"score": "x", "score": "lots"}`,
		`{"employees": "many"}`,
		"{\n  \"score\": 1,\n  \"velocity\": [1]\n}",
		`{"score": 1e999}`,
		`[1]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var feat qualify.Features
		if err := json.Unmarshal(data, &feat); err != nil {
			if !strings.HasPrefix(err.Error(), "features: ") || !strings.Contains(err.Error(), " of the features)") {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		out, err := json.Marshal(feat)
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		var back qualify.Features
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: written %s: %v", data, out, err)
		}
		if d := cmp.Diff(feat, back, cmpopts.EquateNaNs()); d != "" {
			t.Fatalf("%q: read back (-want +got):\n%s", data, d)
		}
	})
}
