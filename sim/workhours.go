package sim

import (
	"slices"
	"time"
)

// Working hours: the world's persons act, and its CRM records deals, from
// 08:00 to 18:00 on the clock of their account's zone.
const (
	workOpen, workShut = 8, 18 // hours of the clock
	workLen            = (workShut - workOpen) * time.Hour
)

// span is a part of a world's day that is working hours in an account's
// zone.
type span struct{ from, to time.Time }

// workday is the working hours of an account's zone that fall within one
// of the world's days.
type workday struct {
	start time.Time // the day's midnight
	spans [3]span   // the first n, in the order of their local clock
	n     int
	total time.Duration
}

// workdayOf returns the parts of day d, [Date(d), Date(d+1)), that are
// working hours in loc. A day of a zone near Start's holds one working
// day whole; a day of a zone far from it holds the end of one local
// working day and the start of the next (Sydney's 08:00 to 11:00 and
// 11:00 to 18:00 in a day of UTC), ordered by their local clock, so that
// counting through them reads as one working day from 08:00 to 18:00.
// Only a day with a change to or from daylight saving time (in loc or in
// Start's location) holds more or less than ten hours of them. Only a day
// that its location's change of date skips (Apia's 30 December 2011, a
// day of no hours) holds none: a day of 23 hours or more holds some, as
// working days are 14 hours apart.
func (w *World) workdayOf(d int, loc *time.Location) workday {
	from, to := w.Date(d), w.Date(d+1)
	y, m, day := from.In(loc).Date()
	wd := workday{start: from}
	for k := -1; k <= 1; k++ {
		// Hours of the clock, not durations from midnight: a working
		// day is 08:00 to 18:00 on days of a change of time too.
		open := time.Date(y, m, day+k, workOpen, 0, 0, 0, loc).In(from.Location())
		shut := time.Date(y, m, day+k, workShut, 0, 0, 0, loc).In(from.Location())
		s := span{from: open, to: shut}
		if s.from.Before(from) {
			s.from = from
		}
		if s.to.After(to) {
			s.to = to
		}
		if s.from.Before(s.to) {
			wd.spans[wd.n] = s
			wd.n++
			wd.total += s.to.Sub(s.from)
		}
	}
	slices.SortFunc(wd.spans[:wd.n], func(a, b span) int {
		return clockOf(a.from, loc) - clockOf(b.from, loc)
	})
	return wd
}

// workday returns the working hours of account ai's zone within day d.
func (w *World) workday(ai, d int) workday {
	loc := w.zones[ai]
	if days := w.workdays[loc]; d >= 0 && d < len(days) {
		return days[d]
	}
	return w.workdayOf(d, loc)
}

// at returns the time x into the working day, for x in [0, 10h): local
// 08:00 plus x on a whole working day, scaled to the working hours a day
// holds otherwise. It is within the world's day, unless that has no
// hours: then it is the day's midnight.
func (wd workday) at(x time.Duration) time.Time {
	if wd.n == 0 {
		return wd.start
	}
	if wd.total != workLen {
		x = time.Duration(float64(x) * float64(wd.total) / float64(workLen))
	}
	for _, s := range wd.spans[:wd.n] {
		n := s.to.Sub(s.from)
		if x < n {
			return s.from.Add(x)
		}
		x -= n
	}
	last := wd.spans[wd.n-1]
	return last.to.Add(-time.Second) // x rounded up to the end
}

// clockOf is t's time of day in loc, in seconds since its midnight.
func clockOf(t time.Time, loc *time.Location) int {
	h, m, s := t.In(loc).Clock()
	return h*3600 + m*60 + s
}
