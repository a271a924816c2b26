// Package settings is what an admin sets for the scheme — its name,
// contact address, quick-exit site, office hours and closed days, the
// members' check allowance, two-person approval of alerts — and the one
// place every other part reads them from.
//
// It is a package of its own, not part of content, because every domain
// service reads it (accounts and reports their working hours, checks the
// allowance, the web its name and address) while it reads none of them:
// in content, those services would depend on the pages and the newsletter
// to learn the office hours.
//
// Several instances may serve one PostgreSQL database. Each reads the
// settings afresh at most every TTL (5 seconds), so a change made on one
// instance takes effect there at once and on the others within seconds,
// with no restart; the security setting that must never lag, two-person
// approval, is read at each publish (alert.Service.RequireApproval).
package settings

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// DefaultTTL is how long a read of the settings is used before the next.
const DefaultTTL = 5 * time.Second

// Service reads and changes the scheme's settings.
type Service struct {
	DB *store.DB
	// Defaults are the settings until they are stored: the first run's,
	// from the command line (Seed stores them).
	Defaults scheme.Settings
	// Location is the scheme's time zone, which is not a setting.
	Location *time.Location
	TTL      time.Duration // 0: DefaultTTL
	Now      func() time.Time

	mu     sync.Mutex
	cached scheme.Settings
	readAt time.Time // zero: not read yet
}

// New returns a Service over db, starting from defaults.
func New(db *store.DB, defaults scheme.Settings, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{DB: db, Defaults: defaults, Location: loc, Now: time.Now}
}

// Current returns the settings in force: those stored, over the defaults,
// read at most TTL ago.
func (s *Service) Current(ctx context.Context) (scheme.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if !s.readAt.IsZero() && now.Sub(s.readAt) < ttl && !now.Before(s.readAt) {
		return s.cached, nil
	}
	stored, err := s.DB.Settings.All(ctx)
	if err != nil {
		return s.Defaults, err
	}
	s.cached, s.readAt = scheme.SettingsFrom(s.Defaults, stored), now
	return s.cached, nil
}

// Hours are a domain service's clock and working hours: Fixed, those it
// was made with, unless Settings gives the ones an admin set (serve sets
// it; tests mostly do not). The time zone is always Fixed's: it is not a
// setting.
type Hours struct {
	Fixed    scheme.WorkingHours
	Settings *Service
}

// InForce are the working hours in force now.
func (h Hours) InForce(ctx context.Context) (scheme.WorkingHours, error) {
	return h.Settings.Hours(ctx, h.Fixed)
}

// Location is the scheme's time zone.
func (h Hours) Location() *time.Location { return h.Fixed.Location }

// Hours are the working hours in force. A nil Service gives fixed: the
// domain services take one only when an admin's settings apply (serve),
// and keep the hours they were made with otherwise (tests).
func (s *Service) Hours(ctx context.Context, fixed scheme.WorkingHours) (scheme.WorkingHours, error) {
	if s == nil {
		return fixed, nil
	}
	cur, err := s.Current(ctx)
	return cur.WorkingHours(s.Location), err
}

// CheckLimits are a member's check allowance in force, per day and per
// minute; a nil Service gives perDay and perMinute (see Hours).
func (s *Service) CheckLimits(ctx context.Context, perDay, perMinute int) (int, int, error) {
	if s == nil {
		return perDay, perMinute, nil
	}
	cur, err := s.Current(ctx)
	return cur.ChecksPerDay, cur.ChecksPerMinute, err
}

// Seed stores the defaults not stored yet (on the first run, all of them;
// after an upgrade, those new to it) and returns the keys whose stored
// value differs from the defaults: the flags given that no longer count.
func (s *Service) Seed(ctx context.Context) (differ []string, err error) {
	want := s.Defaults.Values()
	if _, err := s.DB.Settings.SeedSettings(ctx, want); err != nil {
		return nil, err
	}
	stored, err := s.DB.Settings.All(ctx)
	if err != nil {
		return nil, err
	}
	for k, v := range want {
		if stored[k] != v {
			differ = append(differ, k)
		}
	}
	slices.Sort(differ)
	s.forget()
	return differ, nil
}

func (s *Service) forget() {
	s.mu.Lock()
	s.readAt = time.Time{}
	s.mu.Unlock()
}

