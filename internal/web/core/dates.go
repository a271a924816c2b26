package core

import "time"

// The ways pages write a moment. Every one is in the scheme's time zone
// (Location), written by Time: this is the one place that says how dates
// and times look.
const (
	Clock               = "15:04"
	DateLong            = "2 January 2006"
	DateShort           = "2 Jan 2006"
	DateTimeLong        = "2 January 2006, 15:04"
	DateTimeShort       = "2 Jan 2006 15:04"
	DateTimeShortComma  = "2 Jan 2006, 15:04"
	DateTimeThisYear    = "2 Jan 15:04"
	DayMonth            = "2 January"
	Weekday             = "Monday 2 January 2006"
	WeekdayShort        = "Mon 2 Jan 2006"
	WeekdayTime         = "Monday 2 January 2006, 15:04"
	WeekdayTimeShort    = "Mon 2 Jan 2006, 15:04"
	WeekdayThisYear     = "Mon 2 Jan"
	WeekdayTimeThisYear = "Mon 2 Jan 15:04"
)

// Time writes t in the scheme's time zone with one of the layouts above.
func (s *Server) Time(t time.Time, layout string) string { return t.In(s.Location()).Format(layout) }
