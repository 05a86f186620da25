// Package programs ships the example programs as files, for the quorum
// command and for tests:
//
//   - option-a.yaml: one solution interest with the standard template and a
//     pipeline-acceleration journey (the guide's option A);
//   - option-b.yaml: two solution interests sharing people, one journey per
//     interest under a shared frequency cap (option B);
//   - option-c.yaml: option A with model-assisted readiness and tiered
//     journey tracks (option C), with readiness-model.json.
//
// Validate one with "quorum validate examples/programs/option-a.yaml"; load
// them in Go with programfile.LoadFS(programs.FS, "option-a.yaml").
package programs

import "embed"

// FS holds the example program files.
//
//go:embed *.yaml *.json
var FS embed.FS

// Default is the program "quorum simulate" runs when given none.
const Default = "option-b.yaml"
