package programfile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// TestRulePositionInScalars places an unknown name (zz) written in every
// scalar style of YAML; want is the line and column of "zz" in the file.
func TestRulePositionInScalars(t *testing.T) {
	t.Parallel()
	head := base + "audiences:\n  - name: a\n"
	tests := []struct {
		name, rule string
		line, col  int
	}{
		{"plain", "    rule: account.name == \"x\" && zz\n", 7, 34},
		{"single quoted", "    rule: 'account.name == ''x'' && zz'\n", 7, 37},
		{"double quoted with escapes", "    rule: \"account.name == \\\"\\u00e9\\x41\\\" || zz\"\n", 7, 46},
		// A character beyond 16 bits as a JSON writer that escapes all
		// but ASCII writes it: a pair of UTF-16 surrogates.
		{"double quoted with a surrogate pair", "    rule: \"account.name == \\\"\\ud83d\\ude00\\\" || zz\"\n", 7, 48},
		{"plain folded over lines", "    rule: account.name == \"x\"\n      &&\n\n      zz\n", 10, 7},
		{"double quoted over lines", "    rule: \"account.name ==\n      \\\"x\\\" && zz\"\n", 8, 16},
		{"literal, kept lines", "    rule: |\n      account.name == \"x\"\n        && zz\n", 9, 12},
		{"literal, strip, indentation indicator", "    rule: |-\n        account.name == \"x\"\n        && zz\n", 9, 12},
		{"literal, indentation indicator, first line more indented", "    rule: |2\n        account.name == \"x\" &&\n      zz\n", 9, 7},
		{"folded, indentation indicator, first line more indented", "    rule: >2\n        account.name == \"x\"\n      && zz\n", 9, 10},
		{"folded", "    rule: >\n      account.name == \"x\"\n      && zz\n", 9, 10},
		{"folded with an empty line", "    rule: >\n      account.name == \"x\"\n\n      || zz\n", 10, 10},
		{"comment after a plain scalar", "    rule: account.name == \"x\" && zz # why\n", 7, 34},
		{"expected more at the end", "    rule: account.name ==\n", 7, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := programfile.Compile("broken.yaml", []byte(head+tt.rule), program.Options{})
			require.Error(t, err)
			got := problems(t, err)
			require.Len(t, got, 1, err.Error())
			require.True(t, strings.HasPrefix(got[0], fmt.Sprintf("%d:%d: audiences[0].rule: ", tt.line, tt.col)), err.Error())
		})
	}
}

// TestTabInPlainScalar: a tab between the words of an unquoted value is
// part of the value, as YAML has it (the parser drops it): an expression
// keeps its words apart, a template its text, and a rule's problem is
// placed past the tab.
func TestTabInPlainScalar(t *testing.T) {
	t.Parallel()
	src := base + "audiences:\n  - name: a\n    rule: account.employees > 5\tand\taccount.industry == \"Software\"\n" +
		"templates:\n  emails:\n    - {name: intro, subject: Hello\tthere, text: Hi, html: <p>Hi</p>}\n"
	p, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.NoError(t, err)
	defs := p.Definitions()
	require.Equal(t, "account.employees > 5\tand\taccount.industry == \"Software\"", defs.Audiences[0].Rule)
	require.Equal(t, "Hello\tthere", defs.Templates.Emails[0].Subject)

	bad := base + "audiences:\n  - name: a\n    rule: account.employees > 5\tand\tzz\n"
	_, err = programfile.Compile("broken.yaml", []byte(bad), program.Options{})
	require.Error(t, err)
	require.Equal(t, []string{"7:37: audiences[0].rule: rule \"a\" 1:27: unknown name zz"}, problems(t, err))
}

// TestWindowsLineEnds: a file whose lines end with CRLF reads as the same
// file with LF: a quoted value folded over lines is one line, and a rule's
// problem is placed at the same line and column.
func TestWindowsLineEnds(t *testing.T) {
	t.Parallel()
	crlf := func(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
	src := base + "templates:\n  emails:\n    - name: intro\n      subject: 'Hello\n        there'\n" +
		"      text: \"Hi\n        you\"\n      html: <p>Hi</p>\n"
	defs, err := programfile.Parse("ok.yaml", crlf(src))
	require.NoError(t, err)
	require.Equal(t, "Hello there", defs.Templates.Emails[0].Subject)
	require.Equal(t, "Hi you", defs.Templates.Emails[0].Text)

	for _, rule := range []string{
		"    rule: |\n      account.employees > 1 &&\n      zz\n",
		"    rule: >\n      account.employees > 1\n      && zz\n",
		"    rule: \"account.employees > 1\n      && zz\"\n",
	} {
		bad := base + "audiences:\n  - name: a\n" + rule
		_, lf := programfile.Compile("broken.yaml", []byte(bad), program.Options{})
		_, err := programfile.Compile("broken.yaml", crlf(bad), program.Options{})
		require.Error(t, lf)
		require.Error(t, err)
		require.Equal(t, problems(t, lf), problems(t, err), "%q", rule)
	}
}

// TestByteOrderMark: a file that starts with a UTF-8 byte order mark (as
// editors on Windows save it) reads as the same file without one, and its
// problems are placed at the same lines and columns.
func TestByteOrderMark(t *testing.T) {
	t.Parallel()
	const bom = "\ufeff"
	defs, err := programfile.Parse("ok.yaml", []byte(bom+base))
	require.NoError(t, err)
	require.Equal(t, "broken", defs.Name)

	bad := base + "audiences:\n  - name: a\n    rule: account.employees > 1 && zz\n"
	_, want := programfile.Compile("broken.yaml", []byte(bad), program.Options{})
	_, err = programfile.Compile("broken.yaml", []byte(bom+bad), program.Options{})
	require.Error(t, want)
	require.Error(t, err)
	require.Equal(t, problems(t, want), problems(t, err))
}
