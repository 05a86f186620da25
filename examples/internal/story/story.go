// Package story is what the option A and option B examples share: an
// engine on the memory store with a manual clock and a recording sender,
// record builders, and the printing of groups, decisions and deliveries.
package story

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/store/memory"
)

// Day0 is Monday 2 March 2026, 09:00 UTC.
var Day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Day is the time n days after Day0.
func Day(n int) time.Time { return Day0.AddDate(0, 0, n) }

// World is an engine with its clock and a dispatcher that delivers to a
// recorder, and what of it was printed already.
type World struct {
	Ctx   context.Context
	Clk   *clock.Manual
	Eng   *engine.Engine
	Rec   *channeltest.Recorder
	disp  *channel.Dispatcher
	sent  int   // messages of rec already printed
	seq   int64 // events already printed
	Names map[b2b.PersonID]string
	// SentOn is the day (from Day0) each message delivered so far was
	// delivered on, by its key.
	SentOn map[string]int
}

// NewWorld compiles an example program file of examples/programs and
// returns an engine running it.
func NewWorld(file string) (*World, error) {
	defs, err := programfile.LoadFS(programs.FS, file)
	if err != nil {
		return nil, err
	}
	prog, err := program.Compile(defs, program.Options{})
	if err != nil {
		return nil, err
	}
	clk := clock.NewManual(Day0)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk, Workers: 1,
		UnsubscribeURL: func(_ b2b.AccountID, p b2b.PersonID) string {
			// The host's endpoint, which records the opt-out.
			return "https://quorum.example/unsubscribe?p=" + url.QueryEscape(string(p))
		}})
	if err != nil {
		return nil, err
	}
	// No engagement model: the recorder delivers and nothing more, so the
	// story below is the activities it names, and nothing random.
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk})
	disp, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: eng.Outbox(), Email: rec, SMS: rec, Alert: rec, Clock: clk})
	if err != nil {
		return nil, err
	}
	return &World{Ctx: context.Background(), Clk: clk, Eng: eng, Rec: rec, disp: disp, Names: map[b2b.PersonID]string{}, SentOn: map[string]int{}}, nil
}

// Lead is a marketing-automation lead record.
func Lead(id, email, first, last, title, company string) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: Day0.Add(-time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, Company: company,
			Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: Day0.AddDate(0, -1, 0)}}}}
}

// Contact is a CRM contact record of an account.
func Contact(id, email, first, last, title string, account b2b.AccountID) identity.PersonRecord {
	return identity.PersonRecord{Source: b2b.SourceSalesforce, RecordID: id, Time: Day0.Add(-2 * time.Hour),
		Person: b2b.Person{Email: email, FirstName: first, LastName: last, Title: title, AccountID: account}}
}

// Act is a marketing-automation activity of a lead.
func Act(id string, typ b2b.ActivityType, person string, at time.Time, attrs map[string]any) b2b.Activity {
	return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: b2b.PersonID(person), Source: b2b.SourceMarketo, Time: at, Attributes: attrs}
}

// name returns a person's name for a record or golden ID.
func (x *World) Name(id b2b.PersonID) string {
	if n, ok := x.Names[id]; ok {
		return n
	}
	// A golden ID names its first record: "marketo:L-5".
	if _, rec, ok := strings.Cut(string(id), ":"); ok {
		if n, ok := x.Names[b2b.PersonID(rec)]; ok {
			return n
		}
	}
	return string(id)
}

// Attrs renders activity attributes for printing.
func Attrs(m map[string]any) string {
	for _, k := range []string{"event", "form", "url", "moment"} {
		if v, ok := m[k]; ok {
			return fmt.Sprintf(" (%v)", v)
		}
	}
	return ""
}

