package site

import (
	"net/http"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/web/core"
)

// PublicStatsView is the public statistics page.
type PublicStatsView struct {
	AsAt   string // the last day counted
	Tables []core.StatsTable
	Staff  bool // the reader may see the full figures
}

func (s *server) publicStatistics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cutoff := stats.PublicCutoff(time.Now(), s.Location())
		fig, err := s.Reports.PublicStatistics(r.Context(), cutoff)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		u, signedIn := core.UserFrom(r)
		loc := core.Loc(r)
		s.Render(w, r, http.StatusOK, viewStatsPublic, PublicStatsView{
			AsAt:   s.Date(loc, cutoff.AddDate(0, 0, -1), core.DateLong),
			Tables: core.StatsTables(stats.Public(fig, loc), "", loc),
			Staff:  signedIn && core.Allowed(u, []scheme.Role{scheme.RoleCoordinator}),
		})
	})
}
