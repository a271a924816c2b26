package web

import (
	"cmp"
	"fmt"
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

// stLoc is the scheme's time zone, in which dates are given and months
// counted.
func (s *Server) stLoc() *time.Location { return cmp.Or(s.Accounts.Hours.Location, time.UTC) }

// StatsQuery is a filter as the coordinators' page and the API read it: days
// on the scheme's clock and a region slug. Filters are codes and dates, so
// they may sit in URLs.
type StatsQuery struct {
	From, To string // "2006-01-02"; both days are included
	Region   string
}

// StatsDefault is the last twelve months: from the first of the month eleven
// months ago to today.
func (s *Server) StatsDefault(now time.Time) StatsQuery {
	n := now.In(s.stLoc())
	first := time.Date(n.Year(), n.Month()-11, 1, 12, 0, 0, 0, n.Location())
	return StatsQuery{From: first.Format(time.DateOnly), To: n.Format(time.DateOnly)}
}

// StatsFilter reads and checks a filter; missing days take the default's.
func (s *Server) StatsFilter(r *http.Request, regions []scheme.Region) (StatsQuery, stats.Filter, map[string]string) {
	q := r.URL.Query()
	def := s.StatsDefault(time.Now())
	in := StatsQuery{From: cmp.Or(strings.TrimSpace(q.Get("from")), def.From), To: cmp.Or(strings.TrimSpace(q.Get("to")), def.To),
		Region: strings.TrimSpace(q.Get("region"))}
	problems := map[string]string{}
	day := func(name, v string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, v, s.stLoc())
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

func (q StatsQuery) Encode() string {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	return v.Encode()
}

// Figures counts the figures for f.
func (s *Server) Figures(r *http.Request, f stats.Filter) (stats.Figures, error) {
	return s.Reports.Statistics(r.Context(), f)
}

// --- The coordinators' page ---

// StatsView is the coordinators' statistics page.
type StatsView struct {
	Query    StatsQuery
	Errors   map[string]string
	Regions  []stOption
	Period   string // "1 December 2025 to 23 November 2026, London"
	Sections []stSection
}

type stOption struct {
	Value, Label string
	Selected     bool
}

type stSection struct {
	Title, ID string
	Tables    []StatsTable
}

// StatsTable is a table with its chart and download link.
type StatsTable struct {
	stats.Table
	ID       string
	Chart    template.HTML // drawn by internal/stats, every label escaped
	Download string
	Wide     bool // more than two columns: the chart goes above the table, not beside it
}

func StatsTables(ts []stats.Table, query string) []StatsTable {
	var out []StatsTable
	for _, t := range ts {
		id := "st-" + t.Slug
		st := StatsTable{Table: t, ID: id, Chart: template.HTML(stats.SVG(t, "chart-"+t.Slug)), // #nosec G203 -- stats.SVG escapes every text it writes (tested)
			Wide: len(t.Columns) > 2}
		if query != "" {
			st.Download = "/coordinator/statistics/download/" + url.PathEscape(t.Slug) + "?" + query
		}
		out = append(out, st)
	}
	return out
}

// StatsDay is a day as the page writes it.
func StatsDay(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 January 2006") }

func (s *Server) statisticsPage() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		lists, err := s.Content.Lists(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		in, f, problems := s.StatsFilter(r, lists.Regions)
		v := StatsView{Query: in, Errors: problems, Regions: []stOption{{Value: "", Label: "Everywhere", Selected: in.Region == ""}}}
		regionName := "everywhere"
		for _, x := range lists.Regions {
			v.Regions = append(v.Regions, stOption{Value: x.Slug, Label: x.Name, Selected: x.Slug == in.Region})
			if x.Slug == in.Region {
				regionName = x.Name
			}
		}
		if len(problems) > 0 {
			s.Render(w, r, http.StatusUnprocessableEntity, "stats", v)
			return
		}
		fig, err := s.Figures(r, f)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Period = fmt.Sprintf("%s to %s, %s", StatsDay(f.From, s.stLoc()), StatsDay(f.To.AddDate(0, 0, -1), s.stLoc()), regionName)
		for _, sec := range stats.Tables(fig) {
			if len(sec.Tables) == 0 {
				continue
			}
			v.Sections = append(v.Sections, stSection{Title: sec.Title, ID: "st-" + strings.ToLower(strings.ReplaceAll(sec.Title, " ", "-")),
				Tables: StatsTables(sec.Tables, in.Encode())})
		}
		s.Render(w, r, http.StatusOK, "stats", v)
	}, scheme.RoleCoordinator))
}

// statisticsDownload sends one table as CSV, exact figures.
func (s *Server) statisticsDownload() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		lists, err := s.Content.Lists(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		in, f, problems := s.StatsFilter(r, lists.Regions)
		if len(problems) > 0 {
			s.Fail(w, r, scheme.Invalid(problems))
			return
		}
		fig, err := s.Figures(r, f)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		t, ok := stats.Find(stats.All(stats.Tables(fig)), r.PathValue("table"))
		if !ok {
			s.Fail(w, r, scheme.ErrNotFound)
			return
		}
		name := "statistics-" + t.Slug + "-" + in.From + "-to-" + in.To
		if in.Region != "" {
			name += "-" + in.Region
		}
		var b strings.Builder
		if err := stats.WriteCSV(&b, t); err != nil {
			s.Fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		_, _ = w.Write([]byte(b.String())) // the client went away
	}, scheme.RoleCoordinator))
}

// --- The public page ---

// PublicStatsView is the public statistics page.
type PublicStatsView struct {
	AsAt   string // the last day counted
	Tables []StatsTable
	Staff  bool // the reader may see the full figures
}

func (s *Server) publicStatistics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cutoff := stats.PublicCutoff(time.Now(), s.stLoc())
		fig, err := s.Figures(r, stats.Filter{To: cutoff, ExcludeRejected: true})
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		u, signedIn := UserFrom(r)
		s.Render(w, r, http.StatusOK, "stats-public", PublicStatsView{
			AsAt:   StatsDay(cutoff.AddDate(0, 0, -1), s.stLoc()),
			Tables: StatsTables(stats.Public(fig), ""),
			Staff:  signedIn && Allowed(u, []scheme.Role{scheme.RoleCoordinator}),
		})
	})
}

// --- The API ---

// statsJSON is GET /api/v1/stats: the filter as read and every table.
type statsJSON struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Region   string          `json:"region,omitempty"`
	TimeZone string          `json:"time_zone"`
	Sections []stats.Section `json:"sections"`
}

func (s *Server) apiStats() http.Handler {
	return s.apiAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		lists, err := s.Content.Lists(r.Context())
		if err != nil {
			s.APIFail(w, r, err)
			return
		}
		in, f, problems := s.StatsFilter(r, lists.Regions)
		if len(problems) > 0 {
			s.APIFail(w, r, scheme.Invalid(problems))
			return
		}
		fig, err := s.Figures(r, f)
		if err != nil {
			s.APIFail(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, statsJSON{From: in.From, To: in.To, Region: in.Region, TimeZone: s.stLoc().String(), Sections: stats.Tables(fig)})
	}, scheme.RoleCoordinator)
}
