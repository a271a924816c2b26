// Package check answers "has this been reported?" for a phone number, email
// address, vehicle registration or username, from published alerts only.
// Members get the alerts that name it; partner sites, through an API key,
// get only whether it was reported and how severely. Every check counts
// against an allowance (a day's and a minute's) and is logged with who asked
// and the blind index of what they asked about, never the value typed.
package check

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"uglymugs/internal/audit"
	"uglymugs/internal/identifier"

	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
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
	Left    int             // checks left today after this one (members only)
}

// Reported reports whether any published alert names the value.
func (r Result) Reported() bool { return r.Highest != "" }

// LimitError says a check was refused because an allowance is used up, and
// when to try again.
type LimitError struct {
	RetryAfter time.Duration
	Left       int  // checks left today (members only; 0 when the day's are used)
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
	DB  *store.DB
	Loc *time.Location // the scheme's time zone: a day's allowance starts at midnight there
	// Limits are the members' allowance, unless Settings gives the one an
	// admin set (serve does).
	Limits   Limits
	Settings *settings.Service
	Now      func() time.Time

	plans phonePlans // members' numbering plans, kept briefly (plans.go)
}

// Allowance is the members' allowance in force.
func (s *Service) Allowance(ctx context.Context) (Limits, error) {
	perDay, perMinute, err := s.Settings.CheckLimits(ctx, s.Limits.PerDay, s.Limits.PerMinute)
	return Limits{PerDay: perDay, PerMinute: perMinute}, err
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
	if u.Status != scheme.StatusActive || !CanCheck(u.Role) {
		return Result{}, scheme.Errorf(scheme.CodeForbidden, "Checks are for members. Coordinators can search every report on the Intelligence page.")
	}
	plan := identifier.DefaultRegion // read by for phone numbers only
	if kind == "phone" || kind == "" && Detect(value) == "phone" {
		var err error
		if plan, err = s.plans.get(ctx, s, u, s.PhoneRegion); err != nil {
			return Result{}, err
		}
	}
	kind, norm, err := NormaliseIn(kind, value, plan)
	if err != nil {
		return Result{}, err
	}
	lim, err := s.Allowance(ctx)
	if err != nil {
		return Result{}, err
	}
	out, err := s.DB.Checks.RunCheck(ctx, store.Check{UserID: u.ID, Channel: channel, Kind: kind, Normalised: norm,
		PerDay: lim.PerDay, PerMinute: lim.PerMinute, DayStart: s.dayStart()})
	if err != nil {
		return Result{}, err
	}
	if out.Limited {
		le := s.limitError(out)
		le.Left = max(lim.PerDay-out.Used, 0)
		return Result{}, le
	}
	r := Result{Kind: kind, Highest: out.Highest, Alerts: out.Alerts, Left: max(lim.PerDay-out.Used, 0)}
	if r.Alerts == nil {
		r.Alerts = []scheme.Alert{}
	}
	return r, nil
}

// Partner checks a value for a partner site's API key.
func (s *Service) Partner(ctx context.Context, key scheme.APIKey, kind, value string) (Result, error) {
	kind, norm, err := Normalise(kind, value)
	if err != nil {
		return Result{}, err
	}
	out, err := s.DB.Checks.RunCheck(ctx, store.Check{KeyID: key.ID, Channel: ChannelPartner, Kind: kind, Normalised: norm,
		PerDay: key.PerDay, PerMinute: key.PerMinute, DayStart: s.dayStart()})
	if err != nil {
		return Result{}, err
	}
	if out.Limited {
		return Result{}, s.limitError(out)
	}
	return Result{Kind: kind, Highest: out.Highest}, nil
}

