package scheme

import (
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatalf("load Europe/London: %v", err)
	}
	return loc
}

// at is a local time in loc, written "2006-01-02 15:04".
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// bruteForce counts working time minute by minute, reading each minute's
// local clock: slow and obviously right, for from and to on whole minutes.
func bruteForce(w WorkingHours, from, to time.Time) time.Duration {
	var sum time.Duration
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		l := t.In(w.Location)
		clock := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
		if w.Days[l.Weekday()] && !w.Closed[l.Format(time.DateOnly)] && clock >= w.Open && clock < w.Close {
			sum += time.Minute
		}
	}
	return sum
}

func TestDefaultWorkingHours_IsMondayToFridayNineToFive(t *testing.T) {
	t.Parallel()
	loc := london(t)
	w := DefaultWorkingHours(loc)
	want := [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	if w.Location != loc || w.Open != 9*time.Hour || w.Close != 17*time.Hour || w.Days != want || w.Closed == nil {
		t.Errorf("DefaultWorkingHours = %+v", w)
	}
}

func TestWorkingHours_Between(t *testing.T) {
	t.Parallel()
	loc := london(t)
	w := DefaultWorkingHours(loc)
	w.Closed = map[string]bool{"2026-12-25": true, "2026-12-28": true}
	for _, tc := range []struct {
		name, from, to string
		want           time.Duration
	}{
		{"within a day", "2026-03-10 10:00", "2026-03-10 12:30", 150 * time.Minute},
		{"a whole day", "2026-03-10 09:00", "2026-03-10 17:00", 8 * time.Hour},
		{"across a weekend", "2026-03-06 16:00", "2026-03-09 10:00", 2 * time.Hour},
		{"a whole week", "2026-03-09 00:00", "2026-03-16 00:00", 40 * time.Hour},
		{"from before opening", "2026-03-10 07:00", "2026-03-10 10:00", time.Hour},
		{"from after closing", "2026-03-10 18:00", "2026-03-11 10:00", time.Hour},
		{"to after closing", "2026-03-10 16:15", "2026-03-10 23:00", 45 * time.Minute},
		{"closing to opening", "2026-03-10 17:00", "2026-03-11 09:00", 0},
		{"outside hours only", "2026-03-10 18:00", "2026-03-11 08:00", 0},
		{"a weekend only", "2026-03-07 09:00", "2026-03-08 17:00", 0},
		{"over Christmas and the closed Monday", "2026-12-24 16:00", "2026-12-29 10:00", 2 * time.Hour},
		{"on a closed day", "2026-12-25 10:00", "2026-12-25 12:00", 0},
		// British Summer Time ends at 02:00 on Sunday 25 October 2026. The
		// hours stay 9 to 5 on the clock, so an hour more passes by the clock
		// than in UTC between Friday and Monday, but working time is the same.
		{"across the end of summer time", "2026-10-23 16:00", "2026-10-26 10:00", 2 * time.Hour},
		{"a week across the end of summer time", "2026-10-19 12:00", "2026-10-26 12:00", 40 * time.Hour},
		// It starts at 01:00 on Sunday 29 March 2026.
		{"across the start of summer time", "2026-03-27 16:00", "2026-03-30 10:00", 2 * time.Hour},
		{"a week across the start of summer time", "2026-03-23 12:00", "2026-03-30 12:00", 40 * time.Hour},
		{"same instant", "2026-03-10 10:00", "2026-03-10 10:00", 0},
		{"backwards", "2026-03-10 12:00", "2026-03-10 10:00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			from, to := at(t, loc, tc.from), at(t, loc, tc.to)
			if got := w.Between(from, to); got != tc.want {
				t.Errorf("Between(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestWorkingHours_BetweenKeepsToTheLocalClockWhenTheClocksChange(t *testing.T) {
	t.Parallel()
	loc := london(t)
	// Monday 9:00 after the clocks go back is 09:00 UTC; the Friday before, 08:00 UTC.
	w := DefaultWorkingHours(loc)
	if got := w.Between(time.Date(2026, 10, 23, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC)); got != time.Hour {
		t.Errorf("Friday 08:00–09:00 UTC = %v, want 1h (9:00–10:00 BST)", got)
	}
	if got := w.Between(time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("Monday 08:00–09:00 UTC = %v, want 0 (8:00–9:00 GMT)", got)
	}

	// A scheme open all day, every day, has a 25-hour day when the clocks go
	// back and a 23-hour day when they go forward.
	all := WorkingHours{Location: loc, Open: 0, Close: 24 * time.Hour, Days: [7]bool{true, true, true, true, true, true, true}}
	for _, tc := range []struct {
		day  string
		want time.Duration
	}{
		{"2026-10-25", 25 * time.Hour},
		{"2026-03-29", 23 * time.Hour},
		{"2026-06-14", 24 * time.Hour},
	} {
		from := at(t, loc, tc.day+" 00:00")
		if got := all.Between(from, from.AddDate(0, 0, 1)); got != tc.want {
			t.Errorf("a whole %s = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestWorkingHours_BetweenMatchesAMinuteByMinuteCountOverWeeks(t *testing.T) {
	t.Parallel()
	loc := london(t)
	w := DefaultWorkingHours(loc)
	w.Closed = map[string]bool{"2026-12-25": true, "2026-12-28": true, "2027-01-01": true}
	odd := WorkingHours{
		Location: loc, Open: 7*time.Hour + 30*time.Minute, Close: 19*time.Hour + 45*time.Minute,
		Days:   [7]bool{time.Sunday: true, time.Tuesday: true, time.Saturday: true},
		Closed: map[string]bool{"2026-10-25": true, "2026-11-03": true},
	}
	for _, tc := range []struct {
		name     string
		w        WorkingHours
		from, to string
	}{
		{"seven weeks over Christmas", w, "2026-11-30 13:17", "2027-01-18 11:43"},
		{"six weeks over the end of summer time", w, "2026-10-02 16:59", "2026-11-13 09:01"},
		{"odd hours and days over the end of summer time", odd, "2026-10-01 06:00", "2026-11-20 20:00"},
		{"odd hours and days over the start of summer time", odd, "2026-03-01 08:10", "2026-04-20 19:50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			from, to := at(t, loc, tc.from), at(t, loc, tc.to)
			if got, want := tc.w.Between(from, to), bruteForce(tc.w, from, to); got != want {
				t.Errorf("Between = %v, minute by minute = %v", got, want)
			}
		})
	}
}

func TestWorkingHours_Add(t *testing.T) {
	t.Parallel()
	loc := london(t)
	w := DefaultWorkingHours(loc)
	w.Closed = map[string]bool{"2026-12-25": true, "2026-12-28": true}
	for _, tc := range []struct {
		name, from string
		d          time.Duration
		want       string
	}{
		{"within a day", "2026-03-10 10:00", 2 * time.Hour, "2026-03-10 12:00"},
		{"ends at closing time", "2026-03-10 16:00", time.Hour, "2026-03-10 17:00"},
		{"runs into the next day", "2026-03-10 16:00", 2 * time.Hour, "2026-03-11 10:00"},
		{"one working day from Friday afternoon", "2026-03-06 16:00", 8 * time.Hour, "2026-03-09 16:00"},
		{"across a weekend", "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"from a Saturday", "2026-03-07 11:00", time.Hour, "2026-03-09 10:00"},
		{"from before opening", "2026-03-10 06:00", 30 * time.Minute, "2026-03-10 09:30"},
		{"from after closing", "2026-03-10 20:00", 30 * time.Minute, "2026-03-11 09:30"},
		{"over closed days", "2026-12-24 16:00", 2 * time.Hour, "2026-12-29 10:00"},
		{"from a closed day", "2026-12-25 10:00", 8 * time.Hour, "2026-12-29 17:00"},
		{"across the end of summer time", "2026-10-23 16:00", 2 * time.Hour, "2026-10-26 10:00"},
		{"across the start of summer time", "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"three working weeks", "2026-03-09 09:00", 120 * time.Hour, "2026-03-27 17:00"},
		{"nothing", "2026-03-07 11:00", 0, "2026-03-07 11:00"},
		{"less than nothing", "2026-03-10 11:00", -time.Hour, "2026-03-10 11:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := w.Add(at(t, loc, tc.from), tc.d)
			if want := at(t, loc, tc.want); !got.Equal(want) || got.Location() != loc {
				t.Errorf("Add(%s, %v) = %v, want %v", tc.from, tc.d, got, want)
			}
		})
	}
}

func TestWorkingHours_AddNeverEndsWhenTheHoursNeverOpen(t *testing.T) {
	t.Parallel()
	loc := london(t)
	from := at(t, loc, "2026-03-10 10:00")
	noDays := DefaultWorkingHours(loc)
	noDays.Days = [7]bool{}
	backwards := DefaultWorkingHours(loc)
	backwards.Open, backwards.Close = 17*time.Hour, 9*time.Hour
	closedForYears := DefaultWorkingHours(loc)
	for d := from; d.Year() < 2029; d = d.AddDate(0, 0, 1) {
		closedForYears.Closed[d.Format(time.DateOnly)] = true
	}
	for name, w := range map[string]WorkingHours{"no days": noDays, "closing before opening": backwards, "closed for years": closedForYears} {
		if got := w.Add(from, time.Hour); !got.IsZero() {
			t.Errorf("%s: Add = %v, want the zero Time", name, got)
		}
		if got := w.Between(from, from.AddDate(1, 0, 0)); got != 0 {
			t.Errorf("%s: Between over a year = %v, want 0", name, got)
		}
	}
}

func TestWorkingHours_NilLocationIsUTC(t *testing.T) {
	t.Parallel()
	w := DefaultWorkingHours(nil)
	from := time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)
	if got := w.Between(from, time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)); got != 2*time.Hour {
		t.Errorf("Between = %v, want 2h", got)
	}
	if got, want := w.Add(from, 2*time.Hour), time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Add = %v, want %v", got, want)
	}
}

func TestWorkingHours_AddUndoesBetweenForRandomInstants(t *testing.T) {
	t.Parallel()
	loc := london(t)
	w := DefaultWorkingHours(loc)
	w.Closed, _ = ParseClosedDays("2026-04-03,2026-04-06,2026-05-04,2026-05-25,2026-08-31,2026-12-25,2026-12-28,2027-01-01")
	odd := WorkingHours{
		Location: loc, Open: 30 * time.Minute, Close: 23*time.Hour + 59*time.Minute,
		Days: [7]bool{time.Sunday: true, time.Wednesday: true}, Closed: maps.Clone(w.Closed),
	}
	rng := rand.New(rand.NewPCG(2026, 7))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	year := int64(365 * 24 * time.Hour)
	for name, hours := range map[string]WorkingHours{"default": w, "odd": odd} {
		for i := range 2000 {
			from := base.Add(time.Duration(rng.Int64N(year)))
			d := time.Duration(rng.Int64N(int64(3 * 7 * 24 * time.Hour)))
			end := hours.Add(from, d)
			if got := hours.Between(from, end); got != d {
				t.Fatalf("%s #%d: Between(%v, Add(%v, %v) = %v) = %v", name, i, from, from, d, end, got)
			}
			to := from.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))
			back := hours.Add(from, hours.Between(from, to))
			if back.After(to) || hours.Between(back, to) != 0 {
				t.Fatalf("%s #%d: Add(%v, Between(%v, %v)) = %v, not the last working instant up to %v", name, i, from, from, to, back, to)
			}
		}
	}
}

func TestParseClosedDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"2026-12-25", []string{"2026-12-25"}},
		{"2026-12-25,2026-12-28", []string{"2026-12-25", "2026-12-28"}},
		{" 2026-12-25 , 2026-12-28 ,", []string{"2026-12-25", "2026-12-28"}},
		{"2026-12-25,2026-12-25", []string{"2026-12-25"}},
		{"2028-02-29", []string{"2028-02-29"}},
	} {
		got, err := ParseClosedDays(tc.in)
		if err != nil {
			t.Errorf("ParseClosedDays(%q): %v", tc.in, err)
			continue
		}
		want := map[string]bool{}
		for _, d := range tc.want {
			want[d] = true
		}
		if !maps.Equal(got, want) {
			t.Errorf("ParseClosedDays(%q) = %v, want %v", tc.in, got, want)
		}
	}
}

