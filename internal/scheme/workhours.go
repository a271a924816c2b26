package scheme

import (
	"fmt"
	"strings"
	"time"
)

// WorkingHours describes when the scheme's coordinators work: some weekdays,
// a daily window on the local clock, in a time zone, minus closed days (bank
// holidays). It answers "how long has this waited, in working time?" and
// "when will a day's work have passed?".
type WorkingHours struct {
	// Location is the scheme's time zone; nil means UTC.
	Location *time.Location
	// Open and Close are times of day on the local clock, as durations from
	// midnight between 0 and 24h: 9h and 17h are 9:00 and 17:00 even on the
	// days the clocks change. There is no working time if Close is not after
	// Open.
	Open, Close time.Duration
	// Days says which weekdays are worked, indexed by time.Weekday.
	Days [7]bool
	// Closed holds local dates, written "2026-12-25", when nobody works.
	Closed map[string]bool
}

// DefaultWorkingHours is Monday to Friday, 9:00 to 17:00, in loc.
func DefaultWorkingHours(loc *time.Location) WorkingHours {
	w := WorkingHours{Location: loc, Open: 9 * time.Hour, Close: 17 * time.Hour, Closed: map[string]bool{}}
	for d := time.Monday; d <= time.Friday; d++ {
		w.Days[d] = true
	}
	return w
}

// Between returns the working time from one instant to another: 0 if to is
// not after from.
func (w WorkingHours) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	var sum time.Duration
	for day := w.dayOf(from); w.midnight(day).Before(to); day = day.AddDate(0, 0, 1) {
		open, closed, ok := w.window(day)
		if !ok {
			continue
		}
		start, end := later(open, from), earlier(closed, to)
		if end.After(start) {
			sum += end.Sub(start)
		}
	}
	return sum
}

// Add returns the instant, in the scheme's time zone, when d of working time
// has passed after from: for "you will hear by …" and the one-working-day
// acknowledgement timer. Work that ends exactly at closing time ends then,
// not at the next opening. A d of 0 or less gives from. If the hours never
// open (no days worked, Close not after Open, or a year of closed days in a
// row), Add returns the zero Time.
func (w WorkingHours) Add(from time.Time, d time.Duration) time.Time {
	from = from.In(w.loc())
	if d <= 0 {
		return from
	}
	idle := 0 // days in a row without working time
	for day := w.dayOf(from); idle <= 366; day = day.AddDate(0, 0, 1) {
		open, closed, ok := w.window(day)
		if !ok {
			idle++
			continue
		}
		idle = 0
		start := later(open, from)
		if !closed.After(start) {
			continue
		}
		left := closed.Sub(start)
		if d <= left {
			return start.Add(d)
		}
		d -= left
	}
	return time.Time{}
}

// ParseClosedDays reads a comma-separated list of dates written YYYY-MM-DD,
// such as "2026-12-25, 2026-12-28". Spaces around dates and empty items are
// ignored, so "" is no closed days.
func ParseClosedDays(s string) (map[string]bool, error) {
	days := map[string]bool{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, item); err != nil {
			return nil, fmt.Errorf("closed days: %q is not a date written YYYY-MM-DD, such as 2026-12-25", item)
		}
		days[item] = true
	}
	return days, nil
}

func (w WorkingHours) loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

// dayOf returns the local date of t, as midnight UTC so that stepping a day
// at a time never meets a clock change.
func (w WorkingHours) dayOf(t time.Time) time.Time {
	y, m, d := t.In(w.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// midnight returns the local midnight that starts day.
func (w WorkingHours) midnight(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, w.loc())
}

// window returns the instants day opens and closes, and whether it is worked
// at all.
func (w WorkingHours) window(day time.Time) (open, closed time.Time, ok bool) {
	y, m, d := day.Date()
	// time.Date reads seconds past midnight as a time on the local clock.
	at := func(t time.Duration) time.Time {
		return time.Date(y, m, d, 0, 0, int(t/time.Second), int(t%time.Second), w.loc())
	}
	open, closed = at(w.Open), at(w.Close)
	ok = w.Days[day.Weekday()] && !w.Closed[day.Format(time.DateOnly)] && closed.After(open)
	return open, closed, ok
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Words says a span of working time in whole working days (of this
// scheme's day, Open to Close) and hours, for people: "under an hour",
// "1 working hour", "5 working hours", "1 working day", "2 working days
// and 3 hours". Part of an hour is left out.
func (w WorkingHours) Words(d time.Duration) string {
	day := w.Close - w.Open
	if day <= 0 {
		day = 8 * time.Hour
	}
	days, hours := int(d/day), int(d%day/time.Hour)
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case days == 0 && hours == 0:
		return "under an hour"
	case days == 0:
		return plural(hours, "working hour", "working hours")
	case hours == 0:
		return plural(days, "working day", "working days")
	}
	return plural(days, "working day", "working days") + " and " + plural(hours, "hour", "hours")
}

// IsOpen reports whether t falls within working hours: on a worked day
// that is not closed, from opening (inclusive) to closing (exclusive).
func (w WorkingHours) IsOpen(t time.Time) bool {
	open, closed, ok := w.window(w.dayOf(t))
	return ok && !t.Before(open) && t.Before(closed)
}

// NextOpening returns the first opening of the office at or after t, in
// the scheme's time zone: "the start of the next working day" seen from
// an evening or a weekend, today's opening seen from early morning. Seen
// from within working hours, it is the next day's opening. If the hours
// never open (see Add), it returns the zero Time.
func (w WorkingHours) NextOpening(t time.Time) time.Time {
	idle := 0
	for day := w.dayOf(t); idle <= 366; day = day.AddDate(0, 0, 1) {
		open, _, ok := w.window(day)
		if !ok {
			idle++
			continue
		}
		idle = 0
		if !open.Before(t) {
			return open
		}
	}
	return time.Time{}
}
