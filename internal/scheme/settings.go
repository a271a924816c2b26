package scheme

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Settings are what an admin sets for the scheme on the Settings page,
// and what takes effect at once, on every instance. The command-line
// flags only give their values on the first run (see README). The time
// zone is not among them: it stays a flag (README says why).
type Settings struct {
	Name         string // shown on every page, e.g. "Ugly Mugs"
	ContactEmail string // the scheme's public address; contact-form messages go there
	QuickExitURL string // the neutral site "Exit this page" leaves for
	// Office hours: when coordinators work, on the scheme's clock. They
	// count the wait for a decision, the day to acknowledge a report, a
	// police enquiry's respond-by date.
	Open, Close time.Duration   // times of day, e.g. 9h and 17h
	Days        [7]bool         // the weekdays worked, by time.Weekday
	Closed      map[string]bool // days closed, "2026-12-25"
	// A member's check allowance.
	ChecksPerDay, ChecksPerMinute int
	// RequireApproval makes publishing an alert need a second
	// coordinator's approval.
	RequireApproval bool
	// TrainingDueDays is within how many days of joining an organisation
	// should have attended the scheme's training (training.go).
	TrainingDueDays int
}

// Keys of the settings in the settings table.
const (
	SettingName            = "scheme.name"
	SettingContactEmail    = "scheme.contact_email"
	SettingQuickExitURL    = "scheme.quick_exit_url"
	SettingOpen            = "hours.open"   // "09:00"
	SettingClose           = "hours.close"  // "17:00"
	SettingDays            = "hours.days"   // "mon,tue,wed,thu,fri"
	SettingClosed          = "hours.closed" // "2026-12-25,2026-12-28"
	SettingChecksPerDay    = "checks.per_day"
	SettingChecksPerMinute = "checks.per_minute"
	// SettingRequireApproval (alert.go) and SettingTrainingDueDays
	// (training.go) are the last.
)

// DefaultSettings are the settings of a new scheme with no flags given.
func DefaultSettings() Settings {
	w := DefaultWorkingHours(nil)
	return Settings{Name: "Ugly Mugs", ContactEmail: "help@uglymugs.example.org", QuickExitURL: "https://www.bbc.co.uk/weather",
		Open: w.Open, Close: w.Close, Days: w.Days, Closed: map[string]bool{}, ChecksPerDay: 50, ChecksPerMinute: 10, RequireApproval: true,
		TrainingDueDays: DefaultTrainingDueDays}
}

// WeekdayCodes name the weekdays in the settings, by time.Weekday.
var WeekdayCodes = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WorkingHours are the office hours in loc, the scheme's time zone.
func (s Settings) WorkingHours(loc *time.Location) WorkingHours {
	closed := map[string]bool{}
	for d := range s.Closed {
		closed[d] = true
	}
	return WorkingHours{Location: loc, Open: s.Open, Close: s.Close, Days: s.Days, Closed: closed}
}

// ClosedList is the closed days, in order.
func (s Settings) ClosedList() []string {
	var out []string
	for d := range s.Closed {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Values are the settings as the settings table stores them, by key.
func (s Settings) Values() map[string]string {
	var days []string
	for d, worked := range s.Days {
		if worked {
			days = append(days, WeekdayCodes[d])
		}
	}
	return map[string]string{
		SettingName: s.Name, SettingContactEmail: s.ContactEmail, SettingQuickExitURL: s.QuickExitURL,
		SettingOpen: Clock(s.Open), SettingClose: Clock(s.Close), SettingDays: strings.Join(days, ","),
		SettingClosed: strings.Join(s.ClosedList(), ","), SettingChecksPerDay: strconv.Itoa(s.ChecksPerDay),
		SettingChecksPerMinute: strconv.Itoa(s.ChecksPerMinute), SettingRequireApproval: strconv.FormatBool(s.RequireApproval),
		SettingTrainingDueDays: strconv.Itoa(s.TrainingDueDays),
	}
}

// SettingsFrom are def with every stored value that reads put in its
// place: a value that does not read (it never should: Problems checks
// each before it is stored) leaves def's.
func SettingsFrom(def Settings, stored map[string]string) Settings {
	s := def
	set := func(key string, read func(string) bool) {
		if v, ok := stored[key]; ok {
			read(v)
		}
	}
	text := func(dst *string) func(string) bool {
		return func(v string) bool { *dst = v; return true }
	}
	clock := func(dst *time.Duration) func(string) bool {
		return func(v string) bool {
			d, err := ParseClock(v)
			if err == nil {
				*dst = d
			}
			return err == nil
		}
	}
	number := func(dst *int) func(string) bool {
		return func(v string) bool {
			n, err := strconv.Atoi(v)
			if err == nil {
				*dst = n
			}
			return err == nil
		}
	}
	set(SettingName, text(&s.Name))
	set(SettingContactEmail, text(&s.ContactEmail))
	set(SettingQuickExitURL, text(&s.QuickExitURL))
	set(SettingOpen, clock(&s.Open))
	set(SettingClose, clock(&s.Close))
	set(SettingDays, func(v string) bool {
		days, err := ParseWeekdays(strings.Split(v, ","))
		if err == nil {
			s.Days = days
		}
		return err == nil
	})
	set(SettingClosed, func(v string) bool {
		closed, err := ParseClosedDays(v)
		if err == nil {
			s.Closed = closed
		}
		return err == nil
	})
	set(SettingChecksPerDay, number(&s.ChecksPerDay))
	set(SettingChecksPerMinute, number(&s.ChecksPerMinute))
	set(SettingRequireApproval, func(v string) bool { s.RequireApproval = v != "false"; return true })
	set(SettingTrainingDueDays, number(&s.TrainingDueDays))
	return s
}

// Clock writes a time of day as "09:00".
func Clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// ParseClock reads a time of day on the 24-hour clock: "9:00", "09:00",
// "17:30", "9" or "24:00" (midnight at the end of the day).
func ParseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ".", ":"))
	h, m, hasMinutes := strings.Cut(s, ":")
	hour, err := strconv.Atoi(h)
	minute := 0
	if err == nil && hasMinutes {
		if len(m) != 2 {
			err = fmt.Errorf("minutes in two digits")
		} else {
			minute, err = strconv.Atoi(m)
		}
	}
	if err != nil || len(h) > 2 || hour < 0 || minute < 0 || minute > 59 || hour*60+minute > 24*60 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute, nil
}

