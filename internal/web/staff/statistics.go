package staff

import (
	"fmt"
	"net/http"
	"strings"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/web/core"
)

// StatsView is the coordinators' statistics page.
type StatsView struct {
	Query    core.StatsQuery
	Errors   map[string]string
	Regions  []statsOption
	Period   string // "1 December 2025 to 23 November 2026, London"
	Sections []statsSection
}

type statsOption struct {
	Value, Label string
	Selected     bool
}

type statsSection struct {
	Title, ID string
	Tables    []core.StatsTable
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
		for _, sec := range stats.Tables(st.Figures) {
			if len(sec.Tables) == 0 {
				continue
			}
			v.Sections = append(v.Sections, statsSection{Title: sec.Title, ID: "st-" + strings.ToLower(strings.ReplaceAll(sec.Title, " ", "-")),
				Tables: core.StatsTables(sec.Tables, in.Encode())})
		}
		s.Render(w, r, http.StatusOK, viewStats, v)
		return nil
	}, scheme.RoleCoordinator))
}

// statisticsDownload sends one table as CSV, exact figures.
func (s *server) statisticsDownload() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		st, err := s.CheckedStatistics(r)
		if err != nil {
			return err
		}
		in := st.Query
		t, ok := stats.Find(stats.All(stats.Tables(st.Figures)), r.PathValue("table"))
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
