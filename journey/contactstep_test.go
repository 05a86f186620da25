package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// TestMessagesRecordTheirStep: a message sent, at once or after a cap
// held it back, is remembered with the visit of the node that sent it; so
// is a message held back. A node visited twice sends two steps' messages.
func TestMessagesRecordTheirStep(t *testing.T) {
	t.Parallel()
	mail := email("mail", "hi", "w", nil)
	mail.Limit = &journey.VisitLimit{Max: 2, Then: "end"}
	loop := linear("loop", mail, wait("w", journey.Days(8), "mail"), end("end", ""))
	cat := newCatalog(t, deferCap, loop)
	view := acmeView()
	var st journey.State
	cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("loop", day0), Contacts: mailedYesterday()})
	require.Len(t, st.Deferred, 3, "the cap holds back the first visit's three e-mails")
	entry := st.Deferred[0].Entry.Entry
	step := func(visit int) journey.Step {
		return journey.Step{Version: 1, Entry: entry, Node: "mail", Visit: visit}
	}
	for _, d := range st.Deferred {
		require.Equal(t, step(1), d.Step())
	}
	steps := func() map[journey.Step]int {
		out := map[journey.Step]int{}
		for _, c := range st.Contacts {
			out[c.Step]++
		}
		return out
	}
	// Day 6: the cap lets them go; day 8: the second visit, held back
	// until day 13 by the first visit's messages.
	for _, d := range []int{6, 8} {
		cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(d))})
	}
	require.Empty(t, cmp.Diff(map[journey.Step]int{step(1): 3}, steps()))
	require.Len(t, st.Deferred, 3)
	for _, d := range st.Deferred {
		require.Equal(t, step(2), d.Step())
	}
	cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(13))})
	require.Empty(t, st.Deferred)
	require.Empty(t, cmp.Diff(map[journey.Step]int{step(2): 3}, steps()), "the first visit's are past the cap's week")
}

// TestSalesAlertWithoutOwnerIsLeftToTheHost: a sales alert whose action
// names no recipient goes to the account's owner; without an owner, its
// entry has no recipient, for the host to route (by territory, to a
// queue), rather than no alert at all.
func TestSalesAlertWithoutOwnerIsLeftToTheHost(t *testing.T) {
	t.Parallel()
	alert := journey.Node{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "hot", Next: "end"}}
	cat := newCatalog(t, journey.Config{}, linear("hot", alert, end("end", "")))
	for _, owner := range []string{"sara@seller.example", ""} {
		view := acmeView()
		view.Account.Owner = owner
		var st journey.State
		res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("hot", day0)})
		var to []string
		for _, e := range res.Outbox {
			if e.Type == journey.ActionSalesAlert {
				to = append(to, e.To)
			}
		}
		require.Equal(t, []string{owner}, to, "owner %q", owner)
	}
}
