package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
)

// simFlags are the flags that choose a program and a world.
type simFlags struct {
	program  string
	accounts int
	days     int
	seed     uint64
	workers  int
	rollup   bool
}

func (f *simFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.program, "program", "", "program `file` (YAML or JSON); default: the option B example program")
	fs.IntVar(&f.accounts, "accounts", 1000, "`N` synthetic accounts")
	fs.IntVar(&f.days, "days", 90, "`D` simulated days")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed `S`: the same seed gives the same world and the same results")
	fs.IntVar(&f.workers, "workers", 0, "`N` accounts processed at once (0: one per core)")
	fs.BoolVar(&f.rollup, "rollup", false, "roll subsidiaries up: a parent account's buying groups include its subsidiaries' persons")
}

var simulateCommand = command{
	name: "simulate",
	help: `quorum simulate runs a program on a synthetic B2B world and prints the KPIs.

The world has accounts with firmographics and subsidiaries, persons with real
job titles (and the noise of real data: missing titles, the same person in the
CRM and in marketing automation, free-mail addresses), and a hidden buying
intent per account and solution interest that drives activity, opportunities
and wins. The program runs day by day on a manual clock; its emails go to a
recording sender that simulates opens, clicks and bounces, and sales reps
follow up some of its alerts. The KPIs are computed from the event log, with
the stages of the program's stage models (a group is an MQA in its model's
last stage before the deal closes, Sales Ready in the default model, or when
its readiness verdict is "ready" while its deal has not closed), and
compared with the world's ground truth (MQA precision and recall).

Each account stands alone by default; with --rollup a parent account's
persons include those of its subsidiaries, so that its buying groups span
the group's companies (a subsidiary keeps its own groups too).

With --events FILE the run's event log is written to FILE as JSON Lines,
one event per line ("quorum help report" describes the format), for
"quorum report --events FILE" to compute the KPIs again, over any period.
Its order is the same for every run with the same flags, byte for byte
(whatever --workers): each account's events in the order they happened to
it, the accounts merged by their next event's time, ties by account ID.
FILE is opened before the run, so that one that cannot be written fails at
once; a run that fails, or a write that fails part way (a full disk),
leaves it as it was: the log is written beside it and then takes its
place. An interrupt (Ctrl-C, SIGTERM) stops the run and leaves it as it
was too, and exits 130 saying so (a device or a pipe, which is written as
it is, then holds part of the log if the write had begun). The program's
own file, and a file the program reads (its readiness model file), is
refused as FILE: the log would replace it.

While it runs, a progress bar is drawn on standard error when the output is
on a terminal: not when it is piped or redirected, nor with --json.

Usage:
  quorum simulate [--program FILE] [--accounts N] [--days D] [--seed S] [--rollup] [--workers N] [--events FILE] [--json]`,
	flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
		var f simFlags
		f.register(fs)
		asJSON := fs.Bool("json", false, "print the results as JSON (no progress bar)")
		eventsTo := fs.String("events", "", "also write the run's event log to `file` (JSON Lines), for quorum report")
		return func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			if *eventsTo == "-" {
				return &usageError{"--events needs a file: the KPIs go to standard output"}
			}
			// The log would replace the program it was read from.
			if *eventsTo != "" && f.program != "" && sameFile(*eventsTo, f.program) {
				return &usageError{fmt.Sprintf("--events %s is the program file: the event log would replace it", *eventsTo)}
			}
			p, w, read, err := newWorld(f)
			if err != nil {
				return err
			}
			// Nor may it replace a file the program read (its readiness
			// model).
			for _, file := range read {
				if *eventsTo != "" && sameFile(*eventsTo, file) {
					return &usageError{fmt.Sprintf("--events %s is the file %s that the program %s reads: the event log would replace it", *eventsTo, file, f.program)}
				}
			}
			// The log's file is opened before the run, so that a path that
			// cannot be written fails at once, not after the run.
			var log *eventsFile
			if *eventsTo != "" {
				// An interrupt (Ctrl-C, SIGTERM) stops the run and leaves
				// the file as it was, without the temporary file beside
				// it; a second one ends the process at once.
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
				context.AfterFunc(ctx, stop)
				if log, err = openEventsFile(*eventsTo); err != nil {
					return err
				}
				defer log.abandon()
			}
			var progress io.Writer
			if !*asJSON {
				progress = progressTo(stdout, stderr, isTerminal)
			}
			run, err := runWorld(ctx, f, p, w, progress)
			if err == nil && log != nil {
				err = log.write(ctx, run.events)
			}
			if err := runError(ctx, err, log); err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(run.summary())
			}
			return run.writeText(stdout)
		}
	},
}