// Input is the Settings page as an admin filled it in, as typed.
type Input struct {
	Name, ContactEmail, QuickExitURL string
	Open, Close                      string   // "9:00", "17:30"
	Days                             []string // weekday codes: "mon"…
	ClosedDays                       string   // dates, one a line or separated by commas
	ChecksPerDay, ChecksPerMinute    string
	RequireApproval                  bool
	TrainingDueDays                  string // days from joining
}

// InputOf is the settings as the form shows them.
func InputOf(cur scheme.Settings) Input {
	in := Input{Name: cur.Name, ContactEmail: cur.ContactEmail, QuickExitURL: cur.QuickExitURL,
		Open: scheme.Clock(cur.Open), Close: scheme.Clock(cur.Close), ClosedDays: strings.Join(cur.ClosedList(), "\n"),
		ChecksPerDay: strconv.Itoa(cur.ChecksPerDay), ChecksPerMinute: strconv.Itoa(cur.ChecksPerMinute), RequireApproval: cur.RequireApproval,
		TrainingDueDays: strconv.Itoa(cur.TrainingDueDays)}
	for d, worked := range cur.Days {
		if worked {
			in.Days = append(in.Days, scheme.WeekdayCodes[d])
		}
	}
	return in
}

// parse reads what was typed; problems name each field that does not
// read, in plain words.
func (in Input) parse() (scheme.Settings, map[string]string) {
	p := map[string]string{}
	s := scheme.Settings{Name: strings.TrimSpace(in.Name), ContactEmail: strings.TrimSpace(in.ContactEmail),
		QuickExitURL: strings.TrimSpace(in.QuickExitURL), RequireApproval: in.RequireApproval}
	var err error
	if s.Open, err = scheme.ParseClock(in.Open); err != nil {
		p["open"] = "Give a time on the 24-hour clock, for example 9:00."
	}
	if s.Close, err = scheme.ParseClock(in.Close); err != nil {
		p["close"] = "Give a time on the 24-hour clock, for example 17:00."
	}
	if s.Days, err = scheme.ParseWeekdays(in.Days); err != nil {
		p["days"] = "Choose the days from the list."
	}
	if s.Closed, err = scheme.ParseClosedDays(strings.Join(strings.Fields(strings.ReplaceAll(in.ClosedDays, ",", " ")), ",")); err != nil {
		p["closed_days"] = strings.TrimPrefix(err.Error(), "closed days: ") + "."
	}
	number := func(field, v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			p[field] = "Give a whole number, for example 50."
		}
		return n
	}
	s.ChecksPerDay = number("checks_per_day", in.ChecksPerDay)
	s.ChecksPerMinute = number("checks_per_minute", in.ChecksPerMinute)
	s.TrainingDueDays = number("training_due_days", in.TrainingDueDays)
	for field, problem := range s.Problems() {
		if p[field] == "" {
			p[field] = problem
		}
	}
	return s, p
}

// personal are the settings an audit entry names without their value:
// the contact address may be a person's.
var personal = map[string]bool{scheme.SettingContactEmail: true}

// Update changes the settings to in: admins only; every field checked at
// once, each problem named beside it (nothing is stored then); what
// changed stored in one transaction with one audit entry naming the keys
// (and the values, but for the contact address). It takes effect on this
// instance at once.
func (s *Service) Update(ctx context.Context, u scheme.User, in Input) (scheme.Settings, error) {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Settings{}, scheme.Errorf(scheme.CodeForbidden, "Only admins can change the scheme's settings.")
	}
	next, problems := in.parse()
	if len(problems) > 0 {
		return next, scheme.Invalid(problems)
	}
	cur, err := s.fresh(ctx)
	if err != nil {
		return cur, err
	}
	old, now := cur.Values(), next.Values()
	changed, shown := map[string]string{}, map[string]string{}
	for k, v := range now {
		if old[k] != v {
			changed[k] = v
			if !personal[k] {
				shown[k] = v
			}
		}
	}
	if len(changed) == 0 {
		return cur, nil
	}
	if err := s.DB.Settings.SaveSettings(ctx, u.ID, changed, shown); err != nil {
		return cur, err
	}
	s.forget()
	return s.Current(ctx)
}

// fresh is Current read now, whatever the cache holds.
func (s *Service) fresh(ctx context.Context) (scheme.Settings, error) {
	s.forget()
	return s.Current(ctx)
}
