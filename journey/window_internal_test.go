package journey

import (
	"testing"
	"time"
)

// windowByClock is the first whole minute at or after t, within 16 days,
// whose clock in loc is inside w, found minute by minute; t when none is.
// A window over midnight (from after to) is inside from its from on one
// of its days to its to on the next day.
func windowByClock(w *cwindow, t time.Time, loc *time.Location) time.Time {
	for x := t.Truncate(time.Minute); x.Before(t.Add(16 * 24 * time.Hour)); x = x.Add(time.Minute) {
		if x.Before(t) {
			continue
		}
		l := x.In(loc)
		m := l.Hour()*60 + l.Minute()
		if w.from < w.to && w.days[l.Weekday()] && m >= w.from && m < w.to ||
			w.from > w.to && (w.days[l.Weekday()] && m >= w.from || w.days[(l.Weekday()+6)%7] && m < w.to) {
			return x
		}
	}
	return t
}

// A window lets a wait go at the first moment its clock reads inside it,
// around every change of the offset of zones that go forward, back, by
// half an hour, over midnight, or (Dublin) have their summer time as
// standard time, for windows within a day and over midnight.
func TestWindowNextAroundOffsetChanges(t *testing.T) {
	t.Parallel()
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago",
		"Pacific/Auckland", "Pacific/Chatham", "Antarctica/Troll", "America/Havana", "Africa/Casablanca", "Europe/Dublin"}
	wins := []cwindow{
		{from: 9 * 60, to: 17 * 60},
		{from: 60, to: 150},
		{from: 0, to: 60},
		{from: 23 * 60, to: 23*60 + 59},
		{from: 120, to: 180},
		{from: 135, to: 165},
		{from: 30, to: 90, days: [7]bool{time.Sunday: true}},
		{from: 23*60 + 30, to: 150},
		{from: 150, to: 60},
		{from: 23 * 60, to: 30, days: [7]bool{time.Saturday: true}},
	}
	for i := range wins {
		if wins[i].days == [7]bool{} {
			wins[i].days = [7]bool{true, true, true, true, true, true, true}
		}
	}
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for at, n := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), 0; n < 2; n++ { // the next two changes
			_, change := at.In(loc).ZoneBounds()
			if change.IsZero() {
				break
			}
			at = change
			for wi := range wins {
				w := &wins[wi]
				for x := change.Add(-27 * time.Hour); x.Before(change.Add(27 * time.Hour)); x = x.Add(30 * time.Minute) {
					if got, want := w.next(x, loc), windowByClock(w, x, loc); !got.Equal(want) {
						t.Fatalf("%s, window %s, from %v: got %v, want %v", zone, w, x.In(loc), got.In(loc), want.In(loc))
					}
				}
			}
		}
	}
}

// FuzzWindowNext checks next against the clock, minute by minute, for
// any window, moment and zone of a few that change their offset oddly.
func FuzzWindowNext(f *testing.F) {
	zones := []string{"Europe/Berlin", "Europe/Dublin", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "America/Havana", "Africa/Casablanca"}
	f.Add(int64(1761439200), uint8(1), uint16(60), uint16(150), uint8(127))
	f.Add(int64(1743296400), uint8(0), uint16(120), uint16(180), uint8(1))
	f.Add(int64(1761439200), uint8(0), uint16(1320), uint16(150), uint8(64))
	f.Fuzz(func(t *testing.T, unix int64, zone uint8, from, to uint16, days uint8) {
		loc, err := time.LoadLocation(zones[int(zone)%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		w := cwindow{from: int(from) % 1440, to: int(to) % 1440}
		if w.from == w.to {
			return // refused when compiled
		}
		for d := range 7 {
			w.days[d] = days&(1<<d) != 0
		}
		at := time.Unix(1700000000+unix%(10*365*24*3600), 0).Truncate(time.Minute)
		if got, want := w.next(at, loc), windowByClock(&w, at, loc); !got.Equal(want) {
			t.Fatalf("%s, window %s, from %v: got %v, want %v", loc, &w, at.In(loc), got.In(loc), want.In(loc))
		}
	})
}
