// Package stats is the scheme's monitoring statistics without the I/O: the
// figures the store counts, the tables made from them (exact ones for
// coordinators, protected ones for the public under the 10-5 rule), CSV
// encoding of a table, and charts drawn on the server as SVG.
package stats

import (
	"cmp"
	"slices"
	"time"
)

// Filter narrows the figures: a span of time and a region. What the span
// applies to is said where each figure is counted: members by the day
// they joined, applications and reports by the day they arrived, alerts by
// the day they were published, checks by the day they were made.
type Filter struct {
	From time.Time // first instant counted; zero for the start of records
	To   time.Time // first instant not counted; zero for now
	// Region is a region slug, or "" for everywhere. Members count in every
	// region they work in; reports in their region; alerts in each region
	// they were sent to, and nationwide alerts everywhere.
	Region string
	// ExcludeRejected leaves out reports a coordinator rejected (the
	// public figures count only reports that were accepted).
	ExcludeRejected bool
}

// Category is one value of a dimension (a region, a sector, an incident
// type) with its name, in the scheme's order.
type Category struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Figures are the counts behind every table, for one filter. Counts are
// keyed by code; months by "2006-01" and days by "2006-01-02" on the
// scheme's clock.
type Figures struct {
	Filter   Filter
	Location *time.Location // the scheme's time zone, for months and days
	Now      time.Time      // when the figures were counted
	// Since is when the scheme's records begin (its first terms were
	// published): public years start with its year, whatever the data.
	Since time.Time

	// The scheme's own lists, in order, so that every category shows, even
	// with nothing in it; retired values too, which old records hold.
	Regions, Sectors, IncidentTypes, Genders []Category
	// SupportKinds are the kinds of help of the support services.
	SupportKinds []Category

	Members      MemberFigures
	Applications ApplicationFigures
	Reports      ReportFigures
	Alerts       AlertFigures
	Offenders    OffenderFigures
	Referrals    ReferralFigures
	// Checks is nil when the scheme keeps no log of checks.
	Checks *CheckFigures
}

// MemberFigures count active members: individuals and organisations (each
// by its key contact). An organisation's staff logins are counted apart,
// in Staff, and in none of the breakdowns.
type MemberFigures struct {
	Total    int
	Staff    int
	ByType   map[string]int // individual, project, establishment
	ByGender map[string]int // "" is not given
	BySector map[string]int // "" is not given
	ByRegion map[string]int // a member who works in several regions counts in each
	ByMonth  map[string]int // month joined (approved)
}

// ApplicationFigures count applications by the day they were made.
type ApplicationFigures struct {
	ByStatus map[string]int
	// Processing holds, for each decided application by outcome (approved,
	// rejected), the working time from application to decision.
	Processing map[string][]time.Duration
}

// ReportFigures count reports by the day they arrived.
type ReportFigures struct {
	Total      int
	Within72h  int // reported within 72 hours of the incident
	ThirdParty int // made on behalf of someone else
	ByStatus   map[string]int
	ByType     map[string]int // a report naming several kinds counts in each
	BySeverity map[string]int
	ByRegion   map[string]int
	ByContact  map[string]int // how contact was made; "" is not given
	ByMonth    map[string]ReportMonth
	// PoliceReported counts reports whose incident was reported to the
	// police: said so when sent, or done since with a caseworker's help.
	PoliceReported int
	// PoliceHelp counts reporters' requests for help making a full police
	// report, by outcome: "open", "reported", "declined", "unreachable".
	PoliceHelp map[string]int
}

// ReportMonth is one month of reports, with the reporters' consents.
type ReportMonth struct {
	Reports       int `json:"reports"`
	Within72h     int `json:"within_72h"`
	ThirdParty    int `json:"third_party"`
	Alert         int `json:"consent_alert"`
	Police        int `json:"consent_police"`
	Support       int `json:"consent_support"`
	PoliceContact int `json:"consent_police_contact"`
}

