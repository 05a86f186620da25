package scenarios_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/examples/scenarios"
	"github.com/quorumhq/quorum/program/programfile"
)

// TestFilesValidate checks that "quorum validate" accepts every scenario
// file. It runs no process: the command reads the file and calls
// programfile.Compile(file, data, program.Options{}), and compileFile does
// exactly that, so the code path is the same.
func TestFilesValidate(t *testing.T) {
	t.Parallel()
	onDisk, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.Equal(t, scenarioFiles, onDisk, "every scenario file has its test, and every test its file")
	embedded, err := fs.Glob(scenarios.FS, "*.yaml")
	require.NoError(t, err)
	require.Equal(t, onDisk, embedded, "scenarios.FS holds every file")

	for _, file := range scenarioFiles {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			prog := compileFile(t, file)
			require.Equal(t, strings.TrimSuffix(file, ".yaml"), prog.Name, "a scenario's program is named after its file")
			require.NotEmpty(t, prog.Definitions().Interests)
			// The embedded copy reads the same.
			fromFS, err := programfile.LoadFS(scenarios.FS, file)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(prog.Definitions(), fromFS), "(-file +embedded)")
		})
	}
}

// TestFilesSayWhatIsChecked checks that every scenario file lists what
// its test checks (see the package doc).
func TestFilesSayWhatIsChecked(t *testing.T) {
	t.Parallel()
	for _, file := range scenarioFiles {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		require.Regexp(t, `(?m)^# What to look at.* \(the test checks each\):`, string(data), "%s lists what its test checks", file)
	}
}

// TestS7RunsS2Program checks that S7's file is S2's program under another
// name: S7 is the view of the state after S2.
func TestS7RunsS2Program(t *testing.T) {
	t.Parallel()
	s2, err := programfile.Load(fileS2)
	require.NoError(t, err)
	s7, err := programfile.Load(fileS7)
	require.NoError(t, err)
	s7.Name = s2.Name
	require.Empty(t, cmp.Diff(s2, s7), "(-S2 +S7)")
}
