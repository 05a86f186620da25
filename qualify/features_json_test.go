package qualify_test

import (
	"encoding/json"
	"math"
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

	for data, want := range map[string]string{
		`{"daysSinceLastActivity": "never"}`: `daysSinceLastActivity: "never" is not a number (nor +Inf, -Inf or NaN)`,
		`{"score": true}`:                    `score: json: cannot unmarshal bool into Go value of type float64`,
		`{"employees": "many"}`:              `json: cannot unmarshal string into Go struct field`,
	} {
		var f qualify.Features
		require.ErrorContains(t, json.Unmarshal([]byte(data), &f), want, data)
	}
}
