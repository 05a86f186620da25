package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/persona"
)

var personaCommand = command{
	name: "persona",
	help: `quorum persona classifies job titles: the seniority and department the
standard persona classifier derives from each title, and the roles of the
standard buying-committee template the title qualifies for. Use it to check
your data before you import it.

Input is one title per line, or a CSV file whose header (its first line,
however long) has a "title" column (a first line that is just "title" makes
a one-column CSV, in which a comma outside quotes is part of the title and
an empty line between rows is a row whose title is empty; a UTF-8
byte-order mark is skipped); standard input when no file is given,
or "-". Output is CSV: title,seniority,department,roles (roles separated by
";"; an unknown seniority or department is empty), a row for each title, and
for each CSV row, even one whose title is empty. A problem of the input
(a line or a header longer than 1 MiB, a CSV row without its title) is told
as FILE:LINE, stdin:LINE for standard input, and exits 1.

Usage:
  quorum persona [FILE]`,
	flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Reader, io.Writer, io.Writer) error {
		return func(_ context.Context, args []string, stdin io.Reader, stdout, _ io.Writer) error {
			var in io.Reader = stdin
			name := "stdin"
			switch {
			case len(args) == 0, len(args) == 1 && args[0] == "-":
			case len(args) == 1:
				f, err := os.Open(args[0])
				if err != nil {
					return &invalidError{err}
				}
				defer f.Close()
				in, name = f, args[0]
			default:
				return &usageError{"persona takes at most one file"}
			}
			titles, err := readTitles(name, in)
			if err != nil {
				return &invalidError{err}
			}
			return classifyTitles(stdout, titles)
		}
	},
}

// readTitles reads one title per line, or the "title" column of a CSV
// whose header names it (a file whose first line is "title" is a CSV of
// that one column, whose unquoted commas are part of the title). A UTF-8
// byte-order mark, as spreadsheets write it, is skipped. A problem is told
// with the input's name and its line.
func readTitles(name string, r io.Reader) ([]string, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		if _, err := br.Discard(3); err != nil {
			return nil, err
		}
	}
	// The whole first line decides: a CRM export's header runs to many
	// kilobytes, and its "title" column may be its last.
	header, err := firstLine(br)
	if errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("%s:1: a line longer than 1 MiB: not a job title nor a CSV header", name)
	} else if err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	rest := io.MultiReader(strings.NewReader(header), br)
	hr := csv.NewReader(strings.NewReader(header))
	hr.LazyQuotes = true
	if cols, err := hr.Read(); err == nil {
		for i, c := range cols {
			if strings.EqualFold(strings.TrimSpace(c), "title") {
				return readCSVColumn(name, rest, i)
			}
		}
	}
	var out []string
	sc := bufio.NewScanner(rest)
	sc.Buffer(make([]byte, 64*1024), maxTitleLine)
	line := 0
	for sc.Scan() {
		line++
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, t)
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("%s:%d: a line longer than 1 MiB: not a job title", name, line+1)
	} else if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// maxTitleLine is the longest line persona reads.
const maxTitleLine = 1 << 20

// firstLine reads br's first line, with its end of line, without reading
// past it (standard input may be typed); bufio.ErrTooLong if it is longer
// than maxTitleLine.
func firstLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > maxTitleLine+len("\r\n") {
			return "", bufio.ErrTooLong
		}
		line = append(line, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return string(line), nil
		case err != nil:
			return "", err
		}
		return string(line), nil
	}
}

// readCSVColumn reads column col of a CSV whose first line is its header.
func readCSVColumn(name string, r io.Reader, col int) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	positioned := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	header, err := cr.Read()
	if err != nil {
		return nil, positioned(err)
	}
	last := recordEnd(cr, header)
	var out []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, positioned(err)
		}
		if len(header) == 1 {
			// A CSV of titles alone writes an empty title as an empty
			// line (spreadsheets do, and so does encoding/csv), which the
			// reader skips: each line between this row and the one before
			// is a row without a title, which keeps its place.
			line, _ := cr.FieldPos(0)
			for range line - last - 1 {
				out = append(out, "")
			}
			last = recordEnd(cr, rec)
		}
		if col >= len(rec) {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf(`%s:%d: no title: the row ends before column %d, the header's "title"`, name, line, col+1)
		}
		title := rec[col]
		if len(header) == 1 {
			// A CSV of titles alone: a comma outside quotes is part of
			// the title, as on a plain line.
			title = strings.Join(rec, ",")
		}
		// A row without a title keeps its place: its output row, empty,
		// says the contact has none, and the rows after it stay in step
		// with the input's.
		out = append(out, strings.TrimSpace(title))
	}
}

// recordEnd is the line on which rec, the record cr read last, ends: a
// quoted field may hold line breaks.
func recordEnd(cr *csv.Reader, rec []string) int {
	line, _ := cr.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

// classifyTitles writes the CSV of each title's persona and standard roles.
func classifyTitles(w io.Writer, titles []string) error {
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "standard", Template: buyinggroup.StandardTemplateID}}}, buyinggroup.Config{})
	if err != nil {
		return err
	}
	tpl := cat.Templates()[0]
	classifier := persona.Standard()
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"title", "seniority", "department", "roles"}); err != nil {
		return err
	}
	now := time.Now()
	for _, t := range titles {
		if t == "" {
			if err := cw.Write([]string{"", "", "", ""}); err != nil {
				return err
			}
			continue
		}
		p, _ := persona.Apply(classifier, b2b.Person{Title: t})
		var roles []string
		for i, r := range tpl.Roles {
			ok, err := tpl.RoleRule(i).Eval(&buyinggroup.RoleEnv{Person: p, Now: now})
			if err == nil && ok && !slices.Contains(roles, r.Name) {
				roles = append(roles, r.Name)
			}
		}
		if err := cw.Write([]string{t, p.Seniority, p.Department, strings.Join(roles, ";")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