// printGroups prints the account's buying groups: members with the rule
// behind each role, completeness, missing roles, score, stage, readiness.
func (x *World) PrintGroups(w io.Writer, id b2b.AccountID) error {
	if err := x.LearnNames(id); err != nil {
		return err
	}
	v, err := x.Eng.Account(x.Ctx, id, x.Clk.Now())
	if err != nil {
		return err
	}
	for _, g := range v.Groups {
		fmt.Fprintf(w, "  Buying group %q (stage %s)\n", g.Name, g.Group.Stage)
		for _, m := range g.Group.Members {
			fmt.Fprintf(w, "    %-12s %s\n", x.Name(m.Person)+":", m.Explain())
		}
		missing := []string{}
		for _, m := range g.MissingRoles {
			missing = append(missing, m.Role)
		}
		fmt.Fprintf(w, "    completeness %.2f (weighted %.2f), missing: %s\n", g.Group.Completeness, g.Group.WeightedCompleteness, orNone(missing))
		fmt.Fprintf(w, "    score %.0f (velocity %+.0f in 14 days)\n", g.Score.Score, g.Velocity)
		for _, p := range g.Score.Parts {
			if p.Score > 0 {
				fmt.Fprintf(w, "      %s %.1f\n", x.Name(p.Person), p.Score)
			}
		}
		if g.Readiness != nil {
			fmt.Fprintf(w, "    readiness: %s\n", g.Readiness.Explain())
		}
		for _, s := range g.Group.StageHistory {
			fmt.Fprintf(w, "    stage %s -> %s on day %d", orNone([]string{s.From}), s.To, dayOf(s.At))
			// A rule-driven change keeps its why in its rule, not in
			// Reason: say it as the day's decisions did.
			why := s.Reason
			if s.Auto {
				why = fmt.Sprintf("rule %q: %s", s.Rule, s.Expr)
			}
			if why != "" {
				fmt.Fprintf(w, ": %s", why)
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// learnNames remembers the names of the account's persons, by golden and
// by record ID, to print them.
func (x *World) LearnNames(id b2b.AccountID) error {
	v, err := x.Eng.Account(x.Ctx, id, x.Clk.Now())
	if err != nil {
		return err
	}
	for _, p := range v.Persons {
		n := strings.TrimSpace(p.Person.FirstName + " " + p.Person.LastName)
		x.Names[p.Person.ID] = n
		gp, err := x.Eng.Identity(p.Person.ID)
		if err != nil {
			return err
		}
		for _, r := range gp.Records {
			x.Names[b2b.PersonID(r.RecordID)] = n
		}
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 || (len(s) == 1 && s[0] == "") {
		return "none"
	}
	return strings.Join(s, ", ")
}

func dayOf(t time.Time) int { return int(t.Sub(Day0.Truncate(24*time.Hour)).Hours() / 24) }

// decisions prints the journey decisions and readiness changes logged
// since the last call, each with its reason.
func (x *World) Decisions(w io.Writer, id b2b.AccountID) error {
	evs, err := x.Eng.Events(x.Ctx, id, x.seq, 0)
	if err != nil {
		return err
	}
	for _, e := range evs {
		x.seq = e.Seq
		switch {
		case strings.HasPrefix(e.Type, "journey.") && e.Type != "journey.ended":
			var d journey.Decision
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return err
			}
			if e.Type == "journey.action_refused" {
				var r struct{ Node, Error string }
				if err := json.Unmarshal(e.Data, &r); err != nil {
					return err
				}
				fmt.Fprintf(w, "  journey: node %s refused: %s\n", r.Node, r.Error)
				continue
			}
			fmt.Fprintf(w, "  journey: %s\n", d.String())
		case e.Type == "readiness.changed":
			var r struct{ Interest, Explain string }
			if err := json.Unmarshal(e.Data, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  readiness%s: %s\n", x.of(r.Interest), r.Explain)
		case e.Type == "buyinggroup.member_added":
			var r struct {
				Person                 b2b.PersonID `json:"personId"`
				Interest, Role, Reason string
			}
			if err := json.Unmarshal(e.Data, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  new member%s: %s as %s: %s\n", x.of(r.Interest), x.Name(r.Person), r.Role, r.Reason)
		case e.Type == "buyinggroup.stage_changed":
			var r struct{ Interest, From, To, Reason string }
			if err := json.Unmarshal(e.Data, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  stage%s %s -> %s: %s\n", x.of(r.Interest), r.From, r.To, r.Reason)
		case e.Type == "alert.raised":
			var r struct{ Rule, Reason, To string }
			if err := json.Unmarshal(e.Data, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  sales alert raised for %s: %s\n", r.To, r.Reason)
		}
	}
	return nil
}

// of names the group a change belongs to (" of data-platform") when
// the program has several solution interests: an account then has a
// group of each, and a line that names none could be either's.
func (x *World) of(interest string) string {
	if interest == "" || len(x.Eng.Program().Definitions().Interests) < 2 {
		return ""
	}
	return " of " + interest
}

// deliver dispatches the outbox and prints what was sent.
func (x *World) Deliver(w io.Writer) error {
	for {
		r, err := x.disp.Dispatch(x.Ctx)
		if err != nil {
			return err
		}
		if r.Claimed == 0 {
			break
		}
	}
	sent := x.Rec.Sent()
	for _, m := range sent[x.sent:] {
		x.SentOn[m.Key] = dayOf(x.Clk.Now())
		to := m.To
		if m.Person != "" {
			to = x.Name(m.Person) + " <" + m.To + ">"
		}
		fmt.Fprintf(w, "  sent %s to %s: %q\n", m.Channel, to, m.Subject)
		if m.Channel == channel.ChannelSalesAlert {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(strings.TrimSpace(m.Text), "\n", "\n    "))
		}
	}
	x.sent = len(sent)
	return nil
}
