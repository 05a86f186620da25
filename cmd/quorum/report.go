package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/store"
)

var reportCommand = command{
	name: "report",
	help: `quorum report reads an event log and prints the KPIs, as simulate does after
a run: the completeness, engagement, MQA, velocity, qualification, alert
response, journey completion and e-mail rates, each with its numerator,
denominator and definition, then the stages, journeys and funnel.

The log is a JSON Lines file, one event per line in the log's order, as
"quorum simulate --events FILE" writes it:

  {"seq":1,"tenant":"default","account":"acc-000001","time":"2026-01-05T00:00:00Z","type":"...","data":{...}}

seq, tenant, account, time (RFC 3339) and type are required, person is
there when the event concerns one, data is the event's JSON; one file holds
one tenant's log. With "-" the log is read from standard input.

The KPIs count the stages of the default stage model, or with --program
those of the program's stage models: a group is an MQA in its model's last
stage before the deal closes (Sales Ready in the default model), or when its
readiness verdict is "ready" while its deal has not closed. The period is
the whole log, from its first event to its last, unless --from or --to
narrow it: a DATE (2025-03-31, UTC) counts the whole day, from its start
for --from and to its end for --to; an RFC 3339 time is taken as it is. A
period that starts after the log's latest event or ends before its earliest
is refused. One that ends after the log's latest event is reported as of
--to, but the log cannot show what came after its end: an alert whose
response window closes after it counts as open, not as unanswered, and the
report says where the log ends.

A malformed log is reported line by line, every problem at once (up to
20), each as FILE:LINE, and exits 1; so does a log without events.

Usage:
  quorum report --events FILE [--program FILE] [--from DATE] [--to DATE] [--json]`,
	flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
		events := fs.String("events", "", "the event log `file` (JSON Lines; - for standard input); required")
		prog := fs.String("program", "", "program `file` (YAML or JSON) whose stage models the KPIs count; default: the default stage model")
		from := fs.String("from", "", "the first `DATE` of the period (YYYY-MM-DD or RFC 3339); default: the log's first event")
		to := fs.String("to", "", "the last `DATE` of the period (YYYY-MM-DD or RFC 3339), the KPIs' as-of time; default: the log's last event")
		asJSON := fs.Bool("json", false, "print the KPIs as JSON")
		return func(_ context.Context, args []string, stdin io.Reader, stdout, _ io.Writer) error {
			if len(args) > 0 {
				return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			if *events == "" {
				return &usageError{"--events is required (quorum simulate --events FILE writes a log)"}
			}
			var period analytics.Period
			var err error
			if period.From, err = parseDate("--from", *from, false); err != nil {
				return err
			}
			if period.To, err = parseDate("--to", *to, true); err != nil {
				return err
			}
			if !period.From.IsZero() && !period.To.IsZero() && period.From.After(period.To) {
				return &usageError{fmt.Sprintf("--from %s is after --to %s", *from, *to)}
			}
			cfg := analytics.Config{}
			if *prog != "" {
				p, err := loadProgram(*prog)
				if err != nil {
					return err
				}
				cfg = kpiConfig(p)
			}
			r, err := report(*events, stdin, cfg, period, *from, *to)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return r.WriteText(stdout)
		}
	},
}

// report reads the event log at path ("-": stdin) and computes its KPIs;
// from and to are --from and --to as given, for the messages.
func report(path string, stdin io.Reader, cfg analytics.Config, period analytics.Period, from, to string) (*analytics.Report, error) {
	name, in := path, stdin
	if path == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &invalidError{err}
		}
		defer f.Close()
		in = f
	}
	// The log is streamed: the collector reads each event as its line
	// is read, and keeps only what the KPIs need, so that a log of any
	// length takes the memory of its accounts' history, not of its
	// events; the events whose payload the KPIs cannot read are told with
	// the other problems of the log, in the order of its lines.
	c, err := analytics.New(cfg)
	if err != nil {
		return nil, err
	}
	// The log's order is not its times' (an alert's acknowledgement is
	// logged at the time of the activity that answered it): its span is
	// from its earliest time to its latest.
	var (
		events      int
		first, last time.Time
	)
	_, err = scanEvents(name, in, func(ev store.Event, _ int) error {
		if events == 0 {
			first, last = ev.Time, ev.Time
		}
		events++
		first, last = minTime(first, ev.Time), maxTime(last, ev.Time)
		return c.Add(ev)
	})
	if err != nil {
		return nil, &invalidError{err}
	}
	if events == 0 {
		return nil, &invalidError{fmt.Errorf("%s: the event log is empty: no events to report on (quorum simulate --events FILE writes one)", name)}
	}
	span := fmt.Sprintf("(the log runs from %s to %s)", first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339))
	if !period.To.IsZero() && period.To.Before(first) {
		return nil, &usageError{fmt.Sprintf("--to %s is before the log's first event %s", to, span)}
	}
	if period.From.After(last) {
		return nil, &usageError{fmt.Sprintf("--from %s is after the log's last event %s", from, span)}
	}
	// What came after the log's last event is not in it: an alert
	// whose window closes later may yet have been answered.
	period.Through = last
	r, err := c.Report(period)
	switch {
	case errors.Is(err, analytics.ErrPeriod):
		return nil, &usageError{fmt.Sprintf("%v %s", err, span)}
	case err != nil:
		return nil, err
	}
	return r, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// parseDate reads a --from or --to value: "" (no bound), a date (the
// start of the day in UTC, or with end its last instant) or an RFC 3339
// time.
func parseDate(flagName, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, dateErr := time.Parse(time.DateOnly, s)
	if dateErr == nil {
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	// A date or a time of the right form that names none (February 30th,
	// hour 25) is told by the part out of range.
	for _, err := range []error{dateErr, err} {
		if pe, ok := errors.AsType[*time.ParseError](err); ok && strings.HasSuffix(pe.Message, "out of range") {
			return time.Time{}, &usageError{fmt.Sprintf("%s %q: %s", flagName, s, strings.TrimPrefix(pe.Message, ": "))}
		}
	}
	return time.Time{}, &usageError{fmt.Sprintf("%s %q: want a date (2025-03-31) or an RFC 3339 time (2025-03-31T12:00:00Z)", flagName, s)}
}
