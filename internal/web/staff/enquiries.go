package staff

import (
	"net/http"
	"net/url"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Police enquiries (police/enquiry.go). Coordinators record a request,
// forward it about a report to its reporter or the organisation that filed
// it, and record the outcome; the reporter (or the organisation's key
// contact) answers on /enquiries. Anyone else gets a plain 404.

var enquiryStatusNames = map[string]string{"open": "Not forwarded yet", "forwarded": "Forwarded", "answered": "Answered", "closed": "Closed"}

// EnquiriesView is the coordinators' list and form.
type EnquiriesView struct {
	Items []enquiryRow
	Pager core.Pager
}

type enquiryRow struct {
	ID, Force, Received, RespondBy, Status string
	Overdue                                bool
}

func (s *server) renderEnquiries(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	items, pager, err := core.ListPage(r, u, "/coordinator/enquiries", s.Police.Enquiries)
	if err != nil {
		return err
	}
	now := time.Now()
	v := EnquiriesView{Pager: pager}
	for _, e := range items {
		v.Items = append(v.Items, enquiryRow{ID: e.ID, Force: e.Force, Received: s.Time(e.CreatedAt, core.DateShort),
			RespondBy: s.Time(e.RespondBy, core.DateShort), Status: enquiryStatusNames[e.Status], Overdue: e.Overdue(now)})
	}
	if f.Values == nil {
		q := r.URL.Query()
		f.Values = map[string]string{"report_id": q.Get("report"), "offender_id": q.Get("offender")}
	}
	f.Extra = v
	s.Render(w, r, status, viewEnquiries, f)
	return nil
}

func (s *server) enquiriesPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderEnquiries(w, r, u, http.StatusOK, core.FormView{})
}

func (s *server) createEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	vals := core.PostedValues(r, "force", "unit", "reference", "report_id", "offender_id", "request", "respond_by")
	e, err := s.Police.CreateEnquiry(r.Context(), u, police.EnquiryInput{Force: vals["force"], Unit: vals["unit"], Reference: vals["reference"],
		ReportID: vals["report_id"], OffenderID: vals["offender_id"], Request: vals["request"], RespondBy: vals["respond_by"]})
	return s.answer(w, r, err, vals, func(f core.FormView) error { return s.renderEnquiries(w, r, u, http.StatusUnprocessableEntity, f) }, "/coordinator/enquiries/"+url.PathEscape(e.ID)+"?done=created")
}

// EnquiryView is one enquiry for coordinators.
type EnquiryView struct {
	scheme.Enquiry
	StatusName, Received, RespondByDay string
	Overdue, Closed                    bool
	Reports                            []enquiryReport
	Notice                             string
	Errors, Values                     map[string]string
}

type enquiryReport struct {
	ID, Date, Region                 string
	HasReporter, HasOrganisation     bool
	Forwarded, To, Decision, Decided string
}

func (s *server) showEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v EnquiryView) error {
	ctx := r.Context()
	e, err := s.Police.Enquiry(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Enquiry, v.StatusName, v.Overdue, v.Closed = e, enquiryStatusNames[e.Status], e.Overdue(time.Now()), e.Status == "closed"
	v.Received, v.RespondByDay = s.Time(e.CreatedAt, core.DateLong), s.Time(e.RespondBy, core.Weekday)
	ids := []string{e.ReportID}
	if e.ProfileID != "" {
		if ids, err = s.Reports.ProfileReports(ctx, e.ProfileID); err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			return err
		}
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	fw := map[string]scheme.EnquiryForward{}
	for _, f := range e.Forwards {
		fw[f.ReportID] = f
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		rep, err := s.Reports.Peek(ctx, u, id)
		if err != nil {
			continue // erased since
		}
		row := enquiryReport{ID: id, Date: s.Time(rep.IncidentAt, core.DateShort), Region: l.RegionName(rep.Region),
			HasReporter: rep.ReporterID != "", HasOrganisation: rep.OrganisationID != ""}
		if f, ok := fw[id]; ok {
			row.Forwarded, row.To, row.Decision = s.Time(f.ForwardedAt, core.DateShort), f.To, core.EnquiryDecisionNames[f.Decision]
			if !f.DecidedAt.IsZero() {
				row.Decided = s.Time(f.DecidedAt, core.DateTimeShort)
			}
		}
		v.Reports = append(v.Reports, row)
	}
	if v.Values == nil {
		v.Values = map[string]string{"status": "answered"}
	}
	s.Render(w, r, status, viewEnquiry, v)
	return nil
}

func (s *server) enquiryPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.showEnquiry(w, r, u, http.StatusOK, EnquiryView{Notice: map[string]string{
		"created":   "The enquiry is recorded. Forward it to the reporter (or their organisation) below: they decide.",
		"forwarded": "Forwarded. They have a message and decide for themselves.",
		"outcome":   "The outcome is recorded.",
	}[r.URL.Query().Get("done")]})
}

func (s *server) forwardEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if _, err := s.Police.ForwardEnquiry(r.Context(), u, id, r.PostFormValue("report_id"), r.PostFormValue("to"), s.Accounts.URL); err != nil {
		return err
	}
	core.SeeOther(w, r, "/coordinator/enquiries/"+url.PathEscape(id)+"?done=forwarded")
	return nil
}

func (s *server) enquiryOutcome(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	vals := core.PostedValues(r, "status", "outcome")
	err := s.Police.Outcome(r.Context(), u, id, vals["status"], vals["outcome"])
	return s.answer(w, r, err, vals, func(f core.FormView) error {
		return s.showEnquiry(w, r, u, http.StatusUnprocessableEntity, EnquiryView{Errors: f.Errors, Values: f.Values})
	}, "/coordinator/enquiries/"+url.PathEscape(id)+"?done=outcome")
}
