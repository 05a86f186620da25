// Package scenarios holds the acceptance scenarios S1 to S9 of Quorum as
// program files, one per scenario, each commented with what the scenario is
// and what to look at once it has run:
//
//   - s1-solution-qualification.yaml: identity from two sources, the buying
//     group of one solution interest, roles and completeness (option A);
//   - s2-pipeline-acceleration.yaml: a journey that waits, splits on
//     completeness and score, alerts sales and makes the group Sales Ready;
//   - s3-completeness-campaign.yaml: an audience of groups missing their
//     Economic Buyer and a journey that respects email consent;
//   - s4-shared-contact.yaml: two solution interests sharing a CTO under one
//     frequency cap (option B);
//   - s5-cross-sell.yaml: a won deal closes its group and opens a cross-sell
//     interest;
//   - s6-stalled-deal.yaml: decay, a velocity audience, re-engagement of the
//     Champion and a threshold alert with hysteresis;
//   - s7-sales-alignment-view.yaml: S2's program, read through the account
//     view a CRM panel shows;
//   - s8-multi-region.yaml: a title change in a subsidiary updates the
//     parent's rolled-up group (the engine runs with Config.Rollup);
//   - s9-bad-input.yaml: a batch with malformed activities, applied once,
//     rejected with reasons, replayed without effect.
//
// Check one with "quorum validate examples/scenarios/s2-pipeline-acceleration.yaml".
// The package's tests compile every file the way that command does and run
// each scenario through the engine's public API with the compiled program,
// checking every "then" of the scenario with the figures it states (S6's
// 120 to 40 in 30 days with no activity, say). Each file's "What to look
// at" list says what its test checks, item by item: a change to one is a
// change to the other.
//
// Of S9's ten malformed activities, the eight refused are reported one by
// one (index, reason, detail) and the two repeated deliveries by index
// (engine.Report.DuplicateIndexes); what they repeat is credited once.
// S9's "unknown type" is a type that is not an activity type at all
// ("Open Email"); a well-formed custom type is applied, and the test
// checks that too.
package scenarios

import "embed"

// FS holds the scenario program files.
//
//go:embed *.yaml
var FS embed.FS
