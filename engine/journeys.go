package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// maxJourneyRounds bounds how often one pass steps the journeys again
// because the previous step's own actions (a stage change, a role
// assignment) produced events.
const maxJourneyRounds = 3

// view is the account as journeys see it.
func (ps *pass) view() *journey.AccountView {
	st := ps.st
	v := &journey.AccountView{Account: st.Account, Revision: st.Revision, Opportunities: st.Opportunities,
		Lists: st.Lists, Audiences: st.Audiences.Names(), Location: ps.e.location(st.Account.TimeZone)}
	v.Persons = make([]journey.PersonView, 0, len(st.Persons))
	for _, pe := range st.Persons {
		v.Persons = append(v.Persons, journey.PersonView{Person: pe.Person, Score: ps.personScore(pe.Person.ID)})
	}
	v.Groups = make([]journey.GroupView, 0, len(st.Groups))
	for i := range st.Groups {
		g := &st.Groups[i]
		gv := journey.GroupView{ID: g.ID, SolutionInterest: g.Interest, Stage: g.Stage, Status: g.Status, Completeness: g.Completeness,
			Members: make([]journey.Member, 0, len(g.Members))}
		// Whether the stage is closed (won or lost) is the stage
		// model's to say: a parallel node starts no track for it.
		_, gv.Closed = ps.p.Groups.Closed(*g)
		if gs := st.GroupScores[g.ID]; gs != nil {
			gv.Score = gs.Score
		}
		if r := st.Readiness[g.ID]; r != nil {
			gv.ReadinessTier = string(r.Tier)
		}
		if missing, err := ps.p.Groups.MissingRoles(*g); err == nil {
			for _, m := range missing {
				gv.MissingRoles = append(gv.MissingRoles, m.Role)
			}
		}
		for _, m := range g.Members {
			gv.Members = append(gv.Members, journey.Member{Person: m.Person, Role: m.Role})
		}
		for k, val := range st.Attributes {
			if rest, ok := strings.CutPrefix(k, "group/"+g.ID+"/"); ok {
				if gv.Attributes == nil {
					gv.Attributes = map[string]any{}
				}
				gv.Attributes[rest] = val
			}
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// stepJourneys runs the journeys on the pass's events and applies what
// they decided. Their caps count the messages the account's persons of
// several accounts got from the others too (sharedContacts).
func (ps *pass) stepJourneys(ctx context.Context, out *outcome) {
	st := ps.st
	contacts := ps.sharedContacts(ctx)
	if ps.err != nil {
		return
	}
	events := ps.jevents
	ps.jfirst = events
	res := resultRoom.take()
	defer resultRoom.put(res)
	for round := 0; round < maxJourneyRounds; round++ {
		slices.SortStableFunc(events, func(a, b journey.Event) int { return a.At.Compare(b.At) })
		ps.jevents = nil
		// Each round's result is done with (logged, queued) before the
		// next round steps into it.
		ps.p.Journeys.StepInto(res, &st.Journeys, journey.Input{View: ps.view(), Events: events, Now: ps.now, Contacts: contacts})
		if round == 0 || !res.Due.IsZero() {
			ps.journey.Due = res.Due
		}
		if res.Idle {
			break
		}
		out.steps++
		ps.logJourneys(res)
		// Room for the messages at once, not grown (and copied) a few
		// times on the way: an entry is large, and most passes that
		// send send to several persons.
		sends := 0
		for i := range res.Outbox {
			switch res.Outbox[i].Type {
			case journey.ActionEmail, journey.ActionSMS, journey.ActionSalesAlert:
				sends++
			}
		}
		ps.outbox = slices.Grow(ps.outbox, sends)
		for i := range res.Outbox {
			ps.perform(&res.Outbox[i])
		}
		if len(ps.jevents) == 0 {
			break
		}
		// The journeys' own actions changed the account: let them see it,
		// and let what derives from it (audiences, readiness, the alert
		// rules on its groups' stages) see it at once too: the account is
		// due again at this time.
		st.Revision++
		st.Rederive = true
		events = ps.jevents
	}
	ps.jevents = nil
}

// logJourneys logs a journey result's decisions and the instances that
// ended.
func (ps *pass) logJourneys(res *journey.Result) {
	for i := range res.Trace {
		d := &res.Trace[i]
		var raw []byte
		var err error
		ps.data, raw, err = appendDecision(ps.data, d)
		ps.logRaw(decisionEvent(d.Kind), d.Person, d.At, raw, err)
		if d.Kind == journey.DecisionSkip {
			ps.skipped++
		}
	}
	for _, en := range res.Ended {
		ps.log("journey.ended", "", en.At, en)
	}
}

// decisionEvents are the event types of the journey decisions' kinds,
// made once rather than for each decision logged.
var decisionEvents = func() map[journey.DecisionKind]string {
	m := map[journey.DecisionKind]string{}
	for _, k := range journey.DecisionKinds() {
		m[k] = "journey." + string(k)
	}
	return m
}()

// decisionEvent returns the event type of a journey decision of kind k.
func decisionEvent(k journey.DecisionKind) string {
	if typ, ok := decisionEvents[k]; ok {
		return typ
	}
	return "journey." + string(k)
}

// perform carries out one journey outbox entry: messages and alerts go to
// the outbox; changes to the account's own state apply at once.
func (ps *pass) perform(en *journey.OutboxEntry) {
	st := ps.st
	by := "journey " + en.Journey
	switch en.Type {
	case journey.ActionEmail, journey.ActionSMS:
		ps.message(en)
	case journey.ActionSalesAlert:
		ps.journeyAlert(en)
	case journey.ActionChangeStage:
		ps.eachGroup(en, func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return ps.p.Groups.MoveTo(g, en.Stage, by, "journey node "+string(en.Node), ps.now)
		})
	case journey.ActionAssignRole:
		ps.eachGroup(en, func(g buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error) {
			return ps.p.Groups.AssignFromJourney(g, en.Person, en.Role, en.Journey, ps.now)
		})
	case journey.ActionSetAttribute:
		key := "account/" + en.Attribute
		if en.Target == "group" {
			key = "group/" + en.Group + "/" + en.Attribute
		}
		if st.Attributes == nil {
			st.Attributes = map[string]string{}
		}
		from := st.Attributes[key]
		st.Attributes[key] = en.Value
		ps.log("account.attribute_set", "", ps.now, map[string]string{"attribute": key, "from": from, "to": en.Value, "by": by})
		if from != en.Value {
			ps.jevents = append(ps.jevents, journey.Event{Type: journey.EventAttributeChanged, At: ps.now, Group: en.Group, Attribute: en.Target + "." + en.Attribute, From: from, To: en.Value})
		}
	case journey.ActionAddToList:
		if st.addList(en.List) {
			ps.log("account.list_added", "", ps.now, map[string]string{"list": en.List, "by": by})
		}
	case journey.ActionRemoveFromList:
		if st.removeList(en.List) {
			ps.log("account.list_removed", "", ps.now, map[string]string{"list": en.List, "by": by})
		}
	case journey.ActionAdjustScore:
		key := "group/" + en.Group
		if en.Person != "" {
			key = "person/" + string(en.Person)
		}
		if st.Adjustments == nil {
			st.Adjustments = map[string]float64{}
		}
		st.Adjustments[key] += en.Delta
		ps.log("scoring.adjusted", en.Person, ps.now, map[string]any{"target": key, "delta": en.Delta, "by": by})
	case journey.ActionExternal:
		ps.log("journey.external_requested", en.Person, ps.now, en)
	default:
		ps.log("journey.unknown_action", en.Person, ps.now, en)
	}
}

// eachGroup applies fn to the entry's group, or to every group of its
// solution interest.
func (ps *pass) eachGroup(en *journey.OutboxEntry, fn func(buyinggroup.Group) (buyinggroup.Group, []buyinggroup.Event, error)) {
	for i := range ps.st.Groups {
		g := ps.st.Groups[i]
		if en.Group != "" && g.ID != en.Group || en.Group == "" && en.SolutionInterest != "" && g.Interest != en.SolutionInterest {
			continue
		}
		ps.viewRev++
		next, evs, err := fn(g)
		if err != nil {
			ps.log("journey.action_refused", en.Person, ps.now, map[string]string{"journey": en.Journey, "node": string(en.Node), "action": string(en.Type), "group": g.ID, "error": err.Error()})
			continue
		}
		ps.st.Groups[i] = next
		ps.groupEvents(evs)
	}
}

// groupFor returns the buying group a journey's message or alert is
// about: the entry's group, else the group of the journey's solution
// interest, else (a journey bound to no interest) the account's first
// group. An account without such a group gets a stand-in of no members
// ("<account>/none", of the journey's interest): a journey of one
// interest never speaks of another interest's group.
func (ps *pass) groupFor(en *journey.OutboxEntry) *buyinggroup.Group {
	if en.Group != "" {
		if g := ps.st.group(en.Group); g != nil {
			return g
		}
	}
	for i := range ps.st.Groups {
		if ps.st.Groups[i].Interest == en.SolutionInterest {
			return &ps.st.Groups[i]
		}
	}
	if len(ps.st.Groups) > 0 && en.SolutionInterest == "" {
		return &ps.st.Groups[0]
	}
	return &buyinggroup.Group{ID: string(ps.id) + "/none", Account: ps.id, Interest: en.SolutionInterest}
}

// message queues a journey email or SMS for its recipient. The message is
// rendered when it is claimed for delivery (see render), from the
// account's committed state then; here its recipient and address are
// checked, so that what cannot be sent is skipped with its reason now.
func (ps *pass) message(en *journey.OutboxEntry) {
	pe := ps.st.person(en.Person)
	if pe == nil {
		ps.skipSend(en, en.Key, "the recipient is no longer a person of the account")
		return
	}
	g := ps.groupFor(en)
	// Its tags (journey, node, group) are made from ref when it is read
	// back (entryOf): a map costs more to encode than the struct.
	msg := channel.Message{Key: en.Key, Channel: en.Channel, Account: ps.id, Person: pe.Person.ID, Template: en.Template}
	ref := &renderRef{Journey: en.Journey, Node: string(en.Node), Group: g.ID, Interest: g.Interest, Role: en.Role}
	if len(ps.p.Journeys.Config().Caps) > 0 {
		ref.Sent = ps.now.UTC()
	}
	switch en.Type {
	case journey.ActionEmail:
		if pe.Person.Email == "" {
			ps.skipSend(en, en.Key, "the recipient has no email address")
			return
		}
		msg.To = pe.Person.Email
	case journey.ActionSMS:
		if pe.Person.Phone == "" {
			ps.skipSend(en, en.Key, "the recipient has no phone number")
			return
		}
		msg.To = pe.Person.Phone
		// Queued as it is sent: in E.164, however the CRM writes it in
		// international format ("0044 20 7946 0958"); a number in
		// national format is refused below.
		if e, ok := b2b.E164Phone(msg.To); ok {
			msg.To = e
		}
	}
	if err := msg.ValidateAddressing(); err != nil {
		ps.skipSend(en, msg.Key, err.Error())
		return
	}
	if ps.e.suppression.has(msg.To) {
		ps.skipSend(en, msg.Key, "the address was erased")
		return
	}
	ps.enqueue(msg, en.Person, ref)
}

// skipSend skips a journey message the pass does not queue, and takes
// back the frequency-cap count the journeys made for it as they sent it:
// a message never queued leaves the person's caps as they were. (One
// queued counts, whatever its claim and delivery find: see the package
// documentation.) The count is dated when the journey sent the message,
// which may be before the pass's time (it heard an activity of the
// batch, dated earlier).
func (ps *pass) skipSend(en *journey.OutboxEntry, key, reason string) {
	ps.skip(en.Person, key, reason)
	js := &ps.st.Journeys
	for i := len(js.Contacts) - 1; i >= 0; i-- {
		c := &js.Contacts[i]
		if c.Person == en.Person && c.Channel == en.Channel && c.Category == en.Category && c.Journey == en.Journey && c.At.Equal(en.At) {
			js.Contacts = slices.Delete(js.Contacts, i, i+1)
			return
		}
	}
}

// skip records a message that is not sent, with why.
func (ps *pass) skip(person b2b.PersonID, key, reason string) {
	ps.skipped++
	ps.log("message.skipped", person, ps.now, map[string]string{"key": key, "reason": reason})
}

// enqueue adds a message to the outbox of this commit: a rendered one
// (ref nil, as sales alerts are, checked by alertMessage before the alert
// was raised), or one to render at delivery from ref.
func (ps *pass) enqueue(msg channel.Message, person b2b.PersonID, ref *renderRef) {
	// The entry itself holds the key, channel, account and person: the
	// payload leaves them out (entryOf puts them back).
	q := queuedMessage{Message: msg, Render: ref}
	q.Key, q.Channel, q.Account, q.Person = "", "", "", ""
	payload := encodePayload(&q)
	for _, o := range ps.outbox {
		if o.ID == msg.Key {
			return
		}
	}
	ps.outbox = append(ps.outbox, store.OutboxEntry{ID: msg.Key, Account: ps.id, Person: person, IdempotencyKey: msg.Key,
		Channel: msg.Channel, Payload: payload, NextAttemptAt: ps.now})
	journeyID := msg.Tags["journey"]
	if ref != nil {
		journeyID = ref.Journey
	}
	ev := queuedEvent{Channel: msg.Channel, Journey: journeyID, Key: msg.Key, Template: msg.Template, To: msg.To}
	ps.logRaw("message.queued", person, ps.now, ev.appendJSON(make([]byte, 0, 64+len(ev.Journey)+len(ev.Key)+len(ev.Template)+len(ev.To))), nil)
}

// queuedEvent is the data of a message.queued event, one per message: a
// struct, not a map, since it is encoded so often (the fields are in the
// order a map's keys would be encoded).
type queuedEvent struct {
	Channel  string `json:"channel"`
	Journey  string `json:"journey"`
	Key      string `json:"key"`
	Template string `json:"template"`
	To       string `json:"to"`
}

// location is the time zone of the pass's account, in which templates
// show times: the state, the log and the outbox keep them as they are.
func (ps *pass) location() *time.Location { return ps.e.location(ps.st.Account.TimeZone) }

// location returns an account's time zone as b2b.Account.Location reads
// it (UTC when unknown, and for "Local", which the standard library reads
// as the machine's zone), loading each name once.
func (e *Engine) location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := e.locations.Load(name); ok {
		return l.(*time.Location)
	}
	l := (&b2b.Account{TimeZone: name}).Location()
	e.locations.Store(name, l)
	return l
}
