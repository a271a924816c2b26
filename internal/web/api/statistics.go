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

func (s *server) getStats(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	st, err := s.CheckedStatistics(r)
	if err != nil {
		return err
	}
	in := st.Query
	core.WriteJSON(w, http.StatusOK, statsJSON{From: in.From, To: in.To, Region: in.Region, TimeZone: s.Location().String(), Sections: stats.Tables(st.Figures)})
	return nil
}