// Add sums two months.
func (m ReportMonth) Add(o ReportMonth) ReportMonth {
	return ReportMonth{Reports: m.Reports + o.Reports, Within72h: m.Within72h + o.Within72h, ThirdParty: m.ThirdParty + o.ThirdParty,
		Alert: m.Alert + o.Alert, Police: m.Police + o.Police, Support: m.Support + o.Support, PoliceContact: m.PoliceContact + o.PoliceContact}
}

// AlertFigures count alerts by the day they were published (withdrawn
// ones included: they went out), and what was delivered for them.
type AlertFigures struct {
	Published int
	ByMonth   map[string]int
	// Deliveries counts messages by channel ("in_app", "email", "sms") and
	// state (the delivery states; "delivered" and "read" in the app).
	Deliveries map[string]map[string]int
}

// OffenderFigures count offender profiles linked to two or more of the
// reports counted.
type OffenderFigures struct {
	// ByReports maps a number of reports (2 or more) to the profiles
	// linked to that many.
	ByReports map[int]int
	// Reports is how many of the reports counted name an offender who is
	// in another counted report too.
	Reports int
}

// ReferralFigures count the referrals to support services caseworkers
// suggested from reports, by the day suggested and the report's region.
type ReferralFigures struct {
	// ByKind maps a service's kind to its referrals by outcome: suggested,
	// made, accepted, declined (a closed referral counts under the last
	// of these it reached).
	ByKind map[string]map[string]int
}

// CheckFigures count members' checks by day.
type CheckFigures struct {
	ByDay map[string]CheckDay
	// Oldest is when the oldest check still in the log was made, whatever
	// the filter (zero: none): the log is deleted after some weeks, so
	// days before it count nothing for want of records.
	Oldest time.Time
}

// CheckDay is one day of checks.
type CheckDay struct {
	Checks int `json:"checks"`
	Hits   int `json:"hits"` // checks that found a published alert
}

// MonthKey is the month of t on the scheme's clock, as "2006-01".
func MonthKey(t time.Time, loc *time.Location) string {
	return t.In(cmp.Or(loc, time.UTC)).Format("2006-01")
}

// DayKey is the day of t on the scheme's clock, as "2006-01-02".
func DayKey(t time.Time, loc *time.Location) string {
	return t.In(cmp.Or(loc, time.UTC)).Format(time.DateOnly)
}

// months lists every month key from the one holding from to the one
// holding the instant before to, in order.
func months(from, to time.Time, loc *time.Location) []string {
	loc = cmp.Or(loc, time.UTC)
	if !to.After(from) {
		return nil
	}
	f, l := from.In(loc), to.Add(-time.Nanosecond).In(loc)
	cur := time.Date(f.Year(), f.Month(), 1, 12, 0, 0, 0, loc)
	last := time.Date(l.Year(), l.Month(), 1, 12, 0, 0, 0, loc)
	var out []string
	for !cur.After(last) {
		out = append(out, cur.Format("2006-01"))
		cur = cur.AddDate(0, 1, 0)
	}
	return out
}

// days lists every day key from the one holding from to the one holding
// the instant before to.
func days(from, to time.Time, loc *time.Location) []string {
	loc = cmp.Or(loc, time.UTC)
	if !to.After(from) {
		return nil
	}
	f, l := from.In(loc), to.Add(-time.Nanosecond).In(loc)
	cur := time.Date(f.Year(), f.Month(), f.Day(), 12, 0, 0, 0, loc)
	last := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, loc)
	var out []string
	for !cur.After(last) {
		out = append(out, cur.Format(time.DateOnly))
		cur = cur.AddDate(0, 0, 1)
	}
	return out
}

// span is the period the figures cover: the filter's, or from the first
// key present to now when the filter is open.
func (f Figures) span(keys []string, layout string) (from, to time.Time) {
	loc := cmp.Or(f.Location, time.UTC)
	from, to = f.Filter.From, f.Filter.To
	if to.IsZero() {
		to = cmp.Or(f.Now, time.Now())
	}
	if from.IsZero() {
		from = to
		if len(keys) > 0 {
			if t, err := time.ParseInLocation(layout, slices.Min(keys), loc); err == nil && t.Before(from) {
				from = t
			}
		}
	}
	return from, to
}
