package analytics

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
)

// Sentinel errors.
var (
	// ErrMalformed: an event's payload cannot be read or lacks a field a
	// KPI needs. Matched by the [*EventError] that [Collector.Add] returns.
	ErrMalformed = errors.New("malformed event")
	// ErrOutOfOrder: an event's Seq is not greater than the previous one's
	// (fed twice, or out of commit order).
	ErrOutOfOrder = errors.New("event out of order")
	// ErrPeriod: a [Period] whose From is after its To.
	ErrPeriod = errors.New("invalid period")
)

// Defaults of [Config].
const (
	DefaultAlertResponseWindow = 7 * 24 * time.Hour
	DefaultEmailChannel        = "email"
)

// Config says how the log's values map onto the KPIs' notions. The zero
// value is the defaults for the default stage model of package buyinggroup.
type Config struct {
	// SalesReadyStages are the buying-group stages that make an account
	// marketing-qualified (MQA) and end the velocity clock. Zero: the
	// default stage model's "Sales Ready". A group whose interest
	// SalesReadyByInterest lists is judged by that list instead.
	SalesReadyStages []string
	// SalesReadyByInterest gives the groups of a solution interest the
	// sales-ready stages of the interest's own stage model, so that a
	// stage name that hands a group to sales in one model and is an early
	// stage in another qualifies only the groups of the first. A group of
	// an interest listed here is qualified by its stage only if the stage
	// is in its interest's list (an empty list: by no stage); groups of
	// other interests use SalesReadyStages. Nil: every group uses
	// SalesReadyStages. [ConfigForInterests] fills it.
	SalesReadyByInterest map[string][]string
	// ReadyLevels are the readiness levels that do the same. Zero:
	// "ready". A group is qualified while its stage is one of
	// SalesReadyStages or its readiness level one of ReadyLevels, and its
	// stage is none of ClosedStages.
	ReadyLevels []string
	// StagesOnly makes stages alone decide: readiness levels are not read.
	StagesOnly bool
	// ReadinessOnly makes readiness levels alone decide: sales-ready
	// stages are not read (to compare readiness strategies whose programs
	// share a stage model); a closed stage still keeps a group from
	// qualifying. It cannot be combined with StagesOnly.
	ReadinessOnly bool
	// ClosedStages are the stages in which a group's deal has closed (won
	// or lost: its stage model's success and failure stages). A group in
	// one at To is on its way neither to sales-ready nor to an
	// opportunity: a velocity clock it had not stopped is counted as
	// closed, not as pending. A group in one is not qualified, whatever
	// its readiness level (the engine keeps scoring a group whose deal
	// closed): a ready verdict then makes it no MQA and stops no clock;
	// moved out of it (reopened), the group can qualify again. Zero: the
	// default stage model's "Closed Won" and "Closed Lost". [ConfigFor]
	// fills it from the models.
	ClosedStages []string
	// StageOrder orders the stage distribution; stages it does not list
	// follow in alphabetical order. Zero: the default stage model's
	// stages (Awareness, Consideration, Decision, Sales Ready, Closed Won,
	// Closed Lost).
	StageOrder []string
	// AlertResponseWindow is how long sales have to respond to an alert:
	// an alert counts in the response rate once its window has closed.
	// Zero: 7 days, the window in which the engine matches CRM activities
	// to alerts (channel.ResponseConfig). Responses are logged for at most
	// 30 days after an alert, so a longer window cannot find more.
	AlertResponseWindow time.Duration
	// EmailChannel is the channel name of e-mail messages. Zero: "email".
	EmailChannel string
	// OpenTypes and ClickTypes are the activity types that count as e-mail
	// opens and clicks (of the e-mail their b2b.AttrMessageKey names).
	// Zero: b2b.ActivityOpenEmail and b2b.ActivityClickEmail (sales
	// e-mails are not nurture e-mails).
	OpenTypes  []string
	ClickTypes []string
	// BounceTypes are the activity types by which a provider reports that
	// an e-mail (the one their b2b.AttrMessageKey names) did not reach its
	// recipient: such an e-mail is not delivered, whatever the sender
	// answered at sending. Zero: b2b.ActivityEmailBounced (a soft bounce
	// may still be delivered).
	BounceTypes []string
	// ProductInterests maps a CRM product to a solution interest, for
	// opportunities whose SolutionInterest is empty (pipeline velocity).
	// An opportunity's product matches a key as the engine matches it to
	// an interest's CRM product (buyinggroup.Interest.MatchesOpportunity):
	// case aside, and blanks around either aside. [ConfigForInterests]
	// fills it from the interests' CRM products. Nil: such opportunities
	// are counted as unattributed.
	ProductInterests map[string]string
}

