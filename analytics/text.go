package analytics

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/quorumhq/quorum/internal/errwrite"
)

// definitions are the KPIs' definitions as printed under the text report,
// in its order.
var definitions = []struct{ Name, Text string }{
	{"completeness", "buying groups whose latest completeness at To is 1 (every required role filled) / groups with a snapshot"},
	{"engagement", "mean (and median) of each buying group's latest engagement score at To"},
	{"mqa", "accounts with a group that became qualified in the period (a sales-ready stage or readiness level, the group not in a closed stage) / accounts in the log"},
	{"velocity", "days from a group's creation to its first sales-ready moment, or to the first opportunity on its account and interest, for those reached in the period"},
	{"qualification", "qualified persons / persons, each account's latest qualify.rate at To summed"},
	{"alert response", "alerts raised in the period that sales followed up (acted on: a CRM activity such as a call, a meeting, a sales e-mail) within the response window / those whose window closed by To; an acknowledgement alone (the alert seen or opened) is no response"},
	{"journey completion", "accounts that entered a journey in the period and completed it (an instance they entered in the period completed by To, as the journey defines it: a completion end node or goal) / accounts that entered it, each once however often it entered; overall, (account, journey) pairs over all journeys"},
	{"email", "e-mails delivered in the period that were opened (clicked) by To, once each, by the message key their opens and clicks name / e-mails delivered in the period (not bounced by To)"},
}

// WriteText writes the report as aligned text tables: the KPIs with their
// numerators and denominators, their definitions, then the details
// (stages, journeys, funnel, alerts, e-mail, ground truth).
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{errwrite.Writer{W: w}}
	period := "from the first event"
	if !r.From.IsZero() {
		period = "from " + stamp(r.From)
	}
	if r.To.IsZero() {
		ew.printf("Quorum KPIs: no event yet\n")
	} else {
		ew.printf("Quorum KPIs %s to %s\n", period, stamp(r.To))
	}
	if !r.Through.IsZero() {
		ew.printf("The log ends at %s, before To: an alert whose response window closes after its end counts as open, not as unanswered\n", stamp(r.Through))
	}
	ew.printf("%s, %s; events: %d read, %d ignored, %d malformed, %d out of order\n\n",
		count(r.Accounts, "account"), count(r.Groups, "buying group"), r.Events.Read, r.Events.Ignored, r.Events.Malformed, r.Events.OutOfOrder)

	t := ew.table("KPI", "VALUE", "NUMERATOR", "DENOMINATOR", "NOTE")
	row := func(name string, x Ratio, num, den, note string) {
		t.row(name, x.Percent(), count(x.Numerator, num), count(x.Denominator, den), noteOr(x.Reason, note))
	}
	row("Buying-group completeness rate", r.Completeness, "complete group", "group", "")
	e := r.Engagement
	t.row("Buying-group engagement score", num(e.Mean, ""), fmt.Sprintf("%.1f points", e.Sum), count(e.Count, "group"),
		noteOr(e.Reason, "median "+num(e.Median, "")))
	row("MQA rate (accounts)", r.MQA.Accounts, "MQA", "account", "")
	row("MQA rate (groups)", r.MQA.Groups, "qualified group", "group", "")
	for _, v := range []struct {
		name string
		d    Duration
	}{{"Pipeline velocity to sales-ready", r.Velocity.ToSalesReady}, {"Pipeline velocity to opportunity", r.Velocity.ToOpportunity}} {
		t.row(v.name, num(v.d.Days.Mean, " days"), fmt.Sprintf("%.1f days", v.d.Days.Sum), count(v.d.Days.Count, "group"), v.d.note())
	}
	row("Lead-to-buying-group qualification", r.Qualification.Ratio, "qualified person", "person", count(r.Qualification.Accounts, "account"))
	a := r.AlertResponse
	row("Sales-alert response rate", a.Rate, "followed-up alert", "closed alert", fmt.Sprintf("%d raised, %d still open", a.Raised, a.Open))
	j := r.JourneyCompletion.Overall
	row("Account-journey completion rate", j.Rate, "completed account journey", "entered account journey",
		fmt.Sprintf("%d running, %d exited; %s", j.Running, j.Exited, count(j.Instances.Entered, "instance")))
	row("Email open rate", r.Email.OpenRate, "opened e-mail", "delivered e-mail", unmatched(r.Email.UnmatchedOpens, "open"))
	row("Email click rate", r.Email.ClickRate, "clicked e-mail", "delivered e-mail", unmatched(r.Email.UnmatchedClicks, "click"))
	t.flush()

	ew.printf("\nDefinitions (flows count in the period, stocks are the latest values at To):\n")
	for _, d := range definitions {
		ew.printf("  %-19s %s\n", d.Name, d.Text)
	}

	ew.printf("\nStage distribution at To\n")
	if len(r.Stages) == 0 {
		ew.printf("  no buying group has a stage\n")
	} else {
		t = ew.table("  STAGE", "GROUPS", "SHARE")
		for _, s := range r.Stages {
			t.row("  "+s.Stage, strconv.Itoa(s.Groups), s.Share.Percent())
		}
		t.flush()
	}

	ew.printf("\nJourneys (accounts that entered each in the period, once however often; instances: their entries)\n")
	if len(r.JourneyCompletion.Journeys) == 0 {
		ew.printf("  no journey entered in the period\n")
	} else {
		t = ew.table("  JOURNEY", "ACCOUNTS", "COMPLETED", "EXITED", "RUNNING", "COMPLETION", "INSTANCES")
		for _, s := range r.JourneyCompletion.Journeys {
			t.row("  "+s.Journey, strconv.Itoa(s.Entered), strconv.Itoa(s.Completed), strconv.Itoa(s.Exited), strconv.Itoa(s.Running), s.Rate.Percent(),
				strconv.Itoa(s.Instances.Entered))
		}
		t.flush()
	}

	ew.printf("\nJourney funnel (arrivals at each node in the period)\n")
	if len(r.Funnel) == 0 {
		ew.printf("  no node reached in the period\n")
	} else {
		t = ew.table("  JOURNEY", "NODE", "ARRIVALS", "INSTANCES")
		for _, f := range r.Funnel {
			for i, n := range f.Nodes {
				name := ""
				if i == 0 {
					name = f.Journey
				}
				t.row("  "+name, n.Node, strconv.Itoa(n.Arrivals), strconv.Itoa(n.Instances))
			}
		}
		t.flush()
	}

	ew.printf("\nSales alerts (response window %s): %d raised, %d closed (%d followed up; %d acknowledged, %d of them without a follow-up), %d open (%d followed up so far)",
		hours(a.WindowHours), a.Raised, a.Rate.Denominator, a.ActedOn, a.Acknowledged, a.AcknowledgedOnly, a.Open, a.OpenResponded)
	if a.Unmatched > 0 {
		ew.printf(", %s of unknown alerts", count(a.Unmatched, "follow-up"))
	}
	m := r.Email
	ew.printf("\nE-mail: %d queued, %d delivered, %d bounced, %d failed, %d suppressed", m.Queued, m.Delivered, m.Bounced, m.Failed, m.Suppressed)
	if m.UnknownResults > 0 {
		ew.printf(", %d results for messages never queued", m.UnknownResults)
	}
	var apart []string
	if m.UnmatchedOpens > 0 {
		apart = append(apart, count(m.UnmatchedOpens, "open"))
	}
	if m.UnmatchedClicks > 0 {
		apart = append(apart, count(m.UnmatchedClicks, "click"))
	}
	if len(apart) > 0 {
		ew.printf("; %s tied to no program e-mail", strings.Join(apart, " and "))
	}
	ew.printf("\n")

	if r.Truth != nil {
		ew.printf("\nMQAs against the ground truth\n")
		t = ew.table("  LEVEL", "TP", "FP", "FN", "TN", "PRECISION", "RECALL", "NOT IN TRUTH")
		lvl := func(name string, x *Accuracy) {
			t.row("  "+name, strconv.Itoa(x.TruePositives), strconv.Itoa(x.FalsePositives), strconv.Itoa(x.FalseNegatives),
				strconv.Itoa(x.TrueNegatives), x.Precision.Percent(), x.Recall.Percent(), strconv.Itoa(x.NotInTruth))
		}
		lvl("accounts", &r.Truth.Accounts)
		if r.Truth.Interests != nil {
			lvl("account x interest", r.Truth.Interests)
		}
		t.flush()
	}
	return ew.Err
}

