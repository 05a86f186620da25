package channel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
)

func TestValidPhone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"+14155550100", true},
		{"+33612345678", true},
		{"+6834002", true},         // Niue: 683 and four digits
		{"+6902151", true},         // Tokelau
		{"+683400", false},         // six digits
		{"+123456789012345", true}, // fifteen digits
		{"+1234567890123456", false},
		{"+04155550100", false},
		{"14155550100", false},
		{"+1 415 555 0100", false},
		{"+1415555010a", false},
		{"", false},
		{"+", false},
	} {
		require.Equal(t, tt.want, channel.ValidPhone(tt.s), tt.s)
	}
}
