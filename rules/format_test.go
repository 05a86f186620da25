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
