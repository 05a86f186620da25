package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/identity"
)

// TestNormalizeCompanyNameReadsCompatibilityForms: a company name is read
// in Unicode normal form NFKC, so that the forms one name takes in
// different systems are one key: full-width Latin letters (as Japanese
// systems store names), an accent written as a combining mark after its
// letter (macOS and some exports), a ligature.
func TestNormalizeCompanyNameReadsCompatibilityForms(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ＡＣＭＥ", "acme"},
		{"ＡＣＭＥ Ｉｎｃ．", "acme"},
		{"ＡＣＭＥ　Ｃｏｒｐｏｒａｔｉｏｎ", "acme"},
		{"ａｍａｚｏｎ．ｃｏｍ", "amazon"},
		{"ＡＣＭＥ株式会社", "acme"},
		{"Nestle\u0301 S.A.", "nestle"},
		{"Rene\u0301e Corp", "renee"},
		{"Société Ge\u0301ne\u0301rale", "societe generale"},
		{"Oﬃce Depot Inc", "office depot"},
		{"㈱ソニー", "ソニー"},
		// Unchanged: ASCII, composed accents, CJK forms.
		{"ACME, Inc.", "acme"},
		{"Nestlé S.A.", "nestle"},
		{"株式会社 ソニー", "ソニー"},
		{"（株）ソニー", "ソニー"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, identity.NormalizeCompanyName(tt.in), "%q", tt.in)
		require.Equal(t, tt.want, identity.NormalizeCompanyName(tt.want), "%q is its own key", tt.want)
	}
}
