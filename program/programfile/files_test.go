package programfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// TestCompileFiles checks that CompileFiles names the other files the
// program read, as it opened them, whether or not the program compiles:
// none for a program without a model file, the model file of one that
// names it, and nothing for a model file it could not read.
func TestCompileFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "examples", "programs")
	optionC, err := os.ReadFile(filepath.Join(src, "option-c.yaml"))
	require.NoError(t, err)
	model, err := os.ReadFile(filepath.Join(src, "readiness-model.json"))
	require.NoError(t, err)
	optionA, err := os.ReadFile(filepath.Join(src, "option-a.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readiness-model.json"), model, 0o600))
	prog := filepath.Join(dir, "option-c.yaml")
	modelFile := filepath.Join(dir, "readiness-model.json")

	for _, tc := range []struct {
		name  string
		file  string
		data  string
		files []string
		fails bool
	}{
		{name: "no model file", file: filepath.Join(dir, "option-a.yaml"), data: string(optionA)},
		{name: "a model file", file: prog, data: string(optionC), files: []string{modelFile}},
		{name: "a model file, the program does not compile", file: prog,
			data: strings.Replace(string(optionC), "name: option-c", "name: option-c\nnope: 1", 1), files: []string{modelFile}, fails: true},
		{name: "a model file that is not there", file: filepath.Join(dir, "sub", "option-c.yaml"), data: string(optionC), fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, files, err := programfile.CompileFiles(tc.file, []byte(tc.data), program.Options{})
			require.Equal(t, tc.fails, err != nil, "%v", err)
			require.Equal(t, tc.fails, p == nil)
			require.Equal(t, tc.files, files)
		})
	}
}