// loadProgram compiles the program file (every problem positioned in the
// file), or the embedded option B example.
func loadProgram(path string) (*program.Program, error) {
	p, _, err := loadProgramFiles(path)
	return p, err
}

// loadProgramFiles is loadProgram, and also gives the other files the
// program read (its readiness model file).
func loadProgramFiles(path string) (*program.Program, []string, error) {
	if path == "" {
		defs, err := programfile.LoadFS(programs.FS, programs.Default)
		if err != nil {
			return nil, nil, err
		}
		p, err := program.Compile(defs, program.Options{})
		return p, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &invalidError{err}
	}
	p, read, err := programfile.CompileFiles(path, data, program.Options{})
	if err != nil {
		return nil, nil, &invalidError{err}
	}
	return p, read, nil
}

// sameFile reports whether the paths a and b name one existing file.
func sameFile(a, b string) bool {
	as, aerr := os.Stat(a)
	bs, berr := os.Stat(b)
	return aerr == nil && berr == nil && os.SameFile(as, bs)
}

// simRun is a finished simulation and its KPIs.
type simRun struct {
	flags   simFlags
	prog    *program.Program
	res     *sim.Result
	events  []store.Event
	report  *analytics.Report
	elapsed time.Duration
}

func simulate(ctx context.Context, f simFlags, progress io.Writer) (*simRun, error) {
	p, w, _, err := newWorld(f)
	if err != nil {
		return nil, err
	}
	return runWorld(ctx, f, p, w, progress)
}

// newWorld checks the flags, loads the program and builds the world. It
// also gives the other files the program read (its readiness model).
func newWorld(f simFlags) (*program.Program, *sim.World, []string, error) {
	if f.accounts < 1 {
		return nil, nil, nil, &usageError{"--accounts must be at least 1"}
	}
	if f.days < 1 {
		return nil, nil, nil, &usageError{"--days must be at least 1"}
	}
	if f.workers < 0 {
		return nil, nil, nil, &usageError{"--workers must not be negative (0: one per core)"}
	}
	p, read, err := loadProgramFiles(f.program)
	if err != nil {
		return nil, nil, nil, err
	}
	var interests []string
	for _, in := range p.Definitions().Interests {
		interests = append(interests, in.ID)
	}
	w, err := sim.New(sim.Config{Seed: f.seed, Accounts: f.accounts, Days: f.days, SolutionInterests: interests})
	if err != nil {
		return nil, nil, nil, &usageError{flagProblems(err)}
	}
	return p, w, read, nil
}

// flagProblems words a world's configuration error by the flags that set
// it ("--days must be between ..."), or returns its text.
func flagProblems(err error) string {
	var ve *b2b.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	flags := map[string]string{"accounts": "--accounts", "days": "--days"}
	msgs := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		if flags[p.Path] == "" {
			return err.Error() // not the flags' doing
		}
		msgs[i] = flags[p.Path] + " " + p.Err.Error()
	}
	return strings.Join(msgs, "; ")
}

// runWorld runs the program on the world and computes the KPIs.
func runWorld(ctx context.Context, f simFlags, p *program.Program, w *sim.World, progress io.Writer) (*simRun, error) {
	start := time.Now()
	cfg := sim.RunConfig{Program: p, Workers: f.workers, Rollup: f.rollup}
	if progress != nil {
		cfg.Progress = func(day, days int) { drawProgress(progress, day, days, time.Since(start)) }
	}
	res, err := sim.Run(ctx, w, cfg)
	if progress != nil {
		fmt.Fprint(progress, "\r\033[K")
	}
	if err != nil {
		return nil, err
	}
	// The log in the order sim gives it, which the same seed repeats
	// byte for byte, not in commit order, which the workers decide.
	evs, err := res.Events(ctx)
	if err != nil {
		return nil, err
	}
	// The KPIs know the program's stages: a stage model whose groups are
	// handed to sales in a stage of another name still makes MQAs.
	report, err := analytics.Compute(evs, kpiConfig(p), analytics.Period{To: res.End})
	if err != nil && report == nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("the event log has unreadable events: %w", err)
	}
	report.CompareTruth(analytics.GroundTruth(w.Truth.InMarket))
	return &simRun{flags: f, prog: p, res: res, events: evs, report: report, elapsed: time.Since(start)}, nil
}

