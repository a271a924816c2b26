package demo

import (
	"time"

	"uglymugs/internal/scheme"
)

// Towns are the demo's places, by the slug of the default region they are
// in, so that a report's town is always in its region ("Leeds, Yorkshire
// and the Humber", never "Glasgow, London").
var Towns = map[string][]string{
	"north-east":       {"Newcastle", "Sunderland", "Middlesbrough"},
	"north-west":       {"Manchester", "Liverpool", "Preston"},
	"yorkshire-humber": {"Leeds", "Bradford", "Sheffield", "Hull"},
	"east-midlands":    {"Nottingham", "Leicester", "Derby"},
	"west-midlands":    {"Birmingham", "Coventry", "Wolverhampton"},
	"east-of-england":  {"Norwich", "Cambridge", "Ipswich"},
	"london":           {"Camden", "Hackney", "Croydon", "Lambeth"},
	"south-east":       {"Brighton", "Reading", "Southampton"},
	"south-west":       {"Bristol", "Plymouth", "Exeter"},
	"wales":            {"Cardiff", "Swansea", "Wrexham"},
	"scotland":         {"Glasgow", "Edinburgh", "Aberdeen"},
	"northern-ireland": {"Belfast", "Derry", "Newry"},
	"ireland":          {"Dublin", "Cork", "Limerick"},
}

// clock places the demo's events relative to the moment it starts, so the
// review queue looks the same whatever the day: coordinators act in
// working hours, members at any hour.
type clock struct {
	now   time.Time
	hours scheme.WorkingHours
}

// workAgo is about d of working time before now (within a minute or two),
// at a whole minute in working hours.
func (c clock) workAgo(d time.Duration) time.Time {
	// Between(t, now) only shrinks as t moves towards now, and only in
	// working hours: search for the earliest t that leaves less than d of
	// work before now, which is just after a working instant.
	lo, hi := c.now.Add(-d*7-21*24*time.Hour), c.now
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if c.hours.Between(mid, c.now) >= d {
			lo = mid
		} else {
			hi = mid
		}
	}
	if t := hi.Truncate(time.Minute); t.Before(hi) {
		return t.Add(time.Minute)
	}
	return hi
}

// after is the instant d of working time after t: when a coordinator who
// picked something up at t would be done.
func (c clock) after(t time.Time, d time.Duration) time.Time {
	return c.hours.Add(t, d).UTC()
}

// daysAgo is a wall-clock time some days before now, at the given hour of
// the scheme's clock (reports and applications come at any hour).
func (c clock) daysAgo(days int, hour, minute int) time.Time {
	loc := c.hours.Location
	if loc == nil {
		loc = time.UTC
	}
	d := c.now.In(loc).AddDate(0, 0, -days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc).UTC()
}
