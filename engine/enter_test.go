package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestEnterRefusesWhatNamesNothing: a manual entry into a journey the
// program does not have (a misspelt ID), or one that names no account or
// no journey, is refused with every problem at once, as an external
// result is: it used to return no error and leave only a journey.no_entry
// event in the account's log, so that the caller took the account for
// entered. A journey the program has that takes no entry now (it ended)
// is a decision, logged with why, not an error.
func TestEnterRefusesWhatNamesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, account, journey string
		noJourneys             bool
		want                   string
	}{
		{name: "misspelt journey", account: "acme", journey: "pipline-acceleration",
			want: `enter: journey: "pipline-acceleration" is not a journey of program "option-a" (its journeys: pipeline-acceleration)`},
		{name: "nothing named", want: "enter: 2 problems:\n  account: is required\n  journey: is required"},
		{name: "a program without journeys", account: "acme", journey: "pipeline-acceleration", noJourneys: true,
			want: `enter: journey: "pipeline-acceleration" is not a journey of program "option-a" (it has none)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := pipelineProgram()
			if tt.noJourneys {
				defs.Journeys = nil
			}
			b := setup(t, defs)
			setupAcme(t, b)
			before := countEvents(t, b, "acme", "journey.no_entry")
			rep, err := b.eng.Enter(b.ctx, b2b.AccountID(tt.account), tt.journey)
			var ve *b2b.ValidationError
			require.ErrorAs(t, err, &ve)
			require.EqualError(t, err, tt.want)
			require.Zero(t, rep.Steps)
			require.Equal(t, before, countEvents(t, b, "acme", "journey.no_entry"), "nothing decided")
		})
	}
}

// TestEnterAJourneyThatEnded: the program has the journey, but it ended:
// the entry is the journey's decision, logged with why, not an error.
func TestEnterAJourneyThatEnded(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys[0].EndAt = day0.Add(-time.Hour)
	b := setup(t, defs)
	setupAcme(t, b)
	_, err := b.eng.Enter(b.ctx, "acme", "pipeline-acceleration")
	require.NoError(t, err)
	var why []string
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "journey.no_entry" {
			why = append(why, string(e.Data))
		}
	}
	require.Len(t, why, 1)
	require.Contains(t, why[0], "manual entry: journey is not live (it ended at")
}