// runError is the error of a run (err: runWorld's, or the log's write)
// whose context is ctx and whose event log is log (nil: none asked for):
// an interrupt's when ctx's interrupt stopped it, nil when it finished,
// whether an interrupt came after or not (its log is written then, and
// its results are there to print).
func runError(ctx context.Context, err error, log *eventsFile) error {
	if err != nil && ctx.Err() != nil {
		return interrupted(ctx, log)
	}
	return err
}

// interrupted is the error of a run that ctx's interrupt stopped (or a
// host's cancellation): what became of the log's file, which log (nil
// when none was asked for) is abandoned to.
func interrupted(ctx context.Context, log *eventsFile) error {
	what := "the run was stopped"
	if log != nil {
		switch {
		case log.partial:
			what = fmt.Sprintf("%s holds part of the log: it is no regular file, so it is written as it is, not replaced", log.f.Name())
		case log.existed:
			what = fmt.Sprintf("%s was left as it was", log.f.Name())
		default:
			what = fmt.Sprintf("%s was not written", log.f.Name())
		}
	}
	return &interruptedError{fmt.Sprintf("interrupted (%v): %s", context.Cause(ctx), what)}
}

// writeEventsFile writes a simulation's event log to the file at path.
func writeEventsFile(path string, events []store.Event) error {
	f, err := openEventsFile(path)
	if err != nil {
		return err
	}
	defer f.abandon()
	return f.write(context.Background(), events)
}

// eventsFile is the file of a simulation's event log, opened before the
// run and written after it.
type eventsFile struct {
	f       *os.File
	existed bool // the file was there before: a failed run leaves it as it was
	done    bool
	// partial: the file, no regular file, holds part of the log, whose
	// write stopped part way.
	partial bool
	// tmp, for a regular file, is the file the log is written to beside
	// it (in the directory of target, the file itself, not a symbolic
	// link that names it), renamed over it once written. It is created
	// with f, so that a directory that takes no new file fails at once.
	tmp    *os.File
	target string
}

// openEventsFile opens (or creates) the file at path for writing, without
// truncating it yet.
func openEventsFile(path string) (*eventsFile, error) {
	_, err := os.Stat(path)
	existed := err == nil
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, &invalidError{err}
	}
	e := &eventsFile{f: f, existed: existed}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return e, nil // written as it is
	}
	// The temporary file's name is short: the file's own name may be as
	// long as the file system takes.
	e.target, err = filepath.EvalSymlinks(path)
	if err == nil {
		e.tmp, err = os.CreateTemp(filepath.Dir(e.target), ".quorum-events-*")
	}
	if err != nil {
		e.abandon()
		return nil, &invalidError{fmt.Errorf("writing %s: %w", path, err)}
	}
	return e, nil
}

// write replaces the file's content with the events and closes it; ctx's
// cancellation stops it, the file left as it was. A
// regular file is replaced whole: the log goes to the temporary file
// beside it that openEventsFile created, renamed over it once written, so that a write that fails part way
// (a full disk) leaves the file as it was. A file that is no regular
// file, such as a device or a pipe, is written as it is.
func (e *eventsFile) write(ctx context.Context, events []store.Event) error {
	path := e.f.Name()
	st, err := e.f.Stat()
	if e.tmp == nil {
		w := &countingWriter{w: e.f}
		if err := writeEvents(ctx, w, simTenant, events); err != nil {
			e.partial = w.n > 0
			return fmt.Errorf("writing %s: %w", path, err)
		}
		e.done = true
		if err := e.f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	tmp := e.tmp
	if err == nil {
		err = tmp.Chmod(st.Mode().Perm())
	}
	if err == nil {
		err = writeEvents(ctx, tmp, simTenant, events)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), e.target)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err) // abandon removes tmp
	}
	e.done = true
	e.f.Close() // the file opened before the run, now replaced
	return nil
}

// abandon closes a file that was not written, and removes it unless it
// was there before.
func (e *eventsFile) abandon() {
	if e.done {
		return
	}
	e.f.Close()
	if e.tmp != nil {
		e.tmp.Close()
		os.Remove(e.tmp.Name())
	}
	if !e.existed {
		os.Remove(e.f.Name())
	}
}

// drawProgress draws a one-line progress bar.
func drawProgress(w io.Writer, day, days int, elapsed time.Duration) {
	const width = 30
	done := day * width / days
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < done {
			bar[i] = '='
		}
	}
	fmt.Fprintf(w, "\rsimulating [%s] day %d/%d  %s", bar, day, days, elapsed.Round(time.Second))
}