// productKey is the form in which a CRM product is compared: without the
// blanks around it, in lower case (as buyinggroup.Compile compares CRM
// products).
func productKey(p string) string { return strings.ToLower(strings.TrimSpace(p)) }

// ConfigFor returns the configuration whose stage notions are those of
// the stage models a program's buying groups follow (see
// program.Program.StageModels), so that a model whose stages have other
// names than the default model's is known to the KPIs:
//
//   - SalesReadyStages holds each model's sales-ready stage: its last
//     open stage (neither its success stage nor a failure stage) before
//     its success and failure stages, in the model's order, the stage in
//     which marketing hands the group to sales before the deal closes
//     ("Sales Ready" in the default model). An open stage listed after
//     them (Recycled, after Closed Lost) is not it; closing stages listed
//     before every open stage are passed over (then the last open stage
//     before the next closing one, or the last stage, is it);
//   - StageOrder lists the models' stages in their order, each once;
//   - ClosedStages holds the models' success and failure stages, each
//     once.
//
// A model with no open stage adds no sales-ready stage (when none adds
// one, the default "Sales Ready" stands); without models the result is the
// zero Config, the default model's. The other fields are zero (their
// defaults): set them on the result.
//
// The models' sales-ready stages are pooled: every group is qualified by
// any of them. When one model's sales-ready stage is another's early
// stage (the same name, another meaning), use [ConfigForInterests], which
// judges each group by its own interest's model.
func ConfigFor(models ...buyinggroup.StageModel) Config {
	var c Config
	for _, m := range models {
		for _, s := range m.Stages {
			if s.Name != "" && !slices.Contains(c.StageOrder, s.Name) { // "": refused by buyinggroup.Compile
				c.StageOrder = append(c.StageOrder, s.Name)
			}
			if s.Name != "" && (s.Success || s.Failure) && !slices.Contains(c.ClosedStages, s.Name) {
				c.ClosedStages = append(c.ClosedStages, s.Name)
			}
		}
		if ready := salesReady(m); ready != "" && !slices.Contains(c.SalesReadyStages, ready) {
			c.SalesReadyStages = append(c.SalesReadyStages, ready)
		}
	}
	return c
}

// ConfigForInterests returns the configuration of a program's solution
// interests (program.Program.Groups.Interests): that of [ConfigFor] for
// the stage models they use, each once in the order of the first
// interest that uses it, and SalesReadyByInterest, which gives each
// interest its own model's sales-ready stage, so that each group is
// judged by its own interest's model, and ProductInterests, which maps
// each interest's CRM product (buyinggroup.SolutionInterest.CRMProduct)
// to it, so that a deal that names only its product counts for its group
// as the engine files it (a product that two interests give, which
// buyinggroup.Compile warns of, maps to the first of them: the engine
// ties such a deal to the first interest whose CRM product it is, and
// logs it with that interest, so the other interest's group never gets
// it).
// The pooled SalesReadyStages serve the groups of interests the program
// does not define (a log written by an earlier program). Without
// interests the result is the zero Config.
func ConfigForInterests(interests ...*buyinggroup.Interest) Config {
	var models []buyinggroup.StageModel
	byInterest := map[string][]string{}
	var products map[string]string
	seen := map[string]bool{} // the products mapped, by productKey
	for _, in := range interests {
		m := buyinggroup.DefaultStageModel()
		if cm := in.Model(); cm != nil {
			m = cm.StageModel
		}
		if !slices.ContainsFunc(models, func(x buyinggroup.StageModel) bool { return x.ID == m.ID }) {
			models = append(models, m)
		}
		byInterest[in.ID] = nil
		if ready := salesReady(m); ready != "" {
			byInterest[in.ID] = []string{ready}
		}
		if p := strings.TrimSpace(in.CRMProduct); p != "" && !seen[productKey(p)] {
			if products == nil {
				products = map[string]string{}
			}
			products[p], seen[productKey(p)] = in.ID, true
		}
	}
	c := ConfigFor(models...)
	if len(byInterest) > 0 {
		c.SalesReadyByInterest = byInterest
	}
	c.ProductInterests = products
	return c
}

// salesReady is a model's sales-ready stage: the last open stage before
// the closing (success and failure) stages that follow its first open
// stage; "" if it has no open stage. An open stage listed after those
// closing stages (a group recycled after a lost deal) comes once the deal
// closed: taking it would make every recycled group an MQA and stop the
// velocity clock at recycling. Closing stages listed before every open
// stage are passed over: such a model lists them first by choice, and
// they say nothing of where its open stages end.
func salesReady(m buyinggroup.StageModel) string {
	ready := ""
	for _, s := range m.Stages {
		switch {
		case s.Name == "": // refused by buyinggroup.Compile
		case !s.Success && !s.Failure:
			ready = s.Name
		case ready != "":
			return ready
		}
	}
	return ready
}

