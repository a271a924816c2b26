package api

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/web/core"
)

// statsJSON is GET /api/v1/stats: the filter as read and every table.
type statsJSON struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Region   string          `json:"region,omitempty"`
	TimeZone string          `json:"time_zone"`
	Sections []stats.Section `json:"sections"`
}

func (s *server) apiStats() http.Handler {
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
		core.WriteJSON(w, http.StatusOK, statsJSON{From: in.From, To: in.To, Region: in.Region, TimeZone: s.Location().String(), Sections: stats.Tables(fig)})
	}, scheme.RoleCoordinator)
}
