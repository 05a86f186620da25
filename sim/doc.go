// Package sim builds synthetic B2B worlds with ground truth, for
// simulations, examples, tests and benchmarks.
//
// A [World] is a seeded, reproducible market: accounts with firmographics
// and hierarchies (subsidiaries such as "Globex DE" under "Globex"), persons
// with realistic job titles across the roles of a buying committee, and the
// noise real data has: leads without titles, the same person as a marketing
// lead and a CRM contact, free-mail addresses with the company given by
// name. Each account has a latent buying intent per solution interest; the
// accounts that are truly in market open a buying window, after which their
// committee engages more and with higher-intent actions (pricing page, demo
// requests, webinars), and many of them open an opportunity that is later
// won or lost. The world's e-mail engagement is with e-mails the program
// does not send (sales reps' e-mails: open_sales_email, click_sales_email);
// opens and clicks of the program's own e-mails (open_email, click_email,
// each naming its message by its key, [b2b.AttrMessageKey]) come from
// [Run]'s recording sender, so that the e-mail KPIs measure the program's
// e-mails alone, each once.
//
//	w, err := sim.New(sim.Config{Seed: 42, Accounts: 1000, Days: 90})
//	for d := range w.Config.Days {
//		acts := w.Day(d)               // the day's activities, in time order
//		opps := w.OpportunityChanges(d) // deals created or closed that day
//		...
//	}
//
// A [Config]'s zero fields take defaults; a share of [None] is zero (no
// account in market, no CRM duplicates, no free mail, ...), and so is an
// ActivityScale of None (no activities of the world's own).
// [Config.Validate] and [RunConfig.Validate] report every problem at
// once, each with its field's path (inMarketShare, salesFollowUp).
//
// [Truth] holds what really is: each record's real person, each person's
// account, role, seniority and department, each account's intent, whether
// and when it was in market, and its deals. The KPI report compares its
// MQAs with it (analytics.Report.CompareTruth: precision and recall, per
// account and per interest); the rest (true roles, labels, golden persons)
// is there for a host's or a test's own comparisons, such as
// qualification accuracy or identity match rates, which no report of
// Quorum computes.
//
// The world's days are the calendar days of its Start's location (UTC by
// default): day d runs from the midnight [World.Date](d) to the next one,
// that one not included, and holds all of the day's activities and deal
// changes. A Start that is no midnight is refused. Within it, each
// account's persons act between 08:00 and 18:00 on the clock of the
// account's zone (b2b.Account.TimeZone), and its deals open at 10:00 and
// close at 16:00 on it: for a zone far from Start's (Sydney's in a world
// of UTC days), the day holds the end of one local working day and the
// start of the next, read as one working day in local clock order.
//
// [Run] runs a program on a world and returns its [Result]: the engine,
// its store and what the run did. [Result.Events] is the run's event log
// in an order that is the same for every run of the same world and
// program: each account's events in that account's order, the accounts
// merged by their next event's time, ties by account ID, and Seq
// renumbered from 1. The store's own log is in commit order, where the
// accounts that the engine's workers processed at once interleave as
// they were scheduled, differently from run to run.
//
// Activities are generated day by day from a per-(account, day) seed, so a
// world with ten million activities needs memory only for its accounts and
// persons, and days or accounts can be generated in any order or in
// parallel with the same result.
package sim
