package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quorumhq/quorum/internal/errwrite"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

var validateCommand = command{
	name: "validate",
	help: `quorum validate checks program files (YAML or JSON): every rule compiles,
every reference resolves, every template renders. It prints a summary of each
valid file, with its warnings (legal but probably wrong, as
file:line:column: warning: path: message), then every problem of the others
at once, each with file:line:column and its path in the program; it exits 0
when every file is valid, else 1.

Usage:
  quorum validate FILE...`,
	flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
		return func(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
			if len(args) == 0 {
				return &usageError{"validate takes one program file or more"}
			}
			out := &errwrite.Writer{W: stdout}
			var errs []error
			for _, file := range args {
				data, err := os.ReadFile(file)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				p, warnings, err := programfile.CompileWarnings(file, data, program.Options{})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				writeSummary(out, file, p, warnings)
			}
			if len(errs) > 0 {
				if out.Err != nil {
					errs = append(errs, fmt.Errorf("writing the summaries: %w", out.Err))
				}
				return &invalidError{errors.Join(errs...)}
			}
			return out.Err
		}
	},
}

// writeSummary says what a valid program holds, and its warnings, each
// placed in the file as a problem is.
func writeSummary(w io.Writer, file string, p *program.Program, warnings []programfile.Warning) {
	d := p.Definitions()
	fmt.Fprintf(w, "%s: program %q is valid\n", file, p.Name)
	var interests []string
	for _, in := range d.Interests {
		interests = append(interests, in.ID)
	}
	fmt.Fprintf(w, "  solution interests  %d (%s)\n", len(d.Interests), strings.Join(interests, ", "))
	// The templates the file defines and the standard one when an interest
	// uses it: the catalog holds the standard template in any case, and a
	// program that defines its own and leaves the standard unused has one.
	used := map[string]bool{}
	for _, in := range p.Groups.Interests() {
		used[in.RoleTemplate().ID] = true
	}
	for _, t := range d.RoleTemplates {
		used[t.ID] = true
	}
	templates, roles := 0, 0
	for _, t := range p.Groups.Templates() {
		if used[t.ID] {
			templates++
			roles += len(t.Roles)
		}
	}
	fmt.Fprintf(w, "  role templates      %d (%s)\n", templates, plural(roles, "role"))
	var models []string
	for _, s := range p.Scorers {
		models = append(models, s.Name())
	}
	fmt.Fprintf(w, "  scoring models      %d (%s), groups score by %s\n", len(p.Scorers), strings.Join(models, ", "), p.GroupScore.Aggregation)
	fmt.Fprintf(w, "  audiences           %d\n", len(d.Audiences))
	fmt.Fprintf(w, "  readiness           %s\n", p.Readiness.Name())
	fmt.Fprintf(w, "  journeys            %d", len(d.Journeys))
	if len(d.Caps) > 0 {
		fmt.Fprintf(w, ", %s", plural(len(d.Caps), "frequency cap"))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  templates           %d email, %d SMS\n", len(d.Templates.Emails), len(d.Templates.SMS))
	fmt.Fprintf(w, "  alert rules         %d\n", len(d.Alerts))
	for _, warn := range warnings {
		fmt.Fprintf(w, "  %s\n", warn)
	}
}
