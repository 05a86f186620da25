package journey_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// The night clocks go back, a wait that ends at a clock time after its
// window lets go at the next moment the clock reads inside the window: not
// at its end, which the repeated hour makes look like a time of the window.
func TestWindowOverClocksGoingBack(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin") // 2025-10-26 03:00 CEST is 02:00 CET
	require.NoError(t, err)
	j := journey.Journey{ID: "w", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "w1", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "m", Window: &journey.Window{From: "01:00", To: "02:30"}}},
			email("m", "t", "e", nil),
			end("e", "done"),
		}}
	cat := newCatalog(t, journey.Config{}, j)
	v := acmeView()
	v.Location = berlin
	st := &journey.State{Account: "acme"}
	enter := time.Date(2025, 10, 25, 2, 40, 0, 0, berlin) // Saturday 02:40 CEST
	res := cat.Step(st, journey.Input{View: v, Now: enter, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "w", At: enter}}})
	second := time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC) // 02:00 CET, the second 02:00
	require.True(t, res.Due.Equal(second), "due %v, want %v", res.Due.In(berlin), second.In(berlin))
	res = cat.Step(st, journey.Input{View: v, Now: res.Due})
	require.NotEmpty(t, res.Outbox)
	for _, e := range res.Outbox {
		l := e.At.In(berlin)
		require.True(t, e.At.Equal(second), "email at %v, want %v", l, second.In(berlin))
		require.Equal(t, "02:00", l.Format("15:04"))
	}
}