func TestParseClosedDays_NamesTheDateItCannotRead(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"25/12/2026", "2026-13-01", "2026-02-30", "2027-02-29", "2026-2-3", "2026-12-25T00:00", "christmas", "2026-12-25;2026-12-28"} {
		_, err := ParseClosedDays("2026-12-24, " + bad)
		if err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("ParseClosedDays(%q): err = %v, want one naming it", bad, err)
		}
	}
}

func TestWorkingHours_WordsCountsTheSchemesOwnWorkingDays(t *testing.T) {
	nineToFive := DefaultWorkingHours(time.UTC)
	tenToFour := nineToFive
	tenToFour.Open, tenToFour.Close = 10*time.Hour, 16*time.Hour
	h := time.Hour
	cases := []struct {
		w    WorkingHours
		d    time.Duration
		want string
	}{
		{nineToFive, 0, "under an hour"},
		{nineToFive, 59 * time.Minute, "under an hour"},
		{nineToFive, h, "1 working hour"},
		{nineToFive, 7*h + 59*time.Minute, "7 working hours"},
		{nineToFive, 8 * h, "1 working day"},
		{nineToFive, 16 * h, "2 working days"},
		{nineToFive, 16*h + 30*time.Minute, "2 working days"},
		{nineToFive, 17 * h, "2 working days and 1 hour"},
		{nineToFive, 27 * h, "3 working days and 3 hours"},
		{tenToFour, 12 * h, "2 working days"},
		{tenToFour, 8 * h, "1 working day and 2 hours"},
		{WorkingHours{}, 16 * h, "2 working days"}, // no hours set: a day of 8
	}
	for _, c := range cases {
		if got := c.w.Words(c.d); got != c.want {
			t.Errorf("%v of %v–%v: %q, want %q", c.d, c.w.Open, c.w.Close, got, c.want)
		}
	}
}

