package journey

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestDeferredAgainAllocatesItsReasonOnly: a deferred message that a cap
// holds back again when it is retried costs the reason of its decision
// and nothing more: not the reason of a send that did not happen, nor a
// list of the times of the messages the cap counted, however many.
func TestDeferredAgainAllocatesItsReasonOnly(t *testing.T) {
	// Not parallel: AllocsPerRun counts the process's allocations.
	cat, err := NewCatalog(Config{Caps: []Cap{{Name: "email", Channel: b2b.ChannelEmail, Max: 1, Per: Days(7), Policy: CapDefer, MaxDefer: Days(30)}}})
	require.NoError(t, err)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	view := &AccountView{Account: b2b.Account{ID: "acme"}, Persons: []PersonView{{Person: b2b.Person{ID: "p", Email: "p@acme.com"}}}}
	held := DeferredMessage{Entry: OutboxEntry{Key: "k", Type: ActionEmail, Account: "acme", Journey: "j", Version: 1, Entry: 1, Node: "mail",
		Person: "p", Channel: b2b.ChannelEmail, Template: "hi", At: now}, Due: now, Expires: now.Add(30 * 24 * time.Hour), Visit: 1}
	for _, n := range []int{1, 12} {
		st := &State{Account: "acme", Deferred: make([]DeferredMessage, 1, 2)}
		for k := range n {
			st.Contacts = append(st.Contacts, Contact{Person: "p", Channel: b2b.ChannelEmail, At: now.Add(-time.Duration(k+1) * time.Hour)})
		}
		res := &Result{Trace: make([]Decision, 0, 4)}
		s := stepper{c: cat, st: st, view: view, now: now, at: now, res: res}
		allocs := testing.AllocsPerRun(100, func() {
			st.Deferred = st.Deferred[:1]
			st.Deferred[0] = held
			res.Trace = res.Trace[:0]
			s.retryDeferred(now, false)
		})
		require.Len(t, res.Trace, 1)
		require.Equal(t, DecisionDefer, res.Trace[0].Kind, res.Trace[0].Reason)
		require.Len(t, st.Deferred, 1)
		require.Equal(t, 1.0, allocs, "%d messages counted", n)
	}
}

// TestRecipientsAllocateOnce: choosing the recipients of an action makes
// one list, with room for every member it may choose, not one that grows
// as it chooses them.
func TestRecipientsAllocateOnce(t *testing.T) {
	// Not parallel: AllocsPerRun counts the process's allocations.
	cat, err := NewCatalog(Config{})
	require.NoError(t, err)
	for _, n := range []int{1, 3, 9} {
		view := &AccountView{Account: b2b.Account{ID: "acme"}}
		g := GroupView{ID: "g", SolutionInterest: "Data Platform"}
		for k := range n {
			id := b2b.PersonID("p" + strconv.Itoa(k))
			view.Persons = append(view.Persons, PersonView{Person: b2b.Person{ID: id}})
			g.Members = append(g.Members, Member{Person: id, Role: "Champion"})
		}
		view.Groups = []GroupView{g, {ID: "h", SolutionInterest: "Security", Members: g.Members}}
		s := stepper{c: cat, st: &State{}, view: view, res: &Result{}}
		tr := &Track{SolutionInterest: "Data Platform"}
		var got []recipient
		allocs := testing.AllocsPerRun(100, func() { got = s.recipients(&Instance{}, tr, &cnode{}, &crecip{}) })
		require.Len(t, got, n)
		require.Equal(t, 1.0, allocs, "%d recipients", n)
	}
}

// TestSplitAllocatesItsDecisionOnly: a split whose path holds allocates
// what evaluating its condition does (the values it read among them) and
// the reason the track keeps: no copy of the values, nor of the
// condition as written, which is the decision's reason.
func TestSplitAllocatesItsDecisionOnly(t *testing.T) {
	// Not parallel: AllocsPerRun counts the process's allocations.
	cat, err := NewCatalog(Config{})
	require.NoError(t, err)
	cat, _, err = cat.Publish(Journey{ID: "j", Nodes: []Node{
		{ID: "ready?", Kind: KindSplit, Split: &Split{Paths: []Path{{Name: "ready", When: "group.score >= 100 && group.completeness >= 0.5", Next: "yes"}}, Else: "no"}},
		{ID: "yes", Kind: KindEnd, End: &End{}}, {ID: "no", Kind: KindEnd, End: &End{}},
	}})
	require.NoError(t, err)
	v, ok := cat.Version("j", 1)
	require.True(t, ok)
	view := &AccountView{Account: b2b.Account{ID: "acme"}, Groups: []GroupView{{ID: "g", Score: 120, Completeness: 0.75}}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := stepper{c: cat, st: &State{}, view: view, now: now, at: now, res: &Result{Trace: make([]Decision, 0, 4)}}
	in := &Instance{Journey: "j", Version: 1, Entry: 1}
	node := &v.nodes[v.index["ready?"]]
	p := &node.paths[0]
	tr := &Track{}
	split := testing.AllocsPerRun(100, func() {
		*tr = Track{Node: "ready?", Status: TrackActive}
		s.res.Trace = s.res.Trace[:0]
		s.split(in, tr, v, node)
	})
	require.Equal(t, NodeID("yes"), tr.Node)
	d := s.res.Trace[0]
	require.Len(t, d.Values, 2)
	env := s.accountEnv(in, tr, nil)
	d = s.decision(in, tr, DecisionPath, node.id)
	d.Path = p.name
	asked := d
	eval := testing.AllocsPerRun(100, func() { _, d = s.eval(p.when, env, asked) })
	describe := testing.AllocsPerRun(100, func() { _ = describe(d, "", p.when.numbers()) })
	require.Equal(t, eval+describe, split)
}
