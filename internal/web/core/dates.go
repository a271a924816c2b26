package core

import (
	"time"

	"uglymugs/internal/i18n"
)

// The ways pages write a moment. Every one is in the scheme's time zone
// (Location), written by Time: this is the one place that says how dates
// and times look.
const (
	Clock               = "15:04"
	DateLong            = i18n.DateLong
	DateShort           = "2 Jan 2006"
	DateTimeLong        = "2 January 2006, 15:04"
	DateTimeShort       = "2 Jan 2006 15:04"
	DateTimeShortComma  = "2 Jan 2006, 15:04"
	DateTimeThisYear    = "2 Jan 15:04"
	DayMonth            = i18n.DayMonth
	Weekday             = i18n.Weekday
	WeekdayShort        = i18n.WeekdayShort
	WeekdayTime         = "Monday 2 January 2006, 15:04"
	WeekdayTimeShort    = i18n.WeekdayTimeShort
	WeekdayThisYear     = "Mon 2 Jan"
	WeekdayTimeThisYear = "Mon 2 Jan 15:04"
)

// Time writes t in the scheme's time zone with one of the layouts above,
// in English (staff pages).
func (s *Server) Time(t time.Time, layout string) string { return t.In(s.Location()).Format(layout) }

// Date writes t in the scheme's time zone with one of the layouts above,
// in loc's language and its own form of the date (see i18n.Date); nothing
// for no time.
func (s *Server) Date(loc *i18n.Localizer, t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return loc.Date(t.In(s.Location()), layout)
}