// Left returns how many checks a member has left today.
func (s *Service) Left(ctx context.Context, u scheme.User) (int, error) {
	lim, err := s.Allowance(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.DB.Checks.ChecksToday(ctx, u.ID, s.dayStart())
	return max(lim.PerDay-n, 0), err
}

// CanCheck reports whether a role checks values: members and
// organisations' staff. Coordinators search reports instead.
func CanCheck(r scheme.Role) bool {
	return r == scheme.RoleMember || r == scheme.RoleOrgContact || r == scheme.RoleOrgStaff
}

// dayStart is midnight today in the scheme's zone.
func (s *Service) dayStart() time.Time {
	now := s.Now().In(s.Loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.Loc)
}

func (s *Service) limitError(out scheme.CheckOutcome) *LimitError {
	now := s.Now()
	if out.Daily {
		start := s.dayStart()
		next := time.Date(start.Year(), start.Month(), start.Day()+1, 0, 0, 0, 0, s.Loc)
		return &LimitError{Daily: true, RetryAfter: max(next.Sub(now), time.Second)}
	}
	return &LimitError{RetryAfter: max(out.FreeAt.Sub(now).Round(time.Second), time.Second)}
}

// Kinds a check can be of, in the API's words.
var Kinds = []string{"phone", "email", "vehicle", "username"}

// KindNames are the kinds in words, for pages and messages.
var KindNames = map[string]string{"phone": "phone number", "email": "email address", "vehicle": "vehicle registration", "username": "username"}

// PhoneRegion is the numbering plan that reads a phone number u checks
// without a country code: her regions' (for an organisation's staff, her
// key contact's too), by scheme.Lists.PhoneRegion, else the scheme's.
func (s *Service) PhoneRegion(ctx context.Context, u scheme.User) (string, error) {
	regions, err := s.DB.Vocab.MemberRegions(ctx, u.ID)
	if err != nil {
		return "", err
	}
	l, err := s.DB.Content.Lists(ctx)
	return l.PhoneRegion(regions, identifier.DefaultRegion), err
}

// Normalise detects the kind of value when kind is "" and normalises it as
// reports do, so that every way of writing it is one value. A partial value
// ("07700 90…", "AB1") is refused: a check answers for whole values only,
// so nobody can fish for what is known. A phone number without a country
// code is read as in the scheme's default region (identifier.DefaultRegion).
func Normalise(kind, value string) (string, string, error) {
	return NormaliseIn(kind, value, identifier.DefaultRegion)
}

// NormaliseIn is Normalise reading a phone number without a country code
// by the numbering plan of phoneRegion (an ISO 3166 code: "GB", "IE").
func NormaliseIn(kind, value, phoneRegion string) (string, string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "", scheme.Invalid(map[string]string{"value": "Type the phone number, email address, vehicle registration or username to check."})
	}
	if utf8.RuneCountInString(value) > 254 {
		return "", "", scheme.Invalid(map[string]string{"value": "That is too long to be a phone number, email address, registration or username."})
	}
	if kind == "" {
		kind = Detect(value)
	}
	if !slices.Contains(Kinds, kind) {
		return "", "", scheme.Invalid(map[string]string{"kind": "Choose what it is: a phone number, email address, vehicle registration or username."})
	}
	k, _ := identifier.ParseKind(kind)
	res, err := identifier.NormaliseIn(k, value, phoneRegion)
	if err != nil {
		var p identifier.Problem
		if errors.As(err, &p) {
			return kind, "", scheme.Invalid(map[string]string{"value": string(p)})
		}
		return kind, "", err
	}
	if res.Partial || kind == "phone" && countDigits(res.Value) < 7 {
		return kind, "", scheme.Invalid(map[string]string{"value": "Give the whole " + KindNames[kind] + ": a check matches complete values only, never part of one."})
	}
	return kind, res.Value, nil
}

// Detect guesses what a value is: an email address has an @ inside it, a
// username may start with one; a phone number is digits (with spaces,
// dashes, brackets, dots or a leading +); a value shaped like a UK or Irish
// registration is a vehicle; anything else is a username. People can say
// otherwise when it guesses wrong.
func Detect(value string) string {
	s := strings.TrimSpace(value)
	switch {
	case strings.HasPrefix(s, "@") || strings.HasPrefix(s, "＠"):
		return "username"
	case strings.Contains(s, "@") || strings.Contains(s, "＠"):
		return "email"
	}
	stripped := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-‐–().+/", r) {
			return -1
		}
		return r
	}, s)
	if stripped != "" && strings.IndexFunc(stripped, func(r rune) bool { return !unicode.IsDigit(r) && r != 'x' && r != 'X' && r != '.' }) < 0 &&
		countDigits(stripped) >= 3 {
		return "phone"
	}
	if platePattern.MatchString(identifier.Plate(s)) {
		return "vehicle"
	}
	return "username"
}

// platePattern matches registrations written in the current UK style
// (AB12 CDE), the prefix (A123 BCD) and suffix (ABC 123D) styles, and the
// Irish style (12-D-3456, 161-KY-12). Older and personalised ones can be
// chosen by hand.
var platePattern = regexp.MustCompile(`^(?:[A-Z]{2}[0-9]{2}[A-Z]{3}|[A-Z][0-9]{1,3}[A-Z]{3}|[A-Z]{3}[0-9]{1,3}[A-Z]|[0-9]{2,3}[A-Z]{1,2}[0-9]{1,6})$`)

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Unusual lists page p of the members whose checking over the last
// scheme.UnusualWindow looks like fishing: many different values, one
// value again and again, or values that are in reports. Coordinators only;
// showing who they are is a view of personal data, so each look is
// audited, with how many are flagged in all.
func (s *Service) Unusual(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.CheckingFlag], error) {
	if err := scheme.CanCoordinate(u, "review unusual checking"); err != nil {
		return scheme.Listed[scheme.CheckingFlag]{}, err
	}
	flags, err := s.DB.Checks.UnusualChecking(ctx, s.Now().Add(-scheme.UnusualWindow), p)
	if err != nil {
		return flags, err
	}
	return flags, s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "checks.flags.view", SubjectType: "checks",
		Detail: `{"flagged":` + strconv.Itoa(flags.Total) + `}`})
}