func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func num(v *float64, unit string) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%s", *v, unit)
}

func hours(h float64) string {
	switch h {
	case 1:
		return "1 hour"
	case 24:
		return "1 day"
	}
	if h > 24 && h == float64(int(h/24))*24 {
		return fmt.Sprintf("%d days", int(h/24))
	}
	return fmt.Sprintf("%g hours", h)
}

// note is a velocity row's note: the median, or why there is none, and
// the groups and deals outside the days.
func (d Duration) note() string {
	var counts []string
	if d.Pending > 0 || d.Days.Reason == "" {
		counts = append(counts, fmt.Sprintf("%d pending", d.Pending))
	}
	if d.Closed > 0 {
		counts = append(counts, fmt.Sprintf("%d closed before", d.Closed))
	}
	if d.Unattributed > 0 {
		counts = append(counts, count(d.Unattributed, "deal")+" without interest")
	}
	if d.Ungrouped > 0 {
		counts = append(counts, count(d.Ungrouped, "deal")+" without group")
	}
	switch {
	case d.BeforeGroup == 1:
		counts = append(counts, "1 deal before its group")
	case d.BeforeGroup > 1:
		counts = append(counts, fmt.Sprintf("%d deals before their group", d.BeforeGroup))
	}
	switch {
	case d.Days.Reason == "":
		return fmt.Sprintf("median %s days, %s", num(d.Days.Median, ""), strings.Join(counts, ", "))
	case len(counts) > 0:
		return d.Days.Reason + "; " + strings.Join(counts, ", ")
	}
	return d.Days.Reason
}

func noteOr(reason, note string) string {
	if reason != "" {
		return reason
	}
	return note
}

// errWriter is the report's writer: the first error of its writes is kept
// (errwrite.Writer), with the report's printing helpers.
type errWriter struct{ errwrite.Writer }

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// table aligns cells in columns; lines lose their trailing blanks.
type table struct {
	out *errWriter
	buf strings.Builder
	tw  *tabwriter.Writer
}

func (e *errWriter) table(header ...string) *table {
	t := &table{out: e}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")) }

func (t *table) flush() {
	_ = t.tw.Flush() // writes to a strings.Builder, which never fails
	for line := range strings.Lines(t.buf.String()) {
		t.out.printf("%s\n", strings.TrimRight(line, " \n"))
	}
}

// unmatched notes the opens or clicks that no e-mail of the program
// accounts for; "" when there are none.
func unmatched(n int, word string) string {
	if n == 0 {
		return ""
	}
	return count(n, word) + " tied to no program e-mail"
}

// count is n and the word, plural unless n is 1.
func count(n int, word string) string {
	if n != 1 {
		word += "s"
	}
	return strconv.Itoa(n) + " " + word
}
