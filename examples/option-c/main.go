// Option-c trains a readiness model on a simulated world's history and
// compares model-based readiness (the guide's option C) with option A's
// completeness-and-score threshold on a different simulated world, against
// that world's ground truth.
//
//	go run ./examples/option-c
//	go run ./examples/option-c -accounts 1000 -days 90 -eval-seed 3
//
// The worlds are markets in which 15% of the accounts are truly in market
// and every person is twice as active as in the simulation's default world
// (-in-market-share, -activity-scale): busy enough that big accounts'
// everyday noise reaches option A's fixed score threshold.
//
// 1. Train. Option A runs on a training world (seed -train-seed). Every
// week from day 14 each buying group is snapshot as readiness sees it
// (completeness, weighted completeness, score, velocity, engaged roles,
// days since the last activity, industry, employees, opportunity history;
// package sim/simtrain) and labelled with the world's truth: is its account
// in market for the interest, with its buying window open? Snapshots of
// groups that already have an opportunity are left out: a deal in the CRM
// would give the answer away. qualify.ModelTrainer fits a regularised
// logistic regression on a seeded split; its held-out AUC and calibration
// are printed, with the threshold backtest (qualify.Backtest) of the same
// examples.
//
// 2. Choose the model's thresholds on the training world only: the
// probabilities at which the model makes as many groups ready (and ready
// or nurture) at some snapshot as option A's thresholds did there, so that
// both hand sales about the same volume and compare by quality.
//
// 3. Evaluate on a world the model never saw (seed -eval-seed): option A
// (examples/programs/option-a.yaml) and option C (option-c.yaml with the
// trained model and thresholds) each run on it, and the KPIs' MQA precision
// and recall are compared with the world's truth, per account. An MQA
// here is a group whose readiness verdict became "ready" in the period: the
// strategies are what is compared, so stages do not count (see mqaConfig).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/sim/simtrain"
	"github.com/quorumhq/quorum/store"
)

// options size the worlds.
type options struct {
	Accounts  int
	Days      int
	TrainSeed uint64
	EvalSeed  uint64
	ModelSeed uint64
	Workers   int
	// ActivityScale and InMarketShare shape both worlds (see sim.Config).
	ActivityScale float64
	InMarketShare float64
}

func defaultOptions() options {
	return options{Accounts: 300, Days: 90, TrainSeed: 1, EvalSeed: 2, ModelSeed: 7, ActivityScale: 2, InMarketShare: 0.15}
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the example with its command line, as cmd/quorum runs a
// command: a wrong command line (an unknown flag, an argument, which no
// flag takes, a value out of range) prints what is wrong and the flags and
// exits 2; -h prints the flags and exits 0; a run that fails exits 1.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := defaultOptions()
	fs := flag.NewFlagSet("option-c", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.Accounts, "accounts", o.Accounts, "accounts per world")
	fs.IntVar(&o.Days, "days", o.Days, "simulated days per world")
	fs.Uint64Var(&o.TrainSeed, "train-seed", o.TrainSeed, "seed of the training world")
	fs.Uint64Var(&o.EvalSeed, "eval-seed", o.EvalSeed, "seed of the evaluation world (must differ from -train-seed)")
	fs.Uint64Var(&o.ModelSeed, "model-seed", o.ModelSeed, "seed of the training/held-out split")
	fs.IntVar(&o.Workers, "workers", 0, "accounts processed at once (0: one per core)")
	fs.Float64Var(&o.ActivityScale, "activity-scale", o.ActivityScale, "multiplies every person's activity rate (0: the simulation's default; -1: none)")
	fs.Float64Var(&o.InMarketShare, "in-market-share", o.InMarketShare, "share of accounts truly in market (0: the simulation's default; -1: none)")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: option-c [flags]\n\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "option-c: %v\n\n", err)
		usage(stderr)
		return 2
	case fs.NArg() > 0:
		// An argument is no setting: "-days 30 accounts=1000" would
		// otherwise run the default world as if it had been asked for.
		fmt.Fprintf(stderr, "option-c: unexpected argument %q\n\n", fs.Arg(0))
		usage(stderr)
		return 2
	}
	if msg := o.problems(); msg != "" {
		// Refused before any world is built: a world the flags did not
		// ask for (0 accounts read as the simulation's default of 1,000)
		// would otherwise run for minutes.
		fmt.Fprintf(stderr, "option-c: %s\n\n", msg)
		usage(stderr)
		return 2
	}
	if _, err := runWith(ctx, stdout, o); err != nil {
		fmt.Fprintln(stderr, "option-c:", err)
		return 1
	}
	return 0
}

