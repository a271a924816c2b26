package stats

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Public figures answer questions such as "how many individual members do
// you have?" without letting anyone single out a person. They are coarse
// and fixed, so that there is nothing to narrow: no filters, no months,
// whole years only, and only complete months (the counts stop at the start
// of this month, so the page changes once a month). Every count follows the
// rule in protect.go.
//
// Each public figure is worked out from one set of protected counts of
// separate groups — its base — and from nothing else:
//
//   - members: by membership type;
//   - members by region: each region's members (a member in several
//     regions counts in each, so these are separate counts, not a split of
//     the total, and no total is given);
//   - reports: by year, and within each year reported within 72 hours or
//     later; the year's reports, the total and the shares reported within
//     72 hours are all worked out from these protected counts;
//   - reports by kind of incident: each kind's reports (a report can name
//     several, so no total);
//   - alerts: by year.
//
// So every published figure is either a protected count of its base or
// computed from protected counts, and a "fewer than 10" can be anything
// from 0 to 9 without changing a single published figure.

// PublicCutoff is the end of the public figures for a page shown at now:
// the start of the current month on the scheme's clock.
func PublicCutoff(now time.Time, loc *time.Location) time.Time {
	n := now.In(cmp.Or(loc, time.UTC))
	return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, n.Location())
}

// yearOf is the year of a month key.
func yearOf(month string) string {
	y, _, _ := strings.Cut(month, "-")
	return y
}

// years lists the years from the one the scheme's records begin in to
// the year of the last instant counted. Which years show must not depend
// on the counts (a row for a year would say it had a report); figures
// from before the records begin (imported history, or demo data) add their
// years too.
func (f Figures) years(monthKeys ...[]string) []string {
	loc := cmp.Or(f.Location, time.UTC)
	to := f.Filter.To
	if to.IsZero() {
		to = cmp.Or(f.Now, time.Now())
	}
	last := to.Add(-time.Nanosecond).In(loc).Year()
	first := last
	if !f.Since.IsZero() {
		first = min(first, f.Since.In(loc).Year())
	}
	for _, ks := range monthKeys {
		for _, k := range ks {
			if y, err := strconv.Atoi(yearOf(k)); err == nil && y < first {
				first = y
			}
		}
	}
	var out []string
	for y := first; y <= last; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

// yearLabel names a year, saying so when the figures stop part-way
// through it.
func (f Figures) yearLabel(year string, w Words) string {
	loc := cmp.Or(f.Location, time.UTC)
	if f.Filter.To.IsZero() {
		return year
	}
	end := f.Filter.To.Add(-time.Nanosecond).In(loc)
	if strconv.Itoa(end.Year()) != year || end.Month() == time.December && end.Day() == 31 {
		return year
	}
	if end.Month() == time.January {
		return w.T("{{.Year}} (January)", map[string]any{"Year": year})
	}
	return w.T("{{.Year}} (January to {{.Month}})", map[string]any{"Year": year, "Month": w.Date(end, "January")})
}

// Public builds the public tables from figures counted up to a cutoff
// (Filter.To), with rejected reports left out, in w's words: the
// reader's. The lists' names (regions, kinds of incident) are messages
// too, in every catalogue.
func Public(f Figures, w Words) []Table {
	members := Table{Slug: "members", Title: w.T("Members"), Label: w.T("Membership"), Columns: []Column{{w.T("Members"), Count}},
		Note:  w.T("Members today who joined before the date above. An organisation counts once, however many of its staff use the service."),
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	var parts []Value
	for _, c := range membershipNames {
		v := Protect(f.Members.ByType[c.Key])
		parts = append(parts, v)
		members.Rows = append(members.Rows, Row{Key: c.Key, Label: w.T(c.Name), Values: []Value{v}})
	}
	members.Total = totalRow(w.T("All members"), Sum(parts...))

	regions := Table{Slug: "members-region", Title: w.T("Members by region"), Label: w.T("Region"), Columns: []Column{{w.T("Members"), Count}},
		Note:  w.T("Members who work in several regions count in each, so these do not add up to the number of members."),
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	for _, c := range f.Regions {
		regions.Rows = append(regions.Rows, Row{Key: c.Key, Label: w.T(c.Name), Values: []Value{Protect(f.Members.ByRegion[c.Key])}})
	}

	reportYears := map[string]ReportMonth{}
	for k, m := range f.Reports.ByMonth {
		reportYears[yearOf(k)] = reportYears[yearOf(k)].Add(m)
	}
	alertYears := map[string]int{}
	for k, n := range f.Alerts.ByMonth {
		alertYears[yearOf(k)] += n
	}
	years := f.years(slices.Collect(maps.Keys(f.Reports.ByMonth)), slices.Collect(maps.Keys(f.Alerts.ByMonth)))

	reports := Table{Slug: "reports-year", Title: w.T("Reports by year"), Label: w.T("Year"),
		Columns: []Column{{w.T("Reports"), Count}, {w.T("Reported within 72 hours (%)"), Percent}},
		Note:    w.T("Reports accepted by the scheme, by the year they reached it. Reporting within 72 hours of an incident means a warning can still help."),
		Chart:   Chart{Kind: Bars, Series: []int{0}}}
	var within, later []Value
	for _, y := range years {
		m := reportYears[y]
		in, late := Protect(m.Within72h), Protect(m.Reports-m.Within72h)
		within, later = append(within, in), append(later, late)
		reports.Rows = append(reports.Rows, Row{Key: y, Label: f.yearLabel(y, w), Values: []Value{Sum(in, late), Share(in, late)}})
	}
	all, allWithin, allLater := Sum(append(slices.Clone(within), later...)...), Sum(within...), Sum(later...)
	reports.Total = totalRow(w.T("All years"), all, Share(allWithin, allLater))

	kinds := Table{Slug: "reports-type", Title: w.T("Reports by kind of incident"), Label: w.T("Kind of incident"), Columns: []Column{{w.T("Reports"), Count}},
		Note:  w.T("All years together. A report can name more than one kind of incident, so these add up to more than the number of reports."),
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	for _, c := range f.IncidentTypes {
		kinds.Rows = append(kinds.Rows, Row{Key: c.Key, Label: w.T(c.Name), Values: []Value{Protect(f.Reports.ByType[c.Key])}})
	}

	alerts := Table{Slug: "alerts-year", Title: w.T("Alerts published by year"), Label: w.T("Year"), Columns: []Column{{w.T("Alerts"), Count}},
		Note:  w.T("Warnings sent to members. Alerts themselves are for members only."),
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	var alertParts []Value
	for _, y := range years {
		v := Protect(alertYears[y])
		alertParts = append(alertParts, v)
		alerts.Rows = append(alerts.Rows, Row{Key: y, Label: f.yearLabel(y, w), Values: []Value{v}})
	}
	alerts.Total = totalRow(w.T("All years"), Sum(alertParts...))

	return []Table{members, regions, reports, kinds, alerts}
}
