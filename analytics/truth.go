package analytics

import (
	"slices"

	"github.com/quorumhq/quorum/b2b"
)

// GroundTruth says what really held in the period: per account and
// solution interest, whether the account was truly in market for it (a
// simulation knows; a host may use won deals). An account known only as
// a whole uses the interest "" (AnyInterest). The type of sim's
// Truth.InMarket converts to it directly.
type GroundTruth map[b2b.AccountID]map[string]bool

// AnyInterest is the interest key of an account-level truth.
const AnyInterest = ""

// TruthComparison compares the period's MQAs with the ground truth, per
// account and, when the truth names interests, per (account, interest).
type TruthComparison struct {
	Accounts  Accuracy  `json:"accounts"`
	Interests *Accuracy `json:"interests,omitempty"`
}

// Accuracy is a confusion matrix with precision (TruePositives over the
// predicted: TruePositives + FalsePositives) and recall (TruePositives
// over the truly in market: TruePositives + FalseNegatives). Predicted
// means MQA in the period. NotInTruth counts the log's accounts (or
// pairs) the truth does not mention; they count as not in market.
type Accuracy struct {
	TruePositives  int   `json:"truePositives"`
	FalsePositives int   `json:"falsePositives"`
	FalseNegatives int   `json:"falseNegatives"`
	TrueNegatives  int   `json:"trueNegatives"`
	Precision      Ratio `json:"precision"`
	Recall         Ratio `json:"recall"`
	NotInTruth     int   `json:"notInTruth,omitempty"`
}

// CompareTruth compares the report's MQAs with the truth, stores the
// comparison in r.Truth (so that WriteText and JSON show it) and returns
// it.
//
// At account level the universe is every account of the log at To and of
// the truth; an account is predicted if one of its groups became qualified
// in the period, and in market if any of its interests is. At interest
// level the universe is every (account, interest) pair of the log's groups
// and of the truth (interest ""-entries excepted); it is computed only
// when the truth names at least one interest.
func (r *Report) CompareTruth(t GroundTruth) *TruthComparison {
	predicted := map[b2b.AccountID]bool{}
	for k, q := range r.pairs {
		predicted[k.account] = predicted[k.account] || q
	}
	// A set of the log's accounts: a market may hold millions, and
	// looking each truth account up in a list would take a time in
	// their square.
	known := make(map[b2b.AccountID]bool, len(r.known))
	for _, a := range r.known {
		known[a] = true
	}
	accounts := slices.Clone(r.known)
	for a := range t {
		if !known[a] {
			accounts = append(accounts, a)
		}
	}
	var acc Accuracy
	hasInterests := false
	for _, a := range accounts {
		truth, ok := t[a]
		inMarket := false
		for i, v := range truth {
			inMarket = inMarket || v
			hasInterests = hasInterests || i != AnyInterest
		}
		if !ok {
			acc.NotInTruth++
		}
		acc.add(predicted[a], inMarket)
	}
	acc.finish()
	tc := &TruthComparison{Accounts: acc}
	if hasInterests {
		var ia Accuracy
		pairs := map[interestKey]bool{}
		for k := range r.pairs {
			pairs[k] = true
		}
		for a, m := range t {
			for i := range m {
				if i != AnyInterest {
					pairs[interestKey{a, i}] = true
				}
			}
		}
		for k := range pairs {
			truth, ok := t[k.account][k.interest]
			if !ok {
				ia.NotInTruth++
			}
			ia.add(r.pairs[k], truth)
		}
		ia.finish()
		tc.Interests = &ia
	}
	r.Truth = tc
	return tc
}

func (a *Accuracy) add(predicted, actual bool) {
	switch {
	case predicted && actual:
		a.TruePositives++
	case predicted:
		a.FalsePositives++
	case actual:
		a.FalseNegatives++
	default:
		a.TrueNegatives++
	}
}

func (a *Accuracy) finish() {
	a.Precision = ratio(a.TruePositives, a.TruePositives+a.FalsePositives, "nothing was an MQA in the period")
	a.Recall = ratio(a.TruePositives, a.TruePositives+a.FalseNegatives, "nothing was truly in market")
}