func TestWorkingHours_IsOpenAndNextOpening(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	w := DefaultWorkingHours(london)
	w.Closed = map[string]bool{"2026-12-25": true, "2026-12-28": true}
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2026, month, day, hour, minute, 0, 0, london)
	}
	for _, c := range []struct {
		name string
		t    time.Time
		open bool
		next time.Time
	}{
		{"Monday 22:00", at(12, 7, 22, 0), false, at(12, 8, 9, 0)},
		{"Tuesday 06:00", at(12, 8, 6, 0), false, at(12, 8, 9, 0)},
		{"Tuesday at opening", at(12, 8, 9, 0), true, at(12, 8, 9, 0)},
		{"Tuesday noon", at(12, 8, 12, 0), true, at(12, 9, 9, 0)},
		{"Tuesday at closing", at(12, 8, 17, 0), false, at(12, 9, 9, 0)},
		{"Friday night", at(12, 11, 22, 30), false, at(12, 14, 9, 0)},
		{"Sunday", at(12, 13, 12, 0), false, at(12, 14, 9, 0)},
		{"Christmas Eve evening, before two closed days and a weekend", at(12, 24, 18, 0), false, at(12, 29, 9, 0)},
		{"a summer evening (BST)", at(7, 3, 20, 0), false, at(7, 6, 9, 0)},
	} {
		if got := w.IsOpen(c.t); got != c.open {
			t.Errorf("%s: open %v, want %v", c.name, got, c.open)
		}
		if got := w.NextOpening(c.t); !got.Equal(c.next) {
			t.Errorf("%s: next opening %v, want %v", c.name, got, c.next)
		}
	}
	if got := (WorkingHours{}).NextOpening(at(12, 7, 12, 0)); !got.IsZero() {
		t.Errorf("hours that never open: next opening %v, want none", got)
	}
}
