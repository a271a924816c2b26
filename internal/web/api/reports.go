package api

import (
	"net/http"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// reportJSON is a report as the API shows it: to its reporter, what they
// sent and where it is; to coordinators also the working copy and the
// offender profiles it is linked to.
type reportJSON struct {
	scheme.Report
	DelayHours float64               `json:"delay_hours"`
	Overdue    bool                  `json:"overdue"`
	Content    *scheme.ReportContent `json:"content,omitempty"`
	Working    *scheme.ReportContent `json:"working_copy,omitempty"`
	OffenderID []string              `json:"offender_ids,omitempty"`
	// Unread counts the scheme's messages the reporter has not read, in
	// her own list only.
	Unread *int `json:"unread_messages,omitempty"`
}

func (s *server) reportView(r scheme.Report, forStaff bool, full bool) reportJSON {
	out := reportJSON{Report: r, DelayHours: float64(r.Delay/time.Minute) / 60, Overdue: r.Overdue(time.Now())}
	if out.IncidentTypes == nil {
		out.IncidentTypes = []string{}
	}
	if !full {
		return out
	}
	orig := r.Original
	if forStaff {
		w := r.Working
		out.Working = &w
		seen := map[string]bool{}
		for _, o := range r.Working.Offenders {
			if o.ProfileID != "" && !seen[o.ProfileID] {
				seen[o.ProfileID] = true
				out.OffenderID = append(out.OffenderID, o.ProfileID)
			}
		}
	} else {
		orig = orig.ForReporter()
	}
	out.Content = &orig
	return out
}

func (s *server) submitReport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var in report.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	rep, err := s.Reports.Submit(r.Context(), u, in)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusCreated, map[string]any{"id": rep.ID, "status": rep.Status, "late": rep.Late})
	return nil
}

func (s *server) listReports(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	var queue []scheme.ReportStatus // nil: the caller's own reports
	staff := u.Role.Staff() && u.Status == scheme.StatusActive
	if staff && r.URL.Query().Get("mine") != "true" {
		queue = []scheme.ReportStatus{scheme.ReportSubmitted, scheme.ReportInReview}
		if st := r.URL.Query().Get("status"); st != "" {
			switch scheme.ReportStatus(st) {
			case scheme.ReportSubmitted, scheme.ReportInReview, scheme.ReportPublished, scheme.ReportIntelligence, scheme.ReportRejected:
				queue = []scheme.ReportStatus{scheme.ReportStatus(st)}
			default:
				s.APIFail(w, r, &scheme.Error{Code: scheme.CodeInvalid, Message: "Unknown status.",
					Fields: map[string]string{"status": "Use submitted, in_review, published, intelligence or rejected."}})
				return nil
			}
		}
	}
	// The API's lists are whole (scheme.Page{}): its contract has no pages.
	var rs scheme.Listed[scheme.Report]
	var err error
	if queue == nil {
		rs, err = s.Reports.Mine(r.Context(), u, scheme.Page{})
	} else {
		rs, err = s.Reports.Queue(r.Context(), u, scheme.Page{}, queue...)
	}
	if err != nil {
		return err
	}
	items := make([]reportJSON, len(rs.Items))
	for i, x := range rs.Items {
		items[i] = s.reportView(x, staff, false)
		if queue == nil {
			n, err := s.Reports.Unread(r.Context(), u, x)
			if err != nil {
				return err
			}
			items[i].Unread = &n
		}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *server) getReport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	rep, err := s.Reports.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, s.reportView(rep, rep.ReporterID != u.ID, true))
	return nil
}

func (s *server) patchConsents(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	// Only the reporter decides; read without the coordinators' audited view.
	rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	// Start from the current consents: a field left out is unchanged.
	c := rep.Consents
	if err := decode(r, &c); err != nil {
		return err
	}
	c, err = s.Reports.SetConsents(r.Context(), u, rep.ID, c)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"id": rep.ID, "consents": c})
	return nil
}

func (s *server) getOffender(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	p, err := s.Reports.OffenderProfile(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, p)
	return nil
}
