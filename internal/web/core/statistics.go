package core

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
)

// Monitoring statistics (internal/stats says what is counted and how the
// public figures are protected): the coordinators' page with its filters,
// a chart beside each table and a CSV of each; the public page; and the
// same full figures as JSON for coordinators. Nothing here shows personal
// data, but the full figures are staff-only: small exact counts, with what
// staff know besides, can point to a person.

// StatsQuery is a filter as the coordinators' page and the API read it: days
// on the scheme's clock and a region slug. Filters are codes and dates, so
// they may sit in URLs.
type StatsQuery struct {
	From, To string // "2006-01-02"; both days are included
	Region   string
}

// statsDefault is the last twelve months, on the clock of loc: from the
// first of the month eleven months ago to today.
func statsDefault(now time.Time, loc *time.Location) StatsQuery {
	n := now.In(loc)
	first := time.Date(n.Year(), n.Month()-11, 1, 12, 0, 0, 0, n.Location())
	return StatsQuery{From: first.Format(time.DateOnly), To: n.Format(time.DateOnly)}
}

// Statistics is a request for the full statistics: the filter as read, the
// reference lists it was checked against, what is wrong with it, and,
// when nothing is, the figures.
type Statistics struct {
	Query    StatsQuery
	Lists    scheme.Lists
	Problems map[string]string
	Filter   stats.Filter
	Figures  stats.Figures // counted only when there are no problems
}

// CheckedStatistics is Statistics for a download or the API, which have no
// form to show the filter's problems on: they are the error instead.
func (s *Server) CheckedStatistics(r *http.Request) (Statistics, error) {
	st, err := s.Statistics(r)
	if err == nil && len(st.Problems) > 0 {
		err = scheme.Invalid(st.Problems)
	}
	return st, err
}

// Statistics reads the filter in r's query and counts its figures; the
// coordinators' page, its downloads and the API all ask this way.
func (s *Server) Statistics(r *http.Request) (Statistics, error) {
	var st Statistics
	var err error
	if st.Lists, err = s.Content.Lists(r.Context()); err != nil {
		return st, err
	}
	st.Query, st.Filter, st.Problems = statsFilter(r, st.Lists.Regions, s.Location())
	if len(st.Problems) == 0 {
		st.Figures, err = s.Figures(r, st.Filter)
	}
	return st, err
}

// statsFilter reads and checks a filter; missing days take the default's.
func statsFilter(r *http.Request, regions []scheme.Region, loc *time.Location) (StatsQuery, stats.Filter, map[string]string) {
	q := r.URL.Query()
	def := statsDefault(time.Now(), loc)
	in := StatsQuery{From: cmp.Or(strings.TrimSpace(q.Get("from")), def.From), To: cmp.Or(strings.TrimSpace(q.Get("to")), def.To),
		Region: strings.TrimSpace(q.Get("region"))}
	problems := map[string]string{}
	day := func(name, v string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil || d.Year() < 1970 || d.Year() > 9000 {
			problems[name] = "Give a date as year-month-day, for example 2026-03-07."
		}
		return d
	}
	f := stats.Filter{From: day("from", in.From), Region: in.Region}
	if to := day("to", in.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if len(problems) == 0 && !f.From.Before(f.To) {
		problems["to"] = "The last day must not be before the first."
	}
	if in.Region != "" && !slices.ContainsFunc(regions, func(x scheme.Region) bool { return x.Slug == in.Region }) {
		problems["region"] = "Choose a region from the list."
	}
	return in, f, problems
}

// Values is the filter as a query string's values.
func (q StatsQuery) Values() url.Values {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	return v
}

// Encode is the filter as a query string.
func (q StatsQuery) Encode() string { return q.Values().Encode() }

// Figures counts the figures for f.
func (s *Server) Figures(r *http.Request, f stats.Filter) (stats.Figures, error) {
	return s.Reports.Statistics(r.Context(), f)
}

// StatsTable is a table with its chart and download link.
type StatsTable struct {
	stats.Table
	ID       string
	Chart    template.HTML // drawn by internal/stats, every label escaped
	Download string
	Wide     bool // more than two columns: the chart goes above the table, not beside it
}

// StatsTables are tables with their charts drawn in w's words (the
// tables' own words are theirs already); query, when not "", makes each
// table's download link.
func StatsTables(ts []stats.Table, query string, w stats.Words) []StatsTable {
	var out []StatsTable
	for _, t := range ts {
		id := "st-" + t.Slug
		st := StatsTable{Table: t, ID: id, Chart: template.HTML(stats.SVG(t, "chart-"+t.Slug, w)), // #nosec G203 -- stats.SVG escapes every text it writes (tested)
			Wide: len(t.Columns) > 2}
		if query != "" {
			st.Download = "/coordinator/statistics/download/" + url.PathEscape(t.Slug) + "?" + query
		}
		out = append(out, st)
	}
	return out
}
