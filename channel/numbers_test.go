package channel_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

// TestPercentAndNumberOfOddValues: a share or a score that is not a
// number, infinite, past what an int holds, or a negative value rounding
// to zero prints as what it is, where percent printed
// -9223372036854775808% for a NaN and number printed "-0".
func TestPercentAndNumberOfOddValues(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "figures",
		Text: `{{.Group.Completeness | percent}} {{.Group.Score | number}} Reply STOP to opt out.`}}})
	require.NoError(t, err)
	tests := []struct {
		name         string
		share, score float64
		want         string
	}{
		{"plain", 2.0 / 3, 142.4, "67% 142"},
		{"not a number", math.NaN(), math.NaN(), "NaN% NaN"},
		{"infinite", math.Inf(1), math.Inf(-1), "+Inf% -Inf"},
		{"past an int", 1e20, 1e20, "1" + strings.Repeat("0", 22) + "% 1" + strings.Repeat("0", 20)},
		{"negative, rounding to zero", -0.001, -0.4, "0% 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ts.RenderSMS("figures", &channel.RenderContext{Group: channel.GroupView{Completeness: tt.share, Score: tt.score}})
			require.NoError(t, err)
			require.Equal(t, tt.want+" Reply STOP to opt out.", got)
		})
	}
}

// TestAttrAndDefaultPrintValuesAsText: attr and default print a decimal
// attribute (a revenue, a head count from JSON) as a decimal and a list as
// a list, where they printed Go's notations: "2.5e+07", "[de fr]"; attr
// prints its fallback for a missing attribute, not for a zero or false.
// A time is written in RFC 3339, in its own zone, where it was written
// in Go's notation ("2026-01-10 00:00:00 +0000 UTC").
func TestAttrAndDefaultPrintValuesAsText(t *testing.T) {
	t.Parallel()
	newYork := zone(t, "America/New_York")
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{
		{Name: "attr", Text: `{{.Account.Attributes | attr "v" "none"}}`},
		{Name: "default", Text: `{{.Group.Score | default "none"}} {{.Group.MissingRoles | default "none"}}`},
		{Name: "default-time", Text: `{{.Account.UpdatedAt | default "never"}}`},
	}})
	require.NoError(t, err)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"a large decimal", 25000000.0, "25000000"},
		{"a small decimal", 0.00001, "0.00001"},
		{"a decimal with a fraction", 1234567.5, "1234567.5"},
		{"past an int", 1e21, "1" + strings.Repeat("0", 21)},
		{"a whole number", int64(42), "42"},
		{"a list", []string{"de", "fr"}, "de, fr"},
		// An attribute list decoded from JSON is a []any.
		{"a list from JSON", []any{"de", 25000000.0, true}, "de, 25000000, true"},
		{"an empty list from JSON", []any{}, "none"},
		{"text", "gold", "gold"},
		{"true", true, "true"},
		// A zero and false are values, not missing ones: they printed
		// the fallback ("Seats: none" for 0 seats).
		{"zero", int64(0), "0"},
		{"a zero decimal", 0.0, "0"},
		{"false", false, "false"},
		{"blank text", "  ", "none"},
		{"an empty list", []string{}, "none"},
		{"nothing", nil, "none"},
		{"a zero time", time.Time{}, "none"},
		{"a time", time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), "2026-01-10T00:00:00Z"},
		{"a time in its zone", time.Date(2026, 1, 10, 9, 30, 0, 0, newYork), "2026-01-10T09:30:00-05:00"},
		{"a time with a fraction", time.Date(2026, 1, 10, 9, 30, 0, 250e6, time.UTC), "2026-01-10T09:30:00.25Z"},
		{"a list with a time", []any{"since", time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)}, "since, 2026-01-10T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ts.RenderSMS("attr", &channel.RenderContext{Account: b2b.Account{Attributes: map[string]any{"v": tt.v}}})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	got, err := ts.RenderSMS("default", &channel.RenderContext{Group: channel.GroupView{Score: 12345678, MissingRoles: []string{"Champion", "End User"}}})
	require.NoError(t, err)
	require.Equal(t, "12345678 Champion, End User", got)
	got, err = ts.RenderSMS("default-time", &channel.RenderContext{Account: b2b.Account{UpdatedAt: time.Date(2026, 1, 10, 9, 30, 0, 0, newYork)}})
	require.NoError(t, err)
	require.Equal(t, "2026-01-10T09:30:00-05:00", got)
	got, err = ts.RenderSMS("default-time", &channel.RenderContext{})
	require.NoError(t, err)
	require.Equal(t, "never", got)
	// A zero time put in a zone (a host showing times in the account's,
	// UpdatedAt.In(loc)) is as unknown: default printed
	// "0000-12-31T19:03:58-04:56" for it (New York in the year 0).
	got, err = ts.RenderSMS("default-time", &channel.RenderContext{Account: b2b.Account{UpdatedAt: time.Time{}.In(newYork)}})
	require.NoError(t, err)
	require.Equal(t, "never", got)
	got, err = ts.RenderSMS("attr", &channel.RenderContext{Account: b2b.Account{Attributes: map[string]any{"v": time.Time{}.In(newYork)}}})
	require.NoError(t, err)
	require.Equal(t, "none", got)
}

// zone loads a time zone by name.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

// TestDateOfUnknownTime: date prints "" for a zero time (an unknown one),
// so that default gives its fallback, where it printed a date in the year
// 1 ("1 Jan 0001", "0001-01-01").
func TestDateOfUnknownTime(t *testing.T) {
	t.Parallel()
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{
		{Name: "date", Text: `[{{.Person.UpdatedAt | date "2 Jan 2006"}}]`},
		{Name: "iso", Text: `[{{.Person.UpdatedAt | date "2006-01-02"}}]`},
		{Name: "default", Text: `[{{date "2 Jan 2006" .Person.UpdatedAt | default "never"}}]`},
		{Name: "piped", Text: `[{{.Person.UpdatedAt | date "2 Jan 2006" | default "never"}}]`},
	}})
	require.NoError(t, err)
	known := time.Date(2026, 1, 10, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name, template string
		at             time.Time
		want           string
	}{
		{"a known time", "date", known, "[10 Jan 2026]"},
		{"a zero time", "date", time.Time{}, "[]"},
		{"a zero time in a numeric layout", "iso", time.Time{}, "[]"},
		{"a known time with a fallback", "default", known, "[10 Jan 2026]"},
		{"a zero time with a fallback", "default", time.Time{}, "[never]"},
		{"a zero time piped to a fallback", "piped", time.Time{}, "[never]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ts.RenderSMS(tt.template, &channel.RenderContext{Person: b2b.Person{ID: "p-1", UpdatedAt: tt.at}})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
