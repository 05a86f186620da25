package rules_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/rules"
)

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   float64
		want string
	}{
		{185.8038812696166, "185.8"},
		{2.0 / 3, "0.67"},
		{160, "160"},
		{1, "1"},
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{-2.0 / 3, "-0.67"},
		{0.999, "1"},
		{1.005, "1"}, // 1.00499999999999989...
		{0.0042, "0.0042"},
		{-0.000123456, "-0.00012"},
		{0.005, "0.01"},
		{12345678.9, "12345678.9"},
		{1e21, "1000000000000000000000"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	}
	var got, want []string
	for _, tt := range tests {
		got = append(got, rules.FormatNumber(tt.in))
		want = append(want, tt.want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FormatNumber (-want +got):\n%s", diff)
	}
}

func TestFormatValue(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"185.8038812696166":    "185.8",
		"0.6666666666666666":   "0.67",
		"1.2e+07":              "12000000",
		"160":                  "160",
		"9007199254740993":     "9007199254740993", // an integer is not rounded through a float64
		`"3.14159"`:            `"3.14159"`,
		"2026-03-07T17:00:00Z": "2026-03-07T17:00:00Z",
		"never":                "never",
		"1.5 for every person": "1.5 for every person",
		"+Inf":                 "+Inf",
	} {
		if got := rules.FormatValue(in); got != want {
			t.Errorf("FormatValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want []float64
	}{
		{"group.score >= 50", []float64{50, -50}},
		{"group.velocity <= -50.5 && group.completeness > 0.6", []float64{50.5, -50.5, 0.6, -0.6}},
		{`account.industry == "Software 2"`, nil},
		{"account.employees >= 1_000", []float64{1000, -1000}},
		{"group.score >=", nil}, // does not parse
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, rules.Numbers(tt.src)); diff != "" {
			t.Errorf("Numbers(%q) (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestFormatValueAgainst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    string
		src  string
		want string
	}{
		{"49.996", "score >= 50", "49.996"},
		{"50.004", "score >= 50", "50.004"},
		{"-49.996", "velocity <= -50", "-49.996"},
		{"149.99999", "score >= 150", "149.99999"},
		{"0.6599", "completeness > 0.66", "0.6599"},
		{"0.6666666666666666", "completeness >= 0.6", "0.67"},
		{"185.8038812696166", "score > 100", "185.8"},
		{"49.99999999999999", "score >= 50", "49.99999999999999"},
		{"0.000499", "x > 0.0005", "0.000499"},
		{"0.000499", "x > 0.01", "0.0005"},
		{"-0.0000499", "x > -0.00005", "-4.99e-05"},
		{"49.996", `name == "x"`, "50"}, // no number to compare with
		{"160", "score >= 150", "160"},
		{`"49.996"`, "score >= 50", `"49.996"`},
		{"NaN", "score >= 50", "NaN"},
	}
	for _, tt := range tests {
		if got := rules.FormatValueAgainst(tt.v, rules.Numbers(tt.src)); got != tt.want {
			t.Errorf("FormatValueAgainst(%q) against %q = %q, want %q", tt.v, tt.src, got, tt.want)
		}
	}
}

func TestFormatSignificantAgainst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		x      float64
		digits int
		src    string
		want   string
	}{
		{14 + 1.0/86400, 6, "group.daysInStage > 14", "14.00001"},
		{14 + 1.0/86400, 6, "group.daysInStage > 30", "14"},
		{0.6000001, 6, "group.completeness > 0.6", "0.6000001"},
		{79.9999999, 6, "group.score < 80", "79.9999999"},
		{2.0 / 3, 6, "x >= 0.5", "0.666667"},
		{1234567.89, 6, `name == "x"`, "1.23457e+06"},
		{-49.9999, 3, "v <= -50", "-49.9999"},
		{0.0042, 2, "x > 0.004", "0.0042"},
		{math.Nextafter(50, 0), 6, "x >= 50", "49.99999999999999"},
	}
	for _, tt := range tests {
		if got := rules.FormatSignificantAgainst(tt.x, tt.digits, rules.Numbers(tt.src)); got != tt.want {
			t.Errorf("FormatSignificantAgainst(%v, %d) against %q = %q, want %q", tt.x, tt.digits, tt.src, got, tt.want)
		}
	}
}
