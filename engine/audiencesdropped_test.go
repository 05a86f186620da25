package engine_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

// An account exits the audiences a new program no longer defines, also
// when the program defines none: the membership is cleared, each exit is
// logged (by name) with its reason and queries no longer list the account.
func TestAudiencesAllDropped(t *testing.T) {
	withAudiences := func(auds ...audience.Audience) program.Definitions {
		defs := dataPlatform()
		defs.Audiences = auds
		return defs
	}
	big := audience.Audience{Name: "big", Rule: "account.employees > 0"}
	huge := audience.Audience{Name: "huge", Rule: "account.employees > 1000"}
	tests := []struct {
		name string
		v2   []audience.Audience
		want []string // the audiences exited, in order
		in   []string
	}{
		{"one of two dropped", []audience.Audience{big}, []string{"huge"}, []string{"big"}},
		{"every audience dropped", nil, []string{"big", "huge"}, nil},
	}
	for _, s := range stateStores {
		for _, tt := range tests {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				b := setup(t, withAudiences(huge, big), func(c *engine.Config) { c.Store = s.store() })
				setupAcme(t, b)
				v, err := b.eng.Account(b.ctx, "acme", day0)
				require.NoError(t, err)
				require.Equal(t, []string{"big", "huge"}, v.Audiences)

				p2, err := program.Compile(withAudiences(tt.v2...), program.Options{})
				require.NoError(t, err)
				require.NoError(t, b.eng.Install(p2))
				b.clock.Set(day(2))
				_, err = b.eng.Advance(b.ctx, day(2))
				require.NoError(t, err)

				v, err = b.eng.Account(b.ctx, "acme", day(2))
				require.NoError(t, err)
				require.Equal(t, tt.in, v.Audiences)
				var exited []string
				countEventsWhere(t, b, "acme", func(e store.Event) bool {
					if e.Type != "audience.exited" {
						return false
					}
					var ev audience.Event
					require.NoError(t, json.Unmarshal(e.Data, &ev))
					require.Equal(t, "the audience is no longer defined", ev.Reason)
					exited = append(exited, ev.Audience)
					return true
				})
				require.Equal(t, tt.want, exited)
				for _, name := range tt.want {
					listed, err := b.eng.Accounts(b.ctx, "audience/"+name, "in")
					require.NoError(t, err)
					require.Empty(t, listed, "acme is no longer in %s", name)
				}
				listed, err := b.eng.Accounts(b.ctx, "audience/big", "in")
				require.NoError(t, err)
				require.Equal(t, len(tt.in) > 0, len(listed) == 1, "acme is listed in big while big is defined")
			})
		}
	}
}
