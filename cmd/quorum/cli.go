package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/internal/errwrite"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // the input (a program, a file) is wrong
	exitUsage   = 2 // the command line is wrong
	// exitInterrupted: an interrupt (Ctrl-C, SIGTERM) stopped the
	// command, as a shell says of a process that SIGINT ended.
	exitInterrupted = 130
)

const usage = `quorum runs buying-group marketing programs.

Usage:
  quorum <command> [flags] [arguments]

Commands:
  simulate   run a program on a synthetic B2B world and print the KPIs
  report     read an event log (simulate --events writes one) and print the KPIs
  explain    run a simulation and explain one account: groups, roles, scores, journeys
  validate   check program files and print a summary of each, or every problem with its position
  persona    classify job titles into seniority, department and buying-group roles
  help       show this help, or "quorum help <command>"

Examples:
  quorum simulate                                 option B example, 1,000 accounts, 90 days
  quorum simulate --program my.yaml --days 30 --json
  quorum simulate --events events.jsonl && quorum report --events events.jsonl --from 2026-02-02
  quorum explain --account acc-000042
  quorum validate examples/programs/option-a.yaml
  printf 'CFO\nVP Eng\nSr. Data Engineer\n' | quorum persona
`

// usageError is a wrong command line: it is printed with the command's
// help and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// interruptedError is a command that an interrupt stopped: it exits
// exitInterrupted after its message.
type interruptedError struct{ msg string }

func (e *interruptedError) Error() string { return e.msg }

// invalidError is wrong input: it exits 1 after its message.
type invalidError struct{ err error }

func (e *invalidError) Error() string { return e.err.Error() }
func (e *invalidError) Unwrap() error { return e.err }

type command struct {
	name  string
	help  string
	flags func(fs *flag.FlagSet) func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{simulateCommand, reportCommand, explainCommand, validateCommand, personaCommand}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 2 {
			fmt.Fprintf(stderr, "quorum help: unexpected argument %q\n\n%s", args[2], usage)
			return exitUsage
		}
		// help is a command the usage lists: its help is the usage.
		if len(args) > 1 && !slices.Contains([]string{"help", "-h", "-help", "--help"}, args[1]) {
			for _, c := range commands {
				if c.name == args[1] {
					fs := flag.NewFlagSet("quorum "+c.name, flag.ContinueOnError)
					c.flags(fs)
					return helpWritten(stderr, "help", printHelp(stdout, c, fs))
				}
			}
			fmt.Fprintf(stderr, "quorum: unknown command %q\n\n%s", args[1], usage)
			return exitUsage
		}
		_, err := fmt.Fprint(stdout, usage)
		return helpWritten(stderr, "help", err)
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		fs := flag.NewFlagSet("quorum "+c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		runCmd := c.flags(fs)
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return helpWritten(stderr, c.name, printHelp(stdout, c, fs))
			}
			fmt.Fprintf(stderr, "quorum %s: %s\n\n", c.name, flagError(fs, err))
			printHelp(stderr, c, fs)
			return exitUsage
		}
		if msg := emptyFlag(fs); msg != "" {
			fmt.Fprintf(stderr, "quorum %s: %s\n\n", c.name, msg)
			printHelp(stderr, c, fs)
			return exitUsage
		}
		err := runCmd(ctx, fs.Args(), stdin, stdout, stderr)
		var ue *usageError
		var ie *invalidError
		var xe *interruptedError
		switch {
		case err == nil:
			return exitOK
		case errors.As(err, &xe):
			fmt.Fprintf(stderr, "quorum %s: %s\n", c.name, xe.msg)
			return exitInterrupted
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "quorum %s: %s\n\n", c.name, ue.msg)
			printHelp(stderr, c, fs)
			return exitUsage
		case errors.As(err, &ie):
			fmt.Fprintf(stderr, "%v\n", ie.err)
			return exitInvalid
		default:
			fmt.Fprintf(stderr, "quorum %s: %v\n", c.name, err)
			return exitInvalid
		}
	}
	fmt.Fprintf(stderr, "quorum: unknown command %q\n\n%s", name, usage)
	return exitUsage
}

// flagValue matches the flag package's error for a value of the wrong
// kind: its value, its flag and its reason.
var flagValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:]+): (.*)$`)

// flagError words a command line's error: for a flag's value of the wrong
// kind, which value is wrong and what the flag wants ("--days "1.5" is
// not a whole number", where the flag package says "parse error"); other
// errors (an unknown flag, a flag without its value) as they are.
func flagError(fs *flag.FlagSet, err error) string {
	m := flagValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	value, name, reason := m[1], m[2], m[3]
	f := fs.Lookup(name)
	if f == nil {
		return err.Error()
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return err.Error()
	}
	want := ""
	switch g.Get().(type) {
	case bool:
		want = "true or false"
	case int:
		want = "a whole number"
	case uint64:
		want = fmt.Sprintf("a whole number from 0 to %d", uint64(math.MaxUint64))
	default:
		return err.Error()
	}
	if reason == "value out of range" && want != "true or false" {
		return fmt.Sprintf("--%s %s is out of range (%s)", name, value, want)
	}
	return fmt.Sprintf("--%s %s is not %s", name, value, want)
}

// emptyFlag words the first flag of text given an empty value on the
// command line ("--events needs a file, not an empty value"), or returns
// "". Such a value (--events=, or --program "$FILE" with FILE unset in a
// script) is no request for the flag's default: taken as not given, a
// simulation would write no event log, or run the default program, and
// say nothing of it.
func emptyFlag(fs *flag.FlagSet) string {
	msg := ""
	fs.Visit(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok || msg != "" {
			return
		}
		if v, text := g.Get().(string); text && v == "" {
			name, _ := flag.UnquoteUsage(f)
			msg = fmt.Sprintf("--%s needs %s %s, not an empty value", f.Name, article(name), name)
		}
	})
	return msg
}

// article is "a" or "an" for the word.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// printHelp writes the command's help and its flags; it returns the
// first error of its writes.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) error {
	ew := &errwrite.Writer{W: w}
	fmt.Fprintln(ew, strings.TrimSpace(c.help))
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(ew, "\nFlags:")
		fs.SetOutput(ew)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return ew.Err
}

// helpWritten is the exit code of help asked for (quorum help, -h): 0,
// or 1 when it could not be written (a full disk, a closed pipe), which
// is said on stderr as a command's lost output is.
func helpWritten(stderr io.Writer, name string, err error) int {
	if err != nil {
		fmt.Fprintf(stderr, "quorum %s: %v\n", name, err)
		return exitInvalid
	}
	return exitOK
}

// progressTo returns where to draw the progress bar of a simulation:
// stderr, when both stdout and stderr are terminals (someone watches, and
// the output is neither piped nor redirected); nil otherwise. isTTY is
// isTerminal but for tests.
func progressTo(stdout, stderr io.Writer, isTTY func(io.Writer) bool) io.Writer {
	if isTTY(stdout) && isTTY(stderr) {
		return stderr
	}
	return nil
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
