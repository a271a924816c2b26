package staff

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/web/core"
)

// StatsView is the coordinators' statistics page: the figures that matter
// first, each against the period before, then every table by section,
// folded (a <details> each, so the page needs no script to open them).
type StatsView struct {
	Query     core.StatsQuery
	Errors    map[string]string
	Regions   []statsOption
	Period    string // "1 December 2025 to 23 November 2026, London"
	Before    string // "the 358 days before, 8 December 2024 to 30 November 2025"
	Headlines []statsHeadline
	Sections  []statsSection
}

type statsOption struct {
	Value, Label string
	Selected     bool
}

type statsHeadline struct {
	stats.Headline
	More string // the section that holds its detail, opened
}

type statsSection struct {
	Title, ID, Hint string
	Open            bool
	Tables          []statsTable
}

type statsTable struct {
	core.StatsTable
	DailyDownload string // for a table drawn by week: the figures by day
}

// statsHints say what each section's tables break the figures down by, on
// its folded line.
var statsHints = map[string]string{
	"Members":               "by type, gender, sector of work, region and month joined",
	"Applications":          "by status, and the time to a decision",
	"Reports":               "by month, kind, severity, region, contact, delay, who made them and status",
	"Consent":               "each of the four questions, by month",
	"Alerts and deliveries": "alerts by month, messages by channel",
	"Checks":                "by week, and how many found an alert",
	"Repeat offenders":      "offenders linked to two or more reports",
}

func (s *server) statisticsPage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		st, err := s.Statistics(r)
		if err != nil {
			return err
		}
		in, f := st.Query, st.Filter
		v := StatsView{Query: in, Errors: st.Problems, Regions: []statsOption{{Value: "", Label: "Everywhere", Selected: in.Region == ""}}}
		regionName := "everywhere"
		for _, x := range st.Lists.Regions {
			v.Regions = append(v.Regions, statsOption{Value: x.Slug, Label: x.Name, Selected: x.Slug == in.Region})
			if x.Slug == in.Region {
				regionName = x.Name
			}
		}
		if len(st.Problems) > 0 {
			s.Render(w, r, http.StatusUnprocessableEntity, viewStats, v)
			return nil
		}
		v.Period = fmt.Sprintf("%s to %s, %s", s.Time(f.From, core.DateLong), s.Time(f.To.AddDate(0, 0, -1), core.DateLong), regionName)

		prev, hasPrev := f.Previous(s.Location())
		var before stats.Figures
		if hasPrev {
			if before, err = s.Figures(r, prev); err != nil {
				return err
			}
			n := int(math.Round(prev.To.Sub(prev.From).Hours() / 24))
			v.Before = fmt.Sprintf("the %d %s before, %s to %s", n, map[bool]string{true: "day", false: "days"}[n == 1],
				s.Time(prev.From, core.DateLong), s.Time(prev.To.AddDate(0, 0, -1), core.DateLong))
		}
		hours, err := s.Reports.WorkingHours(r.Context())
		if err != nil {
			return err
		}
		sectionID := func(title string) string { return "st-" + strings.ToLower(strings.ReplaceAll(title, " ", "-")) }
		open := r.URL.Query().Get("open")
		for _, h := range stats.Headlines(st.Figures, before, hasPrev, hours.Words) {
			q, id := in.Values(), sectionID(h.Section)
			q.Set("open", id)
			v.Headlines = append(v.Headlines, statsHeadline{Headline: h, More: "/coordinator/statistics?" + q.Encode() + "#" + id})
		}
		for _, sec := range stats.DeskSections(st.Figures) {
			if len(sec.Tables) == 0 {
				continue
			}
			id := sectionID(sec.Title)
			section := statsSection{Title: sec.Title, ID: id, Open: open == id,
				Hint: statsHints[sec.Title]}
			for _, t := range core.StatsTables(sec.Tables, in.Encode(), stats.English) {
				st := statsTable{StatsTable: t}
				if t.Slug == "checks-week" {
					st.DailyDownload = "/coordinator/statistics/download/checks-day?" + in.Encode()
				}
				section.Tables = append(section.Tables, st)
			}
			v.Sections = append(v.Sections, section)
		}
		s.Render(w, r, http.StatusOK, viewStats, v)
		return nil
	}, scheme.RoleCoordinator))
}

// statisticsDownload sends one table as CSV, exact figures: any table of
// the page or of the API (checks by week and by day alike).
func (s *server) statisticsDownload() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		st, err := s.CheckedStatistics(r)
		if err != nil {
			return err
		}
		in := st.Query
		t, ok := stats.Find(append(stats.All(stats.Tables(st.Figures)), stats.All(stats.DeskSections(st.Figures))...), r.PathValue("table"))
		if !ok {
			return scheme.ErrNotFound
		}
		name := "statistics-" + t.Slug + "-" + in.From + "-to-" + in.To
		if in.Region != "" {
			name += "-" + in.Region
		}
		var b strings.Builder
		if err := stats.WriteCSV(&b, t); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		_, _ = w.Write([]byte(b.String())) // the client went away
		return nil
	}, scheme.RoleCoordinator))
}
