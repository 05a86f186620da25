package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store/memory"
)

// TestConfigValidateWantsTheUnsubscribeLink: a config without
// UnsubscribeURL whose program (or one of History) has templates that
// read {{.UnsubscribeURL}} is a config New refuses: Validate reports it,
// at the field's path and with every other problem at once, rather than
// passing a config that New then refuses for it.
func TestConfigValidateWantsTheUnsubscribeLink(t *testing.T) {
	t.Parallel()
	compile := func(d program.Definitions) *program.Program {
		p, err := program.Compile(d, program.Options{})
		require.NoError(t, err)
		return p
	}
	marketing := compile(pipelineProgram()) // intro and nurture read the link
	plain := compile(dataPlatform())
	const reads = `program "option-a": templates intro, nurture read {{.UnsubscribeURL}}: no unsubscribe link: Config.UnsubscribeURL is required`
	for _, tc := range []struct {
		name string
		cfg  engine.Config
		want string
	}{
		{"the program reads it", engine.Config{Store: memory.New(), Program: marketing},
			"engine config: unsubscribeURL: " + reads},
		{"with another problem", engine.Config{Store: memory.New(), Program: marketing, Workers: -1},
			"engine config: 2 problems:\n  workers: must not be negative\n  unsubscribeURL: " + reads},
		{"a program of the history reads it", engine.Config{Store: memory.New(), Program: plain, History: []*program.Program{plain, marketing}},
			"engine config: unsubscribeURL: history[1]: " + reads},
		{"none reads it", engine.Config{Store: memory.New(), Program: plain, History: []*program.Program{plain}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			_, nerr := engine.New(tc.cfg)
			if tc.want == "" {
				require.NoError(t, err)
				require.NoError(t, nerr)
				return
			}
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.ErrorIs(t, err, engine.ErrNoUnsubscribeURL)
			require.EqualError(t, nerr, tc.want, "New refuses the config for what Validate says")
			tc.cfg.UnsubscribeURL = unsubscribeURL
			tc.cfg.Workers = 0
			require.NoError(t, tc.cfg.Validate())
		})
	}
}