// ParseWeekdays reads weekday codes ("mon", "tue"…).
func ParseWeekdays(codes []string) ([7]bool, error) {
	var days [7]bool
	for _, c := range codes {
		i := slices.Index(WeekdayCodes[:], strings.TrimSpace(c))
		if i < 0 {
			return days, fmt.Errorf("%q is not a weekday", c)
		}
		days[i] = true
	}
	return days, nil
}

// Limits on the settings.
const (
	maxSchemeName   = 80
	maxClosedDays   = 400
	MaxChecksPerDay = 100000
)

// Problems checks the settings and names what is wrong with each, by the
// Settings page's field names (name, contact_email, quick_exit_url, open,
// close, days, closed_days, checks_per_day, checks_per_minute,
// training_due_days), in plain
// words. The page and the command-line flags are held to the same rules.
func (s Settings) Problems() map[string]string {
	p := map[string]string{}
	switch name := strings.TrimSpace(s.Name); {
	case name == "":
		p["name"] = "Give the scheme's name: it is shown on every page."
	case utf8.RuneCountInString(name) > maxSchemeName:
		p["name"] = fmt.Sprintf("Use at most %d characters.", maxSchemeName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		p["name"] = "Write the name on one line."
	}
	if a, err := mail.ParseAddress(s.ContactEmail); err != nil || a.Name != "" || a.Address != s.ContactEmail || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		p["contact_email"] = "Give an email address, for example help@example.org."
	}
	if u, err := url.Parse(s.QuickExitURL); err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(s.QuickExitURL) > 500 {
		p["quick_exit_url"] = "Give the full https:// address of a neutral site, for example https://www.bbc.co.uk/weather."
	}
	if s.Open < 0 || s.Open >= 24*time.Hour {
		p["open"] = "Give a time on the 24-hour clock, for example 9:00."
	}
	if s.Close <= s.Open || s.Close > 24*time.Hour {
		p["close"] = "The office must close after it opens, on the same day: for example 17:00."
	}
	if !slices.Contains(s.Days[:], true) {
		p["days"] = "Choose at least one day the office is open."
	}
	if len(s.Closed) > maxClosedDays {
		p["closed_days"] = fmt.Sprintf("Give at most %d closed days.", maxClosedDays)
	}
	if s.ChecksPerDay < 1 || s.ChecksPerDay > MaxChecksPerDay {
		p["checks_per_day"] = fmt.Sprintf("Give a whole number from 1 to %d.", MaxChecksPerDay)
	}
	if s.ChecksPerMinute < 1 || s.ChecksPerMinute > s.ChecksPerDay {
		p["checks_per_minute"] = "Give a whole number from 1 to the checks allowed in a day."
	}
	if msg := TrainingDueDaysProblem(s.TrainingDueDays); msg != "" {
		p["training_due_days"] = msg
	}
	return p
}

// Words are a language's words for HoursIn: its messages (an
// i18n.Localizer's, whose IDs are the English) and its days' names.
type Words interface {
	T(id string, data ...map[string]any) string
	Weekday(d time.Weekday) string
}

// HoursIn says the office hours in w's language: "Monday to Friday, 9:00
// to 17:00", "Monday, Wednesday and Friday, 10:00 to 16:00".
func (s Settings) HoursIn(w Words) string {
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	// Runs of days worked, Monday first.
	var runs [][2]time.Weekday
	for i := 0; i < len(order); i++ {
		if !s.Days[order[i]] {
			continue
		}
		j := i
		for j+1 < len(order) && s.Days[order[j+1]] {
			j++
		}
		runs = append(runs, [2]time.Weekday{order[i], order[j]})
		i = j
	}
	var parts []string
	for _, r := range runs {
		switch {
		case r[0] == r[1]:
			parts = append(parts, w.Weekday(r[0]))
		case int(r[1]-r[0]+7)%7 == 1:
			parts = append(parts, w.Weekday(r[0]), w.Weekday(r[1]))
		default:
			parts = append(parts, w.T("{{.From}} to {{.To}}", map[string]any{"From": w.Weekday(r[0]), "To": w.Weekday(r[1])}))
		}
	}
	days := w.T("no day")
	switch n := len(parts); {
	case n == 1:
		days = parts[0]
	case n > 1:
		days = w.T("{{.Some}} and {{.Last}}", map[string]any{"Some": strings.Join(parts[:n-1], w.T(", ")), "Last": parts[n-1]})
	}
	hm := func(d time.Duration) string {
		return fmt.Sprintf("%d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return w.T("{{.Days}}, {{.Open}} to {{.Close}}", map[string]any{"Days": days, "Open": hm(s.Open), "Close": hm(s.Close)})
}