// runSummary is what simulate prints as JSON.
type runSummary struct {
	Program string `json:"program"`
	World   struct {
		Seed     uint64   `json:"seed"`
		Accounts int      `json:"accounts"`
		Persons  int      `json:"persons"`
		Records  int      `json:"records"`
		Days     int      `json:"days"`
		Start    string   `json:"start"`
		Interest []string `json:"solutionInterests"`
	} `json:"world"`
	Run struct {
		ActivitiesApplied int            `json:"activitiesApplied"`
		Duplicates        int            `json:"duplicates"`
		Rejected          map[string]int `json:"rejected"`
		JourneySteps      int            `json:"journeySteps"`
		Delivered         int            `json:"messagesDelivered"`
		Failed            int            `json:"messagesFailed"`
		Suppressed        int            `json:"messagesSuppressed"`
		Alerts            int64          `json:"salesAlerts"`
		FollowUps         int            `json:"salesFollowUps"`
		Events            int            `json:"events"`
	} `json:"run"`
	KPIs *analytics.Report `json:"kpis"`
}

func (r *simRun) summary() runSummary {
	var s runSummary
	w := r.res.World
	s.Program = r.prog.Name
	s.World.Seed, s.World.Accounts, s.World.Persons, s.World.Records = w.Config.Seed, len(w.Accounts), len(w.Truth.Account), len(w.Persons)
	s.World.Days, s.World.Start, s.World.Interest = w.Config.Days, w.Config.Start.Format(time.DateOnly), w.Config.SolutionInterests
	s.Run.ActivitiesApplied, s.Run.Duplicates, s.Run.JourneySteps = r.res.Ingest.Applied, r.res.Ingest.Duplicates, r.res.Ingest.Steps
	s.Run.Rejected = map[string]int{}
	for _, rj := range r.res.Ingest.Rejected {
		s.Run.Rejected[rj.Reason]++
	}
	// The engine's delivery results: the dispatcher's, and those of the
	// messages the engine's claim finished itself (unrenderable, or
	// suppressed for the recipient's consent), which no dispatcher sees.
	cnt := r.res.Engine.Counters()
	s.Run.Delivered = int(cnt.Deliveries[string(channel.StatusDelivered)])
	s.Run.Failed = int(cnt.Deliveries[string(channel.StatusFailed)])
	s.Run.Suppressed = int(cnt.Deliveries[string(channel.StatusSuppressed)])
	s.Run.Alerts, s.Run.FollowUps, s.Run.Events = cnt.Alerts, r.res.FollowUps, len(r.events)
	s.KPIs = r.report
	return s
}

func (r *simRun) writeText(w io.Writer) error {
	s := r.summary()
	fmt.Fprintf(w, "Quorum simulation: program %q on %s (%s, %s), %s from %s, seed %d\n",
		s.Program, plural(s.World.Accounts, "account"), plural(s.World.Persons, "person"), plural(s.World.Records, "source record"),
		plural(s.World.Days, "day"), s.World.Start, s.World.Seed)
	fmt.Fprintf(w, "  activities applied %d, duplicates %d, journey steps %d, messages delivered %d (failed %d, suppressed %d)\n",
		s.Run.ActivitiesApplied, s.Run.Duplicates, s.Run.JourneySteps, s.Run.Delivered, s.Run.Failed, s.Run.Suppressed)
	fmt.Fprintf(w, "  sales alerts %d, followed up by sales %d, events logged %d\n", s.Run.Alerts, s.Run.FollowUps, s.Run.Events)
	if len(s.Run.Rejected) > 0 {
		reasons := make([]string, 0, len(s.Run.Rejected))
		for k := range s.Run.Rejected {
			reasons = append(reasons, k)
		}
		sort.Strings(reasons)
		fmt.Fprint(w, "  rejected inputs:")
		for _, k := range reasons {
			fmt.Fprintf(w, " %s %d", k, s.Run.Rejected[k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	return r.report.WriteText(w)
}

// plural is n and the word, plural unless n is 1.
func plural(n int, word string) string {
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// kpiConfig is the KPIs' configuration for a program: its stage models,
// each group judged by its own interest's.
func kpiConfig(p *program.Program) analytics.Config {
	if p.Groups == nil {
		return analytics.Config{}
	}
	return analytics.ConfigForInterests(p.Groups.Interests()...)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