// problems words what is wrong with the options by the flags that set
// them ("-days must be between 1 and 3660, got 4000"), or returns "".
// -accounts and -days have no default of 0, unlike -activity-scale and
// -in-market-share, whose 0 is the simulation's default.
func (o options) problems() string {
	var msgs []string
	if o.Accounts < 1 {
		msgs = append(msgs, fmt.Sprintf("-accounts must be at least 1, got %d", o.Accounts))
	}
	if o.Days < 1 {
		msgs = append(msgs, fmt.Sprintf("-days must be at least 1, got %d", o.Days))
	}
	if o.Workers < 0 {
		msgs = append(msgs, fmt.Sprintf("-workers must not be negative (0: one per core), got %d", o.Workers))
	}
	if len(msgs) > 0 {
		return strings.Join(msgs, "; ")
	}
	err := o.world(o.TrainSeed).WithDefaults().Validate()
	var ve *b2b.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return err.Error()
		}
		return ""
	}
	flags := map[string]string{"accounts": "-accounts", "days": "-days", "activityScale": "-activity-scale", "inMarketShare": "-in-market-share"}
	for _, p := range ve.Problems {
		name := flags[p.Path]
		if name == "" {
			return err.Error() // not the flags' doing
		}
		msgs = append(msgs, name+" "+p.Err.Error())
	}
	return strings.Join(msgs, "; ")
}

// world is the configuration of the world of a seed.
func (o options) world(seed uint64) sim.Config {
	return sim.Config{Seed: seed, Accounts: o.Accounts, Days: o.Days, SolutionInterests: []string{interest},
		ActivityScale: o.ActivityScale, InMarketShare: o.InMarketShare}
}

// figures are what the example measured.
type figures struct {
	Model      *qualify.Model
	Thresholds simtrain.Thresholds
	Backtest   qualify.BacktestTable
	// A and C are the evaluation world's MQAs against its truth, per
	// account, under option A and option C.
	A, C analytics.Accuracy
}

const interest = "data-platform"

func load(name string) (program.Definitions, error) {
	return programfile.LoadFS(programs.FS, name)
}

