// Package simtrain records a simulated world's history the way readiness
// sees it, to train and test readiness models on the simulation's ground
// truth.
//
// # Record
//
//	w, err := sim.New(sim.Config{Seed: 1, Accounts: 300, Days: 90, SolutionInterests: []string{"data-platform"}})
//	h, err := simtrain.Collect(ctx, w, simtrain.Config{Program: prog})
//
// [Collect] runs the program on the world ([sim.Run]) and, at the end of
// day FirstDay (14) and every Every (7) days after, snapshots every buying
// group: its [qualify.Features] built by [Features] from the engine's view
// of the account (completeness, weighted completeness, score, velocity,
// engaged roles, days since the members' last activity, industry,
// employees, the account's opportunity history in every interest, as the
// engine gives readiness), whether it already had an opportunity of its
// interest, the outcome of Config.Outcome after the snapshot ("opportunity
// created within 30 days", known when the window ends within the period),
// and the world's truth: in market for the interest, and buying (its
// buying window open) at the snapshot.
//
// # Train
//
// [History.Examples] turns the snapshots into [qualify.ReadinessExample]s
// under a [Label]: LabelOutcome (what a CRM history gives) or LabelBuying
// (the simulation's truth). Either leaves out groups that already have an
// opportunity. Train with [qualify.ModelTrainer].
//
// # Choose thresholds
//
// [History.MatchVolume] picks a model strategy's ready and nurture
// probabilities so that, over the history, the model makes as many groups
// ready (and ready or nurture) at some snapshot as a reference strategy
// does: replacing option A's thresholds by a model at the same MQA volume,
// the two compare by the quality of what they pick. Thresholds chosen on
// one world are then evaluated on another (see examples/option-c). The
// thresholds are above 0 and at most 1, as a program takes them; a model
// certain (probability 1) of a group when the reference made none ready,
// or one that gives no probability, is refused.
//
// # Limits
//
// Engaged roles read the view's person scores, which are those of the
// program's group scoring model: for a program that scores each interest
// with its own model they can differ from the engine's.
package simtrain
