package analytics_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// day0 is the first day of every hand-built log: Monday 2026-03-02, 09:00 UTC.
var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(n float64) time.Time { return day0.Add(time.Duration(n * 24 * float64(time.Hour))) }

// eventLog builds a log in Seq order.
type eventLog []store.Event

func (l eventLog) add(account string, at time.Time, typ string, payload any) eventLog {
	var data []byte
	switch p := payload.(type) {
	case string:
		data = []byte(p)
	default:
		var err error
		if data, err = json.Marshal(p); err != nil {
			panic(err)
		}
	}
	return append(slices.Clip(l), store.Event{Seq: int64(len(l) + 1), Account: b2b.AccountID(account), Time: at, Type: typ, Data: data})
}

type m = map[string]any

// snap is a group.updated payload.
func snap(group, interest, stage string, completeness, score float64, readiness string) m {
	return m{"group": group, "interest": interest, "stage": stage, "completeness": completeness,
		"weightedCompleteness": completeness, "score": score, "velocity": 0, "members": 3, "readiness": readiness}
}

func created(group, interest string, at time.Time) m {
	return m{"type": "group_created", "group": group, "interest": interest, "at": at}
}

func val(f float64) *float64 { return &f }

func report(t testing.TB, l eventLog, cfg analytics.Config, p analytics.Period) *analytics.Report {
	t.Helper()
	r, err := analytics.Compute(l, cfg, p)
	require.NoError(t, err)
	return r
}