func runWith(ctx context.Context, w io.Writer, o options) (*figures, error) {
	if o.TrainSeed == o.EvalSeed {
		return nil, fmt.Errorf("the evaluation seed must differ from the training seed (both %d)", o.TrainSeed)
	}
	defsA, err := load("option-a.yaml")
	if err != nil {
		return nil, err
	}
	progA, err := program.Compile(defsA, program.Options{})
	if err != nil {
		return nil, err
	}
	world := func(seed uint64) (*sim.World, error) {
		return sim.New(o.world(seed))
	}

	// 1. Train on the history of option A on the training world.
	trainWorld, err := world(o.TrainSeed)
	if err != nil {
		return nil, err
	}
	hist, err := simtrain.Collect(ctx, trainWorld, simtrain.Config{Program: progA, Workers: o.Workers})
	if err != nil {
		return nil, fmt.Errorf("training world: %w", err)
	}
	examples := hist.Examples(simtrain.LabelBuying)
	model, err := qualify.ModelTrainer{Seed: o.ModelSeed}.Train(examples)
	if err != nil {
		return nil, fmt.Errorf("training: %w", err)
	}
	model.Outcome = simtrain.LabelBuying.String()
	fmt.Fprintf(w, "Readiness model trained on a simulated world (option C)\n\n")
	wc := trainWorld.Config
	fmt.Fprintf(w, "training world: seed %d, %d accounts, %d days, %d persons, in-market share %.2f, activity scale %.1f; program %s\n",
		o.TrainSeed, len(trainWorld.Accounts), o.Days, len(trainWorld.Truth.Account), wc.InMarketShare, wc.ActivityScale, progA.Name)
	fmt.Fprintf(w, "examples: %d snapshots (each group weekly from day 14, while it has no opportunity), %d with the outcome %q\n",
		len(examples), countOutcome(examples), model.Outcome)
	fmt.Fprintf(w, "model: L2 %.0f, split seed %d, hold-out %.0f%%, %d Newton steps\n\n",
		model.Training.L2, model.Training.Seed, 100*model.Training.HoldOut, model.Training.Iterations)
	fmt.Fprint(w, model.Evaluation.String())
	fmt.Fprintln(w, "\nweights (per standard deviation):")
	for _, t := range model.Terms {
		name := t.Feature
		if t.Category != "" {
			name += "=" + t.Category
		}
		fmt.Fprintf(w, "  %-28s %+.2f\n", name, t.Weight)
	}

	grid := qualify.BacktestGrid{Completeness: []float64{0, 0.3, 0.6, 0.8, 1}, Score: []float64{50, 100, 150, 200, 300}}
	bt, err := qualify.Backtest(examples, grid)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\nthreshold backtest on the training history:\n%s", bt.String())

	th, err := hist.MatchVolume(model, progA.Readiness)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\nthresholds chosen on the training world: ready >= %.3f, nurture >= %.3f\n", th.Ready, th.Nurture)
	fmt.Fprintf(w, "  (option A made %d of %d groups ready and %d ready or nurture at some snapshot; the model does the same)\n",
		th.ReadyGroups, th.Groups, th.NurtureGroups)

	// 2. Option C: the shipped option C program with the trained model.
	defsC, err := load("option-c.yaml")
	if err != nil {
		return nil, err
	}
	defsC.Readiness.Model = model
	defsC.Readiness.ReadyProbability, defsC.Readiness.NurtureProbability = th.Ready, th.Nurture
	progC, err := program.Compile(defsC, program.Options{})
	if err != nil {
		return nil, err
	}

	// 3. Evaluate both on a world the model never saw.
	type result struct {
		name string
		acc  analytics.Accuracy
		mqa  analytics.Ratio
	}
	var results []result
	for _, p := range []*program.Program{progA, progC} {
		ew, err := world(o.EvalSeed)
		if err != nil {
			return nil, err
		}
		res, err := sim.Run(ctx, ew, sim.RunConfig{Program: p, Workers: o.Workers})
		if err != nil {
			return nil, fmt.Errorf("evaluation world, %s: %w", p.Name, err)
		}
		evs, err := res.Store.Events(ctx, &store.EventsParams{Tenant: sim.Tenant, Limit: 1 << 40})
		if err != nil {
			return nil, err
		}
		rep, err := analytics.Compute(evs, mqaConfig, analytics.Period{To: res.End})
		if err != nil {
			return nil, fmt.Errorf("evaluation world, %s: KPIs: %w", p.Name, err)
		}
		tc := rep.CompareTruth(analytics.GroundTruth(ew.Truth.InMarket))
		results = append(results, result{name: p.Name, acc: tc.Accounts, mqa: rep.MQA.Accounts})
	}
	fmt.Fprintf(w, "\nevaluation world: seed %d, %d accounts, %d days; MQA = readiness verdict \"ready\" at some time in the period\n", o.EvalSeed, o.Accounts, o.Days)
	fmt.Fprintf(w, "%-10s %6s %6s %6s %6s %10s %8s\n", "program", "MQAs", "TP", "FP", "FN", "precision", "recall")
	for _, r := range results {
		fmt.Fprintf(w, "%-10s %6d %6d %6d %6d %10s %8s\n", r.name, r.acc.TruePositives+r.acc.FalsePositives,
			r.acc.TruePositives, r.acc.FalsePositives, r.acc.FalseNegatives, r.acc.Precision.Percent(), r.acc.Recall.Percent())
	}
	return &figures{Model: model, Thresholds: th, Backtest: bt, A: results[0].acc, C: results[1].acc}, nil
}

// mqaConfig counts as MQA a group whose readiness verdict became "ready".
// Stages are not read: both programs use the default stage model, whose
// Decision -> Sales Ready rule is option A's threshold, and option C's
// journey sets the stage from the verdict anyway.
var mqaConfig = analytics.Config{ReadyLevels: []string{string(qualify.ReadinessReady)}, ReadinessOnly: true}

func countOutcome(ex []qualify.ReadinessExample) int {
	n := 0
	for _, e := range ex {
		if e.Outcome {
			n++
		}
	}
	return n
}
