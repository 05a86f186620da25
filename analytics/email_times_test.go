package analytics_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestEmailEarliestTimes checks that an e-mail's delivery, bounce, open and
// click count at the earliest time the log dates them, whatever the order
// the log holds them in (a late batch logs, after an open of Wednesday,
// one of Tuesday): a period that ends between the two sees the e-mail
// opened, as it sees an alert acknowledged or a group created at their
// earliest times.
func TestEmailEarliestTimes(t *testing.T) {
	t.Parallel()
	applied := func(typ, key string) m {
		return m{"count": 1, "byType": m{typ: 1}, "messages": m{typ: []string{key}}}
	}
	base := eventLog{}.
		add("a", day(0), "message.queued", m{"key": "k1", "channel": "email"}).
		add("a", day(0), "message.queued", m{"key": "k2", "channel": "email"})
	for _, tt := range []struct {
		name               string
		log                eventLog
		delivered, bounced int
		opened, clicked    int
	}{{
		name: "an open and a click logged after later ones",
		log: base.
			add("a", day(0.1), "message.delivered", m{"key": "k1"}).
			add("a", day(2), "activity.applied", applied("open_email", "k1")).
			add("a", day(2), "activity.applied", applied("click_email", "k1")).
			add("a", day(1), "activity.applied", applied("open_email", "k1")).
			add("a", day(1), "activity.applied", applied("click_email", "k1")),
		delivered: 1, opened: 1, clicked: 1,
	}, {
		name: "a delivery logged after a later one",
		log: base.
			add("a", day(3), "message.delivered", m{"key": "k2"}).
			add("a", day(0.5), "message.delivered", m{"key": "k2"}),
		delivered: 1,
	}, {
		name: "a bounce logged after a later one",
		log: base.
			add("a", day(0.1), "message.delivered", m{"key": "k1"}).
			add("a", day(3), "activity.applied", applied("email_bounced", "k1")).
			add("a", day(1), "activity.applied", applied("email_bounced", "k1")),
		bounced: 1,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(1.5)})
			require.Equal(t, tt.delivered, r.Email.Delivered, "delivered")
			require.Equal(t, tt.bounced, r.Email.Bounced, "bounced")
			require.Equal(t, tt.opened, r.Email.OpenRate.Numerator, "opened")
			require.Equal(t, tt.clicked, r.Email.ClickRate.Numerator, "clicked")
		})
	}
}
