// Package check answers "has this been reported?" for a phone number, email
// address, vehicle registration or username, from published alerts only.
// Members get the alerts that name it; partner sites, through an API key,
// get only whether it was reported and how severely. Every check counts
// against an allowance (a day's and a minute's) and is logged with who asked
// and the blind index of what they asked about, never the value typed.
package check

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Limits are members' check allowances. Partner keys carry their own.
type Limits struct {
	PerDay    int // checks a member may make in a day (the scheme's day, from midnight)
	PerMinute int // and in any minute: a burst limit
}

// DefaultLimits are the limits when none are configured.
var DefaultLimits = Limits{PerDay: 50, PerMinute: 10}

// Channels a check can come through.
const (
	ChannelWeb     = "web"
	ChannelAPI     = "api"
	ChannelSMS     = "sms"
	ChannelPartner = "partner"
)

// Result is the answer to a check.
type Result struct {
	Kind    string          // what was checked: phone, email, vehicle or username
	Alerts  []scheme.Alert  // the published alerts that name it, as members see them (members only)
	Highest scheme.Severity // the highest severity among them; "" when none
}

// Reported reports whether any published alert names the value.
func (r Result) Reported() bool { return r.Highest != "" }

// LimitError says a check was refused because an allowance is used up, and
// when to try again.
type LimitError struct {
	RetryAfter time.Duration
	Daily      bool // the day's allowance (else the minute's)
}

func (e *LimitError) Error() string {
	if e.Daily {
		return "You have used today's checks. You can check again tomorrow."
	}
	return fmt.Sprintf("Too many checks at once. Try again in %d seconds.", int(e.RetryAfter.Round(time.Second)/time.Second))
}

// Service runs checks.
type Service struct {
	DB     *store.DB
	Loc    *time.Location // the scheme's time zone: a day's allowance starts at midnight there
	Limits Limits
	Now    func() time.Time
}

// New returns the service; zero limits take DefaultLimits.
func New(db *store.DB, loc *time.Location, l Limits) *Service {
	if l.PerDay <= 0 {
		l.PerDay = DefaultLimits.PerDay
	}
	if l.PerMinute <= 0 {
		l.PerMinute = DefaultLimits.PerMinute
	}
	return &Service{DB: db, Loc: loc, Limits: l, Now: time.Now}
}

// Member checks a value for an active member, through channel (web, api or
// sms). kind may be "" to detect it. Invalid or partial values are a
// *scheme.Error (CodeInvalid) naming the problem; a used-up allowance is a
// *LimitError.
func (s *Service) Member(ctx context.Context, u scheme.User, channel, kind, value string) (Result, error) {
	return Result{}, scheme.Errorf(scheme.CodeInternal, "not built yet")
}

// Partner checks a value for a partner site's API key.
func (s *Service) Partner(ctx context.Context, key store.APIKey, kind, value string) (Result, error) {
	return Result{}, scheme.Errorf(scheme.CodeInternal, "not built yet")
}
