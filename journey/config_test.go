package journey_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

func TestConsentPolicyRequiresOptIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		policy journey.ConsentPolicy
		want   map[b2b.Channel]bool
	}{
		{"zero value: SMS only", journey.ConsentPolicy{}, map[b2b.Channel]bool{b2b.ChannelEmail: false, b2b.ChannelSMS: true, b2b.ChannelPhone: false}},
		{"empty list: none", journey.ConsentPolicy{RequireOptIn: []b2b.Channel{}}, map[b2b.Channel]bool{b2b.ChannelEmail: false, b2b.ChannelSMS: false}},
		{"email and SMS", journey.ConsentPolicy{RequireOptIn: []b2b.Channel{b2b.ChannelEmail, b2b.ChannelSMS}}, map[b2b.Channel]bool{b2b.ChannelEmail: true, b2b.ChannelSMS: true, b2b.ChannelPhone: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for ch, want := range tc.want {
				require.Equal(t, want, tc.policy.RequiresOptIn(ch), "channel %s", ch)
			}
		})
	}
}
