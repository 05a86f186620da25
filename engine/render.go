package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// render fills in a queued journey message's content from its template:
// the subject, HTML and text of an email (and its List-Unsubscribe link
// when the template is marketing), or an SMS's text, for the recipient as
// the pass's state has them. It returns why the message cannot be sent:
// a suppressed error when the recipient's consent forbids it now (an
// unsubscribe since it was queued, say).
func (ps *pass) render(msg *channel.Message, ref *renderRef) error {
	pe := ps.st.person(msg.Person)
	if pe == nil {
		var why error
		if pe, why = ps.mergedRecipient(msg, ref); why != nil {
			return why
		}
	}
	if why := ps.consentForbids(&pe.Person, msg.Channel); why != "" {
		return suppressed{why: why}
	}
	g := ps.groupFor(&journey.OutboxEntry{Group: ref.Group, SolutionInterest: ref.Interest})
	var gv channel.GroupView
	if ps.p.Templates.Reads(msg.Template, "Group") {
		// The group's view (its members, scores, missing roles) is built
		// only for a template that reads it.
		gv = ps.channelGroup(g)
		gv.Role = ref.Role
	}
	// One context for each of the pass's messages: rendering keeps
	// nothing of it, and a new one for each would be a kilobyte of
	// garbage a message. Its time is the account's, as its people read
	// it ({{.Now | date ...}} formats a time in its own zone).
	if ps.rc == nil {
		ps.rc = new(channel.RenderContext)
	}
	rc := ps.rc
	*rc = channel.RenderContext{Account: ps.st.Account, Person: pe.Person, Group: gv, Interest: ps.channelInterest(g.Interest),
		Now: ps.now.In(ps.location())}
	if ps.p.Templates.Reads(msg.Template, "UnsubscribeURL") {
		// Set: Install refuses a program with such a template without it.
		rc.UnsubscribeURL = ps.e.cfg.UnsubscribeURL(ps.id, pe.Person.ID)
	}
	switch msg.Channel {
	case channel.ChannelEmail:
		r, err := ps.p.Templates.RenderEmail(msg.Template, rc)
		if err != nil {
			return err
		}
		msg.Subject, msg.HTML, msg.Text = r.Subject, r.HTML, r.Text
		if ps.p.Templates.Marketing(msg.Template) {
			msg.ListUnsubscribe = rc.UnsubscribeURL
		}
	case channel.ChannelSMS:
		text, err := ps.p.Templates.RenderSMS(msg.Template, rc)
		if err != nil {
			return err
		}
		msg.Text = text
	default:
		return fmt.Errorf("channel %q is not rendered at delivery", msg.Channel)
	}
	return msg.Validate()
}

// mergedRecipient is the person of the account that a message's
// recipient, no longer one of its persons, is now: their records merged
// into another person's since the message was queued. The message is
// that person's (msg.Person is theirs; its address stays the one it was
// queued for, one of theirs now), unless they had the same step's message
// already as the other record: a step's message is a person's once (see
// takeDeferred), and the copy is suppressed with why. The state tells
// only with frequency caps, which keep the messages sent (and renamed
// them to the person at the merge); without, the copy goes out.
//
// A recipient who is no person of the account now (moved to another
// account, or merged into a person of another account who is not linked
// to this one) left it: the message is about this account's group, for
// one of its persons, and is suppressed with why, naming the accounts
// they are in now.
func (ps *pass) mergedRecipient(msg *channel.Message, ref *renderRef) (*personEntry, error) {
	ps.e.idMu.Lock()
	gp, err := ps.e.graph.Person(msg.Person)
	ps.e.idMu.Unlock()
	if err != nil {
		// Not a person identity knows (an engine not recovered): where
		// they are cannot be told.
		return nil, errors.New("the recipient is no longer a person of the account")
	}
	var pe *personEntry
	if gp.ID != msg.Person {
		pe = ps.st.person(gp.ID)
	}
	if pe == nil {
		return nil, suppressed{why: ps.leftAccount(msg.Person, &gp), logged: "the recipient left the account"}
	}
	if !ref.Sent.IsZero() {
		// The message's own record and the person's of the same step,
		// both the person's since the merge.
		var steps []journey.Step
		for _, c := range ps.st.Journeys.Contacts {
			if c.Person != pe.Person.ID || c.Journey != ref.Journey || string(c.Channel) != msg.Channel || string(c.Step.Node) != ref.Node || !c.At.Equal(ref.Sent) {
				continue
			}
			if slices.Contains(steps, c.Step) {
				return nil, suppressed{why: fmt.Sprintf("the records of %s merged into %s, who had the step's message already", msg.Person, pe.Person.ID),
					logged: "the recipient's records merged into a person who had the step's message already"}
			}
			steps = append(steps, c.Step)
		}
	}
	msg.Person = pe.Person.ID
	return pe, nil
}

// leftAccount says why a message is not sent to id, who left the
// account: gp is the person they are now, with the accounts they are in.
func (ps *pass) leftAccount(id b2b.PersonID, gp *identity.GoldenPerson) string {
	var b strings.Builder
	b.WriteString("the recipient left the account: ")
	if gp.ID != id {
		fmt.Fprintf(&b, "the records of %s merged into %s, who is not a person of %s", id, gp.ID, ps.id)
	} else {
		fmt.Fprintf(&b, "%s is not a person of %s", id, ps.id)
	}
	if len(gp.Links) == 0 {
		b.WriteString(" (a person of no account)")
		return b.String()
	}
	b.WriteString(" (a person of ")
	for i, l := range gp.Links {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(l.Account))
	}
	b.WriteString(")")
	return b.String()
}