// Validate reports every problem with the configuration at once.
func (c *Config) Validate() error {
	var ps b2b.Problems
	lists := []struct {
		path string
		list []string
	}{{"salesReadyStages", c.SalesReadyStages}, {"readyLevels", c.ReadyLevels}, {"closedStages", c.ClosedStages}, {"stageOrder", c.StageOrder},
		{"openTypes", c.OpenTypes}, {"clickTypes", c.ClickTypes}, {"bounceTypes", c.BounceTypes}}
	for _, l := range lists {
		for i, s := range l.list {
			if s == "" {
				ps.Addf(fmt.Sprintf("%s[%d]", l.path, i), "is empty")
			} else if slices.Index(l.list, s) < i {
				ps.Addf(fmt.Sprintf("%s[%d]", l.path, i), "%q is listed twice", s)
			}
		}
	}
	for _, in := range slices.Sorted(maps.Keys(c.SalesReadyByInterest)) {
		path := fmt.Sprintf("salesReadyByInterest[%q]", in)
		if in == "" {
			ps.Addf(path, "names no interest")
		}
		list := c.SalesReadyByInterest[in]
		for i, s := range list {
			if s == "" {
				ps.Addf(fmt.Sprintf("%s[%d]", path, i), "is empty")
			} else if slices.Index(list, s) < i {
				ps.Addf(fmt.Sprintf("%s[%d]", path, i), "%q is listed twice", s)
			}
		}
	}
	if c.StagesOnly && c.ReadinessOnly {
		ps.Addf("readinessOnly", "cannot be combined with stagesOnly")
	}
	if c.AlertResponseWindow < 0 {
		ps.Addf("alertResponseWindow", "is negative (%s)", c.AlertResponseWindow)
	}
	products := map[string]string{} // by productKey: the first key
	for _, p := range slices.Sorted(maps.Keys(c.ProductInterests)) {
		in, k := c.ProductInterests[p], productKey(p)
		switch first, dup := products[k]; {
		case k == "" || in == "":
			ps.Addf(fmt.Sprintf("productInterests[%q]", p), "product and interest must both be non-empty")
		case dup && c.ProductInterests[first] != in:
			ps.Addf(fmt.Sprintf("productInterests[%q]", p), "is the product %q (case and blanks aside), which maps to %q, not %q",
				first, c.ProductInterests[first], in)
		case !dup:
			products[k] = p
		}
	}
	return ps.Err("analytics config")
}

// withDefaults returns c with its zero fields filled.
func (c Config) withDefaults() Config {
	model := buyinggroup.DefaultStageModel()
	if len(c.SalesReadyStages) == 0 {
		c.SalesReadyStages = []string{buyinggroup.StageSalesReady}
	}
	if len(c.ReadyLevels) == 0 {
		c.ReadyLevels = []string{"ready"}
	}
	if len(c.StageOrder) == 0 {
		for _, s := range model.Stages {
			c.StageOrder = append(c.StageOrder, s.Name)
		}
	}
	if len(c.ClosedStages) == 0 {
		for _, s := range model.Stages {
			if s.Success || s.Failure {
				c.ClosedStages = append(c.ClosedStages, s.Name)
			}
		}
	}
	if c.AlertResponseWindow == 0 {
		c.AlertResponseWindow = DefaultAlertResponseWindow
	}
	if c.EmailChannel == "" {
		c.EmailChannel = DefaultEmailChannel
	}
	if len(c.OpenTypes) == 0 {
		c.OpenTypes = []string{b2b.ActivityOpenEmail}
	}
	if len(c.ClickTypes) == 0 {
		c.ClickTypes = []string{b2b.ActivityClickEmail}
	}
	if len(c.BounceTypes) == 0 {
		c.BounceTypes = []string{b2b.ActivityEmailBounced}
	}
	return c
}

// Period is the span a report covers. Flows (groups reaching Sales Ready,
// alerts raised, journeys entered, e-mails delivered, opportunities)
// count when they happened within [From, To]; what became of them (an
// alert's response, a journey's end, an e-mail's opens and clicks) counts
// when it happened by To. Stocks (completeness, scores, stages,
// qualification) are each group's or account's latest value at To.
type Period struct {
	// From is the first instant counted; zero: from the first event.
	From time.Time
	// To is the report's as-of time; zero: the latest event time seen.
	To time.Time
	// Through is the last instant the events are known to cover (a log
	// read from a file ends at its last event, whatever came after it);
	// zero: To. When it is before To the events cannot tell what happened
	// between them, so an alert whose response window closes after
	// Through counts as open, not as unanswered: its answer may have come
	// after the log ended.
	Through time.Time
}
